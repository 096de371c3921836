//! ZIP bill packs and XLSX workbooks.
//!
//! Both need the whole file (their directory is at the end), so the parser buffers them. A ZIP
//! member that cannot be unpacked is reported on its own and does not stop the other members.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use crate::detect::{local_member_names, names_make_xlsx, InputKind};
use crate::diagnostic::Diagnostic;
use crate::parser::{ParsedFile, Parser};
use crate::tabular::RecordImporter;

/// How deep ZIPs may nest in ZIPs. Real packs nest one level (a month's pack of daily packs);
/// the limit keeps a hostile archive from recursing without end.
pub(crate) const MAX_ZIP_DEPTH: u32 = 4;

/// A member may inflate to this many bytes before the ratio below is checked.
const BOMB_FLOOR: u64 = 64 << 20;

/// Bills compress about 10:1; past [`BOMB_FLOOR`], a member inflating more than this many bytes
/// per compressed byte is taken for a ZIP bomb and not read further.
const MAX_INFLATION_RATIO: u64 = 200;

/// Bytes all the members of one dropped file may inflate to, nested archives included. Members
/// are streamed, never held whole, so this bounds time rather than memory: 4 GiB in the browser
/// (wasm32's whole address space), 64 GiB natively.
pub(crate) const MAX_INFLATED_TOTAL: u64 = if cfg!(target_pointer_width = "32") {
    4 << 30
} else {
    64 << 30
};

/// What unpacking one dropped file may still cost, shared by every archive nested in it.
pub(crate) struct Unpacking {
    pub(crate) depth: u32,
    pub(crate) inflated_left: u64,
}

impl Unpacking {
    pub(crate) fn new() -> Self {
        Unpacking {
            depth: 0,
            inflated_left: MAX_INFLATED_TOTAL,
        }
    }
}

/// Whether a complete ZIP file is an Excel workbook rather than a pack of bill files: by its
/// central directory, or by its local headers when the directory is lost.
pub(crate) fn zip_is_xlsx(bytes: &[u8]) -> bool {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => names_make_xlsx(archive.file_names_raw()),
        Err(_) => names_make_xlsx(local_member_names(bytes)),
    }
}

fn failed(name: &str, kind: InputKind, message: String) -> ParsedFile {
    ParsedFile::empty(name, kind, vec![Diagnostic::error(name, message)])
}

/// Parses every member of a ZIP; members are named `pack.zip/member.csv`. A ZIP whose central
/// directory is lost (a truncated download) still yields the members its local headers hold.
pub(crate) fn parse_zip(file: &str, bytes: &[u8], unpacking: &mut Unpacking) -> Vec<ParsedFile> {
    if unpacking.depth >= MAX_ZIP_DEPTH {
        let message = format!(
            "a ZIP nested more than {MAX_ZIP_DEPTH} levels deep in other ZIPs is not unpacked"
        );
        return vec![failed(file, InputKind::ZipPack, message)];
    }
    unpacking.depth += 1;
    let parsed = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => parse_members(file, archive, unpacking),
        Err(error) => recover_members(file, bytes, &error, unpacking),
    };
    unpacking.depth -= 1;
    parsed
}

fn parse_members(
    file: &str,
    mut archive: zip::ZipArchive<Cursor<&[u8]>>,
    unpacking: &mut Unpacking,
) -> Vec<ParsedFile> {
    let mut parsed = Vec::new();
    for index in 0..archive.len() {
        match archive.by_index(index) {
            Ok(mut member) => {
                let compressed = member.compressed_size();
                let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
                if !member.is_dir() && !member_name.starts_with("__MACOSX/") {
                    let name = format!("{file}/{member_name}");
                    match parse_member(&name, &mut member, compressed, unpacking) {
                        Ok(files) => parsed.extend(files),
                        Err(message) => parsed.push(failed(&name, InputKind::Unknown, message)),
                    }
                }
            }
            Err(error) => {
                let name = format!("{file}/#{}", index + 1);
                let message = format!("this ZIP member cannot be read ({error})");
                parsed.push(failed(&name, InputKind::Unknown, message));
            }
        }
    }
    if parsed.is_empty() {
        let message = "the ZIP archive holds no files".to_owned();
        parsed.push(failed(file, InputKind::ZipPack, message));
    }
    parsed
}

/// Reads the members a truncated ZIP still holds, one local header after another.
fn recover_members(
    file: &str,
    bytes: &[u8],
    error: &zip::result::ZipError,
    unpacking: &mut Unpacking,
) -> Vec<ParsedFile> {
    let mut reader = Cursor::new(bytes);
    let mut parsed = Vec::new();
    let mut recovered = 0;
    while let Ok(Some(mut member)) = zip::read::read_zipfile_from_stream(&mut reader) {
        let compressed = member.compressed_size();
        let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
        if member.is_dir() || member_name.starts_with("__MACOSX/") {
            continue;
        }
        let name = format!("{file}/{member_name}");
        match parse_member(&name, &mut member, compressed, unpacking) {
            Ok(files) => {
                recovered += 1;
                parsed.extend(files);
            }
            Err(message) => parsed.push(failed(&name, InputKind::Unknown, message)),
        }
    }
    let message = if recovered == 0 {
        format!("not a readable ZIP archive ({error}); the file may be truncated")
    } else {
        format!(
            "the ZIP's directory is missing or damaged ({error}); the file may be truncated: \
             {recovered} members were read from their own headers, anything after them is lost"
        )
    };
    parsed.insert(0, failed(file, InputKind::ZipPack, message));
    parsed
}

/// Streams one member into a parser of its own, a slice at a time, within the bomb limits; a
/// member that cannot be unpacked is one message.
fn parse_member(
    name: &str,
    member: &mut impl Read,
    compressed: u64,
    unpacking: &mut Unpacking,
) -> Result<Vec<ParsedFile>, String> {
    let mut parser = Parser::new(name);
    let mut slice = vec![0; 1 << 20];
    let mut inflated = 0u64;
    loop {
        let read = match member.read(&mut slice) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) => {
                let message = format!("this ZIP member cannot be unpacked ({error})");
                return Err(message);
            }
        };
        inflated += read as u64;
        let ratio_exceeded =
            compressed > 0 && inflated > compressed.saturating_mul(MAX_INFLATION_RATIO);
        if inflated > BOMB_FLOOR && ratio_exceeded {
            let message = format!(
                "this ZIP member inflates more than {MAX_INFLATION_RATIO} times its compressed \
                 size ({compressed} bytes), as ZIP bombs do; it is not read"
            );
            return Err(message);
        }
        if inflated > unpacking.inflated_left {
            let message = format!(
                "unpacking stopped: the members of this file inflate past {} GiB in all",
                MAX_INFLATED_TOTAL >> 30
            );
            return Err(message);
        }
        parser.feed(&slice[..read]);
    }
    unpacking.inflated_left -= inflated;
    Ok(parser.finish_nested(unpacking))
}

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
    for sheet_name in workbook.sheet_names() {
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
                    let line = sheet.row.map_or(1, |row| u64::from(row) + 1);
                    let message =
                        format!("sheet {sheet_name} cannot be read past this row ({error})");
                    diagnostics.push(Diagnostic::error(file, message).at_line(line));
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
        outcome.diagnostics.extend(diagnostics);
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

/// Excel serial day numbers count from 1899-12-30 in the workbook's wall-clock time.
fn excel_serial_to_text(serial: f64) -> String {
    let total_secs = (serial * 86_400.0).round() as i64;
    let unix_local_secs = total_secs - 25_569 * 86_400;
    let utc_secs = unix_local_secs - crate::time::BEIJING_UTC_OFFSET_SECS;
    crate::time::BeijingTime::from_utc_epoch_secs(utc_secs).to_string()
}
