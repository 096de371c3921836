//! Golden files of every CSV/TSV test input and of the sample month: the parsed table (every
//! column and cell, decimals at their own printed scale), the report JSON and every report CSV
//! table, each file alone; and the reports of the sample month's files together. They were
//! written before the column storage became typed (i64 mantissas, byte arenas), so a changed
//! digit, scale, column order or diagnostic shows here byte for byte. The JSON inputs have theirs in `api_golden.rs`.
//!
//! The report uses every fixed dimension alone, each tag key, and the default pairs, so every
//! column a breakdown reads (IDs, tags, days) goes through the storage.
//!
//! Each report is built twice: in turn, and with its analyses on threads (`Report::build_with`,
//! as the CLI builds it); both must give the golden bytes.
//!
//! After a deliberate change of output, rewrite them with `TCBILL_BLESS=1 cargo test -p tcbill-core
//! --test report_golden` and review the diff.

mod common;

use std::path::{Path, PathBuf};

use common::{check_golden, table_dump, SAMPLE_MONTH};
use tcbill_core::analysis::cost::Dimension;
use tcbill_core::report::Fork;
use tcbill_core::{parse_file, Dataset, ParsedFile, Report, ReportOptions};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/report-golden");
const TEST_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// The files (not directories) of `dir` except `README.md` and JSON, sorted.
fn inputs_in(dir: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{dir}: {error}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| !path.ends_with("README.md"))
        .filter(|path| path.extension().is_none_or(|ext| ext != "json"))
        .collect();
    paths.sort();
    paths
}

fn options(files: &[ParsedFile]) -> ReportOptions {
    let mut breakdowns: Vec<Vec<Dimension>> = Dimension::FIXED
        .iter()
        .map(|dimension| vec![dimension.clone()])
        .collect();
    let mut tag_keys: Vec<String> = files
        .iter()
        .flat_map(|file| file.table.tag_keys().map(str::to_owned))
        .collect();
    tag_keys.sort();
    tag_keys.dedup();
    breakdowns.extend(tag_keys.into_iter().map(|key| vec![Dimension::Tag(key)]));
    breakdowns.extend(ReportOptions::default().breakdowns);
    ReportOptions {
        breakdowns,
        ..ReportOptions::default()
    }
}

/// Each fork's second side on a thread of its own, as the CLI runs them.
struct OnThreads;

impl Fork for OnThreads {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        std::thread::scope(|scope| {
            let b = scope.spawn(b);
            (a(), b.join().unwrap())
        })
    }
}

/// Every CSV table of the report, each after a `== NAME.csv` line, bytes as exported.
fn csv_tables(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    for table in report.csv_tables() {
        out.extend_from_slice(format!("== {}.csv\n", table.name).as_bytes());
        out.extend_from_slice(&table.to_csv());
    }
    out
}

/// Checks the table dump of `name`'s `files`.
fn check_table(name: &str, files: &[ParsedFile], failures: &mut Vec<String>) {
    let table = table_dump(files);
    check_golden(
        GOLDEN,
        &format!("{name}.table.txt"),
        table.as_bytes(),
        failures,
    );
}

/// Checks the report JSON and CSV tables of `name`'s `files` together.
fn check_report(name: &str, files: Vec<ParsedFile>, failures: &mut Vec<String>) {
    let options = options(&files);
    let mut dataset = Dataset::new();
    dataset.add(files);
    let report = Report::build(&dataset, &options);
    let json = report.to_json();
    if Report::build_with(&dataset, &options, &OnThreads).to_json() != json {
        failures.push(format!("{name}: the report built on threads differs"));
    }
    check_golden(
        GOLDEN,
        &format!("{name}.report.json"),
        json.as_bytes(),
        failures,
    );
    check_golden(
        GOLDEN,
        &format!("{name}.csv-tables.txt"),
        &csv_tables(&report),
        failures,
    );
}

fn parse_path(path: &Path) -> Vec<ParsedFile> {
    let name = path.file_name().unwrap().to_string_lossy();
    parse_file(&name, &std::fs::read(path).unwrap())
}

#[test]
fn every_test_data_file_reads_and_reports_as_its_golden_files_say() {
    let paths = inputs_in(TEST_DATA);
    assert!(paths.len() >= 20, "the test data is missing: {paths:?}");
    let mut failures = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let files = parse_path(&path);
        check_table(&name, &files, &mut failures);
        check_report(&name, files, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_sample_month_reads_and_reports_as_its_golden_files_say() {
    let mut failures = Vec::new();
    let mut together = Vec::new();
    for path in inputs_in(SAMPLE_MONTH) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let files = parse_path(&path);
        together.extend(parse_path(&path));
        check_table(&format!("sample-{name}"), &files, &mut failures);
        check_report(&format!("sample-{name}"), files, &mut failures);
    }
    let json = Path::new(SAMPLE_MONTH).join("DescribeBillSummaryByProduct-2025-06.json");
    together.extend(parse_path(&json));
    assert_eq!(together.len(), 5, "the sample month's five files");
    check_report("sample-month", together, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
