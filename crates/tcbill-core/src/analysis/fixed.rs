//! Exact decimal arithmetic on integers for the analyses' inner loops: a value is an `i128`
//! mantissa and a scale, as [`Decimal`] keeps it, and an operation answers only when
//! [`Decimal`]'s own would be exact (every mantissa below 2^96, every scale at most 28), so its
//! value is the one [`Decimal`] computes, scale included. Past that it answers `None` and the
//! caller does the [`Decimal`] arithmetic, which rounds there: the answer is never an
//! approximation, only sometimes absent.
//!
//! A row check adds, subtracts, multiplies and compares a few amounts per row; as [`Decimal`]s
//! that cost some hundreds of instructions a row, most of the checks' time on a big bill
//! (BENCHMARKS.md, *`Report::build`, round two*).

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// The bound of a [`Decimal`]'s mantissa (96 bits).
const MANTISSA_LIMIT: u128 = 1 << 96;

/// The largest scale of a [`Decimal`].
const MAX_SCALE: u32 = 28;

/// 10^0 … 10^28.
const POWERS_OF_TEN: [i128; MAX_SCALE as usize + 1] = {
    let mut powers = [1i128; MAX_SCALE as usize + 1];
    let mut at = 1;
    while at < powers.len() {
        powers[at] = powers[at - 1] * 10;
        at += 1;
    }
    powers
};

/// 10^`exponent`, for `exponent` up to 28 (a decimal's largest scale).
#[inline(always)]
pub(crate) fn power_of_ten(exponent: u32) -> i128 {
    POWERS_OF_TEN[exponent as usize]
}

/// `a × b`, without `i128`'s overflow check (a call) where both fit an `i64`.
#[inline(always)]
fn checked_mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// `mantissa / 10^scale`, with `|mantissa| < 2^96` and `scale <= 28`: any [`Decimal`]'s value
/// (the default is [`Fixed::ZERO`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fixed {
    mantissa: i128,
    scale: u32,
}

impl Fixed {
    pub(crate) const ZERO: Fixed = Fixed {
        mantissa: 0,
        scale: 0,
    };

    /// `None` past a [`Decimal`]'s range.
    #[inline]
    pub(crate) fn new(mantissa: i128, scale: u32) -> Option<Fixed> {
        (mantissa.unsigned_abs() < MANTISSA_LIMIT && scale <= MAX_SCALE)
            .then_some(Fixed { mantissa, scale })
    }

    /// A plain cell: an `i64` mantissa at a scale up to 28 always fits.
    #[inline]
    pub(crate) fn plain(mantissa: i64, scale: u32) -> Fixed {
        debug_assert!(scale <= MAX_SCALE);
        Fixed {
            mantissa: i128::from(mantissa),
            scale,
        }
    }

    /// A decimal's value (a negative zero is zero).
    #[cfg(test)]
    pub(crate) fn of(value: Decimal) -> Fixed {
        Fixed {
            mantissa: value.mantissa(),
            scale: value.scale(),
        }
    }

    pub(crate) fn to_decimal(self) -> Decimal {
        Decimal::from_i128_with_scale(self.mantissa, self.scale)
    }

    pub(crate) fn scale(self) -> u32 {
        self.scale
    }

    /// The mantissa at `scale` (not below its own), if it stays below 2^96 as [`Decimal`]
    /// needs to align two values exactly.
    #[inline]
    fn at_scale(self, scale: u32) -> Option<i128> {
        if scale == self.scale {
            return Some(self.mantissa);
        }
        let mantissa = checked_mul(self.mantissa, POWERS_OF_TEN[(scale - self.scale) as usize])?;
        (mantissa.unsigned_abs() < MANTISSA_LIMIT).then_some(mantissa)
    }

    /// `self + other` as [`Decimal`] adds: a zero gives the other operand as it is (its scale
    /// too), two others their sum at the larger scale.
    #[inline]
    pub(crate) fn checked_add(self, other: Fixed) -> Option<Fixed> {
        if self.mantissa == 0 {
            return Some(other);
        }
        if other.mantissa == 0 {
            return Some(self);
        }
        let scale = self.scale.max(other.scale);
        Fixed::new(self.at_scale(scale)? + other.at_scale(scale)?, scale)
    }

    #[inline]
    pub(crate) fn checked_sub(self, other: Fixed) -> Option<Fixed> {
        self.checked_add(Fixed {
            mantissa: -other.mantissa,
            scale: other.scale,
        })
    }

    /// `self × other` at the sum of the scales, as [`Decimal`] multiplies when that fits; a
    /// zero factor gives a zero of scale 0.
    #[inline]
    pub(crate) fn checked_mul(self, other: Fixed) -> Option<Fixed> {
        if self.mantissa == 0 || other.mantissa == 0 {
            return Some(Fixed::ZERO);
        }
        Fixed::new(
            checked_mul(self.mantissa, other.mantissa)?,
            self.scale + other.scale,
        )
    }

    /// Rounded to `decimals` places, half away from zero (`round_half_up`); a value with fewer
    /// places is left as it is, as [`Decimal::round_dp_with_strategy`] leaves it.
    #[inline]
    pub(crate) fn round_half_up(self, decimals: u32) -> Fixed {
        if self.scale <= decimals {
            return self;
        }
        let divisor = POWERS_OF_TEN[(self.scale - decimals) as usize];
        // In 64 bits where they fit: `i128` division is a call.
        let (quotient, remainder) = match (i64::try_from(self.mantissa), i64::try_from(divisor)) {
            (Ok(mantissa), Ok(divisor)) => (
                i128::from(mantissa / divisor),
                i128::from(mantissa % divisor),
            ),
            _ => (self.mantissa / divisor, self.mantissa % divisor),
        };
        let away = if remainder.unsigned_abs() * 2 >= divisor.unsigned_abs() {
            self.mantissa.signum()
        } else {
            0
        };
        Fixed {
            mantissa: quotient + away,
            scale: decimals,
        }
    }

    /// The values compared, whatever their scales (`1.50` equals `1.5`).
    #[inline]
    pub(crate) fn cmp_value(self, other: Fixed) -> Ordering {
        let scale = self.scale.max(other.scale);
        let widen = |value: Fixed| {
            checked_mul(
                value.mantissa,
                POWERS_OF_TEN[(scale - value.scale) as usize],
            )
        };
        match (widen(self), widen(other)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Past i128 one side is above 2^127 in magnitude, the other below 2^96.
            (None, _) => self.mantissa.signum().cmp(&0),
            (_, None) => 0.cmp(&other.mantissa.signum()),
        }
    }

    #[inline]
    pub(crate) fn eq_value(self, other: Fixed) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

/// The sum of a column's cells at one scale, as adding them as [`Decimal`]s one after the other
/// from [`Decimal::ZERO`] makes it (an absent cell adding `Decimal::ZERO`), to the last digit and
/// the scale of a zero: the sum of fewer than 2^32 `i64` mantissas stays below 2^96, so each
/// addition is exact, and only a zero's scale depends on the order. [`Decimal`]'s addition gives
/// a zero operand's other operand as it is, and two others that cancel a positive zero at their
/// scale; a sum that is not zero always has the column's scale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DecimalSum {
    sum: i128,
    /// The scale of a zero `sum`.
    zero_scale: u8,
}

impl DecimalSum {
    /// Adds a cell: `mantissa / 10^scale`, or `None` for an absent one.
    #[inline(always)]
    pub(crate) fn add(&mut self, cell: Option<i64>, scale: u32) {
        let mantissa = i128::from(cell.unwrap_or(0));
        if self.sum == 0 {
            // Zero plus x is x as it is.
            self.sum = mantissa;
            if mantissa == 0 {
                self.zero_scale = if cell.is_some() { scale as u8 } else { 0 };
            }
        } else if mantissa != 0 {
            self.sum += mantissa;
            if self.sum == 0 {
                self.zero_scale = scale as u8;
            }
        }
    }

    /// The sum of cells at `scale`.
    pub(crate) fn to_decimal(self, scale: u32) -> Decimal {
        match self.sum {
            0 => Decimal::from_i128_with_scale(0, u32::from(self.zero_scale)),
            sum => Decimal::from_i128_with_scale(sum, scale),
        }
    }
}

/// A sum as adding [`Decimal`]s one after the other from zero makes it: in integers
/// ([`Fixed`]) while the additions are exact, in [`Decimal`]s from the first that is not (which
/// [`Decimal`] rounds), so it is [`Decimal`]'s sum to the last digit whatever the cells.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DecimalAdder {
    Fixed(Fixed),
    Decimal(Decimal),
}

impl Default for DecimalAdder {
    fn default() -> Self {
        DecimalAdder::Fixed(Fixed::ZERO)
    }
}

impl DecimalAdder {
    /// Adds a cell read as its mantissa and scale (`DecimalColumn::parts`: not a negative
    /// zero, which only a column of 16-byte decimals holds; those add by `add_decimal`).
    #[inline]
    pub(crate) fn add(&mut self, (mantissa, scale): (i128, u32)) {
        match self {
            DecimalAdder::Fixed(sum) => {
                match Fixed::new(mantissa, scale).and_then(|cell| sum.checked_add(cell)) {
                    Some(added) => *sum = added,
                    None => {
                        *self = DecimalAdder::Decimal(sum.to_decimal());
                        self.add_decimal(Decimal::from_i128_with_scale(mantissa, scale));
                    }
                }
            }
            DecimalAdder::Decimal(sum) => *sum += Decimal::from_i128_with_scale(mantissa, scale),
        }
    }

    /// Adds a decimal as it is.
    pub(crate) fn add_decimal(&mut self, value: Decimal) {
        let sum = self.total();
        *self = DecimalAdder::Decimal(sum + value);
    }

    pub(crate) fn total(self) -> Decimal {
        match self {
            DecimalAdder::Fixed(sum) => sum.to_decimal(),
            DecimalAdder::Decimal(sum) => sum,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;

    fn same(fixed: Option<Fixed>, decimal: Option<Decimal>) {
        if let Some(fixed) = fixed {
            let decimal = decimal.expect("Decimal computes what Fixed does");
            let value = fixed.to_decimal();
            assert_eq!(
                (value.mantissa(), value.scale()),
                (decimal.mantissa(), decimal.scale()),
                "{value} against {decimal}"
            );
            // A zero's sign is no value: `Fixed` has none.
            if !decimal.is_zero() {
                assert_eq!(value.is_sign_negative(), decimal.is_sign_negative());
            }
        }
    }

    /// Mantissas of every size a column holds, and some near a decimal's limits.
    fn mantissa() -> impl Strategy<Value = i128> {
        prop_oneof![
            -1000i128..1000,
            any::<i32>().prop_map(i128::from),
            any::<i64>().prop_map(i128::from),
            (-(1i128 << 95)..(1i128 << 95)),
            Just((1i128 << 96) - 1),
            Just(-((1i128 << 96) - 1)),
        ]
    }

    fn fixed() -> impl Strategy<Value = Fixed> {
        (mantissa(), 0u32..=28).prop_map(|(mantissa, scale)| Fixed::new(mantissa, scale).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn arithmetic_is_decimals_wherever_it_answers(a in fixed(), b in fixed()) {
            let (x, y) = (a.to_decimal(), b.to_decimal());
            prop_assert_eq!(Fixed::of(x), a);
            same(a.checked_add(b), x.checked_add(y));
            same(a.checked_sub(b), x.checked_sub(y));
            same(a.checked_mul(b), x.checked_mul(y));
            prop_assert_eq!(a.cmp_value(b), x.cmp(&y));
            prop_assert_eq!(a.eq_value(b), x == y);
            for decimals in [0, 2, 8, a.scale(), b.scale()] {
                let rounded = x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
                same(Some(a.round_half_up(decimals)), Some(rounded));
            }
        }

        #[test]
        fn small_amounts_always_answer(
            a in any::<i64>(), b in any::<i64>(), sa in 0u32..=8, sb in 0u32..=8,
        ) {
            let (a, b) = (Fixed::plain(a, sa), Fixed::plain(b, sb));
            prop_assert!(a.checked_add(b).is_some());
            prop_assert!(a.checked_sub(b).is_some());
            prop_assert!(a.checked_mul(b).is_some() || sa + sb > 28 || a.mantissa.checked_mul(b.mantissa).is_none_or(|m| m.unsigned_abs() >= MANTISSA_LIMIT));
            let (x, y) = (a.to_decimal(), b.to_decimal());
            same(a.checked_add(b), x.checked_add(y));
            same(a.checked_sub(b), x.checked_sub(y));
        }
    }

    /// Cells of one column: often zero, absent or cancelling, where a zero's scale and sign
    /// depend on the order of the additions.
    fn cells() -> impl Strategy<Value = Vec<Option<i64>>> {
        let cell = prop_oneof![
            Just(None),
            Just(Some(0)),
            (-3i64..=3).prop_map(Some),
            any::<i64>().prop_map(Some),
        ];
        prop::collection::vec(cell, 0..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn a_decimal_sum_is_the_decimal_additions(cells in cells(), scale in 0u8..=12) {
            let mut sum = DecimalSum::default();
            let mut decimal = Decimal::ZERO;
            for &cell in &cells {
                sum.add(cell, u32::from(scale));
                let value = cell.map(|m| Decimal::new(m, u32::from(scale)));
                decimal = decimal.checked_add(value.unwrap_or_default()).unwrap();
            }
            let total = sum.to_decimal(u32::from(scale));
            prop_assert_eq!(
                (total.mantissa(), total.scale(), total.is_sign_negative(), total.to_string()),
                (decimal.mantissa(), decimal.scale(), decimal.is_sign_negative(), decimal.to_string())
            );
        }
    }

    /// Cells of a column whose scales vary from row to row (`0` beside `0.02750000`).
    fn mixed_cells() -> impl Strategy<Value = Vec<Option<(i64, u32)>>> {
        let cell = prop_oneof![
            Just(None),
            (0u32..=8).prop_map(|scale| Some((0, scale))),
            ((-3i64..=3), (0u32..=8)).prop_map(Some),
            (any::<i64>(), (0u32..=12)).prop_map(Some),
        ];
        prop::collection::vec(cell, 0..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// What the summaries add: a group's cells one after the other from zero, an absent
        /// cell adding `Decimal::ZERO`, as `Fixed`s and as `Decimal`s.
        #[test]
        fn a_fixed_sum_is_the_decimal_additions(cells in mixed_cells()) {
            let mut sum = Some(Fixed::ZERO);
            let mut decimal = Decimal::ZERO;
            for &cell in &cells {
                let (mantissa, scale) = cell.unwrap_or((0, 0));
                sum = sum.and_then(|sum| sum.checked_add(Fixed::plain(mantissa, scale)));
                decimal = decimal.checked_add(Decimal::new(mantissa, scale)).unwrap();
            }
            if let Some(sum) = sum {
                let total = sum.to_decimal();
                prop_assert_eq!(
                    (total.mantissa(), total.scale(), total.is_sign_negative(), total.to_string()),
                    (decimal.mantissa(), decimal.scale(), decimal.is_sign_negative(), decimal.to_string())
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Past 96 bits the adder goes on in decimals, which round as they did.
        #[test]
        fn an_adder_is_the_decimal_additions(
            cells in prop::collection::vec((mantissa(), 0u32..=28), 0..10),
        ) {
            let mut adder = DecimalAdder::default();
            let mut decimal = Decimal::ZERO;
            for &(mantissa, scale) in &cells {
                // A sum past a decimal's range panics in `Decimal` as in the adder: not added.
                let Some(sum) = decimal.checked_add(Decimal::from_i128_with_scale(mantissa, scale)) else {
                    break;
                };
                adder.add((mantissa, scale));
                decimal = sum;
            }
            let total = adder.total();
            prop_assert_eq!((total.mantissa(), total.scale()), (decimal.mantissa(), decimal.scale()));
        }
    }

    #[test]
    fn a_decimal_sum_keeps_the_zero_decimal_would() {
        let total = |cells: &[Option<i64>]| {
            let mut sum = DecimalSum::default();
            for &cell in cells {
                sum.add(cell, 2);
            }
            sum.to_decimal(2).to_string()
        };
        assert_eq!(total(&[]), "0");
        assert_eq!(total(&[None, None]), "0");
        assert_eq!(total(&[Some(0)]), "0.00");
        assert_eq!(total(&[Some(0), None]), "0");
        assert_eq!(total(&[None, Some(0)]), "0.00");
        assert_eq!(total(&[Some(150), Some(-150)]), "0.00");
        assert_eq!(total(&[Some(-150), Some(150)]), "0.00");
        assert_eq!(total(&[Some(150), Some(-150), None]), "0");
        assert_eq!(total(&[Some(150), Some(-150), Some(7)]), "0.07");
        assert_eq!(total(&[Some(150), None, Some(-7)]), "1.43");
    }

    #[test]
    fn a_sum_to_zero_is_a_positive_zero_at_the_larger_scale() {
        let (a, b) = (Fixed::plain(150, 2), Fixed::plain(-15, 1));
        let sum = a.checked_add(b).unwrap();
        same(Some(sum), Some(a.to_decimal() + b.to_decimal()));
        assert_eq!(sum.to_decimal().to_string(), "0.00");
        assert!(sum.eq_value(Fixed::ZERO));
        // A zero operand gives the other as it is, as `Decimal`'s addition does.
        let zero = Fixed::plain(0, 3);
        assert_eq!(
            zero.checked_add(Fixed::plain(15, 1)),
            Some(Fixed::plain(15, 1))
        );
        assert_eq!(Fixed::plain(0, 1).checked_add(zero), Some(zero));
        assert_eq!(
            zero.checked_sub(Fixed::plain(15, 1)),
            Some(Fixed::plain(-15, 1))
        );
        assert_eq!(zero.checked_mul(Fixed::plain(15, 1)), Some(Fixed::ZERO));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let round = |mantissa, scale, decimals| {
            Fixed::plain(mantissa, scale)
                .round_half_up(decimals)
                .to_decimal()
                .to_string()
        };
        assert_eq!(round(12345, 3, 2), "12.35");
        assert_eq!(round(-12345, 3, 2), "-12.35");
        assert_eq!(round(12344, 3, 2), "12.34");
        assert_eq!(round(5, 1, 0), "1");
        assert_eq!(round(-4, 1, 0), "0");
        assert_eq!(round(12, 1, 3), "1.2");
    }

    #[test]
    fn past_a_decimal_it_declines() {
        let big = Fixed::new((1 << 96) - 1, 0).unwrap();
        assert_eq!(big.checked_add(Fixed::plain(1, 0)), None);
        assert_eq!(big.checked_mul(Fixed::plain(2, 0)), None);
        assert_eq!(Fixed::plain(1, 20).checked_mul(Fixed::plain(1, 9)), None);
        assert_eq!(Fixed::new(1 << 96, 0), None);
        // Aligning 1 to 28 places and 2^95 to them overflows: not compared as equal.
        let huge = Fixed::new(1 << 95, 0).unwrap();
        assert_eq!(huge.cmp_value(Fixed::plain(1, 28)), Ordering::Greater);
        assert_eq!(Fixed::plain(1, 28).cmp_value(huge), Ordering::Less);
    }
}
