//! Compare: what changed between two billing months and why, to the cent. The worker compares
//! (core's `analysis::compare`, over the rows the cost filters let through); this tab shows, per
//! currency, the two months and their totals, a waterfall from the earlier total to the later one
//! through each part of the change (the amounts are the exact text; the bars only illustrate), the
//! largest changes by product, component or resource with the rows behind each in both months, and
//! the monthly trend of every loaded month by any dimension.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;
use tcbill_core::analysis::compare::{Change, Comparison, CurrencyComparison, Driver, Level};
use tcbill_core::analysis::cost::{Dimension, Group, Summary};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::page::money::{format_change, Money, Precision};
use crate::page::state::report_view::{comparison_section, judged_cost, section};
use crate::page::views::chart::{line_chart_svg, Chart, Line};
use crate::page::views::costs::{CurrencyChoice, OpenRows};
use crate::page::views::filters::{dimension_options, option_label, selected_dimension, FilterPanel, FilterPanelProps};
use crate::page::views::row_table::RowTable;

/// The parts a waterfall always shows, even at zero: the questions a reader brings. The other
/// parts show when they moved.
const MAIN_PARTS: [&str; 5] = ["new_resources", "removed_resources", "usage", "price", "package_coverage"];

/// One bar of the waterfall: a period's total (from zero) or a part (from the running total).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// A part's name in the report, or `None` for a period's total.
    pub part: Option<&'static str>,
    /// The exact amount: the total, or the part.
    pub amount: Decimal,
    pub from: Decimal,
    pub to: Decimal,
}

/// The waterfall of a change: the earlier total, each part shown ([`MAIN_PARTS`] and those that
/// moved) from the running total, then the later total. The parts add up exactly to the change,
/// so the last part ends where the later total does.
pub fn waterfall(change: &Change) -> Vec<Step> {
    let mut steps = vec![Step { part: None, amount: change.a, from: Decimal::ZERO, to: change.a }];
    let mut running = change.a;
    for (part, amount) in change.parts.named() {
        if amount.is_zero() && !MAIN_PARTS.contains(&part) {
            continue;
        }
        steps.push(Step { part: Some(part), amount, from: running, to: running + amount });
        running += amount;
    }
    steps.push(Step { part: None, amount: change.b, from: Decimal::ZERO, to: change.b });
    steps
}

/// The parts of `change` that are not zero, in the report's order.
fn moved(change: &Change) -> impl Iterator<Item = (&'static str, Decimal)> {
    change.parts.named().into_iter().filter(|(_, amount)| !amount.is_zero())
}

/// Where a step's bar sits in its track, as percentages (left, width) of the span from the lowest
/// to the highest value the waterfall reaches (zero included). Only for drawing.
pub fn bar_position(step: &Step, steps: &[Step]) -> (f64, f64) {
    let ends = steps.iter().flat_map(|step| [step.from, step.to]);
    let low = ends.clone().fold(Decimal::ZERO, Decimal::min);
    let high = ends.fold(Decimal::ZERO, Decimal::max);
    let span = high - low;
    if span.is_zero() {
        return (0.0, 0.0);
    }
    let percent = |value: Decimal| -> f64 {
        ((value - low) * Decimal::ONE_HUNDRED / span).round_dp(3).to_string().parse().unwrap_or(0.0)
    };
    let (start, end) = (step.from.min(step.to), step.from.max(step.to));
    (percent(start), percent(end) - percent(start))
}

/// The Overview's sentence for one currency: `+¥174.50 vs 2025-09: +¥30.00 new resources, …`
/// (the parts that moved, in the report's order, less those too small to show at the page's
/// decimals: the Compare tab lists every one).
pub fn summary_sentence(a: &str, change: &Change, currency: &str, precision: Precision, text: &Strings) -> String {
    let shows_digits = |shown: &String| shown.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let parts: Vec<String> = moved(change)
        .map(|(part, amount)| (part, format_change(&amount.to_string(), currency, precision)))
        .filter(|(_, shown)| shows_digits(shown))
        .map(|(part, shown)| (text.compare_part)(&shown, (text.part_label)(part)))
        .collect();
    if parts.is_empty() {
        return (text.compare_no_change)(a);
    }
    (text.compare_summary)(
        &format_change(&change.change.to_string(), currency, precision),
        a,
        &parts.join(text.list_separator),
    )
}

/// A sortable column of the drivers table.
#[derive(Clone, Copy, PartialEq)]
enum SortColumn {
    Product,
    Component,
    Resource,
    Status,
    A,
    B,
    Change,
}

fn compare_drivers(column: SortColumn, x: &Driver, y: &Driver) -> Ordering {
    // Exact decimals order by value; a driver without the measure sorts first.
    let amount = |driver: &Driver, get: fn(&Change) -> Decimal| driver.change().map(get);
    match column {
        SortColumn::Product => x.product.cmp(&y.product),
        SortColumn::Component => x.component.cmp(&y.component),
        SortColumn::Resource => x.resource.cmp(&y.resource),
        SortColumn::Status => x.status.as_str().cmp(y.status.as_str()),
        SortColumn::A => amount(x, |c| c.a).cmp(&amount(y, |c| c.a)),
        SortColumn::B => amount(x, |c| c.b).cmp(&amount(y, |c| c.b)),
        SortColumn::Change => amount(x, |c| c.change).cmp(&amount(y, |c| c.change)),
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// Every billing month of the loaded cost rows, oldest first.
    pub months: Vec<String>,
    /// The worker's comparison under the filters, with the level its drivers are rolled up to
    /// (`level` once it has answered); `None` until it answers or with fewer than two months.
    pub comparison: Option<(Level, Comparison)>,
    /// Compare these months (earlier, later) from now on.
    pub on_periods: Callback<(String, String)>,
    pub level: Level,
    pub on_level: Callback<Level>,
    pub filtering: FilterPanelProps,
    /// Shared with the Costs tab.
    pub currency: CurrencyChoice,
    /// The rows of the driver opened.
    pub rows: OpenRows,
    /// Open a driver's rows: its currency, its index in that section, its label.
    pub on_driver_rows: Callback<(String, usize, String)>,
    /// RealTotalCost by `months_by` and month.
    pub monthly: Option<Summary>,
    pub months_by: Dimension,
    pub on_months_by: Callback<Dimension>,
}

#[component]
pub fn Compare(props: &CompareProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let text = lang.strings();
    let precision = use_context::<Precision>().unwrap_or_default();
    // `None`: the worker's order, largest change first.
    let sort = use_state(|| None::<(SortColumn, bool)>);

    let filters = html! {
        <FilterPanel ..props.filtering.clone() />
    };
    let monthly = monthly_trend(props, text);
    if props.months.len() < 2 {
        return html! {
            <section class="compare" aria-labelledby="compare-title">
                <h2 id="compare-title">{ text.compare_title }</h2>
                <p class="muted" role="status">{ (text.compare_needs_two_months)(&props.months.join(", ")) }</p>
                { filters }
                { monthly }
            </section>
        };
    }
    let Some((compared_level, comparison)) = &props.comparison else {
        return html! { <section class="compare"><h2 id="compare-title">{ text.compare_title }</h2></section> };
    };

    let period_picker = {
        let picker = |name: &'static str, label: &'static str, chosen: &str, earlier: bool| {
            let (on_periods, other) =
                (props.on_periods.clone(), if earlier { comparison.b.to_string() } else { comparison.a.to_string() });
            let onchange = Callback::from(move |event: Event| {
                let month = event.target_unchecked_into::<HtmlSelectElement>().value();
                on_periods.emit(if earlier { (month, other.clone()) } else { (other.clone(), month) });
            });
            html! {
                <label>{ label }{ " " }
                    <select {name} {onchange}>
                        { for props.months.iter().map(|month| html! {
                            <option value={month.clone()} selected={month == chosen}>{ month }</option>
                        }) }
                    </select>
                </label>
            }
        };
        html! {
            <div class="controls periods">
                { picker("compare-a", text.compare_earlier, &comparison.a.to_string(), true) }
                { picker("compare-b", text.compare_later, &comparison.b.to_string(), false) }
            </div>
        }
    };
    let codes: Vec<String> = comparison.currencies.iter().map(|section| section.currency.to_string()).collect();
    let currency_switch = if codes.len() > 1 {
        let on_currency = props.currency.on_pick.clone();
        let onchange = Callback::from(move |event: Event| {
            on_currency.emit(event.target_unchecked_into::<HtmlSelectElement>().value());
        });
        let shown = comparison_section(comparison, props.currency.shown.as_deref());
        let shown = shown.map(|section| section.currency.to_string()).unwrap_or_default();
        html! {
            <label class="currency-switch">{ text.currency }{ " " }
                <select name="currency" {onchange}>
                    { for codes.iter().map(|code| html! {
                        <option value={code.clone()} selected={*code == shown}>{ code }</option>
                    }) }
                </select>
            </label>
        }
    } else {
        Html::default()
    };
    let Some(section) = comparison_section(comparison, props.currency.shown.as_deref()) else {
        return html! {
            <section class="compare" aria-labelledby="compare-title">
                <h2 id="compare-title">{ text.compare_title }</h2>
                { period_picker }
                { filters }
                <p class="muted">{ text.no_bill_rows }</p>
                { monthly }
            </section>
        };
    };
    let currency = section.currency.to_string();
    let (a, b) = (comparison.a.to_string(), comparison.b.to_string());
    let change = section.change();
    let headline = change.map(|change| {
        let totals = (text.compare_totals)(
            &a,
            &crate::page::money::format_money(&change.a.to_string(), &currency, precision),
            &b,
            &crate::page::money::format_money(&change.b.to_string(), &currency, precision),
            section.rows_a as u64,
            section.rows_b as u64,
        );
        html! {
            <>
                <p class="compare-summary" data-currency={currency.clone()}>
                    { summary_sentence(&a, change, &currency, precision, text) }
                </p>
                <p class="muted">{ totals }</p>
            </>
        }
    });

    html! {
        <section class="compare" aria-labelledby="compare-title">
            <h2 id="compare-title">{ text.compare_title }</h2>
            { period_picker }
            { filters }
            { currency_switch }
            { headline.unwrap_or_default() }
            if let Some(change) = change {
                { waterfall_table(comparison, change, &currency, text) }
            }
            { drivers_table(props, *compared_level, comparison, section, &sort, text) }
            { monthly }
        </section>
    }
}

/// The waterfall as a table: each step's label, its exact amount (right-aligned) and a bar.
fn waterfall_table(comparison: &Comparison, change: &Change, currency: &str, text: &Strings) -> Html {
    let steps = waterfall(change);
    let last = steps.len() - 1;
    html! {
        <>
            <h3>{ text.waterfall_title }</h3>
            <div class="scroll">
            <table class="data waterfall" data-currency={currency.to_owned()}>
                <thead><tr>
                    <th scope="col">{ text.col_part }</th>
                    <th scope="col" class="num">{ format!("{} ({currency})", text.col_amount) }</th>
                    <th scope="col"><span class="visually-hidden">{ text.waterfall_title }</span></th>
                </tr></thead>
                <tbody>
                    { for steps.iter().enumerate().map(|(i, step)| {
                        let (left, width) = bar_position(step, &steps);
                        let (label, kind) = match step.part {
                            Some(part) => ((text.part_label)(part).to_owned(), if step.to < step.from { "down" } else { "up" }),
                            None => ((if i == last { &comparison.b } else { &comparison.a }).to_string(), "total"),
                        };
                        html! {
                            <tr class={classes!("step", kind)} data-part={step.part.unwrap_or(if i == last { "b" } else { "a" })}>
                                <th scope="row">{ label }</th>
                                <td class="num"><Money value={step.amount.to_string()} currency={currency.to_owned()} signed={step.part.is_some()} /></td>
                                <td class="track" aria-hidden="true">
                                    <span class="bar" style={format!("left: {left}%; width: max({width}%, 1px)")} />
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
        </>
    }
}

fn drivers_table(
    props: &CompareProps,
    compared_level: Level,
    comparison: &Comparison,
    section: &CurrencyComparison,
    sort: &UseStateHandle<Option<(SortColumn, bool)>>,
    text: &Strings,
) -> Html {
    let currency = section.currency.to_string();
    let (a, b) = (comparison.a.to_string(), comparison.b.to_string());
    let level_select = {
        let on_level = props.on_level.clone();
        let onchange = Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(level) = id.parse::<Level>() {
                on_level.emit(level);
            }
        });
        html! {
            <label>{ text.drivers_by }{ " " }
                <select name="driver-level" {onchange}>
                    { for Level::ALL.into_iter().map(|level| html! {
                        <option value={level.as_str()} selected={level == props.level}>{ level_label(level, text) }</option>
                    }) }
                </select>
            </label>
        }
    };
    let keys: Vec<(SortColumn, &str)> = [
        (SortColumn::Product, (text.column)("BusinessCodeName")),
        (SortColumn::Component, (text.column)("ItemCodeName")),
        (SortColumn::Resource, (text.column)("ResourceId")),
    ]
    .into_iter()
    .take(match compared_level {
        Level::Product => 1,
        Level::Component => 2,
        Level::Resource => 3,
    })
    .collect();
    let mut drivers: Vec<(usize, &Driver)> = section.drivers.iter().enumerate().collect();
    if let Some((column, descending)) = **sort {
        tcbill_core::model::sort::sort_by(&mut drivers, |(_, x), (_, y)| {
            let order = compare_drivers(column, x, y);
            if descending {
                order.reverse()
            } else {
                order
            }
        });
    }
    let current = **sort;
    let header = |label: String, column: SortColumn, numeric: bool| {
        let sort = sort.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            let descending = match *sort {
                Some((current, descending)) if current == column => !descending,
                _ => numeric,
            };
            sort.set(Some((column, descending)));
        });
        let aria_sort = match current {
            Some((current, true)) if current == column => "descending",
            Some((current, false)) if current == column => "ascending",
            _ => "none",
        };
        html! {
            <th scope="col" class={classes!(numeric.then_some("num"))} aria-sort={aria_sort}>
                <button type="button" class="sort" {onclick}>{ label }</button>
            </th>
        }
    };
    let drill = props.rows.drill_down.as_ref().map(|drill| {
        // The worker's columns: the period, then the cost row's; each row leads with `file:line`.
        let mut columns = vec![text.col_period.to_owned(), text.col_file_line.to_owned()];
        columns.extend(drill.columns.iter().skip(1).map(|c| (text.column)(c).to_owned()));
        html! {
            <div class="drill-down driver-rows">
                <RowTable caption={drill.group.clone()} {columns} count={drill.count} window={drill.window.clone()}
                    on_range={props.rows.on_rows.clone()} />
                <button type="button" class="link-button" onclick={props.rows.on_close.reform(|_: MouseEvent| ())}>
                    { text.close }
                </button>
            </div>
        }
    });
    html! {
        <>
            <h3>{ text.drivers_title }</h3>
            if !section.mixed_detail.is_empty() {
                <p class="mixed-detail" role="note">{ (text.mixed_detail_note)(&section.mixed_detail) }</p>
            }
            <div class="controls">{ level_select }</div>
            <div class="scroll">
                <table class="data drivers" data-currency={currency.clone()}>
                    <caption>{ (text.drivers_count)(section.drivers.len(), section.driver_count as u64) }</caption>
                    <thead><tr>
                        { for keys.iter().map(|(column, label)| header((*label).to_owned(), *column, false)) }
                        { header(text.col_status.to_owned(), SortColumn::Status, false) }
                        { header(a.clone(), SortColumn::A, true) }
                        { header(b.clone(), SortColumn::B, true) }
                        { header(text.col_change.to_owned(), SortColumn::Change, true) }
                        <th scope="col">{ text.col_parts }</th>
                        <th scope="col"><span class="visually-hidden">{ text.col_actions }</span></th>
                    </tr></thead>
                    <tbody>
                        { for drivers.iter().map(|(index, driver)| {
                            let names = [&driver.product, &driver.component, &driver.resource];
                            let label = names[..keys.len()].iter().map(|name| name.as_str()).collect::<Vec<_>>().join(" / ");
                            let (rows_a, rows_b) = (driver.rows_a as u64, driver.rows_b as u64);
                            let caption = (text.driver_rows_caption)(&label, &a, rows_a, &b, rows_b);
                            let open = {
                                let (on_driver_rows, currency, index) = (props.on_driver_rows.clone(), currency.clone(), *index);
                                Callback::from(move |_: MouseEvent| on_driver_rows.emit((currency.clone(), index, caption.clone())))
                            };
                            let change = driver.change();
                            let amount = |get: fn(&Change) -> Decimal| change.map(|c| get(c).to_string());
                            html! {
                                <tr data-status={driver.status.as_str()}>
                                    { for names[..keys.len()].iter().map(|name| html! { <td>{ name.as_str() }</td> }) }
                                    <td>{ (text.driver_status)(driver.status.as_str()) }</td>
                                    <td class="num"><Money value={amount(|c| c.a)} currency={currency.clone()} /></td>
                                    <td class="num"><Money value={amount(|c| c.b)} currency={currency.clone()} /></td>
                                    <td class="num"><Money value={amount(|c| c.change)} currency={currency.clone()} signed=true /></td>
                                    <td class="parts">{ change.map(|c| parts_text(c, &currency, text)).unwrap_or_default() }</td>
                                    <td>
                                        <button type="button" class="link-button driver-rows-button" onclick={open}
                                            aria-label={format!("{} {label}", text.show_rows)}>
                                            { (text.driver_rows_button)(rows_a, rows_b) }
                                        </button>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            { drill.unwrap_or_default() }
        </>
    }
}

/// A driver's parts that moved, as a list of signed amounts and names.
fn parts_text(change: &Change, currency: &str, text: &Strings) -> Html {
    html! {
        <>
            { for moved(change).map(|(part, amount)| html! {
                <span class="part" data-part={part}>
                    <Money value={amount.to_string()} currency={currency.to_owned()} signed=true />
                    { " " }{ (text.part_label)(part) }
                </span>
            }) }
        </>
    }
}

fn level_label(level: Level, text: &Strings) -> &'static str {
    match level {
        Level::Product => (text.column)("BusinessCodeName"),
        Level::Component => (text.column)("ItemCodeName"),
        Level::Resource => (text.column)("ResourceId"),
    }
}

/// At most this many rows in the monthly trend table (and lines in its chart, [`CHART_LINES`]).
const MONTHLY_ROWS: usize = 25;
const CHART_LINES: usize = 6;

/// RealTotalCost by a dimension's value (rows) and billing month (columns), for the currency
/// shown: the rows ordered by their total over the months, largest first.
fn monthly_trend(props: &CompareProps, text: &Strings) -> Html {
    let options = dimension_options(&props.filtering.tag_keys, text);
    let picker = {
        let on_months_by = props.on_months_by.clone();
        let onchange = Callback::from(move |event: Event| {
            on_months_by.emit(selected_dimension(&event).unwrap_or(Dimension::Product))
        });
        html! {
            <label>{ text.monthly_by }{ " " }
                <select name="months-by" {onchange}>
                    { for options.iter().filter(|(option, _)| *option != Dimension::Day).map(|(option, label)| html! {
                        <option value={option.to_string()} selected={*option == props.months_by}>{ label }</option>
                    }) }
                </select>
            </label>
        }
    };
    let table = props.monthly.as_ref().map(|monthly| {
        let section = section(monthly, props.currency.shown.as_deref());
        let groups: &[Group] = section.map_or(&[], |section| &section.groups);
        let by_month = monthly.group_by.len() == 1;
        let month_of = |key: &[String]| key.last().cloned().unwrap_or_default();
        let row_of = |key: &[String]| if by_month { option_label(&options, &Dimension::Month) } else { key[0].clone() };
        let months: Vec<String> =
            groups.iter().map(|g| month_of(&g.key)).collect::<BTreeSet<_>>().into_iter().collect();
        let mut cells: HashMap<(String, String), String> = HashMap::new();
        let mut totals: HashMap<String, Decimal> = HashMap::new();
        for group in groups {
            let cost = judged_cost(&group.amounts);
            *totals.entry(row_of(&group.key)).or_default() += cost.unwrap_or_default();
            cells.insert((row_of(&group.key), month_of(&group.key)), cost.map_or_else(String::new, |cost| cost.to_string()));
        }
        let mut rows: Vec<(String, Decimal)> = totals.into_iter().collect();
        tcbill_core::model::sort::sort_by(&mut rows, |(x, a), (y, b)| b.cmp(a).then_with(|| x.cmp(y)));
        let shown = rows.len().min(MONTHLY_ROWS);
        let currency = section.map(|section| section.currency.to_string()).unwrap_or_default();
        let lines: Vec<(String, Vec<f64>)> = rows
            .iter()
            .take(CHART_LINES)
            .map(|(row, _)| {
                let values = months
                    .iter()
                    .map(|month| cells.get(&(row.clone(), month.clone())).and_then(|v| v.parse().ok()).unwrap_or(0.0))
                    .collect();
                (row.clone(), values)
            })
            .collect();
        let chart_lines: Vec<Line> = lines.iter().map(|(name, values)| Line { name, values: values.clone() }).collect();
        let capped = section.is_some_and(|section| section.group_count() > section.groups.len());
        html! {
            <>
                if months.len() > 1 {
                    <Chart svg={line_chart_svg(&months, &chart_lines, text.trend_caption_month, &currency)}
                        name={format!("tcbill-monthly-{currency}-{}", props.months_by.to_string().replace(':', "_"))}
                        download_label={text.download_svg} kind="monthly" />
                }
                <div class="scroll">
                    <table class="data monthly" data-currency={currency.clone()}>
                        if shown < rows.len() || capped {
                            <caption>{ (text.monthly_capped)(shown, rows.len()) }</caption>
                        }
                        <thead><tr>
                            <th scope="col">{ option_label(&options, &props.months_by) }</th>
                            { for months.iter().map(|month| html! { <th scope="col" class="num">{ month }</th> }) }
                            <th scope="col" class="num">{ text.total }</th>
                        </tr></thead>
                        <tbody>
                            { for rows.iter().take(shown).map(|(row, total)| html! {
                                <tr>
                                    <th scope="row">{ row }</th>
                                    { for months.iter().map(|month| html! {
                                        <td class="num"><Money value={cells.get(&(row.clone(), month.clone())).cloned()} currency={currency.clone()} /></td>
                                    }) }
                                    <td class="num"><Money value={Some(total.to_string())} currency={currency.clone()} /></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </>
        }
    });
    html! {
        <>
            <h3>{ text.monthly_title }</h3>
            <div class="controls">{ picker }</div>
            { table.unwrap_or_default() }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tcbill_core::analysis::compare::Parts;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// The CNY change of `l3-two-months.csv` (core's tests/compare.rs), as the report writes it.
    fn two_months() -> Change {
        let d = |text: &str| Decimal::from_str(text).unwrap();
        Change {
            a: d("172.50"),
            b: d("347.00000001"),
            change: d("174.50000001"),
            parts: Parts {
                new_resources: d("30.00"),
                removed_resources: d("-12.50"),
                usage: d("20.00"),
                package_coverage: d("100.00"),
                price: d("4.00"),
                savings_plan: d("30.00"),
                reserved_instances: d("0.00"),
                refunds_adjustments: d("-5.00"),
                no_usage_or_price: d("8.00"),
                rounding: d("0.00000001"),
            },
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_waterfall_walks_from_one_total_to_the_other() {
        let steps = waterfall(&two_months());
        let parts: Vec<&str> = steps.iter().map(|step| step.part.unwrap_or("total")).collect();
        assert_eq!(
            parts,
            [
                "total",
                "new_resources",
                "removed_resources",
                "usage",
                "package_coverage",
                "price",
                "savings_plan",
                "refunds_adjustments",
                "no_usage_or_price",
                "rounding",
                "total"
            ]
        );
        // Each part starts where the one before ended; the last ends at the later total, exactly.
        for pair in steps[1..steps.len() - 1].windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
        }
        assert_eq!(steps[steps.len() - 2].to, Decimal::from_str("347.00000001").unwrap());
        assert_eq!(steps[2].from, Decimal::from_str("202.50").unwrap());
        assert_eq!(steps[2].to, Decimal::from_str("190.00").unwrap());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bars_span_from_zero_to_the_highest_total() {
        let steps = waterfall(&two_months());
        // 0 … 347.00000001 (reached after the package coverage: 172.50 + 30 - 12.50 + 20 + 100 = 310).
        assert_eq!(bar_position(&steps[0], &steps), (0.0, 49.712));
        let (left, width) = bar_position(&steps[2], &steps);
        assert_eq!((left, (width * 1000.0).round() / 1000.0), (54.755, 3.602));
        assert_eq!(bar_position(steps.last().unwrap(), &steps), (0.0, 100.0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_overview_sentence_says_each_part_that_moved() {
        let sentence = summary_sentence("2025-09", &two_months(), "CNY", Precision::Two, Lang::En.strings());
        assert_eq!(
            sentence,
            "+¥174.50 vs 2025-09: +¥30.00 new resources, -¥12.50 removed resources, +¥20.00 usage change, \
             +¥100.00 package coverage change, +¥4.00 price or discount change, +¥30.00 savings plan, \
             -¥5.00 refunds and adjustments, +¥8.00 other charges (no usage or price)"
        );
        let chinese = summary_sentence("2025-09", &two_months(), "CNY", Precision::Exact, Lang::Zh.strings());
        assert!(chinese.starts_with("较 2025-09 +¥174.50000001：新增资源 +¥30.00，移除资源 -¥12.50，"), "{chinese}");
        assert!(chinese.ends_with("舍入 +¥0.00000001"), "{chinese}");
    }
}
