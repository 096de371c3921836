//! Runs the `tcbill` binary on the core crate's fixtures and checks its report verbatim.

use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tcbill-core/tests/data");

fn run(args: &[&str]) -> (String, String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_tcbill"))
        .current_dir(DATA)
        .args(args)
        .output()
        .unwrap();
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
  l3-cn-bad-number.csv:4: row has 16 fields but the header has 34; row skipped
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
    let (_, stderr, code) = run(&[]);
    assert!(stderr.starts_with("usage: tcbill [parse] FILE..."));
    assert_eq!(code, Some(2));
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
        "  coefficient 2025-06-资源包抵扣明细.csv:7 pkg-trtc-0002: exported 1, recomputed 0.96; deducted 16.000000000 where 16.666666667 was expected\n",
        "  balance 2025-06-资源包抵扣明细.csv:4 pkg-cdn-0001: expected 437.250000000 found 437.000000000 (difference -0.250000000)\n",
        "  summary_vs_details\tok\n",
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
    assert_eq!(std::fs::read_dir(&csv_dir).unwrap().count(), 14);
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
        "  {pack}\tL3 明细账单 (bill details)\trows read 2, accepted 0, duplicates 2, rejected 0\n\
         duplicates: 2 rows of {pack} are already loaded from 2024-11-明细账单-L3.csv: not counted\n\
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
