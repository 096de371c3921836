//! The answers users come for, computed exactly from a [`Dataset`]: one module per analysis.
//!
//! Every analysis reads the canonical columns of [`crate::model::table`] and returns plain values with
//! `Serialize`, sorted deterministically, so the web app, the CLI and the JSON report show the same
//! thing. Money stays [`rust_decimal::Decimal`] throughout; rows are pointed at by [`RowRef`].

pub mod alerts;
pub mod checks;
pub mod compare;
pub mod cost;
pub mod currency;
pub mod deductions;
mod fixed;
pub mod forecast;
pub mod packages;
pub mod products;
pub mod series;
pub mod share;
pub mod units;
pub mod usage;

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::model::table::{RowSource, Table, TableKind};

/// Where a row came from: its file and its [`RowSource`], the place a user opens. `Display` gives
/// `bill.csv:118` or `pages.json Response.DetailSet[0]`, as diagnostics do.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowRef {
    pub file: String,
    /// The 1-based physical line of a CSV file, as an editor shows it, or the row number a
    /// spreadsheet shows (title and header lines counted); absent for JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The record path in a JSON response (`Response.DetailSet[3].ComponentSet[1]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl RowRef {
    /// Row `row` of `table`, read from `file`.
    pub fn of(file: &str, table: &Table, row: usize) -> Self {
        let (line, record) = match table.source(row) {
            RowSource::Line(line) => (Some(line), None),
            RowSource::Record(path) => (None, Some(path.to_owned())),
        };
        RowRef {
            file: file.to_owned(),
            line,
            record,
        }
    }

    /// The line or the record path alone, for a table's "row" column.
    pub fn place(&self) -> String {
        match (&self.line, &self.record) {
            (Some(line), _) => line.to_string(),
            (None, Some(record)) => record.clone(),
            (None, None) => String::new(),
        }
    }
}

impl fmt::Display for RowRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.record) {
            (Some(line), _) => write!(formatter, "{}:{line}", self.file),
            (None, Some(record)) => write!(formatter, "{} {record}", self.file),
            (None, None) => formatter.write_str(&self.file),
        }
    }
}

/// The tables of one kind with the names of their files.
fn named_tables(dataset: &Dataset, kind: TableKind) -> impl Iterator<Item = (&str, &Table)> {
    dataset
        .files()
        .iter()
        .filter(move |file| file.table.kind() == kind)
        .map(|file| (file.name.as_str(), &file.table))
}

/// The tables of one kind with their file's name and index: an analysis that counts rows reads
/// them through [`Dataset::counted_rows`], so the copies of a file loaded twice count once.
fn counted_tables(
    dataset: &Dataset,
    kind: TableKind,
) -> impl Iterator<Item = (usize, &str, &Table)> {
    dataset
        .files()
        .iter()
        .enumerate()
        .filter(move |(_, file)| file.table.kind() == kind)
        .map(|(index, file)| (index, file.name.as_str(), &file.table))
}

/// Why a value is missing from an analysis although its row has every input: cells are bounded
/// when parsed (`number::MAX_MAGNITUDE`), so sums cannot overflow, but a product or quotient of
/// hostile values can leave a decimal's 28 digits; such a row is named in a finding instead of
/// stopping the report or being rounded to nothing.
const NOT_EXACT: &str = "the values are too large or too small to compute with exactly";

/// Rounds half away from zero, the way bills round to 分.
fn round_half_up(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}
