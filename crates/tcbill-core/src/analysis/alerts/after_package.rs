//! Pay-as-you-go charges for usage a loaded resource package covered, after it expired or ran
//! out.
//!
//! A package covers the kinds of usage its deduction rows deducted (被抵扣资源产品 and
//! 被抵扣资源计费项, matched with the bill's 产品名称 and 组件名称, as the FOCUS export matches
//! them). A package has ended when it ran out (a 总量递减 package whose balance is 0; it ended at
//! the start of the last usage it deducted, whose rest was already charged) or when its 到期时间
//! (from the overview export) is before the usage; a package without either is active. A kind of usage
//! alerts only when every loaded package covering it has ended; then the charges are its bill
//! rows that are pay-as-you-go (计费模式 按量计费, or no 计费模式), cost more than 0 and whose usage
//! started (开始使用时间, else 账单日期, else 扣费时间) at or after the run-out, or after the expiry,
//! of the package that ended last. One alert per kind and currency: the amount is their cost
//! (`RealTotalCost`, else `TotalCost`), expected 0, the period their first to last day.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::daily::days;
use super::{cite, Alert, AlertKind, Dimension, FoundRows};
use crate::analysis::compare::tidy;
use crate::analysis::cost::{
    cost_column, cost_rows, cost_tables, time_columns, USAGE_START_COLUMNS,
};
use crate::analysis::currency::{CostRowReader, Currency};
use crate::analysis::deductions::DeductionAnalysis;
use crate::analysis::packages::PackageUsage;
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Table, TextColumn};
use crate::model::time::BeijingTime;

/// When a package stopped covering usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ended {
    /// Usage starting at or after this instant is not covered.
    RanOut(BeijingTime),
    /// Usage starting after this instant is not covered.
    Expired(BeijingTime),
}

impl Ended {
    fn instant(self) -> BeijingTime {
        match self {
            Ended::RanOut(at) | Ended::Expired(at) => at,
        }
    }

    fn excludes(self, usage_start: BeijingTime) -> bool {
        match self {
            Ended::RanOut(at) => usage_start >= at,
            Ended::Expired(at) => usage_start > at,
        }
    }

    fn describe(self) -> String {
        match self {
            Ended::RanOut(at) => format!("ran out with the usage of {at}"),
            Ended::Expired(at) => format!("expired at {at}"),
        }
    }
}

/// The package that ended last among those covering one kind of usage.
struct Coverage {
    package: String,
    ended: Option<Ended>,
}

pub(super) fn after_package(
    dataset: &Dataset,
    deductions: &DeductionAnalysis,
    packages: &[PackageUsage],
) -> Vec<Alert> {
    let ends: BTreeMap<&str, Option<Ended>> = packages
        .iter()
        .map(|package| (package.package_id.as_str(), ended(package, deductions)))
        .collect();
    // Kind (product, item) → the package ending last; `ended: None` once any is active.
    let mut kinds: BTreeMap<(&str, &str), Coverage> = BTreeMap::new();
    for row in &deductions.rows {
        let (Some(product), Some(item)) = (&row.deducted_product, &row.deducted_item) else {
            continue;
        };
        let ended = ends.get(row.package_id.as_str()).copied().flatten();
        let coverage = kinds
            .entry((product.as_str(), item.as_str()))
            .or_insert_with(|| Coverage {
                package: row.package_id.clone(),
                ended,
            });
        let later = match (coverage.ended, ended) {
            (Some(current), Some(new)) => new.instant() > current.instant(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if later {
            *coverage = Coverage {
                package: row.package_id.clone(),
                ended,
            };
        }
    }
    kinds.retain(|_, coverage| coverage.ended.is_some());
    if kinds.is_empty() {
        return Vec::new();
    }
    // (kind, currency) → rows, cost, first and last day.
    let mut charges: BTreeMap<((&str, &str), Currency), Charges> = BTreeMap::new();
    for (index, table) in cost_tables(dataset) {
        let currency = CostRowReader::new(table);
        let charges_of = PayAsYouGoCharges::new(table);
        let starts = time_columns(table, &USAGE_START_COLUMNS);
        for row in cost_rows(dataset, index) {
            let Some((usage_kind, amount)) = charges_of.charge(row) else {
                continue;
            };
            let Some((&kind, coverage)) = kinds.get_key_value(&usage_kind) else {
                continue;
            };
            let start = starts.iter().find_map(|column| column.get(row));
            let (Some(ended), Some(start)) = (coverage.ended, start) else {
                continue;
            };
            if !ended.excludes(start) {
                continue;
            }
            let day = start.beijing_day_number();
            let found = charges
                .entry((kind, currency.currency(row)))
                .or_insert_with(|| Charges {
                    rows: FoundRows::default(),
                    cost: Decimal::ZERO,
                    first: day,
                    last: day,
                });
            found.rows.push((index, row));
            found.cost += amount;
            found.first = found.first.min(day);
            found.last = found.last.max(day);
        }
    }
    charges
        .into_iter()
        .map(|(((product, item), currency), charges)| {
            let coverage = &kinds[&(product, item)];
            let ended = coverage.ended.expect("only ended kinds are kept");
            Alert {
                kind: AlertKind::PayAsYouGoAfterPackage,
                dimension: Dimension::Package,
                subject: coverage.package.clone(),
                period: Some(days(charges.first, charges.last)),
                currency: Some(currency),
                amount: Some(tidy(charges.cost)),
                expected: Some(tidy(Decimal::ZERO)),
                threshold: None,
                quantity: None,
                unit: None,
                excess: Some(tidy(charges.cost)),
                message: format!(
                    "package {} {}; then {product} {item} was charged pay-as-you-go {} {currency} \
                     in {} rows",
                    coverage.package,
                    ended.describe(),
                    tidy(charges.cost),
                    charges.rows.count
                ),
                row_count: charges.rows.count,
                rows: cite(dataset, &charges.rows.first),
            }
        })
        .collect()
}

struct Charges {
    rows: FoundRows,
    cost: Decimal,
    first: i64,
    last: i64,
}

/// When `package` ends, if anything says: when it ran out (the start of the last usage it
/// deducted), else its 到期时间, past or not (an expiry after the loaded rows has no usage after
/// it, so it raises nothing); `None` for a package that neither ran out nor has a 到期时间.
fn ended(package: &PackageUsage, deductions: &DeductionAnalysis) -> Option<Ended> {
    if package.exhausted_on.is_some() {
        let last_usage = deductions
            .rows
            .iter()
            .filter(|row| row.package_id == package.package_id)
            .filter_map(|row| row.usage_start.or(row.deduction_time))
            .max();
        return last_usage.or(package.exhausted_on).map(Ended::RanOut);
    }
    package.expires.map(Ended::Expired)
}

/// A cost table's cells the package rules read, found once: the kind of usage of a row (产品名称
/// and 组件名称, as packages name what they cover) and its cost (`RealTotalCost`, else `TotalCost`).
pub(super) struct PayAsYouGoCharges<'t> {
    table: &'t Table,
    cost: Option<&'t DecimalColumn>,
    products: Option<&'t TextColumn>,
    items: Option<&'t TextColumn>,
}

impl<'t> PayAsYouGoCharges<'t> {
    pub(super) fn new(table: &'t Table) -> Self {
        PayAsYouGoCharges {
            table,
            cost: cost_column(table),
            products: table.text_column("BusinessCodeName"),
            items: table.text_column("ItemCodeName"),
        }
    }

    /// A row's kind of usage and cost when it is a pay-as-you-go charge (计费模式 按量计费, or no
    /// 计费模式) of more than 0; `None` for any other row.
    pub(super) fn charge(&self, row: usize) -> Option<((&'t str, &'t str), Decimal)> {
        let cell = |column: Option<&'t TextColumn>| Some(self.table.resolve(column?.get(row)?));
        let kind = (cell(self.products)?, cell(self.items)?);
        let amount = self
            .cost
            .and_then(|column| column.get(row))
            .unwrap_or_default();
        let pay_as_you_go = self
            .table
            .text("PayModeName", row)
            .is_none_or(is_pay_as_you_go);
        (amount > Decimal::ZERO && pay_as_you_go).then_some((kind, amount))
    }
}

/// 计费模式 of usage billed as it is used (`按量计费`, `Pay-As-You-Go`, `postpaid`).
fn is_pay_as_you_go(pay_mode: &str) -> bool {
    let lower = pay_mode.to_lowercase();
    pay_mode.contains("按量")
        || ["pay-as-you-go", "pay as you go", "postpaid"]
            .iter()
            .any(|word| lower.contains(word))
}
