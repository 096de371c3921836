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
use crate::analysis::fixed::power_of_ten;

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
    let mut keys = Keys::default();
    let mut key_scratch = KeyScratch::default();
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
        let keyed = keys.key(&on_covered);
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
            let keyed = keyed.then(|| &keys.keys[start..end]);
            let judged = keyed.and_then(|keyed| {
                judge_keyed(
                    cost,
                    history,
                    keyed,
                    keys.scale,
                    options.spike_k,
                    &mut key_scratch,
                )
            });
            let judged = match judged {
                Some(judged) => judged,
                None => judge(cost, history, options.spike_k, &mut scratch),
            };
            let Some(judged) = judged else {
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

/// A series' costs on the covered days as integers at one scale, where they fit below 2^96 (a
/// decimal's mantissa): medians then sort integers, not decimals. Sorted by their integers, the
/// decimals come in the order [`median_of`]'s insertion sort gives them (the same comparisons,
/// ties kept in order), so the medians are the same decimals, computed the same way.
#[derive(Default)]
struct Keys {
    keys: Vec<i128>,
    scale: u32,
}

/// Where [`judge_keyed`] sorts: positions in a history, sorted by cost; the deviations from its
/// median in that order; positions in that, sorted by deviation.
#[derive(Default)]
struct KeyScratch {
    sorted: Vec<usize>,
    deviations: Vec<i128>,
    order: Vec<usize>,
}

/// The bound of a decimal's mantissa.
const MANTISSA_LIMIT: u128 = 1 << 96;

impl Keys {
    /// Keys `values`; `false` when one does not fit (the decimals are sorted then).
    fn key(&mut self, values: &[Decimal]) -> bool {
        self.scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
        self.keys.clear();
        for value in values {
            match value
                .mantissa()
                .checked_mul(power_of_ten(self.scale - value.scale()))
            {
                Some(key) if key.unsigned_abs() < MANTISSA_LIMIT => self.keys.push(key),
                _ => return false,
            }
        }
        true
    }
}

/// Sorts `order` (positions in `keys`) by their keys, by insertion, as [`median_of`] sorts.
fn sort_by_key(order: &mut [usize], keys: &[i128]) {
    for sorted in 1..order.len() {
        let mut at = sorted;
        while at > 0 && keys[order[at - 1]] > keys[order[at]] {
            order.swap(at - 1, at);
            at -= 1;
        }
    }
}

/// [`median_of`] of the values at `order`'s middle positions, `value` reading a position's.
fn middle(order: &[usize], value: impl Fn(usize) -> Decimal) -> Option<Decimal> {
    let middle = order.len() / 2;
    match order.len() {
        0 => None,
        len if len % 2 == 1 => Some(value(order[middle])),
        _ => value(order[middle - 1])
            .checked_add(value(order[middle]))
            .map(|sum| sum / Decimal::TWO),
    }
}

/// [`judge`] with the history's `keys` at `scale`: the same answer, or `None` where a deviation
/// from the median does not fit an integer below 2^96 ([`judge`] answers then).
fn judge_keyed(
    cost: Decimal,
    history: &[Decimal],
    keys: &[i128],
    scale: u32,
    k: Decimal,
    scratch: &mut KeyScratch,
) -> Option<Option<Judged>> {
    let KeyScratch {
        sorted,
        deviations,
        order,
    } = scratch;
    sorted.clear();
    sorted.extend(0..history.len());
    sort_by_key(sorted, keys);
    let Some(median) = middle(sorted, |at| history[at]) else {
        return Some(None);
    };
    if cost <= median && median >= Decimal::ZERO && k >= Decimal::ZERO {
        return Some(None);
    }
    // |x − m| in integers at the larger of the two scales, in sorted order as `judge` has them.
    let common = scale.max(median.scale());
    let widen = |mantissa: i128, from: u32| {
        mantissa
            .checked_mul(power_of_ten(common - from))
            .filter(|value| value.unsigned_abs() < MANTISSA_LIMIT)
    };
    let median_key = widen(median.mantissa(), median.scale())?;
    deviations.clear();
    for &at in sorted.iter() {
        let deviation = (widen(keys[at], scale)? - median_key).abs();
        if deviation.unsigned_abs() >= MANTISSA_LIMIT {
            return None;
        }
        deviations.push(deviation);
    }
    order.clear();
    order.extend(0..sorted.len());
    sort_by_key(order, deviations);
    let Some(mad) = middle(order, |at| (history[sorted[at]] - median).abs()) else {
        return Some(None);
    };
    let spread = if mad.is_zero() {
        if median.is_zero() {
            return Some(None);
        }
        median / Decimal::from(FLAT_SPREAD_DIVISOR)
    } else {
        mad
    };
    let Some(threshold) = k
        .checked_mul(spread)
        .and_then(|excess| median.checked_add(excess))
    else {
        return Some(None);
    };
    Some((cost > threshold).then_some(Judged {
        median,
        spread,
        threshold,
    }))
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

    use proptest::prelude::*;

    /// A judgement as its decimals are written: digits and scale, not only value.
    fn spelled(judged: Option<Judged>) -> Option<[String; 3]> {
        judged.map(|judged| {
            [judged.median, judged.spread, judged.threshold]
                .map(|value| format!("{value} (scale {})", value.scale()))
        })
    }

    /// Day costs as a series has them: zeros of scale 0 (days without a row) beside sums at the
    /// cost column's scale, ties, negatives (refunds), now and then a huge one.
    fn cost() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::ZERO),
            (-3i64..40).prop_map(|m| Decimal::new(m, 8)),
            (-3i64..40).prop_map(|m| Decimal::new(m * 100_000_000, 8)),
            (any::<i32>(), 0u32..10).prop_map(|(m, s)| Decimal::new(i64::from(m), s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn judging_by_keys_is_judging_the_decimals(
            history in prop::collection::vec(cost(), 0..16),
            cost in cost(),
            k in prop_oneof![Just(Decimal::from(3)), Just(Decimal::new(25, 1)), Just(Decimal::new(-1, 0))],
        ) {
            let mut keys = Keys::default();
            // Histories that do not key (a huge value) are judged as decimals.
            let keyed = keys.key(&history).then(|| {
                judge_keyed(cost, &history, &keys.keys, keys.scale, k, &mut KeyScratch::default())
            });
            if let Some(Some(keyed)) = keyed {
                prop_assert_eq!(spelled(keyed), spelled(judge(cost, &history, k, &mut Vec::new())));
            }
        }
    }

    #[test]
    fn keys_answer_for_a_bills_days() {
        let days = history(&[
            "0",
            "1.50000000",
            "0",
            "2.25000000",
            "1.50000000",
            "0.00000000",
            "7",
        ]);
        let mut keys = Keys::default();
        assert!(keys.key(&days));
        assert_eq!(keys.scale, 8);
        for cost in ["9", "1.5", "0"] {
            let keyed = judge_keyed(
                d(cost),
                &days,
                &keys.keys,
                8,
                d("3"),
                &mut KeyScratch::default(),
            );
            assert_eq!(
                keyed.map(spelled),
                Some(spelled(judge(d(cost), &days, d("3"), &mut Vec::new())))
            );
        }
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
