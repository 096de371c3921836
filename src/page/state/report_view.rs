//! The page's reading of the report: core's [`Digest`] itself, as the worker sent it in
//! [`crate::protocol::FromWorker::Report`] (no view structs re-declaring its shape, so a field core
//! renames fails to compile here too), and what the views derive from it: a currency's section of
//! a summary or comparison, the cost a month is judged by, the rows an alert cites.

use std::ops::Deref;
use std::rc::Rc;

use rust_decimal::Decimal;
use tcbill_core::analysis::alerts::Alert;
use tcbill_core::analysis::compare::{Comparison, CurrencyComparison};
use tcbill_core::analysis::cost::{Amounts, CurrencySummary, Summary};
use tcbill_core::report::Digest;

/// The report as the page holds it: core's digest, deserialised (owned).
pub type ReportDigest = Digest<'static>;

/// The report shared by the app and its views. Each report the worker sends is a new one, so two
/// are the same exactly when they are the same allocation: comparing props (on every render of the
/// app, for every worker answer) costs a pointer comparison, not a walk of the digest, and passing
/// it down never copies it.
#[derive(Clone)]
pub struct SharedReport(Rc<ReportDigest>);

impl From<ReportDigest> for SharedReport {
    fn from(digest: ReportDigest) -> Self {
        SharedReport(Rc::new(digest))
    }
}

impl PartialEq for SharedReport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for SharedReport {
    type Target = ReportDigest;

    fn deref(&self) -> &ReportDigest {
        &self.0
    }
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

/// The section of `currency` in `comparison`, else its first.
pub fn comparison_section<'a>(comparison: &'a Comparison, currency: Option<&str>) -> Option<&'a CurrencyComparison> {
    let chosen =
        currency.and_then(|code| comparison.currencies.iter().find(|section| section.currency.as_str() == code));
    chosen.or(comparison.currencies.first())
}

/// How many rows `alert` cites (and the page can show); its `row_count` counts them all.
pub fn cited(alert: &Alert) -> usize {
    alert.rows.iter().map(|rows| rows.rows.len()).sum()
}
