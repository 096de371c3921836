//! Bill self-checks: the identities a Tencent bill should satisfy, row by row and across files.
//!
//! Row checks run on L3 明细 and 消耗明细 rows where the columns exist; a check whose columns are
//! missing everywhere is `skipped` with the reason, so "ok" always means "checked and fine".
//! Amounts agree when they are equal at the bill's own decimals, or once both are rounded to 分
//! (bills keep up to 8 decimals but charge to the 分). Usage quantities must agree exactly.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use super::cost::{summarize, Dimension, Filter, Measure};
use super::deductions::DeductionRow;
use super::units::{conversion, product_bases, ProductBases};
use super::{named_tables, round_half_up, RowRef, NOT_EXACT};
use crate::dataset::Dataset;
use crate::model::table::{Table, TableKind};

/// One check and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable identifier (`list_price`, `summary_vs_details`, …).
    pub id: &'static str,
    pub description: &'static str,
    pub status: CheckStatus,
    /// Why the check could not run at all.
    pub skipped_reason: Option<String>,
    pub rows_checked: usize,
    pub mismatches: Vec<Finding>,
    /// Rows that have the columns but could not be checked (`cannot convert 天 to 月`).
    pub not_checked: Vec<Finding>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
    pub detail: String,
    pub expected: Option<Decimal>,
    pub found: Option<Decimal>,
    /// `found − expected`.
    pub difference: Option<Decimal>,
}

impl Finding {
    fn mismatch(
        row: Option<RowRef>,
        subject: String,
        detail: &str,
        expected: Decimal,
        found: Decimal,
    ) -> Self {
        Finding {
            row,
            subject,
            detail: detail.to_owned(),
            expected: Some(expected),
            found: Some(found),
            // `None` only past a decimal's range, which hostile values can reach.
            difference: found.checked_sub(expected),
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
                rows_checked: 0,
                mismatches: Vec::new(),
                not_checked: Vec::new(),
            },
        }
    }

    fn finish(mut self, skipped_reason: &str) -> Check {
        let check = &mut self.check;
        check.status = if check.rows_checked == 0 && check.not_checked.is_empty() {
            check.skipped_reason = Some(skipped_reason.to_owned());
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
        for (file, table) in named_tables(dataset, kind) {
            // A finding's RowRef is built only when one is made.
            let mut bases = HashMap::new();
            for row in 0..table.row_count() {
                check_list_price(file, table, row, &mut bases, &mut list_price.check);
                check_discount(file, table, row, &mut discount.check);
                check_payments(file, table, row, &mut payments.check);
                check_usage(file, table, row, &mut usage.check);
            }
        }
    }
    vec![
        list_price.finish("no rows with 原价, 刊例价 and 用量"),
        discount.finish("no rows with 原价, 折扣率 and 优惠后总价"),
        payments.finish("no rows with 优惠后总价 and payment columns"),
        usage.finish("no rows with 组件用量, 原始用量 and 抵扣用量"),
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

/// `bases` remembers each product's [`product_bases`], which reads its name word by word.
fn check_list_price<'a>(
    file: &str,
    table: &'a Table,
    row: usize,
    bases: &mut HashMap<&'a str, ProductBases>,
    check: &mut Check,
) {
    let (Some(cost), Some(price), Some(used)) = (
        table.decimal("Cost", row),
        table.decimal("SinglePrice", row),
        table.decimal("UsedAmount", row),
    ) else {
        return;
    };
    // `元/GB/小时`: the price is per usage unit and per duration unit.
    let price_unit = table.text("PriceUnit", row).unwrap_or_default();
    let mut price_parts = price_unit.split('/').skip(1);
    let product = table.text("BusinessCodeName", row).unwrap_or_default();
    let bases = *bases
        .entry(product)
        .or_insert_with(|| product_bases(product));
    let convert = |from: Option<&str>, to: Option<&str>, value: Decimal| match (from, to) {
        (Some(from), Some(to)) => match conversion(from, to, bases) {
            Ok(factor) => factor.apply(value).ok_or_else(|| NOT_EXACT.to_owned()),
            Err(error) => Err(error.to_string()),
        },
        _ => Ok(value),
    };
    let used_in_price_unit = convert(table.text("UsedAmountUnit", row), price_parts.next(), used);
    let time_span = table.decimal("TimeSpan", row).unwrap_or(Decimal::ONE);
    let span_in_price_unit = convert(
        table.text("TimeUnitName", row),
        price_parts.next(),
        time_span,
    );
    let expected = match (used_in_price_unit, span_in_price_unit) {
        (Ok(used), Ok(span)) => price
            .checked_mul(used)
            .and_then(|value| value.checked_mul(span))
            .ok_or_else(|| NOT_EXACT.to_owned()),
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match expected {
        Ok(expected) => {
            check.rows_checked += 1;
            if !amounts_agree(expected, cost) {
                check.mismatches.push(Finding::mismatch(
                    Some(RowRef::of(file, table, row)),
                    subject(table, row),
                    "原价 differs from 刊例价 × 用量 × 时长",
                    round_half_up(expected, cost.scale().max(2)),
                    cost,
                ));
            }
        }
        Err(detail) => check.not_checked.push(Finding {
            row: Some(RowRef::of(file, table, row)),
            subject: subject(table, row),
            detail,
            expected: None,
            found: Some(cost),
            difference: None,
        }),
    }
}

fn check_discount(file: &str, table: &Table, row: usize, check: &mut Check) {
    let (Some(cost), Some(discount), Some(real_cost)) = (
        table.decimal("Cost", row),
        table.decimal("Discount", row),
        table.decimal("RealCost", row),
    ) else {
        return;
    };
    let ri_cost = table.decimal("OriginalCostWithRI", row).unwrap_or_default();
    let sp_deduction = table.decimal("SPDeduction", row).unwrap_or_default();
    let expected = (cost - ri_cost)
        .checked_mul(discount)
        .and_then(|value| value.checked_sub(sp_deduction));
    let Some(expected) = expected else {
        check.not_checked.push(Finding {
            row: Some(RowRef::of(file, table, row)),
            subject: subject(table, row),
            detail: NOT_EXACT.to_owned(),
            expected: None,
            found: Some(real_cost),
            difference: None,
        });
        return;
    };
    check.rows_checked += 1;
    if !amounts_agree(expected, real_cost) {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            "优惠后总价 differs from 原价 × 折扣率 (less RI/SP deductions)",
            expected,
            real_cost,
        ));
    }
}

fn check_payments(file: &str, table: &Table, row: usize, check: &mut Check) {
    let Some(real_cost) = table.decimal("RealCost", row) else {
        return;
    };
    let payment_columns = [
        "CashPayAmount",
        "VoucherPayAmount",
        "IncentivePayAmount",
        "TransferPayAmount",
    ];
    if table.decimal("CashPayAmount", row).is_none() {
        return;
    }
    check.rows_checked += 1;
    let paid: Decimal = payment_columns
        .iter()
        .filter_map(|column| table.decimal(column, row))
        .sum();
    let due = real_cost + table.decimal("Tax", row).unwrap_or_default();
    if !amounts_agree(due, paid) {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            "payments do not add up to the amount due",
            due,
            paid,
        ));
    }
}

fn check_usage(file: &str, table: &Table, row: usize, check: &mut Check) {
    let (Some(used), Some(raw), Some(deducted)) = (
        table.decimal("UsedAmount", row),
        table.decimal("RealTotalMeasure", row),
        table.decimal("DeductedMeasure", row),
    ) else {
        return;
    };
    check.rows_checked += 1;
    if raw - deducted != used {
        check.mismatches.push(Finding::mismatch(
            Some(RowRef::of(file, table, row)),
            subject(table, row),
            "组件用量 differs from 原始用量 − 抵扣用量",
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
        return builder.finish("no bill detail rows to compare a summary response with");
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
                                &format!("{} has no detail rows", measure.api_name()),
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
                            &format!("{} differs from the detail rows", measure.api_name()),
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
                            "RealTotalCostRatio differs from the detail rows' share",
                            detail_ratio,
                            summary_ratio,
                        ));
                    }
                }
            }
        }
    }
    builder.finish("no DescribeBillSummaryBy* response loaded")
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
        return builder.finish("no deduction rows loaded");
    }
    // Product → (unit, total) from the bill.
    let mut bill_deducted: BTreeMap<String, (Option<String>, Decimal)> = BTreeMap::new();
    for (_, table) in named_tables(dataset, TableKind::BillDetails) {
        for row in 0..table.row_count() {
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
        return builder.finish("the bill has no 抵扣用量 column");
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
                problem = Some("a deduction row has no 原始用量 or unit".to_owned());
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
                            problem = Some(NOT_EXACT.to_owned());
                            break;
                        }
                    }
                }
                Err(error) => {
                    problem = Some(error.to_string());
                    break;
                }
            }
        }
        check.rows_checked += 1;
        match problem {
            Some(detail) => check.not_checked.push(Finding {
                row: None,
                subject: product,
                detail,
                expected: None,
                found: Some(bill_total),
                difference: None,
            }),
            None if export_total != bill_total => check.mismatches.push(Finding::mismatch(
                None,
                product,
                "the bill's 抵扣用量 differs from the deduction export",
                export_total,
                bill_total,
            )),
            None => {}
        }
    }
    builder.finish("nothing to compare")
}
