//! Month-end forecast for an incomplete month: where the latest billing month will end, with a
//! range, by a method a person can redo from the rows.
//!
//! Per currency, for its latest billing month M ([`CostRowReader::month`]), when the last day its
//! cost rows reach (账单日期, else 开始使用时间, else 扣费时间; or 结束使用时间) n is before M's last
//! day N:
//! - *recurring and prepaid* rows (计费模式 包年包月 / prepaid / monthly subscription, or a 交易类型 of
//!   a purchase, renewal, upgrade, refund or adjustment), rows without a day and rows whose usage
//!   ends (结束使用时间) after the day it starts (a month-aggregated row) are counted once, as they
//!   are: they do not recur daily; the month's rows reach day n, the latest day a row starts, or a
//!   row that is not recurring or prepaid ends;
//! - the other rows are *daily usage*; their cost on each of the last T = min(7, n) days of M up to
//!   n (a day without a row costs 0) is the trailing window, x_1 … x_T;
//! - forecast = A + (N − n) × (Σ x) / T, rounded half away from zero to the cent, where A is every
//!   row of M so far; low = A + (N − n) × min x, high = A + (N − n) × max x: the month ends in the
//!   range when each remaining day costs between the cheapest and the dearest trailing day.
//!
//! Seven days keep a weekly pattern whole. A step after the cut (a new resource, a spike, a package
//! running out) is no pattern and leaves the range; such days are the alerts' business. Costs are
//! `RealTotalCost`, else `TotalCost`, exact, per currency; rows loaded twice count once.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::compare::tidy;
use super::cost::{cost_column, cost_rows, cost_tables, time_columns, DAY_COLUMNS};
use super::currency::{CostRowReader, Currency, Month};
use super::fixed::DecimalSum;
use super::round_half_up;
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Symbol, Table, TextColumn};
use crate::model::time::{days_in_month, BeijingTime};

/// Days in the trailing window.
pub const TRAILING_DAYS: u32 = 7;

/// The forecast of one currency's incomplete month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub currency: Currency,
    pub month: Month,
    /// N: the days of the month.
    pub days_in_month: u32,
    /// n: the last day with cost rows.
    pub last_day: u32,
    /// A: every row of the month so far.
    pub actual: Decimal,
    /// Of `actual`, the recurring and prepaid rows and rows without a day, counted once.
    pub recurring: Decimal,
    /// T, and the daily usage cost of each of those days, oldest first.
    pub trailing_days: u32,
    pub trailing: Vec<Decimal>,
    pub forecast: Decimal,
    pub low: Decimal,
    pub high: Decimal,
    /// The method in one sentence, with this forecast's figures.
    pub method: String,
}

/// Sums of one currency's latest month so far, its amounts added as `A`: [`Decimal`]s, or the
/// same additions in integers ([`DecimalSum`]).
#[derive(Clone)]
struct MonthSums<A> {
    month: Month,
    actual: A,
    recurring: A,
    /// Daily usage cost by day of the month (1–31); a day without a row adds nothing.
    usage: [A; 32],
    last_day: u32,
}

impl<A: Copy + Default> MonthSums<A> {
    fn new(month: Month) -> Self {
        MonthSums {
            month,
            actual: A::default(),
            recurring: A::default(),
            usage: [A::default(); 32],
            last_day: 0,
        }
    }

    fn map(self, decimal: impl Fn(A) -> Decimal) -> MonthSums<Decimal> {
        MonthSums {
            month: self.month,
            actual: decimal(self.actual),
            recurring: decimal(self.recurring),
            usage: self.usage.map(&decimal),
            last_day: self.last_day,
        }
    }
}

/// The forecast of every currency whose latest billing month is incomplete, by currency.
pub fn forecasts(dataset: &Dataset) -> Vec<Forecast> {
    let tables: Vec<(usize, &Table)> = cost_tables(dataset).collect();
    let costs: Vec<Option<&DecimalColumn>> = tables
        .iter()
        .map(|&(_, table)| cost_column(table))
        .collect();
    // One table whose costs have one scale (a bill, or a big file's parts joined): its amounts
    // add as integers, to the `Decimal`s the additions make.
    let one_scale = match &costs[..] {
        [Some(costs)] => costs.at_one_scale(),
        _ => None,
    };
    let sums = match one_scale {
        Some(costs) => {
            let scale = costs.scale();
            let sums = read_months(
                dataset,
                &tables,
                |_, row| costs.get(row),
                |sum: &mut DecimalSum, cell| sum.add(cell, scale),
            );
            sums.into_iter()
                .map(|(currency, sums)| (currency, sums.map(|sum| sum.to_decimal(scale))))
                .collect()
        }
        None => read_months(
            dataset,
            &tables,
            |at, row| {
                costs[at]
                    .and_then(|column| column.get(row))
                    .unwrap_or_default()
            },
            |sum: &mut Decimal, cell| *sum += cell,
        ),
    };
    sums.into_iter()
        .filter_map(|(currency, sums)| forecast(currency, sums))
        .collect()
}

/// Each currency's latest billing month, summed in one pass: a row of a later month than the
/// currency's so far starts its sums again, a row of an earlier one is left out. A row's cost is
/// read by `cost` (the table's place in `tables`, the row) and added by `add`.
fn read_months<A: Copy + Default, C: Copy>(
    dataset: &Dataset,
    tables: &[(usize, &Table)],
    cost: impl Fn(usize, usize) -> C,
    add: impl Fn(&mut A, C),
) -> BTreeMap<Currency, MonthSums<A>> {
    let mut sums: Vec<(Currency, MonthSums<A>)> = Vec::new();
    for (at, &(index, table)) in tables.iter().enumerate() {
        let reader = CostRowReader::new(table);
        let days = time_columns(table, &DAY_COLUMNS);
        let pay_modes = table.text_column("PayModeName");
        let actions = table.text_column("ActionTypeName");
        let ends = table.time_column("FeeEndTime");
        let mut recurring_cells: FxHashMap<(Option<Symbol>, Option<Symbol>), bool> =
            FxHashMap::default();
        let (mut day_fields, mut end_fields) = (DayFields::default(), DayFields::default());
        for row in cost_rows(dataset, index) {
            let currency = reader.currency(row);
            let Some(month) = reader.month(row) else {
                continue;
            };
            let position = match sums.iter().position(|(known, _)| *known == currency) {
                Some(position) => position,
                None => {
                    sums.push((currency, MonthSums::new(month)));
                    sums.len() - 1
                }
            };
            let sums = &mut sums[position].1;
            match month.cmp(&sums.month) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Greater => *sums = MonthSums::new(month),
                std::cmp::Ordering::Equal => {}
            }
            let amount = cost(at, row);
            add(&mut sums.actual, amount);
            let text = |column: Option<&TextColumn>| {
                column
                    .and_then(|column| column.get(row))
                    .map(|symbol| table.resolve(symbol))
            };
            let day = days
                .iter()
                .find_map(|column| column.get(row))
                .and_then(|time| day_fields.day_in_month(time, month));
            let end = ends
                .and_then(|column| column.get(row))
                .and_then(|time| end_fields.day_in_month(time, month));
            // Decided once per table for each pair of cells: `is_recurring` lowercases them.
            let cells = (
                pay_modes.and_then(|column| column.get(row)),
                actions.and_then(|column| column.get(row)),
            );
            let recurring = *recurring_cells
                .entry(cells)
                .or_insert_with(|| is_recurring(text(pay_modes), text(actions)));
            // A prepaid row's end is when its period ends, not how far the rows reach.
            let reach = if recurring { day } else { day.max(end) };
            sums.last_day = sums.last_day.max(reach.unwrap_or(0));
            match day {
                // A row whose usage spans more than its day (a month-aggregated row) is no daily
                // usage.
                Some(day) if !recurring && end.is_none_or(|end| end == day) => {
                    add(&mut sums.usage[day as usize], amount);
                }
                _ => add(&mut sums.recurring, amount),
            }
        }
    }
    sums.into_iter().collect()
}

/// The Beijing calendar day of the last instant read, with the instants it spans: rows come in
/// time order, and an instant's calendar fields cost more than the rest of a row.
#[derive(Default)]
struct DayFields {
    last: Option<(BeijingTime, BeijingTime, (i64, u32, u32))>,
}

impl DayFields {
    /// The day of `month` an instant falls on; its last day for an instant after the month,
    /// `None` before it.
    fn day_in_month(&mut self, time: BeijingTime, month: Month) -> Option<u32> {
        let (year, month_of_day, day) = match self.last {
            Some((start, end, fields)) if start <= time && time < end => fields,
            _ => {
                let (year, month_of_day, day, ..) = time.beijing_fields();
                let number = time.beijing_day_number();
                let (start, end) = (
                    BeijingTime::beijing_day_start(number),
                    BeijingTime::beijing_day_start(number + 1),
                );
                self.last = Some((start, end, (year, month_of_day, day)));
                (year, month_of_day, day)
            }
        };
        match Month(year, month_of_day).cmp(&month) {
            std::cmp::Ordering::Equal => Some(day),
            std::cmp::Ordering::Greater => Some(days_in_month(month.0, month.1)),
            std::cmp::Ordering::Less => None,
        }
    }
}

fn forecast(currency: Currency, sums: MonthSums<Decimal>) -> Option<Forecast> {
    let month = sums.month;
    let Month(year, month_number) = month;
    let days_in_month = days_in_month(year, month_number);
    let last_day = sums.last_day;
    if last_day == 0 || last_day >= days_in_month {
        return None;
    }
    let trailing_days = TRAILING_DAYS.min(last_day);
    let trailing: Vec<Decimal> = (last_day + 1 - trailing_days..=last_day)
        .map(|day| sums.usage[day as usize])
        .collect();
    let remaining = Decimal::from(days_in_month - last_day);
    let sum: Decimal = trailing.iter().sum();
    let min = trailing.iter().min().copied().unwrap_or_default();
    let max = trailing.iter().max().copied().unwrap_or_default();
    let extrapolated = remaining.checked_mul(sum)? / Decimal::from(trailing_days);
    let point = round_half_up(sums.actual.checked_add(extrapolated)?, 2);
    let low = sums.actual.checked_add(remaining.checked_mul(min)?)?;
    let high = sums.actual.checked_add(remaining.checked_mul(max)?)?;
    let method = format!(
        "{} so far ({} of it recurring or prepaid, counted once) + {} remaining days × the mean \
         daily usage cost of days {}–{} ({} / {}); range: those days' least ({}) and most ({}) \
         daily cost",
        tidy(sums.actual),
        tidy(sums.recurring),
        days_in_month - last_day,
        last_day + 1 - trailing_days,
        last_day,
        tidy(sum),
        trailing_days,
        tidy(min),
        tidy(max),
    );
    Some(Forecast {
        currency,
        month,
        days_in_month,
        last_day,
        actual: tidy(sums.actual),
        recurring: tidy(sums.recurring),
        trailing_days,
        trailing: trailing.into_iter().map(tidy).collect(),
        forecast: tidy(point),
        low: tidy(low),
        high: tidy(high),
        method,
    })
}

/// A row that does not recur daily: prepaid or monthly (计费模式), or a purchase, renewal,
/// upgrade, refund or adjustment (交易类型).
fn is_recurring(pay_mode: Option<&str>, action: Option<&str>) -> bool {
    const PREPAID: [&str; 3] = ["包年包月", "预付费", "prepaid"];
    const ACTIONS: [&str; 9] = [
        "新购", "续费", "升级", "降配", "退", "调账", "purchase", "renew", "refund",
    ];
    let has = |text: Option<&str>, words: &[&str]| {
        text.is_some_and(|text| {
            let lower = text.to_lowercase();
            words.iter().any(|word| lower.contains(word))
        })
    };
    has(pay_mode, &PREPAID)
        || has(pay_mode, &["monthly subscription", "subscription"])
        || has(action, &ACTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_file;

    #[test]
    fn a_month_cut_at_day_9_extrapolates_its_last_week() {
        // Days 1–9 of June: usage 10 a day, 13 on day 6 and 7 (a weekend); a 30.00 monthly fee on
        // day 1, counted once.
        let mut bill =
            String::from("产品名称,组件名称,计费模式,交易类型,开始使用时间,优惠后总价\n");
        bill.push_str("云服务器CVM,CPU,包年包月,包年包月新购,2025-06-01 00:00:00,30.00\n");
        for day in 1..=9 {
            let cost = if day == 6 || day == 7 {
                "13.00"
            } else {
                "10.00"
            };
            bill.push_str(&format!(
                "COS 对象存储,存储,按量计费,按量计费日结,2025-06-{day:02} 00:00:00,{cost}\n"
            ));
        }
        let mut dataset = Dataset::new();
        dataset.add(parse_file("june.csv", bill.as_bytes()));
        let [found] = &forecasts(&dataset)[..] else {
            panic!("one currency")
        };
        // A = 30 + 7 × 10 + 2 × 13 = 126; days 3–9: 10 10 10 13 13 10 10 = 76; 21 days left.
        assert_eq!(found.actual, "126.00".parse().unwrap());
        assert_eq!(found.recurring, "30.00".parse().unwrap());
        assert_eq!(
            (found.last_day, found.days_in_month, found.trailing_days),
            (9, 30, 7)
        );
        // 126 + 21 × 76 / 7 = 126 + 228 = 354.
        assert_eq!(found.forecast, "354.00".parse().unwrap());
        assert_eq!(
            (found.low, found.high),
            ("336.00".parse().unwrap(), "399.00".parse().unwrap())
        );
        assert_eq!(
            found.method,
            "126.00 so far (30.00 of it recurring or prepaid, counted once) + 21 remaining days × \
             the mean daily usage cost of days 3–9 (76.00 / 7); range: those days' least (10.00) \
             and most (13.00) daily cost"
        );
    }

    #[test]
    fn a_complete_month_has_no_forecast() {
        let bill =
            "产品名称,计费模式,开始使用时间,优惠后总价\nCOS,按量计费,2025-02-28 00:00:00,1.00\n";
        let mut dataset = Dataset::new();
        dataset.add(parse_file("feb.csv", bill.as_bytes()));
        assert!(forecasts(&dataset).is_empty());
    }
}
