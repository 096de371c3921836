//! Usage statistics per series: total, peak, 95th percentile and daily peaks.
//!
//! A series is one product × instance (domain, bucket) × metric column of the usage exports.
//! The 95th percentile follows CDN/EIP bandwidth billing on 5-minute points (reference §6.7):
//! sort the points of the month's valid days (days with usage above 0), drop the highest 5%
//! (the integer part of `count × 5%`), and take the highest remaining point. Daily peaks are each
//! valid day's highest point; their average is rounded half-up to six decimals.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::series::Point;
use super::{named_tables, round_half_up};
use crate::dataset::Dataset;
use crate::table::{ColumnRole, ColumnValues, Table, TableKind};
use crate::time::BeijingTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DailyPeak {
    /// `yyyy-mm-dd`.
    pub day: String,
    pub peak: Decimal,
    pub at: BeijingTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsageSeries {
    pub product: String,
    /// Instance, domain or bucket; `-` when the export has none.
    pub instance: String,
    /// The value column (`带宽(Mbps)`, `DosageValue`).
    pub metric: String,
    pub unit: Option<String>,
    pub point_count: usize,
    pub total: Decimal,
    pub peak: Decimal,
    pub peak_at: BeijingTime,
    /// `None` when there is no valid day.
    pub percentile_95: Option<Decimal>,
    /// Points in the valid days behind the percentile.
    pub percentile_95_points: usize,
    pub valid_days: usize,
    pub daily_peaks: Vec<DailyPeak>,
    pub daily_peak_average: Option<Decimal>,
}

/// Statistics of every usage series in the dataset, sorted by product, instance and metric.
pub fn usage_statistics(dataset: &Dataset) -> Vec<UsageSeries> {
    series_points(dataset)
        .into_iter()
        .map(|((product, instance, metric, unit), points)| {
            series_statistics(product, instance, metric, unit, points)
        })
        .collect()
}

/// The points of the `index`-th series of [`usage_statistics`], in time order, for a chart;
/// `None` past the last series.
pub fn usage_points(dataset: &Dataset, index: usize) -> Option<Vec<Point>> {
    let mut points = series_points(dataset).into_values().nth(index)?;
    points.sort_by_key(|&(time, _)| time);
    Some(points)
}

/// Product, instance, metric and unit: what tells one series from another.
type SeriesKey = (String, String, String, Option<String>);

/// Every point of every series, in file order.
fn series_points(dataset: &Dataset) -> BTreeMap<SeriesKey, Vec<Point>> {
    let mut points: BTreeMap<SeriesKey, Vec<Point>> = BTreeMap::new();
    for (file, table) in named_tables(dataset, TableKind::UsageDetails) {
        let metrics = value_columns(table);
        for row in 0..table.row_count() {
            let Some(time) = table
                .time("DosageBeginTime", row)
                .or_else(|| table.time("Date", row))
            else {
                continue;
            };
            let product = ["ProductCodeName", "SubProductCodeName"]
                .iter()
                .find_map(|name| table.text(name, row))
                .unwrap_or(file);
            let instance = ["InstanceId", "Domain", "BucketName"]
                .iter()
                .find_map(|name| table.text(name, row))
                .unwrap_or("-");
            for (metric, fixed_unit) in &metrics {
                let Some(value) = table.decimal(metric, row) else {
                    continue;
                };
                let unit = fixed_unit
                    .clone()
                    .or_else(|| table.text("DosageUnit", row).map(str::to_owned));
                points
                    .entry((
                        product.to_owned(),
                        instance.to_owned(),
                        metric.clone(),
                        unit,
                    ))
                    .or_default()
                    .push((time, value));
            }
        }
    }
    points
}

/// `DosageValue` and the metric columns (`带宽(Mbps)`) with the unit their header names.
fn value_columns(table: &Table) -> Vec<(String, Option<String>)> {
    table
        .columns()
        .iter()
        .filter(|column| matches!(column.values, ColumnValues::Decimal(_)))
        .filter_map(|column| match column.role {
            ColumnRole::Field if column.name == "DosageValue" => Some((column.name.clone(), None)),
            ColumnRole::PassThrough => {
                let unit = column
                    .name
                    .rsplit_once(['(', '（'])
                    .map(|(_, unit)| unit.trim_end_matches([')', '）']).to_owned());
                Some((column.name.clone(), unit))
            }
            _ => None,
        })
        .collect()
}

fn day_of(time: BeijingTime) -> String {
    let (year, month, day, ..) = time.beijing_fields();
    format!("{year:04}-{month:02}-{day:02}")
}

fn series_statistics(
    product: String,
    instance: String,
    metric: String,
    unit: Option<String>,
    mut points: Vec<Point>,
) -> UsageSeries {
    points.sort_by_key(|&(time, _)| time);
    let total: Decimal = points.iter().map(|&(_, value)| value).sum();
    let (peak_at, peak) =
        points.iter().copied().fold(
            points[0],
            |best, point| if point.1 > best.1 { point } else { best },
        );
    let mut days: BTreeMap<String, Vec<(BeijingTime, Decimal)>> = BTreeMap::new();
    for &point in &points {
        days.entry(day_of(point.0)).or_default().push(point);
    }
    days.retain(|_, day_points| {
        day_points.iter().map(|&(_, value)| value).sum::<Decimal>() > Decimal::ZERO
    });
    let daily_peaks: Vec<DailyPeak> = days
        .iter()
        .map(|(day, day_points)| {
            let (at, peak) = day_points
                .iter()
                .copied()
                .fold(
                    day_points[0],
                    |best, point| if point.1 > best.1 { point } else { best },
                );
            DailyPeak {
                day: day.clone(),
                peak,
                at,
            }
        })
        .collect();
    let mut valid_values: Vec<Decimal> = days.values().flatten().map(|&(_, value)| value).collect();
    valid_values.sort_by(|a, b| b.cmp(a));
    let dropped = valid_values.len() * 5 / 100;
    let percentile_95 = valid_values.get(dropped).copied();
    let daily_peak_average = (!daily_peaks.is_empty()).then(|| {
        let sum: Decimal = daily_peaks.iter().map(|day| day.peak).sum();
        round_half_up(sum / Decimal::from(daily_peaks.len()), 6)
    });
    UsageSeries {
        product,
        instance,
        metric,
        unit,
        point_count: points.len(),
        total,
        peak,
        peak_at,
        percentile_95,
        percentile_95_points: valid_values.len(),
        valid_days: daily_peaks.len(),
        daily_peaks,
        daily_peak_average,
    }
}
