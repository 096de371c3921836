//! What the app's page needs of a [`Report`], and no more, sent by its worker after every rebuild:
//! the report without its per-row deduction list (which can be millions of rows) and without
//! what only the download needs (inputs, forecast), each long list cut to what a screen shows
//! beside its full count, plus what the page needs that the report JSON leaves out: the tag keys
//! it offers as dimensions, each package's thinned burn-down, and the codes it words checks and
//! findings by. Borrowed from the report, so building it copies no rows. Not part of any
//! download, so not in `report.schema.json`.

use serde::Serialize;

use super::{CostReport, CurrencyTotal, DuplicateNotice, Report};
use crate::analysis::alerts::Alerts;
use crate::analysis::checks::{Check, CheckStatus, Finding, FindingCode, SkipReason};
use crate::analysis::compare::Comparison;
use crate::analysis::cost::Summary;
use crate::analysis::deductions::{BalanceBreak, DeductionRow};
use crate::analysis::packages::{burn_down, PackageUsage};
use crate::analysis::series::{downsample, Point};
use crate::analysis::usage::UsageSeries;
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest<'a> {
    pub duplicates: &'a [DuplicateNotice],
    pub cost: CostDigest<'a>,
    pub deductions: DeductionDigest<'a>,
    pub packages: Vec<PackageDigest<'a>>,
    pub usage: &'a [UsageSeries],
    pub checks: Vec<CheckDigest<'a>>,
    pub alerts: &'a Alerts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<&'a Comparison>,
    /// Every cost-allocation tag key of the loaded files, sorted: the page's tag dimensions.
    pub tag_keys: Vec<String>,
}

/// The report's cost section, each breakdown cut by [`Summary::truncate_groups`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostDigest<'a> {
    pub source: Option<&'a str>,
    pub row_count: usize,
    pub currencies: &'a [CurrencyTotal],
    pub breakdowns: Vec<Summary>,
}

/// The deduction section without its rows: how many there are, and the first findings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeductionDigest<'a> {
    pub row_count: usize,
    pub balance_breaks: &'a [BalanceBreak],
    pub coefficient_mismatches: &'a [DeductionRow],
}

/// A package, and its balance after each deduction, thinned for a chart (empty without
/// deduction rows).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackageDigest<'a> {
    #[serde(flatten)]
    pub package: &'a PackageUsage,
    pub burn_down: Vec<Point>,
}

/// A check with its first findings, how many it found in all, and its codes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckDigest<'a> {
    pub id: &'static str,
    pub description: &'static str,
    pub status: CheckStatus,
    pub skipped_reason: Option<&'a str>,
    /// `skipped_reason` as a code, which the page words in its language.
    pub skipped: Option<SkipReason>,
    pub rows_checked: usize,
    /// All mismatches; `mismatches` holds the first.
    pub mismatch_count: usize,
    pub mismatches: Vec<FindingDigest<'a>>,
    pub not_checked: Vec<FindingDigest<'a>>,
}

/// A finding and its code (`detail` is the English of it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingDigest<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    pub says: &'a FindingCode,
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
                package,
                burn_down: balances
                    .get(package.package_id.as_str())
                    .map(|points| downsample(points, limits.burn_down_points))
                    .unwrap_or_default(),
            })
            .collect();
        let findings = |findings: &'a [Finding]| {
            let shown = &findings[..cut(findings.len())];
            shown
                .iter()
                .map(|finding| FindingDigest {
                    finding,
                    says: &finding.code,
                })
                .collect()
        };
        let checks = report
            .checks
            .iter()
            .map(|check: &'a Check| CheckDigest {
                id: check.id,
                description: check.description,
                status: check.status,
                skipped_reason: check.skipped_reason.as_deref(),
                skipped: check.skipped,
                rows_checked: check.rows_checked,
                mismatch_count: check.mismatches.len(),
                mismatches: findings(&check.mismatches),
                not_checked: findings(&check.not_checked),
            })
            .collect();
        let mut tag_keys: Vec<String> = dataset
            .files()
            .iter()
            .flat_map(|file| file.table.tag_keys().map(str::to_owned))
            .collect();
        tag_keys.sort();
        tag_keys.dedup();
        Digest {
            duplicates: &report.duplicates,
            cost: CostDigest {
                source: source.as_deref(),
                row_count: *row_count,
                currencies,
                breakdowns,
            },
            deductions: DeductionDigest {
                row_count: deductions.analysis.rows.len(),
                balance_breaks: &breaks[..cut(breaks.len())],
                coefficient_mismatches: &mismatches[..cut(mismatches.len())],
            },
            packages,
            usage: &report.usage,
            checks,
            alerts: &report.alerts,
            comparison: report.comparison.as_ref(),
            tag_keys,
        }
    }
}
