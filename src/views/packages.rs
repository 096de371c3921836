//! Packages & deductions: every resource package's use, burn rate and projected exhaustion, and
//! the deduction rows whose balance chain breaks or whose 抵扣系数 does not match.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::report_view::ReportView;
use crate::views::amount;

#[derive(Properties, PartialEq)]
pub struct PackagesProps {
    pub report: ReportView,
}

#[component]
pub fn Packages(props: &PackagesProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let report = &props.report;
    let deductions = &report.deductions;
    if report.packages.is_empty() && deductions.row_count == 0 {
        return html! { <p class="muted">{ text.no_packages }</p> };
    }
    html! {
        <section class="packages">
            <table class="data package-table">
                <caption>{ (text.packages_caption)(report.packages.len(), deductions.row_count) }</caption>
                <thead><tr>
                    <th scope="col">{ "资源包ID" }</th>
                    <th scope="col">{ "资源包名称" }</th>
                    <th scope="col">{ "资源包类型" }</th>
                    <th scope="col" class="num">{ text.used }</th>
                    <th scope="col" class="num">{ text.remaining }</th>
                    <th scope="col" class="num">{ text.total }</th>
                    <th scope="col" class="num">{ text.utilisation }</th>
                    <th scope="col" class="num">{ text.daily_burn }</th>
                    <th scope="col">{ text.projected_exhaustion }</th>
                    <th scope="col">{ text.expires }</th>
                </tr></thead>
                <tbody>
                    { for report.packages.iter().map(|p| html! {
                        <tr class={classes!((p.exhausts_before_expiry == Some(true)).then_some("warning"))}>
                            <td>{ &p.package_id }</td>
                            <td>{ p.package_name.as_deref().unwrap_or("—") }</td>
                            <td>{ p.package_type.as_deref().unwrap_or("—") }</td>
                            <td class="num">{ amount(&p.used) }{ unit(&p.unit) }</td>
                            <td class="num">{ amount(&p.remaining) }{ unit(&p.unit) }</td>
                            <td class="num">{ amount(&p.total) }{ unit(&p.unit) }</td>
                            <td class="num">{ p.utilisation_percent.as_deref().map(|u| format!("{u}%")).unwrap_or_else(|| "—".into()) }</td>
                            <td class="num">{ amount(&p.daily_burn_rate) }</td>
                            <td>{ p.projected_exhaustion.as_deref().unwrap_or("—") }</td>
                            <td>{ p.expires.as_deref().unwrap_or("—") }</td>
                        </tr>
                    }) }
                </tbody>
            </table>

            <h3>{ text.balance_breaks }</h3>
            if deductions.balance_breaks.is_empty() {
                <p class="ok">{ text.none_found }</p>
            } else {
                <table class="data breaks">
                    <thead><tr>
                        <th scope="col">{ "资源包ID" }</th>
                        <th scope="col">{ text.row }</th>
                        <th scope="col">{ "抵扣时间" }</th>
                        <th scope="col" class="num">{ text.expected_before }</th>
                        <th scope="col" class="num">{ "抵扣前包剩余量" }</th>
                        <th scope="col" class="num">{ text.difference }</th>
                    </tr></thead>
                    <tbody>
                        { for deductions.balance_breaks.iter().map(|b| html! {
                            <tr class="failed">
                                <td>{ &b.package_id }</td>
                                <td>{ format!("{}:{}", b.row.file, b.row.row) }</td>
                                <td>{ b.deduction_time.as_deref().unwrap_or("—") }</td>
                                <td class="num">{ amount(&b.expected) }</td>
                                <td class="num">{ amount(&b.found) }</td>
                                <td class="num">{ amount(&b.difference) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }

            <h3>{ text.coefficient_mismatches }</h3>
            if deductions.coefficient_mismatches.is_empty() {
                <p class="ok">{ text.none_found }</p>
            } else {
                <table class="data mismatches">
                    <thead><tr>
                        <th scope="col">{ "资源包ID" }</th>
                        <th scope="col">{ text.row }</th>
                        <th scope="col">{ "抵扣时间" }</th>
                        <th scope="col" class="num">{ "被抵扣资源原始用量" }</th>
                        <th scope="col" class="num">{ "实际抵扣量" }</th>
                        <th scope="col" class="num">{ text.exported_coefficient }</th>
                        <th scope="col" class="num">{ text.recomputed_coefficient }</th>
                    </tr></thead>
                    <tbody>
                        { for deductions.coefficient_mismatches.iter().map(|m| html! {
                            <tr class="failed">
                                <td>{ m.package_id.as_deref().unwrap_or("—") }</td>
                                <td>{ format!("{}:{}", m.source.file, m.source.row) }</td>
                                <td>{ m.deduction_time.as_deref().unwrap_or("—") }</td>
                                <td class="num">{ amount(&m.dosage) }{ unit(&m.dosage_unit) }</td>
                                <td class="num">{ amount(&m.actual_dosage) }{ unit(&m.package_unit) }</td>
                                <td class="num">{ amount(&m.exported_coefficient) }</td>
                                <td class="num">{ amount(&m.recomputed_coefficient) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn unit(unit: &Option<String>) -> Html {
    html! { <span class="unit">{ unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default() }</span> }
}
