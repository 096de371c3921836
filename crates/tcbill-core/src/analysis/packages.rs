//! Package burn-down: how much of each resource package is used, how fast, and whether it runs
//! out before it expires.
//!
//! The overview export (资源包总览) knows totals and expiry; the deduction export knows every
//! deduction. Either alone is enough for part of the answer: without the overview, a 总量递减
//! package's total is its balance before the first deduction seen, and its remaining balance is
//! the last one seen. Burn rate is the deducted amount per calendar day between the first and the
//! last deduction (both days counted); the exhaustion date projects it linearly from the last one.
//!
//! The overview's 容量单位 may differ from the deduction rows' 资源包单位 (a 1 TB package deducted
//! in GB): its capacity and balance are converted into the rows' unit with the product's bases
//! (`units.rs`). Where no exact conversion exists they stay in the overview's unit, and nothing
//! that would combine them with the rows' figures (outside use, projection, unused at expiry) is
//! computed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::deductions::{is_period_package, unidentified_key, DeductionAnalysis, DeductionRow};
use super::series::Point;
use super::units::{conversion, product_bases, Conversion, ProductBases};
use super::{named_tables, round_half_up};
use crate::dataset::Dataset;
use crate::model::table::{Table, TableKind};
use crate::model::time::{BeijingTime, SECS_PER_DAY};

/// What consumed part of a package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    pub product: String,
    /// 被抵扣资源计费项.
    pub item: String,
    /// In the package unit.
    pub used: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageUsage {
    pub package_id: String,
    pub package_name: Option<String>,
    pub product: Option<String>,
    pub package_type: Option<String>,
    /// The unit of `total` and `remaining`: the deduction rows' 资源包单位 (the overview's figures
    /// converted into it), else the overview's 容量单位 (when they cannot be converted, or there
    /// are no rows). `used` is in the rows' unit.
    pub unit: Option<String>,
    /// From the overview, else (总量递减) the balance before the first deduction seen.
    pub total: Option<Decimal>,
    /// Deducted in the loaded deduction rows.
    pub used: Decimal,
    /// The package's deduction rows with no 实际抵扣量 to read (blank, or in a unit other than
    /// the row's 资源包单位): not in `used`. Left out of the JSON when there are none.
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub rows_without_used: usize,
    pub remaining: Option<Decimal>,
    /// (total − remaining) / total, percent, two decimals.
    pub utilisation_percent: Option<Decimal>,
    pub first_deduction: Option<BeijingTime>,
    pub last_deduction: Option<BeijingTime>,
    /// `used` per day, six decimals: from the first deduction to the last, or, where that rate
    /// would have run the balance out before the loaded deductions end, to their end.
    pub daily_burn_rate: Option<Decimal>,
    /// When the remaining balance runs out at the burn rate, from the last deduction (or the end
    /// of the loaded deductions, see `daily_burn_rate`): 总量递减 packages with a balance left
    /// that have not expired before the loaded deductions end.
    pub projected_exhaustion: Option<BeijingTime>,
    /// The last deduction, for a 总量递减 package with nothing left after it (one the overview says
    /// is empty while its last loaded row left some ran out on a day the rows do not show: `None`).
    pub exhausted_on: Option<BeijingTime>,
    pub expires: Option<BeijingTime>,
    /// Whether the projection runs out before expiry (`None` when either is unknown).
    pub exhausts_before_expiry: Option<bool>,
    /// What is left at expiry at the burn rate, in whole units (an estimate): the package expires
    /// with this much unused. Only where it does not run out first. For a package that expired
    /// before the loaded deductions end, its remaining balance, exactly.
    pub unused_at_expiry: Option<Decimal>,
    /// (total − remaining) − used: what the overview says was used that the loaded deduction rows
    /// do not show (deductions before the rows loaded, or not exported). `None` without both
    /// figures or when they agree.
    pub used_outside_deduction_rows: Option<Decimal>,
    /// Period packages: capacity left when earlier periods ended, lost at refresh.
    pub expired_unused: Option<Decimal>,
    /// By amount used, largest first.
    pub consumers: Vec<Consumer>,
}

/// Burn-down of every package seen in the deduction rows or the overview, by package ID.
pub fn package_usage(dataset: &Dataset, deductions: &DeductionAnalysis) -> Vec<PackageUsage> {
    let mut rows_by_package: BTreeMap<&str, Vec<&DeductionRow>> = BTreeMap::new();
    for row in &deductions.rows {
        rows_by_package
            .entry(&row.package_id)
            .or_default()
            .push(row);
    }
    // The last loaded deduction of any package: where the loaded deductions end.
    let data_end = deductions
        .rows
        .iter()
        .filter_map(|row| row.deduction_time)
        .max();
    let mut overview_by_package: BTreeMap<String, (&Table, usize)> = BTreeMap::new();
    for (_, table) in named_tables(dataset, TableKind::PackageOverview) {
        for row in 0..table.row_count() {
            // Keyed as the deduction rows are: 资源包ID, else name, product and type.
            let id = table.text("ResourceId", row).map_or_else(
                || {
                    unidentified_key(
                        table.text("PackageName", row),
                        table.text("ProductName", row),
                        table.text("ResourceType", row),
                    )
                },
                str::to_owned,
            );
            overview_by_package.insert(id, (table, row));
        }
    }
    let mut ids: Vec<String> = rows_by_package.keys().map(|id| (*id).to_owned()).collect();
    ids.extend(overview_by_package.keys().cloned());
    crate::model::sort::sort(&mut ids);
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let rows = rows_by_package
                .get(id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let overview = overview_by_package.get(&id).copied();
            let expired_unused: Decimal = deductions
                .period_refreshes
                .iter()
                .filter(|refresh| refresh.package_id == id)
                .map(|refresh| refresh.unused_capacity)
                .sum();
            one_package(id, rows, overview, expired_unused, data_end)
        })
        .collect()
}

fn one_package(
    package_id: String,
    rows: &[&DeductionRow],
    overview: Option<(&Table, usize)>,
    expired_unused: Decimal,
    data_end: Option<BeijingTime>,
) -> PackageUsage {
    let overview_text = |name: &str| overview.and_then(|(table, row)| table.text(name, row));
    let overview_decimal = |name: &str| overview.and_then(|(table, row)| table.decimal(name, row));
    let first = rows.first();
    let last = rows.last();
    let package_type = overview_text("ResourceType")
        .map(str::to_owned)
        .or_else(|| first.and_then(|row| row.package_type.clone()));
    let is_period = is_period_package(package_type.as_deref());
    // The overview's capacity and balance in the deduction rows' unit (1 TB of CDN is 1000 GB),
    // so that every figure of the package is in one unit; `None` when there is no exact
    // conversion: then the overview's figures stay in its own unit and nothing is computed from
    // them together with the rows' (what the rows used, the burn rate).
    let rows_unit = rows.iter().find_map(|row| row.package_unit.as_deref());
    let overview_unit = overview_text("CapacityUnit");
    let to_rows_unit = match (overview_unit, rows_unit) {
        (Some(from), Some(to)) => {
            let bases = overview_text("ProductName")
                .into_iter()
                .chain(rows.iter().flat_map(|row| {
                    [row.product.as_deref(), row.deducted_product.as_deref()]
                        .into_iter()
                        .flatten()
                }))
                .map(product_bases)
                .find(|bases| *bases != ProductBases::default())
                .unwrap_or_default();
            conversion(from, to, bases).ok()
        }
        _ => Some(Conversion {
            numerator: Decimal::ONE,
            denominator: Decimal::ONE,
        }),
    };
    let comparable = to_rows_unit.is_some();
    let overview_quantity = |names: [&str; 2]| {
        let value = names.into_iter().find_map(&overview_decimal)?;
        match to_rows_unit {
            Some(factor) if factor.numerator != factor.denominator => {
                factor.apply(value).map(|value| value.normalize())
            }
            _ => Some(value),
        }
    };
    let from_rows = |value: Option<Decimal>| value.filter(|_| comparable);
    let total = overview_quantity(["TotalCapacity", "PeriodTotal"]).or_else(|| {
        from_rows(
            (!is_period)
                .then(|| first.and_then(|row| row.before_remain))
                .flatten(),
        )
    });
    let remaining = overview_quantity(["TotalRemain", "PeriodRemain"])
        .or_else(|| from_rows(last.and_then(|row| row.after_remain)));
    let used: Decimal = rows.iter().filter_map(|row| row.actual_dosage).sum();
    let rows_without_used = rows
        .iter()
        .filter(|row| row.actual_dosage.is_none())
        .count();
    let utilisation_percent = match (total, remaining) {
        (Some(total), Some(remaining)) if !total.is_zero() => {
            // `None` only for hostile values (a capacity of 1e-28); the check lists stay whole.
            let percent = ((total - remaining) * Decimal::ONE_HUNDRED).checked_div(total);
            percent.map(|percent| {
                let mut percent = round_half_up(percent, 2);
                // Always two decimals, as documented: `100.00`, not `100`.
                percent.rescale(2);
                percent
            })
        }
        _ => None,
    };
    let first_deduction = rows.iter().filter_map(|row| row.deduction_time).min();
    let last_deduction = rows.iter().filter_map(|row| row.deduction_time).max();
    // `used` per day from the first deduction to `until`, both days counted.
    let rate_until = |until: BeijingTime| {
        let first = first_deduction?;
        let days = until.beijing_day_number() - first.beijing_day_number() + 1;
        Some(round_half_up(used / Decimal::from(days.max(1)), 6))
    };
    let mut daily_burn_rate = last_deduction.and_then(rate_until);
    // Run out in the rows: the overview's 0 of a package whose last row still left some says
    // it ran out after the loaded rows, on a day they do not show.
    let rows_ran_out = last
        .and_then(|row| row.after_remain)
        .is_some_and(|after| after <= Decimal::ZERO);
    let exhausted_on = last_deduction
        .filter(|_| !is_period && rows_ran_out && remaining.is_some_and(|r| r <= Decimal::ZERO));
    let expires = overview.and_then(|(table, row)| table.time("ExpireTime", row));
    // Expired before the last loaded deduction: what it left is known, nothing to project.
    let expired = expires
        .zip(data_end)
        .is_some_and(|(expires, end)| expires < end);
    let projectable = comparable
        && !is_period
        && !expired
        && exhausted_on.is_none()
        && remaining.is_some_and(|r| r > Decimal::ZERO);
    let project = |rate: Option<Decimal>, from: Option<BeijingTime>| {
        let (remaining, rate, from) = (remaining?, rate?, from?);
        if !projectable || rate <= Decimal::ZERO {
            return None;
        }
        let secs = (remaining * Decimal::from(SECS_PER_DAY) / rate).floor();
        // A projection past 9999-12-31 (a hostile burn rate of 0.000001) is no date at all.
        i64::try_from(secs)
            .ok()
            .and_then(|secs| from.utc_epoch_secs().checked_add(secs))
            .filter(|&at| at <= LAST_PROJECTABLE_SECS)
            .map(BeijingTime::from_utc_epoch_secs)
    };
    let mut projected_from = last_deduction;
    let mut projected_exhaustion = project(daily_burn_rate, projected_from);
    if let (Some(at), Some(end)) = (projected_exhaustion, data_end) {
        // Projected to run out before the loaded deductions end, yet it still has a balance: the
        // days after its last deduction used none of it, so the rate counts them too and the
        // projection starts where the loaded deductions end.
        if at < end {
            daily_burn_rate = rate_until(end);
            projected_from = Some(end);
            projected_exhaustion = project(daily_burn_rate, projected_from);
        }
    }
    let exhausts_before_expiry = projected_exhaustion
        .zip(expires)
        .map(|(exhaustion, expiry)| exhaustion < expiry);
    let unused_at_expiry = match (remaining, daily_burn_rate, projected_from, expires) {
        (Some(remaining), _, _, Some(_)) if expired && !is_period => {
            Some(remaining.max(Decimal::ZERO))
        }
        (Some(remaining), Some(rate), Some(from), Some(expires))
            if comparable && !is_period && exhausts_before_expiry == Some(false) =>
        {
            let days_left = Decimal::from(expires.utc_epoch_secs() - from.utc_epoch_secs())
                / Decimal::from(SECS_PER_DAY);
            rate.checked_mul(days_left)
                .map(|burnt| round_half_up((remaining - burnt).max(Decimal::ZERO), 0))
        }
        _ => None,
    };
    let used_outside_deduction_rows = match (total, remaining) {
        (Some(total), Some(remaining)) if comparable && overview.is_some() && !is_period => {
            Some(total - remaining - used).filter(|gap| !gap.is_zero())
        }
        _ => None,
    };
    PackageUsage {
        package_name: overview_text("PackageName")
            .map(str::to_owned)
            .or_else(|| first.and_then(|row| row.package_name.clone())),
        product: overview_text("ProductName")
            .map(str::to_owned)
            .or_else(|| first.and_then(|row| row.product.clone())),
        // The rows' unit, which the overview's figures were converted into, unless they could not be.
        unit: rows_unit
            .filter(|_| comparable)
            .or(overview_unit)
            .or(rows_unit)
            .map(str::to_owned),
        package_id,
        package_type,
        total,
        used,
        rows_without_used,
        remaining,
        utilisation_percent,
        first_deduction,
        last_deduction,
        daily_burn_rate,
        projected_exhaustion,
        exhausted_on,
        expires,
        exhausts_before_expiry,
        unused_at_expiry,
        used_outside_deduction_rows,
        expired_unused: is_period.then_some(expired_unused),
        consumers: consumers(rows),
    }
}

/// Each package's balance after every deduction (抵扣后包剩余量 at 抵扣时间), in the order
/// the balances chain, for a burn-down chart; rows without either are left out.
pub fn burn_down(deductions: &DeductionAnalysis) -> BTreeMap<&str, Vec<Point>> {
    let mut balances: BTreeMap<&str, Vec<Point>> = BTreeMap::new();
    for row in &deductions.rows {
        let points = balances.entry(&row.package_id).or_default();
        if let (Some(time), Some(after)) = (row.deduction_time, row.after_remain) {
            points.push((time, after));
        }
    }
    balances
}

/// 9999-12-31 23:59:59 UTC, the last instant a date column can print.
const LAST_PROJECTABLE_SECS: i64 = 253_402_300_799;

fn consumers(rows: &[&DeductionRow]) -> Vec<Consumer> {
    let mut used_by: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for row in rows {
        let key = (
            row.deducted_product
                .clone()
                .unwrap_or_else(|| "-".to_owned()),
            row.deducted_item.clone().unwrap_or_else(|| "-".to_owned()),
        );
        *used_by.entry(key).or_default() += row.actual_dosage.unwrap_or_default();
    }
    let mut consumers: Vec<Consumer> = used_by
        .into_iter()
        .map(|((product, item), used)| Consumer {
            product,
            item,
            used,
        })
        .collect();
    crate::model::sort::sort_by_key(&mut consumers, |consumer| std::cmp::Reverse(consumer.used));
    consumers
}
