//! Costs: the bill grouped by one or two dimensions (tags included), with each group's share as
//! Tencent computes RealTotalCostRatio, sortable by any column, downloadable as CSV; filtered by
//! any dimension's values, with charts of the groups, their shares and the trend by day or month.
//! The worker does the filtering and the sums: the page only draws what it is sent.

use std::cmp::Ordering;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tcbill_core::analysis::cost::{CurrencySummary, Dimension, Group, Measure, Summary};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::page::money::Money;
use crate::page::state::report_view::section;
use crate::page::views::chart::{bar_chart_svg, line_chart_svg, pie_chart_svg, Chart, Line};
use crate::page::views::filters::{dimension_options, option_label, selected_dimension, FilterPanel, FilterPanelProps};
use crate::page::views::row_table::{RowTable, RowWindow};
use crate::protocol::CostFilters;

/// The measures of the table, in column order.
const MEASURES: [Measure; 6] = [
    Measure::RealTotalCost,
    Measure::TotalCost,
    Measure::CashPayAmount,
    Measure::VoucherPayAmount,
    Measure::IncentivePayAmount,
    Measure::TransferPayAmount,
];

/// An exact amount as [`Money`] takes it.
fn exact(amount: Option<Decimal>) -> Option<String> {
    amount.map(|amount| amount.to_string())
}

/// An amount as a chart places it (a screen coordinate, never a figure a user reconciles).
fn coordinate(amount: Option<Decimal>) -> f64 {
    amount.and_then(|amount| amount.to_f64()).unwrap_or(0.0)
}

/// A sortable column: a dimension (by position in the key) or a measure (by position in [`MEASURES`]).
#[derive(Clone, Copy, PartialEq)]
enum SortColumn {
    Key(usize),
    Measure(usize),
    Share,
}

/// The rows behind one group, as the worker selected them.
#[derive(Clone, Debug, PartialEq)]
pub struct DrillDown {
    /// The group's key, joined for people.
    pub group: String,
    pub count: u64,
    pub columns: Vec<String>,
    pub window: RowWindow,
}

/// The drill-down shown, if any, as a reducer: the worker's answers arrive one by one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DrillDownState(pub Option<DrillDown>);

pub enum DrillDownAction {
    Selected(DrillDown),
    Window(RowWindow),
    Closed,
}

impl yew::Reducible for DrillDownState {
    type Action = DrillDownAction;

    fn reduce(self: std::rc::Rc<Self>, action: DrillDownAction) -> std::rc::Rc<Self> {
        std::rc::Rc::new(DrillDownState(match (action, &self.0) {
            (DrillDownAction::Selected(drill), _) => Some(drill),
            (DrillDownAction::Window(window), Some(current)) => Some(DrillDown { window, ..current.clone() }),
            (DrillDownAction::Window(_), None) | (DrillDownAction::Closed, _) => None,
        }))
    }
}

/// The rows a row table shows (a group's, a driver's or an alert's) and what it asks for.
#[derive(Clone, PartialEq)]
pub struct OpenRows {
    /// `None` while no rows are open.
    pub drill_down: Option<DrillDown>,
    /// A window of the rows is wanted.
    pub on_rows: Callback<std::ops::Range<u64>>,
    pub on_close: Callback<()>,
}

/// The currency shown when the rows have several (amounts are never added across them); the
/// Costs and Compare tabs share it.
#[derive(Clone, PartialEq)]
pub struct CurrencyChoice {
    /// `None`: the first the rows have.
    pub shown: Option<String>,
    pub on_pick: Callback<String>,
}

/// What the Costs table groups by (one or two dimensions) and the user's change of it.
#[derive(Clone, PartialEq)]
pub struct Grouping {
    pub group_by: Vec<Dimension>,
    pub on_change: Callback<Vec<Dimension>>,
}

/// The trend of the filtered rows and its period.
#[derive(Clone, PartialEq)]
pub struct Trend {
    /// RealTotalCost and TotalCost by `by`, per currency; `None` until the worker answers.
    pub summary: Option<Summary>,
    /// [`Dimension::Day`] or [`Dimension::Month`].
    pub by: Dimension,
    pub on_by: Callback<Dimension>,
}

#[derive(Properties, PartialEq)]
pub struct CostsProps {
    /// The worker's summary under the grouping and filters; `None` until it answers.
    pub summary: Option<Summary>,
    pub grouping: Grouping,
    pub filtering: FilterPanelProps,
    pub trend: Trend,
    pub currency: CurrencyChoice,
    /// The rows of the group opened.
    pub rows: OpenRows,
    /// Show the rows of a group: its `(dimension, value)` pairs and its label.
    pub on_drill_down: Callback<(CostFilters, String)>,
    pub on_export_csv: Callback<()>,
}

#[component]
pub fn Costs(props: &CostsProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    // Largest RealTotalCost first, as the worker sends it.
    let sort = use_state(|| (SortColumn::Measure(0), true));
    let show_total_cost = use_state(|| false);

    let options = dimension_options(&props.filtering.tag_keys, text);
    let select = |position: usize| {
        let on_group_by = props.grouping.on_change.clone();
        let current = props.grouping.group_by.clone();
        let onchange = Callback::from(move |event: Event| {
            let mut next = current.clone();
            next.truncate(position);
            next.extend(selected_dimension(&event));
            on_group_by.emit(next);
        });
        let selected = props.grouping.group_by.get(position);
        let label = if position == 0 { text.group_by } else { text.then_by };
        html! {
            <label>
                { label }{ " " }
                <select {onchange} name={format!("group-by-{position}")}>
                    if position > 0 { <option value="" selected={selected.is_none()}>{ text.nothing }</option> }
                    { for options.iter().map(|(option, label)| html! {
                        <option value={option.to_string()} selected={Some(option) == selected}>{ label }</option>
                    }) }
                </select>
            </label>
        }
    };
    let export = props.on_export_csv.reform(|_: MouseEvent| ());
    let label_of = |dimension: &Dimension| option_label(&options, dimension);

    let trend_controls = {
        let on_trend_by = props.trend.on_by.clone();
        let on_by =
            Callback::from(move |event: Event| on_trend_by.emit(selected_dimension(&event).unwrap_or(Dimension::Day)));
        let show = show_total_cost.clone();
        let on_total =
            Callback::from(move |event: Event| show.set(event.target_unchecked_into::<HtmlInputElement>().checked()));
        html! {
            <div class="controls">
                <label>
                    { text.trend_by }{ " " }
                    <select name="trend-by" onchange={on_by}>
                        <option value="day" selected={props.trend.by != Dimension::Month}>{ text.by_day }</option>
                        <option value="month" selected={props.trend.by == Dimension::Month}>{ text.by_month }</option>
                    </select>
                </label>
                <label>
                    <input type="checkbox" name="trend-total-cost" checked={*show_total_cost} onchange={on_total} />
                    { " " }{ text.show_total_cost }
                </label>
            </div>
        }
    };

    let Some(summary) = &props.summary else {
        return html! { <p class="muted">{ text.no_bill_rows }</p> };
    };
    // One currency at a time: its table, its charts and its trend; the switch picks which.
    let codes: Vec<String> = summary.currencies.iter().map(|section| section.currency.to_string()).collect();
    let section = section(summary, props.currency.shown.as_deref());
    let currency = section.map(|section| section.currency.to_string()).unwrap_or_default();
    let groups_shown: &[Group] = section.map_or(&[], |section| &section.groups);
    let currency_switch = if codes.len() > 1 {
        let on_currency = props.currency.on_pick.clone();
        let onchange = Callback::from(move |event: Event| {
            on_currency.emit(event.target_unchecked_into::<HtmlSelectElement>().value());
        });
        html! {
            <label class="currency-switch">{ text.currency }{ " " }
                <select name="currency" {onchange}>
                    { for codes.iter().map(|code| html! {
                        <option value={code.clone()} selected={*code == currency}>{ code }</option>
                    }) }
                </select>
            </label>
        }
    } else {
        Html::default()
    };
    let period = match section {
        None => Html::default(),
        Some(section) => {
            let months: Vec<String> = section.periods.iter().map(ToString::to_string).collect();
            html! { <p class="period">{ (text.currency_periods)(&currency, &months.join(", ")) }</p> }
        }
    };
    let trend = props
        .trend
        .summary
        .as_ref()
        .map(|trend| {
            let by = trend.group_by.first().unwrap_or(&Dimension::Day);
            let shown = self::section(trend, Some(&currency));
            shown.map(|shown| trend_chart(shown, by, *show_total_cost, text)).unwrap_or_default()
        })
        .unwrap_or_default();
    let mut groups: Vec<&Group> = groups_shown.iter().collect();
    let (column, descending) = *sort;
    tcbill_core::model::sort::sort_by(&mut groups, |a, b| {
        let order = compare(column, a, b);
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    let header = |label: String, sorted_by: SortColumn, numeric: bool| {
        let sort = sort.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            let (current, descending) = *sort;
            sort.set((sorted_by, if current == sorted_by { !descending } else { numeric }));
        });
        let aria_sort = match (column == sorted_by, descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        };
        html! {
            <th scope="col" class={classes!(numeric.then_some("num"))} aria-sort={aria_sort}>
                <button type="button" class="sort" {onclick}>{ label }</button>
            </th>
        }
    };
    let key_labels: Vec<String> = summary.group_by.iter().map(label_of).collect();

    html! {
        <section class="costs">
            <div class="controls">
                { select(0) }
                { select(1) }
                <button type="button" class="button secondary" onclick={export}>{ text.download_csv }</button>
                { currency_switch }
            </div>
            <FilterPanel ..props.filtering.clone() />
            { period }
            if let Some(section) = section {
                <div class="charts">
                    { groups_chart(&summary.group_by, section, text) }
                    { share_chart(&summary.group_by, section, text) }
                </div>
            } else {
                <div class="charts" />
            }
            { trend_controls }
            { trend }
            <div class="scroll">
            <table class="data cost-table">
                <caption>
                    { (text.groups_of_rows)(section.map_or(0, CurrencySummary::group_count) as u64, section.map_or(0, |s| s.row_count) as u64) }
                </caption>
                <thead>
                    <tr>
                        { for key_labels.iter().enumerate().map(|(i, label)| header(label.clone(), SortColumn::Key(i), false)) }
                        { for MEASURES.iter().enumerate().map(|(i, measure)| header((text.column)(measure.api_name()).to_owned(), SortColumn::Measure(i), true)) }
                        { header(text.share.to_owned(), SortColumn::Share, true) }
                        <th scope="col"><span class="visually-hidden">{ text.col_actions }</span></th>
                    </tr>
                </thead>
                <tbody>
                    { for groups.iter().map(|group| {
                        let label = group.key.join(" / ");
                        let filters: CostFilters = summary.group_by.iter().cloned().zip(group.key.iter().cloned())
                            .chain(std::iter::once((Dimension::Currency, currency.clone())))
                            .collect();
                        let drill = {
                            let (label, on_drill_down) = (label.clone(), props.on_drill_down.clone());
                            Callback::from(move |_: MouseEvent| on_drill_down.emit((filters.clone(), label.clone())))
                        };
                        html! {
                            <tr>
                                { for group.key.iter().map(|k| html! { <td>{ k }</td> }) }
                                { for MEASURES.iter().map(|measure| html! { <td class="num"><Money value={exact(group.amounts.get(*measure))} currency={currency.clone()} /></td> }) }
                                <td class="num">{ group.real_total_cost_ratio.map(|r| format!("{r}%")).unwrap_or_default() }</td>
                                <td>
                                    <button type="button" class="link-button" onclick={drill}
                                        aria-label={format!("{} {label}", text.show_rows)}>{ (text.rows_count)(group.row_count as u64) }</button>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan={key_labels.len().to_string()}>{ text.total }</th>
                        { for MEASURES.iter().map(|measure| html! { <td class="num"><Money value={exact(section.and_then(|s| s.total.get(*measure)))} currency={currency.clone()} /></td> }) }
                        <td class="num">{ if groups_shown.is_empty() { "" } else { "100.00%" } }</td>
                        <td />
                    </tr>
                </tfoot>
            </table>
            </div>
            if let Some(drill) = &props.rows.drill_down {
                <div class="drill-down">
                    <RowTable caption={(text.rows_of)(&drill.group, drill.count)} columns={std::iter::once(text.col_file_line.to_owned()).chain(drill.columns.iter().map(|c| (text.column)(c).to_owned())).collect::<Vec<_>>()}
                        count={drill.count} window={drill.window.clone()} on_range={props.rows.on_rows.clone()} />
                    <button type="button" class="link-button" onclick={props.rows.on_close.reform(|_: MouseEvent| ())}>
                        { text.close }
                    </button>
                </div>
            }
        </section>
    }
}

/// RealTotalCost of the largest groups (the worker sends them largest first), as bars.
fn groups_chart(group_by: &[Dimension], section: &CurrencySummary, text: &Strings) -> Html {
    let (caption, download_label) = (text.chart_caption, text.download_svg);
    const BARS: usize = 12;
    let groups: Vec<&Group> = section.groups.iter().take(BARS).collect();
    if groups.is_empty() {
        return Html::default();
    }
    let labels: Vec<String> = groups.iter().map(|g| g.key.join(" / ")).collect();
    // Refunds (negative groups) keep their label and get no bar: a bar chart has no room below zero.
    let values: Vec<f64> = groups.iter().map(|g| coordinate(g.amounts.real_total_cost)).collect();
    let unit = format!("{} ({})", (text.column)("RealTotalCost"), section.currency);
    let name = format!("tcbill-cost-{}-{}", section.currency, file_name_part(group_by));
    html! {
        <Chart svg={bar_chart_svg(&labels, &values, caption, &unit)} {name} download_label={download_label} kind="groups" />
    }
}

/// The groups' shares of RealTotalCost, exactly as the table prints them: the largest
/// [`SLICES`]` - 1` and, if more, the others together (100.00 less the shares shown, so the
/// legend adds up to 100.00 like the table).
fn share_chart(group_by: &[Dimension], section: &CurrencySummary, text: &Strings) -> Html {
    const SLICES: usize = 10;
    let mut groups: Vec<(&Group, Decimal)> =
        section.groups.iter().filter_map(|group| Some((group, group.real_total_cost_ratio?))).collect();
    if groups.is_empty() {
        return Html::default();
    }
    tcbill_core::model::sort::sort_by_key(&mut groups, |(_, share)| std::cmp::Reverse(*share));
    let total_groups = section.group_count();
    let shown = if total_groups <= SLICES { groups.len() } else { SLICES - 1 };
    let mut slices: Vec<(String, Decimal)> =
        groups[..shown].iter().map(|(group, share)| (group.key.join(" / "), *share)).collect();
    if total_groups > shown {
        let rest = Decimal::ONE_HUNDRED - slices.iter().map(|(_, share)| *share).sum::<Decimal>();
        slices.push(((text.others)(total_groups - shown), rest));
    }
    let labels: Vec<String> = slices.iter().map(|(label, _)| label.clone()).collect();
    let shares: Vec<String> = slices.iter().map(|(_, share)| format!("{share:.2}")).collect();
    let sizes: Vec<f64> = shares.iter().map(|share| share.parse().unwrap_or(0.0)).collect();
    let name = format!("tcbill-share-{}-{}", section.currency, file_name_part(group_by));
    html! {
        <Chart svg={pie_chart_svg(&labels, &shares, &sizes, text.share_caption)} {name}
            download_label={text.download_svg} kind="shares" />
    }
}

/// Dimensions as part of a file name: `product-tag_env`.
fn file_name_part(group_by: &[Dimension]) -> String {
    group_by.iter().map(|dimension| dimension.to_string().replace(':', "_")).collect::<Vec<_>>().join("-")
}

/// RealTotalCost (and TotalCost if asked) per day or month, oldest first; rows without a date
/// (`-`) are left out of the chart.
fn trend_chart(trend: &CurrencySummary, by: &Dimension, show_total_cost: bool, text: &Strings) -> Html {
    let periods: Vec<&Group> =
        trend.groups.iter().filter(|group| group.key.first().is_some_and(|k| k != "-")).collect();
    if periods.is_empty() {
        return Html::default();
    }
    let labels: Vec<String> = periods.iter().map(|group| group.key.join(" / ")).collect();
    let values =
        |measure: Measure| -> Vec<f64> { periods.iter().map(|group| coordinate(group.amounts.get(measure))).collect() };
    let mut lines = vec![Line { name: (text.column)("RealTotalCost"), values: values(Measure::RealTotalCost) }];
    if show_total_cost {
        lines.push(Line { name: (text.column)("TotalCost"), values: values(Measure::TotalCost) });
    }
    let caption = if *by == Dimension::Month { text.trend_caption_month } else { text.trend_caption_day };
    html! {
        <Chart svg={line_chart_svg(&labels, &lines, caption, trend.currency.as_str())} name={format!("tcbill-trend-{}-{by}", trend.currency)}
            download_label={text.download_svg} kind="trend" />
    }
}

fn compare(column: SortColumn, a: &Group, b: &Group) -> Ordering {
    match column {
        SortColumn::Key(i) => a.key.get(i).cmp(&b.key.get(i)),
        // Exact decimals order by value (`0.10` = `0.1`); an absent amount sorts first.
        SortColumn::Measure(i) => a.amounts.get(MEASURES[i]).cmp(&b.amounts.get(MEASURES[i])),
        SortColumn::Share => a.real_total_cost_ratio.cmp(&b.real_total_cost_ratio),
    }
}
