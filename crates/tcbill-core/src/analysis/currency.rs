//! Which currency a cost row is in and which billing month it belongs to.
//!
//! Chinese-site bills are in 人民币 (CNY) and international-site bills in US dollars, and a user
//! may load both: amounts are only ever added within one currency. A row's currency is, first
//! present wins: its `Currency`/`币种` cell (the international L3, FOCUS's BillingCurrency); the
//! currency its 组件价格单位 names (`元/GB/天` is CNY, `USD/GB/Day` USD); else the file's
//! language: English headers are the international site (USD), Chinese headers and API
//! responses the Chinese site (CNY).
//!
//! A row's billing month is its 账单月份 (`BillMonth`), else 消耗月份, else the month of its
//! 扣费时间, else of its 开始使用时间 (month-aggregated rows print 扣费时间 as `-`).

use std::cell::{Cell, RefCell};
use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::model::currency::Currency;
use crate::model::deserialize_from_text;
use crate::model::table::{Symbol, Table, TextColumn, TimeColumn};
use crate::model::time::BeijingTime;

/// A billing month: year and month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i64, pub u32);

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0, self.1)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Month, D::Error> {
        deserialize_from_text(deserializer)
    }
}

/// `2024-11`, as [`Display`](fmt::Display) writes it.
impl std::str::FromStr for Month {
    type Err = String;

    fn from_str(text: &str) -> Result<Month, String> {
        let month = text.split_once('-').and_then(|(year, month)| {
            let (year, month): (i64, u32) = (year.parse().ok()?, month.parse().ok()?);
            (text.len() == 7 && (1..=12).contains(&month)).then_some(Month(year, month))
        });
        month.ok_or_else(|| format!("`{text}` is no billing month (yyyy-mm)"))
    }
}

/// Where the month of a row is read from, first present wins: the bill's own 账单月份 (or
/// 消耗月份), else the month it was charged (扣费时间), else when its usage began. Totals, the
/// Month dimension, the comparison and the FOCUS export all read this one list, so a row never
/// counts in one month's total and shows under another month.
pub const MONTH_COLUMNS: [&str; 4] = ["BillMonth", "ConsumptionMonth", "PayTime", "FeeBeginTime"];

/// A row's currency cell and price unit cell, as symbols.
type CellPair = (Option<Symbol>, Option<Symbol>);

/// A table's currency and month columns, found once. Every analysis of cost rows asks each
/// row's currency and month, so answers are remembered: the currency of each pair of cells
/// (a table has a few), and the last month with the instants it spans (rows come in time order).
/// A pair is found by its price unit's symbol in a vector (a table's price units are a few
/// interned strings), so most rows hash nothing; the pairs that vector does not hold are in a
/// hash map.
pub struct CostRowReader<'a> {
    table: &'a Table,
    currency: Option<&'a TextColumn>,
    price_unit: Option<&'a TextColumn>,
    file_currency: Currency,
    months: Vec<&'a TimeColumn>,
    /// The currency of each (currency cell, price unit cell) pair met so far: by the interned
    /// index + 1 of the price unit (0: none), the first pair with that price unit; the others.
    by_price_unit: RefCell<Vec<Option<(CellPair, Currency)>>>,
    currencies: RefCell<FxHashMap<CellPair, Currency>>,
    last_month: Cell<Option<(BeijingTime, BeijingTime, Month)>>,
}

impl<'a> CostRowReader<'a> {
    pub fn new(table: &'a Table) -> Self {
        let text = |name: &str| table.text_column(name);
        let months = MONTH_COLUMNS
            .iter()
            .filter_map(|name| table.time_column(name))
            .collect();
        CostRowReader {
            table,
            currency: text("Currency"),
            price_unit: text("PriceUnit"),
            file_currency: file_currency(table),
            months,
            by_price_unit: RefCell::default(),
            currencies: RefCell::default(),
            last_month: Cell::new(None),
        }
    }

    pub fn currency(&self, row: usize) -> Currency {
        let symbol = |column: Option<&TextColumn>| column?.get(row);
        let cells = (symbol(self.currency), symbol(self.price_unit));
        let slot = match cells.1 {
            None => Some(0),
            Some(unit) => unit.interned_index().map(|index| index + 1),
        };
        let mut by_price_unit = self.by_price_unit.borrow_mut();
        match slot {
            Some(slot) => match by_price_unit.get(slot).copied().flatten() {
                Some((pair, currency)) if pair == cells => currency,
                Some(_) => self.other_currency(cells),
                None => {
                    if by_price_unit.len() <= slot {
                        by_price_unit.resize(slot + 1, None);
                    }
                    let currency = self.currency_of(cells);
                    by_price_unit[slot] = Some((cells, currency));
                    currency
                }
            },
            None => self.other_currency(cells),
        }
    }

    fn other_currency(&self, cells: CellPair) -> Currency {
        *self
            .currencies
            .borrow_mut()
            .entry(cells)
            .or_insert_with(|| self.currency_of(cells))
    }

    fn currency_of(&self, (currency, price_unit): (Option<Symbol>, Option<Symbol>)) -> Currency {
        let text = |symbol: Option<Symbol>| symbol.map(|symbol| self.table.resolve(symbol));
        text(currency)
            .and_then(Currency::parse)
            .or_else(|| {
                text(price_unit)
                    .and_then(|unit| unit.split('/').next())
                    .and_then(Currency::parse)
            })
            .unwrap_or(self.file_currency)
    }

    pub fn month(&self, row: usize) -> Option<Month> {
        let time = self.months.iter().find_map(|column| column.get(row))?;
        if let Some((start, end, month)) = self.last_month.get() {
            if start <= time && time < end {
                return Some(month);
            }
        }
        let (year, month, ..) = time.beijing_fields();
        if let Some((start, end)) = BeijingTime::month_bounds(year, month) {
            self.last_month.set(Some((start, end, Month(year, month))));
        }
        Some(Month(year, month))
    }
}

/// The currency of a file's rows that say nothing themselves: English headers (`Product Name`)
/// are the international site's, anything else (Chinese headers, API field names) the Chinese
/// site's.
fn file_currency(table: &Table) -> Currency {
    let english = table.column("BusinessCodeName").is_some_and(|column| {
        column.source_header.is_ascii() && column.source_header != column.name
    });
    if english {
        Currency::USD
    } else {
        Currency::CNY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_file;

    fn currencies(name: &str, csv: &str) -> Vec<String> {
        let files = parse_file(name, csv.as_bytes());
        let table = &files[0].table;
        let reader = CostRowReader::new(table);
        (0..table.row_count())
            .map(|row| reader.currency(row).to_string())
            .collect()
    }

    #[test]
    fn months_and_currencies_read_back_as_written() {
        let written = serde_json::to_string(&(Month(2024, 11), Currency::USD)).unwrap();
        assert_eq!(written, r#"["2024-11","USD"]"#);
        assert_eq!(
            serde_json::from_str::<(Month, Currency)>(&written).unwrap(),
            (Month(2024, 11), Currency::USD)
        );
        for not_a_month in ["2024-13", "2024-1", "2024", "24-11-01", "2024-00"] {
            assert!(not_a_month.parse::<Month>().is_err(), "{not_a_month}");
        }
        assert!(serde_json::from_str::<Currency>(r#""GiB""#).is_err());
    }

    #[test]
    fn a_row_says_its_currency_else_its_price_unit_else_the_file_language() {
        assert_eq!(
            currencies(
                "intl.csv",
                "Product Name,Component Name,Currency,Component Price Measurement Unit\n\
                 COS,storage,usd,USD/GB/Day\nCOS,storage,,元/GB/天\nCOS,storage,,\nCOS,storage,EUR,USD/GB/Day\n\
                 COS,storage,usd,USD/GB/Day\nCOS,storage,EUR,USD/GB/Day\nCOS,storage,,\n"
            ),
            ["USD", "CNY", "USD", "EUR", "USD", "EUR", "USD"]
        );
        assert_eq!(
            currencies(
                "cn.csv",
                "产品名称,组件名称,币种\n云服务器CVM,CPU,\n云服务器CVM,CPU,美元\n"
            ),
            ["CNY", "USD"]
        );
    }

    #[test]
    fn spellings_of_currencies() {
        assert_eq!(Currency::parse(" 人民币 "), Some(Currency::CNY));
        assert_eq!(Currency::parse("USD"), Some(Currency::USD));
        assert_eq!(Currency::parse("US"), None);
        assert_eq!(Currency::parse("GB"), None);
        assert_eq!(Currency::parse("U1D"), None);
        for not_a_currency in ["GiB", "QPS", "nan", "ABC"] {
            assert_eq!(Currency::parse(not_a_currency), None, "{not_a_currency}");
        }
        assert_eq!(
            Currency::parse("hkd").as_ref().map(Currency::as_str),
            Some("HKD")
        );
    }

    #[test]
    fn the_month_is_the_bill_month_else_the_charge_time_else_the_usage_start() {
        let files = parse_file(
            "m.csv",
            "产品名称,组件名称,账单月份,扣费时间,开始使用时间\n\
             a,b,2024-11,2024-12-01 01:00:00,2024-10-31 23:00:00\n\
             a,b,,2024-12-01 01:00:00,2024-11-30 23:00:00\n\
             a,b,,-,2024-11-30 23:00:00\n\
             a,b,,-,-\n"
                .as_bytes(),
        );
        let table = &files[0].table;
        let reader = CostRowReader::new(table);
        let months: Vec<String> = (0..4)
            .map(|row| reader.month(row).map_or("-".into(), |m| m.to_string()))
            .collect();
        assert_eq!(months, ["2024-11", "2024-12", "2024-11", "-"]);
    }
}
