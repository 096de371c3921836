//! Cost summaries: bill rows grouped by one or two dimensions, with Tencent's measures and
//! `RealTotalCostRatio` shares.
//!
//! The rows come from the most detailed bill loaded (L3 明细 if any, else L2 资源, else 消耗明细),
//! never from two levels at once, which would count every yuan twice. Measures carry the billing
//! API's names whatever the source called them (L3's `Cost`/`RealCost` are `TotalCost`/
//! `RealTotalCost` here); a measure no source column provides is `null`, never zero.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::named_tables;
use super::share::percent_shares;
use crate::dataset::Dataset;
use crate::table::{ColumnValues, Symbol, Table, TableKind};
use crate::time::BeijingTime;

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
}

impl Dimension {
    /// Every fixed dimension (tags come from the data).
    pub const FIXED: [Dimension; 13] = [
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
    ];

    /// Parses the names [`Display`](fmt::Display) prints (`product`, `tag:env`, `month`).
    pub fn parse(text: &str) -> Option<Dimension> {
        if let Some(key) = text.strip_prefix("tag:") {
            return (!key.is_empty()).then(|| Dimension::Tag(key.to_owned()));
        }
        Dimension::FIXED
            .into_iter()
            .find(|dimension| dimension.to_string() == text)
    }
}

/// A row's value of one dimension, cheap to hash and compare: an interned string of its table,
/// a date, or nothing. Summaries group by these and spell each group once, not each row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum KeyPart {
    Absent,
    Text(Symbol),
    /// Year, month and day; day 0 for a whole month.
    Date(i64, u32, u32),
}

impl KeyPart {
    /// The value as the page and the report show it; `-` when the row has none, as bills print it.
    fn text(self, table: &Table) -> String {
        match self {
            KeyPart::Absent => "-".to_owned(),
            KeyPart::Text(symbol) => table.resolve(symbol).to_owned(),
            KeyPart::Date(year, month, 0) => format!("{year:04}-{month:02}"),
            KeyPart::Date(year, month, day) => format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// A dimension's column(s) in one table, found once: reading a row then costs no lookup by name.
enum DimensionReader<'a> {
    Text(Option<&'a [Option<Symbol>]>),
    /// The first of these columns with a time gives the row's day (or month).
    Date {
        columns: Vec<&'a [Option<BeijingTime>]>,
        whole_month: bool,
    },
}

impl<'a> DimensionReader<'a> {
    fn new(dimension: &Dimension, table: &'a Table) -> Self {
        let text = |name: &str| match table.column(name).map(|column| &column.values) {
            Some(ColumnValues::Text(values)) => Some(values.as_slice()),
            _ => None,
        };
        let dates = |names: &[&str], whole_month| DimensionReader::Date {
            columns: names
                .iter()
                .filter_map(
                    |name| match table.column(name).map(|column| &column.values) {
                        Some(ColumnValues::Time(values)) => Some(values.as_slice()),
                        _ => None,
                    },
                )
                .collect(),
            whole_month,
        };
        match dimension {
            Dimension::Product => DimensionReader::Text(text("BusinessCodeName")),
            Dimension::SubProduct => DimensionReader::Text(text("ProductCodeName")),
            Dimension::ComponentType => DimensionReader::Text(text("ComponentCodeName")),
            Dimension::Component => DimensionReader::Text(text("ItemCodeName")),
            Dimension::Region => DimensionReader::Text(text("RegionName")),
            Dimension::Zone => DimensionReader::Text(text("ZoneName")),
            Dimension::Project => DimensionReader::Text(text("ProjectName")),
            Dimension::PayMode => DimensionReader::Text(text("PayModeName")),
            Dimension::TransactionType => DimensionReader::Text(text("ActionTypeName")),
            Dimension::OwnerUin => DimensionReader::Text(text("OwnerUin")),
            Dimension::ResourceId => DimensionReader::Text(text("ResourceId")),
            Dimension::Tag(key) => DimensionReader::Text(text(&format!("Tag:{key}"))),
            Dimension::Day => dates(&["BillDay", "FeeBeginTime", "PayTime"], false),
            Dimension::Month => dates(
                &["BillMonth", "ConsumptionMonth", "FeeBeginTime", "PayTime"],
                true,
            ),
        }
    }

    fn key(&self, row: usize) -> KeyPart {
        match self {
            DimensionReader::Text(values) => values
                .and_then(|values| values.get(row).copied().flatten())
                .map_or(KeyPart::Absent, KeyPart::Text),
            DimensionReader::Date {
                columns,
                whole_month,
            } => columns
                .iter()
                .find_map(|values| values.get(row).copied().flatten())
                .map_or(KeyPart::Absent, |time| {
                    let (year, month, day, ..) = time.beijing_fields();
                    KeyPart::Date(year, month, if *whole_month { 0 } else { day })
                }),
        }
    }
}

/// A [`Filter`] over one table: each distinct value is checked against the filter's values once.
struct RowFilter<'a> {
    reader: DimensionReader<'a>,
    values: &'a [String],
    passes: HashMap<KeyPart, bool>,
}

impl<'a> RowFilter<'a> {
    fn new(filter: &'a Filter, table: &'a Table) -> Self {
        RowFilter {
            reader: DimensionReader::new(&filter.dimension, table),
            values: &filter.values,
            passes: HashMap::new(),
        }
    }

    fn passes(&mut self, table: &Table, row: usize) -> bool {
        let key = self.reader.key(row);
        let values = self.values;
        *self
            .passes
            .entry(key)
            .or_insert_with(|| values.contains(&key.text(table)))
    }
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
        };
        f.write_str(name)
    }
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Keeps the rows whose `dimension` value is one of `values`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Filter {
    pub dimension: Dimension,
    pub values: Vec<String>,
}

/// Sums of the billing API's measures; `None` where no source column has the measure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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

    /// Adds one row; an absent cell in a present column counts as zero.
    fn add_row(&mut self, columns: &[(Measure, &[Option<Decimal>])], row: usize) {
        for &(measure, values) in columns {
            let slot = self.slot(measure);
            *slot = Some(
                slot.unwrap_or_default() + values.get(row).copied().flatten().unwrap_or_default(),
            );
        }
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// Cost rows grouped by up to two dimensions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Which rows were summed: `BillDetails` (L3), `BillResources` (L2) or `CostDetails`;
    /// `None` when the dataset has no cost rows.
    pub source: Option<String>,
    pub group_by: Vec<Dimension>,
    pub filters: Vec<Filter>,
    pub row_count: usize,
    pub total: Amounts,
    /// By `RealTotalCost`, largest first; by key when grouping by day or month first.
    pub groups: Vec<Group>,
}

/// The table kind cost summaries read: the most detailed bill present.
pub fn cost_source(dataset: &Dataset) -> Option<TableKind> {
    [
        TableKind::BillDetails,
        TableKind::BillResources,
        TableKind::CostDetails,
    ]
    .into_iter()
    .find(|&kind| dataset.row_count(kind) > 0)
}

/// Groups the cost rows by `group_by` (zero, one or two dimensions; more work too) after
/// keeping only rows that pass every filter.
pub fn summarize(dataset: &Dataset, group_by: &[Dimension], filters: &[Filter]) -> Summary {
    let source = cost_source(dataset);
    let mut total = Amounts::default();
    let mut row_count = 0;
    let mut groups: BTreeMap<Vec<String>, (usize, Amounts)> = BTreeMap::new();
    for (_, table) in source
        .into_iter()
        .flat_map(|kind| named_tables(dataset, kind))
    {
        // Columns are found once per table and rows grouped by interned keys; a group's text is
        // spelled once, when the table's groups join the others.
        let columns = measure_columns(table);
        let readers: Vec<DimensionReader> = group_by
            .iter()
            .map(|dimension| DimensionReader::new(dimension, table))
            .collect();
        let mut row_filters: Vec<RowFilter> = filters
            .iter()
            .map(|filter| RowFilter::new(filter, table))
            .collect();
        let mut table_groups: HashMap<Vec<KeyPart>, (usize, Amounts)> = HashMap::new();
        let mut key = Vec::with_capacity(readers.len());
        for row in 0..table.row_count() {
            if !row_filters
                .iter_mut()
                .all(|filter| filter.passes(table, row))
            {
                continue;
            }
            key.clear();
            key.extend(readers.iter().map(|reader| reader.key(row)));
            let (group_rows, amounts) = match table_groups.get_mut(key.as_slice()) {
                Some(group) => group,
                None => table_groups.entry(key.clone()).or_default(),
            };
            *group_rows += 1;
            amounts.add_row(&columns, row);
        }
        for (key, (rows, amounts)) in table_groups {
            let key = key.iter().map(|part| part.text(table)).collect();
            let (group_rows, group_amounts) = groups.entry(key).or_default();
            *group_rows += rows;
            group_amounts.merge(&amounts);
            total.merge(&amounts);
            row_count += rows;
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(key, (row_count, amounts))| Group {
            key,
            row_count,
            amounts,
            real_total_cost_ratio: None,
        })
        .collect();
    if !matches!(group_by.first(), Some(Dimension::Day | Dimension::Month)) {
        groups.sort_by(|a, b| {
            let real = |group: &Group| group.amounts.real_total_cost.unwrap_or_default();
            real(b).cmp(&real(a)).then_with(|| a.key.cmp(&b.key))
        });
    }
    let real_costs: Vec<Decimal> = groups
        .iter()
        .map(|group| group.amounts.real_total_cost.unwrap_or_default())
        .collect();
    if total.real_total_cost.is_some() {
        if let Some(shares) = percent_shares(&real_costs) {
            for (group, share) in groups.iter_mut().zip(shares) {
                group.real_total_cost_ratio = Some(share);
            }
        }
    }
    Summary {
        source: source.map(|kind| format!("{kind:?}")),
        group_by: group_by.to_vec(),
        filters: filters.to_vec(),
        row_count,
        total,
        groups,
    }
}

/// The measures `table` has, each from the first of its source columns present.
fn measure_columns(table: &Table) -> Vec<(Measure, &[Option<Decimal>])> {
    MEASURE_COLUMNS
        .iter()
        .filter_map(|&(measure, names)| {
            names.iter().find_map(
                |name| match table.column(name).map(|column| &column.values) {
                    Some(ColumnValues::Decimal(values)) => Some((measure, values.as_slice())),
                    _ => None,
                },
            )
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
    let Some(source) = cost_source(dataset) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (index, file) in dataset.files().iter().enumerate() {
        let table = &file.table;
        if table.kind() != source {
            continue;
        }
        let mut row_filters: Vec<RowFilter> = filters
            .iter()
            .map(|filter| RowFilter::new(filter, table))
            .collect();
        rows.extend(
            (0..table.row_count())
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
    let mut values = std::collections::BTreeSet::new();
    for (_, table) in cost_source(dataset)
        .into_iter()
        .flat_map(|kind| named_tables(dataset, kind))
    {
        let reader = DimensionReader::new(dimension, table);
        let mut row_filters: Vec<RowFilter> = filters
            .iter()
            .map(|filter| RowFilter::new(filter, table))
            .collect();
        // Each distinct value is spelled once per table, not once per row.
        let keys: HashSet<KeyPart> = (0..table.row_count())
            .filter(|&row| {
                row_filters
                    .iter_mut()
                    .all(|filter| filter.passes(table, row))
            })
            .map(|row| reader.key(row))
            .collect();
        values.extend(keys.into_iter().map(|key| key.text(table)));
    }
    values.into_iter().collect()
}

/// The cells of one cost row for [`ROW_COLUMNS`], preceded by `file:row` (1-based data row);
/// `-` where the file has no such column or the cell is empty.
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
    std::iter::once(format!("{}:{}", file.name, row + 1))
        .chain(ROW_COLUMNS.iter().map(|(_, names)| cell(names)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_file;

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
                "june.csv:3",
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

    #[test]
    fn dimension_names_round_trip() {
        for dimension in Dimension::FIXED {
            assert_eq!(Dimension::parse(&dimension.to_string()), Some(dimension));
        }
        assert_eq!(
            Dimension::parse("tag:env"),
            Some(Dimension::Tag("env".into()))
        );
        assert_eq!(Dimension::parse("tag:"), None);
        assert_eq!(Dimension::parse("colour"), None);
    }
}
