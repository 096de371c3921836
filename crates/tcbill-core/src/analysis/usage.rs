//! Usage statistics per series: total, peak, 95th percentile and daily peaks.
//!
//! A series is one product × instance (domain, bucket) × metric column of the usage exports.
//! The 95th percentile follows CDN/EIP bandwidth billing on 5-minute points (reference §6.7):
//! sort the points of the month's valid days (days with usage above 0), drop the highest 5%
//! (the integer part of `count × 5%`), and take the highest remaining point. Daily peaks are each
//! valid day's highest point; their average is rounded half-up to six decimals.
//!
//! Where asked ([`UsageOptions::bandwidth_from_traffic`]), each traffic series (a data unit per
//! point, e.g. `流量(GB)` every 5 minutes) also yields a bandwidth series in Mbps, so a traffic
//! export can be checked against bandwidth billing: each point's data in megabits (with the
//! product's published 1000/1024 bases, see [`super::units`]) divided by the series' interval, the
//! smallest gap between its points. A product without a published bit base gets no bandwidth
//! series; the traffic series says why (`bandwidth_not_derived`), nothing is guessed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::series::Point;
use super::units::{conversion, is_data_amount, product_bases};
use super::{named_tables, round_half_up, NOT_EXACT};
use crate::dataset::Dataset;
use crate::model::table::{ColumnRole, ColumnValues, Table, TableKind, TextColumn};
use crate::model::time::BeijingTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyPeak {
    /// `yyyy-mm-dd`.
    pub day: String,
    pub peak: Decimal,
    pub at: BeijingTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// For a bandwidth series computed from a traffic series: how (`流量(GB) per 300 s, 1 GB =
    /// 8000 Mb`).
    pub derived_from: Option<String>,
    /// For a traffic series when bandwidth was asked for but cannot be computed: why.
    pub bandwidth_not_derived: Option<String>,
}

/// What [`usage_statistics`] computes beyond the series in the files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsageOptions {
    /// Add a bandwidth series (Mbps) for every traffic series.
    pub bandwidth_from_traffic: bool,
}

/// Decimals of derived bandwidth points (Mbps), rounded half-up.
const BANDWIDTH_DECIMALS: u32 = 6;

/// Statistics of every usage series in the dataset, sorted by product, instance and metric; a
/// derived bandwidth series follows its traffic series.
pub fn usage_statistics(dataset: &Dataset, options: UsageOptions) -> Vec<UsageSeries> {
    all_series(dataset, options)
        .into_iter()
        .map(|series| {
            let mut statistics = series_statistics(
                series.product,
                series.instance,
                series.metric,
                series.unit,
                series.points,
            );
            statistics.derived_from = series.derived_from;
            statistics.bandwidth_not_derived = series.bandwidth_not_derived;
            statistics
        })
        .collect()
}

/// The points of the `index`-th series of [`usage_statistics`] with the same options, in time
/// order, for a chart; `None` past the last series.
pub fn usage_points(dataset: &Dataset, options: UsageOptions, index: usize) -> Option<Vec<Point>> {
    all_series(dataset, options)
        .into_iter()
        .nth(index)
        .map(|series| series.points)
}

/// One series' points, in time order, and how a derived one was made.
struct SeriesPoints {
    product: String,
    instance: String,
    metric: String,
    unit: Option<String>,
    points: Vec<Point>,
    derived_from: Option<String>,
    bandwidth_not_derived: Option<String>,
}

/// The series of the files, each followed by its bandwidth series where asked and possible.
fn all_series(dataset: &Dataset, options: UsageOptions) -> Vec<SeriesPoints> {
    let mut all = Vec::new();
    for ((product, instance, metric, unit), mut points) in series_points(dataset) {
        crate::model::sort::sort_by_key(&mut points, |&(time, _)| time);
        let bandwidth = options
            .bandwidth_from_traffic
            .then(|| bandwidth_points(&product, &metric, unit.as_deref(), &points))
            .flatten();
        let mut series = SeriesPoints {
            product,
            instance,
            metric,
            unit,
            points,
            derived_from: None,
            bandwidth_not_derived: None,
        };
        match bandwidth {
            Some(Ok((how, bandwidth_points))) => {
                let derived = SeriesPoints {
                    product: series.product.clone(),
                    instance: series.instance.clone(),
                    metric: format!("带宽(Mbps)←{}", series.metric),
                    unit: Some("Mbps".into()),
                    points: bandwidth_points,
                    derived_from: Some(how),
                    bandwidth_not_derived: None,
                };
                all.push(series);
                all.push(derived);
            }
            Some(Err(reason)) => {
                series.bandwidth_not_derived = Some(reason);
                all.push(series);
            }
            None => all.push(series),
        }
    }
    all
}

/// Product, instance, metric and unit: what tells one series from another.
type SeriesKey = (String, String, String, Option<String>);

/// Every point of every series, in file order.
fn series_points(dataset: &Dataset) -> BTreeMap<SeriesKey, Vec<Point>> {
    let mut points: BTreeMap<SeriesKey, Vec<Point>> = BTreeMap::new();
    for (file, table) in named_tables(dataset, TableKind::UsageDetails) {
        // Columns are found once per table; rows read them by index.
        let metrics: Vec<_> = value_columns(table)
            .into_iter()
            .filter_map(|(metric, unit)| Some((table.decimal_column(&metric)?, metric, unit)))
            .collect();
        let times: Vec<_> = ["DosageBeginTime", "Date"]
            .iter()
            .filter_map(|name| table.time_column(name))
            .collect();
        let texts = |names: &[&str]| -> Vec<_> {
            names
                .iter()
                .filter_map(|name| table.text_column(name))
                .collect()
        };
        let products = texts(&["ProductCodeName", "SubProductCodeName"]);
        let instances = texts(&["InstanceId", "Domain", "BucketName"]);
        let dosage_unit = table.text_column("DosageUnit");
        let text = |columns: &[&TextColumn], row| {
            columns
                .iter()
                .find_map(|column| column.get(row))
                .map(|symbol| table.resolve(symbol))
        };
        let titled_product = table.title().and_then(product_of_title);
        for row in 0..table.row_count() {
            let Some(time) = times.iter().find_map(|column| column.get(row)) else {
                continue;
            };
            let product = text(&products, row).or(titled_product).unwrap_or(file);
            let instance = text(&instances, row).unwrap_or("-");
            for (values, metric, fixed_unit) in &metrics {
                let Some(value) = values.get(row) else {
                    continue;
                };
                let unit = fixed_unit
                    .clone()
                    .or_else(|| text(dosage_unit.as_slice(), row).map(str::to_owned));
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

/// How a derived series was computed, and its points.
type DerivedPoints = (String, Vec<(BeijingTime, Decimal)>);

/// The points of a traffic series as Mbps, with how they were computed; `None` when the series
/// is not traffic (its unit is not an amount of data), an error when it cannot be converted.
fn bandwidth_points(
    product: &str,
    metric: &str,
    unit: Option<&str>,
    points: &[(BeijingTime, Decimal)],
) -> Option<Result<DerivedPoints, String>> {
    let unit = unit?;
    if !is_data_amount(unit) {
        return None;
    }
    let to_megabits = match conversion(unit, "Mb", product_bases(product)) {
        Ok(to_megabits) => to_megabits,
        Err(cannot) => return Some(Err(cannot.to_string())),
    };
    let interval = points
        .windows(2)
        .map(|pair| pair[1].0.utc_epoch_secs() - pair[0].0.utc_epoch_secs())
        .filter(|&gap| gap > 0)
        .min();
    let Some(interval) = interval else {
        return Some(Err(format!(
            "{metric} has no two points at different times, so no interval"
        )));
    };
    let Some(megabits_per_unit) = to_megabits.apply(Decimal::ONE) else {
        return Some(Err(NOT_EXACT.to_owned()));
    };
    let how = format!("{metric} per {interval} s, 1 {unit} = {megabits_per_unit} Mb");
    let divisor = Decimal::from(interval);
    let converted = points
        .iter()
        .map(|&(time, value)| {
            let mbps = to_megabits.apply(value)? / divisor;
            Some((time, round_half_up(mbps, BANDWIDTH_DECIMALS)))
        })
        .collect::<Option<_>>();
    Some(
        converted
            .map(|converted| (how, converted))
            .ok_or_else(|| NOT_EXACT.to_owned()),
    )
}

/// The product a usage export's title line names: `内容分发网络 CDN 5分钟明细` → `内容分发网络 CDN`.
fn product_of_title(title: &str) -> Option<&str> {
    let rest = title.trim().strip_suffix("明细")?;
    let rest = ["5分钟", "按5分钟", "按日", "按天", "按小时", "按月", "用量"]
        .iter()
        .find_map(|granularity| rest.strip_suffix(granularity))
        .unwrap_or(rest)
        .trim();
    (!rest.is_empty()).then_some(rest)
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
    points: Vec<Point>,
) -> UsageSeries {
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
    crate::model::sort::sort_by(&mut valid_values, |a, b| b.cmp(a));
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
        derived_from: None,
        bandwidth_not_derived: None,
    }
}
