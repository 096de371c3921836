//! The products, components, prices and regions the generated bills are made of: a plausible
//! mix of what a Tencent Cloud account is billed for, with prices from the public price lists'
//! order of magnitude. Usage units always equal the price unit's usage part, so 原价 is exactly
//! 刊例价 × 用量 × 时长.

/// How much of a component one row uses, in 1/10^4 of its unit.
#[derive(Clone, Copy)]
pub enum Usage {
    /// One of these amounts (already scaled by 10^4).
    OneOf(&'static [i64]),
    /// Uniform in `1..=max` (scaled by 10^4): four-decimal usage such as `134.5678`.
    UpTo(i64),
}

pub struct Component {
    /// 组件类型
    pub kind: &'static str,
    /// 组件名称
    pub name: &'static str,
    /// 组件刊例价 in 1/10^8 元.
    pub list_price: i64,
    /// 组件价格单位, e.g. `元/核/小时`.
    pub price_unit: &'static str,
    /// 组件用量单位
    pub used_unit: &'static str,
    /// 时长单位; `None` prints `-` for both 使用时长 and 时长单位.
    pub time_unit: Option<&'static str>,
    pub usage: Usage,
}

pub struct Product {
    /// 产品名称
    pub name: &'static str,
    /// 子产品名称 choices.
    pub sub_products: &'static [&'static str],
    /// 计费模式
    pub pay_mode: &'static str,
    /// 交易类型
    pub action: &'static str,
    /// Resource ID prefix (`ins-`); `None` for domain-named resources (CDN).
    pub id_prefix: Option<&'static str>,
    /// 实例类型 (`-` for ordinary instances).
    pub instance_type: &'static str,
    pub components: &'static [Component],
    /// How many resources of the pool belong to this product, relative to the others.
    pub weight: u64,
    /// Whether the product is billed in a region (CDN is billed for 中国大陆).
    pub regional: bool,
}

const fn component(
    kind: &'static str,
    name: &'static str,
    list_price: i64,
    price_unit: &'static str,
    used_unit: &'static str,
    time_unit: Option<&'static str>,
    usage: Usage,
) -> Component {
    Component {
        kind,
        name,
        list_price,
        price_unit,
        used_unit,
        time_unit,
        usage,
    }
}

const CORES: &[i64] = &[10_000, 20_000, 40_000, 80_000, 160_000];
const MEMORY_GB: &[i64] = &[20_000, 40_000, 80_000, 160_000, 320_000];
const DISK_GB: &[i64] = &[500_000, 1_000_000, 2_000_000, 5_000_000];
const ONE: &[i64] = &[10_000];

pub static PRODUCTS: &[Product] = &[
    Product {
        name: "云服务器CVM",
        sub_products: &[
            "云服务器CVM-标准型SA5",
            "云服务器CVM-标准型S5",
            "云服务器CVM-内存型M5",
        ],
        pay_mode: "按量计费",
        action: "按量计费小时结",
        id_prefix: Some("ins-"),
        instance_type: "-",
        components: &[
            component(
                "计算",
                "CPU",
                12_000_000,
                "元/核/小时",
                "核",
                Some("小时"),
                Usage::OneOf(CORES),
            ),
            component(
                "计算",
                "内存",
                5_000_000,
                "元/GB/小时",
                "GB",
                Some("小时"),
                Usage::OneOf(MEMORY_GB),
            ),
            component(
                "存储",
                "系统盘-高性能云硬盘",
                80_000,
                "元/GB/小时",
                "GB",
                Some("小时"),
                Usage::OneOf(DISK_GB),
            ),
            component(
                "网络",
                "带宽-按流量计费",
                80_000_000,
                "元/GB",
                "GB",
                None,
                Usage::UpTo(200_000),
            ),
        ],
        weight: 30,
        regional: true,
    },
    Product {
        name: "云服务器CVM",
        sub_products: &["云服务器CVM-标准型SA5"],
        pay_mode: "包年包月",
        action: "续费",
        id_prefix: Some("ins-"),
        instance_type: "-",
        components: &[component(
            "实例",
            "包年包月实例费",
            123_450_000_000,
            "元/个/月",
            "个",
            Some("月"),
            Usage::OneOf(ONE),
        )],
        weight: 2,
        regional: true,
    },
    Product {
        name: "内容分发网络 CDN",
        sub_products: &["CDN流量", "CDN请求数"],
        pay_mode: "按量计费",
        action: "按量计费日结",
        id_prefix: None,
        instance_type: "资源包",
        components: &[
            component(
                "流量",
                "境内流量",
                21_000_000,
                "元/GB",
                "GB",
                None,
                Usage::UpTo(5_000_000),
            ),
            component(
                "请求",
                "HTTPS请求数",
                5_000_000,
                "元/万次",
                "万次",
                None,
                Usage::UpTo(300_000),
            ),
        ],
        weight: 10,
        regional: false,
    },
    Product {
        name: "对象存储COS",
        sub_products: &["对象存储COS-标准存储"],
        pay_mode: "按量计费",
        action: "按量计费日结",
        id_prefix: Some("bucket-"),
        instance_type: "-",
        components: &[
            component(
                "存储",
                "标准存储容量",
                333_333,
                "元/GB/天",
                "GB",
                Some("天"),
                Usage::UpTo(50_000_000),
            ),
            component(
                "请求",
                "读请求",
                1_000_000,
                "元/万次",
                "万次",
                None,
                Usage::UpTo(1_000_000),
            ),
            component(
                "流量",
                "外网下行流量",
                50_000_000,
                "元/GB",
                "GB",
                None,
                Usage::UpTo(1_000_000),
            ),
        ],
        weight: 8,
        regional: true,
    },
    Product {
        name: "云数据库 MySQL",
        sub_products: &["云数据库 MySQL-双节点", "云数据库 MySQL-单节点"],
        pay_mode: "按量计费",
        action: "按量计费小时结",
        id_prefix: Some("cdb-"),
        instance_type: "-",
        components: &[
            component(
                "计算",
                "实例规格",
                41_000_000,
                "元/个/小时",
                "个",
                Some("小时"),
                Usage::OneOf(ONE),
            ),
            component(
                "存储",
                "存储空间",
                110_000,
                "元/GB/小时",
                "GB",
                Some("小时"),
                Usage::OneOf(DISK_GB),
            ),
        ],
        weight: 8,
        regional: true,
    },
    Product {
        name: "负载均衡CLB",
        sub_products: &["负载均衡CLB-标准型"],
        pay_mode: "按量计费",
        action: "按量计费小时结",
        id_prefix: Some("lb-"),
        instance_type: "-",
        components: &[
            component(
                "实例",
                "负载均衡实例费",
                2_000_000,
                "元/个/小时",
                "个",
                Some("小时"),
                Usage::OneOf(ONE),
            ),
            component(
                "网络",
                "LCU",
                21_000_000,
                "元/个/小时",
                "个",
                Some("小时"),
                Usage::UpTo(50_000),
            ),
        ],
        weight: 6,
        regional: true,
    },
    Product {
        name: "日志服务CLS",
        sub_products: &["日志服务CLS"],
        pay_mode: "按量计费",
        action: "按量计费日结",
        id_prefix: Some("cls-"),
        instance_type: "-",
        components: &[
            component(
                "存储",
                "日志存储",
                1_150_000,
                "元/GB/天",
                "GB",
                Some("天"),
                Usage::UpTo(10_000_000),
            ),
            component(
                "流量",
                "索引流量",
                35_000_000,
                "元/GB",
                "GB",
                None,
                Usage::UpTo(1_000_000),
            ),
        ],
        weight: 4,
        regional: true,
    },
    Product {
        name: "实时音视频",
        sub_products: &["TRTC 音视频通话", "TRTC 智能识别"],
        pay_mode: "按量计费",
        action: "按量计费日结",
        id_prefix: Some("trtc-"),
        instance_type: "资源包",
        components: &[component(
            "时长",
            "音频时长",
            700_000,
            "元/分钟",
            "分钟",
            None,
            Usage::UpTo(100_000_000),
        )],
        weight: 3,
        regional: false,
    },
    Product {
        name: "云函数",
        sub_products: &["云函数SCF"],
        pay_mode: "按量计费",
        action: "按量计费小时结",
        id_prefix: Some("scf-"),
        instance_type: "-",
        components: &[
            component(
                "资源",
                "资源使用量",
                11_108,
                "元/GBs",
                "GBs",
                None,
                Usage::UpTo(100_000_000),
            ),
            component(
                "调用",
                "调用次数",
                1_330_000,
                "元/万次",
                "万次",
                None,
                Usage::UpTo(100_000),
            ),
        ],
        weight: 4,
        regional: true,
    },
];

/// 地域, 地域编码, 国内国际, and the zones (可用区, 可用区编码).
pub struct Region {
    pub name: &'static str,
    pub code: &'static str,
    pub domestic: &'static str,
    pub zones: &'static [(&'static str, &'static str)],
}

pub static REGIONS: &[Region] = &[
    Region {
        name: "华南地区（广州）",
        code: "ap-guangzhou",
        domestic: "境内",
        zones: &[
            ("广州三区", "ap-guangzhou-3"),
            ("广州四区", "ap-guangzhou-4"),
            ("广州六区", "ap-guangzhou-6"),
        ],
    },
    Region {
        name: "华东地区（上海）",
        code: "ap-shanghai",
        domestic: "境内",
        zones: &[("上海二区", "ap-shanghai-2"), ("上海五区", "ap-shanghai-5")],
    },
    Region {
        name: "华北地区（北京）",
        code: "ap-beijing",
        domestic: "境内",
        zones: &[("北京六区", "ap-beijing-6"), ("北京七区", "ap-beijing-7")],
    },
    Region {
        name: "西南地区（成都）",
        code: "ap-chengdu",
        domestic: "境内",
        zones: &[("成都一区", "ap-chengdu-1")],
    },
    Region {
        name: "港澳台地区（中国香港）",
        code: "ap-hongkong",
        domestic: "境外",
        zones: &[("香港二区", "ap-hongkong-2")],
    },
];

pub const PROJECTS: &[&str] = &["默认项目", "web", "api", "data-platform", "内部工具"];
pub const OWNER_UINS: &[&str] = &["100012345678", "100012345679", "100023456781"];
pub const PAYER_UIN: &str = "100012345678";
/// Discount (scaled by 100) and whether it is a business discount.
pub const DISCOUNTS: &[i64] = &[100, 100, 100, 80, 85, 50];
pub const TAG_ENV: &[&str] = &["prod", "prod", "staging", "dev", "-"];
pub const TAG_TEAM: &[&str] = &["web", "api", "data", "infra", "-"];
