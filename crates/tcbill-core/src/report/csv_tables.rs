//! The report as CSV: each table of [`Report`] (UTF-8 with a BOM, CRLF, for spreadsheets), all of
//! them in one ZIP, and the one CSV writer every CSV tcbill writes goes through.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::{DeductionReport, Report};
use crate::analysis::alerts::Alerts;
use crate::analysis::checks::Check;
use crate::analysis::compare::{Change, Comparison, Parts};
use crate::analysis::cost::{Measure, Summary};
use crate::analysis::deductions::{BreakType, CoefficientCheck};
use crate::analysis::RowRef;

/// One table of the report for CSV export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvTable {
    /// A file-name stem: `cost-product`, `deductions`, `checks`.
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// RFC 4180 CSV with CRLF line ends, UTF-8 with a BOM.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut csv = csv_writer("\u{feff}".into(), LineEnd::CrLf);
        for record in std::iter::once(&self.header).chain(&self.rows) {
            csv.write_record(record).expect("writing to memory");
        }
        csv.into_inner().expect("writing to memory")
    }
}

/// How a CSV file ends its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    /// `\n`: FOCUS files, read by data tools.
    Lf,
    /// `\r\n`: report tables, opened in spreadsheets.
    CrLf,
}

/// A CSV writer into `out` (after whatever it already holds): RFC 4180 fields, quoted only when
/// they have to be, each record ended by `line_end`, records of any width. Every CSV tcbill
/// writes goes through it, so they all quote alike.
pub fn csv_writer(out: Vec<u8>, line_end: LineEnd) -> csv::Writer<Vec<u8>> {
    let terminator = match line_end {
        LineEnd::Lf => csv::Terminator::Any(b'\n'),
        LineEnd::CrLf => csv::Terminator::CRLF,
    };
    csv::WriterBuilder::new()
        .terminator(terminator)
        .flexible(true)
        .from_writer(out)
}

impl Report {
    /// The rows behind one failed check, `checks-<id>`: a check of [`Report::checks`] by its id,
    /// or `deductions` for the balance breaks and 抵扣系数 mismatches. `None` for an unknown id.
    pub fn findings_table(&self, id: &str) -> Option<CsvTable> {
        if id == "deductions" {
            return Some(deduction_findings_table(&self.deductions));
        }
        let check = self.checks.iter().find(|check| check.id == id)?;
        Some(checks_table(
            &format!("checks-{id}"),
            std::slice::from_ref(check),
        ))
    }

    /// Every table of the report, ready for [`CsvTable::to_csv`].
    pub fn csv_tables(&self) -> Vec<CsvTable> {
        let mut tables = vec![
            records_table("inputs", &self.inputs),
            records_table("duplicates", &self.duplicates),
        ];
        tables.extend(self.cost.breakdowns.iter().map(breakdown_table));
        tables.push(records_table("deductions", &self.deductions.analysis.rows));
        tables.push(records_table(
            "balance-breaks",
            &self.deductions.analysis.balance_breaks,
        ));
        tables.push(records_table(
            "period-refreshes",
            &self.deductions.analysis.period_refreshes,
        ));
        tables.push(records_table("packages", &self.packages));
        tables.push(records_table("usage", &self.usage));
        tables.push(checks_table("checks", &self.checks));
        tables.push(alerts_table(&self.alerts));
        tables.extend(self.comparison.as_ref().map(comparison_table));
        tables
    }

    /// Every table of [`Report::csv_tables`] as `NAME.csv` in one ZIP archive: the web app's
    /// "CSV tables" download (a browser saves one file per click, so the tables travel together).
    pub fn csv_zip(&self) -> Vec<u8> {
        let files: Vec<(String, Vec<u8>)> = self
            .csv_tables()
            .iter()
            .map(|table| (format!("{}.csv", table.name), table.to_csv()))
            .collect();
        zip_archive(&files)
    }
}

/// `files` (name, content) as a ZIP archive, each deflated, all dated 1980-01-01 00:00 so the
/// same files give the same bytes. Written here rather than by the zip crate's writer: that writer
/// links zopfli (for levels above 9, chosen at run time), about 15 KiB of the web worker's
/// gzipped download for an archive of a few small files (BENCHMARKS.md, "Initial load"). Names
/// are ASCII and every size is far below 4 GiB (report tables), so no ZIP64 and no flags.
fn zip_archive(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;

    /// DOS date of 1980-01-01 (day 1, month 1, year 0 from 1980); the time 00:00:00 is 0.
    const DOS_DATE: u16 = (1 << 5) | 1;
    const DEFLATED: u16 = 8;
    /// Version 2.0: deflate.
    const VERSION: u16 = 20;

    let size = |len: usize| u32::try_from(len).expect("a report table is far below 4 GiB");
    let mut archive = Vec::new();
    let mut directory = Vec::new();
    for (name, content) in files {
        let mut deflater =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        deflater
            .write_all(content)
            .expect("writing into memory cannot fail");
        let deflated = deflater.finish().expect("writing into memory cannot fail");
        let mut crc = flate2::Crc::new();
        crc.update(content);
        // What the local header and the central directory entry share, from "version needed".
        let mut common = Vec::new();
        for half in [VERSION, 0, DEFLATED, 0, DOS_DATE] {
            common.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc.sum(), size(deflated.len()), size(content.len())] {
            common.extend_from_slice(&word.to_le_bytes());
        }
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra field length

        let offset = size(archive.len());
        archive.extend_from_slice(b"PK\x03\x04");
        archive.extend_from_slice(&common);
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(&deflated);

        directory.extend_from_slice(b"PK\x01\x02");
        directory.extend_from_slice(&VERSION.to_le_bytes()); // version made by
        directory.extend_from_slice(&common);
        // Comment length, disk number, internal and external attributes, then the local header.
        for half in [0u16, 0, 0, 0, 0] {
            directory.extend_from_slice(&half.to_le_bytes());
        }
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_offset = size(archive.len());
    archive.extend_from_slice(&directory);
    let count = u16::try_from(files.len()).expect("a report has a few dozen tables");
    archive.extend_from_slice(b"PK\x05\x06");
    for half in [0, 0, count, count] {
        archive.extend_from_slice(&u16::to_le_bytes(half));
    }
    archive.extend_from_slice(&size(directory.len()).to_le_bytes());
    archive.extend_from_slice(&directory_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes()); // comment length
    archive
}

/// The alerts, `alerts`: one per line in the report's order, money columns empty for checks,
/// a package's quantity and unit where it has them, and the rows cited as `file:place` joined by spaces.
fn alerts_table(alerts: &Alerts) -> CsvTable {
    let header = [
        "kind",
        "dimension",
        "subject",
        "period",
        "currency",
        "amount",
        "expected",
        "threshold",
        "excess",
        "quantity",
        "unit",
        "row_count",
        "message",
        "rows",
    ]
    .map(str::to_owned)
    .to_vec();
    let text = |value: Option<String>| value.unwrap_or_default();
    let decimal = |value: Option<Decimal>| text(value.map(|value| value.to_string()));
    let rows = alerts
        .alerts
        .iter()
        .map(|alert| {
            let cited: Vec<String> = alert
                .rows
                .iter()
                .flat_map(|rows| {
                    rows.places
                        .iter()
                        .map(|place| format!("{}:{place}", rows.file))
                })
                .collect();
            vec![
                alert.kind.as_str().to_owned(),
                alert.dimension.as_str().to_owned(),
                alert.subject.clone(),
                text(alert.period.map(|period| period.to_string())),
                text(alert.currency.map(|currency| currency.to_string())),
                decimal(alert.amount),
                decimal(alert.expected),
                decimal(alert.threshold),
                decimal(alert.excess),
                decimal(alert.quantity),
                text(alert.unit.clone()),
                alert.row_count.to_string(),
                alert.message.clone(),
                cited.join(" "),
            ]
        })
        .collect();
    CsvTable {
        name: "alerts".to_owned(),
        header,
        rows,
    }
}

/// The comparison's drivers, `comparison-drivers`: periods, currency, key, status, rows of each
/// period, then for `RealTotalCost` and `TotalCost` A, B, the change and every part.
pub fn comparison_table(comparison: &Comparison) -> CsvTable {
    let part_names = Parts::default().named().map(|(name, _)| name);
    let mut header: Vec<String> = [
        "period_a",
        "period_b",
        "currency",
        "product",
        "component",
        "resource",
        "status",
        "rows_a",
        "rows_b",
    ]
    .map(str::to_owned)
    .to_vec();
    for measure in ["RealTotalCost", "TotalCost"] {
        header.extend(
            ["a", "b", "change"]
                .iter()
                .chain(&part_names)
                .map(|name| format!("{measure}.{name}")),
        );
    }
    let change_cells = |change: &Option<Change>| -> Vec<String> {
        match change {
            Some(change) => [change.a, change.b, change.change]
                .into_iter()
                .chain(change.parts.named().map(|(_, amount)| amount))
                .map(|amount| amount.to_string())
                .collect(),
            None => vec![String::new(); 3 + part_names.len()],
        }
    };
    let rows = comparison
        .currencies
        .iter()
        .flat_map(|section| {
            section
                .drivers
                .iter()
                .map(|driver| (section.currency, driver))
        })
        .map(|(currency, driver)| {
            let mut row = vec![
                comparison.a.to_string(),
                comparison.b.to_string(),
                currency.to_string(),
                driver.product.clone(),
                driver.component.clone(),
                driver.resource.clone(),
                driver.status.as_str().to_owned(),
                driver.rows_a.to_string(),
                driver.rows_b.to_string(),
            ];
            row.extend(change_cells(&driver.real_total_cost));
            row.extend(change_cells(&driver.total_cost));
            row
        })
        .collect();
    CsvTable {
        name: "comparison-drivers".to_owned(),
        header,
        rows,
    }
}

/// A cost breakdown: the currency, one column per dimension, then the measures and the ratio (a
/// share of the currency's total).
pub fn breakdown_table(summary: &Summary) -> CsvTable {
    let dimension_names: Vec<String> = summary.group_by.iter().map(ToString::to_string).collect();
    let mut header = vec!["currency".to_owned()];
    header.extend(dimension_names.iter().cloned());
    header.extend(
        Measure::ALL
            .iter()
            .map(|measure| measure.api_name().to_owned()),
    );
    header.push("RealTotalCostRatio".to_owned());
    header.push("row_count".to_owned());
    let decimal =
        |value: Option<rust_decimal::Decimal>| value.map_or_else(String::new, |v| v.to_string());
    let rows = summary
        .currencies
        .iter()
        .flat_map(|section| section.groups.iter().map(|group| (section.currency, group)))
        .map(|(currency, group)| {
            let mut row = vec![currency.to_string()];
            row.extend(group.key.iter().cloned());
            row.extend(
                Measure::ALL
                    .iter()
                    .map(|&measure| decimal(group.amounts.get(measure))),
            );
            row.push(decimal(group.real_total_cost_ratio));
            row.push(group.row_count.to_string());
            row
        })
        .collect();
    CsvTable {
        name: format!("cost-{}", dimension_names.join("-").replace(':', "_")),
        header,
        rows,
    }
}

const FINDINGS_HEADER: [&str; 10] = [
    "check",
    "status",
    "finding",
    "file",
    "row",
    "subject",
    "detail",
    "expected",
    "found",
    "difference",
];

/// One row of [`FINDINGS_HEADER`]; `row` is the line (or JSON record) a user opens.
#[allow(clippy::too_many_arguments)]
fn finding_row(
    check: &str,
    status: &str,
    finding_type: &str,
    row: Option<&RowRef>,
    subject: &str,
    detail: &str,
    [expected, found, difference]: [Option<Decimal>; 3],
) -> Vec<String> {
    let decimal = |value: Option<Decimal>| value.map_or_else(String::new, |v| v.to_string());
    vec![
        check.to_owned(),
        status.to_owned(),
        finding_type.to_owned(),
        row.map_or_else(String::new, |row| row.file.clone()),
        row.map_or_else(String::new, RowRef::place),
        subject.to_owned(),
        detail.to_owned(),
        decimal(expected),
        decimal(found),
        decimal(difference),
    ]
}

/// The findings of `checks`, one row each; a check without findings gets one row.
fn checks_table(name: &str, checks: &[Check]) -> CsvTable {
    let mut rows = Vec::new();
    for check in checks {
        let status = serde_json::to_value(check.status)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let findings = check
            .mismatches
            .iter()
            .map(|finding| ("mismatch", finding))
            .chain(
                check
                    .not_checked
                    .iter()
                    .map(|finding| ("not_checked", finding)),
            );
        let mut any = false;
        for (finding_type, finding) in findings {
            any = true;
            rows.push(finding_row(
                check.id,
                &status,
                finding_type,
                finding.row.as_ref(),
                &finding.subject,
                &finding.detail,
                [finding.expected, finding.found, finding.difference],
            ));
        }
        if !any {
            let reason = check.skipped_reason.as_deref().unwrap_or_default();
            rows.push(finding_row(
                check.id, &status, "", None, "", reason, [None; 3],
            ));
        }
    }
    CsvTable {
        name: name.to_owned(),
        header: FINDINGS_HEADER
            .iter()
            .map(|&name| name.to_owned())
            .collect(),
        rows,
    }
}

/// The deduction rows whose balance breaks or whose 抵扣系数 does not match, in the columns of
/// [`checks_table`]: `deduction_balance` (a `row` or `chain` break) and `deduction_coefficient`.
fn deduction_findings_table(deductions: &DeductionReport) -> CsvTable {
    let mut rows: Vec<Vec<String>> = deductions
        .analysis
        .balance_breaks
        .iter()
        .map(|found| {
            let (finding_type, detail) = match found.break_type {
                BreakType::Row => ("row", "抵扣前包剩余量 − 实际抵扣量 ≠ 抵扣后包剩余量"),
                BreakType::Chain => (
                    "chain",
                    "抵扣前包剩余量 ≠ the previous row's 抵扣后包剩余量",
                ),
            };
            finding_row(
                "deduction_balance",
                "mismatches",
                finding_type,
                Some(&found.row),
                &found.package_id,
                detail,
                [
                    Some(found.expected),
                    Some(found.found),
                    Some(found.difference),
                ],
            )
        })
        .collect();
    for row in &deductions.coefficient_mismatches {
        let CoefficientCheck::Mismatch {
            expected_actual_dosage,
            ..
        } = &row.coefficient_check
        else {
            continue;
        };
        let found = row.actual_dosage;
        rows.push(finding_row(
            "deduction_coefficient",
            "mismatches",
            "mismatch",
            Some(&row.source),
            &row.package_id,
            "实际抵扣量 ≠ 原始用量 × 抵扣系数",
            [
                Some(*expected_actual_dosage),
                found,
                found.map(|found| found - expected_actual_dosage),
            ],
        ));
    }
    CsvTable {
        name: "checks-deductions".to_owned(),
        header: FINDINGS_HEADER
            .iter()
            .map(|&name| name.to_owned())
            .collect(),
        rows,
    }
}

/// A table from serialisable records: nested objects become `parent.child` columns (in the
/// order serde_json keeps keys: sorted), lists become JSON text.
fn records_table<T: Serialize>(name: &str, records: &[T]) -> CsvTable {
    let flattened: Vec<Vec<(String, String)>> = records
        .iter()
        .map(|record| {
            let mut cells = Vec::new();
            flatten(
                "",
                &serde_json::to_value(record).unwrap_or(Value::Null),
                &mut cells,
            );
            cells
        })
        .collect();
    let mut header: Vec<String> = Vec::new();
    for cells in &flattened {
        for (column, _) in cells {
            if !header.contains(column) {
                header.push(column.clone());
            }
        }
    }
    let rows = flattened
        .into_iter()
        .map(|cells| {
            header
                .iter()
                .map(|column| {
                    cells
                        .iter()
                        .find(|(name, _)| name == column)
                        .map_or_else(String::new, |(_, value)| value.clone())
                })
                .collect()
        })
        .collect();
    CsvTable {
        name: name.to_owned(),
        header,
        rows,
    }
}

fn flatten(prefix: &str, value: &Value, cells: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let column = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&column, inner, cells);
            }
        }
        Value::Null => cells.push((prefix.to_owned(), String::new())),
        Value::String(text) => cells.push((prefix.to_owned(), text.clone())),
        Value::Array(_) => cells.push((prefix.to_owned(), value.to_string())),
        other => cells.push((prefix.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_have_to_be() {
        let table = CsvTable {
            name: "t".into(),
            header: vec!["plain".into(), "empty".into(), "comma, quote".into()],
            rows: vec![vec![
                "say \"hi\"".into(),
                String::new(),
                "two\nlines\r".into(),
            ]],
        };
        assert_eq!(
            String::from_utf8(table.to_csv()).unwrap(),
            "\u{feff}plain,empty,\"comma, quote\"\r\n\"say \"\"hi\"\"\",,\"two\nlines\r\"\r\n"
        );
    }
}
