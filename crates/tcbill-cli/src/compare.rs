//! `tcbill compare`: core's [`compare`] of two periods, as text, JSON or the drivers' CSV.

use std::io::{self, Write};

use rust_decimal::Decimal;
use tcbill_core::analysis::compare::{
    billing_months, compare, default_periods, Change, Comparison, Driver,
};
use tcbill_core::report::comparison_table;
use tcbill_core::Dataset;

use crate::args::CompareArgs;

/// Compares the periods `args` names (else the default ones) and writes what it asks for.
pub fn run(dataset: &Dataset, args: &CompareArgs) -> Result<(), String> {
    let (a, b) = match (args.from, args.to) {
        (Some(a), Some(b)) => (a, b),
        _ => default_periods(dataset).ok_or_else(|| {
            let months: Vec<String> = billing_months(dataset)
                .iter()
                .map(ToString::to_string)
                .collect();
            format!(
                "the cost rows cover fewer than two billing months ({}): give --from and --to",
                if months.is_empty() {
                    "none".to_owned()
                } else {
                    months.join(", ")
                }
            )
        })?,
    };
    let comparison = compare(dataset, a, b);
    if let Some(dir) = &args.csv {
        std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        let table = comparison_table(&comparison);
        let path = dir.join(format!("{}.csv", table.name));
        std::fs::write(&path, table.to_csv())
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    let out = if args.json {
        comparison.to_json()
    } else {
        text(&comparison, args.top)
    };
    io::stdout()
        .write_all(out.as_bytes())
        .map_err(|error| format!("standard output: {error}"))
}

/// What each part is called in the text.
const PART_LABELS: [&str; 10] = [
    "new resources",
    "removed resources",
    "usage",
    "package coverage",
    "price or discount",
    "savings plan",
    "reserved instances",
    "refunds, adjustments",
    "no usage or price",
    "rounding",
];

/// `+1.50`, `-0.25`, `0.00`.
fn signed(amount: Decimal) -> String {
    if amount > Decimal::ZERO {
        format!("+{amount}")
    } else {
        amount.to_string()
    }
}

/// The parts of `change` that are not zero, `label +amount` joined by commas.
fn moved_parts(change: &Change) -> String {
    let parts: Vec<String> = PART_LABELS
        .iter()
        .zip(change.parts.named())
        .filter(|(_, (_, amount))| !amount.is_zero())
        .map(|(label, (_, amount))| format!("{label} {}", signed(amount)))
        .collect();
    if parts.is_empty() {
        "no change".to_owned()
    } else {
        parts.join(", ")
    }
}

fn driver_line(driver: &Driver) -> String {
    let (size, parts) = match (&driver.real_total_cost, &driver.total_cost) {
        (Some(change), _) | (None, Some(change)) => (signed(change.change), moved_parts(change)),
        (None, None) => (String::new(), String::new()),
    };
    format!(
        "    {size:>14}  {} / {} / {} ({}): {parts}",
        driver.product,
        driver.component,
        driver.resource,
        driver.status.as_str()
    )
}

/// The two periods, per currency each part of the change, and the top drivers.
fn text(comparison: &Comparison, top: usize) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("{} → {}", comparison.a, comparison.b));
    if comparison.currencies.is_empty() {
        line("  no cost rows in either period".to_owned());
    }
    for section in &comparison.currencies {
        let rows = format!("{} rows → {} rows", section.rows_a, section.rows_b);
        match &section.real_total_cost {
            Some(change) => {
                line(format!(
                    "{}: RealTotalCost {} → {}, change {} ({rows})",
                    section.currency,
                    change.a,
                    change.b,
                    signed(change.change)
                ));
                for (label, (_, amount)) in PART_LABELS.iter().zip(change.parts.named()) {
                    line(format!("  {label:<22}{:>16}", signed(amount)));
                }
            }
            None => line(format!("{}: ({rows})", section.currency)),
        }
        if let Some(change) = &section.total_cost {
            line(format!(
                "  TotalCost {} → {}, change {}: {}",
                change.a,
                change.b,
                signed(change.change),
                moved_parts(change)
            ));
        }
        if !section.mixed_detail.is_empty() {
            line(format!(
                "  read from bills of different detail ({}): compared by product and resource, \
                 the change not split into usage and price",
                section.mixed_detail.join(", ")
            ));
        }
        let shown = top.min(section.drivers.len());
        line(format!(
            "  top drivers ({shown} of {}):",
            section.driver_count
        ));
        for driver in section.drivers.iter().take(top) {
            line(driver_line(driver));
        }
    }
    out
}
