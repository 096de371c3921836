//! Overview: per currency, the billing period's totals and payment split and the top products
//! (yuan and dollars are never added); files whose rows were loaded twice; every check that
//! failed, and packages that run out before they expire. With nothing analysable loaded it says
//! so rather than "passed".
//!
//! A failed check is not a dead end: it opens to its rows (file, the row number Excel shows,
//! expected, found, difference), downloads them as CSV, and the deduction findings link to the
//! Packages tab showing just those rows.

use yew::prelude::*;

use rust_decimal::Decimal;
use tcbill_core::analysis::deductions::{DeductionFilter, FindingFilter};

use crate::i18n::{Lang, Strings};
use crate::money::{Money, Precision};
use crate::report_view::{CheckView, CurrencyTotalView, ReportView, SourceRow};
use crate::views::amount;
use crate::views::compare::summary_sentence;

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub report: ReportView,
    /// Download the rows behind a check (its id, or `deductions`) as CSV.
    pub on_download_findings: Callback<String>,
    /// Show these deduction rows in the Packages tab.
    pub on_show_deductions: Callback<DeductionFilter>,
    /// Show the Compare tab.
    pub on_open_compare: Callback<()>,
}

/// One row behind a failed check, as the expanded check lists it.
struct FindingRow<'a> {
    row: Option<&'a SourceRow>,
    subject: String,
    expected: Option<String>,
    found: Option<String>,
    difference: Option<String>,
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
                                <td class="num">{ row.row.map_or("—".to_owned(), SourceRow::place) }</td>
                                <td>{ &row.subject }</td>
                                <td class="num">{ amount(&row.expected) }</td>
                                <td class="num">{ amount(&row.found) }</td>
                                <td class="num">{ amount(&row.difference) }</td>
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
    if report.is_empty() {
        return html! {
            <section class="overview" aria-labelledby="overview-title">
                <h2 id="overview-title" class="visually-hidden">{ text.tab_overview }</h2>
                <p class="nothing-analysable" role="status">{ text.nothing_analysable }</p>
            </section>
        };
    }
    let deduction_findings = report.deductions.balance_breaks.len() + report.deductions.coefficient_mismatches.len();
    let deduction_rows: Vec<FindingRow<'_>> = report
        .deductions
        .balance_breaks
        .iter()
        .map(|b| FindingRow {
            row: Some(&b.row),
            subject: format!("{} · {}", b.package_id, text.col_remaining_before),
            expected: b.expected.clone(),
            found: b.found.clone(),
            difference: b.difference.clone(),
        })
        .chain(report.deductions.coefficient_mismatches.iter().map(|m| {
            let expected = m.coefficient_check.expected_actual_dosage.clone();
            let difference = match (&m.actual_dosage, &expected) {
                (Some(found), Some(expected)) => match (found.parse::<Decimal>(), expected.parse::<Decimal>()) {
                    (Ok(found), Ok(expected)) => Some((found - expected).to_string()),
                    _ => None,
                },
                _ => None,
            };
            FindingRow {
                row: Some(&m.source),
                subject: format!("{} · {}", m.package_id.as_deref().unwrap_or("—"), text.col_deducted),
                expected,
                found: m.actual_dosage.clone(),
                difference,
            }
        }))
        .collect();
    let show_deductions = {
        let on_show = props.on_show_deductions.clone();
        Callback::from(move |_: MouseEvent| {
            on_show.emit(DeductionFilter { findings: FindingFilter::AnyFinding, package_id: None })
        })
    };
    let failed: Vec<&CheckView> = report.checks.iter().filter(|c| c.status == "mismatches").collect();
    let running_out: Vec<_> = report.packages.iter().filter(|p| p.exhausts_before_expiry == Some(true)).collect();
    let currency_section = |currency: &CurrencyTotalView| {
        let total = &currency.total;
        let cards = [
            ("RealTotalCost", text.real_total_cost, &total.real_total_cost),
            ("TotalCost", text.total_cost, &total.total_cost),
            ("CashPayAmount", text.cash, &total.cash_pay_amount),
            ("VoucherPayAmount", text.voucher, &total.voucher_pay_amount),
            ("IncentivePayAmount", text.incentive, &total.incentive_pay_amount),
            ("TransferPayAmount", text.transfer, &total.transfer_pay_amount),
        ];
        let by_product = report.by_product().map(|summary| summary.section(Some(&currency.currency)));
        // One line on what changed since the month before, linking to the Compare tab.
        let compared = report.comparison.as_ref().and_then(|comparison| {
            let section = comparison.currencies.iter().find(|section| section.currency == currency.currency)?;
            let change = section.real_total_cost.as_ref().or(section.total_cost.as_ref())?;
            let sentence = summary_sentence(&comparison.a, change, &currency.currency, precision, text);
            let open = props.on_open_compare.reform(|_: MouseEvent| ());
            Some(html! {
                <p class="compare-line">
                    <span class="compare-summary">{ sentence }</span>{ " " }
                    <button type="button" class="link-button open-compare" onclick={open}>{ text.compare_open }</button>
                </p>
            })
        });
        html! {
            <section class="currency" data-currency={currency.currency.clone()}>
                <h3 class="period">{ (text.currency_periods)(&currency.currency, &currency.periods.join(", ")) }</h3>
                { compared.unwrap_or_default() }
                <dl class="cards">
                    { for cards.iter().map(|(id, label, value)| html! {
                        <div class="card" data-measure={*id}>
                            <dt>{ *label }<span class="api-name">{ format!("{id} · {}", currency.currency) }</span></dt>
                            <dd class="num"><Money value={(*value).clone()} currency={currency.currency.clone()} /></dd>
                        </div>
                    }) }
                </dl>
                <p class="source">{ (text.cost_rows)(currency.row_count, report.cost.source.as_deref().unwrap_or("—")) }</p>
                if let Some(by_product) = by_product.filter(|section| !section.groups.is_empty()) {
                    <h4>{ text.top_products }</h4>
                    <table class="data top-products">
                        <thead><tr>
                            <th scope="col">{ (text.column)("BusinessCodeName") }</th>
                            <th scope="col" class="num">{ format!("{} ({})", (text.column)("RealTotalCost"), currency.currency) }</th>
                            <th scope="col" class="num">{ text.share }</th>
                        </tr></thead>
                        <tbody>
                            { for by_product.groups.iter().take(5).map(|group| html! {
                                <tr>
                                    <td>{ group.key.join(" / ") }</td>
                                    <td class="num"><Money value={group.amounts.real_total_cost.clone()} currency={currency.currency.clone()} /></td>
                                    <td class="num">{ group.ratio.as_deref().map(|r| format!("{r}%")).unwrap_or_default() }</td>
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
            if !report.duplicates.is_empty() {
                <ul class="duplicates" role="status">
                    { for report.duplicates.iter().map(|d| html! {
                        <li class="warning">{ (text.duplicate_notice)(d.rows, &d.file, &d.first_loaded_from) }</li>
                    }) }
                </ul>
            }
            { for report.cost.currencies.iter().map(currency_section) }

            <h3>{ text.checks }</h3>
            <ul class="checks">
                <li class={classes!(if deduction_findings == 0 { "ok" } else { "failed" })} data-check="deductions">
                    if deduction_findings == 0 {
                        { (text.deduction_findings)(0, 0) }
                    } else {
                        <details>
                            <summary>
                                { (text.deduction_findings)(report.deductions.balance_breaks.len(), report.deductions.coefficient_mismatches.len()) }
                            </summary>
                            { finding_rows(&deduction_rows, deduction_rows.len() as u64, "deductions", &props.on_download_findings, text) }
                            <button type="button" class="link-button show-findings" onclick={show_deductions}>
                                { text.findings_show_deductions }
                            </button>
                        </details>
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
                    let rows: Vec<FindingRow<'_>> = check
                        .mismatches
                        .iter()
                        .map(|f| FindingRow {
                            row: f.row.as_ref(),
                            subject: format!("{} · {}", f.subject, f.says.as_ref().map_or_else(|| f.detail.clone(), text.finding_says)),
                            expected: f.expected.clone(),
                            found: f.found.clone(),
                            difference: f.difference.clone(),
                        })
                        .collect();
                    let total = check.mismatch_count.unwrap_or(rows.len() as u64);
                    html! {
                        <li class={classes!(check_class(check))} data-check={check.id.clone()}>
                            if rows.is_empty() {
                                { heading }
                            } else {
                                <details>
                                    <summary>{ heading }</summary>
                                    { finding_rows(&rows, total, &check.id, &props.on_download_findings, text) }
                                </details>
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
                        <li>{ format!("{} — {} {}", p.package_id, text.projected_exhaustion, p.projected_exhaustion.as_deref().unwrap_or("—")) }</li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn check_class(check: &CheckView) -> &'static str {
    match check.status.as_str() {
        "ok" => "ok",
        "mismatches" => "failed",
        _ => "skipped",
    }
}

fn check_status(check: &CheckView, text: &Strings) -> String {
    match check.status.as_str() {
        "ok" => (text.check_ok)(check.rows_checked),
        "mismatches" => {
            let found = check.mismatch_count.unwrap_or(check.mismatches.len() as u64);
            (text.check_failed)(found as usize, check.rows_checked)
        }
        _ => text.check_skipped.to_owned(),
    }
}
