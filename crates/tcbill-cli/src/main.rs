//! `tcbill`: the command-line front end of tcbill-core.

use std::process::ExitCode;

use tcbill_core::detect::{detect_kind, SNIFF_LEN};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: tcbill FILE...\n\nPrints the detected kind of each billing export.");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for path in &paths {
        match std::fs::read(path) {
            Ok(bytes) => {
                let head = &bytes[..bytes.len().min(SNIFF_LEN)];
                println!("{path}\t{}\t{} bytes", detect_kind(head), bytes.len());
            }
            Err(err) => {
                eprintln!("{path}: {err}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
