//! 用量明细 as the CDN console downloads it: a title line, then one row per domain per 5 minutes
//! with one column per metric (`带宽(Mbps)`, `流量(GB)`).

use std::io::{self, Write};

use crate::{push_decimal, push_time, Counting, Generated, Rng};

/// 5-minute points in June 2025: with more rows than one domain fills, more domains are added.
const POINTS_PER_MONTH: u64 = 30 * 288;

/// Writes `rows` usage points (UTF-8 with a BOM).
///
/// # Errors
/// Only those of `out`.
pub fn write_usage(rows: u64, seed: u64, out: impl Write) -> io::Result<Generated> {
    let mut out = Counting::new(out);
    let mut rng = Rng::new(seed);
    let domains = rows.div_ceil(POINTS_PER_MONTH).max(1);
    out.write_all(
        "\u{feff}内容分发网络 CDN 5分钟明细,2025-06\n时间,域名,地域,带宽(Mbps),流量(GB)\n"
            .as_bytes(),
    )?;
    let mut line = Vec::with_capacity(128);
    for row in 0..rows {
        line.clear();
        let (point, domain) = (row / domains, row % domains);
        push_time(&mut line, point * 5, 0);
        let region = if domain % 5 == 4 {
            "中国境外"
        } else {
            "中国境内"
        };
        write!(line, ",cdn{domain}.example.com,{region},").expect("writing to a Vec");
        // Bandwidth in 1/1000 Mbps; traffic over 5 minutes = Mbps × 300 s / 8 / 1000 GB.
        let millimbps = i128::from(rng.below(2_000_000));
        push_decimal(&mut line, millimbps, 3, true, false);
        line.push(b',');
        push_decimal(&mut line, millimbps * 300 / 8, 6, true, false);
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
