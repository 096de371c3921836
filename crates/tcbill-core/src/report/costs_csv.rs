//! The Costs tab's table as a CSV file. A download has to say what it holds once it is away from
//! the page: its file name and its first line name the grouping, the filters and the currency,
//! its columns come in the order of the table on screen, and a last row gives the total. Amounts
//! keep every digit (the page rounds only what it shows).
//!
//! The report's own breakdown tables ([`crate::report::breakdown_table`]) stay as they are: they
//! are the `tcbill analyze --csv` format, compared byte for byte with the page's ZIP download.

use rust_decimal::Decimal;

use crate::analysis::cost::{Amounts, CurrencySummary, Filter, Summary};
use crate::report::{csv_writer, LineEnd};

/// Reads one measure of [`Amounts`].
type Measure = fn(&Amounts) -> Option<Decimal>;

/// The measures as the Costs table shows them, left to right.
const MEASURES: [(&str, Measure); 6] = [
    ("RealTotalCost", |a| a.real_total_cost),
    ("TotalCost", |a| a.total_cost),
    ("CashPayAmount", |a| a.cash_pay_amount),
    ("VoucherPayAmount", |a| a.voucher_pay_amount),
    ("IncentivePayAmount", |a| a.incentive_pay_amount),
    ("TransferPayAmount", |a| a.transfer_pay_amount),
];

/// A CSV download: its file name and its bytes (UTF-8 with a BOM, CRLF line ends, for Excel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvDownload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The Costs table of `currency` (else the summary's first currency, as the page shows it).
pub fn costs_csv(summary: &Summary, currency: Option<&str>) -> CsvDownload {
    let chosen = currency.and_then(|code| {
        summary
            .currencies
            .iter()
            .find(|s| s.currency.to_string() == code)
    });
    let section = chosen.or(summary.currencies.first());
    let code = section.map_or_else(
        || currency.unwrap_or_default().to_owned(),
        |s| s.currency.to_string(),
    );
    let dimensions: Vec<String> = summary.group_by.iter().map(ToString::to_string).collect();

    let mut file_name = format!("tcbill-costs-by-{}", dimensions.join("-").replace(':', "_"));
    for part in [
        code.as_str(),
        if summary.filters.is_empty() {
            ""
        } else {
            "filtered"
        },
    ] {
        if !part.is_empty() {
            file_name.push('-');
            file_name.push_str(part);
        }
    }
    file_name.push_str(".csv");

    let mut records: Vec<Vec<String>> =
        vec![vec![description(&code, &dimensions, &summary.filters)]];
    let mut header = vec!["currency".to_owned()];
    header.extend(dimensions.iter().cloned());
    header.extend(MEASURES.iter().map(|(name, _)| (*name).to_owned()));
    header.extend(["RealTotalCostRatio".to_owned(), "row_count".to_owned()]);
    records.push(header);
    if let Some(section) = section {
        records.extend(section.groups.iter().map(|group| {
            row(
                &code,
                group.key.iter().cloned(),
                &group.amounts,
                group.real_total_cost_ratio,
                group.row_count,
            )
        }));
        records.push(total_row(&code, dimensions.len(), section));
    }

    let mut writer = csv_writer("\u{feff}".as_bytes().to_vec(), LineEnd::CrLf);
    for record in &records {
        writer.write_record(record).expect("writing to memory");
    }
    CsvDownload {
        file_name,
        bytes: writer.into_inner().expect("writing to memory"),
    }
}

/// The first line: `# tcbill costs; currency: CNY; grouped by: product / region; filters: region = 广州 or 上海`.
fn description(currency: &str, dimensions: &[String], filters: &[Filter]) -> String {
    let filters = if filters.is_empty() {
        "none".to_owned()
    } else {
        let each: Vec<String> = filters
            .iter()
            .map(|filter| format!("{} = {}", filter.dimension, filter.values.join(" or ")))
            .collect();
        each.join(" and ")
    };
    let currency = if currency.is_empty() {
        "none"
    } else {
        currency
    };
    format!(
        "# tcbill costs; currency: {currency}; grouped by: {}; filters: {filters}",
        dimensions.join(" / ")
    )
}

fn row(
    currency: &str,
    key: impl Iterator<Item = String>,
    amounts: &Amounts,
    ratio: Option<Decimal>,
    row_count: usize,
) -> Vec<String> {
    let decimal = |value: Option<Decimal>| value.map_or_else(String::new, |v| v.to_string());
    let mut row = vec![currency.to_owned()];
    row.extend(key);
    row.extend(MEASURES.iter().map(|(_, get)| decimal(get(amounts))));
    row.push(decimal(ratio));
    row.push(row_count.to_string());
    row
}

/// `Total` under the first dimension, the currency's totals and `100.00` when the groups have shares.
fn total_row(currency: &str, dimension_count: usize, section: &CurrencySummary) -> Vec<String> {
    let key = (0..dimension_count).map(|i| {
        if i == 0 {
            "Total".to_owned()
        } else {
            String::new()
        }
    });
    let shares = section
        .groups
        .iter()
        .any(|group| group.real_total_cost_ratio.is_some());
    let ratio = shares.then(|| Decimal::new(10000, 2));
    row(currency, key, &section.total, ratio, section.row_count)
}
