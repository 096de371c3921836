//! Bill self-checks: the identities a Tencent bill should satisfy, row by row and across files.
//!
//! Row checks run on L3 明细 and 消耗明细 rows where the columns exist; a check whose columns are
//! missing everywhere is `skipped` with the reason, so "ok" always means "checked and fine".
//! Amounts agree when they are equal at the bill's own decimals, or once both are rounded to 分
//! (bills keep up to 8 decimals but charge to the 分). Usage quantities must agree exactly.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::cost::{summarize, Dimension, Filter, Measure};
use super::deductions::DeductionRow;
use super::units::{conversion, product_bases, CannotConvert, Conversion};
use super::{counted_tables, named_tables, round_half_up, RowRef, NOT_EXACT};
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Symbol, Table, TableKind, TextColumn};

/// One check and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable identifier (`list_price`, `summary_vs_details`, …).
    pub id: &'static str,
    pub description: &'static str,
    pub status: CheckStatus,
    /// Why the check could not run at all (the English of [`Check::skipped`]).
    pub skipped_reason: Option<String>,
    /// The same reason as a code a page can say in its own language; not in the report JSON.
    #[serde(skip)]
    pub skipped: Option<SkipReason>,
    pub rows_checked: usize,
    pub mismatches: Vec<Finding>,
    /// Rows that have the columns but could not be checked (`cannot convert 天 to 月`).
    pub not_checked: Vec<Finding>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Mismatches,
    Skipped,
}

/// One row or group that failed (or escaped) a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub row: Option<RowRef>,
    /// What the finding is about: the component, product or package.
    pub subject: String,
    /// The English of [`Finding::code`].
    pub detail: String,
    /// What the finding says, as a code a page can say in its own language; not in the report JSON.
    #[serde(skip)]
    pub code: FindingCode,
    pub expected: Option<Decimal>,
    pub found: Option<Decimal>,
    /// `found − expected`.
    pub difference: Option<Decimal>,
}

impl Finding {
    fn mismatch(
        row: Option<RowRef>,
        subject: String,
        code: FindingCode,
        expected: Decimal,
        found: Decimal,
    ) -> Self {
        Finding {
            row,
            subject,
            detail: code.to_string(),
            code,
            expected: Some(expected),
            found: Some(found),
            // `None` only past a decimal's range, which hostile values can reach.
            difference: found.checked_sub(expected),
        }
    }

    /// A row or group that has the columns but could not be checked.
    fn not_checked(
        row: Option<RowRef>,
        subject: String,
        code: FindingCode,
        found: Decimal,
    ) -> Self {
        Finding {
            row,
            subject,
            detail: code.to_string(),
            code,
            expected: None,
            found: Some(found),
            difference: None,
        }
    }
}

/// What a [`Finding`] says. `Display` is the English of the report JSON's `detail`; a page
/// renders the code in its own language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FindingCode {
    ListPriceDiffers,
    DiscountDiffers,
    PaymentsDoNotAddUp,
    UsageDiffers,
    /// A summary response's measure (`RealTotalCost`) for a group the details do not have.
    SummaryWithoutDetails {
        measure: String,
    },
    SummaryDiffers {
        measure: String,
    },
    RatioDiffers,
    DeductedUsageDiffers,
    /// A deduction row of the product has no 被抵扣资源原始用量 or unit.
    DeductionWithoutDosage,
    /// Past what exact decimals can compute (`NOT_EXACT`).
    NotExact,
    CannotConvert {
        from: String,
        to: String,
        /// English only: why, when more can be said than the pair.
        reason: Option<String>,
    },
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingCode::ListPriceDiffers => f.write_str("原价 differs from 刊例价 × 用量 × 时长"),
            FindingCode::DiscountDiffers => {
                f.write_str("优惠后总价 differs from 原价 × 折扣率 (less RI/SP deductions)")
            }
            FindingCode::PaymentsDoNotAddUp => {
                f.write_str("payments do not add up to the amount due")
            }
            FindingCode::UsageDiffers => f.write_str("组件用量 differs from 原始用量 − 抵扣用量"),
            FindingCode::SummaryWithoutDetails { measure } => {
                write!(f, "{measure} has no detail rows")
            }
            FindingCode::SummaryDiffers { measure } => {
                write!(f, "{measure} differs from the detail rows")
            }
            FindingCode::RatioDiffers => {
                f.write_str("RealTotalCostRatio differs from the detail rows' share")
            }
            FindingCode::DeductedUsageDiffers => {
                f.write_str("the bill's 抵扣用量 differs from the deduction export")
            }
            FindingCode::DeductionWithoutDosage => {
                f.write_str("a deduction row has no 原始用量 or unit")
            }
            FindingCode::NotExact => f.write_str(NOT_EXACT),
            FindingCode::CannotConvert { from, to, reason } => {
                let cannot = CannotConvert {
                    from: from.clone(),
                    to: to.clone(),
                    reason: reason.clone(),
                };
                write!(f, "{cannot}")
            }
        }
    }
}

impl From<CannotConvert> for FindingCode {
    fn from(error: CannotConvert) -> Self {
        FindingCode::CannotConvert {
            from: error.from,
            to: error.to,
            reason: error.reason,
        }
    }
}

/// Why a [`Check`] was skipped. `Display` is the English of the report JSON's `skipped_reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    NoListPriceColumns,
    NoDiscountColumns,
    NoPaymentColumns,
    NoUsageColumns,
    NoBillDetails,
    NoSummaryResponse,
    NoDeductionRows,
    NoDeductedUsageColumn,
    NothingToCompare,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::NoListPriceColumns => "no rows with 原价, 刊例价 and 用量",
            SkipReason::NoDiscountColumns => "no rows with 原价, 折扣率 and 优惠后总价",
            SkipReason::NoPaymentColumns => "no rows with 优惠后总价 and payment columns",
            SkipReason::NoUsageColumns => "no rows with 组件用量, 原始用量 and 抵扣用量",
            SkipReason::NoBillDetails => "no bill detail rows to compare a summary response with",
            SkipReason::NoSummaryResponse => "no DescribeBillSummaryBy* response loaded",
            SkipReason::NoDeductionRows => "no deduction rows loaded",
            SkipReason::NoDeductedUsageColumn => "the bill has no 抵扣用量 column",
            SkipReason::NothingToCompare => "nothing to compare",
        })
    }
}

struct CheckBuilder {
    check: Check,
}

impl CheckBuilder {
    fn new(id: &'static str, description: &'static str) -> Self {
        CheckBuilder {
            check: Check {
                id,
                description,
                status: CheckStatus::Ok,
                skipped_reason: None,
                skipped: None,
                rows_checked: 0,
                mismatches: Vec::new(),
                not_checked: Vec::new(),
            },
        }
    }

    fn finish(mut self, skipped_reason: SkipReason) -> Check {
        let check = &mut self.check;
        check.status = if check.rows_checked == 0 && check.not_checked.is_empty() {
            check.skipped_reason = Some(skipped_reason.to_string());
            check.skipped = Some(skipped_reason);
            CheckStatus::Skipped
        } else if check.mismatches.is_empty() {
            CheckStatus::Ok
        } else {
            CheckStatus::Mismatches
        };
        self.check
    }
}

/// Whether two amounts agree at the bill's decimals or at 分.
fn amounts_agree(expected: Decimal, found: Decimal) -> bool {
    round_half_up(expected, found.scale()) == found
        || round_half_up(expected, 2) == round_half_up(found, 2)
}

/// Runs every check; `deductions` are the rows of [`super::deductions::analyze_deductions`].
pub fn run_checks(dataset: &Dataset, deductions: &[DeductionRow]) -> Vec<Check> {
    let mut list_price = CheckBuilder::new(
        "list_price",
        "原价 = 刊例价 × 用量 × 时长 (units converted)",
    );
    let mut discount = CheckBuilder::new(
        "discount",
        "优惠后总价 = (原价 − 预留实例抵扣原价) × 折扣率 − 节省计划抵扣金额",
    );
    let mut payments = CheckBuilder::new(
        "payments",
        "现金 + 代金券 + 赠送 + 分成 = 优惠后总价 (+ 税额 where present)",
    );
    let mut usage = CheckBuilder::new("usage_after_deduction", "组件用量 = 原始用量 − 抵扣用量");
    for kind in [TableKind::BillDetails, TableKind::CostDetails] {
        for (index, file, table) in counted_tables(dataset, kind) {
            // A finding's RowRef is built only when one is made.
            let mut units = UnitCache::default();
            let columns = RowColumns::new(table);
            for row in dataset.counted_rows(index) {
                check_list_price(file, &columns, row, &mut units, &mut list_price.check);
                check_discount(file, &columns, row, &mut discount.check);
                check_payments(file, &columns, row, &mut payments.check);
                check_usage(file, &columns, row, &mut usage.check);
            }
        }
    }
    vec![
        list_price.finish(SkipReason::NoListPriceColumns),
        discount.finish(SkipReason::NoDiscountColumns),
        payments.finish(SkipReason::NoPaymentColumns),
        usage.finish(SkipReason::NoUsageColumns),
        summary_vs_details(dataset),
        deductions_vs_bill(dataset, deductions),
    ]
}

fn subject(table: &Table, row: usize) -> String {
    [
        table.text("BusinessCodeName", row),
        table.text("ItemCodeName", row),
        table.text("ResourceId", row),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" / ")
}

/// The columns the row checks read, found once per table (a lookup by name per cell was most
/// of the checks' cost).
struct RowColumns<'a> {
    table: &'a Table,
    cost: Option<&'a DecimalColumn>,
    single_price: Option<&'a DecimalColumn>,
    used_amount: Option<&'a DecimalColumn>,
    time_span: Option<&'a DecimalColumn>,
    discount: Option<&'a DecimalColumn>,
    real_cost: Option<&'a DecimalColumn>,
    ri_cost: Option<&'a DecimalColumn>,
    sp_deduction: Option<&'a DecimalColumn>,
    /// 现金, 代金券, 赠送, 分成: what paid for the row.
    payments: [Option<&'a DecimalColumn>; 4],
    tax: Option<&'a DecimalColumn>,
    raw_usage: Option<&'a DecimalColumn>,
    deducted_usage: Option<&'a DecimalColumn>,
    price_unit: Option<&'a TextColumn>,
    product: Option<&'a TextColumn>,
    used_amount_unit: Option<&'a TextColumn>,
    time_unit: Option<&'a TextColumn>,
}

impl<'a> RowColumns<'a> {
    fn new(table: &'a Table) -> Self {
        let decimal = |name: &str| table.decimal_column(name);
        let text = |name: &str| table.text_column(name);
        RowColumns {
            table,
            cost: decimal("Cost"),
            single_price: decimal("SinglePrice"),
            used_amount: decimal("UsedAmount"),
            time_span: decimal("TimeSpan"),
            discount: decimal("Discount"),
            real_cost: decimal("RealCost"),
            ri_cost: decimal("OriginalCostWithRI"),
            sp_deduction: decimal("SPDeduction"),
            payments: [
                decimal("CashPayAmount"),
                decimal("VoucherPayAmount"),
                decimal("IncentivePayAmount"),
                decimal("TransferPayAmount"),
            ],
            tax: decimal("Tax"),
            raw_usage: decimal("RealTotalMeasure"),
            deducted_usage: decimal("DeductedMeasure"),
            price_unit: text("PriceUnit"),
            product: text("BusinessCodeName"),
            used_amount_unit: text("UsedAmountUnit"),
            time_unit: text("TimeUnitName"),
        }
    }
}

fn decimal(column: Option<&DecimalColumn>, row: usize) -> Option<Decimal> {
    column?.get(row)
}

/// What the list-price check works out once per table rather than per row: for each (product,
/// price unit, usage unit, time unit) its rows have, as symbols, how the usage and the duration
/// become the price's units ([`conversion`]: units cleaned and parsed, with the product's
/// [`product_bases`] read from its name word by word). A table has a few such combinations, so a
/// row costs one lookup of four symbols, not the text of its units.
#[derive(Default)]
struct UnitCache {
    factors: FxHashMap<[Option<Symbol>; 4], [Factor; 2]>,
}

/// How a quantity becomes the price's unit: `None` as it is (a unit missing on either side),
/// else by the conversion, or why there is none.
type Factor = Option<Result<Conversion, FindingCode>>;

fn check_list_price(
    file: &str,
    columns: &RowColumns,
    row: usize,
    units: &mut UnitCache,
    check: &mut Check,
) {
    let table = columns.table;
    let (Some(cost), Some(price), Some(used)) = (
        decimal(columns.cost, row),
        decimal(columns.single_price, row),
        decimal(columns.used_amount, row),
    ) else {
        return;
    };
    let symbol = |column: Option<&TextColumn>| column.and_then(|column| column.get(row));
    let cells = [
        symbol(columns.product),
        symbol(columns.price_unit),
        symbol(columns.used_amount_unit),
        symbol(columns.time_unit),
    ];
    let [used_factor, span_factor] = units.factors.entry(cells).or_insert_with(|| {
        let [product, price_unit, used_unit, time_unit] =
            cells.map(|cell| cell.map(|symbol| table.resolve(symbol)));
        let bases = product_bases(product.unwrap_or_default());
        // `元/GB/小时`: the price is per usage unit and per duration unit.
        let mut price_parts = price_unit.unwrap_or_default().split('/').skip(1);
        let mut factor = |from: Option<&str>| match (from, price_parts.next()) {
            (Some(from), Some(to)) => Some(conversion(from, to, bases).map_err(FindingCode::from)),
            _ => None,
        };
        [factor(used_unit), factor(time_unit)]
    });
    let convert = |factor: &Factor, value: Decimal| match factor {
        None => Ok(value),
        Some(Ok(factor)) => factor.apply(value).ok_or(FindingCode::NotExact),
        Some(Err(error)) => Err(error.clone()),
    };
    let used_in_price_unit = convert(used_factor, used);
    let time_span = decimal(columns.time_span, row).unwrap_or(Decimal::ONE);
    let span_in_price_unit = convert(span_factor, time_span);
    let expected = match (used_in_price_unit, span_in_price_unit) {
        (Ok(used), Ok(span)) => price
            .checked_mul(used)
            .and_then(|value| value.checked_mul(span))
            .ok_or(FindingCode::NotExact),
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match expected {
        Ok(expected) => {
            check.rows_checked += 1;
            if !amounts_agree(expected, cost) {
                check.mismatches.push(Finding::mismatch(
                    Some(RowRef::of(file, table, row)),
                    subject(table, row),
                    FindingCode::ListPriceDiffers,
                    round_half_up(expected, cost.scale().max(2)),
                    cost,
                ));
            }
        }
        Err(code) => check.not_checked.push(Finding::not_checked(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            code,
            cost,
        )),
    }
}

fn check_discount(file: &str, columns: &RowColumns, row: usize, check: &mut Check) {
    let table = columns.table;
    let (Some(cost), Some(discount), Some(real_cost)) = (
        decimal(columns.cost, row),
        decimal(columns.discount, row),
        decimal(columns.real_cost, row),
    ) else {
        return;
    };
    let ri_cost = decimal(columns.ri_cost, row).unwrap_or_default();
    let sp_deduction = decimal(columns.sp_deduction, row).unwrap_or_default();
    let expected = (cost - ri_cost)
        .checked_mul(discount)
        .and_then(|value| value.checked_sub(sp_deduction));
    let Some(expected) = expected else {
        check.not_checked.push(Finding::not_checked(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            FindingCode::NotExact,
            real_cost,
        ));
        return;
    };
    check.rows_checked += 1;
    if !amounts_agree(expected, real_cost) {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            FindingCode::DiscountDiffers,
            expected,
            real_cost,
        ));
    }
}

fn check_payments(file: &str, columns: &RowColumns, row: usize, check: &mut Check) {
    let table = columns.table;
    let Some(real_cost) = decimal(columns.real_cost, row) else {
        return;
    };
    let [cash, ..] = columns.payments;
    if decimal(cash, row).is_none() {
        return;
    }
    check.rows_checked += 1;
    let paid: Decimal = columns
        .payments
        .iter()
        .filter_map(|&column| decimal(column, row))
        .sum();
    let due = real_cost + decimal(columns.tax, row).unwrap_or_default();
    if !amounts_agree(due, paid) {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            FindingCode::PaymentsDoNotAddUp,
            due,
            paid,
        ));
    }
}

fn check_usage(file: &str, columns: &RowColumns, row: usize, check: &mut Check) {
    let table = columns.table;
    let (Some(used), Some(raw), Some(deducted)) = (
        decimal(columns.used_amount, row),
        decimal(columns.raw_usage, row),
        decimal(columns.deducted_usage, row),
    ) else {
        return;
    };
    check.rows_checked += 1;
    if raw - deducted != used {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            FindingCode::UsageDiffers,
            raw - deducted,
            used,
        ));
    }
}

/// Which dimension a summary response groups by, from its columns.
fn summary_dimension(table: &Table) -> Option<Dimension> {
    [
        ("BusinessCodeName", Dimension::Product),
        ("PayModeName", Dimension::PayMode),
        ("RegionName", Dimension::Region),
        ("ProjectName", Dimension::Project),
    ]
    .into_iter()
    .find(|(column, _)| table.column(column).is_some())
    .map(|(_, dimension)| dimension)
}

/// A `DescribeBillSummaryBy*` response against the detail rows of the same month.
fn summary_vs_details(dataset: &Dataset) -> Check {
    let mut builder = CheckBuilder::new(
        "summary_vs_details",
        "DescribeBillSummaryBy* totals and RealTotalCostRatio = the detail rows of the same month",
    );
    if super::cost::cost_source(dataset).is_none() {
        return builder.finish(SkipReason::NoBillDetails);
    }
    let check = &mut builder.check;
    for (file, table) in named_tables(dataset, TableKind::BillSummary) {
        let Some(dimension) = summary_dimension(table) else {
            continue;
        };
        let mut by_month: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for row in 0..table.row_count() {
            let month = table
                .time("BillMonth", row)
                .map_or_else(String::new, |time| {
                    let (year, month, ..) = time.beijing_fields();
                    format!("{year:04}-{month:02}")
                });
            by_month.entry(month).or_default().push(row);
        }
        for (month, rows) in by_month {
            let filters: Vec<Filter> = if month.is_empty() {
                Vec::new()
            } else {
                vec![Filter {
                    dimension: Dimension::Month,
                    values: vec![month],
                }]
            };
            let details = summarize(dataset, std::slice::from_ref(&dimension), &filters);
            for row in rows {
                check.rows_checked += 1;
                let key = summary_key(table, row, &dimension);
                let group = details.groups().find(|group| group.key == [key.clone()]);
                let row_ref = RowRef::of(file, table, row);
                for measure in Measure::ALL {
                    let Some(summary_value) = table.decimal(measure.api_name(), row) else {
                        continue;
                    };
                    let Some(detail_value) = group.and_then(|group| group.amounts.get(measure))
                    else {
                        if group.is_none() && !summary_value.is_zero() {
                            check.mismatches.push(Finding::mismatch(
                                Some(row_ref.clone()),
                                key.clone(),
                                FindingCode::SummaryWithoutDetails {
                                    measure: measure.api_name().to_owned(),
                                },
                                Decimal::ZERO,
                                summary_value,
                            ));
                        }
                        continue;
                    };
                    if !amounts_agree(detail_value, summary_value) {
                        check.mismatches.push(Finding::mismatch(
                            Some(row_ref.clone()),
                            key.clone(),
                            FindingCode::SummaryDiffers {
                                measure: measure.api_name().to_owned(),
                            },
                            detail_value,
                            summary_value,
                        ));
                    }
                }
                let ratios = (
                    table.decimal("RealTotalCostRatio", row),
                    group.and_then(|group| group.real_total_cost_ratio),
                );
                if let (Some(summary_ratio), Some(detail_ratio)) = ratios {
                    if summary_ratio != detail_ratio {
                        check.mismatches.push(Finding::mismatch(
                            Some(row_ref.clone()),
                            key.clone(),
                            FindingCode::RatioDiffers,
                            detail_ratio,
                            summary_ratio,
                        ));
                    }
                }
            }
        }
    }
    builder.finish(SkipReason::NoSummaryResponse)
}

fn summary_key(table: &Table, row: usize, dimension: &Dimension) -> String {
    let column = match dimension {
        Dimension::PayMode => "PayModeName",
        Dimension::Region => "RegionName",
        Dimension::Project => "ProjectName",
        _ => "BusinessCodeName",
    };
    table.text(column, row).unwrap_or("-").to_owned()
}

/// The raw usage the deduction export says packages covered, per product, against the bill's
/// 抵扣用量 (`DeductedMeasure`) converted into the deduction rows' units.
fn deductions_vs_bill(dataset: &Dataset, deductions: &[DeductionRow]) -> Check {
    let mut builder = CheckBuilder::new(
        "deductions_vs_bill",
        "per product: Σ 被抵扣资源原始用量 (deduction export) = Σ 抵扣用量 (bill)",
    );
    if deductions.is_empty() {
        return builder.finish(SkipReason::NoDeductionRows);
    }
    // Product → (unit, total) from the bill.
    let mut bill_deducted: BTreeMap<String, (Option<String>, Decimal)> = BTreeMap::new();
    for (index, _, table) in counted_tables(dataset, TableKind::BillDetails) {
        for row in dataset.counted_rows(index) {
            let Some(deducted) = table.decimal("DeductedMeasure", row) else {
                continue;
            };
            let product = table
                .text("BusinessCodeName", row)
                .unwrap_or("-")
                .to_owned();
            let entry = bill_deducted.entry(product).or_default();
            entry.0 = entry
                .0
                .take()
                .or_else(|| table.text("UsedAmountUnit", row).map(str::to_owned));
            entry.1 += deducted;
        }
    }
    if bill_deducted.is_empty() {
        return builder.finish(SkipReason::NoDeductedUsageColumn);
    }
    let check = &mut builder.check;
    for (product, (bill_unit, bill_total)) in bill_deducted {
        let mut export_total = Decimal::ZERO;
        let mut problem = None;
        for deduction in deductions
            .iter()
            .filter(|row| row.deducted_product.as_deref() == Some(product.as_str()))
        {
            let (Some(dosage), Some(unit), Some(bill_unit)) =
                (deduction.dosage, &deduction.dosage_unit, &bill_unit)
            else {
                problem = Some(FindingCode::DeductionWithoutDosage);
                break;
            };
            match conversion(unit, bill_unit, product_bases(&product)) {
                Ok(factor) => {
                    match factor
                        .apply(dosage)
                        .and_then(|converted| export_total.checked_add(converted))
                    {
                        Some(total) => export_total = total,
                        None => {
                            problem = Some(FindingCode::NotExact);
                            break;
                        }
                    }
                }
                Err(error) => {
                    problem = Some(FindingCode::from(error));
                    break;
                }
            }
        }
        check.rows_checked += 1;
        match problem {
            Some(code) => check
                .not_checked
                .push(Finding::not_checked(None, product, code, bill_total)),
            None if export_total != bill_total => check.mismatches.push(Finding::mismatch(
                None,
                product,
                FindingCode::DeductedUsageDiffers,
                export_total,
                bill_total,
            )),
            None => {}
        }
    }
    builder.finish(SkipReason::NothingToCompare)
}
