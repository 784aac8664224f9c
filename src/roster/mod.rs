//! Roster import and export (批量导入, docs/roster.md): how a directory gets in and out of a spreadsheet.
//!
//! # The idea
//!
//! An administrator fills in the batch-import template — one row per member, one column per
//! field, departments written as paths (`营销中心->大客户部`) — or exports the organisation from
//! WeChat Work, and the import turns that into the directory file of docs/directory-file.md. The promise is
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
//! 4. [`import`](mod@import) turns the values into a member — new, or an update of an existing one keyed by
//!    account — with its departments found or created by path ([`tree`]), and [`admit`] checks it
//!    against the same rules the directory file obeys ([`crate::model::member_field_problems`])
//!    plus uniqueness. Either the whole row is applied, or none of it is.
//!
//! [`wecom`] reads WeChat Work's `department/list` and `user/list` responses through the same
//! admission rules, and [`export`](mod@export) writes a directory (or one department's subtree) back out as
//! the template, through the same [`table`] writer the errors file uses, so that
//! export → edit → import with update round-trips.
//!
//! The modules depend one way, from the bytes up: [`sheet`] ← [`template`] ← [`cell`] ←
//! [`import`](mod@import) (with [`tree`] and [`admit`] beside it), and [`table`] ← [`export`](mod@export) ←
//! [`wecom`], which writes its errors as template rows. A lower layer never names a higher one.
//!
//! Every error that stops a whole file is a [`RosterError`]; a problem with one row is a
//! [`RowError`] in the report instead, and the other rows are imported.
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

use std::path::{Path, PathBuf};

use crate::model::{DepartmentId, DepartmentNameError, DirectoryError};

pub use export::export;
pub use import::{import, ImportOptions, Mode, PLACEHOLDER_ORGANISATION};
pub use report::{CellProblem, ImportReport, Organisation, Place, RowError};
pub use wecom::import_wecom;

use export::DepartmentPathError;
use sheet::{BytePosition, MAX_CELLS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES};
use template::HeaderError;

/// The largest roster file the import reads: 10 MiB (docs/roster.md). Larger rosters are split.
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
            Some("xls") => Err(RosterError::XlsFile { path: path.to_owned() }),
            _ => Err(RosterError::UnknownExtension { path: path.to_owned() }),
        }
    }
}

/// A problem with a file as a whole — too large, not a spreadsheet, no header row, an encoding
/// that is neither UTF-8 nor GBK, WeChat Work data that is not an API response — rather than
/// with one of its rows. Nothing is imported (or exported) then.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file name ends in `.xls`.
    #[error("{}: .xls (Excel 97-2003) workbooks are not read; save it as .xlsx or .csv", path.display())]
    XlsFile {
        /// The file.
        path: PathBuf,
    },
    /// The file name ends in neither `.xlsx` nor `.csv`.
    #[error("{}: expected a .xlsx or .csv file", path.display())]
    UnknownExtension {
        /// The file.
        path: PathBuf,
    },
    /// Over [`MAX_BYTES`].
    #[error(
        "the file is {:.1} MB; a roster may be at most 10 MB ({MAX_BYTES} bytes): split it into several files",
        *bytes as f64 / (1024.0 * 1024.0)
    )]
    TooLarge {
        /// The file's size.
        bytes: u64,
    },
    /// A CSV file that is an `.xlsx` workbook.
    #[error("this is an .xlsx workbook, not a CSV file: give it the .xlsx extension")]
    XlsxNamedCsv,
    /// A CSV file in UTF-16.
    #[error("the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or as .xlsx")]
    Utf16,
    /// A CSV file with a UTF-8 byte-order mark that is not UTF-8 after it.
    #[error(
        "the file starts with a UTF-8 byte-order mark but {at} is not UTF-8; save it as \"CSV UTF-8\" or as .xlsx"
    )]
    NotUtf8AfterBom {
        /// The first byte that is not UTF-8.
        at: BytePosition,
    },
    /// A CSV file that is neither UTF-8 nor GBK.
    #[error(
        "the file is neither UTF-8 nor GBK: {not_utf8} is not UTF-8 and {not_gbk} is not GBK; \
         save it as \"CSV UTF-8\" or as .xlsx"
    )]
    UnknownEncoding {
        /// The first byte that is not UTF-8.
        not_utf8: BytePosition,
        /// The first byte that is not GBK.
        not_gbk: BytePosition,
    },
    /// The CSV reader refused the file.
    #[error("CSV: {0}")]
    Csv(#[source] csv::Error),
    /// A CSV file with more rows than a spreadsheet holds.
    #[error("CSV: more than {MAX_ROWS} rows, more than a spreadsheet holds")]
    TooManyRows,
    /// A CSV row with more columns than a spreadsheet holds.
    #[error("CSV row {row}: more than {MAX_COLUMNS} columns, more than a spreadsheet holds")]
    TooManyColumns {
        /// The row's number.
        row: u32,
    },
    /// An `.xlsx` file that is an Excel 97-2003 workbook.
    #[error("this is an .xls (Excel 97-2003) workbook, not .xlsx: save it as .xlsx or .csv")]
    XlsWorkbook,
    /// The workbook reader refused the file.
    #[error("not a readable .xlsx workbook: {0}")]
    Xlsx(#[from] calamine::XlsxError),
    /// The file is not a zip archive, as an `.xlsx` workbook is.
    #[error("not a readable .xlsx workbook: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A workbook that would unpack to more than [`MAX_UNPACKED_BYTES`].
    #[error(
        "the workbook unpacks to {} MB, more than the {} MB a roster may: split it into several files",
        *bytes / (1024 * 1024),
        MAX_UNPACKED_BYTES / (1024 * 1024)
    )]
    UnpacksTooLarge {
        /// The unpacked size its entries declare.
        bytes: u64,
    },
    /// A cell longer than Excel lets a cell be.
    #[error("{source_name} row {row}, column {column}: a cell of {chars} characters; a spreadsheet cell holds at most {MAX_CELL_CHARS}")]
    CellTooLong {
        /// `CSV` or `sheet <name>`.
        source_name: String,
        /// The row's number, 1-based.
        row: u32,
        /// The column's letters, as the spreadsheet shows them.
        column: String,
        /// How many characters the cell holds.
        chars: usize,
    },
    /// A roster with more non-empty cells than any roster needs.
    #[error("{source_name}: more than {MAX_CELLS} filled cells, more than a roster of the largest organisation needs: split it into several files")]
    TooManyCells {
        /// `CSV` or `sheet <name>`.
        source_name: String,
    },
    /// A workbook cell beyond Excel's last row or column.
    #[error("sheet {sheet}: a cell lies outside Excel's {MAX_ROWS} rows and {MAX_COLUMNS} columns")]
    CellOutOfRange {
        /// The worksheet's name.
        sheet: String,
    },
    /// A workbook whose worksheets are all hidden (or that has none).
    #[error("the workbook has no visible worksheet")]
    NoWorksheet,
    /// No worksheet has a usable header row; this is the first one's problem.
    #[error("{sheet}: {source}")]
    Header {
        /// Where the rows came from: `sheet 成员` or `CSV (UTF-8)`.
        sheet: String,
        /// What is wrong with its header.
        #[source]
        source: HeaderError,
    },
    /// [`Mode::Update`] without a directory to update.
    #[error("update mode needs the directory to update (--into)")]
    UpdateWithoutDirectory,
    /// [`ImportOptions::corp_name`] is not a valid department name.
    #[error("the organisation's name {0}")]
    CorpName(#[source] DepartmentNameError),
    /// The import built a directory that does not validate: a bug in the import, never the file's fault.
    #[error("the imported directory does not validate (a bug in the import): {0:#}")]
    Invalid(#[source] DirectoryError),
    /// WeChat Work data that is not JSON.
    #[error("{file}: not valid JSON: {source}")]
    WecomJson {
        /// The response's name, as given.
        file: String,
        /// The JSON parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// WeChat Work data that is not a JSON object.
    #[error("{file}: expected a JSON object (an API response)")]
    WecomNotObject {
        /// The response's name, as given.
        file: String,
    },
    /// A WeChat Work response that is an error.
    #[error("{file}: the API answered errcode {errcode}: {errmsg}")]
    WecomApi {
        /// The response's name, as given.
        file: String,
        /// The API's error code.
        errcode: i64,
        /// The API's error message.
        errmsg: String,
    },
    /// A WeChat Work response without its list.
    #[error("{file}: expected a \"{key}\" array")]
    WecomNoArray {
        /// The response's name, as given.
        file: String,
        /// The key of the list: `department` or `userlist`.
        key: &'static str,
    },
    /// WeChat Work's departments are not a valid tree, or a record is not a department.
    #[error("department/list: {}", one_line(.0))]
    WecomDepartments(#[source] DirectoryError),
    /// The department to export does not exist.
    #[error("department {id} does not exist")]
    UnknownDepartment {
        /// The id asked for.
        id: DepartmentId,
    },
    /// The directory to export has no single root department.
    #[error("the directory has no root")]
    NoRoot,
    /// A department of a member cannot be written as a path.
    #[error("member {userid}: {source}")]
    DepartmentPath {
        /// The member's account.
        userid: String,
        /// Why the path cannot be written.
        #[source]
        source: DepartmentPathError,
    },
    /// The workbook writer failed.
    #[error("writing the workbook: {0}")]
    WriteXlsx(#[source] rust_xlsxwriter::XlsxError),
    /// The CSV writer failed.
    #[error("writing the CSV: {0}")]
    WriteCsv(#[source] csv::Error),
}

/// Every problem of a directory error on one line.
fn one_line(error: &DirectoryError) -> String {
    format!("{error:#}").replace('\n', "; ")
}

/// Refuses a file of `len` bytes if it is over [`MAX_BYTES`] (a caller can ask before reading it).
pub fn check_size(len: u64) -> Result<(), RosterError> {
    if len > MAX_BYTES as u64 {
        return Err(RosterError::TooLarge { bytes: len });
    }
    Ok(())
}
