//! Each day's cost of every product, resource, region and instance type, per currency: what the
//! spike and first-appearance rules read, in one pass over the cost rows.
//!
//! A row's day is its 账单日期, else 开始使用时间, else 扣费时间 (as the comparison's day
//! periods); its cost is `RealTotalCost` (优惠后总价), else `TotalCost` where a bill has no
//! discounted column. Rows without a day are in no series. Once the rules have found their days,
//! [`with_rows`] finds the rows behind each in a second pass, so no row list is kept for the days
//! that raise nothing.
//!
//! Both passes read each cost row in four series, which made this the longest analysis of the
//! report (BENCHMARKS.md, *the report's critical path*), so a row costs no hashing and no
//! `Decimal` here: a row's series are found by its cells' symbols in vectors ([`SeriesIndex`]),
//! its cost is added as an integer where the cost column has one scale, and each series' sum of
//! a day becomes a `Decimal` once, when the rows move on to the next day ([`DaySums`]).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::{cite, Alert, AlertKind, Dimension, FoundRows, Rank};
use crate::analysis::compare::{tidy, Day, Period};
use crate::analysis::cost::{cost_column, cost_rows, cost_tables, time_columns, DAY_COLUMNS};
use crate::analysis::currency::{CostRowReader, Currency};
use crate::analysis::products::product_identity;
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Symbol, Table, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;

/// A map as a list of pairs in JSON, whose map keys must be strings.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map)
    }

    pub fn deserialize<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(super) struct SeriesKey {
    pub currency: Currency,
    pub dimension: Dimension,
    pub key: String,
}

/// Every series' cost per day, and the days each currency's rows cover. A file read in parts by
/// several workers has each part's read where it was read, and [`DailyCosts::merge`]d
/// (`report::RowsPass`).
#[derive(Debug, Serialize, Deserialize)]
pub struct DailyCosts {
    #[serde(with = "pairs")]
    pub(super) series: BTreeMap<SeriesKey, BTreeMap<DayNumber, Decimal>>,
    /// The days each currency's rows cover: a day without a row of any currency's product is
    /// not known to have cost nothing (a month not loaded), so it is no history.
    #[serde(with = "pairs")]
    pub(super) coverage: BTreeMap<Currency, BTreeSet<DayNumber>>,
    /// Each product identity's spellings, for its label.
    product_names: FxHashMap<String, BTreeSet<String>>,
    /// Whether each series' cost of a day is the one reading every row in order gives, however
    /// the rows were split into the parts merged here: no part's rows of a series came back to
    /// a day after another, and no merge added two non-zero costs of a day to zero (such a
    /// zero's scale depends on the order its terms were added in: see
    /// `DecimalColumn::adds_alike`).
    pub(crate) alike: bool,
}

impl Default for DailyCosts {
    fn default() -> Self {
        DailyCosts {
            series: BTreeMap::new(),
            coverage: BTreeMap::new(),
            product_names: FxHashMap::default(),
            alike: true,
        }
    }
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

    /// A row's part of `dimension`, and the symbol [`SeriesIndex`] files it under: the product's
    /// code, else its name.
    fn part(&self, dimension: usize, row: usize) -> (Part, Option<Symbol>) {
        let symbol = |column: Option<&TextColumn>| column.and_then(|column| column.get(row));
        match dimension {
            0 => match (symbol(self.codes), symbol(self.names)) {
                (None, None) => (Part::Absent, None),
                (code, name) => (Part::Product(code, name), code.or(name)),
            },
            _ => match symbol(self.texts[dimension - 1]) {
                None => (Part::Absent, None),
                Some(text) => (Part::Text(text), Some(text)),
            },
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

/// One table's series, (currency, dimension, part), numbered from 0 as rows first meet them.
/// A row's part is looked up without hashing: each dimension keeps the number of the series
/// first met for each symbol in a vector indexed by [`Symbol::interned_index`], checked against
/// the row's currency and part. What does not match there (a second currency, a product code
/// with a second name, a cell of a unique column) is numbered through a hash map.
#[derive(Default)]
struct SeriesIndex {
    series: Vec<(Currency, usize, Part)>,
    /// Per dimension, by a symbol's interned index + 1 (0: no symbol), a series' number + 1 (0:
    /// none yet).
    by_symbol: [Vec<u32>; DIMENSIONS.len()],
    others: FxHashMap<(Currency, usize, Part), u32>,
}

impl SeriesIndex {
    /// The number of row `row`'s series of `dimension`.
    #[inline]
    fn number(&mut self, reader: &Reader, currency: Currency, dimension: usize, row: usize) -> u32 {
        let (part, symbol) = reader.part(dimension, row);
        let series = (currency, dimension, part);
        let slot = match symbol {
            None => Some(0),
            Some(symbol) => symbol.interned_index().map(|index| index + 1),
        };
        let Some(slot) = slot else {
            return self.other(series);
        };
        let numbers = &mut self.by_symbol[dimension];
        match numbers.get(slot).copied() {
            Some(filed) if filed != 0 => {
                let number = filed - 1;
                if self.series[number as usize] == series {
                    number
                } else {
                    self.other(series)
                }
            }
            _ => {
                if numbers.len() <= slot {
                    numbers.resize(slot + 1, 0);
                }
                let number = self.add(series);
                self.by_symbol[dimension][slot] = number + 1;
                number
            }
        }
    }

    #[cold]
    fn other(&mut self, series: (Currency, usize, Part)) -> u32 {
        if let Some(&number) = self.others.get(&series) {
            return number;
        }
        let number = self.add(series);
        self.others.insert(series, number);
        number
    }

    fn add(&mut self, series: (Currency, usize, Part)) -> u32 {
        let number = u32::try_from(self.series.len()).expect("fewer than 2^32 series in a table");
        self.series.push(series);
        number
    }
}

/// Each series' cost per day as the rows of one table come: the sums of the day being read in
/// a vector by series number, moved to each series' list of days when the day changes. Bills
/// come sorted by time, so each (series, day) is moved once; rows in another order only make
/// the lists longer, and [`DaySums::finish`] merges them to the same sums.
///
/// `A` is what a row's cost is added as: an integer mantissa at the cost column's one scale
/// when it has one, so a row costs an integer addition and each day's sum one `Decimal`.
struct DaySums<A> {
    day: DayNumber,
    sums: Vec<A>,
    /// The series with a sum on `day`, and which those are.
    touched: Vec<u32>,
    is_touched: Vec<bool>,
    days: Vec<Vec<(DayNumber, Decimal)>>,
}

impl<A: Copy + Default + std::ops::AddAssign> DaySums<A> {
    fn new() -> Self {
        DaySums {
            day: DayNumber::MIN,
            sums: Vec::new(),
            touched: Vec::new(),
            is_touched: Vec::new(),
            days: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, series: u32, cost: A) {
        let index = series as usize;
        if index >= self.sums.len() {
            self.sums.resize(index + 1, A::default());
            self.is_touched.resize(index + 1, false);
            self.days.resize_with(index + 1, Vec::new);
        }
        if self.is_touched[index] {
            self.sums[index] += cost;
        } else {
            self.is_touched[index] = true;
            self.touched.push(series);
            self.sums[index] = cost;
        }
    }

    /// Moves the day's sums to their series' lists: before a row of another day, and at the end.
    fn end_day(&mut self, decimal: &impl Fn(A) -> Decimal) {
        for series in self.touched.drain(..) {
            let index = series as usize;
            self.is_touched[index] = false;
            self.days[index].push((self.day, decimal(self.sums[index])));
        }
    }

    #[inline]
    fn set_day(&mut self, day: DayNumber, decimal: &impl Fn(A) -> Decimal) {
        if day != self.day {
            self.end_day(decimal);
            self.day = day;
        }
    }

    /// Each series' days in order, each once; and whether they came in order.
    fn finish(mut self, decimal: &impl Fn(A) -> Decimal) -> (Vec<Vec<(DayNumber, Decimal)>>, bool) {
        self.end_day(decimal);
        let mut in_order = true;
        for days in &mut self.days {
            if days.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
                in_order = false;
                let mut merged: BTreeMap<DayNumber, Decimal> = BTreeMap::new();
                for &(day, cost) in days.iter() {
                    *merged.entry(day).or_default() += cost;
                }
                *days = merged.into_iter().collect();
            }
        }
        (self.days, in_order)
    }
}

impl DailyCosts {
    pub fn read(dataset: &Dataset) -> DailyCosts {
        let mut daily = DailyCosts::default();
        for (index, table) in cost_tables(dataset) {
            daily.add_rows(table, cost_rows(dataset, index));
        }
        daily
    }

    /// Adds the cost rows `rows` of `table` (a cost table of [`cost_tables`], or a part of one).
    pub fn add_rows(&mut self, table: &Table, rows: impl Iterator<Item = usize>) {
        let reader = Reader::new(table);
        let (series, (days, in_order)) = match reader.cost.map(DecimalColumn::at_one_scale) {
            Some(Some(costs)) => read_table(
                rows,
                &reader,
                |row| i128::from(costs.mantissa(row)),
                |sum| {
                    // Fewer than 2^32 rows of 64-bit mantissas sum below 2^96.
                    Decimal::try_from_i128_with_scale(sum, costs.scale())
                        .expect("a sum of fewer than 2^32 i64 mantissas")
                },
            ),
            _ => read_table(rows, &reader, |row| reader.cost(row), |sum| sum),
        };
        self.alike &= in_order;
        self.add_table(&reader, series, days);
    }

    /// Adds the days of the rows after these (the next part of a file): each series' cost of a
    /// day is the sum of both.
    pub fn merge(&mut self, later: DailyCosts) {
        self.alike &= later.alike;
        for (series, days) in later.series {
            let sums = self.series.entry(series).or_default();
            for (day, cost) in days {
                let sum = sums.entry(day).or_default();
                if !sum.is_zero() && !cost.is_zero() && (*sum + cost).is_zero() {
                    self.alike = false;
                }
                *sum += cost;
            }
        }
        for (currency, days) in later.coverage {
            self.coverage.entry(currency).or_default().extend(days);
        }
        for (identity, names) in later.product_names {
            self.product_names
                .entry(identity)
                .or_default()
                .extend(names);
        }
    }

    /// Adds one table's series and their days, spelled.
    fn add_table(
        &mut self,
        reader: &Reader,
        index: SeriesIndex,
        days: Vec<Vec<(DayNumber, Decimal)>>,
    ) {
        let mut spelled: FxHashMap<(usize, Part), Option<String>> = FxHashMap::default();
        for ((currency, dimension, part), days) in index.series.into_iter().zip(days) {
            if dimension == 0 {
                // Every row with a day is in one product series, those without a product too.
                let covered = self.coverage.entry(currency).or_default();
                covered.extend(days.iter().map(|&(day, _)| day));
            }
            let key = spelled
                .entry((dimension, part))
                .or_insert_with(|| reader.spell(part));
            let Some(key) = key else {
                continue;
            };
            if let Part::Product(_, Some(name)) = part {
                let names = self.product_names.entry(key.clone()).or_default();
                names.insert(reader.table.resolve(name).to_owned());
            }
            let series = SeriesKey {
                currency,
                dimension: DIMENSIONS[dimension],
                key: key.clone(),
            };
            let sums = self.series.entry(series).or_default();
            for (day, cost) in days {
                *sums.entry(day).or_default() += cost;
            }
        }
    }

    /// What a series is called: a product by every spelling of it the rows use.
    pub(super) fn label(&self, series: &SeriesKey) -> String {
        match self.product_names.get(&series.key) {
            Some(names) if series.dimension == Dimension::Product && !names.is_empty() => {
                names.iter().cloned().collect::<Vec<_>>().join(" / ")
            }
            _ => series.key.clone(),
        }
    }
}

/// One table's series and each one's cost per day, a row's cost read by `cost` and its day's
/// sum made a `Decimal` by `decimal`.
fn read_table<A: Copy + Default + std::ops::AddAssign>(
    rows: impl Iterator<Item = usize>,
    reader: &Reader,
    cost: impl Fn(usize) -> A,
    decimal: impl Fn(A) -> Decimal,
) -> (SeriesIndex, (Vec<Vec<(DayNumber, Decimal)>>, bool)) {
    let mut series = SeriesIndex::default();
    let mut sums = DaySums::new();
    for row in rows {
        let Some(day) = reader.day(row) else {
            continue;
        };
        sums.set_day(day, &decimal);
        let currency = reader.currency.currency(row);
        let cost = cost(row);
        for dimension in 0..DIMENSIONS.len() {
            sums.add(series.number(reader, currency, dimension, row), cost);
        }
    }
    let days = sums.finish(&decimal);
    (series, days)
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
    // Wanted (currency, dimension) → key → day → the alerts on it.
    type Days = FxHashMap<DayNumber, Vec<usize>>;
    let mut wanted: FxHashMap<(Currency, usize), FxHashMap<&str, Days>> = FxHashMap::default();
    for (index, alert) in found.iter().enumerate() {
        let dimension = DIMENSIONS
            .iter()
            .position(|&dimension| dimension == alert.series.dimension)
            .expect("a series of a listed dimension");
        wanted
            .entry((alert.series.currency, dimension))
            .or_default()
            .entry(&alert.series.key)
            .or_default()
            .entry(alert.day)
            .or_default()
            .push(index);
    }
    // The days with an alert: a row of another day is in no alert's rows, whatever its series.
    let alert_days: FxHashSet<DayNumber> = found.iter().map(|alert| alert.day).collect();
    let mut rows: Vec<FoundRows> = vec![FoundRows::default(); found.len()];
    if !wanted.is_empty() {
        for (index, table) in cost_tables(dataset) {
            let reader = Reader::new(table);
            let mut series = SeriesIndex::default();
            // By series number, the days of its alerts, found as the series is first met.
            let mut wanted_days: Vec<Option<&Days>> = Vec::new();
            // Rows come in time order: whether a day has alerts is asked once per run of it.
            let mut last_day: Option<(DayNumber, bool)> = None;
            // The dimensions a currency's alerts are of, as bits: a row's series of another
            // dimension is in no alert, so it is not looked up (a bill's listed spikes are often
            // all of one dimension). Asked once per run of a currency.
            let mut last_currency: Option<(Currency, u8)> = None;
            for row in cost_rows(dataset, index) {
                let Some(day) = reader.day(row) else {
                    continue;
                };
                let alerting = match last_day {
                    Some((last, alerting)) if last == day => alerting,
                    _ => {
                        let alerting = alert_days.contains(&day);
                        last_day = Some((day, alerting));
                        alerting
                    }
                };
                if !alerting {
                    continue;
                }
                let currency = reader.currency.currency(row);
                let dimensions = match last_currency {
                    Some((last, dimensions)) if last == currency => dimensions,
                    _ => {
                        let dimensions = (0..DIMENSIONS.len())
                            .filter(|&dimension| wanted.contains_key(&(currency, dimension)))
                            .fold(0u8, |bits, dimension| bits | 1 << dimension);
                        last_currency = Some((currency, dimensions));
                        dimensions
                    }
                };
                for dimension in 0..DIMENSIONS.len() {
                    if dimensions >> dimension & 1 == 0 {
                        continue;
                    }
                    let number = series.number(&reader, currency, dimension, row) as usize;
                    while wanted_days.len() < series.series.len() {
                        let (currency, dimension, part) = series.series[wanted_days.len()];
                        let keys = wanted.get(&(currency, dimension));
                        let key = keys.and(reader.spell(part));
                        wanted_days
                            .push(keys.zip(key).and_then(|(keys, key)| keys.get(key.as_str())));
                    }
                    let alerts = wanted_days[number].and_then(|days| days.get(&day));
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
