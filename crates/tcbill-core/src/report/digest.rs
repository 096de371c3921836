//! What the app's page needs of a [`Report`], and no more, sent by its worker after every rebuild:
//! the report without its per-row deduction list (which can be millions of rows) and without
//! what only the download needs (inputs, forecast), each long list cut to what a screen shows
//! beside its full count, plus what the page needs that the report JSON leaves out: the tag keys
//! it offers as dimensions, each package's thinned burn-down, and the codes it words checks and
//! findings by. Not part of any download, so not in `report.schema.json`.
//!
//! One type for both ends of the app's worker → page message, so a field renamed here fails to
//! compile on both: the worker builds it borrowed from the report ([`Digest::of`] copies no
//! section, only cuts lists) and serialises it straight from there; the page deserialises the
//! same type owned (`Digest<'static>`: every `Cow` comes back `Owned`).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{
    CostReport, CurrencyTotal, DuplicateNotice, LowerDetailNotice, Report, RoundingNotice,
};
use crate::analysis::alerts::Alerts;
use crate::analysis::checks::{Check, CheckStatus, Finding, FindingCode, SkipReason};
use crate::analysis::compare::Comparison;
use crate::analysis::cost::{Dimension, Summary};
use crate::analysis::currency::Month;
use crate::analysis::deductions::{BalanceBreak, DeductionRow};
use crate::analysis::packages::{burn_down, PackageUsage};
use crate::analysis::series::{downsample, Point};
use crate::analysis::usage::UsageSeries;
use crate::analysis::RowRef;
use crate::dataset::Dataset;

/// How much of each list a [`Digest`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigestLimits {
    /// Groups of a breakdown (per currency), balance breaks, coefficient mismatches and each
    /// check's findings.
    pub list: usize,
    /// Points of each package's burn-down ([`downsample`]).
    pub burn_down_points: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Digest<'a> {
    /// Files whose rows an earlier file already holds (those rows are not counted).
    pub duplicates: Cow<'a, [DuplicateNotice]>,
    /// Columns whose totals may be rounded (never for a bill).
    pub rounding: Cow<'a, [RoundingNotice]>,
    /// Bill files whose months the costs do not cover.
    pub lower_detail: Cow<'a, [LowerDetailNotice]>,
    pub cost: CostDigest<'a>,
    pub deductions: DeductionDigest<'a>,
    pub packages: Vec<PackageDigest<'a>>,
    pub usage: Cow<'a, [UsageSeries]>,
    pub checks: Vec<CheckDigest<'a>>,
    pub alerts: Cow<'a, Alerts>,
    /// The two periods compared, when the bills cover two billing months or more.
    pub comparison: Option<Cow<'a, Comparison>>,
    /// Every cost-allocation tag key of the loaded files, sorted: the page's tag dimensions.
    pub tag_keys: Vec<String>,
}

/// The report's cost section, each breakdown cut by [`Summary::truncate_groups`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostDigest<'a> {
    /// Which rows were summed (see [`Summary::source`]); `None` without bills.
    pub source: Option<Cow<'a, str>>,
    pub row_count: usize,
    /// One grand total per currency: amounts in different currencies are never added.
    pub currencies: Cow<'a, [CurrencyTotal]>,
    pub breakdowns: Vec<Summary>,
}

/// The deduction section without its rows: how many there are, and the first findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeductionDigest<'a> {
    pub row_count: usize,
    pub balance_breaks: Cow<'a, [BalanceBreak]>,
    pub coefficient_mismatches: Cow<'a, [DeductionRow]>,
}

/// A package, and its balance after each deduction, thinned for a chart (empty without
/// deduction rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackageDigest<'a> {
    pub usage: Cow<'a, PackageUsage>,
    pub burn_down: Vec<Point>,
}

/// A check with its first findings, how many it found in all, and its codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckDigest<'a> {
    pub id: Cow<'a, str>,
    pub description: Cow<'a, str>,
    pub status: CheckStatus,
    pub skipped_reason: Option<Cow<'a, str>>,
    /// `skipped_reason` as a code, which the page words in its language.
    pub skipped: Option<SkipReason>,
    pub rows_checked: usize,
    /// All mismatches; `mismatches` holds the first.
    pub mismatch_count: usize,
    pub mismatches: Vec<FindingDigest<'a>>,
    /// Rows that have the columns but could not be checked.
    pub not_checked: Vec<FindingDigest<'a>>,
    /// Rows with a blank cell in one of the check's columns.
    pub rows_missing_values: usize,
}

/// A [`Finding`] as the page words it: by its code, which the report JSON leaves out (its English
/// `detail` is the code's `Display`, so it is not repeated here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingDigest<'a> {
    pub row: Cow<'a, Option<RowRef>>,
    pub subject: Cow<'a, str>,
    pub says: Cow<'a, FindingCode>,
    pub expected: Option<rust_decimal::Decimal>,
    pub found: Option<rust_decimal::Decimal>,
    pub difference: Option<rust_decimal::Decimal>,
}

impl<'a> FindingDigest<'a> {
    fn of(finding: &'a Finding) -> Self {
        FindingDigest {
            row: Cow::Borrowed(&finding.row),
            subject: Cow::Borrowed(&finding.subject),
            says: Cow::Borrowed(&finding.code),
            expected: finding.expected,
            found: finding.found,
            difference: finding.difference,
        }
    }
}

impl<'a> Digest<'a> {
    /// The digest of `report`, which was built from `dataset`.
    pub fn of(report: &'a Report, dataset: &Dataset, limits: DigestLimits) -> Digest<'a> {
        let cut = |len: usize| len.min(limits.list);
        let CostReport {
            source,
            row_count,
            currencies,
            breakdowns,
        } = &report.cost;
        let breakdowns = breakdowns
            .iter()
            .map(|summary| {
                let mut summary = summary.clone();
                summary.truncate_groups(limits.list);
                summary
            })
            .collect();
        let deductions = &report.deductions;
        let breaks = &deductions.analysis.balance_breaks;
        let mismatches = &deductions.coefficient_mismatches;
        let balances = burn_down(&deductions.analysis);
        let packages = report
            .packages
            .iter()
            .map(|package| PackageDigest {
                usage: Cow::Borrowed(package),
                burn_down: balances
                    .get(package.package_id.as_str())
                    .map(|points| downsample(points, limits.burn_down_points))
                    .unwrap_or_default(),
            })
            .collect();
        let findings = |findings: &'a [Finding]| {
            let shown = &findings[..cut(findings.len())];
            shown.iter().map(FindingDigest::of).collect()
        };
        let checks = report
            .checks
            .iter()
            .map(|check: &'a Check| CheckDigest {
                id: Cow::Borrowed(check.id),
                description: Cow::Borrowed(check.description),
                status: check.status,
                skipped_reason: check.skipped_reason.as_deref().map(Cow::Borrowed),
                skipped: check.skipped,
                rows_checked: check.rows_checked,
                mismatch_count: check.mismatches.len(),
                mismatches: findings(&check.mismatches),
                not_checked: findings(&check.not_checked),
                rows_missing_values: check.rows_missing_values,
            })
            .collect();
        let mut tag_keys: Vec<String> = dataset
            .files()
            .iter()
            .flat_map(|file| file.table.tag_keys().map(str::to_owned))
            .collect();
        crate::model::sort::sort(&mut tag_keys);
        tag_keys.dedup();
        Digest {
            duplicates: Cow::Borrowed(&report.duplicates),
            rounding: Cow::Borrowed(&report.rounding),
            lower_detail: Cow::Borrowed(&report.lower_detail),
            cost: CostDigest {
                source: source.as_deref().map(Cow::Borrowed),
                row_count: *row_count,
                currencies: Cow::Borrowed(currencies),
                breakdowns,
            },
            deductions: DeductionDigest {
                row_count: deductions.analysis.rows.len(),
                balance_breaks: Cow::Borrowed(&breaks[..cut(breaks.len())]),
                coefficient_mismatches: Cow::Borrowed(&mismatches[..cut(mismatches.len())]),
            },
            packages,
            usage: Cow::Borrowed(&report.usage),
            checks,
            alerts: Cow::Borrowed(&report.alerts),
            comparison: report.comparison.as_ref().map(Cow::Borrowed),
            tag_keys,
        }
    }

    /// The breakdown by product alone, if the report has one.
    pub fn by_product(&self) -> Option<&Summary> {
        self.cost
            .breakdowns
            .iter()
            .find(|breakdown| breakdown.group_by == [Dimension::Product])
    }

    /// Every billing month of the cost rows, all currencies together, oldest first.
    pub fn billing_months(&self) -> Vec<Month> {
        let months: BTreeSet<Month> = self
            .cost
            .currencies
            .iter()
            .flat_map(|currency| currency.periods.iter().copied())
            .collect();
        months.into_iter().collect()
    }

    /// Whether nothing loaded can be analysed: no bill, deduction, package or usage rows.
    pub fn is_empty(&self) -> bool {
        self.cost.row_count == 0
            && self.deductions.row_count == 0
            && self.packages.is_empty()
            && self.usage.is_empty()
    }
}
