//! How the page writes an amount of money: `¥1,234.57` for the exact `1234.5678` of the report.
//!
//! Bills carry up to eight decimals and each export its own number of them (`25.20`, `460.8`,
//! `559.6363523`), which nobody can read down a column. The page therefore shows money with
//! grouped digits, the currency's symbol and a fixed number of decimals (the user's choice,
//! [`Precision`], kept in the URL), rounded half away from zero as Tencent's invoices round; the
//! exact value stays one hover or focus away ([`Money`]) and every download keeps it unchanged.
//! Rounding is done on the exact decimal (`rust_decimal`), never through `f64`.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use yew::prelude::*;

/// How many decimals the page shows of an amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Precision {
    #[default]
    Two,
    Four,
    /// Every digit the report has.
    Exact,
}

impl Precision {
    pub const ALL: [Precision; 3] = [Precision::Two, Precision::Four, Precision::Exact];

    /// Its name in the URL fragment (`digits=4`) and in the switch.
    pub fn id(self) -> &'static str {
        match self {
            Precision::Two => "2",
            Precision::Four => "4",
            Precision::Exact => "exact",
        }
    }

    pub fn from_id(id: &str) -> Option<Precision> {
        Precision::ALL.into_iter().find(|precision| precision.id() == id)
    }

    fn decimals(self) -> Option<u32> {
        match self {
            Precision::Two => Some(2),
            Precision::Four => Some(4),
            Precision::Exact => None,
        }
    }
}

/// The symbol written before an amount: `¥` for yuan and `US$` for US dollars (a bare `$` could be
/// any dollar); any other code is written out (`EUR 1.00`), and an unknown currency gets none.
pub fn currency_symbol(currency: &str) -> String {
    match currency {
        "CNY" => "¥".to_owned(),
        "USD" => "US$".to_owned(),
        "" => String::new(),
        other => format!("{other} "),
    }
}

/// `value` (an exact decimal string) rounded half away from zero to `precision`, with grouped
/// digits and the currency's symbol after the sign: `-¥1,234.57`. A value that is not a decimal
/// is returned as it is: the page never hides what the report says.
pub fn format_money(value: &str, currency: &str, precision: Precision) -> String {
    let Ok(exact) = Decimal::from_str(value.trim()) else { return value.to_owned() };
    let shown = match precision.decimals() {
        Some(decimals) => {
            let rounded = exact.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
            format!("{rounded:.0$}", decimals as usize)
        }
        None => exact.to_string(),
    };
    // A refund that rounds to nothing is nothing, not "-0.00".
    let negative = shown.starts_with('-') && shown.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let digits = shown.trim_start_matches('-');
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut out = String::with_capacity(shown.len() + 8);
    if negative {
        out.push('-');
    }
    out.push_str(&currency_symbol(currency));
    out.push_str(&group_thousands(whole));
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A change: [`format_money`] with a `+` before an increase (`+¥38,214.07`), so that a part or
/// a total change reads as one; a decrease keeps its `-`, nothing that shows as zero gets a sign.
pub fn format_change(value: &str, currency: &str, precision: Precision) -> String {
    let shown = format_money(value, currency, precision);
    let increase = Decimal::from_str(value.trim()).is_ok_and(|exact| exact.is_sign_positive() && !exact.is_zero());
    if increase && shown.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        format!("+{shown}")
    } else {
        shown
    }
}

/// `1234567` as `1,234,567`, `-12300` as `-12,300`: the page's one way of grouping digits.
pub fn group_thousands(whole: &str) -> String {
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |rest| ("-", rest));
    let mut grouped = String::with_capacity(whole.len() + digits.len() / 3);
    grouped.push_str(sign);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[derive(Properties, PartialEq)]
pub struct MoneyProps {
    /// The exact decimal of the report; `None` where the measure is absent (shown as `—`).
    pub value: Option<String>,
    /// ISO code (`CNY`, `USD`); empty where the currency is unknown.
    pub currency: AttrValue,
    /// A change: an increase is written with `+` ([`format_change`]).
    #[prop_or_default]
    pub signed: bool,
}

/// An amount as people read it, with the exact value in `value` and `title` and focusable, so it
/// can be reached by hovering, by the keyboard and by screen readers.
#[component]
pub fn Money(props: &MoneyProps) -> Html {
    let precision = use_context::<Precision>().unwrap_or_default();
    match &props.value {
        Some(exact) => html! {
            <data class="money" value={exact.clone()} title={exact.clone()} tabindex="0">
                { if props.signed { format_change(exact, &props.currency, precision) } else { format_money(exact, &props.currency, precision) } }
            </data>
        },
        None => html! { <>{ "—" }</> },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn groups_digits_and_rounds_half_away_from_zero() {
        assert_eq!(format_money("1234.5678", "CNY", Precision::Two), "¥1,234.57");
        assert_eq!(format_money("1234.5678", "CNY", Precision::Four), "¥1,234.5678");
        assert_eq!(format_money("0.125", "CNY", Precision::Two), "¥0.13");
        assert_eq!(format_money("-0.125", "CNY", Precision::Two), "-¥0.13");
        assert_eq!(format_money("2.675", "USD", Precision::Two), "US$2.68");
        assert_eq!(format_money("999999.995", "CNY", Precision::Two), "¥1,000,000.00");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn pads_to_the_chosen_decimals_so_columns_align() {
        assert_eq!(format_money("460.8", "CNY", Precision::Two), "¥460.80");
        assert_eq!(format_money("25", "CNY", Precision::Four), "¥25.0000");
        assert_eq!(format_money("123456", "USD", Precision::Two), "US$123,456.00");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn exact_keeps_every_digit_of_the_report() {
        assert_eq!(format_money("559.6363523", "CNY", Precision::Exact), "¥559.6363523");
        assert_eq!(format_money("25.20", "CNY", Precision::Exact), "¥25.20");
        assert_eq!(format_money("-1234567.00000001", "USD", Precision::Exact), "-US$1,234,567.00000001");
        assert_eq!(format_money("100", "CNY", Precision::Exact), "¥100");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn negatives_and_zero() {
        assert_eq!(format_money("-1234.5", "CNY", Precision::Two), "-¥1,234.50");
        assert_eq!(format_money("-0.004", "CNY", Precision::Two), "¥0.00");
        assert_eq!(format_money("0", "USD", Precision::Two), "US$0.00");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn other_currencies_and_non_numbers() {
        assert_eq!(format_money("1000", "EUR", Precision::Two), "EUR 1,000.00");
        assert_eq!(format_money("1000", "", Precision::Two), "1,000.00");
        assert_eq!(format_money("n/a", "CNY", Precision::Two), "n/a");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_change_says_its_direction() {
        assert_eq!(format_change("38214.07", "CNY", Precision::Two), "+¥38,214.07");
        assert_eq!(format_change("-12.50", "CNY", Precision::Two), "-¥12.50");
        assert_eq!(format_change("0.00", "CNY", Precision::Two), "¥0.00");
        // An increase too small to show at two decimals shows as zero, unsigned; exactly, it is one.
        assert_eq!(format_change("0.00000001", "CNY", Precision::Two), "¥0.00");
        assert_eq!(format_change("0.00000001", "CNY", Precision::Exact), "+¥0.00000001");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn group_thousands_at_every_length() {
        let grouped: Vec<String> = ["1", "12", "123", "1234", "12345", "123456", "1234567"]
            .iter()
            .map(|whole| group_thousands(whole))
            .collect();
        assert_eq!(grouped, ["1", "12", "123", "1,234", "12,345", "123,456", "1,234,567"]);
        assert_eq!(group_thousands("-123"), "-123");
        assert_eq!(group_thousands("-12300"), "-12,300");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn precision_ids_round_trip() {
        for precision in Precision::ALL {
            assert_eq!(Precision::from_id(precision.id()), Some(precision));
        }
        assert_eq!(Precision::from_id("3"), None);
    }
}
