//! Console and COS exports (CSV/TSV): detection, canonical columns, exact values, diagnostics.

mod common;

use common::{assert_text, parse_one, read_data, row, summary};
use rust_decimal::Decimal;
use tcbill_core::{detect_kind, BillLevel, InputKind, Parser, TableKind, SNIFF_LEN};

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

#[test]
fn chinese_l3_before_2024_11_with_bom_crlf_tags_and_a_multiline_cell() {
    let parsed = parse_one("l3-cn-2022.csv");
    assert_text(&summary(&parsed), "l3-cn-2022.csv | L3 明细账单 (bill details)\nencoding UTF-8\nrows read 2, accepted 2, rejected 0\n");
    let table = &parsed.table;
    assert_eq!(table.kind(), TableKind::BillDetails);
    assert_eq!(table.decimal("CashPayAmount", 0), Some(dec("-80.43264806")));
    assert_eq!(
        table.decimal("IncentivePayAmount", 0),
        Some(dec("-0.45735194"))
    );
    assert_eq!(table.decimal("RealCost", 1), Some(dec("0.00104875")));
    assert_eq!(table.decimal("UsedAmount", 1), Some(dec("0.0020975")));
    assert_eq!(
        table.text("ComponentConfig", 0),
        Some("主机: ins-wxf3fmq8, 内网IP: 10.12.0.42\r\n可用区: 广州二区")
    );
    assert_eq!(table.text("Tag:env", 0), Some("prod"));
    assert_eq!(
        table.text("Tag:team", 0),
        None,
        "`-` means the tag is not set"
    );
    assert_eq!(table.text("Tag:env", 1), None);
    assert_eq!(table.text("Tag:team", 1), Some("data"));
    assert_eq!(table.tag_keys().collect::<Vec<_>>(), ["env", "team"]);
    assert_eq!(
        table.text("OrderId", 1),
        None,
        "aggregated rows show `-` for 订单ID"
    );
    assert_eq!(
        table.time("PayTime", 0).unwrap().to_string(),
        "2023-07-07 16:14:18"
    );
    assert_eq!(
        table.time("PayTime", 0).unwrap().utc_epoch_secs(),
        1_688_717_658
    );
}

#[test]
fn chinese_l3_after_2024_11_maps_renamed_and_new_columns() {
    let parsed = parse_one("l3-cn-2024-11.csv");
    assert_eq!(parsed.kind, InputKind::BillDetails(BillLevel::L3));
    assert_text(
        &row(&parsed, 1),
        "
BillMonth=2024-11-01 00:00:00
PayerUin=100012345678
OwnerUin=100012345678
OperateUin=100012345678
BusinessCodeName=负载均衡CLB
ProductCodeName=负载均衡CLB-标准型
PayModeName=按量计费
ProjectName=默认项目
RegionName=华东地区（上海）
RegionCode=ap-shanghai
ZoneName=上海五区
ZoneCode=ap-shanghai-5
ResourceId=lb-9z8y7x6w
ActionTypeName=按量计费小时结
BillId=2024110100000002
PayTime=2024-11-01 01:00:00
FeeBeginTime=2024-11-01 00:00:00
FeeEndTime=2024-11-01 00:59:59
ComponentCodeName=实例
ItemCodeName=负载均衡实例费
SinglePrice=1234.50000000
ContractPrice=0.02000000
PriceUnit=元/个/小时
UsedAmount=1
UsedAmountUnit=个
TimeSpan=1
TimeUnitName=小时
Cost=0.02000000
Discount=1
SPDeduction=0
SPDeductionRate=0
RealCost=0.02000000
VoucherPayAmount=0
IncentivePayAmount=0.02000000
CashPayAmount=0",
    );
    assert_eq!(
        parsed.table.text("ComponentConfig", 0),
        Some("CPU: 4核; 内存: 8GB")
    );
    assert_eq!(
        parsed.table.column("CashPayAmount").unwrap().source_header,
        "现金账户支出（元）"
    );
}

#[test]
fn international_english_l3_uses_the_same_canonical_names() {
    let parsed = parse_one("l3-intl-en.csv");
    assert_eq!(parsed.kind, InputKind::BillDetails(BillLevel::L3));
    let table = &parsed.table;
    assert_eq!(
        table.text("BusinessCodeName", 0),
        Some("Cloud Object Storage")
    );
    assert_eq!(table.decimal("RealCost", 0), Some(dec("0.03523359")));
    assert_eq!(table.decimal("Tax", 0), Some(dec("0.00352336")));
    assert_eq!(table.decimal("CashPayAmount", 0), Some(dec("0.03875695")));
    assert_eq!(table.decimal("SPDeduction", 0), Some(dec("0")));
    assert_eq!(
        table.column("SPDeduction").unwrap().source_header,
        "SavingsPlanDeduction"
    );
    assert_eq!(table.text("Currency", 0), Some("USD"));
    assert_eq!(table.text("ComponentConfig", 0), None);
}

#[test]
fn l2_resource_bill_utf8_and_gb18030_read_the_same() {
    let utf8 = parse_one("l2-cn.csv");
    let gb18030 = parse_one("l2-cn-gb18030.csv");
    assert_eq!(utf8.kind, InputKind::BillDetails(BillLevel::L2));
    assert_eq!(
        (utf8.encoding, gb18030.encoding),
        (Some("UTF-8"), Some("gb18030"))
    );
    assert_eq!(row(&utf8, 0), row(&gb18030, 0));
    assert_eq!(
        utf8.table.decimal("RealTotalCost", 0),
        Some(dec("4.84660512"))
    );
    assert_eq!(utf8.table.text("ConfigDesc", 0), Some("config desc"));
    assert_eq!(
        gb18030.table.text("RegionName", 0),
        Some("亚太地区（亚太一区）")
    );
}

#[test]
fn consumption_details_with_english_headers() {
    let parsed = parse_one("cost-details-en.csv");
    assert_eq!(parsed.kind, InputKind::CostDetails);
    let table = &parsed.table;
    assert_eq!(table.row_count(), 3);
    let types: Vec<_> = (0..3)
        .map(|row| table.text("ActionTypeName", row).unwrap())
        .collect();
    assert_eq!(types, ["按量计费", "新购分摊", "退费销毁"]);
    let total: Decimal = (0..3)
        .filter_map(|row| table.decimal("RealCost", row))
        .sum();
    assert_eq!(total, dec("-24.79895125"));
    assert_eq!(
        table.time("ConsumptionMonth", 2).unwrap().to_string(),
        "2021-11-01 00:00:00"
    );
    assert_eq!(
        table.decimal("SinglePrice", 1),
        None,
        "`-` is absent, not zero"
    );
}

#[test]
fn console_deduction_sample_splits_glued_units() {
    let parsed = parse_one("deduction-console.tsv");
    assert_text(&summary(&parsed), "deduction-console.tsv | 资源包抵扣明细 (deduction details)\nencoding UTF-8\nrows read 3, accepted 3, rejected 0\n");
    let table = &parsed.table;
    let column = |name: &str| {
        (0..3)
            .map(|row| table.decimal(name, row).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        column("BeforeDeductionRemain"),
        ["20000.000000000", "10000.000000000", "9990.400000000"]
    );
    assert_eq!(
        column("ActualDosage"),
        ["0.293333333", "9.600000000", "16.000000000"]
    );
    assert_eq!(
        column("AfterDeductionRemain"),
        ["19999.706666667", "9990.400000000", "9974.400000000"]
    );
    assert_eq!(table.text("PackageUnit", 0), Some("分钟"));
    assert_eq!(table.text("Uin", 0), None);
    assert_eq!(
        table.time("DeductionTime", 2).unwrap().to_string(),
        "2025-06-03 04:10:47"
    );
}

#[test]
fn deduction_export_checks_units_and_the_balance_identity() {
    let parsed = parse_one("deduction-export.csv");
    assert_text(
        &summary(&parsed),
        "
deduction-export.csv | 资源包抵扣明细 (deduction details)
encoding UTF-8
rows read 4, accepted 4, rejected 0
deduction-export.csv:4: 抵扣前包剩余量 19999.706666667 − 实际抵扣量 1 = 19998.706666667, but 抵扣后包剩余量 is 19998.706666666
deduction-export.csv:5 column 抵扣前包剩余量 ①: unit \"小时\" differs from 资源包单位 \"分钟\": the value is left out
",
    );
    let table = &parsed.table;
    assert_eq!(
        table.text("Uin", 0),
        Some("100001127589"),
        "`资源包归属 UIN` matches with its space"
    );
    assert_eq!(
        (table.text("PackageName", 1), table.text("ResourceId", 1)),
        (Some("TRTC 智能识别包"), Some("2000002755"))
    );
    assert_eq!(table.decimal("DeductionFactor", 0), Some(dec("0.15")));
    assert_eq!(table.decimal("Dosage", 0), Some(dec("0.00003727")));
    assert_eq!(
        table.text("PackageUnit", 1),
        Some("分钟"),
        "unit taken from the glued suffix"
    );
    assert_eq!(table.text("DosageUnit", 1), Some("秒"));
}

#[test]
fn package_overview_splits_combined_columns() {
    let parsed = parse_one("package-overview.csv");
    assert_eq!(parsed.kind, InputKind::PackageOverview);
    let table = &parsed.table;
    assert_eq!(
        (table.text("PackageName", 0), table.text("ResourceId", 0)),
        (Some("CLS 预付费包-10U"), Some("cls-a1weqa3test"))
    );
    assert_eq!(
        (table.text("Status", 1), table.text("ResourceType", 1)),
        (Some("有效"), Some("总量递减"))
    );
    assert_eq!(
        (
            table.decimal("PeriodRemain", 0),
            table.decimal("PeriodTotal", 0)
        ),
        (Some(dec("9.96193018")), Some(dec("10")))
    );
    assert_eq!(
        (
            table.decimal("TotalRemain", 1),
            table.decimal("TotalCapacity", 1)
        ),
        (Some(dec("19999.706666667")), Some(dec("20000")))
    );
    assert_eq!(
        table.time("PeriodEndTime", 0).unwrap().to_string(),
        "2025-08-31 23:59:59"
    );
    assert_eq!(
        table.time("ExpireTime", 1).unwrap().to_string(),
        "2026-05-07 23:59:59"
    );
    assert_eq!(
        (
            table.decimal("PeriodsRemain", 0),
            table.decimal("PeriodsTotal", 0)
        ),
        (Some(dec("11")), Some(dec("12")))
    );
    assert_eq!(table.decimal("PeriodRemain", 1), None);
}

#[test]
fn usage_report_skips_a_title_line_and_reads_metric_columns() {
    let parsed = parse_one("usage-cdn-5min.csv");
    assert_eq!(parsed.kind, InputKind::UsageDetails);
    assert_eq!(parsed.rows_read(), 2);
    assert_text(
        &row(&parsed, 1),
        "
DosageBeginTime=2025-06-01 00:05:00
Domain=www.example.com
RegionName=中国境内
带宽(Mbps)=10.001
流量(GB)=0.375",
    );
}

#[test]
fn bad_cells_and_short_rows_are_rejected_with_their_line_and_column() {
    let parsed = parse_one("l3-cn-bad-number.csv");
    assert_text(
        &summary(&parsed),
        "
l3-cn-bad-number.csv | L3 明细账单 (bill details)
encoding UTF-8
rows read 3, accepted 1, rejected 2
l3-cn-bad-number.csv:3 column 结束使用时间: \"2025-13-01 01:59:59\" is not a date or time
l3-cn-bad-number.csv:3 column 现金账户支出(元): \"12.3.4\" is not a number
l3-cn-bad-number.csv:4 column 扣费时间: expected 34 fields, found 16: the row ends after this column
",
    );
    assert_eq!(parsed.table.text("BillId", 0), Some("t1"));
}

#[test]
fn files_that_are_not_bills_say_why() {
    let cases = [
        ("empty.csv", "empty.csv | unknown\nrows read 0, accepted 0, rejected 0\nempty.csv: the file is empty\n"),
        (
            "binary.bin",
            "binary.bin | unknown\nrows read 0, accepted 0, rejected 0\nbinary.bin: binary data, not a CSV, JSON, ZIP or XLSX file\n",
        ),
        (
            "header-only.csv",
            "header-only.csv | 资源包抵扣明细 (deduction details)\nencoding UTF-8\nrows read 0, accepted 0, rejected 0\nheader-only.csv: the file has a header row but no data rows\n",
        ),
        (
            "unknown.csv",
            "unknown.csv | unknown\nencoding UTF-8\nrows read 0, accepted 0, rejected 0\nunknown.csv: not a known billing export: none of the first 2 rows is a header row of a known kind; the first row was tried as 资源包抵扣明细 (deduction details) (no 抵扣时间, 实际抵扣量); 资源包总览 (package overview) (no 资源包名称/资源包ID, 容量单位); 消耗明细 (cost details) (no 产品名称, 消耗类型); L3 明细账单 (bill details) (no 产品名称, 组件名称); L2 资源账单 (resource bill) (no 产品名称, 资源ID, 优惠后总价); 用量明细 (usage details) (no 时间, 用量); FOCUS 1.0 (cost and usage) (no BilledCost, ChargePeriodStart, ServiceName, ChargeCategory)\n",
        ),
    ];
    for (name, expected) in cases {
        assert_text(&summary(&parse_one(name)), expected);
    }
}

#[test]
fn detect_kind_reads_only_the_head() {
    let cases = [
        ("l3-cn-2022.csv", InputKind::BillDetails(BillLevel::L3)),
        ("l3-intl-en.csv", InputKind::BillDetails(BillLevel::L3)),
        ("l2-cn-gb18030.csv", InputKind::BillDetails(BillLevel::L2)),
        ("cost-details-en.csv", InputKind::CostDetails),
        ("deduction-console.tsv", InputKind::DeductionDetails),
        ("package-overview.csv", InputKind::PackageOverview),
        ("usage-cdn-5min.csv", InputKind::UsageDetails),
        ("unknown.csv", InputKind::Unknown),
        ("binary.bin", InputKind::Unknown),
    ];
    for (name, expected) in cases {
        assert_eq!(detect_kind(&read_data(name)), expected, "{name}");
    }
}

/// A large L3 file fed in awkward chunk sizes (splitting multi-byte characters, CRLF pairs and
/// quoted fields) gives the same table as parsing it whole.
#[test]
fn chunked_feeding_matches_whole_file_parsing() {
    let fixture = String::from_utf8(read_data("l3-cn-2022.csv")).unwrap();
    let (header, rows) = fixture.split_once("\r\n").unwrap();
    let mut big = String::from(header);
    big.push_str("\r\n");
    while big.len() < 3 * SNIFF_LEN {
        big.push_str(rows);
    }
    let bytes = big.as_bytes();
    let whole = tcbill_core::parse_file("big.csv", bytes).remove(0);
    for chunk_size in [1, 7, 4096, SNIFF_LEN + 3] {
        let mut parser = Parser::new("big.csv");
        let mut last_rows = 0;
        for chunk in bytes.chunks(chunk_size) {
            let progress = parser.feed(chunk);
            assert!(progress.rows_read >= last_rows);
            last_rows = progress.rows_read;
        }
        let chunked = parser.finish().remove(0);
        assert_eq!(
            chunked.rows_read(),
            whole.rows_read(),
            "chunk size {chunk_size}"
        );
        assert_eq!(
            chunked.table.columns(),
            whole.table.columns(),
            "chunk size {chunk_size}"
        );
        assert_eq!(chunked.diagnostics, whole.diagnostics);
    }
    assert_eq!(
        whole.rows_accepted(),
        2 * ((3 * SNIFF_LEN - header.len()) / rows.len() + 1) as u64
    );
    assert!(whole.diagnostics.is_empty());
}

/// Line numbers count physical lines, including those inside quoted cells and blank lines.
#[test]
fn diagnostics_point_at_the_physical_line() {
    let text = "抵扣时间,实际抵扣量\n2025-01-01 00:00:00,1\n\n\"2025-01-01\n00:00:00\",2\r\n2025-01-01 00:00:00,x\n";
    let parsed = tcbill_core::parse_file("d.csv", text.as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
d.csv | 资源包抵扣明细 (deduction details)
encoding UTF-8
rows read 3, accepted 1, rejected 2
d.csv:4 column 抵扣时间: \"2025-01-01\n00:00:00\" is not a date or time
d.csv:6 column 实际抵扣量: \"x\" is not a number
",
    );
}

/// Two columns for one field (a second 优惠后总价 pasted on the right): the first is read, and
/// the header's line says the second is not, where it was dropped unsaid.
#[test]
fn a_second_column_for_a_field_is_named_as_not_read() {
    let text = "产品名称,组件名称,交易ID,优惠后总价,现金账户支出(元),优惠后总价\n\
                云服务器,CPU,tx-1,1.50,1.50,999\n";
    let parsed = tcbill_core::parse_file("twice.csv", text.as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
twice.csv | L3 明细账单 (bill details)
encoding UTF-8
rows read 1, accepted 1, rejected 0
twice.csv:1 column 优惠后总价: a column to its left has the same header: this one is not read
",
    );
    assert_eq!(
        parsed.table.decimal("RealCost", 0),
        Some(Decimal::new(150, 2))
    );
}

/// A spreadsheet's total row under the bill rows (`合计,,,…`) adds the rows up again: it is a
/// rejected row that says why, where it was read as one more bill row and doubled the total.
#[test]
fn a_total_row_is_not_a_bill_row() {
    let l2 = String::from_utf8(read_data("l2-cn.csv")).unwrap();
    let fields = l2.lines().next().unwrap().split(',').count();
    let mut total = vec![""; fields];
    total[0] = "合计";
    let real_cost = l2
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "优惠后总价");
    total[real_cost.unwrap()] = "4.84660512";
    let text = format!("{}{}\n", l2, total.join(","));
    let parsed = tcbill_core::parse_file("footer.csv", text.as_bytes()).remove(0);
    assert_text(
        &summary(&parsed),
        "
footer.csv | L2 资源账单 (resource bill)
encoding UTF-8
rows read 2, accepted 1, rejected 1
footer.csv:3: a total row (合计), not a bill row: its amounts add up the rows above, so it is not counted
",
    );
}
