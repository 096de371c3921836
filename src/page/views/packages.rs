//! Packages & deductions: every resource package's use, burn rate and projected exhaustion, its
//! balance over time, and the deduction rows whose balance chain breaks or whose 抵扣系数 does not
//! match. Deduction rows can number millions, so they stay in the worker: the table asks for a
//! selection (all, mismatches, breaks; one package) and then only for the rows in view.

use std::ops::Range;
use std::rc::Rc;

use plotters::style::RGBColor;
use tcbill_core::analysis::deductions::{DeductionFilter, FindingFilter};
use tcbill_core::report::PackageDigest;
use tcbill_core::BeijingTime;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::page::money::group_thousands;
use crate::page::state::report_view::{ReportDigest, SharedReport};
use crate::page::views::amount;
use crate::page::views::chart::Chart;
use crate::page::views::row_table::{RowTable, RowWindow};
use crate::page::views::time_chart::{position, seconds, time_chart_svg, Guide, TimeChart};
use crate::protocol::DeductionRowView;

/// The deduction table as the worker's answers build it up: a selection, then windows of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeductionTable {
    /// Counts selections, so the row table starts afresh (scrolled to the top) with each.
    pub generation: u64,
    /// Rows selected; `None` until the worker answers.
    pub count: Option<u64>,
    pub start: u64,
    pub rows: Vec<DeductionRowView>,
}

pub enum DeductionTableAction {
    Selected {
        count: u64,
    },
    Window {
        start: u64,
        rows: Vec<DeductionRowView>,
    },
    /// The report changed: the worker forgot its selection.
    Cleared,
}

impl Reducible for DeductionTable {
    type Action = DeductionTableAction;

    fn reduce(self: Rc<Self>, action: DeductionTableAction) -> Rc<Self> {
        let generation = self.generation + 1;
        Rc::new(match action {
            DeductionTableAction::Selected { count } => {
                DeductionTable { generation, count: Some(count), ..Default::default() }
            }
            DeductionTableAction::Window { start, rows } => DeductionTable { start, rows, ..(*self).clone() },
            DeductionTableAction::Cleared => DeductionTable { generation, ..Default::default() },
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct PackagesProps {
    pub report: SharedReport,
    pub table: Rc<DeductionTable>,
    /// Which deduction rows the table shows (the Overview's failed checks link here with one).
    pub filter: DeductionFilter,
    /// Show other deduction rows.
    pub on_filter: Callback<DeductionFilter>,
    pub on_rows: Callback<Range<u64>>,
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
                <caption>{ (text.packages_caption)(report.packages.len(), deductions.row_count as u64) }</caption>
                <thead><tr>
                    <th scope="col">{ text.col_package_id }</th>
                    <th scope="col">{ text.col_package_name }</th>
                    <th scope="col">{ text.col_package_type }</th>
                    <th scope="col" class="num">{ text.used }</th>
                    <th scope="col" class="num">{ text.remaining }</th>
                    <th scope="col" class="num">{ text.total }</th>
                    <th scope="col" class="num">{ text.utilisation }</th>
                    <th scope="col" class="num">{ text.daily_burn }</th>
                    <th scope="col">{ text.projected_exhaustion }</th>
                    <th scope="col">{ text.expires }</th>
                </tr></thead>
                <tbody>
                    { for report.packages.iter().map(|p| &p.usage).map(|p| html! {
                        <tr class={classes!((p.exhausts_before_expiry == Some(true)).then_some("warning"))}>
                            <td>{ &p.package_id }</td>
                            <td>{ p.package_name.as_deref().unwrap_or("—") }</td>
                            <td>{ p.package_type.as_deref().unwrap_or("—") }</td>
                            <td class="num">{ amount(Some(p.used)) }{ unit(&p.unit) }</td>
                            <td class="num">{ amount(p.remaining) }{ unit(&p.unit) }</td>
                            <td class="num">{ amount(p.total) }{ unit(&p.unit) }</td>
                            <td class="num">{ p.utilisation_percent.map(|u| format!("{u}%")).unwrap_or_else(|| "—".into()) }</td>
                            <td class="num">{ amount(p.daily_burn_rate) }</td>
                            <td>{ time(p.projected_exhaustion) }</td>
                            <td>{ time(p.expires) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>

            // Below the table, not in a column of it: sentences need width the figures already take.
            <ul class="packages-in-words" aria-label={text.package_in_words}>
                { for report.packages.iter().map(|p| (&p.usage, package_in_words(p, text))).filter(|(_, words)| !words.is_empty()).map(|(p, words)| html! {
                    <li data-package={p.package_id.clone()}><strong>{ &p.package_id }</strong>{ ": " }{ words }</li>
                }) }
            </ul>

            <h3>{ text.burn_down }</h3>
            <div class="burn-downs">
                { for report.packages.iter().filter(|p| !p.burn_down.is_empty()).map(|p| burn_down_chart(p, text)) }
            </div>

            <h3>{ text.balance_breaks }</h3>
            if deductions.balance_breaks.is_empty() {
                <p class="ok">{ text.none_found }</p>
            } else {
                <table class="data breaks">
                    <thead><tr>
                        <th scope="col">{ text.col_package_id }</th>
                        <th scope="col">{ text.row }</th>
                        <th scope="col">{ text.col_deduction_time }</th>
                        <th scope="col" class="num">{ text.expected_before }</th>
                        <th scope="col" class="num">{ text.col_remaining_before }</th>
                        <th scope="col" class="num">{ text.difference }</th>
                    </tr></thead>
                    <tbody>
                        { for deductions.balance_breaks.iter().map(|b| html! {
                            <tr class="failed">
                                <td>{ &b.package_id }</td>
                                <td>{ b.row.to_string() }</td>
                                <td>{ time(b.deduction_time) }</td>
                                <td class="num">{ amount(Some(b.expected)) }</td>
                                <td class="num">{ amount(Some(b.found)) }</td>
                                <td class="num">{ amount(Some(b.difference)) }</td>
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
                        <th scope="col">{ text.col_package_id }</th>
                        <th scope="col">{ text.row }</th>
                        <th scope="col">{ text.col_deduction_time }</th>
                        <th scope="col" class="num">{ text.col_raw_usage }</th>
                        <th scope="col" class="num">{ text.col_deducted }</th>
                        <th scope="col" class="num">{ text.exported_coefficient }</th>
                        <th scope="col" class="num">{ text.recomputed_coefficient }</th>
                    </tr></thead>
                    <tbody>
                        { for deductions.coefficient_mismatches.iter().map(|m| html! {
                            <tr class="failed">
                                <td>{ &m.package_id }</td>
                                <td>{ m.source.to_string() }</td>
                                <td>{ time(m.deduction_time) }</td>
                                <td class="num">{ amount(m.dosage) }{ unit(&m.dosage_unit) }</td>
                                <td class="num">{ amount(m.actual_dosage) }{ unit(&m.package_unit) }</td>
                                <td class="num">{ amount(m.exported_coefficient) }</td>
                                <td class="num">{ amount(m.recomputed_coefficient) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }

            <h3>{ text.deduction_rows }</h3>
            { deduction_table(report, &props.filter, &props.on_filter, &props.table, &props.on_rows, text) }
        </section>
    }
}

/// The package's state as sentences: when it ran out, or runs out before it expires, or how much
/// it will leave unused; use the overview counts that the loaded deduction rows do not show; and
/// deduction rows whose use could not be read.
fn package_in_words(package: &PackageDigest<'_>, text: &Strings) -> String {
    let package = &package.usage;
    let unit = package.unit.as_deref().unwrap_or_default();
    let day = |time: BeijingTime| {
        let (year, month, day, ..) = time.beijing_fields();
        format!("{year:04}-{month:02}-{day:02}")
    };
    let mut sentences = Vec::new();
    if let Some(on) = package.exhausted_on {
        sentences.push((text.package_exhausted)(&day(on)));
    } else if let (Some(true), Some(at), Some(expires)) =
        (package.exhausts_before_expiry, package.projected_exhaustion, package.expires)
    {
        sentences.push((text.package_runs_out)(&day(at), &day(expires)));
    } else if let (Some(unused), Some(expires)) = (package.unused_at_expiry, package.expires) {
        sentences.push((text.package_expires_unused)(&day(expires), &group_thousands(&unused.to_string()), unit));
    }
    if let (Some(gap), Some(total), Some(remaining)) =
        (package.used_outside_deduction_rows, package.total, package.remaining)
    {
        let overview_used = total.checked_sub(remaining).map_or_else(|| "—".to_owned(), |used| used.to_string());
        let (used, gap) = (package.used.to_string(), gap.to_string());
        sentences.push((text.package_outside_rows)(&overview_used, &used, &gap, unit));
    }
    if package.rows_without_used > 0 {
        sentences.push((text.package_rows_without_used)(package.rows_without_used));
    }
    sentences.join("; ")
}

/// The package's 抵扣后包剩余量 after each deduction, with its capacity, the projection of the
/// current burn rate to exhaustion and the expiry date where they are known.
fn burn_down_chart(digest: &PackageDigest<'_>, text: &Strings) -> Html {
    let points: Vec<(f64, f64)> =
        digest.burn_down.iter().filter_map(|&(time, value)| Some((seconds(time), position(value)?))).collect();
    let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
        return Html::default();
    };
    let package = &digest.usage;
    let unit = package.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    let expiry = package.expires.map(seconds);
    let exhaustion = package.projected_exhaustion.map(seconds);
    // Up to expiry when known (will the package last?); else to the projected exhaustion, but not
    // so far that the deductions shrink to a sliver.
    let horizon = (last.0 + (3.0 * (last.0 - first.0)).max(30.0 * 86_400.0)).min(exhaustion.unwrap_or(last.0));
    let x_end = expiry.unwrap_or(horizon).max(last.0);
    let mut guides = Vec::new();
    if let Some(total) = package.total {
        if let Some(y) = position(total) {
            guides.push(Guide {
                from: (first.0, y),
                to: (x_end, y),
                color: RGBColor(110, 110, 110),
                dashed: false,
                label: format!("{} {total}{unit}", text.capacity),
                label_below: false,
            });
        }
    }
    if let (Some(at), Some(when)) = (exhaustion, package.projected_exhaustion) {
        guides.push(Guide {
            from: last,
            to: (at, 0.0),
            color: RGBColor(213, 73, 65),
            dashed: true,
            label: format!("{} {when}", text.projected_exhaustion),
            label_below: true,
        });
    }
    if let (Some(at), Some(when)) = (expiry, package.expires) {
        let top = package.total.and_then(position).unwrap_or(first.1);
        guides.push(Guide {
            from: (at, top),
            to: (at, 0.0),
            color: RGBColor(227, 115, 24),
            dashed: true,
            label: format!("{} {when}", text.expires),
            label_below: false,
        });
    }
    let caption = (text.burn_down_caption)(&package.package_id, &unit);
    let svg = time_chart_svg(&TimeChart {
        caption: &caption,
        points: &points,
        dots: true,
        guides: &guides,
        x_end: Some(x_end),
    });
    html! {
        <div class="burn-down" data-package={package.package_id.clone()}>
            <Chart svg={svg} name={format!("tcbill-burn-down-{}", package.package_id)} download_label={text.download_svg} />
        </div>
    }
}

/// Every deduction row (or the mismatches, or the breaks; of all packages or one), virtualised.
fn deduction_table(
    report: &ReportDigest,
    filter: &DeductionFilter,
    on_filter: &Callback<DeductionFilter>,
    table: &DeductionTable,
    on_rows: &Callback<Range<u64>>,
    text: &'static Strings,
) -> Html {
    let on_findings = {
        let (filter, on_filter) = (filter.clone(), on_filter.clone());
        Callback::from(move |event: Event| {
            let findings = match event.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                "mismatches" => FindingFilter::CoefficientMismatches,
                "breaks" => FindingFilter::BalanceBreaks,
                "findings" => FindingFilter::AnyFinding,
                _ => FindingFilter::All,
            };
            on_filter.emit(DeductionFilter { findings, ..filter.clone() });
        })
    };
    let on_package = {
        let (filter, on_filter) = (filter.clone(), on_filter.clone());
        Callback::from(move |event: Event| {
            let package = event.target_unchecked_into::<HtmlSelectElement>().value();
            let package_id = (!package.is_empty()).then_some(package);
            on_filter.emit(DeductionFilter { package_id, ..filter.clone() });
        })
    };
    let findings = [
        ("all", FindingFilter::All, text.filter_all),
        ("mismatches", FindingFilter::CoefficientMismatches, text.filter_mismatches),
        ("breaks", FindingFilter::BalanceBreaks, text.filter_breaks),
        ("findings", FindingFilter::AnyFinding, text.filter_any_finding),
    ];
    let columns: Vec<String> = [
        text.row,
        text.col_package_id,
        text.col_deduction_time,
        text.col_remaining_before,
        text.col_deducted,
        text.col_remaining_after,
        text.col_raw_usage,
        text.exported_coefficient,
        text.recomputed_coefficient,
        text.finding,
    ]
    .iter()
    .map(|label| label.to_string())
    .collect();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let findings: Vec<String> = row
                .breaks
                .iter()
                .map(|b| (if b.chain { text.finding_chain } else { text.finding_row })(&b.expected, &b.difference))
                .chain(row.mismatch.as_ref().map(text.finding_mismatch))
                .collect();
            row.cells.iter().cloned().chain(std::iter::once(findings.join("; "))).collect()
        })
        .collect();
    let row_classes: Vec<Classes> = table
        .rows
        .iter()
        .map(|row| {
            classes!((!row.breaks.is_empty()).then_some("balance-break"), row.mismatch.is_some().then_some("mismatch"))
        })
        .collect();
    html! {
        <div class="deduction-table">
            <div class="controls">
                <label>
                    { text.show }{ " " }
                    <select name="deduction-findings" onchange={on_findings}>
                        { for findings.iter().map(|(value, findings, label)| html! {
                            <option value={*value} selected={filter.findings == *findings}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label>
                    { text.package }{ " " }
                    <select name="deduction-package" onchange={on_package}>
                        <option value="" selected={filter.package_id.is_none()}>{ text.all_packages }</option>
                        { for report.packages.iter().map(|p| &p.usage).map(|p| html! {
                            <option value={p.package_id.clone()} selected={filter.package_id.as_deref() == Some(p.package_id.as_str())}>
                                { &p.package_id }
                            </option>
                        }) }
                    </select>
                </label>
            </div>
            if let Some(count) = table.count {
                <RowTable key={table.generation.to_string()} caption={(text.deduction_rows_caption)(count)} {columns} {count}
                    window={RowWindow { start: table.start, rows }} on_range={on_rows.clone()} {row_classes} />
            }
        </div>
    }
}

/// A time as the report writes it (Beijing), or `—`.
fn time(time: Option<BeijingTime>) -> String {
    time.map_or_else(|| "—".to_owned(), |time| time.to_string())
}

fn unit(unit: &Option<String>) -> Html {
    html! { <span class="unit">{ unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default() }</span> }
}
