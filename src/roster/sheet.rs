//! Reading a roster file into rows of typed cells.
//!
//! Whatever the file, the rest of the import sees the same thing: worksheets of [`SheetRow`]s,
//! each numbered as the spreadsheet numbers it (1-based, the header and any instruction rows
//! counted), each holding its non-empty cells by column. A cell remembers whether it was text, a
//! number or a date, because that is how a mobile number that Excel turned into a number (and so
//! lost its digits) is told from one typed as text.
//!
//! - **CSV** is text only. It may be UTF-8, with or without the byte-order mark Excel writes, or
//!   GBK, which Excel writes on a Chinese Windows ("CSV (逗号分隔)"). A file that is valid UTF-8
//!   is read as UTF-8; otherwise it must be valid GBK; otherwise it is refused with the position
//!   of the first byte that fits neither. A row's number counts blank lines (as a spreadsheet
//!   shows them) but not the line breaks inside a quoted cell.
//! - **XLSX** is read with calamine's streaming cell reader, so a sparse sheet costs only its
//!   cells. Before calamine opens it, the archive's declared unpacked size is checked (the zip
//!   reader never inflates an entry past its declared size), so a small file cannot unpack into
//!   gigabytes.
//!
//! This is the bottom layer of the import: it knows nothing of the template's columns. What a
//! cell's text looks like once the spreadsheet's stray spaces are gone ([`clean`]) and full-width
//! characters are read as ASCII ([`halfwidth`]) is decided here, since every layer above reads
//! cells through these two.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};

use super::{Format, RosterError};

/// The most an `.xlsx` file may unpack to. Real rosters unpack to ten or twenty times their size;
/// this allows far more than a 10 MB roster needs and still bounds memory.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// Excel's own limits: rows and columns beyond them are not a spreadsheet's.
pub const MAX_ROWS: u32 = 1_048_576;
/// See [`MAX_ROWS`].
pub const MAX_COLUMNS: u32 = 16_384;
/// See [`MAX_ROWS`]: the most characters Excel lets a cell hold.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most filled cells a roster may have: a roster of 200,000 members with every column of the
/// template filled has about five million. It bounds what reading costs — a cell held is a few
/// dozen bytes — where a small `.xlsx` can unpack to tens of millions of cells.
pub const MAX_CELLS: usize = 8_000_000;

/// What a roster may hold, whatever its format: [`MAX_CELLS`] and [`MAX_CELL_CHARS`] (tests
/// lower them to reach them cheaply).
#[derive(Clone, Copy)]
struct Limits {
    cells: usize,
    cell_chars: usize,
}

const LIMITS: Limits = Limits { cells: MAX_CELLS, cell_chars: MAX_CELL_CHARS };

/// The cells of one sheet as they are read, refused once they pass the [`Limits`].
struct Tally<'a> {
    source: &'a str,
    limits: Limits,
    cells: usize,
}

impl Tally<'_> {
    /// Counts a filled cell of `text_len` bytes of text (0 for a number) at `row` (1-based) and
    /// `column` (0-based) — before it is copied, so that a huge one costs nothing more.
    fn admit(&mut self, row: u32, column: u32, text: Option<&str>) -> Result<(), RosterError> {
        // A cell of fewer bytes than the limit has fewer characters too: most are counted free.
        if let Some(text) = text.filter(|t| t.len() > self.limits.cell_chars) {
            let chars = text.chars().count();
            if chars > self.limits.cell_chars {
                let column = column_letter(column as usize);
                return Err(RosterError::CellTooLong { source_name: self.source.to_owned(), row, column, chars });
            }
        }
        self.cells += 1;
        if self.cells > self.limits.cells {
            return Err(RosterError::TooManyCells { source_name: self.source.to_owned() });
        }
        Ok(())
    }
}

/// The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

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

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A text cell, as written (not trimmed).
    Text(String),
    /// A number cell. CSV cells are always text.
    Number(f64),
    /// A date cell (its time of day, if any, is dropped).
    Date {
        /// The year, four digits.
        year: u16,
        /// The month, 1–12.
        month: u8,
        /// The day of the month, 1–31.
        day: u8,
    },
    /// A TRUE or FALSE cell.
    Bool(bool),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    /// The cell as the spreadsheet shows it: header titles and errors-file cells are this.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number written out in full: `13800138000`, not `1.38001380E10`.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One row that has at least one non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The row's number in the spreadsheet, 1-based.
    pub number: u32,
    /// The non-empty cells, by 0-based column index, in column order.
    pub cells: Vec<(u32, Cell)>,
    /// Why the row cannot be taken as the file stands: a CSV quote that opens a cell and never
    /// closes. The import refuses such a row, and reads the rows after it as rows.
    pub problem: Option<String>,
}

/// One worksheet (a CSV file is one).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Where the rows came from, for the summary: `sheet 成员` or `CSV (GBK)`.
    pub source: String,
    /// The rows with content, in order.
    pub rows: Vec<SheetRow>,
}

/// Reads every visible worksheet of `bytes`.
pub fn read(bytes: &[u8], format: Format) -> Result<Vec<Sheet>, RosterError> {
    super::check_size(bytes.len() as u64)?;
    match format {
        Format::Csv => read_csv(bytes, LIMITS).map(|sheet| vec![sheet]),
        Format::Xlsx => read_xlsx(bytes, LIMITS),
    }
}

fn read_csv(bytes: &[u8], limits: Limits) -> Result<Sheet, RosterError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(RosterError::XlsxNamedCsv);
    }
    let (text, encoding) = decode(bytes)?;
    // A quote that opens a cell and never closes would make the rest of the file that one cell,
    // and every later row would be lost in it: each such quote is read as a plain character
    // instead, and its row refused.
    let unclosed = unclosed_quotes(&text);
    let mut unclosed_lines = Vec::with_capacity(unclosed.len());
    let text = if unclosed.is_empty() {
        text
    } else {
        // One pass, however many stray quotes a hostile file holds.
        let (mut kept, mut from, mut line) = (String::with_capacity(text.len()), 0, 1);
        for &at in &unclosed {
            line += text[from..at].matches('\n').count() as u64;
            unclosed_lines.push(line);
            kept.push_str(&text[from..at]);
            from = at + 1;
        }
        kept.push_str(&text[from..]);
        Cow::Owned(kept)
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(text.as_bytes());
    let mut tally = Tally { source: "CSV", limits, cells: 0 };
    // Line breaks inside quoted cells so far: they are lines of the file but not rows of the sheet.
    let mut embedded_breaks: u64 = 0;
    for record in reader.records() {
        let record = record.map_err(RosterError::Csv)?;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        let number = line.saturating_sub(embedded_breaks);
        let breaks = record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
        embedded_breaks += breaks;
        let problem = unclosed_lines.iter().any(|l| (line..=line + breaks).contains(l)).then(|| {
            "a quote (\") opens a cell and never properly closes it (a closing quote ends the cell), so the row cannot be \
             read for sure: close the quote or remove it"
                .to_owned()
        });
        let number = u32::try_from(number).ok().filter(|&n| n <= MAX_ROWS).ok_or(RosterError::TooManyRows)?;
        let mut cells = Vec::new();
        for (col, field) in record.iter().enumerate() {
            if col as u32 >= MAX_COLUMNS {
                return Err(RosterError::TooManyColumns { row: number });
            }
            if !clean(field).is_empty() {
                tally.admit(number, col as u32, Some(field))?;
                // A cell an export guarded against spreadsheets' formulas is read as it was.
                let field = match field.strip_prefix(super::table::FORMULA_GUARD) {
                    Some(guarded) if super::table::looks_like_formula(guarded) => guarded,
                    _ => field,
                };
                cells.push((col as u32, Cell::Text(field.to_owned())));
            }
        }
        if !cells.is_empty() || problem.is_some() {
            rows.push(SheetRow { number, cells, problem });
        }
    }
    Ok(Sheet { source: format!("CSV ({encoding})"), rows })
}

/// The byte offsets of the quotes that open a CSV cell and do not properly close it: a quote at
/// the start of a cell begins a quoted cell, in which `""` is a quote and `"` ends it — and
/// must end the cell too. A quote that never closes is such a quote; so is one "closed" by the
/// quote that opens a cell rows later, which is then followed by that cell's text: a stray
/// quote took the rows in between. Each is taken as a plain character, the first of its cell,
/// and the scan goes on from there.
fn unclosed_quotes(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let (mut unclosed, mut i, mut cell_start) = (Vec::new(), 0, true);
    while i < bytes.len() {
        if cell_start && bytes[i] == b'"' {
            let open = i;
            let mut at = i + 1;
            let closed = loop {
                match (bytes.get(at), bytes.get(at + 1)) {
                    (None, _) => break false,
                    (Some(b'"'), Some(b'"')) => at += 2,
                    (Some(b'"'), None | Some(b',' | b'\r' | b'\n')) => break true,
                    (Some(b'"'), Some(_)) => break false,
                    _ => at += 1,
                }
            };
            if closed {
                i = at + 1;
                cell_start = false;
                continue;
            }
            unclosed.push(open);
            i = open + 1;
            cell_start = false;
            continue;
        }
        cell_start = matches!(bytes[i], b',' | b'\n' | b'\r');
        i += 1;
    }
    unclosed
}

/// The line a CSV record starts on, 1-based, blank lines counted.
///
/// The csv crate skips blank lines and, after a `\r\n`, reports a record as starting on the
/// `\n` of the line before; so the line is counted here from the record's first byte of content.
/// Records come in order, so the count runs on from the previous record: one pass in all.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter { text, counted_to: 0, newlines: 0 }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len()).max(self.counted_to);
        start += self.text[start..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        self.newlines += self.text[self.counted_to..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.counted_to = start;
        self.newlines + 1
    }
}

/// The text of a CSV file and the name of its encoding.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), RosterError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(RosterError::Utf16);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((Cow::Borrowed(text), "UTF-8")),
            Err(e) => Err(RosterError::NotUtf8AfterBom { at: BytePosition::of(bytes, 3 + e.valid_up_to()) }),
        };
    }
    let not_utf8 = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok((Cow::Borrowed(text), "UTF-8")),
        Err(e) => e.valid_up_to(),
    };
    let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut done = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[done..], &mut text, true);
        done += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok((Cow::Owned(text), "GBK")),
            encoding_rs::DecoderResult::OutputFull => text.reserve(bytes.len() - done + 16),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let not_gbk = done - after as usize - bad as usize;
                return Err(RosterError::UnknownEncoding {
                    not_utf8: BytePosition::of(bytes, not_utf8),
                    not_gbk: BytePosition::of(bytes, not_gbk),
                });
            }
        }
    }
}

/// A byte of a file that cannot be decoded, shown as `byte 17 (0x80, line 2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BytePosition {
    /// Its 0-based offset in the file.
    pub offset: usize,
    /// Its value (0 past the end of the file).
    pub byte: u8,
    /// The 1-based line it is on.
    pub line: usize,
}

impl BytePosition {
    fn of(bytes: &[u8], offset: usize) -> BytePosition {
        BytePosition {
            offset,
            byte: bytes.get(offset).copied().unwrap_or(0),
            line: bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1,
        }
    }
}

impl fmt::Display for BytePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {} (0x{:02X}, line {})", self.offset, self.byte, self.line)
    }
}

fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Vec<Sheet>, RosterError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(RosterError::XlsWorkbook);
    }
    check_unpacked_size(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes))?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let source = format!("sheet {name}");
        let mut tally = Tally { source: &source, limits, cells: 0 };
        let mut reader = workbook.worksheet_cells_reader(&name)?;
        // Cells come row by row, each row's in column order, as Excel writes them; another
        // writer's order is put right below.
        let mut rows: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
        while let Some(cell) = reader.next_cell()? {
            let (row, col) = cell.get_position();
            if row >= MAX_ROWS || col >= MAX_COLUMNS {
                return Err(RosterError::CellOutOfRange { sheet: name });
            }
            let value = cell.get_value();
            let text = match value {
                DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.as_str()),
                DataRef::SharedString(s) => Some(*s),
                _ => None,
            };
            if text.is_some_and(|t| clean(t).is_empty()) || matches!(value, DataRef::Empty) {
                continue;
            }
            tally.admit(row + 1, col, text)?;
            if let Some(value) = typed(value) {
                rows.entry(row + 1).or_default().push((col, value));
            }
        }
        let rows = rows.into_iter().map(|(number, mut cells)| {
            cells.sort_by_key(|&(col, _)| col);
            // A cell written twice keeps its last value, as a spreadsheet shows it.
            cells.reverse();
            cells.dedup_by_key(|&mut (col, _)| col);
            cells.reverse();
            cells.shrink_to_fit();
            SheetRow { number, cells, problem: None }
        });
        sheets.push(Sheet { source, rows: rows.collect() });
    }
    Ok(sheets)
}

/// Refuses an archive whose entries declare more than [`MAX_UNPACKED_BYTES`] in all.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), RosterError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i)?.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(RosterError::UnpacksTooLarge { bytes: total });
    }
    Ok(())
}

/// A calamine cell as a [`Cell`]; `None` when it is empty or blank.
fn typed(value: &DataRef<'_>) -> Option<Cell> {
    let text = |s: &str| (!clean(s).is_empty()).then(|| Cell::Text(s.to_owned()));
    match value {
        DataRef::Empty => None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Int(i) => Some(Cell::Number(*i as f64)),
        DataRef::Float(f) => Some(Cell::Number(*f)),
        DataRef::Bool(b) => Some(Cell::Bool(*b)),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            Some(Cell::Date { year, month, day })
        }
        DataRef::DateTime(dt) => Some(Cell::Number(dt.as_f64())),
        DataRef::Error(e) => Some(Cell::Error(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &[u8]) -> Vec<SheetRow> {
        read(csv, Format::Csv).unwrap().remove(0).rows
    }

    #[test]
    fn row_numbers_count_blank_lines_but_not_breaks_inside_cells() {
        let rows = rows(b"a,b\n\"x\ny\",1\n\n,\nlast,2\n");
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        // Row 3 is blank, row 4 holds only empty cells: neither is a row with content.
        assert_eq!(numbers, [1, 2, 5]);
        assert_eq!(rows[1].cells[0], (0, Cell::Text("x\ny".into())));
    }

    #[test]
    fn row_numbers_are_right_with_windows_line_ends() {
        let numbers: Vec<u32> = rows(b"a,b\r\nc,d\r\n\r\ne,\"f\r\ng\"\r\nh,i\r\n").iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4, 5]);
    }

    #[test]
    fn column_letters_are_the_spreadsheets() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }

    fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet().set_name("成员").unwrap();
        for &(row, col, text) in cells {
            sheet.write_string(row, col, text).unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_cell_longer_than_a_spreadsheet_holds_is_refused_by_its_place() {
        let limits = Limits { cells: 100, cell_chars: 10 };
        let csv = "姓名,账号\n张三,zhangsan\n李四,通讯录通讯录通讯录通讯录\n";
        let err = read_csv(csv.as_bytes(), limits).unwrap_err().to_string();
        assert_eq!(err, "CSV row 3, column B: a cell of 12 characters; a spreadsheet cell holds at most 32767");
        let book = xlsx(&[(0, 0, "姓名"), (4, 2, "一二三四五六七八九十一")]);
        let err = read_xlsx(&book, limits).unwrap_err().to_string();
        assert_eq!(err, "sheet 成员 row 5, column C: a cell of 11 characters; a spreadsheet cell holds at most 32767");
        // Ten characters of three bytes each are thirty bytes, and still allowed.
        assert!(read_csv("一二三四五六七八九十\n".as_bytes(), limits).is_ok());
        assert!(read_xlsx(&xlsx(&[(0, 0, "一二三四五六七八九十")]), limits).is_ok());
    }

    #[test]
    fn more_filled_cells_than_a_roster_needs_are_refused() {
        let limits = Limits { cells: 5, cell_chars: 100 };
        let err = read_csv(b"a,b,c\nd,e,f\n", limits).unwrap_err().to_string();
        assert!(err.starts_with("CSV: more than 8000000 filled cells"), "{err}");
        // Blank cells are not counted.
        assert!(read_csv(b"a,,c\n, ,f\ng\n", limits).is_ok());
        let cells: Vec<(u32, u16, &str)> = (0..6).map(|i| (i, 0, "x")).collect();
        let err = read_xlsx(&xlsx(&cells), limits).unwrap_err().to_string();
        assert!(err.starts_with("sheet 成员: more than 8000000 filled cells"), "{err}");
        assert!(read_xlsx(&xlsx(&cells[..5]), limits).is_ok());
    }

    #[test]
    fn full_width_and_spaces() {
        assert_eq!(clean("\u{3000} x \u{200B}"), "x");
        assert_eq!(halfwidth("ｚｈａｎｇ＠１２３\u{3000}"), "zhang@123 ");
    }

    #[test]
    fn undecodable_bytes_are_named_by_offset_and_line() {
        let at = BytePosition::of(b"a\nb\x80", 3);
        assert_eq!(at.to_string(), "byte 3 (0x80, line 2)");
    }

    #[test]
    fn numbers_are_written_in_full() {
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(f64::NAN), "NaN");
    }
}
