//! Issue #13's "wrong by construction" drop: a Chinese L3 bill (CNY), an international bill
//! (USD) and a ZIP pack holding the Chinese bill again. Yuan and dollars are never added, each
//! currency names its billing months, and the pack's copy of the month is counted once, with a
//! warning that names both files.

mod common;

use std::io::{Cursor, Write};

use common::read_data;
use serde_json::{json, Value};
use tcbill_core::analysis::cost::{summarize, Dimension, Filter};
use tcbill_core::{parse_file, Dataset, Report, ReportOptions};

fn pack_of(name: &str, contents: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(contents).unwrap();
    writer.finish().unwrap().into_inner()
}

/// The three files of the issue, in the order a user drops them.
fn mixed_drop() -> Dataset {
    let cny = read_data("l3-cn-2024-11.csv");
    let mut dataset = Dataset::new();
    dataset.add(parse_file("l3-cn-2024-11.csv", &cny));
    dataset.add(parse_file("l3-intl-en.csv", &read_data("l3-intl-en.csv")));
    dataset.add(parse_file(
        "pack-202411.zip",
        &pack_of("100012345678-202411-明细账单.csv", &cny),
    ));
    dataset
}

/// The report's JSON of `dataset`.
fn report_json(dataset: &Dataset) -> Value {
    let report = Report::build(dataset, &ReportOptions::default());
    serde_json::from_str(&report.to_json()).unwrap()
}

/// Each currency's grand total in a report's JSON, as `line` writes it.
fn currency_totals(value: &Value, line: impl Fn(&Value) -> String) -> Vec<String> {
    value["cost"]["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(line)
        .collect()
}

#[test]
fn yuan_and_dollars_are_totalled_apart_and_the_packed_month_counts_once() {
    let value = report_json(&mixed_drop());
    let totals = currency_totals(&value, |currency| {
        format!(
            "{} {} rows {} RealTotalCost {} TotalCost {} Tax {}",
            currency["currency"].as_str().unwrap(),
            currency["periods"],
            currency["row_count"],
            currency["total"]["RealTotalCost"].as_str().unwrap(),
            currency["total"]["TotalCost"].as_str().unwrap(),
            currency["total"]["Tax"],
        )
    });
    assert_eq!(
        totals,
        [
            r#"CNY ["2024-11"] rows 2 RealTotalCost 0.28000000 TotalCost 0.47000000 Tax null"#,
            r#"USD ["2021-08"] rows 1 RealTotalCost 0.03523359 TotalCost 0.03523359 Tax "0.00352336""#,
        ]
    );
    assert_eq!(value["cost"]["row_count"], 3);
    assert_eq!(
        value["duplicates"],
        json!([{
            "file": "pack-202411.zip/100012345678-202411-明细账单.csv",
            "first_loaded_from": "l3-cn-2024-11.csv",
            "rows": 2
        }])
    );
    let member = &value["inputs"][2];
    assert_eq!(
        (
            &member["rows_read"],
            &member["rows_accepted"],
            &member["rows_duplicate"],
            &member["rows_rejected"]
        ),
        (&json!(2), &json!(0), &json!(2), &json!(0))
    );
    assert_eq!(
        member["diagnostics"],
        json!([
            "pack-202411.zip/100012345678-202411-明细账单.csv: 2 rows are already loaded from \
                l3-cn-2024-11.csv: skipped as duplicates, not counted"
        ])
    );
}

#[test]
fn every_breakdown_and_its_shares_stay_within_one_currency() {
    let dataset = mixed_drop();
    let by_product = summarize(&dataset, &[Dimension::Product], &[]);
    let sections: Vec<String> = by_product
        .currencies
        .iter()
        .map(|section| {
            let groups: Vec<String> = section
                .groups
                .iter()
                .map(|group| {
                    format!(
                        "{} {} {}%",
                        group.key[0],
                        group.amounts.real_total_cost.unwrap(),
                        group.real_total_cost_ratio.unwrap()
                    )
                })
                .collect();
            format!("{}: {}", section.currency, groups.join(", "))
        })
        .collect();
    assert_eq!(
        sections,
        [
            "CNY: 云服务器CVM 0.26000000 92.86%, 负载均衡CLB 0.02000000 7.14%",
            "USD: Cloud Object Storage 0.03523359 100.00%",
        ]
    );
    let dollars = summarize(
        &dataset,
        &[],
        &[Filter {
            dimension: Dimension::Currency,
            values: vec!["USD".into()],
        }],
    );
    assert_eq!(dollars.currencies.len(), 1);
    assert_eq!(dollars.row_count, 1);
}

#[test]
fn the_csv_breakdowns_carry_a_currency_column() {
    let report = Report::build(&mixed_drop(), &ReportOptions::default());
    let table = report
        .csv_tables()
        .into_iter()
        .find(|table| table.name == "cost-region")
        .unwrap();
    let rows: Vec<String> = table.rows.iter().map(|row| row[..2].join(" ")).collect();
    assert_eq!(rows, ["CNY 华东地区（上海）", "USD Singapore"]);
}

#[test]
fn a_chinese_and_an_english_name_of_one_product_are_one_group() {
    let zh = "产品名称,组件名称,币种,优惠后总价\n云服务器CVM,CPU,USD,1.25\n";
    let en = "Product Name,Component Name,Currency,Total Amount After Discount (Excluding Tax)\n\
              Cloud Virtual Machine(CVM),CPU,USD,2.5\nCloud Object Storage,storage,USD,1\n";
    let mut dataset = Dataset::new();
    dataset.add(parse_file("zh.csv", zh.as_bytes()));
    dataset.add(parse_file("en.csv", en.as_bytes()));
    let summary = summarize(&dataset, &[Dimension::Product], &[]);
    let groups: Vec<String> = summary
        .groups()
        .map(|group| {
            format!(
                "{} {}",
                group.key[0],
                group.amounts.real_total_cost.unwrap()
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            "Cloud Virtual Machine(CVM) / 云服务器CVM 3.75",
            "Cloud Object Storage 1"
        ]
    );
    let cvm = summarize(
        &dataset,
        &[],
        &[Filter {
            dimension: Dimension::Product,
            values: vec!["Cloud Virtual Machine(CVM) / 云服务器CVM".into()],
        }],
    );
    assert_eq!(cvm.row_count, 2);
}

#[test]
fn the_focus_export_holds_each_row_once_in_its_own_currency() {
    let export = tcbill_core::focus::export(&mixed_drop());
    let currency = tcbill_core::focus::COLUMNS
        .iter()
        .position(|column| column.name == "BillingCurrency")
        .unwrap();
    let rows: Vec<String> = export
        .rows
        .iter()
        .map(|row| {
            format!(
                "{} {}",
                row.billing_month,
                row.values[currency].to_focus_text()
            )
        })
        .collect();
    assert_eq!(rows, ["2024-11 CNY", "2024-11 CNY", "2021-08 USD"]);
}

/// Currency cells as people write them: names and signs are read as their currency, and a cell
/// that names none (`abc`, `1`) rejects its row, with the line and column, where it was counted
/// as the file's currency (CNY) and added into yuan.
#[test]
fn a_currency_cell_is_read_by_name_or_rejects_its_row() {
    let rows = [
        ("US Dollar", 1),
        ("Euro", 2),
        ("港币", 4),
        ("日元", 8),
        ("SGD ", 16),
        ("RMB", 32),
        ("CN¥", 64),
        ("abc", 128),
        ("1", 256),
        ("-", 512),
    ];
    let mut text =
        "账单月份,产品名称,组件名称,资源ID,交易类型,交易ID,币种,组件原价,优惠后总价,扣费时间\n"
            .to_owned();
    for (index, (currency, amount)) in rows.iter().enumerate() {
        text += &format!(
            "2025-06,云服务器,CPU,r{index},按量计费小时结,A{index},{currency},{amount},{amount},2025-06-28 10:00:00\n"
        );
    }
    let mut dataset = Dataset::new();
    dataset.add(parse_file("currencies.csv", text.as_bytes()));
    let file = &dataset.files()[0];
    let messages: Vec<String> = file.diagnostics.iter().map(ToString::to_string).collect();
    let unknown = "is not a currency tcbill knows (an ISO 4217 code such as CNY or USD, or a name such as 人民币 or 美元)";
    assert_eq!(
        messages,
        [
            format!("currencies.csv:9 column 币种: \"abc\" {unknown}"),
            format!("currencies.csv:10 column 币种: \"1\" {unknown}"),
        ]
    );
    assert_eq!((file.table.row_count(), file.rows_rejected), (8, 2));
    let totals = currency_totals(&report_json(&dataset), |currency| {
        format!(
            "{} {}",
            currency["currency"].as_str().unwrap(),
            currency["total"]["RealTotalCost"].as_str().unwrap()
        )
    });
    assert_eq!(
        totals,
        ["CNY 608", "EUR 2", "HKD 4", "JPY 8", "SGD 16", "USD 1"]
    );
}
