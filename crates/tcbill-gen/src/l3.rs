//! L3 明细账单 with the post-2024-11 Chinese header set: one row per billed component per hour
//! of a month (June 2025 unless asked), over a pool of resources that keep their product, region,
//! discount and tags.

use std::io::{self, Write};

use crate::catalog::{
    Component, Product, Usage, DISCOUNTS, OWNER_UINS, PAYER_UIN, PRODUCTS, PROJECTS, REGIONS,
    TAG_ENV, TAG_TEAM,
};
use tcbill_core::model::time::BeijingTime;

use crate::{push_decimal, push_field, push_time_after, round_drop, Counting, Generated, Rng};

/// The header, as the console writes it since the 2024-11 field upgrade, plus three tag columns.
pub const HEADER: &str = "账单月份,支付者UIN,使用者UIN,操作者UIN,产品名称,子产品名称,计费模式,项目名称,地域,地域编码,\
可用区,可用区编码,国内国际,资源ID,实例名称,实例类型,交易类型,订单ID,交易ID,扣费时间,开始使用时间,结束使用时间,\
组件类型,组件名称,组件刊例价,组件单价,组件价格单位,组件用量,组件用量单位,使用时长,时长单位,组件原价,折扣率,\
优惠对象,优惠类型,优惠内容,节省计划抵扣金额,节省计划抵扣率,优惠后总价,代金券支出(元),赠送账户支出(元),\
现金账户支出(元),配置属性,标签键:env,标签键:team,标签键:cost-center";

/// The billing month a bill covers: its rows spread over its hours in order, and its order and
/// transaction IDs start from its dates, so the bills of different months never share an ID.
struct BillMonth {
    year: i64,
    month: u32,
    start: BeijingTime,
    hours: u64,
}

impl BillMonth {
    fn new((year, month): (i64, u32)) -> Option<BillMonth> {
        let (start, end) = BeijingTime::month_bounds(year, month)?;
        let hours = (end.utc_epoch_secs() - start.utc_epoch_secs()) / 3600;
        Some(BillMonth {
            year,
            month,
            start,
            hours: u64::try_from(hours).ok()?,
        })
    }

    /// `yyyymmdd` of the month's first day, and of the next month's.
    fn dates(&self) -> (u64, u64) {
        let date = |year: i64, month: u32| year as u64 * 10_000 + u64::from(month) * 100 + 1;
        let next = if self.month == 12 {
            date(self.year + 1, 1)
        } else {
            date(self.year, self.month + 1)
        };
        (date(self.year, self.month), next)
    }
}

/// One billed resource; every row of it repeats these.
pub(crate) struct Resource {
    pub(crate) product: &'static Product,
    pub(crate) sub_product: &'static str,
    /// Name, code and 国内国际.
    pub(crate) region: (&'static str, &'static str, &'static str),
    pub(crate) zone: (&'static str, &'static str),
    pub(crate) project: &'static str,
    pub(crate) owner: &'static str,
    pub(crate) id: String,
    pub(crate) name: String,
    /// Scaled by 100.
    pub(crate) discount: i64,
    /// Covered by a savings plan: 30 % of its discounted cost is deducted.
    pub(crate) savings_plan: bool,
    pub(crate) config: &'static str,
    /// env, team and cost-center; `-` for none.
    pub(crate) tags: [String; 3],
}

/// The tag keys of [`Resource::tags`].
pub(crate) const TAG_KEYS: [&str; 3] = ["env", "team", "cost-center"];

impl Resource {
    pub(crate) fn new(index: u64, rng: &mut Rng) -> Resource {
        let total_weight: u64 = PRODUCTS.iter().map(|p| p.weight).sum();
        let mut pick = rng.below(total_weight);
        let product = PRODUCTS
            .iter()
            .find(|p| {
                let hit = pick < p.weight;
                pick = pick.saturating_sub(p.weight);
                hit
            })
            .expect("weights add up");
        let (region, zone) = if product.regional {
            let region = rng.pick(REGIONS);
            (
                (region.name, region.code, region.domestic),
                *rng.pick(region.zones),
            )
        } else {
            (("中国大陆", "-", "境内"), ("-", "-"))
        };
        let suffix = rng.next_u64();
        let id = match product.id_prefix {
            Some(prefix) => format!("{prefix}{:08x}", suffix as u32),
            None => format!("static{index}.example.com"),
        };
        let name = match rng.below(10) {
            0 => "-".to_owned(),
            1 => format!("api, internal-{index}"),
            _ if product.id_prefix.is_none() => id.clone(),
            _ => format!(
                "{}-{index:05}",
                rng.pick(&["web", "api", "batch", "db", "cache"])
            ),
        };
        let config = match product.name {
            "云服务器CVM" => *rng.pick(&[
                "4核8GB, 高性能云硬盘50GB",
                "2核4GB, SSD云硬盘100GB",
                "8核32GB, 增强型SSD 200GB",
            ]),
            "云数据库 MySQL" => "内存: 4000MB, 硬盘: 200GB",
            _ => "-",
        };
        let cost_center = match rng.below(4) {
            0 => "-".to_owned(),
            n => format!("cc-{}", 1000 + n * 7),
        };
        Resource {
            product,
            sub_product: rng.pick::<&str>(product.sub_products),
            region,
            zone,
            project: rng.pick::<&str>(PROJECTS),
            owner: rng.pick::<&str>(OWNER_UINS),
            id,
            name,
            discount: *rng.pick(DISCOUNTS),
            savings_plan: product.pay_mode == "按量计费"
                && product.name == "云服务器CVM"
                && rng.percent(20),
            config,
            tags: [
                rng.pick(TAG_ENV).to_string(),
                rng.pick(TAG_TEAM).to_string(),
                cost_center,
            ],
        }
    }
}

/// The resources a bill of `rows` rows is spread over.
pub(crate) fn resource_pool(rows: u64, rng: &mut Rng) -> Vec<Resource> {
    let pool = (rows / 200).clamp(20, 20_000);
    (0..pool).map(|index| Resource::new(index, rng)).collect()
}

/// Writes an L3 bill of `rows` component rows (UTF-8 with a BOM, as the console exports it).
///
/// # Errors
/// Only those of `out`.
pub fn write_l3(rows: u64, seed: u64, out: impl Write) -> io::Result<Generated> {
    write_l3_month(rows, seed, (2025, 6), out)
}

/// [`write_l3`] for the billing month `(year, month)`: twelve of these with different seeds are
/// a year of bills (the twelve-month benchmark).
///
/// # Errors
/// `InvalidInput` for a month that does not exist; otherwise only those of `out`.
pub fn write_l3_month(
    rows: u64,
    seed: u64,
    month: (i64, u32),
    out: impl Write,
) -> io::Result<Generated> {
    let month = BillMonth::new(month)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no such month"))?;
    let mut out = Counting::new(out);
    let mut rng = Rng::new(seed);
    let resources = resource_pool(rows, &mut rng);
    let pool = resources.len() as u64;
    out.write_all("\u{feff}".as_bytes())?;
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut total: i128 = 0;
    let mut line = Vec::with_capacity(1024);
    for row in 0..rows {
        line.clear();
        let resource = &resources[rng.below(pool) as usize];
        total += push_row(
            &mut line,
            &month,
            row,
            row * month.hours / rows.max(1),
            resource,
            &mut rng,
        );
        out.write_all(&line)?;
    }
    out.flush()?;
    let mut real_total_cost = Vec::new();
    push_decimal(&mut real_total_cost, total, 8, false, false);
    Ok(Generated {
        rows,
        bytes: out.bytes,
        real_total_cost: Some(String::from_utf8(real_total_cost).expect("ASCII digits")),
    })
}

/// One component of a resource billed for one hour, with amounts (in 1/10^8 元) whose arithmetic
/// holds: 原价 = 刊例价 × 用量 × 时长, 优惠后总价 = 原价 × 折扣率 − 节省计划抵扣金额, and the
/// voucher, incentive and cash payments add up to 优惠后总价.
pub(crate) struct Charge {
    pub(crate) component: &'static Component,
    /// Scaled by 10^4.
    pub(crate) used: i64,
    pub(crate) span: i64,
    pub(crate) contract_price: i128,
    pub(crate) cost: i128,
    pub(crate) savings_plan: i128,
    pub(crate) real_cost: i128,
    pub(crate) voucher: i128,
    pub(crate) incentive: i128,
    pub(crate) cash: i128,
}

impl Charge {
    pub(crate) fn new(resource: &Resource, rng: &mut Rng) -> Charge {
        let component = rng.pick(resource.product.components);
        let used: i64 = match component.usage {
            Usage::OneOf(amounts) => *rng.pick(amounts),
            Usage::UpTo(max) => 1 + rng.below(max as u64) as i64,
        };
        let span: i64 = 1;
        // 原价 = 刊例价 (10^-8) × 用量 (10^-4) × 时长, kept at 8 decimals.
        let cost = round_drop(
            i128::from(component.list_price) * i128::from(used) * i128::from(span),
            4,
        );
        let discounted = round_drop(cost * i128::from(resource.discount), 2);
        let savings_plan = if resource.savings_plan {
            round_drop(discounted * 30, 2)
        } else {
            0
        };
        let real_cost = discounted - savings_plan;
        let voucher = if rng.percent(3) {
            real_cost.min(500_000_000)
        } else {
            0
        };
        let incentive = if rng.percent(5) {
            (real_cost - voucher) / 2
        } else {
            0
        };
        Charge {
            component,
            used,
            span,
            contract_price: round_drop(
                i128::from(component.list_price) * i128::from(resource.discount),
                2,
            ),
            cost,
            savings_plan,
            real_cost,
            voucher,
            incentive,
            cash: real_cost - voucher - incentive,
        }
    }
}

/// Appends one row and returns its 优惠后总价 in 1/10^8 元.
fn push_row(
    line: &mut Vec<u8>,
    month: &BillMonth,
    row: u64,
    hour: u64,
    resource: &Resource,
    rng: &mut Rng,
) -> i128 {
    let product = resource.product;
    let Charge {
        component,
        used,
        span,
        contract_price,
        cost,
        savings_plan,
        real_cost,
        voucher,
        incentive,
        cash,
    } = Charge::new(resource, rng);
    let text = |line: &mut Vec<u8>, value: &str| {
        push_field(line, value.as_bytes());
        line.push(b',');
    };
    let money = |line: &mut Vec<u8>, value: i128| {
        if value == 0 {
            line.push(b'0');
        } else {
            push_decimal(line, value, 8, true, false);
        }
        line.push(b',');
    };
    write!(line, "{:04}-{:02},", month.year, month.month).expect("writing to a Vec");
    text(line, PAYER_UIN);
    text(line, resource.owner);
    text(line, resource.owner);
    text(line, product.name);
    text(line, resource.sub_product);
    text(line, product.pay_mode);
    text(line, resource.project);
    text(line, resource.region.0);
    text(line, resource.region.1);
    text(line, resource.zone.0);
    text(line, resource.zone.1);
    text(line, resource.region.2);
    text(line, &resource.id);
    text(line, &resource.name);
    text(line, product.instance_type);
    text(line, product.action);
    if product.pay_mode == "包年包月" {
        write!(line, "{},", month.dates().0 * 1_000_000 + row).expect("writing to a Vec");
    } else {
        text(line, "-");
    }
    write!(line, "{},", month.dates().1 * 1_000_000_000 + row).expect("writing to a Vec");
    push_time_after(line, month.start, (hour + 1) * 60, 0);
    line.push(b',');
    push_time_after(line, month.start, hour * 60, 0);
    line.push(b',');
    push_time_after(line, month.start, hour * 60 + 59, 59);
    line.push(b',');
    text(line, component.kind);
    text(line, component.name);
    // Monthly list prices above 1,000 元 carry thousands separators, so the field is quoted.
    let grouped = component.list_price >= 100_000_000_000;
    if grouped {
        line.push(b'"');
    }
    push_decimal(line, i128::from(component.list_price), 8, true, grouped);
    if grouped {
        line.push(b'"');
    }
    line.push(b',');
    push_decimal(line, contract_price, 8, true, false);
    line.push(b',');
    text(line, component.price_unit);
    push_decimal(line, i128::from(used), 4, false, false);
    line.push(b',');
    text(line, component.used_unit);
    match component.time_unit {
        Some(unit) => {
            write!(line, "{span},").expect("writing to a Vec");
            text(line, unit);
        }
        None => line.extend_from_slice(b"-,-,"),
    }
    money(line, cost);
    push_decimal(line, i128::from(resource.discount), 2, false, false);
    line.push(b',');
    if resource.discount == 100 {
        line.extend_from_slice(b"-,-,-,");
    } else {
        line.extend_from_slice("资源,折扣,".as_bytes());
        push_decimal(line, i128::from(resource.discount), 2, false, false);
        line.push(b',');
    }
    money(line, savings_plan);
    text(line, if resource.savings_plan { "0.55" } else { "0" });
    money(line, real_cost);
    money(line, voucher);
    money(line, incentive);
    money(line, cash);
    text(line, resource.config);
    text(line, &resource.tags[0]);
    text(line, &resource.tags[1]);
    push_field(line, resource.tags[2].as_bytes());
    line.push(b'\n');
    real_cost
}
