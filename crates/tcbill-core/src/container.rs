//! ZIP bill packs and XLSX workbooks.
//!
//! Both need the whole file (their directory is at the end), so the parser buffers them. A ZIP
//! member that cannot be unpacked is reported on its own and does not stop the other members.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use crate::detect::InputKind;
use crate::diagnostic::Diagnostic;
use crate::parser::{parse_whole, ParsedFile};
use crate::tabular::RecordImporter;

/// Whether a complete ZIP file is an Excel workbook rather than a pack of bill files.
pub(crate) fn zip_is_xlsx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|archive| {
        archive
            .file_names_raw()
            .any(|name| name == b"xl/workbook.xml")
    })
}

/// Parses every member of a ZIP; members are named `pack.zip/member.csv`.
pub(crate) fn parse_zip(file: &str, bytes: &[u8]) -> Vec<ParsedFile> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => {
            let diagnostic = Diagnostic::error(
                file,
                format!("not a readable ZIP archive ({error}); the file may be truncated"),
            );
            return vec![ParsedFile::empty(
                file,
                InputKind::ZipPack,
                vec![diagnostic],
            )];
        }
    };
    let mut parsed = Vec::new();
    for index in 0..archive.len() {
        let mut member = match archive.by_index(index) {
            Ok(member) => member,
            Err(error) => {
                let name = format!("{file}/#{}", index + 1);
                let diagnostic =
                    Diagnostic::error(&name, format!("this ZIP member cannot be read ({error})"));
                parsed.push(ParsedFile::empty(
                    &name,
                    InputKind::Unknown,
                    vec![diagnostic],
                ));
                continue;
            }
        };
        let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
        if member.is_dir() || member_name.starts_with("__MACOSX/") {
            continue;
        }
        let name = format!("{file}/{member_name}");
        let mut contents = Vec::new();
        match member.read_to_end(&mut contents) {
            Ok(_) => parsed.extend(parse_whole(&name, &contents)),
            Err(error) => {
                let diagnostic = Diagnostic::error(
                    &name,
                    format!("this ZIP member cannot be unpacked ({error})"),
                );
                parsed.push(ParsedFile::empty(
                    &name,
                    InputKind::Unknown,
                    vec![diagnostic],
                ));
            }
        }
    }
    if parsed.is_empty() {
        let diagnostic = Diagnostic::error(file, "the ZIP archive holds no files");
        parsed.push(ParsedFile::empty(
            file,
            InputKind::ZipPack,
            vec![diagnostic],
        ));
    }
    parsed
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
        let range = match workbook.worksheet_range(&sheet_name) {
            Ok(range) => range,
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
        let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
        let mut importer = RecordImporter::new(file);
        for (row_index, row) in range.rows().enumerate() {
            let texts: Vec<String> = row.iter().map(cell_text).collect();
            let fields: Vec<&str> = texts.iter().map(String::as_str).collect();
            importer.push_record(&fields, first_row + row_index as u64 + 1);
        }
        let found_header = importer.has_header();
        let outcome = importer.finish();
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

/// A spreadsheet cell as the text a CSV export would hold. Excel stores numbers as binary
/// floating point; their shortest decimal form is what Excel itself displays.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => excel_serial_to_text(value.as_f64()),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// Excel serial day numbers count from 1899-12-30 in the workbook's wall-clock time.
fn excel_serial_to_text(serial: f64) -> String {
    let total_secs = (serial * 86_400.0).round() as i64;
    let unix_local_secs = total_secs - 25_569 * 86_400;
    let utc_secs = unix_local_secs - crate::time::BEIJING_UTC_OFFSET_SECS;
    crate::time::BeijingTime::from_utc_epoch_secs(utc_secs).to_string()
}
