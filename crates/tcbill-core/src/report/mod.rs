//! The one report: every analysis of a [`Dataset`] in a versioned, serialisable value.
//!
//! The web app renders it and offers it for download, the CLI prints and writes it; both call
//! [`Report::build`] and [`Report::to_json`], so identical inputs give byte-identical JSON.
//! Decimals are JSON strings with their exact digits (`"559.6363523"`), never floats. Every table
//! of the report also exports as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese
//! text) through [`Report::csv_tables`]. The JSON's shape is documented as a JSON Schema in
//! `report.schema.json` beside this crate's Cargo.toml; `tests/report_schema.rs` keeps the two in
//! step (bump [`REPORT_VERSION`] and the schema's `version` together).
//!
//! Money is reported per currency (`cost.currencies`, and each breakdown's `currencies`), each
//! with the billing months it covers; nothing adds yuan to dollars. Rows loaded twice are
//! counted once: `duplicates` and each input's `rows_duplicate` say which and from where.

mod costs_csv;
mod csv_tables;
mod digest;

pub use costs_csv::{costs_csv, CsvDownload};
pub use csv_tables::{breakdown_table, comparison_table, csv_writer, CsvTable, LineEnd};
pub use digest::{
    CheckDigest, CostDigest, DeductionDigest, Digest, DigestLimits, FindingDigest, PackageDigest,
};

use serde::{Deserialize, Serialize};

use crate::analysis::alerts::{largest_alerts, AlertOptions, Alerts, DailyAlerts, DailyCosts};
use crate::analysis::checks::{run_checks_from, Check, RowChecks, CHECKED_KINDS};
use crate::analysis::compare::{compare, default_periods, Comparison, Period};
use crate::analysis::cost::{
    cost_source, month_sources, sums_alike, Amounts, CostGroups, Dimension, Summary,
};
use crate::analysis::currency::{Currency, Month};
use crate::analysis::deductions::{analyze_deductions, DeductionAnalysis, DeductionRow};
use crate::analysis::forecast::{forecasts, Forecast};
use crate::analysis::packages::{package_usage, PackageUsage};
use crate::analysis::usage::{usage_statistics, UsageOptions, UsageSeries};
use crate::dataset::Dataset;
use crate::model::diagnostic::Diagnostic;
#[cfg(doc)]
use crate::model::table::DecimalColumn;
use crate::model::table::Table;

/// Identifies the JSON document; bumped with every incompatible change of its shape.
pub const REPORT_FORMAT: &str = "tcbill-report";
pub const REPORT_VERSION: u32 = 6;

/// What the report's cost section breaks the total down by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// Each entry is one breakdown of one or two dimensions.
    pub breakdowns: Vec<Vec<Dimension>>,
    pub usage: UsageOptions,
    /// The alert rules' thresholds and tag keys.
    pub alerts: AlertOptions,
    /// The periods the comparison compares, earlier first (`tcbill compare --from A --to B`);
    /// `None` compares the latest billing month with the one before it.
    pub comparison: Option<(Period, Period)>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            breakdowns: vec![
                vec![Dimension::Product],
                vec![Dimension::Product, Dimension::Component],
                vec![Dimension::Region],
                vec![Dimension::Project],
                vec![Dimension::PayMode],
                vec![Dimension::Month],
            ],
            usage: UsageOptions::default(),
            alerts: AlertOptions::default(),
            comparison: None,
        }
    }
}

/// One loaded file as the parser saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputSummary {
    pub name: String,
    pub kind: String,
    pub encoding: Option<String>,
    /// Always `rows_accepted + rows_duplicate + rows_rejected`.
    pub rows_read: u64,
    /// Rows imported and counted.
    pub rows_accepted: u64,
    /// Rows imported but not counted: an earlier file holds the same transactions.
    pub rows_duplicate: u64,
    pub rows_rejected: u64,
    pub diagnostics: Vec<String>,
}

/// Rows of `file` not counted because `first_loaded_from` holds them too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateNotice {
    pub file: String,
    pub first_loaded_from: String,
    pub rows: u64,
    /// How many of them have amounts other than the rows kept (a corrected re-export: the file
    /// loaded first is the one counted). Left out of the JSON when none.
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub differing: u64,
}

impl DuplicateNotice {
    fn message(&self) -> String {
        let mut message = format!(
            "{} rows are already loaded from {}: skipped as duplicates, not counted",
            self.rows, self.first_loaded_from
        );
        if self.differing > 0 {
            message += &format!(
                "; {} of them have amounts that differ from the rows kept: the file loaded \
                 first is the one counted",
                self.differing
            );
        }
        message
    }
}

/// A billing month of one currency whose costs are read from a less detailed bill than the most
/// detailed kind loaded, since no bill of that kind covers it (an L2 for May and June beside an
/// L3 for June: May is read from the L2). Its total is right; its breakdowns have only the
/// detail that bill has (an L2 has no components).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowerDetailNotice {
    pub currency: Currency,
    /// `None` for the rows without a billing month.
    pub month: Option<Month>,
    /// The kind its costs are read from (`BillResources`, `CostDetails`).
    pub read_from: String,
    /// The files of that kind holding its rows.
    pub files: Vec<String>,
    /// The most detailed kind loaded (`BillDetails`, `BillResources`), none of which covers it.
    pub most_detailed: String,
}

/// A bill kind as a reader names it.
fn kind_label(kind: &str) -> &str {
    match kind {
        "BillDetails" => "L3 bill",
        "BillResources" => "L2 resource bill",
        "CostDetails" => "cost details export (消耗明细)",
        other => other,
    }
}

impl LowerDetailNotice {
    /// The warning on a file it is read from.
    fn message(&self) -> String {
        let month = match self.month {
            Some(month) => format!("{month} ({})", self.currency),
            None => format!("the rows without a billing month ({})", self.currency),
        };
        format!(
            "the costs of {month} are read from this {}, the most detailed bill loaded for that \
             month (no {} covers it)",
            kind_label(&self.read_from),
            kind_label(&self.most_detailed)
        )
    }
}

/// A column whose totals may be rounded in their last decimals: its values in `files` need more
/// than the 28 significant digits of an exact decimal when added (`Dataset::rounding_risks`).
/// No bill comes near it; a hostile file can.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingNotice {
    /// The column's canonical name (`RealTotalCost`).
    pub column: String,
    pub files: Vec<String>,
}

impl RoundingNotice {
    const MESSAGE: &str = "the column's values need more than the 28 significant digits an exact \
        decimal holds when added: its totals may be rounded in their last decimals";
}

/// The grand total of one currency's cost rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyTotal {
    pub currency: Currency,
    /// The billing months of its rows.
    pub periods: Vec<Month>,
    pub row_count: usize,
    pub total: Amounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CostReport {
    /// Which rows were summed (see [`Summary::source`]).
    pub source: Option<String>,
    /// Rows summed, all currencies together.
    pub row_count: usize,
    /// Grand totals, one per currency: amounts in different currencies are never added.
    pub currencies: Vec<CurrencyTotal>,
    pub breakdowns: Vec<Summary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeductionReport {
    #[serde(flatten)]
    pub analysis: DeductionAnalysis,
    /// The rows of `rows` whose coefficient check failed.
    pub coefficient_mismatches: Vec<DeductionRow>,
}

/// Everything tcbill computes from the loaded files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub format: &'static str,
    pub version: u32,
    pub inputs: Vec<InputSummary>,
    /// Files whose rows an earlier file already holds; those rows are not counted.
    pub duplicates: Vec<DuplicateNotice>,
    /// Columns whose totals may be rounded (never for a bill, so left out when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rounding: Vec<RoundingNotice>,
    /// The billing months whose costs are read from a less detailed bill than the most detailed
    /// kind loaded (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lower_detail: Vec<LowerDetailNotice>,
    pub cost: CostReport,
    pub deductions: DeductionReport,
    pub packages: Vec<PackageUsage>,
    pub usage: Vec<UsageSeries>,
    pub checks: Vec<Check>,
    /// Every alert rule's findings, each with its rows (README's *Alerts*); each kind and currency
    /// lists its [`REPORT_ALERTS`] largest.
    pub alerts: Alerts,
    /// Where each currency's latest billing month will end, when its rows stop before the month
    /// does (README's *Alerts*, "Month-end forecast").
    pub forecast: Vec<Forecast>,
    /// The latest billing month against the one before it, when the cost rows cover two months
    /// or more; each currency keeps its [`REPORT_DRIVERS`] largest drivers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// The billing months read from a less detailed bill than the most detailed kind loaded
/// ([`month_sources`]: per month, the most detailed bill loaded for it).
fn lower_detail(dataset: &Dataset) -> Vec<LowerDetailNotice> {
    let Some(most_detailed) = cost_source(dataset) else {
        return Vec::new();
    };
    let files = dataset.files();
    month_sources(dataset)
        .into_iter()
        .filter(|(_, source)| source.kind != most_detailed)
        .map(|((currency, month), source)| LowerDetailNotice {
            currency,
            month,
            read_from: format!("{:?}", source.kind),
            files: source
                .files
                .iter()
                .map(|&index| files[index].name.clone())
                .collect(),
            most_detailed: format!("{most_detailed:?}"),
        })
        .collect()
}

/// How many alerts of each kind and currency the report lists (the largest excess first); its
/// `counts` count them all.
pub const REPORT_ALERTS: usize = 100;

/// How many drivers of each currency the report's comparison keeps (`tcbill compare` lists all).
pub const REPORT_DRIVERS: usize = 100;

/// Runs two pieces of work and returns both results: [`Report::build_with`] hands it the
/// report's independent analyses. Core starts no thread, so [`InTurn`] runs them one after the
/// other (the web worker); the CLI passes one that runs them on two threads.
pub trait Fork: Sync {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B);
}

/// A [`Fork`] that runs `a`, then `b`, on the calling thread.
pub struct InTurn;

impl Fork for InTurn {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        (a(), b())
    }
}

/// The passes over every cost row that take most of [`Report::build`]'s time (the cost
/// summaries' groups, the daily costs the spike and first-appearance alerts read, the row
/// checks), made for a
/// file read in parts by several workers: each worker makes its part's right after reading it,
/// the file's worker merges them in file order, and [`Report::build_from`] takes them instead of
/// passing over the file's rows again (issue #12: the browser's file worker otherwise passed over
/// a big file's every row alone, the other workers idle). The report is the same either way:
/// these passes only add exact decimals, whose sums are the same in any order and grouping
/// where each amount column's non-zero cells have one scale and its zeros one scale
/// ([`RowsPass::serves`] checks), except a zero that non-zero amounts cancelled to, whose scale
/// follows the order: where a merged sum is one, that analysis passes over the rows again.
#[derive(Debug, Serialize, Deserialize)]
pub struct RowsPass {
    rows: usize,
    cost: CostGroups,
    checks: RowChecks,
    /// The rows the daily costs have read so far (see [`RowsPass::without_daily`]).
    daily_rows: usize,
    daily: DailyCosts,
}

impl RowsPass {
    /// The passes over rows `rows` of `table` (a part of file `name`: all its rows), for a
    /// report built with `options`.
    pub fn of_rows(
        name: &str,
        table: &Table,
        rows: std::ops::Range<usize>,
        options: &ReportOptions,
    ) -> RowsPass {
        let mut pass = RowsPass::without_daily(name, table, rows.clone(), options);
        pass.read_daily(table, rows);
        pass
    }

    /// [`RowsPass::of_rows`] but for the daily costs, which [`RowsPass::read_daily`] adds
    /// later: they are most of a pass's memory (5 MiB of 6 for half the 1M-row bill), which the
    /// browser's file worker takes once no part worker lives (wasm memory never shrinks, and
    /// the workers' memory at once is the file worker's when the last part came, with theirs).
    pub fn without_daily(
        name: &str,
        table: &Table,
        rows: std::ops::Range<usize>,
        options: &ReportOptions,
    ) -> RowsPass {
        let mut cost = CostGroups::new(&Report::groupings(options));
        cost.add_rows(table, rows.clone());
        let mut checks = RowChecks::default();
        if CHECKED_KINDS.contains(&table.kind()) {
            checks.add_rows(name, table, rows.clone());
        }
        RowsPass {
            rows: rows.len(),
            cost,
            checks,
            daily_rows: 0,
            daily: DailyCosts::default(),
        }
    }

    /// Adds the daily costs of rows `rows` of `table`, in any order of the parts.
    pub fn read_daily(&mut self, table: &Table, rows: std::ops::Range<usize>) {
        let mut daily = DailyCosts::default();
        daily.add_rows(table, rows.clone());
        self.daily.merge(daily);
        self.daily_rows += rows.len();
    }

    /// Adds the passes of the part after these, whose lines count from 1 at the line
    /// `lines_before` lines below the file's line 1 (0 for rows of the file's own table).
    pub fn merge(&mut self, later: RowsPass, lines_before: u64) {
        self.rows += later.rows;
        self.cost.merge(later.cost);
        self.checks.merge(later.checks, lines_before);
        self.daily_rows += later.daily_rows;
        self.daily.merge(later.daily);
    }

    /// As JSON, for another worker: sized first, since a string grown by doubling would hold
    /// up to twice its length in the worker's wasm memory, which never shrinks.
    pub fn to_json(&self) -> String {
        /// Counts the bytes written.
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0 += bytes.len();
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        serde_json::to_writer(&mut count, self).expect("passes always serialise");
        let mut json = Vec::with_capacity(count.0);
        serde_json::to_writer(&mut json, self).expect("passes always serialise");
        String::from_utf8(json).expect("JSON is UTF-8")
    }

    pub fn from_json(json: &str) -> Option<RowsPass> {
        serde_json::from_str(json).ok()
    }

    /// Whether these are the passes over `dataset`'s cost rows that [`Report::build`] with
    /// `options` makes: its one file, a cost table, all its rows, the same groupings, and sums
    /// that come out the same in any order ([`DecimalColumn::adds_alike`] for every amount
    /// column, none at risk of rounding, the daily costs merged alike). Anything else is built
    /// from the rows.
    pub fn serves(&self, dataset: &Dataset, options: &ReportOptions) -> bool {
        let [file] = dataset.files() else {
            return false;
        };
        let table = &file.table;
        cost_source(dataset) == Some(table.kind())
            && self.rows == table.row_count()
            && self.daily_rows == table.row_count()
            && dataset.duplicates(0).count() == 0
            && self.cost.serve(&Report::groupings(options))
            && self.daily.alike
            && sums_alike(table)
            && dataset.rounding_risks().is_empty()
    }
}

impl Report {
    /// Runs every analysis on `dataset`, one after the other.
    pub fn build(dataset: &Dataset, options: &ReportOptions) -> Report {
        Report::build_with(dataset, options, &InTurn)
    }

    /// Runs every analysis on `dataset`, those that do not read each other through `fork`: the
    /// cost summaries, the alerts that read every day's cost, the deductions with what reads
    /// them (packages, checks), and the usage, forecast and comparison. The report is the same
    /// whichever `fork` runs them.
    pub fn build_with(dataset: &Dataset, options: &ReportOptions, fork: &impl Fork) -> Report {
        Report::build_from(dataset, options, fork, None)
    }

    /// [`Report::build_with`], taking the passes over the cost rows from `pass` where it is
    /// `dataset`'s (the merged passes of a file's parts): the same report, sooner.
    pub fn build_from(
        dataset: &Dataset,
        options: &ReportOptions,
        fork: &impl Fork,
        pass: Option<RowsPass>,
    ) -> Report {
        let pass = pass.filter(|pass| pass.serves(dataset, options));
        let (cost_groups, daily_costs, row_checks) = match pass {
            Some(pass) => (Some(pass.cost), Some(pass.daily), Some(pass.checks)),
            None => (None, None, None),
        };
        let row_checks = row_checks.unwrap_or_else(|| RowChecks::read(dataset));
        let (inputs, duplicates, rounding, lower_detail) = Report::inputs(dataset);
        let ((cost, (usage, forecast, comparison)), (daily, (analysis, packages, checks))) = fork
            .join(
                || {
                    fork.join(
                        || Report::cost(dataset, options, cost_groups),
                        || {
                            (
                                usage_statistics(dataset, options.usage),
                                forecasts(dataset),
                                Report::comparison(dataset, options),
                            )
                        },
                    )
                },
                || {
                    fork.join(
                        || {
                            let daily = daily_costs.unwrap_or_else(|| DailyCosts::read(dataset));
                            DailyAlerts::largest_of(dataset, daily, &options.alerts, REPORT_ALERTS)
                        },
                        || {
                            let analysis = analyze_deductions(dataset);
                            let packages = package_usage(dataset, &analysis);
                            let checks = run_checks_from(dataset, &analysis.rows, row_checks);
                            (analysis, packages, checks)
                        },
                    )
                },
            );
        let coefficient_mismatches = analysis.coefficient_mismatches().cloned().collect();
        let alerts = largest_alerts(
            dataset,
            daily,
            &analysis,
            &packages,
            &checks,
            &options.alerts,
            REPORT_ALERTS,
        );
        Report {
            format: REPORT_FORMAT,
            version: REPORT_VERSION,
            inputs,
            duplicates,
            rounding,
            lower_detail,
            cost,
            deductions: DeductionReport {
                analysis,
                coefficient_mismatches,
            },
            packages,
            usage,
            checks,
            alerts,
            forecast,
            comparison,
        }
    }

    /// What each input file gave, the rows it repeats of a file loaded before it, the columns
    /// whose totals may be rounded, and the months read from a less detailed bill.
    fn inputs(
        dataset: &Dataset,
    ) -> (
        Vec<InputSummary>,
        Vec<DuplicateNotice>,
        Vec<RoundingNotice>,
        Vec<LowerDetailNotice>,
    ) {
        let files = dataset.files();
        let risks = dataset.rounding_risks();
        let lower_detail = lower_detail(dataset);
        let mut duplicates = Vec::new();
        let mut inputs = Vec::with_capacity(files.len());
        for (index, file) in files.iter().enumerate() {
            let skipped = dataset.duplicates(index);
            let notices: Vec<DuplicateNotice> = skipped
                .first_seen_in
                .iter()
                .map(|&(first, rows)| DuplicateNotice {
                    file: file.name.clone(),
                    first_loaded_from: files[first].name.clone(),
                    rows,
                    differing: skipped
                        .differing_from
                        .iter()
                        .find(|(from, _)| *from == first)
                        .map_or(0, |&(_, rows)| rows),
                })
                .collect();
            let rounded =
                risks
                    .iter()
                    .filter(|risk| risk.files.contains(&index))
                    .map(|risk| {
                        let header = file.table.column(&risk.column).map_or(
                            risk.column.as_str(),
                            |column| match column.source_header.as_str() {
                                "" => risk.column.as_str(),
                                header => header,
                            },
                        );
                        Diagnostic::warning(&file.name, RoundingNotice::MESSAGE).in_column(header)
                    });
            let lower = lower_detail
                .iter()
                .filter(|notice| notice.files.contains(&file.name))
                .map(|notice| Diagnostic::warning(&file.name, notice.message()));
            let diagnostics = file.diagnostics.iter().map(ToString::to_string).chain(
                notices
                    .iter()
                    .map(|notice| Diagnostic::warning(&file.name, notice.message()))
                    .chain(rounded)
                    .chain(lower)
                    .map(|diagnostic| diagnostic.to_string()),
            );
            inputs.push(InputSummary {
                name: file.name.clone(),
                kind: file.kind.to_string(),
                encoding: file.encoding.map(str::to_owned),
                rows_read: file.rows_read(),
                rows_accepted: file.rows_accepted() - skipped.count(),
                rows_duplicate: skipped.count(),
                rows_rejected: file.rows_rejected,
                diagnostics: diagnostics.collect(),
            });
            duplicates.extend(notices);
        }
        let rounding = risks
            .into_iter()
            .map(|risk| RoundingNotice {
                column: risk.column,
                files: risk
                    .files
                    .iter()
                    .map(|&index| files[index].name.clone())
                    .collect(),
            })
            .collect();
        (inputs, duplicates, rounding, lower_detail)
    }

    /// The total and every breakdown: the summaries' groupings.
    fn groupings(options: &ReportOptions) -> Vec<&[Dimension]> {
        std::iter::once(&[][..])
            .chain(options.breakdowns.iter().map(Vec::as_slice))
            .collect()
    }

    /// The total and every breakdown, in one pass over the rows (or from `groups`, that pass
    /// made already).
    fn cost(dataset: &Dataset, options: &ReportOptions, groups: Option<CostGroups>) -> CostReport {
        let groupings = Report::groupings(options);
        let read = || CostGroups::read(dataset, &groupings).into_summaries(dataset, &groupings);
        let summaries = match groups.map(|groups| groups.into_summaries(dataset, &groupings)) {
            Some((summaries, true)) => summaries,
            // A sum of the merged groups came to a zero whose scale follows the order.
            Some((_, false)) | None => read().0,
        };
        let mut summaries = summaries.into_iter();
        let overall = summaries.next().expect("a summary per grouping");
        CostReport {
            source: overall.source,
            row_count: overall.row_count,
            currencies: overall
                .currencies
                .into_iter()
                .map(|currency| CurrencyTotal {
                    currency: currency.currency,
                    periods: currency.periods,
                    row_count: currency.row_count,
                    total: currency.total,
                })
                .collect(),
            breakdowns: summaries.collect(),
        }
    }

    /// The report's comparison: the periods `options` names, else the latest billing month
    /// against the one before it (`None` with fewer than two), each currency's
    /// [`REPORT_DRIVERS`] largest drivers. The page recomputes only this when another pair is
    /// picked.
    pub fn comparison(dataset: &Dataset, options: &ReportOptions) -> Option<Comparison> {
        let (a, b) = options.comparison.or_else(|| default_periods(dataset))?;
        let mut comparison = compare(dataset, a, b);
        comparison.truncate_drivers(REPORT_DRIVERS);
        Some(comparison)
    }

    /// Pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a report always serialises");
        json.push('\n');
        json
    }
}
