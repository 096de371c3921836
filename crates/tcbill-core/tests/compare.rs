//! Comparing two periods: hand-made months whose every part is computed here by hand, the
//! identity "parts add up to the change" on every key of random bills, and the periods' grammar.

mod common;

use common::dec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tcbill_core::analysis::compare::{
    compare, compare_filtered, default_periods, driver_rows, Change, Comparison, Level, Status,
};
use tcbill_core::analysis::cost::{Dimension, Filter};
use tcbill_core::analysis::currency::Currency;
use tcbill_core::analysis::RowRef;
use tcbill_core::{parse_file, Dataset, Report, ReportOptions};

/// `tests/data/l3-two-months.csv`: in September one row per resource; in October usage up on
/// ins-keep (and a charge without usage), ins-new billed, disk-old gone, the bucket's price up (and
/// a refund), the CDN package ran out, the savings plan gone, a rounding cent-fraction, and the
/// dollar load balancer used twice as much.
const TWO_MONTHS: &str = include_str!("data/l3-two-months.csv");

/// The header of [`TWO_MONTHS`].
fn header() -> &'static str {
    TWO_MONTHS.split_inclusive('\n').next().unwrap()
}

/// The rows of [`TWO_MONTHS`] of one billing month.
fn month(month: &str) -> String {
    TWO_MONTHS
        .split_inclusive('\n')
        .filter(|line| line.starts_with(month))
        .collect()
}

fn bill(name: &str, rows: &str) -> Vec<tcbill_core::ParsedFile> {
    parse_file(name, format!("{}{rows}", header()).as_bytes())
}

fn two_months() -> Dataset {
    let mut dataset = Dataset::new();
    dataset.add(bill("2025-09.csv", &month("2025-09")));
    dataset.add(bill("2025-10.csv", &month("2025-10")));
    dataset
}

fn september_to_october(dataset: &Dataset) -> Comparison {
    compare(
        dataset,
        "2025-09".parse().unwrap(),
        "2025-10".parse().unwrap(),
    )
}

/// [`september_to_october`] with its drivers rolled up to `level`.
fn september_to_october_by(dataset: &Dataset, level: Level) -> Comparison {
    compare_filtered(
        dataset,
        "2025-09".parse().unwrap(),
        "2025-10".parse().unwrap(),
        &[],
        level,
    )
}

/// `resource: status change = part part …` with only the parts that are not zero.
fn describe(resource: &str, status: Status, change: &Change) -> String {
    let parts: Vec<String> = change
        .parts
        .named()
        .iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|(name, amount)| format!("{name} {amount}"))
        .collect();
    format!(
        "{resource}: {status:?} {} → {} = {}",
        change.a,
        change.b,
        parts.join(", ")
    )
}

#[test]
fn each_change_is_its_own_part_to_the_last_digit() {
    let dataset = two_months();
    assert_eq!(
        default_periods(&dataset),
        Some(("2025-09".parse().unwrap(), "2025-10".parse().unwrap()))
    );
    let comparison = september_to_october(&dataset);
    let [cny, usd] = &comparison.currencies[..] else {
        panic!("two currencies: {comparison:?}")
    };
    assert_eq!((cny.currency, usd.currency), (Currency::CNY, Currency::USD));
    assert_eq!(
        (cny.rows_a, cny.rows_b, usd.rows_a, usd.rows_b),
        (6, 8, 1, 1)
    );
    let drivers: Vec<String> = cny
        .drivers
        .iter()
        .map(|driver| {
            describe(
                &driver.resource,
                driver.status,
                driver.real_total_cost.as_ref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        drivers,
        [
            "cdn-a: Changed 20.00 → 120.00 = package_coverage 100.00",
            "ins-new: New 0.00 → 30.00 = new_resources 30.00",
            "ins-sp: Changed 70.00 → 100.00 = savings_plan 30.00",
            "ins-keep: Changed 40.00 → 68.00 = usage 20.00, no_usage_or_price 8.00",
            "disk-old: Removed 12.50 → 0.00 = removed_resources -12.50",
            "bucket-1: Changed 20.00 → 19.00 = price 4.00, refunds_adjustments -5.00",
            "ins-round: Changed 10.00 → 10.00000001 = rounding 0.00000001",
        ]
    );
    let total = cny.real_total_cost.as_ref().unwrap();
    assert_eq!(
        describe("CNY", Status::Changed, total),
        "CNY: Changed 172.50 → 347.00000001 = new_resources 30.00, removed_resources -12.50, \
         usage 20.00, package_coverage 100.00, price 4.00, savings_plan 30.00, \
         refunds_adjustments -5.00, no_usage_or_price 8.00, rounding 0.00000001"
    );
    assert_eq!(total.change, dec("174.50000001"));
    assert_eq!(total.parts.sum(), total.change);
    // 原价: the same split without the discount and the savings plan.
    let list = cny.total_cost.as_ref().unwrap();
    assert_eq!(
        describe("CNY", Status::Changed, list),
        "CNY: Changed 212.50 → 369.50 = new_resources 37.50, removed_resources -12.50, \
         usage 25.00, package_coverage 100.00, price 4.00, refunds_adjustments -5.00, \
         no_usage_or_price 8.00"
    );
    let lb = &usd.drivers[0];
    assert_eq!(
        describe(
            &lb.resource,
            lb.status,
            lb.real_total_cost.as_ref().unwrap()
        ),
        "lb-usd: Changed 2.00 → 4.00 = usage 2.00"
    );
    assert_eq!(lb.product, "Cloud Load Balancer");
    let keep = &cny.drivers[3];
    assert_eq!(keep.product, "云服务器CVM");
    assert_eq!(keep.component, "CPU");
    assert_eq!((keep.rows_a, keep.rows_b), (1, 2));
    let refs: Vec<String> = keep
        .row_refs_a
        .iter()
        .chain(&keep.row_refs_b)
        .map(ToString::to_string)
        .collect();
    assert_eq!(refs, ["2025-09.csv:2", "2025-10.csv:2", "2025-10.csv:3"]);
}

/// `tests/data/l3-rounding-ties.csv`: resources whose usage or package part ends in exactly half a
/// unit of the 8th decimal (A bills 2 units for an odd number of 0.00000001s), of every size and
/// both signs. Each is rounded half away from zero, computed here by hand; the SQL files in
/// crates/tcbill-cli/queries/ are checked against these same figures by scripts/focus_checks.py.
#[test]
fn usage_and_package_parts_round_half_away_from_zero() {
    let mut dataset = Dataset::new();
    dataset.add(parse_file(
        "ties.csv",
        include_bytes!("data/l3-rounding-ties.csv"),
    ));
    let comparison = september_to_october(&dataset);
    let mut parts: Vec<String> = comparison.currencies[0]
        .drivers
        .iter()
        .map(|driver| {
            let change = driver.real_total_cost.as_ref().unwrap();
            let parts = &change.parts;
            assert_eq!(parts.sum(), change.change, "{}", driver.resource);
            format!(
                "{} {} {}",
                driver.resource, parts.usage, parts.package_coverage
            )
        })
        .collect();
    parts.sort();
    assert_eq!(
        parts,
        [
            "tie-big-down -49382716.05493828 0.00", // −98765432.10987655 / 2
            "tie-big-up 49382716.05493828 0.00",
            "tie-mid-down -6172.83945062 0.00", // −12345.67890123 / 2
            "tie-mid-up 18518.51835185 0.00",   // 3 × 12345.67890123 / 2
            "tie-odd-down -3888.88888889 0.00", // −7777.77777777 / 2
            "tie-odd-up 0.30864193 0.00",       // 5 × 0.12345677 / 2
            "tie-one-down -0.50000001 0.00",
            "tie-one-up 0.50000001 0.00",
            // Usage 2 + 1 deducted, then 2 + 4: ΔR = 3, ΔD = 3, × 5555.55555555 / 2.
            "tie-package-grew 8333.33333333 -8333.33333333",
            // Usage 2 + 3 deducted, then 3 + 0: ΔR = −2, −ΔD = 3, × 0.33333333 / 2.
            "tie-package-ran-out -0.33333333 0.50",
            "tie-tiny-down -0.00000002 0.00",
            "tie-tiny-up 0.00000002 0.00",
        ]
    );
}

/// The app's worker sends the page the comparison itself: it reads back equal, exact digits, row
/// references and all, except each driver's key, which stays in the worker.
#[test]
fn a_comparison_reads_back_as_it_was_written() {
    let comparison = september_to_october(&two_months());
    let json = serde_json::to_string(&comparison).unwrap();
    let read: Comparison = serde_json::from_str(&json).unwrap();
    let mut without_keys = comparison.clone();
    let sections = without_keys.currencies.iter_mut();
    sections
        .flat_map(|section| &mut section.drivers)
        .for_each(|driver| driver.key = Default::default());
    assert_eq!(read, without_keys);
    assert!(read.currencies[0]
        .drivers
        .iter()
        .any(|driver| !driver.row_refs_b.is_empty()));
    assert_eq!(serde_json::to_string(&read).unwrap(), json);
}

#[test]
fn a_month_loaded_twice_counts_once() {
    let mut dataset = two_months();
    dataset.add(bill("2025-10-again.csv", &month("2025-10")));
    assert_eq!(dataset.duplicates(2).count(), 9);
    assert_eq!(
        september_to_october(&dataset),
        september_to_october(&two_months())
    );
}

#[test]
fn day_periods_take_the_rows_of_their_days() {
    let rows = "\
开始使用时间,产品名称,组件名称,资源ID,组件刊例价,组件用量,组件原价,折扣率,优惠后总价
2025-10-01 00:00:00,云服务器CVM,CPU,ins-1,1,10,10.00,1,10.00
2025-10-02 00:00:00,云服务器CVM,CPU,ins-1,1,12,12.00,1,12.00
2025-10-03 00:00:00,云服务器CVM,CPU,ins-1,1.5,12,18.00,1,18.00
";
    let mut dataset = Dataset::new();
    dataset.add(parse_file("days.csv", rows.as_bytes()));
    let comparison = compare(
        &dataset,
        "2025-10-01".parse().unwrap(),
        "2025-10-02..2025-10-03".parse().unwrap(),
    );
    let driver = &comparison.currencies[0].drivers[0];
    assert_eq!(
        describe(
            &driver.resource,
            driver.status,
            driver.real_total_cost.as_ref().unwrap()
        ),
        "ins-1: Changed 10.00 → 30.00 = usage 14.00, price 6.00"
    );
}

#[test]
fn one_month_has_no_default_comparison() {
    let mut dataset = Dataset::new();
    dataset.add(bill("2025-09.csv", &month("2025-09")));
    assert_eq!(default_periods(&dataset), None);
}

/// One random bill row: month, key, usage and prices.
#[derive(Clone, Debug)]
struct Row {
    october: bool,
    resource: u8,
    refund: bool,
    used: Option<u32>,
    deducted: u32,
    /// In 0.0001.
    price: u32,
    /// In 0.01.
    discount: u32,
    /// In 0.00000001.
    sp: u32,
    real_noise: i32,
}

fn row() -> impl Strategy<Value = Row> {
    (
        any::<bool>(),
        0u8..6,
        prop::bool::weighted(0.1),
        prop::option::weighted(0.9, 0u32..5000),
        prop_oneof![Just(0u32), 0u32..3000],
        1u32..100_000,
        50u32..=100,
        prop_oneof![Just(0u32), 0u32..1_000_000],
        -3i32..=3,
    )
        .prop_map(
            |(october, resource, refund, used, deducted, price, discount, sp, real_noise)| Row {
                october,
                resource,
                refund,
                used,
                deducted,
                price,
                discount,
                sp,
                real_noise,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On every key and every total, of both measures: B − A is the change, and the parts add up
    /// to it exactly; A and B equal the months' sums computed here.
    #[test]
    fn the_parts_add_up_to_the_change_on_every_key(rows in prop::collection::vec(row(), 1..60)) {
        let mut csv = String::from(header());
        let mut sums = [Decimal::ZERO; 2];
        for (index, row) in rows.iter().enumerate() {
            let price = Decimal::new(i64::from(row.price), 4);
            let discount = Decimal::new(i64::from(row.discount), 2);
            let used = row.used.map(Decimal::from);
            let cost = used.map_or(Decimal::new(123, 2), |used| price * used);
            let sp = Decimal::new(i64::from(row.sp), 8);
            let real = (cost * discount).round_dp(8) - sp + Decimal::new(i64::from(row.real_noise), 8);
            sums[usize::from(row.october)] += real;
            csv.push_str(&format!(
                "{},云服务器CVM,{},ins-{},{},T{index},,{price},{},1,{},{cost},{discount},{sp},{real},2025-09-30 10:00:00\n",
                if row.october { "2025-10" } else { "2025-09" },
                if row.resource % 2 == 0 { "CPU" } else { "内存" },
                row.resource / 2,
                if row.refund { "包年包月退款" } else { "按量计费小时结" },
                used.map_or("-".to_owned(), |used| used.to_string()),
                row.deducted,
            ));
        }
        let mut dataset = Dataset::new();
        dataset.add(parse_file("random.csv", csv.as_bytes()));
        let comparison = september_to_october(&dataset);
        let section = &comparison.currencies[0];
        let check = |change: &Change| {
            prop_assert_eq!(change.b - change.a, change.change);
            prop_assert_eq!(change.parts.sum(), change.change);
            Ok(())
        };
        for driver in &section.drivers {
            check(driver.real_total_cost.as_ref().unwrap())?;
            check(driver.total_cost.as_ref().unwrap())?;
        }
        let total = section.real_total_cost.as_ref().unwrap();
        check(total)?;
        check(section.total_cost.as_ref().unwrap())?;
        prop_assert_eq!((total.a, total.b), (sums[0], sums[1]));
        let driver_sum: Decimal = section
            .drivers
            .iter()
            .map(|driver| driver.real_total_cost.as_ref().unwrap().change)
            .sum();
        prop_assert_eq!(driver_sum, total.change);
    }
}

#[test]
fn the_report_holds_the_comparison_of_its_last_two_months() {
    let mut dataset = Dataset::new();
    dataset.add(parse_file("two-months.csv", TWO_MONTHS.as_bytes()));
    let report = Report::build(&dataset, &ReportOptions::default());
    let comparison = report.comparison.as_ref().unwrap();
    assert_eq!(
        (comparison.a.to_string(), comparison.b.to_string()),
        ("2025-09".into(), "2025-10".into())
    );
    let cny = comparison.currencies[0].real_total_cost.as_ref().unwrap();
    assert_eq!(cny.change, dec("174.50000001"));
    let table = report
        .csv_tables()
        .into_iter()
        .find(|table| table.name == "comparison-drivers")
        .unwrap();
    assert_eq!(table.rows.len(), 8);
    assert_eq!(
        table.rows[0][..12].join(","),
        "2025-09,2025-10,CNY,内容分发网络CDN,流量,cdn-a,changed,1,1,20.00,120.00,100.00"
    );

    let mut one_month = Dataset::new();
    one_month.add(bill("2025-09.csv", &month("2025-09")));
    let report = Report::build(&one_month, &ReportOptions::default());
    assert_eq!(report.comparison, None);
    assert!(!report.to_json().contains("\"comparison\""));
}

#[test]
fn drivers_roll_up_to_components_and_products_part_by_part() {
    let dataset = two_months();
    let by_product = september_to_october_by(&dataset, Level::Product);
    let cny = &by_product.currencies[0];
    let products: Vec<String> = cny
        .drivers
        .iter()
        .map(|driver| {
            describe(
                &driver.product,
                driver.status,
                driver.real_total_cost.as_ref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        products,
        [
            "内容分发网络CDN: Changed 20.00 → 120.00 = package_coverage 100.00",
            "云服务器CVM: Changed 120.00 → 208.00000001 = new_resources 30.00, usage 20.00, \
             savings_plan 30.00, no_usage_or_price 8.00, rounding 0.00000001",
            "云硬盘CBS: Removed 12.50 → 0.00 = removed_resources -12.50",
            "COS 对象存储: Changed 20.00 → 19.00 = price 4.00, refunds_adjustments -5.00",
        ]
    );
    assert_eq!(cny.driver_count, 4);
    let cvm = &cny.drivers[1];
    assert_eq!((cvm.rows_a, cvm.rows_b), (3, 5));
    // The totals are those of every resource, whatever the level.
    let resources = september_to_october(&dataset);
    assert_eq!(cny.real_total_cost, resources.currencies[0].real_total_cost);
    let sum: Decimal = cny
        .drivers
        .iter()
        .map(|driver| driver.real_total_cost.as_ref().unwrap().change)
        .sum();
    assert_eq!(sum, dec("174.50000001"));
}

#[test]
fn a_product_rolls_up_its_unchanged_resources_too() {
    // db-x costs 100.00 in both months, db-y is new in October: the product went 100 → 130.
    let rows = "2025-09,云数据库MySQL,实例,db-x,包年包月续费,T1,,,,,,100.00,1,0,100.00,2025-09-30 10:00:00\n\
                2025-10,云数据库MySQL,实例,db-x,包年包月续费,T2,,,,,,100.00,1,0,100.00,2025-10-31 10:00:00\n\
                2025-10,云数据库MySQL,实例,db-y,包年包月新购,T3,,,,,,30.00,1,0,30.00,2025-10-31 10:00:00\n";
    let mut dataset = Dataset::new();
    dataset.add(bill("mysql.csv", rows));
    let (september, october) = ("2025-09".parse().unwrap(), "2025-10".parse().unwrap());
    let describe_all = |comparison: &Comparison| -> Vec<String> {
        comparison.currencies[0]
            .drivers
            .iter()
            .map(|driver| {
                let change = driver.real_total_cost.as_ref().unwrap();
                let label = format!(
                    "{} {} {}",
                    driver.product, driver.component, driver.resource
                );
                let rows = format!(" ({} + {} rows)", driver.rows_a, driver.rows_b);
                describe(&label, driver.status, change) + &rows
            })
            .collect()
    };
    for (level, expected) in [
        (
            Level::Product,
            "云数据库MySQL * *: Changed 100.00 → 130.00 = new_resources 30.00 (1 + 2 rows)",
        ),
        (
            Level::Component,
            "云数据库MySQL 实例 *: Changed 100.00 → 130.00 = new_resources 30.00 (1 + 2 rows)",
        ),
        (
            Level::Resource,
            "云数据库MySQL 实例 db-y: New 0.00 → 30.00 = new_resources 30.00 (0 + 1 rows)",
        ),
    ] {
        let comparison = compare_filtered(&dataset, september, october, &[], level);
        assert_eq!(describe_all(&comparison), [expected], "{level:?}");
        assert_eq!(comparison.currencies[0].driver_count, 1);
        let driver = &comparison.currencies[0].drivers[0];
        assert_eq!(
            (
                driver_rows(&dataset, september, &[], &driver.key).len(),
                driver_rows(&dataset, october, &[], &driver.key).len()
            ),
            (driver.rows_a, driver.rows_b),
            "{level:?}"
        );
    }
}

#[test]
fn a_drivers_rows_are_the_rows_it_counted_in_each_period() {
    let dataset = two_months();
    let (september, october) = ("2025-09".parse().unwrap(), "2025-10".parse().unwrap());
    for level in [Level::Resource, Level::Component, Level::Product] {
        let comparison = september_to_october_by(&dataset, level);
        for section in &comparison.currencies {
            for driver in &section.drivers {
                let rows_a = driver_rows(&dataset, september, &[], &driver.key);
                let rows_b = driver_rows(&dataset, october, &[], &driver.key);
                assert_eq!(
                    (rows_a.len(), rows_b.len()),
                    (driver.rows_a, driver.rows_b),
                    "{level:?} {}",
                    driver.product
                );
            }
        }
    }
    let cvm = september_to_october_by(&dataset, Level::Product).currencies[0].drivers[1].clone();
    let refs: Vec<String> = driver_rows(&dataset, october, &[], &cvm.key)
        .iter()
        .map(|&(file, row)| {
            let file = &dataset.files()[file];
            RowRef::of(&file.name, &file.table, row).to_string()
        })
        .collect();
    assert_eq!(
        refs,
        [
            "2025-10.csv:2",
            "2025-10.csv:3",
            "2025-10.csv:4",
            "2025-10.csv:8",
            "2025-10.csv:9"
        ]
    );
}

#[test]
fn a_filtered_comparison_compares_only_the_rows_that_pass() {
    let dataset = two_months();
    let filters = [Filter {
        dimension: Dimension::Product,
        values: vec!["云服务器CVM".to_owned()],
    }];
    let comparison = compare_filtered(
        &dataset,
        "2025-09".parse().unwrap(),
        "2025-10".parse().unwrap(),
        &filters,
        Level::Resource,
    );
    let [cny] = &comparison.currencies[..] else {
        panic!("the dollar load balancer is filtered out: {comparison:?}")
    };
    assert_eq!((cny.rows_a, cny.rows_b), (3, 5));
    let total = cny.real_total_cost.as_ref().unwrap();
    assert_eq!(
        describe("CNY", Status::Changed, total),
        "CNY: Changed 120.00 → 208.00000001 = new_resources 30.00, usage 20.00, \
         savings_plan 30.00, no_usage_or_price 8.00, rounding 0.00000001"
    );
    let cvm = &cny.drivers[0].key;
    assert_eq!(
        driver_rows(&dataset, "2025-10".parse().unwrap(), &filters, cvm).len(),
        cny.drivers[0].rows_b
    );
}

#[test]
fn the_report_compares_the_periods_its_options_name() {
    let mut dataset = Dataset::new();
    dataset.add(parse_file("two-months.csv", TWO_MONTHS.as_bytes()));
    let options = ReportOptions {
        comparison: Some(("2025-10".parse().unwrap(), "2025-09".parse().unwrap())),
        ..ReportOptions::default()
    };
    let comparison = Report::build(&dataset, &options).comparison.unwrap();
    assert_eq!(
        (comparison.a.to_string(), comparison.b.to_string()),
        ("2025-10".into(), "2025-09".into())
    );
    let cny = comparison.currencies[0].real_total_cost.as_ref().unwrap();
    assert_eq!(cny.change, dec("-174.50000001"));
    assert_eq!(Report::comparison(&dataset, &options), Some(comparison));
}
