//! Cost summaries: bill rows grouped by one or two dimensions, with Tencent's measures and
//! `RealTotalCostRatio` shares.
//!
//! The rows of each currency and billing month come from the most detailed bill loaded for that
//! month (L3 明细 if any, else L2 资源, else 消耗明细; [`month_sources`]), never from two levels of
//! one month at once, which would count its every yuan twice. Measures carry the billing
//! API's names whatever the source called them (L3's `Cost`/`RealCost` are `TotalCost`/
//! `RealTotalCost` here); a measure no source column provides is `null`, never zero.
//!
//! Amounts in different currencies are never added: a summary has one section per currency
//! (see [`super::currency`]), each with its own total, shares and billing months. Rows a
//! [`Dataset`] marks as duplicates of an earlier file are not counted. Products are grouped by
//! their identity across languages (see [`super::products`]).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
// FxHash, as the table's interner: these maps are probed once per row with small keys of symbols
// and dates, where std's SipHash was most of the summaries' cost (BENCHMARKS.md, Engine v2).
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::currency::{CostRowReader, Currency, Month, MONTH_COLUMNS};
use super::fixed::Fixed;
use super::products::product_identity;
use super::share::percent_shares;
use super::RowRef;
use crate::dataset::{CostRows, Dataset};
use crate::model::deserialize_from_text;
use crate::model::table::{DecimalColumn, Symbol, Table, TableKind, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;

/// What cost rows can be grouped or filtered by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Product,
    SubProduct,
    ComponentType,
    Component,
    Region,
    Zone,
    Project,
    PayMode,
    TransactionType,
    OwnerUin,
    ResourceId,
    /// A cost-allocation tag key (`标签键:env` → `Tag("env")`).
    Tag(String),
    Day,
    Month,
    /// The row's currency (see [`super::currency`]): what the page's currency switch filters by.
    Currency,
}

impl Dimension {
    /// Every fixed dimension (tags come from the data).
    pub const FIXED: [Dimension; 14] = [
        Dimension::Product,
        Dimension::SubProduct,
        Dimension::ComponentType,
        Dimension::Component,
        Dimension::Region,
        Dimension::Zone,
        Dimension::Project,
        Dimension::PayMode,
        Dimension::TransactionType,
        Dimension::OwnerUin,
        Dimension::ResourceId,
        Dimension::Day,
        Dimension::Month,
        Dimension::Currency,
    ];

    /// The canonical column whose text is this dimension's value (for `Product`, the name shown
    /// beside its code), so the app labels a dimension by the column it reads. `None` for those
    /// read from several columns (`Day`, `Month`, `Currency`) or named by the data (`Tag`).
    pub fn column(&self) -> Option<&'static str> {
        Some(match self {
            Dimension::Product => "BusinessCodeName",
            Dimension::SubProduct => "ProductCodeName",
            Dimension::ComponentType => "ComponentCodeName",
            Dimension::Component => "ItemCodeName",
            Dimension::Region => "RegionName",
            Dimension::Zone => "ZoneName",
            Dimension::Project => "ProjectName",
            Dimension::PayMode => "PayModeName",
            Dimension::TransactionType => "ActionTypeName",
            Dimension::OwnerUin => "OwnerUin",
            Dimension::ResourceId => "ResourceId",
            Dimension::Tag(_) | Dimension::Day | Dimension::Month | Dimension::Currency => {
                return None
            }
        })
    }
}

/// A name that is no [`Dimension`]; its message lists the names that are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDimension(pub String);

impl fmt::Display for UnknownDimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<String> = Dimension::FIXED.iter().map(Dimension::to_string).collect();
        write!(
            f,
            "`{}` is not a dimension; use one of {} or tag:KEY",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownDimension {}

/// The names [`Display`](fmt::Display) prints (`product`, `tag:env`, `month`): the CLI's `--by`,
/// the page's URL and its requests to the worker all use them.
impl FromStr for Dimension {
    type Err = UnknownDimension;

    fn from_str(text: &str) -> Result<Dimension, UnknownDimension> {
        let dimension = match text.strip_prefix("tag:") {
            Some(key) => (!key.is_empty()).then(|| Dimension::Tag(key.to_owned())),
            None => Dimension::FIXED
                .into_iter()
                .find(|dimension| dimension.to_string() == text),
        };
        dimension.ok_or_else(|| UnknownDimension(text.to_owned()))
    }
}

/// A row's value of one dimension, cheap to hash and compare: a string of its table, a date, or
/// nothing. Summaries group by these and spell each group once, not each row; a column stored
/// as unique strings gives each row its own symbol, and its groups merge when spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum KeyPart {
    Absent,
    Text(Symbol),
    /// Year, month and day; day 0 for a whole month.
    Date(i64, u32, u32),
    Currency(Currency),
    /// A product: its `BusinessCode` and its name, as interned in the table.
    Product(Option<Symbol>, Option<Symbol>),
}

impl KeyPart {
    /// The value as the page and the report show it; `-` when the row has none, as bills print it.
    fn text(self, table: &Table, products: &ProductLabels) -> String {
        match self {
            KeyPart::Absent => "-".to_owned(),
            KeyPart::Text(symbol) => table.resolve(symbol).to_owned(),
            KeyPart::Date(year, month, 0) => format!("{year:04}-{month:02}"),
            KeyPart::Date(year, month, day) => format!("{year:04}-{month:02}-{day:02}"),
            KeyPart::Currency(currency) => currency.to_string(),
            KeyPart::Product(code, name) => {
                let resolve = |symbol: Option<Symbol>| symbol.map(|s| table.resolve(s));
                products.label(resolve(code), resolve(name))
            }
        }
    }
}

/// Every product's label: the spellings the loaded cost rows use for it, sorted and joined
/// (`Cloud Virtual Machine(CVM) / 云服务器CVM`), so that one product in two languages is one group
/// and a bill in one language reads as it always did.
#[derive(Default)]
struct ProductLabels {
    by_identity: FxHashMap<String, String>,
}

impl ProductLabels {
    /// Built only when a summary groups or filters by product: it reads every cost row once.
    fn of(dataset: &Dataset, dimensions: &[&Dimension]) -> Self {
        if !dimensions.contains(&&Dimension::Product) {
            return ProductLabels::default();
        }
        let mut names = ProductNames::default();
        for (index, table) in cost_tables(dataset) {
            let reader = DimensionReader::new(&Dimension::Product, table);
            let pairs: FxHashSet<KeyPart> = cost_rows(dataset, index)
                .map(|row| reader.key(row))
                .collect();
            for pair in pairs {
                let KeyPart::Product(code, name) = pair else {
                    continue;
                };
                names.add(
                    code.map(|s| table.resolve(s)),
                    name.map(|s| table.resolve(s)),
                );
            }
        }
        names.labels()
    }

    /// From the products of `groups`, which hold every row's when no filter left one out.
    fn of_groups(groups: &[(Currency, Vec<Spelled>, usize, Amounts, u8)]) -> Self {
        let mut names = ProductNames::default();
        for part in groups.iter().flat_map(|(_, parts, ..)| parts) {
            if let Spelled::Product(code, name) = part {
                names.add(code.as_deref(), name.as_deref());
            }
        }
        names.labels()
    }

    fn label(&self, code: Option<&str>, name: Option<&str>) -> String {
        let identity = product_identity(code, name);
        match self.by_identity.get(&identity) {
            Some(label) => label.clone(),
            None => name.unwrap_or(&identity).to_owned(),
        }
    }
}

/// Each product identity's names, as the rows spell it.
#[derive(Default)]
struct ProductNames(FxHashMap<String, std::collections::BTreeSet<String>>);

impl ProductNames {
    fn add(&mut self, code: Option<&str>, name: Option<&str>) {
        let spellings = self.0.entry(product_identity(code, name)).or_default();
        spellings.extend(name.map(str::to_owned));
    }

    fn labels(self) -> ProductLabels {
        let by_identity = self
            .0
            .into_iter()
            .filter(|(_, spellings)| !spellings.is_empty())
            .map(|(identity, spellings)| {
                let label: Vec<String> = spellings.into_iter().collect();
                (identity, label.join(" / "))
            })
            .collect();
        ProductLabels { by_identity }
    }
}

/// A dimension's column(s) in one table, found once: reading a row then costs no lookup by name.
enum DimensionReader<'a> {
    Text(Option<&'a TextColumn>),
    Product {
        codes: Option<&'a TextColumn>,
        names: Option<&'a TextColumn>,
    },
    Currency(CostRowReader<'a>),
    /// The first of these columns with a time gives the row's day (or month). The last one read
    /// is kept with the instants it spans: rows come in time order, and an instant's calendar
    /// fields cost more than the rest of a row's key.
    Date {
        columns: Vec<&'a TimeColumn>,
        whole_month: bool,
        last: Cell<Option<(BeijingTime, BeijingTime, KeyPart)>>,
    },
}

impl<'a> DimensionReader<'a> {
    fn new(dimension: &Dimension, table: &'a Table) -> Self {
        let text = |name: &str| table.text_column(name);
        let dates = |names: &[&str], whole_month| DimensionReader::Date {
            columns: time_columns(table, names),
            whole_month,
            last: Cell::new(None),
        };
        match dimension {
            Dimension::Product => DimensionReader::Product {
                codes: text("BusinessCode"),
                names: dimension.column().and_then(text),
            },
            Dimension::Tag(key) => DimensionReader::Text(text(&format!("Tag:{key}"))),
            Dimension::Day => dates(&DAY_COLUMNS, false),
            Dimension::Month => dates(&MONTH_COLUMNS, true),
            Dimension::Currency => DimensionReader::Currency(CostRowReader::new(table)),
            one_column => DimensionReader::Text(one_column.column().and_then(text)),
        }
    }

    fn key(&self, row: usize) -> KeyPart {
        let symbol = |column: &Option<&TextColumn>| column.and_then(|column| column.get(row));
        match self {
            DimensionReader::Text(values) => symbol(values).map_or(KeyPart::Absent, KeyPart::Text),
            DimensionReader::Product { codes, names } => match (symbol(codes), symbol(names)) {
                (None, None) => KeyPart::Absent,
                (code, name) => KeyPart::Product(code, name),
            },
            DimensionReader::Currency(reader) => KeyPart::Currency(reader.currency(row)),
            DimensionReader::Date {
                columns,
                whole_month,
                last,
            } => {
                let Some(time) = columns.iter().find_map(|column| column.get(row)) else {
                    return KeyPart::Absent;
                };
                if let Some((start, end, key)) = last.get() {
                    if start <= time && time < end {
                        return key;
                    }
                }
                let (year, month, day, ..) = time.beijing_fields();
                let (key, bounds) = if *whole_month {
                    (
                        KeyPart::Date(year, month, 0),
                        BeijingTime::month_bounds(year, month),
                    )
                } else {
                    let number = time.beijing_day_number();
                    let start = BeijingTime::beijing_day_start(number);
                    let end = BeijingTime::beijing_day_start(number + 1);
                    (KeyPart::Date(year, month, day), Some((start, end)))
                };
                last.set(bounds.map(|(start, end)| (start, end, key)));
                key
            }
        }
    }
}

/// A [`Filter`] over one table: each distinct value is checked against the filter's values once.
struct RowFilter<'a> {
    reader: DimensionReader<'a>,
    values: &'a [String],
    products: &'a ProductLabels,
    passes: FxHashMap<KeyPart, bool>,
}

impl<'a> RowFilter<'a> {
    fn new(filter: &'a Filter, table: &'a Table, products: &'a ProductLabels) -> Self {
        RowFilter {
            reader: DimensionReader::new(&filter.dimension, table),
            values: &filter.values,
            products,
            passes: FxHashMap::default(),
        }
    }

    fn passes(&mut self, table: &Table, row: usize) -> bool {
        let key = self.reader.key(row);
        let (values, products) = (self.values, self.products);
        *self
            .passes
            .entry(key)
            .or_insert_with(|| values.contains(&key.text(table, products)))
    }
}

/// Filters for one table.
fn row_filters<'a>(
    filters: &'a [Filter],
    table: &'a Table,
    products: &'a ProductLabels,
) -> Vec<RowFilter<'a>> {
    filters
        .iter()
        .map(|filter| RowFilter::new(filter, table, products))
        .collect()
}

/// The rows that pass some [`Filter`]s, as any analysis of cost rows asks (the comparison of a
/// filtered view): the product labels are read once, the filters per table.
pub(crate) struct RowSelection<'a> {
    filters: &'a [Filter],
    products: ProductLabels,
}

impl<'a> RowSelection<'a> {
    pub(crate) fn new(dataset: &Dataset, filters: &'a [Filter]) -> Self {
        let dimensions: Vec<&Dimension> = filters.iter().map(|filter| &filter.dimension).collect();
        RowSelection {
            filters,
            products: ProductLabels::of(dataset, &dimensions),
        }
    }

    /// The filters of one table: `passes(table, row)` for each of its rows.
    pub(crate) fn of_table<'t>(&'t self, table: &'t Table) -> TableSelection<'t> {
        TableSelection(row_filters(self.filters, table, &self.products))
    }
}

/// [`RowSelection`] over one table.
pub(crate) struct TableSelection<'a>(Vec<RowFilter<'a>>);

impl TableSelection<'_> {
    pub(crate) fn passes(&mut self, table: &Table, row: usize) -> bool {
        self.0.iter_mut().all(|filter| filter.passes(table, row))
    }
}

/// The tables cost rows are read from, with their file indices: every bill table of which
/// [`cost_rows`] reads some row. Every analysis of cost rows reads these, through [`cost_rows`].
pub(crate) fn cost_tables(dataset: &Dataset) -> impl Iterator<Item = (usize, &Table)> {
    let reads = read_rows(dataset);
    dataset
        .files()
        .iter()
        .enumerate()
        .filter(move |&(index, _)| reads[index] != CostRows::None)
        .map(|(index, file)| (index, &file.table))
}

/// The rows of file `index` the cost analyses read: its counted rows ([`Dataset::counted_rows`],
/// no duplicate) of the currencies and billing months its bill kind is the most detailed loaded
/// for ([`month_sources`]).
pub(crate) fn cost_rows(
    dataset: &Dataset,
    index: usize,
) -> impl Iterator<Item = usize> + Clone + '_ {
    let reads = &read_rows(dataset)[index];
    dataset
        .counted_rows(index)
        .filter(move |&row| reads.reads(row))
}

/// The bill kinds costs are read from, the most detailed first: L3 明细, L2 资源, 消耗明细.
pub const COST_KINDS: [TableKind; 3] = [
    TableKind::BillDetails,
    TableKind::BillResources,
    TableKind::CostDetails,
];

/// A row's currency and billing month (`None` without one), the unit [`month_sources`] picks a
/// bill kind for.
pub type CurrencyMonth = (Currency, Option<Month>);

/// The bill kind the costs of one currency and billing month are read from: the most detailed
/// kind with counted rows there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthSource {
    pub kind: TableKind,
    /// The files its rows are read from (their indices), in file order.
    pub files: Vec<usize>,
}

/// The bill kinds loaded with counted rows, the most detailed first.
fn kinds_loaded(dataset: &Dataset) -> Vec<TableKind> {
    COST_KINDS
        .into_iter()
        .filter(|&kind| dataset.row_count(kind) > 0)
        .collect()
}

/// Each currency and billing month of the bill rows, and the kind its costs are read from:
/// per month, the most detailed bill loaded for it (an L3 for June, an L2 for May and June:
/// June from the L3, May from the L2; the L2's June is the same money, not added). Reads every
/// bill row's month; empty when bills of one kind only are loaded (all of them are read).
pub fn month_sources(dataset: &Dataset) -> BTreeMap<CurrencyMonth, MonthSource> {
    let mut sources: BTreeMap<CurrencyMonth, MonthSource> = BTreeMap::new();
    if kinds_loaded(dataset).len() < 2 {
        return sources;
    }
    for kind in COST_KINDS {
        for (index, file) in dataset.files().iter().enumerate() {
            if file.table.kind() != kind {
                continue;
            }
            let reader = CostRowReader::new(&file.table);
            let mut last = None;
            for row in dataset.counted_rows(index) {
                let key = (reader.currency(row), reader.month(row));
                if last == Some(key) {
                    continue;
                }
                last = Some(key);
                let source = sources.entry(key).or_insert_with(|| MonthSource {
                    kind,
                    files: Vec::new(),
                });
                if source.kind == kind && source.files.last() != Some(&index) {
                    source.files.push(index);
                }
            }
        }
    }
    sources
}

/// Which rows of each file the cost analyses read, decided once per set of files.
fn read_rows(dataset: &Dataset) -> &[CostRows] {
    dataset.cost_rows(|dataset| {
        let loaded = kinds_loaded(dataset);
        let sources = month_sources(dataset);
        dataset
            .files()
            .iter()
            .map(|file| {
                let kind = file.table.kind();
                if !loaded.contains(&kind) {
                    return CostRows::None;
                }
                // The most detailed kind loaded is read in every month it has.
                if loaded[0] == kind {
                    return CostRows::All;
                }
                let reader = CostRowReader::new(&file.table);
                let read: Vec<bool> = (0..file.table.row_count())
                    .map(|row| {
                        let key = (reader.currency(row), reader.month(row));
                        sources.get(&key).is_some_and(|source| source.kind == kind)
                    })
                    .collect();
                if read.iter().all(|&read| read) {
                    CostRows::All
                } else if !read.contains(&true) {
                    CostRows::None
                } else {
                    CostRows::Some(read)
                }
            })
            .collect()
    })
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Dimension::Product => "product",
            Dimension::SubProduct => "subproduct",
            Dimension::ComponentType => "component_type",
            Dimension::Component => "component",
            Dimension::Region => "region",
            Dimension::Zone => "zone",
            Dimension::Project => "project",
            Dimension::PayMode => "pay_mode",
            Dimension::TransactionType => "transaction_type",
            Dimension::OwnerUin => "owner_uin",
            Dimension::ResourceId => "resource_id",
            Dimension::Tag(key) => return write!(f, "tag:{key}"),
            Dimension::Day => "day",
            Dimension::Month => "month",
            Dimension::Currency => "currency",
        };
        f.write_str(name)
    }
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dimension {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Dimension, D::Error> {
        deserialize_from_text(deserializer)
    }
}

/// Keeps the rows whose `dimension` value is one of `values`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub dimension: Dimension,
    pub values: Vec<String>,
}

/// Sums of the billing API's measures; `None` where no source column has the measure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Amounts {
    /// 原价.
    pub total_cost: Option<Decimal>,
    /// 优惠后总价.
    pub real_total_cost: Option<Decimal>,
    pub cash_pay_amount: Option<Decimal>,
    pub voucher_pay_amount: Option<Decimal>,
    pub incentive_pay_amount: Option<Decimal>,
    pub transfer_pay_amount: Option<Decimal>,
    pub tax: Option<Decimal>,
}

/// Each measure and the source columns it is read from, first present wins.
const MEASURE_COLUMNS: [(Measure, &[&str]); 7] = [
    (Measure::TotalCost, &["TotalCost", "Cost"]),
    (Measure::RealTotalCost, &["RealTotalCost", "RealCost"]),
    (Measure::CashPayAmount, &["CashPayAmount"]),
    (Measure::VoucherPayAmount, &["VoucherPayAmount"]),
    (Measure::IncentivePayAmount, &["IncentivePayAmount"]),
    (Measure::TransferPayAmount, &["TransferPayAmount"]),
    (Measure::Tax, &["Tax"]),
];

/// One measure of [`Amounts`], by its billing API name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    TotalCost,
    RealTotalCost,
    CashPayAmount,
    VoucherPayAmount,
    IncentivePayAmount,
    TransferPayAmount,
    Tax,
}

impl Measure {
    /// The measure's bit in a set of measures, in [`Measure::ALL`]'s order.
    fn bit(self) -> u8 {
        1 << Measure::ALL
            .iter()
            .position(|&measure| measure == self)
            .expect("every measure is in ALL")
    }

    pub const ALL: [Measure; 7] = [
        Measure::TotalCost,
        Measure::RealTotalCost,
        Measure::CashPayAmount,
        Measure::VoucherPayAmount,
        Measure::IncentivePayAmount,
        Measure::TransferPayAmount,
        Measure::Tax,
    ];

    /// The billing API's field name.
    pub fn api_name(self) -> &'static str {
        match self {
            Measure::TotalCost => "TotalCost",
            Measure::RealTotalCost => "RealTotalCost",
            Measure::CashPayAmount => "CashPayAmount",
            Measure::VoucherPayAmount => "VoucherPayAmount",
            Measure::IncentivePayAmount => "IncentivePayAmount",
            Measure::TransferPayAmount => "TransferPayAmount",
            Measure::Tax => "Tax",
        }
    }
}

impl Amounts {
    pub fn get(&self, measure: Measure) -> Option<Decimal> {
        match measure {
            Measure::TotalCost => self.total_cost,
            Measure::RealTotalCost => self.real_total_cost,
            Measure::CashPayAmount => self.cash_pay_amount,
            Measure::VoucherPayAmount => self.voucher_pay_amount,
            Measure::IncentivePayAmount => self.incentive_pay_amount,
            Measure::TransferPayAmount => self.transfer_pay_amount,
            Measure::Tax => self.tax,
        }
    }

    fn slot(&mut self, measure: Measure) -> &mut Option<Decimal> {
        match measure {
            Measure::TotalCost => &mut self.total_cost,
            Measure::RealTotalCost => &mut self.real_total_cost,
            Measure::CashPayAmount => &mut self.cash_pay_amount,
            Measure::VoucherPayAmount => &mut self.voucher_pay_amount,
            Measure::IncentivePayAmount => &mut self.incentive_pay_amount,
            Measure::TransferPayAmount => &mut self.transfer_pay_amount,
            Measure::Tax => &mut self.tax,
        }
    }

    /// Adds one row; an absent cell in a present column counts as zero. Returns which of
    /// `columns` (bits in their order) had a non-zero cell.
    fn add_row(&mut self, columns: &[(Measure, &DecimalColumn)], row: usize) -> u8 {
        let mut nonzero = 0;
        for (bit, &(measure, column)) in columns.iter().enumerate() {
            let cell = column.get(row).unwrap_or_default();
            nonzero |= u8::from(!cell.is_zero()) << bit;
            let slot = self.slot(measure);
            *slot = Some(slot.unwrap_or_default() + cell);
        }
        nonzero
    }

    /// Adds another sum of rows.
    fn merge(&mut self, other: &Amounts) {
        for measure in Measure::ALL {
            if let Some(value) = other.get(measure) {
                let slot = self.slot(measure);
                *slot = Some(slot.unwrap_or_default() + value);
            }
        }
    }
}

/// One group of a [`Summary`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's value for each dimension of [`Summary::group_by`], in that order.
    pub key: Vec<String>,
    pub row_count: usize,
    #[serde(flatten)]
    pub amounts: Amounts,
    /// Percent of the summary's `RealTotalCost`, two decimals; the groups' ratios add up to
    /// exactly `100.00` (see [`percent_shares`]). `None` when the total is zero or unknown.
    #[serde(rename = "RealTotalCostRatio")]
    pub real_total_cost_ratio: Option<Decimal>,
}

/// Cost rows grouped by up to two dimensions, one section per currency. The app's worker sends
/// it to the page as it is (both deserialise this type), cut by [`Summary::truncate_groups`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Which rows were summed: `BillDetails` (L3), `BillResources` (L2) or `CostDetails`;
    /// `None` when the dataset has no cost rows.
    pub source: Option<String>,
    pub group_by: Vec<Dimension>,
    pub filters: Vec<Filter>,
    /// Rows summed, all currencies together (a count, not money).
    pub row_count: usize,
    /// By currency code; empty without cost rows.
    pub currencies: Vec<CurrencySummary>,
}

/// The rows of one currency in a [`Summary`]: amounts that may be added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySummary {
    pub currency: Currency,
    /// The billing months of the rows, in order.
    pub periods: Vec<Month>,
    pub row_count: usize,
    pub total: Amounts,
    /// By `RealTotalCost`, largest first; by key when grouping by day or month first. The
    /// ratios are shares of this currency's total.
    pub groups: Vec<Group>,
    /// How many groups there were when [`Summary::truncate_groups`] cut `groups` (absent, and
    /// not in the report, when nothing was cut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_count: Option<usize>,
}

impl Summary {
    /// Every currency's groups, one currency after the other.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.currencies.iter().flat_map(|currency| &currency.groups)
    }

    /// The section of one currency.
    pub fn currency(&self, currency: Currency) -> Option<&CurrencySummary> {
        self.currencies
            .iter()
            .find(|section| section.currency == currency)
    }

    /// Keeps each currency's first `limit` groups (the largest, or the earliest by date), noting
    /// in its `group_count` how many it had: what a screen can show of a summary.
    pub fn truncate_groups(&mut self, limit: usize) {
        for section in &mut self.currencies {
            if section.groups.len() > limit {
                section.group_count = Some(section.groups.len());
                section.groups.truncate(limit);
            }
        }
    }
}

impl CurrencySummary {
    /// How many groups it has, counting those [`Summary::truncate_groups`] left out.
    pub fn group_count(&self) -> usize {
        self.group_count.unwrap_or(self.groups.len())
    }
}

/// The most detailed bill kind loaded: the kind every cost row is read from when bills of one
/// kind are loaded; with several, the months it does not cover are read from less detailed
/// ones ([`month_sources`]).
pub fn cost_source(dataset: &Dataset) -> Option<TableKind> {
    kinds_loaded(dataset).first().copied()
}

/// One group's rows of a table while summing: in `amounts`, or in `sums` (one per measure column,
/// in [`measure_columns`]' order) while they add as integers.
#[derive(Default)]
struct GroupSums {
    /// The group's first row, the order the groups are added to the summaries in.
    first_row: usize,
    rows: usize,
    amounts: Amounts,
    sums: [Fixed; MEASURE_COLUMNS.len()],
    /// Which measures (bits in [`measure_columns`]' order) had a non-zero cell.
    nonzero: u8,
}

/// One currency's rows while summing: groups by their spelled key, each with the measures
/// that had a non-zero cell (bits in [`Measure::ALL`]'s order), the total's too.
#[derive(Default)]
struct CurrencySums {
    row_count: usize,
    total: Amounts,
    total_nonzero: u8,
    groups: BTreeMap<Vec<String>, (usize, Amounts, u8)>,
}

/// A group's value of one dimension as groups are carried from their table to be summed: a
/// product as its code and name, labelled once every table's groups are in ([`ProductLabels`]:
/// every spelling the rows use), any other value as shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Spelled {
    Text(String),
    Product(Option<String>, Option<String>),
}

impl Spelled {
    fn of(part: KeyPart, table: &Table) -> Spelled {
        match part {
            KeyPart::Product(code, name) => {
                let resolve = |symbol: Option<Symbol>| symbol.map(|s| table.resolve(s).to_owned());
                Spelled::Product(resolve(code), resolve(name))
            }
            other => Spelled::Text(other.text(table, &ProductLabels::default())),
        }
    }

    fn text(&self, products: &ProductLabels) -> String {
        match self {
            Spelled::Text(text) => text.clone(),
            Spelled::Product(code, name) => products.label(code.as_deref(), name.as_deref()),
        }
    }
}

/// Every dimension any of `group_bys` names, once, and each grouping as positions in that list.
fn fine_dimensions(group_bys: &[&[Dimension]]) -> (Vec<Dimension>, Vec<Vec<usize>>) {
    let mut fine: Vec<Dimension> = Vec::new();
    let positions = group_bys
        .iter()
        .map(|group_by| {
            group_by
                .iter()
                .map(
                    |dimension| match fine.iter().position(|seen| seen == dimension) {
                        Some(position) => position,
                        None => {
                            fine.push(dimension.clone());
                            fine.len() - 1
                        }
                    },
                )
                .collect()
        })
        .collect();
    (fine, positions)
}

/// Cost rows of some tables, or of parts of one, summed by every dimension some groupings name,
/// per currency: what [`summarize_each`] adds up into its summaries, table by table. A file read
/// in parts by several workers has each part's groups made where it was read, and
/// [`CostGroups::merge`]d (`report::RowsPass`).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CostGroups {
    /// Every dimension the groupings name, once.
    fine: Vec<Dimension>,
    /// Each group: its currency, its value of each of `fine`, its rows, its sums and which of
    /// them had a non-zero cell (bits in [`Measure::ALL`]'s order), in the order the tables gave
    /// them.
    groups: Vec<(Currency, Vec<Spelled>, usize, Amounts, u8)>,
    /// The billing months of each currency's rows.
    months: std::collections::BTreeSet<(Currency, Month)>,
}

impl CostGroups {
    /// No rows yet, to be grouped for `group_bys`.
    pub fn new(group_bys: &[&[Dimension]]) -> CostGroups {
        CostGroups {
            fine: fine_dimensions(group_bys).0,
            ..CostGroups::default()
        }
    }

    /// Whether these are the groups `group_bys` sum.
    pub(crate) fn serve(&self, group_bys: &[&[Dimension]]) -> bool {
        self.fine == fine_dimensions(group_bys).0
    }

    /// Every cost row of `dataset`, grouped for `group_bys`.
    pub(crate) fn read(dataset: &Dataset, group_bys: &[&[Dimension]]) -> CostGroups {
        let mut groups = CostGroups::new(group_bys);
        for (index, table) in cost_tables(dataset) {
            groups.add_rows(table, cost_rows(dataset, index));
        }
        groups
    }

    /// The cost rows `rows` of `table` (a cost table of [`cost_tables`], or a part of one),
    /// grouped.
    pub(crate) fn add_rows(&mut self, table: &Table, rows: impl Iterator<Item = usize> + Clone) {
        self.add_table(table, rows, &[], &ProductLabels::default());
    }

    /// The cost rows `rows` of `table` that pass every filter, grouped (`products` labels the
    /// filters' products).
    fn add_table(
        &mut self,
        table: &Table,
        rows: impl Iterator<Item = usize> + Clone,
        filters: &[Filter],
        products: &ProductLabels,
    ) {
        // Columns are found once per table and rows grouped by interned keys; a group's text is
        // spelled once, when the table's groups join the others.
        let columns = measure_columns(table);
        let reader = CostRowReader::new(table);
        let readers: Vec<DimensionReader> = self
            .fine
            .iter()
            .map(|dimension| DimensionReader::new(dimension, table))
            .collect();
        let mut row_filters = row_filters(filters, table, products);
        // Where no measure column holds 16-byte decimals (a bill's never do), a group's measures
        // are added as `Fixed`s, the integers `Decimal`'s additions make, and become `Decimal`s
        // once, when the table's rows are summed. A sum past a decimal's 96 bits (which
        // `Decimal` would round) sums the table again in decimals.
        let mut exact = columns.iter().all(|&(_, column)| !column.is_wide());
        let mut table_groups: FxHashMap<(Currency, Vec<KeyPart>), GroupSums>;
        let mut months: FxHashSet<(Currency, Month)> = FxHashSet::default();
        let mut key = (Currency::CNY, Vec::with_capacity(readers.len()));
        'rows: loop {
            // Afresh, not cleared: the groups are iterated in the order a new map gives them.
            table_groups = FxHashMap::default();
            let mut last_month = None;
            for row in rows.clone() {
                if !row_filters
                    .iter_mut()
                    .all(|filter| filter.passes(table, row))
                {
                    continue;
                }
                key.0 = reader.currency(row);
                key.1.clear();
                key.1.extend(readers.iter().map(|reader| reader.key(row)));
                if let Some(month) = reader.month(row) {
                    // Rows come in time order: the set is asked once per month, not per row.
                    if last_month != Some((key.0, month)) {
                        months.insert((key.0, month));
                        last_month = Some((key.0, month));
                    }
                }
                let group = match table_groups.get_mut(&key) {
                    Some(group) => group,
                    None => table_groups.entry(key.clone()).or_insert(GroupSums {
                        first_row: row,
                        ..GroupSums::default()
                    }),
                };
                group.rows += 1;
                if !exact {
                    group.nonzero |= group.amounts.add_row(&columns, row);
                    continue;
                }
                for (bit, (sum, &(_, column))) in group.sums.iter_mut().zip(&columns).enumerate() {
                    // An absent cell adds `Decimal::ZERO`.
                    let (mantissa, scale) = column.parts(row).unwrap_or((0, 0));
                    group.nonzero |= u8::from(mantissa != 0) << bit;
                    match Fixed::new(mantissa, scale).and_then(|cell| sum.checked_add(cell)) {
                        Some(added) => *sum = added,
                        None => {
                            exact = false;
                            continue 'rows;
                        }
                    }
                }
            }
            break;
        }
        self.months.extend(months);
        let mut spelled: FxHashMap<(usize, KeyPart), Spelled> = FxHashMap::default();
        // In the order of their first rows, not the map's: the summaries add the groups' sums
        // in this order, and a sum that non-zero amounts cancelled to takes its scale from the
        // order of its terms. The map's order follows the symbols' numbers, which are the
        // order the table met its strings in: a file read in parts and joined meets them in
        // another (`Table::append` interns a column at a time) than the file read whole.
        let mut table_groups: Vec<_> = table_groups.into_iter().collect();
        table_groups.sort_unstable_by_key(|(_, group)| group.first_row);
        for ((currency, parts), mut group) in table_groups {
            if exact {
                for (sum, &(measure, _)) in group.sums.iter().zip(&columns) {
                    *group.amounts.slot(measure) = Some(sum.to_decimal());
                }
            }
            // From the table's measure columns to every measure's bits.
            let nonzero = columns
                .iter()
                .enumerate()
                .filter(|&(bit, _)| group.nonzero >> bit & 1 == 1)
                .fold(0, |bits, (_, &(measure, _))| bits | measure.bit());
            let parts = parts
                .iter()
                .enumerate()
                .map(|(position, &part)| {
                    spelled
                        .entry((position, part))
                        .or_insert_with(|| Spelled::of(part, table))
                        .clone()
                })
                .collect();
            self.groups
                .push((currency, parts, group.rows, group.amounts, nonzero));
        }
    }

    /// Adds the groups of the rows after these (the next part of a file).
    pub fn merge(&mut self, later: CostGroups) {
        self.groups.extend(later.groups);
        self.months.extend(later.months);
    }

    /// The summaries of `group_bys` (those these groups were made for) of `dataset`'s cost rows,
    /// when these groups hold them all; and whether no sum of them is a zero that non-zero
    /// amounts cancelled to (whose scale depends on the order of its terms, so that groups
    /// merged from a file's parts may give another than the file's rows: see
    /// [`DecimalColumn::adds_alike`]).
    pub(crate) fn into_summaries(
        self,
        dataset: &Dataset,
        group_bys: &[&[Dimension]],
    ) -> (Vec<Summary>, bool) {
        self.summaries(dataset, group_bys, &[], None)
    }

    /// The summaries of `group_bys` (those these groups were made for), under `filters`, their
    /// products labelled by `products`, else by the spellings these groups hold (all the rows'
    /// when no filter left any out).
    fn summaries(
        self,
        dataset: &Dataset,
        group_bys: &[&[Dimension]],
        filters: &[Filter],
        products: Option<ProductLabels>,
    ) -> (Vec<Summary>, bool) {
        let positions = fine_dimensions(group_bys).1;
        let products = products.unwrap_or_else(|| ProductLabels::of_groups(&self.groups));
        let mut sums: Vec<BTreeMap<Currency, CurrencySums>> =
            group_bys.iter().map(|_| BTreeMap::new()).collect();
        let mut periods: BTreeMap<Currency, std::collections::BTreeSet<Month>> = BTreeMap::new();
        for (currency, month) in self.months {
            periods.entry(currency).or_default().insert(month);
        }
        for (currency, parts, rows, amounts, nonzero) in self.groups {
            let texts: Vec<String> = parts.iter().map(|part| part.text(&products)).collect();
            for (sums, positions) in sums.iter_mut().zip(&positions) {
                let key = positions
                    .iter()
                    .map(|&position| texts[position].clone())
                    .collect();
                let currency = sums.entry(currency).or_default();
                let (group_rows, group_amounts, group_nonzero) =
                    currency.groups.entry(key).or_default();
                *group_rows += rows;
                group_amounts.merge(&amounts);
                *group_nonzero |= nonzero;
                currency.total.merge(&amounts);
                currency.total_nonzero |= nonzero;
                currency.row_count += rows;
            }
        }
        let cancelled = |amounts: &Amounts, nonzero: u8| {
            Measure::ALL.iter().any(|&measure| {
                nonzero & measure.bit() != 0
                    && amounts.get(measure).is_some_and(|sum| sum.is_zero())
            })
        };
        let alike = sums.iter().flat_map(BTreeMap::values).all(|currency| {
            !cancelled(&currency.total, currency.total_nonzero)
                && currency
                    .groups
                    .values()
                    .all(|(_, amounts, nonzero)| !cancelled(amounts, *nonzero))
        });
        let source = cost_source(dataset).map(|kind| format!("{kind:?}"));
        let summaries = sums
            .into_iter()
            .zip(group_bys)
            .map(|(sums, group_by)| {
                let by_key = matches!(group_by.first(), Some(Dimension::Day | Dimension::Month));
                let currencies: Vec<CurrencySummary> = sums
                    .into_iter()
                    .map(|(currency, sums)| CurrencySummary {
                        currency,
                        periods: periods
                            .get(&currency)
                            .map(|months| months.iter().copied().collect())
                            .unwrap_or_default(),
                        row_count: sums.row_count,
                        groups: ranked_groups(
                            sums.groups
                                .into_iter()
                                .map(|(key, (rows, amounts, _))| (key, (rows, amounts)))
                                .collect(),
                            by_key,
                            sums.total.real_total_cost.is_some(),
                        ),
                        total: sums.total,
                        group_count: None,
                    })
                    .collect();
                Summary {
                    source: source.clone(),
                    group_by: group_by.to_vec(),
                    filters: filters.to_vec(),
                    row_count: currencies.iter().map(|currency| currency.row_count).sum(),
                    currencies,
                }
            })
            .collect();
        (summaries, alike)
    }
}

/// Groups the cost rows by `group_by` (zero, one or two dimensions; more work too) after
/// keeping only rows that pass every filter, per currency.
pub fn summarize(dataset: &Dataset, group_by: &[Dimension], filters: &[Filter]) -> Summary {
    let mut summaries = summarize_each(dataset, &[group_by], filters);
    summaries.pop().expect("one summary per grouping")
}

/// [`summarize`] for several groupings of the same rows, in one pass: the report's total and its
/// breakdowns. Each row's currency, month and measures are read once, and its amounts added once
/// to the group of every dimension any grouping names (few groups: products × components ×
/// regions …); each grouping then sums those groups by the parts it names. Exact decimals add
/// the same in any order, so each summary is the one [`summarize`] gives alone.
pub fn summarize_each(
    dataset: &Dataset,
    group_bys: &[&[Dimension]],
    filters: &[Filter],
) -> Vec<Summary> {
    let mut groups = CostGroups::new(group_bys);
    // Filters by product need every product's label first; without filters, the labels come
    // from the groups, which hold every row's product.
    let products = (!filters.is_empty()).then(|| {
        let dimensions: Vec<&Dimension> = groups
            .fine
            .iter()
            .chain(filters.iter().map(|filter| &filter.dimension))
            .collect();
        ProductLabels::of(dataset, &dimensions)
    });
    let no_labels = ProductLabels::default();
    for (index, table) in cost_tables(dataset) {
        let labels = products.as_ref().unwrap_or(&no_labels);
        groups.add_table(table, cost_rows(dataset, index), filters, labels);
    }
    groups.summaries(dataset, group_bys, filters, products).0
}

/// One currency's groups in their order, with their shares of its `RealTotalCost`.
fn ranked_groups(
    groups: BTreeMap<Vec<String>, (usize, Amounts)>,
    by_key: bool,
    has_real_total_cost: bool,
) -> Vec<Group> {
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(key, (row_count, amounts))| Group {
            key,
            row_count,
            amounts,
            real_total_cost_ratio: None,
        })
        .collect();
    if !by_key {
        crate::model::sort::sort_by(&mut groups, |a, b| {
            let real = |group: &Group| group.amounts.real_total_cost.unwrap_or_default();
            real(b).cmp(&real(a)).then_with(|| a.key.cmp(&b.key))
        });
    }
    let real_costs: Vec<Decimal> = groups
        .iter()
        .map(|group| group.amounts.real_total_cost.unwrap_or_default())
        .collect();
    if has_real_total_cost {
        if let Some(shares) = percent_shares(&real_costs) {
            for (group, share) in groups.iter_mut().zip(shares) {
                group.real_total_cost_ratio = Some(share);
            }
        }
    }
    groups
}

/// The column `table` holds `measure` in, the first of its source columns present.
pub(crate) fn measure_column(table: &Table, measure: Measure) -> Option<&DecimalColumn> {
    let (_, names) = MEASURE_COLUMNS
        .iter()
        .find(|(candidate, _)| *candidate == measure)?;
    names.iter().find_map(|name| table.decimal_column(name))
}

/// The cost the comparison's drivers rank by and the alerts and forecast sum: `RealTotalCost`
/// (优惠后总价), else `TotalCost` (原价) where a bill has no discounted column.
pub(crate) fn cost_column(table: &Table) -> Option<&DecimalColumn> {
    measure_column(table, Measure::RealTotalCost)
        .or_else(|| measure_column(table, Measure::TotalCost))
}

/// What gives a cost row its day, the first present: 账单归属日, else 开始使用时间, else 扣费时间.
pub const DAY_COLUMNS: [&str; 3] = ["BillDay", "FeeBeginTime", "PayTime"];

/// When a cost row's usage began, the first present: 开始使用时间, else the columns of its day
/// ([`DAY_COLUMNS`]). What is compared with an instant (a package running out or expiring), where
/// a day's midnight would misplace usage of the same day.
pub const USAGE_START_COLUMNS: [&str; 3] = ["FeeBeginTime", "BillDay", "PayTime"];

/// The columns of `names` that `table` has, in that order: a row's value is the first present.
pub(crate) fn time_columns<'a>(table: &'a Table, names: &[&str]) -> Vec<&'a TimeColumn> {
    names
        .iter()
        .filter_map(|name| table.time_column(name))
        .collect()
}

/// Whether every sum the summaries and the daily costs make of `table`'s rows comes to the same
/// value and scale whatever the order and grouping of the rows, but for zeros that non-zero
/// amounts cancelled to ([`DecimalColumn::adds_alike`]): so the sums of a file's parts added are
/// the file's, where none is such a zero.
pub(crate) fn sums_alike(table: &Table) -> bool {
    measure_columns(table)
        .iter()
        .all(|(_, column)| column.adds_alike())
}

/// The measures `table` has, each from the first of its source columns present.
fn measure_columns(table: &Table) -> Vec<(Measure, &DecimalColumn)> {
    MEASURE_COLUMNS
        .iter()
        .filter_map(|&(measure, names)| {
            let column = names.iter().find_map(|name| table.decimal_column(name))?;
            Some((measure, column))
        })
        .collect()
}

/// A cost row behind a summary: the file (its index in the [`Dataset`]) and the row in its table.
pub type CostRowRef = (usize, usize);

/// The columns a drill-down shows of a cost row: a console label and the canonical columns
/// that may hold it (the first present wins).
pub const ROW_COLUMNS: [(&str, &[&str]); 11] = [
    ("产品名称", &["BusinessCodeName"]),
    ("子产品名称", &["ProductCodeName"]),
    ("组件名称", &["ItemCodeName"]),
    ("地域", &["RegionName"]),
    ("资源ID", &["ResourceId"]),
    ("计费模式", &["PayModeName"]),
    ("开始使用时间", &["FeeBeginTime"]),
    ("原价", &["TotalCost", "Cost"]),
    ("优惠后总价", &["RealTotalCost", "RealCost"]),
    ("现金账户支出", &["CashPayAmount"]),
    ("代金券支出", &["VoucherPayAmount"]),
];

/// The cost rows [`summarize`] would sum under `filters`, in file order: what a group is made of.
pub fn filtered_rows(dataset: &Dataset, filters: &[Filter]) -> Vec<CostRowRef> {
    let dimensions: Vec<&Dimension> = filters.iter().map(|filter| &filter.dimension).collect();
    let products = ProductLabels::of(dataset, &dimensions);
    let mut rows = Vec::new();
    for (index, table) in cost_tables(dataset) {
        let mut row_filters = row_filters(filters, table, &products);
        rows.extend(
            cost_rows(dataset, index)
                .filter(|&row| {
                    row_filters
                        .iter_mut()
                        .all(|filter| filter.passes(table, row))
                })
                .map(|row| (index, row)),
        );
    }
    rows
}

/// The distinct values `dimension` takes in the cost rows that pass `filters`, sorted: what a
/// filter on that dimension can pick from.
pub fn dimension_values(
    dataset: &Dataset,
    dimension: &Dimension,
    filters: &[Filter],
) -> Vec<String> {
    let dimensions: Vec<&Dimension> = std::iter::once(dimension)
        .chain(filters.iter().map(|filter| &filter.dimension))
        .collect();
    let products = ProductLabels::of(dataset, &dimensions);
    let mut values = std::collections::BTreeSet::new();
    for (index, table) in cost_tables(dataset) {
        let reader = DimensionReader::new(dimension, table);
        let mut row_filters = row_filters(filters, table, &products);
        // Each distinct value is spelled once per table, not once per row.
        let keys: FxHashSet<KeyPart> = cost_rows(dataset, index)
            .filter(|&row| {
                row_filters
                    .iter_mut()
                    .all(|filter| filter.passes(table, row))
            })
            .map(|row| reader.key(row))
            .collect();
        values.extend(keys.into_iter().map(|key| key.text(table, &products)));
    }
    values.into_iter().collect()
}

/// The cells of one cost row for [`ROW_COLUMNS`], preceded by where it is ([`RowRef`]'s
/// `file:line`, the row Excel shows); `-` where the file has no such column or the cell is empty.
pub fn row_cells(dataset: &Dataset, (index, row): CostRowRef) -> Vec<String> {
    let file = &dataset.files()[index];
    let table = &file.table;
    let cell = |names: &[&str]| {
        names
            .iter()
            .find(|name| table.column(name).is_some())
            .and_then(|name| {
                table
                    .decimal(name, row)
                    .map(|d| d.to_string())
                    .or_else(|| table.time(name, row).map(|t| t.to_string()))
                    .or_else(|| table.text(name, row).map(str::to_owned))
            })
            .unwrap_or_else(|| "-".to_owned())
    };
    std::iter::once(RowRef::of(&file.name, table, row).to_string())
        .chain(ROW_COLUMNS.iter().map(|(_, names)| cell(names)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_file;

    /// Three bill rows: two products, two regions.
    fn june_bill() -> Dataset {
        let bill = "产品名称,组件名称,地域,优惠后总价,现金账户支出(元)\n\
                    云服务器,CPU,广州,1.50,1.50\n\
                    负载均衡,实例费,广州,0.20,0.20\n\
                    云服务器,内存,上海,0.50,0.50\n";
        let mut dataset = Dataset::new();
        dataset.add(parse_file("june.csv", bill.as_bytes()));
        dataset
    }

    #[test]
    fn a_group_drills_down_to_its_rows() {
        let dataset = june_bill();
        let cvm = [Filter {
            dimension: Dimension::Product,
            values: vec!["云服务器".into()],
        }];

        let rows = filtered_rows(&dataset, &cvm);
        assert_eq!(rows, [(0, 0), (0, 2)]);
        assert_eq!(
            row_cells(&dataset, rows[1]),
            [
                "june.csv:4", // data row 3; the header is line 1
                "云服务器",
                "-",
                "内存",
                "上海",
                "-",
                "-",
                "-",
                "-",
                "0.50",
                "0.50",
                "-"
            ]
        );
        let total: usize = summarize(&dataset, &[], &cvm).row_count;
        assert_eq!(total, rows.len());
    }

    #[test]
    fn a_dimension_lists_its_values_within_filters() {
        let dataset = june_bill();
        assert_eq!(
            dimension_values(&dataset, &Dimension::Region, &[]),
            ["上海", "广州"]
        );
        let lb = [Filter {
            dimension: Dimension::Product,
            values: vec!["负载均衡".into()],
        }];
        assert_eq!(
            dimension_values(&dataset, &Dimension::Region, &lb),
            ["广州"]
        );
        assert_eq!(dimension_values(&dataset, &Dimension::Zone, &lb), ["-"]);
    }

    /// Each group's amounts are the `Decimal` additions of its cells in row order, scale and
    /// zeros included, whether they add as integers or (past 96 bits, where `Decimal` rounds) as
    /// decimals.
    #[test]
    fn summed_amounts_are_the_decimal_additions() {
        let cells = [
            ("A", "0", "0.02750000"),
            ("A", "0.00", "-"),
            ("A", "-", "1.5"),
            ("B", "1.50", "0"),
            ("B", "-1.5", "0.00000000"),
            ("B", "-", "2"),
            ("C", "0.0", "0.000"),
            ("C", "-", "0"),
            // 10^15 and 10^-27 do not align below 2^96: this table sums in decimals.
            ("D", "1000000000000000", "0.000000000000000000000000001"),
            ("D", "0.000000000000000000000000001", "1"),
        ];
        for rows in [&cells[..8], &cells[..]] {
            let mut bill = String::from("产品名称,组件名称,代金券支出(元),优惠后总价\n");
            for (product, voucher, real) in rows {
                bill.push_str(&format!("{product},CPU,{voucher},{real}\n"));
            }
            let mut dataset = Dataset::new();
            dataset.add(parse_file("bill.csv", bill.as_bytes()));
            let summary = summarize(&dataset, &[Dimension::Product], &[]);
            let decimal = |text: &str| text.parse::<Decimal>().ok();
            for product in ["A", "B", "C", "D"] {
                let mut expected = [None::<Decimal>; 2];
                for (_, voucher, real) in rows.iter().filter(|(name, ..)| *name == product) {
                    for (sum, cell) in expected.iter_mut().zip([voucher, real]) {
                        *sum = Some(sum.unwrap_or_default() + decimal(cell).unwrap_or_default());
                    }
                }
                let group = summary.groups().find(|group| group.key == [product]);
                let found = group.map(|group| {
                    [
                        group.amounts.voucher_pay_amount,
                        group.amounts.real_total_cost,
                    ]
                    .map(|sum| sum.map(|sum| (sum.to_string(), sum.scale())))
                });
                let expected = expected.map(|sum| sum.map(|sum| (sum.to_string(), sum.scale())));
                assert_eq!(
                    found,
                    expected[0].is_some().then_some(expected),
                    "{product}"
                );
            }
        }
    }

    /// A bill whose 资源ID and 交易ID are distinct for longer than the table samples, so both are
    /// stored as unique strings, and whose resources then repeat.
    #[test]
    fn rows_of_a_column_stored_unique_group_by_their_text() {
        let mut bill = String::from("产品名称,组件名称,资源ID,交易ID,优惠后总价\n");
        for row in 0..6000 {
            let resource = row % 4500;
            bill.push_str(&format!("云服务器,CPU,ins-{resource},T{row},0.01\n"));
        }
        let mut dataset = Dataset::new();
        dataset.add(parse_file("big.csv", bill.as_bytes()));
        let table = &dataset.files()[0].table;
        assert!(table.text_column("ResourceId").unwrap().is_unique());
        assert!(!table.text_column("BusinessCodeName").unwrap().is_unique());

        let summary = summarize(&dataset, &[Dimension::ResourceId], &[]);
        let groups = &summary.currencies[0].groups;
        assert_eq!(groups.len(), 4500);
        let ins_7 = groups.iter().find(|group| group.key == ["ins-7"]).unwrap();
        assert_eq!(ins_7.row_count, 2);
        assert_eq!(ins_7.amounts.real_total_cost.unwrap().to_string(), "0.02");
        let ins_4499 = groups
            .iter()
            .find(|group| group.key == ["ins-4499"])
            .unwrap();
        assert_eq!(ins_4499.row_count, 1);
        assert_eq!(
            summary.currencies[0]
                .total
                .real_total_cost
                .unwrap()
                .to_string(),
            "60.00"
        );

        let ins_7 = [Filter {
            dimension: Dimension::ResourceId,
            values: vec!["ins-7".into()],
        }];
        assert_eq!(filtered_rows(&dataset, &ins_7), [(0, 7), (0, 4507)]);
        assert_eq!(
            dimension_values(&dataset, &Dimension::ResourceId, &[]).len(),
            4500
        );
    }

    #[test]
    fn dimension_names_round_trip() {
        for dimension in Dimension::FIXED {
            assert_eq!(dimension.to_string().parse(), Ok(dimension));
        }
        assert_eq!("tag:env".parse(), Ok(Dimension::Tag("env".into())));
        assert!("tag:".parse::<Dimension>().is_err());
        assert_eq!(
            "colour".parse::<Dimension>().unwrap_err().to_string(),
            "`colour` is not a dimension; use one of product, subproduct, component_type, component, \
             region, zone, project, pay_mode, transaction_type, owner_uin, resource_id, day, month, \
             currency or tag:KEY"
        );
    }

    /// The worker sends the page a summary as the value itself: it reads back equal, exact
    /// digits and all, and one cut to a screen's groups says how many it had.
    #[test]
    fn a_summary_reads_back_as_it_was_written() {
        let mut summary = summarize(&june_bill(), &[Dimension::Product, Dimension::Region], &[]);
        let json = serde_json::to_string(&summary).unwrap();
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), summary);
        assert!(
            !json.contains("group_count"),
            "only a cut summary has one: {json}"
        );

        summary.truncate_groups(2);
        let section = &summary.currencies[0];
        assert_eq!((section.groups.len(), section.group_count()), (2, 3));
        let json = serde_json::to_string(&summary).unwrap();
        let read: Summary = serde_json::from_str(&json).unwrap();
        assert_eq!(read, summary);
        assert_eq!(
            read.currencies[0].groups[0].amounts.real_total_cost,
            Some(Decimal::new(150, 2))
        );
    }

    /// The app's worker and page exchange dimensions as serde values: the same names as the
    /// CLI's `--by` and the page's URL, and a name that is none is refused with the reason.
    #[test]
    fn dimensions_serialise_as_their_names() {
        let dimensions = vec![
            Dimension::Product,
            Dimension::Tag("env:prod".into()),
            Dimension::Month,
        ];
        let json = serde_json::to_string(&dimensions).unwrap();
        assert_eq!(json, r#"["product","tag:env:prod","month"]"#);
        assert_eq!(
            serde_json::from_str::<Vec<Dimension>>(&json).unwrap(),
            dimensions
        );
        let refused = serde_json::from_str::<Dimension>(r#""colour""#).unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("`colour` is not a dimension"),
            "{refused}"
        );
    }
}
