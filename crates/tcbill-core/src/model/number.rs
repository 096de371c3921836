//! Exact numbers as billing exports print them.
//!
//! Money and usage must add up to the cent, so every number becomes a [`Decimal`], never a float.
//! The console glues units to quantities and groups thousands (`20,000.000000000分钟`), and bills
//! write `-` for "not applicable", so parsing splits a unit off and keeps "absent" apart from zero.
//!
//! A number is accepted only below [`MAX_MAGNITUDE`] (far above any bill's amount or usage): then a
//! column of up to ten billion rows sums without overflow, so the analyses' sums need no checks, and
//! a hostile `5e28` is one rejected cell instead of a panic halfway through a report. Products and
//! quotients of accepted values still can overflow: those are computed with `checked_*`.
//!
//! No overflow is not yet exactness: a [`Decimal`] holds 28 significant digits, and a sum that
//! needs more (`9999999.999999999999999999999` twice) is rounded by `+` without a word. Bills
//! never come near it (a million amounts of eight decimals need 24), so sums stay plain `+`, and
//! a [`SumBound`] per column proves, once per file, that none of them can be rounded; where it
//! cannot, the report says which column's totals may be (`Dataset::rounding_risks`).

use rust_decimal::Decimal;

/// A parsed number and the unit text that followed it (empty when there was none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity<'a> {
    pub value: Decimal,
    pub unit: &'a str,
}

/// Numbers are accepted strictly below 10^16 in magnitude (ten quadrillion: a bill in 分 of a
/// trillion yuan, or ten petabytes in bytes, still fits). With at most 28 significant digits in a
/// [`Decimal`], 10^10 such values add up without overflow.
pub const MAX_MAGNITUDE: Decimal = Decimal::from_parts(0x6FC1_0000, 0x0023_86F2, 0, false, 0);

/// How far a sum of some values can reach: their largest scale, and the sum of their magnitudes
/// as integers at that scale (saturating). Any sum or difference of any of the values, added in
/// any order, has a mantissa no larger at that scale, so while [`SumBound::fits_a_decimal`] every
/// such `+` and `-` is exact: a [`Decimal`] rounds only a result whose mantissa needs more than
/// 96 bits at the larger scale of its operands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SumBound {
    scale: u32,
    magnitude: u128,
}

impl SumBound {
    /// The bound of one value.
    pub fn of(value: Decimal) -> SumBound {
        SumBound {
            scale: value.scale(),
            magnitude: value.mantissa().unsigned_abs(),
        }
    }

    /// The bound of `sum_of_magnitudes` (of mantissas) at `scale`.
    pub fn at_scale(scale: u32, sum_of_magnitudes: u128) -> SumBound {
        SumBound {
            scale,
            magnitude: sum_of_magnitudes,
        }
    }

    /// The bound of these values and `other`'s together. Zeros add nothing, whatever their scale
    /// (a sum that meets one keeps its value, if not its printed scale).
    #[must_use]
    pub fn and(self, other: SumBound) -> SumBound {
        if other.magnitude == 0 {
            return self;
        }
        if self.magnitude == 0 {
            return other;
        }
        let scale = self.scale.max(other.scale);
        SumBound {
            scale,
            magnitude: self.rescaled(scale).saturating_add(other.rescaled(scale)),
        }
    }

    /// Whether every sum of the values is exact as a [`Decimal`] (its mantissa below 2^96).
    pub fn fits_a_decimal(self) -> bool {
        self.magnitude >> 96 == 0
    }

    fn rescaled(self, scale: u32) -> u128 {
        10u128
            .checked_pow(scale - self.scale)
            .and_then(|factor| self.magnitude.checked_mul(factor))
            .unwrap_or(u128::MAX)
    }
}

/// Why a cell is not an exact number; the message names the text as the user sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all (`12.3.4`, `abc`).
    NotANumber(String),
    /// A number, but at or beyond [`MAX_MAGNITUDE`] (`5e28`).
    TooLarge(String),
    /// More significant digits than an exact decimal holds (28).
    TooPrecise(String),
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberError::NotANumber(text) => write!(f, "\"{text}\" is not a number"),
            NumberError::TooLarge(text) => write!(
                f,
                "\"{text}\" is too large to compute with exactly (tcbill accepts numbers below 10^16)"
            ),
            NumberError::TooPrecise(text) => write!(
                f,
                "\"{text}\" has more digits than tcbill can keep exactly (28 significant digits)"
            ),
        }
    }
}

/// Whether a cell means "no value": empty, or the `-` placeholder bills and APIs use.
pub fn is_absent(text: &str) -> bool {
    is_absent_trimmed(trim_cell(text))
}

/// [`is_absent`] of a cell already trimmed ([`trim_cell`]): the per-cell paths trim once.
#[inline(always)]
pub(crate) fn is_absent_trimmed(trimmed: &str) -> bool {
    matches!(trimmed, "" | "-" | "--" | "—")
}

/// `text.trim()`, returning at once when the ends are not white space, as in almost every cell:
/// `str::trim` scans for Unicode white space, and cells are trimmed on several paths.
#[inline(always)]
pub(crate) fn trim_cell(text: &str) -> &str {
    // Most cells start and end with printable ASCII (numbers, codes, IDs, times) or a Chinese
    // character, three bytes long: a lead byte 0xE0–0xEF three from the end starts the last one.
    let bytes = text.as_bytes();
    let solid_end = match bytes {
        [.., last] if last.is_ascii() => solid_lead_byte(Some(last)),
        [.., lead @ 0xE0..=0xEF, _, _] => solid_lead_byte(Some(lead)),
        _ => false,
    };
    if solid_end && solid_lead_byte(bytes.first()) {
        return text;
    }
    trim_cell_by_lead_bytes(text)
}

/// [`trim_cell`] of a cell that does not start and end with printable ASCII.
fn trim_cell_by_lead_bytes(text: &str) -> &str {
    let bytes = text.as_bytes();
    let last_char_start = bytes
        .iter()
        .rposition(|&b| !is_utf8_continuation(b))
        .and_then(|start| bytes.get(start));
    if solid_lead_byte(bytes.first()) && solid_lead_byte(last_char_start) {
        return text;
    }
    let solid = |end: Option<char>| end.is_some_and(|c| !c.is_whitespace());
    if solid(text.chars().next()) && solid(text.chars().next_back()) {
        text
    } else {
        text.trim()
    }
}

fn is_utf8_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// Whether a character starting with `byte` is surely not white space, from that byte alone:
/// printable ASCII, or a lead byte no Unicode white space starts with (those are U+0085, U+00A0,
/// U+1680, U+2000–U+205F and U+3000: lead bytes 0xC2, 0xE1, 0xE2 and 0xE3). Chinese text
/// (0xE4–0xE9) is answered here without decoding a character.
#[inline(always)]
fn solid_lead_byte(byte: Option<&u8>) -> bool {
    byte.is_some_and(|&b| (b > b' ' && b < 0x7f) || (b >= 0xC3 && !matches!(b, 0xE1..=0xE3)))
}

/// Parses a plain number (`-80.43264806`, `1,458.00`, `1e-5`); `Ok(None)` when absent.
///
/// # Errors
/// Anything else, including a number followed by a unit.
pub fn parse_decimal(text: &str) -> Result<Option<Decimal>, NumberError> {
    match parse_quantity(text)? {
        Some(quantity) if quantity.unit.is_empty() => Ok(Some(quantity.value)),
        Some(_) => Err(NumberError::NotANumber(text.trim().to_owned())),
        None => Ok(None),
    }
}

/// Parses a number with an optional unit glued on (`20,000.000000000分钟`, `100 GB`);
/// `Ok(None)` when absent.
///
/// # Errors
/// Text without a leading number, badly grouped thousands, or a "unit" that starts like a number
/// (`12.3.4`); a number at or beyond [`MAX_MAGNITUDE`], or with more than 28 significant digits.
pub fn parse_quantity(text: &str) -> Result<Option<Quantity<'_>>, NumberError> {
    Ok(
        parse_trimmed(trim_cell(text))?.map(|(number, unit)| Quantity {
            value: number.value(),
            unit,
        }),
    )
}

/// An exact number as read: a plain decimal's mantissa and printed scale (what nearly every cell
/// holds, kept apart so the table stores it without building a [`Decimal`]), or any other value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exact {
    /// `mantissa / 10^scale`; never a negative zero (a mantissa cannot spell one).
    Plain {
        mantissa: i64,
        scale: u8,
    },
    Decimal(Decimal),
}

impl Exact {
    pub(crate) fn value(self) -> Decimal {
        match self {
            Exact::Plain { mantissa, scale } => Decimal::new(mantissa, u32::from(scale)),
            Exact::Decimal(value) => value,
        }
    }
}

/// [`parse_quantity`] of a cell already trimmed ([`trim_cell`]), the number as [`Exact`].
#[inline(always)]
pub(crate) fn parse_trimmed(trimmed: &str) -> Result<Option<(Exact, &str)>, NumberError> {
    // Nearly every number is plain (and no absent cell is): read in place, without a call.
    match plain_decimal(trimmed) {
        Some((mantissa, scale)) => Ok(Some((Exact::Plain { mantissa, scale }, ""))),
        None => parse_other(trimmed),
    }
}

/// [`parse_trimmed`] of a cell that is no plain decimal.
fn parse_other(trimmed: &str) -> Result<Option<(Exact, &str)>, NumberError> {
    if is_absent_trimmed(trimmed) {
        return Ok(None);
    }
    let not_a_number = || NumberError::NotANumber(trimmed.to_owned());
    let number_len = numeric_prefix_len(trimmed).ok_or_else(not_a_number)?;
    let (number, rest) = trimmed.split_at(number_len);
    let unit = rest.trim_start();
    if unit.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(not_a_number());
    }
    let number = number.strip_prefix('+').unwrap_or(number);
    // Most cells have no thousands separator: parse them in place rather than copy each one.
    let ungrouped;
    let digits = if number.contains(',') {
        ungrouped = number.replace(',', "");
        ungrouped.as_str()
    } else {
        number
    };
    let value = if digits.contains(['e', 'E']) {
        scientific_exact(digits)
    } else {
        Decimal::from_str_exact(digits).map_err(|error| match error {
            rust_decimal::Error::Underflow => NumberError::TooPrecise(trimmed.to_owned()),
            _ => NumberError::TooLarge(trimmed.to_owned()),
        })
    }?;
    if value.abs() >= MAX_MAGNITUDE {
        return Err(NumberError::TooLarge(trimmed.to_owned()));
    }
    Ok(Some((Exact::Decimal(value), unit)))
}

/// The value of a plain ASCII decimal (`1234`, `-0.06400000`: an optional `-`, digits, and an
/// optional `.` with digits after it; at most 18 digits, so the mantissa fits an `i64`) below
/// [`MAX_MAGNITUDE`], at its printed scale, exactly as [`Decimal::from_str_exact`] reads it;
/// `None` for anything else (grouped, `+`, scientific, a unit, a negative zero, too large), which
/// the general path reads. Nearly every amount, price, rate and usage cell of a bill is such a
/// number, most with eight decimals: the digits are read eight at a time ([`digits_value`]).
#[inline(always)]
fn plain_decimal(text: &str) -> Option<(i64, u8)> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    // At most 18 digits and a point.
    if digits.len() > 19 {
        return None;
    }
    let (integer, fraction) = match digits.iter().position(|&byte| byte == b'.') {
        // A point needs digits after it (`1.` is no number), and before it (`.5`).
        Some(0) => return None,
        Some(point) if point + 1 == digits.len() => return None,
        Some(point) => (&digits[..point], &digits[point + 1..]),
        None => (digits, &[][..]),
    };
    let scale = fraction.len();
    if integer.is_empty() || integer.len() + scale > 18 {
        return None;
    }
    // At most 18 digits in all: no step overflows. A second point is no digit.
    const POWERS_OF_TEN: [u64; 19] = {
        let mut powers = [1; 19];
        let mut at = 1;
        while at < 19 {
            powers[at] = powers[at - 1] * 10;
            at += 1;
        }
        powers
    };
    let mantissa = digits_value(integer)? * POWERS_OF_TEN[scale] + digits_value(fraction)?;
    // `-0` is a negative zero.
    if negative && mantissa == 0 {
        return None;
    }
    // Below 10^16 whatever the digits once two are decimals (there are at most 18 digits): the
    // bound is checked on the mantissa, not by comparing decimals.
    const BOUNDS: [u64; 2] = [10_u64.pow(16), 10_u64.pow(17)];
    if scale < 2 && mantissa >= BOUNDS[scale] {
        return None;
    }
    // Below 10^18 and at most 18: the conversions cannot fail.
    let (mantissa, scale) = (i64::try_from(mantissa).ok()?, u8::try_from(scale).ok()?);
    Some((if negative { -mantissa } else { mantissa }, scale))
}

/// The value of at most 19 ASCII digits, eight at a time; `None` if a byte is no digit.
#[inline(always)]
fn digits_value(digits: &[u8]) -> Option<u64> {
    let mut value = 0_u64;
    let mut rest = digits;
    while let Some((eight, tail)) = rest.split_first_chunk::<8>() {
        value = value * 100_000_000 + eight_digits(u64::from_le_bytes(*eight))?;
        rest = tail;
    }
    for &byte in rest {
        let digit = byte.wrapping_sub(b'0');
        if digit >= 10 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    Some(value)
}

/// The value of eight ASCII digits in one word (SWAR), the first digit in its lowest byte (a
/// little-endian load); `None` if a byte is no digit. A digit byte is 0x30–0x39: its high nibble
/// is 3, and still is with 6 added. Then neighbouring digits are combined in place: pairs
/// (10 × a + b) in each 16-bit lane, fours in each 32-bit lane, and the eight.
#[inline(always)]
fn eight_digits(word: u64) -> Option<u64> {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let nibbles =
        (word & HIGH_NIBBLES) | ((word.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES) >> 4);
    if nibbles != 0x3333_3333_3333_3333 {
        return None;
    }
    let digits = word & 0x0F0F_0F0F_0F0F_0F0F;
    let pairs = (digits.wrapping_mul(10 << 8 | 1) >> 8) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_FFFF_0000_FFFF;
    Some(fours.wrapping_mul(10_000 << 32 | 1) >> 32)
}

/// `1.5e-3` exactly; an exponent beyond what a decimal holds is too large or too precise.
fn scientific_exact(digits: &str) -> Result<Decimal, NumberError> {
    Decimal::from_scientific(digits).map_err(|_| {
        if digits.contains("e-") || digits.contains("E-") {
            NumberError::TooPrecise(digits.to_owned())
        } else {
            NumberError::TooLarge(digits.to_owned())
        }
    })
}

/// Length of the leading `[-+]?d{1,3}(,ddd)*|d+ (.d+)? (e[-+]?d+)?`, or `None` when the text does
/// not start with a well-formed number.
fn numeric_prefix_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let integer_start = pos;
    let mut group_len = 0;
    let mut saw_comma = false;
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'0'..=b'9' => group_len += 1,
            b',' if bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) => {
                let first_group_ok = saw_comma || (1..=3).contains(&group_len);
                if !first_group_ok || (saw_comma && group_len != 3) {
                    return None;
                }
                saw_comma = true;
                group_len = 0;
            }
            _ => break,
        }
        pos += 1;
    }
    if pos == integer_start || (saw_comma && group_len != 3) {
        return None;
    }
    if bytes.get(pos) == Some(&b'.') && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) {
        pos += 1;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        let sign_len = usize::from(matches!(bytes.get(pos + 1), Some(b'-' | b'+')));
        if bytes
            .get(pos + 1 + sign_len)
            .is_some_and(u8::is_ascii_digit)
        {
            pos += 1 + sign_len;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
        }
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_sum_past_28_digits_is_rounded_and_its_bound_says_so() {
        // What `+` does when the exact sum's mantissa needs more than 96 bits: rounds, silently.
        let (large, tiny) = (dec("9000000000000000"), dec("0.0000000000001"));
        assert_eq!((large + tiny).to_string(), "9000000000000000.000000000000");
        assert!(!SumBound::of(large).and(SumBound::of(tiny)).fits_a_decimal());
        // 29 digits still fit while the mantissa is below 2^96 (about 7.9 * 10^28).
        let big = dec("9999999.999999999999999999999");
        assert_eq!((big + big).to_string(), "19999999.999999999999999999998");
        assert!(SumBound::of(big).and(SumBound::of(big)).fits_a_decimal());
        // A bill's amounts: a million of 99,999,999.99999999 still fit.
        let amount = SumBound::of(dec("99999999.99999999"));
        let million = SumBound::at_scale(8, 1_000_000 * 9_999_999_999_999_999);
        assert!(amount.and(million).fits_a_decimal());
        // Scales meet at the larger one: 10^15 and 10^-13 are 10^28 + 1 at scale 13, which fits.
        let apart = SumBound::of(dec("1000000000000000")).and(SumBound::of(tiny));
        assert!(apart.fits_a_decimal());
        assert_eq!(
            (dec("1000000000000000") + tiny).to_string(),
            "1000000000000000.0000000000001"
        );
        // A zero adds nothing, whatever its scale: the sum keeps its value.
        let zero = dec("0.0000000000000000000000000000");
        assert!(SumBound::of(zero).and(SumBound::of(large)).fits_a_decimal());
        assert_eq!(zero + large, large);
    }

    proptest! {
        /// Where the bound fits, `+` is the exact sum: the mantissas added as integers at the
        /// larger scale (scales at most 18 apart, so the exact sum fits an `i128`).
        #[test]
        fn where_the_bound_fits_addition_is_exact(
            a in any::<i64>(), a_scale in 0u32..=28,
            b in any::<i64>(), apart in 0u32..=18,
        ) {
            let b_scale = (a_scale + apart).min(28);
            let (x, y) = (Decimal::new(a, a_scale), Decimal::new(b, b_scale));
            let bound = SumBound::of(x).and(SumBound::of(y));
            let scale = a_scale.max(b_scale);
            let exact = i128::from(a) * 10i128.pow(scale - a_scale)
                + i128::from(b) * 10i128.pow(scale - b_scale);
            if bound.fits_a_decimal() {
                // The value, at the larger scale (a zero of a larger scale may lower the sum's).
                let sum = x + y;
                let at_scale = 10i128
                    .checked_pow(scale - sum.scale())
                    .and_then(|factor| sum.mantissa().checked_mul(factor));
                prop_assert_eq!(at_scale, Some(exact));
            }
        }
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn parses_plain_grouped_signed_and_scientific_numbers() {
        let cases = [
            ("-80.43264806", "-80.43264806"),
            ("1,458.00000000", "1458.00000000"),
            (" 0.00104875 ", "0.00104875"),
            ("+3", "3"),
            ("2206972795", "2206972795"),
            ("1.5e-3", "0.0015"),
            ("0.000000000000000001", "0.000000000000000001"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_decimal(text), Ok(Some(dec(expected))), "{text}");
        }
    }

    #[test]
    fn the_plain_path_reads_what_the_general_one_reads() {
        for text in [
            "0",
            "-0.06400000",
            "1.50000000",
            "007",
            "123456789012345678",
            "9999999999999999.99",
            "-9999999999999999",
            "0.000000000000000001",
            "10000000000000000",
            "1234567890123456789",
        ] {
            let general = Decimal::from_str_exact(text).unwrap();
            match plain_decimal(text).map(|(m, s)| Decimal::new(m, s.into())) {
                Some(plain) => {
                    assert_eq!(plain, general, "{text}");
                    assert_eq!(
                        (plain.mantissa(), plain.scale()),
                        (general.mantissa(), general.scale()),
                        "{text}"
                    );
                }
                None => assert!(
                    text.bytes().filter(u8::is_ascii_digit).count() > 18
                        || general.abs() >= MAX_MAGNITUDE,
                    "{text}"
                ),
            }
            assert_eq!(
                parse_decimal(text).ok().flatten().map(|v| v.to_string()),
                general
                    .abs()
                    .lt(&MAX_MAGNITUDE)
                    .then(|| general.to_string()),
                "{text}"
            );
        }
        for text in [
            "-0", "-0.00", "1.", ".5", "+1", "1,000", "1e3", "1-2", "--1", "1.2.3", "", "-",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
        // `-0.00` goes the general way, whatever sign and scale it gives a zero.
        let general = Decimal::from_str_exact("-0.00").unwrap();
        let read = parse_decimal("-0.00").unwrap().unwrap();
        assert_eq!(
            (read.is_sign_negative(), read.scale(), read.mantissa()),
            (
                general.is_sign_negative(),
                general.scale(),
                general.mantissa()
            )
        );
    }

    /// The reading [`plain_decimal`] had before it read eight digits at a time, a byte at a
    /// time: the reference it must agree with.
    fn plain_decimal_by_bytes(text: &str) -> Option<(i64, u8)> {
        let bytes = text.as_bytes();
        let (negative, digits) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        if digits.len() > 19 {
            return None;
        }
        let (mut mantissa, mut point) = (0_u64, None);
        for (at, &byte) in digits.iter().enumerate() {
            let digit = byte.wrapping_sub(b'0');
            if digit < 10 {
                mantissa = mantissa * 10 + u64::from(digit);
            } else if byte == b'.' && point.is_none() && at > 0 {
                point = Some(at);
            } else {
                return None;
            }
        }
        let scale = point.map_or(0, |at| digits.len() - at - 1);
        let count = digits.len() - usize::from(point.is_some());
        if count == 0
            || count > 18
            || (point.is_some() && scale == 0)
            || (negative && mantissa == 0)
        {
            return None;
        }
        const BOUNDS: [u64; 2] = [10_u64.pow(16), 10_u64.pow(17)];
        if scale < 2 && mantissa >= BOUNDS[scale] {
            return None;
        }
        Some((
            if negative {
                -(mantissa as i64)
            } else {
                mantissa as i64
            },
            scale as u8,
        ))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn eight_digits_at_a_time_read_what_one_at_a_time_read(
            text in "-?[0-9./:-]{0,21}|-?[0-9]{0,12}\\.?[0-9]{0,12}|[\\x00-\\xff]{0,20}"
        ) {
            proptest::prop_assert_eq!(plain_decimal(&text), plain_decimal_by_bytes(&text), "{:?}", text);
        }
    }

    #[test]
    fn reads_eight_digit_words_and_refuses_any_other_byte() {
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"12345678")),
            Some(12_345_678)
        );
        assert_eq!(eight_digits(u64::from_le_bytes(*b"00000000")), Some(0));
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"99999999")),
            Some(99_999_999)
        );
        // Every byte that is no digit, in every position.
        for position in 0..8 {
            for byte in (0..=255_u8).filter(|byte| !byte.is_ascii_digit()) {
                let mut word = *b"55555555";
                word[position] = byte;
                assert_eq!(eight_digits(u64::from_le_bytes(word)), None, "{word:?}");
            }
        }
    }

    #[test]
    fn trimming_a_cell_is_str_trim() {
        // Every character at the start and at the end of a cell.
        let mut text = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for (before, after) in [("", "a"), ("中", ""), ("", "")] {
                text.clear();
                text.push_str(before);
                text.push(c);
                text.push_str(after);
                assert_eq!(trim_cell(&text), text.trim(), "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn absent_is_not_zero() {
        for text in ["", "  ", "-", "--"] {
            assert_eq!(parse_decimal(text), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn splits_glued_units() {
        let quantity = parse_quantity("20,000.000000000分钟").unwrap().unwrap();
        assert_eq!(quantity.value, dec("20000.000000000"));
        assert_eq!(quantity.unit, "分钟");
        let quantity = parse_quantity("100 GB").unwrap().unwrap();
        assert_eq!((quantity.value, quantity.unit), (dec("100"), "GB"));
    }

    #[test]
    fn rejects_malformed_numbers_with_the_users_text() {
        for text in ["12.3.4", "abc", "1,23", "12,3456", ".5", "1..2", "1,000,00"] {
            let error = parse_quantity(text).unwrap_err();
            assert_eq!(error.to_string(), format!("\"{text}\" is not a number"));
        }
        assert_eq!(
            parse_decimal("20分钟").unwrap_err().to_string(),
            "\"20分钟\" is not a number"
        );
    }

    #[test]
    fn the_bound_is_ten_to_the_sixteenth() {
        assert_eq!(MAX_MAGNITUDE, dec("10000000000000000"));
        assert_eq!(
            parse_decimal("9999999999999999.99"),
            Ok(Some(dec("9999999999999999.99")))
        );
        assert_eq!(
            parse_decimal("-9,999,999,999,999,999"),
            Ok(Some(dec("-9999999999999999")))
        );
    }

    #[test]
    fn rejects_numbers_no_exact_sum_can_hold() {
        let too_large = "is too large to compute with exactly (tcbill accepts numbers below 10^16)";
        for text in [
            "5e28",
            "1e16",
            "-10000000000000000",
            "1e29",
            "1e999999999",
            "123456789012345678901234567890",
        ] {
            let error = parse_decimal(text).unwrap_err();
            assert_eq!(error.to_string(), format!("\"{text}\" {too_large}"));
        }
        let too_precise = "has more digits than tcbill can keep exactly (28 significant digits)";
        for text in ["0.12345678901234567890123456789", "1e-29", "1e-999999999"] {
            let error = parse_decimal(text).unwrap_err();
            assert_eq!(error.to_string(), format!("\"{text}\" {too_precise}"));
        }
        assert_eq!(
            parse_decimal("1e-28"),
            Ok(Some(dec("0.0000000000000000000000000001")))
        );
    }
}
