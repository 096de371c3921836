//! 资源包抵扣明细 as the console exports it: quantities with thousands separators, 9 decimals and
//! the unit glued on (`"20,000.000000000分钟"`), balances that chain per package
//! (抵扣前 − 实际 = 抵扣后, the next row starting where the last ended), and coefficients ≠ 1.

use std::io::{self, Write};

use crate::catalog::{OWNER_UINS, PAYER_UIN};
use crate::{push_decimal, push_time, Counting, Generated, Rng};

pub const HEADER: &str = "资源包归属UIN,资源包名称,资源包ID,产品名称,子产品名称,资源包类型,抵扣时间,抵扣前包剩余量,\
实际抵扣量,抵扣后包剩余量,资源包单位,被抵扣资源归属UIN,被抵扣资源产品,被抵扣资源子产品,被抵扣资源计费项,\
被抵扣资源原始用量,被抵扣资源原始用量单位,抵扣系数,用量开始时间,用量结束时间";

/// Quantities are in 1/10^9 of the unit.
const NANO: i128 = 1_000_000_000;

struct PackageType {
    name: &'static str,
    product: &'static str,
    sub_product: &'static str,
    kind: &'static str,
    unit: &'static str,
    item: &'static str,
    total: i128,
    /// Scaled by 100.
    coefficient: i128,
    /// The largest original usage of one deduction, in 1/10^9 (a multiple of 100, so that
    /// × coefficient stays exact at 9 decimals).
    max_raw: i128,
    id_prefix: &'static str,
}

static TYPES: &[PackageType] = &[
    PackageType {
        name: "TRTC 智能识别包",
        product: "实时音视频",
        sub_product: "TRTC 智能识别",
        kind: "总量递减",
        unit: "分钟",
        item: "智能识别时长",
        total: 20_000 * NANO,
        coefficient: 100,
        max_raw: 30 * NANO,
        id_prefix: "20000027",
    },
    PackageType {
        name: "CDN境内流量包500GB",
        product: "内容分发网络 CDN",
        sub_product: "CDN流量",
        kind: "总量递减",
        unit: "GB",
        item: "境内流量",
        total: 500 * NANO,
        coefficient: 100,
        max_raw: 40 * NANO,
        id_prefix: "pkg-cdn-",
    },
    PackageType {
        name: "CLS 预付费包-10U",
        product: "日志服务CLS",
        sub_product: "日志服务CLS",
        kind: "周期递减",
        unit: "U",
        item: "日志服务CLS-数据加工",
        total: 10 * NANO,
        coefficient: 15,
        max_raw: NANO / 100,
        id_prefix: "cls-pkg-",
    },
];

struct Package {
    kind: &'static PackageType,
    id: String,
    remaining: i128,
}

/// Writes `rows` deduction rows spread over June 2025 (UTF-8 with a BOM).
///
/// # Errors
/// Only those of `out`.
pub fn write_deductions(rows: u64, seed: u64, out: impl Write) -> io::Result<Generated> {
    let mut out = Counting::new(out);
    let mut rng = Rng::new(seed);
    let per_type = (rows / 20_000).clamp(1, 50) as usize;
    let mut opened = 0u64;
    let open = |kind: &'static PackageType, opened: &mut u64| {
        *opened += 1;
        Package {
            kind,
            id: format!("{}{:06}", kind.id_prefix, *opened),
            remaining: kind.total,
        }
    };
    let mut packages: Vec<Package> = TYPES
        .iter()
        .flat_map(|kind| std::iter::repeat_n(kind, per_type))
        .map(|kind| open(kind, &mut opened))
        .collect();
    out.write_all("\u{feff}".as_bytes())?;
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut line = Vec::with_capacity(512);
    for row in 0..rows {
        line.clear();
        let slot = rng.below(packages.len() as u64) as usize;
        let kind = packages[slot].kind;
        let raw = (1 + rng.below((kind.max_raw / 100) as u64) as i128) * 100;
        let actual = raw * kind.coefficient / 100;
        if packages[slot].remaining < actual {
            // Used up: a fresh package of the same kind takes over.
            packages[slot] = open(kind, &mut opened);
        }
        let package = &mut packages[slot];
        let before = package.remaining;
        package.remaining -= actual;
        let minute = row * 30 * 1440 / rows.max(1);
        let owner = rng.pick(OWNER_UINS);
        // Quoted when the thousands separator needs it, as spreadsheets write it.
        let quantity = |line: &mut Vec<u8>, value: i128| {
            let grouped = value >= 1000 * NANO;
            if grouped {
                line.push(b'"');
            }
            push_decimal(line, value, 9, true, true);
            line.extend_from_slice(kind.unit.as_bytes());
            line.extend_from_slice(if grouped { b"\"," } else { b"," });
        };
        write!(
            line,
            "{PAYER_UIN},{},{},{},{},{},",
            kind.name, package.id, kind.product, kind.sub_product, kind.kind
        )
        .expect("writing to a Vec");
        push_time(&mut line, minute + 60, rng.below(60));
        line.push(b',');
        quantity(&mut line, before);
        quantity(&mut line, actual);
        quantity(&mut line, package.remaining);
        write!(
            line,
            "{},{owner},{},{},{},",
            kind.unit, kind.product, kind.sub_product, kind.item
        )
        .expect("writing to a Vec");
        push_decimal(&mut line, raw, 9, false, false);
        write!(line, ",{},", kind.unit).expect("writing to a Vec");
        push_decimal(&mut line, kind.coefficient, 2, false, false);
        line.push(b',');
        let hour_start = minute / 60 * 60;
        push_time(&mut line, hour_start, 0);
        line.push(b',');
        push_time(&mut line, hour_start + 59, 59);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()?;
    Ok(Generated {
        rows,
        bytes: out.bytes,
        real_total_cost: None,
    })
}
