//! The page's reading of the report digest the worker sends (core's `report::Digest`, serialised).
//!
//! The cost summaries and the comparison are read as core's own types (`Summary`, `Comparison`),
//! so a field core renames fails to compile here. The rest (duplicates, deductions, packages,
//! usage, checks, alerts) is still declared below, as the fields the views show with amounts as
//! the report's exact decimal strings: core's types for them serialise only (`Check` holds
//! `&'static str`, the digest borrows them from the report), and the Packages, Usage and
//! Overview views read strings. Moving those to core's types, and with them the `Report`
//! message off JSON text, is the part of issue #15 left open (ARCHITECTURE.md, *What crosses it*).

use rust_decimal::Decimal;
use serde::Deserialize;
use tcbill_core::analysis::checks::{FindingCode, SkipReason};
use tcbill_core::analysis::compare::{Comparison, CurrencyComparison};
use tcbill_core::analysis::cost::{Amounts, CurrencySummary, Dimension, Summary};

use crate::page::views::usage::UsageSeriesView;

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReportView {
    /// Files whose rows an earlier file already holds (those rows are not counted).
    pub duplicates: Vec<DuplicateView>,
    pub cost: CostView,
    pub deductions: DeductionsView,
    pub packages: Vec<PackageView>,
    pub usage: Vec<UsageSeriesView>,
    pub checks: Vec<CheckView>,
    /// Cost-allocation tag keys of the loaded files.
    pub tag_keys: Vec<String>,
    /// The two periods compared, when the bills cover two billing months or more.
    #[serde(default)]
    pub comparison: Option<Comparison>,
    #[serde(default)]
    pub alerts: Option<AlertsView>,
}

impl ReportView {
    pub fn from_json(json: &str) -> Result<ReportView, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The breakdown by product alone, if the report has one.
    pub fn by_product(&self) -> Option<&Summary> {
        self.cost.breakdowns.iter().find(|b| b.group_by == [Dimension::Product])
    }

    /// Every billing month of the cost rows, all currencies together, oldest first.
    pub fn billing_months(&self) -> Vec<String> {
        let months: std::collections::BTreeSet<&String> =
            self.cost.currencies.iter().flat_map(|currency| &currency.periods).collect();
        months.into_iter().cloned().collect()
    }

    /// Whether anything loaded can be analysed: bill, deduction, package or usage rows.
    pub fn is_empty(&self) -> bool {
        self.cost.row_count == 0 && self.deductions.row_count == 0 && self.packages.is_empty() && self.usage.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct DuplicateView {
    pub file: String,
    pub first_loaded_from: String,
    pub rows: u64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CostView {
    /// Which rows were summed (`BillDetails`, `BillResources`, `CostDetails`); `None` without bills.
    pub source: Option<String>,
    pub row_count: u64,
    /// One grand total per currency: amounts in different currencies are never added.
    pub currencies: Vec<CurrencyTotalView>,
    /// Core's summaries, each currency's groups cut ([`Summary::truncate_groups`]).
    pub breakdowns: Vec<Summary>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CurrencyTotalView {
    pub currency: String,
    /// Billing months, `2024-11`.
    pub periods: Vec<String>,
    pub row_count: u64,
    pub total: Amounts,
}

/// The section of `currency` in `summary`, else its first; `None` when no row passed the filters.
pub fn section<'a>(summary: &'a Summary, currency: Option<&str>) -> Option<&'a CurrencySummary> {
    let chosen = currency.and_then(|code| summary.currencies.iter().find(|section| section.currency.as_str() == code));
    chosen.or(summary.currencies.first())
}

/// The cost a bill is judged by, as the report's comparison, alerts and forecast take it:
/// `RealTotalCost` (优惠后总价), else `TotalCost` where the rows have no discounted column.
pub fn judged_cost(amounts: &Amounts) -> Option<Decimal> {
    amounts.real_total_cost.or(amounts.total_cost)
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct DeductionsView {
    pub row_count: u64,
    pub balance_breaks: Vec<BalanceBreakView>,
    pub coefficient_mismatches: Vec<MismatchView>,
}

/// Where a row is in its file: the line an editor shows (the row number in Excel) for CSV and
/// XLSX, the record path for JSON (core's `RowRef`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SourceRow {
    pub file: String,
    pub line: Option<u64>,
    pub record: Option<String>,
}

impl SourceRow {
    /// The line, else the record path: the "row" a table shows next to the file.
    pub fn place(&self) -> String {
        match (&self.line, &self.record) {
            (Some(line), _) => line.to_string(),
            (None, Some(record)) => record.clone(),
            (None, None) => String::new(),
        }
    }
}

impl std::fmt::Display for SourceRow {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.line, &self.record) {
            (Some(line), _) => write!(formatter, "{}:{line}", self.file),
            (None, Some(record)) => write!(formatter, "{} {record}", self.file),
            (None, None) => formatter.write_str(&self.file),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BalanceBreakView {
    pub package_id: String,
    pub row: SourceRow,
    pub deduction_time: Option<String>,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub difference: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MismatchView {
    pub source: SourceRow,
    pub package_id: Option<String>,
    pub deduction_time: Option<String>,
    pub actual_dosage: Option<String>,
    pub package_unit: Option<String>,
    pub dosage: Option<String>,
    pub dosage_unit: Option<String>,
    pub exported_coefficient: Option<String>,
    pub recomputed_coefficient: Option<String>,
    pub coefficient_check: CoefficientCheckView,
}

/// The 实际抵扣量 the exported 抵扣系数 gives (absent unless the check found a mismatch).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CoefficientCheckView {
    #[serde(default)]
    pub expected_actual_dosage: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PackageView {
    pub package_id: String,
    pub package_name: Option<String>,
    pub product: Option<String>,
    pub package_type: Option<String>,
    pub unit: Option<String>,
    pub total: Option<String>,
    pub used: Option<String>,
    pub remaining: Option<String>,
    pub utilisation_percent: Option<String>,
    pub daily_burn_rate: Option<String>,
    pub projected_exhaustion: Option<String>,
    /// The last deduction of a package with nothing left.
    pub exhausted_on: Option<String>,
    pub expires: Option<String>,
    pub exhausts_before_expiry: Option<bool>,
    /// Left at expiry at the burn rate, whole units.
    pub unused_at_expiry: Option<String>,
    /// Use the overview counts that the loaded deduction rows do not show.
    pub used_outside_deduction_rows: Option<String>,
    /// 抵扣后包剩余量 at each 抵扣时间, thinned; empty without deduction rows.
    #[serde(default)]
    pub burn_down: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CheckView {
    pub id: String,
    pub description: String,
    /// `ok`, `mismatches` or `skipped`.
    pub status: String,
    pub skipped_reason: Option<String>,
    /// `skipped_reason` as a code (the digest's, not in the report JSON).
    #[serde(default)]
    pub skipped: Option<SkipReason>,
    pub rows_checked: u64,
    pub mismatches: Vec<FindingView>,
    /// Rows that have the columns but could not be checked.
    #[serde(default)]
    pub not_checked: Vec<FindingView>,
    /// All mismatches, of which at most the worker's list limit are in `mismatches`.
    #[serde(default)]
    pub mismatch_count: Option<u64>,
}

/// One row (or group) that failed a check: where it is and what differs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FindingView {
    pub row: Option<SourceRow>,
    pub subject: String,
    pub detail: String,
    /// `detail` as a code (the digest's, not in the report JSON).
    #[serde(default)]
    pub says: Option<FindingCode>,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub difference: Option<String>,
}

/// The section of `currency` in `comparison`, else its first.
pub fn comparison_section<'a>(comparison: &'a Comparison, currency: Option<&str>) -> Option<&'a CurrencyComparison> {
    let chosen =
        currency.and_then(|code| comparison.currencies.iter().find(|section| section.currency.as_str() == code));
    chosen.or(comparison.currencies.first())
}

/// Core's `Alerts`: how many of each kind fired, and each alert.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AlertsView {
    /// Every kind, with zero where none fired, in the list's order.
    pub counts: Vec<KindCountView>,
    pub alerts: Vec<AlertView>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct KindCountView {
    pub kind: String,
    pub count: u64,
}

/// One alert; the page words it from its fields (`message` is English, for the JSON and the CLI).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AlertView {
    /// `daily_spike`, `allocation_gap`, ...
    pub kind: String,
    /// What `subject` names: `product`, `resource`, `region`, `instance_type`, `package`, `tag`,
    /// `check`.
    pub dimension: String,
    pub subject: String,
    pub period: Option<String>,
    pub currency: Option<String>,
    pub amount: Option<String>,
    pub expected: Option<String>,
    pub excess: Option<String>,
    #[serde(default)]
    pub quantity: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    /// Rows behind it in all; `rows` cites the first of them.
    pub row_count: u64,
    pub rows: Vec<AlertRowsView>,
}

impl AlertView {
    /// How many rows it cites (and the page can show).
    pub fn cited(&self) -> u64 {
        self.rows.iter().map(|rows| rows.rows.len() as u64).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AlertRowsView {
    pub file_index: usize,
    pub rows: Vec<usize>,
}
