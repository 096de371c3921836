//! The fuzz targets, one per input path. Core detects a file by its content, so the text targets
//! run the same code; they differ by their seed corpus, which steers mutations towards bills,
//! deduction exports or usage exports.

use crate::cli::{panics, parquet_input};
use crate::members;
use crate::pipeline::check_file;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Bills and cost details, CSV or TSV, any encoding; FOCUS CSV.
    Csv,
    /// Resource package deduction exports and the package overview.
    Deduction,
    /// Usage (dosage) exports.
    Usage,
    /// Billing API responses.
    Json,
    /// ZIP bill packs (see [`members`] for the input format).
    Zip,
    /// XLSX workbooks (the same input format as ZIP).
    Xlsx,
    /// FOCUS Parquet, read by the CLI's reader and then as FOCUS CSV.
    Parquet,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Csv,
        Target::Deduction,
        Target::Usage,
        Target::Json,
        Target::Zip,
        Target::Xlsx,
        Target::Parquet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Csv => "csv",
            Target::Deduction => "deduction",
            Target::Usage => "usage",
            Target::Json => "json",
            Target::Zip => "zip",
            Target::Xlsx => "xlsx",
            Target::Parquet => "parquet",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|target| target.name() == name)
    }

    /// Runs one input; panics on a crash or a broken invariant.
    pub fn run(self, input: &[u8]) {
        match self {
            Target::Csv => check_file("fuzz.csv", input),
            Target::Deduction => check_file("fuzz-deduction.csv", input),
            Target::Usage => check_file("fuzz-usage.csv", input),
            Target::Json => check_file("fuzz.json", input),
            Target::Zip => check_file("fuzz.zip", &members::container_bytes(input)),
            Target::Xlsx => check_file("fuzz.xlsx", &members::container_bytes(input)),
            Target::Parquet => run_parquet(input),
        }
    }
}

/// What `tcbill analyze file.parquet` does: the CLI's reader turns the file into FOCUS CSV, which
/// core then parses. The reader takes the bytes, as it does for a Parquet file read from a pipe.
fn run_parquet(input: &[u8]) {
    let is_parquet = parquet_input::is_parquet(input);
    // A file the reader refuses, or one the parquet crate panics on (caught per file, as the CLI
    // does), is an error message for the user.
    let csv = is_parquet
        .then(|| {
            let bytes = bytes::Bytes::copy_from_slice(input);
            panics::catch(|| parquet_input::to_csv(bytes)).ok()?.ok()
        })
        .flatten();
    match csv {
        Some(csv) => check_file("fuzz.parquet", &csv),
        // Without Parquet's magic bytes the CLI parses the file like any other.
        None if !is_parquet => check_file("fuzz.parquet", input),
        None => {}
    }
}
