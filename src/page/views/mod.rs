//! The analysis views: one module per tab. Each renders part of the report the worker sent.

pub mod chart;
pub mod compare;
pub mod costs;
pub mod filters;
pub mod overview;
pub mod packages;
pub mod row_table;
pub mod time_chart;
pub mod usage;

use rust_decimal::Decimal;
use yew::prelude::*;

/// An exact decimal with the digits the report has, or `—` where the measure is absent.
pub fn amount(value: Option<Decimal>) -> Html {
    html! { <>{ value.map_or_else(|| "—".to_owned(), |value| value.to_string()) }</> }
}
