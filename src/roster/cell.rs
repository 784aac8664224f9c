//! Reading one cell into one field's value, with the spreadsheet pitfalls caught.
//!
//! Each reader returns the value, or the reason the cell cannot be read — a sentence that the
//! row's error puts after the column's name. The rules that do not depend on the spreadsheet
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

use std::borrow::Cow;

use crate::model::{check_department_name, phone_digits, Gender, Status};

use super::sheet::{number_text, Cell};
use super::template::{gender_from_word, status_from_word};

/// A reason a cell cannot be read.
pub type Reason = String;

/// `s` without the whitespace a spreadsheet cell picks up around a value.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
}

/// `s` with full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as ASCII.
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// The cell's text as the spreadsheet shows it, trimmed; a formula error is a reason.
fn shown(cell: &Cell) -> Result<Cow<'_, str>, Reason> {
    match cell {
        Cell::Text(s) => Ok(Cow::Borrowed(clean(s))),
        Cell::Error(e) => Err(format!("the cell holds the formula error {e}; enter the value itself")),
        other => Ok(Cow::Owned(other.display())),
    }
}

/// Free text — a name, a position, a custom attribute — as written.
pub fn text(cell: &Cell) -> Result<String, Reason> {
    shown(cell).map(Cow::into_owned)
}

/// A code-like value — an account, an email, a WeChat id — in half-width characters.
pub fn code(cell: &Cell) -> Result<String, Reason> {
    shown(cell).map(|s| clean(&halfwidth(&s)).to_owned())
}

/// A mobile or telephone number. It must be text: see the module doc.
pub fn phone(cell: &Cell) -> Result<String, Reason> {
    if let Cell::Number(n) = cell {
        return Err(format!(
            "is a number cell ({}), not text: a spreadsheet shows such a number as {} and drops leading \
             zeros, so its digits cannot be trusted; format the column as Text (文本) and type the number again",
            number_text(*n),
            scientific(*n)
        ));
    }
    let value = code(cell)?;
    if is_scientific(&value) {
        return Err(format!(
            "{value:?} is a number in scientific notation, as a spreadsheet shows a long number: its last \
             digits are lost; format the column as Text (文本) and type the number again"
        ));
    }
    if value.contains('.') && value.replace('.', "").chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "{value:?} is written as a decimal number: format the column as Text (文本) and type the number again"
        ));
    }
    Ok(value)
}

/// The stricter rule for a mobile the import adds or changes: without a country code it must be
/// a mainland number, 11 digits starting with 1 (`+86` and separators allowed). A number from
/// elsewhere is written with its country code (`+852 9123 4567`).
pub fn check_mainland_mobile(mobile: &str) -> Result<(), Reason> {
    if mobile.starts_with('+') && !mobile.starts_with("+86") {
        return Ok(());
    }
    let digits = phone_digits(mobile);
    if digits.len() == 11 && digits.starts_with('1') {
        return Ok(());
    }
    let hint = if digits.len() == 10 { " (was a digit lost?)" } else { "" };
    Err(format!(
        "{mobile:?} has {} digits{hint}: a mainland mobile number has 11, starting with 1; write a number \
         from elsewhere with its country code, such as +852",
        digits.len()
    ))
}

/// A date: a date cell, or text `YYYY-MM-DD` (also with `/` or `.`, or as `1990年3月8日`, and
/// with any time of day after it), written out as `YYYY-MM-DD`.
pub fn date(cell: &Cell) -> Result<String, Reason> {
    if let Cell::Number(n) = cell {
        return Err(format!(
            "is a number ({}), not a date: format the cell as a date, or write it as YYYY-MM-DD",
            number_text(*n)
        ));
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
        None => Err(format!("{value:?} is not a date: write it as YYYY-MM-DD")),
    }
}

/// 性别: see [`super::template`] for the words.
pub fn gender(cell: &Cell) -> Result<Gender, Reason> {
    let value = code(cell)?;
    gender_from_word(&value).ok_or_else(|| format!("{value:?} is not a gender: write 男, 女 or 未知"))
}

/// 状态: see [`super::template`] for the words.
pub fn status(cell: &Cell) -> Result<Status, Reason> {
    let value = code(cell)?;
    status_from_word(&value)
        .ok_or_else(|| format!("{value:?} is not a status: write 启用, 禁用, 未关注 or 离职 (or 1, 2, 4, 5)"))
}

/// 部门: one or more paths separated by `;` or `；`, each a list of department names separated
/// by `->`, checked against the directory's department-name rule. Empty paths (a trailing `;`)
/// are skipped; an empty level inside a path is a reason.
pub fn department_paths(cell: &Cell) -> Result<Vec<Vec<String>>, Reason> {
    let value = text(cell)?;
    let mut paths = Vec::new();
    for path in value.split([';', '；']).map(clean).filter(|p| !p.is_empty()) {
        let path = path.replace("－＞", "->").replace("－>", "->").replace("-＞", "->");
        let levels: Vec<String> = path.split("->").map(|level| clean(level).to_owned()).collect();
        if levels.iter().any(String::is_empty) {
            return Err(format!("the path {path:?} has an empty level; write a path as 上级部门->下级部门"));
        }
        for level in &levels {
            check_department_name(level).map_err(|why| format!("the department name {why}"))?;
        }
        paths.push(levels);
    }
    if paths.is_empty() {
        return Err(format!("{value:?} names no department"));
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
    fn dates_in_the_usual_spellings() {
        for s in ["1990-03-08", "1990/3/8", "1990.3.8", "1990年3月8日", "1990-03-08 00:00:00", "1990-03-08T00:00"] {
            assert_eq!(date(&t(s)).unwrap(), "1990-03-08", "{s}");
        }
        assert!(date(&t("3/8/1990")).is_err());
        assert!(date(&Cell::Number(32940.0)).unwrap_err().contains("not a date"));
        assert_eq!(date(&Cell::Date { year: 1990, month: 3, day: 8 }).unwrap(), "1990-03-08");
    }
}
