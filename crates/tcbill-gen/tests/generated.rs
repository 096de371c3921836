//! The generated files are what the benchmarks claim they are: deterministic, read by
//! tcbill-core without a rejected row, and with arithmetic that passes tcbill's self-checks.

use tcbill_core::analysis::checks::CheckStatus;
use tcbill_core::{parse_file, Dataset, InputKind, Report, ReportOptions, TableKind};
use tcbill_gen::{
    write_bill_json, write_deductions, write_l3, write_l3_month, write_usage, Generated,
};

fn generate(
    write: fn(u64, u64, &mut Vec<u8>) -> std::io::Result<Generated>,
    rows: u64,
    seed: u64,
) -> (Vec<u8>, Generated) {
    let mut bytes = Vec::new();
    let generated = write(rows, seed, &mut bytes).expect("writing to a Vec");
    assert_eq!(generated.bytes, bytes.len() as u64);
    (bytes, generated)
}

fn l3(rows: u64, seed: u64, out: &mut Vec<u8>) -> std::io::Result<Generated> {
    write_l3(rows, seed, out)
}

fn bill_json(rows: u64, seed: u64, out: &mut Vec<u8>) -> std::io::Result<Generated> {
    write_bill_json(rows, seed, out)
}

fn deductions(rows: u64, seed: u64, out: &mut Vec<u8>) -> std::io::Result<Generated> {
    write_deductions(rows, seed, out)
}

fn usage(rows: u64, seed: u64, out: &mut Vec<u8>) -> std::io::Result<Generated> {
    write_usage(rows, seed, out)
}

/// FNV-1a: a dependency-free fingerprint of the bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    for write in [l3, bill_json, deductions, usage] {
        let (first, _) = generate(write, 3_000, 7);
        let (again, _) = generate(write, 3_000, 7);
        let (other, _) = generate(write, 3_000, 8);
        assert_eq!(fnv1a(&first), fnv1a(&again));
        assert_eq!(first, again);
        assert_ne!(first, other);
    }
}

#[test]
fn the_bytes_of_seed_7_do_not_drift() {
    // Benchmarks from different commits compare only if the files are the same: change these
    // fingerprints only with a note in BENCHMARKS.md.
    let fingerprints =
        [l3, deductions, usage, bill_json].map(|write| fnv1a(&generate(write, 1_000, 7).0));
    assert_eq!(
        fingerprints,
        [
            623_069_084_431_146_272,
            10_052_740_067_189_723_079,
            8_237_436_611_303_191_927,
            10_448_022_102_636_180_870
        ]
    );
}

#[test]
fn an_l3_bill_parses_without_rejects_and_its_checks_pass() {
    let rows = 20_000;
    let (bytes, generated) = generate(l3, rows, 7);
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    let header = text.lines().next().expect("a header");
    assert!(header.split(',').count() >= 40, "{header}");
    assert!(
        text.contains("\"api, internal-"),
        "quoted fields with commas"
    );
    assert!(text.contains(",-,"), "placeholders");

    let files = parse_file("bill.csv", &bytes);
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(
        file.kind,
        InputKind::BillDetails(tcbill_core::BillLevel::L3)
    );
    assert_eq!((file.rows_accepted(), file.rows_rejected), (rows, 0));
    assert!(
        file.diagnostics.is_empty(),
        "{:?}",
        &file.diagnostics[..file.diagnostics.len().min(5)]
    );
    assert_eq!(
        file.table.tag_keys().collect::<Vec<_>>(),
        ["env", "team", "cost-center"]
    );

    let mut dataset = Dataset::new();
    dataset.add(files);
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.cost.currencies.len(), 1, "a Chinese bill is all CNY");
    let total = report.cost.currencies[0]
        .total
        .real_total_cost
        .expect("a total");
    assert_eq!(
        Some(total.normalize().to_string()),
        generated.real_total_cost
    );
    for check in &report.checks[..3] {
        assert_eq!(
            check.status,
            CheckStatus::Ok,
            "{}: {:?}",
            check.id,
            &check.mismatches[..check.mismatches.len().min(3)]
        );
        assert_eq!(check.rows_checked, rows as usize, "{}", check.id);
    }
}

#[test]
fn bill_detail_pages_parse_without_rejects_and_add_up_like_the_l3_bill() {
    let rows = 5_000;
    let (bytes, generated) = generate(bill_json, rows, 7);
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(text.starts_with("[{\"Response\":{\"Context\":\"ctx-7-0\",\"DetailSet\":[{"));
    assert!(text.contains("\"ProjectId\":100"), "a number field");
    assert!(
        text.contains("\"ComponentConfig\":[{\"Name\":"),
        "name/value pairs"
    );

    let files = parse_file("bill.json", &bytes);
    let file = &files[0];
    assert_eq!(
        file.kind,
        InputKind::ApiResponse(tcbill_core::ApiAction::DescribeBillDetail)
    );
    assert_eq!((file.rows_accepted(), file.rows_rejected), (rows, 0));
    assert!(
        file.diagnostics.is_empty(),
        "{:?}",
        &file.diagnostics[..file.diagnostics.len().min(5)]
    );
    let mut tag_keys: Vec<&str> = file.table.tag_keys().collect();
    tag_keys.sort_unstable();
    assert_eq!(tag_keys, ["cost-center", "env", "team"]);

    let mut dataset = Dataset::new();
    dataset.add(files);
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(
        report.cost.currencies.len(),
        1,
        "generated pages are in yuan only"
    );
    let total = report.cost.currencies[0]
        .total
        .real_total_cost
        .expect("a total");
    assert_eq!(
        Some(total.normalize().to_string()),
        generated.real_total_cost
    );
    for check in &report.checks[..3] {
        assert_eq!(check.status, CheckStatus::Ok, "{}", check.id);
        assert_eq!(check.rows_checked, rows as usize, "{}", check.id);
    }
}

#[test]
fn deduction_details_chain_and_their_coefficients_hold() {
    let rows = 20_000;
    let (bytes, _) = generate(deductions, rows, 7);
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(
        text.contains("\"20,000.000000000分钟\""),
        "console quantities"
    );
    let files = parse_file("deductions.csv", &bytes);
    assert_eq!(files[0].kind, InputKind::DeductionDetails);
    assert_eq!(
        (files[0].rows_accepted(), files[0].rows_rejected),
        (rows, 0)
    );
    assert!(
        files[0].diagnostics.is_empty(),
        "{:?}",
        &files[0].diagnostics[..files[0].diagnostics.len().min(5)]
    );
    let mut dataset = Dataset::new();
    dataset.add(files);
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.deductions.analysis.rows.len(), rows as usize);
    assert!(
        report.deductions.analysis.balance_breaks.is_empty(),
        "{:?}",
        &report.deductions.analysis.balance_breaks[..1]
    );
    assert!(report.deductions.coefficient_mismatches.is_empty());
}

#[test]
fn usage_points_parse_without_rejects() {
    let rows = 20_000;
    let (bytes, _) = generate(usage, rows, 7);
    let files = parse_file("usage.csv", &bytes);
    assert_eq!(files[0].kind, InputKind::UsageDetails);
    assert_eq!(
        (files[0].rows_accepted(), files[0].rows_rejected),
        (rows, 0)
    );
    let mut dataset = Dataset::new();
    dataset.add(files);
    assert_eq!(dataset.row_count(TableKind::UsageDetails), rows as usize);
}

/// The twelve-month benchmark's bills: each month's rows are in that month (账单月份 and times,
/// February's 28 days included), and two months of one seed share no transaction, so none is
/// counted as another's duplicate.
#[test]
fn a_year_of_monthly_l3_bills_is_twelve_months_without_duplicates() {
    let mut dataset = Dataset::new();
    let mut expected_rows = 0;
    for month in 1..=12 {
        let mut bytes = Vec::new();
        write_l3_month(300, 7, (2025, month), &mut bytes).expect("writing to a Vec");
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        let month_text = format!("2025-{month:02}");
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 300);
        assert!(rows
            .iter()
            .all(|row| row.starts_with(&format!("{month_text},"))));
        // 开始使用时间 of the last row (row 299 of 300, so hour 299/300 of the month): the
        // month's last day.
        let last_day = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
        let last_start = format!(",{month_text}-{last_day} ");
        assert!(rows.last().unwrap().contains(&last_start), "{month_text}");
        dataset.add(parse_file(&format!("{month_text}.csv"), &bytes));
        expected_rows += 300;
    }
    let report = Report::build(&dataset, &ReportOptions::default());
    assert_eq!(report.cost.row_count, expected_rows);
    assert!(report.duplicates.is_empty(), "{:?}", report.duplicates);
    let periods: Vec<String> = report.cost.currencies[0]
        .periods
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(periods.len(), 12);
    assert_eq!(
        (periods[0].as_str(), periods[11].as_str()),
        ("2025-01", "2025-12")
    );
    let mut bad = Vec::new();
    assert!(write_l3_month(1, 7, (2025, 13), &mut bad).is_err());
}
