//! Alerts a person can check: rules over the loaded rows, each alert naming what, when, how
//! much above what was expected, and the rows behind it.
//!
//! Tencent's console detects anomalies with a model it does not show, over about 60 days of its
//! own history. These rules need only the exported files, and each is a formula a user can redo
//! by hand from the rows an alert cites (README's *Alerts*). One module per rule:
//! - `spike`: a day's cost of a product or a resource far above its previous days;
//! - `first_seen`: the first day a product, a region or an instance type has spend;
//! - `after_package`: pay-as-you-go charges for usage a loaded package covered, after the
//!   package expired or ran out;
//! - `allocation`: charges on rows without a value for a cost-allocation tag key;
//! - `self_checks`: the bill's self-checks and the deduction checks that failed;
//! - `package_advice`: packages that waste capacity at expiry or run out early, and usage a
//!   package would have billed for less.
//!
//! Money is per currency (an alert has one), exact, and read from the rows every cost analysis
//! reads (`cost_tables`, counted once). The list is sorted (kind, then
//! currency, then the largest excess, then subject and period), so the report stays byte-stable.

mod after_package;
mod allocation;
mod daily;
mod first_seen;
mod package_advice;
mod self_checks;
mod spike;

pub use daily::DailyCosts;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::checks::Check;
use super::compare::Period;
use super::currency::Currency;
use super::deductions::DeductionAnalysis;
use super::packages::PackageUsage;
use super::RowRef;
use crate::dataset::Dataset;
use crate::model::table::RowSource;

/// How many rows an alert cites; `row_count` says how many there are in all.
pub const ROWS_PER_ALERT: usize = 100;

/// The thresholds of the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertOptions {
    /// A day spikes when its cost exceeds median + `spike_k` × MAD of the previous days.
    pub spike_k: Decimal,
    /// How many calendar days before a day its history holds.
    pub window_days: u32,
    /// A day with fewer days of history (days the loaded rows cover) is not judged.
    pub min_history_days: u32,
    /// The tag keys whose allocation gap is reported; `None`: every tag key of the bill.
    pub tag_keys: Option<Vec<String>>,
}

impl Default for AlertOptions {
    fn default() -> Self {
        AlertOptions {
            spike_k: Decimal::from(3),
            window_days: 14,
            min_history_days: 7,
            tag_keys: None,
        }
    }
}

/// What an alert is about; the order is the list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    DailySpike,
    FirstAppearance,
    PayAsYouGoAfterPackage,
    AllocationGap,
    SelfCheck,
    DeductionCheck,
    PackageWaste,
    PackageRunsOutEarly,
    PackageWorthBuying,
}

impl AlertKind {
    pub const ALL: [AlertKind; 9] = [
        AlertKind::DailySpike,
        AlertKind::FirstAppearance,
        AlertKind::PayAsYouGoAfterPackage,
        AlertKind::AllocationGap,
        AlertKind::SelfCheck,
        AlertKind::DeductionCheck,
        AlertKind::PackageWaste,
        AlertKind::PackageRunsOutEarly,
        AlertKind::PackageWorthBuying,
    ];

    /// The name the report's JSON and CSV give it.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::DailySpike => "daily_spike",
            AlertKind::FirstAppearance => "first_appearance",
            AlertKind::PayAsYouGoAfterPackage => "pay_as_you_go_after_package",
            AlertKind::AllocationGap => "allocation_gap",
            AlertKind::SelfCheck => "self_check",
            AlertKind::DeductionCheck => "deduction_check",
            AlertKind::PackageWaste => "package_waste",
            AlertKind::PackageRunsOutEarly => "package_runs_out_early",
            AlertKind::PackageWorthBuying => "package_worth_buying",
        }
    }
}

/// What an alert's `subject` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Product,
    /// 资源ID.
    Resource,
    Region,
    /// 实例类型.
    InstanceType,
    /// 资源包ID.
    Package,
    /// A cost-allocation tag key.
    Tag,
    /// A check's id (`list_price`, `coefficient`, `balance`).
    Check,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Product => "product",
            Dimension::Resource => "resource",
            Dimension::Region => "region",
            Dimension::InstanceType => "instance_type",
            Dimension::Package => "package",
            Dimension::Tag => "tag",
            Dimension::Check => "check",
        }
    }
}

/// One file's rows behind an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRows {
    /// The file's index among the loaded files (the report's `inputs`).
    pub file_index: usize,
    pub file: String,
    /// 0-based rows of the file's table, for a drill-down (`cost::row_cells`).
    pub rows: Vec<usize>,
    /// Where each of `rows` is, as a user opens it: the CSV line or sheet row, or the JSON
    /// record path ([`RowRef::place`]).
    pub places: Vec<String>,
}

/// One alert: what, when, how much, against what, and the rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub dimension: Dimension,
    /// The product, resource, region, instance type, package, tag key or check.
    pub subject: String,
    /// The day (spike, first appearance), the days (charges after a package) or the billing
    /// months (allocation gap); `None` for checks.
    pub period: Option<Period>,
    /// `None` for checks, which are not money.
    pub currency: Option<Currency>,
    /// What was charged.
    pub amount: Option<Decimal>,
    /// What was expected instead (the median of the previous days; 0 for charges that should
    /// not be there; the cost at a package's price).
    pub expected: Option<Decimal>,
    /// Above what the rule fires (spikes: median + k × MAD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Decimal>,
    /// `amount − expected`.
    pub excess: Option<Decimal>,
    /// A quantity in `unit` (package advice: the capacity wasted or left, the usage charged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The alert in one English sentence.
    pub message: String,
    /// Rows behind the alert; `rows` cites the first [`ROWS_PER_ALERT`].
    pub row_count: usize,
    pub rows: Vec<AlertRows>,
}

/// How many alerts of one kind fired, and how many of them `alerts` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    pub kind: AlertKind,
    pub count: usize,
    pub listed: usize,
}

/// The thresholds the alerts were raised with, as the report states them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedOptions {
    pub spike_k: Decimal,
    pub window_days: u32,
    pub min_history_days: u32,
    /// The tag keys checked for an allocation gap.
    pub tag_keys: Vec<String>,
}

/// Every alert of the loaded files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerts {
    pub options: AppliedOptions,
    /// Every kind, with zero where none fired.
    pub counts: Vec<KindCount>,
    pub alerts: Vec<Alert>,
}

/// Runs every rule. `deductions`, `packages` and `checks` are the report's own analyses.
pub fn alerts(
    dataset: &Dataset,
    deductions: &DeductionAnalysis,
    packages: &[PackageUsage],
    checks: &[Check],
    options: &AlertOptions,
) -> Alerts {
    let daily = DailyAlerts::largest(dataset, options, usize::MAX);
    largest_alerts(
        dataset,
        daily,
        deductions,
        packages,
        checks,
        options,
        usize::MAX,
    )
}

/// The rules that read every day's cost (spikes, first appearances): they need no other
/// analysis, so the report runs them beside the deductions and checks the other rules read.
pub struct DailyAlerts {
    /// The `limit` largest of each kind and currency, with the rows behind them.
    list: Vec<Alert>,
    /// Every one raised, kept or not.
    counts: BTreeMap<AlertKind, usize>,
}

impl DailyAlerts {
    /// The `limit` largest of each kind and currency, as [`Alerts::truncate`] would keep them.
    /// The rows of a day's spike or first appearance are found only for those kept: a 1M-row
    /// bill raises some 10,000 spikes, and the rows behind them all were the largest memory the
    /// report took beside the tables.
    pub fn largest(dataset: &Dataset, options: &AlertOptions, limit: usize) -> DailyAlerts {
        DailyAlerts::largest_of(dataset, DailyCosts::read(dataset), options, limit)
    }

    /// [`DailyAlerts::largest`] from `daily`, the days of every cost row of `dataset`.
    pub fn largest_of(
        dataset: &Dataset,
        daily: DailyCosts,
        options: &AlertOptions,
        limit: usize,
    ) -> DailyAlerts {
        let mut found = spike::spikes(&daily, options);
        found.extend(first_seen::first_appearances(&daily));
        drop(daily);
        let mut counts: BTreeMap<AlertKind, usize> =
            AlertKind::ALL.iter().map(|&kind| (kind, 0)).collect();
        crate::model::sort::sort_by(&mut found, |a, b| a.rank().cmp(&b.rank()));
        let mut kept: BTreeMap<(AlertKind, Option<Currency>), usize> = BTreeMap::new();
        found.retain(|found| {
            let rank = found.rank();
            *counts.entry(rank.kind).or_default() += 1;
            let kept = kept.entry((rank.kind, rank.currency)).or_default();
            *kept += 1;
            *kept <= limit
        });
        DailyAlerts {
            list: daily::with_rows(dataset, found),
            counts,
        }
    }
}

/// Every alert: `daily` (read with the same `limit`) and the other rules, keeping the `limit`
/// largest of each kind and currency, as [`Alerts::truncate`] would, while `counts` count them
/// all.
pub fn largest_alerts(
    dataset: &Dataset,
    daily: DailyAlerts,
    deductions: &DeductionAnalysis,
    packages: &[PackageUsage],
    checks: &[Check],
    options: &AlertOptions,
    limit: usize,
) -> Alerts {
    let DailyAlerts {
        mut list,
        mut counts,
    } = daily;
    let daily_count = list.len();
    list.extend(after_package::after_package(dataset, deductions, packages));
    let tag_keys = allocation::tag_keys(dataset, options);
    list.extend(allocation::allocation_gaps(dataset, &tag_keys));
    list.extend(self_checks::failures(dataset, deductions, checks));
    list.extend(package_advice::package_advice(
        dataset, deductions, packages,
    ));
    for alert in &list[daily_count..] {
        *counts.entry(alert.kind).or_default() += 1;
    }
    crate::model::sort::sort_by(&mut list, |a, b| a.rank().cmp(&b.rank()));
    let counts = counts
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind,
            count,
            listed: count,
        })
        .collect();
    let mut alerts = Alerts {
        options: AppliedOptions {
            spike_k: options.spike_k,
            window_days: options.window_days,
            min_history_days: options.min_history_days,
            tag_keys,
        },
        counts,
        alerts: list,
    };
    alerts.truncate(limit);
    alerts
}

/// What orders the list: kind, currency, the largest excess first, then subject and period.
#[derive(PartialEq, Eq)]
struct Rank<'a> {
    kind: AlertKind,
    currency: Option<Currency>,
    excess: Option<Decimal>,
    dimension: Dimension,
    subject: &'a str,
    period: Option<Period>,
}

impl Ord for Rank<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.kind, self.currency)
            .cmp(&(other.kind, other.currency))
            .then_with(|| other.excess.cmp(&self.excess))
            .then_with(|| (self.dimension, self.subject).cmp(&(other.dimension, other.subject)))
            .then_with(|| self.period.map(sort_key).cmp(&other.period.map(sort_key)))
    }
}

impl PartialOrd for Rank<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Alert {
    fn rank(&self) -> Rank<'_> {
        Rank {
            kind: self.kind,
            currency: self.currency,
            excess: self.excess,
            dimension: self.dimension,
            subject: &self.subject,
            period: self.period,
        }
    }
}

impl Alerts {
    /// Keeps the `limit` first alerts (the largest excess first) of each kind and currency;
    /// `counts` still counts them all, and says how many are `listed`.
    pub fn truncate(&mut self, limit: usize) {
        let mut kept: BTreeMap<(AlertKind, Option<Currency>), usize> = BTreeMap::new();
        self.alerts.retain(|alert| {
            let kept = kept.entry((alert.kind, alert.currency)).or_default();
            *kept += 1;
            *kept <= limit
        });
        for count in &mut self.counts {
            count.listed = self
                .alerts
                .iter()
                .filter(|alert| alert.kind == count.kind)
                .count();
        }
    }
}

/// A period's text sorts as its dates do (`2025-03-02` < `2025-03-10`).
fn sort_key(period: Period) -> String {
    period.to_string()
}

/// The rows behind an alert as a rule finds them (file index, table row): how many, and the first
/// [`ROWS_PER_ALERT`], all an alert cites. A rule over a million rows (the allocation gap of a tag
/// most rows lack) would otherwise hold a list of them all until the report is built.
#[derive(Clone, Debug, Default)]
struct FoundRows {
    count: usize,
    first: Vec<(usize, usize)>,
}

impl FoundRows {
    fn push(&mut self, row: (usize, usize)) {
        self.count += 1;
        if self.first.len() < ROWS_PER_ALERT {
            self.first.push(row);
        }
    }

    /// Adds `later`'s rows, which come after these.
    fn append(&mut self, later: FoundRows) {
        self.count += later.count;
        let room = ROWS_PER_ALERT - self.first.len();
        self.first.extend(later.first.into_iter().take(room));
    }
}

/// The first [`ROWS_PER_ALERT`] of `rows` (file index, table row), grouped by file in order.
fn cite(dataset: &Dataset, rows: &[(usize, usize)]) -> Vec<AlertRows> {
    let mut cited: Vec<AlertRows> = Vec::new();
    for &(file_index, row) in rows.iter().take(ROWS_PER_ALERT) {
        let file = &dataset.files()[file_index];
        let place = RowRef::of(&file.name, &file.table, row).place();
        match cited.last_mut() {
            Some(last) if last.file_index == file_index => {
                last.rows.push(row);
                last.places.push(place);
            }
            _ => cited.push(AlertRows {
                file_index,
                file: file.name.clone(),
                rows: vec![row],
                places: vec![place],
            }),
        }
    }
    cited
}

/// The (file index, table row) of each [`RowRef`] a check names, in order; a reference no loaded
/// file has is left out.
fn locate(dataset: &Dataset, refs: &[&RowRef]) -> Vec<(usize, usize)> {
    type Places = FxHashMap<(Option<u64>, Option<String>), (usize, usize)>;
    let mut by_file: BTreeMap<&str, Places> = BTreeMap::new();
    let mut located = Vec::new();
    for reference in refs.iter().take(ROWS_PER_ALERT) {
        let places = by_file.entry(&reference.file).or_insert_with(|| {
            // Where every row of the files of that name is: built once per file, and only when
            // a check failed.
            let mut places = Places::default();
            let files = dataset.files().iter().enumerate();
            for (index, file) in files.filter(|(_, file)| file.name == reference.file) {
                for row in 0..file.table.row_count() {
                    let place = match file.table.source(row) {
                        RowSource::Line(line) => (Some(line), None),
                        RowSource::Record(path) => (None, Some(path.to_owned())),
                    };
                    places.entry(place).or_insert((index, row));
                }
            }
            places
        });
        let place = (reference.line, reference.record.clone());
        located.extend(places.get(&place).copied());
    }
    located
}
