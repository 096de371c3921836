//! Charts, drawn by plotters as SVG markup that the page inserts and offers for download, as SVG
//! or as PNG (to the clipboard, or as a file).
//!
//! Amounts are exact decimal strings everywhere else; only here, to place a bar on a screen,
//! are they turned into floating point. Any figure printed on a chart is the exact string.

use plotters::coord::Shift;
use plotters::prelude::*;
use yew::prelude::*;

use crate::page::export::download::{save, save_blob};
use crate::page::export::png::{copy_png, png_blob};
use crate::page::i18n::Lang;

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn axis_numbers_are_grouped_without_float_noise() {
        assert_eq!(axis_number(5000.0), "5,000");
        assert_eq!(axis_number(1_234_567.5), "1,234,567.5");
        assert_eq!(axis_number(0.1 + 0.2), "0.3");
        assert_eq!(axis_number(-2500.0), "-2,500");
        assert_eq!(axis_number(-0.0000001), "0");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn whole_data_gets_whole_ticks() {
        assert_eq!(tick_count([0.0, 1.0, 3.0].into_iter(), 6), 4);
        assert_eq!(tick_count([0.0, 300.0].into_iter(), 6), 6);
        assert_eq!(tick_count([0.5, 1.25].into_iter(), 6), 6);
        assert_eq!(tick_label(0.5, true), "");
        assert_eq!(tick_label(2.0, true), "2");
        assert_eq!(tick_label(0.5, false), "0.5");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn long_labels_are_shortened_with_their_full_text_in_a_title() {
        assert_eq!(fit_label("云服务器CVM", 200.0, 12.0), "云服务器CVM");
        assert_eq!(fit_label("云服务器CVM / 华东地区（上海）", 100.0, 12.0), "云服务器CVM /…");
        let svg = "<text x=\"1\">云服务器CV…\n</text><text>a &amp; b\n</text>".to_owned();
        let labels =
            [("云服务器CV…".to_owned(), "云服务器CVM / 上海".to_owned()), ("a & b".to_owned(), "a & b".to_owned())];
        assert_eq!(
            with_titles(svg, &labels),
            "<text x=\"1\">云服务器CV…<title>云服务器CVM / 上海</title></text><text>a &amp; b\n</text>"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_png_takes_the_svgs_size() {
        assert_eq!(svg_size("<svg width=\"358\" height=\"540\" viewBox=\"0 0 358 540\">"), (358, 540));
        assert_eq!(svg_size("<svg>"), SIZE);
    }
}

/// The widest a chart is drawn, and its height, in CSS pixels.
const SIZE: (u32, u32) = (720, 280);
/// Plotters writes a font of size `n` as `font-size="n / 1.24"`: 15 gives 12.1 px, so that chart
/// text stays at 11 px or more at 100 % zoom (issue #13: it was 9.7 px, then scaled down).
pub const TEXT: f64 = 15.0;
pub const CAPTION: f64 = 19.0;

/// The width to draw a chart at: the page's width less its margins, at most [`SIZE`]'s. Charts are
/// drawn at the size they are shown (not scaled down, which would shrink their text) and the SVG
/// has a `viewBox`, so the stylesheet can still fit it to a narrower box.
pub fn chart_width() -> u32 {
    let page = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1024.0);
    ((page - 40.0).max(300.0) as u32).min(SIZE.0)
}

/// An axis value with grouped digits and no float noise: `5000.0` as `5,000`, `0.30000000000000004`
/// as `0.3`. Only axis ticks are written from floats; every amount printed elsewhere is exact.
pub fn axis_number(value: f64) -> String {
    let fixed = format!("{:.6}", value.abs());
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = trimmed.split_once('.').map_or((trimmed, None), |(w, f)| (w, Some(f)));
    let sign = if value < 0.0 && trimmed != "0" { "-" } else { "" };
    let grouped = crate::page::money::group_thousands(whole);
    fraction.map_or_else(|| format!("{sign}{grouped}"), |f| format!("{sign}{grouped}.{f}"))
}

/// Axis labels to ask plotters for: at most `wanted`, and no more than whole steps when every value
/// is whole, so that counts never get ticks such as `0.5`.
pub fn tick_count(values: impl Iterator<Item = f64>, wanted: usize) -> usize {
    let (mut whole, mut max) = (true, 0.0_f64);
    for value in values {
        whole &= value.fract() == 0.0;
        max = max.max(value.abs());
    }
    if whole {
        wanted.min(max as usize + 1).max(2)
    } else {
        wanted
    }
}

/// A tick label, or none where the data is whole and the tick is not.
pub fn tick_label(value: f64, whole: bool) -> String {
    if whole && value.fract().abs() > 1e-9 {
        String::new()
    } else {
        axis_number(value)
    }
}

/// The width of `text` in pixels at `font_px`, roughly: wide (Chinese) characters take a full em.
pub fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().map(|c| if c >= '\u{1100}' { 1.0 } else { 0.6 }).sum::<f64>() * font_px
}

/// `label` shortened with `…` to fit `width` pixels, or as it is.
pub fn fit_label(label: &str, width: f64, font_px: f64) -> String {
    if text_width(label, font_px) <= width {
        return label.to_owned();
    }
    let mut short = String::new();
    for c in label.chars() {
        if text_width(&short, font_px) + text_width(&format!("{c}…"), font_px) > width {
            break;
        }
        short.push(c);
    }
    short.push('…');
    short
}

/// Gives every shortened label of the SVG its full text as a `<title>` (a tooltip, and what screen
/// readers say). `labels` are `(shown, full)`; plotters writes each text as `>shown\n</text>`.
pub fn with_titles(mut svg: String, labels: &[(String, String)]) -> String {
    let escape = |text: &str| {
        let text = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        text.replace('"', "&quot;").replace('\'', "&apos;")
    };
    for (shown, full) in labels.iter().filter(|(shown, full)| shown != full) {
        let text = format!(">{}\n</text>", escape(shown));
        svg = svg.replacen(&text, &format!(">{}<title>{}</title></text>", escape(shown), escape(full)), 1);
    }
    svg
}

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
/// `PALETTE[i]`. A single period is drawn as dots alone, centred. `unit` names the values' axis.
pub fn line_chart_svg(labels: &[String], lines: &[Line], caption: &str, unit: &str) -> String {
    let all = || lines.iter().flat_map(|line| line.values.iter().copied());
    let (low, high) = all().fold((0.0_f64, 0.0_f64), |(low, high), v| (low.min(v), high.max(v)));
    let pad = ((high - low) * 0.08).max(f64::MIN_POSITIVE);
    let count = labels.len().max(1) as i32;
    let width = chart_width();
    let whole = all().all(|v| v.fract() == 0.0);
    // A date label takes about 90 px: fewer labels on a phone.
    let x_labels = labels.len().min(12).min(width as usize / 90).max(2);
    draw_svg((width, SIZE.1), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(caption, ("sans-serif", CAPTION))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(if width < 500 { 64 } else { 84 })
            .build_cartesian_2d(
                (0..count - 1).into_segmented(),
                // Room above the highest dot for the legend.
                (low - if low < 0.0 { pad } else { 0.0 })..high + 4.0 * pad,
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(x_labels)
            .x_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_labels(tick_count(all(), 6))
            .y_label_formatter(&|value| tick_label(*value, whole))
            .y_desc(unit)
            .label_style(("sans-serif", TEXT))
            .axis_desc_style(("sans-serif", TEXT))
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
            .label_font(("sans-serif", TEXT))
            .draw()?;
        Ok(())
    })
}

/// A donut of shares with a legend of `labels` and their `shares` as printed (exact strings);
/// `sizes` are the slices' relative sizes (negative ones, refunds, get no slice). On a narrow
/// page the legend goes under the donut; a label too long for it is shortened, in full in its
/// `<title>`.
pub fn pie_chart_svg(labels: &[String], shares: &[String], sizes: &[f64], caption: &str) -> String {
    const LINE: u32 = 24;
    let sizes: Vec<f64> = sizes.iter().map(|size| size.max(0.0)).collect();
    let colours: Vec<RGBColor> = (0..sizes.len()).map(|i| PALETTE[i % PALETTE.len()]).collect();
    let width = chart_width();
    let stacked = width < 560;
    let legend_height = labels.len() as u32 * LINE + 8;
    let (pie_side, height) = if stacked {
        let side = 240.min(width);
        (side, 36 + side + legend_height)
    } else {
        (300, SIZE.1.max(36 + legend_height))
    };
    let legend_width = f64::from(if stacked { width } else { width - pie_side }) - 30.0;
    let font_px = TEXT / 1.24;
    let entries: Vec<(String, String)> = labels
        .iter()
        .zip(shares)
        .map(|(label, share)| {
            let full = format!("{share}%  {label}");
            (fit_label(&full, legend_width, font_px), full)
        })
        .collect();
    let svg = draw_svg((width, height), |root| {
        let area = root.titled(caption, ("sans-serif", CAPTION))?;
        let (pie_area, legend_area) =
            if stacked { area.split_vertically(pie_side) } else { area.split_horizontally(pie_side) };
        let (area_width, area_height) = pie_area.dim_in_pixel();
        // Plotters draws a pie at the canvas's coordinates, not its area's: add where the area starts.
        let (left, top) = pie_area.get_base_pixel();
        let center = (left + area_width as i32 / 2, top + area_height as i32 / 2);
        let radius = f64::from(area_width.min(area_height)) / 2.0 - 12.0;
        if sizes.iter().sum::<f64>() > 0.0 {
            let no_labels = vec![""; sizes.len()];
            let mut pie = Pie::new(&center, &radius, &sizes, &colours, &no_labels);
            pie.start_angle(-90.0);
            pie.donut_hole(radius * 0.5);
            pie_area.draw(&pie)?;
        }
        for (i, (shown, _)) in entries.iter().enumerate() {
            let y = 8 + i as i32 * LINE as i32;
            legend_area.draw(&Rectangle::new([(0, y), (14, y + 14)], colours[i].filled()))?;
            legend_area.draw(&Text::new(shown.clone(), (22, y), ("sans-serif", TEXT)))?;
        }
        Ok(())
    });
    with_titles(svg, &entries)
}

/// A horizontal bar per label, largest first as given, each label written above its bar across
/// the chart's width (shortened only where even that is too narrow, in full in its `<title>`).
/// `values` are amounts; a refund (below zero) has its label and no bar. `unit` names the axis.
pub fn bar_chart_svg(labels: &[String], values: &[f64], caption: &str, unit: &str) -> String {
    const ROW: u32 = 40;
    let max = values.iter().cloned().fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let count = labels.len();
    let width = chart_width();
    let height = 44 + 56 + count as u32 * ROW;
    let font_px = TEXT / 1.24;
    let shown: Vec<(String, String)> =
        labels.iter().map(|label| (fit_label(label, f64::from(width) - 40.0, font_px), label.clone())).collect();
    let svg = draw_svg((width, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(caption, ("sans-serif", CAPTION))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(52)
            .y_label_area_size(0)
            // Bar i (from the top) fills the lower half of the band from count - i - 1 to count - i.
            .build_cartesian_2d(0.0..max * 1.05, 0.0..count as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(if width < 500 { 4 } else { 7 })
            .x_label_formatter(&|value| axis_number(*value))
            .x_desc(unit)
            .label_style(("sans-serif", TEXT))
            .axis_desc_style(("sans-serif", TEXT))
            .draw()?;
        let top = |i: usize| (count - i) as f64;
        chart.draw_series(values.iter().enumerate().filter(|(_, value)| **value > 0.0).map(|(i, value)| {
            Rectangle::new([(0.0, top(i) - 0.92), (*value, top(i) - 0.52)], RGBColor(0, 82, 217).filled())
        }))?;
        chart.draw_series(shown.iter().enumerate().map(|(i, (label, _))| {
            EmptyElement::at((0.0, top(i) - 0.06)) + Text::new(label.clone(), (2, 0), ("sans-serif", TEXT))
        }))?;
        Ok(())
    });
    with_titles(svg, &shown)
}

/// The size an SVG of [`draw_svg`] was drawn at (its `width` and `height`), for its PNG.
pub fn svg_size(svg: &str) -> (u32, u32) {
    let attribute = |name: &str| {
        let start = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        svg[start..].split('"').next()?.parse().ok()
    };
    (attribute("width").unwrap_or(SIZE.0), attribute("height").unwrap_or(SIZE.1))
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
                match png_blob(&svg, svg_size(&svg)).await {
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
            let copying = copy_png(&svg, svg_size(&svg));
            let (svg, name, status) = (svg.clone(), name.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if copying.await.is_ok() {
                    status.set(Some(text.chart_copied));
                    return;
                }
                // No clipboard here (or no permission): the PNG is saved instead.
                match png_blob(&svg, svg_size(&svg)).await {
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
