//! Roster import and export (批量导入, SPEC §7): how a directory gets in and out of a spreadsheet.
//!
//! # The idea
//!
//! An administrator fills in the batch-import template — one row per member, one column per
//! field, departments written as paths (`营销中心->大客户部`) — or exports the organisation from
//! WeChat Work, and the import turns that into the directory file of SPEC §2.1. The promise is
//! that **every row either lands or comes back with its reason**: a bad row never stops the good
//! ones, never disappears, and is never half-applied. The bad rows are written back in the same
//! template with a reason column, so they can be fixed and imported again.
//!
//! A row goes through the same pipeline whatever the file:
//!
//! 1. [`sheet`] turns the bytes into rows of typed cells — `.xlsx` through calamine, `.csv` in
//!    UTF-8 or GBK through the csv crate — keeping the spreadsheet's own row numbers, and whether
//!    a cell was text or a number (a mobile that Excel turned into a number has lost its digits).
//! 2. [`template`] finds the header row (the template may carry instructions above it) and maps
//!    each column, named in Chinese or English, to a field of the directory.
//! 3. [`cell`] reads each cell into the field's value, catching the spreadsheet pitfalls
//!    (scientific notation, dropped leading zeros, full-width characters, dates as numbers).
//! 4. [`import`] turns the values into a member — new, or an update of an existing one keyed by
//!    account — with its departments found or created by path ([`tree`]), and [`admit`] checks it
//!    against the same rules the directory file obeys ([`crate::model::member_field_problems`])
//!    plus uniqueness. Either the whole row is applied, or none of it is.
//!
//! [`wecom`] reads WeChat Work's `department/list` and `user/list` responses through the same
//! admission rules, and [`export`] writes a directory (or one department's subtree) back out as
//! the template, through the same [`table`] writer the errors file uses, so that
//! export → edit → import with update round-trips.
//!
//! ```
//! use tongxunlu::roster::{self, Format, ImportOptions};
//!
//! let csv = "姓名,账号,手机,部门\n\
//!            张三,zhangsan,13800138000,示例公司->销售部\n\
//!            李四,lisi,1.38001380E10,示例公司->销售部\n";
//! let report = roster::import(csv.as_bytes(), Format::Csv, None, &ImportOptions::default())?;
//! assert_eq!(report.imported, 1);
//! assert_eq!(report.directory.corp_name, "示例公司");
//! // The second row comes back with its row number, column and reason.
//! let error = &report.errors[0];
//! assert_eq!(error.place.to_string(), "row 3");
//! assert_eq!(error.problems[0].column.as_deref(), Some("C (手机)"));
//! assert!(error.problems[0].reason.contains("scientific notation"));
//! # Ok::<(), roster::RosterError>(())
//! ```

pub mod admit;
pub mod cell;
pub mod export;
pub mod import;
pub mod report;
pub mod sheet;
pub mod table;
pub mod template;
pub mod tree;
pub mod wecom;

use std::fmt;
use std::path::Path;

pub use export::export;
pub use import::{import, ImportOptions, Mode};
pub use report::{CellProblem, ImportReport, Place, RowError};
pub use wecom::import_wecom;

/// The largest roster file the import reads: 10 MiB (SPEC §7). Larger rosters are split.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A spreadsheet file format the roster is read from and written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An Excel workbook (Office Open XML).
    Xlsx,
    /// Comma-separated values: read as UTF-8 (with or without a byte-order mark) or GBK, written
    /// as UTF-8 with a byte-order mark so that Excel shows the Chinese text.
    Csv,
}

impl Format {
    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Result<Format, RosterError> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("xlsx") => Ok(Format::Xlsx),
            Some("csv") => Ok(Format::Csv),
            Some("xls") => Err(RosterError::new(format!(
                "{}: .xls (Excel 97-2003) workbooks are not read; save it as .xlsx or .csv",
                path.display()
            ))),
            _ => Err(RosterError::new(format!("{}: expected a .xlsx or .csv file", path.display()))),
        }
    }
}

/// A problem with the file as a whole — too large, not a spreadsheet, no header row, an
/// encoding that is neither UTF-8 nor GBK — rather than with one of its rows. Nothing is
/// imported then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterError {
    pub message: String,
}

impl RosterError {
    pub(crate) fn new(message: String) -> RosterError {
        RosterError { message }
    }
}

impl fmt::Display for RosterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RosterError {}

/// Refuses a file of `len` bytes if it is over [`MAX_BYTES`] (a caller can ask before reading it).
pub fn check_size(len: u64) -> Result<(), RosterError> {
    if len > MAX_BYTES as u64 {
        return Err(RosterError::new(format!(
            "the file is {:.1} MB; a roster may be at most 10 MB ({MAX_BYTES} bytes): split it into several files",
            len as f64 / (1024.0 * 1024.0)
        )));
    }
    Ok(())
}
