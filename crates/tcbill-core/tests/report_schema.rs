//! `report.schema.json` describes every report tcbill writes: the reports of the sample month,
//! of every test data file and of every official API example validate, and the schema rejects
//! the drifts it exists to catch (a decimal written as a JSON number, an unknown key).

mod common;

use std::path::PathBuf;

use common::{dataset_of, sample_month, API_FIXTURES};
use serde_json::Value;
use tcbill_core::{Dataset, Report, ReportOptions};

const SCHEMA: &str = include_str!("../report.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("report.schema.json is JSON");
    jsonschema::draft202012::new(&schema).expect("report.schema.json is a valid 2020-12 schema")
}

fn report_json(dataset: &Dataset) -> Value {
    let report = Report::build(dataset, &ReportOptions::default());
    serde_json::from_str(&report.to_json()).unwrap()
}

/// The schema's complaints about `report`, one line each.
fn errors(report: &Value) -> Vec<String> {
    validator()
        .iter_errors(report)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn files_in(dir: &str, extension: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{dir}: {error}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_sample_month_report_validates() {
    assert_eq!(errors(&report_json(&sample_month())), Vec::<String>::new());
}

#[test]
fn the_report_of_every_test_data_file_validates() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut checked = 0;
    for extension in ["csv", "tsv"] {
        for path in files_in(data, extension) {
            let report = report_json(&dataset_of(std::slice::from_ref(&path)));
            assert_eq!(errors(&report), Vec::<String>::new(), "{path:?}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} data files");
}

/// An L2 of a month no L3 covers beside an L3: the report's `lower_detail` and the comparison's
/// `mixed_detail` validate.
#[test]
fn the_report_of_months_read_from_bills_of_different_detail_validates() {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"));
    let report = report_json(&dataset_of(&[
        data.join("l2-cn.csv"),
        data.join("l3-cn-2024-11.csv"),
    ]));
    assert_eq!(report["lower_detail"][0]["month"], "2020-09");
    assert_eq!(
        report["comparison"]["currencies"][0]["mixed_detail"],
        serde_json::json!(["BillDetails", "BillResources"])
    );
    assert_eq!(errors(&report), Vec::<String>::new());
}

#[test]
fn the_report_of_every_official_api_example_validates() {
    let paths = files_in(API_FIXTURES, "json");
    assert!(paths.len() >= 20, "only {} API fixtures", paths.len());
    let report = report_json(&dataset_of(&paths));
    assert_eq!(errors(&report), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_a_decimal_written_as_a_number_and_unknown_keys() {
    let mut report = report_json(&sample_month());
    report["cost"]["currencies"][0]["total"]["RealTotalCost"] = serde_json::json!(559.6363523);
    report["packages"][0]["surprise"] = serde_json::json!(true);
    report["cost"]["breakdowns"][0]["currencies"][0]["groups"][0]["RealTotalCostRatio"] =
        serde_json::json!("82.3");
    report["cost"]["currencies"][0]["currency"] = serde_json::json!("yuan");
    assert_eq!(
        errors(&report),
        [
            r#"/cost/breakdowns/0/currencies/0/groups/0/RealTotalCostRatio: "82.3" is not valid under any of the schemas listed in the 'oneOf' keyword"#,
            r#"/cost/currencies/0/currency: "yuan" does not match "^[A-Z]{3}$""#,
            r#"/cost/currencies/0/total/RealTotalCost: 559.6363523 is not valid under any of the schemas listed in the 'oneOf' keyword"#,
            r#"/packages/0: Additional properties are not allowed ('surprise' was unexpected)"#,
        ]
    );
}
