//! Reading one cell into one field's value, with the spreadsheet pitfalls caught.
//!
//! Each reader returns the value, or a [`CellError`] that says why the cell cannot be read — a
//! sentence that the row's error puts after the column's name. The rules that do not depend on the spreadsheet
//! (account characters, WeChat id never all digits, …) are not here: they are the directory's
//! own ([`crate::model::member_field_problems`]), checked once the row is a member.
//!
//! The pitfalls:
//!
//! - **Phone numbers that became numbers.** Typed into a General column, `13800138000` becomes a
//!   number that Excel shows as `1.38001E+10`, and `02161234567` loses its leading zero. A phone
//!   cell must therefore be text; a number cell, or text in scientific notation (what a CSV saved
//!   from such a sheet holds), is refused with a reason that says so.
//! - **Full-width characters** (`１３８…`, `ｚｈａｎｇ＠…`) typed with a Chinese input method are
//!   read as their ASCII forms in the code-like fields: account, phones, email, WeChat id, gender,
//!   status and dates. Names, positions and department names are kept as written.
//! - **Stray spaces**, ideographic spaces (U+3000), no-break and zero-width spaces around a value
//!   are trimmed everywhere.
//!
//! This layer sits on [`super::sheet`] (the cells, and how their text is cleaned) and
//! [`super::template`] (the words of the 性别 and 状态 columns); [`import`](mod@super::import) calls it.

use std::borrow::Cow;

use crate::model::{check_department_name, phone_digits, DepartmentNameError, Gender, Status};

use super::sheet::{clean, halfwidth, number_text, Cell};
use super::template::{gender_from_word, status_from_word};

/// Why a cell cannot be read as its column's value. The message finishes a sentence that starts
/// with the column: `C (手机): "1.38E+10" is a number in scientific notation, …`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CellError {
    /// The cell holds a formula that failed.
    #[error("the cell holds the formula error {error}; enter the value itself")]
    Formula {
        /// The error as the spreadsheet shows it: `#N/A`.
        error: String,
    },
    /// A phone number in a number cell.
    #[error(
        "is a number cell ({}), not text: a spreadsheet shows such a number as {} and drops leading \
         zeros, so its digits cannot be trusted; format the column as Text (文本) and type the number again",
        number_text(*number),
        scientific(*number)
    )]
    PhoneIsNumber {
        /// The cell's number.
        number: f64,
    },
    /// A phone number written in scientific notation.
    #[error(
        "{value:?} is a number in scientific notation, as a spreadsheet shows a long number: its last \
         digits are lost; format the column as Text (文本) and type the number again"
    )]
    PhoneInScientificNotation {
        /// The cell's text.
        value: String,
    },
    /// A phone number written as a decimal number.
    #[error("{value:?} is written as a decimal number: format the column as Text (文本) and type the number again")]
    PhoneIsDecimal {
        /// The cell's text.
        value: String,
    },
    /// A mobile without a country code that is not an 11-digit mainland number.
    #[error(
        "{mobile:?} has {digits} digits{}: a mainland mobile number has 11, starting with 1; write a number \
         from elsewhere with its country code, such as +852",
        if *digits == 10 { " (was a digit lost?)" } else { "" }
    )]
    NotMainlandMobile {
        /// The mobile number.
        mobile: String,
        /// How many digits it has.
        digits: usize,
    },
    /// A date column's cell is a number, not a date cell.
    #[error("is a number ({}), not a date: format the cell as a date, or write it as YYYY-MM-DD", number_text(*number))]
    DateIsNumber {
        /// The cell's number.
        number: f64,
    },
    /// A date column's text is not a date.
    #[error("{value:?} is not a date: write it as YYYY-MM-DD")]
    NotADate {
        /// The cell's text.
        value: String,
    },
    /// A 性别 cell that names no gender.
    #[error("{value:?} is not a gender: write 男, 女 or 未知")]
    NotAGender {
        /// The cell's text.
        value: String,
    },
    /// A 状态 cell that names no status.
    #[error("{value:?} is not a status: write 启用, 禁用, 未关注 or 离职 (or 1, 2, 4, 5)")]
    NotAStatus {
        /// The cell's text.
        value: String,
    },
    /// A department path with an empty level: `销售中心->->华东`.
    #[error("the path {path:?} has an empty level; write a path as 上级部门->下级部门")]
    EmptyLevel {
        /// The path as written.
        path: String,
    },
    /// A level of a department path is not a valid department name.
    #[error("the department name {0}")]
    DepartmentName(#[source] DepartmentNameError),
    /// A 部门 cell with only separators.
    #[error("{value:?} names no department")]
    NoDepartment {
        /// The cell's text.
        value: String,
    },
}

/// The cell's text as the spreadsheet shows it, trimmed; a formula error is refused.
fn shown(cell: &Cell) -> Result<Cow<'_, str>, CellError> {
    match cell {
        Cell::Text(s) => Ok(Cow::Borrowed(clean(s))),
        Cell::Error(e) => Err(CellError::Formula { error: e.clone() }),
        other => Ok(Cow::Owned(other.display())),
    }
}

/// Free text — a name, a position, a custom attribute — as written.
pub fn text(cell: &Cell) -> Result<String, CellError> {
    shown(cell).map(Cow::into_owned)
}

/// A code-like value — an account, an email, a WeChat id — in half-width characters.
pub fn code(cell: &Cell) -> Result<String, CellError> {
    shown(cell).map(|s| clean(&halfwidth(&s)).to_owned())
}

/// A mobile or telephone number. It must be text: see the module doc.
pub fn phone(cell: &Cell) -> Result<String, CellError> {
    if let Cell::Number(n) = cell {
        return Err(CellError::PhoneIsNumber { number: *n });
    }
    let value = code(cell)?;
    if is_scientific(&value) {
        return Err(CellError::PhoneInScientificNotation { value });
    }
    if value.contains('.') && value.replace('.', "").chars().all(|c| c.is_ascii_digit()) {
        return Err(CellError::PhoneIsDecimal { value });
    }
    Ok(value)
}

/// The stricter rule for a mobile the import adds or changes: without a country code it must be
/// a mainland number, 11 digits starting with 1 (`+86` and separators allowed). A number from
/// elsewhere is written with its country code (`+852 9123 4567`).
pub fn check_mainland_mobile(mobile: &str) -> Result<(), CellError> {
    if mobile.starts_with('+') && !mobile.starts_with("+86") {
        return Ok(());
    }
    let digits = phone_digits(mobile);
    if digits.len() == 11 && digits.starts_with('1') {
        return Ok(());
    }
    Err(CellError::NotMainlandMobile { mobile: mobile.to_owned(), digits: digits.len() })
}

/// A date: a date cell, or text `YYYY-MM-DD` (also with `/` or `.`, or as `1990年3月8日`, and
/// with any time of day after it), written out as `YYYY-MM-DD`.
pub fn date(cell: &Cell) -> Result<String, CellError> {
    if let Cell::Number(n) = cell {
        return Err(CellError::DateIsNumber { number: *n });
    }
    let value = code(cell)?;
    let day_part = value.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = day_part.split(['-', '/', '.', '年', '月', '日']).collect();
    let parsed = match parts[..] {
        [y, m, d] | [y, m, d, ""] => y
            .parse::<u16>()
            .ok()
            .filter(|_| y.len() == 4)
            .zip(m.parse::<u8>().ok().filter(|_| (1..=2).contains(&m.len())))
            .zip(d.parse::<u8>().ok().filter(|_| (1..=2).contains(&d.len()))),
        _ => None,
    };
    match parsed {
        Some(((y, m), d)) => Ok(format!("{y:04}-{m:02}-{d:02}")),
        None => Err(CellError::NotADate { value }),
    }
}

/// 性别: see [`super::template`] for the words.
pub fn gender(cell: &Cell) -> Result<Gender, CellError> {
    let value = code(cell)?;
    gender_from_word(&value).ok_or(CellError::NotAGender { value })
}

/// 状态: see [`super::template`] for the words.
pub fn status(cell: &Cell) -> Result<Status, CellError> {
    let value = code(cell)?;
    status_from_word(&value).ok_or(CellError::NotAStatus { value })
}

/// 部门: one or more paths separated by `;` or `；`, each a list of department names separated
/// by `->`, checked against the directory's department-name rule. Empty paths (a trailing `;`)
/// are skipped; an empty level inside a path is refused.
pub fn department_paths(cell: &Cell) -> Result<Vec<Vec<String>>, CellError> {
    let value = text(cell)?;
    let mut paths = Vec::new();
    for path in value.split([';', '；']).map(clean).filter(|p| !p.is_empty()) {
        let path = path.replace("－＞", "->").replace("－>", "->").replace("-＞", "->");
        let levels: Vec<String> = path.split("->").map(|level| clean(level).to_owned()).collect();
        if levels.iter().any(String::is_empty) {
            return Err(CellError::EmptyLevel { path });
        }
        for level in &levels {
            check_department_name(level).map_err(CellError::DepartmentName)?;
        }
        paths.push(levels);
    }
    if paths.is_empty() {
        return Err(CellError::NoDepartment { value });
    }
    Ok(paths)
}

fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else { return false };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    !whole.is_empty()
        && !exponent.is_empty()
        && [whole, fraction, exponent].iter().all(|part| part.chars().all(|c| c.is_ascii_digit()))
}

/// A number as a spreadsheet's General format shows it when the column is narrow: `1.38001E+10`.
fn scientific(n: f64) -> String {
    let s = format!("{n:.5E}");
    match s.split_once('E') {
        Some((mantissa, exponent)) if !exponent.starts_with('-') => format!("{mantissa}E+{exponent}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn full_width_and_spaces_are_read_as_ascii_in_codes_only() {
        assert_eq!(code(&t("\u{3000}ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ ")).unwrap(), "zhang@example.com");
        assert_eq!(text(&t(" 经理（代） \u{200B}")).unwrap(), "经理（代）");
    }

    #[test]
    fn scientific_notation_is_recognised() {
        for s in ["1.38001380E10", "1.38E+10", "2E5", "1e10"] {
            assert!(is_scientific(s), "{s}");
        }
        for s in ["13800138000", "+86 138", "e10", "1.3.8E10", "1.38E"] {
            assert!(!is_scientific(s), "{s}");
        }
        assert_eq!(scientific(13800138000.0), "1.38001E+10");
    }

    #[test]
    fn a_ten_digit_mobile_asks_whether_a_digit_was_lost() {
        let error = check_mainland_mobile("1380013800").unwrap_err().to_string();
        assert!(error.starts_with("\"1380013800\" has 10 digits (was a digit lost?): a mainland"), "{error}");
        assert!(check_mainland_mobile("+852 9123 4567").is_ok());
        let error = phone(&Cell::Number(13800138000.0)).unwrap_err().to_string();
        assert!(error.starts_with("is a number cell (13800138000), not text: a spreadsheet shows such a number as 1.38001E+10 and drops leading zeros"), "{error}");
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        for s in ["1990-03-08", "1990/3/8", "1990.3.8", "1990年3月8日", "1990-03-08 00:00:00", "1990-03-08T00:00"] {
            assert_eq!(date(&t(s)).unwrap(), "1990-03-08", "{s}");
        }
        assert!(date(&t("3/8/1990")).is_err());
        assert!(date(&Cell::Number(32940.0)).unwrap_err().to_string().contains("not a date"));
        assert_eq!(date(&Cell::Date { year: 1990, month: 3, day: 8 }).unwrap(), "1990-03-08");
    }
}
