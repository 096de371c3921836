//! Currencies as ISO 4217 codes, read from what a bill's currency cell or price unit says.
//!
//! Amounts are only ever added within one currency, so a currency cell that names none tcbill
//! knows is an error on its row (input reads cells through [`Currency::parse`]), never a guess.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 code such as `CNY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");
    pub const USD: Currency = Currency(*b"USD");

    /// A currency cell or unit prefix as bills spell it: an ISO 4217 code in any case (`USD`,
    /// `cny`), or a name or sign bills and spreadsheets use (`元`, `人民币`, `美元`, `US Dollar`,
    /// `港币`, `€`). `None` for anything else: a cell that names no currency tcbill knows.
    pub fn parse(text: &str) -> Option<Currency> {
        let text = text.trim();
        if let Some(&(_, code)) = NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
        {
            return Some(Currency(*code));
        }
        let bytes: [u8; 3] = text.as_bytes().try_into().ok()?;
        let code = bytes.map(|byte| byte.to_ascii_uppercase());
        ISO_4217
            .binary_search(&code)
            .is_ok()
            .then_some(Currency(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("built from ASCII letters")
    }
}

/// The active ISO 4217 codes, sorted. Only these are currencies: three letters that happen to
/// start a price unit (`GiB/月`, `QPS/天`) or fill a currency cell (`nan`) must not become a
/// "currency" whose rows leave the real one's total.
const ISO_4217: [[u8; 3]; 155] = [
    *b"AED", *b"AFN", *b"ALL", *b"AMD", *b"ANG", *b"AOA", *b"ARS", *b"AUD", *b"AWG", *b"AZN",
    *b"BAM", *b"BBD", *b"BDT", *b"BGN", *b"BHD", *b"BIF", *b"BMD", *b"BND", *b"BOB", *b"BRL",
    *b"BSD", *b"BTN", *b"BWP", *b"BYN", *b"BZD", *b"CAD", *b"CDF", *b"CHF", *b"CLP", *b"CNY",
    *b"COP", *b"CRC", *b"CUP", *b"CVE", *b"CZK", *b"DJF", *b"DKK", *b"DOP", *b"DZD", *b"EGP",
    *b"ERN", *b"ETB", *b"EUR", *b"FJD", *b"FKP", *b"GBP", *b"GEL", *b"GHS", *b"GIP", *b"GMD",
    *b"GNF", *b"GTQ", *b"GYD", *b"HKD", *b"HNL", *b"HTG", *b"HUF", *b"IDR", *b"ILS", *b"INR",
    *b"IQD", *b"IRR", *b"ISK", *b"JMD", *b"JOD", *b"JPY", *b"KES", *b"KGS", *b"KHR", *b"KMF",
    *b"KPW", *b"KRW", *b"KWD", *b"KYD", *b"KZT", *b"LAK", *b"LBP", *b"LKR", *b"LRD", *b"LSL",
    *b"LYD", *b"MAD", *b"MDL", *b"MGA", *b"MKD", *b"MMK", *b"MNT", *b"MOP", *b"MRU", *b"MUR",
    *b"MVR", *b"MWK", *b"MXN", *b"MYR", *b"MZN", *b"NAD", *b"NGN", *b"NIO", *b"NOK", *b"NPR",
    *b"NZD", *b"OMR", *b"PAB", *b"PEN", *b"PGK", *b"PHP", *b"PKR", *b"PLN", *b"PYG", *b"QAR",
    *b"RON", *b"RSD", *b"RUB", *b"RWF", *b"SAR", *b"SBD", *b"SCR", *b"SDG", *b"SEK", *b"SGD",
    *b"SHP", *b"SLE", *b"SOS", *b"SRD", *b"SSP", *b"STN", *b"SVC", *b"SYP", *b"SZL", *b"THB",
    *b"TJS", *b"TMT", *b"TND", *b"TOP", *b"TRY", *b"TTD", *b"TWD", *b"TZS", *b"UAH", *b"UGX",
    *b"USD", *b"UYU", *b"UZS", *b"VES", *b"VND", *b"VUV", *b"WST", *b"XAF", *b"XCD", *b"XOF",
    *b"XPF", *b"YER", *b"ZAR", *b"ZMW", *b"ZWG",
];

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads an ISO 4217 code (`CNY`) back; the app's page deserialises core's values.
impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Currency, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("`{code}` is no ISO 4217 currency")))
    }
}

/// Names and signs bills and spreadsheets write for a currency, matched ignoring ASCII case.
const NAMES: [(&str, &[u8; 3]); 27] = [
    ("元", b"CNY"),
    ("人民币", b"CNY"),
    ("人民币元", b"CNY"),
    ("RMB", b"CNY"),
    ("¥", b"CNY"),
    ("￥", b"CNY"),
    ("CN¥", b"CNY"),
    ("Chinese Yuan", b"CNY"),
    ("美元", b"USD"),
    ("美金", b"USD"),
    ("$", b"USD"),
    ("US$", b"USD"),
    ("US Dollar", b"USD"),
    ("US Dollars", b"USD"),
    ("港币", b"HKD"),
    ("港元", b"HKD"),
    ("HK$", b"HKD"),
    ("欧元", b"EUR"),
    ("€", b"EUR"),
    ("Euro", b"EUR"),
    ("日元", b"JPY"),
    ("円", b"JPY"),
    ("英镑", b"GBP"),
    ("£", b"GBP"),
    ("新加坡元", b"SGD"),
    ("S$", b"SGD"),
    ("新台币", b"TWD"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_4217_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn names_people_write_are_of_iso_4217_currencies() {
        assert!(NAMES
            .iter()
            .all(|(_, code)| ISO_4217.binary_search(code).is_ok()));
        for (name, code) in [
            ("US Dollar", "USD"),
            ("us dollars", "USD"),
            ("港币", "HKD"),
            ("€", "EUR"),
            ("CN¥", "CNY"),
        ] {
            assert_eq!(
                Currency::parse(name).map(|c| c.to_string()),
                Some(code.to_owned()),
                "{name}"
            );
        }
    }
}
