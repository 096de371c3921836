//! The command line's grammar, declared with clap: an unknown flag is refused with the usage
//! (exit 2) instead of being read as a file name, `--help` is help (exit 0), and file names are
//! taken as the operating system gives them, UTF-8 or not.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use rust_decimal::Decimal;
use tcbill_core::analysis::compare::Period;
use tcbill_core::analysis::cost::{Dimension, UnknownDimension};

const ABOUT: &str =
    "Reads Tencent Cloud billing exports and reports what they say: costs, resource \
packages, usage and consistency checks, the same report as the tcbill web page.";

const AFTER_HELP: &str = "Files: bill details (L3/L2 明细/资源账单), cost details (消耗明细), resource package \
deductions (资源包抵扣明细) and overview, usage details, billing API JSON, ZIP bill packs, XLSX, FOCUS CSV or \
Parquet. `tcbill FILE...` is `tcbill parse FILE...`.

Exit status: 0 done (problems in the data are reported per file); 1 a file could not be opened or an output \
could not be written; 2 the command line is wrong; 3 tcbill itself failed on a file or on the report (the \
message says which; the other files' results were still printed); 4 (analyze --fail-on alerts) the report was \
written and at least one alert fired.";

#[derive(Debug, Parser)]
#[command(
    name = "tcbill",
    version,
    about = ABOUT,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Billing exports to check, as `tcbill parse FILE...` does
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks billing exports: per file, the kind of export found, the rows read, accepted and
    /// rejected, and every problem with its line and column
    Parse {
        /// Billing exports (a ZIP pack lists each file in it)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Builds the full report of the files taken together and prints its summary
    #[command(visible_alias = "report", after_help = AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Writes the bills as a FOCUS 1.0 dataset (the FinOps Foundation's format), one file per
    /// billing month: DIR/billing_month=YYYY-MM/focus.csv (or focus.parquet)
    #[command(after_help = AFTER_HELP)]
    Export(ExportArgs),
    /// Compares two periods: per currency, the change of RealTotalCost (and TotalCost) split into
    /// new and removed resources, usage, package coverage, price or discount, savings plan,
    /// reserved instances, refunds and adjustments, rows without usage or price, and rounding,
    /// which add up exactly to the change; then the resources that changed most
    #[command(after_help = AFTER_HELP)]
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Billing exports of both periods (a month loaded twice counts once)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The earlier period: a month (2025-09), a day (2025-09-01) or FIRST..LAST of one kind;
    /// without --from and --to, the month before the latest billing month against that month
    #[arg(long, value_name = "PERIOD", requires = "to")]
    pub from: Option<Period>,
    /// The later period, written like --from
    #[arg(long, value_name = "PERIOD", requires = "from")]
    pub to: Option<Period>,
    /// Print the comparison as JSON (the report's `comparison`, with every driver)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Write the drivers as DIR/comparison-drivers.csv (created if missing)
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// How many drivers per currency the text lists
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Billing exports; a file's name is shown as its file name, as on the web page
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the report as JSON instead of the summary (the web page's "Download report", byte
    /// for byte); --json=OUT writes it to the file OUT and prints the summary
    #[arg(
        long,
        value_name = "OUT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = STDOUT
    )]
    pub json: Option<PathBuf>,
    /// Write every table of the report as a CSV file into DIR (created if missing)
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Add a cost breakdown by product, subproduct, component_type, component, region, zone,
    /// project, pay_mode, transaction_type, owner_uin, resource_id, day, month or tag:KEY; two
    /// joined by a comma (product,region) break down by both; repeat for more breakdowns
    #[arg(long = "by", value_name = "DIM[,DIM]", value_parser = parse_breakdown)]
    pub breakdowns: Vec<Breakdown>,
    /// Add, for every traffic series of the usage exports, its bandwidth in Mbps
    #[arg(long)]
    pub bandwidth: bool,
    /// A day's cost spikes above median + K × MAD of the 14 days before it
    #[arg(long, value_name = "K", default_value = "3", value_parser = parse_spike_k)]
    pub spike_k: Decimal,
    /// Report the allocation gap (charges with no value) of this tag key; repeat for more;
    /// without it, of every tag key of the bill
    #[arg(long = "alert-tag", value_name = "KEY")]
    pub alert_tags: Vec<String>,
    /// Exit with status 4 when any alert fires (after printing and writing everything), for a
    /// scheduled job
    #[arg(long, value_name = "WHAT", value_enum)]
    pub fail_on: Option<FailOn>,
    /// The report's comparison compares this period with --to (as `tcbill compare --from`);
    /// without them, the latest billing month with the one before it
    #[arg(long, value_name = "PERIOD", requires = "to")]
    pub from: Option<Period>,
    /// The later period of the report's comparison, written like --from
    #[arg(long, value_name = "PERIOD", requires = "from")]
    pub to: Option<Period>,
}

/// What `--fail-on` makes the exit status say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any alert of the report
    Alerts,
}

/// `--spike-k`: a decimal of at least 0.
fn parse_spike_k(text: &str) -> Result<Decimal, String> {
    match text.trim().parse::<Decimal>() {
        Ok(k) if k >= Decimal::ZERO => Ok(k),
        _ => Err(format!("`{text}` is not a number of at least 0")),
    }
}

/// `--json`'s destination meaning standard output.
pub const STDOUT: &str = "-";

/// One `--by`: the dimensions a cost breakdown groups by.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown(pub Vec<Dimension>);

fn parse_breakdown(text: &str) -> Result<Breakdown, UnknownDimension> {
    text.split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map(Breakdown)
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export as FOCUS 1.0 (required: the only export format for now)
    #[arg(long, required = true)]
    pub focus: bool,
    /// Bills (L3, else L2, else cost details), and the deduction export for EffectiveCost
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The directory to write the dataset into (created if missing)
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Write Parquet (exact DECIMAL money columns, for DuckDB and Spark) instead of CSV
    #[arg(long)]
    pub parquet: bool,
}

/// The arguments as given, with `--json -` spelled `--json=-`: `--json` takes a value only after
/// `=`, since the word after a bare `--json` is an input file (bills can be JSON too), but `-`
/// after it has always meant standard output.
pub fn normalized(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut normalized: Vec<OsString> = Vec::new();
    for arg in args {
        if arg == STDOUT && normalized.last().is_some_and(|last| last == "--json") {
            normalized.last_mut().unwrap().push("=-");
        } else {
            normalized.push(arg);
        }
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(text: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(normalized(
            std::iter::once("tcbill")
                .chain(text.split_whitespace())
                .map(OsString::from),
        ))
    }

    fn analyze(text: &str) -> AnalyzeArgs {
        match parse(text).expect("valid arguments").command {
            Some(Command::Analyze(args)) => args,
            other => panic!("not analyze: {other:?}"),
        }
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn by_adds_breakdowns_and_refuses_unknown_dimensions() {
        let args = analyze("analyze a.csv --by day --by tag:env --by product,region");
        assert_eq!(args.files, [PathBuf::from("a.csv")]);
        assert_eq!(
            args.breakdowns,
            [
                Breakdown(vec![Dimension::Day]),
                Breakdown(vec![Dimension::Tag("env".into())]),
                Breakdown(vec![Dimension::Product, Dimension::Region])
            ]
        );
        let error = parse("analyze a.csv --by weekday").unwrap_err().to_string();
        assert!(
            error.contains("`weekday` is not a dimension; use one of product, subproduct,"),
            "{error}"
        );
        assert!(parse("analyze a.csv --by").is_err());
    }

    #[test]
    fn alert_options_have_defaults_and_refuse_nonsense() {
        let args = analyze("analyze a.csv");
        assert_eq!(
            (args.spike_k, args.alert_tags.len(), args.fail_on),
            (Decimal::from(3), 0, None)
        );
        let args = analyze(
            "analyze a.csv --spike-k 2.5 --alert-tag env --alert-tag team --fail-on alerts",
        );
        assert_eq!(args.spike_k, "2.5".parse().unwrap());
        assert_eq!(args.alert_tags, ["env", "team"]);
        assert_eq!(args.fail_on, Some(FailOn::Alerts));
        let error = parse("analyze a.csv --spike-k=-1").unwrap_err().to_string();
        assert!(
            error.contains("`-1` is not a number of at least 0"),
            "{error}"
        );
        assert!(parse("analyze a.csv --fail-on warnings").is_err());
    }

    #[test]
    fn a_bare_json_is_standard_output_and_leaves_the_next_file_alone() {
        let args = analyze("report --json a.json");
        assert_eq!(
            (args.json, args.files),
            (Some(STDOUT.into()), vec![PathBuf::from("a.json")])
        );
        let args = analyze("analyze a.csv --json -");
        assert_eq!(
            (args.json, args.files),
            (Some(STDOUT.into()), vec![PathBuf::from("a.csv")])
        );
        let args = analyze("analyze a.csv --json=out.json");
        assert_eq!(args.json, Some("out.json".into()));
    }

    #[test]
    fn export_needs_focus_and_out() {
        assert!(parse("export a.csv --out dir").is_err());
        assert!(parse("export --focus a.csv").is_err());
        match parse("export --focus a.csv --out dir --parquet")
            .unwrap()
            .command
        {
            Some(Command::Export(args)) => {
                assert!(args.focus && args.parquet);
                assert_eq!(args.out, PathBuf::from("dir"));
            }
            other => panic!("not export: {other:?}"),
        }
    }
}
