//! Charts, drawn by plotters as SVG markup that the page inserts and offers for download, as SVG
//! or as PNG (to the clipboard, or as a file).
//!
//! Amounts are exact decimal strings everywhere else; only here, to place a bar on a screen,
//! are they turned into floating point. Any figure printed on a chart is the exact string.

use plotters::coord::Shift;
use plotters::prelude::*;
use yew::prelude::*;

use crate::download::{save, save_blob};
use crate::i18n::Lang;
use crate::png::{copy_png, png_blob};

/// Width and height of a chart's SVG, in CSS pixels.
const SIZE: (u32, u32) = (720, 280);

/// Series colours: Tencent blue first, then colours that stay apart for colour-blind readers.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 82, 217),
    RGBColor(227, 115, 24),
    RGBColor(0, 168, 112),
    RGBColor(213, 73, 65),
    RGBColor(129, 87, 196),
    RGBColor(0, 153, 204),
    RGBColor(232, 174, 0),
    RGBColor(160, 82, 45),
    RGBColor(214, 103, 178),
    RGBColor(140, 140, 140),
];

/// What drawing a chart returns; the error is logged by [`draw_svg`].
pub type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Draws on a white SVG canvas of `size` and returns the markup. A drawing error is logged to the
/// console and what was drawn before it is kept: a half-drawn chart beats a broken page.
pub fn draw_svg(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = (|| -> Drawn {
            root.fill(&WHITE)?;
            draw(&root)?;
            root.present()?;
            Ok(())
        })();
        if let Err(err) = drawn {
            web_sys::console::error_1(&format!("tcbill: chart: {err}").into());
        }
    }
    svg
}

/// One line of a [`line_chart_svg`]: its name and a value per period.
pub struct Line<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

/// Lines over periods (`labels`, oldest first), a dot at each value; the i-th line is drawn in
/// `PALETTE[i]`. A single period is drawn as dots alone, centred.
pub fn line_chart_svg(labels: &[String], lines: &[Line], caption: &str) -> String {
    let all = lines.iter().flat_map(|line| line.values.iter().copied());
    let (low, high) = all.fold((0.0_f64, 0.0_f64), |(low, high), v| (low.min(v), high.max(v)));
    let pad = ((high - low) * 0.08).max(f64::MIN_POSITIVE);
    let count = labels.len().max(1) as i32;
    draw_svg(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(caption, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (0..count - 1).into_segmented(),
                // Room above the highest dot for the legend.
                (low - if low < 0.0 { pad } else { 0.0 })..high + 4.0 * pad,
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(labels.len().min(12))
            .x_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 12))
            .draw()?;
        for (line, colour) in lines.iter().zip(PALETTE) {
            let points = || line.values.iter().enumerate().map(|(i, v)| (SegmentValue::CenterOf(i as i32), *v));
            chart.draw_series(LineSeries::new(points(), colour.stroke_width(2)))?;
            chart
                .draw_series(points().map(|point| Circle::new(point, 3, colour.filled())))?
                .label(line.name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()?;
        Ok(())
    })
}

/// A donut of shares with a legend of `labels` and their `shares` as printed (exact strings);
/// `sizes` are the slices' relative sizes (negative ones, refunds, get no slice).
pub fn pie_chart_svg(labels: &[String], shares: &[String], sizes: &[f64], caption: &str) -> String {
    let sizes: Vec<f64> = sizes.iter().map(|size| size.max(0.0)).collect();
    let colours: Vec<RGBColor> = (0..sizes.len()).map(|i| PALETTE[i % PALETTE.len()]).collect();
    draw_svg(SIZE, |root| {
        let area = root.titled(caption, ("sans-serif", 16))?;
        let (pie_area, legend_area) = area.split_horizontally(300);
        let (width, height) = pie_area.dim_in_pixel();
        let center = (width as i32 / 2, height as i32 / 2);
        let radius = f64::from(width.min(height)) / 2.0 - 12.0;
        if sizes.iter().sum::<f64>() > 0.0 {
            let no_labels = vec![""; sizes.len()];
            let mut pie = Pie::new(&center, &radius, &sizes, &colours, &no_labels);
            pie.start_angle(-90.0);
            pie.donut_hole(radius * 0.5);
            pie_area.draw(&pie)?;
        }
        for (i, (label, share)) in labels.iter().zip(shares).enumerate() {
            let y = 8 + i as i32 * 22;
            legend_area.draw(&Rectangle::new([(0, y), (14, y + 14)], colours[i].filled()))?;
            legend_area.draw(&Text::new(format!("{share}%  {label}"), (22, y + 1), ("sans-serif", 13)))?;
        }
        Ok(())
    })
}

/// A horizontal bar per label, longest first as given; `values` are non-negative amounts.
pub fn bar_chart_svg(labels: &[String], values: &[f64], caption: &str) -> String {
    let max = values.iter().cloned().fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let count = labels.len().max(1) as i32;
    draw_svg(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
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
        Ok(())
    })
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The SVG markup of the chart.
    pub svg: AttrValue,
    /// Name of the downloaded file, without extension.
    pub name: AttrValue,
    pub download_label: AttrValue,
    /// Which chart this is (`groups`, `trend`, `shares`), for styles and tests.
    #[prop_or_default]
    pub kind: AttrValue,
}

/// A chart with buttons that save it as an SVG or PNG file, or copy it to the clipboard as PNG.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    // What became of the last copy, for the user (and screen readers) to hear.
    let status = use_state(|| None::<&'static str>);
    let download = {
        let (svg, name) = (props.svg.to_string(), props.name.to_string());
        Callback::from(move |_: MouseEvent| save(&format!("{name}.svg"), "image/svg+xml", &svg))
    };
    let save_png = {
        let (svg, name) = (props.svg.to_string(), props.name.to_string());
        Callback::from(move |_: MouseEvent| {
            let (svg, name) = (svg.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match png_blob(&svg, SIZE).await {
                    Ok(blob) => save_blob(&format!("{name}.png"), &blob),
                    Err(err) => web_sys::console::error_1(&err),
                }
            });
        })
    };
    let copy = {
        let (svg, name, status) = (props.svg.to_string(), props.name.to_string(), status.clone());
        Callback::from(move |_: MouseEvent| {
            // The clipboard write starts inside the click, as browsers require; the PNG follows.
            let copying = copy_png(&svg, SIZE);
            let (svg, name, status) = (svg.clone(), name.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if copying.await.is_ok() {
                    status.set(Some(text.chart_copied));
                    return;
                }
                // No clipboard here (or no permission): the PNG is saved instead.
                match png_blob(&svg, SIZE).await {
                    Ok(blob) => {
                        save_blob(&format!("{name}.png"), &blob);
                        status.set(Some(text.chart_saved_instead));
                    }
                    Err(err) => web_sys::console::error_1(&err),
                }
            });
        })
    };
    html! {
        <figure class="chart" data-chart={props.kind.clone()}>
            { Html::from_html_unchecked(props.svg.clone()) }
            <figcaption>
                <button type="button" class="link-button" onclick={download}>{ props.download_label.clone() }</button>
                <button type="button" class="link-button" onclick={save_png}>{ text.chart_save_png }</button>
                <button type="button" class="link-button" onclick={copy}>{ text.chart_copy_png }</button>
                <span class="chart-status" role="status">{ status.unwrap_or_default() }</span>
            </figcaption>
        </figure>
    }
}
