//! The answers users come for, computed exactly from a [`Dataset`]: one module per analysis.
//!
//! Every analysis reads the canonical columns of [`crate::table`] and returns plain values with
//! `Serialize`, sorted deterministically, so the web app, the CLI and the JSON report show the same
//! thing. Money stays [`rust_decimal::Decimal`] throughout; rows are pointed at by [`RowRef`].

pub mod checks;
pub mod cost;
pub mod currency;
pub mod deductions;
pub mod packages;
pub mod products;
pub mod series;
pub mod share;
pub mod units;
pub mod usage;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::dataset::Dataset;
use crate::table::{Table, TableKind};

/// Where a row came from: the file name and the 1-based data row (header not counted).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RowRef {
    pub file: String,
    pub row: usize,
}

/// The tables of one kind with the names of their files.
fn named_tables(dataset: &Dataset, kind: TableKind) -> impl Iterator<Item = (&str, &Table)> {
    dataset
        .files()
        .iter()
        .filter(move |file| file.table.kind() == kind)
        .map(|file| (file.name.as_str(), &file.table))
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
