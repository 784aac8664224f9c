//! Importing a roster: each row becomes a new member, or (in update mode) changes an existing
//! one, or comes back as a [`RowError`] with every reason it was refused.
//!
//! # A row, start to finish
//!
//! 1. Its cells are read into field values ([`super::cell`]); a cell that cannot be read is a
//!    problem of that column. A cell under a column with no header is a problem too: a value is
//!    never ignored. Empty rows are skipped, and are neither read nor errors.
//! 2. Its account (账号) says whose row it is. An account that an earlier row of the file already
//!    used is refused (which of the two is right is the administrator's call). An account that
//!    is already in the directory is refused unless the import is in [`Mode::Update`].
//! 3. The member is built: a new one from the row, or in update mode the existing one with each
//!    non-blank cell applied — a blank cell leaves the old value, and a non-blank 部门 replaces
//!    the member's departments (keeping its sort number in any department it stays in). Department
//!    paths are found or created ([`super::tree`]).
//! 4. The member is checked as [`super::admit`] says; a new or changed mobile must also be a
//!    mainland number or carry its country code ([`super::cell::check_mainland_mobile`]).
//! 5. If anything is wrong the row is refused whole — departments it created are taken back —
//!    and every problem is reported with its column. Otherwise it is applied.
//!
//! # The organisation
//!
//! Imported into an existing directory (`--into`), paths are read against its tree. Imported
//! from nothing, the new directory's root department is the organisation, named
//!
//! 1. by [`ImportOptions::corp_name`], if given;
//! 2. else by the first name that every 部门 path starts with, when at least one path goes
//!    deeper (as in an export, whose paths start with the organisation's name): that department
//!    *is* the root, and the paths are read below it, so it is not created again as a child;
//! 3. else [`PLACEHOLDER_ORGANISATION`], with every path read below it, for the administrator
//!    to rename later. A roster whose paths all have one level (`教师组`, `班级组`) lands here
//!    too, since such a name is a department's rather than the organisation's.
//!
//! [`ImportReport::organisation`] says which it was.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::Map;

use crate::model::{Department, Directory, Gender, Member, Status, ROOT_PARENT};

use super::admit::Members;
use super::cell::{self, check_mainland_mobile};
use super::report::{CellProblem, ImportReport, Organisation, Place, RowError};
use super::sheet::{self, clean, SheetRow};
use super::template::{find_header, Column, Field, Header};
use super::tree::Tree;
use super::{Format, RosterError};

/// What to do with a row whose account is already in the directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Refuse it: the import only adds members.
    #[default]
    Add,
    /// Update that member ("update existing", keyed by account); rows with new accounts are added.
    Update,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Add only, or update existing members too.
    pub mode: Mode,
    /// The organisation's name, for an import that starts a new directory.
    pub corp_name: Option<String>,
}

/// Imports the roster in `bytes` into `into` (or into a new directory when `None`).
///
/// A file-level problem (too large, not a spreadsheet, no header row, no organisation name) is
/// an `Err` and nothing is imported; a bad row is a [`RowError`] in the report and the other
/// rows are imported.
pub fn import(
    bytes: &[u8],
    format: Format,
    into: Option<Directory>,
    options: &ImportOptions,
) -> Result<ImportReport, RosterError> {
    if options.mode == Mode::Update && into.is_none() {
        return Err(RosterError::UpdateWithoutDirectory);
    }
    let sheets = sheet::read(bytes, format)?;
    let (source, rows, header) = first_with_header(sheets)?;
    let first_data = rows.iter().position(|r| r.number > header.row).unwrap_or(rows.len());
    let (directory, organisation) = match into {
        Some(directory) => (directory, Organisation::Existing),
        None => {
            let common = organisation_name(rows[first_data..].iter().filter_map(|r| department_cell(&header, r)));
            let (name, organisation) = match (options.corp_name.as_deref(), common) {
                (Some(given), _) => (given.to_owned(), Organisation::Given),
                (None, Some(common)) => (common, Organisation::FromPaths),
                (None, None) => (PLACEHOLDER_ORGANISATION.to_owned(), Organisation::Placeholder),
            };
            (new_directory(&name)?, organisation)
        }
    };

    // Each row is read, applied and dropped in turn, so that a large roster is never held twice
    // over: once as cells and again as values.
    let mut run = Run::new(directory, &header, options.mode);
    for row in rows.into_iter().skip(first_data) {
        run.apply(&row);
    }
    run.finish(source, organisation)
}

/// The name a new directory's organisation gets when neither [`ImportOptions::corp_name`] nor
/// the 部门 paths name it: "unnamed organisation", for the administrator to replace.
pub const PLACEHOLDER_ORGANISATION: &str = "未命名组织";

/// The first worksheet that has a header row, with its rows and header.
fn first_with_header(sheets: Vec<sheet::Sheet>) -> Result<(String, Vec<SheetRow>, Header), RosterError> {
    let mut first_error = None;
    for sheet in sheets {
        match find_header(&sheet.rows) {
            Ok(header) => return Ok((sheet.source, sheet.rows, header)),
            Err(source) => {
                first_error.get_or_insert(RosterError::Header { sheet: sheet.source, source });
            }
        }
    }
    Err(first_error.unwrap_or(RosterError::NoWorksheet))
}

/// A new directory with only its root department, the organisation, named `name`.
fn new_directory(name: &str) -> Result<Directory, RosterError> {
    let name = clean(name);
    crate::model::check_department_name(name).map_err(RosterError::CorpName)?;
    Ok(Directory {
        corp_name: name.to_owned(),
        department: vec![Department {
            id: 1,
            name: name.to_owned(),
            parentid: ROOT_PARENT,
            order: 1,
            department_leader: Vec::new(),
            permission: None,
            hidden: false,
            visible_to: None,
            extra: Map::new(),
        }],
        userlist: Vec::new(),
        group: Vec::new(),
        field_policy: IndexMap::new(),
        extra: Map::new(),
    })
}

/// The department paths of `row`'s 部门 cell, if it has one that can be read.
fn department_cell(header: &Header, row: &SheetRow) -> Option<Vec<Vec<String>>> {
    let column = header.position(Field::Department)? as u32;
    let (_, cell) = row.cells.iter().find(|(col, _)| *col == column)?;
    cell::department_paths(cell).ok()
}

/// The name every department path starts with, if they all start with one and at least one
/// goes deeper (a roster whose paths are all one level names departments, not the organisation).
fn organisation_name(rows: impl Iterator<Item = Vec<Vec<String>>>) -> Option<String> {
    let mut first: Option<String> = None;
    let mut deeper = false;
    for path in rows.flatten() {
        let Some(head) = path.first() else { continue };
        match &first {
            None => first = Some(head.clone()),
            Some(name) if name != head => return None,
            Some(_) => {}
        }
        deeper |= path.len() > 1;
    }
    first.filter(|_| deeper)
}

/// One data row read into values; `None` is a blank cell.
#[derive(Debug, Default)]
struct RowValues {
    number: u32,
    account: Option<String>,
    name: Option<String>,
    alias: Option<String>,
    position: Option<String>,
    departments: Option<Vec<Vec<String>>>,
    gender: Option<Gender>,
    mobile: Option<String>,
    telephone: Option<String>,
    email: Option<String>,
    weixin_id: Option<String>,
    birthday: Option<String>,
    hire_date: Option<String>,
    status: Option<Status>,
    extattr: Vec<(String, String)>,
    /// Cells that could not be read.
    problems: Vec<CellProblem>,
    /// The fields whose cells could not be read: the member rules are not run on them again.
    unreadable: HashSet<&'static str>,
}

fn read_row(header: &Header, row: &SheetRow) -> RowValues {
    let mut values = RowValues { number: row.number, ..RowValues::default() };
    values.problems.extend(row.problem.iter().map(|reason| CellProblem { column: None, reason: reason.clone() }));
    for (col, cell) in &row.cells {
        let col = *col as usize;
        let column = header.columns.get(col).unwrap_or(&Column::Unnamed);
        let field = match column {
            Column::Reason => continue,
            Column::Unnamed => {
                values.problems.push(CellProblem {
                    column: Some(header.label(col)),
                    reason: "has a value but the column has no header: give the column a header or clear it".into(),
                });
                continue;
            }
            Column::Custom(name) => {
                match cell::text(cell) {
                    Ok(value) => values.extattr.push((name.clone(), value)),
                    Err(e) => {
                        values.problems.push(CellProblem { column: Some(header.label(col)), reason: e.to_string() })
                    }
                }
                continue;
            }
            Column::Field(field) => *field,
        };
        let read = match field {
            Field::Account => cell::code(cell).map(|v| values.account = Some(v)),
            Field::Name => cell::text(cell).map(|v| values.name = Some(v)),
            Field::Alias => cell::text(cell).map(|v| values.alias = Some(v)),
            Field::Position => cell::text(cell).map(|v| values.position = Some(v)),
            Field::Department => cell::department_paths(cell).map(|v| values.departments = Some(v)),
            Field::Gender => cell::gender(cell).map(|v| values.gender = Some(v)),
            Field::Mobile => cell::phone(cell).map(|v| values.mobile = Some(v)),
            Field::Telephone => cell::phone(cell).map(|v| values.telephone = Some(v)),
            Field::Email => cell::code(cell).map(|v| values.email = Some(v)),
            Field::WeixinId => cell::code(cell).map(|v| values.weixin_id = Some(v)),
            Field::Birthday => cell::date(cell).map(|v| values.birthday = Some(v)),
            Field::HireDate => cell::date(cell).map(|v| values.hire_date = Some(v)),
            Field::Status => cell::status(cell).map(|v| values.status = Some(v)),
        };
        if let Err(e) = read {
            values.problems.push(CellProblem { column: Some(header.label(col)), reason: e.to_string() });
            values.unreadable.insert(field.key());
        }
    }
    values
}

/// An import in progress.
struct Run<'h> {
    header: &'h Header,
    mode: Mode,
    directory: Directory,
    members: Members,
    tree: Tree,
    /// The accounts of the rows so far, and the row each was first on.
    seen: HashMap<String, u32>,
    rows_read: usize,
    imported: usize,
    updated: usize,
    unchanged: usize,
    errors: Vec<RowError>,
}

impl<'h> Run<'h> {
    fn new(mut directory: Directory, header: &'h Header, mode: Mode) -> Run<'h> {
        let members = Members::new(std::mem::take(&mut directory.userlist));
        let tree = Tree::new(&directory.department);
        Run {
            header,
            mode,
            directory,
            members,
            tree,
            seen: HashMap::new(),
            rows_read: 0,
            imported: 0,
            updated: 0,
            unchanged: 0,
            errors: Vec::new(),
        }
    }

    /// Applies one row, or records why it cannot be.
    fn apply(&mut self, cells: &SheetRow) {
        self.rows_read += 1;
        let mut row = read_row(self.header, cells);
        let mut problems = std::mem::take(&mut row.problems);
        let account_column = self.column(Field::Account);
        let Some(account) = row.account.take() else {
            problems.push(CellProblem {
                column: account_column,
                reason: "is empty: every row needs the member's account (账号), its unique key".into(),
            });
            return self.refuse(cells, problems);
        };
        if let Some(first) = self.seen.get(&account) {
            problems.push(CellProblem {
                column: account_column.clone(),
                reason: format!("{account:?} is also on row {first}: a member has one row; keep one of them"),
            });
        } else {
            self.seen.insert(account.clone(), row.number);
        }
        let existing = self.members.find(&account);
        let mut member = match (existing, self.mode) {
            (Some(index), Mode::Update) => self.members.get(index).clone(),
            (Some(_), Mode::Add) => {
                problems.push(CellProblem {
                    column: account_column,
                    reason: format!(
                        "{account:?} is already in the directory: import in update mode (--update) to change it"
                    ),
                });
                blank_member(account)
            }
            (None, _) => blank_member(account),
        };
        let mark = self.tree.mark();
        self.fill(&mut member, &mut row, &mut problems);
        let old_mobile = existing.and_then(|i| self.members.get(i).mobile.as_deref());
        if let Some(mobile) = member.mobile.as_deref().filter(|&m| Some(m) != old_mobile) {
            if let Err(e) = check_mainland_mobile(mobile) {
                problems.push(CellProblem { column: self.column(Field::Mobile), reason: e.to_string() });
            }
        }
        for problem in self.members.problems(&member, existing) {
            // A rule on a field whose cell could not be read repeats that cell's problem.
            if problem.fields.iter().any(|f| row.unreadable.contains(f)) {
                continue;
            }
            problems.push(CellProblem { column: self.columns_of(problem.fields), reason: problem.message });
        }
        if !problems.is_empty() {
            self.tree.rollback(mark);
            return self.refuse(cells, problems);
        }
        match existing {
            Some(index) if *self.members.get(index) == member => self.unchanged += 1,
            Some(index) => {
                self.members.replace(index, member);
                self.updated += 1;
            }
            None => {
                self.members.insert(member);
                self.imported += 1;
            }
        }
    }

    /// Applies the row's non-blank values to `member`.
    fn fill(&mut self, member: &mut Member, row: &mut RowValues, problems: &mut Vec<CellProblem>) {
        let text_fields = [
            (&mut member.alias, row.alias.take()),
            (&mut member.position, row.position.take()),
            (&mut member.mobile, row.mobile.take()),
            (&mut member.telephone, row.telephone.take()),
            (&mut member.email, row.email.take()),
            (&mut member.weixin_id, row.weixin_id.take()),
            (&mut member.birthday, row.birthday.take()),
            (&mut member.hire_date, row.hire_date.take()),
        ];
        for (field, value) in text_fields {
            if value.is_some() {
                *field = value;
            }
        }
        if let Some(name) = row.name.take() {
            member.name = name;
        }
        if let Some(gender) = row.gender {
            member.gender = gender;
        }
        if let Some(status) = row.status {
            member.status = status;
        }
        member.extattr.extend(row.extattr.drain(..));
        if let Some(paths) = row.departments.take() {
            let mut ids = Vec::with_capacity(paths.len());
            for path in &paths {
                match self.tree.resolve(path) {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(e) => {
                        problems.push(CellProblem { column: self.column(Field::Department), reason: e.to_string() })
                    }
                }
            }
            // The member keeps its sort number in each department it stays in.
            let order: Vec<u32> = ids.iter().map(|&d| member.order_in(d)).collect();
            member.order = if member.order.is_empty() && order.iter().all(|&o| o == 0) { Vec::new() } else { order };
            member.department = ids;
        }
    }

    /// Records a refused row with its cells as the spreadsheet shows them, by column: what the
    /// errors file writes back.
    fn refuse(&mut self, row: &SheetRow, problems: Vec<CellProblem>) {
        let width = row.cells.last().map_or(0, |&(col, _)| col as usize + 1);
        let mut cells = vec![String::new(); width];
        for (col, cell) in &row.cells {
            cells[*col as usize] = cell.display();
        }
        self.errors.push(RowError { place: Place::Row(row.number), problems, cells });
    }

    /// How an error names the column of `field`; `None` if the roster has no such column.
    fn column(&self, field: Field) -> Option<String> {
        self.header.position(field).map(|i| self.header.label(i))
    }

    /// The columns of the directory fields `keys` that the roster has, as one label.
    fn columns_of(&self, keys: &[&str]) -> Option<String> {
        let labels: Vec<String> = keys
            .iter()
            .filter_map(|key| Field::all().find(|f| f.key() == *key))
            .filter_map(|f| self.column(f))
            .collect();
        (!labels.is_empty()).then(|| labels.join(", "))
    }

    fn finish(self, source: String, organisation: Organisation) -> Result<ImportReport, RosterError> {
        let mut directory = self.directory;
        let departments_created = self.tree.created_count();
        directory.department.extend(self.tree.into_created());
        directory.userlist = self.members.into_list();
        // Every row was admitted against the directory's own rules, so this holds; checking it
        // here means a bug in the import can never write an invalid directory file.
        directory.validate().map_err(RosterError::Invalid)?;
        Ok(ImportReport {
            directory,
            source,
            rows_read: self.rows_read,
            imported: self.imported,
            updated: self.updated,
            unchanged: self.unchanged,
            departments_created,
            organisation,
            custom_columns: self.header.custom_columns().map(str::to_owned).collect(),
            notes: Vec::new(),
            errors: self.errors,
            error_columns: self.header.titles.clone(),
        })
    }
}

/// A member with only an account: what a new row's values are applied to.
fn blank_member(userid: String) -> Member {
    Member {
        userid,
        name: String::new(),
        alias: None,
        department: Vec::new(),
        order: Vec::new(),
        position: None,
        gender: Gender::Unknown,
        mobile: None,
        email: None,
        telephone: None,
        weixin_id: None,
        birthday: None,
        hire_date: None,
        status: Status::Active,
        followed: None,
        pinned: false,
        hidden: false,
        visible_to: None,
        extattr: IndexMap::new(),
        extra: Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DepartmentNameError;

    /// A roster of `(account, 部门 cell)` rows, each with a name and a distinct mobile.
    fn roster(rows: &[(&str, &str)]) -> String {
        let mut csv = String::from("姓名,账号,手机,部门\n");
        for (i, (account, departments)) in rows.iter().enumerate() {
            csv += &format!("某人,{account},1380013{i:04},{departments}\n");
        }
        csv
    }

    fn import_new(rows: &[(&str, &str)], corp_name: Option<&str>) -> Result<ImportReport, RosterError> {
        let options = ImportOptions { mode: Mode::Add, corp_name: corp_name.map(str::to_owned) };
        import(roster(rows).as_bytes(), Format::Csv, None, &options)
    }

    /// Every department as its path from the root, in the directory's order.
    fn tree(directory: &Directory) -> Vec<String> {
        let by_id: HashMap<u32, &Department> = directory.department.iter().map(|d| (d.id, d)).collect();
        let mut paths = Vec::new();
        for department in &directory.department {
            let mut names = vec![department.name.as_str()];
            let mut at = department;
            while let Some(parent) = by_id.get(&at.parentid) {
                names.push(&parent.name);
                at = parent;
            }
            names.reverse();
            paths.push(names.join("->"));
        }
        paths
    }

    #[test]
    fn a_first_name_every_path_shares_is_the_organisation_and_not_also_a_child() {
        let report =
            import_new(&[("a", "营销中心->大客户部->工业制造"), ("b", "营销中心->渠道部"), ("c", "营销中心")], None)
                .unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.organisation, Organisation::FromPaths);
        let dir = &report.directory;
        assert_eq!(dir.corp_name, "营销中心");
        assert_eq!(dir.root().unwrap().name, "营销中心");
        assert_eq!(tree(dir), ["营销中心", "营销中心->大客户部", "营销中心->大客户部->工业制造", "营销中心->渠道部"]);
        assert_eq!(dir.userlist[2].department, [dir.root().unwrap().id]);
        assert_eq!(report.departments_created, 3);
    }

    #[test]
    fn paths_that_start_differently_go_under_a_placeholder_organisation() {
        let report =
            import_new(&[("a", "营销中心->大客户部->工业制造"), ("b", "研发中心->平台部;营销中心->渠道部")], None)
                .unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.organisation, Organisation::Placeholder);
        let dir = &report.directory;
        assert_eq!(dir.corp_name, PLACEHOLDER_ORGANISATION);
        assert_eq!(
            tree(dir),
            [
                "未命名组织",
                "未命名组织->营销中心",
                "未命名组织->营销中心->大客户部",
                "未命名组织->营销中心->大客户部->工业制造",
                "未命名组织->研发中心",
                "未命名组织->研发中心->平台部",
                "未命名组织->营销中心->渠道部",
            ]
        );
        dir.validate().unwrap();
    }

    #[test]
    fn paths_of_one_level_name_departments_not_the_organisation() {
        // Even when they all name the same one: the organisation is not 教师组.
        for rows in [&[("a", "教师组"), ("b", "班级组")][..], &[("a", "教师组"), ("b", "教师组")]] {
            let report = import_new(rows, None).unwrap();
            assert_eq!(report.organisation, Organisation::Placeholder);
            assert_eq!(tree(&report.directory)[..2], ["未命名组织", "未命名组织->教师组"]);
        }
    }

    #[test]
    fn a_given_name_is_the_organisation_whatever_the_paths_say() {
        let rows = [("a", "示例学校->教师组"), ("b", "班级组"), ("c", "营销中心->渠道部")];
        let report = import_new(&rows, Some(" 示例学校 ")).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.organisation, Organisation::Given);
        assert_eq!(report.directory.corp_name, "示例学校");
        assert_eq!(
            tree(&report.directory),
            ["示例学校", "示例学校->教师组", "示例学校->班级组", "示例学校->营销中心", "示例学校->营销中心->渠道部"]
        );
        // Given, it is used even when the paths share another first name.
        let report = import_new(&[("a", "营销中心->渠道部")], Some("示例公司")).unwrap();
        assert_eq!(tree(&report.directory), ["示例公司", "示例公司->营销中心", "示例公司->营销中心->渠道部"]);
    }

    #[test]
    fn a_given_name_must_be_a_department_name() {
        let error = import_new(&[("a", "教师组")], Some("  ")).unwrap_err();
        assert!(matches!(error, RosterError::CorpName(DepartmentNameError::Empty)), "{error:?}");
        assert_eq!(error.to_string(), "the organisation's name is empty");
    }

    #[test]
    fn importing_into_a_directory_keeps_its_organisation() {
        let first = import_new(&[("a", "示例学校->教师组")], None).unwrap();
        let options = ImportOptions { mode: Mode::Add, corp_name: None };
        let csv = roster(&[("b", "研发中心->平台部")]).replace("13800130000", "13800139999");
        let report = import(csv.as_bytes(), Format::Csv, Some(first.directory), &options).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.organisation, Organisation::Existing);
        assert_eq!(tree(&report.directory)[3..], ["示例学校->研发中心->平台部"]);
    }
}
