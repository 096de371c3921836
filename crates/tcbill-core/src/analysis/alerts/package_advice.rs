//! Resource-package advice (资源包), the thing Tencent bills uniquely: packages that expire unused,
//! run out early, or should have been bought. Three kinds of alert:
//!
//! - `package_waste`: what a package leaves unused at expiry. A 总量递减 package that expired
//!   before the end of the loaded rows (到期时间 before the last day with cost rows or deductions)
//!   wastes its remaining balance; one that has not expired yet wastes what its burn rate projects
//!   to be left ([`PackageUsage::unused_at_expiry`], an estimate, said so); a 周期递减/分片递减
//!   package wastes each period's capacity left at refresh ([`PackageUsage::expired_unused`]).
//!   In the package unit (`quantity`, `unit`), and in money only where the package's price is
//!   known: waste × effective unit price.
//! - `package_runs_out_early`: a package its burn rate projects to run out before it expires
//!   ([`PackageUsage::exhausts_before_expiry`]), on the projected day.
//! - `package_worth_buying`: per kind of usage a loaded package covers (被抵扣资源产品 +
//!   被抵扣资源计费项 = 产品名称 + 组件名称) and currency, its pay-as-you-go rows with a cost above 0:
//!   the usage (组件用量 in the package unit), what it cost, and, where a loaded bill holds the
//!   purchase row of a package covering the kind, what that usage would have cost at the
//!   package's effective unit price, rounded half away from zero to the cent; the excess is the
//!   saving. Without a purchase row the alert says no price is known and has no saving.
//!
//! A package's *purchase rows* are the cost rows whose 资源ID is its 资源包ID (as the FOCUS
//! export amortises them); its effective unit price in a currency is the cost of its purchase rows
//! in that currency ÷ its total capacity. Usage is priced only by packages priced in its own
//! currency; of two, the one whose price is lower in a common unit (units.rs) is used.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::after_package::PayAsYouGoCharges;
use super::daily::days;
use super::{cite, Alert, AlertKind, Dimension};
use crate::analysis::compare::tidy;
use crate::analysis::cost::{cost_column, cost_rows, cost_tables, time_columns, DAY_COLUMNS};
use crate::analysis::currency::{CostRowReader, Currency};
use crate::analysis::deductions::{is_period_package, DeductionAnalysis};
use crate::analysis::packages::PackageUsage;
use crate::analysis::units::{conversion, product_bases};
use crate::analysis::{round_half_up, RowRef};
use crate::dataset::Dataset;
use crate::model::time::BeijingTime;

/// A package's price from its purchase rows.
struct Price {
    currency: Currency,
    /// The purchase rows' cost.
    paid: Decimal,
    /// Per package unit.
    unit_price: Decimal,
    rows: Vec<(usize, usize)>,
    /// `file:line` of the first purchase row.
    first_place: String,
}

/// Every package advice alert.
pub(super) fn package_advice(
    dataset: &Dataset,
    deductions: &DeductionAnalysis,
    packages: &[PackageUsage],
) -> Vec<Alert> {
    let prices = prices(dataset, packages);
    let loaded_until = loaded_until(dataset, deductions);
    let mut alerts = Vec::new();
    for package in packages {
        let package_prices = prices.get(package.package_id.as_str());
        alerts.extend(waste(dataset, package, package_prices, loaded_until));
        alerts.extend(runs_out_early(package));
    }
    alerts.extend(worth_buying(dataset, deductions, packages, &prices));
    alerts
}

/// Per package, the prices of its purchase rows, one per currency (in currency order), where its
/// capacity is known.
fn prices<'a>(dataset: &Dataset, packages: &'a [PackageUsage]) -> BTreeMap<&'a str, Vec<Price>> {
    let ids: BTreeMap<&str, &PackageUsage> = packages
        .iter()
        .map(|package| (package.package_id.as_str(), package))
        .collect();
    // Package and currency → the cost and rows of its purchase in that currency.
    type Purchases<'a> = BTreeMap<(&'a str, Currency), (Decimal, Vec<(usize, usize)>)>;
    let mut found = Purchases::new();
    for (index, table) in cost_tables(dataset) {
        let Some(resources) = table.text_column("ResourceId") else {
            continue;
        };
        let reader = CostRowReader::new(table);
        let cost = cost_column(table);
        for row in cost_rows(dataset, index) {
            let Some(symbol) = resources.get(row) else {
                continue;
            };
            let Some((&id, _)) = ids.get_key_value(table.resolve(symbol)) else {
                continue;
            };
            let amount = cost.and_then(|column| column.get(row)).unwrap_or_default();
            let entry = found.entry((id, reader.currency(row))).or_default();
            entry.0 += amount;
            entry.1.push((index, row));
        }
    }
    let mut prices: BTreeMap<&str, Vec<Price>> = BTreeMap::new();
    for ((id, currency), (paid, rows)) in found {
        let Some(total) = ids[id].total.filter(|total| *total > Decimal::ZERO) else {
            continue;
        };
        let Some(unit_price) = paid.checked_div(total) else {
            continue;
        };
        let (file, row) = rows[0];
        let file = &dataset.files()[file];
        let first_place = RowRef::of(&file.name, &file.table, row).to_string();
        prices.entry(id).or_default().push(Price {
            currency,
            paid,
            unit_price,
            rows,
            first_place,
        });
    }
    prices
}

/// The last instant the loaded rows reach: the end of the last day with cost rows, or the last
/// deduction.
fn loaded_until(dataset: &Dataset, deductions: &DeductionAnalysis) -> Option<BeijingTime> {
    let mut last: Option<BeijingTime> = deductions
        .rows
        .iter()
        .filter_map(|row| row.deduction_time)
        .max();
    for (index, table) in cost_tables(dataset) {
        let columns = time_columns(table, &DAY_COLUMNS);
        for row in cost_rows(dataset, index) {
            if let Some(time) = columns.iter().find_map(|column| column.get(row)) {
                // The day's last second: a row of a day covers the whole day.
                let next_day = BeijingTime::beijing_day_start(time.beijing_day_number() + 1);
                let end = BeijingTime::from_utc_epoch_secs(next_day.utc_epoch_secs() - 1);
                last = last.max(Some(end));
            }
        }
    }
    last
}

fn unit_text(package: &PackageUsage) -> String {
    package.unit.clone().unwrap_or_default()
}

fn waste(
    dataset: &Dataset,
    package: &PackageUsage,
    prices: Option<&Vec<Price>>,
    loaded_until: Option<BeijingTime>,
) -> Option<Alert> {
    // Waste is worth one amount in one currency: a package bought in two has no one price.
    let price = match prices.map(Vec::as_slice) {
        Some([price]) => Some(price),
        _ => None,
    };
    let is_period = is_period_package(package.package_type.as_deref());
    let expired = package
        .expires
        .zip(loaded_until)
        .is_some_and(|(expires, until)| expires < until);
    let (wasted, how) = if is_period {
        (
            package.expired_unused?,
            "left unused when its periods ended".to_owned(),
        )
    } else if expired {
        (package.remaining?, "left unused when it expired".to_owned())
    } else {
        (
            package.unused_at_expiry?,
            "projected to be left unused at expiry at its burn rate (an estimate)".to_owned(),
        )
    };
    if wasted <= Decimal::ZERO {
        return None;
    }
    let unit = unit_text(package);
    let value = price
        .and_then(|price| price.unit_price.checked_mul(wasted))
        .map(|value| round_half_up(value, 2));
    let worth = match (price, value) {
        (Some(price), Some(value)) => format!(
            ", worth {} {} at its price of {} {} ({} paid in {})",
            tidy(value),
            price.currency,
            price.unit_price.normalize(),
            unit_per(price.currency, &unit),
            tidy(price.paid),
            price.first_place
        ),
        _ => match prices.map(Vec::as_slice) {
            Some(several @ [_, _, ..]) => format!(
                ", no price known: its purchase rows are in {}, so it has no one price",
                currency_list(several)
            ),
            _ => ", no price known: no purchase row of it is loaded".to_owned(),
        },
    };
    let expiry_day = package.expires.map(BeijingTime::beijing_day_number);
    Some(Alert {
        kind: AlertKind::PackageWaste,
        dimension: Dimension::Package,
        subject: package.package_id.clone(),
        period: expiry_day.map(|day| days(day, day)),
        currency: price.map(|price| price.currency),
        amount: value.map(tidy),
        expected: value.map(|_| tidy(Decimal::ZERO)),
        threshold: None,
        excess: value.map(tidy),
        quantity: Some(wasted.normalize()),
        unit: package.unit.clone(),
        message: format!(
            "package {}: {} {unit}{} {how}{worth}",
            package.package_id,
            wasted.normalize(),
            package
                .total
                .map_or_else(String::new, |total| format!(" of {}", total.normalize())),
        ),
        row_count: price.map_or(0, |price| price.rows.len()),
        rows: price.map_or_else(Vec::new, |price| cite(dataset, &price.rows)),
    })
}

/// `CNY and USD`: the currencies of some prices.
fn currency_list<'a>(prices: impl IntoIterator<Item = &'a Price>) -> String {
    let names: BTreeSet<String> = prices
        .into_iter()
        .map(|price| price.currency.to_string())
        .collect();
    names.into_iter().collect::<Vec<_>>().join(" and ")
}

/// `CNY/GB`.
fn unit_per(currency: Currency, unit: &str) -> String {
    format!("{currency}/{unit}")
}

fn runs_out_early(package: &PackageUsage) -> Option<Alert> {
    if package.exhausts_before_expiry != Some(true) {
        return None;
    }
    let exhaustion = package.projected_exhaustion?;
    let expires = package.expires?;
    let unit = unit_text(package);
    let day = exhaustion.beijing_day_number();
    Some(Alert {
        kind: AlertKind::PackageRunsOutEarly,
        dimension: Dimension::Package,
        subject: package.package_id.clone(),
        period: Some(days(day, day)),
        currency: None,
        amount: None,
        expected: None,
        threshold: None,
        excess: None,
        quantity: package.remaining.map(|left| left.normalize()),
        unit: package.unit.clone(),
        message: format!(
            "package {}: at its burn rate of {} {unit} a day, its {} {unit} left run out on \
             {exhaustion}, before it expires on {expires}",
            package.package_id,
            package.daily_burn_rate.unwrap_or_default().normalize(),
            package.remaining.unwrap_or_default().normalize(),
        ),
        row_count: 0,
        rows: Vec::new(),
    })
}

/// Pay-as-you-go usage of one kind and currency.
#[derive(Default)]
struct Usage {
    rows: Vec<(usize, usize)>,
    cost: Decimal,
    /// In the package unit; `None` once a row could not be converted.
    usage: Option<Decimal>,
    first: Option<i64>,
    last: Option<i64>,
    /// Why the usage is not in the package unit.
    problem: Option<String>,
}

fn worth_buying(
    dataset: &Dataset,
    deductions: &DeductionAnalysis,
    packages: &[PackageUsage],
    prices: &BTreeMap<&str, Vec<Price>>,
) -> Vec<Alert> {
    let units: BTreeMap<&str, Option<&str>> = packages
        .iter()
        .map(|package| (package.package_id.as_str(), package.unit.as_deref()))
        .collect();
    // Kind → the packages covering it.
    let mut kinds: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for row in &deductions.rows {
        if let (Some(product), Some(item)) = (&row.deducted_product, &row.deducted_item) {
            kinds
                .entry((product, item))
                .or_default()
                .insert(&row.package_id);
        }
    }
    if kinds.is_empty() {
        return Vec::new();
    }
    // Kind → the unit of a package covering it; kind and currency → the cheapest package covering
    // it priced in that currency (its id, price and unit), compared in a common unit: a price
    // per TB is converted to one per GB before it is compared with one per GB.
    let mut kind_unit: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    type Cheapest<'a> = BTreeMap<((&'a str, &'a str), Currency), (&'a str, &'a Price, &'a str)>;
    let mut cheapest = Cheapest::new();
    for (&kind, ids) in &kinds {
        for &id in ids {
            let Some(Some(unit)) = units.get(id) else {
                continue;
            };
            kind_unit.entry(kind).or_insert(unit);
            for price in prices.get(id).into_iter().flatten() {
                let best = cheapest.entry((kind, price.currency));
                let std::collections::btree_map::Entry::Occupied(mut best) = best else {
                    best.or_insert((id, price, unit));
                    continue;
                };
                let (_, best_price, best_unit) = *best.get();
                // The price of one of the best's units at this package's price.
                let comparable = conversion(best_unit, unit, product_bases(kind.0))
                    .ok()
                    .and_then(|factor| factor.apply(price.unit_price));
                if comparable.is_some_and(|comparable| comparable < best_price.unit_price) {
                    best.insert((id, price, unit));
                }
            }
        }
    }
    // The unit one currency's usage of a kind is summed in: its cheapest package's.
    let package_unit = |kind: (&str, &str), currency: Currency| {
        cheapest
            .get(&(kind, currency))
            .map(|(_, _, unit)| *unit)
            .or_else(|| kind_unit.get(&kind).copied())
    };
    let mut usage: BTreeMap<((&str, &str), Currency), Usage> = BTreeMap::new();
    for (index, table) in cost_tables(dataset) {
        let reader = CostRowReader::new(table);
        let charges_of = PayAsYouGoCharges::new(table);
        let days = time_columns(table, &DAY_COLUMNS);
        for row in cost_rows(dataset, index) {
            let Some((usage_kind, amount)) = charges_of.charge(row) else {
                continue;
            };
            let Some((&kind, _)) = kinds.get_key_value(&usage_kind) else {
                continue;
            };
            let currency = reader.currency(row);
            let found = usage.entry((kind, currency)).or_insert_with(|| Usage {
                usage: Some(Decimal::ZERO),
                ..Usage::default()
            });
            found.rows.push((index, row));
            found.cost += amount;
            if let Some(day) = days
                .iter()
                .find_map(|column| column.get(row))
                .map(BeijingTime::beijing_day_number)
            {
                found.first = Some(found.first.map_or(day, |first| first.min(day)));
                found.last = Some(found.last.map_or(day, |last| last.max(day)));
            }
            let converted = match (
                table.decimal("UsedAmount", row),
                table.text("UsedAmountUnit", row),
                package_unit(kind, currency),
            ) {
                (Some(used), Some(from), Some(to)) => {
                    match conversion(from, to, product_bases(usage_kind.0)) {
                        Ok(factor) => factor
                            .apply(used)
                            .ok_or_else(|| "too large to convert".to_owned()),
                        Err(error) => Err(error.to_string()),
                    }
                }
                _ => Err("a row has no 组件用量, unit or package unit".to_owned()),
            };
            match converted {
                Ok(value) => found.usage = found.usage.and_then(|sum| sum.checked_add(value)),
                Err(problem) => {
                    found.usage = None;
                    found.problem.get_or_insert(problem);
                }
            }
        }
    }
    usage
        .into_iter()
        .map(|(((product, item), currency), found)| {
            let kind = (product, item);
            let unit = package_unit(kind, currency).unwrap_or("");
            let priced = cheapest.get(&(kind, currency)).map(|&(id, price, _)| (id, price));
            let at_package_price = match (priced, found.usage) {
                (Some((_, price)), Some(usage)) => price
                    .unit_price
                    .checked_mul(usage)
                    .map(|value| round_half_up(value, 2)),
                _ => None,
            };
            let usage_text = found
                .usage
                .map_or_else(|| "?".to_owned(), |usage| format!("{} {unit}", usage.normalize()));
            let advice = match (priced, at_package_price) {
                (Some((id, price)), Some(value)) => format!(
                    "; at package {id}'s {} {} ({} paid in {}) it would have cost {}, saving {}",
                    price.unit_price.normalize(),
                    unit_per(currency, unit),
                    tidy(price.paid),
                    price.first_place,
                    tidy(value),
                    tidy(found.cost - value)
                ),
                (Some(_), None) => format!(
                    "; no saving computed: {}",
                    found.problem.clone().unwrap_or_else(|| "the usage is unknown".to_owned())
                ),
                (None, _) => no_price_in(
                    currency,
                    kinds[&kind].iter().filter_map(|id| prices.get(id)).flatten(),
                ),
            };
            let mut rows: Vec<(usize, usize)> = priced.map_or_else(Vec::new, |(_, price)| price.rows.clone());
            rows.extend(&found.rows);
            let subject = format!("{product} {item}");
            Alert {
                kind: AlertKind::PackageWorthBuying,
                dimension: Dimension::Product,
                subject,
                period: found.first.zip(found.last).map(|(first, last)| days(first, last)),
                currency: Some(currency),
                amount: Some(tidy(found.cost)),
                expected: at_package_price.map(tidy),
                threshold: None,
                excess: at_package_price.map(|value| tidy(found.cost - value)),
                quantity: found.usage.map(|usage| usage.normalize()),
                unit: (!unit.is_empty()).then(|| unit.to_owned()),
                message: format!(
                    "{product} {item}: {usage_text} charged pay-as-you-go, {} {currency} in {} rows{advice}",
                    tidy(found.cost),
                    found.rows.len()
                ),
                row_count: rows.len(),
                rows: cite(dataset, &rows),
            }
        })
        .filter(|alert| alert.excess.is_none_or(|saving| saving > Decimal::ZERO))
        .collect()
}

/// Why usage in `currency` has no package price: no purchase row of a covering package is loaded,
/// or those loaded are in other currencies (`covering`: the prices of the packages covering it).
fn no_price_in<'a>(currency: Currency, covering: impl Iterator<Item = &'a Price>) -> String {
    let others: Vec<&Price> = covering
        .filter(|price| price.currency != currency)
        .collect();
    if others.is_empty() {
        "; no price known: no purchase row of a package covering it is loaded".to_owned()
    } else {
        format!(
            "; no price known in {currency}: the purchase rows of the packages covering it are in {}",
            currency_list(others)
        )
    }
}
