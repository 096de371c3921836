//! The "Fetch from API" form: where the signing proxy is, which month, which data. The pull
//! itself runs in the worker; each action then shows in the Files table like a dropped file.

use web_sys::{FormData, HtmlFormElement, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{Lang, Strings};

/// What the user asked to pull.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchForm {
    pub proxy_url: String,
    pub token: Option<String>,
    /// `yyyy-mm`.
    pub month: String,
    pub actions: Vec<String>,
}

/// A string of [`Strings`].
type Label = fn(&Strings) -> &'static str;

/// The actions offered, each with its label and whether it starts ticked. Cost details are off
/// by default: they exist only once the consumption bill is enabled for the account.
const ACTIONS: [(&str, Label, bool); 6] = [
    ("DescribeBillSummaryByProduct", |t| t.summary_by_product, true),
    ("DescribeBillSummaryByRegion", |t| t.summary_by_region, true),
    ("DescribeBillSummaryByPayMode", |t| t.summary_by_pay_mode, true),
    ("DescribeBillSummaryByProject", |t| t.summary_by_project, true),
    ("DescribeBillDetail", |t| t.bill_details, true),
    ("DescribeCostDetail", |t| t.cost_details, false),
];

#[derive(Properties, PartialEq)]
pub struct FetchPanelProps {
    pub on_fetch: Callback<FetchForm>,
    pub on_download: Callback<MouseEvent>,
    /// Whether anything was pulled, so there is something to download.
    pub has_fetched: bool,
}

#[component]
pub fn FetchPanel(props: &FetchPanelProps) -> Html {
    let text = use_context::<Lang>().unwrap_or(Lang::En).strings();
    let on_submit = props.on_fetch.reform(|event: SubmitEvent| {
        event.prevent_default();
        let form: HtmlFormElement = event.target_unchecked_into();
        read_form(&form)
    });
    // Yew writes `value` on every render, so the typed values live in state, or a re-render (a
    // page of data arriving) would put the defaults back.
    let proxy_url = use_state(|| web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default());
    let month = use_state(previous_month);
    let ticked = use_state(|| ACTIONS.iter().filter(|(_, _, on)| *on).map(|(action, _, _)| *action).collect::<Vec<_>>());
    let toggle = |action: &'static str| {
        let ticked = ticked.clone();
        Callback::from(move |event: Event| {
            let on = event.target_unchecked_into::<HtmlInputElement>().checked();
            let mut next: Vec<&str> = ticked.iter().copied().filter(|a| *a != action).collect();
            if on {
                next.push(action);
            }
            ticked.set(next);
        })
    };
    let keep = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <form class="fetch-panel" aria-labelledby="fetch-title" onsubmit={on_submit}>
            <h2 id="fetch-title">{ text.fetch_title }</h2>
            <p class="muted">{ text.fetch_hint }</p>
            <p>
                <label>{ text.proxy_url }{ " " }<input type="url" name="proxy_url" required=true value={(*proxy_url).clone()} oninput={keep(&proxy_url)} /></label>
                { " " }
                <label>{ text.access_token }{ " " }<input type="password" name="token" autocomplete="off" /></label>
                { " " }
                <label>{ text.month }{ " " }<input type="month" name="month" required=true value={(*month).clone()} oninput={keep(&month)} /></label>
            </p>
            <fieldset>
                <legend>{ text.data_to_fetch }</legend>
                { for ACTIONS.iter().map(|(action, label, _)| html! {
                    <label>
                        <input type="checkbox" name="action" value={*action} checked={ticked.contains(action)}
                            onchange={toggle(action)} />
                        { label(text) }{ " " }
                    </label>
                }) }
            </fieldset>
            <div class="actions">
                <button type="submit" class="button">{ text.fetch }</button>
                { " " }
                if props.has_fetched {
                    <button type="button" class="button secondary" onclick={props.on_download.clone()}>
                        { text.download_fetched }
                    </button>
                }
            </div>
        </form>
    }
}

fn read_form(form: &HtmlFormElement) -> FetchForm {
    let data = FormData::new_with_form(form).expect("FormData of a form");
    let field = |name: &str| data.get(name).as_string().unwrap_or_default().trim().to_owned();
    let token = field("token");
    FetchForm {
        proxy_url: field("proxy_url"),
        token: (!token.is_empty()).then_some(token),
        month: field("month"),
        actions: data.get_all("action").iter().filter_map(|value| value.as_string()).collect(),
    }
}

/// The last complete month, `yyyy-mm`: the current month's bill is still growing.
fn previous_month() -> String {
    let now = js_sys::Date::new_0();
    let (year, month) = match now.get_month() {
        0 => (now.get_full_year() - 1, 12),
        zero_based => (now.get_full_year(), zero_based),
    };
    format!("{year:04}-{month:02}")
}
