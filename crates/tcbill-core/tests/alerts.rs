//! The alert rules on small bills made by hand: each alert with its exact amounts and the rows
//! it cites (README's *Alerts* has the formulas).

mod common;

use common::data_path;
use rust_decimal::Decimal;
use tcbill_core::analysis::alerts::{alerts, Alert, AlertOptions, Alerts};
use tcbill_core::analysis::checks::run_checks;
use tcbill_core::analysis::deductions::analyze_deductions;
use tcbill_core::analysis::packages::package_usage;
use tcbill_core::{parse_file, Dataset};

/// Ten days of a CVM instance (10 12 11 9 13 10 12 11 10, then 30 on an upgraded instance type on
/// day 10), a disk in a new region on day 9 without a `team` tag, and CDN traffic a 100 GB
/// package covered until it ran out with the usage of day 3.
const BILL: &str =
    "产品名称,计费模式,地域,资源ID,实例类型,组件名称,开始使用时间,优惠后总价,标签键:team
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-01 00:00:00,10.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-02 00:00:00,12.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-03 00:00:00,11.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-04 00:00:00,9.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-05 00:00:00,13.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-06 00:00:00,10.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-07 00:00:00,12.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-08 00:00:00,11.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.MEDIUM4,CPU,2025-03-09 00:00:00,10.00,web
云服务器CVM,按量计费,华南地区（广州）,ins-a,S5.LARGE16,CPU,2025-03-10 00:00:00,30.00,web
云硬盘CBS,按量计费,华东地区（上海）,disk-b,-,云硬盘,2025-03-09 00:00:00,5.00,-
内容分发网络CDN,按量计费,华南地区（广州）,cdn-web,-,境内流量,2025-03-01 00:00:00,0.00,web
内容分发网络CDN,按量计费,华南地区（广州）,cdn-web,-,境内流量,2025-03-02 00:00:00,0.00,web
内容分发网络CDN,按量计费,华南地区（广州）,cdn-web,-,境内流量,2025-03-03 00:00:00,0.42,web
内容分发网络CDN,按量计费,华南地区（广州）,cdn-web,-,境内流量,2025-03-04 00:00:00,2.10,web
内容分发网络CDN,包年包月,华南地区（广州）,cdn-web,-,境内流量,2025-03-04 00:00:00,9.00,web
内容分发网络CDN,按量计费,华南地区（广州）,cdn-web,-,境内流量,2025-03-05 00:00:00,1.05,web
";

const DEDUCTIONS: &str = "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,用量结束时间
CDN流量包100GB,pkg-1,内容分发网络CDN,总量递减,2025-03-02 01:00:00,100,40,60,GB,内容分发网络CDN,境内流量,40,GB,1,2025-03-01 00:00:00,2025-03-01 23:59:59
CDN流量包100GB,pkg-1,内容分发网络CDN,总量递减,2025-03-03 01:00:00,60,40,20,GB,内容分发网络CDN,境内流量,40,GB,1,2025-03-02 00:00:00,2025-03-02 23:59:59
CDN流量包100GB,pkg-1,内容分发网络CDN,总量递减,2025-03-04 01:00:00,20,20,0,GB,内容分发网络CDN,境内流量,20,GB,1,2025-03-03 00:00:00,2025-03-03 23:59:59
";

fn dataset(files: &[(&str, &[u8])]) -> Dataset {
    let mut dataset = Dataset::new();
    for (name, bytes) in files {
        dataset.add(parse_file(name, bytes));
    }
    dataset
}

fn run(dataset: &Dataset, options: &AlertOptions) -> Alerts {
    let deductions = analyze_deductions(dataset);
    let packages = package_usage(dataset, &deductions);
    let checks = run_checks(dataset, &deductions.rows);
    alerts(dataset, &deductions, &packages, &checks, options)
}

/// One alert in a line: kind, subject, period, currency, amount, expected, threshold, excess,
/// then each cited file's places.
fn line(alert: &Alert) -> String {
    let show = |value: Option<Decimal>| value.map_or("-".to_owned(), |v| v.to_string());
    let rows: Vec<String> = alert
        .rows
        .iter()
        .map(|rows| {
            format!(
                "{}#{}:{}",
                rows.file,
                rows.file_index,
                rows.places.join(",")
            )
        })
        .collect();
    format!(
        "{} {}={} {} {} {} {} {} {} rows {} {}",
        alert.kind.as_str(),
        alert.dimension.as_str(),
        alert.subject,
        alert.period.map_or("-".to_owned(), |p| p.to_string()),
        alert.currency.map_or("-".to_owned(), |c| c.to_string()),
        show(alert.amount),
        show(alert.expected),
        show(alert.threshold),
        show(alert.excess),
        alert.row_count,
        rows.join(" ")
    )
}

#[test]
fn each_rule_fires_with_its_exact_amounts_and_rows() {
    let dataset = dataset(&[
        ("bill.csv", BILL.as_bytes()),
        ("deductions.csv", DEDUCTIONS.as_bytes()),
    ]);
    let found = run(&dataset, &AlertOptions::default());
    let lines: Vec<String> = found.alerts.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            // Day 10 against days 1–9: median 11, MAD 1, 11 + 3 × 1 = 14.
            "daily_spike product=云服务器CVM 2025-03-10 CNY 30.00 11.00 14.00 19.00 rows 1 bill.csv#0:11",
            "daily_spike resource=ins-a 2025-03-10 CNY 30.00 11.00 14.00 19.00 rows 1 bill.csv#0:11",
            "first_appearance instance_type=S5.LARGE16 2025-03-10 CNY 30.00 0.00 - 30.00 rows 1 bill.csv#0:11",
            "first_appearance product=云硬盘CBS 2025-03-09 CNY 5.00 0.00 - 5.00 rows 1 bill.csv#0:12",
            "first_appearance region=华东地区（上海） 2025-03-09 CNY 5.00 0.00 - 5.00 rows 1 bill.csv#0:12",
            // Days 1 and 2 were covered (cost 0): CDN's spend starts on day 3.
            "first_appearance product=内容分发网络CDN 2025-03-03 CNY 0.42 0.00 - 0.42 rows 1 bill.csv#0:15",
            // Day 3's rest, days 4 and 5; the 包年包月 row is no pay-as-you-go charge.
            "pay_as_you_go_after_package package=pkg-1 2025-03-03..2025-03-05 CNY 3.57 0.00 - 3.57 rows 3 bill.csv#0:15,16,18",
            "allocation_gap tag=team 2025-03 CNY 5.00 0.00 - 5.00 rows 1 bill.csv#0:12",
            // The same charges as advice; no purchase row, so no price and no saving.
            "package_worth_buying product=内容分发网络CDN 境内流量 2025-03-03..2025-03-05 CNY 3.57 - - - rows 3 bill.csv#0:15,16,18",
        ]
    );
    assert_eq!(
        found.alerts[0].message,
        "product 云服务器CVM cost 30.00 CNY on 2025-03-10, above median 11.00 + 3 × MAD 1.00 of the 9 \
         days before (threshold 14.00)"
    );
    assert_eq!(
        found.alerts[6].message,
        "package pkg-1 ran out with the usage of 2025-03-03 00:00:00; then 内容分发网络CDN 境内流量 \
         was charged pay-as-you-go 3.57 CNY in 3 rows"
    );
    assert_eq!(
        found.alerts[0].rows[0].rows,
        [9],
        "the table's row, for a drill-down"
    );
    let counts: Vec<String> = found
        .counts
        .iter()
        .map(|count| format!("{} {}", count.kind.as_str(), count.count))
        .collect();
    assert_eq!(
        counts,
        [
            "daily_spike 2",
            "first_appearance 4",
            "pay_as_you_go_after_package 1",
            "allocation_gap 1",
            "self_check 0",
            "deduction_check 0",
            "package_waste 0",
            "package_runs_out_early 0",
            "package_worth_buying 1",
        ]
    );
    assert_eq!(found.options.tag_keys, ["team"]);

    // The report lists the largest of each kind and currency, and counts them all.
    let mut listed = found.clone();
    listed.truncate(1);
    let first = listed
        .alerts
        .iter()
        .filter(|alert| alert.kind.as_str() == "first_appearance")
        .map(line)
        .collect::<Vec<_>>();
    assert_eq!(first, [lines[2].clone()], "the largest excess, 30.00");
    let count = &listed.counts[1];
    assert_eq!((count.count, count.listed), (4, 1));
}

#[test]
fn the_thresholds_are_options() {
    let dataset = dataset(&[("bill.csv", BILL.as_bytes())]);
    // k = 19: 11 + 19 × 1 = 30 is not exceeded.
    let options = AlertOptions {
        spike_k: Decimal::from(19),
        tag_keys: Some(vec!["owner".into()]),
        ..AlertOptions::default()
    };
    let found = run(&dataset, &options);
    let kinds: Vec<String> = found
        .alerts
        .iter()
        .map(|alert| format!("{} {}", alert.kind.as_str(), alert.subject))
        .collect();
    assert!(
        !kinds.iter().any(|kind| kind.starts_with("daily_spike")),
        "{kinds:?}"
    );
    // No row has an `owner` tag: every row with a cost is in the gap.
    let gap = found
        .alerts
        .iter()
        .find(|alert| alert.subject == "owner")
        .expect("an allocation gap for owner");
    assert_eq!(gap.amount, Some("145.57".parse().unwrap()));
    assert_eq!(gap.row_count, 15);
    // Ten days, but only 9 before day 10 and 7 needed; with 10 needed nothing is judged.
    let options = AlertOptions {
        min_history_days: 10,
        ..AlertOptions::default()
    };
    let found = run(&dataset, &options);
    assert_eq!(found.counts[0].count, 0);
}

#[test]
fn failed_checks_are_alerts_citing_their_rows() {
    let bill = std::fs::read(data_path("l3-selfcheck.csv")).unwrap();
    let deductions = std::fs::read(data_path("deduction-export.csv")).unwrap();
    let dataset = dataset(&[
        ("l3-selfcheck.csv", &bill),
        ("deduction-export.csv", &deductions),
    ]);
    let analysis = analyze_deductions(&dataset);
    let checks = run_checks(&dataset, &analysis.rows);
    let found = run(&dataset, &AlertOptions::default());
    let check_alerts: Vec<String> = found
        .alerts
        .iter()
        .filter(|alert| alert.currency.is_none())
        .map(line)
        .collect();
    // Sorted by kind, then subject; a finding without a row (deductions_vs_bill's) cites none.
    let mut expected: Vec<String> = checks
        .iter()
        .filter(|check| !check.mismatches.is_empty())
        .map(|check| format!("self_check check={}", check.id))
        .collect();
    expected.sort();
    assert_eq!(analysis.balance_breaks.len(), 1);
    assert_eq!(analysis.coefficient_mismatches().count(), 0);
    expected.push("deduction_check check=balance".into());
    let subjects: Vec<String> = check_alerts
        .iter()
        .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(subjects, expected, "{check_alerts:#?}");
    assert_eq!(
        check_alerts[1],
        "self_check check=list_price - - - - - - rows 1 l3-selfcheck.csv#0:4"
    );
    assert_eq!(
        check_alerts[4],
        "deduction_check check=balance - - - - - - rows 1 deduction-export.csv#1:4"
    );
}

/// The sample month's packages: two TRTC packages whose burn rate leaves most of them at expiry
/// (no purchase row, so no price), a CDN package running out six days before it expires, and
/// CDN traffic charged pay-as-you-go that a package covers (no price known either).
#[test]
fn package_advice_on_the_sample_month() {
    let sample = std::path::PathBuf::from(common::SAMPLE_MONTH);
    let dataset = common::dataset_of(&[
        sample.join("2025-06-明细账单-L3.csv"),
        sample.join("2025-06-资源包抵扣明细.csv"),
        sample.join("2025-06-资源包总览.csv"),
    ]);
    let found = run(&dataset, &AlertOptions::default());
    let advice: Vec<String> = found
        .alerts
        .iter()
        .filter(|alert| alert.kind.as_str().starts_with("package"))
        .map(|alert| format!("{} | {}", line(alert), alert.message))
        .collect();
    assert_eq!(
        advice,
        [
            "package_waste package=pkg-trtc-0001 2026-05-07 - - - - - rows 0  | package \
             pkg-trtc-0001: 19900 分钟 of 20000 projected to be left unused at expiry at its burn \
             rate (an estimate), no price known: no purchase row of it is loaded",
            "package_waste package=pkg-trtc-0002 2026-05-31 - - - - - rows 0  | package \
             pkg-trtc-0002: 686 分钟 of 10000 projected to be left unused at expiry at its burn \
             rate (an estimate), no price known: no purchase row of it is loaded",
            "package_runs_out_early package=pkg-cdn-0001 2025-06-24 - - - - - rows 0  | package \
             pkg-cdn-0001: at its burn rate of 20.375 GB a day, its 418.25 GB left run out on \
             2025-06-24 13:39:55, before it expires on 2025-06-30 23:59:59",
            "package_worth_buying product=内容分发网络 CDN 境内流量 2025-06-01 CNY 24.0203523 - - - \
             rows 1 2025-06-明细账单-L3.csv#0:5 | 内容分发网络 CDN 境内流量: 134.5678 GB charged \
             pay-as-you-go, 24.0203523 CNY in 1 rows; no price known: no purchase row of a package \
             covering it is loaded",
        ]
    );
    let waste = &found
        .alerts
        .iter()
        .find(|a| a.subject == "pkg-trtc-0002")
        .unwrap();
    assert_eq!(
        (waste.quantity, waste.unit.as_deref()),
        (Some("686".parse().unwrap()), Some("分钟"))
    );
}

/// Three packages cover CDN traffic: 100 GB bought for 20.00 CNY (and, oddly, 3.00 USD), 1 TB
/// for 150.00 CNY and 1 TB for 0.10 USD. Each currency's usage is priced by the cheapest package
/// in its own currency, compared per common unit: 150 CNY/TB is 0.15 CNY/GB, below 0.20 CNY/GB,
/// however the bare numbers compare (0.10 USD/TB is no yuan price at all).
#[test]
fn usage_is_priced_by_the_cheapest_package_of_its_currency_per_common_unit() {
    let bill =
        "产品名称,计费模式,资源ID,组件名称,币种,组件用量,组件用量单位,开始使用时间,优惠后总价
内容分发网络CDN,包年包月,pkg-gb,流量包,CNY,,,2025-03-01 00:00:00,20.00
内容分发网络CDN,包年包月,pkg-gb,流量包,USD,,,2025-03-01 00:00:00,3.00
内容分发网络CDN,包年包月,pkg-tb,流量包,CNY,,,2025-03-01 00:00:00,150.00
内容分发网络CDN,包年包月,pkg-usd,流量包,USD,,,2025-03-01 00:00:00,0.10
内容分发网络CDN,按量计费,cdn-a,境内流量,CNY,50,GB,2025-03-05 00:00:00,15.00
内容分发网络CDN,按量计费,cdn-b,境内流量,USD,20,GB,2025-03-05 00:00:00,1.00
";
    let deductions = "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,用量结束时间
CDN流量包100GB,pkg-gb,内容分发网络CDN,总量递减,2025-03-02 01:00:00,100,10,90,GB,内容分发网络CDN,境内流量,10,GB,1,2025-03-01 00:00:00,2025-03-01 23:59:59
CDN流量包1TB,pkg-tb,内容分发网络CDN,总量递减,2025-03-02 01:00:00,1,0.01,0.99,TB,内容分发网络CDN,境内流量,10,GB,1,2025-03-01 00:00:00,2025-03-01 23:59:59
CDN流量包1TB,pkg-usd,内容分发网络CDN,总量递减,2025-03-02 01:00:00,1,0.01,0.99,TB,内容分发网络CDN,境内流量,10,GB,1,2025-03-01 00:00:00,2025-03-01 23:59:59
";
    // pkg-gb expired on day 3 with 90 GB left, bought in two currencies: no one price.
    let overview = "资源包名称/资源包ID,产品名称,子产品名称,地域/可用区,状态/资源类型,容量单位,单周期剩余量/总量,单周期开始/结束时间,周期剩余数量/总数,总剩余量/总量,生效/到期时间,续费方式
CDN流量包100GB/pkg-gb,内容分发网络CDN,CDN流量,中国大陆/-,已过期/总量递减,GB,-,-,-,90/100,2025-03-01 00:00:00/2025-03-03 23:59:59,不续费
";
    let dataset = dataset(&[
        ("bill.csv", bill.as_bytes()),
        ("deductions.csv", deductions.as_bytes()),
        ("overview.csv", overview.as_bytes()),
    ]);
    let found = run(&dataset, &AlertOptions::default());
    let advice: Vec<String> = found
        .alerts
        .iter()
        .filter(|alert| alert.kind.as_str().starts_with("package"))
        .map(|alert| format!("{} | {}", line(alert), alert.message))
        .collect();
    assert_eq!(
        advice,
        [
            "package_waste package=pkg-gb 2025-03-03 - - - - - rows 0  | package pkg-gb: 90 GB \
             of 100 left unused when it expired, no price known: its purchase rows are in CNY and \
             USD, so it has no one price",
            "package_worth_buying product=内容分发网络CDN 境内流量 2025-03-05 CNY 15.00 7.50 - 7.50 \
             rows 2 bill.csv#0:4,6 | 内容分发网络CDN 境内流量: 0.05 TB charged pay-as-you-go, \
             15.00 CNY in 1 rows; at package pkg-tb's 150 CNY/TB (150.00 paid in bill.csv:4) it \
             would have cost 7.50, saving 7.50",
            "package_worth_buying product=内容分发网络CDN 境内流量 2025-03-05 USD 1.00 0.00 - 1.00 \
             rows 2 bill.csv#0:5,7 | 内容分发网络CDN 境内流量: 0.02 TB charged pay-as-you-go, \
             1.00 USD in 1 rows; at package pkg-usd's 0.1 USD/TB (0.10 paid in bill.csv:5) it \
             would have cost 0.00, saving 1.00",
        ]
    );

    // Without the yuan purchase rows, the yuan usage has no price: not for want of a purchase row.
    let dollars_only: String = bill
        .lines()
        .filter(|line| !line.starts_with("内容分发网络CDN,包年包月") || line.contains(",USD,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let dataset = self::dataset(&[
        ("bill.csv", dollars_only.as_bytes()),
        ("deductions.csv", deductions.as_bytes()),
    ]);
    let found = run(&dataset, &AlertOptions::default());
    assert_eq!(
        found.alerts[0].message,
        "内容分发网络CDN 境内流量: 50 GB charged pay-as-you-go, 15.00 CNY in 1 rows; no price \
         known in CNY: the purchase rows of the packages covering it are in USD"
    );
}

/// January's last day and March 1 to 8 loaded, February not: February is no history of zeros.
/// March 8's history is the 7 covered days before it (10.00 each), so 13.00 is a spike above
/// 10.00 + 3 × 0.50; March 1 to 7 have fewer than 7 covered days before them and are not judged.
#[test]
fn days_without_any_row_are_no_history() {
    let mut bill = "产品名称,组件名称,开始使用时间,优惠后总价\n".to_owned();
    bill += "云服务器CVM,CPU,2025-01-31 00:00:00,10.00\n";
    for day in 1..=7 {
        bill += &format!("云服务器CVM,CPU,2025-03-0{day} 00:00:00,10.00\n");
    }
    bill += "云服务器CVM,CPU,2025-03-08 00:00:00,13.00\n";
    let dataset = dataset(&[("bill.csv", bill.as_bytes())]);
    let found = run(&dataset, &AlertOptions::default());
    let lines: Vec<String> = found
        .alerts
        .iter()
        .map(|alert| format!("{} | {}", line(alert), alert.message))
        .collect();
    assert_eq!(
        lines,
        [
            "daily_spike product=云服务器CVM 2025-03-08 CNY 13.00 10.00 11.50 3.00 rows 1 \
             bill.csv#0:10 | product 云服务器CVM cost 13.00 CNY on 2025-03-08, above median \
             10.00 + 3 × MAD 0.50 of the 7 days before (threshold 11.50)"
        ]
    );
}

/// The `alerts` CSV table carries each alert's quantity and unit: a package's waste is a quantity
/// before it is money (the sample month's pkg-trtc-0002 has no price, only 686 分钟).
#[test]
fn the_alerts_table_has_quantity_and_unit() {
    let sample = std::path::PathBuf::from(common::SAMPLE_MONTH);
    let dataset = common::dataset_of(&[
        sample.join("2025-06-明细账单-L3.csv"),
        sample.join("2025-06-资源包抵扣明细.csv"),
        sample.join("2025-06-资源包总览.csv"),
    ]);
    let report = tcbill_core::Report::build(&dataset, &tcbill_core::ReportOptions::default());
    let table = report
        .csv_tables()
        .into_iter()
        .find(|table| table.name == "alerts")
        .unwrap();
    let column = |name: &str| table.header.iter().position(|h| h == name).unwrap();
    let waste = table
        .rows
        .iter()
        .find(|row| row[column("subject")] == "pkg-trtc-0002")
        .unwrap();
    assert_eq!(
        (
            waste[column("kind")].as_str(),
            waste[column("amount")].as_str(),
            waste[column("quantity")].as_str(),
            waste[column("unit")].as_str()
        ),
        ("package_waste", "", "686", "分钟")
    );
}
