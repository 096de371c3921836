//! Native throughput of tcbill-core's whole path on generated exports: streaming parse in the
//! worker's 4 MiB slices, then every analysis (`Report::build`). Criterion reports MiB/s
//! (`Throughput::Bytes`); rows/s is printed from a best-of-3 timing of the same work, since
//! criterion reports one throughput per benchmark.
//!
//! `cargo bench -p tcbill-gen --bench core` (rows: `TCBILL_BENCH_ROWS`, default 100,000).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tcbill_core::{Dataset, ParsedFile, Parser, Report, ReportOptions};
use tcbill_gen::{write_deductions, write_l3, Generated};

/// The slice size the web worker reads (`src/worker/mod.rs`).
const CHUNK_LEN: usize = 4 * 1024 * 1024;

fn parse(name: &str, bytes: &[u8]) -> Vec<ParsedFile> {
    let mut parser = Parser::new(name);
    for chunk in bytes.chunks(CHUNK_LEN) {
        parser.feed(chunk);
    }
    parser.finish()
}

fn parse_and_report(name: &str, bytes: &[u8]) -> Report {
    let mut dataset = Dataset::new();
    dataset.add(parse(name, bytes));
    Report::build(&dataset, &ReportOptions::default())
}

fn rows() -> u64 {
    std::env::var("TCBILL_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(100_000)
}

fn generated(
    write: fn(u64, u64, &mut Vec<u8>) -> std::io::Result<Generated>,
    rows: u64,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    write(rows, 7, &mut bytes).expect("writing to a Vec");
    bytes
}

/// Prints MiB/s and rows/s of `work` (best of 3) on one line.
fn print_rates(label: &str, bytes: usize, rows: u64, work: impl Fn()) {
    let best = (0..3)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .expect("three runs");
    let seconds = best.as_secs_f64();
    println!(
        "{label}: {rows} rows, {:.1} MiB in {:.3} s = {:.1} MiB/s, {:.0} rows/s (best of 3)",
        bytes as f64 / 1048576.0,
        seconds,
        bytes as f64 / 1048576.0 / seconds,
        rows as f64 / seconds
    );
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    let l3 = generated(|rows, seed, out| write_l3(rows, seed, out), rows);
    let deductions = generated(
        |rows, seed, out| write_deductions(rows, seed, out),
        rows / 2,
    );
    let cases = [
        ("l3", "bill.csv", &l3, rows),
        ("deductions", "deductions.csv", &deductions, rows / 2),
    ];
    for (kind, name, bytes, rows) in cases {
        print_rates(&format!("{kind} parse"), bytes.len(), rows, || {
            black_box(parse(name, bytes));
        });
        print_rates(&format!("{kind} parse + report"), bytes.len(), rows, || {
            black_box(parse_and_report(name, bytes));
        });
        let mut group = c.benchmark_group(format!("{kind} {rows} rows"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(8))
            .throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("parse", |b| b.iter(|| parse(name, bytes)));
        group.bench_function("parse + report", |b| {
            b.iter(|| parse_and_report(name, bytes))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
