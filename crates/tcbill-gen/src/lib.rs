//! Deterministic, seedable generator of large Tencent Cloud billing exports.
//!
//! tcbill's performance targets are about a month of real exports with a million rows and more,
//! which nobody can commit or share, so benchmarks and scale tests generate them. The files look
//! like the console's: the post-2024-11 Chinese L3 header set with `标签键:` tag columns, quoted
//! fields holding commas, `-` placeholders and amounts with 8 decimals; deduction details with
//! console quantities (`"20,000.000000000分钟"`); CDN usage points; the same kind of L3 rows as
//! `DescribeBillDetail` JSON pages. Their arithmetic holds
//! (原价 = 刊例价 × 用量 × 时长, 优惠后总价 = 原价 × 折扣率 − 节省计划抵扣金额, payments add up,
//! package balances chain), so tcbill's self-checks stay quiet and its totals can be compared
//! with [`Generated::real_total_cost`], computed here in exact integers.
//!
//! The same kind, row count and seed always give the same bytes: the only randomness is
//! [`Rng`], a SplitMix64 seeded by the caller.

use std::io::{self, Write};

use tcbill_core::model::time::BeijingTime;

mod alerts;
mod bill_json;
mod catalog;
mod deductions;
mod history;
mod l3;
mod usage;

pub use alerts::{AlertMonth, ExpectedAlert, MONTH_DAYS as ALERTS_MONTH_DAYS};
pub use bill_json::write_bill_json;
pub use deductions::write_deductions;
pub use history::{Expected, History};
pub use l3::{write_l3, write_l3_month};
pub use usage::write_usage;

/// What a generator wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// Data rows (header and preamble lines not counted).
    pub rows: u64,
    pub bytes: u64,
    /// The sum of every 优惠后总价 (RealTotalCost) as an exact decimal string; `None` for kinds
    /// without one.
    pub real_total_cost: Option<String>,
}

impl Generated {
    /// One JSON object on one line, for scripts.
    pub fn to_json(&self, kind: &str, seed: u64) -> String {
        let total = match &self.real_total_cost {
            Some(total) => format!("\"{total}\""),
            None => "null".to_owned(),
        };
        format!(
            "{{\"kind\":\"{kind}\",\"seed\":{seed},\"rows\":{},\"bytes\":{},\"real_total_cost\":{total}}}",
            self.rows, self.bytes
        )
    }
}

/// SplitMix64: tiny, fast, and fully determined by its seed on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`); the modulo bias is irrelevant for test data.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Counts the bytes written through it.
pub(crate) struct Counting<W> {
    inner: W,
    pub(crate) bytes: u64,
}

impl<W: Write> Counting<W> {
    pub(crate) fn new(inner: W) -> Self {
        Counting { inner, bytes: 0 }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Appends `value / 10^scale` as a decimal: all `scale` decimals when `fixed`, else without
/// trailing zeros; thousands grouped with `,` when `grouped`.
pub(crate) fn push_decimal(out: &mut Vec<u8>, value: i128, scale: u32, fixed: bool, grouped: bool) {
    if value < 0 {
        out.push(b'-');
    }
    let magnitude = value.unsigned_abs();
    let unit = 10u128.pow(scale);
    let integer = (magnitude / unit).to_string();
    for (i, digit) in integer.bytes().enumerate() {
        if grouped && i > 0 && (integer.len() - i).is_multiple_of(3) {
            out.push(b',');
        }
        out.push(digit);
    }
    if scale == 0 {
        return;
    }
    let fraction = format!("{:0width$}", magnitude % unit, width = scale as usize);
    let fraction = if fixed {
        fraction.as_str()
    } else {
        fraction.trim_end_matches('0')
    };
    if !fraction.is_empty() {
        out.push(b'.');
        out.extend_from_slice(fraction.as_bytes());
    }
}

/// `value × 10^-drop`, rounded half away from zero (as bills round).
pub(crate) fn round_drop(value: i128, drop: u32) -> i128 {
    let unit = 10i128.pow(drop);
    let half = unit / 2;
    if value >= 0 {
        (value + half) / unit
    } else {
        -((-value + half) / unit)
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break.
pub(crate) fn push_field(out: &mut Vec<u8>, text: &[u8]) {
    if text
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in text {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text);
    }
}

/// A calendar timestamp `yyyy-MM-dd HH:mm:ss` for `minutes` after `2025-06-01 00:00`, plus `seconds`.
pub(crate) fn push_time(out: &mut Vec<u8>, minutes: u64, seconds: u64) {
    let start = BeijingTime::from_beijing(2025, 6, 1, 0, 0, 0).expect("a real date");
    push_time_after(out, start, minutes, seconds);
}

/// `start` + `minutes`, and `seconds` as the seconds, as the console prints Beijing times.
pub(crate) fn push_time_after(out: &mut Vec<u8>, start: BeijingTime, minutes: u64, seconds: u64) {
    let minutes = i64::try_from(minutes).expect("minutes of a generated month");
    let time = BeijingTime::from_utc_epoch_secs(start.utc_epoch_secs() + minutes * 60);
    let (year, month, day, hour, minute, _) = time.beijing_fields();
    write!(
        out,
        "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{seconds:02}"
    )
    .expect("writing to a Vec");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(value: i128, scale: u32, fixed: bool, grouped: bool) -> String {
        let mut out = Vec::new();
        push_decimal(&mut out, value, scale, fixed, grouped);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formats_decimals_like_the_console() {
        assert_eq!(
            decimal(20_000_000_000_000, 9, true, true),
            "20,000.000000000"
        );
        assert_eq!(decimal(45_000_000, 8, true, false), "0.45000000");
        assert_eq!(decimal(1_728_000, 4, false, false), "172.8");
        assert_eq!(decimal(-5, 2, false, false), "-0.05");
        assert_eq!(decimal(7, 0, false, true), "7");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_drop(125, 1), 13);
        assert_eq!(round_drop(-125, 1), -13);
        assert_eq!(round_drop(124, 1), 12);
    }

    #[test]
    fn times_roll_over_months() {
        let mut out = Vec::new();
        push_time(&mut out, 30 * 1440 + 61, 9);
        assert_eq!(out, b"2025-07-01 01:01:09");
    }

    #[test]
    fn fields_with_commas_are_quoted() {
        let mut out = Vec::new();
        push_field(&mut out, b"api, \"internal\"");
        assert_eq!(out, b"\"api, \"\"internal\"\"\"");
    }
}
