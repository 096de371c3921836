//! The report of the sample month: its JSON shape, exact decimal strings, determinism and CSV.

mod common;

use common::sample_month;
use serde_json::Value;
use tcbill_core::analysis::checks::CheckStatus;
use tcbill_core::report::{Digest, DigestLimits};
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
    assert_eq!(value["version"], 6);
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

/// What the app's worker sends its page: the report without its deduction rows or what only the
/// download needs, each list cut to the limit beside its full count, and what the page needs
/// beyond the JSON (tag keys, burn-downs, the codes of checks and findings).
#[test]
fn the_digest_is_the_report_less_its_rows_plus_what_the_page_words() {
    let dataset = sample_month();
    let report = Report::build(&dataset, &ReportOptions::default());
    let limits = DigestLimits {
        list: 1,
        burn_down_points: 2,
    };
    let digest = Digest::of(&report, &dataset, limits);
    assert_eq!(*digest.alerts, report.alerts);
    assert_eq!(*digest.duplicates, report.duplicates);
    assert_eq!(*digest.usage, report.usage);
    assert_eq!(digest.comparison.as_deref(), report.comparison.as_ref());
    assert_eq!(*digest.cost.currencies, report.cost.currencies);

    let deductions = &digest.deductions;
    let json: Value = serde_json::to_value(&digest).unwrap();
    assert!(json["deductions"].get("rows").is_none());
    assert_eq!(deductions.row_count, report.deductions.analysis.rows.len());
    assert_eq!(
        *deductions.balance_breaks,
        report.deductions.analysis.balance_breaks[..1]
    );
    assert_eq!(
        *deductions.coefficient_mismatches,
        report.deductions.coefficient_mismatches[..1]
    );

    let by_product = &digest.cost.breakdowns[0].currencies[0];
    let full_by_product = &report.cost.breakdowns[0].currencies[0];
    assert_eq!(by_product.groups, full_by_product.groups[..1]);
    assert_eq!(by_product.group_count, Some(full_by_product.groups.len()));

    // Checks: the sample month passes them all; this bill fails three.
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file(
        "l3-selfcheck.csv",
        &common::read_data("l3-selfcheck.csv"),
    ));
    let failing = Report::build(&dataset, &ReportOptions::default());
    let cut = |list| {
        let limits = DigestLimits {
            list,
            burn_down_points: 2,
        };
        Digest::of(&failing, &dataset, limits).checks.remove(0)
    };
    let list_price = cut(1);
    let full_list_price = &failing.checks[0];
    assert_eq!(
        (&*list_price.id, list_price.status),
        ("list_price", CheckStatus::Mismatches)
    );
    let finding = &list_price.mismatches[0];
    let full_finding = &full_list_price.mismatches[0];
    assert_eq!(*finding.says, full_finding.code);
    assert_eq!(
        (&*finding.row, finding.expected, finding.found),
        (&full_finding.row, full_finding.expected, full_finding.found)
    );
    assert_eq!(
        *list_price.not_checked[0].says,
        full_list_price.not_checked[0].code
    );
    let none_shown = cut(0);
    assert_eq!(
        (none_shown.mismatch_count, none_shown.mismatches.len()),
        (1, 0)
    );

    assert_eq!(*digest.packages[0].usage, report.packages[0]);
    assert!(digest.packages[0].burn_down.len() <= 2);
    assert!(digest
        .packages
        .iter()
        .any(|package| !package.burn_down.is_empty()));
}

/// The page deserialises the digest as the same type the worker serialised, every value (exact
/// decimals, times, codes) as it was.
#[test]
fn the_page_reads_the_digest_back_as_the_worker_sent_it() {
    let mut failing = tcbill_core::Dataset::new();
    failing.add(tcbill_core::parse_file(
        "l3-selfcheck.csv",
        &common::read_data("l3-selfcheck.csv"),
    ));
    let limits = DigestLimits {
        list: 2000,
        burn_down_points: 500,
    };
    for dataset in [sample_month(), failing] {
        let report = Report::build(&dataset, &ReportOptions::default());
        let digest = Digest::of(&report, &dataset, limits);
        let read: Digest<'static> =
            serde_json::from_str(&serde_json::to_string(&digest).unwrap()).unwrap();
        assert_eq!(read, digest);
        assert!(matches!(read.alerts, std::borrow::Cow::Owned(_)));
    }
}

/// Per billing month, the costs read the most detailed bill loaded for it: an L2 of a month the
/// L3 covers is not added (the same money in less detail), an L2 of a month no L3 covers is read,
/// and the report says so (in the JSON and on the file), where its money was in no total before.
#[test]
fn a_month_only_a_less_detailed_bill_covers_is_read_from_it_and_said() {
    let l2 = common::read_data("l2-cn.csv");
    let l3 = common::read_data("l3-cn-2024-11.csv");
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file("l2-2020-09.csv", &l2));
    dataset.add(tcbill_core::parse_file("l3-2024-11.csv", &l3));
    let same_month = String::from_utf8(l2)
        .unwrap()
        .replace("2020-09-22", "2024-11-05");
    dataset.add(tcbill_core::parse_file(
        "l2-2024-11.csv",
        same_month.as_bytes(),
    ));
    let report = Report::build(&dataset, &ReportOptions::default());
    let value: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        value["lower_detail"],
        serde_json::json!([{
            "currency": "CNY",
            "month": "2020-09",
            "read_from": "BillResources",
            "files": ["l2-2020-09.csv"],
            "most_detailed": "BillDetails"
        }])
    );
    assert_eq!(
        report.inputs[0].diagnostics,
        [
            "l2-2020-09.csv: the costs of 2020-09 (CNY) are read from this L2 resource bill, the \
          most detailed bill loaded for that month (no L3 bill covers it)"
        ]
    );
    assert!(report.inputs[2].diagnostics.is_empty());
    let cny = &value["cost"]["currencies"][0];
    assert_eq!(cny["periods"], serde_json::json!(["2020-09", "2024-11"]));
    // The L2's 4.84660512 of 2020-09 and the L3's 0.26 + 0.02 of 2024-11; not the second L2's
    // 4.84660512 of 2024-11.
    assert_eq!(cny["row_count"], 3);
    assert_eq!(cny["total"]["RealTotalCost"], "5.12660512");
}

/// The duplicate notice says how many skipped rows have amounts other than the rows kept: the
/// answer depends on which file was loaded first, and the user is told so.
#[test]
fn a_duplicate_notice_says_how_many_skipped_rows_differ_in_amount() {
    let bill = String::from_utf8(common::read_data("l3-cn-2024-11.csv")).unwrap();
    let mut lines: Vec<String> = bill.lines().map(str::to_owned).collect();
    let real_cost = lines[0].split(',').position(|h| h == "优惠后总价").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[real_cost] = "99".to_owned();
    lines[1] = cells.join(",");
    let corrected = lines.join("\n") + "\n";
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file("first.csv", bill.as_bytes()));
    dataset.add(tcbill_core::parse_file(
        "corrected.csv",
        corrected.as_bytes(),
    ));
    let report = Report::build(&dataset, &ReportOptions::default());
    let value: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        value["duplicates"],
        serde_json::json!([
            { "file": "corrected.csv", "first_loaded_from": "first.csv", "rows": 2, "differing": 1 }
        ])
    );
    assert_eq!(
        report.inputs[1].diagnostics,
        [
            "corrected.csv: 2 rows are already loaded from first.csv: skipped as duplicates, not \
          counted; 1 of them have amounts that differ from the rows kept: the file loaded first \
          is the one counted"
        ]
    );
}
