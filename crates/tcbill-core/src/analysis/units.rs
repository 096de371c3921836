//! Converting quantities between the units Tencent prints, exactly and never by guess.
//!
//! There is no global rule for data units: CDN, ECDN, 海外加速, Live and VOD count 1 GB = 1000 MB,
//! while CVM/EIP/CLB/API Gateway traffic, COS storage and VPC traffic packages count 1024, and
//! Direct Connect uses 1000 for bandwidth (bits) but 1024 for traffic (bytes) (reference §6.6).
//! So the base comes from the product, bits and bytes stay apart (1 B = 8 b), and a pair of units
//! this module does not know — or a prefix change for a product without a published base — is an
//! error that says "cannot convert X to Y" instead of a plausible wrong number.

use std::fmt;

use rust_decimal::Decimal;

/// How many of the next smaller data unit make one (1 GB = 1000 MB or 1024 MB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitBase {
    Thousand,
    Binary,
}

impl UnitBase {
    fn value(self) -> u64 {
        match self {
            UnitBase::Thousand => 1000,
            UnitBase::Binary => 1024,
        }
    }
}

/// The published bases of one product: bytes (traffic, storage) and bits (bandwidth) may differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProductBases {
    pub bytes: Option<UnitBase>,
    pub bits: Option<UnitBase>,
}

/// The bases Tencent publishes for a product, found from its name or code (`内容分发网络 CDN`,
/// `p_cdn`, `云服务器`); empty when nothing is published for it.
pub fn product_bases(product: &str) -> ProductBases {
    let lower = product.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|token| !token.is_empty())
        .collect();
    let mentions = |codes: &[&str], names: &[&str]| {
        codes.iter().any(|code| tokens.contains(code))
            || names.iter().any(|name| lower.contains(name))
    };
    let thousand = Some(UnitBase::Thousand);
    let binary = Some(UnitBase::Binary);
    if mentions(&["dc"], &["专线", "direct connect"]) {
        ProductBases {
            bytes: binary,
            bits: thousand,
        }
    } else if mentions(
        &["cdn", "ecdn", "dsa", "live"],
        &["内容分发", "全站加速", "海外加速", "直播"],
    ) {
        ProductBases {
            bytes: thousand,
            bits: thousand,
        }
    } else if mentions(&["vod"], &["点播"]) {
        ProductBases {
            bytes: thousand,
            bits: None,
        }
    } else if mentions(
        &["cvm", "eip", "clb", "apigateway", "cos", "vpc"],
        &[
            "云服务器",
            "弹性公网",
            "公网ip",
            "负载均衡",
            "api网关",
            "api 网关",
            "api gateway",
            "对象存储",
            "私有网络",
            "共享流量包",
        ],
    ) {
        ProductBases {
            bytes: binary,
            bits: None,
        }
    } else {
        ProductBases::default()
    }
}

/// A unit pair that cannot be converted; `Display` gives `cannot convert 秒 to GB`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannotConvert {
    pub from: String,
    pub to: String,
    /// Why, when more can be said than the pair itself (`no 1000/1024 base is published for …`).
    pub reason: Option<String>,
}

impl fmt::Display for CannotConvert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot convert {} to {}", self.from, self.to)?;
        if let Some(reason) = &self.reason {
            write!(f, " ({reason})")?;
        }
        Ok(())
    }
}

/// An exact conversion factor, kept as a fraction so that 1000 秒 → 分钟 stays exact until the
/// one division a caller needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversion {
    pub numerator: Decimal,
    pub denominator: Decimal,
}

impl Conversion {
    /// `value` in the target unit (rounded only where the decimal result has more than 28 digits);
    /// `None` when it is too large for a decimal (petabytes in bits, say, of a hostile quantity).
    pub fn apply(self, value: Decimal) -> Option<Decimal> {
        value
            .checked_mul(self.numerator)?
            .checked_div(self.denominator)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    Duration,
    Data,
    BitRate,
    Count,
}

/// A known unit: `fixed × base^prefix_power` of its measure's smallest unit (second, bit, bit/s,
/// one item).
#[derive(Clone, Copy, Debug)]
struct KnownUnit {
    measure: Measure,
    fixed: u64,
    prefix_power: u32,
    is_bits: bool,
    /// `KiB`, `MiB`…: binary whatever the product.
    is_binary_prefix: bool,
}

fn known_unit(unit: &str) -> Option<KnownUnit> {
    let plain = |measure, fixed| KnownUnit {
        measure,
        fixed,
        prefix_power: 0,
        is_bits: false,
        is_binary_prefix: false,
    };
    let simple = match unit.to_lowercase().as_str() {
        "秒" | "s" | "sec" | "second" | "seconds" => Some(plain(Measure::Duration, 1)),
        "分钟" | "min" | "minute" | "minutes" => Some(plain(Measure::Duration, 60)),
        "小时" | "h" | "hour" | "hours" => Some(plain(Measure::Duration, 3600)),
        "天" | "day" | "days" => Some(plain(Measure::Duration, 86_400)),
        "次" | "个" => Some(plain(Measure::Count, 1)),
        "千次" => Some(plain(Measure::Count, 1000)),
        "万次" => Some(plain(Measure::Count, 10_000)),
        "字节" => Some(plain(Measure::Data, 8)),
        _ => None,
    };
    simple.or_else(|| data_unit(unit))
}

/// `B`, `KB`, `MiB`, `Gb`, `Mbps`, `Bytes`…: the case of `B`/`b` decides bytes or bits.
fn data_unit(unit: &str) -> Option<KnownUnit> {
    let (prefix, rest) = match unit.chars().next()? {
        first @ ('k' | 'K' | 'm' | 'M' | 'g' | 'G' | 't' | 'T' | 'p' | 'P') if unit.len() > 1 => {
            (Some(first.to_ascii_uppercase()), &unit[1..])
        }
        _ => (None, unit),
    };
    let prefix_power = match prefix {
        None => 0,
        Some('K') => 1,
        Some('M') => 2,
        Some('G') => 3,
        Some('T') => 4,
        _ => 5,
    };
    let (is_binary_prefix, rest) = match rest.strip_prefix('i') {
        Some(rest) if prefix.is_some() => (true, rest),
        _ => (false, rest),
    };
    let (measure, is_bits) = match rest {
        "B" | "Byte" | "Bytes" | "byte" | "bytes" => (Measure::Data, false),
        "b" | "bit" | "bits" => (Measure::Data, true),
        "bps" | "bit/s" => (Measure::BitRate, true),
        _ => return None,
    };
    Some(KnownUnit {
        measure,
        fixed: if is_bits { 1 } else { 8 },
        prefix_power,
        is_bits,
        is_binary_prefix,
    })
}

/// Strips decoration Tencent puts around units: `(GB)`, spaces.
/// Whether `unit` is an amount of data (`GB`, `字节`, `Mb`), as traffic is; bit rates are not.
pub fn is_data_amount(unit: &str) -> bool {
    known_unit(clean_unit(unit)).is_some_and(|known| known.measure == Measure::Data)
}

fn clean_unit(unit: &str) -> &str {
    let trimmed = unit.trim();
    trimmed
        .strip_prefix(['(', '（'])
        .and_then(|inner| inner.strip_suffix([')', '）']))
        .unwrap_or(trimmed)
        .trim()
}

/// The factor that turns a quantity in `from` into `to`, using `bases` for data prefixes.
///
/// # Errors
/// Units of different measures (time vs data), unknown units (other than `from == to`), or a
/// prefix change for which `bases` has no base.
pub fn conversion(from: &str, to: &str, bases: ProductBases) -> Result<Conversion, CannotConvert> {
    let (from_clean, to_clean) = (clean_unit(from), clean_unit(to));
    let cannot = |reason: Option<String>| CannotConvert {
        from: from_clean.to_owned(),
        to: to_clean.to_owned(),
        reason,
    };
    if from_clean == to_clean {
        return Ok(Conversion {
            numerator: Decimal::ONE,
            denominator: Decimal::ONE,
        });
    }
    let (Some(from_unit), Some(to_unit)) = (known_unit(from_clean), known_unit(to_clean)) else {
        return Err(cannot(None));
    };
    if from_unit.measure != to_unit.measure {
        return Err(cannot(None));
    }
    let size = |unit: KnownUnit| -> Result<Decimal, CannotConvert> {
        let base = if unit.prefix_power == 0 || unit.is_binary_prefix {
            UnitBase::Binary
        } else if unit.is_bits {
            bases.bits.ok_or_else(|| {
                cannot(Some(
                    "no 1000/1024 base is published for bits of this product".into(),
                ))
            })?
        } else {
            bases.bytes.ok_or_else(|| {
                cannot(Some(
                    "no 1000/1024 base is published for bytes of this product".into(),
                ))
            })?
        };
        Ok(Decimal::from(unit.fixed) * Decimal::from(base.value().pow(unit.prefix_power)))
    };
    Ok(Conversion {
        numerator: size(from_unit)?,
        denominator: size(to_unit)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(value: &str, from: &str, to: &str, product: &str) -> String {
        match conversion(from, to, product_bases(product)) {
            Ok(factor) => factor
                .apply(Decimal::from_str_exact(value).unwrap())
                .unwrap()
                .normalize()
                .to_string(),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn converts_data_with_the_product_base() {
        assert_eq!(convert("12500", "MB", "GB", "内容分发网络 CDN"), "12.5");
        assert_eq!(convert("12800", "MB", "GB", "云服务器"), "12.5");
        assert_eq!(convert("3", "TB", "B", "私有网络"), "3298534883328");
        assert_eq!(convert("100", "GB", "Bytes", "p_cdn"), "100000000000");
        assert_eq!(convert("30", "MB", "Mb", "CDN"), "240");
        assert_eq!(convert("1", "Gbps", "Mbps", "专线接入"), "1000");
        assert_eq!(convert("1", "GB", "MB", "专线接入"), "1024");
        assert_eq!(convert("1", "GiB", "MiB", "unknown"), "1024");
        assert_eq!(convert("2", "(GB)", "GB", "unknown"), "2");
    }

    #[test]
    fn converts_durations_and_counts() {
        assert_eq!(
            convert("1000", "秒", "分钟", ""),
            "16.666666666666666666666666667"
        );
        assert_eq!(
            convert("17.6", "秒", "分钟", ""),
            "0.2933333333333333333333333333"
        );
        assert_eq!(convert("2", "小时", "分钟", ""), "120");
        assert_eq!(convert("3", "万次", "次", ""), "30000");
        assert_eq!(convert("7", "U", "U", ""), "7");
    }

    #[test]
    fn refuses_to_guess() {
        assert_eq!(convert("1", "秒", "GB", "CDN"), "cannot convert 秒 to GB");
        assert_eq!(convert("1", "U", "次", ""), "cannot convert U to 次");
        assert_eq!(convert("1", "月", "天", ""), "cannot convert 月 to 天");
        assert_eq!(
            convert("1", "MB", "GB", "实时音视频"),
            "cannot convert MB to GB (no 1000/1024 base is published for bytes of this product)"
        );
        assert_eq!(
            convert("1", "Mbps", "Kbps", "云服务器"),
            "cannot convert Mbps to Kbps (no 1000/1024 base is published for bits of this product)"
        );
        assert_eq!(
            convert("1", "GB", "Gbps", "CDN"),
            "cannot convert GB to Gbps"
        );
    }
}
