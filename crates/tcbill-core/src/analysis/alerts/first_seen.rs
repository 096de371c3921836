//! The first day a product, a region or an instance type has spend.
//!
//! A series' first day with a cost sum above zero fires when it is later than the first day its
//! currency's rows cover: what was there from the start of the loaded files is not new. The
//! amount is that day's cost, expected 0.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::daily::{day_of, DailyCosts, Found};
use super::{AlertKind, Dimension};
use crate::analysis::compare::tidy;

const FIRST_SEEN_DIMENSIONS: [Dimension; 3] = [
    Dimension::Product,
    Dimension::Region,
    Dimension::InstanceType,
];

pub(super) fn first_appearances(daily: &DailyCosts) -> Vec<Found> {
    let mut found = Vec::new();
    for (series, costs) in &daily.series {
        if !FIRST_SEEN_DIMENSIONS.contains(&series.dimension) {
            continue;
        }
        let Some(&first_covered) = daily
            .coverage
            .get(&series.currency)
            .and_then(BTreeSet::first)
        else {
            continue;
        };
        let first_spend = costs.iter().find(|(_, cost)| **cost > Decimal::ZERO);
        let Some((&day, &cost)) = first_spend.filter(|(&day, _)| day > first_covered) else {
            continue;
        };
        let label = daily.label(series);
        found.push(Found {
            kind: AlertKind::FirstAppearance,
            message: format!(
                "{} {label} first has spend on {}: {} {} (the loaded rows start on {})",
                series.dimension.as_str(),
                day_of(day),
                tidy(cost),
                series.currency,
                day_of(first_covered),
            ),
            series: series.clone(),
            subject: label,
            day,
            amount: cost,
            expected: Decimal::ZERO,
            threshold: None,
        });
    }
    found
}
