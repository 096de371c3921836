//! Bill self-checks: the identities a Tencent bill should satisfy, row by row and across files.
//!
//! Row checks run on L3 明细 and 消耗明细 rows where the columns exist; a check whose columns are
//! missing everywhere is `skipped` with the reason, so "ok" always means "checked and fine".
//! Amounts agree when they are equal at the bill's own decimals, or once both are rounded to 分
//! (bills keep up to 8 decimals but charge to the 分). Usage quantities must agree exactly.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::cost::{summarize, Dimension, Filter, Measure};
use super::deductions::DeductionRow;
use super::fixed::Fixed;
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
    /// Rows of tables that have the check's columns with a blank cell in one of them (no
    /// 优惠后总价): not checked, so "ok" does not vouch for them. Left out of the JSON when none.
    #[serde(skip_serializing_if = "crate::model::is_zero")]
    pub rows_missing_values: usize,
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
    /// Detail rows of a group (a product, a region) no row of the summary response names.
    DetailsWithoutSummary {
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
            FindingCode::DetailsWithoutSummary { measure } => {
                write!(f, "{measure} of the detail rows is in no summary row")
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

impl Check {
    /// Counts a row that lacks a value of `needed` when its table has every one of the columns
    /// (a table without them is not one the check is for).
    fn count_missing(&mut self, needed: &[Option<&DecimalColumn>]) {
        if needed.iter().all(Option::is_some) {
            self.rows_missing_values += 1;
        }
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
                rows_missing_values: 0,
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
    run_checks_from(dataset, deductions, RowChecks::read(dataset))
}

/// [`run_checks`] with the row checks of every counted row of `dataset` made already.
pub(crate) fn run_checks_from(
    dataset: &Dataset,
    deductions: &[DeductionRow],
    rows: RowChecks,
) -> Vec<Check> {
    let [list_price, discount, payments, usage] = rows.0.map(|check| CheckBuilder { check });
    vec![
        list_price.finish(SkipReason::NoListPriceColumns),
        discount.finish(SkipReason::NoDiscountColumns),
        payments.finish(SkipReason::NoPaymentColumns),
        usage.finish(SkipReason::NoUsageColumns),
        summary_vs_details(dataset),
        deductions_vs_bill(dataset, deductions),
    ]
}

/// The table kinds whose rows the row checks read.
pub(crate) const CHECKED_KINDS: [TableKind; 2] = [TableKind::BillDetails, TableKind::CostDetails];

/// The row checks (list price, discount, payments, usage) of some rows, their findings in row
/// order: what [`run_checks`] finds row by row, and what each worker reading a part of a file
/// finds of its rows, [`RowChecks::merge`]d in file order (`report::RowsPass`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "RowChecksWire", into = "RowChecksWire")]
pub struct RowChecks([Check; 4]);

/// Each row check's id and description, in [`RowChecks`]' order.
const ROW_CHECKS: [(&str, &str); 4] = [
    (
        "list_price",
        "原价 = 刊例价 × 用量 × 时长 (units converted)",
    ),
    (
        "discount",
        "优惠后总价 = (原价 − 预留实例抵扣原价) × 折扣率 − 节省计划抵扣金额",
    ),
    (
        "payments",
        "现金 + 代金券 + 赠送 + 分成 = 优惠后总价 (+ 税额 where present)",
    ),
    ("usage_after_deduction", "组件用量 = 原始用量 − 抵扣用量"),
];

impl Default for RowChecks {
    fn default() -> Self {
        RowChecks(ROW_CHECKS.map(|(id, description)| CheckBuilder::new(id, description).check))
    }
}

impl RowChecks {
    /// The row checks of every counted row of `dataset`.
    pub(crate) fn read(dataset: &Dataset) -> RowChecks {
        let mut checks = RowChecks::default();
        for kind in CHECKED_KINDS {
            for (index, file, table) in counted_tables(dataset, kind) {
                checks.add_rows(file, table, dataset.counted_rows(index));
            }
        }
        checks
    }

    /// Checks rows `rows` of `table` (of a kind in [`CHECKED_KINDS`]), read from `file`.
    pub fn add_rows(&mut self, file: &str, table: &Table, rows: impl Iterator<Item = usize>) {
        // A finding's RowRef is built only when one is made.
        let mut units = UnitCache::default();
        let columns = RowColumns::new(table);
        for row in rows {
            check_row(file, &columns, row, &mut units, self.0.each_mut());
        }
    }

    /// Adds the checks of the rows after these (the next part of a file), whose lines count
    /// from 1 at the line `lines_before` lines below the file's line 1.
    pub fn merge(&mut self, later: RowChecks, lines_before: u64) {
        for (check, later) in self.0.iter_mut().zip(later.0) {
            check.rows_checked += later.rows_checked;
            check.rows_missing_values += later.rows_missing_values;
            let moved = |mut finding: Finding| {
                if let Some(line) = finding.row.as_mut().and_then(|row| row.line.as_mut()) {
                    *line += lines_before;
                }
                finding
            };
            check
                .mismatches
                .extend(later.mismatches.into_iter().map(moved));
            check
                .not_checked
                .extend(later.not_checked.into_iter().map(moved));
        }
    }
}

/// [`RowChecks`] between workers: each check's rows, findings and rows missing values.
#[derive(Serialize, Deserialize)]
struct RowChecksWire(Vec<(usize, Vec<FindingWire>, Vec<FindingWire>, usize)>);

/// A [`Finding`] between workers: its `detail` is its code's English.
#[derive(Serialize, Deserialize)]
struct FindingWire {
    row: Option<RowRef>,
    subject: String,
    code: FindingCode,
    expected: Option<Decimal>,
    found: Option<Decimal>,
    difference: Option<Decimal>,
}

impl From<RowChecks> for RowChecksWire {
    fn from(checks: RowChecks) -> Self {
        let wire = |findings: Vec<Finding>| {
            findings
                .into_iter()
                .map(|finding| FindingWire {
                    row: finding.row,
                    subject: finding.subject,
                    code: finding.code,
                    expected: finding.expected,
                    found: finding.found,
                    difference: finding.difference,
                })
                .collect()
        };
        RowChecksWire(
            checks
                .0
                .into_iter()
                .map(|check| {
                    (
                        check.rows_checked,
                        wire(check.mismatches),
                        wire(check.not_checked),
                        check.rows_missing_values,
                    )
                })
                .collect(),
        )
    }
}

impl From<RowChecksWire> for RowChecks {
    fn from(wire: RowChecksWire) -> Self {
        let mut checks = RowChecks::default();
        let findings = |findings: Vec<FindingWire>| {
            findings
                .into_iter()
                .map(|finding| Finding {
                    row: finding.row,
                    subject: finding.subject,
                    detail: finding.code.to_string(),
                    code: finding.code,
                    expected: finding.expected,
                    found: finding.found,
                    difference: finding.difference,
                })
                .collect()
        };
        for (check, (rows_checked, mismatches, not_checked, rows_missing_values)) in
            checks.0.iter_mut().zip(wire.0)
        {
            check.rows_checked = rows_checked;
            check.rows_missing_values = rows_missing_values;
            check.mismatches = findings(mismatches);
            check.not_checked = findings(not_checked);
        }
        checks
    }
}

/// The row checks of one row: list price, discount, payments, usage. Most rows pass in
/// integers (`*_passes`); any other is checked again in decimals (`check_*`).
fn check_row(
    file: &str,
    columns: &RowColumns,
    row: usize,
    units: &mut UnitCache,
    [list_price, discount, payments, usage]: [&mut Check; 4],
) {
    if list_price_passes(columns, row, units) {
        list_price.rows_checked += 1;
    } else {
        check_list_price(file, columns, row, units, list_price);
    }
    if discount_passes(columns, row) {
        discount.rows_checked += 1;
    } else {
        check_discount(file, columns, row, discount);
    }
    if payments_pass(columns, row) {
        payments.rows_checked += 1;
    } else {
        check_payments(file, columns, row, payments);
    }
    if usage_passes(columns, row) {
        usage.rows_checked += 1;
    } else {
        check_usage(file, columns, row, usage);
    }
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

/// A cell as a [`Fixed`], for the checks' integer path.
#[inline(always)]
fn fixed(column: Option<&DecimalColumn>, row: usize) -> Option<Fixed> {
    let (mantissa, scale) = column?.parts(row)?;
    Fixed::new(mantissa, scale)
}

/// A cell as a [`Fixed`], `default` when it is absent; `None` only past a decimal's range.
#[inline(always)]
fn fixed_or(column: Option<&DecimalColumn>, row: usize, default: Fixed) -> Option<Fixed> {
    match column.and_then(|column| column.parts(row)) {
        Some((mantissa, scale)) => Fixed::new(mantissa, scale),
        None => Some(default),
    }
}

/// [`amounts_agree`] in integers.
#[inline]
fn fixed_amounts_agree(expected: Fixed, found: Fixed) -> bool {
    expected.round_half_up(found.scale()).eq_value(found)
        || expected.round_half_up(2).eq_value(found.round_half_up(2))
}

/// The row checks' integer path: each says whether a row passes its check, computed exactly in
/// [`Fixed`] and only where [`Decimal`] arithmetic would be exact too, so the answer is the one
/// `check_*` gives. `false` is no verdict: the row is checked again by `check_*`, which also
/// makes any finding, so rows that do not pass (and the rare one past an `i128`) cost what they
/// did and come out the same.
fn list_price_passes(columns: &RowColumns, row: usize, units: &mut UnitCache) -> bool {
    let (Some(cost), Some(price), Some(used)) = (
        fixed(columns.cost, row),
        fixed(columns.single_price, row),
        fixed(columns.used_amount, row),
    ) else {
        return false;
    };
    let [used_factor, span_factor] = units.factors(columns, row);
    // Only a unit converted to itself (or not at all): `Conversion::apply` leaves the value.
    let unchanged = |factor: &Factor| match factor {
        None => true,
        Some(Ok(factor)) => factor.numerator == Decimal::ONE && factor.denominator == Decimal::ONE,
        Some(Err(_)) => false,
    };
    if !unchanged(used_factor) || !unchanged(span_factor) {
        return false;
    }
    // An absent 使用时长 is one, as `Decimal::ONE`.
    let span = fixed_or(columns.time_span, row, Fixed::plain(1, 0));
    let expected = span.and_then(|span| price.checked_mul(used)?.checked_mul(span));
    expected.is_some_and(|expected| fixed_amounts_agree(expected, cost))
}

fn discount_passes(columns: &RowColumns, row: usize) -> bool {
    let (Some(cost), Some(discount), Some(real_cost)) = (
        fixed(columns.cost, row),
        fixed(columns.discount, row),
        fixed(columns.real_cost, row),
    ) else {
        return false;
    };
    let expected = (|| {
        cost.checked_sub(fixed_or(columns.ri_cost, row, Fixed::ZERO)?)?
            .checked_mul(discount)?
            .checked_sub(fixed_or(columns.sp_deduction, row, Fixed::ZERO)?)
    })();
    expected.is_some_and(|expected| fixed_amounts_agree(expected, real_cost))
}

fn payments_pass(columns: &RowColumns, row: usize) -> bool {
    let (Some(real_cost), Some(_)) = (
        fixed(columns.real_cost, row),
        fixed(columns.payments[0], row),
    ) else {
        return false;
    };
    // As `Iterator::sum` of the present payments: from a zero of scale 0.
    let mut paid = Some(Fixed::ZERO);
    for &column in &columns.payments {
        if let Some((mantissa, scale)) = column.and_then(|column| column.parts(row)) {
            paid = paid.and_then(|paid| paid.checked_add(Fixed::new(mantissa, scale)?));
        }
    }
    let due = fixed_or(columns.tax, row, Fixed::ZERO).and_then(|tax| real_cost.checked_add(tax));
    let (Some(due), Some(paid)) = (due, paid) else {
        return false;
    };
    fixed_amounts_agree(due, paid)
}

fn usage_passes(columns: &RowColumns, row: usize) -> bool {
    let (Some(used), Some(raw), Some(deducted)) = (
        fixed(columns.used_amount, row),
        fixed(columns.raw_usage, row),
        fixed(columns.deducted_usage, row),
    ) else {
        return false;
    };
    raw.checked_sub(deducted)
        .is_some_and(|remaining| remaining.eq_value(used))
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

impl UnitCache {
    /// How row `row`'s usage and duration become its price's units.
    fn factors(&mut self, columns: &RowColumns, row: usize) -> &[Factor; 2] {
        let table = columns.table;
        let symbol = |column: Option<&TextColumn>| column.and_then(|column| column.get(row));
        let cells = [
            symbol(columns.product),
            symbol(columns.price_unit),
            symbol(columns.used_amount_unit),
            symbol(columns.time_unit),
        ];
        self.factors.entry(cells).or_insert_with(|| {
            let [product, price_unit, used_unit, time_unit] =
                cells.map(|cell| cell.map(|symbol| table.resolve(symbol)));
            let bases = product_bases(product.unwrap_or_default());
            // `元/GB/小时`: the price is per usage unit and per duration unit.
            let mut price_parts = price_unit.unwrap_or_default().split('/').skip(1);
            let mut factor = |from: Option<&str>| match (from, price_parts.next()) {
                (Some(from), Some(to)) => {
                    Some(conversion(from, to, bases).map_err(FindingCode::from))
                }
                _ => None,
            };
            [factor(used_unit), factor(time_unit)]
        })
    }
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
        check.count_missing(&[columns.cost, columns.single_price, columns.used_amount]);
        return;
    };
    let [used_factor, span_factor] = units.factors(columns, row);
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
        check.count_missing(&[columns.cost, columns.discount, columns.real_cost]);
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
    let [cash, ..] = columns.payments;
    let (Some(real_cost), Some(_)) = (decimal(columns.real_cost, row), decimal(cash, row)) else {
        check.count_missing(&[columns.real_cost, cash]);
        return;
    };
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
        check.count_missing(&[
            columns.used_amount,
            columns.raw_usage,
            columns.deducted_usage,
        ]);
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
            let named: BTreeSet<String> = rows
                .iter()
                .map(|&row| summary_key(table, row, &dimension))
                .collect();
            // The summary splits the whole month: a group of the details it does not name is
            // money the summary leaves out (or the details hold too much of).
            for group in details
                .groups()
                .filter(|group| !named.contains(&group.key[0]))
            {
                for measure in Measure::ALL {
                    let in_summary = table.decimal_column(measure.api_name()).is_some();
                    let detail_value = group.amounts.get(measure).filter(|value| !value.is_zero());
                    if let (true, Some(detail_value)) = (in_summary, detail_value) {
                        check.mismatches.push(Finding::mismatch(
                            None,
                            group.key[0].clone(),
                            FindingCode::DetailsWithoutSummary {
                                measure: measure.api_name().to_owned(),
                            },
                            detail_value,
                            Decimal::ZERO,
                        ));
                    }
                }
            }
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
/// 抵扣用量 (`DeductedMeasure`): each bill row's 抵扣用量 converted from its 组件用量单位 into the
/// unit of the product's first bill row, and each deduction's 原始用量 into that unit too, with
/// the product's 1000/1024 bases; a unit that cannot be converted is a not-checked finding.
fn deductions_vs_bill(dataset: &Dataset, deductions: &[DeductionRow]) -> Check {
    let mut builder = CheckBuilder::new(
        "deductions_vs_bill",
        "per product: Σ 被抵扣资源原始用量 (deduction export) = Σ 抵扣用量 (bill)",
    );
    if deductions.is_empty() {
        return builder.finish(SkipReason::NoDeductionRows);
    }
    // Product → the bill's 抵扣用量 in the unit of its first row (`None` for a row without one),
    // each row converted into it with the product's bases; or why a row cannot be.
    let mut bill_deducted: BTreeMap<String, Result<(Option<String>, Decimal), FindingCode>> =
        BTreeMap::new();
    for (index, _, table) in counted_tables(dataset, TableKind::BillDetails) {
        for row in dataset.counted_rows(index) {
            let Some(deducted) = table.decimal("DeductedMeasure", row) else {
                continue;
            };
            let product = table
                .text("BusinessCodeName", row)
                .unwrap_or("-")
                .to_owned();
            let unit = table.text("UsedAmountUnit", row);
            let bases = product_bases(&product);
            let entry = bill_deducted
                .entry(product)
                .or_insert_with(|| Ok((unit.map(str::to_owned), Decimal::ZERO)));
            let Ok((total_unit, total)) = entry else {
                continue;
            };
            let converted = match (unit, total_unit.as_deref()) {
                (None, None) => Ok(Some(deducted)),
                (Some(unit), Some(total_unit)) => conversion(unit, total_unit, bases)
                    .map(|factor| factor.apply(deducted))
                    .map_err(FindingCode::from),
                (unit, total_unit) => Err(FindingCode::CannotConvert {
                    from: unit.unwrap_or("-").to_owned(),
                    to: total_unit.unwrap_or("-").to_owned(),
                    reason: Some("a bill row has no 组件用量单位".into()),
                }),
            };
            match converted.and_then(|value| {
                value
                    .and_then(|value| total.checked_add(value))
                    .ok_or(FindingCode::NotExact)
            }) {
                Ok(sum) => *total = sum,
                Err(code) => *entry = Err(code),
            }
        }
    }
    if bill_deducted.is_empty() {
        return builder.finish(SkipReason::NoDeductedUsageColumn);
    }
    let check = &mut builder.check;
    for (product, bill) in bill_deducted {
        let (bill_unit, bill_total) = match bill {
            Ok(bill) => bill,
            Err(code) => {
                check.rows_checked += 1;
                check.not_checked.push(Finding {
                    row: None,
                    subject: product,
                    detail: code.to_string(),
                    code,
                    expected: None,
                    found: None,
                    difference: None,
                });
                continue;
            }
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::table::{Cell, ColumnRole, ColumnType, RowSource};
    use proptest::prelude::*;

    const DECIMALS: [&str; 15] = [
        "Cost",
        "SinglePrice",
        "UsedAmount",
        "TimeSpan",
        "Discount",
        "RealCost",
        "OriginalCostWithRI",
        "SPDeduction",
        "CashPayAmount",
        "VoucherPayAmount",
        "IncentivePayAmount",
        "TransferPayAmount",
        "Tax",
        "RealTotalMeasure",
        "DeductedMeasure",
    ];
    const TEXTS: [&str; 4] = [
        "BusinessCodeName",
        "PriceUnit",
        "UsedAmountUnit",
        "TimeUnitName",
    ];

    /// A row's cells: one decimal (or none) per column of [`DECIMALS`], then the units.
    type Row = (Vec<Option<Decimal>>, [usize; 3]);

    const PRICE_UNITS: [&str; 3] = ["元/GB/小时", "元/个/秒", "元/MB"];
    const USED_UNITS: [&str; 3] = ["GB", "MB", "个"];
    const TIME_UNITS: [&str; 3] = ["小时", "秒", "天"];

    fn table_of(rows: &[Row]) -> Table {
        let mut table = Table::new(TableKind::BillDetails);
        for name in DECIMALS {
            table.ensure_column(name, name, ColumnRole::Field, ColumnType::Decimal);
        }
        for name in TEXTS {
            table.ensure_column(name, name, ColumnRole::Field, ColumnType::Text);
        }
        for (line, (values, [price, used, time])) in rows.iter().enumerate() {
            let mut cells: Vec<(usize, Cell)> = values
                .iter()
                .enumerate()
                .filter_map(|(index, value)| Some((index, Cell::Decimal((*value)?))))
                .collect();
            cells.push((DECIMALS.len(), Cell::Text("云服务器")));
            cells.push((DECIMALS.len() + 1, Cell::Text(PRICE_UNITS[*price])));
            cells.push((DECIMALS.len() + 2, Cell::Text(USED_UNITS[*used])));
            cells.push((DECIMALS.len() + 3, Cell::Text(TIME_UNITS[*time])));
            table.push_row(RowSource::Line(line as u64 + 2), &cells);
        }
        table
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-2_000i64..2_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i32>(), 0u32..10).prop_map(|(m, s)| Decimal::new(i64::from(m), s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i64>(), any::<u32>(), 0u32..29).prop_map(|(high, low, s)| {
                Decimal::from_i128_with_scale((i128::from(high) << 32) | i128::from(low), s)
            }),
        ]
    }

    /// A row whose amounts mostly add up as a bill's do, with any cell absent or off now and then.
    fn row() -> impl Strategy<Value = Row> {
        (
            prop::collection::vec((decimal(), 0u8..10), DECIMALS.len()),
            [0usize..3, 0usize..3, 0usize..3],
            0u8..4,
        )
            .prop_map(|(random, units, consistent)| {
                let mut values: Vec<Option<Decimal>> = random
                    .iter()
                    .map(|&(value, pick)| (pick != 0).then_some(value))
                    .collect();
                if consistent != 0 {
                    // Price × usage × span, discounted, paid in two parts, usage less deducted.
                    let at = |values: &[Option<Decimal>], index: usize| values[index];
                    let round8 = |value: Decimal| value.round_dp(8);
                    let small = |value: Option<Decimal>| {
                        value.map(|value| value.round_dp(4) % Decimal::from(1000))
                    };
                    for index in [1, 2, 3, 4, 6, 7, 12, 13, 14] {
                        values[index] = small(values[index]);
                    }
                    let span = at(&values, 3).unwrap_or(Decimal::ONE);
                    if let (Some(price), Some(used)) = (at(&values, 1), at(&values, 2)) {
                        let cost = price
                            .checked_mul(used)
                            .and_then(|cost| cost.checked_mul(span));
                        values[0] = cost.map(round8);
                    }
                    if let (Some(cost), Some(discount)) = (at(&values, 0), at(&values, 4)) {
                        let ri = at(&values, 6).unwrap_or_default();
                        let sp = at(&values, 7).unwrap_or_default();
                        let real = cost
                            .checked_sub(ri)
                            .and_then(|net| net.checked_mul(discount));
                        values[5] = real.and_then(|real| real.checked_sub(sp)).map(round8);
                    }
                    if let Some(real) = at(&values, 5) {
                        let due = real.checked_add(at(&values, 12).unwrap_or_default());
                        let voucher = small(at(&values, 9)).unwrap_or_default();
                        values[8] = due.and_then(|due| due.checked_sub(voucher));
                        values[9] = Some(voucher);
                        values[10] = None;
                        values[11] = None;
                    }
                    if let (Some(raw), Some(deducted)) = (at(&values, 13), at(&values, 14)) {
                        values[2] = raw.checked_sub(deducted);
                    }
                }
                (values, units)
            })
    }

    fn checks() -> [Check; 4] {
        ["list_price", "discount", "payments", "usage"].map(|id| CheckBuilder::new(id, "").check)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The integer path passes a row only where the decimal checks pass it, so every check
        /// comes out as the decimal checks alone make it.
        #[test]
        fn the_integer_path_changes_no_check(rows in prop::collection::vec(row(), 1..40)) {
            let table = table_of(&rows);
            let columns = RowColumns::new(&table);
            let (mut both, mut decimal_only) = (checks(), checks());
            let (mut units, mut decimal_units) = (UnitCache::default(), UnitCache::default());
            for row in 0..table.row_count() {
                let [a, b, c, d] = &mut both;
                check_row("bill.csv", &columns, row, &mut units, [a, b, c, d]);
                let [a, b, c, d] = &mut decimal_only;
                check_list_price("bill.csv", &columns, row, &mut decimal_units, a);
                check_discount("bill.csv", &columns, row, b);
                check_payments("bill.csv", &columns, row, c);
                check_usage("bill.csv", &columns, row, d);
            }
            prop_assert_eq!(both, decimal_only);
        }

        /// `Conversion::apply` of a unit to itself leaves the value, scale included, which the
        /// integer path takes for granted.
        #[test]
        fn a_unit_to_itself_leaves_the_value(value in decimal()) {
            let same = conversion("GB", "GB", product_bases("云服务器")).unwrap();
            let applied = same.apply(value).unwrap();
            prop_assert_eq!((applied.mantissa(), applied.scale()), (value.mantissa(), value.scale()));
        }
    }

    #[test]
    fn most_generated_rows_pass_in_integers() {
        let rows: Vec<Row> = (0..50)
            .map(|n| {
                let price = Decimal::new(110 + n, 8);
                let used = Decimal::new(50 + n, 0);
                let cost = price * used;
                let real = (cost * Decimal::new(5, 1)).round_dp(8);
                let mut values = vec![None; DECIMALS.len()];
                values[0] = Some(cost);
                values[1] = Some(price);
                values[2] = Some(used);
                values[3] = Some(Decimal::ONE);
                values[4] = Some(Decimal::new(5, 1));
                values[5] = Some(real);
                values[8] = Some(real);
                (values, [0, 0, 0])
            })
            .collect();
        let table = table_of(&rows);
        let columns = RowColumns::new(&table);
        let mut units = UnitCache::default();
        for row in 0..table.row_count() {
            assert!(list_price_passes(&columns, row, &mut units), "row {row}");
            assert!(discount_passes(&columns, row), "row {row}");
            assert!(payments_pass(&columns, row), "row {row}");
            assert!(!usage_passes(&columns, row), "no usage columns: row {row}");
        }
    }
}
