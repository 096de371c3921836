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

use yew::prelude::*;

/// An exact decimal string as the report has it, or `—` where the measure is absent.
pub fn amount(value: &Option<String>) -> Html {
    html! { <>{ value.as_deref().unwrap_or("—") }</> }
}
