//! `tcbill`: the command-line front end of tcbill-core.
//!
//! `tcbill parse FILE...` (or just `tcbill FILE...`) reads each billing export the way the web
//! app does, streaming it through the core parser, and prints per file its detected kind, the
//! rows read, accepted and rejected, and every diagnostic.

use std::fs::File;
use std::io::{self, Read};
use std::process::ExitCode;

use tcbill_core::{ParsedFile, Parser};

const USAGE: &str = "usage: tcbill [parse] FILE...

Reads Tencent Cloud billing exports (CSV/TSV, XLSX, ZIP bill packs, API JSON) and prints, per
file, the detected kind, rows read/accepted/rejected and the diagnostics. Exits 1 if a file
cannot be opened.";

/// The size of the slices fed to the parser, like the web worker's `Blob` slices.
const CHUNK_LEN: usize = 1 << 20;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("parse") {
        args.remove(0);
    }
    if args.is_empty() || args.iter().any(|arg| arg == "-h" || arg == "--help") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for path in &args {
        match parse_path(path) {
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

fn parse_path(path: &str) -> io::Result<Vec<ParsedFile>> {
    let mut file = File::open(path)?;
    let mut parser = Parser::new(path);
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
