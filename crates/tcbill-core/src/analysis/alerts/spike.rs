//! A day whose cost is far above the days before it, per product and per resource.
//!
//! For a day D of a series with cost C_D, its history is the cost of each of the
//! `window_days` (14) calendar days before D that its currency's rows cover (a covered day
//! without a row of the series costs 0; a day without any row of the currency, such as a month
//! not loaded, is no history). With m = the median of the history and MAD = the median
//! of |x − m| over it, D spikes when C_D > m + k × MAD (k = `spike_k`, 3). Exact decimals; the
//! median of an even count is the mean of the two middle values.
//!
//! - Fewer than `min_history_days` (7) covered days before D: D is not judged (too little
//!   history; the start of the data never alerts).
//! - MAD = 0 (a flat history, typical of monthly-priced resources billed daily): the spread is
//!   taken as m / 20, so with k = 3 a day more than 15 % above a flat history fires.
//! - m = 0 and MAD = 0 (no spend before): not a spike; a series with spend for the first time is
//!   the first-appearance rule's.
//!
//! The alert's expected amount is m, its threshold m + k × spread, its excess C_D − m.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::daily::{day_of, DailyCosts, DayNumber, Found};
use super::{AlertKind, AlertOptions, Dimension};
use crate::analysis::compare::tidy;
use crate::analysis::currency::Currency;

/// The dimensions spikes are looked for in.
const SPIKE_DIMENSIONS: [Dimension; 2] = [Dimension::Product, Dimension::Resource];

/// The spread of a flat history is its median divided by this.
const FLAT_SPREAD_DIVISOR: u32 = 20;

pub(super) fn spikes(daily: &DailyCosts, options: &AlertOptions) -> Vec<Found> {
    let mut found = Vec::new();
    let window = i64::from(options.window_days);
    // Each currency's covered days in order; a series' cost on each of them (0 on a day without
    // one), so a day's history is a slice of it, found by moving its ends along.
    let coverage: BTreeMap<Currency, Vec<DayNumber>> = daily
        .coverage
        .iter()
        .map(|(&currency, days)| (currency, days.iter().copied().collect()))
        .collect();
    let mut on_covered: Vec<Decimal> = Vec::new();
    let mut scratch: Vec<Decimal> = Vec::new();
    for (series, costs) in &daily.series {
        if !SPIKE_DIMENSIONS.contains(&series.dimension) {
            continue;
        }
        let Some(covered) = coverage.get(&series.currency) else {
            continue;
        };
        on_covered.clear();
        on_covered.resize(covered.len(), Decimal::ZERO);
        for (day, &cost) in costs {
            if let Ok(position) = covered.binary_search(day) {
                on_covered[position] = cost;
            }
        }
        // The covered days `window` days before a day: covered[start..end].
        let (mut start, mut end) = (0, 0);
        for (&day, &cost) in costs {
            while end < covered.len() && covered[end] < day {
                end += 1;
            }
            while start < end && covered[start] < day - window {
                start += 1;
            }
            let history = &on_covered[start..end];
            if history.len() < options.min_history_days as usize {
                continue;
            }
            let Some(judged) = judge(cost, history, options.spike_k, &mut scratch) else {
                continue;
            };
            let label = daily.label(series);
            found.push(Found {
                kind: AlertKind::DailySpike,
                message: format!(
                    "{} {label} cost {} {} on {}, above median {} + {} × MAD {} of the {} days \
                     before (threshold {})",
                    series.dimension.as_str(),
                    tidy(cost),
                    series.currency,
                    day_of(day),
                    tidy(judged.median),
                    options.spike_k,
                    tidy(judged.spread),
                    history.len(),
                    tidy(judged.threshold),
                ),
                series: series.clone(),
                subject: label,
                day,
                amount: cost,
                expected: judged.median,
                threshold: Some(judged.threshold),
            });
        }
    }
    found
}

/// A spiking day's figures.
#[derive(Debug, PartialEq, Eq)]
struct Judged {
    median: Decimal,
    /// MAD, or m / 20 when MAD is 0.
    spread: Decimal,
    threshold: Decimal,
}

/// Whether `cost` spikes above `history` (the module's formula); `None` when it does not, or
/// when the numbers leave a decimal's range. `scratch` is where the medians are sorted.
fn judge(
    cost: Decimal,
    history: &[Decimal],
    k: Decimal,
    scratch: &mut Vec<Decimal>,
) -> Option<Judged> {
    scratch.clear();
    scratch.extend_from_slice(history);
    let median = median_of(scratch)?;
    if cost <= median && median >= Decimal::ZERO && k >= Decimal::ZERO {
        // The spread is not negative, so the threshold is at least the median: no need to
        // work it out.
        return None;
    }
    for value in scratch.iter_mut() {
        *value = (*value - median).abs();
    }
    let mad = median_of(scratch)?;
    let spread = if mad.is_zero() {
        if median.is_zero() {
            return None;
        }
        median / Decimal::from(FLAT_SPREAD_DIVISOR)
    } else {
        mad
    };
    let threshold = median.checked_add(k.checked_mul(spread)?)?;
    (cost > threshold).then_some(Judged {
        median,
        spread,
        threshold,
    })
}

/// The median; of an even count, the mean of the middle two. Sorts `values` by insertion: a
/// history is 14 values, which that sorts with no allocation, and a 1M-row bill judges some
/// 100,000 of them (the index sort of `model::sort` took three times as long).
fn median_of(values: &mut [Decimal]) -> Option<Decimal> {
    for sorted in 1..values.len() {
        let mut at = sorted;
        while at > 0 && values[at - 1] > values[at] {
            values.swap(at - 1, at);
            at -= 1;
        }
    }
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        len if len % 2 == 1 => Some(values[middle]),
        _ => values[middle - 1]
            .checked_add(values[middle])
            .map(|sum| sum / Decimal::TWO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn history(values: &[&str]) -> Vec<Decimal> {
        values.iter().map(|value| d(value)).collect()
    }

    #[test]
    fn a_day_above_median_plus_k_mad_spikes() {
        // Sorted: 9 10 10 11 12 12 13 → median 11; deviations 2 1 1 0 1 1 2 → MAD 1.
        let days = history(&["10", "12", "11", "9", "13", "10", "12"]);
        let k = d("3");
        assert_eq!(
            judge(d("14"), &days, k, &mut Vec::new()),
            None,
            "14 is the threshold itself"
        );
        assert_eq!(
            judge(d("14.01"), &days, k, &mut Vec::new()),
            Some(Judged {
                median: d("11"),
                spread: d("1"),
                threshold: d("14"),
            })
        );
        assert_eq!(
            judge(d("14.01"), &days, d("4"), &mut Vec::new()),
            None,
            "k = 4: 15"
        );
    }

    #[test]
    fn an_even_history_takes_the_mean_of_the_middle_two() {
        // Sorted 1 2 3 10 → median 2.5; deviations 1.5 0.5 0.5 7.5 → MAD 1.
        let judged = judge(
            d("100"),
            &history(&["1", "2", "3", "10"]),
            d("3"),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!((judged.median, judged.spread), (d("2.5"), d("1")));
        assert_eq!(judged.threshold, d("5.5"));
    }

    #[test]
    fn a_flat_history_spreads_by_a_twentieth_of_its_median() {
        let flat = history(&["40", "40", "40", "40", "40", "40", "40"]);
        // 40 + 3 × 2 = 46.
        assert_eq!(judge(d("46"), &flat, d("3"), &mut Vec::new()), None);
        assert_eq!(
            judge(d("46.00000001"), &flat, d("3"), &mut Vec::new())
                .unwrap()
                .threshold,
            d("46")
        );
        let nothing = history(&["0", "0", "0", "0", "0", "0", "0"]);
        assert_eq!(judge(d("1000"), &nothing, d("3"), &mut Vec::new()), None);
    }
}
