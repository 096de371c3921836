//! The parsing worker: runs in a dedicated Web Worker so that a 500 MB file never blocks the page.
//!
//! It reads each `File` a slice at a time, feeds tcbill-core's streaming [`Parser`], reports
//! progress after every slice, and keeps the parsed tables in its own wasm memory, where the
//! analyses run. Between slices it awaits the browser, so a cancel message gets through.
//! The page only ever receives summaries: the report digest, cost summaries, downloads.
//!
//! This folder holds only worker-side code (the page never links it in): the loop itself, reading
//! `Blob` ranges, GB18030 decoded by the browser (`gb18030`), the API pull through the signing
//! proxy with its URL check, big files read in parts, and ZIP and XLSX files handed to the archive
//! worker (`archive`, whose own binary runs [`archive::run`]).

mod api_fetch;
pub mod archive;
pub mod file_read;
pub mod gb18030;
mod parts;
mod phases;
pub mod proxy_url;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};

use rust_decimal::Decimal;
use tcbill_core::analysis::compare::{
    billing_months, compare_filtered, default_periods, driver_rows, Comparison, DriverKey, Level, Period,
};
use tcbill_core::analysis::cost::{
    dimension_values, filtered_rows, row_cells, summarize, CostRowRef, Dimension, Filter, Summary, ROW_COLUMNS,
};
use tcbill_core::analysis::deductions::{BreakType, CoefficientCheck, DeductionAnalysis};
use tcbill_core::analysis::series::downsample;
use tcbill_core::analysis::usage::usage_points;
use tcbill_core::report::{costs_csv, Digest, DigestLimits, InTurn, RowsPass};
use tcbill_core::{Dataset, ParsedFile, Parser, Report, ReportOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, File, MessageEvent};

use crate::protocol::{
    BreakFinding, CoefficientFinding, CostFilters, DeductionRowView, FetchAction, FetchFailure, FileId, FromWorker,
    PartSummary, Request, RowsFor, ToWorker,
};
use api_fetch::{fetch_entry, pages_file, Proxy};
use file_read::Slices;

/// Bytes read from a file per step: large enough that per-slice overhead vanishes, small enough
/// that progress moves and memory stays flat.
pub const CHUNK_LEN: usize = 4 * 1024 * 1024;

/// At most this many groups or findings of one list go to the page (the downloads have all).
pub const LIST_LIMIT: usize = 2000;

/// At most this many points of a usage series go to the page's chart: about one per pixel
/// across (see [`downsample`] for which are kept).
pub const CHART_POINTS: usize = 2000;

/// At most this many points of each package's burn-down ride in the report digest.
pub const BURN_DOWN_POINTS: usize = 500;

thread_local! {
    static LOADED: RefCell<Loaded> = RefCell::default();
    /// Files the page asked to stop parsing.
    static CANCELLED: RefCell<HashSet<FileId>> = RefCell::default();
    /// The file being parsed or added to the report right now, which a panic is blamed on.
    static WORKING_ON: Cell<Option<FileId>> = const { Cell::new(None) };
    /// Dropped files waiting for their turn ([`read_in_turn`]).
    static WAITING: RefCell<VecDeque<(FileId, File)>> = RefCell::default();
    /// Whether [`read_in_turn`]'s loop is running.
    static READING: Cell<bool> = const { Cell::new(false) };
    /// [`Request::RebuildAfterEachFile`] was asked.
    static REBUILD_AFTER_EACH_FILE: Cell<bool> = const { Cell::new(false) };
}

/// Whether the page asked to stop reading file `id`; the request is used up.
fn take_cancel(id: FileId) -> bool {
    CANCELLED.with_borrow_mut(|cancelled| cancelled.remove(&id))
}

/// Runs `work` on file `id`: a panic inside names that file to the page.
fn working_on<T>(id: FileId, work: impl FnOnce() -> T) -> T {
    WORKING_ON.set(Some(id));
    let result = work();
    WORKING_ON.set(None);
    result
}

/// A panic aborts the worker's wasm (release builds use `panic = "abort"`), with every parsed table
/// in it. Before that, tell the page which file it was on and why, so it can start a fresh worker
/// with the other files ([`crate::page::parsing`]).
fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".to_owned());
        post(FromWorker::Crashed { id: WORKING_ON.get(), message });
    }));
}

/// Everything parsed so far and the report over it.
#[derive(Default)]
struct Loaded {
    dataset: Dataset,
    /// Which page file each run of dataset files came from, in dataset order (a ZIP gives
    /// several dataset files).
    owners: Vec<(FileId, usize)>,
    report: Option<Report>,
    /// What the report computes beyond the defaults (the page's "traffic as bandwidth").
    options: ReportOptions,
    /// Each row table's last selection; windows of it are sent on request.
    selections: HashMap<RowsFor, Selection>,
    /// The drivers of the last comparison sent, per currency, and the filters it was made under:
    /// what [`Request::DriverRows`] points into.
    compared: Vec<(String, Vec<DriverKey>)>,
    compare_filters: Vec<Filter>,
    /// The last deduction selection, as indices into the report's deduction rows.
    deductions: Vec<usize>,
    /// What was pulled from the API, as the JSON files it was parsed from, for download.
    fetched: Vec<FetchedFile>,
    /// The passes over the rows of the last file added, made by the workers that read it in
    /// parts, for the next report ([`Report::build_from`] takes them while it is the only file).
    pass: Option<RowsPass>,
}

/// The rows selected for one row table.
#[derive(Default)]
struct Selection {
    rows: Vec<CostRowRef>,
    /// For a driver's drill-down: its rows of the earlier period come first, then the later's.
    periods: Option<DriverPeriods>,
}

impl Selection {
    fn of(rows: Vec<CostRowRef>) -> Selection {
        Selection { rows, periods: None }
    }
}

/// How a driver's rows split between the periods: the first `rows_a` are of `a`.
struct DriverPeriods {
    rows_a: usize,
    a: String,
    b: String,
}

impl DriverPeriods {
    fn label(&self, index: usize) -> &str {
        if index < self.rows_a {
            &self.a
        } else {
            &self.b
        }
    }
}

struct FetchedFile {
    id: FileId,
    name: String,
    content: String,
}

impl Loaded {
    /// Adds a file's tables, with the passes over their rows where its workers made them; the
    /// report is rebuilt by the caller ([`Loaded::rebuild`]).
    fn add(&mut self, id: FileId, files: Vec<ParsedFile>, pass: Option<RowsPass>) {
        self.owners.push((id, files.len()));
        self.dataset.add(files);
        self.pass = pass;
    }

    fn remove(&mut self, id: FileId) {
        self.fetched.retain(|file| file.id != id);
        let Some(index) = self.owners.iter().position(|(owner, _)| *owner == id) else { return };
        let start: usize = self.owners[..index].iter().map(|(_, count)| count).sum();
        let (_, count) = self.owners.remove(index);
        self.dataset.remove(start..start + count);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        if self.dataset.files().iter().any(|file| file.name == REPORT_CRASH_DRILL) {
            panic!("a report crash drill");
        }
        // Row references point into the old dataset; the page drops its row tables on a new report.
        self.selections.clear();
        self.deductions.clear();
        // Periods picked among months since removed give way to the default pair.
        if let Some(periods) = self.options.comparison {
            let months = billing_months(&self.dataset);
            let loaded = |period: Period| match period {
                Period::Months(first, last) => months.contains(&first) && months.contains(&last),
                Period::Days(..) => true,
            };
            if !(loaded(periods.0) && loaded(periods.1)) {
                self.options.comparison = None;
            }
        }
        phases::mark("building the report");
        let report = Report::build_from(&self.dataset, &self.options, &InTurn, self.pass.take());
        phases::mark("report built");
        let digest = digest(&report, &self.dataset);
        phases::mark("digest made");
        let message = FromWorker::Report { digest }.to_js();
        phases::mark("digest serialised");
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        scope.post_message(&message).expect("posting a message to the page");
        phases::mark("report posted");
        phases::publish();
        self.report = Some(report);
    }

    /// Compares `periods` from now on: only the report's comparison is recomputed.
    fn compare_periods(&mut self, periods: (Period, Period)) {
        self.options.comparison = Some(periods);
        let Some(report) = &mut self.report else { return };
        self.selections.remove(&RowsFor::Compare);
        report.comparison = Report::comparison(&self.dataset, &self.options);
        post(FromWorker::Report { digest: digest(report, &self.dataset) });
    }

    /// The periods compared: those picked, else the latest month and the one before.
    fn periods(&self) -> Option<(Period, Period)> {
        self.options.comparison.or_else(|| default_periods(&self.dataset))
    }

    /// The comparison the Compare tab shows; remembers its drivers for drill-downs.
    fn compare(&mut self, level: Level, filters: &CostFilters) -> Option<Comparison> {
        self.compare_filters = cost_filters(filters);
        self.compared.clear();
        let (a, b) = self.periods()?;
        let mut comparison = compare_filtered(&self.dataset, a, b, &self.compare_filters, level);
        comparison.truncate_drivers(LIST_LIMIT);
        self.compared = comparison
            .currencies
            .iter()
            .map(|section| {
                let keys = section.drivers.iter().map(|driver| driver.key.clone()).collect();
                (section.currency.to_string(), keys)
            })
            .collect();
        Some(comparison)
    }

    /// Selects the rows of driver `driver` of `currency`'s section, the earlier period's first.
    fn driver_rows(&mut self, currency: &str, driver: usize) -> u64 {
        self.selections.remove(&RowsFor::Compare);
        let key = self.compared.iter().find(|(code, _)| code == currency).and_then(|(_, keys)| keys.get(driver));
        let (Some(key), Some((a, b))) = (key, self.periods()) else { return 0 };
        let rows_a = driver_rows(&self.dataset, a, &self.compare_filters, key);
        let rows_b = driver_rows(&self.dataset, b, &self.compare_filters, key);
        let periods = Some(DriverPeriods { rows_a: rows_a.len(), a: a.to_string(), b: b.to_string() });
        let rows: Vec<CostRowRef> = rows_a.into_iter().chain(rows_b).collect();
        let count = rows.len() as u64;
        self.selections.insert(RowsFor::Compare, Selection { rows, periods });
        count
    }

    fn summary(&self, group_by: &[Dimension], filters: &CostFilters) -> Summary {
        summarize(&self.dataset, group_by, &cost_filters(filters))
    }
}

/// Core's filters from the page's pairs: the values given for one dimension are alternatives,
/// different dimensions must all hold.
fn cost_filters(pairs: &CostFilters) -> Vec<Filter> {
    let mut filters: Vec<Filter> = Vec::new();
    for (dimension, value) in pairs {
        match filters.iter_mut().find(|filter| filter.dimension == *dimension) {
            Some(filter) => filter.values.push(value.clone()),
            None => filters.push(Filter { dimension: dimension.clone(), values: vec![value.clone()] }),
        }
    }
    filters
}

/// A summary for the page: each currency's groups cut at [`LIST_LIMIT`] (its `group_count` has
/// them all).
fn for_screen(mut summary: Summary) -> Summary {
    summary.truncate_groups(LIST_LIMIT);
    summary
}

/// Core's digest of the report (what the page shows of it), lists cut at [`LIST_LIMIT`].
fn digest<'a>(report: &'a Report, dataset: &Dataset) -> Box<Digest<'a>> {
    Box::new(Digest::of(report, dataset, DigestLimits { list: LIST_LIMIT, burn_down_points: BURN_DOWN_POINTS }))
}

/// Starts answering the page's messages. Called once by the worker binary.
pub fn run() {
    report_panics();
    gb18030::install();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message =
        Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| match ToWorker::from_js(&event.data()) {
            Some(ToWorker::Parse { id, file }) => read_in_turn(id, file),
            Some(ToWorker::Request(request)) => answer(request),
            // This worker reads a part of another worker's file (`parts`).
            None => match parts::job_of(&event.data()) {
                Some((job, file)) => wasm_bindgen_futures::spawn_local(parts::work(job, file)),
                None => web_sys::console::warn_1(&"tcbill worker: unknown message".into()),
            },
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    post(FromWorker::Ready);
    // A big file's part workers start now, before a file comes (a part worker is this wasm too).
    if !parts::is_part_worker() {
        parts::start_spares();
    }
}

fn answer(request: Request) {
    match request {
        Request::Fetch { proxy_url, token, actions } => match Proxy::new(&proxy_url, token) {
            Ok(proxy) => wasm_bindgen_futures::spawn_local(fetch(proxy, actions)),
            Err(failure) => post(FromWorker::FetchStopped { failure }),
        },
        Request::ExportFetched => LOADED.with_borrow(|loaded| {
            for file in &loaded.fetched {
                post_download(file.name.clone(), "application/json", file.content.as_bytes());
            }
        }),
        Request::Cancel { id } => {
            CANCELLED.with_borrow_mut(|cancelled| cancelled.insert(id));
            parts::wake();
            archive::cancel(id);
        }
        Request::Remove { id } => LOADED.with_borrow_mut(|loaded| loaded.remove(id)),
        Request::RebuildAfterEachFile => REBUILD_AFTER_EACH_FILE.set(true),
        Request::Summarize { group_by, filters } => {
            let summary = LOADED.with_borrow(|loaded| loaded.summary(&group_by, &filters));
            post(FromWorker::Summary { summary: for_screen(summary) });
        }
        Request::ExportReport => {
            let json = LOADED.with_borrow(|loaded| loaded.report.as_ref().map(Report::to_json));
            if let Some(content) = json {
                post_download("tcbill-report.json".to_owned(), "application/json", content.as_bytes());
            }
        }
        Request::DrillDown { filters, within } => {
            let group = filters.into_iter().map(|(dimension, value)| Filter { dimension, values: vec![value] });
            let filters: Vec<Filter> = cost_filters(&within).into_iter().chain(group).collect();
            let count = LOADED.with_borrow_mut(|loaded| {
                let rows = filtered_rows(&loaded.dataset, &filters);
                let count = rows.len() as u64;
                loaded.selections.insert(RowsFor::Costs, Selection::of(rows));
                count
            });
            // By canonical name: the page labels them in its language.
            let columns = ROW_COLUMNS.iter().map(|(_, names)| names[0].to_owned()).collect();
            post(FromWorker::DrillDown { table: RowsFor::Costs, count, columns });
        }
        Request::Rows { table, start, len } => {
            let rows = LOADED.with_borrow(|loaded| {
                let Some(selection) = loaded.selections.get(&table) else { return Vec::new() };
                let rows = window(&selection.rows, start, len).iter().map(|&row| row_cells(&loaded.dataset, row));
                match &selection.periods {
                    // A driver's rows start with their period.
                    Some(periods) => rows
                        .enumerate()
                        .map(|(i, cells)| {
                            let period = periods.label(start as usize + i).to_owned();
                            std::iter::once(period).chain(cells).collect()
                        })
                        .collect(),
                    None => rows.collect(),
                }
            });
            post(FromWorker::Rows { table, start, rows });
        }
        Request::ExportReportCsvZip => {
            let zip = LOADED.with_borrow(|loaded| loaded.report.as_ref().map(Report::csv_zip));
            if let Some(bytes) = zip {
                post_download("tcbill-report-csv.zip".to_owned(), "application/zip", &bytes);
            }
        }
        Request::ExportFindingsCsv { check } => {
            let table = LOADED.with_borrow(|loaded| loaded.report.as_ref().and_then(|r| r.findings_table(&check)));
            if let Some(table) = table {
                post_csv(format!("tcbill-{}.csv", table.name), table.to_csv());
            }
        }
        Request::ExportFocusCsv => {
            let csv = LOADED.with_borrow(|loaded| tcbill_core::focus::export(&loaded.dataset).to_csv(None));
            post_csv("tcbill-focus-1.0.csv".to_owned(), csv);
        }
        Request::Deductions { filter } => {
            let count = LOADED.with_borrow_mut(|loaded| {
                let selected = loaded.report.as_ref().map(|report| report.deductions.analysis.select(&filter));
                loaded.deductions = selected.unwrap_or_default();
                loaded.deductions.len() as u64
            });
            post(FromWorker::Deductions { count });
        }
        Request::DeductionRows { start, len } => {
            let rows = LOADED.with_borrow(|loaded| {
                let Some(report) = &loaded.report else { return Vec::new() };
                window(&loaded.deductions, start, len)
                    .iter()
                    .map(|&index| deduction_row_view(&report.deductions.analysis, index))
                    .collect()
            });
            post(FromWorker::DeductionRows { start, rows });
        }
        Request::BandwidthFromTraffic { enabled } => LOADED.with_borrow_mut(|loaded| {
            loaded.options.usage.bandwidth_from_traffic = enabled;
            loaded.rebuild();
        }),
        Request::UsagePoints { series } => {
            let points =
                LOADED.with_borrow(|loaded| usage_points(&loaded.dataset, loaded.options.usage, series as usize));
            let points = downsample(&points.unwrap_or_default(), CHART_POINTS);
            post(FromWorker::UsagePoints { series, points });
        }
        Request::ExportSummaryCsv { group_by, filters, currency } => {
            let summary = LOADED.with_borrow(|loaded| loaded.summary(&group_by, &filters));
            let csv = costs_csv(&summary, currency.as_deref());
            post_csv(csv.file_name, csv.bytes);
        }
        Request::FilterValues { dimension, filters } => {
            // The other filters narrow the choice; those on this dimension would hide its alternatives.
            let others: CostFilters = filters.into_iter().filter(|(name, _)| *name != dimension).collect();
            let values = LOADED.with_borrow(|loaded| {
                let mut values = dimension_values(&loaded.dataset, &dimension, &cost_filters(&others));
                values.truncate(LIST_LIMIT);
                values
            });
            post(FromWorker::FilterValues { dimension, values });
        }
        Request::Trend { by, filters } => {
            let by = if by == Dimension::Month { Dimension::Month } else { Dimension::Day };
            let summary = LOADED.with_borrow(|loaded| loaded.summary(&[by], &filters));
            post(FromWorker::Trend { summary: for_screen(summary) });
        }
        Request::ComparePeriods { a, b } => {
            if let (Ok(a), Ok(b)) = (a.parse(), b.parse()) {
                LOADED.with_borrow_mut(|loaded| loaded.compare_periods((a, b)));
            }
        }
        Request::Compare { level, filters } => {
            let comparison = LOADED.with_borrow_mut(|loaded| loaded.compare(level, &filters));
            post(FromWorker::Comparison { level, comparison });
        }
        Request::DriverRows { currency, driver } => {
            let count = LOADED.with_borrow_mut(|loaded| loaded.driver_rows(&currency, driver));
            let columns = std::iter::once(DRIVER_PERIOD_COLUMN)
                .chain(ROW_COLUMNS.iter().map(|(_, names)| names[0]))
                .map(str::to_owned)
                .collect();
            post(FromWorker::DrillDown { table: RowsFor::Compare, count, columns });
        }
        Request::AlertRows { alert } => {
            let count = LOADED.with_borrow_mut(|loaded| {
                let cited = loaded.report.as_ref().and_then(|report| report.alerts.alerts.get(alert)).map(|alert| {
                    alert.rows.iter().flat_map(|file| file.rows.iter().map(|&row| (file.file_index, row))).collect()
                });
                let rows: Vec<CostRowRef> = cited.unwrap_or_default();
                let count = rows.len() as u64;
                loaded.selections.insert(RowsFor::Alerts, Selection::of(rows));
                count
            });
            let columns = ROW_COLUMNS.iter().map(|(_, names)| names[0].to_owned()).collect();
            post(FromWorker::DrillDown { table: RowsFor::Alerts, count, columns });
        }
        Request::MonthlyTrend { by, filters } => {
            let group_by = if by == Dimension::Month { vec![by] } else { vec![by, Dimension::Month] };
            let summary = LOADED.with_borrow(|loaded| loaded.summary(&group_by, &filters));
            post(FromWorker::MonthlyTrend { summary: for_screen(summary) });
        }
    }
}

/// The first column of a driver's rows: which period each is of (the page words it).
pub const DRIVER_PERIOD_COLUMN: &str = "period";

/// Entries `start..start + len` of a selection, cut to what it has: a row table's window.
fn window<T>(selection: &[T], start: u64, len: u64) -> &[T] {
    let end = start.saturating_add(len).min(selection.len() as u64) as usize;
    &selection[(start as usize).min(end)..end]
}

/// Offers a CSV file that core wrote to the user.
fn post_csv(file_name: String, csv: Vec<u8>) {
    post_download(file_name, "text/csv;charset=utf-8", &csv);
}

/// Offers `bytes` to the user as the file `file_name`: they cross to the page as a `Blob`, a
/// handle the page saves without reading it (the bytes are copied once, out of wasm memory).
fn post_download(file_name: String, mime: &str, bytes: &[u8]) {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    match Blob::new_with_u8_array_sequence_and_options(&parts, &options) {
        Ok(file) => post(FromWorker::Download { file_name, file: Some(file) }),
        Err(err) => web_sys::console::error_1(&err),
    }
}

/// A deduction row as the deduction table shows it, with the findings at it.
fn deduction_row_view(analysis: &DeductionAnalysis, index: usize) -> DeductionRowView {
    let row = &analysis.rows[index];
    let text = |value: &Option<Decimal>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let with_unit = |value: &Option<Decimal>, unit: &Option<String>| match unit {
        Some(unit) if value.is_some() => format!("{} {unit}", text(value)),
        _ => text(value),
    };
    let cells = vec![
        row.source.to_string(),
        row.package_id.clone(),
        row.deduction_time.map_or_else(|| "—".to_owned(), |t| t.to_string()),
        text(&row.before_remain),
        text(&row.actual_dosage),
        text(&row.after_remain),
        with_unit(&row.dosage, &row.dosage_unit),
        text(&row.exported_coefficient),
        text(&row.recomputed_coefficient),
    ];
    let breaks = analysis
        .breaks_at(&row.source)
        .map(|found| BreakFinding {
            chain: found.break_type == BreakType::Chain,
            expected: found.expected.to_string(),
            difference: found.difference.to_string(),
        })
        .collect();
    let mismatch = match &row.coefficient_check {
        CoefficientCheck::Mismatch { converted_dosage, expected_actual_dosage } => Some(CoefficientFinding {
            excess: text(&row.actual_dosage.map(|found| found - expected_actual_dosage)),
            converted: converted_dosage.to_string(),
            coefficient: text(&row.exported_coefficient),
            expected: expected_actual_dosage.to_string(),
            unit: row.package_unit.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    DeductionRowView { cells, breaks, mismatch }
}

/// Pulls each entry in turn (the proxy paces them to Tencent's rate limits) and parses its pages
/// as one JSON file with the entry's name. With no proxy answering, the pull stops at once.
async fn fetch(proxy: Proxy, actions: Vec<FetchAction>) {
    for FetchAction { id, entry } in actions {
        let on_page = |bytes, rows_read| {
            if take_cancel(id) {
                post(FromWorker::Cancelled { id });
                return false;
            }
            post(FromWorker::Fetching { id, bytes, rows_read });
            true
        };
        match fetch_entry(&proxy, &entry, &on_page).await {
            Ok(Some(pages)) => {
                let name = entry.name;
                let content = pages_file(&pages);
                post_pulled_file(id, &name, &content);
                let files = working_on(id, || tcbill_core::parse_file(&name, content.as_bytes()));
                post(FromWorker::Parsed { id, parts: files.iter().map(PartSummary::from).collect() });
                working_on(id, || {
                    LOADED.with_borrow_mut(|loaded| {
                        loaded.fetched.push(FetchedFile { id, name, content });
                        loaded.add(id, files, None);
                        loaded.rebuild();
                    })
                });
            }
            Ok(None) => {}
            Err(failure @ FetchFailure::NoProxy { .. }) => return post(FromWorker::FetchStopped { failure }),
            Err(failure) => post(FromWorker::FetchFailed { id, failure }),
        }
    }
}

/// Hands the page a pulled entry as a `File`, which it keeps like a dropped one: a fresh worker
/// after a crash is fed it again without another pull.
fn post_pulled_file(id: FileId, name: &str, content: &str) {
    let parts = js_sys::Array::of1(&content.into());
    let Ok(file) = File::new_with_str_sequence(&parts, name) else { return };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Err(err) = scope.post_message(&ToWorker::Parse { id, file }.to_js()) {
        web_sys::console::error_1(&err);
    }
}

fn post(message: FromWorker<'_>) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.post_message(&message.to_js()).expect("posting a message to the page");
}

/// A file starting with this line stops the worker on purpose. Crash recovery (the page restarts
/// the worker with the other files) is tested end to end against the release build, and no known
/// input makes core panic any more; no export starts with this text.
pub const CRASH_DRILL: &[u8] = b"tcbill crash drill: this file stops the worker on purpose\n";

/// A file of this name stops the worker on purpose while it builds the report, not while it reads
/// the file: the drill of a crash that no file was being read in (the report is built once the
/// files waiting are all read), which the page recovers from by rebuilding after each file.
pub const REPORT_CRASH_DRILL: &str = "tcbill-report-crash-drill.csv";

/// Queues `file` and, unless the queue is being read already, reads it: dropped files are parsed
/// one after another, not side by side, and the report is rebuilt once, when the queue is empty
/// (after each file if [`Request::RebuildAfterEachFile`] was asked: a panic while building the
/// report then blames the file just added; otherwise it blames none, and the page starts a
/// fresh worker that rebuilds after each file).
/// Side by side, twelve monthly bills held twelve parsers and twelve teams of part workers at
/// once, and each file's end rebuilt the report over every file so far (twelve rebuilds);
/// a big file already has every core through its part workers.
fn read_in_turn(id: FileId, file: File) {
    WAITING.with_borrow_mut(|waiting| waiting.push_back((id, file)));
    if READING.replace(true) {
        return;
    }
    phases::clear();
    wasm_bindgen_futures::spawn_local(async {
        let mut rebuild_due = false;
        while let Some((id, file)) = WAITING.with_borrow_mut(VecDeque::pop_front) {
            phases::mark(format!("file {id} started"));
            // Cancelled while it waited (an empty file would never reach a read that checks).
            if take_cancel(id) {
                post(FromWorker::Cancelled { id });
                continue;
            }
            if let Some((files, pass)) = parse(id, &file).await {
                working_on(id, || LOADED.with_borrow_mut(|loaded| loaded.add(id, files, pass)));
                phases::mark(format!("file {id} added"));
                phases::publish();
                if REBUILD_AFTER_EACH_FILE.get() {
                    working_on(id, || LOADED.with_borrow_mut(Loaded::rebuild));
                } else {
                    rebuild_due = true;
                }
            }
        }
        READING.set(false);
        if rebuild_due {
            LOADED.with_borrow_mut(Loaded::rebuild);
        }
    });
}

/// Parses `file`: a ZIP or XLSX file by the archive worker (`archive`), a big CSV file in parts on
/// several workers (`parts`, which also make the passes over its rows when it will be the report's
/// only file), any other whole.
async fn parse(id: FileId, file: &File) -> Option<(Vec<ParsedFile>, Option<RowsPass>)> {
    if archive::is_for_archive(file).await {
        return archive::parse(id, file, &post).await.map(|files| (files, None));
    }
    let alone = LOADED.with_borrow(|loaded| {
        let alone = loaded.dataset.files().is_empty() && WAITING.with_borrow(VecDeque::is_empty);
        alone.then(|| loaded.options.breakdowns.clone())
    });
    match parts::parse_in_parts(id, file, alone, &post).await {
        parts::InParts::Parsed(parsed, pass) => {
            let files = vec![parsed];
            post(FromWorker::Parsed { id, parts: files.iter().map(PartSummary::from).collect() });
            phases::mark("parsed posted");
            Some((files, pass))
        }
        parts::InParts::Whole => parse_blob(id, file, &file.name(), CHUNK_LEN, &post).await.map(|files| (files, None)),
        parts::InParts::Stopped => None,
    }
}

/// Parses `blob` in slices of `chunk_len` bytes, telling `report` how it goes, and returns what
/// it found (`None` if cancelled or unreadable).
pub async fn parse_blob(
    id: FileId,
    blob: &Blob,
    name: &str,
    chunk_len: usize,
    report: &dyn Fn(FromWorker<'static>),
) -> Option<Vec<ParsedFile>> {
    let size = blob.size() as u64;
    let mut parser = Parser::new(name);
    let mut slices = Slices::new(blob, 0, size, chunk_len);
    let mut offset = 0;
    loop {
        let asked = phases::now();
        let Some(read) = slices.next().await else { break };
        phases::add("whole: Blob reads", phases::now() - asked);
        let (chunk, end) = match read {
            Ok(read) => read,
            Err(err) => {
                let message = err.as_string().unwrap_or_else(|| format!("{err:?}"));
                report(FromWorker::Unreadable { id, message });
                return None;
            }
        };
        if take_cancel(id) {
            report(FromWorker::Cancelled { id });
            return None;
        }
        let progress = phases::timed("whole: parse", || {
            working_on(id, || {
                if offset == 0 && chunk.starts_with(CRASH_DRILL) {
                    panic!("a crash drill");
                }
                parser.feed(&chunk)
            })
        });
        offset = end;
        report(FromWorker::Progress { id, bytes_read: offset, rows_read: progress.rows_read });
    }
    let files = working_on(id, || parser.finish());
    phases::mark("whole: finished");
    let parts = files.iter().map(PartSummary::from).collect();
    report(FromWorker::Parsed { id, parts });
    Some(files)
}
