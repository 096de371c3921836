//! A month of bills with one planted case of each alert, for `tcbill analyze`'s alerts.
//!
//! April 2025, one L3 row per resource and day (days 1 to `days`, so a month can be cut short
//! for the forecast), the deduction export and the package overview. Background resources cost
//! the same every day, or (CLB traffic) 10 % more on weekends, so that no rule fires on them: a
//! flat history spreads by a twentieth of its median, 5 %, and k = 3 makes 15 %. The plants:
//! - a spike: `redis-spike`, the only 云数据库Redis resource, costs 90.00 instead of 30.00 on day 20;
//! - a new region: `cos-new` starts in 华东地区（上海） on day 12 at 10.00 a day (its product, COS,
//!   already costs 300.00 a day, so the product does not spike);
//! - post-expiry pay-as-you-go: `cdn-planted`'s 20 GB of 境内流量 a day is covered by the 500 GB
//!   package `pkg-cdn-planted` (bought in this bill for 50.00) until it expires at the end of
//!   day 15, then charged at 0.21 元/GB;
//! - untagged resources: two disks without a `team` tag;
//! - a wasteful package: `pkg-cdn-planted` expires with 200 of its 500 GB unused;
//! - a package worth buying: the 300 GB charged after the expiry cost 63.00, at the package's
//!   0.10 元/GB 30.00.
//!
//! `--clean` writes the same background with none of them (no package files at all). Every
//! amount has at most 4 decimals, so the sums here are exact integers of 10^-4 元.

use std::fmt;
use std::io::{self, Write};

use crate::{push_decimal, push_field, Counting, Generated};

/// The L3 columns the alerts read, as the console names them.
pub const BILL_HEADER: &str =
    "账单月份,产品名称,计费模式,地域,资源ID,实例类型,交易类型,交易ID,扣费时间,开始使用时间,\
结束使用时间,组件类型,组件名称,组件刊例价,组件价格单位,组件用量,组件用量单位,原始用量/时长,\
抵扣用量/时长(含资源包),使用时长,组件原价,折扣率,优惠后总价,现金账户支出(元),标签键:team";

const DEDUCTION_HEADER: &str = "资源包归属UIN,资源包名称,资源包ID,产品名称,子产品名称,资源包类型,\
抵扣时间,抵扣前包剩余量,实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源归属UIN,被抵扣资源产品,\
被抵扣资源子产品,被抵扣资源计费项,被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,\
用量结束时间";

const OVERVIEW_HEADER: &str = "资源包名称/资源包ID,产品名称,子产品名称,地域/可用区,状态/资源类型,\
容量单位,单周期剩余量/总量,单周期开始/结束时间,周期剩余数量/总数,总剩余量/总量,生效/到期时间,续费方式";

const MONTH: &str = "2025-04";
/// Days of April.
pub const MONTH_DAYS: u32 = 30;
/// Amounts are integers of 10^-4 元.
const SCALE: u32 = 4;

const GUANGZHOU: &str = "华南地区（广州）";
const SHANGHAI: &str = "华东地区（上海）";
const CDN: &str = "内容分发网络CDN";

const SPIKE_DAY: u32 = 20;
const NEW_REGION_DAY: u32 = 12;
/// The package covers `cdn-planted` up to and including this day.
const EXPIRY_DAY: u32 = 15;
const PACKAGE_ID: &str = "pkg-cdn-planted";
const PACKAGE_GB: i128 = 500;
/// The package's price, 10^-4 元.
const PACKAGE_PRICE: i128 = 500_000;

/// What planted a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    Spike,
    NewRegion,
    AfterExpiry,
    Untagged,
}

/// A resource: what it bills and its daily usage.
struct Resource {
    id: &'static str,
    product: &'static str,
    region: &'static str,
    instance_type: Option<&'static str>,
    component_kind: &'static str,
    component: &'static str,
    /// 组件刊例价, 10^-4 元 per unit.
    price: i128,
    price_unit: &'static str,
    unit: &'static str,
    /// Usage on an ordinary day.
    usage: i128,
    tag: Option<&'static str>,
    plant: Option<Plant>,
}

const RESOURCES: [Resource; 11] = [
    Resource {
        id: "ins-web-1",
        product: "云服务器CVM",
        region: GUANGZHOU,
        instance_type: Some("S5.MEDIUM4"),
        component_kind: "CPU",
        component: "CPU",
        price: 15_000,
        price_unit: "元/核/天",
        unit: "核",
        usage: 8,
        tag: Some("web"),
        plant: None,
    },
    Resource {
        id: "ins-web-2",
        product: "云服务器CVM",
        region: GUANGZHOU,
        instance_type: Some("S5.MEDIUM4"),
        component_kind: "内存",
        component: "内存",
        price: 5_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 16,
        tag: Some("web"),
        plant: None,
    },
    Resource {
        id: "redis-spike",
        product: "云数据库Redis",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "内存",
        component: "内存",
        price: 75_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 4,
        tag: Some("data"),
        plant: Some(Plant::Spike),
    },
    Resource {
        id: "cos-1",
        product: "COS 对象存储",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "存储",
        component: "标准存储容量",
        price: 1_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 1_000,
        tag: Some("data"),
        plant: None,
    },
    Resource {
        id: "cos-2",
        product: "COS 对象存储",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "存储",
        component: "标准存储容量",
        price: 1_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 1_000,
        tag: Some("data"),
        plant: None,
    },
    Resource {
        id: "cos-3",
        product: "COS 对象存储",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "存储",
        component: "标准存储容量",
        price: 1_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 1_000,
        tag: Some("data"),
        plant: None,
    },
    Resource {
        id: "cos-new",
        product: "COS 对象存储",
        region: SHANGHAI,
        instance_type: None,
        component_kind: "存储",
        component: "标准存储容量",
        price: 1_000,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 100,
        tag: Some("data"),
        plant: Some(Plant::NewRegion),
    },
    Resource {
        id: "cdn-overseas",
        product: CDN,
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "流量",
        component: "境外流量",
        price: 5_000,
        price_unit: "元/GB",
        unit: "GB",
        usage: 800,
        tag: Some("web"),
        plant: None,
    },
    Resource {
        id: "cdn-planted",
        product: CDN,
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "流量",
        component: "境内流量",
        price: 2_100,
        price_unit: "元/GB",
        unit: "GB",
        usage: 20,
        tag: Some("web"),
        plant: Some(Plant::AfterExpiry),
    },
    Resource {
        id: "disk-untagged-1",
        product: "云硬盘CBS",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "云硬盘",
        component: "高性能云硬盘",
        price: 350,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 200,
        tag: Some("data"),
        plant: Some(Plant::Untagged),
    },
    Resource {
        id: "disk-untagged-2",
        product: "云硬盘CBS",
        region: GUANGZHOU,
        instance_type: None,
        component_kind: "云硬盘",
        component: "高性能云硬盘",
        price: 350,
        price_unit: "元/GB/天",
        unit: "GB",
        usage: 500,
        tag: Some("data"),
        plant: Some(Plant::Untagged),
    },
];

/// The weekly resource: CLB traffic, 10 % more on Saturdays and Sundays.
const CLB: Resource = Resource {
    id: "clb-web",
    product: "负载均衡CLB",
    region: GUANGZHOU,
    instance_type: None,
    component_kind: "流量",
    component: "公网流量",
    price: 2_000,
    price_unit: "元/GB",
    unit: "GB",
    usage: 500,
    tag: Some("web"),
    plant: None,
};

/// One row: usage before packages, what a package deducted, and the tag.
#[derive(Clone, Copy, Debug)]
struct Row {
    raw: i128,
    deducted: i128,
    tag: Option<&'static str>,
}

impl Row {
    fn cost(&self, price: i128) -> i128 {
        price * (self.raw - self.deducted)
    }
}

/// An alert the month must raise, as the report gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedAlert {
    pub kind: &'static str,
    pub subject: String,
    pub period: String,
    pub amount: String,
    pub expected: String,
    pub excess: String,
    pub row_count: usize,
}

/// One line of the fields the report gives, space-separated, as the tests compare them.
impl fmt::Display for ExpectedAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {} {}",
            self.kind,
            self.subject,
            self.period,
            self.amount,
            self.expected,
            self.excess,
            self.row_count
        )
    }
}

/// A generated month with or without its plants.
pub struct AlertMonth {
    days: u32,
    clean: bool,
}

impl AlertMonth {
    /// Days 1 to `days` (at most 30) of April 2025; `clean` without any plant.
    pub fn new(days: u32, clean: bool) -> AlertMonth {
        AlertMonth {
            days: days.clamp(1, MONTH_DAYS),
            clean,
        }
    }

    /// The files this month writes, by name.
    pub fn file_names(&self) -> Vec<String> {
        let mut names = vec![format!("{MONTH}-明细账单-L3.csv")];
        if !self.clean {
            names.push(format!("{MONTH}-资源包抵扣明细.csv"));
            names.push(format!("{MONTH}-资源包总览.csv"));
        }
        names
    }

    /// Writes file `index` of [`AlertMonth::file_names`].
    ///
    /// # Errors
    /// Only those of `out`.
    pub fn write_file(&self, index: usize, out: impl Write) -> io::Result<Generated> {
        match index {
            0 => self.write_bill(out),
            1 => self.write_deductions(out),
            _ => self.write_overview(out),
        }
    }

    fn resources(&self) -> impl Iterator<Item = &'static Resource> {
        RESOURCES.iter().chain(std::iter::once(&CLB))
    }

    /// The row of `resource` on `day`; `None` when it is not billed then.
    fn row(&self, resource: &Resource, day: u32) -> Option<Row> {
        let mut row = Row {
            raw: resource.usage,
            deducted: 0,
            tag: resource.tag,
        };
        if resource.id == CLB.id && matches!((day + 2) % 7, 0 | 1) {
            // 2025-04-05 is a Saturday.
            row.raw += resource.usage / 10;
        }
        match (resource.plant, self.clean) {
            (None, _) => {}
            (Some(Plant::NewRegion | Plant::AfterExpiry), true) => return None,
            (Some(_), true) => {}
            (Some(Plant::Spike), false) if day == SPIKE_DAY => row.raw *= 3,
            (Some(Plant::Spike), false) => {}
            (Some(Plant::NewRegion), false) if day < NEW_REGION_DAY => return None,
            (Some(Plant::NewRegion), false) => {}
            (Some(Plant::AfterExpiry), false) if day <= EXPIRY_DAY => row.deducted = row.raw,
            (Some(Plant::AfterExpiry), false) => {}
            (Some(Plant::Untagged), false) => row.tag = None,
        }
        Some(row)
    }

    fn write_bill(&self, out: impl Write) -> io::Result<Generated> {
        let mut out = Counting::new(out);
        out.write_all("\u{feff}".as_bytes())?;
        out.write_all(BILL_HEADER.as_bytes())?;
        out.write_all(b"\n")?;
        let (mut rows, mut total) = (0u64, 0i128);
        let mut line = Vec::with_capacity(512);
        if !self.clean {
            line.clear();
            push_purchase(&mut line);
            out.write_all(&line)?;
            rows += 1;
            total += PACKAGE_PRICE;
        }
        for day in 1..=self.days {
            for resource in self.resources() {
                let Some(row) = self.row(resource, day) else {
                    continue;
                };
                line.clear();
                push_row(&mut line, resource, day, row);
                out.write_all(&line)?;
                rows += 1;
                total += row.cost(resource.price);
            }
        }
        out.flush()?;
        Ok(Generated {
            rows,
            bytes: out.bytes,
            real_total_cost: Some(decimal(total)),
        })
    }

    /// The package's deductions: each day's usage of `cdn-planted` until it expires.
    fn write_deductions(&self, out: impl Write) -> io::Result<Generated> {
        let mut out = Counting::new(out);
        out.write_all(DEDUCTION_HEADER.as_bytes())?;
        out.write_all(b"\n")?;
        let cdn = &RESOURCES[8];
        let mut remaining = PACKAGE_GB;
        let mut rows = 0;
        for day in 1..=self.days.min(EXPIRY_DAY) {
            let used = self.row(cdn, day).expect("billed every day").deducted;
            let date = format!("{MONTH}-{day:02}");
            writeln!(
                out,
                "100012345678,CDN境内流量包500GB,{PACKAGE_ID},{CDN},CDN流量,总量递减,{date} 12:00:00,\
                 {remaining},{used},{},GB,100012345678,{CDN},CDN流量,境内流量,{used},GB,1,\
                 {date} 00:00:00,{date} 23:59:59",
                remaining - used
            )?;
            remaining -= used;
            rows += 1;
        }
        out.flush()?;
        Ok(Generated {
            rows,
            bytes: out.bytes,
            real_total_cost: None,
        })
    }

    /// The package overview: expired on day 15 with what its deductions left.
    fn write_overview(&self, out: impl Write) -> io::Result<Generated> {
        let mut out = Counting::new(out);
        out.write_all(OVERVIEW_HEADER.as_bytes())?;
        out.write_all(b"\n")?;
        writeln!(
            out,
            "CDN境内流量包500GB/{PACKAGE_ID},{CDN},CDN流量,-,已过期/总量递减,GB,-,-,-,{}/{PACKAGE_GB},\
             {MONTH}-01 00:00:00/{MONTH}-{EXPIRY_DAY:02} 23:59:59,手动续费",
            PACKAGE_GB - self.package_used()
        )?;
        out.flush()?;
        Ok(Generated {
            rows: 1,
            bytes: out.bytes,
            real_total_cost: None,
        })
    }

    /// GB the package deducted in the days written.
    fn package_used(&self) -> i128 {
        let cdn = &RESOURCES[8];
        (1..=self.days.min(EXPIRY_DAY))
            .filter_map(|day| self.row(cdn, day))
            .map(|row| row.deducted)
            .sum()
    }

    /// What the bill's 优惠后总价 adds up to over the days written.
    pub fn real_total_cost(&self) -> String {
        let mut total = if self.clean { 0 } else { PACKAGE_PRICE };
        for day in 1..=self.days {
            for resource in self.resources() {
                total += self
                    .row(resource, day)
                    .map_or(0, |row| row.cost(resource.price));
            }
        }
        decimal(total)
    }

    /// The alerts tcbill must raise on the full planted month, from the plants' figures:
    /// none for a clean month, and not listed for a month cut short.
    pub fn expected(&self) -> Vec<ExpectedAlert> {
        if self.clean || self.days < MONTH_DAYS {
            return Vec::new();
        }
        let resource = |id: &str| {
            self.resources()
                .find(|resource| resource.id == id)
                .expect("listed")
        };
        let redis = resource("redis-spike");
        let flat = redis.price * redis.usage;
        let spike = flat * 3;
        let spiked = |subject: &str| ExpectedAlert {
            kind: "daily_spike",
            subject: subject.to_owned(),
            period: format!("{MONTH}-{SPIKE_DAY}"),
            amount: cents(spike),
            expected: cents(flat),
            excess: cents(spike - flat),
            row_count: 1,
        };
        let cos_new = resource("cos-new");
        let new_region = cos_new.price * cos_new.usage;
        let cdn = resource("cdn-planted");
        let charged_days = MONTH_DAYS - EXPIRY_DAY;
        let after_expiry = cdn.price * cdn.usage * i128::from(charged_days);
        let wasted = PACKAGE_GB - self.package_used();
        let at_package_price = cdn.usage * i128::from(charged_days) * PACKAGE_PRICE / PACKAGE_GB;
        let untagged: i128 = ["disk-untagged-1", "disk-untagged-2"]
            .iter()
            .map(|id| resource(id))
            .map(|disk| disk.price * disk.usage * i128::from(MONTH_DAYS))
            .sum();
        vec![
            spiked("云数据库Redis"),
            spiked("redis-spike"),
            ExpectedAlert {
                kind: "first_appearance",
                subject: SHANGHAI.to_owned(),
                period: format!("{MONTH}-{NEW_REGION_DAY}"),
                amount: cents(new_region),
                expected: "0.00".into(),
                excess: cents(new_region),
                row_count: 1,
            },
            ExpectedAlert {
                kind: "pay_as_you_go_after_package",
                subject: PACKAGE_ID.to_owned(),
                period: format!("{MONTH}-{:02}..{MONTH}-{MONTH_DAYS}", EXPIRY_DAY + 1),
                amount: cents(after_expiry),
                expected: "0.00".into(),
                excess: cents(after_expiry),
                row_count: charged_days as usize,
            },
            ExpectedAlert {
                kind: "allocation_gap",
                subject: "team".into(),
                period: MONTH.into(),
                amount: cents(untagged),
                expected: "0.00".into(),
                excess: cents(untagged),
                row_count: 2 * MONTH_DAYS as usize,
            },
            // What the package left at expiry, at its price per GB; citing its purchase row.
            ExpectedAlert {
                kind: "package_waste",
                subject: PACKAGE_ID.to_owned(),
                period: format!("{MONTH}-{EXPIRY_DAY}"),
                amount: cents(wasted * PACKAGE_PRICE / PACKAGE_GB),
                expected: "0.00".into(),
                excess: cents(wasted * PACKAGE_PRICE / PACKAGE_GB),
                row_count: 1,
            },
            // The usage charged after expiry at the package's price per GB: the purchase row
            // and the charged rows.
            ExpectedAlert {
                kind: "package_worth_buying",
                subject: format!("{CDN} 境内流量"),
                period: format!("{MONTH}-{:02}..{MONTH}-{MONTH_DAYS}", EXPIRY_DAY + 1),
                amount: cents(after_expiry),
                expected: cents(at_package_price),
                excess: cents(after_expiry - at_package_price),
                row_count: 1 + charged_days as usize,
            },
        ]
    }
}

/// The package's purchase row, on day 1.
fn push_purchase(line: &mut Vec<u8>) {
    let price = decimal(PACKAGE_PRICE);
    line.extend_from_slice(
        format!(
            "{MONTH},{CDN},包年包月,{GUANGZHOU},{PACKAGE_ID},-,包年包月新购,{}{PACKAGE_ID},\
             {MONTH}-01 00:05:00,{MONTH}-01 00:00:00,{MONTH}-{EXPIRY_DAY} 23:59:59,资源包,流量包,\
             {price},元/个,1,个,1,0,1,{price},1,{price},{price},web\n",
            MONTH.replace('-', "")
        )
        .as_bytes(),
    );
}

fn push_row(line: &mut Vec<u8>, resource: &Resource, day: u32, row: Row) {
    let mut text = |value: &str| {
        push_field(line, value.as_bytes());
        line.push(b',');
    };
    let date = format!("{MONTH}-{day:02}");
    text(MONTH);
    text(resource.product);
    text("按量计费");
    text(resource.region);
    text(resource.id);
    text(resource.instance_type.unwrap_or("-"));
    text("按量计费日结");
    text(&format!(
        "{}{}{day:02}",
        MONTH.replace('-', ""),
        resource.id
    ));
    text(&format!("{date} 12:00:00"));
    text(&format!("{date} 00:00:00"));
    text(&format!("{date} 23:59:59"));
    text(resource.component_kind);
    text(resource.component);
    let cost = row.cost(resource.price);
    let mut number = |value: i128, scale: u32| {
        push_decimal(line, value, scale, false, false);
        line.push(b',');
    };
    number(resource.price, SCALE);
    push_field(line, resource.price_unit.as_bytes());
    line.push(b',');
    push_decimal(line, row.raw - row.deducted, 0, false, false);
    line.push(b',');
    push_field(line, resource.unit.as_bytes());
    line.push(b',');
    let mut number = |value: i128, scale: u32| {
        push_decimal(line, value, scale, false, false);
        line.push(b',');
    };
    number(row.raw, 0);
    number(row.deducted, 0);
    number(1, 0);
    number(cost, SCALE);
    number(1, 0);
    number(cost, SCALE);
    number(cost, SCALE);
    push_field(line, row.tag.unwrap_or("").as_bytes());
    line.push(b'\n');
}

/// An amount of 10^-4 元 as decimal text without trailing zeros.
fn decimal(value: i128) -> String {
    let mut out = Vec::new();
    push_decimal(&mut out, value, SCALE, false, false);
    String::from_utf8(out).expect("ASCII digits")
}

/// An amount of 10^-4 元 as the report writes alert amounts: at least two decimals.
fn cents(value: i128) -> String {
    let text = decimal(value);
    match text.split_once('.') {
        None => format!("{text}.00"),
        Some((_, decimals)) if decimals.len() == 1 => format!("{text}0"),
        Some(_) => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plants_figures_by_hand() {
        let expected: Vec<String> = AlertMonth::new(30, false)
            .expected()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            expected,
            [
                "daily_spike 云数据库Redis 2025-04-20 90.00 30.00 60.00 1",
                "daily_spike redis-spike 2025-04-20 90.00 30.00 60.00 1",
                "first_appearance 华东地区（上海） 2025-04-12 10.00 0.00 10.00 1",
                "pay_as_you_go_after_package pkg-cdn-planted 2025-04-16..2025-04-30 63.00 0.00 63.00 15",
                "allocation_gap team 2025-04 735.00 0.00 735.00 60",
                "package_waste pkg-cdn-planted 2025-04-15 20.00 0.00 20.00 1",
                "package_worth_buying 内容分发网络CDN 境内流量 2025-04-16..2025-04-30 63.00 30.00 33.00 16",
            ]
        );
        assert!(AlertMonth::new(30, true).expected().is_empty());
    }

    #[test]
    fn the_weekend_is_saturday_and_sunday() {
        let month = AlertMonth::new(30, true);
        let weekend: Vec<u32> = (1..=30)
            .filter(|&day| month.row(&CLB, day).unwrap().raw > CLB.usage)
            .collect();
        assert_eq!(weekend, [5, 6, 12, 13, 19, 20, 26, 27]);
    }
}
