//! `tcbill`: the command-line front end of tcbill-core.
//!
//! `tcbill parse FILE...` (or just `tcbill FILE...`) reads each billing export the way the web
//! app does, streaming it through the core parser, and prints per file its detected kind, the
//! rows read, accepted and rejected, and every diagnostic.
//!
//! `tcbill analyze FILE... [--json | --json=OUT] [--csv DIR] [--by DIMS]... [--bandwidth]`
//! (alias `report`) builds the same report as the web app's "Download report": it prints a
//! summary, or the JSON on standard output, writes the JSON to a file and one CSV per table.
//! Files are named by their file name, as in the browser, so the JSON is byte-identical to the
//! web app's for the same files. Each `--by` adds a cost breakdown after the default ones
//! (`--by day`, `--by tag:env`, `--by product,region`), for scripts that compare other tools'
//! summaries with tcbill's.
//!
//! `tcbill export --focus FILE... --out DIR [--parquet]` writes the files' FOCUS 1.0 dataset,
//! one CSV (or Parquet) file per billing month (see [`export`]).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

mod export;
mod parquet_input;

use tcbill_core::analysis::cost::Dimension;
use tcbill_core::analysis::deductions::CoefficientCheck;
use tcbill_core::{Dataset, ParsedFile, Parser, Report, ReportOptions};

const USAGE: &str = "usage: tcbill [parse] FILE...
       tcbill analyze FILE... [--json | --json=OUT] [--csv DIR] [--by DIM[,DIM]]... [--bandwidth]
       tcbill export --focus FILE... --out DIR [--parquet]

parse: reads Tencent Cloud billing exports (CSV/TSV, XLSX, ZIP bill packs, API JSON, FOCUS CSV or
Parquet) and prints,
per file, the detected kind, rows read/accepted/rejected and the diagnostics.
analyze (or report): runs every analysis and prints a summary; --json writes the report as JSON
to standard output instead (--json=OUT into the file OUT, after the summary), --csv writes one
CSV per table into DIR; each --by adds a cost breakdown by product, subproduct, component_type,
component, region, zone, project, pay_mode, transaction_type, owner_uin, resource_id, day, month
or tag:KEY (two: product,region); --bandwidth adds a bandwidth (Mbps) series for every traffic
series.
export: writes the FOCUS 1.0 dataset of the files (bill or cost details, deductions for
EffectiveCost) as DIR/billing_month=YYYY-MM/focus.csv, or focus.parquet with --parquet.
Exits 1 if a file cannot be opened or written.";

/// Prints how to call `tcbill`, for arguments it cannot make sense of.
fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// The size of the slices fed to the parser, like the web worker's `Blob` slices.
const CHUNK_LEN: usize = 1 << 20;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let is_report = matches!(args.first().map(String::as_str), Some("report" | "analyze"));
    let is_export = args.first().map(String::as_str) == Some("export");
    if is_report || is_export || args.first().map(String::as_str) == Some("parse") {
        args.remove(0);
    }
    if args.is_empty() || args.iter().any(|arg| arg == "-h" || arg == "--help") {
        return usage();
    }
    if is_export {
        return ExportArgs::parse(args).map_or_else(usage, |export_args| run_export(&export_args));
    }
    if is_report {
        return ReportArgs::parse(args).map_or_else(usage, |report_args| run_report(&report_args));
    }
    let mut failed = false;
    for path in &args {
        match parse_path(path, path) {
            Ok(parsed_files) => parsed_files.iter().for_each(print_report),
            Err(error) => {
                eprintln!("{path}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_path(path: &str, name: &str) -> io::Result<Vec<ParsedFile>> {
    if parquet_input::is_parquet(path)? {
        let csv = parquet_input::to_csv(path).map_err(io::Error::other)?;
        return Ok(tcbill_core::parse_file(name, &csv));
    }
    let mut file = File::open(path)?;
    let mut parser = Parser::new(name);
    let mut chunk = vec![0; CHUNK_LEN];
    loop {
        let read = file.read(&mut chunk)?;
        if read == 0 {
            return Ok(parser.finish());
        }
        parser.feed(&chunk[..read]);
    }
}

fn print_report(parsed: &ParsedFile) {
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

struct ReportArgs {
    files: Vec<String>,
    json_out: Option<String>,
    csv_dir: Option<String>,
    options: ReportOptions,
}

impl ReportArgs {
    fn parse(args: Vec<String>) -> Option<ReportArgs> {
        let mut report_args = ReportArgs {
            files: Vec::new(),
            json_out: None,
            csv_dir: None,
            options: ReportOptions::default(),
        };
        let mut args = args.into_iter().peekable();
        while let Some(arg) = args.next() {
            if let Some(path) = arg.strip_prefix("--json=") {
                report_args.json_out = Some(path.to_owned());
                continue;
            }
            match arg.as_str() {
                // A bare `--json` (or `--json -`) is standard output; a following file name is an
                // input, since bills can be JSON too.
                "--json" => {
                    args.next_if_eq("-");
                    report_args.json_out = Some("-".to_owned());
                }
                "--csv" => report_args.csv_dir = Some(args.next()?),
                "--bandwidth" => report_args.options.usage.bandwidth_from_traffic = true,
                "--by" => report_args.options.breakdowns.push(
                    args.next()?
                        .split(',')
                        .map(Dimension::parse)
                        .collect::<Option<_>>()?,
                ),
                _ => report_args.files.push(arg),
            }
        }
        (!report_args.files.is_empty()).then_some(report_args)
    }
}

/// Parses every file into one dataset, each named by its file name as in the browser.
fn load_dataset(files: &[String]) -> Result<Dataset, String> {
    let mut dataset = Dataset::new();
    for path in files {
        let name = Path::new(path)
            .file_name()
            .map_or_else(|| path.clone(), |name| name.to_string_lossy().into_owned());
        let parsed_files = parse_path(path, &name).map_err(|error| format!("{path}: {error}"))?;
        dataset.add(parsed_files);
    }
    Ok(dataset)
}

struct ExportArgs {
    files: Vec<String>,
    out: String,
    parquet: bool,
}

impl ExportArgs {
    fn parse(args: Vec<String>) -> Option<ExportArgs> {
        let (mut files, mut out, mut parquet, mut focus) = (Vec::new(), None, false, false);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--focus" => focus = true,
                "--out" => out = Some(args.next()?),
                "--parquet" => parquet = true,
                _ => files.push(arg),
            }
        }
        (focus && !files.is_empty()).then_some(ExportArgs {
            files,
            out: out?,
            parquet,
        })
    }
}

fn run_export(args: &ExportArgs) -> ExitCode {
    let dataset = match load_dataset(&args.files) {
        Ok(dataset) => dataset,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let focus = tcbill_core::focus::export(&dataset);
    for note in &focus.notes {
        eprintln!("note: {note}");
    }
    match export::write_partitions(&focus, Path::new(&args.out), args.parquet) {
        Ok(paths) => {
            println!("{} FOCUS rows in {} files", focus.rows.len(), paths.len());
            for path in paths {
                println!("  {path}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run_report(args: &ReportArgs) -> ExitCode {
    let dataset = match load_dataset(&args.files) {
        Ok(dataset) => dataset,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let report = Report::build(&dataset, &args.options);
    let written = write_outputs(&report, args);
    if let Err(error) = written {
        eprintln!("{error}");
        return ExitCode::FAILURE;
    }
    if args.json_out.as_deref() != Some("-") {
        print!("{}", summary_text(&report));
    }
    ExitCode::SUCCESS
}

fn write_outputs(report: &Report, args: &ReportArgs) -> Result<(), String> {
    match args.json_out.as_deref() {
        Some("-") => io::stdout()
            .write_all(report.to_json().as_bytes())
            .map_err(|error| format!("standard output: {error}"))?,
        Some(path) => {
            std::fs::write(path, report.to_json()).map_err(|error| format!("{path}: {error}"))?
        }
        None => {}
    }
    if let Some(dir) = &args.csv_dir {
        std::fs::create_dir_all(dir).map_err(|error| format!("{dir}: {error}"))?;
        for table in report.csv_tables() {
            let path = Path::new(dir).join(format!("{}.csv", table.name));
            std::fs::write(&path, table.to_csv())
                .map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    Ok(())
}

/// The report in a few lines per section, for a terminal.
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
    }
    for duplicate in &report.duplicates {
        line(format!(
            "duplicates: {} rows of {} are already loaded from {}: not counted",
            duplicate.rows, duplicate.file, duplicate.first_loaded_from
        ));
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
                "  coefficient {}:{} {}: exported {}, recomputed {}; deducted {} where {} was expected",
                row.source.file,
                row.source.row,
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
            "  balance {}:{} {}: expected {} found {} (difference {})",
            found.row.file,
            found.row.row,
            found.package_id,
            found.expected,
            found.found,
            found.difference
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
    }
    line(format!("usage series: {}", report.usage.len()));
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
        line(format!("  {}\t{}", check.id, status));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn by_adds_breakdowns_and_refuses_unknown_dimensions() {
        let parsed = ReportArgs::parse(args("a.csv --by day --by tag:env --by product,region"))
            .expect("valid arguments");
        assert_eq!(parsed.files, ["a.csv"]);
        let defaults = ReportOptions::default().breakdowns.len();
        assert_eq!(
            parsed.options.breakdowns[defaults..],
            [
                vec![Dimension::Day],
                vec![Dimension::Tag("env".into())],
                vec![Dimension::Product, Dimension::Region]
            ]
        );
        assert!(ReportArgs::parse(args("a.csv --by weekday")).is_none());
        assert!(ReportArgs::parse(args("a.csv --by")).is_none());
    }
}
