//! Helpers for the roster tests: a small directory to import into, rosters written as CSV text or
//! as real workbooks (through rust_xlsxwriter, with number and date cells as Excel stores them),
//! and look-ups by account and by department path.

#![allow(dead_code)] // each test binary uses its own subset

use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use serde_json::json;
use tongxunlu::model::{Directory, Member};
use tongxunlu::roster::{self, Format, ImportOptions, ImportReport, Mode, RowError};

/// 上海顺城物流有限公司 with a few departments and members.
pub fn company() -> Directory {
    let department = |id: u32, name: &str, parentid: u32, order: u32| json!({"id": id, "name": name, "parentid": parentid, "order": order});
    Directory::from_value(json!({
        "corp_name": "上海顺城物流有限公司",
        "department": [
            department(1, "上海顺城物流有限公司", 0, 1),
            department(2, "销售中心", 1, 1),
            department(3, "华东大区", 2, 1),
            department(4, "技术中心", 1, 2),
        ],
        "userlist": [
            {"userid": "zhangsan", "name": "张三", "department": [3, 4], "order": [5, 7], "position": "客户经理",
             "mobile": "13800138000", "email": "zhangsan@example.com", "gender": "1", "extattr": {"工号": "000123"},
             "x_badge": "B-7", "pinned": true},
            {"userid": "lisi", "name": "李四", "department": [4], "mobile": "+86 139 0013 9000"},
        ],
    }))
    .expect("the fixture is valid")
}

pub fn options(mode: Mode) -> ImportOptions {
    ImportOptions { mode, corp_name: None }
}

/// Imports CSV text (UTF-8).
pub fn import_csv(text: &str, into: Option<Directory>, mode: Mode) -> ImportReport {
    roster::import(text.as_bytes(), Format::Csv, into, &options(mode)).unwrap_or_else(|e| panic!("{e}"))
}

/// Imports a roster whose file-level problem is expected; returns the message.
pub fn refused(bytes: &[u8], format: Format) -> String {
    match roster::import(bytes, format, Some(company()), &options(Mode::Add)) {
        Ok(report) => panic!("expected the file to be refused; got {} errors", report.errors.len()),
        Err(e) => e.to_string(),
    }
}

/// A cell of a workbook written for a test.
#[derive(Debug, Clone)]
pub enum X {
    Text(String),
    Number(f64),
    Date(u16, u8, u8),
    Blank,
}

pub fn t(s: &str) -> X {
    X::Text(s.into())
}

/// A workbook with one sheet holding `rows` from A1 down; `merged_note` first puts an instruction
/// line merged across the first row, as WeChat Work's template has.
pub fn xlsx(merged_note: Option<&str>, rows: &[Vec<X>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let mut first = 0;
    if let Some(note) = merged_note {
        sheet.merge_range(0, 0, 0, 5, note, &CellFormat::new()).unwrap();
        first = 1;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = first + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                X::Text(s) => sheet.write_string(r, c, s).map(|_| ()),
                X::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                X::Date(y, m, d) => {
                    let value = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    sheet.write_datetime_with_format(r, c, &value, &date).map(|_| ())
                }
                X::Blank => Ok(()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

pub fn member<'a>(dir: &'a Directory, userid: &str) -> &'a Member {
    dir.userlist.iter().find(|m| m.userid == userid).unwrap_or_else(|| panic!("{userid} is not in the directory"))
}

/// A department's full path of names, `上海顺城物流有限公司->销售中心`.
pub fn path(dir: &Directory, id: u32) -> String {
    let mut names = Vec::new();
    let mut at = id;
    while at != 0 {
        let d = dir.department.iter().find(|d| d.id == at).expect("the department exists");
        names.push(d.name.clone());
        at = d.parentid;
    }
    names.reverse();
    names.join("->")
}

/// The paths of a member's departments, in its order.
pub fn paths_of(dir: &Directory, userid: &str) -> Vec<String> {
    member(dir, userid).department.iter().map(|&d| path(dir, d)).collect()
}

/// The error reported for spreadsheet row `row`.
pub fn error_at(report: &ImportReport, row: u32) -> &RowError {
    report
        .errors
        .iter()
        .find(|e| e.place == roster::Place::Row(row))
        .unwrap_or_else(|| panic!("no error for row {row}; errors: {:#?}", report.errors))
}

/// Asserts that row `row` was refused with a problem in `column` whose reason contains `reason`.
pub fn assert_problem(report: &ImportReport, row: u32, column: Option<&str>, reason: &str) {
    let error = error_at(report, row);
    assert!(
        error.problems.iter().any(|p| p.column.as_deref() == column && p.reason.contains(reason)),
        "row {row}: expected a problem in {column:?} containing {reason:?}; got {:#?}",
        error.problems
    );
}
