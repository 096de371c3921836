//! Bills of different detail loaded together: per currency and billing month, the costs read the
//! most detailed bill loaded for that month (an L3 for June beside an L2 for May and June: June
//! from the L3, May from the L2; the L2's June is the same money and is not added), and the
//! report says which months are read from a less detailed bill.

use serde_json::{json, Value};
use tcbill_core::analysis::compare::{compare, driver_rows, Level, Period};
use tcbill_core::analysis::cost::{filtered_rows, summarize, Dimension};
use tcbill_core::focus::{self, COLUMNS};
use tcbill_core::{Dataset, Report, ReportOptions};

/// An L3 bill of June 2025: CVM ins-1 in two components, 40.00 + 10.00.
const L3_JUNE: &str = "\
账单月份,产品名称,子产品名称,计费模式,地域,资源ID,交易类型,交易ID,扣费时间,开始使用时间,结束使用时间,组件类型,组件名称,组件刊例价,组件用量,使用时长,组件原价,折扣率,优惠后总价,现金账户支出（元）
2025-06,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,T1,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,运算组件,CPU,0.5,100,1,50.00,0.8,40.00,40.00
2025-06,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,T2,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,存储组件,云硬盘,0.1,100,1,10.00,1,10.00,10.00
";

/// An L2 resource bill of May and June 2025: May's CVM ins-1 and CLB lb-1, June's ins-1 (the
/// L3's June money, at less detail and here a different amount, so adding it would show).
const L2_MAY_JUNE: &str = "\
支付者UIN,使用者UIN,产品名称,子产品名称,计费模式,地域,资源ID,交易类型,扣费时间,开始使用时间,结束使用时间,原价,折扣率,优惠后总价,现金账户支出(元)
100,100,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,2025-05-10 01:00:00,2025-05-10 00:00:00,2025-05-10 00:59:59,37.65432098,0.8,30.12345678,30.12345678
100,100,负载均衡CLB,负载均衡CLB-标准型,按量计费,华东地区（上海）,lb-1,按量计费小时结,2025-05-10 01:00:00,2025-05-10 00:00:00,2025-05-10 00:59:59,5.00000001,1,5.00000001,5.00000001
100,100,云服务器CVM,云服务器CVM-标准型S5,按量计费,华东地区（上海）,ins-1,按量计费小时结,2025-06-10 01:00:00,2025-06-10 00:00:00,2025-06-10 00:59:59,62.4875,0.8,49.99,49.99
";

/// 消耗明细 of April and May 2025.
const COST_DETAILS_APRIL_MAY: &str = "\
产品名称,资源ID,消耗类型,消耗月份,扣费时间,开始使用时间,结束使用时间,原价,折扣率,优惠后总价
云服务器CVM,ins-1,按量计费,2025-04,2025-04-10 01:00:00,2025-04-10 00:00:00,2025-04-10 00:59:59,2.50,1,2.50
云服务器CVM,ins-1,按量计费,2025-05,2025-05-10 01:00:00,2025-05-10 00:00:00,2025-05-10 00:59:59,99.00,1,99.00
";

fn dataset(files: &[(&str, &str)]) -> Dataset {
    let mut dataset = Dataset::new();
    for (name, text) in files {
        dataset.add(tcbill_core::parse_file(name, text.as_bytes()));
    }
    dataset
}

fn report_json(dataset: &Dataset) -> (Report, Value) {
    let report = Report::build(dataset, &ReportOptions::default());
    let value = serde_json::from_str(&report.to_json()).unwrap();
    (report, value)
}

#[test]
fn each_month_is_read_from_the_most_detailed_bill_loaded_for_it() {
    // Either order of loading gives the same costs.
    for files in [
        [
            ("l3-2025-06.csv", L3_JUNE),
            ("l2-2025-05-06.csv", L2_MAY_JUNE),
        ],
        [
            ("l2-2025-05-06.csv", L2_MAY_JUNE),
            ("l3-2025-06.csv", L3_JUNE),
        ],
    ] {
        let dataset = dataset(&files);
        let (report, value) = report_json(&dataset);
        assert_eq!(
            value["cost"]["currencies"],
            json!([{
                "currency": "CNY",
                "periods": ["2025-05", "2025-06"],
                "row_count": 4,
                "total": {
                    "TotalCost": "102.65432099",
                    // May from the L2 (30.12345678 + 5.00000001), June from the L3 (40.00 + 10.00).
                    "RealTotalCost": "85.12345679",
                    "CashPayAmount": "85.12345679",
                    "VoucherPayAmount": null,
                    "IncentivePayAmount": null,
                    "TransferPayAmount": null,
                    "Tax": null
                }
            }])
        );
        assert_eq!(value["cost"]["source"], "BillDetails");
        assert_eq!(
            value["lower_detail"],
            json!([{
                "currency": "CNY",
                "month": "2025-05",
                "read_from": "BillResources",
                "files": ["l2-2025-05-06.csv"],
                "most_detailed": "BillDetails"
            }])
        );
        let l2 = report
            .inputs
            .iter()
            .find(|input| input.name == "l2-2025-05-06.csv")
            .unwrap();
        assert_eq!(
            l2.diagnostics,
            [
                "l2-2025-05-06.csv: the costs of 2025-05 (CNY) are read from this L2 resource \
              bill, the most detailed bill loaded for that month (no L3 bill covers it)"
            ]
        );
        let by_month = &value["cost"]["breakdowns"][5];
        assert_eq!(by_month["group_by"], json!(["month"]));
        let months: Vec<(&str, &str)> = by_month["currencies"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|group| {
                (
                    group["key"][0].as_str().unwrap(),
                    group["RealTotalCost"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(months, [("2025-05", "35.12345679"), ("2025-06", "50.00")]);

        // The rows behind the total: the L2's May rows and the L3's, not the L2's June row.
        let l2_index = files
            .iter()
            .position(|(name, _)| name.starts_with("l2"))
            .unwrap();
        let l3_index = 1 - l2_index;
        let mut rows = filtered_rows(&dataset, &[]);
        rows.sort();
        let mut expected = vec![(l2_index, 0), (l2_index, 1), (l3_index, 0), (l3_index, 1)];
        expected.sort();
        assert_eq!(rows, expected);

        // The FOCUS export holds the same rows and money.
        let export = focus::export(&dataset);
        let billed = COLUMNS
            .iter()
            .position(|column| column.name == "BilledCost")
            .unwrap();
        let mut months: Vec<&str> = export
            .rows
            .iter()
            .map(|row| row.billing_month.as_str())
            .collect();
        months.sort();
        assert_eq!(months, ["2025-05", "2025-05", "2025-06", "2025-06"]);
        let total: rust_decimal::Decimal = export
            .rows
            .iter()
            .map(|row| match &row.values[billed] {
                focus::FocusValue::Decimal(value) => *value,
                other => panic!("BilledCost {other:?}"),
            })
            .sum();
        assert_eq!(total.to_string(), "85.12345679");
    }
}

/// May (L2) against June (L3) is compared at the detail both have: by product and resource, with
/// no usage or price split (the L2 has neither), and the comparison says so.
#[test]
fn a_month_read_from_a_less_detailed_bill_is_compared_at_the_detail_both_have() {
    let dataset = dataset(&[
        ("l3-2025-06.csv", L3_JUNE),
        ("l2-2025-05-06.csv", L2_MAY_JUNE),
    ]);
    let (_, value) = report_json(&dataset);
    let comparison = &value["comparison"];
    assert_eq!(comparison["a"], "2025-05");
    assert_eq!(comparison["b"], "2025-06");
    let cny = &comparison["currencies"][0];
    assert_eq!(cny["mixed_detail"], json!(["BillDetails", "BillResources"]));
    assert_eq!(cny["RealTotalCost"]["a"], "35.12345679");
    assert_eq!(cny["RealTotalCost"]["b"], "50.00");
    assert_eq!(cny["RealTotalCost"]["change"], "14.87654321");
    let drivers: Vec<Value> = cny["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|driver| {
            json!([
                driver["component"],
                driver["resource"],
                driver["status"],
                driver["RealTotalCost"]["change"],
                driver["RealTotalCost"]["parts"]["no_usage_or_price"],
                driver["RealTotalCost"]["parts"]["usage"],
                driver["RealTotalCost"]["parts"]["removed_resources"],
            ])
        })
        .collect();
    assert_eq!(
        drivers,
        [
            json!([
                "*",
                "ins-1",
                "changed",
                "19.87654322",
                "19.87654322",
                "0.00",
                "0.00"
            ]),
            json!([
                "*",
                "lb-1",
                "removed",
                "-5.00000001",
                "0.00",
                "0.00",
                "-5.00000001"
            ]),
        ]
    );
    // A driver's rows are those of every component.
    let comparison = compare(
        &dataset,
        "2025-05".parse::<Period>().unwrap(),
        "2025-06".parse::<Period>().unwrap(),
    );
    let cvm = &comparison.currencies[0].drivers[0];
    assert_eq!(cvm.key.component, None);
    let june = driver_rows(
        &dataset,
        Period::month(tcbill_core::analysis::currency::Month(2025, 6)),
        &[],
        &cvm.key,
    );
    assert_eq!(june, [(0, 0), (0, 1)]);
    let _ = Level::Resource;
}

/// With L2 bills only, every row is read, as before: no notice, no mixed comparison.
#[test]
fn bills_of_one_kind_are_read_whole() {
    let dataset = dataset(&[("l2-2025-05-06.csv", L2_MAY_JUNE)]);
    let (report, value) = report_json(&dataset);
    assert_eq!(value["cost"]["source"], "BillResources");
    assert_eq!(value["cost"]["row_count"], 3);
    assert_eq!(
        value["cost"]["currencies"][0]["total"]["RealTotalCost"],
        "85.11345679"
    );
    assert!(value.get("lower_detail").is_none());
    assert!(report.inputs[0].diagnostics.is_empty());
    let cny = &value["comparison"]["currencies"][0];
    assert!(cny.get("mixed_detail").is_none());
    assert_eq!(cny["RealTotalCost"]["change"], "14.86654321");
}

/// 消耗明细 beside an L2: each month from the most detailed of the two that covers it.
#[test]
fn cost_details_beside_a_resource_bill_fill_the_months_it_lacks() {
    let dataset = dataset(&[
        ("cost-2025-04-05.csv", COST_DETAILS_APRIL_MAY),
        ("l2-2025-05-06.csv", L2_MAY_JUNE),
    ]);
    let (report, value) = report_json(&dataset);
    assert_eq!(value["cost"]["source"], "BillResources");
    assert_eq!(
        value["cost"]["currencies"][0]["periods"],
        json!(["2025-04", "2025-05", "2025-06"])
    );
    assert_eq!(value["cost"]["row_count"], 4);
    // April's 2.50 from the cost details; May (35.12345679) and June (49.99) from the L2, not
    // the cost details' May (99.00).
    assert_eq!(
        value["cost"]["currencies"][0]["total"]["RealTotalCost"],
        "87.61345679"
    );
    assert_eq!(
        value["lower_detail"],
        json!([{
            "currency": "CNY",
            "month": "2025-04",
            "read_from": "CostDetails",
            "files": ["cost-2025-04-05.csv"],
            "most_detailed": "BillResources"
        }])
    );
    assert_eq!(
        report.inputs[0].diagnostics,
        [
            "cost-2025-04-05.csv: the costs of 2025-04 (CNY) are read from this cost details \
          export (消耗明细), the most detailed bill loaded for that month (no L2 resource bill \
          covers it)"
        ]
    );
    // All three kinds: April from the cost details, May from the L2, June from the L3.
    let dataset = self::dataset(&[
        ("cost-2025-04-05.csv", COST_DETAILS_APRIL_MAY),
        ("l2-2025-05-06.csv", L2_MAY_JUNE),
        ("l3-2025-06.csv", L3_JUNE),
    ]);
    let summary = summarize(&dataset, &[Dimension::Month], &[]);
    let months: Vec<(String, String)> = summary.currencies[0]
        .groups
        .iter()
        .map(|group| {
            (
                group.key[0].clone(),
                group.amounts.real_total_cost.unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2025-04".to_owned(), "2.50".to_owned()),
            ("2025-05".to_owned(), "35.12345679".to_owned()),
            ("2025-06".to_owned(), "50.00".to_owned()),
        ]
    );
    let (_, value) = report_json(&dataset);
    let notices: Vec<(&str, &str, &str)> = value["lower_detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|notice| {
            (
                notice["month"].as_str().unwrap(),
                notice["read_from"].as_str().unwrap(),
                notice["most_detailed"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notices,
        [
            ("2025-04", "CostDetails", "BillDetails"),
            ("2025-05", "BillResources", "BillDetails")
        ]
    );
}
