//! The template: which columns a roster has, what their headers may be called, and where the
//! header row is.
//!
//! # The column set
//!
//! The columns are those of WeChat Work's 成员批量导入模板, plus the member fields of docs/directory-file.md
//! that the admin console edits. [`export`](mod@super::export) writes them in this order, with these
//! headers; the import also accepts each alias (case and spaces do not matter, full-width letters
//! are read as half-width, and a required-field marker such as `*` or `(必填)` is ignored):
//!
//! | header | also accepted | directory field | cell |
//! |---|---|---|---|
//! | 姓名 | 名字, name | `name` | text |
//! | 账号 | 帐号, 英文ID, userid, account | `userid` (the key) | letters, digits, `_ - . @` |
//! | 别名 | 英文名, alias, nickname | `alias` | text |
//! | 职务 | 职位, position, title | `position` | text |
//! | 部门 | 所在部门, department | `department` | paths `A->B->C`, several joined by `;` or `；` |
//! | 性别 | gender, sex | `gender` | 男 / 女 / 未知 (or 1 / 2 / 0) |
//! | 手机 | 手机号, 手机号码, mobile | `mobile` | **text**: `13800138000`, `+86 138 0013 8000` |
//! | 座机 | 电话, 办公电话, telephone, tel | `telephone` | **text**: `021-61234567` |
//! | 邮箱 | 个人邮箱, 电子邮箱, email | `email` | `name@domain` |
//! | 微信号 | 微信, weixin_id, wechat | `weixin_id` | letters, digits, `-`, `_`; never all digits |
//! | 生日 | 出生日期, birthday | `birthday` | a date cell, or `YYYY-MM-DD` (also `/`, `.`, `年月日`) |
//! | 入职日期 | 入职时间, hire_date | `hire_date` | same |
//! | 状态 | 账号状态, status | `status` | 启用 / 禁用 / 未关注 / 离职 (or 1 / 2 / 4 / 5) |
//!
//! Any other header is a **custom attribute** (自定义字段, `extattr`) of that name — `工号`,
//! `地址` — so no column is ever dropped; `extattr:名称` names one explicitly (export uses that
//! form only when an attribute's name would read as a template column). A column headed
//! 错误原因 is the reason column of an errors file and is ignored, so an errors file can be
//! imported again as it is.
//!
//! # The header row
//!
//! WeChat Work's template has instructions above the header, so the header row is the first of
//! the first [`HEADER_SEARCH_ROWS`] rows that names the 账号 column and at least one other
//! template column.
//!
//! This layer reads only [`super::sheet`]'s rows; [`super::cell`] reads the cells under the
//! columns found here, and [`export`](mod@super::export) writes these headers and words.

use std::collections::HashMap;

use crate::model::{Gender, Status};

use super::sheet::{column_letter, halfwidth, SheetRow};

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: u32 = 30;

/// A member field that has its own template column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 姓名 (`name`).
    Name,
    /// 账号 (`userid`), the key rows are matched by.
    Account,
    /// 别名 (`alias`).
    Alias,
    /// 职务 (`position`).
    Position,
    /// 部门 (`department`), as paths.
    Department,
    /// 性别 (`gender`).
    Gender,
    /// 手机 (`mobile`).
    Mobile,
    /// 座机 (`telephone`).
    Telephone,
    /// 邮箱 (`email`).
    Email,
    /// 微信号 (`weixin_id`).
    WeixinId,
    /// 生日 (`birthday`).
    Birthday,
    /// 入职日期 (`hire_date`).
    HireDate,
    /// 状态 (`status`).
    Status,
}

/// Every field, in the template's column order, with its header and the other names the import
/// accepts (already in the normalised form of [`normalise_header`]).
const FIELDS: [(Field, &str, &[&str]); 13] = [
    (Field::Name, "姓名", &["名字", "成员姓名", "name"]),
    (Field::Account, "账号", &["帐号", "账户", "帐户", "成员账号", "英文id", "userid", "account", "user_id"]),
    (Field::Alias, "别名", &["英文名", "昵称", "alias", "nickname"]),
    (Field::Position, "职务", &["职位", "岗位", "position", "title", "jobtitle"]),
    (Field::Department, "部门", &["所在部门", "部门路径", "department", "departments", "dept"]),
    (Field::Gender, "性别", &["gender", "sex"]),
    (Field::Mobile, "手机", &["手机号", "手机号码", "移动电话", "mobile", "mobilephone", "cellphone"]),
    (Field::Telephone, "座机", &["电话", "固定电话", "办公电话", "telephone", "tel", "landline"]),
    (Field::Email, "邮箱", &["个人邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"]),
    (Field::WeixinId, "微信号", &["微信", "weixin", "weixinid", "weixin_id", "wechat", "wechatid"]),
    (Field::Birthday, "生日", &["出生日期", "birthday", "birthdate", "dateofbirth"]),
    (Field::HireDate, "入职日期", &["入职时间", "hiredate", "hire_date"]),
    (Field::Status, "状态", &["账号状态", "帐号状态", "成员状态", "status"]),
];

/// The reason column of an errors file, and the names it is recognised by.
pub const REASON_HEADER: &str = "错误原因";
const REASON_ALIASES: [&str; 5] = ["错误原因", "错误信息", "失败原因", "error", "reason"];

/// The prefixes that mark a header as a custom attribute explicitly.
const CUSTOM_PREFIXES: [&str; 4] = ["extattr:", "extattr：", "自定义:", "自定义："];
/// The prefix export writes when an attribute's name would read as a template column.
pub const CUSTOM_PREFIX: &str = "extattr:";

impl Field {
    /// Every field, in the template's column order.
    pub fn all() -> impl Iterator<Item = Field> {
        FIELDS.iter().map(|&(field, _, _)| field)
    }

    /// The header export writes.
    pub fn header(self) -> &'static str {
        FIELDS.iter().find(|(f, _, _)| *f == self).map(|&(_, header, _)| header).expect("every field is listed")
    }

    /// The directory-file key of the field, as [`crate::model::FieldProblem`] names it.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Account => "userid",
            Field::Alias => "alias",
            Field::Position => "position",
            Field::Department => "department",
            Field::Gender => "gender",
            Field::Mobile => "mobile",
            Field::Telephone => "telephone",
            Field::Email => "email",
            Field::WeixinId => "weixin_id",
            Field::Birthday => "birthday",
            Field::HireDate => "hire_date",
            Field::Status => "status",
        }
    }

    /// The field a header names, if it names one.
    fn from_header(normalised: &str) -> Option<Field> {
        FIELDS
            .iter()
            .find(|(_, header, aliases)| *header == normalised || aliases.contains(&normalised))
            .map(|&(field, _, _)| field)
    }
}

/// What one column of a roster holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    /// A template column.
    Field(Field),
    /// A custom attribute (`extattr`) of this name.
    Custom(String),
    /// The reason column of an errors file: ignored.
    Reason,
    /// A column with an empty header: it must stay empty.
    Unnamed,
}

/// Whether a custom attribute's name, written bare as a header, would be read as something else.
pub fn custom_name_needs_prefix(name: &str) -> bool {
    classify(name) != Column::Custom(name.trim().to_owned())
}

/// The header row of a roster: where it is and what each column holds.
#[derive(Debug, Clone)]
pub struct Header {
    /// The header row's number in the sheet (1-based).
    pub row: u32,
    /// The header cells as written, one per column up to the last non-empty one.
    pub titles: Vec<String>,
    /// What each column holds, parallel to `titles`.
    pub columns: Vec<Column>,
}

impl Header {
    /// The column index of `field`, if the roster has that column.
    pub fn position(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Column::Field(field))
    }

    /// How an error names column `index`: its letter and its header, `F (手机)`.
    pub fn label(&self, index: usize) -> String {
        let letter = column_letter(index);
        match self.titles.get(index).map(|t| t.trim()).filter(|t| !t.is_empty()) {
            Some(title) => format!("{letter} ({title})"),
            None => letter,
        }
    }

    /// The custom-attribute columns, in order.
    pub fn custom_columns(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|c| match c {
            Column::Custom(name) => Some(name.as_str()),
            _ => None,
        })
    }
}

/// Why a sheet has no usable header row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// None of the first [`HEADER_SEARCH_ROWS`] rows looks like the template's header.
    #[error(
        "no header row: none of the first {HEADER_SEARCH_ROWS} rows names the 账号 (account) column and another \
         template column; the template's columns are {}",
        Field::all().map(Field::header).collect::<Vec<_>>().join(", ")
    )]
    NotFound,
    /// Two columns hold the same field, so a row would be ambiguous.
    #[error("header row {row}: columns {first} and {second} hold the same field; keep one of them")]
    DuplicateColumns {
        /// The header row's number in the sheet.
        row: u32,
        /// The first of the two columns, as `F (手机)`.
        first: String,
        /// The second, as `H (手机号)`.
        second: String,
    },
}

/// Finds the header row among the first [`HEADER_SEARCH_ROWS`] rows of `rows`.
pub fn find_header(rows: &[SheetRow]) -> Result<Header, HeaderError> {
    for row in rows.iter().take_while(|r| r.number <= HEADER_SEARCH_ROWS) {
        let width = row.cells.last().map_or(0, |&(col, _)| col as usize + 1);
        let mut titles = vec![String::new(); width];
        for (col, cell) in &row.cells {
            titles[*col as usize] = cell.display();
        }
        let columns: Vec<Column> = titles.iter().map(|t| classify(t)).collect();
        let fields = columns.iter().filter(|c| matches!(c, Column::Field(_))).count();
        if columns.contains(&Column::Field(Field::Account)) && fields >= 2 {
            let header = Header { row: row.number, titles, columns };
            check_duplicates(&header)?;
            return Ok(header);
        }
    }
    Err(HeaderError::NotFound)
}

/// Two columns that mean the same field would make a row ambiguous: refuse the file.
fn check_duplicates(header: &Header) -> Result<(), HeaderError> {
    let mut seen: HashMap<&Column, usize> = HashMap::new();
    for (i, column) in header.columns.iter().enumerate() {
        if matches!(column, Column::Reason | Column::Unnamed) {
            continue;
        }
        if let Some(first) = seen.insert(column, i) {
            return Err(HeaderError::DuplicateColumns {
                row: header.row,
                first: header.label(first),
                second: header.label(i),
            });
        }
    }
    Ok(())
}

/// What a header cell names.
fn classify(title: &str) -> Column {
    let trimmed = title.trim();
    if trimmed.is_empty() {
        return Column::Unnamed;
    }
    for prefix in CUSTOM_PREFIXES {
        let head = trimmed.get(..prefix.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
            return Column::Custom(trimmed[prefix.len()..].trim().to_owned());
        }
    }
    let normalised = normalise_header(trimmed);
    if REASON_ALIASES.contains(&normalised.as_str()) {
        return Column::Reason;
    }
    match Field::from_header(&normalised) {
        Some(field) => Column::Field(field),
        None => Column::Custom(trimmed.to_owned()),
    }
}

/// A header in the form the alias table uses: half-width, lower case, without spaces or a
/// required-field marker (`*姓名`, `姓名(必填)`, `手机号码（选填）`).
fn normalise_header(title: &str) -> String {
    let mut s: String = halfwidth(title).to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    for marker in ["(必填)", "(选填)", "(可选)", "(required)", "(optional)"] {
        if let Some(stripped) = s.strip_suffix(marker) {
            s = stripped.to_owned();
        }
    }
    s.trim_matches('*').to_owned()
}

/// The words the 状态 column is written in: export writes the first of each, import accepts all
/// of them (after [`halfwidth`] and lower-casing) and the codes of
/// docs/directory-file.md.
const STATUS_WORDS: [(Status, &[&str]); 4] = [
    (Status::Active, &["启用", "在职", "激活", "已激活", "正常", "active", "enabled", "1"]),
    (Status::Disabled, &["禁用", "已禁用", "停用", "disabled", "2"]),
    (Status::NotFollowed, &["未关注", "未激活", "notfollowed", "not_followed", "unfollowed", "4"]),
    (Status::Resigned, &["离职", "已离职", "退出企业", "resigned", "left", "5"]),
];

/// The words the 性别 column is written in, as for [`STATUS_WORDS`]; export leaves an unknown
/// gender blank.
const GENDER_WORDS: [(Gender, &[&str]); 3] = [
    (Gender::Male, &["男", "男性", "male", "m", "1"]),
    (Gender::Female, &["女", "女性", "female", "f", "2"]),
    (Gender::Unknown, &["未知", "保密", "unknown", "0"]),
];

/// The word export writes for a gender: empty when it is unknown.
pub fn gender_word(gender: Gender) -> &'static str {
    match gender {
        Gender::Unknown => "",
        known => GENDER_WORDS.iter().find(|(g, _)| *g == known).map(|(_, words)| words[0]).expect("listed"),
    }
}

/// The gender a 性别 cell names, if it names one.
pub fn gender_from_word(word: &str) -> Option<Gender> {
    let word = word.to_lowercase();
    GENDER_WORDS.iter().find(|(_, words)| words.contains(&word.as_str())).map(|&(g, _)| g)
}

/// The word export writes for a status.
pub fn status_word(status: Status) -> &'static str {
    STATUS_WORDS.iter().find(|(s, _)| *s == status).map(|(_, words)| words[0]).expect("every status is listed")
}

/// The status a 状态 cell names, if it names one.
pub fn status_from_word(word: &str) -> Option<Status> {
    let word = word.to_lowercase();
    STATUS_WORDS.iter().find(|(_, words)| words.contains(&word.as_str())).map(|&(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_chinese_and_english() {
        assert_eq!(classify("姓名"), Column::Field(Field::Name));
        assert_eq!(classify(" *帐号 "), Column::Field(Field::Account));
        assert_eq!(classify("UserID"), Column::Field(Field::Account));
        assert_eq!(classify("手机号码（必填）"), Column::Field(Field::Mobile));
        assert_eq!(classify("Ｅｍａｉｌ"), Column::Field(Field::Email));
        assert_eq!(classify("工号"), Column::Custom("工号".into()));
        assert_eq!(classify("extattr:手机"), Column::Custom("手机".into()));
        assert_eq!(classify("错误原因"), Column::Reason);
        assert_eq!(classify("  "), Column::Unnamed);
    }

    #[test]
    fn every_status_word_reads_back() {
        for status in [Status::Active, Status::Disabled, Status::NotFollowed, Status::Resigned] {
            assert_eq!(status_from_word(status_word(status)), Some(status));
            assert_eq!(status_from_word(&status.code().to_string()), Some(status));
        }
        assert_eq!(status_from_word("Resigned"), Some(Status::Resigned));
        assert_eq!(status_from_word("在"), None);
    }
}
