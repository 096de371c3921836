//! The generated alert month: tcbill-core raises exactly the planted alerts with the generator's
//! amounts, reads every row and passes every check; a clean month raises none.

use tcbill_core::analysis::checks::CheckStatus;
use tcbill_core::{parse_file, Dataset, Report, ReportOptions};
use tcbill_gen::AlertMonth;

fn month_dataset(month: &AlertMonth) -> Dataset {
    let mut dataset = Dataset::new();
    for (index, name) in month.file_names().iter().enumerate() {
        let mut bytes = Vec::new();
        let generated = month.write_file(index, &mut bytes).unwrap();
        let files = parse_file(name, &bytes);
        assert_eq!(files[0].rows_accepted(), generated.rows, "{name}");
        assert_eq!(files[0].rows_rejected, 0, "{name}");
        dataset.add(files);
    }
    dataset
}

/// Each alert as the generator words what it expects.
fn alerts(report: &Report) -> Vec<String> {
    report
        .alerts
        .alerts
        .iter()
        .map(|alert| {
            let show = |value: Option<rust_decimal::Decimal>| value.unwrap().to_string();
            format!(
                "{} {} {} {} {} {} {}",
                alert.kind.as_str(),
                alert.subject,
                alert.period.unwrap(),
                show(alert.amount),
                show(alert.expected),
                show(alert.excess),
                alert.row_count
            )
        })
        .collect()
}

#[test]
fn each_plant_raises_its_alert_with_the_generators_amounts() {
    let month = AlertMonth::new(30, false);
    let report = Report::build(&month_dataset(&month), &ReportOptions::default());
    let expected: Vec<String> = month.expected().iter().map(ToString::to_string).collect();
    assert_eq!(expected.len(), 7);
    assert_eq!(alerts(&report), expected);
    let total = &report.cost.currencies[0].total;
    assert_eq!(
        total.real_total_cost.unwrap(),
        month.real_total_cost().parse().unwrap()
    );
    for check in &report.checks {
        assert_ne!(check.status, CheckStatus::Mismatches, "{}", check.id);
    }
    // The spike cites its one row: day 20 of redis-spike.
    let spike = &report.alerts.alerts[0];
    assert_eq!(spike.threshold, Some("34.50".parse().unwrap()));
    assert_eq!(spike.rows[0].places, ["222"]);
}

#[test]
fn a_clean_month_raises_none() {
    let month = AlertMonth::new(30, true);
    let report = Report::build(&month_dataset(&month), &ReportOptions::default());
    assert_eq!(alerts(&report), Vec::<String>::new());
    assert!(report.alerts.counts.iter().all(|count| count.count == 0));
}

#[test]
fn a_month_cut_before_the_plants_raises_only_the_projected_waste() {
    // Day 10: before the new region (12), the expiry (15) and the spike (20). The package has
    // 300 GB left at 20 GB a day, 5.5 days before it expires after the last deduction (day 10,
    // noon): 190 GB projected unused, at 50.00 / 500 GB.
    let mut options = ReportOptions::default();
    options.alerts.tag_keys = Some(Vec::new());
    let month = AlertMonth::new(10, false);
    let report = Report::build(&month_dataset(&month), &options);
    assert_eq!(
        alerts(&report),
        ["package_waste pkg-cdn-planted 2025-04-15 19.00 0.00 19.00 1"]
    );
}
