//! Each day's cost of every product, resource, region and instance type, per currency: what the
//! spike and first-appearance rules read, in one pass over the cost rows.
//!
//! A row's day is its 账单日期, else 开始使用时间, else 扣费时间 (as the comparison's day
//! periods); its cost is `RealTotalCost` (优惠后总价), else `TotalCost` where a bill has no
//! discounted column. Rows without a day are in no series. Once the rules have found their days,
//! [`with_rows`] finds the rows behind each in a second pass, so no row list is kept for the days
//! that raise nothing. Each cost row takes four map lookups here, so the maps hash with FxHash, as
//! the interner and duplicate detection do.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::{cite, Alert, AlertKind, Dimension, FoundRows, Rank};
use crate::analysis::compare::{tidy, Day, Period};
use crate::analysis::cost::{cost_column, cost_tables, time_columns, DAY_COLUMNS};
use crate::analysis::currency::{CostRowReader, Currency};
use crate::analysis::products::product_identity;
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Symbol, Table, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;

/// The dimensions a series is kept for.
pub(super) const DIMENSIONS: [Dimension; 4] = [
    Dimension::Product,
    Dimension::Resource,
    Dimension::Region,
    Dimension::InstanceType,
];

/// A calendar day in Beijing as a count of days since 1970-01-01.
pub(super) type DayNumber = i64;

pub(super) fn day_of(number: DayNumber) -> Day {
    let (year, month, day, ..) = BeijingTime::beijing_day_start(number).beijing_fields();
    Day(year, month, day)
}

/// The days `first..=last` as a period.
pub(super) fn days(first: DayNumber, last: DayNumber) -> Period {
    Period::Days(day_of(first), day_of(last))
}

/// One series: a currency, a dimension and its value (a product by its identity).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct SeriesKey {
    pub currency: Currency,
    pub dimension: Dimension,
    pub key: String,
}

/// Every series' cost per day, and the days each currency's rows cover.
#[derive(Default)]
pub(super) struct DailyCosts {
    pub series: BTreeMap<SeriesKey, BTreeMap<DayNumber, Decimal>>,
    /// The days each currency's rows cover: a day without a row of any currency's product is
    /// not known to have cost nothing (a month not loaded), so it is no history.
    pub coverage: BTreeMap<Currency, BTreeSet<DayNumber>>,
    /// Each product identity's spellings, for its label.
    product_names: FxHashMap<String, BTreeSet<String>>,
}

/// A row's value of one dimension within its table, cheap to hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part {
    Absent,
    Text(Symbol),
    Product(Option<Symbol>, Option<Symbol>),
}

/// The columns of one cost table the series read, found once.
struct Reader<'a> {
    table: &'a Table,
    currency: CostRowReader<'a>,
    days: Vec<&'a TimeColumn>,
    cost: Option<&'a DecimalColumn>,
    codes: Option<&'a TextColumn>,
    names: Option<&'a TextColumn>,
    /// Resource, region, instance type, in [`DIMENSIONS`]' order after the product.
    texts: [Option<&'a TextColumn>; 3],
}

impl<'a> Reader<'a> {
    fn new(table: &'a Table) -> Self {
        Reader {
            table,
            currency: CostRowReader::new(table),
            days: time_columns(table, &DAY_COLUMNS),
            cost: cost_column(table),
            codes: table.text_column("BusinessCode"),
            names: table.text_column("BusinessCodeName"),
            texts: [
                table.text_column("ResourceId"),
                table.text_column("RegionName"),
                table.text_column("InstanceType"),
            ],
        }
    }

    fn day(&self, row: usize) -> Option<DayNumber> {
        self.days
            .iter()
            .find_map(|column| column.get(row))
            .map(BeijingTime::beijing_day_number)
    }

    fn cost(&self, row: usize) -> Decimal {
        self.cost
            .and_then(|column| column.get(row))
            .unwrap_or_default()
    }

    fn part(&self, dimension: usize, row: usize) -> Part {
        let symbol = |column: Option<&TextColumn>| column.and_then(|column| column.get(row));
        match dimension {
            0 => match (symbol(self.codes), symbol(self.names)) {
                (None, None) => Part::Absent,
                (code, name) => Part::Product(code, name),
            },
            _ => symbol(self.texts[dimension - 1]).map_or(Part::Absent, Part::Text),
        }
    }

    /// The series key of a part; `None` for a row without the value.
    fn spell(&self, part: Part) -> Option<String> {
        let resolve = |symbol: Option<Symbol>| symbol.map(|symbol| self.table.resolve(symbol));
        match part {
            Part::Absent => None,
            Part::Text(symbol) => Some(self.table.resolve(symbol).to_owned()),
            Part::Product(code, name) => Some(product_identity(resolve(code), resolve(name))),
        }
    }
}

impl DailyCosts {
    pub fn read(dataset: &Dataset) -> DailyCosts {
        let mut daily = DailyCosts::default();
        for (index, table) in cost_tables(dataset) {
            let reader = Reader::new(table);
            // Each series of the table by its cells, and its cost per day: one small key per
            // (series, day), as a 1M-row bill has some 150,000 and wasm keeps the map's peak.
            let mut series_of: FxHashMap<(Currency, usize, Part), u32> = FxHashMap::default();
            let mut sums: FxHashMap<(u32, i32), Decimal> = FxHashMap::default();
            for row in dataset.counted_rows(index) {
                let Some(day) = reader.day(row) else {
                    continue;
                };
                let currency = reader.currency.currency(row);
                daily.coverage.entry(currency).or_default().insert(day);
                let cost = reader.cost(row);
                let day = i32::try_from(day).expect("a day of the years an i64 time spans");
                for dimension in 0..DIMENSIONS.len() {
                    let part = reader.part(dimension, row);
                    let next = series_of.len() as u32;
                    let series = *series_of.entry((currency, dimension, part)).or_insert(next);
                    *sums.entry((series, day)).or_default() += cost;
                }
            }
            let mut keys: Vec<Option<SeriesKey>> = vec![None; series_of.len()];
            let mut spelled: FxHashMap<(usize, Part), Option<String>> = FxHashMap::default();
            for ((currency, dimension, part), series) in series_of {
                let key = spelled
                    .entry((dimension, part))
                    .or_insert_with(|| reader.spell(part));
                let Some(key) = key else {
                    continue;
                };
                if let Part::Product(_, Some(name)) = part {
                    let names = daily.product_names.entry(key.clone()).or_default();
                    names.insert(table.resolve(name).to_owned());
                }
                keys[series as usize] = Some(SeriesKey {
                    currency,
                    dimension: DIMENSIONS[dimension],
                    key: key.clone(),
                });
            }
            for ((series, day), cost) in sums {
                let Some(series) = &keys[series as usize] else {
                    continue;
                };
                let days = match daily.series.get_mut(series) {
                    Some(days) => days,
                    None => daily.series.entry(series.clone()).or_default(),
                };
                *days.entry(DayNumber::from(day)).or_default() += cost;
            }
        }
        daily
    }

    /// What a series is called: a product by every spelling of it the rows use.
    pub fn label(&self, series: &SeriesKey) -> String {
        match self.product_names.get(&series.key) {
            Some(names) if series.dimension == Dimension::Product && !names.is_empty() => {
                names.iter().cloned().collect::<Vec<_>>().join(" / ")
            }
            _ => series.key.clone(),
        }
    }
}

/// An alert on one day of one series, before its rows are found.
pub(super) struct Found {
    pub kind: AlertKind,
    pub series: SeriesKey,
    pub subject: String,
    pub day: DayNumber,
    pub amount: Decimal,
    pub expected: Decimal,
    pub threshold: Option<Decimal>,
    pub message: String,
}

impl Found {
    /// Where its alert sorts in the list (see [`with_rows`] for the alert's fields).
    pub fn rank(&self) -> Rank<'_> {
        Rank {
            kind: self.kind,
            currency: Some(self.series.currency),
            excess: Some(self.amount - self.expected),
            dimension: self.series.dimension,
            subject: &self.subject,
            period: Some(days(self.day, self.day)),
        }
    }
}

/// The alerts of `found` with the rows of their series on their day.
pub(super) fn with_rows(dataset: &Dataset, found: Vec<Found>) -> Vec<Alert> {
    // Wanted (currency, dimension, day) → key → the alerts on it.
    let mut wanted: FxHashMap<(Currency, usize, DayNumber), FxHashMap<&str, Vec<usize>>> =
        FxHashMap::default();
    for (index, alert) in found.iter().enumerate() {
        let dimension = DIMENSIONS
            .iter()
            .position(|&dimension| dimension == alert.series.dimension)
            .expect("a series of a listed dimension");
        wanted
            .entry((alert.series.currency, dimension, alert.day))
            .or_default()
            .entry(&alert.series.key)
            .or_default()
            .push(index);
    }
    let mut rows: Vec<FoundRows> = vec![FoundRows::default(); found.len()];
    if !wanted.is_empty() {
        for (index, table) in cost_tables(dataset) {
            let reader = Reader::new(table);
            let mut spelled: FxHashMap<(usize, Part), Option<String>> = FxHashMap::default();
            for row in dataset.counted_rows(index) {
                let Some(day) = reader.day(row) else {
                    continue;
                };
                let currency = reader.currency.currency(row);
                for dimension in 0..DIMENSIONS.len() {
                    let Some(keys) = wanted.get(&(currency, dimension, day)) else {
                        continue;
                    };
                    let part = reader.part(dimension, row);
                    let key = spelled
                        .entry((dimension, part))
                        .or_insert_with(|| reader.spell(part));
                    let alerts = key.as_deref().and_then(|key| keys.get(key));
                    for &alert in alerts.into_iter().flatten() {
                        rows[alert].push((index, row));
                    }
                }
            }
        }
    }
    found
        .into_iter()
        .zip(rows)
        .map(|(found, rows)| Alert {
            kind: found.kind,
            dimension: found.series.dimension,
            subject: found.subject,
            period: Some(days(found.day, found.day)),
            currency: Some(found.series.currency),
            amount: Some(tidy(found.amount)),
            expected: Some(tidy(found.expected)),
            threshold: found.threshold.map(tidy),
            quantity: None,
            unit: None,
            excess: Some(tidy(found.amount - found.expected)),
            message: found.message,
            row_count: rows.count,
            rows: cite(dataset, &rows.first),
        })
        .collect()
}
