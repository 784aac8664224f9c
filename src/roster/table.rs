//! Writing a roster — an export, or the bad rows of an import — as `.xlsx` or `.csv`.
//!
//! Both files are the template: a header row, then one row per member, every cell text. In the
//! workbook every column is formatted as Text (文本), so that a mobile number an administrator
//! types while editing stays text instead of becoming `1.38001E+10`; an optional instruction line
//! sits above the header, as in WeChat Work's template (the import finds the header below it).
//! The CSV is UTF-8 with a byte-order mark, which Excel needs to show Chinese text, and has no
//! instruction line, so that scripts can read it as a plain table. A cell that a spreadsheet
//! would run as a formula is written after an apostrophe ([`FORMULA_GUARD`]).

use std::borrow::Cow;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::{Format, RosterError};

/// A roster as rows of text cells, borrowed where they can be from what the table shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<'a> {
    /// An instruction line written above the header in `.xlsx` files.
    pub note: Option<String>,
    /// The column titles.
    pub header: Vec<String>,
    /// Each as wide as `header` or narrower.
    pub rows: Vec<Vec<Cow<'a, str>>>,
}

/// What a CSV cell that begins like a formula starts with: Excel and other spreadsheets run a
/// cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
/// formula when they open a CSV file, so an administrator opening an export would run whatever
/// a member's field holds. Such a cell is written after an apostrophe, which makes it text, as
/// OWASP advises; importing a CSV takes the apostrophe off again (`super::sheet`). `.xlsx`
/// files need none of this: their cells are typed as text.
pub(super) const FORMULA_GUARD: char = '\'';

/// Whether a spreadsheet would take a CSV cell that begins so for a formula.
pub(super) fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as a CSV file holds it ([`FORMULA_GUARD`]).
fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(cell) {
        format!("{FORMULA_GUARD}{cell}").into()
    } else {
        cell.into()
    }
}

/// The worksheet's name in the files written.
const SHEET_NAME: &str = "成员";

impl Table<'_> {
    /// The table as a file of `format`.
    pub fn write(&self, format: Format) -> Result<Vec<u8>, RosterError> {
        match format {
            Format::Csv => self.to_csv(),
            Format::Xlsx => self.to_xlsx().map_err(RosterError::WriteXlsx),
        }
    }

    fn to_csv(&self) -> Result<Vec<u8>, RosterError> {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(&self.header).map_err(RosterError::WriteCsv)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| csv_cell(cell).into_owned())).map_err(RosterError::WriteCsv)?;
        }
        writer.into_inner().map_err(|e| RosterError::WriteCsv(e.into_error().into()))
    }

    fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        // Written row by row to a temporary file instead of held as cells in memory, strings
        // inline (no shared-strings table to keep either): the bad rows of a large import can
        // be a roster's worth.
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(SHEET_NAME)?;
        let text = CellFormat::new().set_num_format("@");
        let bold = CellFormat::new().set_num_format("@").set_bold();
        let width = self.header.len().max(1) as u16;
        for col in 0..width {
            sheet.set_column_format(col, &text)?;
            sheet.set_column_width(col, 16)?;
        }
        let mut row = 0;
        if let Some(note) = &self.note {
            let wrapped = CellFormat::new().set_text_wrap();
            if width > 1 {
                sheet.merge_range(0, 0, 0, width - 1, note, &wrapped)?;
            } else {
                sheet.write_string_with_format(0, 0, note, &wrapped)?;
            }
            sheet.set_row_height(0, 30)?;
            row = 1;
        }
        for (col, title) in self.header.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, title, &bold)?;
        }
        sheet.set_freeze_panes(row + 1, 0)?;
        for cells in &self.rows {
            row += 1;
            for (col, value) in cells.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                sheet.write_string_with_format(row, col as u16, value.as_ref(), &text)?;
            }
        }
        workbook.save_to_buffer()
    }
}
