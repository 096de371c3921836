//! The canonical fields of each table kind and the header spellings that map onto them.
//!
//! Tencent prints the same field in Chinese or English, with full-width or ASCII parentheses,
//! with or without spaces and `(元)`, and renamed it in 2024-11 (`配置描述` → `配置属性`,
//! `SavingsPlanDeduction` → `SP Deduction`). Every spelling maps to one canonical name, the
//! billing API's English field name, so the rest of tcbill reads one vocabulary. The tables here
//! are data: adding a spelling is adding a string.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::kind::{BillLevel, InputKind};
use crate::model::table::TableKind;

/// How a cell's text becomes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// An exact number; a unit glued on is an error.
    Decimal,
    /// An exact number that may carry its unit (`20,000.000000000分钟`).
    Quantity,
    Time,
    /// Text naming a currency (`USD`, `人民币`): one that names none tcbill knows is an error, as
    /// a row of an unknown currency cannot join any currency's totals.
    Currency,
}

/// One canonical field and the headers (and JSON keys) that mean it.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The canonical column name (the billing API's field name where one exists).
    pub name: &'static str,
    pub kind: FieldKind,
    /// Header spellings besides `name`; the first one is how tcbill names the field to users.
    pub aliases: &'static [&'static str],
    /// For combined columns such as `资源包名称/资源包ID`: the field the part after the `/` goes to.
    pub second: Option<&'static str>,
    /// Where a unit glued to a [`FieldKind::Quantity`] goes.
    pub unit_field: Option<&'static str>,
}

impl FieldSpec {
    const fn new(name: &'static str, kind: FieldKind, aliases: &'static [&'static str]) -> Self {
        FieldSpec {
            name,
            kind,
            aliases,
            second: None,
            unit_field: None,
        }
    }

    const fn with_second(mut self, second: &'static str) -> Self {
        self.second = Some(second);
        self
    }

    const fn with_unit(mut self, unit_field: &'static str) -> Self {
        self.unit_field = Some(unit_field);
        self
    }

    /// How users know this field: its first alias, else its canonical name.
    pub fn display_name(&self) -> &'static str {
        self.aliases.first().copied().unwrap_or(self.name)
    }
}

const fn text(name: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec::new(name, FieldKind::Text, aliases)
}

const fn currency(name: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec::new(name, FieldKind::Currency, aliases)
}

const fn decimal(name: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec::new(name, FieldKind::Decimal, aliases)
}

const fn quantity(
    name: &'static str,
    unit_field: &'static str,
    aliases: &'static [&'static str],
) -> FieldSpec {
    FieldSpec::new(name, FieldKind::Quantity, aliases).with_unit(unit_field)
}

const fn time(name: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec::new(name, FieldKind::Time, aliases)
}

/// A table kind: its fields and what a header must contain to be recognised as it.
#[derive(Debug)]
pub struct Schema {
    pub table_kind: TableKind,
    pub input_kind: InputKind,
    pub fields: &'static [FieldSpec],
    /// Each group needs at least one of its canonical names among the matched headers.
    pub required: &'static [&'static [&'static str]],
    /// Unknown headers with a unit in parentheses (`带宽(Mbps)`) are numeric value columns that
    /// also satisfy a requirement on `DosageValue` (usage reports have one column per metric).
    pub metric_columns: bool,
    /// A column holding all tags as one JSON object (FOCUS `Tags`), split into `Tag:<key>` columns.
    pub tag_map_column: Option<&'static str>,
    /// Every field's spellings, normalised, built on first use: header rows can have tens of
    /// thousands of cells, and normalising every alias per cell made a wide file take seconds.
    spellings: OnceLock<HashMap<String, usize>>,
}

impl Schema {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The field a header or JSON key means, by canonical name or any alias.
    pub fn field_for_header(&self, header: &str) -> Option<&'static FieldSpec> {
        self.field_for_normalized(&normalize_header(header))
    }

    /// [`Schema::field_for_header`] for a header already passed through [`normalize_header`].
    fn field_for_normalized(&self, normalized: &str) -> Option<&'static FieldSpec> {
        let find = |wanted: &str| Some(&self.fields[*self.spellings().get(wanted)?]);
        find(normalized).or_else(|| {
            let without_currency = normalized
                .strip_suffix("(元)")
                .or_else(|| normalized.strip_suffix("(usd)"))?;
            find(without_currency)
        })
    }

    /// Normalised spelling → index of the first field that has it (as a search in field order).
    fn spellings(&self) -> &HashMap<String, usize> {
        self.spellings.get_or_init(|| {
            let mut spellings = HashMap::new();
            for (index, field) in self.fields.iter().enumerate() {
                for spelling in std::iter::once(field.name).chain(field.aliases.iter().copied()) {
                    spellings.entry(normalize_header(spelling)).or_insert(index);
                }
            }
            spellings
        })
    }
}

/// Header text reduced to what matters: no whitespace, ASCII parentheses/colon/slash, lower-case,
/// no help markers (`①`, `*`) or BOM.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter_map(|c| match c {
            '（' => Some('('),
            '）' => Some(')'),
            '：' => Some(':'),
            '／' => Some('/'),
            '\u{feff}' | '*' | '\u{2460}'..='\u{2473}' => None,
            c if c.is_whitespace() => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

/// The tag key of a cost-allocation tag column (`标签键:env` → `env`).
pub fn tag_key(header: &str) -> Option<&str> {
    let (prefix, key) = header.split_once([':', '：'])?;
    let is_tag_prefix = matches!(
        normalize_header(prefix).as_str(),
        "标签键"
            | "标签"
            | "分账标签"
            | "tag"
            | "tagkey"
            | "costallocationtag"
            | "costallocationtags"
    );
    let key = key.trim();
    (is_tag_prefix && !key.is_empty()).then_some(key)
}

/// Whether an unknown header names a numeric metric: it ends with a unit in parentheses.
pub fn is_metric_header(header: &str) -> bool {
    is_metric_normalized(&normalize_header(header))
}

fn is_metric_normalized(normalized: &str) -> bool {
    normalized.ends_with(')') && normalized.contains('(') && !normalized.ends_with("()")
}

const PAYER_UIN: FieldSpec = text(
    "PayerUin",
    &["支付者UIN", "Payer Account ID", "PayerAccountID"],
);
const OWNER_UIN: FieldSpec = text("OwnerUin", &["使用者UIN", "Owner Account ID"]);
const OPERATE_UIN: FieldSpec = text("OperateUin", &["操作者UIN", "Operator Account ID"]);
const BUSINESS_CODE_NAME: FieldSpec = text(
    "BusinessCodeName",
    &["产品名称", "Product Name", "ProductName"],
);
const PRODUCT_CODE_NAME: FieldSpec = text(
    "ProductCodeName",
    &["子产品名称", "Subproduct Name", "SubproductName"],
);
const PAY_MODE_NAME: FieldSpec = text("PayModeName", &["计费模式", "Billing Mode", "BillingMode"]);
const PROJECT_NAME: FieldSpec = text("ProjectName", &["项目名称", "Project Name"]);
const REGION_NAME: FieldSpec = text("RegionName", &["地域", "Region"]);
const ZONE_NAME: FieldSpec = text("ZoneName", &["可用区", "Availability Zone"]);
const REGION_TYPE_NAME: FieldSpec = text(
    "RegionTypeName",
    &["国内国际", "Domestic and international"],
);
const REGION_CODE: FieldSpec = text("RegionCode", &["地域编码", "Region Code"]);
const ZONE_CODE: FieldSpec = text("ZoneCode", &["可用区编码", "Availability Zone Code"]);
const RESOURCE_ID: FieldSpec = text(
    "ResourceId",
    &["资源ID", "实例ID", "Instance ID", "InstanceID"],
);
const RESOURCE_NAME: FieldSpec = text(
    "ResourceName",
    &["实例名称", "资源别名", "资源名称", "Instance Name"],
);
const INSTANCE_TYPE: FieldSpec = text("InstanceType", &["实例类型", "Instance Type"]);
const ACTION_TYPE_NAME: FieldSpec = text(
    "ActionTypeName",
    &["交易类型", "Transaction Type", "TransactionType"],
);
const ORDER_ID: FieldSpec = text("OrderId", &["订单ID", "Order ID"]);
const BILL_ID: FieldSpec = text("BillId", &["交易ID", "Transaction ID"]);
const PAY_TIME: FieldSpec = time("PayTime", &["扣费时间", "Transaction Time"]);
const FEE_BEGIN_TIME: FieldSpec = time("FeeBeginTime", &["开始使用时间", "Usage Start Time"]);
const FEE_END_TIME: FieldSpec = time("FeeEndTime", &["结束使用时间", "Usage End Time"]);
const COMPONENT_CODE_NAME: FieldSpec = text("ComponentCodeName", &["组件类型", "Component Type"]);
const ITEM_CODE_NAME: FieldSpec = text("ItemCodeName", &["组件名称", "Component Name"]);
const SINGLE_PRICE: FieldSpec = decimal("SinglePrice", &["组件刊例价", "Component List Price"]);
const CONTRACT_PRICE: FieldSpec = decimal(
    "ContractPrice",
    &[
        "组件单价",
        "Component Contracted Price",
        "ComponentUnitPrice",
    ],
);
const PRICE_UNIT: FieldSpec = text(
    "PriceUnit",
    &["组件价格单位", "Component Price Measurement Unit"],
);
const USED_AMOUNT: FieldSpec = decimal("UsedAmount", &["组件用量", "Component Usage"]);
const USED_AMOUNT_UNIT: FieldSpec =
    text("UsedAmountUnit", &["组件用量单位", "Component Usage Unit"]);
const REAL_TOTAL_MEASURE: FieldSpec = decimal("RealTotalMeasure", &["原始用量/时长", "原始用量"]);
const DEDUCTED_MEASURE: FieldSpec = decimal(
    "DeductedMeasure",
    &["抵扣用量/时长(含资源包)", "抵扣用量/时长", "抵扣用量"],
);
const TIME_SPAN: FieldSpec = decimal("TimeSpan", &["使用时长", "Usage Duration", "Usage Time"]);
const TIME_UNIT_NAME: FieldSpec = text("TimeUnitName", &["时长单位", "Duration Unit", "TimeUnit"]);
const DISCOUNT: FieldSpec = decimal(
    "Discount",
    &["折扣率", "Discount Multiplier", "DiscountRate", "折扣"],
);
const VOUCHER_PAY_AMOUNT: FieldSpec = decimal(
    "VoucherPayAmount",
    &[
        "代金券支出(元)",
        "代金券支出",
        "优惠券支出",
        "Voucher Deduction",
    ],
);
const INCENTIVE_PAY_AMOUNT: FieldSpec = decimal(
    "IncentivePayAmount",
    &[
        "赠送账户支出(元)",
        "赠送账户支出",
        "赠送金账户支出",
        "Incentive Deduction",
    ],
);
const CASH_PAY_AMOUNT: FieldSpec = decimal(
    "CashPayAmount",
    &[
        "现金账户支出(元)",
        "现金账户支出",
        "现金支出(含税)",
        "现金支出",
        "Total Cost (Including Tax)",
    ],
);
const TRANSFER_PAY_AMOUNT: FieldSpec = decimal(
    "TransferPayAmount",
    &["分成金账户支出(元)", "分成金账户支出", "分成账户支出"],
);
const AMOUNT_BEFORE_TAX: FieldSpec = decimal(
    "AmountBeforeTax",
    &["税前实际金额", "Amount Before Tax", "CostBeforeTax"],
);
const TAX_RATE: FieldSpec = decimal("TaxRate", &["税率", "Tax Rate"]);
const TAX: FieldSpec = decimal("Tax", &["扣税", "税额", "Tax Amount", "TaxAmount"]);
const CURRENCY: FieldSpec = currency("Currency", &["币种", "Currency"]);
const RI_TIME_SPAN: FieldSpec = decimal(
    "RiTimeSpan",
    &[
        "预留实例抵扣的使用时长",
        "预留实例抵扣时长",
        "RI Deduction (Duration)",
    ],
);
const ORIGINAL_COST_WITH_RI: FieldSpec = decimal(
    "OriginalCostWithRI",
    &[
        "预留实例抵扣组件原价",
        "预留实例抵扣原价",
        "RI Deduction (Cost)",
    ],
);
const SP_DEDUCTION: FieldSpec = decimal(
    "SPDeduction",
    &["节省计划抵扣金额", "Savings Plan Deduction", "SP Deduction"],
);
const SP_DEDUCTION_RATE: FieldSpec = decimal(
    "SPDeductionRate",
    &[
        "节省计划抵扣率",
        "Savings Plan Deduction Rate",
        "SP Deduction Rate",
    ],
);
const ORIGINAL_COST_WITH_SP: FieldSpec = decimal(
    "OriginalCostWithSP",
    &[
        "节省计划抵扣组件原价",
        "节省计划抵扣原价",
        "SP Deduction (Cost)",
    ],
);
const BLENDED_DISCOUNT: FieldSpec = decimal(
    "BlendedDiscount",
    &["混合折扣率", "Blended Discount Multiplier"],
);
const RESERVE_DETAIL: FieldSpec = text(
    "ReserveDetail",
    &[
        "备注属性",
        "备注属性(实例配置)",
        "Additional Attributes",
        "Additional Attribute",
    ],
);
const RESERVED_INSTANCE: FieldSpec = text("ReservedInstance", &["预留实例", "Reserved Instance"]);
const DISCOUNT_OBJECT: FieldSpec = text("DiscountObject", &["优惠对象", "Discount Object"]);
const DISCOUNT_TYPE: FieldSpec = text("DiscountType", &["优惠类型", "Discount Type", "ReduceType"]);
const DISCOUNT_CONTENT: FieldSpec = text("DiscountContent", &["优惠内容", "Discount Content"]);
const BILL_MONTH: FieldSpec = time("BillMonth", &["账单月份", "账单归属月", "Bill Month"]);
const BILL_DAY: FieldSpec = time("BillDay", &["账单归属日"]);
const BUSINESS_CODE: FieldSpec = text("BusinessCode", &["产品编码"]);
const PRODUCT_CODE: FieldSpec = text("ProductCode", &["子产品编码"]);
const EXTEND_FIELDS: [FieldSpec; 5] = [
    text(
        "ExtendField1",
        &["扩展字段1", "Extended Field 1", "Extended Fields 1"],
    ),
    text(
        "ExtendField2",
        &["扩展字段2", "Extended Field 2", "Extended Fields 2"],
    ),
    text(
        "ExtendField3",
        &["扩展字段3", "Extended Field 3", "Extended Fields 3"],
    ),
    text(
        "ExtendField4",
        &["扩展字段4", "Extended Field 4", "Extended Fields 4"],
    ),
    text(
        "ExtendField5",
        &["扩展字段5", "Extended Field 5", "Extended Fields 5"],
    ),
];

/// L3 明细账单 (Chinese and international headers, before and after the 2024-11 upgrade) and
/// `DescribeBillDetail` rows, one per component.
pub static BILL_DETAILS: Schema = Schema {
    table_kind: TableKind::BillDetails,
    input_kind: InputKind::BillDetails(BillLevel::L3),
    fields: &[
        PAYER_UIN,
        OWNER_UIN,
        OPERATE_UIN,
        BUSINESS_CODE_NAME,
        PRODUCT_CODE_NAME,
        PAY_MODE_NAME,
        PROJECT_NAME,
        REGION_NAME,
        ZONE_NAME,
        REGION_TYPE_NAME,
        REGION_CODE,
        ZONE_CODE,
        RESOURCE_ID,
        RESOURCE_NAME,
        INSTANCE_TYPE,
        ACTION_TYPE_NAME,
        ORDER_ID,
        BILL_ID,
        PAY_TIME,
        FEE_BEGIN_TIME,
        FEE_END_TIME,
        COMPONENT_CODE_NAME,
        ITEM_CODE_NAME,
        SINGLE_PRICE,
        CONTRACT_PRICE,
        PRICE_UNIT,
        USED_AMOUNT,
        USED_AMOUNT_UNIT,
        REAL_TOTAL_MEASURE,
        DEDUCTED_MEASURE,
        TIME_SPAN,
        TIME_UNIT_NAME,
        decimal(
            "Cost",
            &["组件原价", "原价", "Original Cost", "OriginalCost"],
        ),
        DISCOUNT,
        decimal(
            "RealCost",
            &[
                "优惠后总价",
                "优惠后总价(不含税)",
                "Total Amount After Discount (Excluding Tax)",
            ],
        ),
        VOUCHER_PAY_AMOUNT,
        INCENTIVE_PAY_AMOUNT,
        CASH_PAY_AMOUNT,
        TRANSFER_PAY_AMOUNT,
        AMOUNT_BEFORE_TAX,
        TAX_RATE,
        TAX,
        CURRENCY,
        RI_TIME_SPAN,
        ORIGINAL_COST_WITH_RI,
        SP_DEDUCTION,
        SP_DEDUCTION_RATE,
        ORIGINAL_COST_WITH_SP,
        BLENDED_DISCOUNT,
        RESERVE_DETAIL,
        RESERVED_INSTANCE,
        text(
            "ComponentConfig",
            &[
                "配置属性",
                "配置描述",
                "Component Configuration",
                "Configuration Description",
            ],
        ),
        DISCOUNT_OBJECT,
        DISCOUNT_TYPE,
        DISCOUNT_CONTENT,
        BILL_MONTH,
        BILL_DAY,
        BUSINESS_CODE,
        PRODUCT_CODE,
        text("ActionType", &[]),
        text("RegionId", &[]),
        text("ProjectId", &[]),
        text("ComponentCode", &[]),
        text("ItemCode", &[]),
        EXTEND_FIELDS[0],
        EXTEND_FIELDS[1],
        EXTEND_FIELDS[2],
        EXTEND_FIELDS[3],
        EXTEND_FIELDS[4],
    ],
    required: &[
        &["BusinessCodeName"],
        &["ItemCodeName", "ComponentCodeName"],
    ],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// L2 资源账单 and `DescribeBillResourceSummary` rows, one per resource.
pub static BILL_RESOURCES: Schema = Schema {
    table_kind: TableKind::BillResources,
    input_kind: InputKind::BillDetails(BillLevel::L2),
    fields: &[
        PAYER_UIN,
        OWNER_UIN,
        OPERATE_UIN,
        BUSINESS_CODE_NAME,
        PRODUCT_CODE_NAME,
        PAY_MODE_NAME,
        PROJECT_NAME,
        REGION_NAME,
        ZONE_NAME,
        REGION_TYPE_NAME,
        REGION_CODE,
        ZONE_CODE,
        RESOURCE_ID,
        RESOURCE_NAME,
        INSTANCE_TYPE,
        ACTION_TYPE_NAME,
        ORDER_ID,
        PAY_TIME,
        FEE_BEGIN_TIME,
        FEE_END_TIME,
        text("ConfigDesc", &["配置描述", "Configuration Description"]),
        decimal(
            "TotalCost",
            &["原价", "组件原价", "Original Cost", "OriginalCost"],
        ),
        DISCOUNT,
        text("ReduceType", &[]),
        decimal(
            "RealTotalCost",
            &[
                "优惠后总价",
                "优惠后总价(不含税)",
                "Total Amount After Discount (Excluding Tax)",
            ],
        ),
        VOUCHER_PAY_AMOUNT,
        INCENTIVE_PAY_AMOUNT,
        CASH_PAY_AMOUNT,
        TRANSFER_PAY_AMOUNT,
        AMOUNT_BEFORE_TAX,
        TAX_RATE,
        TAX,
        CURRENCY,
        ORIGINAL_COST_WITH_RI,
        SP_DEDUCTION,
        ORIGINAL_COST_WITH_SP,
        RESERVE_DETAIL,
        DISCOUNT_OBJECT,
        DISCOUNT_TYPE,
        DISCOUNT_CONTENT,
        BILL_MONTH,
        BUSINESS_CODE,
        PRODUCT_CODE,
        text("RegionId", &[]),
        EXTEND_FIELDS[0],
        EXTEND_FIELDS[1],
        EXTEND_FIELDS[2],
        EXTEND_FIELDS[3],
        EXTEND_FIELDS[4],
    ],
    required: &[
        &["BusinessCodeName"],
        &["ResourceId"],
        &["RealTotalCost", "CashPayAmount"],
    ],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// 消耗明细 (L2-消耗明细, Chinese or English headers) and `DescribeCostDetail` rows.
pub static COST_DETAILS: Schema = Schema {
    table_kind: TableKind::CostDetails,
    input_kind: InputKind::CostDetails,
    fields: &[
        PAYER_UIN,
        OWNER_UIN,
        OPERATE_UIN,
        BUSINESS_CODE_NAME,
        PRODUCT_CODE_NAME,
        PAY_MODE_NAME,
        PROJECT_NAME,
        REGION_NAME,
        ZONE_NAME,
        REGION_TYPE_NAME,
        RESOURCE_ID,
        RESOURCE_NAME,
        INSTANCE_TYPE,
        text("ActionTypeName", &["消耗类型", "Consumption Type"]),
        BILL_ID,
        ORDER_ID,
        time("ConsumptionMonth", &["消耗月份", "Consumption Month"]),
        PAY_TIME,
        time(
            "FeeBeginTime",
            &["开始时间", "开始使用时间", "Usage Start Time"],
        ),
        time(
            "FeeEndTime",
            &["结束时间", "结束使用时间", "Usage End Time"],
        ),
        COMPONENT_CODE_NAME,
        ITEM_CODE_NAME,
        SINGLE_PRICE,
        CONTRACT_PRICE,
        PRICE_UNIT,
        USED_AMOUNT,
        USED_AMOUNT_UNIT,
        TIME_SPAN,
        TIME_UNIT_NAME,
        RESERVE_DETAIL,
        decimal("Cost", &["原价", "组件原价", "Original Cost"]),
        DISCOUNT,
        decimal(
            "RealCost",
            &[
                "折后总价",
                "优惠后总价",
                "Total Amount After Discount (Excluding Tax)",
                "Discounted Total Cost",
            ],
        ),
        VOUCHER_PAY_AMOUNT,
        INCENTIVE_PAY_AMOUNT,
        CASH_PAY_AMOUNT,
        TRANSFER_PAY_AMOUNT,
        TAX_RATE,
        TAX,
        CURRENCY,
        BUSINESS_CODE,
        PRODUCT_CODE,
        text("ComponentCode", &[]),
        text("ItemCode", &[]),
    ],
    required: &[
        &["BusinessCodeName"],
        &["ActionTypeName", "ConsumptionMonth"],
    ],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// 资源包抵扣明细 export and the `DescribeMeasure*DeductionDetails` / CLB deduction APIs.
pub static DEDUCTION_DETAILS: Schema = Schema {
    table_kind: TableKind::DeductionDetails,
    input_kind: InputKind::DeductionDetails,
    fields: &[
        text("Uin", &["资源包归属UIN"]),
        text("PackageName", &["资源包名称/资源包ID"]).with_second("ResourceId"),
        text("PackageName", &["资源包名称"]),
        text("ResourceId", &["资源包ID", "ModelRouterResourcePackageId"]),
        text("ProductName", &["产品名称"]),
        text("SubProductName", &["子产品名称"]),
        text("ResourceType", &["资源包类型"]),
        time("DeductionTime", &["抵扣时间"]),
        quantity("BeforeDeductionRemain", "PackageUnit", &["抵扣前包剩余量"]),
        quantity("ActualDosage", "PackageUnit", &["实际抵扣量"]),
        quantity("AfterDeductionRemain", "PackageUnit", &["抵扣后包剩余量"]),
        text("PackageUnit", &["资源包单位"]),
        text("DeductionUin", &["被抵扣资源归属UIN"]),
        text("DeductionProductName", &["被抵扣资源产品"]),
        text("DeductionSubProductName", &["被抵扣资源子产品"]),
        text("DeductionSubBillName", &["被抵扣资源计费项"]),
        quantity("Dosage", "DosageUnit", &["被抵扣资源原始用量", "原始用量"]),
        text("DosageUnit", &["被抵扣资源原始用量单位"]),
        decimal("DeductionFactor", &["抵扣系数"]),
        time("StartTime", &["用量开始时间"]),
        time("EndTime", &["用量结束时间"]),
    ],
    required: &[
        &["DeductionTime"],
        &[
            "ActualDosage",
            "BeforeDeductionRemain",
            "AfterDeductionRemain",
        ],
    ],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// 资源包总览 export (Chinese or English headers); several columns pack two values (`剩余/总量`).
pub static PACKAGE_OVERVIEW: Schema = Schema {
    table_kind: TableKind::PackageOverview,
    input_kind: InputKind::PackageOverview,
    fields: &[
        text(
            "PackageName",
            &[
                "资源包名称/资源包ID",
                "Resource Package Name/Resource Package ID",
            ],
        )
        .with_second("ResourceId"),
        text("PackageName", &["资源包名称", "Resource Package Name"]),
        text("ResourceId", &["资源包ID", "Resource Package ID"]),
        text("ProductName", &["产品名称", "Product Name"]),
        text("SubProductName", &["子产品名称", "Subproduct Name"]),
        text("Region", &["地域/可用区", "Region/Availability Zone"]).with_second("Zone"),
        text("Region", &["地域", "Region"]),
        text("Zone", &["可用区", "Availability Zone"]),
        text("Status", &["状态/资源类型", "Status/Payment mode"]).with_second("ResourceType"),
        text("Status", &["状态", "Status"]),
        text("ResourceType", &["资源类型", "资源包类型", "Payment mode"]),
        text("CapacityUnit", &["容量单位", "Capacity Unit"]),
        quantity(
            "PeriodRemain",
            "CapacityUnit",
            &[
                "单周期剩余量/总量",
                "Remaining Capacity/Total Capacity of Single Period",
            ],
        )
        .with_second("PeriodTotal"),
        time(
            "PeriodStartTime",
            &["单周期开始/结束时间", "Start/End Time of Single Period"],
        )
        .with_second("PeriodEndTime"),
        decimal(
            "PeriodsRemain",
            &["周期剩余数量/总数", "Remaining/Total Periods"],
        )
        .with_second("PeriodsTotal"),
        quantity(
            "TotalRemain",
            "CapacityUnit",
            &["总剩余量/总量", "Total Remaining Capacity/Total Capacity"],
        )
        .with_second("TotalCapacity"),
        text(
            "ComboCapacityInfo",
            &["组合包容量信息", "Combo Package Capacity Info"],
        ),
        text(
            "DynamicDeductionAttribute",
            &["动态抵扣属性", "Dynamic Deduction Attribute"],
        ),
        time(
            "EffectiveTime",
            &["生效/到期时间", "Effective/Expiration Time"],
        )
        .with_second("ExpireTime"),
        time("InvalidTime", &["包失效时间"]),
        text("RenewType", &["续费方式"]),
        text("AutoRenewPeriod", &["自动续费周期"]),
    ],
    required: &[
        &["PackageName", "ResourceId"],
        &["CapacityUnit", "TotalRemain", "PeriodRemain"],
    ],
    metric_columns: true,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// 用量明细 reports (a time column and value columns) and the `DescribeDosage*` APIs.
pub static USAGE_DETAILS: Schema = Schema {
    table_kind: TableKind::UsageDetails,
    input_kind: InputKind::UsageDetails,
    fields: &[
        time(
            "DosageBeginTime",
            &[
                "时间",
                "时间点",
                "统计时间",
                "开始时间",
                "用量开始时间",
                "用量起始时间",
                "Time",
                "Start Time",
            ],
        ),
        time(
            "DosageEndTime",
            &["结束时间", "用量结束时间", "用量截止时间", "End Time"],
        ),
        time("Date", &["日期", "Date"]),
        quantity(
            "DosageValue",
            "DosageUnit",
            &["用量", "标准用量", "值", "Value", "Usage"],
        ),
        text("DosageUnit", &["单位", "用量单位", "Unit"]),
        decimal("DeductValue", &["抵扣用量"]),
        decimal("RemainValue", &["抵扣余量"]),
        text("Uin", &["账号ID", "UIN"]),
        text(
            "InstanceId",
            &["实例ID", "资源ID", "InstanceID", "Instance ID"],
        ),
        text("Domain", &["域名"]),
        text("BucketName", &["存储桶", "存储桶名称", "Bucket"]),
        text("RegionName", &["地域", "Region"]),
        text("ProductCodeName", &["产品名称", "产品"]),
        text("SubProductCodeName", &["子产品名称"]),
        text("BillingItemCodeName", &["计费项", "计费项名称"]),
        text("SubBillingItemCodeName", &["子计费项", "组件"]),
        text("DosageType", &["统计类型"]),
        text("ProductCode", &[]),
        text("SubProductCode", &[]),
        text("BillingItemCode", &[]),
        text("SubBillingItemCode", &[]),
    ],
    required: &[&["DosageBeginTime", "Date"], &["DosageValue"]],
    metric_columns: true,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// Totals from `DescribeBillSummaryBy*` and `DescribeCostSummaryByProduct`.
pub static BILL_SUMMARY: Schema = Schema {
    table_kind: TableKind::BillSummary,
    input_kind: InputKind::Unknown,
    fields: &[
        text("BusinessCode", &[]),
        text("BusinessCodeName", &[]),
        text("PayMode", &[]),
        text("PayModeName", &[]),
        text("RegionId", &[]),
        text("RegionName", &[]),
        text("ProjectId", &[]),
        text("ProjectName", &[]),
        text("TagValue", &[]),
        time("BillMonth", &[]),
        decimal("RealTotalCostRatio", &[]),
        decimal("RealTotalCost", &[]),
        decimal("TotalCost", &[]),
        decimal("CashPayAmount", &[]),
        decimal("IncentivePayAmount", &[]),
        decimal("VoucherPayAmount", &[]),
        decimal("TransferPayAmount", &[]),
        decimal("LeftRealTotalCost", &[]),
    ],
    required: &[],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// Rows of API responses without a schema: every field passes through.
pub static OTHER_ROWS: Schema = Schema {
    table_kind: TableKind::Other,
    input_kind: InputKind::Unknown,
    fields: &[],
    required: &[],
    metric_columns: false,
    tag_map_column: None,
    spellings: OnceLock::new(),
};

/// FOCUS 1.0 datasets (Tencent's preview export to COS, or `tcbill export --focus`). Each FOCUS row
/// is a charge of one resource, so its columns map onto the L3 fields the cost analyses read and
/// the rows become bill rows: a FOCUS file feeds the same summaries as the bill it came from.
/// Times are UTC (`2025-05-31T16:00:00Z`) and stay the same instants. `focus/FOCUS.md` explains
/// each mapping; FOCUS columns without a counterpart pass through under their own names.
pub static FOCUS: Schema = Schema {
    table_kind: TableKind::BillDetails,
    input_kind: InputKind::Focus,
    fields: &[
        text("BusinessCodeName", &["ServiceName"]),
        decimal("RealTotalCost", &["BilledCost"]),
        decimal("TotalCost", &["ListCost"]),
        text("ChargeCategory", &[]),
        time("FeeBeginTime", &["ChargePeriodStart"]),
        time("FeeEndTime", &["ChargePeriodEnd"]),
        time("BillMonth", &["BillingPeriodStart"]),
        text("PayerUin", &["BillingAccountId"]),
        text("OwnerUin", &["SubAccountId", "x_OwnerAccountID"]),
        currency("Currency", &["BillingCurrency"]),
        text("RegionName", &[]),
        text("RegionCode", &["RegionId"]),
        text("ZoneName", &["AvailabilityZone"]),
        text("ResourceId", &[]),
        text("ResourceName", &[]),
        text("InstanceType", &["ResourceType"]),
        text("ItemCode", &["SkuId"]),
        // The quantity its price applies to (组件用量 × 使用时长 in tcbill's export), so that
        // ListUnitPrice × it = ListCost, as 组件刊例价 × 组件用量 × 使用时长 = 组件原价 in the bill;
        // ConsumedQuantity has no 使用时长 and passes through.
        decimal("UsedAmount", &["PricingQuantity"]),
        text("UsedAmountUnit", &["PricingUnit"]),
        decimal("SinglePrice", &["ListUnitPrice"]),
        decimal("ContractPrice", &["ContractedUnitPrice"]),
        text("ItemCodeName", &["x_ComponentName"]),
        text("ComponentCodeName", &["x_ComponentType"]),
        text("ProductCodeName", &["x_SubproductName"]),
        text("ProjectName", &["x_ProjectName"]),
        text("PayModeName", &["x_PayModeName"]),
        text("ActionTypeName", &["x_TransactionType"]),
        text("BillId", &["x_BillId"]),
        decimal("CashPayAmount", &["x_CashPayAmount"]),
        decimal("VoucherPayAmount", &["x_VoucherPayAmount"]),
        decimal("IncentivePayAmount", &["x_IncentivePayAmount"]),
        decimal("TransferPayAmount", &["x_TransferPayAmount"]),
        decimal("Tax", &["x_Tax"]),
        // What a comparison reads and FOCUS has no column for (tcbill's export only).
        text("BusinessCode", &["x_ProductCode"]),
        decimal("Discount", &["x_DiscountRate"]),
        decimal("DeductedMeasure", &["x_DeductedQuantity"]),
        decimal("SPDeduction", &["x_SavingsPlanDeduction"]),
        decimal("OriginalCostWithSP", &["x_SavingsPlanOriginalCost"]),
        decimal("OriginalCostWithRI", &["x_ReservedInstanceOriginalCost"]),
    ],
    // Mandatory FOCUS columns no Tencent bill header has.
    required: &[
        &["RealTotalCost"],
        &["FeeBeginTime"],
        &["BusinessCodeName"],
        &["ChargeCategory"],
    ],
    metric_columns: false,
    tag_map_column: Some("Tags"),
    spellings: OnceLock::new(),
};

/// The file kinds recognised from a header row, most specific first: a consumption file also
/// has component columns, and an L3 file also has the L2 columns. No Tencent bill header has
/// FOCUS's column IDs, so FOCUS can come last.
pub static HEADER_KINDS: [&Schema; 7] = [
    &DEDUCTION_DETAILS,
    &PACKAGE_OVERVIEW,
    &COST_DETAILS,
    &BILL_DETAILS,
    &BILL_RESOURCES,
    &USAGE_DETAILS,
    &FOCUS,
];

/// Whether `text` holds a Chinese character (CJK Unified Ideographs): a header or a product name
/// of the Chinese console, where the international one writes English.
pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The console's Chinese name of a canonical field (`RealTotalCost` → `优惠后总价`,
/// `CashPayAmount` → `现金账户支出`): its first Chinese header spelling in any export kind, without
/// the `(元)` that only says the currency. The page's Chinese column headers come from here, so
/// they are the words of the exports users hold next to it.
pub fn console_name(field: &str) -> Option<&'static str> {
    // Bills first: their columns are the ones a page names most, and where kinds spell one
    // field differently (`ActionTypeName`: 交易类型 in bills, 消耗类型 in cost details) the
    // bill's word is the one users know.
    [
        &BILL_DETAILS,
        &BILL_RESOURCES,
        &COST_DETAILS,
        &DEDUCTION_DETAILS,
        &PACKAGE_OVERVIEW,
        &USAGE_DETAILS,
    ]
    .into_iter()
    .filter_map(|schema| schema.field(field))
    .find_map(|spec| spec.aliases.iter().find(|spelling| is_chinese(spelling)))
    .copied()
    .map(|spelling| spelling.strip_suffix("(元)").unwrap_or(spelling))
}

/// What a column of a recognised header becomes.
#[derive(Clone, Debug)]
pub enum ColumnTarget {
    Field(&'static FieldSpec),
    Tag(String),
    /// The schema's [`Schema::tag_map_column`]: a JSON object of tags.
    TagMap,
    /// Unknown header with a unit, in a schema with metric columns: a numeric pass-through.
    Metric,
    PassThrough,
    /// Empty header, or a second column for a field already mapped.
    Ignored,
}

/// A header row matched against a schema.
#[derive(Debug)]
pub struct HeaderPlan {
    pub schema: &'static Schema,
    pub targets: Vec<ColumnTarget>,
}

/// Why a header row is not of some kind, for the "unknown kind" diagnostic.
pub fn plan_header(schema: &'static Schema, headers: &[&str]) -> Result<HeaderPlan, String> {
    let normalized: Vec<String> = headers
        .iter()
        .map(|header| normalize_header(header))
        .collect();
    plan_normalized_header(schema, headers, &normalized)
}

/// [`plan_header`] with each header already passed through [`normalize_header`], so a row is
/// normalised once for all the kinds it is tried as.
fn plan_normalized_header(
    schema: &'static Schema,
    headers: &[&str],
    normalized_headers: &[String],
) -> Result<HeaderPlan, String> {
    let mut matched: Vec<&'static str> = Vec::new();
    let mut has_metric = false;
    let tag_map_column = schema.tag_map_column.map(normalize_header);
    let targets = headers
        .iter()
        .zip(normalized_headers)
        .map(|(header, normalized)| {
            if header.trim().is_empty() {
                return ColumnTarget::Ignored;
            }
            if tag_map_column.as_deref() == Some(normalized.as_str()) {
                return ColumnTarget::TagMap;
            }
            if let Some(key) = tag_key(header) {
                return ColumnTarget::Tag(key.to_owned());
            }
            match schema.field_for_normalized(normalized) {
                Some(field) if matched.contains(&field.name) => ColumnTarget::Ignored,
                Some(field) => {
                    matched.push(field.name);
                    matched.extend(field.second);
                    ColumnTarget::Field(field)
                }
                None if schema.metric_columns && is_metric_normalized(normalized) => {
                    has_metric = true;
                    ColumnTarget::Metric
                }
                None => ColumnTarget::PassThrough,
            }
        })
        .collect();
    let missing: Vec<&str> = schema
        .required
        .iter()
        .filter(|group| {
            let satisfied_by_metric = has_metric && group.contains(&"DosageValue");
            !satisfied_by_metric && !group.iter().any(|name| matched.contains(name))
        })
        .map(|group| {
            schema
                .field(group[0])
                .map_or(group[0], FieldSpec::display_name)
        })
        .collect();
    if missing.is_empty() {
        Ok(HeaderPlan { schema, targets })
    } else {
        Err(format!(
            "{} (no {})",
            schema.input_kind.label(),
            missing.join(", ")
        ))
    }
}

/// The first kind whose requirements a header row meets, or why none did.
pub fn recognise_header(headers: &[&str]) -> Result<HeaderPlan, Vec<String>> {
    let normalized: Vec<String> = headers
        .iter()
        .map(|header| normalize_header(header))
        .collect();
    let mut reasons = Vec::new();
    for schema in HEADER_KINDS {
        match plan_normalized_header(schema, headers, &normalized) {
            Ok(plan) => return Ok(plan),
            Err(reason) => reasons.push(reason),
        }
    }
    Err(reasons)
}

#[cfg(test)]
mod tests {
    #[test]
    fn console_names_are_the_bill_headers_without_the_currency() {
        let names: Vec<Option<&str>> = [
            "RealTotalCost",
            "CashPayAmount",
            "TotalCost",
            "BusinessCodeName",
            "ActionTypeName",
            "BillMonth",
            "NoSuchField",
        ]
        .into_iter()
        .map(super::console_name)
        .collect();
        assert_eq!(
            names,
            [
                Some("优惠后总价"),
                Some("现金账户支出"),
                Some("原价"),
                Some("产品名称"),
                Some("交易类型"),
                Some("账单月份"),
                None
            ]
        );
    }

    use super::*;

    #[test]
    fn normalises_the_spellings_tencent_uses() {
        assert_eq!(normalize_header("资源包归属 UIN ①"), "资源包归属uin");
        assert_eq!(normalize_header("现金账户支出（元）"), "现金账户支出(元)");
        assert_eq!(
            normalize_header("Savings Plan Deduction"),
            normalize_header("SavingsPlanDeduction")
        );
    }

    #[test]
    fn maps_headers_of_both_languages_and_generations() {
        let cases = [
            ("现金账户支出（元）", "CashPayAmount"),
            ("现金账户支出", "CashPayAmount"),
            ("Total Cost (Including Tax)", "CashPayAmount"),
            ("配置描述", "ComponentConfig"),
            ("配置属性", "ComponentConfig"),
            ("SavingsPlanDeduction", "SPDeduction"),
            ("SP Deduction", "SPDeduction"),
            ("payer account id", "PayerUin"),
        ];
        for (header, expected) in cases {
            assert_eq!(
                BILL_DETAILS.field_for_header(header).map(|f| f.name),
                Some(expected),
                "{header}"
            );
        }
        assert_eq!(
            BILL_RESOURCES.field_for_header("配置描述").map(|f| f.name),
            Some("ConfigDesc")
        );
    }

    #[test]
    fn recognises_tag_columns() {
        assert_eq!(tag_key("标签键:env"), Some("env"));
        assert_eq!(tag_key("标签键：业务"), Some("业务"));
        assert_eq!(tag_key("Cost Allocation Tag:team"), Some("team"));
        assert_eq!(tag_key("备注:x"), None);
    }

    #[test]
    fn says_why_a_header_is_not_recognised() {
        let reasons = recognise_header(&["名称", "金额"]).unwrap_err();
        assert_eq!(
            reasons[0],
            "资源包抵扣明细 (deduction details) (no 抵扣时间, 实际抵扣量)"
        );
        assert_eq!(
            reasons[3],
            "L3 明细账单 (bill details) (no 产品名称, 组件名称)"
        );
        assert_eq!(
            reasons[6],
            "FOCUS 1.0 (cost and usage) (no BilledCost, ChargePeriodStart, ServiceName, ChargeCategory)"
        );
    }
}
