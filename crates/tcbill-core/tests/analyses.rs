//! The analyses on the sample month, the official API examples and small hand-made fixtures,
//! with hand-computed expected values.

mod common;

use std::path::PathBuf;

use common::{dataset_of, dec, read_data, sample_month, API_FIXTURES};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
use tcbill_core::analysis::checks::{run_checks, Check};
use tcbill_core::analysis::cost::{summarize, summarize_each, Dimension, Filter, Summary};
use tcbill_core::analysis::currency::Currency;
use tcbill_core::analysis::deductions::{
    analyze_deductions, CoefficientCheck, DeductionAnalysis, DeductionFilter, FindingFilter,
};
use tcbill_core::analysis::packages::{burn_down, package_usage};
use tcbill_core::analysis::series::downsample;
use tcbill_core::analysis::share::percent_shares;
use tcbill_core::analysis::usage::{usage_points, usage_statistics, UsageOptions};
use tcbill_core::analysis::RowRef;
use tcbill_core::{parse_file, TableKind};

/// `key | RealTotalCost | ratio` per group.
fn groups(summary: &Summary) -> Vec<String> {
    summary
        .groups()
        .map(|group| {
            format!(
                "{} | {} | {}",
                group.key.join(" / "),
                group.amounts.real_total_cost.unwrap(),
                group
                    .real_total_cost_ratio
                    .map_or("-".into(), |r| r.to_string())
            )
        })
        .collect()
}

#[test]
fn shares_reproduce_the_official_real_total_cost_ratios() {
    for name in [
        "DescribeBillSummaryByProduct.intl-page.example1.json",
        "DescribeBillSummaryByProduct.example1.json",
    ] {
        let dataset = dataset_of(&[PathBuf::from(API_FIXTURES).join(name)]);
        let table = dataset.tables(TableKind::BillSummary).next().unwrap();
        let costs: Vec<Decimal> = (0..table.row_count())
            .map(|row| table.decimal("RealTotalCost", row).unwrap())
            .collect();
        let official: Vec<String> = (0..table.row_count())
            .map(|row| {
                table
                    .decimal("RealTotalCostRatio", row)
                    .unwrap()
                    .to_string()
            })
            .collect();
        let ours: Vec<String> = percent_shares(&costs)
            .unwrap()
            .iter()
            .map(Decimal::to_string)
            .collect();
        assert_eq!(ours, official, "{name}");
    }
}

#[test]
fn rounding_each_share_alone_would_not_add_up() {
    let dataset =
        dataset_of(&[PathBuf::from(API_FIXTURES)
            .join("DescribeBillSummaryByProduct.intl-page.example1.json")]);
    let table = dataset.tables(TableKind::BillSummary).next().unwrap();
    let costs: Vec<Decimal> = (0..table.row_count())
        .map(|row| table.decimal("RealTotalCost", row).unwrap())
        .collect();
    let total: Decimal = costs.iter().sum();
    let half_up: Decimal = costs
        .iter()
        .map(|cost| {
            (cost * Decimal::ONE_HUNDRED / total).round_dp_with_strategy(2, MidpointAwayFromZero)
        })
        .sum();
    assert_eq!(half_up, dec("99.99"));
    assert_eq!(percent_shares(&costs).unwrap()[0], dec("78.53"));
    assert_eq!(
        summarize(&dataset, &[], &[]).row_count,
        0,
        "summary responses are not cost rows"
    );
}

#[test]
fn sample_bill_by_product_matches_the_summary_response() {
    let summary = summarize(&sample_month(), &[Dimension::Product], &[]);
    assert_eq!(summary.source.as_deref(), Some("BillDetails"));
    assert_eq!(summary.row_count, 6);
    assert_eq!(
        groups(&summary),
        [
            "云服务器 | 460.8 | 82.34",
            "对象存储 | 60.416 | 10.80",
            "内容分发网络 CDN | 24.0203523 | 4.29",
            "负载均衡 | 14.4 | 2.57",
        ]
    );
    let total = &summary.currency(Currency::CNY).unwrap().total;
    assert_eq!(total.real_total_cost, Some(dec("559.6363523")));
    assert_eq!(total.total_cost, Some(dec("592.675238")));
    assert_eq!(total.cash_pay_amount, Some(dec("514.4363523")));
    assert_eq!(total.voucher_pay_amount, Some(dec("25.20")));
    assert_eq!(total.incentive_pay_amount, Some(dec("20.00")));
    assert_eq!(
        total.transfer_pay_amount, None,
        "the sample has no 分成金 column"
    );
    assert_eq!(total.tax, None);
}

#[test]
fn two_dimensions_tags_and_filters() {
    let dataset = sample_month();
    let summary = summarize(
        &dataset,
        &[Dimension::Tag("env".into()), Dimension::Project],
        &[],
    );
    assert_eq!(
        groups(&summary),
        [
            "prod / web | 312.0203523 | 55.75",
            "staging / api | 172.8 | 30.88",
            "prod / data | 60.416 | 10.80",
            "staging / web | 14.4 | 2.57",
        ]
    );
    let filtered = summarize(
        &dataset,
        &[Dimension::Component],
        &[Filter {
            dimension: Dimension::Product,
            values: vec!["云服务器".into()],
        }],
    );
    assert_eq!(
        groups(&filtered),
        ["CPU | 345.6 | 75.00", "内存 | 115.2 | 25.00"]
    );
    let by_month = summarize(&dataset, &[Dimension::Month, Dimension::Day], &[]);
    assert_eq!(
        groups(&by_month),
        ["2025-06 / 2025-06-01 | 559.6363523 | 100.00"]
    );
}

/// The report's total and breakdowns come from one pass (`summarize_each`): each is the summary
/// its grouping gives alone, groupings sharing dimensions, in two currencies, under a filter.
#[test]
fn groupings_summed_in_one_pass_are_each_the_summary_alone() {
    let mut two_currencies = sample_month();
    for name in ["l3-cn-2024-11.csv", "l3-intl-en.csv"] {
        two_currencies.add(parse_file(name, &read_data(name)));
    }
    let groupings: [&[Dimension]; 7] = [
        &[],
        &[Dimension::Product],
        &[Dimension::Product, Dimension::Component],
        &[Dimension::Component, Dimension::Product],
        &[Dimension::Month, Dimension::Day],
        &[Dimension::Tag("env".into()), Dimension::Region],
        &[Dimension::Currency, Dimension::Product, Dimension::Product],
    ];
    let cvm = [Filter {
        dimension: Dimension::Product,
        values: vec!["云服务器".into()],
    }];
    for filters in [&[][..], &cvm[..]] {
        let together = summarize_each(&two_currencies, &groupings, filters);
        assert_eq!(together.len(), groupings.len());
        for (summary, group_by) in together.iter().zip(groupings) {
            assert_eq!(
                summary,
                &summarize(&two_currencies, group_by, filters),
                "{group_by:?}"
            );
        }
    }
    assert!(summarize_each(&two_currencies, &[], &[]).is_empty());
}

/// A row without 账单月份 whose usage began in one month and was charged in the next belongs to
/// the month it was charged: its currency's periods and the Month dimension agree (they once read
/// 扣费时间 and 开始使用时间 in opposite orders, so the row counted in July's total and showed
/// under June).
#[test]
fn a_row_charged_after_its_month_ends_is_in_the_charge_month_everywhere() {
    let csv = "产品名称,组件名称,优惠后总价,现金账户支出(元),扣费时间,开始使用时间\n\
               云服务器,CPU,12.50,12.50,2025-07-01 00:30:00,2025-06-30 23:00:00\n\
               云服务器,CPU,7.25,7.25,2025-07-02 01:00:00,2025-07-02 00:00:00\n";
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file("edge.csv", csv.as_bytes()));
    let by_month = summarize(&dataset, &[Dimension::Month], &[]);
    assert_eq!(by_month.currencies.len(), 1);
    let periods: Vec<String> = by_month.currencies[0]
        .periods
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(periods, ["2025-07"]);
    assert_eq!(groups(&by_month), ["2025-07 | 19.75 | 100.00"]);
}

proptest! {
    #[test]
    fn shares_always_add_up_to_exactly_one_hundred(
        cents in proptest::collection::vec(-1_000_000_000i64..1_000_000_000_000, 1..40)
    ) {
        let values: Vec<Decimal> = cents.iter().map(|&c| Decimal::new(c, 8)).collect();
        let total: Decimal = values.iter().sum();
        match percent_shares(&values) {
            None => prop_assert!(total.is_zero()),
            Some(shares) => {
                prop_assert_eq!(shares.iter().sum::<Decimal>(), Decimal::new(10_000, 2));
                for (share, value) in shares.iter().zip(&values) {
                    prop_assert_eq!(share.scale(), 2);
                    let exact = value * Decimal::ONE_HUNDRED / total;
                    prop_assert!((share - exact).abs() < Decimal::new(1, 2));
                }
            }
        }
    }

    #[test]
    fn group_totals_always_equal_the_grand_total(
        rows in proptest::collection::vec((0usize..4, 0usize..3, -100_000i64..10_000_000), 1..60)
    ) {
        let products = ["云服务器", "对象存储", "内容分发网络 CDN", "负载均衡"];
        let regions = ["广州", "上海", "北京"];
        let mut csv = String::from("产品名称,地域,组件名称,优惠后总价,现金账户支出(元)\n");
        for (product, region, cost) in &rows {
            let cost = Decimal::new(*cost, 4);
            csv.push_str(&format!("{},{},CPU,{cost},{cost}\n", products[*product], regions[*region]));
        }
        let mut dataset = tcbill_core::Dataset::new();
        dataset.add(tcbill_core::parse_file("random.csv", csv.as_bytes()));
        let summary = summarize(&dataset, &[Dimension::Product, Dimension::Region], &[]);
        let expected: Decimal = rows.iter().map(|(_, _, cost)| Decimal::new(*cost, 4)).sum();
        prop_assert_eq!(summary.currencies.len(), 1);
        prop_assert_eq!(summary.currencies[0].total.real_total_cost, Some(expected));
        let grouped: Decimal = summary.groups().map(|g| g.amounts.real_total_cost.unwrap()).sum();
        prop_assert_eq!(grouped, expected);
        let cash: Decimal = summary.groups().map(|g| g.amounts.cash_pay_amount.unwrap()).sum();
        prop_assert_eq!(cash, expected);
        if !expected.is_zero() {
            let shares: Decimal = summary.groups().map(|g| g.real_total_cost_ratio.unwrap()).sum();
            prop_assert_eq!(shares, Decimal::new(10_000, 2));
        }
    }
}

/// One line per row whose coefficient is not ok, and per balance break or refresh.
fn deduction_findings(analysis: &DeductionAnalysis) -> Vec<String> {
    let mut lines = Vec::new();
    for row in &analysis.rows {
        let where_ = format!("{} {}", row.source, row.package_id);
        match &row.coefficient_check {
            CoefficientCheck::Ok => {}
            CoefficientCheck::Mismatch {
                converted_dosage,
                expected_actual_dosage,
            } => lines.push(format!(
                "coefficient {where_}: {} {} = {converted_dosage} {}, exported {} → expected {expected_actual_dosage}, deducted {}, recomputed {}",
                row.dosage.unwrap(),
                row.dosage_unit.as_deref().unwrap(),
                row.package_unit.as_deref().unwrap(),
                row.exported_coefficient.unwrap(),
                row.actual_dosage.unwrap(),
                row.recomputed_coefficient.unwrap(),
            )),
            CoefficientCheck::NotChecked { reason } => {
                lines.push(format!("not checked {where_}: {reason}"))
            }
        }
    }
    for found in &analysis.balance_breaks {
        lines.push(format!(
            "{:?} break {} {}: previous {:?} at {}, expected {} found {} ({})",
            found.break_type,
            found.package_id,
            found.deduction_time.unwrap(),
            found.previous.as_ref().and_then(|previous| previous.line),
            found.row,
            found.expected,
            found.found,
            found.difference
        ));
    }
    for refresh in &analysis.period_refreshes {
        lines.push(format!(
            "refresh {} at {}: {} unused",
            refresh.package_id, refresh.row, refresh.unused_capacity
        ));
    }
    lines
}

#[test]
fn sample_deductions_have_exactly_the_planted_faults() {
    let analysis = analyze_deductions(&sample_month());
    assert_eq!(analysis.rows.len(), 7);
    assert_eq!(
        deduction_findings(&analysis),
        [
            "coefficient 2025-06-资源包抵扣明细.csv:8 pkg-trtc-0002: 1000.000000000 秒 = 16.666666667 分钟, exported 1 → expected 16.666666667, deducted 16.000000000, recomputed 0.96",
            "Chain break pkg-cdn-0001 2025-06-04 01:00:10: previous Some(4) at 2025-06-资源包抵扣明细.csv:5, expected 437.250000000 found 437.000000000 (-0.250000000)",
        ]
    );
    let cdn = &analysis.rows[0];
    assert_eq!(
        cdn.recomputed_coefficient,
        Some(dec("1")),
        "12500 MB = 12.5 GB at CDN's base 1000"
    );
    let trtc = &analysis.rows[4];
    assert_eq!(trtc.package_id, "pkg-trtc-0001");
    assert_eq!(
        trtc.recomputed_coefficient,
        Some(dec("1")),
        "17.6 秒 = 0.293333333 分钟"
    );
    assert_eq!(analysis.coefficient_mismatches().count(), 1);
}

#[test]
fn sample_deduction_rows_filter_by_finding_and_package() {
    let analysis = analyze_deductions(&sample_month());
    let select = |findings, package: Option<&str>| {
        let filter = DeductionFilter {
            findings,
            package_id: package.map(str::to_owned),
        };
        let rows: Vec<u64> = analysis
            .select(&filter)
            .into_iter()
            .map(|index| analysis.rows[index].source.line.unwrap())
            .collect();
        rows
    };
    // Rows are in package order (cdn, trtc-0001, trtc-0002), then 抵扣时间: here file order.
    assert_eq!(select(FindingFilter::All, None), [2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(select(FindingFilter::CoefficientMismatches, None), [8]);
    assert_eq!(select(FindingFilter::BalanceBreaks, None), [5]);
    assert_eq!(select(FindingFilter::AnyFinding, None), [5, 8]);
    assert_eq!(select(FindingFilter::All, Some("pkg-trtc-0002")), [7, 8]);
    assert_eq!(
        select(FindingFilter::BalanceBreaks, Some("pkg-trtc-0002")),
        [0_u64; 0]
    );
    assert_eq!(
        select(FindingFilter::All, Some("no-such-package")),
        [0_u64; 0]
    );

    let row_4 = &analysis.rows[3].source;
    let breaks: Vec<String> = analysis
        .breaks_at(row_4)
        .map(|b| {
            format!(
                "{:?} {} {} {}",
                b.break_type, b.expected, b.found, b.difference
            )
        })
        .collect();
    assert_eq!(breaks, ["Chain 437.250000000 437.000000000 -0.250000000"]);
    assert_eq!(analysis.breaks_at(&analysis.rows[2].source).count(), 0);
}

#[test]
fn sample_burn_down_is_the_balance_after_each_deduction() {
    let analysis = analyze_deductions(&sample_month());
    let lines: Vec<String> = burn_down(&analysis)
        .into_iter()
        .map(|(package, points)| {
            let points: Vec<String> = points.iter().map(|(t, v)| format!("{t}={v}")).collect();
            format!("{package}: {}", points.join(", "))
        })
        .collect();
    assert_eq!(
        lines,
        [
            "pkg-cdn-0001: 2025-06-01 01:00:12=487.500000000, 2025-06-02 01:00:09=457.250000000, \
             2025-06-03 01:00:11=437.250000000, 2025-06-04 01:00:10=418.250000000",
            "pkg-trtc-0001: 2025-06-03 04:10:46=19999.706666667",
            "pkg-trtc-0002: 2025-06-03 04:10:47=9990.400000000, 2025-06-03 04:10:47=9974.400000000",
        ]
    );
}

#[test]
fn usage_points_of_a_series_in_time_order_and_downsampled_with_the_peak() {
    let dataset = dataset_of(&[common::data_path("usage-cdn-3days.csv")]);
    let points = usage_points(&dataset, UsageOptions::default(), 0).unwrap();
    assert_eq!(points.len(), 864);
    assert_eq!(points[0].0.to_string(), "2025-06-01 00:00:00");
    assert_eq!(points[1].1, dec("2"));
    assert!(points.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert_eq!(usage_points(&dataset, UsageOptions::default(), 1), None);
    // 864 points into 100: 50 buckets of 17 or 18, each keeping its low and high. Day 1 rises
    // 1..288 (16 buckets, 2 points each), day 2 is 0 and day 3 is 0.5 (16 flat buckets each, 1
    // point), and the two buckets that straddle a day keep 2: 32 + 16 + 16 + 2 + 2.
    let drawn = downsample(&points, 100);
    assert_eq!(drawn.len(), 68);
    let peak = drawn.iter().max_by_key(|(_, value)| *value).unwrap();
    assert_eq!(
        (peak.0.to_string(), peak.1),
        ("2025-06-01 23:55:00".to_owned(), dec("288"))
    );
}

#[test]
fn period_refreshes_binary_bases_and_unknown_unit_pairs() {
    let analysis = analyze_deductions(&dataset_of(&[common::data_path("deduction-periods.csv")]));
    let order: Vec<String> = analysis
        .rows
        .iter()
        .map(|row| format!("{}:{}", row.package_id, row.source.line.unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            "pkg-ci-01:9",
            "pkg-cls-day:2",
            "pkg-cls-day:4",
            "pkg-cls-day:5",
            "pkg-cls-day:6",
            "pkg-cls-day:7",
            "pkg-eip-01:8",
            "pkg-eip-01:3",
        ]
    );
    assert_eq!(
        deduction_findings(&analysis),
        [
            "not checked deduction-periods.csv:9 pkg-ci-01: cannot convert 小时 to 次",
            "Row break pkg-cls-day 2025-08-02 12:00:00: previous None at deduction-periods.csv:6, expected 7.00 found 7.50 (0.50)",
            "refresh pkg-cls-day at deduction-periods.csv:5: 8.00 unused",
        ]
    );
    let eip = &analysis.rows[6];
    assert_eq!(
        eip.recomputed_coefficient,
        Some(dec("1")),
        "2048 MB = 2 GB at EIP's base 1024"
    );
    let cls = &analysis.rows[1];
    assert_eq!(cls.recomputed_coefficient, Some(dec("0.15")));
}

#[test]
fn official_deduction_example_checks_out() {
    let analysis =
        analyze_deductions(&dataset_of(&[PathBuf::from(API_FIXTURES)
            .join("DescribeMeasureConsoleDeductionDetails.example1.json")]));
    assert_eq!(deduction_findings(&analysis), Vec::<String>::new());
    assert_eq!(
        analysis.rows[0].recomputed_coefficient,
        Some(dec("0.149987"))
    );
}

/// `id status checked=N` then one line per mismatch or unchecked row.
fn check_lines(checks: &[Check]) -> Vec<String> {
    let mut lines = Vec::new();
    for check in checks {
        lines.push(format!(
            "{} {:?} checked={}{}",
            check.id,
            check.status,
            check.rows_checked,
            check
                .skipped_reason
                .as_ref()
                .map_or(String::new(), |reason| format!(" ({reason})"))
        ));
        for finding in &check.mismatches {
            lines.push(format!(
                "  mismatch {} {}: {} expected {} found {} ({})",
                finding.row.as_ref().map_or("-".to_owned(), RowRef::place),
                finding.subject,
                finding.detail,
                finding.expected.unwrap(),
                finding.found.unwrap(),
                finding.difference.unwrap()
            ));
        }
        for finding in &check.not_checked {
            lines.push(format!(
                "  not checked {} {}: {}",
                finding.row.as_ref().map_or("-".to_owned(), RowRef::place),
                finding.subject,
                finding.detail
            ));
        }
    }
    lines
}

#[test]
fn the_sample_month_passes_every_check_it_can_run() {
    let dataset = sample_month();
    let deductions = analyze_deductions(&dataset);
    assert_eq!(
        check_lines(&run_checks(&dataset, &deductions.rows)),
        [
            "list_price Ok checked=6",
            "discount Ok checked=6",
            "payments Ok checked=6",
            "usage_after_deduction Skipped checked=0 (no rows with 组件用量, 原始用量 and 抵扣用量)",
            "summary_vs_details Ok checked=4",
            "deductions_vs_bill Skipped checked=0 (the bill has no 抵扣用量 column)",
        ]
    );
}

#[test]
fn bill_rows_that_fail_the_self_check() {
    let mut dataset = dataset_of(&[common::data_path("l3-selfcheck.csv")]);
    dataset.add(tcbill_core::parse_file(
        "deductions.csv",
        &std::fs::read(PathBuf::from(common::SAMPLE_MONTH).join("2025-06-资源包抵扣明细.csv"))
            .unwrap(),
    ));
    let deductions = analyze_deductions(&dataset);
    assert_eq!(
        check_lines(&run_checks(&dataset, &deductions.rows)),
        [
            "list_price Mismatches checked=6",
            "  mismatch 4 云服务器 / 内存 / ins-1: 原价 differs from 刊例价 × 用量 × 时长 expected 144.00 found 150 (6.00)",
            "  not checked 6 负载均衡 / 实例费 / lb-1: cannot convert 月 to 天",
            "discount Ok checked=7",
            "payments Mismatches checked=7",
            "  mismatch 4 云服务器 / 内存 / ins-1: payments do not add up to the amount due expected 120 found 119.99 (-0.01)",
            "usage_after_deduction Mismatches checked=3",
            "  mismatch 7 云服务器 / CPU / ins-2: 组件用量 differs from 原始用量 − 抵扣用量 expected 3 found 4 (1)",
            "summary_vs_details Skipped checked=0 (no DescribeBillSummaryBy* response loaded)",
            "deductions_vs_bill Mismatches checked=2",
            "  mismatch - 云服务器: the bill's 抵扣用量 differs from the deduction export expected 0 found 2 (2)",
            "  mismatch - 内容分发网络 CDN: the bill's 抵扣用量 differs from the deduction export expected 81.500000000 found 20 (-61.500000000)",
        ]
    );
}

#[test]
fn a_summary_response_that_disagrees_with_the_details() {
    let json = std::fs::read_to_string(
        PathBuf::from(common::SAMPLE_MONTH).join("DescribeBillSummaryByProduct-2025-06.json"),
    )
    .unwrap()
    .replace(
        "\"24.02035230\",\n        \"TotalCost\"",
        "\"24.03035230\",\n        \"TotalCost\"",
    )
    .replace("\"4.29\"", "\"4.30\"");
    let mut dataset = sample_month_without_summary();
    dataset.add(tcbill_core::parse_file("summary.json", json.as_bytes()));
    let checks = run_checks(&dataset, &[]);
    assert_eq!(
        check_lines(&checks[4..5]),
        [
            "summary_vs_details Mismatches checked=4",
            "  mismatch SummaryOverview[1] 内容分发网络 CDN: RealTotalCost differs from the detail rows expected 24.0203523 found 24.03035230 (0.01000000)",
            "  mismatch SummaryOverview[1] 内容分发网络 CDN: RealTotalCostRatio differs from the detail rows' share expected 4.29 found 4.30 (0.01)",
        ]
    );
}

/// A summary that leaves a product out (its row deleted): the detail rows' money for it is in no
/// summary row, which the check says (it said ok, having checked each row the summary has).
#[test]
fn a_summary_response_without_a_product_the_details_have() {
    let path =
        PathBuf::from(common::SAMPLE_MONTH).join("DescribeBillSummaryByProduct-2025-06.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    json["Response"]["SummaryOverview"]
        .as_array_mut()
        .unwrap()
        .retain(|row| row["BusinessCode"] != "p_cdn");
    let mut dataset = sample_month_without_summary();
    dataset.add(tcbill_core::parse_file(
        "summary.json",
        json.to_string().as_bytes(),
    ));
    let checks = run_checks(&dataset, &[]);
    assert_eq!(
        check_lines(&checks[4..5]),
        [
            "summary_vs_details Mismatches checked=3",
            "  mismatch - 内容分发网络 CDN: TotalCost of the detail rows is in no summary row expected 28.259238 found 0 (-28.259238)",
            "  mismatch - 内容分发网络 CDN: RealTotalCost of the detail rows is in no summary row expected 24.0203523 found 0 (-24.0203523)",
            "  mismatch - 内容分发网络 CDN: CashPayAmount of the detail rows is in no summary row expected 24.0203523 found 0 (-24.0203523)",
        ]
    );
}

fn sample_month_without_summary() -> tcbill_core::Dataset {
    dataset_of(&[PathBuf::from(common::SAMPLE_MONTH).join("2025-06-明细账单-L3.csv")])
}

#[test]
fn sample_package_burn_down() {
    let dataset = sample_month();
    let packages = package_usage(&dataset, &analyze_deductions(&dataset));
    let lines: Vec<String> = packages
        .iter()
        .map(|p| {
            format!(
                "{} total {:?} used {} remaining {:?} {:?}% rate {:?}/day exhausts {:?} consumers {:?}",
                p.package_id,
                p.total.map(|d| d.to_string()),
                p.used,
                p.remaining.map(|d| d.to_string()),
                p.utilisation_percent.map(|d| d.to_string()),
                p.daily_burn_rate.map(|d| d.to_string()),
                p.projected_exhaustion.map(|t| t.to_string()),
                p.consumers.iter().map(|c| format!("{}/{}={}", c.product, c.item, c.used)).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "pkg-cdn-0001 total Some(\"500.000000000\") used 81.500000000 remaining Some(\"418.250000000\") Some(\"16.35\")% rate Some(\"20.375000\")/day exhausts Some(\"2025-06-24 13:39:55\") consumers [\"内容分发网络 CDN/境内流量=81.500000000\"]",
            "pkg-trtc-0001 total Some(\"20000.000000000\") used 0.293333333 remaining Some(\"19999.706666667\") Some(\"0.00\")% rate Some(\"0.293333\")/day exhausts Some(\"2212-02-05 01:40:31\") consumers [\"实时音视频/智能识别时长=0.293333333\"]",
            "pkg-trtc-0002 total Some(\"10000.000000000\") used 25.600000000 remaining Some(\"9974.400000000\") Some(\"0.26\")% rate Some(\"25.600000\")/day exhausts Some(\"2026-06-27 19:10:47\") consumers [\"实时音视频/智能识别时长=25.600000000\"]",
        ]
    );
}

#[test]
fn packages_with_the_overview() {
    let dataset = dataset_of(&[
        common::data_path("deduction-export.csv"),
        common::data_path("package-overview.csv"),
    ]);
    let packages = package_usage(&dataset, &analyze_deductions(&dataset));
    let trtc = &packages[0];
    assert_eq!(trtc.package_id, "2000002755");
    assert_eq!(trtc.total, Some(dec("20000")), "from the overview");
    assert_eq!(trtc.remaining, Some(dec("19999.706666667")));
    assert_eq!(trtc.expires.unwrap().to_string(), "2026-05-07 23:59:59");
    assert_eq!(trtc.exhausts_before_expiry, Some(false));
    let cls = &packages[1];
    assert_eq!(cls.package_id, "cls-a1weqa3test");
    assert_eq!(cls.package_type.as_deref(), Some("周期递减"));
    assert_eq!(
        cls.utilisation_percent,
        Some(dec("0.03")),
        "(120 − 119.96193018) / 120"
    );
    assert_eq!(cls.projected_exhaustion, None, "period packages refresh");
    assert_eq!(cls.expired_unused, Some(Decimal::ZERO));
    let periods = dataset_of(&[common::data_path("deduction-periods.csv")]);
    let packages = package_usage(&periods, &analyze_deductions(&periods));
    let cls_day = packages
        .iter()
        .find(|p| p.package_id == "pkg-cls-day")
        .unwrap();
    assert_eq!(
        cls_day.expired_unused,
        Some(dec("8.00")),
        "the first period ended with 8.00 U left"
    );
    assert_eq!(cls_day.used, dec("5.75"));
    assert_eq!(
        cls_day.total, None,
        "a period package's total needs the overview"
    );
}

#[test]
fn usage_series_with_a_known_95th_percentile() {
    let series = usage_statistics(
        &dataset_of(&[common::data_path("usage-cdn-3days.csv")]),
        UsageOptions::default(),
    );
    assert_eq!(series.len(), 1);
    let bandwidth = &series[0];
    assert_eq!(bandwidth.metric, "带宽(Mbps)");
    assert_eq!(bandwidth.unit.as_deref(), Some("Mbps"));
    assert_eq!(bandwidth.point_count, 864);
    assert_eq!(bandwidth.total, dec("41760"));
    assert_eq!(bandwidth.peak, dec("288"));
    assert_eq!(bandwidth.peak_at.to_string(), "2025-06-01 23:55:00");
    // 2025-06-02 is all zero, so not a valid day: 576 points, the 28 highest dropped.
    assert_eq!(bandwidth.valid_days, 2);
    assert_eq!(bandwidth.percentile_95_points, 576);
    assert_eq!(bandwidth.percentile_95, Some(dec("260")));
    let peaks: Vec<String> = bandwidth
        .daily_peaks
        .iter()
        .map(|day| format!("{} {} {}", day.day, day.peak, day.at))
        .collect();
    assert_eq!(
        peaks,
        [
            "2025-06-01 288 2025-06-01 23:55:00",
            "2025-06-03 0.5 2025-06-03 00:00:00"
        ]
    );
    assert_eq!(bandwidth.daily_peak_average, Some(dec("144.25")));
}

#[test]
fn traffic_becomes_bandwidth_where_asked_with_the_products_bases() {
    let asked = UsageOptions {
        bandwidth_from_traffic: true,
    };
    let cdn = dataset_of(&[common::data_path("usage-cdn-5min.csv")]);
    assert_eq!(usage_statistics(&cdn, UsageOptions::default()).len(), 2);
    let series = usage_statistics(&cdn, asked);
    let metrics: Vec<&str> = series.iter().map(|series| series.metric.as_str()).collect();
    assert_eq!(metrics, ["带宽(Mbps)", "流量(GB)", "带宽(Mbps)←流量(GB)"]);
    // The product is named by the export's title line, `内容分发网络 CDN 5分钟明细`.
    assert!(series
        .iter()
        .all(|series| series.product == "内容分发网络 CDN"));
    let derived = &series[2];
    assert_eq!(
        derived.derived_from.as_deref(),
        Some("流量(GB) per 300 s, 1 GB = 8000 Mb")
    );
    assert_eq!(derived.unit.as_deref(), Some("Mbps"));
    // The chart's points of the derived series are the ones its statistics were taken from.
    let points = usage_points(&cdn, asked, 2).unwrap();
    assert_eq!(
        points
            .iter()
            .map(|(_, mbps)| mbps.to_string())
            .collect::<Vec<_>>(),
        ["12.346667", "10.000"]
    );
    // 0.463 GB in 300 s = 0.463 × 8000 Mb / 300 s = 12.3466… Mbps (the export measured 12.345).
    assert_eq!(derived.peak, dec("12.346667"));
    assert_eq!(derived.total, dec("22.346667"));
    assert_eq!(series[1].bandwidth_not_derived, None);

    // EIP publishes a 1024 base for bytes but none for bits: no guess, a reason.
    let eip_csv =
        "时间,实例ID,流量(GB)\n2025-06-01 00:00:00,eip-1,1\n2025-06-01 00:05:00,eip-1,2\n";
    let mut eip = tcbill_core::Dataset::new();
    eip.add(tcbill_core::parse_file("eip-usage.csv", eip_csv.as_bytes()));
    let series = usage_statistics(&eip, asked);
    assert_eq!(series.len(), 1);
    assert_eq!(
        series[0].bandwidth_not_derived.as_deref(),
        Some("cannot convert GB to Mb (no 1000/1024 base is published for bits of this product)")
    );
}

/// A finding names the line an editor (and the row Excel) shows, whatever precedes it: a title
/// line, the header, a cell spanning two lines and a rejected row. The rows below the rejected
/// one used to be named one too early (a table index), and every row one less than Excel's.
#[test]
fn findings_name_the_line_excel_shows_after_a_title_a_multi_line_cell_and_a_rejected_row() {
    let lines = std::fs::read_to_string(common::data_path("l3-selfcheck.csv")).unwrap();
    let mut lines = lines.lines();
    let header = lines.next().unwrap();
    let bill = format!(
        "2025年06月 明细账单\n\
         {header}\n\
         \"云服务器\n(华北)\",CPU,ins-1,0.12,元/核/小时,2,核,720,小时,172.8,1,0,172.8,0,0,172.8,2,0\n\
         云服务器,CPU,ins-x,0.12,元/核/小时,2,核,720,小时,12.3.4,1,0,172.8,0,0,172.8,2,0\n\
         云服务器,内存,ins-1,0.05,元/GB/小时,4,GB,720,小时,150,0.8,0,120,0,0,119.99,-,-\n"
    );
    let parsed = tcbill_core::parse_file("titled.csv", bill.as_bytes());
    assert_eq!(
        parsed[0]
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["titled.csv:5 column 组件原价: \"12.3.4\" is not a number"]
    );
    let mut dataset = tcbill_core::Dataset::default();
    dataset.add(parsed);
    let checks = run_checks(&dataset, &[]);
    let payments = checks.iter().find(|check| check.id == "payments").unwrap();
    let row = payments.mismatches[0].row.as_ref().unwrap();
    assert_eq!(
        (row.to_string(), row.line, row.record.as_deref()),
        ("titled.csv:6".to_owned(), Some(6), None)
    );
    assert_eq!(
        serde_json::to_value(row).unwrap(),
        serde_json::json!({ "file": "titled.csv", "line": 6 })
    );
}

/// The sample's packages in the figures their sentences say: what is left at expiry, the use the
/// deduction rows do not show, and an exhausted package's day instead of a projection in the past.
#[test]
fn packages_say_what_is_left_at_expiry_and_what_the_rows_do_not_show() {
    let dataset = dataset_of(&[
        PathBuf::from(common::SAMPLE_MONTH).join("2025-06-资源包抵扣明细.csv"),
        PathBuf::from(common::SAMPLE_MONTH).join("2025-06-资源包总览.csv"),
    ]);
    let packages = package_usage(&dataset, &analyze_deductions(&dataset));
    let lines: Vec<String> = packages
        .iter()
        .map(|p| {
            format!(
                "{}: used {} remaining {:?} burn {:?} expires {:?} unused {:?} outside {:?} exhausted {:?}",
                p.package_id,
                p.used,
                p.remaining,
                p.daily_burn_rate,
                p.expires.map(|t| t.to_string()),
                p.unused_at_expiry,
                p.used_outside_deduction_rows,
                p.exhausted_on.map(|t| t.to_string()),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            // Runs out about 2025-06-24, before it expires; the overview's 0.25 GB more is the
            // planted chain break.
            "pkg-cdn-0001: used 81.500000000 remaining Some(418.250000000) burn Some(20.375000) expires Some(\"2025-06-30 23:59:59\") unused None outside Some(0.250000000) exhausted None",
            "pkg-trtc-0001: used 0.293333333 remaining Some(19999.706666667) burn Some(0.293333) expires Some(\"2026-05-07 23:59:59\") unused Some(19900) outside None exhausted None",
            // 9974.4 − 25.6 a day × 362.83 days.
            "pkg-trtc-0002: used 25.600000000 remaining Some(9974.400000000) burn Some(25.600000) expires Some(\"2026-05-31 23:59:59\") unused Some(686) outside None exhausted None",
        ]
    );
}

/// A drill-down row names the line Excel shows for it (the header is line 1).
#[test]
fn drill_down_rows_name_the_line_excel_shows() {
    let dataset = sample_month();
    let rows = tcbill_core::analysis::cost::filtered_rows(&dataset, &[]);
    let first = tcbill_core::analysis::cost::row_cells(&dataset, rows[0]);
    assert_eq!(first[0], "2025-06-明细账单-L3.csv:2");
}

#[test]
fn a_bill_loaded_twice_is_checked_once() {
    let month = PathBuf::from(common::SAMPLE_MONTH);
    let l3 = month.join("2025-06-明细账单-L3.csv");
    let deductions = month.join("2025-06-资源包抵扣明细.csv");
    let once = dataset_of(&[l3.clone(), deductions.clone()]);
    let mut twice = dataset_of(&[l3.clone(), deductions]);
    twice.add(tcbill_core::parse_file(
        "copy-of-L3.csv",
        &std::fs::read(&l3).unwrap(),
    ));
    let lines = |dataset: &tcbill_core::Dataset| {
        check_lines(&run_checks(dataset, &analyze_deductions(dataset).rows))
    };
    // Not one row checked twice (the copy's 6 rows are duplicates of the first file's).
    assert_eq!(lines(&twice), lines(&once));
    assert_eq!(lines(&once)[0], "list_price Ok checked=6");
}

#[test]
fn a_deduction_export_loaded_twice_drains_its_packages_once() {
    let month = PathBuf::from(common::SAMPLE_MONTH);
    let deductions = month.join("2025-06-资源包抵扣明细.csv");
    let overview = month.join("2025-06-资源包总览.csv");
    let once = dataset_of(&[deductions.clone(), overview.clone()]);
    let mut twice = dataset_of(&[deductions.clone(), overview]);
    twice.add(tcbill_core::parse_file(
        "copy-of-deductions.csv",
        &std::fs::read(&deductions).unwrap(),
    ));
    let copy = twice.files().len() - 1;
    assert_eq!(
        twice.duplicates(copy).count(),
        7,
        "the sample's 7 deductions, once each"
    );
    let report = |dataset: &tcbill_core::Dataset| {
        tcbill_core::Report::build(dataset, &tcbill_core::ReportOptions::default())
    };
    let (once, twice) = (report(&once), report(&twice));
    assert_eq!(twice.packages, once.packages);
    assert_eq!(twice.deductions, once.deductions);
    assert_eq!(twice.checks, once.checks);
}

/// A deduction whose 实际抵扣量 says MB in a GB package is in no unit its row can name: the value
/// is left out (with a warning at its line and column), and the package counts the row as one
/// whose use it could not read instead of adding 30976 "GB".
#[test]
fn a_deduction_in_another_unit_is_left_out_of_the_package_use_and_counted() {
    let header = "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数";
    let rows = [
        "CDN包,pkg-1,内容分发网络 CDN,总量递减,2025-06-01 01:00:00,500GB,10GB,490GB,GB,内容分发网络 CDN,境内流量,10,GB,1",
        "CDN包,pkg-1,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,490GB,30976MB,459.024GB,GB,内容分发网络 CDN,境内流量,30976,MB,1",
        "CDN包,pkg-1,内容分发网络 CDN,总量递减,2025-06-03 01:00:00,459.024GB,9GB,450.024GB,GB,内容分发网络 CDN,境内流量,9,GB,1",
    ];
    let text = format!("{header}\n{}\n", rows.join("\n"));
    let mut files = tcbill_core::parse_file("units.csv", text.as_bytes());
    let parsed = files.pop().unwrap();
    let messages: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["units.csv:3 column 实际抵扣量: unit \"MB\" differs from 资源包单位 \"GB\": the value is left out"]
    );
    assert_eq!(
        (parsed.table.row_count(), parsed.rows_rejected),
        (3, 0),
        "the row stays: only its quantity is unknown"
    );
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add([parsed]);
    let packages = package_usage(&dataset, &analyze_deductions(&dataset));
    assert_eq!(packages.len(), 1);
    assert_eq!(packages[0].used, dec("19"));
    assert_eq!(packages[0].rows_without_used, 1);
    let json = serde_json::to_string(&packages[0]).unwrap();
    assert!(
        json.contains(r#""used":"19","rows_without_used":1,"#),
        "{json}"
    );
}

/// A row with the checks' columns but a blank 优惠后总价 is not checked by the discount and
/// payments checks: it is counted as lacking a value (in the JSON too), so "ok" does not vouch
/// for it; the other row is checked.
#[test]
fn rows_lacking_a_value_a_check_needs_are_counted_not_passed() {
    let text = String::from_utf8(read_data("l3-cn-2024-11.csv")).unwrap();
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    let real_cost = lines[0].iter().position(|h| h == "优惠后总价").unwrap();
    // The first data row: the second holds a quoted "1,234.50000000", which this split would cut.
    lines[1][real_cost] = String::new();
    let bytes = lines
        .iter()
        .map(|cells| cells.join(",") + "\n")
        .collect::<String>()
        .into_bytes();
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file("blank.csv", &bytes));
    let checks = run_checks(&dataset, &[]);
    let counts: Vec<(&str, usize, usize)> = checks
        .iter()
        .map(|check| (check.id, check.rows_checked, check.rows_missing_values))
        .collect();
    assert_eq!(
        counts[..4],
        [
            ("list_price", 2, 0),
            ("discount", 1, 1),
            ("payments", 1, 1),
            ("usage_after_deduction", 0, 0),
        ]
    );
    let json = serde_json::to_string(&checks[1]).unwrap();
    assert!(
        json.ends_with(r#""not_checked":[],"rows_missing_values":1}"#),
        "{json}"
    );
    let json = serde_json::to_string(&checks[0]).unwrap();
    assert!(!json.contains("rows_missing_values"), "{json}");
}

/// A dataset of one file given as text.
fn dataset_of_text(name: &str, text: &str) -> tcbill_core::Dataset {
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(tcbill_core::parse_file(name, text.as_bytes()));
    dataset
}

/// `id: total used remaining utilisation%` per package.
fn package_lines(dataset: &tcbill_core::Dataset) -> Vec<String> {
    package_usage(dataset, &analyze_deductions(dataset))
        .iter()
        .map(|p| {
            format!(
                "{}: total {:?} used {} remaining {:?} {:?}%",
                p.package_id,
                p.total.map(|d| d.to_string()),
                p.used,
                p.remaining.map(|d| d.to_string()),
                p.utilisation_percent.map(|d| d.to_string()),
            )
        })
        .collect()
}

/// Rows of one package at the same second (抵扣时间 has no finer part) are read in the order their
/// balances chain, whatever order the file lists them in: the sample's deductions bottom-up give
/// the sample's one planted break and its package figures, not a false break at pkg-trtc-0002's
/// two rows of 04:10:47 and a total of 9990.4 (its second row's 抵扣前).
#[test]
fn rows_at_the_same_second_chain_whatever_their_file_order() {
    let sample = std::fs::read_to_string(
        PathBuf::from(common::SAMPLE_MONTH).join("2025-06-资源包抵扣明细.csv"),
    )
    .unwrap();
    let mut lines: Vec<&str> = sample.lines().collect();
    lines[1..].reverse();
    let reversed = dataset_of_text("reversed.csv", &lines.join("\n"));
    let analysis = analyze_deductions(&reversed);
    assert_eq!(
        deduction_findings(&analysis),
        [
            "coefficient reversed.csv:2 pkg-trtc-0002: 1000.000000000 秒 = 16.666666667 分钟, exported 1 → expected 16.666666667, deducted 16.000000000, recomputed 0.96",
            "Chain break pkg-cdn-0001 2025-06-04 01:00:10: previous Some(6) at reversed.csv:5, expected 437.250000000 found 437.000000000 (-0.250000000)",
        ]
    );
    let trtc: Vec<Option<u64>> = analysis
        .rows
        .iter()
        .filter(|row| row.package_id == "pkg-trtc-0002")
        .map(|row| row.source.line)
        .collect();
    assert_eq!(
        trtc,
        [Some(3), Some(2)],
        "10000 → 9990.4, then 9990.4 → 9974.4"
    );
    assert_eq!(
        package_lines(&reversed),
        package_lines(&sample_month_deductions())
    );
    assert_eq!(
        package_lines(&reversed)[2],
        "pkg-trtc-0002: total Some(\"10000.000000000\") used 25.600000000 remaining Some(\"9974.400000000\") Some(\"0.26\")%"
    );

    // 100 → 90 → 80 at one second listed 90 first, then 80 → 75 a day later: one chain, no break.
    let header = "资源包ID,资源包名称,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数";
    let tie = format!(
        "{header}\n{}\n",
        [
            "pk,n,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,80,5,75,GB,内容分发网络 CDN,境内流量,5,GB,1",
            "pk,n,内容分发网络 CDN,总量递减,2025-06-01 01:00:00,90,10,80,GB,内容分发网络 CDN,境内流量,10,GB,1",
            "pk,n,内容分发网络 CDN,总量递减,2025-06-01 01:00:00,100,10,90,GB,内容分发网络 CDN,境内流量,10,GB,1",
        ]
        .join("\n")
    );
    let tie = dataset_of_text("tie.csv", &tie);
    let analysis = analyze_deductions(&tie);
    assert_eq!(deduction_findings(&analysis), Vec::<String>::new());
    let lines: Vec<Option<u64>> = analysis.rows.iter().map(|row| row.source.line).collect();
    assert_eq!(lines, [Some(4), Some(3), Some(2)]);
    assert_eq!(
        package_lines(&tie),
        ["pk: total Some(\"100\") used 25 remaining Some(\"75\") Some(\"25.00\")%"]
    );
}

fn sample_month_deductions() -> tcbill_core::Dataset {
    dataset_of(&[PathBuf::from(common::SAMPLE_MONTH).join("2025-06-资源包抵扣明细.csv")])
}

/// The bill's 抵扣用量 is in each row's 组件用量单位: 500 GB and 1 TB of CDN are 1500 GB (CDN
/// counts 1000), as the deduction export's 500 GB and 1 TB are, not "501"; a unit the product's
/// bases cannot convert is a product not checked, saying why, never a sum of mixed units.
#[test]
fn the_bills_deducted_usage_is_converted_row_by_row() {
    let bill_header = "账单月份,产品名称,组件名称,资源ID,交易类型,交易ID,组件用量,组件用量单位,原始用量,抵扣用量,组件原价,优惠后总价,扣费时间,开始使用时间,结束使用时间";
    let bill = |product: &str, second_unit: &str| {
        format!(
            "{bill_header}\n\
             2025-06,{product},境内流量,a.example.com,按量计费日结,T1,0,GB,500,500,0,0,2025-06-02 01:00:00,2025-06-01 00:00:00,2025-06-01 23:59:59\n\
             2025-06,{product},境内流量,b.example.com,按量计费日结,T2,0,{second_unit},1,1,0,0,2025-06-02 01:00:00,2025-06-01 00:00:00,2025-06-01 23:59:59\n"
        )
    };
    let deductions = |product: &str| {
        format!(
            "资源包ID,资源包名称,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,用量结束时间\n\
             pk,n,{product},总量递减,2025-06-02 01:00:00,10,0.5,9.5,TB,{product},境内流量,500,GB,1,2025-06-01 00:00:00,2025-06-01 23:59:59\n\
             pk,n,{product},总量递减,2025-06-02 01:00:01,9.5,1,8.5,TB,{product},境内流量,1,TB,1,2025-06-01 00:00:00,2025-06-01 23:59:59\n"
        )
    };
    let deductions_vs_bill = |bill: String, deductions: String| {
        let mut dataset = dataset_of_text("bill.csv", &bill);
        dataset.add(tcbill_core::parse_file(
            "deductions.csv",
            deductions.as_bytes(),
        ));
        let lines = check_lines(&run_checks(&dataset, &analyze_deductions(&dataset).rows));
        let at = lines
            .iter()
            .position(|line| line.starts_with("deductions_vs_bill"))
            .unwrap();
        lines[at..].to_vec()
    };
    let cdn = "内容分发网络 CDN";
    assert_eq!(
        deductions_vs_bill(bill(cdn, "TB"), deductions(cdn)),
        ["deductions_vs_bill Ok checked=1"]
    );
    let mut dataset = dataset_of_text("bill.csv", &bill(cdn, "TB"));
    dataset.add(tcbill_core::parse_file(
        "deductions.csv",
        deductions(cdn).as_bytes(),
    ));
    let check = run_checks(&dataset, &analyze_deductions(&dataset).rows)
        .into_iter()
        .find(|check| check.id == "deductions_vs_bill")
        .unwrap();
    assert_eq!(check.mismatches.len(), 0);
    // 1 TB more in the bill: 2500 GB against the export's 1500.
    let more = bill(cdn, "TB").replace(",TB,1,1,", ",TB,2,2,");
    assert_eq!(
        deductions_vs_bill(more, deductions(cdn)),
        [
            "deductions_vs_bill Mismatches checked=1",
            "  mismatch - 内容分发网络 CDN: the bill's 抵扣用量 differs from the deduction export expected 1500 found 2500 (1000)",
        ]
    );
    // 实时音视频 publishes no base: GB and TB do not add up to a number.
    let trtc = "实时音视频";
    assert_eq!(
        deductions_vs_bill(bill(trtc, "TB"), deductions(trtc)),
        [
            "deductions_vs_bill Ok checked=1",
            "  not checked - 实时音视频: cannot convert TB to GB (no 1000/1024 base is published for bytes of this product)",
        ]
    );
    assert_eq!(
        deductions_vs_bill(bill(cdn, ""), deductions(cdn)),
        [
            "deductions_vs_bill Ok checked=1",
            "  not checked - 内容分发网络 CDN: cannot convert - to GB (a bill row has no 组件用量单位)",
        ]
    );
}

/// An overview in TB and deductions in GB: the overview's 1 TB (0.8 left) is 1000 GB (800 left)
/// for CDN, which counts 1000, so the package used 200 of 1000 GB with nothing outside the rows,
/// burns 100 GB a day and runs out 8 days after its last deduction; where no base is published
/// (实时音视频), the overview's figures stay in TB and nothing is computed from TB and GB together.
#[test]
fn an_overview_in_another_unit_is_converted_into_the_deductions_unit() {
    let deductions = |product: &str| {
        format!(
            "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数\n\
             1TB包,pkg-tb,{product},总量递减,2025-06-01 01:00:00,1000,100,900,GB,{product},境内流量,100,GB,1\n\
             1TB包,pkg-tb,{product},总量递减,2025-06-02 01:00:00,900,100,800,GB,{product},境内流量,100,GB,1\n"
        )
    };
    let overview = |product: &str| {
        format!(
            "资源包名称/资源包ID,产品名称,子产品名称,地域/可用区,状态/资源类型,容量单位,单周期剩余量/总量,单周期开始/结束时间,周期剩余数量/总数,总剩余量/总量,生效/到期时间,续费方式\n\
             1TB包/pkg-tb,{product},流量,中国大陆/-,有效/总量递减,TB,-,-,-,0.8/1,2025-05-01 00:00:00/2025-12-31 23:59:59,不续费\n"
        )
    };
    let package = |product: &str| {
        let mut dataset = dataset_of_text("deductions.csv", &deductions(product));
        dataset.add(tcbill_core::parse_file(
            "overview.csv",
            overview(product).as_bytes(),
        ));
        let packages = package_usage(&dataset, &analyze_deductions(&dataset));
        assert_eq!(packages.len(), 1);
        let p = &packages[0];
        format!(
            "{}: total {:?} used {} remaining {:?} {:?} {:?}% rate {:?} outside {:?} runs out {:?} before expiry {:?} unused {:?}",
            p.package_id,
            p.total,
            p.used,
            p.remaining,
            p.unit,
            p.utilisation_percent,
            p.daily_burn_rate,
            p.used_outside_deduction_rows,
            p.projected_exhaustion.map(|t| t.to_string()),
            p.exhausts_before_expiry,
            p.unused_at_expiry,
        )
    };
    assert_eq!(
        package("内容分发网络 CDN"),
        "pkg-tb: total Some(1000) used 200 remaining Some(800) Some(\"GB\") Some(20.00)% rate Some(100) outside None runs out Some(\"2025-06-10 01:00:00\") before expiry Some(true) unused None"
    );
    assert_eq!(
        package("实时音视频"),
        "pkg-tb: total Some(1) used 200 remaining Some(0.8) Some(\"TB\") Some(20.00)% rate Some(100) outside None runs out None before expiry None unused None"
    );
}

/// A console export whose 资源包名称/资源包ID cells are blank names no package: its rows are keyed
/// by 产品名称 and 资源包类型 (and 资源包名称 where there is one), and rows alike in those are told
/// apart by their balance chains, so two TRTC packages of 20000 and 10000 分钟 are two packages
/// without a break, not one package "-" with two false breaks and 30 of 20000 used.
#[test]
fn rows_without_a_package_id_are_split_by_their_balance_chains() {
    let console = "资源包归属UIN\t资源包名称/资源包ID\t产品名称\t子产品名称\t资源包类型\t抵扣时间\t抵扣前包剩余量\t实际抵扣量\t抵扣后包剩余量\t被抵扣资源归属UIN\t被抵扣资源产品\t被抵扣资源子产品\n\
        100\t\t实时音视频\tTRTC\t总量递减\t2025-06-03 04:10:46\t20,000.000000000分钟\t10.000000000分钟\t19,990.000000000分钟\t100\t实时音视频\tTRTC\n\
        100\t\t实时音视频\tTRTC\t总量递减\t2025-06-03 04:10:47\t10,000.000000000分钟\t10.000000000分钟\t9,990.000000000分钟\t100\t实时音视频\tTRTC\n\
        100\t\t实时音视频\tTRTC\t总量递减\t2025-06-04 04:10:46\t19,990.000000000分钟\t10.000000000分钟\t19,980.000000000分钟\t100\t实时音视频\tTRTC\n";
    let dataset = dataset_of_text("console.tsv", console);
    let analysis = analyze_deductions(&dataset);
    assert_eq!(analysis.balance_breaks, [], "no break");
    let rows: Vec<String> = analysis
        .rows
        .iter()
        .map(|row| format!("{} {}", row.package_id, row.source))
        .collect();
    assert_eq!(
        rows,
        [
            "实时音视频 / 总量递减 #1 console.tsv:2",
            "实时音视频 / 总量递减 #1 console.tsv:4",
            "实时音视频 / 总量递减 #2 console.tsv:3",
        ]
    );
    assert_eq!(
        package_lines(&dataset),
        [
            "实时音视频 / 总量递减 #1: total Some(\"20000.000000000\") used 20.000000000 remaining Some(\"19980.000000000\") Some(\"0.10\")%",
            "实时音视频 / 总量递减 #2: total Some(\"10000.000000000\") used 10.000000000 remaining Some(\"9990.000000000\") Some(\"0.10\")%",
        ]
    );
    // The repository's console fixture: the sample's TRTC packages, 0.26 % of the 10000 used (it
    // said one package with 50.13 %).
    let fixture = dataset_of(&[common::data_path("deduction-console.tsv")]);
    assert_eq!(analyze_deductions(&fixture).balance_breaks, [], "no break");
    assert_eq!(
        package_lines(&fixture),
        [
            "实时音视频 / 总量递减 #1: total Some(\"20000.000000000\") used 0.293333333 remaining Some(\"19999.706666667\") Some(\"0.00\")%",
            "实时音视频 / 总量递减 #2: total Some(\"10000.000000000\") used 25.600000000 remaining Some(\"9974.400000000\") Some(\"0.26\")%",
        ]
    );
    // One package with a name and no ID keeps one key, without a number.
    let named =
        "资源包名称\t产品名称\t资源包类型\t抵扣时间\t抵扣前包剩余量\t实际抵扣量\t抵扣后包剩余量\n\
        TRTC包\t实时音视频\t总量递减\t2025-06-03 04:10:46\t100\t10\t90\n\
        TRTC包\t实时音视频\t总量递减\t2025-06-04 04:10:46\t90\t10\t80\n";
    assert_eq!(
        package_lines(&dataset_of_text("named.tsv", named)),
        ["TRTC包 / 实时音视频 / 总量递减: total Some(\"100\") used 20 remaining Some(\"80\") Some(\"20.00\")%"]
    );
}

/// Deductions of 06-01 to 06-30 with an overview of the packages. A package whose rate from its
/// own days (p3: 20 on 06-01, 50 left) would have run out before the loaded deductions end counts
/// the days after it too (20 over 30 days) and projects from their end, not to 06-03 while the
/// overview says it is valid with 50 left; one the overview says is empty while its last row left
/// 10 (q1) ran out on a day the rows do not show, not at that row; one expired before the
/// deductions end (q2) left its remaining 80 unused, as the waste alert says, not an estimate of 68.
#[test]
fn projections_and_run_out_days_do_not_contradict_the_loaded_data() {
    let ded_header = "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数";
    let ov_header = "资源包名称/资源包ID,产品名称,子产品名称,地域/可用区,状态/资源类型,容量单位,单周期剩余量/总量,单周期开始/结束时间,周期剩余数量/总数,总剩余量/总量,生效/到期时间,续费方式";
    let row = |id: &str, time: &str, before: u32, used: u32| {
        format!(
            "包{id},{id},内容分发网络 CDN,总量递减,2025-06-{time},{before},{used},{},GB,内容分发网络 CDN,境内流量,{used},GB,1",
            before - used
        )
    };
    let overview = |id: &str, status: &str, left: u32, total: u32, expires: &str| {
        format!(
            "包{id}/{id},内容分发网络 CDN,CDN流量,中国大陆/-,{status}/总量递减,GB,-,-,-,{left}/{total},2025-05-01 00:00:00/{expires} 23:59:59,不续费"
        )
    };
    let deductions = [
        row("p3", "01 01:00:00", 100, 20),
        row("p4", "01 01:00:00", 100, 50),
        row("q1", "01 01:00:00", 20, 10),
        row("q2", "01 01:00:00", 100, 10),
        row("q2", "10 01:00:00", 90, 10),
        row("q3", "30 23:00:00", 1000, 1),
    ];
    let overviews = [
        overview("p3", "有效", 50, 100, "2025-12-31"),
        overview("p4", "有效", 50, 100, "2025-12-31"),
        overview("q1", "已用完", 0, 20, "2025-12-31"),
        overview("q2", "已过期", 80, 100, "2025-06-15"),
        overview("q3", "有效", 999, 1000, "2026-07-31"),
    ];
    let mut dataset = dataset_of_text(
        "deductions.csv",
        &format!("{ded_header}\n{}\n", deductions.join("\n")),
    );
    dataset.add(tcbill_core::parse_file(
        "overview.csv",
        format!("{ov_header}\n{}\n", overviews.join("\n")).as_bytes(),
    ));
    let lines: Vec<String> = package_usage(&dataset, &analyze_deductions(&dataset))
        .iter()
        .map(|p| {
            format!(
                "{}: remaining {:?} rate {:?} runs out {:?} before expiry {:?} exhausted {:?} unused {:?}",
                p.package_id,
                p.remaining,
                p.daily_burn_rate,
                p.projected_exhaustion.map(|t| t.to_string()),
                p.exhausts_before_expiry,
                p.exhausted_on.map(|t| t.to_string()),
                p.unused_at_expiry,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            // 50 / (20 / 30 days) = 75 days after 06-30 23:00.
            "p3: remaining Some(50) rate Some(0.666667) runs out Some(\"2025-09-13 22:59:56\") before expiry Some(true) exhausted None unused None",
            "p4: remaining Some(50) rate Some(1.666667) runs out Some(\"2025-07-30 22:59:59\") before expiry Some(true) exhausted None unused None",
            "q1: remaining Some(0) rate Some(10) runs out None before expiry None exhausted None unused None",
            "q2: remaining Some(80) rate Some(2) runs out None before expiry None exhausted None unused Some(80)",
            // 999 − 1 a day × 396.04 days.
            "q3: remaining Some(999) rate Some(1) runs out Some(\"2028-03-25 23:00:00\") before expiry Some(false) exhausted None unused Some(603)",
        ]
    );
}

/// 实际抵扣量 is checked at the decimals Tencent prints (at least eight) whatever the cell shows:
/// 1.6 GB at coefficient 1 deducted as `2` is a mismatch as `2.000000000` is (it passed as "1.5
/// to 2.5"), while 15.01 against 20 and 1.4999 against 1 stay mismatches and an exact 12.5 passes.
#[test]
fn deducted_amounts_are_checked_at_tencents_decimals_whatever_the_cell_shows() {
    let header = "资源包名称,资源包ID,产品名称,资源包类型,抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数";
    let rows = [
        "CDN包,pkg-a,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,100,2,98,GB,内容分发网络 CDN,境内流量,1.6,GB,1",
        "CDN包,pkg-b,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,100,2.000000000,98.000000000,GB,内容分发网络 CDN,境内流量,1.600000000,GB,1",
        "CDN包,pkg-c,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,100,20,80,GB,内容分发网络 CDN,境内流量,15.01,GB,1",
        "CDN包,pkg-d,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,100,1,99,GB,内容分发网络 CDN,境内流量,1.4999,GB,1",
        "CDN包,pkg-e,内容分发网络 CDN,总量递减,2025-06-02 01:00:00,100,12.5,87.5,GB,内容分发网络 CDN,境内流量,12500,MB,1",
    ];
    let dataset = dataset_of_text(
        "coefficients.csv",
        &format!("{header}\n{}\n", rows.join("\n")),
    );
    assert_eq!(
        deduction_findings(&analyze_deductions(&dataset)),
        [
            "coefficient coefficients.csv:2 pkg-a: 1.6 GB = 1.6 GB, exported 1 → expected 1.6, deducted 2, recomputed 1.25",
            "coefficient coefficients.csv:3 pkg-b: 1.600000000 GB = 1.6 GB, exported 1 → expected 1.600000000, deducted 2.000000000, recomputed 1.25",
            "coefficient coefficients.csv:4 pkg-c: 15.01 GB = 15.01 GB, exported 1 → expected 15.01, deducted 20, recomputed 1.332445",
            "coefficient coefficients.csv:5 pkg-d: 1.4999 GB = 1.4999 GB, exported 1 → expected 1.4999, deducted 1, recomputed 0.666711",
        ]
    );
}
