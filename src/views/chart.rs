//! Charts, drawn by plotters as SVG markup that the page inserts and offers for download.
//!
//! Amounts are exact decimal strings everywhere else; only here, to place a bar on a screen,
//! are they turned into floating point.

use plotters::prelude::*;
use yew::prelude::*;

use crate::download::save;

/// Width and height of a chart's SVG, in CSS pixels.
const SIZE: (u32, u32) = (720, 280);

/// A horizontal bar per label, longest first as given; `values` are non-negative amounts.
pub fn bar_chart_svg(labels: &[String], values: &[f64], caption: &str) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let max = values.iter().cloned().fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
        let count = labels.len().max(1) as i32;
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, ("sans-serif", 16))
                .margin(10)
                .x_label_area_size(28)
                .y_label_area_size(160)
                .build_cartesian_2d(0.0..max * 1.05, (0..count).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_label_formatter(&|segment| match segment {
                    SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                    _ => String::new(),
                })
                .y_labels(labels.len())
                .label_style(("sans-serif", 12))
                .draw()?;
            chart.draw_series(values.iter().enumerate().map(|(i, value)| {
                let i = i as i32;
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(i)), (*value, SegmentValue::Exact(i + 1))],
                    RGBColor(0, 82, 217).filled(),
                );
                bar.set_margin(3, 3, 0, 0);
                bar
            }))?;
            root.present()?;
            Ok(())
        })();
        if let Err(err) = drawn {
            web_sys::console::error_1(&format!("tcbill: chart: {err}").into());
        }
    }
    svg
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The SVG markup of the chart.
    pub svg: AttrValue,
    /// Name of the downloaded file, without extension.
    pub name: AttrValue,
    pub download_label: AttrValue,
}

/// A chart with a button that saves it as an SVG file.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let download = {
        let (svg, name) = (props.svg.to_string(), props.name.to_string());
        Callback::from(move |_: MouseEvent| save(&format!("{name}.svg"), "image/svg+xml", &svg))
    };
    html! {
        <figure class="chart">
            { Html::from_html_unchecked(props.svg.clone()) }
            <figcaption>
                <button type="button" class="link-button" onclick={download}>{ props.download_label.clone() }</button>
            </figcaption>
        </figure>
    }
}
