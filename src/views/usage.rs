//! Usage: per series (product × instance × metric) the total, peak, 95th percentile (the
//! billing statistic of bandwidth products) and the average of daily peaks.

use serde::Deserialize;
use yew::prelude::*;

use crate::i18n::Lang;

/// One usage series of the report (`tcbill_core::analysis::usage::UsageSeries`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UsageSeriesView {
    pub product: String,
    pub instance: String,
    pub metric: String,
    pub unit: Option<String>,
    pub point_count: u64,
    pub total: String,
    pub peak: String,
    pub peak_at: String,
    pub percentile_95: Option<String>,
    pub valid_days: u64,
    pub daily_peak_average: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct UsageProps {
    pub series: Vec<UsageSeriesView>,
}

#[component]
pub fn Usage(props: &UsageProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    if props.series.is_empty() {
        return html! { <p class="muted">{ text.no_usage }</p> };
    }
    let dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "—".to_owned());
    html! {
        <section class="usage">
            <table class="data usage-table">
                <thead><tr>
                    <th scope="col">{ text.usage_source }</th>
                    <th scope="col">{ text.usage_instance }</th>
                    <th scope="col">{ text.usage_metric }</th>
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
                            <td class="num">{ s.point_count }</td>
                            <td class="num">{ &s.total }</td>
                            <td class="num">{ &s.peak }</td>
                            <td>{ &s.peak_at }</td>
                            <td class="num">{ dash(&s.percentile_95) }</td>
                            <td class="num">{ dash(&s.daily_peak_average) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted">{ text.usage_note }</p>
        </section>
    }
}
