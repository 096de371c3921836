//! `tcbill-gen KIND --rows N [--seed S] --out FILE`: writes a generated export and prints what
//! it wrote as one JSON line (rows, bytes and, for L3 bills and `bill-json` DescribeBillDetail
//! pages, the exact 优惠后总价 total), so scripts can check tcbill's figures against it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use tcbill_gen::{write_bill_json, write_deductions, write_l3, write_usage};

const USAGE: &str =
    "usage: tcbill-gen (l3 | bill-json | deductions | usage) --rows N [--seed S] --out FILE (- for stdout)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tcbill-gen: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut args = args.into_iter();
    let kind = args.next().ok_or("which kind of file?")?;
    let (mut rows, mut seed, mut out) = (None, 7u64, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => {
                rows = Some(
                    value()?
                        .replace('_', "")
                        .parse::<u64>()
                        .map_err(|e| format!("--rows: {e}"))?,
                )
            }
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let rows = rows.ok_or("--rows is required")?;
    let out = out.ok_or("--out is required")?;
    let writer: Box<dyn Write> = if out == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&out).map_err(|e| format!("{out}: {e}"))?)
    };
    let writer = BufWriter::with_capacity(1 << 20, writer);
    let generated = match kind.as_str() {
        "l3" => write_l3(rows, seed, writer),
        "bill-json" => write_bill_json(rows, seed, writer),
        "deductions" => write_deductions(rows, seed, writer),
        "usage" => write_usage(rows, seed, writer),
        other => return Err(format!("unknown kind {other}")),
    }
    .map_err(|e| format!("{out}: {e}"))?;
    let summary = generated.to_json(&kind, seed);
    if out == "-" {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}
