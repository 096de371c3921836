//! The cost filters, shared by the Costs and Compare tabs: pick a column, then one of the values
//! the loaded rows have (the worker lists them), and the rows shown narrow to those that pass.
//! Values of one column are alternatives; filters on different columns must all hold.

use tcbill_core::analysis::cost::Dimension;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};

/// A dimension's label: its column's name in the page's language (the console's name in
/// Chinese). Tags are labelled by their key; the currency is not offered here, the page's
/// currency switch picks it.
fn dimension_label(dimension: &Dimension, text: &Strings) -> Option<String> {
    match dimension {
        Dimension::Day => Some(text.dim_day.to_owned()),
        Dimension::Month => Some((text.column)("BillMonth").to_owned()),
        _ => dimension.column().map(|column| (text.column)(column).to_owned()),
    }
}

/// Every dimension rows can be grouped or filtered by, as `(id, label)`: the fixed ones, then a
/// tag per key the loaded files have.
pub fn dimension_options(tag_keys: &[String], text: &Strings) -> Vec<(String, String)> {
    Dimension::FIXED
        .iter()
        .filter_map(|dimension| Some((dimension.to_string(), dimension_label(dimension, text)?)))
        .chain(tag_keys.iter().map(|key| (format!("tag:{key}"), (text.tag_label)(key))))
        .collect()
}

/// The label of option `id`, else the id itself.
pub fn option_label(options: &[(String, String)], id: &str) -> String {
    options.iter().find(|(o, _)| o == id).map_or(id.to_owned(), |(_, label)| label.clone())
}

#[derive(Properties, PartialEq)]
pub struct FilterPanelProps {
    pub tag_keys: Vec<String>,
    /// `(dimension, value)` pairs; see [`crate::protocol::CostFilters`].
    pub filters: Vec<(String, String)>,
    /// The values a new filter can pick, for the dimension named.
    pub filter_values: Option<(String, Vec<String>)>,
    pub on_filters: Callback<Vec<(String, String)>>,
    /// A dimension was chosen for a new filter: its values are wanted.
    pub on_filter_dimension: Callback<String>,
}

#[component]
pub fn FilterPanel(props: &FilterPanelProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    // The new filter being composed: its dimension and value.
    let new_filter = use_state(|| (String::new(), String::new()));
    let options = dimension_options(&props.tag_keys, text);
    let label_of = |id: &str| option_label(&options, id);
    let (dimension, value) = (*new_filter).clone();
    let on_dimension = {
        let (new_filter, on_filter_dimension) = (new_filter.clone(), props.on_filter_dimension.clone());
        Callback::from(move |event: Event| {
            let dimension = event.target_unchecked_into::<HtmlSelectElement>().value();
            new_filter.set((dimension.clone(), String::new()));
            if !dimension.is_empty() {
                on_filter_dimension.emit(dimension);
            }
        })
    };
    let values: &[String] = match &props.filter_values {
        Some((of, values)) if *of == dimension => values,
        _ => &[],
    };
    let on_value = {
        let new_filter = new_filter.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            new_filter.set((new_filter.0.clone(), value));
        })
    };
    // Without a choice, the value shown first (the select's default) is the one added.
    let chosen = if value.is_empty() { values.first().cloned() } else { Some(value.clone()) };
    let add = {
        let (filters, on_filters, new_filter) = (props.filters.clone(), props.on_filters.clone(), new_filter.clone());
        let pair = chosen.clone().map(|value| (dimension.clone(), value));
        Callback::from(move |_: MouseEvent| {
            if let Some(pair) = pair.clone() {
                let mut next = filters.clone();
                if !next.contains(&pair) {
                    next.push(pair);
                }
                on_filters.emit(next);
                new_filter.set((String::new(), String::new()));
            }
        })
    };
    html! {
        <fieldset class="filters">
            <legend>{ text.filters }</legend>
            if !props.filters.is_empty() {
                <ul class="active-filters">
                    { for props.filters.iter().enumerate().map(|(i, (dimension, value))| {
                        let (filters, on_filters) = (props.filters.clone(), props.on_filters.clone());
                        let remove = Callback::from(move |_: MouseEvent| {
                            let mut next = filters.clone();
                            next.remove(i);
                            on_filters.emit(next);
                        });
                        let label = format!("{} = {value}", label_of(dimension));
                        html! {
                            <li class="filter" data-dimension={dimension.clone()}>
                                <span>{ &label }</span>
                                <button type="button" class="remove-filter" onclick={remove}
                                    aria-label={format!("{} {label}", text.remove_filter)}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="controls">
                <label>
                    { text.filter_by }{ " " }
                    <select name="filter-dimension" onchange={on_dimension}>
                        <option value="" selected={dimension.is_empty()}>{ text.choose }</option>
                        { for options.iter().map(|(id, label)| html! {
                            <option value={id.clone()} selected={*id == dimension}>{ label }</option>
                        }) }
                    </select>
                </label>
                <label>
                    { text.filter_value }{ " " }
                    <select name="filter-value" onchange={on_value} disabled={values.is_empty()}>
                        { for values.iter().map(|v| html! { <option value={v.clone()} selected={Some(v) == chosen.as_ref()}>{ v }</option> }) }
                    </select>
                </label>
                <button type="button" class="button secondary" onclick={add} disabled={chosen.is_none()}>{ text.add_filter }</button>
            </div>
        </fieldset>
    }
}
