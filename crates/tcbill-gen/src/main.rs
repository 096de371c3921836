//! `tcbill-gen KIND --rows N [--seed S] --out FILE`: writes a generated export and prints what
//! it wrote as one JSON line (rows, bytes and, for L3 bills and `bill-json` DescribeBillDetail
//! pages, the exact 优惠后总价 total), so scripts can check tcbill's figures against it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use tcbill_gen::{write_bill_json, write_deductions, write_l3_month, write_usage};

const USAGE: &str =
    "usage: tcbill-gen (l3 | bill-json | deductions | usage) --rows N [--seed S] --out FILE (- for stdout)
       tcbill-gen l3 ... [--month YYYY-MM] (default 2025-06)
       tcbill-gen history --months N [--resources R] [--seed S] --out DIR
       tcbill-gen alerts [--clean] [--days N] --out DIR";

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
    if kind == "history" {
        return history(args.collect());
    }
    if kind == "alerts" {
        return alerts(args.collect());
    }
    let (mut rows, mut seed, mut out, mut month) = (None, 7u64, None, (2025, 6));
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
            "--month" if kind == "l3" => month = parse_month(&value()?)?,
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
        "l3" => write_l3_month(rows, seed, month, writer),
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

/// `YYYY-MM`, a month that exists.
fn parse_month(text: &str) -> Result<(i64, u32), String> {
    let invalid = || format!("--month: {text} is no YYYY-MM month");
    let (year, month) = text.split_once('-').ok_or_else(invalid)?;
    let year: i64 = year.parse().map_err(|_| invalid())?;
    let month: u32 = month.parse().map_err(|_| invalid())?;
    let exists = (1..=9999).contains(&year) && (1..=12).contains(&month);
    exists.then_some((year, month)).ok_or_else(invalid)
}

/// `history --months N [--resources R] [--seed S] --out DIR`: one L3 CSV per month,
/// DIR/YYYY-MM-明细账单-L3.csv, then one JSON line with what `tcbill compare` must find between
/// the last two months.
fn history(args: Vec<String>) -> Result<(), String> {
    let (mut months, mut resources, mut seed, mut out) = (None, 40u64, 7u64, None);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--months" => months = Some(value()?.parse().map_err(|e| format!("--months: {e}"))?),
            "--resources" => {
                resources = value()?.parse().map_err(|e| format!("--resources: {e}"))?
            }
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(std::path::PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let months: usize = months.ok_or("--months is required")?;
    if months < 2 {
        return Err("--months: a history has at least 2 months".to_owned());
    }
    let out = out.ok_or("--out is required")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let history = tcbill_gen::History::new(months, resources, seed);
    let mut files = Vec::new();
    for month in 0..months {
        let path = out.join(format!("{}-明细账单-L3.csv", history.month_name(month)));
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        history
            .write_month(month, BufWriter::new(file))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(format!("\"{}\"", path.display()));
    }
    let expected = history.expected();
    let parts: Vec<String> = expected
        .parts
        .iter()
        .map(|(name, amount)| format!("\"{name}\":\"{amount}\""))
        .collect();
    let planted: Vec<String> = expected
        .planted
        .iter()
        .map(|(id, part, amount)| {
            format!("{{\"resource\":\"{id}\",\"part\":\"{part}\",\"amount\":\"{amount}\"}}")
        })
        .collect();
    println!(
        "{{\"kind\":\"history\",\"seed\":{seed},\"files\":[{}],\"a\":\"{}\",\"b\":\"{}\",\"parts\":{{{}}},\"planted\":[{}]}}",
        files.join(","),
        expected.a,
        expected.b,
        parts.join(","),
        planted.join(",")
    );
    Ok(())
}

/// `alerts [--clean] [--days N] --out DIR`: a month of bills with one planted case of each alert
/// (none with `--clean`), days 1 to N of April 2025 (default 30), then one JSON line with the
/// files, the exact 优惠后总价 and the alerts the full planted month must raise.
fn alerts(args: Vec<String>) -> Result<(), String> {
    let (mut clean, mut days, mut out) = (false, tcbill_gen::ALERTS_MONTH_DAYS, None);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--clean" => clean = true,
            "--days" => days = value()?.parse().map_err(|e| format!("--days: {e}"))?,
            "--out" => out = Some(std::path::PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !(1..=tcbill_gen::ALERTS_MONTH_DAYS).contains(&days) {
        return Err(format!(
            "--days: April has days 1 to {}",
            tcbill_gen::ALERTS_MONTH_DAYS
        ));
    }
    let out = out.ok_or("--out is required")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let month = tcbill_gen::AlertMonth::new(days, clean);
    let mut files = Vec::new();
    for (index, name) in month.file_names().iter().enumerate() {
        let path = out.join(name);
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        month
            .write_file(index, BufWriter::new(file))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(format!("\"{}\"", path.display()));
    }
    let expected: Vec<String> = month
        .expected()
        .iter()
        .map(|alert| {
            format!(
                "{{\"kind\":\"{}\",\"subject\":\"{}\",\"period\":\"{}\",\"amount\":\"{}\",\"expected\":\"{}\",\"excess\":\"{}\",\"row_count\":{}}}",
                alert.kind, alert.subject, alert.period, alert.amount, alert.expected, alert.excess, alert.row_count
            )
        })
        .collect();
    println!(
        "{{\"kind\":\"alerts\",\"clean\":{clean},\"days\":{days},\"files\":[{}],\"real_total_cost\":\"{}\",\"alerts\":[{}]}}",
        files.join(","),
        month.real_total_cost(),
        expected.join(",")
    );
    Ok(())
}
