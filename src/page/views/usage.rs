//! Usage: per series (product × instance × metric) the total, peak, 95th percentile (the
//! billing statistic of bandwidth products) and the average of daily peaks, and a chart of the
//! chosen series with its peak and 95th percentile. A month of 5-minute points per series is too
//! much to put in the report digest, so the chart asks the worker for one series' points.

use plotters::style::RGBColor;
use rust_decimal::Decimal;
use tcbill_core::analysis::series::Point;
use tcbill_core::analysis::usage::UsageSeries;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::page::views::amount;
use crate::page::views::chart::Chart;
use crate::page::views::time_chart::{position, seconds, time_chart_svg, Guide, TimeChart};

/// Whether the series' values are a rate (bandwidth, `Mbps`): a rate is billed by its 95th
/// percentile, and adding its points gives nothing a bill shows.
fn is_rate(series: &UsageSeries) -> bool {
    let unit = series.unit.as_deref().unwrap_or(&series.metric);
    unit.to_ascii_lowercase().ends_with("bps")
}

/// The points of one series as the worker sent them.
#[derive(Clone, Debug, PartialEq)]
pub struct UsagePoints {
    /// Position of the series in the report's list.
    pub series: u64,
    pub points: Vec<Point>,
}

#[derive(Properties, PartialEq)]
pub struct UsageProps {
    pub series: Vec<UsageSeries>,
    /// The last points the worker sent, if any.
    pub points: Option<UsagePoints>,
    /// Ask for the points of the series at this position.
    pub on_series: Callback<u64>,
    /// Whether a bandwidth series is derived from every traffic series.
    pub bandwidth: bool,
    pub on_bandwidth: Callback<bool>,
}

#[component]
pub fn Usage(props: &UsageProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let selected = use_state(|| 0_u64);
    {
        // Ask for the chosen series' points whenever the page has none for it: a new report (the
        // bandwidth toggle, another file) drops them even when the list of series is unchanged.
        let on_series = props.on_series.clone();
        let missing = props.points.as_ref().is_none_or(|points| points.series != *selected);
        use_effect_with((*selected, props.series.clone(), missing), move |(selected, _, missing)| {
            if *missing {
                on_series.emit(*selected);
            }
        });
    }
    if props.series.is_empty() {
        return html! { <p class="muted">{ text.no_usage }</p> };
    }
    let on_bandwidth = {
        let on_bandwidth = props.on_bandwidth.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            on_bandwidth.emit(input.checked());
        })
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            selected.set(value.parse().unwrap_or(0));
        })
    };
    let chart = props
        .points
        .as_ref()
        .filter(|points| points.series == *selected)
        .zip(props.series.get(*selected as usize))
        .map(|(points, series)| usage_chart(series, points, text));
    html! {
        <section class="usage">
            <div class="controls">
                <label>
                    { text.usage_series }{ " " }
                    <select name="usage-series" onchange={on_select}>
                        { for props.series.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i as u64 == *selected}>
                                { format!("{} · {} · {}", s.product, s.instance, s.metric) }
                            </option>
                        }) }
                    </select>
                </label>
                <label>
                    <input type="checkbox" name="bandwidth-from-traffic" checked={props.bandwidth} onchange={on_bandwidth} />
                    { " " }{ text.usage_bandwidth }
                </label>
            </div>
            { chart.unwrap_or_default() }
            if let Some(billable) = props.series.get(*selected as usize).and_then(|s| billable(s, text)) {
                <p class="billable">{ billable }</p>
            }
            <table class="data usage-table">
                <thead><tr>
                    <th scope="col">{ text.usage_source }</th>
                    <th scope="col">{ text.usage_instance }</th>
                    <th scope="col">{ text.usage_metric }</th>
                    <th scope="col">{ text.usage_unit }</th>
                    <th scope="col" class="num">{ text.usage_points }</th>
                    <th scope="col" class="num">{ text.usage_total }</th>
                    <th scope="col" class="num">{ text.usage_peak }</th>
                    <th scope="col">{ text.usage_peak_at }</th>
                    <th scope="col" class="num">{ text.usage_p95 }</th>
                    <th scope="col" class="num">{ text.usage_daily_peak_average }</th>
                </tr></thead>
                <tbody>
                    { for props.series.iter().map(|s| html! {
                        <tr>
                            <td>{ &s.product }</td>
                            <td>{ &s.instance }</td>
                            <td>{ &s.metric }</td>
                            <td>{ s.unit.as_deref().unwrap_or("—") }</td>
                            <td class="num">{ s.point_count }</td>
                            if is_rate(s) {
                                <td class="num" title={text.usage_rate_not_summed}>{ "—" }</td>
                            } else {
                                <td class="num">{ s.total.to_string() }</td>
                            }
                            <td class="num">{ s.peak.to_string() }</td>
                            <td>{ s.peak_at.to_string() }</td>
                            <td class="num">{ amount(s.percentile_95) }</td>
                            <td class="num">{ amount(s.daily_peak_average) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted">{ text.usage_note }</p>
        </section>
    }
}

/// What a rate series is billed at, in words; `None` for quantities (their sum is billed).
fn billable(series: &UsageSeries, text: &Strings) -> Option<String> {
    let p95 = series.percentile_95.filter(|_| is_rate(series))?;
    Some((text.usage_billable)(&p95.to_string(), series.unit.as_deref().unwrap_or_default()))
}

/// The series over time with its peak and 95th percentile as labelled horizontal lines; the
/// labels are the report's exact values.
fn usage_chart(series: &UsageSeries, points: &UsagePoints, text: &Strings) -> Html {
    let drawn: Vec<(f64, f64)> =
        points.points.iter().filter_map(|&(time, value)| Some((seconds(time), position(value)?))).collect();
    let (Some(&(start, _)), Some(&(end, _))) = (drawn.first(), drawn.last()) else {
        return Html::default();
    };
    let unit = series.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    let level = |value: Decimal, label: &str, color: RGBColor, dashed: bool| {
        position(value).map(|y| Guide {
            from: (start, y),
            to: (end, y),
            color,
            dashed,
            label: format!("{label}: {value}{unit}"),
            label_below: false,
        })
    };
    let guides: Vec<Guide> = [
        level(series.peak, text.usage_peak, RGBColor(213, 73, 65), false),
        series.percentile_95.and_then(|p95| level(p95, text.usage_p95, RGBColor(227, 115, 24), true)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let caption = format!("{} · {}", series.instance, series.metric);
    let svg =
        time_chart_svg(&TimeChart { caption: &caption, points: &drawn, dots: false, guides: &guides, x_end: None });
    html! {
        <div class="usage-chart" data-series={points.series.to_string()}>
            <Chart svg={svg} name={format!("tcbill-usage-{}-{}", series.instance, series.metric)} download_label={text.download_svg} />
            <p class="muted">{ (text.usage_drawn)(drawn.len(), series.point_count as u64) }</p>
        </div>
    }
}
