//! The allocation gap: charges that no value of a cost-allocation tag key assigns to anyone.
//!
//! For each tag key checked (those asked for, else every `标签键:` column of the cost rows), per
//! currency: the rows with a cost above 0 (charges; a refund is none) and no value for the key (an empty or `-` cell, or
//! a file without the column). The amount is their cost (`RealTotalCost`, else `TotalCost`),
//! expected 0, the period their billing months; the message counts their resources.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;

use super::{cite, Alert, AlertKind, AlertOptions, Dimension, FoundRows};
use crate::analysis::compare::{tidy, Period};
use crate::analysis::cost::{cost_column, cost_rows, cost_tables};
use crate::analysis::currency::{CostRowReader, Currency, Month};
use crate::analysis::fixed::DecimalAdder;
use crate::dataset::Dataset;
use crate::model::table::{DecimalColumn, Symbol, TextColumn};

/// The tag keys to check: the options', else every tag key of the cost tables, sorted.
pub(super) fn tag_keys(dataset: &Dataset, options: &AlertOptions) -> Vec<String> {
    let mut keys: BTreeSet<String> = match &options.tag_keys {
        Some(keys) => keys.iter().cloned().collect(),
        None => cost_tables(dataset)
            .flat_map(|(_, table)| table.tag_keys().map(str::to_owned))
            .collect(),
    };
    keys.retain(|key| !key.is_empty());
    keys.into_iter().collect()
}

#[derive(Default)]
struct Gap<'a> {
    rows: FoundRows,
    cost: Decimal,
    resources: BTreeSet<&'a str>,
    months: BTreeSet<Month>,
}

/// One table's part of a [`Gap`]: its resources as symbols and its months as they come (rows
/// come in time order), spelled and joined to the gap once per table rather than per row.
struct TableGap {
    key: usize,
    currency: Currency,
    rows: FoundRows,
    cost: DecimalAdder,
    resources: FxHashSet<Symbol>,
    months: BTreeSet<Month>,
}

pub(super) fn allocation_gaps(dataset: &Dataset, tag_keys: &[String]) -> Vec<Alert> {
    let mut gaps: BTreeMap<(&str, Currency), Gap> = BTreeMap::new();
    for (index, table) in cost_tables(dataset) {
        let reader = CostRowReader::new(table);
        let cost = cost_column(table);
        let resources = table.text_column("ResourceId");
        let values: Vec<Option<&TextColumn>> = tag_keys
            .iter()
            .map(|key| table.text_column(&format!("Tag:{key}")))
            .collect();
        // A row's cost, currency, month and resource are read once for every key. Its cost is
        // added in integers (`DecimalAdder`), as a decimal only from a column of 16-byte ones.
        let wide = cost.is_some_and(DecimalColumn::is_wide);
        let mut table_gaps: Vec<TableGap> = Vec::new();
        for row in cost_rows(dataset, index) {
            let Some(amount) = cost.and_then(|column| column.parts(row)) else {
                continue;
            };
            // A charge: a cost above 0.
            if amount.0 <= 0 {
                continue;
            }
            let mut currency = None;
            for (key, values) in values.iter().enumerate() {
                if values.and_then(|column| column.get(row)).is_some() {
                    continue;
                }
                let currency = *currency.get_or_insert_with(|| reader.currency(row));
                let at = table_gaps
                    .iter()
                    .position(|gap| gap.key == key && gap.currency == currency)
                    .unwrap_or_else(|| {
                        table_gaps.push(TableGap {
                            key,
                            currency,
                            rows: FoundRows::default(),
                            cost: DecimalAdder::default(),
                            resources: FxHashSet::default(),
                            months: BTreeSet::new(),
                        });
                        table_gaps.len() - 1
                    });
                let gap = &mut table_gaps[at];
                gap.rows.push((index, row));
                match (wide, cost) {
                    (true, Some(column)) => {
                        gap.cost.add_decimal(column.get(row).unwrap_or_default())
                    }
                    _ => gap.cost.add(amount),
                }
                if let Some(resource) = resources.and_then(|column| column.get(row)) {
                    gap.resources.insert(resource);
                }
                if let Some(month) = reader.month(row) {
                    if gap.months.last() != Some(&month) {
                        gap.months.insert(month);
                    }
                }
            }
        }
        for table_gap in table_gaps {
            let gap = gaps
                .entry((tag_keys[table_gap.key].as_str(), table_gap.currency))
                .or_default();
            gap.rows.append(table_gap.rows);
            gap.cost += table_gap.cost.total();
            let spelled = table_gap.resources.into_iter();
            gap.resources
                .extend(spelled.map(|resource| table.resolve(resource)));
            gap.months.extend(table_gap.months);
        }
    }
    gaps.into_iter()
        .map(|((key, currency), gap)| {
            let period = gap
                .months
                .first()
                .zip(gap.months.last())
                .map(|(&first, &last)| Period::Months(first, last));
            Alert {
                kind: AlertKind::AllocationGap,
                dimension: Dimension::Tag,
                subject: key.to_owned(),
                period,
                currency: Some(currency),
                amount: Some(tidy(gap.cost)),
                expected: Some(tidy(Decimal::ZERO)),
                threshold: None,
                quantity: None,
                unit: None,
                excess: Some(tidy(gap.cost)),
                message: format!(
                    "{} {currency} in {} rows of {} resources has no value for tag {key}",
                    tidy(gap.cost),
                    gap.rows.count,
                    gap.resources.len()
                ),
                row_count: gap.rows.count,
                rows: cite(dataset, &gap.rows.first),
            }
        })
        .collect()
}
