//! The cost filters, shared by the Costs and Compare tabs: pick a column, then one of the values
//! the loaded rows have (the worker lists them), and the rows shown narrow to those that pass.
//! Values of one column are alternatives; filters on different columns must all hold.

use tcbill_core::analysis::cost::Dimension;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::page::i18n::{Lang, Strings};
use crate::protocol::CostFilters;

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

/// Every dimension rows can be grouped or filtered by, with its label: the fixed ones, then a
/// tag per key the loaded files have. A `<select>` holds a dimension as its name (`tag:env`), read
/// back by [`selected_dimension`].
pub fn dimension_options(tag_keys: &[String], text: &Strings) -> Vec<(Dimension, String)> {
    Dimension::FIXED
        .iter()
        .filter_map(|dimension| Some((dimension.clone(), dimension_label(dimension, text)?)))
        .chain(tag_keys.iter().map(|key| (Dimension::Tag(key.clone()), (text.tag_label)(key))))
        .collect()
}

/// The label of `dimension` among `options`, else its name.
pub fn option_label(options: &[(Dimension, String)], dimension: &Dimension) -> String {
    options.iter().find(|(o, _)| o == dimension).map_or_else(|| dimension.to_string(), |(_, label)| label.clone())
}

/// The dimension a `<select>` of [`dimension_options`] was changed to; `None` for its empty choice.
pub fn selected_dimension(event: &Event) -> Option<Dimension> {
    event.target_unchecked_into::<HtmlSelectElement>().value().parse().ok()
}

/// The cost filters and what a new one can pick from; the Costs and Compare tabs each pass
/// theirs on whole.
#[derive(Properties, PartialEq, Clone)]
pub struct FilterPanelProps {
    pub tag_keys: Vec<String>,
    pub filters: CostFilters,
    /// The values a new filter can pick, for the dimension named.
    pub filter_values: Option<(Dimension, Vec<String>)>,
    pub on_filters: Callback<CostFilters>,
    /// A dimension was chosen for a new filter: its values are wanted.
    pub on_filter_dimension: Callback<Dimension>,
}

#[component]
pub fn FilterPanel(props: &FilterPanelProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    // The new filter being composed: its dimension and value.
    let new_filter = use_state(|| (None::<Dimension>, String::new()));
    let options = dimension_options(&props.tag_keys, text);
    let label_of = |dimension: &Dimension| option_label(&options, dimension);
    let (dimension, value) = (*new_filter).clone();
    let on_dimension = {
        let (new_filter, on_filter_dimension) = (new_filter.clone(), props.on_filter_dimension.clone());
        Callback::from(move |event: Event| {
            let dimension = selected_dimension(&event);
            new_filter.set((dimension.clone(), String::new()));
            if let Some(dimension) = dimension {
                on_filter_dimension.emit(dimension);
            }
        })
    };
    let values: &[String] = match &props.filter_values {
        Some((of, values)) if Some(of) == dimension.as_ref() => values,
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
        let pair = dimension.clone().zip(chosen.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(pair) = pair.clone() {
                let mut next = filters.clone();
                if !next.contains(&pair) {
                    next.push(pair);
                }
                on_filters.emit(next);
                new_filter.set((None, String::new()));
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
                            <li class="filter" data-dimension={dimension.to_string()}>
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
                        <option value="" selected={dimension.is_none()}>{ text.choose }</option>
                        { for options.iter().map(|(option, label)| html! {
                            <option value={option.to_string()} selected={Some(option) == dimension.as_ref()}>{ label }</option>
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
