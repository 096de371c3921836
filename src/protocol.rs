//! Messages between the page and the parsing worker: one typed contract, built from core's own
//! types (a [`Summary`] crosses as core's `Summary`, a dimension as core's `Dimension`, the report
//! as core's [`Digest`]), so a field core renames or retypes fails to compile on both sides, not
//! at run time on one.
//!
//! Page → worker messages carry a `File` handle (structured clone copies the handle, not the
//! bytes), so they are plain JS objects. Worker → page messages are summaries only (the parsed
//! rows stay in the worker's wasm memory), each serialised once, as one JSON string
//! ([`FromWorker::to_js`]; why JSON text rather than JS objects: ARCHITECTURE.md, *What crosses
//! it*). A download's bytes travel beside that text as a `Blob` (a handle; never base64 in it).

use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use tcbill_core::analysis::compare::{Comparison, Level};
use tcbill_core::analysis::cost::{Dimension, Summary};
use tcbill_core::analysis::deductions::DeductionFilter;
use tcbill_core::analysis::series::Point;
use tcbill_core::report::Digest;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, File};

use tcbill_core::api::plan::Entry;

/// Why the worker refused a proxy URL ([`crate::worker::proxy_url`] decides); the page words it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProxyRefusal {
    /// Not a URL at all.
    NotAUrl,
    /// Not `http:` or `https:`.
    Scheme(String),
    /// A user name or password before the host (`http://127.0.0.1@evil.test` is the host `evil.test`).
    UserInfo,
    /// Neither loopback nor the page's own origin: the host as the browser reads it.
    NotLocal(String),
}

/// Identifies one loaded file for the lifetime of the page.
pub type FileId = u32;

/// What the page asks of the worker.
#[derive(Debug)]
pub enum ToWorker {
    /// Read and parse this file.
    Parse { id: FileId, file: File },
    /// Anything that carries no browser object.
    Request(Request),
}

/// Which row table a selection of cost rows is for. The worker keeps one selection per table, and
/// every request and answer about rows names its table, so a table that is shown again (its tab
/// picked) gets its own rows back, not those another tab selected since.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowsFor {
    /// The Costs tab's drill-down ([`Request::DrillDown`]).
    Costs,
    /// A Compare driver's rows ([`Request::DriverRows`]).
    Compare,
    /// An alert's rows on Overview ([`Request::AlertRows`]).
    Alerts,
}

/// The page's requests that are plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Stop parsing this file (answered by [`FromWorker::Cancelled`]).
    Cancel { id: FileId },
    /// Forget this file's rows.
    Remove { id: FileId },
    /// A cost summary by one or two dimensions of the rows that pass `filters` (see [`CostFilters`]).
    Summarize { group_by: Vec<Dimension>, filters: CostFilters },
    /// The whole report as JSON, for download.
    ExportReport,
    /// The Costs table as CSV, for download: one currency (the one shown, else the first).
    ExportSummaryCsv { group_by: Vec<Dimension>, filters: CostFilters, currency: Option<String> },
    /// Every table of the report as CSV, in one ZIP, for download.
    ExportReportCsvZip,
    /// The loaded bills as a FOCUS 1.0 dataset (CSV), for download.
    ExportFocusCsv,
    /// The rows behind one check (`tcbill_core::Report::findings_table`: a check id, or
    /// `deductions`) as CSV, for download.
    ExportFindingsCsv { check: String },
    /// Select the cost rows where each `(dimension, value)` holds, among those that pass `within`,
    /// for a row table (answered by [`FromWorker::DrillDown`]).
    DrillDown { filters: CostFilters, within: CostFilters },
    /// Rows `start..start + len` of `table`'s last selection (answered by [`FromWorker::Rows`]).
    Rows { table: RowsFor, start: u64, len: u64 },
    /// Pull billing data through the signing proxy at `proxy_url`, each action × month as one
    /// entry (answered per entry by [`FromWorker::Fetching`], then [`FromWorker::Parsed`] or
    /// [`FromWorker::FetchFailed`]; or once by [`FromWorker::FetchStopped`]). The worker checks
    /// `proxy_url` itself ([`crate::worker::proxy_url`]): the token goes nowhere else.
    Fetch { proxy_url: String, token: Option<String>, actions: Vec<FetchAction> },
    /// The raw pages of every fetched action, one JSON file each, for download.
    ExportFetched,
    /// Select the deduction rows `filter` lets through, for the deduction table (answered by
    /// [`FromWorker::Deductions`]).
    Deductions { filter: DeductionFilter },
    /// Rows `start..start + len` of the last deduction selection (answered by
    /// [`FromWorker::DeductionRows`]).
    DeductionRows { start: u64, len: u64 },
    /// The points of the `series`-th usage series of the report, thinned for a chart (answered by
    /// [`FromWorker::UsagePoints`]).
    UsagePoints { series: u64 },
    /// Add (or stop adding) a bandwidth series in Mbps for every traffic series of the usage
    /// exports, as `tcbill analyze --bandwidth` does; the report is rebuilt (answered by
    /// [`FromWorker::Report`]).
    BandwidthFromTraffic { enabled: bool },
    /// Rebuild the report after each file read, not once the files waiting are all read, so a
    /// panic while building it names the file that caused it: sent to a worker started after
    /// one died while no file was being read (`page::parsing`).
    RebuildAfterEachFile,
    /// The values `dimension` takes in the rows that pass `filters`, for a filter to pick from
    /// (answered by [`FromWorker::FilterValues`]).
    FilterValues { dimension: Dimension, filters: CostFilters },
    /// RealTotalCost and TotalCost per [`Dimension::Month`] (else per [`Dimension::Day`]) of the
    /// rows that pass `filters` (answered by [`FromWorker::Trend`]).
    Trend { by: Dimension, filters: CostFilters },
    /// Compare these two periods (`2025-09`, as `tcbill analyze --from A --to B`) from now on;
    /// the report is rebuilt (answered by [`FromWorker::Report`]).
    ComparePeriods { a: String, b: String },
    /// The report's two periods compared over the rows that pass `filters`, the drivers rolled up
    /// to `level` (answered by [`FromWorker::Comparison`]).
    Compare { level: Level, filters: CostFilters },
    /// Select the rows behind driver `driver` (its index in the last [`FromWorker::Comparison`]'s
    /// section of `currency`), in both periods, for the row table (answered by
    /// [`FromWorker::DrillDown`], whose rows then start with their period).
    DriverRows { currency: String, driver: usize },
    /// Select the rows the report's alert `alert` (its index in the report's list) cites, for the
    /// row table (answered by [`FromWorker::DrillDown`]).
    AlertRows { alert: usize },
    /// RealTotalCost and TotalCost per value of `by` and billing month of the rows that pass
    /// `filters` (answered by [`FromWorker::MonthlyTrend`]).
    MonthlyTrend { by: Dimension, filters: CostFilters },
}

/// The Costs tab's filters as `(dimension, value)` pairs: a row passes when, for every dimension
/// named, its value is one of the values given for that dimension.
pub type CostFilters = Vec<(Dimension, String)>;

/// One billing API action over one month (or days of it), and the Files-table entry (allocated
/// by the page) it becomes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FetchAction {
    pub id: FileId,
    pub entry: Entry,
}

/// Why pulling an action from the API gave no data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FetchFailure {
    /// `Ready: 0`: Tencent is still preparing this account's bill; try again in about ten minutes.
    NotReady,
    /// An error envelope, from Tencent or from the proxy.
    Api { code: String, message: String, request_id: String },
    /// The proxy URL is neither loopback nor the page's own origin; nothing was sent.
    Refused(ProxyRefusal),
    /// Nothing answered at `url` (or the browser refused the answer); `command` starts a proxy there.
    NoProxy { url: String, command: String },
    /// Something answered, but not as tcbill-proxy does.
    NotProxy(String),
}

impl ToWorker {
    pub fn to_js(&self) -> JsValue {
        let message = Object::new();
        match self {
            ToWorker::Parse { id, file } => {
                set(&message, "id", &(*id).into());
                set(&message, "file", file);
            }
            ToWorker::Request(request) => {
                let json = serde_json::to_string(request).expect("requests always serialise");
                set(&message, "request", &json.into());
            }
        }
        message.into()
    }

    /// Decodes a message made by [`ToWorker::to_js`]; `None` for anything else.
    pub fn from_js(message: &JsValue) -> Option<ToWorker> {
        let get = |key: &str| Reflect::get(message, &key.into()).ok().filter(|v| !v.is_undefined());
        if let Some(request) = get("request") {
            return serde_json::from_str(&request.as_string()?).ok().map(ToWorker::Request);
        }
        ToWorker::parse_from_js(message).map(|(id, file)| ToWorker::Parse { id, file })
    }

    /// The file of a [`ToWorker::Parse`] made by [`ToWorker::to_js`]; `None` for anything else.
    /// The page reads only these (a pulled entry the worker hands back), so it carries no
    /// decoder of [`Request`].
    pub fn parse_from_js(message: &JsValue) -> Option<(FileId, File)> {
        let get = |key: &str| Reflect::get(message, &key.into()).ok().filter(|v| !v.is_undefined());
        if get("request").is_some() {
            return None;
        }
        Some((get("id")?.as_f64()? as FileId, get("file")?.dyn_into().ok()?))
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).expect("setting a property of a fresh object");
}

/// What the worker tells the page. The worker's messages borrow from its report (a [`Digest`]
/// is serialised straight from it); the page's are owned, `FromWorker<'static>`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker<'a> {
    /// The worker's wasm has loaded and it listens. A message posted before this would be
    /// dispatched while nobody listens, and lost, so the page holds its messages until then.
    Ready,
    /// Sent after every page fetched from the API: the bytes and rows received so far.
    Fetching {
        id: FileId,
        bytes: u64,
        rows_read: u64,
    },
    FetchFailed {
        id: FileId,
        failure: FetchFailure,
    },
    /// The pull stopped before its first request to the proxy went through (refused URL, no
    /// proxy): the entries not yet fetched never will be.
    FetchStopped {
        failure: FetchFailure,
    },
    /// The worker stopped on a panic while working on file `id` (if it knew which): it is gone,
    /// and the page starts another. Sent by the worker's panic hook, or made up by the page from
    /// the worker's `error` event.
    Crashed {
        id: Option<FileId>,
        message: String,
    },
    /// Sent after every chunk.
    Progress {
        id: FileId,
        bytes_read: u64,
        rows_read: u64,
    },
    /// The file is parsed: one part per file inside it (a ZIP has several).
    Parsed {
        id: FileId,
        parts: Vec<PartSummary>,
    },
    Cancelled {
        id: FileId,
    },
    /// The browser could not read the file (deleted from disk, permission lost, ...).
    Unreadable {
        id: FileId,
        message: String,
    },
    /// The report changed (a file was parsed or removed, or other periods are compared): core's
    /// [`Digest`] of it, the report without its per-row deduction list (which can be millions of
    /// rows), lists cut at [`crate::worker::LIST_LIMIT`]; boxed, as it is many times the size of
    /// any other message.
    Report {
        digest: Box<Digest<'a>>,
    },
    /// The answer to [`Request::Summarize`], each currency's groups cut at
    /// [`crate::worker::LIST_LIMIT`] ([`Summary::truncate_groups`]).
    Summary {
        summary: Summary,
    },
    /// A file for the user to save: its name, and its bytes (with their MIME type) as a `Blob`,
    /// which crosses beside the message's text as a handle, not in it ([`FromWorker::to_js`]).
    Download {
        file_name: String,
        #[serde(skip)]
        file: Option<Blob>,
    },
    /// The rows of a drill-down are selected for `table`: how many, and the table's column labels.
    DrillDown {
        table: RowsFor,
        count: u64,
        columns: Vec<String>,
    },
    /// A window of `table`'s selected rows, each as display cells.
    Rows {
        table: RowsFor,
        start: u64,
        rows: Vec<Vec<String>>,
    },
    /// The deduction rows of a [`Request::Deductions`] are selected: how many.
    Deductions {
        count: u64,
    },
    /// A window of the selected deduction rows.
    DeductionRows {
        start: u64,
        rows: Vec<DeductionRowView>,
    },
    /// A usage series' points as core's (Beijing time, exact value), thinned by core's
    /// `downsample` to at most [`crate::worker::CHART_POINTS`].
    UsagePoints {
        series: u64,
        points: Vec<Point>,
    },
    /// The answer to [`Request::FilterValues`].
    FilterValues {
        dimension: Dimension,
        values: Vec<String>,
    },
    /// The answer to [`Request::Trend`]: a cost summary by day or month, oldest first.
    Trend {
        summary: Summary,
    },
    /// The answer to [`Request::Compare`]: core's `Comparison`, each currency's drivers cut at
    /// [`crate::worker::LIST_LIMIT`] (`driver_count` has them all); `None` when fewer than two
    /// billing months are loaded.
    Comparison {
        /// The level the drivers are rolled up to.
        level: Level,
        comparison: Option<Comparison>,
    },
    /// The answer to [`Request::MonthlyTrend`]: a cost summary by the dimension and month, cut
    /// like [`FromWorker::Summary`].
    MonthlyTrend {
        summary: Summary,
    },
}

impl FromWorker<'_> {
    /// The message as the worker posts it: `{message: "<JSON>"}`, and a download's `file` beside.
    pub fn to_js(&self) -> JsValue {
        let posted = Object::new();
        let json = serde_json::to_string(self).expect("worker messages always serialise");
        set(&posted, "message", &json.into());
        if let FromWorker::Download { file: Some(file), .. } = self {
            set(&posted, "file", file);
        }
        posted.into()
    }

    /// Decodes a message made by [`FromWorker::to_js`].
    pub fn from_js(posted: &JsValue) -> Result<FromWorker<'static>, String> {
        let get = |key: &str| Reflect::get(posted, &key.into()).ok().filter(|v| !v.is_undefined());
        let json = message_json(posted).ok_or("not a worker message")?;
        let mut message: FromWorker<'static> = serde_json::from_str(&json).map_err(|err| err.to_string())?;
        if let FromWorker::Download { file, .. } = &mut message {
            *file = get("file").and_then(|blob| blob.dyn_into().ok());
        }
        Ok(message)
    }
}

/// The JSON text of a message made by [`FromWorker::to_js`], if `posted` is one.
fn message_json(posted: &JsValue) -> Option<String> {
    Reflect::get(posted, &"message".into()).ok()?.as_string()
}

/// The two [`FromWorker`] messages a worker sends before and instead of any work: what a file's
/// worker reads of its part workers. Decoding only these, not the whole [`FromWorker`], keeps the
/// page's message type and every report type in it out of the worker's wasm (34 KB of decoder).
#[derive(Debug, PartialEq, Deserialize)]
pub enum Handshake {
    /// [`FromWorker::Ready`].
    Ready,
    /// [`FromWorker::Crashed`], its `id` left out (a part worker has no file of its own).
    Crashed { message: String },
}

impl Handshake {
    /// `Some(None)` for any other message made by [`FromWorker::to_js`]; `None` if `posted` is
    /// not one of them.
    pub fn from_js(posted: &JsValue) -> Option<Option<Handshake>> {
        message_json(posted).map(|json| serde_json::from_str(&json).ok())
    }
}

/// What the page shows of one parsed file (or ZIP member).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartSummary {
    pub name: String,
    /// The detected kind, as a label for people.
    pub kind: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    /// Each problem with its place; the page words it (`file_table::diagnostic_line`).
    pub diagnostics: Vec<tcbill_core::Diagnostic>,
}

impl From<&tcbill_core::ParsedFile> for PartSummary {
    fn from(file: &tcbill_core::ParsedFile) -> Self {
        PartSummary {
            name: file.name.clone(),
            kind: file.kind.label().to_owned(),
            rows_read: file.rows_read(),
            rows_accepted: file.rows_accepted(),
            rows_rejected: file.rows_rejected,
            diagnostics: file.diagnostics.clone(),
        }
    }
}

/// One deduction row of the deduction table: its cells, and what the checks found at it (the page
/// words the findings in its language).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeductionRowView {
    /// `file:row`, 资源包ID, 抵扣时间, 抵扣前包剩余量, 实际抵扣量, 抵扣后包剩余量, 被抵扣资源原始用量 with
    /// its unit, exported and recomputed 抵扣系数; `—` where absent.
    pub cells: Vec<String>,
    pub breaks: Vec<BreakFinding>,
    /// For a 抵扣系数 mismatch: what was deducted against what the exported 抵扣系数 gives.
    pub mismatch: Option<CoefficientFinding>,
}

/// A 抵扣系数 mismatch in the figures its sentence says: "over-deducted by 3.575 分钟 (expected
/// 0.0595 × 1 = 0.0595 分钟)".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoefficientFinding {
    /// 实际抵扣量 − expected: positive is deducted too much.
    pub excess: String,
    /// 原始用量 in the package unit.
    pub converted: String,
    pub coefficient: String,
    pub expected: String,
    /// The package unit, empty where unknown.
    pub unit: String,
}

/// A balance break at a deduction row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BreakFinding {
    /// 抵扣前包剩余量 ≠ the previous row's 抵扣后包剩余量 (else 抵扣前 − 实际 ≠ 抵扣后 on the row).
    pub chain: bool,
    pub expected: String,
    pub difference: String,
}
