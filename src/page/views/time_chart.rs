//! Charts over time (a package's balance, a usage metric), drawn by plotters as SVG like the
//! other charts. Points arrive as core's (`BeijingTime`, exact decimal); only here, to place them
//! on a screen, are they turned into seconds and floats.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tcbill_core::BeijingTime;

use super::chart::{axis_number, chart_width, draw_svg, tick_count, tick_label, CAPTION, TEXT};

/// Height of a time chart's SVG, in CSS pixels (its width is [`chart_width`]).
const HEIGHT: u32 = 260;
/// The series' colour (TDesign blue, as the bar chart).
const SERIES: RGBColor = RGBColor(0, 82, 217);
const SECS_PER_DAY: f64 = 86_400.0;

/// A straight line over the series (a capacity, a peak, a projection) with its label.
pub struct Guide {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub color: RGBColor,
    pub dashed: bool,
    /// Written just above the line's start (below, with `label_below`, where two lines start
    /// at one point).
    pub label: String,
    pub label_below: bool,
}

/// A chart of `points` (seconds since the epoch, value) with `guides` over it, from the first
/// point (or guide) to `x_end` at the latest. `dots` marks every point with a circle (for a few
/// hundred deductions, not for thousands of usage points).
pub struct TimeChart<'a> {
    pub caption: &'a str,
    pub points: &'a [(f64, f64)],
    pub dots: bool,
    pub guides: &'a [Guide],
    pub x_end: Option<f64>,
}

/// An instant as seconds since the epoch, for an axis.
pub fn seconds(time: BeijingTime) -> f64 {
    time.utc_epoch_secs() as f64
}

/// An exact decimal as a float, for a pixel position.
pub fn position(value: Decimal) -> Option<f64> {
    value.to_f64()
}

pub fn time_chart_svg(chart: &TimeChart) -> String {
    let xs = chart.points.iter().map(|p| p.0).chain(chart.guides.iter().flat_map(|g| [g.from.0, g.to.0]));
    let (mut x_min, mut x_max) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    if let Some(end) = chart.x_end {
        x_max = x_max.min(end).max(chart.points.last().map_or(x_min, |p| p.0));
    }
    if x_max - x_min < 3600.0 {
        (x_min, x_max) = (x_min - SECS_PER_DAY / 2.0, x_max + SECS_PER_DAY / 2.0);
    }
    let ys = chart.points.iter().map(|p| p.1).chain(chart.guides.iter().flat_map(|g| [g.from.1, g.to.1]));
    let y_max = ys.fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE) * 1.12;
    let span_days = (x_max - x_min) / SECS_PER_DAY;
    let width = chart_width();
    let whole = chart.points.iter().all(|p| p.1.fract() == 0.0);
    // A time label takes about 60 px (a day) to 110 px (a day and a time).
    let x_labels = (width as f64 / if span_days > 3.0 { 70.0 } else { 120.0 }) as usize;
    draw_svg((width, HEIGHT), |root| {
        let mut plot = ChartBuilder::on(root)
            .caption(chart.caption, ("sans-serif", CAPTION))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(if width < 500 { 60 } else { 84 })
            .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
        plot.configure_mesh()
            .x_labels(x_labels.clamp(2, 8))
            .y_labels(tick_count(chart.points.iter().map(|p| p.1), 6))
            .x_label_formatter(&|x| axis_time(*x, span_days))
            .y_label_formatter(&|y| if whole { tick_label(*y, true) } else { axis_number(*y) })
            .label_style(("sans-serif", TEXT))
            .draw()?;
        plot.draw_series(std::iter::once(PathElement::new(chart.points.to_vec(), SERIES.stroke_width(2))))?;
        if chart.dots {
            plot.draw_series(chart.points.iter().map(|&point| Circle::new(point, 3, SERIES.filled())))?;
        }
        for guide in chart.guides {
            // Clip to the plotted time range: a projection may end decades later.
            let clip = |(x, y): (f64, f64), (other_x, other_y): (f64, f64)| {
                if x <= x_max || (x - other_x).abs() < f64::EPSILON {
                    (x, y)
                } else {
                    (x_max, other_y + (y - other_y) * (x_max - other_x) / (x - other_x))
                }
            };
            let (from, to) = (clip(guide.from, guide.to), clip(guide.to, guide.from));
            let style = guide.color.stroke_width(2);
            if guide.dashed {
                plot.draw_series(std::iter::once(DashedPathElement::new(vec![from, to], 6, 4, style)))?;
            } else {
                plot.draw_series(std::iter::once(PathElement::new(vec![from, to], style)))?;
            }
            // A vertical line (an expiry) sits at the right edge: its label goes to its left.
            let vertical = from.0 == to.0;
            // Below the lines that start at the top (a capacity's label, a projection's), so that on a
            // narrow chart it does not run into them.
            let label_y = match (vertical, guide.label_below) {
                (true, _) => 26,
                (false, true) => 6,
                (false, false) => -16,
            };
            let anchor = if vertical { HPos::Right } else { HPos::Left };
            let font = ("sans-serif", TEXT).into_font().color(&guide.color).pos(Pos::new(anchor, VPos::Top));
            plot.draw_series(std::iter::once(
                EmptyElement::at(from) + Text::new(guide.label.clone(), (if vertical { -4 } else { 4 }, label_y), font),
            ))?;
        }
        Ok(())
    })
}

/// An axis label: the day for spans of days, the time within a day otherwise.
fn axis_time(secs: f64, span_days: f64) -> String {
    let (_, month, day, hour, minute, _) = BeijingTime::from_utc_epoch_secs(secs as i64).beijing_fields();
    if span_days > 3.0 {
        format!("{month:02}-{day:02}")
    } else {
        format!("{month:02}-{day:02} {hour:02}:{minute:02}")
    }
}
