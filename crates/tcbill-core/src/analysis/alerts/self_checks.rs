//! The checks that already exist, in the same list: each bill self-check with mismatches
//! ([`crate::analysis::checks`]) and each deduction check that failed (a recomputed 抵扣系数 that
//! does not match, a balance that does not chain; [`crate::analysis::deductions`]). They are
//! not money, so an alert of theirs has no currency or amount; `row_count` counts the findings.

use super::{cite, locate, Alert, AlertKind, Dimension};
use crate::analysis::checks::{Check, CheckStatus};
use crate::analysis::deductions::DeductionAnalysis;
use crate::analysis::RowRef;
use crate::dataset::Dataset;

pub(super) fn failures(
    dataset: &Dataset,
    deductions: &DeductionAnalysis,
    checks: &[Check],
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    let mut alert = |kind, subject: &str, message: String, count: usize, refs: Vec<&RowRef>| {
        alerts.push(Alert {
            kind,
            dimension: Dimension::Check,
            subject: subject.to_owned(),
            period: None,
            currency: None,
            amount: None,
            expected: None,
            threshold: None,
            quantity: None,
            unit: None,
            excess: None,
            message,
            row_count: count,
            rows: cite(dataset, &locate(dataset, &refs)),
        });
    };
    for check in checks {
        if check.status != CheckStatus::Mismatches {
            continue;
        }
        let refs = check
            .mismatches
            .iter()
            .filter_map(|finding| finding.row.as_ref())
            .collect();
        alert(
            AlertKind::SelfCheck,
            check.id,
            format!(
                "{} mismatches of {}",
                check.mismatches.len(),
                check.description
            ),
            check.mismatches.len(),
            refs,
        );
    }
    let mismatches: Vec<&RowRef> = deductions
        .coefficient_mismatches()
        .map(|row| &row.source)
        .collect();
    if !mismatches.is_empty() {
        alert(
            AlertKind::DeductionCheck,
            "coefficient",
            format!(
                "{} deduction rows whose 抵扣系数 does not match 实际抵扣量 / 原始用量",
                mismatches.len()
            ),
            mismatches.len(),
            mismatches,
        );
    }
    let breaks: Vec<&RowRef> = deductions
        .balance_breaks
        .iter()
        .map(|found| &found.row)
        .collect();
    if !breaks.is_empty() {
        alert(
            AlertKind::DeductionCheck,
            "balance",
            format!(
                "{} deduction rows whose balance does not add up or chain",
                breaks.len()
            ),
            breaks.len(),
            breaks,
        );
    }
    alerts
}
