//! A multi-month history of L3 bills with planted changes, for `tcbill compare`.
//!
//! Each month is one L3 CSV (one row per resource and day, days 1 to 28 so that months are
//! alike) with 原始用量 and 抵扣用量 columns. Background resources only change their usage; in the
//! last month six planted resources each make one kind of change: a new resource, a removed one,
//! a price increase, a lost discount, a resource package that ran out mid-month and a usage
//! spike. Prices have at most 4 decimals and 折扣率 2, so every amount is exact and the bill's
//! arithmetic holds (原价 = 刊例价 × 用量, 优惠后总价 = 原价 × 折扣率, 组件用量 = 原始用量 − 抵扣用量).
//! [`History::expected`] computes, in exact integers and apart from tcbill, what `tcbill compare`
//! must find between the last two months: each part's total and each planted resource's part.

use std::io::{self, Write};

use crate::{push_decimal, push_field, Counting, Generated, Rng};

/// The header: the L3 columns a comparison reads, as the console names them.
pub const HEADER: &str =
    "账单月份,产品名称,计费模式,地域,资源ID,交易类型,交易ID,扣费时间,开始使用时间,\
结束使用时间,组件类型,组件名称,组件刊例价,组件价格单位,组件用量,组件用量单位,原始用量/时长,\
抵扣用量/时长(含资源包),使用时长,组件原价,折扣率,优惠后总价,现金账户支出(元)";

/// Days billed in every month.
const DAYS: u32 = 28;

/// Amounts in the CSV and in [`Expected`] are integers of 10^-10 元: 8 decimals of 原价 times
/// the 2 of 折扣率.
const SCALE: u32 = 10;

/// What a resource bills: product, component kind and name, units.
struct Product {
    name: &'static str,
    kind: &'static str,
    component: &'static str,
    price_unit: &'static str,
    used_unit: &'static str,
}

const CVM_CPU: Product = Product {
    name: "云服务器CVM",
    kind: "CPU",
    component: "CPU",
    price_unit: "元/核/天",
    used_unit: "核",
};
const CVM_MEMORY: Product = Product {
    name: "云服务器CVM",
    kind: "内存",
    component: "内存",
    price_unit: "元/GB/天",
    used_unit: "GB",
};
const CBS: Product = Product {
    name: "云硬盘CBS",
    kind: "云硬盘",
    component: "高性能云硬盘",
    price_unit: "元/GB/天",
    used_unit: "GB",
};
const COS: Product = Product {
    name: "COS 对象存储",
    kind: "存储",
    component: "标准存储容量",
    price_unit: "元/GB/天",
    used_unit: "GB",
};
const CDN: Product = Product {
    name: "内容分发网络CDN",
    kind: "流量",
    component: "境内流量",
    price_unit: "元/GB",
    used_unit: "GB",
};

const BACKGROUND_PRODUCTS: [&Product; 5] = [&CVM_CPU, &CVM_MEMORY, &CBS, &COS, &CDN];
/// 刊例价 in 10^-4 元.
const BACKGROUND_PRICES: [i128; 4] = [120, 350, 8, 2_000];
/// 折扣率 in 10^-2.
const BACKGROUND_DISCOUNTS: [i128; 4] = [70, 80, 90, 100];

/// The planted changes, last month against the one before: resource, what it is, the part
/// tcbill must put its whole change in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    NewResource,
    RemovedResource,
    PriceIncrease,
    LostDiscount,
    PackageRanOut,
    UsageSpike,
}

const PLANTS: [(Plant, &str, &str); 6] = [
    (Plant::NewResource, "ins-planted-new", "new_resources"),
    (
        Plant::RemovedResource,
        "disk-planted-removed",
        "removed_resources",
    ),
    (Plant::PriceIncrease, "cos-planted-price", "price"),
    (Plant::LostDiscount, "ins-planted-discount", "price"),
    (
        Plant::PackageRanOut,
        "cdn-planted-package",
        "package_coverage",
    ),
    (Plant::UsageSpike, "ins-planted-spike", "usage"),
];

/// One row: usage in whole units, prices in 10^-4 元, 折扣率 in 10^-2.
#[derive(Clone, Copy, Debug)]
struct Day {
    raw: i128,
    deducted: i128,
    price: i128,
    discount: i128,
}

impl Day {
    fn used(&self) -> i128 {
        self.raw - self.deducted
    }

    /// 原价 in 10^-8 元.
    fn cost(&self) -> i128 {
        self.price * self.used() * 10_000
    }

    /// 优惠后总价 in 10^-10 元 (exact: 原价 has 8 decimals, 折扣率 2).
    fn real_cost(&self) -> i128 {
        self.cost() * self.discount
    }
}

/// A resource of the history.
struct Resource {
    id: String,
    product: &'static Product,
    plant: Option<Plant>,
    price: i128,
    discount: i128,
}

/// Months of bills of the same resources.
pub struct History {
    first_month: (i64, u32),
    months: usize,
    seed: u64,
    resources: Vec<Resource>,
}

/// What `tcbill compare` must find between the last two months, as exact decimal text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// RealTotalCost of the month before the last, and of the last.
    pub a: String,
    pub b: String,
    /// Each part of the change, named as tcbill's report names it; the parts it cannot have
    /// here (savings plan, reserved instances, refunds, rows without usage, rounding) are zero.
    pub parts: Vec<(&'static str, String)>,
    /// Each planted resource, the part its whole change is in and the amount.
    pub planted: Vec<(String, &'static str, String)>,
}

impl History {
    /// `months` months from 2025-01 (at least 2), over `background` resources besides the
    /// planted ones.
    pub fn new(months: usize, background: u64, seed: u64) -> History {
        let mut rng = Rng::new(seed);
        let mut resources: Vec<Resource> = (0..background)
            .map(|index| Resource {
                id: format!("res-{index:05}"),
                product: BACKGROUND_PRODUCTS[rng.below(BACKGROUND_PRODUCTS.len() as u64) as usize],
                plant: None,
                price: *rng.pick(&BACKGROUND_PRICES),
                discount: *rng.pick(&BACKGROUND_DISCOUNTS),
            })
            .collect();
        resources.extend(PLANTS.iter().map(|&(plant, id, _)| {
            let (product, price, discount) = match plant {
                Plant::NewResource => (&CVM_CPU, 500, 100),
                Plant::RemovedResource => (&CBS, 100, 90),
                Plant::PriceIncrease => (&COS, 40, 100),
                Plant::LostDiscount => (&CVM_CPU, 1_000, 80),
                Plant::PackageRanOut => (&CDN, 2_000, 100),
                Plant::UsageSpike => (&CVM_MEMORY, 200, 100),
            };
            Resource {
                id: id.to_owned(),
                product,
                plant: Some(plant),
                price,
                discount,
            }
        }));
        History {
            first_month: (2025, 1),
            months: months.max(2),
            seed,
            resources,
        }
    }

    pub fn months(&self) -> usize {
        self.months
    }

    /// `2025-03` for month 2.
    pub fn month_name(&self, month: usize) -> String {
        let (year, first) = self.first_month;
        let index = i64::from(first) - 1 + month as i64;
        format!("{:04}-{:02}", year + index / 12, index % 12 + 1)
    }

    /// The row of `resource` on `day` (1-based) of `month`; `None` when it is not billed then.
    fn day(&self, resource: usize, month: usize, day: u32) -> Option<Day> {
        let r = &self.resources[resource];
        let last = month + 1 == self.months;
        let mut row = Day {
            raw: 0,
            deducted: 0,
            price: r.price,
            discount: r.discount,
        };
        match r.plant {
            None => {
                // The month's base usage and the day's wobble, from a generator of their own so
                // any month can be written alone.
                let month_seed = self.seed ^ ((resource as u64) << 20) ^ ((month as u64) << 8);
                let mut rng = Rng::new(month_seed ^ u64::from(day));
                let base = 1 + Rng::new(month_seed).below(500);
                row.raw = i128::from(base + rng.below(10));
            }
            Some(Plant::NewResource) => {
                if !last {
                    return None;
                }
                row.raw = 24;
            }
            Some(Plant::RemovedResource) => {
                if last {
                    return None;
                }
                row.raw = 100;
            }
            Some(Plant::PriceIncrease) => {
                row.raw = 500;
                if last {
                    row.price = 48;
                }
            }
            Some(Plant::LostDiscount) => {
                row.raw = 48;
                if last {
                    row.discount = 100;
                }
            }
            Some(Plant::PackageRanOut) => {
                row.raw = 200;
                row.deducted = if last && day >= 15 { 0 } else { 150 };
            }
            Some(Plant::UsageSpike) => {
                row.raw = if last && day >= 20 { 48 } else { 16 };
            }
        }
        Some(row)
    }

    /// Writes month `month` (0-based) as an L3 CSV, UTF-8 with a BOM.
    ///
    /// # Errors
    /// Only those of `out`.
    pub fn write_month(&self, month: usize, out: impl Write) -> io::Result<Generated> {
        let mut out = Counting::new(out);
        out.write_all("\u{feff}".as_bytes())?;
        out.write_all(HEADER.as_bytes())?;
        out.write_all(b"\n")?;
        let name = self.month_name(month);
        let (mut rows, mut total) = (0u64, 0i128);
        let mut line = Vec::with_capacity(512);
        for (index, resource) in self.resources.iter().enumerate() {
            for day in 1..=DAYS {
                let Some(row) = self.day(index, month, day) else {
                    continue;
                };
                line.clear();
                self.push_row(&mut line, &name, resource, day, row);
                out.write_all(&line)?;
                rows += 1;
                total += row.real_cost();
            }
        }
        out.flush()?;
        Ok(Generated {
            rows,
            bytes: out.bytes,
            real_total_cost: Some(decimal(total)),
        })
    }

    fn push_row(&self, line: &mut Vec<u8>, month: &str, resource: &Resource, day: u32, row: Day) {
        let mut text = |value: &str| {
            push_field(line, value.as_bytes());
            line.push(b',');
        };
        let date = format!("{month}-{day:02}");
        text(month);
        text(resource.product.name);
        text("按量计费");
        text("华南地区（广州）");
        text(&resource.id);
        text("按量计费日结");
        text(&format!(
            "{}{}{day:02}",
            month.replace('-', ""),
            resource.id
        ));
        text(&format!("{date} 12:00:00"));
        text(&format!("{date} 00:00:00"));
        text(&format!("{date} 23:59:59"));
        text(resource.product.kind);
        text(resource.product.component);
        let number = |line: &mut Vec<u8>, value: i128, scale: u32| {
            push_decimal(line, value, scale, false, false);
            line.push(b',');
        };
        number(line, row.price, 4);
        push_field(line, resource.product.price_unit.as_bytes());
        line.push(b',');
        number(line, row.used(), 0);
        push_field(line, resource.product.used_unit.as_bytes());
        line.push(b',');
        number(line, row.raw, 0);
        number(line, row.deducted, 0);
        number(line, 1, 0);
        push_decimal(line, row.cost(), 8, true, false);
        line.push(b',');
        number(line, row.discount, 2);
        push_decimal(line, row.real_cost(), SCALE, false, false);
        line.push(b',');
        push_decimal(line, row.real_cost(), SCALE, false, false);
        line.push(b'\n');
    }

    /// The sums of one resource in one month: R, D, Q, P (= C here), in whole units and
    /// 10^-10 元; `None` when it has no row that month.
    fn sums(&self, resource: usize, month: usize) -> Option<[i128; 4]> {
        let days: Vec<Day> = (1..=DAYS)
            .filter_map(|day| self.day(resource, month, day))
            .collect();
        (!days.is_empty()).then(|| {
            days.iter().fold([0; 4], |[r, d, q, p], day| {
                [
                    r + day.raw,
                    d + day.deducted,
                    q + day.used(),
                    p + day.real_cost(),
                ]
            })
        })
    }

    /// What comparing the last month with the one before must give (README's formulas, here in
    /// integers): per resource, new or removed, else usage = ΔR × P_A / Q_A and package
    /// coverage = −ΔD × P_A / Q_A rounded half away from zero to 8 decimals, price = ΔP − both.
    pub fn expected(&self) -> Expected {
        let (a_month, b_month) = (self.months - 2, self.months - 1);
        // new, removed, usage, package coverage, price; 10^-10 元.
        let mut parts = [0i128; 5];
        let (mut a_total, mut b_total) = (0i128, 0i128);
        let mut planted = Vec::new();
        for (index, resource) in self.resources.iter().enumerate() {
            let (a, b) = (self.sums(index, a_month), self.sums(index, b_month));
            let mut key = [0i128; 5];
            match (a, b) {
                (None, None) => continue,
                (None, Some(b)) => key[0] = b[3],
                (Some(a), None) => key[1] = -a[3],
                (Some([ra, da, qa, pa]), Some([rb, db, qb, pb])) => {
                    let (price, usage) = if qa != 0 { (pa, qa) } else { (pb, qb) };
                    if usage != 0 {
                        // To 8 decimals: divide by 100 more, then back to 10^-10.
                        key[2] = div_round((rb - ra) * price, usage * 100) * 100;
                        key[3] = div_round(-(db - da) * price, usage * 100) * 100;
                    }
                    key[4] = pb - pa - key[2] - key[3];
                }
            }
            a_total += a.map_or(0, |a| a[3]);
            b_total += b.map_or(0, |b| b[3]);
            for (sum, part) in parts.iter_mut().zip(key) {
                *sum += part;
            }
            if let Some(plant) = resource.plant {
                let (_, id, part) = PLANTS.iter().find(|(p, ..)| *p == plant).expect("listed");
                planted.push((id.to_string(), *part, decimal(key.iter().sum())));
            }
        }
        let names = [
            "new_resources",
            "removed_resources",
            "usage",
            "package_coverage",
            "price",
        ];
        Expected {
            a: decimal(a_total),
            b: decimal(b_total),
            parts: names
                .into_iter()
                .zip(parts)
                .map(|(name, amount)| (name, decimal(amount)))
                .collect(),
            planted,
        }
    }
}

/// `n / d` rounded half away from zero (`d > 0`).
fn div_round(n: i128, d: i128) -> i128 {
    let (quotient, remainder) = (n / d, n % d);
    if 2 * remainder.abs() >= d {
        quotient + n.signum()
    } else {
        quotient
    }
}

/// An amount of 10^-10 元 as decimal text without trailing zeros.
fn decimal(value: i128) -> String {
    let mut out = Vec::new();
    push_decimal(&mut out, value, SCALE, false, false);
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(-15, 10), -2);
        assert_eq!(div_round(14, 10), 1);
        assert_eq!(div_round(-14, 10), -1);
    }

    #[test]
    fn months_roll_over_years() {
        let history = History::new(14, 1, 7);
        assert_eq!(history.month_name(0), "2025-01");
        assert_eq!(history.month_name(13), "2026-02");
    }

    #[test]
    fn each_plant_is_its_own_part_by_hand() {
        let expected = History::new(3, 0, 7).expected();
        let planted: Vec<String> = expected
            .planted
            .iter()
            .map(|(id, part, amount)| format!("{id} {part} {amount}"))
            .collect();
        assert_eq!(
            planted,
            [
                "ins-planted-new new_resources 33.6",
                "disk-planted-removed removed_resources -25.2",
                "cos-planted-price price 11.2",
                "ins-planted-discount price 26.88",
                "cdn-planted-package package_coverage 420",
                "ins-planted-spike usage 5.76",
            ]
        );
    }
}
