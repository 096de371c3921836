//! Overview: per currency, the billing period's totals and payment split and the top products
//! (yuan and dollars are never added); files whose rows were loaded twice; every check that
//! failed, and packages that run out before they expire. With nothing analysable loaded it says
//! so rather than "passed".
//!
//! A failed check is not a dead end: it opens to its rows (file, the row number Excel shows,
//! expected, found, difference), downloads them as CSV, and the deduction findings link to the
//! Packages tab showing just those rows. Its rows (up to the worker's `LIST_LIMIT` per check) are
//! built only while it is open ([`OpenChecks`]), so a closed check costs the first render nothing.
//!
//! The alert list (up to a hundred alerts per kind and currency: most of the page's elements) is
//! drawn a screenful at a time: the first [`ALERT_ROWS_FIRST`] rows with the rest of the page, then
//! [`ALERT_ROWS_STEP`] more after each frame is painted, so the first render of a big bill's report
//! is not one long main-thread task (issue #12: no block > 50 ms). The page ends up the same.

use std::collections::BTreeSet;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use rust_decimal::Decimal;
use tcbill_core::analysis::alerts::{Alert, AlertKind, Alerts};
use tcbill_core::analysis::checks::CheckStatus;
use tcbill_core::analysis::deductions::{CoefficientCheck, DeductionFilter, FindingFilter};
use tcbill_core::analysis::RowRef;
use tcbill_core::report::{CheckDigest, CurrencyTotal};

use crate::page::i18n::{Lang, Strings};
use crate::page::money::{Money, Precision};
use crate::page::state::report_view::{cited, section, SharedReport};
use crate::page::views::amount;
use crate::page::views::compare::summary_sentence;
use crate::page::views::costs::DrillDown;
use crate::page::views::row_table::RowTable;

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub report: SharedReport,
    /// Download the rows behind a check (its id, or `deductions`) as CSV.
    pub on_download_findings: Callback<String>,
    /// Show these deduction rows in the Packages tab.
    pub on_show_deductions: Callback<DeductionFilter>,
    /// Show the Compare tab.
    pub on_open_compare: Callback<()>,
    /// The rows of the alert opened, if any.
    pub alert_rows: Option<DrillDown>,
    /// Open an alert's rows: its index in the report's list, the row table's caption.
    pub on_alert_rows: Callback<(usize, String)>,
    pub on_rows: Callback<std::ops::Range<u64>>,
    pub on_close_alert_rows: Callback<()>,
}

/// Alert rows drawn with the rest of a new report's Overview (more than a screen shows).
pub const ALERT_ROWS_FIRST: usize = 25;
/// Alert rows added after each painted frame until all are drawn.
pub const ALERT_ROWS_STEP: usize = 25;

/// The id the deduction findings go by, as a check: what their CSV download and their entry in
/// [`OpenChecks`] name them.
const DEDUCTIONS: &str = "deductions";

/// The ids of the failed checks whose `<details>` are open: only those have their rows built.
#[derive(Default)]
struct OpenChecks(BTreeSet<String>);

/// A failed check's `<details>` was opened or closed.
struct CheckToggled {
    id: String,
    open: bool,
}

impl Reducible for OpenChecks {
    type Action = CheckToggled;

    fn reduce(self: Rc<Self>, CheckToggled { id, open }: CheckToggled) -> Rc<Self> {
        if self.0.contains(&id) == open {
            // Setting `open` from this state toggles the element too: nothing to draw again.
            return self;
        }
        let mut ids = self.0.clone();
        if open {
            ids.insert(id);
        } else {
            ids.remove(&id);
        }
        Rc::new(OpenChecks(ids))
    }
}

/// A failed check: `summary`, opening to what `rows` builds, which is called only while open.
fn failed_check(
    id: &str,
    summary: Html,
    open_checks: &UseReducerHandle<OpenChecks>,
    rows: impl FnOnce() -> Html,
) -> Html {
    let open = open_checks.0.contains(id);
    let ontoggle = {
        let (open_checks, id) = (open_checks.dispatcher(), id.to_owned());
        Callback::from(move |event: Event| {
            let open = event.target_unchecked_into::<Element>().has_attribute("open");
            open_checks.dispatch(CheckToggled { id: id.clone(), open });
        })
    };
    html! {
        <details {open} {ontoggle}>
            <summary>{ summary }</summary>
            if open {
                { rows() }
            }
        </details>
    }
}

/// Calls `then` in a task of its own once the next frame has been painted: a
/// `requestAnimationFrame` callback runs just before the frame's style and layout, so it posts a
/// timeout, which runs after them. A hidden page paints no frames, so its rows wait until shown.
fn after_next_paint(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else { return then() };
    let timeout = Closure::once_into_js(then);
    let frame = Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(timeout.unchecked_ref());
        }
    });
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// One row behind a failed check, as the expanded check lists it.
struct FindingRow<'a> {
    row: Option<&'a RowRef>,
    subject: String,
    expected: Option<Decimal>,
    found: Option<Decimal>,
    difference: Option<Decimal>,
}

/// The rows of a failed check, the note when the page holds only the first of them, and the
/// CSV download of all of them.
fn finding_rows(
    rows: &[FindingRow<'_>],
    total: u64,
    check: &str,
    on_download: &Callback<String>,
    text: &Strings,
) -> Html {
    let download = {
        let (on_download, check) = (on_download.clone(), check.to_owned());
        Callback::from(move |_: MouseEvent| on_download.emit(check.clone()))
    };
    html! {
        <>
            <div class="scroll">
                <table class="data finding-rows">
                    <thead><tr>
                        <th scope="col">{ text.findings_file }</th>
                        <th scope="col" class="num">{ text.findings_row }</th>
                        <th scope="col">{ text.findings_subject }</th>
                        <th scope="col" class="num">{ text.findings_expected }</th>
                        <th scope="col" class="num">{ text.findings_found }</th>
                        <th scope="col" class="num">{ text.difference }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|row| html! {
                            <tr>
                                <td>{ row.row.map_or("—".to_owned(), |r| r.file.clone()) }</td>
                                <td class="num">{ row.row.map_or("—".to_owned(), RowRef::place) }</td>
                                <td>{ &row.subject }</td>
                                <td class="num">{ amount(row.expected) }</td>
                                <td class="num">{ amount(row.found) }</td>
                                <td class="num">{ amount(row.difference) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if (rows.len() as u64) < total {
                <p class="muted">{ (text.findings_capped)(rows.len(), total) }</p>
            }
            <button type="button" class="button secondary download-findings" onclick={download}>
                { text.findings_download }
            </button>
        </>
    }
}

#[component]
pub fn Overview(props: &OverviewProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let precision = use_context::<Precision>().unwrap_or_default();
    let report = &props.report;
    let open_checks = use_reducer(OpenChecks::default);
    // How many alert rows are drawn, for which report: a new report starts again from the first.
    let drawn = use_state(|| (report.clone(), ALERT_ROWS_FIRST));
    let alert_rows = if drawn.0 == *report { drawn.1 } else { ALERT_ROWS_FIRST };
    {
        let (drawn, listed) = (drawn.clone(), report.alerts.alerts.len());
        use_effect_with((report.clone(), alert_rows), move |(report, shown)| {
            let (report, shown) = (report.clone(), *shown);
            if shown < listed {
                after_next_paint(move || drawn.set((report, shown + ALERT_ROWS_STEP)));
            }
        });
    }
    if report.is_empty() {
        return html! {
            <section class="overview" aria-labelledby="overview-title">
                <h2 id="overview-title" class="visually-hidden">{ text.tab_overview }</h2>
                <p class="nothing-analysable" role="status">{ text.nothing_analysable }</p>
            </section>
        };
    }
    let deduction_findings = report.deductions.balance_breaks.len() + report.deductions.coefficient_mismatches.len();
    let deduction_rows = || {
        let rows: Vec<FindingRow<'_>> = report
            .deductions
            .balance_breaks
            .iter()
            .map(|b| FindingRow {
                row: Some(&b.row),
                subject: format!("{} · {}", b.package_id, text.col_remaining_before),
                expected: Some(b.expected),
                found: Some(b.found),
                difference: Some(b.difference),
            })
            .chain(report.deductions.coefficient_mismatches.iter().map(|m| {
                let expected = match m.coefficient_check {
                    CoefficientCheck::Mismatch { expected_actual_dosage, .. } => Some(expected_actual_dosage),
                    _ => None,
                };
                FindingRow {
                    row: Some(&m.source),
                    subject: format!("{} · {}", m.package_id, text.col_deducted),
                    expected,
                    found: m.actual_dosage,
                    difference: m.actual_dosage.zip(expected).and_then(|(found, expected)| found.checked_sub(expected)),
                }
            }))
            .collect();
        let show_deductions = {
            let on_show = props.on_show_deductions.clone();
            Callback::from(move |_: MouseEvent| {
                on_show.emit(DeductionFilter { findings: FindingFilter::AnyFinding, package_id: None })
            })
        };
        html! {
            <>
                { finding_rows(&rows, rows.len() as u64, DEDUCTIONS, &props.on_download_findings, text) }
                <button type="button" class="link-button show-findings" onclick={show_deductions}>
                    { text.findings_show_deductions }
                </button>
            </>
        }
    };
    let failed: Vec<&CheckDigest<'_>> =
        report.checks.iter().filter(|check| check.status == CheckStatus::Mismatches).collect();
    let running_out: Vec<_> =
        report.packages.iter().map(|p| &p.usage).filter(|p| p.exhausts_before_expiry == Some(true)).collect();
    let currency_section = |total: &CurrencyTotal| {
        let code = total.currency.to_string();
        let periods: Vec<String> = total.periods.iter().map(ToString::to_string).collect();
        let (row_count, total) = (total.row_count, &total.total);
        let cards = [
            ("RealTotalCost", text.real_total_cost, total.real_total_cost),
            ("TotalCost", text.total_cost, total.total_cost),
            ("CashPayAmount", text.cash, total.cash_pay_amount),
            ("VoucherPayAmount", text.voucher, total.voucher_pay_amount),
            ("IncentivePayAmount", text.incentive, total.incentive_pay_amount),
            ("TransferPayAmount", text.transfer, total.transfer_pay_amount),
        ];
        let by_product = report.by_product().and_then(|summary| section(summary, Some(&code)));
        // One line on what changed since the month before, linking to the Compare tab.
        let compared = report.comparison.as_ref().and_then(|comparison| {
            let section = comparison.currencies.iter().find(|section| section.currency.as_str() == code)?;
            let change = section.change()?;
            let sentence = summary_sentence(&comparison.a.to_string(), change, &code, precision, text);
            let open = props.on_open_compare.reform(|_: MouseEvent| ());
            Some(html! {
                <p class="compare-line">
                    <span class="compare-summary">{ sentence }</span>{ " " }
                    <button type="button" class="link-button open-compare" onclick={open}>{ text.compare_open }</button>
                </p>
            })
        });
        html! {
            <section class="currency" data-currency={code.clone()}>
                <h3 class="period">{ (text.currency_periods)(&code, &periods.join(", ")) }</h3>
                { compared.unwrap_or_default() }
                <dl class="cards">
                    { for cards.iter().map(|(id, label, value)| html! {
                        <div class="card" data-measure={*id}>
                            <dt>{ *label }<span class="api-name">{ format!("{id} · {code}") }</span></dt>
                            <dd class="num"><Money value={value.map(|value| value.to_string())} currency={code.clone()} /></dd>
                        </div>
                    }) }
                </dl>
                <p class="source">{ (text.cost_rows)(row_count as u64, if report.lower_detail.is_empty() { report.cost.source.as_deref().unwrap_or("—") } else { "Mixed" }) }</p>
                if let Some(by_product) = by_product.filter(|section| !section.groups.is_empty()) {
                    <h4>{ text.top_products }</h4>
                    <table class="data top-products">
                        <thead><tr>
                            <th scope="col">{ (text.column)("BusinessCodeName") }</th>
                            <th scope="col" class="num">{ format!("{} ({code})", (text.column)("RealTotalCost")) }</th>
                            <th scope="col" class="num">{ text.share }</th>
                        </tr></thead>
                        <tbody>
                            { for by_product.groups.iter().take(5).map(|group| html! {
                                <tr>
                                    <td>{ group.key.join(" / ") }</td>
                                    <td class="num"><Money value={group.amounts.real_total_cost.map(|cost| cost.to_string())} currency={code.clone()} /></td>
                                    <td class="num">{ group.real_total_cost_ratio.map(|r| format!("{r}%")).unwrap_or_default() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
        }
    };

    html! {
        <section class="overview" aria-labelledby="overview-title">
            <h2 id="overview-title" class="visually-hidden">{ text.tab_overview }</h2>
            { alerts_section(&report.alerts, alert_rows, props, text) }
            if !report.duplicates.is_empty() {
                <ul class="duplicates" role="status">
                    { for report.duplicates.iter().map(|d| html! {
                        <li class="warning">{ (text.duplicate_notice)(d.rows, &d.file, &d.first_loaded_from, d.differing) }</li>
                    }) }
                </ul>
            }
            if !report.rounding.is_empty() {
                <ul class="rounding" role="status">
                    { for report.rounding.iter().map(|r| html! {
                        <li class="warning">{ (text.rounding_notice)(&r.column, &r.files) }</li>
                    }) }
                </ul>
            }
            if !report.lower_detail.is_empty() {
                <ul class="lower-detail" role="status">
                    { for report.lower_detail.iter().map(|n| html! {
                        <li class="warning">{ (text.lower_detail_notice)(n.month.as_ref(), &n.currency.to_string(), &n.read_from, &n.most_detailed, &n.files) }</li>
                    }) }
                </ul>
            }
            { for report.cost.currencies.iter().map(currency_section) }

            <h3>{ text.checks }</h3>
            <ul class="checks">
                <li class={classes!(if deduction_findings == 0 { "ok" } else { "failed" })} data-check={DEDUCTIONS}>
                    if deduction_findings == 0 {
                        { (text.deduction_findings)(0, 0) }
                    } else {
                        { failed_check(
                            DEDUCTIONS,
                            html! { { (text.deduction_findings)(report.deductions.balance_breaks.len(), report.deductions.coefficient_mismatches.len()) } },
                            &open_checks,
                            deduction_rows,
                        ) }
                    }
                </li>
                { for report.checks.iter().map(|check| {
                    let heading = html! {
                        <>
                            <span class="status">{ check_status(check, text) }</span>
                            { " " }{ (text.check_description)(&check.id).unwrap_or(&check.description) }
                            if let Some(reason) = check.skipped.map(text.check_skip_reason).or(check.skipped_reason.as_deref()) {
                                <span class="muted">{ format!(" ({reason})") }</span>
                            }
                        </>
                    };
                    let rows = || {
                        let rows: Vec<FindingRow<'_>> = check
                            .mismatches
                            .iter()
                            .map(|f| FindingRow {
                                row: Option::as_ref(&f.row),
                                subject: format!("{} · {}", f.subject, (text.finding_says)(&f.says)),
                                expected: f.expected,
                                found: f.found,
                                difference: f.difference,
                            })
                            .collect();
                        finding_rows(&rows, check.mismatch_count as u64, &check.id, &props.on_download_findings, text)
                    };
                    html! {
                        <li class={classes!(check_class(check))} data-check={check.id.to_string()}>
                            if check.mismatches.is_empty() {
                                { heading }
                            } else {
                                { failed_check(&check.id, heading, &open_checks, rows) }
                            }
                        </li>
                    }
                }) }
            </ul>
            if failed.is_empty() && deduction_findings == 0 {
                <p class="ok">{ text.all_checks_ok }</p>
            }

            if !running_out.is_empty() {
                <h3>{ text.packages_running_out }</h3>
                <ul>
                    { for running_out.iter().map(|p| html! {
                        <li>{ format!("{} — {} {}", p.package_id, text.projected_exhaustion, p.projected_exhaustion.map_or_else(|| "—".to_owned(), |at| at.to_string())) }</li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// The alerts, first on the page: how many of each kind, then one row each (what, when, how much
/// against what was expected), each opening to the rows it cites; the first `drawn` rows so far.
fn alerts_section(alerts: &Alerts, drawn: usize, props: &OverviewProps, text: &Strings) -> Html {
    let fired: Vec<_> = alerts.counts.iter().filter(|count| count.count > 0).collect();
    let total = fired.iter().map(|count| count.count as u64).sum();
    let about = |alert: &Alert| {
        let subject = match alert.kind {
            AlertKind::SelfCheck => (text.check_description)(&alert.subject),
            AlertKind::DeductionCheck => (text.alert_deduction_check)(&alert.subject),
            _ => None,
        };
        format!("{} {}", (text.alert_dimension)(alert.dimension), subject.unwrap_or(&alert.subject))
    };
    let money = |alert: &Alert, value: Option<Decimal>| match (alert.currency, value) {
        (Some(currency), Some(value)) => html! { <Money value={value.to_string()} currency={currency.to_string()} /> },
        _ => html! { { "—" } },
    };
    html! {
        <section class="alerts" aria-labelledby="alerts-title">
            <h3 id="alerts-title">{ text.alerts_title }</h3>
            if fired.is_empty() {
                <p class="ok">{ text.no_alerts }</p>
            } else {
                <p class="alert-counts">
                    <strong>{ (text.alerts_count)(total) }</strong>{ ": " }
                    { for fired.iter().enumerate().map(|(i, count)| html! {
                        <span class="alert-count" data-kind={count.kind.as_str()}>
                            if i > 0 { { " · " } }
                            { format!("{} {}", (text.alert_kind)(count.kind), count.count) }
                        </span>
                    }) }
                </p>
                <div class="scroll">
                    <table class="data alert-list">
                        <thead><tr>
                            <th scope="col">{ text.col_alert_kind }</th>
                            <th scope="col">{ text.findings_subject }</th>
                            <th scope="col">{ text.col_when }</th>
                            <th scope="col" class="num">{ text.col_amount }</th>
                            <th scope="col" class="num">{ text.findings_expected }</th>
                            <th scope="col" class="num">{ text.col_excess }</th>
                            <th scope="col" class="num">{ text.col_quantity }</th>
                            <th scope="col"><span class="visually-hidden">{ text.col_actions }</span></th>
                        </tr></thead>
                        <tbody>
                            { for alerts.alerts.iter().take(drawn).enumerate().map(|(index, alert)| {
                                let label = format!("{} · {}", (text.alert_kind)(alert.kind), about(alert));
                                let cited = cited(alert) as u64;
                                let caption = (text.alert_rows_caption)(&label, cited, alert.row_count as u64);
                                let open = {
                                    let on_alert_rows = props.on_alert_rows.clone();
                                    Callback::from(move |_: MouseEvent| on_alert_rows.emit((index, caption.clone())))
                                };
                                let quantity = match (alert.quantity, &alert.unit) {
                                    (Some(quantity), Some(unit)) => format!("{quantity} {unit}"),
                                    (Some(quantity), None) => quantity.to_string(),
                                    _ => "—".to_owned(),
                                };
                                html! {
                                    <tr data-kind={alert.kind.as_str()}>
                                        <td>{ (text.alert_kind)(alert.kind) }</td>
                                        <td>{ about(alert) }</td>
                                        <td class="when">{ alert.period.map_or_else(|| "—".to_owned(), |period| period.to_string()) }</td>
                                        <td class="num">{ money(alert, alert.amount) }</td>
                                        <td class="num">{ money(alert, alert.expected) }</td>
                                        <td class="num">{ money(alert, alert.excess) }</td>
                                        <td class="num">{ quantity }</td>
                                        <td>
                                            if cited > 0 {
                                                <button type="button" class="link-button alert-rows-button" onclick={open}
                                                    aria-label={format!("{} {label}", text.show_rows)}>
                                                    { (text.rows_count)(alert.row_count as u64) }
                                                </button>
                                            }
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                if let Some(drill) = &props.alert_rows {
                    <div class="drill-down alert-rows">
                        <RowTable caption={drill.group.clone()}
                            columns={std::iter::once(text.col_file_line.to_owned()).chain(drill.columns.iter().map(|c| (text.column)(c).to_owned())).collect::<Vec<_>>()}
                            count={drill.count} window={drill.window.clone()} on_range={props.on_rows.clone()} />
                        <button type="button" class="link-button" onclick={props.on_close_alert_rows.reform(|_: MouseEvent| ())}>
                            { text.close }
                        </button>
                    </div>
                }
            }
        </section>
    }
}

fn check_class(check: &CheckDigest<'_>) -> &'static str {
    match check.status {
        CheckStatus::Ok => "ok",
        CheckStatus::Mismatches => "failed",
        CheckStatus::Skipped => "skipped",
    }
}

fn check_status(check: &CheckDigest<'_>, text: &Strings) -> String {
    let status = match check.status {
        CheckStatus::Ok => (text.check_ok)(check.rows_checked as u64),
        CheckStatus::Mismatches => (text.check_failed)(check.mismatch_count, check.rows_checked as u64),
        CheckStatus::Skipped => text.check_skipped.to_owned(),
    };
    match check.rows_missing_values {
        0 => status,
        rows => status + &(text.check_rows_missing_values)(rows),
    }
}
