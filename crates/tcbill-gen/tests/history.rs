//! The generated history: read by tcbill-core without a rejected row or a failed check, and
//! compared by tcbill-core exactly as the generator, in its own integers, says it must be.

use std::str::FromStr;

use rust_decimal::Decimal;
use tcbill_core::analysis::checks::CheckStatus;
use tcbill_core::analysis::compare::{compare, default_periods, Change};
use tcbill_core::{parse_file, Dataset, Report, ReportOptions};
use tcbill_gen::History;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn history_dataset(history: &History) -> Dataset {
    let mut dataset = Dataset::new();
    for month in 0..history.months() {
        let mut bytes = Vec::new();
        let generated = history.write_month(month, &mut bytes).unwrap();
        let name = format!("{}-明细账单-L3.csv", history.month_name(month));
        let files = parse_file(&name, &bytes);
        assert_eq!(files[0].rows_accepted(), generated.rows, "{name}");
        assert_eq!(files[0].rows_rejected, 0, "{name}");
        dataset.add(files);
    }
    dataset
}

#[test]
fn each_planted_change_is_its_own_part_with_the_generators_amount() {
    let history = History::new(4, 60, 11);
    let dataset = history_dataset(&history);
    let (a, b) = default_periods(&dataset).unwrap();
    assert_eq!(
        (a.to_string(), b.to_string()),
        ("2025-03".into(), "2025-04".into())
    );
    let comparison = compare(&dataset, a, b);
    let [cny] = &comparison.currencies[..] else {
        panic!("one currency")
    };
    let expected = history.expected();
    let total = cny.real_total_cost.as_ref().unwrap();
    assert_eq!((total.a, total.b), (dec(&expected.a), dec(&expected.b)));
    let parts = total.parts.named();
    for (name, amount) in &expected.parts {
        let (_, found) = parts.iter().find(|(part, _)| part == name).unwrap();
        assert_eq!(*found, dec(amount), "{name}");
    }
    for (name, found) in parts {
        if !expected.parts.iter().any(|(part, _)| *part == name) {
            assert_eq!(found, Decimal::ZERO, "{name}");
        }
    }
    assert_eq!(total.parts.sum(), total.change);

    assert_eq!(expected.planted.len(), 6);
    for (resource, part, amount) in &expected.planted {
        let driver = cny
            .drivers
            .iter()
            .find(|driver| &driver.resource == resource)
            .unwrap_or_else(|| panic!("{resource} is no driver"));
        let change: &Change = driver.real_total_cost.as_ref().unwrap();
        let moved: Vec<(&str, Decimal)> = change
            .parts
            .named()
            .into_iter()
            .filter(|(_, amount)| !amount.is_zero())
            .collect();
        assert_eq!(moved, [(*part, dec(amount))], "{resource}");
    }
}

#[test]
fn a_history_passes_the_bills_self_checks() {
    let dataset = history_dataset(&History::new(2, 30, 3));
    let report = Report::build(&dataset, &ReportOptions::default());
    for check in &report.checks {
        assert_ne!(check.status, CheckStatus::Mismatches, "{}", check.id);
    }
    assert!(report.comparison.is_some());
}
