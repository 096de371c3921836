//! `tcbill`: the command-line front end of tcbill-core (the grammar is in [`args`]).
//!
//! `tcbill parse FILE...` (or just `tcbill FILE...`) reads each billing export the way the web
//! app does, streaming it through the core parser, and prints per file its detected kind, the
//! rows read, accepted and rejected, and every diagnostic.
//!
//! `tcbill analyze FILE... [--json | --json=OUT] [--csv DIR] [--by DIMS]... [--bandwidth]
//! [--spike-k K] [--alert-tag KEY]... [--fail-on alerts]` (alias `report`) builds the same report
//! as the web app's "Download report": it prints a summary (with the alerts), or the JSON on
//! standard output, writes the JSON to a file and one CSV per table; `--fail-on alerts` exits 4
//! when an alert fired.
//! Files are named by their file name, as in the browser, so the JSON is byte-identical to the
//! web app's for the same files.
//!
//! `tcbill compare FILE... [--from PERIOD --to PERIOD] [--json | --csv DIR] [--top N]` splits the
//! change between two periods into parts that add up exactly (see [`compare`]).
//!
//! `tcbill export --focus FILE... --out DIR [--parquet]` writes the files' FOCUS 1.0 dataset,
//! one CSV (or Parquet) file per billing month (see [`export`]).
//!
//! One file never costs the others ([`input`]); a panic while building or writing the report is
//! caught too, so the user reads what failed instead of a Rust backtrace.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser as _;

mod args;
mod compare;
mod export;
mod input;
mod panics;
mod parallel;
mod parquet_input;

use args::{AnalyzeArgs, Cli, Command, CompareArgs, ExportArgs};
use tcbill_core::analysis::deductions::CoefficientCheck;
use tcbill_core::{Dataset, ParsedFile, Report, ReportOptions};

/// A file could not be opened or read, or an output could not be written.
const IO_FAILED: u8 = 1;
/// tcbill panicked on a file or on the report; what could be done was done and printed.
const TCBILL_FAILED: u8 = 3;
/// `analyze --fail-on alerts`: everything was printed and written, and an alert fired.
const ALERTS_FIRED: u8 = 4;

/// How many of a file's diagnostics the analyze summary shows (the JSON report has all of them).
const SUMMARY_DIAGNOSTICS: usize = 3;

/// How many rows of an alert the analyze summary cites (the JSON report cites 100).
const SUMMARY_ALERT_ROWS: usize = 5;

fn main() -> ExitCode {
    let cli = Cli::parse_from(args::normalized(std::env::args_os()));
    match cli.command {
        Some(Command::Analyze(args)) => run_report(&args),
        Some(Command::Export(args)) => run_export(&args),
        Some(Command::Compare(args)) => run_compare(&args),
        Some(Command::Parse { files }) => run_parse(&files),
        None => run_parse(&cli.files),
    }
}

fn run_parse(paths: &[PathBuf]) -> ExitCode {
    let (mut io_failed, mut tcbill_failed) = (false, false);
    for path in paths {
        match input::read(path, &path.to_string_lossy()) {
            Ok(outcome) => {
                tcbill_failed |= outcome.tcbill_failed;
                outcome.parsed.iter().for_each(print_parsed);
            }
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                io_failed = true;
            }
        }
    }
    if tcbill_failed {
        ExitCode::from(TCBILL_FAILED)
    } else if io_failed {
        ExitCode::from(IO_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_parsed(parsed: &ParsedFile) {
    println!(
        "{}\t{}\trows read {}, accepted {}, rejected {}",
        parsed.name,
        parsed.kind,
        parsed.rows_read(),
        parsed.rows_accepted(),
        parsed.rows_rejected
    );
    for diagnostic in &parsed.diagnostics {
        println!("  {diagnostic}");
    }
}

/// The files taken together, each named by its file name as in the browser.
struct Loaded {
    dataset: Dataset,
    /// tcbill panicked on at least one file (its diagnostic says so, also on standard error).
    tcbill_failed: bool,
}

/// Reads every file; an error is the first file that could not be opened or read.
fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let mut loaded = Loaded {
        dataset: Dataset::new(),
        tcbill_failed: false,
    };
    for path in paths {
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        let outcome =
            input::read(path, &name).map_err(|error| format!("{}: {error}", path.display()))?;
        if outcome.tcbill_failed {
            loaded.tcbill_failed = true;
            for diagnostic in outcome.parsed.iter().flat_map(|file| &file.diagnostics) {
                eprintln!("{diagnostic}");
            }
        }
        loaded.dataset.add(outcome.parsed);
    }
    Ok(loaded)
}

/// Runs `work` (building and writing the report or the export) and turns what went wrong into
/// the exit code: a panic is caught and said plainly, naming `what` failed.
fn finish(what: &str, tcbill_failed: bool, work: impl FnOnce() -> Result<(), String>) -> ExitCode {
    match panics::catch(|| {
        panic_if_a_test_asks();
        work()
    }) {
        Ok(Ok(())) if tcbill_failed => ExitCode::from(TCBILL_FAILED),
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("{error}");
            ExitCode::from(IO_FAILED)
        }
        Err(panic) => {
            eprintln!(
                "tcbill failed while {what}: {panic}; every file was read, but the output is missing or incomplete"
            );
            ExitCode::from(TCBILL_FAILED)
        }
    }
}

/// The tests' way into [`finish`]'s catch, since no known input makes building a report panic
/// (and any that did would be fixed); only in debug builds, which the tests run.
fn panic_if_a_test_asks() {
    if cfg!(debug_assertions) && std::env::var_os("TCBILL_TEST_PANIC_IN_REPORT").is_some() {
        panic!("TCBILL_TEST_PANIC_IN_REPORT is set");
    }
}

fn run_export(args: &ExportArgs) -> ExitCode {
    let loaded = match load(&args.files) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(IO_FAILED);
        }
    };
    finish("writing the FOCUS export", loaded.tcbill_failed, || {
        let focus = tcbill_core::focus::export(&loaded.dataset);
        for note in &focus.notes {
            eprintln!("note: {note}");
        }
        let paths = export::write_partitions(&focus, &args.out, args.parquet)?;
        println!("{} FOCUS rows in {} files", focus.rows.len(), paths.len());
        for path in paths {
            println!("  {path}");
        }
        Ok(())
    })
}

fn run_compare(args: &CompareArgs) -> ExitCode {
    let loaded = match load(&args.files) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(IO_FAILED);
        }
    };
    finish("comparing the periods", loaded.tcbill_failed, || {
        compare::run(&loaded.dataset, args)
    })
}

fn run_report(args: &AnalyzeArgs) -> ExitCode {
    let loaded = match load(&args.files) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(IO_FAILED);
        }
    };
    let mut options = ReportOptions::default();
    options.usage.bandwidth_from_traffic = args.bandwidth;
    options.comparison = args.from.zip(args.to);
    options
        .breakdowns
        .extend(args.breakdowns.iter().map(|breakdown| breakdown.0.clone()));
    options.alerts.spike_k = args.spike_k;
    if !args.alert_tags.is_empty() {
        options.alerts.tag_keys = Some(args.alert_tags.clone());
    }
    let mut fired = false;
    let status = finish(
        "building or writing the report",
        loaded.tcbill_failed,
        || {
            let report = if input::threads() > 1 {
                Report::build_with(&loaded.dataset, &options, &parallel::Threads)
            } else {
                Report::build(&loaded.dataset, &options)
            };
            fired = !report.alerts.alerts.is_empty();
            write_outputs(&report, args)?;
            if args.json.as_deref() != Some(Path::new(args::STDOUT)) {
                io::stdout()
                    .write_all(summary_text(&report).as_bytes())
                    .map_err(|error| format!("standard output: {error}"))?;
            }
            Ok(())
        },
    );
    // A failure says more than an alert: only a run that did everything exits with 4.
    if status == ExitCode::SUCCESS && fired && args.fail_on == Some(args::FailOn::Alerts) {
        ExitCode::from(ALERTS_FIRED)
    } else {
        status
    }
}

fn write_outputs(report: &Report, args: &AnalyzeArgs) -> Result<(), String> {
    match &args.json {
        Some(path) if path == Path::new(args::STDOUT) => io::stdout()
            .write_all(report.to_json().as_bytes())
            .map_err(|error| format!("standard output: {error}"))?,
        Some(path) => std::fs::write(path, report.to_json())
            .map_err(|error| format!("{}: {error}", path.display()))?,
        None => {}
    }
    if let Some(dir) = &args.csv {
        std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        for table in report.csv_tables() {
            let path = dir.join(format!("{}.csv", table.name));
            std::fs::write(&path, table.to_csv())
                .map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    Ok(())
}

fn summary_text(report: &Report) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line("inputs".into());
    for input in &report.inputs {
        line(format!(
            "  {}\t{}\trows read {}, accepted {}, duplicates {}, rejected {}",
            input.name,
            input.kind,
            input.rows_read,
            input.rows_accepted,
            input.rows_duplicate,
            input.rows_rejected
        ));
        for diagnostic in input.diagnostics.iter().take(SUMMARY_DIAGNOSTICS) {
            line(format!("    {diagnostic}"));
        }
        if input.diagnostics.len() > SUMMARY_DIAGNOSTICS {
            let more = input.diagnostics.len() - SUMMARY_DIAGNOSTICS;
            line(format!("    … and {more} more in the JSON report (--json)"));
        }
    }
    let cost = &report.cost;
    let show = |value: Option<rust_decimal::Decimal>| {
        value.map_or_else(|| "-".to_owned(), |v| v.to_string())
    };
    match &cost.source {
        None => line("cost: no bill rows loaded".into()),
        Some(source) => line(format!(
            "cost ({} rows of {source}), per currency:",
            cost.row_count
        )),
    }
    // Amounts in different currencies are never added: one block per currency.
    for currency in &cost.currencies {
        let periods: Vec<String> = currency.periods.iter().map(ToString::to_string).collect();
        line(format!(
            "  {} {} ({} rows): RealTotalCost {}, TotalCost {}, CashPayAmount {}",
            currency.currency,
            periods.join(", "),
            currency.row_count,
            show(currency.total.real_total_cost),
            show(currency.total.total_cost),
            show(currency.total.cash_pay_amount),
        ));
        let by_first = cost
            .breakdowns
            .first()
            .and_then(|summary| summary.currency(currency.currency));
        for group in by_first.into_iter().flat_map(|section| &section.groups) {
            line(format!(
                "    {}\t{}\t{}%",
                group.key.join(" / "),
                show(group.amounts.real_total_cost),
                show(group.real_total_cost_ratio)
            ));
        }
    }
    let deductions = &report.deductions;
    line(format!(
        "deductions: {} rows, {} coefficient mismatches, {} balance breaks, {} period refreshes",
        deductions.analysis.rows.len(),
        deductions.coefficient_mismatches.len(),
        deductions.analysis.balance_breaks.len(),
        deductions.analysis.period_refreshes.len()
    ));
    for row in &deductions.coefficient_mismatches {
        if let CoefficientCheck::Mismatch {
            expected_actual_dosage,
            ..
        } = &row.coefficient_check
        {
            line(format!(
                "  coefficient {} {}: exported {}, recomputed {}; deducted {} where {} was expected",
                row.source,
                row.package_id,
                show(row.exported_coefficient),
                show(row.recomputed_coefficient),
                show(row.actual_dosage),
                expected_actual_dosage
            ));
        }
    }
    for found in &deductions.analysis.balance_breaks {
        line(format!(
            "  balance {} {}: expected {} found {} (difference {})",
            found.row, found.package_id, found.expected, found.found, found.difference
        ));
    }
    line(format!("packages: {}", report.packages.len()));
    for package in &report.packages {
        line(format!(
            "  {}\tused {} of {} {}\tutilisation {}%",
            package.package_id,
            package.used,
            show(package.total),
            package.unit.as_deref().unwrap_or(""),
            show(package.utilisation_percent)
        ));
        if package.rows_without_used > 0 {
            line(format!(
                "    {} deduction rows have no 实际抵扣量 to read: not in used",
                package.rows_without_used
            ));
        }
    }
    line(format!("usage series: {}", report.usage.len()));
    alerts_text(&report.alerts, &mut line);
    for forecast in &report.forecast {
        line(format!(
            "forecast {} {}: {} (range {} to {}), by day {} of {}: {}",
            forecast.currency,
            forecast.month,
            forecast.forecast,
            forecast.low,
            forecast.high,
            forecast.last_day,
            forecast.days_in_month,
            forecast.method
        ));
    }
    line("checks".into());
    for check in &report.checks {
        let status = match check.status {
            tcbill_core::analysis::checks::CheckStatus::Ok => "ok".to_owned(),
            tcbill_core::analysis::checks::CheckStatus::Mismatches => {
                format!("{} mismatches", check.mismatches.len())
            }
            tcbill_core::analysis::checks::CheckStatus::Skipped => format!(
                "skipped: {}",
                check.skipped_reason.as_deref().unwrap_or_default()
            ),
        };
        let missing = match check.rows_missing_values {
            0 => String::new(),
            rows => format!("; {rows} rows lack a value and are not checked"),
        };
        line(format!("  {}\t{status}{missing}", check.id));
    }
    out
}

/// How many alerts of each kind fired, then each alert: what, when, how much and its first rows.
fn alerts_text(alerts: &tcbill_core::analysis::alerts::Alerts, line: &mut impl FnMut(String)) {
    let counts: Vec<String> = alerts
        .counts
        .iter()
        .filter(|count| count.count > 0)
        .map(|count| format!("{} {}", count.kind.as_str(), count.count))
        .collect();
    if counts.is_empty() {
        line("alerts: none".into());
        return;
    }
    let fired: usize = alerts.counts.iter().map(|count| count.count).sum();
    line(format!("alerts: {fired} ({})", counts.join(", ")));
    if alerts.alerts.len() < fired {
        line(format!(
            "  the {} with the largest excess of each kind and currency:",
            alerts.alerts.len()
        ));
    }
    for alert in &alerts.alerts {
        let places: Vec<String> = alert
            .rows
            .iter()
            .flat_map(|rows| {
                rows.places
                    .iter()
                    .map(move |place| format!("{}:{place}", rows.file))
            })
            .take(SUMMARY_ALERT_ROWS)
            .collect();
        let more = alert.row_count.saturating_sub(places.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        line(format!("  {}\t{}", alert.kind.as_str(), alert.message));
        if !places.is_empty() {
            line(format!("    rows {}{more}", places.join(" ")));
        }
    }
}
