//! Helpers shared by the integration tests: fixture paths and a plain-text rendering of a parsed
//! file, so tests compare whole outcomes (kind, counts, diagnostics, cells) against expectations.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fmt::Write;
use std::path::PathBuf;

use tcbill_core::{Column, ColumnType, ColumnValues, ParsedFile, Table};

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(name)
}

pub fn read_data(name: &str) -> Vec<u8> {
    std::fs::read(data_path(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// Parses a fixture that holds exactly one file.
pub fn parse_one(name: &str) -> ParsedFile {
    let mut parsed = tcbill_core::parse_file(name, &read_data(name));
    assert_eq!(parsed.len(), 1, "{name} should yield one parsed file");
    parsed.remove(0)
}

/// Kind, encoding, counts and diagnostics, one per line.
pub fn summary(parsed: &ParsedFile) -> String {
    let mut out = String::new();
    writeln!(out, "{} | {}", parsed.name, parsed.kind).unwrap();
    if let Some(encoding) = parsed.encoding {
        writeln!(out, "encoding {encoding}").unwrap();
    }
    writeln!(
        out,
        "rows read {}, accepted {}, rejected {}",
        parsed.rows_read(),
        parsed.rows_accepted(),
        parsed.rows_rejected
    )
    .unwrap();
    for diagnostic in &parsed.diagnostics {
        writeln!(out, "{diagnostic}").unwrap();
    }
    out
}

/// The cell of `column` at `row` as text (decimals with their own scale), `None` when absent.
pub fn cell(table: &Table, column: &Column, row: usize) -> Option<String> {
    match &column.values {
        ColumnValues::Text(values) => values
            .get(row)
            .map(|symbol| table.resolve(symbol).to_owned()),
        ColumnValues::Decimal(values) => values.get(row).map(|value| value.to_string()),
        ColumnValues::Time(values) => values.get(row).map(|value| value.to_string()),
    }
}

/// One row as `Column=value` pairs (absent values left out), in column order.
pub fn row(parsed: &ParsedFile, row: usize) -> String {
    let table = &parsed.table;
    let mut parts = Vec::new();
    for column in table.columns() {
        if let Some(value) = cell(table, column, row) {
            parts.push(format!("{}={value}", column.name));
        }
    }
    parts.join("\n")
}

/// The summary, then every column with its source header and role, then every row (text
/// quoted), of each parsed file: what a golden file compares.
pub fn table_dump(files: &[ParsedFile]) -> String {
    let mut out = String::new();
    for parsed in files {
        out.push_str(&summary(parsed));
        let table = &parsed.table;
        writeln!(out, "kind {:?}, title {:?}", table.kind(), table.title()).unwrap();
        for column in table.columns() {
            writeln!(
                out,
                "column {} | {} | {:?} | {:?}",
                column.name,
                column.source_header,
                column.role,
                column.column_type()
            )
            .unwrap();
        }
        for row in 0..table.row_count() {
            writeln!(out, "row {row}").unwrap();
            for column in table.columns() {
                let value = match column.column_type() {
                    ColumnType::Text => cell(table, column, row).map(|text| format!("{text:?}")),
                    _ => cell(table, column, row),
                };
                if let Some(value) = value {
                    writeln!(out, "  {}={value}", column.name).unwrap();
                }
            }
        }
    }
    out
}

/// Compares `actual` with the golden file `dir/name` byte for byte, or writes it under
/// `TCBILL_BLESS=1`; a difference is pushed onto `failures` (as text, lossily).
pub fn check_golden(dir: &str, name: &str, actual: &[u8], failures: &mut Vec<String>) {
    let path = std::path::Path::new(dir).join(name);
    if std::env::var_os("TCBILL_BLESS").is_some() {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    if expected != actual {
        failures.push(format!(
            "{name} differs:\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        ));
    }
}

#[track_caller]
pub fn assert_text(actual: &str, expected: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    if actual != expected {
        panic!("text differs\n--- expected\n{expected}\n--- actual\n{actual}\n---");
    }
}

pub const API_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/api");
pub const SAMPLE_MONTH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample");

/// A dataset of files given by path.
pub fn dataset_of(paths: &[PathBuf]) -> tcbill_core::Dataset {
    let mut dataset = tcbill_core::Dataset::new();
    for path in paths {
        let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        let name = path.file_name().unwrap().to_string_lossy();
        dataset.add(tcbill_core::parse_file(&name, &bytes));
    }
    dataset
}

/// The built-in sample month: L3 bill, deduction export and DescribeBillSummaryByProduct.
pub fn sample_month() -> tcbill_core::Dataset {
    dataset_of(&[
        PathBuf::from(SAMPLE_MONTH).join("2025-06-明细账单-L3.csv"),
        PathBuf::from(SAMPLE_MONTH).join("2025-06-资源包抵扣明细.csv"),
        PathBuf::from(SAMPLE_MONTH).join("DescribeBillSummaryByProduct-2025-06.json"),
    ])
}

pub fn dec(text: &str) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_str_exact(text).unwrap()
}
