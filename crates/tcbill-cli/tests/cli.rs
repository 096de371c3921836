//! Runs the `tcbill` binary on the core crate's fixtures and checks its report verbatim.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tcbill-core/tests/data");

fn tcbill() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tcbill"));
    command.current_dir(DATA).env_remove("RUST_BACKTRACE");
    command
}

fn run(args: &[&str]) -> (String, String, Option<i32>) {
    run_os(args.iter().map(OsStr::new))
}

/// Runs `tcbill` in the core's test data directory, without `RUST_BACKTRACE` (which would add
/// Rust's panic report to standard error).
fn run_os<'a>(args: impl IntoIterator<Item = &'a OsStr>) -> (String, String, Option<i32>) {
    let output = tcbill().args(args).output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code(),
    )
}

#[test]
fn parse_prints_kind_counts_and_diagnostics_per_file() {
    let (stdout, stderr, code) = run(&[
        "parse",
        "l3-cn-bad-number.csv",
        "deduction-console.tsv",
        "empty.csv",
    ]);
    assert_eq!(
        stdout,
        "l3-cn-bad-number.csv\tL3 明细账单 (bill details)\trows read 3, accepted 1, rejected 2
  l3-cn-bad-number.csv:3 column 结束使用时间: \"2025-13-01 01:59:59\" is not a date or time
  l3-cn-bad-number.csv:3 column 现金账户支出(元): \"12.3.4\" is not a number
  l3-cn-bad-number.csv:4 column 扣费时间: expected 34 fields, found 16: the row ends after this column
deduction-console.tsv\t资源包抵扣明细 (deduction details)\trows read 3, accepted 3, rejected 0
empty.csv\tunknown\trows read 0, accepted 0, rejected 0
  empty.csv: the file is empty
"
    );
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
}

#[test]
fn the_parse_word_is_optional_and_missing_files_fail() {
    let (stdout, stderr, code) = run(&["l2-cn-gb18030.csv", "no-such-file.csv"]);
    assert_eq!(
        stdout,
        "l2-cn-gb18030.csv\tL2 资源账单 (resource bill)\trows read 1, accepted 1, rejected 0\n"
    );
    assert!(stderr.starts_with("no-such-file.csv: "), "{stderr}");
    assert_eq!(code, Some(1));
    let (stdout, stderr, code) = run(&[]);
    assert!(
        stderr.contains("\nUsage: tcbill [FILE]...\n       tcbill <COMMAND>\n"),
        "{stderr}"
    );
    assert_eq!((stdout.as_str(), code), ("", Some(2)));
}

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample");

#[test]
fn report_prints_the_findings_and_writes_the_same_json_as_the_core() {
    let names = [
        "2025-06-明细账单-L3.csv",
        "2025-06-资源包抵扣明细.csv",
        "DescribeBillSummaryByProduct-2025-06.json",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|name| format!("{SAMPLE}/{name}"))
        .collect();
    let out_dir = std::env::temp_dir().join(format!("tcbill-cli-report-{}", std::process::id()));
    let json_path = out_dir.join("report.json");
    let csv_dir = out_dir.join("csv");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut args: Vec<&str> = vec!["report"];
    args.extend(paths.iter().map(String::as_str));
    let json_arg = format!("--json={}", json_path.to_str().unwrap());
    args.extend([json_arg.as_str(), "--csv", csv_dir.to_str().unwrap()]);
    let (stdout, stderr, code) = run(&args);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    for expected in [
        "  2025-06-明细账单-L3.csv\tL3 明细账单 (bill details)\trows read 6, accepted 6, duplicates 0, rejected 0\n",
        "cost (6 rows of BillDetails), per currency:\n  CNY 2025-06 (6 rows): RealTotalCost 559.6363523, TotalCost 592.675238, CashPayAmount 514.4363523\n",
        "    云服务器\t460.8\t82.34%\n",
        "deductions: 7 rows, 1 coefficient mismatches, 1 balance breaks, 0 period refreshes\n",
        "  coefficient 2025-06-资源包抵扣明细.csv:8 pkg-trtc-0002: exported 1, recomputed 0.96; deducted 16.000000000 where 16.666666667 was expected\n",
        "  balance 2025-06-资源包抵扣明细.csv:5 pkg-cdn-0001: expected 437.250000000 found 437.000000000 (difference -0.250000000)\n",
        "  summary_vs_details\tok\n",
        "alerts: 4 (allocation_gap 1, deduction_check 2, package_worth_buying 1)\n",
        "  allocation_gap\t187.20 CNY in 2 rows of 2 resources has no value for tag team\n    rows 2025-06-明细账单-L3.csv:4 2025-06-明细账单-L3.csv:7\n",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
    // What the web app produces from the same files, named by file name.
    let mut dataset = tcbill_core::Dataset::new();
    for (name, path) in names.iter().zip(&paths) {
        dataset.add(tcbill_core::parse_file(name, &std::fs::read(path).unwrap()));
    }
    let core_json =
        tcbill_core::Report::build(&dataset, &tcbill_core::ReportOptions::default()).to_json();
    assert_eq!(std::fs::read_to_string(&json_path).unwrap(), core_json);
    let by_product = std::fs::read(csv_dir.join("cost-product.csv")).unwrap();
    assert!(by_product.starts_with("\u{feff}currency,product,TotalCost".as_bytes()));
    assert_eq!(std::fs::read_dir(&csv_dir).unwrap().count(), 15);
    let (stdout, _, code) = run(&["analyze", &paths[0], "--json"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.starts_with("{\n  \"format\": \"tcbill-report\""),
        "{stdout}"
    );
    std::fs::remove_dir_all(&out_dir).unwrap();
}

/// The report's `cost` section of `tcbill analyze FILE --json`, as text.
fn cost_section(file: &str) -> String {
    let (stdout, stderr, code) = run(&["analyze", file, "--json"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)), "{file}");
    let start = stdout.find("\n  \"cost\": ").expect("a cost section");
    let end = stdout
        .find("\n  \"deductions\": ")
        .expect("a deductions section");
    stdout[start..end].to_owned()
}

#[test]
fn a_focus_parquet_export_reads_back_with_the_csv_exports_totals() {
    let out = std::env::temp_dir().join(format!("tcbill-cli-parquet-{}", std::process::id()));
    for bill in ["l3-intl-en.csv", "l3-package-purchase.csv"] {
        for format in ["--parquet", "--csv"] {
            let dir = out.join(format.trim_start_matches('-')).join(bill);
            let mut args = vec!["export", "--focus", bill, "--out", dir.to_str().unwrap()];
            if format == "--parquet" {
                args.push(format);
            }
            let (_, _, code) = run(&args);
            assert_eq!(code, Some(0), "{bill} {format}");
        }
        let month = std::fs::read_dir(out.join("parquet").join(bill))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name();
        let parquet = out
            .join("parquet")
            .join(bill)
            .join(&month)
            .join("focus.parquet");
        let csv = out.join("csv").join(bill).join(&month).join("focus.csv");
        let (stdout, _, _) = run(&["parse", parquet.to_str().unwrap()]);
        assert!(
            stdout.contains("\tFOCUS 1.0 (cost and usage)\t"),
            "{stdout}"
        );
        // Every digit survives Parquet's DECIMAL columns: the same summaries as the CSV export,
        // up to trailing zeros (a Parquet column has one scale: `95.5000` where CSV says `95.5`).
        assert_eq!(
            normalized(&cost_section(parquet.to_str().unwrap())),
            normalized(&cost_section(csv.to_str().unwrap())),
            "{bill}"
        );
        // The original bill's RealTotalCost, to the last digit, from its Parquet export.
        let real_total_cost = format!("\"RealTotalCost\": {}", real_total_cost(bill));
        assert!(
            normalized(&cost_section(parquet.to_str().unwrap()))
                .contains(&normalized(&real_total_cost)),
            "{bill}: {real_total_cost}"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// `"RealTotalCost": "…"` of the bill's own report total, as JSON text.
fn real_total_cost(bill: &str) -> String {
    let section = cost_section(bill);
    let start = section.find("\"RealTotalCost\": ").unwrap() + "\"RealTotalCost\": ".len();
    section[start..].split(',').next().unwrap().to_owned()
}

/// `text` with every quoted decimal (`"95.5000"`) written without trailing zeros (`"95.5"`).
fn normalized(text: &str) -> String {
    text.split('"')
        .map(|part| match rust_decimal::Decimal::from_str_exact(part) {
            Ok(value) => value.normalize().to_string(),
            Err(_) => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\"")
}

#[test]
fn help_is_not_an_error() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["analyze", "--help"],
        &["help", "export"],
    ] {
        let (stdout, stderr, code) = run(args);
        assert_eq!((stderr.as_str(), code), ("", Some(0)), "{args:?}");
        assert!(stdout.contains("Usage: tcbill"), "{args:?}: {stdout}");
        assert!(stdout.contains("Exit status: 0 done"), "{args:?}: {stdout}");
    }
    let (stdout, _, _) = run(&["analyze", "--help"]);
    assert!(
        stdout.contains("Usage: tcbill analyze [OPTIONS] <FILE>...\n"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_flag_is_refused_with_the_usage_not_read_as_a_file() {
    let (stdout, stderr, code) = run(&["analyze", "l2-cn.csv", "--bogus"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (
            "",
            "error: unexpected argument '--bogus' found

  tip: to pass '--bogus' as a value, use '-- --bogus'

Usage: tcbill analyze <FILE>...

For more information, try '--help'.
",
            Some(2)
        )
    );
    // `--json` belongs to analyze: after plain file names it is refused too.
    let (stdout, stderr, code) = run(&["l2-cn.csv", "--json"]);
    assert!(
        stderr.starts_with("error: unexpected argument '--json' found\n"),
        "{stderr}"
    );
    assert_eq!((stdout.as_str(), code), ("", Some(2)));
    let (_, stderr, code) = run(&["analyze", "l2-cn.csv", "--by", "weekday"]);
    assert!(
        stderr.starts_with(
            "error: invalid value 'weekday' for '--by <DIM[,DIM]>': `weekday` is not a dimension; \
             use one of product, subproduct, component_type,"
        ),
        "{stderr}"
    );
    assert_eq!(code, Some(2));
    let (_, stderr, code) = run(&["export", "l2-cn.csv", "--out", "dir"]);
    assert!(
        stderr
            .starts_with("error: the following required arguments were not provided:\n  --focus\n"),
        "{stderr}"
    );
    assert_eq!(code, Some(2));
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcbill-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn file_names_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp_dir("non-utf8");
    // `费用` in GB18030, as a Chinese Windows names a file: not UTF-8.
    let bill = dir.join(OsStr::from_bytes(b"\xb7\xd1\xd3\xc3-l2.csv"));
    std::fs::copy(Path::new(DATA).join("l2-cn.csv"), &bill).unwrap();
    let out = dir.join(OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.json"));
    let (stdout, stderr, code) = run_os([OsStr::new("parse"), bill.as_os_str()]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(
        stdout.ends_with(
            "/\u{fffd}\u{fffd}\u{fffd}\u{fffd}-l2.csv\tL2 资源账单 (resource bill)\trows read 1, accepted 1, rejected 0\n"
        ),
        "{stdout}"
    );
    let mut json_arg = std::ffi::OsString::from("--json=");
    json_arg.push(&out);
    let (stdout, stderr, code) = run_os([OsStr::new("analyze"), bill.as_os_str(), &json_arg]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(
        stdout.starts_with(
            "inputs\n  \u{fffd}\u{fffd}\u{fffd}\u{fffd}-l2.csv\tL2 资源账单 (resource bill)\trows read 1, accepted 1, duplicates 0, rejected 0\n\
             cost (1 rows of BillResources), per currency:\n  \
             CNY 2020-09 (1 rows): RealTotalCost 4.84660512,"
        ),
        "{stdout}"
    );
    let json = std::fs::read_to_string(&out).unwrap();
    assert!(json.contains("\"RealTotalCost\": \"4.84660512\""), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The summary of `tcbill analyze l2-cn.csv` after its `inputs` lines.
const L2_CN_SUMMARY: &str = "\
cost (1 rows of BillResources), per currency:
  CNY 2020-09 (1 rows): RealTotalCost 4.84660512, TotalCost 4.84660512, CashPayAmount 4.84660512
    内容分发网络 CDN\t4.84660512\t100.00%
deductions: 0 rows, 0 coefficient mismatches, 0 balance breaks, 0 period refreshes
packages: 0
usage series: 0
alerts: 1 (allocation_gap 1)
  allocation_gap\t4.84660512 CNY in 1 rows of 1 resources has no value for tag env
    rows l2-cn.csv:2
forecast CNY 2020-09: 10.39 (range 4.84660512 to 43.61944608), by day 22 of 30: 4.84660512 so far (0.00 of it recurring or prepaid, counted once) + 8 remaining days × the mean daily usage cost of days 16–22 (4.84660512 / 7); range: those days' least (0.00) and most (4.84660512) daily cost
checks
  list_price\tskipped: no rows with 原价, 刊例价 and 用量
  discount\tskipped: no rows with 原价, 折扣率 and 优惠后总价
  payments\tskipped: no rows with 优惠后总价 and payment columns
  usage_after_deduction\tskipped: no rows with 组件用量, 原始用量 and 抵扣用量
  summary_vs_details\tskipped: no DescribeBillSummaryBy* response loaded
  deductions_vs_bill\tskipped: no deduction rows loaded
";

const L2_CN_INPUT: &str =
    "  l2-cn.csv\tL2 资源账单 (resource bill)\trows read 1, accepted 1, duplicates 0, rejected 0\n";

#[test]
fn an_unreadable_parquet_file_is_one_diagnostic_and_the_other_files_are_analysed() {
    let dir = temp_dir("bad-parquet");
    let export_dir = dir.join("export");
    let (_, _, code) = run(&[
        "export",
        "--focus",
        "l3-intl-en.csv",
        "--out",
        export_dir.to_str().unwrap(),
        "--parquet",
    ]);
    assert_eq!(code, Some(0));
    let parquet = std::fs::read(export_dir.join("billing_month=2021-08/focus.parquet")).unwrap();
    let truncated = dir.join("truncated.parquet");
    std::fs::write(&truncated, &parquet[..parquet.len() / 2]).unwrap();
    let garbage = dir.join("garbage.parquet");
    std::fs::write(&garbage, b"PAR1 and then no Parquet at all").unwrap();
    let (stdout, stderr, code) = run(&[
        "analyze",
        truncated.to_str().unwrap(),
        garbage.to_str().unwrap(),
        "l2-cn.csv",
    ]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert_eq!(
        stdout,
        format!(
            "inputs
  truncated.parquet\tunknown\trows read 0, accepted 0, duplicates 0, rejected 0
    truncated.parquet: not a readable Parquet file: Parquet error: Invalid Parquet file. Corrupt footer
  garbage.parquet\tunknown\trows read 0, accepted 0, duplicates 0, rejected 0
    garbage.parquet: not a readable Parquet file: Parquet error: Invalid Parquet file. Corrupt footer
{L2_CN_INPUT}{L2_CN_SUMMARY}"
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes a Parquet file whose one row has a `BilledCost` stored as a float.
fn write_float_money_parquet(path: &Path) {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = parquet::schema::parser::parse_message_type(
        "message focus { REQUIRED BYTE_ARRAY BillingAccountId (STRING); REQUIRED DOUBLE BilledCost; }",
    )
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    let properties = std::sync::Arc::new(WriterProperties::builder().build());
    let mut writer = SerializedFileWriter::new(file, schema.into(), properties).unwrap();
    let mut row_group = writer.next_row_group().unwrap();
    let mut column = row_group.next_column().unwrap().unwrap();
    column
        .typed::<ByteArrayType>()
        .write_batch(&[ByteArray::from("100000000001")], None, None)
        .unwrap();
    column.close().unwrap();
    let mut column = row_group.next_column().unwrap().unwrap();
    column
        .typed::<DoubleType>()
        .write_batch(&[0.1], None, None)
        .unwrap();
    column.close().unwrap();
    row_group.close().unwrap();
    writer.close().unwrap();
}

#[test]
fn a_float_money_column_is_refused_as_one_diagnostic() {
    let dir = temp_dir("float-parquet");
    let float = dir.join("float.parquet");
    write_float_money_parquet(&float);
    let (stdout, stderr, code) = run(&["analyze", float.to_str().unwrap(), "l2-cn.csv"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert_eq!(
        stdout,
        format!(
            "inputs
  float.parquet\tunknown\trows read 0, accepted 0, duplicates 0, rejected 0
    float.parquet: not a readable Parquet file: row 1 column BilledCost: a floating-point number; \
             tcbill reads money only as decimals
{L2_CN_INPUT}{L2_CN_SUMMARY}"
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A FOCUS Parquet export with one byte of its footer changed, so that a column chunk starts at a
/// negative offset: the parquet crate (60.1) panics on it instead of returning an error.
const PANICKING_PARQUET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/focus-negative-column-start.parquet"
);

#[test]
fn a_panic_on_one_file_is_a_diagnostic_on_it_and_exit_3() {
    let (stdout, stderr, code) = run(&["analyze", PANICKING_PARQUET, "l2-cn.csv"]);
    let failure = "focus-negative-column-start.parquet: tcbill failed on this file: column start \
                   and length should not be negative; the other files were analysed";
    assert_eq!((stderr, code), (format!("{failure}\n"), Some(3)));
    assert_eq!(
        stdout,
        format!(
            "inputs
  focus-negative-column-start.parquet\tunknown\trows read 0, accepted 0, duplicates 0, rejected 0
    {failure}
{L2_CN_INPUT}{L2_CN_SUMMARY}"
        )
    );
    let (stdout, stderr, code) = run(&["parse", "l2-cn.csv", PANICKING_PARQUET]);
    assert_eq!((stderr.as_str(), code), ("", Some(3)));
    assert_eq!(
        stdout,
        format!(
            "l2-cn.csv\tL2 资源账单 (resource bill)\trows read 1, accepted 1, rejected 0
{PANICKING_PARQUET}\tunknown\trows read 0, accepted 0, rejected 0
  {PANICKING_PARQUET}: tcbill failed on this file: column start and length should not be negative; \
             the other files were analysed
"
        )
    );
}

#[cfg(debug_assertions)]
#[test]
fn a_panic_while_building_the_report_is_said_plainly_and_exit_3() {
    let output = tcbill()
        .args(["analyze", "l2-cn.csv"])
        .env("TCBILL_TEST_PANIC_IN_REPORT", "1")
        .output()
        .unwrap();
    assert_eq!(
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
            output.status.code()
        ),
        (
            String::new(),
            "tcbill failed while building or writing the report: TCBILL_TEST_PANIC_IN_REPORT is \
             set; every file was read, but the output is missing or incomplete\n"
                .to_owned(),
            Some(3)
        )
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_output_error_not_a_panic() {
    let output = tcbill()
        .args(["analyze", "l2-cn.csv"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(
        (
            String::from_utf8(output.stderr).unwrap(),
            output.status.code()
        ),
        (
            "standard output: No space left on device (os error 28)\n".to_owned(),
            Some(1)
        )
    );
}

/// Issue #13's drop: a CNY bill, a USD bill and a ZIP pack holding the CNY bill again.
#[test]
fn analyze_prints_each_currency_apart_and_names_the_duplicate_files() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../e2e/fixtures");
    let files = [
        "2024-11-明细账单-L3.csv",
        "2021-08-intl-bill-details.csv",
        "100012345678-202411-明细账单.zip",
    ]
    .map(|name| format!("{fixtures}/{name}"));
    let mut args = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    let (stdout, stderr, code) = run(&args);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let pack = "100012345678-202411-明细账单.zip/100012345678-202411-按扣费周期-明细账单.csv";
    let expected = format!(
        "  {pack}\tL3 明细账单 (bill details)\trows read 2, accepted 0, duplicates 2, rejected 0\n    \
         {pack}: 2 rows are already loaded from 2024-11-明细账单-L3.csv: skipped as duplicates, not counted\n\
         cost (3 rows of BillDetails), per currency:\n  \
         CNY 2024-11 (2 rows): RealTotalCost 0.28000000, TotalCost 0.47000000, CashPayAmount 0.26000000\n    \
         云服务器CVM\t0.26000000\t92.86%\n    \
         负载均衡CLB\t0.02000000\t7.14%\n  \
         USD 2021-08 (1 rows): RealTotalCost 0.03523359, TotalCost 0.03523359, CashPayAmount 0.03875695\n    \
         Cloud Object Storage\t0.03523359\t100.00%\n"
    );
    assert!(
        stdout.contains(&expected),
        "missing\n{expected}\nin\n{stdout}"
    );
}

const TWO_MONTHS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tcbill-core/tests/data/l3-two-months.csv"
);

#[test]
fn compare_splits_the_change_into_parts_that_add_up() {
    let (stdout, stderr, code) = run(&["compare", TWO_MONTHS, "--top", "3"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert_eq!(
        stdout,
        "2025-09 → 2025-10
CNY: RealTotalCost 172.50 → 347.00000001, change +174.50000001 (6 rows → 8 rows)
  new resources                   +30.00
  removed resources               -12.50
  usage                           +20.00
  package coverage               +100.00
  price or discount                +4.00
  savings plan                    +30.00
  reserved instances                0.00
  refunds, adjustments             -5.00
  no usage or price                +8.00
  rounding                   +0.00000001
  TotalCost 212.50 → 369.50, change +157.00: new resources +37.50, removed resources -12.50, \
usage +25.00, package coverage +100.00, price or discount +4.00, refunds, adjustments -5.00, \
no usage or price +8.00
  top drivers (3 of 7):
           +100.00  内容分发网络CDN / 流量 / cdn-a (changed): package coverage +100.00
            +30.00  云服务器CVM / CPU / ins-new (new): new resources +30.00
            +30.00  云服务器CVM / 内存 / ins-sp (changed): savings plan +30.00
USD: RealTotalCost 2.00 → 4.00, change +2.00 (1 rows → 1 rows)
  new resources                     0.00
  removed resources                 0.00
  usage                            +2.00
  package coverage                  0.00
  price or discount                 0.00
  savings plan                      0.00
  reserved instances                0.00
  refunds, adjustments              0.00
  no usage or price                 0.00
  rounding                          0.00
  TotalCost 2.00 → 4.00, change +2.00: usage +2.00
  top drivers (1 of 1):
             +2.00  Cloud Load Balancer / instance / lb-usd (changed): usage +2.00
"
    );

    // --json is the report's comparison (the report keeps at most 100 drivers; here all 8).
    let (json, _, code) = run(&["compare", TWO_MONTHS, "--json"]);
    assert_eq!(code, Some(0));
    let (report, _, _) = run(&["analyze", TWO_MONTHS, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json, report["comparison"]);

    // Explicit periods, and the CSV of the drivers.
    let dir = temp_dir("compare-csv");
    let (stdout, stderr, code) = run(&[
        "compare",
        TWO_MONTHS,
        "--from",
        "2025-10",
        "--to",
        "2025-10",
        "--csv",
        dir.to_str().unwrap(),
        "--top",
        "0",
    ]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(stdout.starts_with("2025-10 → 2025-10\nCNY: RealTotalCost 347.00000001 → 347.00000001, change 0.00 (8 rows → 8 rows)\n"), "{stdout}");
    let csv = std::fs::read_to_string(dir.join("comparison-drivers.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "no driver changed: {csv}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_from_to_puts_those_periods_in_the_reports_comparison() {
    let (json, stderr, code) = run(&[
        "analyze", TWO_MONTHS, "--json", "--from", "2025-10", "--to", "2025-09",
    ]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let (compared, _, _) = run(&[
        "compare", TWO_MONTHS, "--json", "--from", "2025-10", "--to", "2025-09",
    ]);
    let compared: serde_json::Value = serde_json::from_str(&compared).unwrap();
    assert_eq!(report["comparison"], compared);
    assert_eq!(
        report["comparison"]["currencies"][0]["RealTotalCost"]["change"],
        "-174.50000001"
    );
    let (_, stderr, code) = run(&["analyze", TWO_MONTHS, "--from", "2025-10"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--to"), "{stderr}");
}

#[test]
fn compare_needs_two_months_or_periods() {
    let (stdout, stderr, code) = run(&["compare", &format!("{SAMPLE}/2025-06-明细账单-L3.csv")]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (
            "",
            "the cost rows cover fewer than two billing months (2025-06): give --from and --to\n",
            Some(1)
        )
    );
    let (_, stderr, code) = run(&["compare", TWO_MONTHS, "--from", "2025-13"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("`2025-13` is not a period"), "{stderr}");
}

#[test]
fn compare_finds_each_planted_change_of_a_generated_history() {
    let history = tcbill_gen::History::new(3, 20, 5);
    let dir = temp_dir("history");
    let mut paths = Vec::new();
    for month in 0..history.months() {
        let path = dir.join(format!("{}-明细账单-L3.csv", history.month_name(month)));
        history
            .write_month(month, std::fs::File::create(&path).unwrap())
            .unwrap();
        paths.push(path.to_str().unwrap().to_owned());
    }
    let mut args = vec!["compare", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let (stdout, stderr, code) = run(&args);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (json["a"].as_str(), json["b"].as_str()),
        (Some("2025-02"), Some("2025-03"))
    );
    let cny = &json["currencies"][0];
    let expected = history.expected();
    let same = |found: &serde_json::Value, expected: &str| {
        let found: rust_decimal::Decimal = found.as_str().unwrap().parse().unwrap();
        found == expected.parse::<rust_decimal::Decimal>().unwrap()
    };
    assert!(same(&cny["RealTotalCost"]["a"], &expected.a));
    assert!(same(&cny["RealTotalCost"]["b"], &expected.b));
    for (part, amount) in &expected.parts {
        assert!(same(&cny["RealTotalCost"]["parts"][part], amount), "{part}");
    }
    for (resource, part, amount) in &expected.planted {
        let driver = cny["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|driver| driver["resource"] == resource.as_str())
            .unwrap();
        let change = &driver["RealTotalCost"];
        assert!(same(&change["parts"][part], amount), "{resource}");
        assert!(same(&change["change"], amount), "{resource}: only {part}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fail_on_alerts_exits_4_after_everything_is_printed_and_only_when_one_fires() {
    let untagged = format!("{DATA}/l2-cn.csv");
    let (stdout, stderr, code) = run(&["analyze", &untagged, "--fail-on", "alerts"]);
    assert_eq!((stderr.as_str(), code), ("", Some(4)));
    assert!(stdout.ends_with(L2_CN_SUMMARY), "{stdout}");
    let (stdout, _, code) = run(&["analyze", &untagged, "--json", "--fail-on", "alerts"]);
    assert_eq!(code, Some(4));
    assert!(stdout.contains("\"kind\": \"allocation_gap\""), "{stdout}");
    // Without --fail-on, alerts are findings like any other: exit 0.
    assert_eq!(run(&["analyze", &untagged]).2, Some(0));
    // A tag key asked for instead of the bill's: the same row has no `team` either.
    let (stdout, _, _) = run(&["analyze", &untagged, "--alert-tag", "team"]);
    assert!(
        stdout.contains(
            "  allocation_gap\t4.84660512 CNY in 1 rows of 1 resources has no value for tag team\n"
        ),
        "{stdout}"
    );
    let quiet = format!("{DATA}/l3-intl-en.csv");
    let (stdout, stderr, code) = run(&["analyze", &quiet, "--fail-on", "alerts"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(stdout.contains("\nalerts: none\n"), "{stdout}");
}

/// Writes a generated alert month into a fresh directory; the paths of its files.
fn alert_month(name: &str, month: &tcbill_gen::AlertMonth) -> (PathBuf, Vec<String>) {
    let dir = temp_dir(name);
    let paths = month
        .file_names()
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let path = dir.join(file);
            month
                .write_file(index, std::fs::File::create(&path).unwrap())
                .unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect();
    (dir, paths)
}

#[test]
fn analyze_raises_each_planted_alert_and_fails_on_them_and_none_on_a_clean_month() {
    let month = tcbill_gen::AlertMonth::new(30, false);
    let (dir, paths) = alert_month("alerts", &month);
    let mut args = vec!["analyze", "--json", "--fail-on", "alerts"];
    args.extend(paths.iter().map(String::as_str));
    let (stdout, stderr, code) = run(&args);
    assert_eq!((stderr.as_str(), code), ("", Some(4)));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found: Vec<String> = json["alerts"]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| {
            format!(
                "{} {} {} {} {} {} {}",
                alert["kind"].as_str().unwrap(),
                alert["subject"].as_str().unwrap(),
                alert["period"].as_str().unwrap(),
                alert["amount"].as_str().unwrap(),
                alert["expected"].as_str().unwrap(),
                alert["excess"].as_str().unwrap(),
                alert["row_count"]
            )
        })
        .collect();
    let expected: Vec<String> = month.expected().iter().map(ToString::to_string).collect();
    assert_eq!(found, expected);
    // 30 + 41 × 1.5 = 91.50: the 90.00 day no longer spikes.
    let mut args = vec!["analyze", "--spike-k", "41"];
    args.extend(paths.iter().map(String::as_str));
    let (stdout, _, code) = run(&args);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(
            "\nalerts: 5 (first_appearance 1, pay_as_you_go_after_package 1, allocation_gap 1, package_waste 1, package_worth_buying 1)\n"
        ),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let clean = tcbill_gen::AlertMonth::new(30, true);
    let (dir, paths) = alert_month("alerts-clean", &clean);
    let mut args = vec!["analyze", "--fail-on", "alerts"];
    args.extend(paths.iter().map(String::as_str));
    let (stdout, stderr, code) = run(&args);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(stdout.contains("\nalerts: none\n"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_big_bill_read_on_several_cores_gives_the_report_read_on_one() {
    // 40,000 generated rows (about 19 MB): past the 16 MiB from which a CSV file is read in parts.
    let dir = temp_dir("parts");
    let bill = dir.join("l3-40k.csv");
    let generated = tcbill_gen::write_l3(40_000, 7, std::fs::File::create(&bill).unwrap()).unwrap();
    assert!(std::fs::metadata(&bill).unwrap().len() > 16 << 20);
    let report = |threads: &str| {
        let output = tcbill()
            .env("TCBILL_THREADS", threads)
            .args(["analyze", "--json"])
            .arg(&bill)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{threads} threads");
        String::from_utf8(output.stdout).unwrap()
    };
    let whole = report("1");
    let total = generated.real_total_cost.unwrap();
    assert!(
        whole.contains(&format!("\"{total}\"")),
        "the generated total {total}"
    );
    for threads in ["2", "3"] {
        assert!(
            report(threads) == whole,
            "{threads} threads: the report differs"
        );
    }
}

/// A file that can be read only once from its start (a pipe on standard input, a named pipe, a
/// `<(…)` substitution) is read like the file itself: it was opened twice (the named pipe then
/// waited for a second writer forever) and rewound ("Illegal seek"). A Parquet file through a
/// pipe is gathered whole first, as Parquet is read from its end.
#[cfg(unix)]
#[test]
fn pipes_and_named_pipes_are_read_like_files() {
    use std::io::Write;
    use std::process::Stdio;

    let piped = |bytes: Vec<u8>| {
        let mut child = tcbill()
            .args(["parse", "/dev/stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&bytes).unwrap());
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            output.status.code(),
        )
    };
    let bill = std::fs::read(Path::new(DATA).join("l3-cn-2024-11.csv")).unwrap();
    let (whole, _, _) = run(&["parse", "l3-cn-2024-11.csv"]);
    assert_eq!(
        piped(bill.clone()),
        (whole.replace("l3-cn-2024-11.csv", "/dev/stdin"), Some(0))
    );

    let dir = std::env::temp_dir().join(format!("tcbill-cli-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("bill.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, bill).unwrap())
    };
    let (stdout, _, code) = run(&["parse", fifo.to_str().unwrap()]);
    writer.join().unwrap();
    let fifo_name = fifo.to_str().unwrap();
    assert_eq!(
        (stdout, code),
        (whole.replace("l3-cn-2024-11.csv", fifo_name), Some(0))
    );

    let out = dir.join("focus");
    let (_, _, code) = run(&[
        "export",
        "--focus",
        "--parquet",
        "l3-cn-2024-11.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    let parquet = std::fs::read(out.join("billing_month=2024-11").join("focus.parquet")).unwrap();
    let (stdout, code) = piped(parquet);
    assert_eq!(
        (stdout.lines().next(), code),
        (
            Some("/dev/stdin\tFOCUS 1.0 (cost and usage)\trows read 2, accepted 2, rejected 0"),
            Some(0)
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One Parquet DECIMAL column holding 123456789012.5 and 0.000000000000000001 needs 30 digits at
/// its scale of 18: they were rounded to `Decimal`'s 28 (the big value written ten times too
/// small); now each value reads back as it was. A value past Parquet's 38 digits at its column's
/// scale refuses the export, naming the column, and writes nothing.
#[test]
fn parquet_keeps_values_past_28_digits_at_their_columns_scale_or_refuses() {
    let dir = std::env::temp_dir().join(format!("tcbill-cli-wide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = "账单月份,产品名称,组件名称,资源ID,交易ID,组件原价,优惠后总价,扣费时间\n";
    let bill = dir.join("wide.csv");
    std::fs::write(
        &bill,
        format!(
            "{header}2025-06,P,c,r1,T1,123456789012.5,123456789012.5,2025-06-28 10:00:00\n\
             2025-06,Q,c,r2,T2,0.000000000000000001,0.000000000000000001,2025-06-28 10:00:00\n"
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let export = |source: &Path, out: &Path| {
        run(&[
            "export",
            "--focus",
            "--parquet",
            source.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    assert_eq!(export(&bill, &out).2, Some(0));
    let parquet = out.join("billing_month=2025-06").join("focus.parquet");
    let (stdout, _, _) = run(&["analyze", parquet.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let by_product = &report["cost"]["breakdowns"][0];
    assert_eq!(by_product["group_by"], serde_json::json!(["product"]));
    let products: Vec<(String, String)> = by_product["currencies"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["key"][0].as_str().unwrap().to_owned(),
                // The column's scale, less the trailing zeros past `Decimal`'s 28 digits.
                normalized(group["RealTotalCost"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        products,
        [
            ("P".to_owned(), "123456789012.5".to_owned()),
            ("Q".to_owned(), "0.000000000000000001".to_owned())
        ]
    );

    let too_wide = dir.join("too-wide.csv");
    std::fs::write(
        &too_wide,
        format!(
            "{header}2025-06,P,c,r1,T1,9999999999999999.999999999999,9999999999999999.999999999999,2025-06-28 10:00:00\n\
             2025-06,Q,c,r2,T2,0.0000000000000000000000001,0.0000000000000000000000001,2025-06-28 10:00:00\n"
        ),
    )
    .unwrap();
    let refused = dir.join("refused");
    let (_, stderr, code) = export(&too_wide, &refused);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(
            "BilledCost: 9999999999999999.999999999999 at the column's 25 decimals needs more \
             than the 38 digits a Parquet DECIMAL holds; export as CSV instead"
        ),
        "{stderr}"
    );
    assert!(!refused.exists(), "nothing written");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An L2 resource bill of 2020-09 beside an L3 of 2024-11: each month is read from the most
/// detailed bill loaded for it, so the report, the comparison and the FOCUS export all hold the
/// L2's 2020-09 (compared at the detail both bills have) and the L3's 2024-11.
#[test]
fn months_read_from_bills_of_different_detail_are_all_counted() {
    let (stdout, stderr, code) = run(&["analyze", "l2-cn.csv", "l3-cn-2024-11.csv"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(
        stdout.contains(
            "  l2-cn.csv: the costs of 2020-09 (CNY) are read from this L2 resource bill, the \
             most detailed bill loaded for that month (no L3 bill covers it)\n"
        ),
        "{stdout}"
    );
    let (json, _, _) = run(&["analyze", "l2-cn.csv", "l3-cn-2024-11.csv", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cny = &report["cost"]["currencies"][0];
    assert_eq!(cny["periods"], serde_json::json!(["2020-09", "2024-11"]));
    // 4.84660512 (L2, 2020-09) + 0.26 + 0.02 (L3, 2024-11).
    assert_eq!(cny["total"]["RealTotalCost"], "5.12660512");

    let (stdout, stderr, code) = run(&["compare", "l2-cn.csv", "l3-cn-2024-11.csv", "--top", "1"]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    assert!(
        stdout.contains(
            "  read from bills of different detail (BillDetails, BillResources): compared by \
             product and resource, the change not split into usage and price\n"
        ),
        "{stdout}"
    );

    let dir = temp_dir("mixed-focus");
    let (_, stderr, code) = run(&[
        "export",
        "--focus",
        "l2-cn.csv",
        "l3-cn-2024-11.csv",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let mut months: Vec<(String, usize)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let csv = std::fs::read_to_string(entry.path().join("focus.csv")).unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                csv.lines().count() - 1,
            )
        })
        .collect();
    months.sort();
    assert_eq!(
        months,
        [
            ("billing_month=2020-09".to_owned(), 1),
            ("billing_month=2024-11".to_owned(), 2)
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
