//! One product across languages: `云服务器CVM` in a Chinese bill and `Cloud Virtual Machine(CVM)`
//! in an international one are the same product, `p_cvm`.
//!
//! A row's product is its `BusinessCode` where it has one (API responses), else the code
//! [`PRODUCTS`] gives its name, else its name alone. Cost summaries group by that identity and
//! label a group with every spelling the loaded rows use (`Cloud Virtual Machine(CVM) /
//! 云服务器CVM`), so a bill in one language reads as before. Tencent publishes no complete list
//! of codes; the table holds the products named in the official examples
//! (`../shared/reference/tencent-billing.md` §6.4). Extend it here, with a test.

/// Business code and the names bills print for it, Chinese then English. Names are compared
/// without case, spaces and parentheses (`内容分发网络 CDN` = `内容分发网络CDN`).
pub const PRODUCTS: &[(&str, &[&str])] = &[
    (
        "p_cvm",
        &[
            "云服务器CVM",
            "云服务器",
            "Cloud Virtual Machine(CVM)",
            "Cloud Virtual Machine",
        ],
    ),
    (
        "p_cdn",
        &[
            "内容分发网络CDN",
            "Content Delivery Network(CDN)",
            "Content Delivery Network",
        ],
    ),
    (
        "p_cos",
        &[
            "COS 对象存储",
            "对象存储",
            "Cloud Object Storage(COS)",
            "Cloud Object Storage",
        ],
    ),
    (
        "p_cbs",
        &[
            "云硬盘CBS",
            "云硬盘",
            "Cloud Block Storage(CBS)",
            "Cloud Block Storage",
        ],
    ),
    (
        "p_clb",
        &[
            "负载均衡CLB",
            "负载均衡",
            "Cloud Load Balancer(CLB)",
            "Cloud Load Balancer",
        ],
    ),
    ("p_cdb", &["云数据库MySQL", "TencentDB for MySQL"]),
    ("p_redis", &["云数据库Redis", "TencentDB for Redis"]),
    (
        "p_mongodb",
        &["云数据库TencentDB for MongoDB", "TencentDB for MongoDB"],
    ),
    (
        "p_eip",
        &["公网 IP", "弹性公网IP", "Cloud Public IP", "Elastic IP"],
    ),
    ("p_nat", &["NAT网关", "NAT Gateway"]),
    (
        "p_cls",
        &["日志服务CLS", "Cloud Log Service(CLS)", "Cloud Log Service"],
    ),
    ("p_cdh", &["专用宿主机CDH", "CVM Dedicated Host(CDH)"]),
    ("p_svp", &["节省计划", "Saving Plan", "Savings Plan"]),
    ("p_ssl", &["SSL证书", "SSL Certificate"]),
];

/// Lower case, without white space and parentheses of either width.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The business code of a product name, if [`PRODUCTS`] knows it.
pub fn product_code(name: &str) -> Option<&'static str> {
    let name = normalise(name);
    PRODUCTS
        .iter()
        .find(|(_, names)| names.iter().any(|known| normalise(known) == name))
        .map(|(code, _)| *code)
}

/// A row's business code: its own, else the one [`PRODUCTS`] gives its name.
pub fn business_code<'a>(code: Option<&'a str>, name: Option<&str>) -> Option<&'a str> {
    code.or_else(|| name.and_then(product_code))
}

/// What rows of one product share: the code ([`business_code`]), else the name itself.
pub fn product_identity(code: Option<&str>, name: Option<&str>) -> String {
    business_code(code, name).or(name).unwrap_or("-").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_names_of_a_product_share_its_code() {
        for (zh, en, code) in [
            ("云服务器CVM", "Cloud Virtual Machine(CVM)", "p_cvm"),
            ("内容分发网络 CDN", "Content Delivery Network", "p_cdn"),
            ("COS 对象存储", "Cloud Object Storage", "p_cos"),
            ("负载均衡CLB", "Cloud Load Balancer", "p_clb"),
            ("云硬盘CBS", "cloud block storage", "p_cbs"),
            ("NAT网关", "NAT Gateway", "p_nat"),
        ] {
            assert_eq!(product_code(zh), Some(code), "{zh}");
            assert_eq!(product_code(en), Some(code), "{en}");
        }
        assert_eq!(product_code("云服务器CVM（标准型）"), None);
    }

    #[test]
    fn every_name_belongs_to_one_code() {
        let mut seen = std::collections::HashMap::new();
        for (code, names) in PRODUCTS {
            for name in *names {
                assert_eq!(seen.insert(normalise(name), code), None, "{name}");
            }
        }
    }

    #[test]
    fn a_row_code_wins_over_its_name() {
        assert_eq!(product_identity(Some("p_cvm"), Some("whatever")), "p_cvm");
        assert_eq!(product_identity(None, Some("云服务器 CVM")), "p_cvm");
        assert_eq!(
            product_identity(None, Some("Unknown product")),
            "Unknown product"
        );
        assert_eq!(product_identity(None, None), "-");
    }
}
