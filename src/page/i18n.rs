//! The UI's two languages. Every string a person reads is a field of [`Strings`], so a
//! missing translation is a compile error, not a blank in the page.
//!
//! Billing terms stay as the console shows them (资源包, 抵扣系数, ...) in both languages: users
//! match them against the console.

use tcbill_core::analysis::alerts::{AlertKind, Dimension as AlertDimension};
use tcbill_core::analysis::checks::{FindingCode, SkipReason};
use tcbill_core::analysis::currency::Month;
use tcbill_core::model::diagnostic::{Diagnostic, DiagnosticCode};
use tcbill_core::schema::console_name;

use crate::protocol::CoefficientFinding;
use crate::protocol::ProxyRefusal;

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The language the browser prefers, defaulting to English for anything but Chinese.
    pub fn from_browser() -> Lang {
        let preferred = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        Lang::from_tag(&preferred).unwrap_or(Lang::En)
    }

    /// Reads a language tag such as `zh-CN` or `en` (as in `navigator.language` or the URL).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// Every UI string, in one language.
pub struct Strings {
    pub tagline: &'static str,
    /// Label of the button that switches to the *other* language.
    pub other_language: &'static str,
    pub drop_region: &'static str,
    pub drop_title: &'static str,
    pub drop_hint: &'static str,
    pub choose_files: &'static str,
    pub load_sample: &'static str,
    pub no_files: &'static str,
    pub files_loaded: fn(usize) -> String,
    pub col_file: &'static str,
    pub col_size: &'static str,
    pub col_kind: &'static str,
    pub col_rows_read: &'static str,
    pub col_accepted: &'static str,
    pub col_rejected: &'static str,
    pub col_actions: &'static str,
    pub remove: &'static str,
    pub cancel: &'static str,
    pub cancelled: &'static str,
    pub cannot_read: &'static str,
    pub reading: &'static str,
    pub rows: &'static str,
    pub of: &'static str,
    pub problems: fn(usize) -> String,
    pub zip_pack: fn(usize) -> String,
    pub worker_failed: &'static str,
    pub tab_files: &'static str,
    pub tab_overview: &'static str,
    pub tab_costs: &'static str,
    pub tab_packages: &'static str,
    pub download_report: &'static str,
    pub download_csv_zip: &'static str,
    pub download_focus: &'static str,
    pub load_files_first: &'static str,
    pub real_total_cost: &'static str,
    pub total_cost: &'static str,
    pub cash: &'static str,
    pub voucher: &'static str,
    pub incentive: &'static str,
    pub transfer: &'static str,
    pub cost_rows: fn(u64, &str) -> String,
    pub top_products: &'static str,
    /// Columns of the package and deduction exports (the console's names in Chinese).
    pub col_package_id: &'static str,
    pub col_package_name: &'static str,
    pub col_package_type: &'static str,
    pub col_deduction_time: &'static str,
    pub col_remaining_before: &'static str,
    pub col_deducted: &'static str,
    pub col_remaining_after: &'static str,
    pub col_raw_usage: &'static str,
    /// The Costs tab's grouping by calendar day (no bill column holds it).
    pub dim_day: &'static str,
    /// A cost-allocation tag as a dimension, by its key.
    pub tag_label: fn(&str) -> String,
    /// The drill-down's first column: the file and the line of each row.
    pub col_file_line: &'static str,
    pub share: &'static str,
    pub checks: &'static str,
    pub deduction_findings: fn(usize, usize) -> String,
    pub check_ok: fn(u64) -> String,
    pub check_failed: fn(usize, u64) -> String,
    pub check_rows_missing_values: fn(usize) -> String,
    pub check_skipped: &'static str,
    /// A parse problem with its place (`bill.csv:118 column 现金账户支出(元): …`).
    pub diagnostic: fn(&Diagnostic) -> String,
    /// A detected kind, from core's label (`资源包总览 (package overview)`).
    pub kind_label: fn(&str) -> String,
    /// What a check (by core's id) verifies; `None` for an id this page does not know.
    pub check_description: fn(&str) -> Option<&'static str>,
    pub check_skip_reason: fn(SkipReason) -> &'static str,
    pub finding_says: fn(&FindingCode) -> String,
    /// A column by its canonical (billing API) name: the API name in English, the console's
    /// Chinese name (from core's schema) in Chinese.
    pub column: fn(&str) -> &str,
    pub all_checks_ok: &'static str,
    /// Shown instead of totals and "passed" when no file had rows to analyse.
    pub nothing_analysable: &'static str,
    /// A currency and the billing months its amounts cover.
    pub currency_periods: fn(&str, &str) -> String,
    pub currency: &'static str,
    /// `rows`, the later file, the earlier file.
    pub duplicate_notice: fn(u64, &str, &str, u64) -> String,
    /// A column (canonical name) whose totals may be rounded, and the files holding it.
    pub rounding_notice: fn(&str, &[String]) -> String,
    /// A billing month (`None`: rows without one) and its currency read from a less detailed
    /// bill: the month, the currency, the kind read, the most detailed kind loaded, the files.
    pub lower_detail_notice: fn(Option<&Month>, &str, &str, &str, &[String]) -> String,
    /// The comparison of a currency whose periods are read from bills of different detail
    /// (the kinds, most detailed first).
    pub mixed_detail_note: fn(&[String]) -> String,
    pub packages_running_out: &'static str,
    pub projected_exhaustion: &'static str,
    pub group_by: &'static str,
    pub then_by: &'static str,
    pub nothing: &'static str,
    pub download_csv: &'static str,
    pub no_bill_rows: &'static str,
    pub groups_of_rows: fn(u64, u64) -> String,
    pub total: &'static str,
    pub no_packages: &'static str,
    pub packages_caption: fn(usize, u64) -> String,
    pub used: &'static str,
    pub remaining: &'static str,
    pub utilisation: &'static str,
    pub daily_burn: &'static str,
    pub expires: &'static str,
    pub balance_breaks: &'static str,
    pub none_found: &'static str,
    pub row: &'static str,
    pub expected_before: &'static str,
    pub difference: &'static str,
    pub coefficient_mismatches: &'static str,
    pub exported_coefficient: &'static str,
    pub recomputed_coefficient: &'static str,
    pub tab_usage: &'static str,
    pub show_rows: &'static str,
    pub rows_count: fn(u64) -> String,
    pub rows_of: fn(&str, u64) -> String,
    pub close: &'static str,
    pub chart_caption: &'static str,
    pub download_svg: &'static str,
    pub chart_save_png: &'static str,
    pub chart_copy_png: &'static str,
    pub chart_copied: &'static str,
    /// Said when the clipboard refused the PNG and it was downloaded instead.
    pub chart_saved_instead: &'static str,
    pub filters: &'static str,
    pub filter_by: &'static str,
    pub filter_value: &'static str,
    pub add_filter: &'static str,
    pub remove_filter: &'static str,
    pub choose: &'static str,
    pub trend_by: &'static str,
    pub by_day: &'static str,
    pub by_month: &'static str,
    pub show_total_cost: &'static str,
    pub trend_caption_day: &'static str,
    pub trend_caption_month: &'static str,
    pub share_caption: &'static str,
    pub others: fn(usize) -> String,
    pub no_usage: &'static str,
    pub usage_source: &'static str,
    pub usage_instance: &'static str,
    pub usage_metric: &'static str,
    pub usage_points: &'static str,
    pub usage_total: &'static str,
    pub usage_peak: &'static str,
    pub usage_peak_at: &'static str,
    pub usage_p95: &'static str,
    pub usage_daily_peak_average: &'static str,
    pub usage_note: &'static str,
    pub fetch_title: &'static str,
    pub fetch_hint: &'static str,
    pub proxy_url: &'static str,
    pub access_token: &'static str,
    pub range_by: &'static str,
    pub range_months: &'static str,
    pub range_days: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub data_to_fetch: &'static str,
    pub summary_by_product: &'static str,
    pub summary_by_region: &'static str,
    pub summary_by_pay_mode: &'static str,
    pub summary_by_project: &'static str,
    pub bill_details: &'static str,
    pub cost_details: &'static str,
    pub summary_by_tag: &'static str,
    pub tag_key: &'static str,
    pub usage_by_date: &'static str,
    pub product_code: &'static str,
    pub domain: &'static str,
    pub instance: &'static str,
    pub fetch: &'static str,
    pub download_fetched: &'static str,
    pub fetching: &'static str,
    pub not_ready: &'static str,
    /// An API error envelope: code, message, RequestId.
    pub api_error: fn(&str, &str, &str) -> String,
    /// Nothing answered at the proxy URL; the command that starts one there.
    pub no_proxy: fn(&str, &str) -> String,
    /// The proxy URL is neither loopback nor the page's origin: why.
    pub proxy_refused: fn(&ProxyRefusal) -> String,
    /// Something answered at the proxy URL, but not as tcbill-proxy would.
    pub not_proxy: &'static str,
    /// The worker stopped on a file: the panic message.
    pub crashed: fn(&str) -> String,
    pub burn_down: &'static str,
    /// Package ID and its unit (with a leading space, or empty).
    pub burn_down_caption: fn(&str, &str) -> String,
    pub capacity: &'static str,
    pub deduction_rows: &'static str,
    pub deduction_rows_caption: fn(u64) -> String,
    pub show: &'static str,
    pub filter_all: &'static str,
    pub filter_mismatches: &'static str,
    pub filter_breaks: &'static str,
    pub package: &'static str,
    pub all_packages: &'static str,
    pub finding: &'static str,
    /// A chain break: the expected 抵扣前包剩余量 and the difference.
    pub finding_chain: fn(&str, &str) -> String,
    /// 抵扣前 − 实际 ≠ 抵扣后: the expected 抵扣后包剩余量 and the difference.
    pub finding_row: fn(&str, &str) -> String,
    /// A 抵扣系数 mismatch, said as what was deducted too much or too little.
    pub finding_mismatch: fn(&CoefficientFinding) -> String,
    pub usage_series: &'static str,
    pub usage_bandwidth: &'static str,
    /// Points drawn of the series' points.
    pub usage_drawn: fn(usize, u64) -> String,
    // Money (issue #13): the switch of how many decimals amounts show.
    pub precision_label: &'static str,
    pub precision_exact: &'static str,

    // Failed checks open their rows; packages and usage in words (issue #13, items 3 and 6).
    pub findings_file: &'static str,
    /// The row column: the number Excel (or an editor) shows for the line.
    pub findings_row: &'static str,
    pub findings_subject: &'static str,
    pub findings_expected: &'static str,
    pub findings_found: &'static str,
    pub findings_show_rows: &'static str,
    pub findings_download: &'static str,
    pub findings_show_deductions: &'static str,
    /// The deduction table's choice of rows with a break or a mismatch.
    pub filter_any_finding: &'static str,
    /// Rows shown of all rows found.
    pub findings_capped: fn(usize, u64) -> String,
    pub package_in_words: &'static str,
    /// The day the last deduction emptied the package.
    pub package_exhausted: fn(&str) -> String,
    /// Expiry day, the amount left then (≈), the unit.
    pub package_expires_unused: fn(&str, &str, &str) -> String,
    /// Projected exhaustion day, expiry day.
    pub package_runs_out: fn(&str, &str) -> String,
    /// Used per the overview, used in the loaded rows, the gap, the unit.
    pub package_outside_rows: fn(&str, &str, &str, &str) -> String,
    pub package_rows_without_used: fn(usize) -> String,
    pub usage_unit: &'static str,
    /// The value billed and its unit (a rate series: the 95th percentile).
    pub usage_billable: fn(&str, &str) -> String,
    /// Why a rate series has no sum.
    pub usage_rate_not_summed: &'static str,
    pub tab_compare: &'static str,
    pub compare_title: &'static str,
    /// The labels of the two period pickers.
    pub compare_earlier: &'static str,
    pub compare_later: &'static str,
    /// Fewer than two billing months: the months loaded.
    pub compare_needs_two_months: fn(&str) -> String,
    /// A part of a change by its name in the report (`new_resources`, ...).
    pub part_label: fn(&str) -> &'static str,
    /// One part in a sentence: the amount, the part's label.
    pub compare_part: fn(&str, &str) -> String,
    /// Between the parts of a sentence.
    pub list_separator: &'static str,
    /// The change, the earlier period, the parts said.
    pub compare_summary: fn(&str, &str, &str) -> String,
    /// No change against the earlier period.
    pub compare_no_change: fn(&str) -> String,
    /// The Overview's link to the Compare tab.
    pub compare_open: &'static str,
    /// The earlier total, the later total, rows of each: under the periods.
    pub compare_totals: fn(&str, &str, &str, &str, u64, u64) -> String,
    pub waterfall_title: &'static str,
    pub col_part: &'static str,
    pub col_amount: &'static str,
    pub drivers_title: &'static str,
    pub drivers_by: &'static str,
    /// Drivers shown, drivers in all.
    pub drivers_count: fn(usize, u64) -> String,
    pub col_status: &'static str,
    pub col_change: &'static str,
    pub col_parts: &'static str,
    /// `new`, `removed`, `changed`.
    pub driver_status: fn(&str) -> &'static str,
    /// Rows in the earlier and the later period: the drill-down button.
    pub driver_rows_button: fn(u64, u64) -> String,
    /// The driver, the earlier period and its rows, the later and its rows.
    pub driver_rows_caption: fn(&str, &str, u64, &str, u64) -> String,
    pub col_period: &'static str,
    pub monthly_title: &'static str,
    pub monthly_by: &'static str,
    /// Groups shown, groups in all.
    pub monthly_capped: fn(usize, usize) -> String,
    pub alerts_title: &'static str,
    pub alerts_count: fn(u64) -> String,
    pub no_alerts: &'static str,
    /// An alert's kind: core's, so a kind core adds does not compile until it is worded here.
    pub alert_kind: fn(AlertKind) -> &'static str,
    /// What an alert's subject is (a product, a tag, ...).
    pub alert_dimension: fn(AlertDimension) -> &'static str,
    /// A deduction check an alert names (`balance`, `coefficient`).
    pub alert_deduction_check: fn(&str) -> Option<&'static str>,
    pub col_alert_kind: &'static str,
    pub col_when: &'static str,
    pub col_excess: &'static str,
    pub col_quantity: &'static str,
    /// The alert, rows shown, rows in all.
    pub alert_rows_caption: fn(&str, u64, u64) -> String,
}

pub static EN: Strings = Strings {
    tagline: "Tencent Cloud bill analyzer. Your files are read in this browser tab and never uploaded.",
    other_language: "中文",
    drop_region: "Drop billing files here",
    drop_title: "Drop Tencent Cloud billing exports here",
    drop_hint: "CSV, ZIP bill packs, XLSX or API JSON — many files at once.",
    choose_files: "Choose files…",
    load_sample: "Load sample data",
    no_files: "No files loaded yet.",
    files_loaded: |n| if n == 1 { "1 file loaded".to_owned() } else { format!("{n} files loaded") },
    col_file: "File",
    col_size: "Size",
    col_kind: "Detected kind",
    col_rows_read: "Rows read",
    col_accepted: "Accepted",
    col_rejected: "Rejected",
    col_actions: "Actions",
    remove: "Remove",
    cancel: "Cancel",
    cancelled: "cancelled",
    cannot_read: "cannot read the file",
    reading: "Reading",
    rows: "rows",
    of: "of",
    problems: |n| if n == 1 { "1 problem".to_owned() } else { format!("{n} problems") },
    zip_pack: |n| format!("ZIP bill pack ({n} files)"),
    worker_failed: "The part of tcbill that reads files could not be loaded: is this page offline? Your files wait; they are read at your next click or drop once it loads.",
    tab_files: "Files",
    tab_overview: "Overview",
    tab_costs: "Costs",
    tab_packages: "Packages & deductions",
    download_report: "Download report (JSON)",
    download_csv_zip: "Report tables (CSV, ZIP)",
    download_focus: "FOCUS 1.0 (CSV)",
    load_files_first: "Load billing files (or the sample) to see the analysis.",
    real_total_cost: "Total after discount",
    total_cost: "Original cost",
    cash: "Cash",
    voucher: "Vouchers",
    incentive: "Free credit",
    transfer: "Commission credit",
    cost_rows: |n, source| {
        let source = match source {
            "BillDetails" => "the bill details (L3)",
            "BillResources" => "the resource bill (L2)",
            "CostDetails" => "the cost details",
            "Mixed" => "the most detailed bill loaded for each month",
            other => other,
        };
        format!("Summed over {n} rows of {source}.")
    },
    top_products: "Top products",
    col_package_id: "Package ID",
    col_package_name: "Package name",
    col_package_type: "Package type",
    col_deduction_time: "Deducted at",
    col_remaining_before: "Remaining before",
    col_deducted: "Deducted",
    col_remaining_after: "Remaining after",
    col_raw_usage: "Raw usage covered",
    dim_day: "Day",
    tag_label: |key| format!("Tag:{key}"),
    col_file_line: "File:line",
    share: "Share",
    checks: "Checks",
    deduction_findings: |breaks, mismatches| format!("Resource-package deductions: {breaks} balance-chain breaks, {mismatches} 抵扣系数 mismatches"),
    check_ok: |rows| format!("ok ({rows} rows)"),
    check_failed: |bad, rows| format!("{bad} mismatches in {rows} rows"),
    check_rows_missing_values: |rows| format!("; {rows} rows lack a value and are not checked"),
    check_skipped: "skipped",
    diagnostic: |diagnostic| diagnostic.to_string(),
    kind_label: str::to_owned,
    check_description: |id| {
        Some(match id {
            "list_price" => "TotalCost = SinglePrice × UsedAmount × TimeSpan (units converted)",
            "discount" => "RealTotalCost = (TotalCost − OriginalCostWithRI) × Discount − SPDeduction",
            "payments" => "Cash + Voucher + Incentive + Transfer payments = RealTotalCost (+ Tax where present)",
            "usage_after_deduction" => "UsedAmount = RealTotalMeasure − DeductedMeasure",
            "summary_vs_details" => {
                "DescribeBillSummaryBy* totals and RealTotalCostRatio = the detail rows of the same month"
            }
            "deductions_vs_bill" => "per product: Σ raw usage in the deduction export = Σ DeductedMeasure in the bill",
            _ => return None,
        })
    },
    check_skip_reason: |reason| match reason {
        SkipReason::NoListPriceColumns => "no rows with TotalCost, SinglePrice and UsedAmount",
        SkipReason::NoDiscountColumns => "no rows with TotalCost, Discount and RealTotalCost",
        SkipReason::NoPaymentColumns => "no rows with RealTotalCost and payment columns",
        SkipReason::NoUsageColumns => "no rows with UsedAmount, RealTotalMeasure and DeductedMeasure",
        SkipReason::NoBillDetails => "no bill detail rows to compare a summary response with",
        SkipReason::NoSummaryResponse => "no DescribeBillSummaryBy* response loaded",
        SkipReason::NoDeductionRows => "no deduction rows loaded",
        SkipReason::NoDeductedUsageColumn => "the bill has no DeductedMeasure column",
        SkipReason::NothingToCompare => "nothing to compare",
    },
    finding_says: |code| match code {
        FindingCode::ListPriceDiffers => "TotalCost differs from SinglePrice × UsedAmount × TimeSpan".to_owned(),
        FindingCode::DiscountDiffers => "RealTotalCost differs from TotalCost × Discount (less RI/SP deductions)".to_owned(),
        FindingCode::PaymentsDoNotAddUp => "payments do not add up to the amount due".to_owned(),
        FindingCode::UsageDiffers => "UsedAmount differs from RealTotalMeasure − DeductedMeasure".to_owned(),
        FindingCode::SummaryWithoutDetails { measure } => format!("{measure} has no detail rows"),
        FindingCode::SummaryDiffers { measure } => format!("{measure} differs from the detail rows"),
        FindingCode::DetailsWithoutSummary { measure } => format!("{measure} of the detail rows is in no summary row"),
        FindingCode::RatioDiffers => "RealTotalCostRatio differs from the detail rows' share".to_owned(),
        FindingCode::DeductedUsageDiffers => "the bill's DeductedMeasure differs from the deduction export".to_owned(),
        FindingCode::DeductionWithoutDosage => "a deduction row has no raw usage or unit".to_owned(),
        FindingCode::NotExact => "the values are too large or too small to compute with exactly".to_owned(),
        FindingCode::CannotConvert { from, to, .. } => format!("cannot convert {from} to {to}"),
    },
    column: |name| name,
    all_checks_ok: "Every check that could run passed.",
    nothing_analysable: "Nothing analysable loaded: no file had bill, deduction, package or usage rows.",
    currency_periods: |currency, periods| format!("{currency}, billing period {periods}"),
    currency: "Currency",
    duplicate_notice: |rows, file, first, differing| {
        let mut notice = format!("{rows} rows of {file} are already loaded from {first}: counted once (skipped as duplicates).");
        if differing > 0 {
            notice += &format!(" {differing} of them have amounts that differ from the rows kept: {first}, loaded first, is the one counted.");
        }
        notice
    },
    rounding_notice: |column, files| {
        format!(
            "The {column} values of {} need more than the 28 significant digits an exact decimal holds when added: its totals may be rounded in their last decimals.",
            files.join(", ")
        )
    },
    lower_detail_notice: |month, currency, read_from, most_detailed, files| {
        let month = month.map_or_else(|| "Rows without a billing month".to_owned(), ToString::to_string);
        format!(
            "{month} ({currency}) is read from the {} ({}): no {} loaded covers it, so its costs have that bill's detail only.",
            kind_name_en(read_from),
            files.join(", "),
            kind_name_en(most_detailed)
        )
    },
    mixed_detail_note: |kinds| {
        let kinds: Vec<&str> = kinds.iter().map(|kind| kind_name_en(kind)).collect();
        format!(
            "These periods are read from bills of different detail ({}): they are compared by product and resource only, and the change is not split into usage and price (it is under “other charges”).",
            kinds.join(", ")
        )
    },
    packages_running_out: "Packages that run out before they expire",
    projected_exhaustion: "Projected exhaustion",
    group_by: "Group by",
    then_by: "then by",
    nothing: "(nothing)",
    download_csv: "Download CSV",
    no_bill_rows: "No bill or cost rows loaded.",
    groups_of_rows: |groups, rows| format!("{groups} groups of {rows} rows"),
    total: "Total",
    no_packages: "No resource-package deductions or overview loaded.",
    packages_caption: |packages, rows| format!("{packages} packages, {rows} deduction rows"),
    used: "Used",
    remaining: "Remaining",
    utilisation: "Utilisation",
    daily_burn: "Per day",
    expires: "Expires",
    balance_breaks: "Balance-chain breaks",
    none_found: "None found.",
    row: "Row",
    expected_before: "Expected (previous 抵扣后包剩余量)",
    difference: "Difference",
    coefficient_mismatches: "抵扣系数 mismatches",
    exported_coefficient: "Exported 抵扣系数",
    recomputed_coefficient: "Recomputed",
    tab_usage: "Usage",
    show_rows: "Show the rows of",
    rows_count: |n| if n == 1 { "1 row".to_owned() } else { format!("{n} rows") },
    rows_of: |group, n| format!("{group}: {n} bill rows"),
    close: "Close",
    chart_caption: "RealTotalCost (优惠后总价) by group",
    download_svg: "Save chart as SVG",
    chart_save_png: "Save as PNG",
    chart_copy_png: "Copy as PNG",
    chart_copied: "Copied to the clipboard.",
    chart_saved_instead: "The clipboard is not available here; saved as a PNG file instead.",
    filters: "Filters",
    filter_by: "Filter",
    filter_value: "is",
    add_filter: "Add filter",
    remove_filter: "Remove filter",
    choose: "(choose)",
    trend_by: "Trend by",
    by_day: "day",
    by_month: "month",
    show_total_cost: "also TotalCost (原价)",
    trend_caption_day: "RealTotalCost (优惠后总价) by day",
    trend_caption_month: "RealTotalCost (优惠后总价) by month",
    share_caption: "Share of RealTotalCost (优惠后总价)",
    others: |n| if n == 1 { "1 other".to_owned() } else { format!("{n} others") },
    no_usage: "No usage details (用量明细) loaded.",
    usage_source: "Source",
    usage_instance: "Instance / domain",
    usage_metric: "Metric",
    usage_points: "Points",
    usage_total: "Sum",
    usage_peak: "Peak",
    usage_peak_at: "Peak at",
    usage_p95: "95th percentile",
    usage_daily_peak_average: "Average daily peak",
    usage_note: "The 95th percentile drops the top 5% of the 5-minute points of all valid days, as bandwidth billing does.",
    fetch_title: "Fetch from API",
    fetch_hint: "Pulls months or days of billing data through tcbill-proxy, which holds your API key (see README). Each kind of data becomes one entry per month in the table below; usage is asked for 7 days at a time.",
    proxy_url: "Proxy URL",
    access_token: "Access token (if the proxy requires one)",
    range_by: "Range",
    range_months: "Months",
    range_days: "Days",
    from: "From",
    to: "To",
    data_to_fetch: "Data",
    summary_by_product: "Bill summary by product",
    summary_by_region: "Bill summary by region",
    summary_by_pay_mode: "Bill summary by pay mode",
    summary_by_project: "Bill summary by project",
    bill_details: "Bill details",
    cost_details: "Cost details (consumption bill)",
    summary_by_tag: "Bill summary by tag",
    tag_key: "Tag key",
    usage_by_date: "Usage by date",
    product_code: "Product",
    domain: "Domain (CDN; empty for other products)",
    instance: "Instance (EIP, CLB; optional)",
    fetch: "Fetch",
    download_fetched: "Download fetched data (JSON)",
    fetching: "Fetching",
    not_ready: "data not ready: Tencent Cloud is still preparing this bill; try again in about 10 minutes",
    api_error: |code, message, request_id| format!("API error {code}: {message} (RequestId {request_id})"),
    no_proxy: |url, command| format!("No tcbill-proxy answered at {url}; start it with `{command}`"),
    proxy_refused: |refusal| {
        let why = match refusal {
            ProxyRefusal::NotAUrl => "it is not a URL (write it as http://127.0.0.1:8787)".to_owned(),
            ProxyRefusal::Scheme(scheme) => format!("it is a {scheme}: URL, not http: or https:"),
            ProxyRefusal::UserInfo => "it has a user name or password before the host".to_owned(),
            ProxyRefusal::NotLocal(host) => format!("{host} is not this machine (127.0.0.1, [::1], localhost) nor this page's own address"),
        };
        format!("Refused to send the access token and requests to this proxy URL: {why}. Nothing was sent.")
    },
    not_proxy: "the proxy's answer is not tcbill-proxy's",
    crashed: |message| format!("tcbill stopped on this file: {message}; the other files are kept"),
    burn_down: "Remaining balance over time",
    burn_down_caption: |package, unit| format!("{package}: 抵扣后包剩余量{unit}"),
    capacity: "Capacity",
    deduction_rows: "Deduction rows",
    deduction_rows_caption: |n| if n == 1 { "1 deduction row".to_owned() } else { format!("{n} deduction rows") },
    show: "Show",
    filter_all: "All rows",
    filter_mismatches: "抵扣系数 mismatches only",
    filter_breaks: "Balance-chain breaks only",
    package: "Package",
    all_packages: "All packages",
    finding: "Finding",
    finding_chain: |expected, difference| format!("chain break: the previous 抵扣后包剩余量 was {expected} (difference {difference})"),
    finding_row: |expected, difference| format!("抵扣前 − 实际 = {expected}, not 抵扣后 (difference {difference})"),
    finding_mismatch: |m| match m.excess.strip_prefix('-') {
        Some(short) => format!("under-deducted by {short} {} (expected {} × {} = {})", m.unit, m.converted, m.coefficient, m.expected),
        None => format!("over-deducted by {} {} (expected {} × {} = {})", m.excess, m.unit, m.converted, m.coefficient, m.expected),
    },
    usage_series: "Series",
    usage_bandwidth: "Also as bandwidth (Mbps), from traffic",
    usage_drawn: |drawn, total| format!("{drawn} of {total} points drawn: where there are more than fit, each stretch keeps its lowest and highest point, so the peak is always drawn."),
    precision_label: "Decimals",
    precision_exact: "all (exact)",
    findings_file: "File",
    findings_row: "Row (as in Excel)",
    findings_subject: "About",
    findings_expected: "Expected",
    findings_found: "Found",
    findings_show_rows: "Show the rows",
    findings_download: "Download these rows (CSV)",
    findings_show_deductions: "Show them in Packages & deductions",
    filter_any_finding: "Rows with a finding",
    findings_capped: |shown, total| format!("The first {shown} of {total} rows; the CSV has them all."),
    package_in_words: "In words",
    package_exhausted: |day| format!("exhausted on {day}"),
    package_expires_unused: |day, amount, unit| format!("expires {day} with ≈ {amount} {unit} unused"),
    package_runs_out: |day, expires| format!("runs out ≈ {day}, before it expires {expires}"),
    package_outside_rows: |overview, rows, gap, unit| {
        format!("the overview says {overview} {unit} used, the loaded deduction rows {rows}: {gap} {unit} were deducted in rows not loaded (an earlier month, or not exported)")
    },
    package_rows_without_used: |rows| {
        format!("{rows} of its deduction rows have no 实际抵扣量 to read (blank, or in another unit than 资源包单位): they are not in the used figure")
    },
    usage_unit: "Unit",
    usage_billable: |value, unit| format!("billable: {value} {unit} (95th percentile; the top 5 % of 5-minute points are free)"),
    usage_rate_not_summed: "a rate: adding its points means nothing",
    tab_compare: "Compare",
    compare_title: "What changed between two months",
    compare_earlier: "Earlier month",
    compare_later: "Later month",
    compare_needs_two_months: |months| {
        format!("Comparing needs bills of two billing months or more; the loaded bills cover: {months}.")
    },
    part_label: |part| match part {
        "new_resources" => "new resources",
        "removed_resources" => "removed resources",
        "usage" => "usage change",
        "package_coverage" => "package coverage change",
        "price" => "price or discount change",
        "savings_plan" => "savings plan",
        "reserved_instances" => "reserved instances",
        "refunds_adjustments" => "refunds and adjustments",
        "no_usage_or_price" => "other charges (no usage or price)",
        "rounding" => "rounding",
        _ => "other",
    },
    compare_part: |amount, label| format!("{amount} {label}"),
    list_separator: ", ",
    compare_summary: |change, a, parts| format!("{change} vs {a}: {parts}"),
    compare_no_change: |a| format!("no change vs {a}"),
    compare_open: "See what changed",
    compare_totals: |a, total_a, b, total_b, rows_a, rows_b| {
        format!("{a}: {total_a} ({rows_a} rows) → {b}: {total_b} ({rows_b} rows)")
    },
    waterfall_title: "RealTotalCost (优惠后总价): from the earlier month's total to the later's, part by part",
    col_part: "Part",
    col_amount: "Amount",
    drivers_title: "Largest changes",
    drivers_by: "Changes by",
    drivers_count: |shown, total| {
        if shown as u64 == total { format!("{total} changes") } else { format!("The {shown} largest of {total} changes") }
    },
    col_status: "Status",
    col_change: "Change",
    col_parts: "Parts",
    driver_status: |status| match status {
        "new" => "new",
        "removed" => "removed",
        _ => "changed",
    },
    driver_rows_button: |a, b| format!("{a} + {b} rows"),
    driver_rows_caption: |driver, a, rows_a, b, rows_b| {
        format!("{driver}: {rows_a} bill rows in {a}, {rows_b} in {b}")
    },
    col_period: "Month",
    monthly_title: "Monthly trend",
    monthly_by: "By",
    monthly_capped: |shown, total| format!("The {shown} largest of {total}; filter to see others."),
    alerts_title: "Alerts",
    alerts_count: |n| if n == 1 { "1 alert".to_owned() } else { format!("{n} alerts") },
    no_alerts: "No alert fired.",
    alert_kind: |kind| match kind {
        AlertKind::DailySpike => "Daily spike",
        AlertKind::FirstAppearance => "First appearance",
        AlertKind::PayAsYouGoAfterPackage => "Pay-as-you-go after a package ended",
        AlertKind::AllocationGap => "Allocation gap",
        AlertKind::SelfCheck => "Bill self-check failed",
        AlertKind::DeductionCheck => "Deduction check failed",
        AlertKind::PackageWaste => "Package capacity left unused",
        AlertKind::PackageRunsOutEarly => "Package runs out early",
        AlertKind::PackageWorthBuying => "Package worth buying",
    },
    alert_dimension: |dimension| match dimension {
        AlertDimension::Product => "product",
        AlertDimension::Resource => "resource",
        AlertDimension::Region => "region",
        AlertDimension::InstanceType => "instance type",
        AlertDimension::Package => "package",
        AlertDimension::Tag => "tag",
        AlertDimension::Check => "check",
    },
    alert_deduction_check: |id| match id {
        "balance" => Some("package balances chain (抵扣后包剩余量)"),
        "coefficient" => Some("抵扣系数 = deducted / raw usage"),
        _ => None,
    },
    col_alert_kind: "Kind",
    col_when: "When",
    col_excess: "Above expected",
    col_quantity: "Quantity",
    alert_rows_caption: |what, shown, total| {
        match (shown == total, total) {
            (true, 1) => format!("{what}: 1 row"),
            (true, _) => format!("{what}: {total} rows"),
            _ => format!("{what}: the first {shown} of {total} rows"),
        }
    },
};

pub static ZH: Strings = Strings {
    tagline: "腾讯云账单分析。文件只在本浏览器标签页内读取，从不上传。",
    other_language: "English",
    drop_region: "将账单文件拖放到此处",
    drop_title: "将腾讯云账单导出文件拖放到此处",
    drop_hint: "支持 CSV、ZIP 账单包、XLSX 和 API JSON，可一次拖入多个文件。",
    choose_files: "选择文件…",
    load_sample: "加载示例数据",
    no_files: "尚未加载文件。",
    files_loaded: |n| format!("已加载 {n} 个文件"),
    col_file: "文件",
    col_size: "大小",
    col_kind: "识别类型",
    col_rows_read: "读取行数",
    col_accepted: "有效行",
    col_rejected: "拒绝行",
    col_actions: "操作",
    remove: "移除",
    cancel: "取消",
    cancelled: "已取消",
    cannot_read: "无法读取文件",
    reading: "正在读取",
    rows: "行",
    of: "/",
    problems: |n| format!("{n} 个问题"),
    zip_pack: |n| format!("ZIP 账单包（{n} 个文件）"),
    worker_failed: "读取文件的组件无法加载：页面是否已离线？文件仍在等待，加载成功后会在下次点击或拖放时读取。",
    tab_files: "文件",
    tab_overview: "概览",
    tab_costs: "费用",
    tab_packages: "资源包与抵扣",
    download_report: "下载报告 (JSON)",
    download_csv_zip: "报告表格 (CSV, ZIP)",
    download_focus: "FOCUS 1.0 数据 (CSV)",
    load_files_first: "请先加载账单文件（或示例数据）以查看分析结果。",
    real_total_cost: "优惠后总价",
    total_cost: "原价",
    cash: "现金账户支出",
    voucher: "代金券支出",
    incentive: "赠送账户支出",
    transfer: "分成金账户支出",
    cost_rows: |n, source| {
        let source = match source {
            "BillDetails" => "L3 明细账单",
            "BillResources" => "L2 资源账单",
            "CostDetails" => "消耗明细",
            "Mixed" => "各月已加载的最详细账单",
            other => other,
        };
        format!("合计自{source}的 {n} 行。")
    },
    top_products: "费用最高的产品",
    col_package_id: "资源包ID",
    col_package_name: "资源包名称",
    col_package_type: "资源包类型",
    col_deduction_time: "抵扣时间",
    col_remaining_before: "抵扣前包剩余量",
    col_deducted: "实际抵扣量",
    col_remaining_after: "抵扣后包剩余量",
    col_raw_usage: "被抵扣资源原始用量",
    dim_day: "日期",
    tag_label: |key| format!("标签键:{key}"),
    col_file_line: "文件:行",
    share: "占比",
    checks: "核对",
    deduction_findings: |breaks, mismatches| {
        format!("资源包抵扣：余量链断裂 {breaks} 处，抵扣系数不符 {mismatches} 处")
    },
    check_ok: |rows| format!("通过（{rows} 行）"),
    check_failed: |bad, rows| format!("{rows} 行中 {bad} 处不符"),
    check_rows_missing_values: |rows| format!("；{rows} 行缺少数值，未检查"),
    check_skipped: "未核对",
    diagnostic: zh_diagnostic,
    kind_label: zh_kind_label,
    check_description: |id| {
        Some(match id {
            "list_price" => "原价 = 刊例价 × 用量 × 时长（单位已换算）",
            "discount" => "优惠后总价 = (原价 − 预留实例抵扣原价) × 折扣率 − 节省计划抵扣金额",
            "payments" => "现金 + 代金券 + 赠送 + 分成 = 优惠后总价（有税额时加税额）",
            "usage_after_deduction" => "组件用量 = 原始用量 − 抵扣用量",
            "summary_vs_details" => "按产品等汇总的账单总额与占比 = 同月明细行",
            "deductions_vs_bill" => "按产品：Σ 被抵扣资源原始用量（抵扣明细）= Σ 抵扣用量（账单）",
            _ => return None,
        })
    },
    check_skip_reason: |reason| match reason {
        SkipReason::NoListPriceColumns => "没有同时含原价、刊例价和用量的行",
        SkipReason::NoDiscountColumns => "没有同时含原价、折扣率和优惠后总价的行",
        SkipReason::NoPaymentColumns => "没有同时含优惠后总价和支出列的行",
        SkipReason::NoUsageColumns => "没有同时含组件用量、原始用量和抵扣用量的行",
        SkipReason::NoBillDetails => "没有可与汇总数据对照的账单明细行",
        SkipReason::NoSummaryResponse => "未加载账单汇总数据",
        SkipReason::NoDeductionRows => "未加载资源包抵扣明细",
        SkipReason::NoDeductedUsageColumn => "账单没有抵扣用量列",
        SkipReason::NothingToCompare => "没有可对照的数据",
    },
    finding_says: |code| match code {
        FindingCode::ListPriceDiffers => "原价与 刊例价 × 用量 × 时长 不符".to_owned(),
        FindingCode::DiscountDiffers => "优惠后总价与 原价 × 折扣率（扣除预留实例/节省计划抵扣）不符".to_owned(),
        FindingCode::PaymentsDoNotAddUp => "各账户支出之和与应付金额不符".to_owned(),
        FindingCode::UsageDiffers => "组件用量与 原始用量 − 抵扣用量 不符".to_owned(),
        FindingCode::SummaryWithoutDetails { measure } => format!("{}没有对应的明细行", zh_column(measure)),
        FindingCode::SummaryDiffers { measure } => format!("{}与明细行不符", zh_column(measure)),
        FindingCode::DetailsWithoutSummary { measure } => format!("明细行的{}不在汇总的任何一行中", zh_column(measure)),
        FindingCode::RatioDiffers => "占比与明细行算出的占比不符".to_owned(),
        FindingCode::DeductedUsageDiffers => "账单的抵扣用量与资源包抵扣明细不符".to_owned(),
        FindingCode::DeductionWithoutDosage => "有抵扣明细行缺少原始用量或单位".to_owned(),
        FindingCode::NotExact => "数值过大或过小，无法精确计算".to_owned(),
        FindingCode::CannotConvert { from, to, .. } => format!("无法将 {from} 换算为 {to}"),
    },
    column: zh_column,
    all_checks_ok: "所有可执行的核对均已通过。",
    nothing_analysable: "没有可分析的数据：已加载的文件中没有账单、抵扣、资源包或用量行。",
    currency_periods: |currency, periods| format!("{currency}，账单月份 {periods}"),
    currency: "币种",
    duplicate_notice: |rows, file, first, differing| {
        let mut notice = format!("{file} 中的 {rows} 行已从 {first} 加载：只计一次（作为重复行跳过）。");
        if differing > 0 {
            notice += &format!("其中 {differing} 行的金额与保留的行不同：计入的是先加载的 {first}。");
        }
        notice
    },
    rounding_notice: |column, files| {
        format!(
            "{} 中“{}”列的数值相加超过精确小数可保存的 28 位有效数字：其合计的末几位小数可能经过舍入。",
            files.join("、"),
            zh_column(column)
        )
    },
    lower_detail_notice: |month, currency, read_from, most_detailed, files| {
        let month = month.map_or_else(|| "无账单月份的行".to_owned(), ToString::to_string);
        format!(
            "{month}（{currency}）的费用取自{}（{}）：已加载的{}不含该月，该月费用只有该账单的明细程度。",
            kind_name_zh(read_from),
            files.join("、"),
            kind_name_zh(most_detailed)
        )
    },
    mixed_detail_note: |kinds| {
        let kinds: Vec<&str> = kinds.iter().map(|kind| kind_name_zh(kind)).collect();
        format!(
            "这两个期间的费用取自明细程度不同的账单（{}）：仅按产品和资源比较，变化不拆分为用量和价格（计入“其他费用”）。",
            kinds.join("、")
        )
    },
    packages_running_out: "将在到期前用尽的资源包",
    projected_exhaustion: "预计用尽",
    group_by: "分组",
    then_by: "再按",
    nothing: "（无）",
    download_csv: "下载 CSV",
    no_bill_rows: "尚未加载账单或消耗明细。",
    groups_of_rows: |groups, rows| format!("{rows} 行，{groups} 组"),
    total: "合计",
    no_packages: "尚未加载资源包抵扣明细或资源包总览。",
    packages_caption: |packages, rows| format!("{packages} 个资源包，{rows} 行抵扣明细"),
    used: "已用",
    remaining: "剩余",
    utilisation: "使用率",
    daily_burn: "日均用量",
    expires: "到期时间",
    balance_breaks: "余量链断裂",
    none_found: "未发现。",
    row: "行",
    expected_before: "应为（上一行抵扣后包剩余量）",
    difference: "差额",
    coefficient_mismatches: "抵扣系数不符",
    exported_coefficient: "导出的抵扣系数",
    recomputed_coefficient: "重新计算",
    tab_usage: "用量",
    show_rows: "查看明细行：",
    rows_count: |n| format!("{n} 行"),
    rows_of: |group, n| format!("{group}：{n} 行账单明细"),
    close: "关闭",
    chart_caption: "各组优惠后总价 (RealTotalCost)",
    download_svg: "将图表保存为 SVG",
    chart_save_png: "保存为 PNG",
    chart_copy_png: "复制为 PNG",
    chart_copied: "已复制到剪贴板。",
    chart_saved_instead: "此处无法使用剪贴板，已改为保存 PNG 文件。",
    filters: "筛选",
    filter_by: "筛选",
    filter_value: "为",
    add_filter: "添加筛选",
    remove_filter: "移除筛选",
    choose: "（请选择）",
    trend_by: "趋势按",
    by_day: "日",
    by_month: "月",
    show_total_cost: "同时显示原价 (TotalCost)",
    trend_caption_day: "每日优惠后总价 (RealTotalCost)",
    trend_caption_month: "每月优惠后总价 (RealTotalCost)",
    share_caption: "优惠后总价 (RealTotalCost) 占比",
    others: |n| format!("其他 {n} 项"),
    no_usage: "尚未加载用量明细。",
    usage_source: "来源",
    usage_instance: "实例 / 域名",
    usage_metric: "指标",
    usage_points: "点数",
    usage_total: "合计",
    usage_peak: "峰值",
    usage_peak_at: "峰值时间",
    usage_p95: "95 计费值",
    usage_daily_peak_average: "日峰值平均",
    usage_note: "95 计费值：去掉所有有效天 5 分钟点中最高的 5% 后的最大值，与带宽计费方式一致。",
    fetch_title: "从 API 获取",
    fetch_hint: "经由保管 API 密钥的 tcbill-proxy 拉取若干月或若干天的账单数据（见 README）。每类数据每月在下表中为一项；用量每次拉取 7 天。",
    proxy_url: "代理地址",
    access_token: "访问令牌（代理要求时填写）",
    range_by: "范围",
    range_months: "按月",
    range_days: "按日",
    from: "从",
    to: "到",
    data_to_fetch: "数据",
    summary_by_product: "按产品汇总账单",
    summary_by_region: "按地域汇总账单",
    summary_by_pay_mode: "按计费模式汇总账单",
    summary_by_project: "按项目汇总账单",
    bill_details: "账单明细",
    cost_details: "消耗明细（消耗账单）",
    summary_by_tag: "按标签汇总账单",
    tag_key: "标签键",
    usage_by_date: "按日期的用量明细",
    product_code: "产品",
    domain: "域名（CDN；其他产品留空）",
    instance: "实例（EIP、CLB；可选）",
    fetch: "获取",
    download_fetched: "下载已获取的数据（JSON）",
    fetching: "正在获取",
    not_ready: "数据尚未就绪：腾讯云正在出账，请约 10 分钟后重试",
    api_error: |code, message, request_id| format!("API 错误 {code}：{message}（RequestId {request_id}）"),
    no_proxy: |url, command| format!("{url} 没有 tcbill-proxy 应答；请用 `{command}` 启动"),
    proxy_refused: |refusal| {
        let why = match refusal {
            ProxyRefusal::NotAUrl => "这不是网址（应写作 http://127.0.0.1:8787）".to_owned(),
            ProxyRefusal::Scheme(scheme) => format!("协议是 {scheme}:，不是 http: 或 https:"),
            ProxyRefusal::UserInfo => "主机名前带有用户名或密码".to_owned(),
            ProxyRefusal::NotLocal(host) => format!("{host} 既不是本机（127.0.0.1、[::1]、localhost）也不是本页面的地址"),
        };
        format!("拒绝向此代理地址发送访问令牌和请求：{why}。未发送任何内容。")
    },
    not_proxy: "代理的应答不是 tcbill-proxy 的应答",
    crashed: |message| format!("tcbill 处理此文件时中止：{message}；其他文件已保留"),
    burn_down: "余量走势",
    burn_down_caption: |package, unit| format!("{package}：抵扣后包剩余量{unit}"),
    capacity: "总量",
    deduction_rows: "抵扣明细",
    deduction_rows_caption: |n| format!("{n} 行抵扣明细"),
    show: "显示",
    filter_all: "全部行",
    filter_mismatches: "仅抵扣系数不符",
    filter_breaks: "仅余量链断裂",
    package: "资源包",
    all_packages: "全部资源包",
    finding: "发现",
    finding_chain: |expected, difference| format!("余量链断裂：上一行抵扣后包剩余量为 {expected}（差额 {difference}）"),
    finding_row: |expected, difference| format!("抵扣前 − 实际 = {expected}，与抵扣后不符（差额 {difference}）"),
    finding_mismatch: |m| match m.excess.strip_prefix('-') {
        Some(short) => format!("少抵扣 {short} {}（应为 {} × {} = {}）", m.unit, m.converted, m.coefficient, m.expected),
        None => format!("多抵扣 {} {}（应为 {} × {} = {}）", m.excess, m.unit, m.converted, m.coefficient, m.expected),
    },
    usage_series: "序列",
    usage_bandwidth: "同时将流量换算为带宽 (Mbps)",
    usage_drawn: |drawn, total| {
        format!("绘制 {total} 个点中的 {drawn} 个：点数超出图宽时，每一段保留其最低点和最高点，峰值总会画出。")
    },
    precision_label: "小数位",
    precision_exact: "全部（精确值）",
    findings_file: "文件",
    findings_row: "行号（与 Excel 一致）",
    findings_subject: "对象",
    findings_expected: "应为",
    findings_found: "实际",
    findings_show_rows: "查看这些行",
    findings_download: "下载这些行 (CSV)",
    findings_show_deductions: "在“资源包与抵扣”中查看",
    filter_any_finding: "有发现的行",
    findings_capped: |shown, total| format!("显示 {total} 行中的前 {shown} 行；CSV 包含全部。"),
    package_in_words: "说明",
    package_exhausted: |day| format!("已于 {day} 用尽"),
    package_expires_unused: |day, amount, unit| format!("{day} 到期，届时约 {amount} {unit} 未用"),
    package_runs_out: |day, expires| format!("预计 {day} 用尽，早于到期日 {expires}"),
    package_outside_rows: |overview, rows, gap, unit| {
        format!("总览显示已用 {overview} {unit}，已加载的抵扣明细为 {rows}：{gap} {unit} 的抵扣不在已加载的行中（更早的月份，或未导出）")
    },
    package_rows_without_used: |rows| format!("有 {rows} 行抵扣明细没有可读的实际抵扣量（为空，或单位与资源包单位不同）：未计入已用量"),
    usage_unit: "单位",
    usage_billable: |value, unit| format!("计费值：{value} {unit}（95 计费；最高 5% 的 5 分钟点不计费）"),
    usage_rate_not_summed: "速率值，相加没有意义",
    tab_compare: "对比",
    compare_title: "两个月之间的变化",
    compare_earlier: "较早月份",
    compare_later: "较晚月份",
    compare_needs_two_months: |months| format!("对比需要至少两个账单月份的账单；已加载的账单月份：{months}。"),
    part_label: |part| match part {
        "new_resources" => "新增资源",
        "removed_resources" => "移除资源",
        "usage" => "用量变化",
        "package_coverage" => "资源包抵扣变化",
        "price" => "单价或折扣变化",
        "savings_plan" => "节省计划",
        "reserved_instances" => "预留实例",
        "refunds_adjustments" => "退款与调账",
        "no_usage_or_price" => "其他费用（无用量或单价）",
        "rounding" => "舍入",
        _ => "其他",
    },
    compare_part: |amount, label| format!("{label} {amount}"),
    list_separator: "，",
    compare_summary: |change, a, parts| format!("较 {a} {change}：{parts}"),
    compare_no_change: |a| format!("与 {a} 相比没有变化"),
    compare_open: "查看变化明细",
    compare_totals: |a, total_a, b, total_b, rows_a, rows_b| {
        format!("{a}：{total_a}（{rows_a} 行）→ {b}：{total_b}（{rows_b} 行）")
    },
    waterfall_title: "优惠后总价 (RealTotalCost)：从较早月份到较晚月份的变化构成",
    col_part: "构成",
    col_amount: "金额",
    drivers_title: "变化最大的项目",
    drivers_by: "变化按",
    drivers_count: |shown, total| {
        if shown as u64 == total { format!("共 {total} 项变化") } else { format!("{total} 项变化中最大的 {shown} 项") }
    },
    col_status: "状态",
    col_change: "变化",
    col_parts: "构成",
    driver_status: |status| match status {
        "new" => "新增",
        "removed" => "移除",
        _ => "变化",
    },
    driver_rows_button: |a, b| format!("{a} + {b} 行"),
    driver_rows_caption: |driver, a, rows_a, b, rows_b| {
        format!("{driver}：{a} {rows_a} 行账单明细，{b} {rows_b} 行")
    },
    col_period: "月份",
    monthly_title: "月度趋势",
    monthly_by: "按",
    monthly_capped: |shown, total| format!("{total} 项中最大的 {shown} 项；可用筛选查看其他项。"),
    alerts_title: "告警",
    alerts_count: |n| format!("{n} 条告警"),
    no_alerts: "没有告警。",
    alert_kind: |kind| match kind {
        AlertKind::DailySpike => "单日费用突增",
        AlertKind::FirstAppearance => "首次出现",
        AlertKind::PayAsYouGoAfterPackage => "资源包结束后的按量计费",
        AlertKind::AllocationGap => "分摊缺口",
        AlertKind::SelfCheck => "账单自检未通过",
        AlertKind::DeductionCheck => "抵扣检查未通过",
        AlertKind::PackageWaste => "资源包容量将闲置",
        AlertKind::PackageRunsOutEarly => "资源包提前用尽",
        AlertKind::PackageWorthBuying => "值得购买资源包",
    },
    alert_dimension: |dimension| match dimension {
        AlertDimension::Product => "产品",
        AlertDimension::Resource => "资源",
        AlertDimension::Region => "地域",
        AlertDimension::InstanceType => "实例类型",
        AlertDimension::Package => "资源包",
        AlertDimension::Tag => "标签",
        AlertDimension::Check => "检查",
    },
    alert_deduction_check: |id| match id {
        "balance" => Some("资源包余额衔接（抵扣后包剩余量）"),
        "coefficient" => Some("抵扣系数 = 实际抵扣量 / 原始用量"),
        _ => None,
    },
    col_alert_kind: "类型",
    col_when: "时间",
    col_excess: "超出预期",
    col_quantity: "数量",
    alert_rows_caption: |what, shown, total| {
        if shown == total { format!("{what}：{total} 行") } else { format!("{what}：{total} 行中的前 {shown} 行") }
    },
};

/// A canonical column name in Chinese: the console's name where core's schema knows one.
fn zh_column(name: &str) -> &str {
    console_name(name).unwrap_or(name)
}

/// A diagnostic in Chinese: the place as in English (`文件:行`), then the sentence from its code;
/// the rarer problems have no code and keep core's English sentence.
fn zh_diagnostic(diagnostic: &Diagnostic) -> String {
    let mut place = diagnostic.file.clone();
    if let Some(line) = diagnostic.line {
        place.push_str(&format!(":{line}"));
    }
    if let Some(record) = &diagnostic.record {
        place.push_str(&format!(" {record}"));
    }
    if let Some(column) = &diagnostic.column {
        place.push_str(&format!(" 列 {column}"));
    }
    let said = match &diagnostic.says {
        None => return format!("{place}：{}", diagnostic.message),
        Some(code) => match code {
            DiagnosticCode::NotANumber { text } => format!("“{text}”不是数字"),
            DiagnosticCode::TooLarge { text } => format!("“{text}”过大，无法精确计算（tcbill 只接受小于 10^16 的数）"),
            DiagnosticCode::TooPrecise { text } => format!("“{text}”的位数超过 tcbill 能精确保存的 28 位有效数字"),
            DiagnosticCode::FieldCount { expected, found } => {
                format!("应有 {expected} 个字段，实有 {found} 个；该行未导入")
            }
            DiagnosticCode::BrokenQuote { rows } => format!("引号未正确闭合（或跨行错位），自此行起 {rows} 行未导入"),
            DiagnosticCode::TooLong { rows } => format!("单元格或行超出长度上限，自此行起 {rows} 行未导入"),
            DiagnosticCode::MixedEncodings => "文件混用了不同编码：自此行起按另一编码读取".to_owned(),
            DiagnosticCode::Undecodable => "单元格含有无法按文件编码解码的字节；该行未导入".to_owned(),
            DiagnosticCode::NulByte => "单元格含有 NUL 字节 (0x00)；该行未导入".to_owned(),
            DiagnosticCode::EmptyFile => "文件为空".to_owned(),
            DiagnosticCode::BlankFile => "文件只有空白".to_owned(),
            DiagnosticCode::NoRows => "文件没有任何行".to_owned(),
            DiagnosticCode::NoDataRows => "文件有表头行，但没有数据行".to_owned(),
            DiagnosticCode::UnknownKind => "不是可识别的账单导出文件：开头各行都不是已知类型的表头".to_owned(),
            DiagnosticCode::Binary => "二进制数据，不是 CSV、JSON、ZIP 或 XLSX 文件".to_owned(),
            DiagnosticCode::MoreProblems { count } => format!("另有 {count} 个问题未列出"),
            DiagnosticCode::FileTooLarge { mib } => {
                format!("ZIP、XLSX 和 JSON 文件需整体读取，此文件超过 {mib} MiB 上限；请拆分（或解压 ZIP）后分别拖入")
            }
            DiagnosticCode::ZipTooDeep { levels } => format!("ZIP 嵌套超过 {levels} 层，未解压"),
            DiagnosticCode::ZipBomb { ratio } => {
                format!("此 ZIP 成员解压后超过压缩大小的 {ratio} 倍（ZIP 炸弹的特征），未读取")
            }
            DiagnosticCode::ZipTooLarge { gib } => format!("已停止解压：此文件的成员解压后总计超过 {gib} GiB"),
            DiagnosticCode::TotalRow { label } => format!("“{label}”行是合计行，不是账单行：其金额是各行之和，未计入"),
            DiagnosticCode::PagesMissing { total, read } => format!(
                "API 响应共 {total} 条记录（Total），此文件只有 {read} 条：其余 {} 条未拉取，不在任何合计中；请拉取全部分页（API 的 Offset 和 Limit，本页的“从 API 获取”即如此）",
                total - read
            ),
            DiagnosticCode::SummaryTotalDiffers { field, total, rows } => format!(
                "SummaryTotal 的 {field} 为 {total}，而 SummaryOverview 各行之和为 {rows}：各行不是整月的全部（有行缺失或被改动）"
            ),
        },
    };
    format!("{place}：{said}")
}

/// A detected kind in Chinese: core's label less its English gloss (`资源包总览 (package
/// overview)` → `资源包总览`); the labels with no Chinese part are said here.
fn zh_kind_label(label: &str) -> String {
    match label {
        "ZIP bill pack" => "ZIP 账单包".to_owned(),
        "XLSX workbook" => "XLSX 工作簿".to_owned(),
        "unknown" => "未识别".to_owned(),
        "API error response" => "API 错误应答".to_owned(),
        "API response (other)" => "API 应答（其他）".to_owned(),
        _ => label.split_once(" (").map_or(label, |(name, _)| name).to_owned(),
    }
}

/// A bill kind (`BillDetails`, ...) as the English page names it.
fn kind_name_en(kind: &str) -> &str {
    match kind {
        "BillDetails" => "L3 bill",
        "BillResources" => "L2 resource bill",
        "CostDetails" => "cost details export (消耗明细)",
        other => other,
    }
}

/// A bill kind as the Chinese page names it.
fn kind_name_zh(kind: &str) -> &str {
    match kind {
        "BillDetails" => "L3 明细账单",
        "BillResources" => "L2 资源账单",
        "CostDetails" => "消耗明细",
        other => other,
    }
}
