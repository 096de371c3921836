//! The Costs tab's CSV download (issue #13, item 7): a name and a first line that say what it
//! holds, columns in the table's order, one currency, and a total row.

mod common;

use common::read_data;
use tcbill_core::analysis::cost::{summarize, Dimension, Filter};
use tcbill_core::report::costs_csv;
use tcbill_core::{parse_file, Dataset};

/// A Chinese bill (CNY) and an international one (USD), as a user drops them.
fn two_currencies() -> Dataset {
    let mut dataset = Dataset::new();
    dataset.add(parse_file(
        "l3-cn-2024-11.csv",
        &read_data("l3-cn-2024-11.csv"),
    ));
    dataset.add(parse_file("l3-intl-en.csv", &read_data("l3-intl-en.csv")));
    dataset
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn one_currency_in_the_tables_order_with_a_total_row() {
    let dims = [
        "product".parse::<Dimension>().unwrap(),
        "region".parse::<Dimension>().unwrap(),
    ];
    let csv = costs_csv(&summarize(&two_currencies(), &dims, &[]), Some("CNY"));
    assert_eq!(csv.file_name, "tcbill-costs-by-product-region-CNY.csv");
    assert_eq!(
        text(&csv.bytes),
        "\u{feff}# tcbill costs; currency: CNY; grouped by: product / region; filters: none\r\n\
         currency,product,region,RealTotalCost,TotalCost,CashPayAmount,VoucherPayAmount,IncentivePayAmount,\
         TransferPayAmount,RealTotalCostRatio,row_count\r\n\
         CNY,云服务器CVM,华东地区（上海）,0.26000000,0.45000000,0.26000000,0,0,,92.86,1\r\n\
         CNY,负载均衡CLB,华东地区（上海）,0.02000000,0.02000000,0,0,0.02000000,,7.14,1\r\n\
         CNY,Total,,0.28000000,0.47000000,0.26000000,0,0.02000000,,100.00,2\r\n"
    );
}

#[test]
fn the_other_currency_is_its_own_file() {
    let dims = ["product".parse::<Dimension>().unwrap()];
    let csv = costs_csv(&summarize(&two_currencies(), &dims, &[]), Some("USD"));
    assert_eq!(csv.file_name, "tcbill-costs-by-product-USD.csv");
    let lines: Vec<&str> = text(&csv.bytes).split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}# tcbill costs; currency: USD; grouped by: product; filters: none"
    );
    assert_eq!(
        lines.len(),
        5,
        "first line, header, one group, total, and the end: {lines:?}"
    );
    assert!(
        lines[2].starts_with("USD,Cloud Object Storage,"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("USD,Total,"), "{}", lines[3]);
    assert!(lines[3].ends_with(",100.00,1"), "{}", lines[3]);
}

#[test]
fn filters_are_named_in_the_file_name_and_the_first_line() {
    let dims = ["tag:env".parse::<Dimension>().unwrap()];
    let region = "region".parse::<Dimension>().unwrap();
    let filters = [Filter {
        dimension: region,
        values: vec!["ap-shanghai".into(), "华东地区（上海）".into()],
    }];
    let csv = costs_csv(&summarize(&two_currencies(), &dims, &filters), None);
    assert_eq!(csv.file_name, "tcbill-costs-by-tag_env-CNY-filtered.csv");
    assert_eq!(
        text(&csv.bytes),
        "\u{feff}# tcbill costs; currency: CNY; grouped by: tag:env; filters: region = ap-shanghai or 华东地区（上海）\r\n\
         currency,tag:env,RealTotalCost,TotalCost,CashPayAmount,VoucherPayAmount,IncentivePayAmount,\
         TransferPayAmount,RealTotalCostRatio,row_count\r\n\
         CNY,prod,0.26000000,0.45000000,0.26000000,0,0,,92.86,1\r\n\
         CNY,-,0.02000000,0.02000000,0,0,0.02000000,,7.14,1\r\n\
         CNY,Total,0.28000000,0.47000000,0.26000000,0,0.02000000,,100.00,2\r\n"
    );
}
