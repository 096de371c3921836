//! Golden files of every JSON input in the repository: the report JSON and a dump of the parsed
//! table (every column, its source header and role, every cell) of each `fixtures/api/` example and
//! of the sample month's JSON, each alone, plus the same files saved as an array of two pages; and
//! of the hand-made edge cases in `tests/data/json-edge/` (broken JSON, invalid UTF-8, duplicate
//! keys, error and non-object pages, bare rows, a deduction flow).
//! They were written by the `serde_json::Value` reader before the streaming one replaced it, so
//! any change of a digit, a column's order or a diagnostic shows here.
//!
//! After a deliberate change of output, rewrite them with `TCBILL_BLESS=1 cargo test -p tcbill-core
//! --test api_golden` and review the diff.

mod common;

use std::path::PathBuf;

use common::{check_golden, table_dump, API_FIXTURES, SAMPLE_MONTH};
use tcbill_core::{parse_file, Dataset, ParsedFile, Report, ReportOptions};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/api-golden");
const EDGE_CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/json-edge");

fn json_inputs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = [API_FIXTURES, SAMPLE_MONTH, EDGE_CASES]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{dir}: {error}")))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 29, "the fixtures are missing: {paths:?}");
    paths
}

fn report_json(files: Vec<ParsedFile>) -> String {
    let mut dataset = Dataset::new();
    dataset.add(files);
    Report::build(&dataset, &ReportOptions::default()).to_json()
}

#[test]
fn every_json_input_reads_and_reports_as_its_golden_files_say() {
    let mut failures = Vec::new();
    for path in json_inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let mut inputs = vec![(name.clone(), bytes.clone())];
        if let Ok(text) = String::from_utf8(bytes) {
            let paged = format!("[{text},\n{text}]");
            inputs.push((name.replace(".json", ".pages.json"), paged.into_bytes()));
        }
        for (name, bytes) in inputs {
            let files = parse_file(&name, &bytes);
            let table = table_dump(&files);
            check_golden(
                GOLDEN,
                &format!("{name}.table.txt"),
                table.as_bytes(),
                &mut failures,
            );
            let report = report_json(files);
            check_golden(
                GOLDEN,
                &format!("{name}.report.json"),
                report.as_bytes(),
                &mut failures,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
