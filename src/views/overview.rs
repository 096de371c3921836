//! Overview: per currency, the billing period's totals and payment split and the top products
//! (yuan and dollars are never added); files whose rows were loaded twice; every check that
//! failed, and packages that run out before they expire. With nothing analysable loaded it says
//! so rather than "passed".

use yew::prelude::*;

use crate::i18n::Lang;
use crate::money::Money;
use crate::report_view::{CheckView, CurrencyTotalView, ReportView};

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub report: ReportView,
}

#[component]
pub fn Overview(props: &OverviewProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
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
        html! {
            <section class="currency" data-currency={currency.currency.clone()}>
                <h3 class="period">{ (text.currency_periods)(&currency.currency, &currency.periods.join(", ")) }</h3>
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
                            <th scope="col">{ text.dim_product }</th>
                            <th scope="col" class="num">{ format!("RealTotalCost ({})", currency.currency) }</th>
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
                <li class={classes!(if deduction_findings == 0 { "ok" } else { "failed" })}>
                    { (text.deduction_findings)(report.deductions.balance_breaks.len(), report.deductions.coefficient_mismatches.len()) }
                </li>
                { for report.checks.iter().map(|check| html! {
                    <li class={classes!(check_class(check))} data-check={check.id.clone()}>
                        <span class="status">{ check_status(check, text) }</span>
                        { " " }{ &check.description }
                        if let Some(reason) = &check.skipped_reason { <span class="muted">{ format!(" ({reason})") }</span> }
                    </li>
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

fn check_status(check: &CheckView, text: &crate::i18n::Strings) -> String {
    match check.status.as_str() {
        "ok" => (text.check_ok)(check.rows_checked),
        "mismatches" => (text.check_failed)(check.mismatches.len(), check.rows_checked),
        _ => text.check_skipped.to_owned(),
    }
}
