//! How much memory a parsed file's table holds, measured by a counting allocator: the bytes
//! still allocated after the file is fed to core's `Parser` in 4 MiB chunks (as the web worker
//! does) and finished, and the most allocated at once on the way, counting every reallocation
//! as a copy (as in wasm's linear memory, where a `Vec` that doubles holds both buffers for a
//! moment). Natively, so it leaves out wasm's page granularity and fragmentation; BENCHMARKS.md
//! uses it to compare column storages on one generated bill. Then `Report::build` over the tables:
//! the most allocated at once while it runs, above what the tables hold (wasm keeps that peak).
//!
//! `cargo run --release -p tcbill-core --example table_memory -- FILE`

#[path = "common/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{live, peak, reset_peak};

fn main() {
    use std::io::Read;

    let path = std::env::args().nth(1).expect("usage: table_memory FILE");
    let mut file = std::fs::File::open(&path).expect("a readable file");
    let mut chunk = vec![0; 4 << 20];
    let before = live();
    let mut parser = tcbill_core::Parser::new(&path);
    let mut file_size = 0;
    loop {
        let read = file.read(&mut chunk).expect("a readable file");
        if read == 0 {
            break;
        }
        file_size += read;
        parser.feed(&chunk[..read]);
    }
    let parsed = parser.finish();
    let held = live() - before;
    let parse_peak = peak() - before;
    let rows: usize = parsed.iter().map(|file| file.table.row_count()).sum();
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    let share = |bytes: usize| bytes as f64 / file_size as f64;
    println!(
        "file            {file_size} bytes ({:.1} MiB), {rows} rows",
        mib(file_size)
    );
    println!(
        "tables held     {held} bytes ({:.1} MiB, {:.1} B/row, {:.2}x the file)",
        mib(held),
        held as f64 / rows.max(1) as f64,
        share(held)
    );
    println!(
        "parse peak      {parse_peak} bytes ({:.1} MiB, {:.2}x the file)",
        mib(parse_peak),
        share(parse_peak)
    );
    let before_dataset = reset_peak();
    let mut dataset = tcbill_core::Dataset::new();
    dataset.add(parsed);
    let before_report = live();
    println!(
        "dataset add     peak {} bytes above the tables, {} bytes held (duplicate index)",
        peak() - before_dataset,
        before_report - before_dataset
    );
    reset_peak();
    let report = tcbill_core::Report::build(&dataset, &tcbill_core::ReportOptions::default());
    let report_peak = peak() - before_report;
    let report_held = live() - before_report;
    println!(
        "report peak     {report_peak} bytes ({:.1} MiB) above the tables, {report_held} bytes held after",
        mib(report_peak)
    );
    let total_peak = before_report - before + report_peak;
    println!(
        "overall peak    {} bytes ({:.1} MiB, {:.2}x the file)",
        total_peak.max(parse_peak),
        mib(total_peak.max(parse_peak)),
        share(total_peak.max(parse_peak))
    );
    drop(report);
}
