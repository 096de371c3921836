//! Percentage shares the way `DescribeBillSummaryByProduct` prints `RealTotalCostRatio`.
//!
//! Rounding each share on its own does not add up: the official international example rounds
//! half-up to 99.99 (its largest product, 78.5248…%, is printed 78.53). Tencent's values are
//! reproduced exactly by the largest-remainder (Hamilton) method on hundredths of a percent:
//! truncate every share to two decimals, then give the missing hundredths, one each, to the
//! shares with the largest truncated remainders. On both official examples and the sample month
//! this equals "round half-up, then put the difference on the largest share". Ties go to the
//! larger amount, then to the earlier item, so the result is deterministic.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Hundredths of a percent in a whole.
const WHOLE_IN_BASIS_POINTS: i128 = 10_000;

/// Each value's share of their sum in percent with two decimals (`"82.34"`), adding up to exactly
/// `100.00`. `None` when the sum is zero (no share is meaningful) or too large to scale.
pub fn percent_shares(values: &[Decimal]) -> Option<Vec<Decimal>> {
    let total: Decimal = values.iter().sum();
    if total.is_zero() {
        return None;
    }
    // Shares of a negative total (a refund month) keep their natural signs.
    let sign = if total.is_sign_negative() {
        Decimal::NEGATIVE_ONE
    } else {
        Decimal::ONE
    };
    let positive_total = total.abs();
    let mut basis_points = Vec::with_capacity(values.len());
    let mut remainders = Vec::with_capacity(values.len());
    for value in values {
        let scaled = (value * sign).checked_mul(Decimal::from(WHOLE_IN_BASIS_POINTS))?;
        let (quotient, remainder) = floor_division(scaled, positive_total)?;
        basis_points.push(quotient);
        remainders.push(remainder);
    }
    let assigned: i128 = basis_points.iter().sum();
    let missing = usize::try_from(WHOLE_IN_BASIS_POINTS - assigned).ok()?;
    let mut order: Vec<usize> = (0..values.len()).collect();
    crate::model::sort::sort_by(&mut order, |&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then_with(|| (values[b] * sign).cmp(&(values[a] * sign)))
            .then_with(|| a.cmp(&b))
    });
    for &index in order.iter().take(missing) {
        basis_points[index] += 1;
    }
    basis_points
        .into_iter()
        .map(|points| Decimal::try_from_i128_with_scale(points, 2).ok())
        .collect()
}

/// `dividend = quotient × divisor + remainder` with `0 ≤ remainder < divisor` (divisor > 0),
/// exact even where the decimal quotient was rounded to 28 digits.
fn floor_division(dividend: Decimal, divisor: Decimal) -> Option<(i128, Decimal)> {
    let mut quotient = dividend.checked_div(divisor)?.floor();
    let mut remainder = dividend.checked_sub(quotient.checked_mul(divisor)?)?;
    while remainder.is_sign_negative() && !remainder.is_zero() {
        quotient -= Decimal::ONE;
        remainder += divisor;
    }
    while remainder >= divisor {
        quotient += Decimal::ONE;
        remainder -= divisor;
    }
    Some((quotient.to_i128()?, remainder))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(values: &[&str]) -> Vec<String> {
        let values: Vec<Decimal> = values
            .iter()
            .map(|text| Decimal::from_str_exact(text).unwrap())
            .collect();
        percent_shares(&values)
            .unwrap()
            .iter()
            .map(Decimal::to_string)
            .collect()
    }

    #[test]
    fn gives_the_missing_hundredths_to_the_largest_remainders() {
        assert_eq!(shares(&["1", "1", "1"]), ["33.34", "33.33", "33.33"]);
        assert_eq!(shares(&["2", "1"]), ["66.67", "33.33"]);
        assert_eq!(shares(&["5"]), ["100.00"]);
        assert_eq!(shares(&["0", "5"]), ["0.00", "100.00"]);
    }

    #[test]
    fn keeps_signs_of_refunds_and_handles_a_negative_total() {
        assert_eq!(shares(&["150", "-50"]), ["150.00", "-50.00"]);
        assert_eq!(shares(&["-3", "-1"]), ["75.00", "25.00"]);
        assert_eq!(percent_shares(&[Decimal::ONE, Decimal::NEGATIVE_ONE]), None);
    }
}
