//! Builds the report once from the passes over each half of `FILE`'s rows, merged, as the
//! browser's two workers make them (`RowsPass`): for profiling `Report::build_from` alone, e.g.
//! `valgrind --tool=callgrind --toggle-collect='*build_from*' …/build_from_once FILE`.
//! With `--json` it prints the report's JSON, to compare builds byte for byte.
//!
//! `cargo run --release -p tcbill-core --example build_from_once -- FILE [--json]`

use tcbill_core::report::{InTurn, RowsPass};
use tcbill_core::{Dataset, Report, ReportOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: build_from_once FILE [--json]");
    let json = args.next().is_some_and(|arg| arg == "--json");
    let bytes = std::fs::read(&path).expect("a readable file");
    let mut dataset = Dataset::new();
    dataset.add(tcbill_core::parse_file(&path, &bytes));
    drop(bytes);
    let options = ReportOptions::default();
    let (name, table) = (&dataset.files()[0].name, &dataset.files()[0].table);
    let half = table.row_count() / 2;
    let mut pass = RowsPass::of_rows(name, table, 0..half, &options);
    let second = RowsPass::of_rows(name, table, half..table.row_count(), &options).to_json();
    pass.merge(RowsPass::from_json(&second).expect("reads back"), 0);
    assert!(pass.serves(&dataset, &options), "the passes are taken");
    let report = Report::build_from(&dataset, &options, &InTurn, Some(pass));
    if json {
        println!("{}", report.to_json());
    }
}
