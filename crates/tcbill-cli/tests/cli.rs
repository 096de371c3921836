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
