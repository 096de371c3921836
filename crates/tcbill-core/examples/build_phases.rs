//! Times each of `Report::build_with`'s parts on one file, and the whole build in turn and on
//! two threads (the CLI's `Threads`, copied here), and the build from the passes over the rows
//! made for each half of the file apart and merged (`RowsPass`, as the browser's two workers make
//! them): the least of `RUNS` runs each, so other work on the machine shows less. BENCHMARKS.md's
//! *the report's critical path* and issue #12's map and reduce use it.
//!
//! `cargo run --release -p tcbill-core --example build_phases -- FILE [RUNS]`

use std::time::{Duration, Instant};

use tcbill_core::analysis::alerts::{largest_alerts, DailyAlerts};
use tcbill_core::analysis::checks::run_checks;
use tcbill_core::analysis::cost::summarize_each;
use tcbill_core::analysis::deductions::analyze_deductions;
use tcbill_core::analysis::forecast::forecasts;
use tcbill_core::analysis::packages::package_usage;
use tcbill_core::analysis::usage::usage_statistics;
use tcbill_core::report::{Fork, InTurn, RowsPass, REPORT_ALERTS};
use tcbill_core::{Dataset, Report, ReportOptions};

/// The CLI's `parallel::Threads`.
struct Threads;

impl Fork for Threads {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        std::thread::scope(|scope| {
            let b = scope.spawn(b);
            let a = a();
            (a, b.join().expect("no panic"))
        })
    }
}

/// The least time of `runs` runs of `part`.
fn least<T>(runs: usize, mut part: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(part());
            start.elapsed()
        })
        .min()
        .expect("a run")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: build_phases FILE [RUNS]");
    let runs: usize = args.next().map_or(3, |runs| runs.parse().expect("a count"));
    let bytes = std::fs::read(&path).expect("a readable file");
    let start = Instant::now();
    let mut dataset = Dataset::new();
    dataset.add(tcbill_core::parse_file(&path, &bytes));
    drop(bytes);
    eprintln!("parsed in {:.2?}", start.elapsed());
    let options = ReportOptions::default();
    let groupings: Vec<&[_]> = std::iter::once(&[][..])
        .chain(options.breakdowns.iter().map(Vec::as_slice))
        .collect();
    let analysis = analyze_deductions(&dataset);
    let packages = package_usage(&dataset, &analysis);
    let checks = run_checks(&dataset, &analysis.rows);
    let parts: Vec<(&str, Duration)> = vec![
        (
            "cost summaries",
            least(runs, || summarize_each(&dataset, &groupings, &[])),
        ),
        (
            "daily alerts",
            least(runs, || {
                DailyAlerts::largest(&dataset, &options.alerts, REPORT_ALERTS)
            }),
        ),
        (
            "deductions + packages",
            least(runs, || {
                let analysis = analyze_deductions(&dataset);
                package_usage(&dataset, &analysis)
            }),
        ),
        (
            "checks",
            least(runs, || run_checks(&dataset, &analysis.rows)),
        ),
        (
            "other alerts",
            (0..runs)
                .map(|_| {
                    let daily = DailyAlerts::largest(&dataset, &options.alerts, REPORT_ALERTS);
                    let start = Instant::now();
                    std::hint::black_box(largest_alerts(
                        &dataset,
                        daily,
                        &analysis,
                        &packages,
                        &checks,
                        &options.alerts,
                        REPORT_ALERTS,
                    ));
                    start.elapsed()
                })
                .min()
                .expect("a run"),
        ),
        (
            "usage, forecast, comparison",
            least(runs, || {
                (
                    usage_statistics(&dataset, options.usage),
                    forecasts(&dataset),
                    Report::comparison(&dataset, &options),
                )
            }),
        ),
        (
            "build in turn",
            least(runs, || Report::build_with(&dataset, &options, &InTurn)),
        ),
        (
            "build on threads",
            least(runs, || Report::build_with(&dataset, &options, &Threads)),
        ),
    ];
    for (part, time) in parts {
        println!("{part:<28} {:>8.3} s", time.as_secs_f64());
    }
    let (name, table) = (&dataset.files()[0].name, &dataset.files()[0].table);
    let half = table.row_count() / 2;
    let pass = |rows| RowsPass::of_rows(name, table, rows, &options);
    let halves = [
        ("rows pass, first half", least(runs, || pass(0..half))),
        (
            "rows pass, second half",
            least(runs, || pass(half..table.row_count())),
        ),
    ];
    let json = pass(half..table.row_count()).to_json();
    let merged = || {
        let mut merged = pass(0..half);
        merged.merge(RowsPass::from_json(&json).expect("reads back"), 0);
        merged
    };
    assert!(merged().serves(&dataset, &options), "the passes are taken");
    let (mut merge, mut build) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        let mut first = pass(0..half);
        let start = Instant::now();
        first.merge(RowsPass::from_json(&json).expect("reads back"), 0);
        merge = merge.min(start.elapsed());
        let start = Instant::now();
        std::hint::black_box(Report::build_from(&dataset, &options, &InTurn, Some(first)));
        build = build.min(start.elapsed());
    }
    for (part, time) in halves.into_iter().chain([
        ("second half's JSON read, merged", merge),
        ("build in turn from the passes", build),
    ]) {
        println!("{part:<28} {:>8.3} s", time.as_secs_f64());
    }
    println!(
        "second half's pass as JSON   {:>8.1} MiB",
        json.len() as f64 / (1 << 20) as f64
    );
}
