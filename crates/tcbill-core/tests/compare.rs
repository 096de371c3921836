//! Comparing two periods: hand-made months whose every part is computed here by hand, the
//! identity "parts add up to the change" on every key of random bills, and the periods' grammar.

mod common;

use common::dec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tcbill_core::analysis::compare::{compare, default_periods, Change, Comparison, Status};
use tcbill_core::analysis::currency::Currency;
use tcbill_core::{parse_file, Dataset};

const HEADER: &str =
    "账单月份,产品名称,组件名称,资源ID,交易类型,交易ID,币种,组件刊例价,组件用量,使用时长,\
抵扣用量/时长(含资源包),组件原价,折扣率,节省计划抵扣金额,优惠后总价,扣费时间\n";

/// September: one row per resource.
const SEPTEMBER: &str = "\
2025-09,云服务器CVM,CPU,ins-keep,按量计费小时结,T1,,0.5,100,1,0,50.00,0.8,0,40.00,2025-09-30 10:00:00
2025-09,云硬盘CBS,云硬盘,disk-old,包年包月续费,T2,,,,,,12.50,1,0,12.50,2025-09-30 10:00:00
2025-09,COS 对象存储,标准存储容量,bucket-1,按量计费日结,T3,,0.1,200,1,0,20.00,1,0,20.00,2025-09-30 10:00:00
2025-09,内容分发网络CDN,流量,cdn-a,按量计费日结,T4,,0.2,100,1,900,20.00,1,0,20.00,2025-09-30 10:00:00
2025-09,云服务器CVM,内存,ins-sp,按量计费小时结,T5,,1,100,1,0,100.00,1,30.00,70.00,2025-09-30 10:00:00
2025-09,云服务器CVM,CPU,ins-round,按量计费小时结,T6,,1,10,1,0,10.00,1,0,10.00,2025-09-30 10:00:00
2025-09,Cloud Load Balancer,instance,lb-usd,Pay-as-you-go hourly,T7,USD,0.02,100,1,0,2.00,1,0,2.00,2025-09-30 10:00:00
";

/// October: usage up on ins-keep (and a charge without usage), ins-new billed, disk-old gone,
/// the bucket's price up (and a refund), the CDN package ran out, the savings plan gone, a
/// rounding cent-fraction, and the dollar load balancer used twice as much.
const OCTOBER: &str = "\
2025-10,云服务器CVM,CPU,ins-keep,按量计费小时结,T11,,0.5,150,1,0,75.00,0.8,0,60.00,2025-10-31 10:00:00
2025-10,云服务器CVM,CPU,ins-keep,线下项目扣费,T12,,,,,,8.00,1,0,8.00,2025-10-31 10:00:00
2025-10,云服务器CVM,CPU,ins-new,按量计费小时结,T13,,0.5,75,1,0,37.50,0.8,0,30.00,2025-10-31 10:00:00
2025-10,COS 对象存储,标准存储容量,bucket-1,按量计费日结,T14,,0.12,200,1,0,24.00,1,0,24.00,2025-10-31 10:00:00
2025-10,COS 对象存储,标准存储容量,bucket-1,包年包月退款,T15,,,,,,-5.00,1,0,-5.00,2025-10-31 10:00:00
2025-10,内容分发网络CDN,流量,cdn-a,按量计费日结,T16,,0.2,600,1,400,120.00,1,0,120.00,2025-10-31 10:00:00
2025-10,云服务器CVM,内存,ins-sp,按量计费小时结,T17,,1,100,1,0,100.00,1,0,100.00,2025-10-31 10:00:00
2025-10,云服务器CVM,CPU,ins-round,按量计费小时结,T18,,1,10,1,0,10.00,1,0,10.00000001,2025-10-31 10:00:00
2025-10,Cloud Load Balancer,instance,lb-usd,Pay-as-you-go hourly,T19,USD,0.02,200,1,0,4.00,1,0,4.00,2025-10-31 10:00:00
";

fn bill(name: &str, rows: &str) -> Vec<tcbill_core::ParsedFile> {
    parse_file(name, format!("{HEADER}{rows}").as_bytes())
}

fn two_months() -> Dataset {
    let mut dataset = Dataset::new();
    dataset.add(bill("2025-09.csv", SEPTEMBER));
    dataset.add(bill("2025-10.csv", OCTOBER));
    dataset
}

fn september_to_october(dataset: &Dataset) -> Comparison {
    compare(
        dataset,
        "2025-09".parse().unwrap(),
        "2025-10".parse().unwrap(),
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

#[test]
fn a_month_loaded_twice_counts_once() {
    let mut dataset = two_months();
    dataset.add(bill("2025-10-again.csv", OCTOBER));
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
    dataset.add(bill("2025-09.csv", SEPTEMBER));
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
        let mut csv = String::from(HEADER);
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
