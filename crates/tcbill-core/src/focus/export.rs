//! Bill rows → FOCUS 1.0 rows, one per cost row of the most detailed bill loaded (the rows the
//! cost summaries sum, so FOCUS totals equal tcbill's), with EffectiveCost amortised from the
//! package deductions. `FOCUS.md` beside this file gives the reason for every column.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::{FocusFields, COLUMNS};
use crate::analysis::compare::is_refund_or_adjustment;
use crate::analysis::cost::{cost_rows, cost_tables, measure_column, Measure};
use crate::analysis::currency::{CostRowReader, Currency, Month};
use crate::analysis::deductions::analyze_deductions;
use crate::analysis::packages::package_usage;
use crate::analysis::products::business_code;
use crate::dataset::Dataset;
use crate::model::table::{ColumnRole, Table};
use crate::model::time::BeijingTime;
use crate::report::{csv_writer, LineEnd};

/// At most this many decimals are kept of a row's amortised package cost (package price ÷
/// capacity × deducted quantity, shared by ListCost), without trailing zeros.
const AMORTISED_DECIMALS: u32 = 10;

/// One typed cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FocusValue {
    Null,
    Text(String),
    Decimal(Decimal),
    Time(BeijingTime),
    Bool(bool),
}

impl FocusValue {
    /// The cell as FOCUS CSV text: decimals always with a decimal point (so CSV readers that
    /// infer types see decimals, not integers), times as UTC `YYYY-MM-DDTHH:mm:ssZ`.
    pub fn to_focus_text(&self) -> String {
        match self {
            FocusValue::Null => String::new(),
            FocusValue::Text(text) => text.clone(),
            FocusValue::Decimal(value) if value.scale() == 0 => format!("{value}.0"),
            FocusValue::Decimal(value) => value.to_string(),
            FocusValue::Time(time) => utc_text(*time),
            FocusValue::Bool(flag) => flag.to_string(),
        }
    }

    /// Whether FOCUS can write the value: times only in the four-digit UTC years of ISO 8601
    /// (a bill read as Beijing 0000-01-01 starts in UTC year -1).
    fn is_writable(&self) -> bool {
        match self {
            FocusValue::Time(time) => (0..=9999).contains(&time.utc_fields().0),
            _ => true,
        }
    }
}

/// `2025-05-31T16:00:00Z` for Beijing 2025-06-01 00:00:00.
pub fn utc_text(time: BeijingTime) -> String {
    let (year, month, day, hour, minute, second) = time.utc_fields();
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// One exported row: its billing month (Beijing, `YYYY-MM`, the partition key) and one value per
/// column of [`COLUMNS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocusRow {
    pub billing_month: String,
    pub values: Vec<FocusValue>,
}

/// The FOCUS dataset of a [`Dataset`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FocusExport {
    pub rows: Vec<FocusRow>,
    /// What could not be mapped as well as it should (deductions with no bill row to amortise
    /// onto, packages without a purchase price), for the user.
    pub notes: Vec<String>,
}

impl FocusExport {
    /// The billing months present, sorted.
    pub fn months(&self) -> Vec<&str> {
        let mut months: Vec<&str> = self
            .rows
            .iter()
            .map(|row| row.billing_month.as_str())
            .collect();
        months.sort_unstable();
        months.dedup();
        months
    }

    /// RFC 4180 CSV (UTF-8 without BOM, LF) of the rows of one billing month, or of all rows.
    pub fn to_csv(&self, month: Option<&str>) -> Vec<u8> {
        let mut csv = csv_writer(Vec::new(), LineEnd::Lf);
        let header = COLUMNS.iter().map(|column| column.name);
        csv.write_record(header).expect("writing to memory");
        for row in &self.rows {
            if month.is_some_and(|month| month != row.billing_month) {
                continue;
            }
            let fields = row.values.iter().map(FocusValue::to_focus_text);
            csv.write_record(fields).expect("writing to memory");
        }
        csv.into_inner().expect("writing to memory")
    }
}

/// A priced resource package: its purchase row(s) in the bill and its capacity.
struct PricedPackage {
    name: Option<String>,
    /// Purchase price per package unit.
    rate: Decimal,
}

/// What the deductions add to one cost row.
#[derive(Default)]
struct Coverage {
    amortised: Decimal,
    /// The packages that covered the row, in first-seen order.
    packages: Vec<String>,
}

/// The FOCUS rows of `dataset`.
pub fn export(dataset: &Dataset) -> FocusExport {
    // Each table with its file's index in the dataset: the rows every cost analysis reads (per
    // billing month, the most detailed bill loaded for it), rows loaded twice exported once.
    let tables: Vec<(usize, &Table)> = cost_tables(dataset).collect();
    if tables.is_empty() {
        return FocusExport::default();
    }
    let mut notes = Vec::new();

    // Resource packages: bill rows whose resource ID is a package the deductions name are its
    // purchases; price ÷ capacity is what one deducted unit cost.
    let deductions = analyze_deductions(dataset);
    let capacities: HashMap<String, (Option<String>, Option<Decimal>)> =
        package_usage(dataset, &deductions)
            .into_iter()
            .map(|package| (package.package_id, (package.package_name, package.total)))
            .collect();
    let mut purchases: BTreeMap<String, Decimal> = BTreeMap::new();
    for &(file, table) in &tables {
        for row in cost_rows(dataset, file) {
            if let Some(id) = table.text("ResourceId", row) {
                if capacities.contains_key(id) {
                    *purchases.entry(id.to_owned()).or_default() += real_cost(table, row);
                }
            }
        }
    }
    let mut priced: HashMap<&str, PricedPackage> = HashMap::new();
    for (id, (name, total)) in &capacities {
        match (purchases.get(id), total) {
            (Some(price), Some(total)) if !total.is_zero() => match price.checked_div(*total) {
                Some(rate) => {
                    priced.insert(
                        id,
                        PricedPackage {
                            name: name.clone(),
                            rate,
                        },
                    );
                }
                None => notes.push(format!(
                    "package {id}: price per unit too large to compute exactly, not amortised"
                )),
            },
            (Some(_), _) => notes.push(format!(
                "package {id}: capacity unknown, its purchase is not amortised"
            )),
            (None, _) => notes.push(format!(
                "package {id}: no purchase row in the loaded bills, so its deductions carry no \
                 cost (EffectiveCost of the usage it covered stays its BilledCost)"
            )),
        }
    }
    crate::model::sort::sort(&mut notes);

    // Each deduction's share of its package's price goes to the usage rows it covered: same
    // product and billing item, usage start inside the row's fee period.
    let mut coverage: HashMap<(usize, usize), Coverage> = HashMap::new();
    let mut unattributed = 0usize;
    let mut too_large = 0usize;
    for deduction in &deductions.rows {
        let Some(package) = priced.get(deduction.package_id.as_str()) else {
            continue;
        };
        let Some(amount) = deduction
            .actual_dosage
            .unwrap_or_default()
            .checked_mul(package.rate)
        else {
            too_large += 1;
            continue;
        };
        let matches: Vec<(usize, usize, Decimal)> = tables
            .iter()
            .enumerate()
            .flat_map(|(index, &(file, table))| {
                cost_rows(dataset, file).filter_map(move |row| {
                    let covers = table.text("ResourceId", row) != Some(&deduction.package_id)
                        && deduction.deducted_product.as_deref()
                            == table.text("BusinessCodeName", row)
                        && deduction.deducted_item.as_deref() == table.text("ItemCodeName", row)
                        && deduction.usage_start.is_some_and(|start| {
                            table.time("FeeBeginTime", row).is_some_and(|b| b <= start)
                                && table.time("FeeEndTime", row).is_none_or(|e| start <= e)
                        });
                    covers.then(|| (index, row, list_cost(table, row).max(Decimal::ZERO)))
                })
            })
            .collect();
        if matches.is_empty() {
            unattributed += 1;
            continue;
        }
        let weight_total: Decimal = matches.iter().map(|m| m.2).sum();
        let count = Decimal::from(matches.len());
        for (index, row, weight) in matches {
            let share = if weight_total.is_zero() {
                amount.checked_div(count)
            } else {
                amount
                    .checked_mul(weight)
                    .and_then(|product| product.checked_div(weight_total))
            };
            let entry = coverage.entry((index, row)).or_default();
            match share.and_then(|share| entry.amortised.checked_add(share)) {
                Some(amortised) => entry.amortised = amortised,
                None => too_large += 1,
            }
            if !entry.packages.contains(&deduction.package_id) {
                entry.packages.push(deduction.package_id.clone());
            }
        }
    }
    if too_large > 0 {
        notes.push(format!(
            "{too_large} deduction shares are too large to compute exactly and are not amortised"
        ));
    }
    if unattributed > 0 {
        notes.push(format!(
            "{unattributed} deduction rows of priced packages match no loaded bill row (another \
             month?); their cost is not amortised"
        ));
    }

    let mut rows = Vec::new();
    let mut unwritable = 0usize;
    for (index, &(file, table)) in tables.iter().enumerate() {
        let reader = CostRowReader::new(table);
        let tag_keys: Vec<(String, String)> = table
            .columns()
            .iter()
            .filter_map(|column| match &column.role {
                ColumnRole::Tag { key } => Some((key.clone(), column.name.clone())),
                _ => None,
            })
            .collect();
        for row in cost_rows(dataset, file) {
            let context = RowContext {
                table,
                row,
                currency: reader.currency(row),
                month: reader.month(row),
                tag_keys: &tag_keys,
                coverage: coverage.get(&(index, row)),
                package: table
                    .text("ResourceId", row)
                    .filter(|id| capacities.contains_key(*id))
                    .map(|id| (id, priced.get(id))),
            };
            let row = context.focus_row();
            if row.values.iter().all(FocusValue::is_writable) {
                rows.push(row);
            } else {
                unwritable += 1;
            }
        }
    }
    if unwritable > 0 {
        notes.push(format!(
            "{unwritable} bill rows have a time before 0000-01-01 or after 9999-12-31 UTC, which \
             FOCUS cannot write: they are not exported, so the FOCUS totals lack them"
        ));
    }
    debug_assert!(rows.iter().all(|row| row.values.len() == COLUMNS.len()));
    FocusExport { rows, notes }
}

/// 优惠后总价, 0 when the row has none: the `RealTotalCost` measure the cost summaries sum.
fn real_cost(table: &Table, row: usize) -> Decimal {
    measure_column(table, Measure::RealTotalCost)
        .and_then(|column| column.get(row))
        .unwrap_or_default()
}

/// 原价 as the row prints it: the column of the `TotalCost` measure, the one the cost summaries
/// and the comparison read.
fn original_cost(table: &Table, row: usize) -> Option<Decimal> {
    measure_column(table, Measure::TotalCost).and_then(|column| column.get(row))
}

/// FOCUS ListCost: 原价, else BilledCost.
fn list_cost(table: &Table, row: usize) -> Decimal {
    original_cost(table, row).unwrap_or_else(|| real_cost(table, row))
}

/// FOCUS ChargeCategory, ChargeClass and ChargeFrequency from 交易类型 and 计费模式.
fn classify(
    transaction: Option<&str>,
    pay_mode: Option<&str>,
) -> (&'static str, Option<&'static str>, &'static str) {
    let transaction = transaction.unwrap_or_default();
    let has = |needles: &[&str]| needles.iter().any(|needle| transaction.contains(needle));
    if has(&["冲正"]) {
        ("Usage", Some("Correction"), "Usage-Based")
    } else if has(&["退款", "退费"]) {
        ("Credit", None, "One-Time")
    } else if has(&["调账", "补偿", "保底"]) {
        ("Adjustment", None, "One-Time")
    } else if has(&["续费", "节省计划小时费用"]) {
        ("Purchase", None, "Recurring")
    } else if has(&["新购", "配置变更", "预付", "购买"])
        || pay_mode.is_some_and(|mode| mode.contains("包年包月") || mode.contains("预付费"))
    {
        ("Purchase", None, "One-Time")
    } else {
        ("Usage", None, "Usage-Based")
    }
}

/// FOCUS 1.0's ServiceCategory from the product name (Chinese or English), `Other` if unknown.
fn service_category(product: &str) -> &'static str {
    let lower = product.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|needle| lower.contains(needle));
    if has(&[
        "安全", "security", "waf", "ssl", "防护", "ddos", "密钥", "kms",
    ]) {
        "Security"
    } else if has(&[
        "数据库",
        "database",
        "mysql",
        "redis",
        "mongodb",
        "postgres",
        "tdsql",
        "sql server",
        "mariadb",
        "cynosdb",
        "es",
    ]) && !has(&["cdn"])
    {
        "Databases"
    } else if has(&[
        "cdn",
        "负载均衡",
        "clb",
        "私有网络",
        "vpc",
        "eip",
        "弹性公网",
        "带宽",
        "专线",
        "nat",
        "网络",
        "dns",
        "edgeone",
        "加速",
        "云联网",
    ]) {
        "Networking"
    } else if has(&["存储", "storage", "cos", "硬盘", "cbs", "cfs", "归档"]) {
        "Storage"
    } else if has(&[
        "音视频",
        "直播",
        "点播",
        "trtc",
        "媒体",
        "live",
        "vod",
        "media",
    ]) {
        "Media"
    } else if has(&[
        "识别",
        "语音",
        "混元",
        "机器学习",
        "ai",
        "ocr",
        "翻译",
        "人脸",
    ]) {
        "AI and Machine Learning"
    } else if has(&[
        "服务器",
        "cvm",
        "compute",
        "容器",
        "tke",
        "函数",
        "scf",
        "serverless",
        "批量计算",
        "lighthouse",
        "轻量",
    ]) {
        "Compute"
    } else if has(&["日志", "监控", "cls", "monitor", "审计", "cloud audit"]) {
        "Management and Governance"
    } else if has(&[
        "大数据",
        "emr",
        "数据仓库",
        "analytics",
        "数据湖",
        "oceanus",
    ]) {
        "Analytics"
    } else {
        "Other"
    }
}

/// FOCUS-style units for the units Tencent prints in Chinese; others unchanged.
fn unit_name(unit: &str) -> String {
    let name = match unit {
        "核" => "Core",
        "个" => "Unit",
        "次" | "万次" => {
            return if unit == "次" {
                "Requests".into()
            } else {
                "10000 Requests".into()
            }
        }
        "小时" => "Hours",
        "天" | "日" => "Days",
        "月" => "Months",
        "年" => "Years",
        "分钟" => "Minutes",
        "秒" => "Seconds",
        other => other,
    };
    name.to_owned()
}

struct RowContext<'a> {
    table: &'a Table,
    row: usize,
    /// The row's currency and billing month as the report reads them (see
    /// [`crate::analysis::currency`]).
    currency: Currency,
    month: Option<Month>,
    tag_keys: &'a [(String, String)],
    coverage: Option<&'a Coverage>,
    /// The package this row purchases, and its price if known.
    package: Option<(&'a str, Option<&'a PricedPackage>)>,
}

impl RowContext<'_> {
    fn text(&self, name: &str) -> Option<&str> {
        self.table.text(name, self.row)
    }

    fn decimal(&self, name: &str) -> Option<Decimal> {
        self.table.decimal(name, self.row)
    }

    fn time(&self, name: &str) -> Option<BeijingTime> {
        self.table.time(name, self.row)
    }

    fn focus_row(&self) -> FocusRow {
        let text = |name: &str| {
            self.text(name)
                .map_or(FocusValue::Null, |text| FocusValue::Text(text.to_owned()))
        };
        let decimal = |value: Option<Decimal>| value.map_or(FocusValue::Null, FocusValue::Decimal);
        let fixed = |text: &str| FocusValue::Text(text.to_owned());

        let month = self.month.map(|Month(year, month)| (year, month));
        let period = month.and_then(|(year, month)| BeijingTime::month_bounds(year, month));
        let charge_start = self.time("FeeBeginTime").or(period.map(|p| p.0));
        let charge_end = self
            .time("FeeEndTime")
            .map(BeijingTime::exclusive_end)
            .or(period.map(|p| p.1));

        let (category, class, frequency) =
            classify(self.text("ActionTypeName"), self.text("PayModeName"));
        let billed = real_cost(self.table, self.row);
        let list = list_cost(self.table, self.row);
        let amortised = self
            .coverage
            .map(|coverage| coverage.amortised.round_dp(AMORTISED_DECIMALS).normalize());
        let effective = match self.package {
            // A resource package's purchase: its cost shows up where it was used.
            Some((_, Some(_))) => Decimal::ZERO,
            _ => billed + amortised.unwrap_or_default(),
        };

        // Usage and the part of it resource packages covered, each × 使用时长 when the bill has one.
        // Past a decimal's range only for hostile values: then no quantity rather than a panic.
        let times_span = |amount: Option<Decimal>| match (amount, self.decimal("TimeSpan")) {
            (Some(amount), Some(span)) => amount.checked_mul(span),
            (amount, _) => amount,
        };
        let quantity = times_span(self.decimal("UsedAmount"));
        let used_unit = self.text("UsedAmountUnit").map(unit_name);
        let pricing_unit = match (
            &used_unit,
            self.decimal("TimeSpan"),
            self.text("TimeUnitName"),
        ) {
            (Some(unit), Some(_), Some(time_unit)) => {
                Some(format!("{unit}-{}", unit_name(time_unit)))
            }
            (unit, ..) => unit.clone(),
        };
        let is_usage = category == "Usage";

        // Commitment: a resource package (the row buys one, or one covered the row).
        let (commitment_id, commitment_name, commitment_status) =
            match (self.package, self.coverage) {
                (Some((id, priced)), _) => (
                    Some(id.to_owned()),
                    priced.and_then(|p| p.name.clone()),
                    None,
                ),
                (None, Some(coverage)) if is_usage => {
                    (coverage.packages.first().cloned(), None, Some("Used"))
                }
                _ => (None, None, None),
            };
        let has_commitment = commitment_id.is_some();
        let committed = (has_commitment && is_usage)
            || self.decimal("SPDeduction").is_some_and(|d| !d.is_zero())
            || self
                .decimal("OriginalCostWithRI")
                .is_some_and(|d| !d.is_zero());
        let pricing_category = match category {
            "Usage" if committed => Some("Committed"),
            "Usage" if self.text("PayModeName").is_some_and(|m| m.contains("竞价")) => {
                Some("Dynamic")
            }
            "Usage" | "Purchase" => Some("Standard"),
            _ => None,
        };

        let product = self.text("BusinessCodeName");
        let description = [
            product,
            self.text("ProductCodeName"),
            self.text("ItemCodeName"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
        let tags: serde_json::Map<String, serde_json::Value> = self
            .tag_keys
            .iter()
            .filter_map(|(key, column)| {
                let value = self.text(column)?;
                Some((key.clone(), serde_json::Value::String(value.to_owned())))
            })
            .collect();

        let opt_text = |value: Option<&str>| value.map_or(FocusValue::Null, fixed);
        let fields = FocusFields {
            AvailabilityZone: text("ZoneName"),
            BilledCost: FocusValue::Decimal(billed),
            BillingAccountId: text("PayerUin"),
            BillingAccountName: FocusValue::Null,
            BillingCurrency: fixed(self.currency.as_str()),
            BillingPeriodEnd: period.map_or(FocusValue::Null, |p| FocusValue::Time(p.1)),
            BillingPeriodStart: period.map_or(FocusValue::Null, |p| FocusValue::Time(p.0)),
            ChargeCategory: fixed(category),
            ChargeClass: opt_text(class),
            ChargeDescription: if description.is_empty() {
                FocusValue::Null
            } else {
                FocusValue::Text(description)
            },
            ChargeFrequency: fixed(frequency),
            ChargePeriodEnd: charge_end.map_or(FocusValue::Null, FocusValue::Time),
            ChargePeriodStart: charge_start.map_or(FocusValue::Null, FocusValue::Time),
            CommitmentDiscountCategory: opt_text(has_commitment.then_some("Usage")),
            CommitmentDiscountId: commitment_id.map_or(FocusValue::Null, FocusValue::Text),
            CommitmentDiscountName: commitment_name.map_or(FocusValue::Null, FocusValue::Text),
            CommitmentDiscountStatus: opt_text(commitment_status),
            CommitmentDiscountType: opt_text(has_commitment.then_some("Resource Package")),
            ConsumedQuantity: if is_usage {
                decimal(self.decimal("UsedAmount"))
            } else {
                FocusValue::Null
            },
            ConsumedUnit: if is_usage {
                used_unit.clone().map_or(FocusValue::Null, FocusValue::Text)
            } else {
                FocusValue::Null
            },
            ContractedCost: FocusValue::Decimal(billed),
            ContractedUnitPrice: decimal(self.decimal("ContractPrice")),
            EffectiveCost: FocusValue::Decimal(effective),
            InvoiceIssuerName: fixed("Tencent Cloud"),
            ListCost: FocusValue::Decimal(list),
            ListUnitPrice: decimal(self.decimal("SinglePrice")),
            PricingCategory: opt_text(pricing_category),
            PricingQuantity: decimal(quantity),
            PricingUnit: pricing_unit.map_or(FocusValue::Null, FocusValue::Text),
            ProviderName: fixed("Tencent Cloud"),
            PublisherName: fixed("Tencent Cloud"),
            RegionId: text("RegionCode"),
            RegionName: text("RegionName"),
            ResourceId: text("ResourceId"),
            ResourceName: text("ResourceName"),
            ResourceType: text("InstanceType"),
            ServiceCategory: fixed(service_category(product.unwrap_or_default())),
            ServiceName: product.map_or(FocusValue::Null, fixed),
            SkuId: text("ItemCode"),
            SkuPriceId: FocusValue::Null,
            SubAccountId: text("OwnerUin"),
            SubAccountName: FocusValue::Null,
            Tags: if tags.is_empty() {
                FocusValue::Null
            } else {
                FocusValue::Text(serde_json::Value::Object(tags).to_string())
            },
            x_ComponentName: text("ItemCodeName"),
            x_ComponentType: text("ComponentCodeName"),
            x_SubproductName: text("ProductCodeName"),
            x_OwnerAccountID: text("OwnerUin"),
            x_ProjectName: text("ProjectName"),
            x_PayModeName: text("PayModeName"),
            x_TransactionType: text("ActionTypeName"),
            x_BillId: text("BillId"),
            x_CashPayAmount: decimal(self.decimal("CashPayAmount")),
            x_VoucherPayAmount: decimal(self.decimal("VoucherPayAmount")),
            x_IncentivePayAmount: decimal(self.decimal("IncentivePayAmount")),
            x_TransferPayAmount: decimal(self.decimal("TransferPayAmount")),
            x_Tax: decimal(self.decimal("Tax")),
            x_AmortizedPackageCost: decimal(amortised),
            x_ProductCode: opt_text(business_code(self.text("BusinessCode"), product)),
            x_OriginalCost: decimal(original_cost(self.table, self.row)),
            x_DiscountRate: decimal(self.decimal("Discount")),
            x_DeductedQuantity: decimal(times_span(self.decimal("DeductedMeasure"))),
            x_SavingsPlanDeduction: decimal(self.decimal("SPDeduction")),
            x_SavingsPlanOriginalCost: decimal(self.decimal("OriginalCostWithSP")),
            x_ReservedInstanceOriginalCost: decimal(self.decimal("OriginalCostWithRI")),
            x_RefundOrAdjustment: FocusValue::Bool(
                self.text("ActionTypeName")
                    .is_some_and(is_refund_or_adjustment),
            ),
        };
        let billing_month = month.map_or_else(
            || "unknown".to_owned(),
            |(year, month)| format!("{year:04}-{month:02}"),
        );
        FocusRow {
            billing_month,
            values: fields.into_values(),
        }
    }
}

/// Whether a value fits its column's type (used by the tests).
#[cfg(test)]
fn fits(value: &FocusValue, focus_type: super::FocusType) -> bool {
    matches!(
        (value, focus_type),
        (FocusValue::Null, _)
            | (FocusValue::Decimal(_), super::FocusType::Decimal)
            | (FocusValue::Time(_), super::FocusType::DateTime)
            | (FocusValue::Bool(_), super::FocusType::Boolean)
            | (
                FocusValue::Text(_),
                super::FocusType::String | super::FocusType::Json
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::focus::FOCUS_COLUMN_COUNT;
    use crate::input::parse_file;
    use std::str::FromStr;

    const L3: &str = include_str!("../../../../sample/2025-06-明细账单-L3.csv");
    const DEDUCTIONS: &str = include_str!("../../../../sample/2025-06-资源包抵扣明细.csv");

    fn column_index(name: &str) -> usize {
        COLUMNS.iter().position(|c| c.name == name).expect(name)
    }

    fn dataset(files: &[(&str, &str)]) -> Dataset {
        let mut dataset = Dataset::new();
        for (name, text) in files {
            dataset.add(parse_file(name, text.as_bytes()));
        }
        dataset
    }

    fn sum(export: &FocusExport, name: &str) -> Decimal {
        let index = column_index(name);
        export
            .rows
            .iter()
            .filter_map(|row| match &row.values[index] {
                FocusValue::Decimal(value) => Some(*value),
                _ => None,
            })
            .sum()
    }

    #[test]
    fn has_the_43_focus_columns_and_typed_values() {
        assert_eq!(
            COLUMNS[..FOCUS_COLUMN_COUNT]
                .iter()
                .filter(|c| !c.name.starts_with("x_"))
                .count(),
            43
        );
        assert!(COLUMNS[FOCUS_COLUMN_COUNT..]
            .iter()
            .all(|c| c.name.starts_with("x_")));
        let export = export(&dataset(&[("l3.csv", L3)]));
        assert_eq!(export.rows.len(), 6);
        for row in &export.rows {
            assert_eq!(row.values.len(), COLUMNS.len());
            for (value, column) in row.values.iter().zip(COLUMNS) {
                assert!(fits(value, column.focus_type), "{}: {value:?}", column.name);
            }
        }
    }

    #[test]
    fn sample_month_maps_times_costs_and_tags() {
        let export = export(&dataset(&[("l3.csv", L3)]));
        assert_eq!(export.months(), ["2025-06"]);
        assert_eq!(
            sum(&export, "BilledCost"),
            Decimal::from_str("559.63635230").unwrap()
        );
        assert_eq!(sum(&export, "EffectiveCost"), sum(&export, "BilledCost"));
        let csv = String::from_utf8(export.to_csv(Some("2025-06"))).unwrap();
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("AvailabilityZone,BilledCost,BillingAccountId,"));
        let first = lines.next().unwrap();
        assert!(
            first.contains(",2025-06-30T16:00:00Z,2025-05-31T16:00:00Z,Usage,,"),
            "{first}"
        );
        assert!(
            first.contains(r#""{""env"":""prod"",""team"":""web""}""#),
            "{first}"
        );
        assert!(first.contains(",172.8,"), "{first}");
        assert!(first.contains(",Compute,云服务器,"), "{first}");
        assert!(first.contains(",1440.0,Core-Hours,"), "{first}");
        assert_eq!(csv.lines().count(), 7);
    }

    #[test]
    fn a_package_purchase_is_amortised_over_the_usage_it_covered() {
        let purchase = L3.lines().next().unwrap().to_owned()
            + "\n2025-06,100012345678,100012345678,100012345678,内容分发网络 CDN,CDN流量包,包年包月,web,中国大陆,-,-,-,境内,pkg-cdn-0001,CDN境内流量包500GB,-,包年包月新购,o-1,20250601000900001,2025-06-01 00:00:00,2025-06-01 00:00:00,2025-12-31 23:59:59,资源包,流量包,60,60,元/个,1,个,-,-,60,1,-,-,-,0,60,0,0,60,-,prod,web\n"
            + &L3.lines().skip(1).collect::<Vec<_>>().join("\n");
        let export = export(&dataset(&[("l3.csv", &purchase), ("d.csv", DEDUCTIONS)]));
        let billed = sum(&export, "BilledCost");
        assert_eq!(billed, Decimal::from_str("619.63635230").unwrap());
        // 60 元 / 500 GB = 0.12 per GB; June's bill row is covered by the deductions for usage
        // from 06-01 to 06-03 (30.25 + 20 + 18.75 GB); the 05-31 usage belongs to May's bill.
        assert_eq!(
            sum(&export, "x_AmortizedPackageCost"),
            Decimal::from_str("8.28").unwrap()
        );
        assert_eq!(
            sum(&export, "EffectiveCost"),
            billed - Decimal::from(60) + Decimal::from_str("8.28").unwrap()
        );
        let category = column_index("ChargeCategory");
        let purchase_row = &export.rows[0];
        assert_eq!(
            purchase_row.values[category],
            FocusValue::Text("Purchase".into())
        );
        assert_eq!(
            purchase_row.values[column_index("EffectiveCost")],
            FocusValue::Decimal(Decimal::ZERO)
        );
        let cdn = export
            .rows
            .iter()
            .find(|row| {
                row.values[column_index("ResourceId")]
                    == FocusValue::Text("static.example.com".into())
            })
            .unwrap();
        assert_eq!(
            cdn.values[column_index("CommitmentDiscountId")],
            FocusValue::Text("pkg-cdn-0001".into())
        );
        assert_eq!(
            cdn.values[column_index("PricingCategory")],
            FocusValue::Text("Committed".into())
        );
        assert!(
            export
                .notes
                .iter()
                .any(|note| note.contains("pkg-trtc-0001")),
            "{:?}",
            export.notes
        );
    }

    #[test]
    fn utc_text_converts_from_beijing() {
        let time = BeijingTime::from_beijing(2025, 1, 1, 7, 59, 59).unwrap();
        assert_eq!(utc_text(time), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn transaction_types_map_to_charge_categories() {
        assert_eq!(
            classify(Some("按量计费小时结"), Some("按量计费")),
            ("Usage", None, "Usage-Based")
        );
        assert_eq!(
            classify(Some("包年包月续费"), None),
            ("Purchase", None, "Recurring")
        );
        assert_eq!(
            classify(Some("包年包月新购"), None),
            ("Purchase", None, "One-Time")
        );
        assert_eq!(
            classify(Some("包年包月退款"), None),
            ("Credit", None, "One-Time")
        );
        assert_eq!(
            classify(Some("调账补偿"), None),
            ("Adjustment", None, "One-Time")
        );
        assert_eq!(
            classify(Some("按量计费冲正"), None),
            ("Usage", Some("Correction"), "Usage-Based")
        );
    }
}
