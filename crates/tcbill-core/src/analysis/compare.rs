//! What changed between two periods and why, to the last digit.
//!
//! A finance question is rarely "what is the total" but "why is this month ¥38,000 more than the
//! last?". [`compare`] answers it per currency (never across) and per product (one product across
//! languages, [`super::products`]) → component → resource (资源ID): the change of `RealTotalCost`
//! (and of `TotalCost`) is split into named [`Parts`] that add up exactly to the change, on every
//! key and so on every total. The formulas, for a key with rows in both periods A and B, each sum
//! over the key's counted cost rows of one period:
//!
//! - a *priced* row has a usage (组件用量) and a price (组件原价, else 组件刊例价, else 组件单价) and is
//!   no refund or adjustment; Q = Σ UsedAmount × TimeSpan (TimeSpan absent → 1), D = Σ
//!   DeductedMeasure × TimeSpan (absent → 0), R = Q + D; list = 原价, else 刊例价 × UsedAmount ×
//!   TimeSpan (else 组件单价 × UsedAmount × TimeSpan, already discounted); P = Σ list × 折扣率
//!   (absent → 1) for `RealTotalCost`, Σ list for `TotalCost`;
//! - e = P_A / Q_A (if Q_A = 0, P_B / Q_B; if both are 0, no usage parts); usage = (R_B − R_A) × e,
//!   package coverage = −(D_B − D_A) × e, both rounded half away from zero to the bill's 8
//!   decimals; price/discount = ΔP − usage − package coverage (it takes their rounding);
//! - savings plan = −Δ Σ 节省计划抵扣金额 (else 节省计划抵扣原价 × 折扣率), reserved instances =
//!   −Δ Σ 预留实例抵扣原价 × 折扣率 (both `RealTotalCost` only: 原价 is before them);
//! - refunds and adjustments = Δ of the cost of rows whose 交易类型 is a refund, adjustment,
//!   reversal or compensation; no usage or price = Δ of the cost of the other rows that are not
//!   priced (a row with no usage puts all its change here);
//! - rounding = what remains of ΔC: the bill's own rounding of 优惠后总价 = (原价 − 预留实例 −
//!   节省计划) × 折扣率, usually a few 0.00000001s.
//!
//! A key with rows in B only is a new resource (its whole B cost), in A only a removed one (minus
//! its whole A cost). A month period holds the rows of those billing months
//! ([`CostRowReader::month`]); a day period the rows whose day (账单日期, else 开始使用时间, else
//! 扣费时间) falls in it. The rows are those every cost analysis reads (`cost_tables` and
//! `cost_rows`: per month, the most detailed bill loaded, each row counted once). A currency
//! whose rows in the two periods come from bills of different kinds (May from an L2, June from
//! an L3) is compared at the detail both have: by product and resource, every row's cost in
//! `no_usage_or_price` but for refunds and adjustments ([`CurrencyComparison::mixed_detail`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::cost::{
    cost_rows, cost_tables, measure_column, time_columns, CostRowRef, Filter, Measure,
    RowSelection, COST_KINDS, DAY_COLUMNS,
};
use super::currency::{CostRowReader, Currency, Month};
use super::products::product_identity;
use super::{round_half_up, RowRef};
use crate::dataset::Dataset;
use crate::model::deserialize_from_text;
use crate::model::table::{DecimalColumn, Symbol, Table, TableKind, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;

/// The decimals the bill prints amounts with, to which the parts computed with a unit price
/// are rounded.
const BILL_DECIMALS: u32 = 8;

/// How many rows of each period a driver points at: enough to open the bill at them.
pub const ROW_REFS_PER_PERIOD: usize = 10;

/// A calendar day (Beijing): year, month, day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64, pub u32, pub u32);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

/// A stretch of time to compare: billing months or days, first to last, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Months(Month, Month),
    Days(Day, Day),
}

impl Period {
    pub fn month(month: Month) -> Period {
        Period::Months(month, month)
    }
}

/// `2025-09`, `2025-09..2025-10`, `2025-09-01..2025-09-15`: what [`Period::from_str`] reads.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Months(first, last) if first == last => write!(f, "{first}"),
            Period::Months(first, last) => write!(f, "{first}..{last}"),
            Period::Days(first, last) if first == last => write!(f, "{first}"),
            Period::Days(first, last) => write!(f, "{first}..{last}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        deserialize_from_text(deserializer)
    }
}

/// Text that is no [`Period`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAPeriod(pub String);

impl fmt::Display for NotAPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a period: use a month (2025-09), a day (2025-09-01) or FIRST..LAST of one \
             kind (2025-07..2025-09), first not after last",
            self.0
        )
    }
}

impl std::error::Error for NotAPeriod {}

impl FromStr for Period {
    type Err = NotAPeriod;

    fn from_str(text: &str) -> Result<Period, NotAPeriod> {
        let (first, last) = text.split_once("..").unwrap_or((text, text));
        let period = match (bound(first), bound(last)) {
            (Some(Bound::Month(first)), Some(Bound::Month(last))) if first <= last => {
                Some(Period::Months(first, last))
            }
            (Some(Bound::Day(first)), Some(Bound::Day(last))) if first <= last => {
                Some(Period::Days(first, last))
            }
            _ => None,
        };
        period.ok_or_else(|| NotAPeriod(text.to_owned()))
    }
}

enum Bound {
    Month(Month),
    Day(Day),
}

/// `yyyy-mm` or `yyyy-mm-dd`, a real date (parsed by [`BeijingTime::parse`]).
fn bound(text: &str) -> Option<Bound> {
    let text = text.trim();
    let fields = text.split('-').count();
    if !text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'-')
    {
        return None;
    }
    let (year, month, day, ..) = BeijingTime::parse(text).ok()??.beijing_fields();
    match fields {
        2 => Some(Bound::Month(Month(year, month))),
        3 => Some(Bound::Day(Day(year, month, day))),
        _ => None,
    }
}

/// The billing months the counted cost rows cover, all currencies together.
pub fn billing_months(dataset: &Dataset) -> BTreeSet<Month> {
    let mut months = BTreeSet::new();
    for (index, table) in cost_tables(dataset) {
        let reader = CostRowReader::new(table);
        months.extend(cost_rows(dataset, index).filter_map(|row| reader.month(row)));
    }
    months
}

/// The periods compared by default: the month before the latest billing month with cost rows
/// (the latest loaded one before it), then that latest month. `None` with fewer than two months.
pub fn default_periods(dataset: &Dataset) -> Option<(Period, Period)> {
    let months = billing_months(dataset);
    let mut latest = months.iter().rev();
    let (b, a) = (*latest.next()?, *latest.next()?);
    Some((Period::month(a), Period::month(b)))
}

/// The change of one measure split into parts that add up exactly to `change`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    pub new_resources: Decimal,
    pub removed_resources: Decimal,
    pub usage: Decimal,
    pub package_coverage: Decimal,
    pub price: Decimal,
    pub savings_plan: Decimal,
    pub reserved_instances: Decimal,
    pub refunds_adjustments: Decimal,
    pub no_usage_or_price: Decimal,
    pub rounding: Decimal,
}

impl Parts {
    /// Each part with its name, in order: what a chart or a table lists.
    pub fn named(&self) -> [(&'static str, Decimal); 10] {
        [
            ("new_resources", self.new_resources),
            ("removed_resources", self.removed_resources),
            ("usage", self.usage),
            ("package_coverage", self.package_coverage),
            ("price", self.price),
            ("savings_plan", self.savings_plan),
            ("reserved_instances", self.reserved_instances),
            ("refunds_adjustments", self.refunds_adjustments),
            ("no_usage_or_price", self.no_usage_or_price),
            ("rounding", self.rounding),
        ]
    }

    /// The sum of every part: the change, exactly.
    pub fn sum(&self) -> Decimal {
        self.named().iter().map(|(_, amount)| amount).sum()
    }

    fn add(&mut self, other: &Parts) {
        self.new_resources += other.new_resources;
        self.removed_resources += other.removed_resources;
        self.usage += other.usage;
        self.package_coverage += other.package_coverage;
        self.price += other.price;
        self.savings_plan += other.savings_plan;
        self.reserved_instances += other.reserved_instances;
        self.refunds_adjustments += other.refunds_adjustments;
        self.no_usage_or_price += other.no_usage_or_price;
        self.rounding += other.rounding;
    }

    fn tidy(mut self) -> Parts {
        for part in [
            &mut self.new_resources,
            &mut self.removed_resources,
            &mut self.usage,
            &mut self.package_coverage,
            &mut self.price,
            &mut self.savings_plan,
            &mut self.reserved_instances,
            &mut self.refunds_adjustments,
            &mut self.no_usage_or_price,
            &mut self.rounding,
        ] {
            *part = tidy(*part);
        }
        self
    }
}

/// An amount without trailing zeros past the cent (`12.3400000000` → `12.34`, `0` → `0.00`) and
/// never `-0`: products of 8-decimal amounts and 折扣率 carry more zeros than digits.
pub(super) fn tidy(amount: Decimal) -> Decimal {
    let mut amount = amount.normalize();
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    amount
}

/// One measure in period A and B, its change and the change's parts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub a: Decimal,
    pub b: Decimal,
    pub change: Decimal,
    pub parts: Parts,
}

impl Change {
    fn add(&mut self, other: &Change) {
        self.a += other.a;
        self.b += other.b;
        self.change += other.change;
        self.parts.add(&other.parts);
    }

    fn tidy(self) -> Change {
        Change {
            a: tidy(self.a),
            b: tidy(self.b),
            change: tidy(self.change),
            parts: self.parts.tidy(),
        }
    }
}

/// Whether a driver's resource was billed in A, B or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Removed,
    Changed,
}

impl Status {
    /// The name the report's JSON and CSV give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// The rows a driver is made of: one currency's rows of a product (its identity, [`super::products`])
/// and, below the product level, of a component and a resource (`-` for rows without one).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DriverKey {
    pub currency: Option<Currency>,
    pub product: String,
    pub component: Option<String>,
    pub resource: Option<String>,
}

impl DriverKey {
    /// The key of the drivers this one is rolled up into at `level`.
    fn at(&self, level: Level) -> DriverKey {
        let keep = |field: &Option<String>, kept: bool| if kept { field.clone() } else { None };
        DriverKey {
            currency: self.currency,
            product: self.product.clone(),
            component: keep(&self.component, level != Level::Product),
            resource: keep(&self.resource, level == Level::Resource),
        }
    }
}

/// How finely drivers are keyed: by product, product → component, or product → component →
/// resource (what [`compare`] gives). Named by [`Level::as_str`] wherever it is written (JSON, the
/// page's URL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    Product,
    Component,
    #[default]
    Resource,
}

impl Level {
    /// Every level, coarsest first.
    pub const ALL: [Level; 3] = [Level::Product, Level::Component, Level::Resource];

    /// `product`, `component`, `resource`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Product => "product",
            Level::Component => "component",
            Level::Resource => "resource",
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(name: &str) -> Result<Level, String> {
        Level::ALL
            .into_iter()
            .find(|level| level.as_str() == name)
            .ok_or_else(|| format!("`{name}` is no level: product, component or resource"))
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Level, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// One product → component → resource and how its cost changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Driver {
    /// Which rows it is made of; not in the report (the labels below say it for people).
    #[serde(skip)]
    pub key: DriverKey,
    /// Every spelling the loaded rows use for the product (`Cloud Virtual Machine(CVM) / 云服务器CVM`).
    pub product: String,
    /// 组件名称, else 组件类型; `-` when the rows have neither.
    pub component: String,
    /// 资源ID; `-` when the rows have none.
    pub resource: String,
    pub status: Status,
    pub rows_a: usize,
    pub rows_b: usize,
    /// The first rows of each period ([`ROW_REFS_PER_PERIOD`]), in file order.
    pub row_refs_a: Vec<RowRef>,
    pub row_refs_b: Vec<RowRef>,
    #[serde(rename = "RealTotalCost", skip_serializing_if = "Option::is_none")]
    pub real_total_cost: Option<Change>,
    #[serde(rename = "TotalCost", skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<Change>,
}

impl Driver {
    /// The change it ranks by: RealTotalCost's, else TotalCost's.
    pub fn change(&self) -> Option<&Change> {
        self.real_total_cost.as_ref().or(self.total_cost.as_ref())
    }
}

/// The comparison of one currency's rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyComparison {
    pub currency: Currency,
    pub rows_a: usize,
    pub rows_b: usize,
    /// `None` when no cost table has the measure.
    #[serde(rename = "RealTotalCost", skip_serializing_if = "Option::is_none")]
    pub real_total_cost: Option<Change>,
    #[serde(rename = "TotalCost", skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<Change>,
    /// The bill kinds its rows are read from when they are more than one (May from an L2
    /// resource bill, June from an L3: [`super::cost::month_sources`]), most detailed first;
    /// empty, and not in the JSON, otherwise. Then the periods are compared at the detail both
    /// have: drivers by product and resource (component `*`), and no change split into usage,
    /// package coverage, price, savings plan or reserved instances (a less detailed bill has no
    /// usage and no prices): what is not new, removed, refund or adjustment is in
    /// `no_usage_or_price`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mixed_detail: Vec<String>,
    /// Drivers in all: `drivers` may hold only the largest.
    pub driver_count: usize,
    /// By |change of RealTotalCost| (else of TotalCost), largest first, then by key; keys with no
    /// change and no part are left out.
    pub drivers: Vec<Driver>,
}

impl CurrencyComparison {
    /// The change a bill is judged by: RealTotalCost's, else TotalCost's.
    pub fn change(&self) -> Option<&Change> {
        self.real_total_cost.as_ref().or(self.total_cost.as_ref())
    }
}

/// Period `b` against period `a`, per currency. The app's worker sends it to the page as it is
/// (both deserialise this type); a driver's `key` stays in the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub a: Period,
    pub b: Period,
    pub currencies: Vec<CurrencyComparison>,
}

impl Comparison {
    /// Pretty-printed JSON ending with a newline, as the report writes it.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a comparison always serialises");
        json.push('\n');
        json
    }

    /// Keeps each currency's `limit` largest drivers (the totals keep every key).
    pub fn truncate_drivers(&mut self, limit: usize) {
        for currency in &mut self.currencies {
            currency.drivers.truncate(limit);
        }
    }
}

/// The sums of one measure over one key's rows of one period.
#[derive(Clone, Debug, Default)]
struct MeasureSums {
    /// C: every row.
    cost: Decimal,
    /// P: the priced rows.
    priced: Decimal,
    savings_plan: Decimal,
    reserved_instances: Decimal,
    /// The cost of refund and adjustment rows.
    refunds_adjustments: Decimal,
    /// The cost of the other rows without usage or price.
    no_usage_or_price: Decimal,
}

impl MeasureSums {
    fn add(&mut self, other: &MeasureSums) {
        self.cost += other.cost;
        self.priced += other.priced;
        self.savings_plan += other.savings_plan;
        self.reserved_instances += other.reserved_instances;
        self.refunds_adjustments += other.refunds_adjustments;
        self.no_usage_or_price += other.no_usage_or_price;
    }
}

/// One key's rows of one period.
#[derive(Clone, Debug, Default)]
struct PeriodSums {
    rows: usize,
    row_refs: Vec<RowRef>,
    /// Q.
    billed_usage: Decimal,
    /// D.
    deducted_usage: Decimal,
    /// `RealTotalCost`, then `TotalCost`.
    measures: [MeasureSums; 2],
}

impl PeriodSums {
    /// The sums at a less detailed bill's detail: no usage, no price, no plan; the cost of every
    /// row that is no refund or adjustment is in `no_usage_or_price`.
    fn without_detail(self) -> PeriodSums {
        PeriodSums {
            billed_usage: Decimal::ZERO,
            deducted_usage: Decimal::ZERO,
            measures: self.measures.map(|sums| MeasureSums {
                no_usage_or_price: sums.cost - sums.refunds_adjustments,
                refunds_adjustments: sums.refunds_adjustments,
                cost: sums.cost,
                ..MeasureSums::default()
            }),
            ..self
        }
    }

    fn add(&mut self, other: PeriodSums) {
        self.rows += other.rows;
        let room = ROW_REFS_PER_PERIOD.saturating_sub(self.row_refs.len());
        self.row_refs.extend(other.row_refs.into_iter().take(room));
        self.billed_usage += other.billed_usage;
        self.deducted_usage += other.deducted_usage;
        for (sums, other) in self.measures.iter_mut().zip(&other.measures) {
            sums.add(other);
        }
    }
}

/// The measures compared, in the order of [`PeriodSums::measures`].
const MEASURES: [Measure; 2] = [Measure::RealTotalCost, Measure::TotalCost];

/// The columns of one table the comparison reads, found once.
struct Columns<'a> {
    rows: CostRowReader<'a>,
    days: Vec<&'a TimeColumn>,
    codes: Option<&'a TextColumn>,
    names: Option<&'a TextColumn>,
    components: [Option<&'a TextColumn>; 2],
    resources: Option<&'a TextColumn>,
    action_types: Option<&'a TextColumn>,
    measures: [Option<&'a DecimalColumn>; 2],
    used: Option<&'a DecimalColumn>,
    time_span: Option<&'a DecimalColumn>,
    deducted: Option<&'a DecimalColumn>,
    cost: Option<&'a DecimalColumn>,
    list_price: Option<&'a DecimalColumn>,
    contract_price: Option<&'a DecimalColumn>,
    discount: Option<&'a DecimalColumn>,
    sp_deduction: Option<&'a DecimalColumn>,
    sp_original: Option<&'a DecimalColumn>,
    ri_original: Option<&'a DecimalColumn>,
}

impl<'a> Columns<'a> {
    fn new(table: &'a Table) -> Self {
        let text = |name: &str| table.text_column(name);
        let decimal = |name: &str| table.decimal_column(name);
        Columns {
            rows: CostRowReader::new(table),
            days: time_columns(table, &DAY_COLUMNS),
            codes: text("BusinessCode"),
            names: text("BusinessCodeName"),
            components: [text("ItemCodeName"), text("ComponentCodeName")],
            resources: text("ResourceId"),
            action_types: text("ActionTypeName"),
            measures: MEASURES.map(|measure| measure_column(table, measure)),
            used: decimal("UsedAmount"),
            time_span: decimal("TimeSpan"),
            deducted: decimal("DeductedMeasure"),
            cost: measure_column(table, Measure::TotalCost),
            list_price: decimal("SinglePrice"),
            contract_price: decimal("ContractPrice"),
            discount: decimal("Discount"),
            sp_deduction: decimal("SPDeduction"),
            sp_original: decimal("OriginalCostWithSP"),
            ri_original: decimal("OriginalCostWithRI"),
        }
    }

    fn in_period(&self, period: &Period, row: usize) -> bool {
        match period {
            Period::Months(first, last) => self
                .rows
                .month(row)
                .is_some_and(|month| (*first..=*last).contains(&month)),
            Period::Days(first, last) => self
                .days
                .iter()
                .find_map(|column| column.get(row))
                .is_some_and(|time| {
                    let (year, month, day, ..) = time.beijing_fields();
                    (*first..=*last).contains(&Day(year, month, day))
                }),
        }
    }

    fn key(&self, row: usize) -> LocalKey {
        let symbol = |column: Option<&TextColumn>| column.and_then(|column| column.get(row));
        LocalKey {
            currency: self.rows.currency(row),
            code: symbol(self.codes),
            name: symbol(self.names),
            component: self.components.iter().find_map(|column| symbol(*column)),
            resource: symbol(self.resources),
        }
    }

    fn is_refund_or_adjustment(&self, table: &Table, row: usize) -> bool {
        self.action_types
            .and_then(|column| column.get(row))
            .is_some_and(|symbol| is_refund_or_adjustment(table.resolve(symbol)))
    }

    /// Adds `row` to `sums`, by the formulas of the module's documentation.
    fn add_row(&self, table: &Table, row: usize, sums: &mut PeriodSums) {
        let get = |column: Option<&DecimalColumn>| column.and_then(|column| column.get(row));
        let costs = self.measures.map(|column| get(column).unwrap_or_default());
        for (measure, cost) in sums.measures.iter_mut().zip(costs) {
            measure.cost += cost;
        }
        let priced = if self.is_refund_or_adjustment(table, row) {
            for (measure, cost) in sums.measures.iter_mut().zip(costs) {
                measure.refunds_adjustments += cost;
            }
            return;
        } else {
            self.priced(row)
        };
        match priced {
            Some(priced) => {
                sums.billed_usage += priced.billed_usage;
                sums.deducted_usage += priced.deducted_usage;
                let [real, total] = &mut sums.measures;
                real.priced += priced.real;
                real.savings_plan += priced.savings_plan;
                real.reserved_instances += priced.reserved_instances;
                total.priced += priced.list;
            }
            None => {
                for (measure, cost) in sums.measures.iter_mut().zip(costs) {
                    measure.no_usage_or_price += cost;
                }
            }
        }
    }

    /// A row's usage and prices; `None` for a row without usage or price, or whose products
    /// leave a decimal's 28 digits.
    fn priced(&self, row: usize) -> Option<PricedRow> {
        let get = |column: Option<&DecimalColumn>| column.and_then(|column| column.get(row));
        let span = get(self.time_span).unwrap_or(Decimal::ONE);
        let billed_usage = get(self.used)?.checked_mul(span)?;
        let deducted_usage = get(self.deducted).unwrap_or_default().checked_mul(span)?;
        let (list, discount) = match (get(self.cost), get(self.list_price)) {
            (Some(cost), _) => (cost, get(self.discount).unwrap_or(Decimal::ONE)),
            (None, Some(price)) => (
                price.checked_mul(billed_usage)?,
                get(self.discount).unwrap_or(Decimal::ONE),
            ),
            (None, None) => (
                get(self.contract_price)?.checked_mul(billed_usage)?,
                Decimal::ONE,
            ),
        };
        let savings_plan = match (get(self.sp_deduction), get(self.sp_original)) {
            (Some(deduction), _) => deduction,
            (None, Some(original)) => original.checked_mul(discount)?,
            (None, None) => Decimal::ZERO,
        };
        let reserved_instances = get(self.ri_original)
            .unwrap_or_default()
            .checked_mul(discount)?;
        Some(PricedRow {
            billed_usage,
            deducted_usage,
            list,
            real: list.checked_mul(discount)?,
            savings_plan,
            reserved_instances,
        })
    }
}

struct PricedRow {
    billed_usage: Decimal,
    deducted_usage: Decimal,
    list: Decimal,
    real: Decimal,
    savings_plan: Decimal,
    reserved_instances: Decimal,
}

/// A 交易类型 (or 消耗类型) that is a refund, an adjustment, a reversal or a compensation
/// (`包年包月退款`, `调账扣费`, `按量计费冲正`, `调账补偿`, `Refund`, `Adjustment`).
pub(crate) fn is_refund_or_adjustment(action: &str) -> bool {
    const CHINESE: [&str; 5] = ["退款", "退费", "调账", "冲正", "补偿"];
    const ENGLISH: [&str; 4] = ["refund", "adjust", "reversal", "compensat"];
    CHINESE.iter().any(|word| action.contains(word)) || {
        let lower = action.to_lowercase();
        ENGLISH.iter().any(|word| lower.contains(word))
    }
}

/// A key within one table: interned, so a row costs no string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct LocalKey {
    currency: Currency,
    code: Option<Symbol>,
    name: Option<Symbol>,
    component: Option<Symbol>,
    resource: Option<Symbol>,
}

/// A key across tables: currency, product identity, component, resource.
type Key = (Currency, String, String, String);

/// Compares period `b` with period `a`: see the module's documentation.
pub fn compare(dataset: &Dataset, a: Period, b: Period) -> Comparison {
    compare_filtered(dataset, a, b, &[], Level::Resource)
}

/// [`compare`] of the cost rows that pass `filters` only (the page's filtered view), its drivers
/// summed up to `level`: a product's change is the sum of its resources' changes, part by part,
/// those that did not move included (a product with an unchanged and a new resource changed).
pub fn compare_filtered(
    dataset: &Dataset,
    a: Period,
    b: Period,
    filters: &[Filter],
    level: Level,
) -> Comparison {
    let periods = [a, b];
    let selection = RowSelection::new(dataset, filters);
    let mut sums: BTreeMap<Key, [Option<PeriodSums>; 2]> = BTreeMap::new();
    let mut spellings: FxHashMap<String, BTreeSet<String>> = FxHashMap::default();
    let mut has_measure: BTreeMap<Currency, [bool; 2]> = BTreeMap::new();
    // The bill kinds each currency's rows in either period are read from, most detailed first.
    let mut kinds: BTreeMap<Currency, Vec<TableKind>> = BTreeMap::new();
    for (index, table) in cost_tables(dataset) {
        let columns = Columns::new(table);
        let file = &dataset.files()[index].name;
        // Per key, its first row and its sums in each period.
        let mut local: FxHashMap<LocalKey, (usize, [Option<PeriodSums>; 2])> = FxHashMap::default();
        let mut selected = selection.of_table(table);
        for row in cost_rows(dataset, index) {
            if !selected.passes(table, row) {
                continue;
            }
            for (period_index, period) in periods.iter().enumerate() {
                if !columns.in_period(period, row) {
                    continue;
                }
                let key = columns.key(row);
                let period_sums = local.entry(key).or_insert((row, [None, None])).1[period_index]
                    .get_or_insert_with(Default::default);
                period_sums.rows += 1;
                if period_sums.row_refs.len() < ROW_REFS_PER_PERIOD {
                    period_sums.row_refs.push(RowRef::of(file, table, row));
                }
                columns.add_row(table, row, period_sums);
            }
        }
        let resolve = |symbol: Option<Symbol>| symbol.map(|symbol| table.resolve(symbol));
        // In the order of their first rows, not the map's, which follows the symbols' numbers
        // (another order in a file read in parts and joined than in the file read whole): the
        // keys of one spelling are added in this order, which decides their row references and
        // the scale of a sum cancelled to zero.
        let mut local: Vec<_> = local.into_iter().collect();
        local.sort_unstable_by_key(|(_, (first_row, _))| *first_row);
        for (key, (_, periods)) in local {
            let (code, name) = (resolve(key.code), resolve(key.name));
            let identity = product_identity(code, name);
            spellings
                .entry(identity.clone())
                .or_default()
                .extend(name.map(str::to_owned));
            let read_from = kinds.entry(key.currency).or_default();
            if !read_from.contains(&table.kind()) {
                read_from.push(table.kind());
                read_from.sort_by_key(|kind| COST_KINDS.iter().position(|cost| cost == kind));
            }
            let present = has_measure.entry(key.currency).or_default();
            for (present, column) in present.iter_mut().zip(columns.measures) {
                *present |= column.is_some();
            }
            let text = |symbol: Option<Symbol>| resolve(symbol).unwrap_or("-").to_owned();
            let entry = sums
                .entry((
                    key.currency,
                    identity,
                    text(key.component),
                    text(key.resource),
                ))
                .or_default();
            for (slot, period) in entry.iter_mut().zip(periods) {
                if let Some(period) = period {
                    slot.get_or_insert_with(Default::default).add(period);
                }
            }
        }
    }
    // A currency whose rows come from bills of different detail is compared at the detail
    // they share: by product and resource, without a split into usage and price.
    let mixed = |currency: &Currency| kinds.get(currency).is_some_and(|kinds| kinds.len() > 1);
    if kinds.values().any(|kinds| kinds.len() > 1) {
        let mut coarse: BTreeMap<Key, [Option<PeriodSums>; 2]> = BTreeMap::new();
        for (key, periods) in sums {
            let (currency, identity, component, resource) = key;
            let (component, lower) = if mixed(&currency) {
                ("*".to_owned(), true)
            } else {
                (component, false)
            };
            let entry = coarse
                .entry((currency, identity, component, resource))
                .or_default();
            for (slot, period) in entry.iter_mut().zip(periods) {
                if let Some(period) = period {
                    let period = if lower {
                        period.without_detail()
                    } else {
                        period
                    };
                    slot.get_or_insert_with(Default::default).add(period);
                }
            }
        }
        sums = coarse;
    }
    let label = |identity: &str| match spellings.get(identity) {
        Some(names) if !names.is_empty() => names.iter().cloned().collect::<Vec<_>>().join(" / "),
        _ => identity.to_owned(),
    };
    let mut currencies: BTreeMap<Currency, CurrencyComparison> = BTreeMap::new();
    for ((currency, identity, component, resource), [sums_a, sums_b]) in sums {
        let present = has_measure[&currency];
        let changes: [Option<Change>; 2] = std::array::from_fn(|measure| {
            present[measure].then(|| split(sums_a.as_ref(), sums_b.as_ref(), measure))
        });
        let section = currencies
            .entry(currency)
            .or_insert_with(|| CurrencyComparison {
                currency,
                rows_a: 0,
                rows_b: 0,
                real_total_cost: present[0].then(Change::default),
                total_cost: present[1].then(Change::default),
                mixed_detail: match kinds.get(&currency) {
                    Some(kinds) if kinds.len() > 1 => {
                        kinds.iter().map(|kind| format!("{kind:?}")).collect()
                    }
                    _ => Vec::new(),
                },
                driver_count: 0,
                drivers: Vec::new(),
            });
        let rows = |sums: &Option<PeriodSums>| sums.as_ref().map_or(0, |sums| sums.rows);
        section.rows_a += rows(&sums_a);
        section.rows_b += rows(&sums_b);
        let [real, total] = changes;
        for (sum, change) in [
            (&mut section.real_total_cost, &real),
            (&mut section.total_cost, &total),
        ] {
            if let (Some(sum), Some(change)) = (sum.as_mut(), change) {
                sum.add(change);
            }
        }
        let status = match (&sums_a, &sums_b) {
            (None, _) => Status::New,
            (_, None) => Status::Removed,
            _ => Status::Changed,
        };
        let refs = |sums: Option<PeriodSums>| sums.map(|sums| sums.row_refs).unwrap_or_default();
        let key = DriverKey {
            currency: Some(currency),
            product: identity.clone(),
            // Every component, where the rows are compared without them.
            component: (!mixed(&currency)).then(|| component.clone()),
            resource: Some(resource.clone()),
        };
        section.drivers.push(Driver {
            key,
            product: label(&identity),
            component,
            resource,
            status,
            rows_a: rows(&sums_a),
            rows_b: rows(&sums_b),
            row_refs_a: refs(sums_a),
            row_refs_b: refs(sums_b),
            real_total_cost: real.map(Change::tidy),
            total_cost: total.map(Change::tidy),
        });
    }
    let currencies = currencies
        .into_values()
        .map(|mut section| {
            if level != Level::Resource {
                section.drivers = rolled_up(std::mem::take(&mut section.drivers), level);
            }
            section.drivers.retain(Driver::moved);
            rank(&mut section.drivers);
            section.driver_count = section.drivers.len();
            section.real_total_cost = section.real_total_cost.map(Change::tidy);
            section.total_cost = section.total_cost.map(Change::tidy);
            section
        })
        .collect();
    Comparison { a, b, currencies }
}

/// Orders drivers by |change of RealTotalCost| (else of TotalCost), largest first, then by key.
fn rank(drivers: &mut [Driver]) {
    let size = |driver: &Driver| {
        driver
            .change()
            .map_or(Decimal::ZERO, |change| change.change.abs())
    };
    crate::model::sort::sort_by(drivers, |x, y| {
        size(y).cmp(&size(x)).then_with(|| {
            (&x.product, &x.component, &x.resource).cmp(&(&y.product, &y.component, &y.resource))
        })
    });
}

/// The drivers summed up to `level`, every driver of a resource, moved or not, in its group.
fn rolled_up(drivers: Vec<Driver>, level: Level) -> Vec<Driver> {
    let mut groups: BTreeMap<DriverKey, Driver> = BTreeMap::new();
    for driver in drivers {
        let key = driver.key.at(level);
        match groups.entry(key.clone()) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(Driver {
                    key,
                    component: if level == Level::Product {
                        "*".to_owned()
                    } else {
                        driver.component.clone()
                    },
                    resource: "*".to_owned(),
                    ..driver
                });
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                slot.get_mut().merge(driver);
            }
        }
    }
    groups
        .into_values()
        .map(|mut driver| {
            driver.real_total_cost = driver.real_total_cost.map(Change::tidy);
            driver.total_cost = driver.total_cost.map(Change::tidy);
            driver
        })
        .collect()
}

impl Driver {
    /// Whether its cost moved: a change, or parts that are not all zero (a usage rise that a
    /// price cut cancels).
    fn moved(&self) -> bool {
        [&self.real_total_cost, &self.total_cost]
            .into_iter()
            .flatten()
            .any(|change| {
                !change.change.is_zero()
                    || change.parts.named().iter().any(|(_, part)| !part.is_zero())
            })
    }

    /// Adds another driver of the same rolled-up key: rows, the first row references, changes.
    fn merge(&mut self, other: Driver) {
        self.status = if self.status == other.status {
            self.status
        } else {
            Status::Changed
        };
        self.rows_a += other.rows_a;
        self.rows_b += other.rows_b;
        for (refs, more) in [
            (&mut self.row_refs_a, other.row_refs_a),
            (&mut self.row_refs_b, other.row_refs_b),
        ] {
            let room = ROW_REFS_PER_PERIOD.saturating_sub(refs.len());
            refs.extend(more.into_iter().take(room));
        }
        for (sum, change) in [
            (&mut self.real_total_cost, other.real_total_cost),
            (&mut self.total_cost, other.total_cost),
        ] {
            if let (Some(sum), Some(change)) = (sum.as_mut(), change) {
                sum.add(&change);
            }
        }
    }
}

/// The cost rows of `period` that pass `filters` and belong to the driver `key` (at any
/// [`Level`]), in file order: the rows [`compare_filtered`] counted for it.
pub fn driver_rows(
    dataset: &Dataset,
    period: Period,
    filters: &[Filter],
    key: &DriverKey,
) -> Vec<CostRowRef> {
    let selection = RowSelection::new(dataset, filters);
    let mut rows = Vec::new();
    for (index, table) in cost_tables(dataset) {
        let columns = Columns::new(table);
        let mut selected = selection.of_table(table);
        // Whether a row's key is the driver's, decided once per distinct key of the table.
        let mut matches: FxHashMap<LocalKey, bool> = FxHashMap::default();
        let resolve = |symbol: Option<Symbol>| symbol.map(|symbol| table.resolve(symbol));
        for row in cost_rows(dataset, index) {
            if !columns.in_period(&period, row) || !selected.passes(table, row) {
                continue;
            }
            let local = columns.key(row);
            let matched = *matches.entry(local).or_insert_with(|| {
                let text = |symbol: Option<Symbol>| resolve(symbol).unwrap_or("-");
                let same = |wanted: &Option<String>, found: Option<Symbol>| {
                    wanted.as_deref().is_none_or(|wanted| wanted == text(found))
                };
                key.currency
                    .is_none_or(|currency| currency == local.currency)
                    && product_identity(resolve(local.code), resolve(local.name)) == key.product
                    && same(&key.component, local.component)
                    && same(&key.resource, local.resource)
            });
            if matched {
                rows.push((index, row));
            }
        }
    }
    rows
}

/// One key's change of measure `measure` (an index into [`MEASURES`]), split into parts.
fn split(a: Option<&PeriodSums>, b: Option<&PeriodSums>, measure: usize) -> Change {
    let cost = |sums: Option<&PeriodSums>| sums.map_or(Decimal::ZERO, |s| s.measures[measure].cost);
    let (cost_a, cost_b) = (cost(a), cost(b));
    let mut change = Change {
        a: cost_a,
        b: cost_b,
        change: cost_b - cost_a,
        parts: Parts::default(),
    };
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (None, _) => {
            change.parts.new_resources = cost_b;
            return change;
        }
        (_, None) => {
            change.parts.removed_resources = -cost_a;
            return change;
        }
    };
    let (sums_a, sums_b) = (&a.measures[measure], &b.measures[measure]);
    let delta = |part: fn(&MeasureSums) -> Decimal| part(sums_b) - part(sums_a);
    let priced_change = delta(|sums| sums.priced);
    let raw_usage = |sums: &PeriodSums| sums.billed_usage + sums.deducted_usage;
    let unit_price = if !a.billed_usage.is_zero() {
        Some((sums_a.priced, a.billed_usage))
    } else if !b.billed_usage.is_zero() {
        Some((sums_b.priced, b.billed_usage))
    } else {
        None
    };
    // (ΔR × P) / Q: multiplying first keeps the quotient's 28 digits for the rounding.
    let at_unit_price = |quantity: Decimal| {
        unit_price.and_then(|(priced, usage)| {
            let value = quantity.checked_mul(priced)?.checked_div(usage)?;
            Some(round_half_up(value, BILL_DECIMALS))
        })
    };
    let parts = &mut change.parts;
    parts.usage = at_unit_price(raw_usage(b) - raw_usage(a)).unwrap_or_default();
    parts.package_coverage =
        at_unit_price(-(b.deducted_usage - a.deducted_usage)).unwrap_or_default();
    parts.price = priced_change - parts.usage - parts.package_coverage;
    parts.savings_plan = -delta(|sums| sums.savings_plan);
    parts.reserved_instances = -delta(|sums| sums.reserved_instances);
    parts.refunds_adjustments = delta(|sums| sums.refunds_adjustments);
    parts.no_usage_or_price = delta(|sums| sums.no_usage_or_price);
    parts.rounding = change.change
        - priced_change
        - parts.savings_plan
        - parts.reserved_instances
        - parts.refunds_adjustments
        - parts.no_usage_or_price;
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_print_alike() {
        for text in [
            "2025-09",
            "2025-07..2025-09",
            "2025-09-01",
            "2025-09-01..2025-09-15",
        ] {
            assert_eq!(text.parse::<Period>().unwrap().to_string(), text);
        }
        assert_eq!(
            "2025-09..2025-09".parse::<Period>().unwrap().to_string(),
            "2025-09"
        );
        for wrong in [
            "2025-10..2025-09",
            "2025-09..2025-09-01",
            "2025-13",
            "2025-02-30",
            "2025",
            "2025-09-01 10:00:00",
            "last month",
        ] {
            assert!(wrong.parse::<Period>().is_err(), "{wrong}");
        }
        assert_eq!(
            "2025".parse::<Period>().unwrap_err().to_string(),
            "`2025` is not a period: use a month (2025-09), a day (2025-09-01) or FIRST..LAST of \
             one kind (2025-07..2025-09), first not after last"
        );
    }

    #[test]
    fn refunds_and_adjustments_by_transaction_type() {
        for refund in [
            "包年包月退款",
            "调账扣费",
            "按量计费冲正",
            "调账补偿",
            "Refund",
            "Adjustment",
        ] {
            assert!(is_refund_or_adjustment(refund), "{refund}");
        }
        for charge in ["按量计费小时结", "包年包月新购", "Pay-as-you-go hourly"] {
            assert!(!is_refund_or_adjustment(charge), "{charge}");
        }
    }

    #[test]
    fn a_level_is_written_and_read_by_its_one_name() {
        for level in Level::ALL {
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
            assert_eq!(serde_json::from_str::<Level>(&json).unwrap(), level);
            assert_eq!(level.as_str().parse::<Level>(), Ok(level));
        }
        assert_eq!(
            Level::ALL.map(Level::as_str),
            ["product", "component", "resource"]
        );
        assert!(serde_json::from_str::<Level>("\"Product\"").is_err());
    }

    #[test]
    fn amounts_are_tidy() {
        assert_eq!(tidy(Decimal::new(123_400_000_000, 10)).to_string(), "12.34");
        assert_eq!(tidy(Decimal::new(-0, 8)).to_string(), "0.00");
        assert_eq!(tidy(Decimal::new(1, 8)).to_string(), "0.00000001");
    }
}
