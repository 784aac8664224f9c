//! What an import reports: its figures, and each row that did not land with its reasons.
//!
//! A bad row is a [`RowError`]: where it is (its spreadsheet row number, or for WeChat Work data
//! the record), every problem found in it (the column and the reason), and its cells as they
//! were, so that [`ImportReport::errors_table`] can write the bad rows back as a template with a
//! reason column, ready to be fixed and imported again.

use std::borrow::Cow;
use std::fmt;

use crate::model::Directory;

use super::table::Table;
use super::template::REASON_HEADER;

/// Where a bad row came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A spreadsheet row, numbered as the spreadsheet numbers it (1-based, header counted).
    Row(u32),
    /// A record of WeChat Work data, as `user/list userlist[3] (zhangsan)`.
    Record(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Row(n) => write!(f, "row {n}"),
            Place::Record(label) => f.write_str(label),
        }
    }
}

/// One reason a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The column at fault, as `F (手机)` (or the key, for WeChat Work data); `None` when the
    /// problem is the row as a whole or its column is missing from the file.
    pub column: Option<String>,
    /// What is wrong, as a sentence that follows the column: `is empty: every row needs …`.
    pub reason: String,
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{column}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Where the row is.
    pub place: Place,
    /// Every problem found in the row, not only the first.
    pub problems: Vec<CellProblem>,
    /// The row's cells as they were, in the errors table's columns.
    pub cells: Vec<String>,
}

impl fmt::Display for RowError {
    /// One line per problem: `row 7, column F (手机): …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &problem.column {
                Some(column) => write!(f, "{}, column {column}: {}", self.place, problem.reason)?,
                None => write!(f, "{}: {}", self.place, problem.reason)?,
            }
        }
        Ok(())
    }
}

/// The outcome of an import.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The directory with every good row applied. It always passes [`Directory::validate`].
    pub directory: Directory,
    /// Where the rows were read from: `sheet 成员`, `CSV (GBK)`, `WeChat Work data`.
    pub source: String,
    /// Rows (or records) with content that were read, the errors included.
    pub rows_read: usize,
    /// New members added.
    pub imported: usize,
    /// Existing members changed (update mode).
    pub updated: usize,
    /// Existing members a row named but left as they were (update mode).
    pub unchanged: usize,
    /// Departments the 部门 paths named that did not exist, created (or, for WeChat Work data,
    /// every department read).
    pub departments_created: usize,
    /// Where the organisation — the root department and `corp_name` — got its name.
    pub organisation: Organisation,
    /// The custom-attribute columns the roster had, so a misspelt header shows up in the summary.
    pub custom_columns: Vec<String>,
    /// Things done that the rows did not ask for, such as a department leader left out because
    /// that member was not imported.
    pub notes: Vec<String>,
    /// The rows that were not imported, in file order.
    pub errors: Vec<RowError>,
    /// The columns of the errors table: the roster's own header.
    pub(crate) error_columns: Vec<String>,
}

/// Where a directory's organisation (its root department) got its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Organisation {
    /// It was there already: in the directory imported into, or in WeChat Work's department/list.
    Existing,
    /// [`ImportOptions::corp_name`](super::ImportOptions::corp_name) named it.
    Given,
    /// Every 部门 path starts with its name.
    FromPaths,
    /// Nothing named it, so it has the placeholder name
    /// [`PLACEHOLDER_ORGANISATION`](super::import::PLACEHOLDER_ORGANISATION), for the
    /// administrator to replace.
    Placeholder,
}

impl ImportReport {
    /// The bad rows as a roster: the file's own columns plus a 错误原因 column, one row per bad
    /// row with its cells as they were, so it can be fixed and imported again.
    pub fn errors_table(&self) -> Table<'_> {
        // A value beyond the header's last column is written back too, under an empty title.
        let width = self.errors.iter().map(|e| e.cells.len()).fold(self.error_columns.len(), usize::max);
        let mut header = self.error_columns.clone();
        header.resize(width, String::new());
        header.push(REASON_HEADER.to_owned());
        let rows = self
            .errors
            .iter()
            .map(|error| {
                let mut cells: Vec<Cow<'_, str>> = error.cells.iter().map(|c| Cow::Borrowed(c.as_str())).collect();
                cells.resize(width, Cow::Borrowed(""));
                let reasons: Vec<String> = error.problems.iter().map(CellProblem::to_string).collect();
                cells.push(Cow::Owned(format!("{}: {}", error.place, reasons.join("; "))));
                cells
            })
            .collect();
        Table { note: Some(ERRORS_NOTE.to_owned()), header, rows }
    }
}

/// The instruction line above an errors table's header (in .xlsx only).
const ERRORS_NOTE: &str = "以下各行未能导入：请按“错误原因”修改后重新导入（错误原因一列导入时会被忽略）。";
