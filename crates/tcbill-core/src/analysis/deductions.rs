//! Resource-package deductions: recomputed 抵扣系数 and balance chains.
//!
//! 抵扣系数 is defined as 实际抵扣量 / 被抵扣资源原始用量 after converting the raw usage into the
//! package unit (reference §3.3), so a wrong unit base or a misapplied ratio shows up here.
//! A coefficient is consistent when both hold at the precision Tencent exported:
//! - the recomputed coefficient, rounded half-up to the exported coefficient's decimals, equals
//!   it (`0.149987` → `0.15`);
//! - the converted raw usage × the exported coefficient, rounded half-up to 实际抵扣量's decimals
//!   but at least the eight Tencent prints (a cell showing `2` has lost its zeros), equals
//!   实际抵扣量 (1000 秒 × 1 = 16.666666667 分钟, not the 16 分钟 deducted).
//!
//! Balances: 抵扣前 − 实际 = 抵扣后 on every row, and per package, in 抵扣时间 order, each 抵扣前
//! equals the previous 抵扣后 — except that a 周期递减/分片递减 package whose balance rises has
//! started a new period (reference §3.2). Rows of one package at the same second (抵扣时间 has no
//! finer part) are put in the order their balances chain, whatever order the file lists them in
//! ([`chain_order`]).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::units::{conversion, product_bases, ProductBases};
use super::{counted_tables, round_half_up, RowRef, NOT_EXACT};
use crate::dataset::Dataset;
use crate::model::table::{Table, TableKind};
use crate::model::time::BeijingTime;

/// The fewest decimals a Tencent export is known to print 实际抵扣量 with (CLS's U:
/// `0.00000559`; minutes and GB have nine): fewer in a cell means its zeros were dropped.
const ACTUAL_DOSAGE_DECIMALS: u32 = 8;

/// Decimals of the recomputed coefficient as reported.
const COEFFICIENT_DECIMALS: u32 = 6;

/// One deduction row with what was recomputed from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionRow {
    pub source: RowRef,
    /// The package's key, which balances chain on: its 资源包ID; for a row without one (a console
    /// export whose 资源包名称/资源包ID cell is blank), 资源包名称, 产品名称 and 资源包类型 joined by
    /// ` / ` ([`unidentified_key`]), with ` #1`, ` #2`… when its rows form several balance chains
    /// (several packages alike in all three).
    pub package_id: String,
    pub package_name: Option<String>,
    pub product: Option<String>,
    /// 资源包类型 (总量递减, 周期递减, …).
    pub package_type: Option<String>,
    pub deduction_time: Option<BeijingTime>,
    pub before_remain: Option<Decimal>,
    pub actual_dosage: Option<Decimal>,
    pub after_remain: Option<Decimal>,
    pub package_unit: Option<String>,
    pub deducted_product: Option<String>,
    /// 被抵扣资源计费项.
    pub deducted_item: Option<String>,
    /// 被抵扣资源原始用量 in its own unit.
    pub dosage: Option<Decimal>,
    pub dosage_unit: Option<String>,
    pub usage_start: Option<BeijingTime>,
    pub exported_coefficient: Option<Decimal>,
    /// 实际抵扣量 / (原始用量 in the package unit), to six decimals.
    pub recomputed_coefficient: Option<Decimal>,
    pub coefficient_check: CoefficientCheck,
}

/// The outcome of the coefficient check on one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CoefficientCheck {
    Ok,
    Mismatch {
        /// 原始用量 converted into the package unit.
        converted_dosage: Decimal,
        /// converted × exported coefficient, at 实际抵扣量's decimals.
        expected_actual_dosage: Decimal,
    },
    /// Not checkable; says why (`cannot convert 秒 to GB`, `no 抵扣系数`).
    NotChecked {
        reason: String,
    },
}

/// A row whose balance does not add up, or does not continue the previous row of its package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceBreak {
    pub package_id: String,
    #[serde(rename = "type")]
    pub break_type: BreakType,
    /// For a chain break, the row before in the package's order.
    pub previous: Option<RowRef>,
    pub row: RowRef,
    pub deduction_time: Option<BeijingTime>,
    pub expected: Decimal,
    pub found: Decimal,
    /// `found − expected`.
    pub difference: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakType {
    /// 抵扣前 − 实际 ≠ 抵扣后 on one row.
    Row,
    /// 抵扣前 ≠ the previous row's 抵扣后.
    Chain,
}

/// A period package whose balance went up: capacity refreshed for a new period or slice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodRefresh {
    pub package_id: String,
    pub row: RowRef,
    pub deduction_time: Option<BeijingTime>,
    /// The previous period's balance when it ended: capacity that expired unused.
    pub unused_capacity: Decimal,
}

/// Everything the deduction exports say, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeductionAnalysis {
    /// In package order, then 抵扣时间.
    pub rows: Vec<DeductionRow>,
    pub balance_breaks: Vec<BalanceBreak>,
    pub period_refreshes: Vec<PeriodRefresh>,
}

/// Which deduction rows a table shows: by finding, and optionally of one package.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionFilter {
    pub findings: FindingFilter,
    /// Only this 资源包ID.
    pub package_id: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingFilter {
    #[default]
    All,
    /// Rows whose 抵扣系数 does not match.
    CoefficientMismatches,
    /// Rows with a balance break of either type.
    BalanceBreaks,
    /// Rows with a mismatch or a break: what the Overview's deduction finding opens.
    AnyFinding,
}

impl DeductionAnalysis {
    /// The rows whose coefficient check found a mismatch.
    pub fn coefficient_mismatches(&self) -> impl Iterator<Item = &DeductionRow> {
        self.rows
            .iter()
            .filter(|row| matches!(row.coefficient_check, CoefficientCheck::Mismatch { .. }))
    }

    /// Indices into `rows` of the rows `filter` lets through, in `rows` order.
    pub fn select(&self, filter: &DeductionFilter) -> Vec<usize> {
        let broken: BTreeSet<&RowRef> = self.balance_breaks.iter().map(|b| &b.row).collect();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, row)| {
                filter
                    .package_id
                    .as_ref()
                    .is_none_or(|id| *id == row.package_id)
            })
            .filter(|(_, row)| match filter.findings {
                FindingFilter::All => true,
                FindingFilter::CoefficientMismatches => {
                    matches!(row.coefficient_check, CoefficientCheck::Mismatch { .. })
                }
                FindingFilter::BalanceBreaks => broken.contains(&row.source),
                FindingFilter::AnyFinding => {
                    broken.contains(&row.source)
                        || matches!(row.coefficient_check, CoefficientCheck::Mismatch { .. })
                }
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// The balance breaks found at `row` (a row can break both ways).
    pub fn breaks_at<'a>(&'a self, row: &'a RowRef) -> impl Iterator<Item = &'a BalanceBreak> {
        self.balance_breaks
            .iter()
            .filter(move |found| found.row == *row)
    }
}

/// Whether a package type refreshes its capacity every period or slice.
pub fn is_period_package(package_type: Option<&str>) -> bool {
    package_type.is_some_and(|text| {
        let lower = text.to_lowercase();
        ["周期递减", "分片递减", "period", "sharding"]
            .iter()
            .any(|name| lower.contains(name))
    })
}

/// Reads every deduction table of the dataset and checks coefficients and balances.
pub fn analyze_deductions(dataset: &Dataset) -> DeductionAnalysis {
    let mut by_package: BTreeMap<String, Vec<DeductionRow>> = BTreeMap::new();
    // Rows without a 资源包ID, by the key their name, product and type make: split into packages
    // by their balance chains below.
    let mut unidentified: BTreeMap<String, Vec<DeductionRow>> = BTreeMap::new();
    // A deduction export loaded twice (a ZIP and its member) counts once: see `Dataset`.
    for (index, file, table) in counted_tables(dataset, TableKind::DeductionDetails) {
        for row in dataset.counted_rows(index) {
            let (deduction, identified) = read_row(file, table, row);
            let packages = if identified {
                &mut by_package
            } else {
                &mut unidentified
            };
            packages
                .entry(deduction.package_id.clone())
                .or_default()
                .push(deduction);
        }
    }
    for (key, mut rows) in unidentified {
        sort_by_time(&mut rows);
        let chains = split_chains(chain_each_instant(rows));
        let count = chains.len();
        for (number, mut chain) in chains.into_iter().enumerate() {
            let package_id = if count == 1 {
                key.clone()
            } else {
                format!("{key} #{}", number + 1)
            };
            for row in &mut chain {
                row.package_id.clone_from(&package_id);
            }
            by_package.entry(package_id).or_default().extend(chain);
        }
    }
    let mut analysis = DeductionAnalysis::default();
    for (package_id, mut rows) in by_package {
        sort_by_time(&mut rows);
        let rows = chain_each_instant(rows);
        check_balances(&package_id, &rows, &mut analysis);
        analysis.rows.extend(rows);
    }
    analysis
}

/// In 抵扣时间 order, rows without one last; stable.
fn sort_by_time(rows: &mut [DeductionRow]) {
    crate::model::sort::sort_by_key(rows, |row| {
        (row.deduction_time.is_none(), row.deduction_time)
    });
}

/// The key of a package a row names no 资源包ID of: 资源包名称, 产品名称 and 资源包类型, those
/// present, joined by ` / ` (`实时音视频 / 总量递减`), else `-`.
pub fn unidentified_key(
    name: Option<&str>,
    product: Option<&str>,
    package_type: Option<&str>,
) -> String {
    let parts: Vec<&str> = [name, product, package_type]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(" / ")
    }
}

/// Rows of packages that nothing but their balances tells apart (no 资源包ID; name, product and
/// type alike), in chained 抵扣时间 order, split into one chain per package: a row continues the
/// first chain whose last 抵扣后 is its 抵扣前 (for a period package that is the only chain, also
/// one whose balance rose, a refresh); any other row starts a chain of its own. So rows of two
/// packages are never chained as one, at the price that a break inside one package's rows shows
/// as a second package.
fn split_chains(rows: Vec<DeductionRow>) -> Vec<Vec<DeductionRow>> {
    let mut chains: Vec<Vec<DeductionRow>> = Vec::new();
    // Each chain's last 抵扣后 → the chains ending there, in chain order.
    let mut ends: BTreeMap<Decimal, BTreeSet<usize>> = BTreeMap::new();
    for row in rows {
        let continued = row
            .before_remain
            .and_then(|before| ends.get(&before).and_then(|chains| chains.first().copied()));
        let only = (chains.len() == 1).then_some(0);
        let refresh = only.filter(|&only| {
            is_period_package(row.package_type.as_deref())
                && chains[only]
                    .last()
                    .and_then(|last| last.after_remain)
                    .zip(row.before_remain)
                    .is_some_and(|(after, before)| before > after)
        });
        let no_balance = only.filter(|_| row.before_remain.is_none());
        let chain = match continued.or(refresh).or(no_balance) {
            Some(chain) => chain,
            None => {
                chains.push(Vec::new());
                chains.len() - 1
            }
        };
        if let Some(after) = chains[chain].last().and_then(|last| last.after_remain) {
            if let Some(ending) = ends.get_mut(&after) {
                ending.remove(&chain);
                if ending.is_empty() {
                    ends.remove(&after);
                }
            }
        }
        if let Some(after) = row.after_remain {
            ends.entry(after).or_default().insert(chain);
        }
        chains[chain].push(row);
    }
    chains
}

/// `rows` (one package's, in 抵扣时间 order) with each run of rows at the same instant in
/// [`chain_order`] after the previous row's 抵扣后.
fn chain_each_instant(rows: Vec<DeductionRow>) -> Vec<DeductionRow> {
    let mut ordered: Vec<DeductionRow> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(first) = rows.next() {
        let mut instant = vec![first];
        while let Some(row) = rows.next_if(|row| row.deduction_time == instant[0].deduction_time) {
            instant.push(row);
        }
        if instant.len() == 1 {
            ordered.extend(instant);
            continue;
        }
        let previous_after = ordered.last().and_then(|row| row.after_remain);
        let order = chain_order(&instant, previous_after);
        let mut slots: Vec<Option<DeductionRow>> = instant.into_iter().map(Some).collect();
        ordered.extend(order.into_iter().filter_map(|index| slots[index].take()));
    }
    ordered
}

/// The order of `rows` (one package's, at one instant) in which their balances chain: first the
/// row whose 抵扣前 is `previous_after`, else a row whose 抵扣前 is no other row's 抵扣后 (the head
/// of the chain), then each time the row whose 抵扣前 is the last one's 抵扣后. Where nothing
/// continues the chain, the row with the largest 抵扣前 (a balance falls) goes next. Candidates are
/// taken in (抵扣前, 抵扣后) descending order, so the result depends on the rows, not on their file
/// order (rows equal in both keep it, which changes no figure).
fn chain_order(rows: &[DeductionRow], previous_after: Option<Decimal>) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..rows.len()).collect();
    crate::model::sort::sort_by_key(&mut sorted, |&index| {
        let row = &rows[index];
        std::cmp::Reverse((row.before_remain, row.after_remain))
    });
    // Positions in `sorted` of the rows with each 抵扣前, ascending.
    let mut by_before: BTreeMap<Decimal, std::collections::VecDeque<usize>> = BTreeMap::new();
    let mut afters: BTreeMap<Decimal, usize> = BTreeMap::new();
    for (position, &index) in sorted.iter().enumerate() {
        if let Some(before) = rows[index].before_remain {
            by_before.entry(before).or_default().push_back(position);
        }
        if let Some(after) = rows[index].after_remain {
            *afters.entry(after).or_default() += 1;
        }
    }
    let heads: Vec<usize> = (0..sorted.len())
        .filter(|&position| {
            rows[sorted[position]]
                .before_remain
                .is_none_or(|before| !afters.contains_key(&before))
        })
        .collect();
    let mut used = vec![false; sorted.len()];
    let (mut next_head, mut next_any) = (0, 0);
    let mut current = previous_after;
    let mut order = Vec::with_capacity(rows.len());
    while order.len() < rows.len() {
        let continuing = current.and_then(|after| {
            let queue = by_before.get_mut(&after)?;
            while let Some(&position) = queue.front() {
                if !used[position] {
                    return Some(position);
                }
                queue.pop_front();
            }
            None
        });
        let position = continuing
            .or_else(|| {
                while next_head < heads.len() && used[heads[next_head]] {
                    next_head += 1;
                }
                heads.get(next_head).copied()
            })
            .unwrap_or_else(|| {
                while used[next_any] {
                    next_any += 1;
                }
                next_any
            });
        used[position] = true;
        order.push(sorted[position]);
        current = rows[sorted[position]].after_remain;
    }
    order
}

/// The row, and whether it names its package's 资源包ID.
fn read_row(file: &str, table: &Table, row: usize) -> (DeductionRow, bool) {
    let text = |name: &str| table.text(name, row).map(str::to_owned);
    let decimal = |name: &str| table.decimal(name, row);
    let id = text("ResourceId");
    let identified = id.is_some();
    let package_id = id.unwrap_or_else(|| {
        unidentified_key(
            table.text("PackageName", row),
            table.text("ProductName", row),
            table.text("ResourceType", row),
        )
    });
    let mut deduction = DeductionRow {
        source: RowRef::of(file, table, row),
        package_id,
        package_name: text("PackageName"),
        product: text("ProductName"),
        package_type: text("ResourceType"),
        deduction_time: table.time("DeductionTime", row),
        before_remain: decimal("BeforeDeductionRemain"),
        actual_dosage: decimal("ActualDosage"),
        after_remain: decimal("AfterDeductionRemain"),
        package_unit: text("PackageUnit"),
        deducted_product: text("DeductionProductName"),
        deducted_item: text("DeductionSubBillName"),
        dosage: decimal("Dosage"),
        dosage_unit: text("DosageUnit"),
        usage_start: table.time("StartTime", row),
        exported_coefficient: decimal("DeductionFactor"),
        recomputed_coefficient: None,
        coefficient_check: CoefficientCheck::Ok,
    };
    let (recomputed, check) = check_coefficient(&deduction);
    deduction.recomputed_coefficient = recomputed;
    deduction.coefficient_check = check;
    (deduction, identified)
}

fn bases_of(row: &DeductionRow) -> ProductBases {
    [&row.product, &row.deducted_product]
        .into_iter()
        .flatten()
        .map(|product| product_bases(product))
        .find(|bases| *bases != ProductBases::default())
        .unwrap_or_default()
}

fn check_coefficient(row: &DeductionRow) -> (Option<Decimal>, CoefficientCheck) {
    let not_checked = |reason: String| (None, CoefficientCheck::NotChecked { reason });
    let (Some(actual), Some(dosage)) = (row.actual_dosage, row.dosage) else {
        return not_checked("no 实际抵扣量 or 被抵扣资源原始用量".into());
    };
    let (Some(package_unit), Some(dosage_unit)) = (&row.package_unit, &row.dosage_unit) else {
        return not_checked("no 资源包单位 or 被抵扣资源原始用量单位".into());
    };
    let factor = match conversion(dosage_unit, package_unit, bases_of(row)) {
        Ok(factor) => factor,
        Err(error) => return not_checked(error.to_string()),
    };
    let Some(converted) = factor.apply(dosage) else {
        return not_checked(NOT_EXACT.into());
    };
    if converted.is_zero() {
        let reason = if dosage.is_zero() {
            "被抵扣资源原始用量 is 0"
        } else {
            NOT_EXACT
        };
        return not_checked(reason.into());
    }
    let recomputed = actual
        .checked_mul(factor.denominator)
        .zip(dosage.checked_mul(factor.numerator))
        .and_then(|(numerator, denominator)| numerator.checked_div(denominator));
    let Some(recomputed) = recomputed else {
        return not_checked(NOT_EXACT.into());
    };
    let recomputed = recomputed.round_dp(COEFFICIENT_DECIMALS).normalize();
    let Some(exported) = row.exported_coefficient else {
        return (
            Some(recomputed),
            CoefficientCheck::NotChecked {
                reason: "no 抵扣系数".into(),
            },
        );
    };
    let Some(expected_actual) = converted.checked_mul(exported) else {
        return (
            Some(recomputed),
            CoefficientCheck::NotChecked {
                reason: NOT_EXACT.into(),
            },
        );
    };
    // At least at the decimals Tencent prints even where the cell shows fewer: a `2` is
    // 2.000000000 with its zeros dropped, not "1.5 to 2.5", so 1.6 GB × 1 deducted as `2` is
    // flagged as `2.000000000` is.
    let expected_actual =
        round_half_up(expected_actual, actual.scale().max(ACTUAL_DOSAGE_DECIMALS));
    let coefficient_agrees = round_half_up(recomputed, exported.scale()) == exported;
    let check = if coefficient_agrees && expected_actual == actual {
        CoefficientCheck::Ok
    } else {
        CoefficientCheck::Mismatch {
            converted_dosage: round_half_up(converted, actual.scale().max(9)).normalize(),
            expected_actual_dosage: expected_actual,
        }
    };
    (Some(recomputed), check)
}

fn check_balances(package_id: &str, rows: &[DeductionRow], analysis: &mut DeductionAnalysis) {
    let mut previous: Option<&DeductionRow> = None;
    for row in rows {
        if let (Some(before), Some(actual), Some(after)) =
            (row.before_remain, row.actual_dosage, row.after_remain)
        {
            if before - actual != after {
                analysis.balance_breaks.push(BalanceBreak {
                    package_id: package_id.to_owned(),
                    break_type: BreakType::Row,
                    previous: None,
                    row: row.source.clone(),
                    deduction_time: row.deduction_time,
                    expected: before - actual,
                    found: after,
                    difference: after - (before - actual),
                });
            }
        }
        let chain = previous
            .and_then(|previous| Some((previous, previous.after_remain?, row.before_remain?)));
        if let Some((previous_row, previous_after, before)) = chain {
            if before > previous_after && is_period_package(row.package_type.as_deref()) {
                analysis.period_refreshes.push(PeriodRefresh {
                    package_id: package_id.to_owned(),
                    row: row.source.clone(),
                    deduction_time: row.deduction_time,
                    unused_capacity: previous_after,
                });
            } else if before != previous_after {
                analysis.balance_breaks.push(BalanceBreak {
                    package_id: package_id.to_owned(),
                    break_type: BreakType::Chain,
                    previous: Some(previous_row.source.clone()),
                    row: row.source.clone(),
                    deduction_time: row.deduction_time,
                    expected: previous_after,
                    found: before,
                    difference: before - previous_after,
                });
            }
        }
        previous = Some(row);
    }
}
