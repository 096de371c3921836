//! XLSX workbooks: the first sheet with a recognisable header, read as rows.
//!
//! A workbook needs the whole file (its directory is at the end), so the parser buffers it;
//! whether a ZIP is a workbook at all is [`crate::input::sniff`]'s call.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::input::rows::RecordImporter;
use crate::model::diagnostic::Diagnostic;
use crate::model::kind::InputKind;
use crate::model::parsed_file::ParsedFile;

/// Reads the first sheet whose rows contain a recognisable header row.
pub(crate) fn parse_xlsx(file: &str, bytes: &[u8]) -> ParsedFile {
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            let diagnostic =
                Diagnostic::error(file, format!("not a readable XLSX workbook ({error})"));
            return ParsedFile::empty(file, InputKind::Xlsx, vec![diagnostic]);
        }
    };
    let mut first_attempt = None;
    let sheet_names = workbook.sheet_names();
    for (index, sheet_name) in sheet_names.iter().cloned().enumerate() {
        let mut cells = match workbook.worksheet_cells_reader(&sheet_name) {
            Ok(cells) => cells,
            Err(error) => {
                let diagnostic =
                    Diagnostic::error(file, format!("sheet {sheet_name} cannot be read ({error})"));
                first_attempt.get_or_insert(ParsedFile::empty(
                    file,
                    InputKind::Xlsx,
                    vec![diagnostic],
                ));
                continue;
            }
        };
        let mut importer = RecordImporter::new(file);
        let mut sheet = SheetRows::default();
        let mut diagnostics = Vec::new();
        let mut unread: Option<UnreadRows> = None;
        loop {
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let (row, column) = cell.get_position();
                    if column as usize >= MAX_XLSX_COLUMNS {
                        sheet.cells_beyond += 1;
                        sheet.first_beyond.get_or_insert((row, column));
                        continue;
                    }
                    if sheet.row != Some(row) {
                        sheet.flush(&mut importer);
                        sheet.row = Some(row);
                    }
                    let column = column as usize;
                    if sheet.texts.len() <= column {
                        sheet.texts.resize(column + 1, String::new());
                    }
                    sheet.texts[column] = cell_text(cell.get_value());
                }
                Ok(None) => break,
                Err(error) => {
                    // The row being gathered may lack cells: it is not handed on.
                    let first = sheet.row.take().map_or(1, |row| u64::from(row) + 1);
                    let declared_last = u64::from(cells.dimensions().end.0) + 1;
                    unread = Some(UnreadRows {
                        first,
                        last: declared_last.max(first),
                        error: error.to_string(),
                    });
                    break;
                }
            }
        }
        sheet.flush(&mut importer);
        if let Some((row, column)) = sheet.first_beyond {
            let message = format!(
                "{} cells beyond column {MAX_XLSX_COLUMNS} of sheet {sheet_name} are not read, the \
                 first at column {}",
                sheet.cells_beyond,
                column + 1
            );
            diagnostics.push(Diagnostic::warning(file, message).at_line(u64::from(row) + 1));
        }
        drop(cells);
        let found_header = importer.has_header();
        let mut outcome = importer.finish();
        if let Some(unread) = unread {
            // Before a header row there are no data rows to count.
            let rejected = if found_header { unread.count() } else { 0 };
            outcome.rows_rejected += rejected;
            outcome
                .diagnostics
                .push(unread.diagnostic(file, &sheet_name, rejected > 0));
        }
        outcome.diagnostics.extend(diagnostics);
        if found_header {
            let unread: Vec<&str> = sheet_names[index + 1..]
                .iter()
                .filter(|name| {
                    workbook
                        .worksheet_cells_reader(name)
                        .map_or(true, |mut cells| !matches!(cells.next_cell(), Ok(None)))
                })
                .map(String::as_str)
                .collect();
            if !unread.is_empty() {
                let message = format!(
                    "sheet {sheet_name} is read; the sheets after it that hold cells ({}) are not: \
                     tcbill reads one sheet per workbook, so save each as a file of its own to \
                     read it",
                    unread.join(", ")
                );
                outcome.diagnostics.push(Diagnostic::warning(file, message));
            }
        }
        let parsed = ParsedFile::from_parts(
            file,
            outcome.kind,
            None,
            outcome.table,
            outcome.rows_rejected,
            outcome.diagnostics,
        );
        if found_header {
            return parsed;
        }
        first_attempt.get_or_insert(parsed);
    }
    first_attempt.unwrap_or_else(|| {
        ParsedFile::empty(
            file,
            InputKind::Xlsx,
            vec![Diagnostic::error(file, "the workbook has no sheets")],
        )
    })
}

/// The rows of a sheet from the one whose cells stopped reading to the last the sheet declares
/// (its `<dimension>`): each is a row a user would expect read, so each is counted as rejected.
struct UnreadRows {
    /// 1-based, as a user sees it.
    first: u64,
    /// The sheet's declared last row, or `first` when it declares none after it.
    last: u64,
    error: String,
}

impl UnreadRows {
    fn count(&self) -> u64 {
        self.last - self.first + 1
    }

    fn diagnostic(&self, file: &str, sheet_name: &str, counted: bool) -> Diagnostic {
        let UnreadRows { first, last, error } = self;
        let rows = match (counted, last > first) {
            (false, _) => "the sheet's rows from here on are not read".to_owned(),
            (true, true) => format!(
                "rows {first}–{last} ({} rows, to the sheet's declared end) are rejected",
                self.count()
            ),
            (true, false) => "this row is rejected; the sheet declares no rows after it, so any \
                               there are not counted"
                .to_owned(),
        };
        let message = format!("sheet {sheet_name} cannot be read past this row ({error}): {rows}");
        Diagnostic::error(file, message).at_line(*first)
    }
}

/// Columns read from a sheet. Bills have under a hundred (a few hundred with tags); a cell far
/// to the right (`XFD1`) must not make every row 16,384 fields wide.
const MAX_XLSX_COLUMNS: usize = 4096;

/// Cells streamed from a sheet (never the whole grid at once: one cell at `XFD1048576` would
/// make a 17-billion-cell grid) gathered into one row at a time.
#[derive(Default)]
struct SheetRows {
    /// The 0-based sheet row being gathered.
    row: Option<u32>,
    texts: Vec<String>,
    /// The widest row so far: a spreadsheet's missing trailing cells are empty, so each row is
    /// padded to it, as the sheet's grid would be.
    width: usize,
    cells_beyond: u64,
    first_beyond: Option<(u32, u32)>,
}

impl SheetRows {
    /// Hands the gathered row to the importer with its spreadsheet row number. Rows without cells
    /// are not rows of the sheet at all, so nothing is pushed for them.
    fn flush(&mut self, importer: &mut RecordImporter) {
        if let Some(row) = self.row.take() {
            self.width = self.width.max(self.texts.len());
            self.texts.resize(self.width, String::new());
            let fields: Vec<&str> = self.texts.iter().map(String::as_str).collect();
            importer.push_record(&fields, u64::from(row) + 1);
            self.texts.clear();
        }
    }
}

/// A spreadsheet cell as the text a CSV export would hold. Excel stores numbers as binary
/// floating point; their shortest decimal form is what Excel itself displays.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::SharedString(text) => (*text).to_owned(),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text.clone()
        }
        DataRef::Int(value) => value.to_string(),
        DataRef::Float(value) => value.to_string(),
        DataRef::Bool(value) => value.to_string(),
        DataRef::DateTime(value) => excel_serial_to_text(value.as_f64()),
        DataRef::Error(error) => format!("#{error:?}"),
    }
}

/// Excel serial day numbers count from 1899-12-30 in the workbook's wall-clock time. A serial
/// outside Excel's own range (day 0 to 9999-12-31), or not a number, stays its number text, which
/// the cell's time column then rejects with its line and column.
fn excel_serial_to_text(serial: f64) -> String {
    if !(0.0..2_958_466.0).contains(&serial) {
        return if serial.abs() < 1e15 {
            serial.to_string()
        } else {
            format!("{serial:e}")
        };
    }
    let total_secs = (serial * 86_400.0).round() as i64;
    let unix_local_secs = total_secs - 25_569 * 86_400;
    let utc_secs = unix_local_secs - crate::model::time::BEIJING_UTC_OFFSET_SECS;
    crate::model::time::BeijingTime::from_utc_epoch_secs(utc_secs).to_string()
}
