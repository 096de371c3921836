//! Numbers no bill holds, from hostile or corrupted files: each is one rejected cell or one named
//! "too large" finding, and the report is still built with every other row's exact totals.

use tcbill_core::analysis::checks::run_checks;
use tcbill_core::analysis::deductions::analyze_deductions;
use tcbill_core::{parse_file, Dataset, Report, ReportOptions};

const BILL_HEADER: &str = "产品名称,组件名称,资源ID,组件刊例价,组件价格单位,组件用量,组件用量单位,使用时长,时长单位,组件原价,折扣率,节省计划抵扣金额,优惠后总价,代金券支出(元),赠送账户支出(元),现金账户支出(元),原始用量,抵扣用量\n";
const DEDUCTION_HEADER: &str = "资源包归属 UIN,资源包名称,资源包ID,产品名称,子产品名称,资源包类型 ①,抵扣时间,抵扣前包剩余量 ①,实际抵扣量 ①,抵扣后包剩余量 ①,资源包单位,被抵扣资源归属 UIN,被抵扣资源产品,被抵扣资源子产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,用量结束时间\n";

fn dataset(files: &[(&str, String)]) -> Dataset {
    let mut dataset = Dataset::new();
    for (name, text) in files {
        dataset.add(parse_file(name, text.as_bytes()));
    }
    dataset
}

fn diagnostics(dataset: &Dataset) -> Vec<String> {
    dataset
        .files()
        .iter()
        .flat_map(|file| file.diagnostics.iter().map(ToString::to_string))
        .collect()
}

#[test]
fn a_cell_beyond_the_bound_is_one_rejected_row_and_the_totals_hold() {
    let bill = format!(
        "{BILL_HEADER}\
         云服务器,CPU,ins-1,0.12,元/核/小时,2,核,720,小时,172.8,1,0,172.8,0,0,172.8,2,0\n\
         云服务器,CPU,ins-2,0.12,元/核/小时,2,核,720,小时,172.8,1,0,5e28,0,0,172.8,2,0\n\
         云服务器,内存,ins-1,0.05,元/GB/小时,4,GB,720,小时,144,1,0,144,0,0,144,4,0\n"
    );
    let dataset = dataset(&[("bill.csv", bill)]);
    assert_eq!(
        diagnostics(&dataset),
        ["bill.csv:3 column 优惠后总价: \"5e28\" is too large to compute with exactly (tcbill accepts numbers below 10^16)"]
    );
    let file = &dataset.files()[0];
    assert_eq!(
        (file.rows_read(), file.rows_accepted(), file.rows_rejected),
        (3, 2, 1)
    );
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(
        report.cost.currencies[0]
            .total
            .real_total_cost
            .unwrap()
            .to_string(),
        "316.8"
    );
}

#[test]
fn products_past_a_decimal_are_named_not_computed() {
    // Each cell is below the bound; 刊例价 × 用量 × 时长 is not.
    let bill = format!(
        "{BILL_HEADER}\
         云服务器,CPU,ins-1,9999999999999999,元/核/小时,9999999999999999,核,9999999999999999,小时,9999999999999999,9999999999999999,0,1,0,0,1,9999999999999999,0\n"
    );
    let dataset = dataset(&[("bill.csv", bill)]);
    let deductions = analyze_deductions(&dataset);
    let checks = run_checks(&dataset, &deductions.rows);
    let not_checked: Vec<String> = checks
        .iter()
        .flat_map(|check| {
            check.not_checked.iter().map(move |finding| {
                format!(
                    "{} row {}: {}",
                    check.id,
                    finding.row.as_ref().unwrap().line.unwrap(),
                    finding.detail
                )
            })
        })
        .collect();
    assert_eq!(
        not_checked,
        [
            "list_price row 2: the values are too large or too small to compute with exactly",
            "discount row 2: the values are too large or too small to compute with exactly",
        ]
    );
    Report::build(&dataset, &ReportOptions::default());
}

#[test]
fn deduction_coefficients_and_tiny_usage_never_stop_the_report() {
    let deductions = format!(
        "{DEDUCTION_HEADER}\
         1001,TRTC 包,pkg-1,实时音视频,TRTC,总量递减,2025-06-03 04:10:46,20000,9999999999999999,10000,分钟,1001,实时音视频,TRTC,时长,1e-28,秒,1,2025-06-03 03:00:00,2025-06-03 04:00:00\n\
         1001,TRTC 包,pkg-1,实时音视频,TRTC,总量递减,2025-06-03 05:10:46,10000,1,9999,分钟,1001,实时音视频,TRTC,时长,60,秒,1e28,2025-06-03 04:00:00,2025-06-03 05:00:00\n\
         1001,TRTC 包,pkg-1,实时音视频,TRTC,总量递减,2025-06-03 06:10:46,9999,1,9998,分钟,1001,实时音视频,TRTC,时长,60,秒,1,2025-06-03 05:00:00,2025-06-03 06:00:00\n"
    );
    let dataset = dataset(&[("deductions.csv", deductions)]);
    assert_eq!(
        diagnostics(&dataset),
        [
            "deductions.csv:2: 抵扣前包剩余量 20000 − 实际抵扣量 9999999999999999 = -9999999999979999, but 抵扣后包剩余量 is 10000",
            "deductions.csv:3 column 抵扣系数: \"1e28\" is too large to compute with exactly (tcbill accepts numbers below 10^16)",
        ]
    );
    let analysis = analyze_deductions(&dataset);
    let findings: Vec<String> = analysis
        .rows
        .iter()
        .map(|row| {
            format!(
                "line {}: {:?}",
                row.source.line.unwrap(),
                row.coefficient_check
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "line 2: NotChecked { reason: \"the values are too large or too small to compute with exactly\" }",
            "line 4: Ok",
        ]
    );
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.packages.len(), 1);
}

#[test]
fn a_burn_rate_of_a_millionth_projects_no_date_past_the_year_9999() {
    // 106751991.16 × 86400 s ÷ 0.000001 per day fits an i64 of seconds; added to the deduction's
    // own time it did not (a panic with overflow checks, a date 292 billion years ago without).
    let deductions = format!(
        "{DEDUCTION_HEADER}\
         1001,CDN 包,pkg-1,内容分发网络 CDN,CDN,总量递减,2025-06-03 04:10:46,106751991.160001,0.000001,106751991.16,GB,1001,内容分发网络 CDN,CDN,流量,0.000001,GB,1,2025-06-03 03:00:00,2025-06-03 04:00:00\n"
    );
    let dataset = dataset(&[("deductions.csv", deductions)]);
    assert_eq!(diagnostics(&dataset), Vec::<String>::new());
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.packages.len(), 1);
    let package = &report.packages[0];
    assert_eq!(
        package.daily_burn_rate.map(|rate| rate.to_string()),
        Some("0.000001".into())
    );
    assert_eq!(package.projected_exhaustion, None);
}

#[test]
fn totals_that_need_more_than_28_digits_are_named_as_possibly_rounded() {
    // Each cell is below the bound; together they are 9000000000000000.0000000000001, more than a
    // decimal holds, which `+` rounds to 9000000000000000.000000000000. The report says so, for
    // that column, naming the files that hold it.
    let bill = format!(
        "{BILL_HEADER}\
         云服务器,CPU,ins-1,0.12,元/核/小时,2,核,720,小时,172.8,1,0,9000000000000000,0,0,172.8,2,0\n\
         云服务器,CPU,ins-2,0.12,元/核/小时,2,核,720,小时,172.8,1,0,0.0000000000001,0,0,172.8,2,0\n"
    );
    let plain = format!(
        "{BILL_HEADER}云服务器,CPU,ins-3,0.12,元/核/小时,2,核,720,小时,172.8,1,0,172.8,0,0,172.8,2,0\n"
    );
    let dataset = dataset(&[("plain.csv", plain.clone()), ("hostile.csv", bill)]);
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.rounding.len(), 1);
    assert_eq!(report.rounding[0].column, "RealCost");
    assert_eq!(report.rounding[0].files, ["plain.csv", "hostile.csv"]);
    assert_eq!(
        report.inputs[1].diagnostics,
        ["hostile.csv column 优惠后总价: the column's values need more than the 28 significant \
          digits an exact decimal holds when added: its totals may be rounded in their last decimals"]
    );
    let json = report.to_json();
    assert!(json.contains("\"rounding\""), "{json}");

    // The same column in bills alone: nothing to say, and no `rounding` in the JSON.
    let alone = Report::build(
        &self::dataset(&[("plain.csv", plain)]),
        &ReportOptions::default(),
    );
    assert!(alone.rounding.is_empty());
    assert!(!alone.to_json().contains("\"rounding\""));
}
