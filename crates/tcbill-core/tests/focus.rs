//! FOCUS 1.0 in and out: a FOCUS file as Tencent writes it is detected and read as bill rows;
//! every bill fixture exported to FOCUS CSV and read back gives the same cost report; EffectiveCost
//! amortises a package purchase over exactly the usage its deductions covered.

mod common;

use common::{assert_text, data_path, dataset_of, dec, parse_one, row, sample_month, summary};
use rust_decimal::Decimal;
use tcbill_core::analysis::cost::{Amounts, Dimension, Measure};
use tcbill_core::focus::{self, FocusExport, FocusValue, COLUMNS};
use tcbill_core::{parse_file, Dataset, InputKind, Report, ReportOptions};

/// Every fixed dimension and the tag keys the fixtures use, one breakdown each.
fn all_breakdowns() -> ReportOptions {
    let mut breakdowns: Vec<Vec<Dimension>> =
        Dimension::FIXED.into_iter().map(|d| vec![d]).collect();
    breakdowns.extend(["env", "team"].map(|key| vec![Dimension::Tag(key.to_owned())]));
    breakdowns.push(vec![Dimension::Product, Dimension::Component]);
    ReportOptions {
        breakdowns,
        ..ReportOptions::default()
    }
}

/// The dataset's FOCUS CSV, parsed back as one file.
fn round_trip(dataset: &Dataset) -> Dataset {
    let csv = focus::export(dataset).to_csv(None);
    let parsed = parse_file("focus.csv", &csv);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].kind, InputKind::Focus);
    assert_eq!(parsed[0].rows_rejected, 0, "{:?}", parsed[0].diagnostics);
    let mut back = Dataset::new();
    back.add(parsed);
    back
}

/// A measure the bill carries comes back identical; one it does not carry is an empty `x_`
/// column in FOCUS, read back as nothing or zero.
#[track_caller]
fn assert_same_amounts(context: &str, original: &Amounts, imported: &Amounts) {
    for measure in Measure::ALL {
        let name = measure.api_name();
        match original.get(measure) {
            Some(value) => assert_eq!(imported.get(measure), Some(value), "{context}: {name}"),
            None => assert!(
                imported.get(measure).unwrap_or_default().is_zero(),
                "{context}: {name} is {:?}",
                imported.get(measure)
            ),
        }
    }
}

#[track_caller]
fn assert_same_cost_report(name: &str, original: &Dataset) {
    let options = all_breakdowns();
    let before = Report::build(original, &options).cost;
    let after = Report::build(&round_trip(original), &options).cost;
    assert!(before.row_count > 0, "{name}: no cost rows");
    assert_eq!(after.row_count, before.row_count, "{name}");
    assert_eq!(after.currencies.len(), before.currencies.len(), "{name}");
    for (b, a) in before.currencies.iter().zip(&after.currencies) {
        assert_eq!((a.currency, &a.periods), (b.currency, &b.periods), "{name}");
        assert_same_amounts(name, &b.total, &a.total);
    }
    for (before, after) in before.breakdowns.iter().zip(&after.breakdowns) {
        let context = format!("{name} by {:?}", before.group_by);
        let keys = |summary: &tcbill_core::analysis::cost::Summary| {
            summary
                .groups()
                .map(|group| {
                    (
                        group.key.clone(),
                        group.row_count,
                        group.real_total_cost_ratio,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(after), keys(before), "{context}");
        for (b, a) in before.groups().zip(after.groups()) {
            assert_same_amounts(&format!("{context} {:?}", b.key), &b.amounts, &a.amounts);
        }
    }
}

fn package_month() -> Dataset {
    dataset_of(&[
        data_path("l3-package-purchase.csv"),
        data_path("deduction-package-purchase.csv"),
    ])
}

#[test]
fn focus_round_trip_keeps_every_cost_summary() {
    assert_same_cost_report("sample month", &sample_month());
    assert_same_cost_report("package month", &package_month());
    for fixture in [
        "l3-cn-2022.csv",
        "l3-cn-2024-11.csv",
        "l3-intl-en.csv",
        "l2-cn.csv",
        "cost-details-en.csv",
    ] {
        assert_same_cost_report(fixture, &dataset_of(&[data_path(fixture)]));
    }
}

/// tcbill's FOCUS export loaded beside the bill it came from is that bill again: every one of its
/// rows is skipped as a duplicate, and the costs are the bill's alone (they were twice the bill).
#[test]
fn a_focus_export_beside_its_bill_is_not_counted_twice() {
    for fixture in ["l3-cn-2022.csv", "l3-cn-2024-11.csv", "l3-intl-en.csv"] {
        let mut dataset = dataset_of(&[data_path(fixture)]);
        let before = Report::build(&dataset, &ReportOptions::default()).cost;
        let export = focus::export(&dataset).to_csv(None);
        dataset.add(parse_file("focus.csv", &export));
        let focus_rows = dataset.files()[1].table.row_count() as u64;
        assert!(focus_rows > 0, "{fixture}");
        assert_eq!(
            dataset.duplicates(1).first_seen_in,
            [(0, focus_rows)],
            "{fixture}"
        );
        assert!(dataset.duplicates(1).differing_from.is_empty(), "{fixture}");
        let after = Report::build(&dataset, &ReportOptions::default()).cost;
        assert_eq!(after.row_count, before.row_count, "{fixture}");
        for (a, b) in after.currencies.iter().zip(&before.currencies) {
            assert_eq!(
                a.total.get(Measure::RealTotalCost),
                b.total.get(Measure::RealTotalCost)
            );
        }
    }
}

#[test]
fn round_trip_keeps_pay_splits_and_tax_where_the_bill_has_them() {
    let intl = Report::build(
        &round_trip(&dataset_of(&[data_path("l3-intl-en.csv")])),
        &ReportOptions::default(),
    );
    let original = Report::build(
        &dataset_of(&[data_path("l3-intl-en.csv")]),
        &ReportOptions::default(),
    );
    assert!(original.cost.currencies[0]
        .total
        .tax
        .is_some_and(|tax| !tax.is_zero()));
    assert_eq!(
        intl.cost.currencies[0].total.tax,
        original.cost.currencies[0].total.tax
    );
    let package = Report::build(&round_trip(&package_month()), &ReportOptions::default());
    let total = &package.cost.currencies[0].total;
    assert_eq!(total.real_total_cost, Some(dec("169.4375")));
    assert_eq!(total.total_cost, Some(dec("171.9375")));
    assert_eq!(total.cash_pay_amount, Some(dec("145.9375")));
    assert_eq!(total.voucher_pay_amount, Some(dec("20")));
    assert_eq!(total.incentive_pay_amount, Some(dec("2.5")));
    assert_eq!(total.transfer_pay_amount, Some(dec("1.00")));
    let paid: Decimal = [
        total.cash_pay_amount,
        total.voucher_pay_amount,
        total.incentive_pay_amount,
        total.transfer_pay_amount,
    ]
    .into_iter()
    .flatten()
    .sum();
    assert_eq!(Some(paid), total.real_total_cost);
}

#[test]
fn tencent_focus_file_is_detected_and_read_as_bill_rows() {
    let parsed = parse_one("focus-tencent.csv");
    assert_text(
        &summary(&parsed),
        "
focus-tencent.csv | FOCUS 1.0 (cost and usage)
encoding UTF-8
rows read 4, accepted 4, rejected 0
",
    );
    assert_text(
        &row(&parsed, 0),
        "
ZoneName=广州三区
RealTotalCost=5.76000000
PayerUin=100012345678
Currency=CNY
BillingPeriodEnd=2025-06-30T16:00:00Z
BillMonth=2025-06-01 00:00:00
ChargeCategory=Usage
ChargeDescription=https://buy.cloud.tencent.com/price/cvm
ChargeFrequency=Usage-based
FeeEndTime=2025-06-02 00:00:00
FeeBeginTime=2025-06-01 00:00:00
ConsumedQuantity=48.00000000
ConsumedUnit=Core-Hours
ContractedCost=5.76000000
ContractPrice=0.12000000
EffectiveCost=5.76000000
InvoiceIssuerName=Tencent Cloud
TotalCost=5.76000000
SinglePrice=0.12000000
PricingCategory=Standard
UsedAmount=48.00000000
UsedAmountUnit=Core-Hours
ProviderName=Tencent Cloud
PublisherName=Tencent Cloud
RegionCode=ap-guangzhou
RegionName=华南地区（广州）
ResourceId=ins-8c2k1x0a
ResourceName=web-01
ServiceCategory=Compute
BusinessCodeName=云服务器CVM
ItemCode=sv_cvm_s5_cpu
OwnerUin=100012345678
Tag:env=prod
Tag:team=web",
    );
    let mut dataset = Dataset::new();
    dataset.add([parsed]);
    let report = Report::build(&dataset, &all_breakdowns());
    assert_eq!(report.cost.source.as_deref(), Some("BillDetails"));
    assert_eq!(
        report.cost.currencies[0].total.real_total_cost,
        Some(dec("103.045"))
    );
    assert_eq!(
        report.cost.currencies[0].total.total_cost,
        Some(dec("103.36"))
    );
    assert_eq!(report.cost.currencies[0].total.cash_pay_amount, None);
    let groups = |dimension: Dimension| {
        let summary = report
            .cost
            .breakdowns
            .iter()
            .find(|summary| summary.group_by == [dimension.clone()])
            .unwrap();
        summary
            .groups()
            .map(|group| {
                format!(
                    "{} {}",
                    group.key.join("/"),
                    group.amounts.real_total_cost.unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    // UTC instants back in Beijing time: 2025-05-31T16:00:00Z is June 1st.
    assert_eq!(
        groups(Dimension::Day),
        [
            "2025-06-01 5.76000000",
            "2025-06-02 1.78500000",
            "2025-06-10 95.50000000"
        ]
    );
    assert_eq!(groups(Dimension::Month), ["2025-06 103.04500000"]);
    assert_eq!(
        groups(Dimension::Tag("env".into())),
        ["- 95.50000000", "prod 7.54500000"]
    );
    assert_eq!(
        groups(Dimension::Region),
        ["华南地区（广州） 101.26000000", "中国大陆 1.78500000"]
    );
}

#[test]
fn a_tags_cell_that_is_not_a_json_object_rejects_its_row() {
    let text = "BilledCost,ChargeCategory,ChargePeriodStart,ServiceName,Tags\n\
                1.0,Usage,2025-05-31T16:00:00Z,CDN,\"{\"\"env\"\":\"\"prod\"\"}\"\n\
                2.0,Usage,2025-05-31T16:00:00Z,CDN,env=prod\n";
    let parsed = parse_file("focus.csv", text.as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
focus.csv | FOCUS 1.0 (cost and usage)
encoding UTF-8
rows read 2, accepted 1, rejected 1
focus.csv:3 column Tags: \"env=prod\" is not a JSON object of tags
",
    );
}

fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| c.name == name).expect(name)
}

/// Each row's values of `names` as FOCUS CSV text, joined by ` | `.
fn cells(export: &FocusExport, names: &[&str]) -> Vec<String> {
    export
        .rows
        .iter()
        .map(|row| {
            names
                .iter()
                .map(|name| row.values[column(name)].to_focus_text())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn sum(export: &FocusExport, name: &str) -> Decimal {
    export
        .rows
        .iter()
        .filter_map(|row| match &row.values[column(name)] {
            FocusValue::Decimal(value) => Some(*value),
            _ => None,
        })
        .sum()
}

/// July's bill buys a 500 GB CDN package for 60 元 (0.12 元/GB) and the deduction export shows it
/// covering 30.25, 20 and 18.75 GB of the usage of July 1st, 2nd and 3rd. July 3rd has two
/// domains' rows, which share that day's 2.25 元 by ListCost (0.63 : 0.21). The last deduction
/// covers July 4th, which this bill excerpt has no row for.
#[test]
fn effective_cost_amortises_a_package_purchase_over_the_usage_it_covered() {
    let export = focus::export(&package_month());
    assert_eq!(
        cells(
            &export,
            &[
                "ResourceId",
                "ChargePeriodStart",
                "ChargeCategory",
                "ChargeFrequency",
                "BilledCost",
                "x_AmortizedPackageCost",
                "EffectiveCost",
                "CommitmentDiscountId",
                "CommitmentDiscountStatus",
                "PricingCategory",
            ]
        ),
        [
            "pkg-cdn-0701 | 2025-06-30T16:00:00Z | Purchase | One-Time | 60.0 |  | 0.0 | pkg-cdn-0701 |  | Standard",
            "static.example.com | 2025-06-30T16:00:00Z | Usage | Usage-Based | 2.0475 | 3.63 | 5.6775 | pkg-cdn-0701 | Used | Committed",
            "static.example.com | 2025-07-01T16:00:00Z | Usage | Usage-Based | 1.05 | 2.4 | 3.45 | pkg-cdn-0701 | Used | Committed",
            "static.example.com | 2025-07-02T16:00:00Z | Usage | Usage-Based | 0.63 | 1.6875 | 2.3175 | pkg-cdn-0701 | Used | Committed",
            "img.example.com | 2025-07-02T16:00:00Z | Usage | Usage-Based | 0.21 | 0.5625 | 0.7725 | pkg-cdn-0701 | Used | Committed",
            "ins-prepaid1 | 2025-07-10T02:00:00Z | Purchase | One-Time | 95.5 |  | 95.5 |  |  | Standard",
            "backup-1250000000 | 2025-06-30T16:00:00Z | Usage | Usage-Based | 10.00 |  | 10.00 |  |  | Standard",
        ]
    );
    assert_eq!(sum(&export, "BilledCost"), dec("169.4375"));
    assert_eq!(sum(&export, "x_AmortizedPackageCost"), dec("8.28"));
    // The purchase's 60 leaves EffectiveCost; the 69 GB used in July bring 8.28 back.
    assert_eq!(sum(&export, "EffectiveCost"), dec("117.7175"));
    assert_eq!(
        export.notes,
        [
            "1 deduction rows of priced packages match no loaded bill row (another month?); \
          their cost is not amortised"
        ]
    );
    assert_eq!(export.months(), ["2025-07"]);
}

/// The exported CSV read by its header, as a reader of the file would: a value under the wrong
/// column name (two columns' values swapped) fails here, whatever the positions.
#[test]
fn the_csv_puts_each_value_under_its_own_column_name() {
    let csv = focus::export(&sample_month()).to_csv(None);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // The second line of the sample bill: CVM bandwidth listed at 0.05 元, contracted at 0.04.
    let row = rows
        .iter()
        .find(|row| {
            row.get(header.iter().position(|h| h == "x_BillId").unwrap())
                == Some("20250701000100002")
        })
        .expect("the bill's second row");
    let named = |name: &str| {
        row.get(header.iter().position(|h| h == name).expect(name))
            .unwrap()
    };
    let expected = [
        ("ListUnitPrice", "0.05"),
        ("ContractedUnitPrice", "0.04"),
        ("ListCost", "144.0"),
        ("BilledCost", "115.2"),
        ("ContractedCost", "115.2"),
        ("EffectiveCost", "115.2"),
        ("x_CashPayAmount", "100.0"),
        ("ResourceId", "ins-8c2k1x0a"),
        ("RegionId", "ap-guangzhou"),
        ("AvailabilityZone", "广州三区"),
        ("BillingCurrency", "CNY"),
        ("ProviderName", "Tencent Cloud"),
    ];
    let actual: Vec<(&str, &str)> = expected
        .iter()
        .map(|&(name, _)| (name, named(name)))
        .collect();
    assert_eq!(actual, expected);
}

/// What the comparison reads and FOCUS has no column for travels as `x_` columns, so that
/// queries/compare-*.sql get `tcbill compare`'s parts from the export alone: the product's code
/// (also for an English name), 原价, 折扣率, the package-deducted usage, the savings plan and
/// whether the row is a refund or adjustment. A row without 原价 keeps x_OriginalCost empty
/// while ListCost falls back to BilledCost.
#[test]
fn the_comparisons_inputs_travel_as_x_columns() {
    let export = focus::export(&dataset_of(&[data_path("l3-two-months.csv")]));
    let columns = [
        "ResourceId",
        "x_ProductCode",
        "PricingQuantity",
        "x_OriginalCost",
        "ListCost",
        "x_DiscountRate",
        "x_DeductedQuantity",
        "x_SavingsPlanDeduction",
        "x_RefundOrAdjustment",
    ];
    assert_text(
        &cells(&export, &columns).join("\n"),
        "\
ins-keep | p_cvm | 100.0 | 50.00 | 50.00 | 0.8 | 0.0 | 0.0 | false
disk-old | p_cbs |  | 12.50 | 12.50 | 1.0 |  | 0.0 | false
bucket-1 | p_cos | 200.0 | 20.00 | 20.00 | 1.0 | 0.0 | 0.0 | false
cdn-a | p_cdn | 100.0 | 20.00 | 20.00 | 1.0 | 900.0 | 0.0 | false
ins-sp | p_cvm | 100.0 | 100.00 | 100.00 | 1.0 | 0.0 | 30.00 | false
ins-round | p_cvm | 10.0 | 10.00 | 10.00 | 1.0 | 0.0 | 0.0 | false
lb-usd | p_clb | 100.0 | 2.00 | 2.00 | 1.0 | 0.0 | 0.0 | false
ins-keep | p_cvm | 150.0 | 75.00 | 75.00 | 0.8 | 0.0 | 0.0 | false
ins-keep | p_cvm |  | 8.00 | 8.00 | 1.0 |  | 0.0 | false
ins-new | p_cvm | 75.0 | 37.50 | 37.50 | 0.8 | 0.0 | 0.0 | false
bucket-1 | p_cos | 200.0 | 24.00 | 24.00 | 1.0 | 0.0 | 0.0 | false
bucket-1 | p_cos |  | -5.00 | -5.00 | 1.0 |  | 0.0 | true
cdn-a | p_cdn | 600.0 | 120.00 | 120.00 | 1.0 | 400.0 | 0.0 | false
ins-sp | p_cvm | 100.0 | 100.00 | 100.00 | 1.0 | 0.0 | 0.0 | false
ins-round | p_cvm | 10.0 | 10.00 | 10.00 | 1.0 | 0.0 | 0.0 | false
lb-usd | p_clb | 200.0 | 4.00 | 4.00 | 1.0 | 0.0 | 0.0 | false",
    );

    // A bill without 原价: ListCost is BilledCost, x_OriginalCost stays empty.
    let bill = "账单月份,产品名称,资源ID,交易类型,组件用量,优惠后总价\n2025-10,Unknown product,r-1,按量计费日结,3,1.50\n";
    let mut dataset = Dataset::new();
    dataset.add(parse_file("no-original-cost.csv", bill.as_bytes()));
    let export = focus::export(&dataset);
    assert_eq!(
        cells(
            &export,
            &["x_ProductCode", "x_OriginalCost", "ListCost", "BilledCost"]
        ),
        [" |  | 1.50 | 1.50"]
    );
}

/// A row dated Beijing 0000-01-01 starts in UTC year -1, which FOCUS's ISO 8601 times cannot
/// write (`-001-12-31T16:00:00Z` was written): the row is left out of the export and a note says
/// so; the other row is exported as it was.
#[test]
fn a_row_before_utc_year_0000_is_not_exported_and_a_note_says_so() {
    let text = String::from_utf8(common::read_data("l3-cn-2024-11.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = lines[2]
        .replacen("2024-11,", "0000-01,", 1)
        .replace("2024-11-01", "0000-01-01");
    let bytes = (lines.join("\n") + "\n").into_bytes();
    let mut dataset = Dataset::new();
    dataset.add(parse_file("year0.csv", &bytes));
    let export = focus::export(&dataset);
    assert_eq!(export.months(), ["2024-11"]);
    assert_eq!(
        export.notes,
        ["1 bill rows have a time before 0000-01-01 or after 9999-12-31 UTC, which FOCUS cannot \
          write: they are not exported, so the FOCUS totals lack them"]
    );
    let csv = String::from_utf8(export.to_csv(None)).unwrap();
    assert_eq!(csv.lines().count(), 2, "the header and the 2024-11 row");
    assert!(!csv.contains("-001-"), "{csv}");
}

/// A FOCUS export read back explains a month's change as its bill does: the same ten parts on
/// every total and driver. Usage is the pricing quantity (组件用量 × 使用时长), the package-covered
/// usage, 折扣率, the savings plan and the product code come back from the `x_` columns (usage was
/// ConsumedQuantity without its 使用时长, and the rest was missing, so usage and price split
/// differently and the package and savings-plan parts fell into price).
#[test]
fn a_comparison_of_the_focus_export_splits_the_change_as_the_bill_does() {
    use tcbill_core::analysis::compare::{compare, Period};
    use tcbill_core::analysis::currency::Month;
    let bill = dataset_of(&[data_path("l3-two-months.csv")]);
    let periods = || {
        (
            Period::month(Month(2025, 9)),
            Period::month(Month(2025, 10)),
        )
    };
    let of = |dataset: &Dataset| {
        let (a, b) = periods();
        let comparison = compare(dataset, a, b);
        let mut json: serde_json::Value = serde_json::from_str(&comparison.to_json()).unwrap();
        // Where a driver's rows are: row numbers of two different files.
        for currency in json["currencies"].as_array_mut().unwrap() {
            for driver in currency["drivers"].as_array_mut().unwrap() {
                driver
                    .as_object_mut()
                    .unwrap()
                    .retain(|key, _| !key.starts_with("row_refs"));
            }
        }
        serde_json::to_string_pretty(&json).unwrap()
    };
    let from_bill = of(&bill);
    for part in [
        "\"package_coverage\": \"100.00\"",
        "\"savings_plan\": \"30.00\"",
    ] {
        assert!(from_bill.contains(part), "{from_bill}");
    }
    assert_text(&of(&round_trip(&bill)), &from_bill);
}
