//! The report of the sample month: its JSON shape, exact decimal strings, determinism and CSV.

mod common;

use common::sample_month;
use serde_json::Value;
use tcbill_core::{Report, ReportOptions};

#[test]
fn sample_report_json_has_every_section_with_exact_decimal_strings() {
    let report = Report::build(&sample_month(), &ReportOptions::default());
    let json = report.to_json();
    let value: Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "alerts",
            "checks",
            "cost",
            "deductions",
            "duplicates",
            "forecast",
            "format",
            "inputs",
            "packages",
            "usage",
            "version"
        ]
    );
    assert_eq!(value["format"], "tcbill-report");
    assert_eq!(value["version"], 5);
    assert_eq!(value["inputs"].as_array().unwrap().len(), 3);
    assert_eq!(value["inputs"][0]["rows_accepted"], 6);
    assert_eq!(value["inputs"][0]["rows_duplicate"], 0);
    assert_eq!(value["duplicates"], serde_json::json!([]));
    let cny = &value["cost"]["currencies"][0];
    assert_eq!(cny["currency"], "CNY");
    assert_eq!(cny["periods"], serde_json::json!(["2025-06"]));
    assert_eq!(cny["total"]["RealTotalCost"], "559.6363523");
    assert_eq!(value["cost"]["currencies"].as_array().unwrap().len(), 1);
    let by_product = &value["cost"]["breakdowns"][0]["currencies"][0];
    assert_eq!(value["cost"]["breakdowns"][0]["group_by"][0], "product");
    let ratios: Vec<&str> = by_product["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["RealTotalCostRatio"].as_str().unwrap())
        .collect();
    assert_eq!(ratios, ["82.34", "10.80", "4.29", "2.57"]);
    assert_eq!(by_product["groups"][0]["key"][0], "云服务器");
    assert_eq!(by_product["groups"][0]["TotalCost"], "489.6");
    let deductions = &value["deductions"];
    assert_eq!(deductions["rows"].as_array().unwrap().len(), 7);
    assert_eq!(
        deductions["coefficient_mismatches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let mismatch = &deductions["coefficient_mismatches"][0];
    assert_eq!(mismatch["package_id"], "pkg-trtc-0002");
    assert_eq!(mismatch["recomputed_coefficient"], "0.96");
    assert_eq!(mismatch["coefficient_check"]["status"], "mismatch");
    assert_eq!(
        mismatch["coefficient_check"]["expected_actual_dosage"],
        "16.666666667"
    );
    let breaks = deductions["balance_breaks"].as_array().unwrap();
    assert_eq!(breaks.len(), 1);
    assert_eq!(breaks[0]["package_id"], "pkg-cdn-0001");
    assert_eq!(breaks[0]["type"], "chain");
    assert_eq!(breaks[0]["deduction_time"], "2025-06-04 01:00:10");
    assert_eq!(breaks[0]["difference"], "-0.250000000");
    assert_eq!(value["packages"][0]["utilisation_percent"], "16.35");
    let statuses: Vec<String> = value["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| {
            format!(
                "{} {}",
                check["id"].as_str().unwrap(),
                check["status"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "list_price ok",
            "discount ok",
            "payments ok",
            "usage_after_deduction skipped",
            "summary_vs_details ok",
            "deductions_vs_bill skipped",
        ]
    );
    assert!(
        !json.contains(": 559.6"),
        "decimals are strings, never JSON numbers"
    );
    assert_eq!(
        Report::build(&sample_month(), &ReportOptions::default()).to_json(),
        json,
        "the same inputs give byte-identical JSON"
    );
}

#[test]
fn every_table_exports_as_csv_with_a_bom() {
    let report = Report::build(&sample_month(), &ReportOptions::default());
    let tables = report.csv_tables();
    let names: Vec<&str> = tables.iter().map(|table| table.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "inputs",
            "duplicates",
            "cost-product",
            "cost-product-component",
            "cost-region",
            "cost-project",
            "cost-pay_mode",
            "cost-month",
            "deductions",
            "balance-breaks",
            "period-refreshes",
            "packages",
            "usage",
            "checks",
            "alerts",
        ]
    );
    let alerts = String::from_utf8(tables[14].to_csv()).unwrap();
    assert_eq!(
        alerts.lines().nth(1),
        Some(
            "allocation_gap,tag,team,2025-06,CNY,187.20,0.00,,187.20,,,2,187.20 CNY in 2 rows of 2 \
             resources has no value for tag team,2025-06-明细账单-L3.csv:4 2025-06-明细账单-L3.csv:7"
        )
    );
    let csv = String::from_utf8(tables[2].to_csv()).unwrap();
    assert_eq!(
        csv,
        "\u{feff}currency,product,TotalCost,RealTotalCost,CashPayAmount,VoucherPayAmount,IncentivePayAmount,TransferPayAmount,Tax,RealTotalCostRatio,row_count\r\n\
         CNY,云服务器,489.6,460.8,425.6,15.20,20.00,,,82.34,3\r\n\
         CNY,对象存储,60.416,60.416,50.416,10.00,0,,,10.80,1\r\n\
         CNY,内容分发网络 CDN,28.259238,24.0203523,24.0203523,0,0,,,4.29,1\r\n\
         CNY,负载均衡,14.4,14.4,14.4,0,0,,,2.57,1\r\n"
    );
    let breaks = String::from_utf8(tables[9].to_csv()).unwrap();
    assert!(breaks.starts_with('\u{feff}'));
    assert!(breaks.contains("pkg-cdn-0001"), "{breaks}");
    assert_eq!(breaks.lines().count(), 2, "{breaks}");
}

#[test]
fn the_csv_zip_holds_every_table_byte_for_byte() {
    let report = Report::build(&sample_month(), &ReportOptions::default());
    let bytes = report.csv_zip();
    assert_eq!(
        bytes,
        report.csv_zip(),
        "the same report gives the same archive"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let tables = report.csv_tables();
    assert_eq!(archive.len(), tables.len());
    for table in tables {
        let mut member = archive.by_name(&format!("{}.csv", table.name)).unwrap();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut member, &mut content).unwrap();
        assert_eq!(content, table.to_csv(), "{}", table.name);
    }
}

/// A failed check downloads as the rows behind it, each named by the line Excel shows.
#[test]
fn a_failed_check_downloads_as_its_rows() {
    let report = Report::build(&sample_month(), &ReportOptions::default());
    let table = report.findings_table("deductions").unwrap();
    assert_eq!(table.name, "checks-deductions");
    assert_eq!(
        String::from_utf8(table.to_csv()).unwrap(),
        "\u{feff}check,status,finding,file,row,subject,detail,expected,found,difference\r\n\
         deduction_balance,mismatches,chain,2025-06-资源包抵扣明细.csv,5,pkg-cdn-0001,抵扣前包剩余量 ≠ the previous row's 抵扣后包剩余量,437.250000000,437.000000000,-0.250000000\r\n\
         deduction_coefficient,mismatches,mismatch,2025-06-资源包抵扣明细.csv,8,pkg-trtc-0002,实际抵扣量 ≠ 原始用量 × 抵扣系数,16.666666667,16.000000000,-0.666666667\r\n"
    );
    let summary = report.findings_table("summary_vs_details").unwrap();
    assert_eq!(summary.name, "checks-summary_vs_details");
    assert_eq!(
        summary.rows,
        [["summary_vs_details", "ok", "", "", "", "", "", "", "", ""]]
    );
    assert!(report.findings_table("no_such_check").is_none());
}
