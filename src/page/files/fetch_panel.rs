//! The "Fetch from API" form: where the signing proxy is, which months or days, which data. The
//! pull itself runs in the worker; each action and month shows here while it is fetched, or with
//! why it failed, and once parsed in the Files table like a dropped file ([`tcbill_core::api::plan`]
//! decides the entries). Folded until opened: most users drop files.

use web_sys::{FormData, HtmlFormElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::page::files::file_table::format_count;
use crate::page::i18n::{Lang, Strings};
use crate::page::state::loaded_files::{FileStatus, LoadedFile};
use crate::protocol::{FetchFailure, FileId};
use tcbill_core::api::{
    self,
    plan::{plan, Choice, Day, Entry},
};

/// What the user asked to pull.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchForm {
    pub proxy_url: String,
    pub token: Option<String>,
    pub entries: Vec<Entry>,
}

const BY_TAG: &str = "DescribeBillSummaryByTag";
const USAGE: &str = "DescribeDosageDetailByDate";

/// An action's label in the form; an action without one is shown by its API name.
fn label(text: &Strings, action: &'static str) -> &'static str {
    match action {
        "DescribeBillSummaryByProduct" => text.summary_by_product,
        "DescribeBillSummaryByRegion" => text.summary_by_region,
        "DescribeBillSummaryByPayMode" => text.summary_by_pay_mode,
        "DescribeBillSummaryByProject" => text.summary_by_project,
        BY_TAG => text.summary_by_tag,
        "DescribeBillDetail" => text.bill_details,
        "DescribeCostDetail" => text.cost_details,
        USAGE => text.usage_by_date,
        other => other,
    }
}

/// Whether an offered action starts ticked. Cost details are off by default: they exist only once
/// the consumption bill is enabled for the account. The tag summary and usage need a tag key or a
/// product first.
fn ticked_at_first(action: &str) -> bool {
    !matches!(action, BY_TAG | "DescribeCostDetail" | USAGE)
}

/// `DescribeDosageDetailByDate`'s product codes, the only ones it accepts (reference §6.2).
const PRODUCTS: [(&str, &str, &str); 12] = [
    ("102383", "CDN静态加速流量(国内)", "CDN static acceleration traffic (Chinese mainland)"),
    ("102384", "CDN静态加速带宽(国内)", "CDN static acceleration bandwidth (Chinese mainland)"),
    ("102385", "CDN静态加速流量(海外)", "CDN static acceleration traffic (outside the mainland)"),
    ("102386", "CDN静态加速带宽(海外)", "CDN static acceleration bandwidth (outside the mainland)"),
    ("100967", "弹性公网IP-按流量计费", "Elastic IP, billed by traffic"),
    ("101065", "公网负载均衡-按流量计费", "Public CLB, billed by traffic"),
    ("10226", "视频直播流量(国内)", "Live streaming traffic (Chinese mainland)"),
    ("10227", "视频直播带宽(国内)", "Live streaming bandwidth (Chinese mainland)"),
    ("100763", "视频直播流量(海外)", "Live streaming traffic (outside the mainland)"),
    ("100762", "视频直播带宽(海外)", "Live streaming bandwidth (outside the mainland)"),
    ("10194", "互动直播-核心机房", "Interactive live streaming, core sites"),
    ("10195", "互动直播-边缘机房", "Interactive live streaming, edge sites"),
];

#[derive(Properties, PartialEq)]
pub struct FetchPanelProps {
    pub on_fetch: Callback<FetchForm>,
    pub on_download: Callback<MouseEvent>,
    /// Whether anything was pulled, so there is something to download.
    pub has_fetched: bool,
    /// The entries of the last pull still being fetched or failed.
    pub pulls: Vec<LoadedFile>,
    /// Why the last pull stopped early, if it did.
    pub stopped: Option<FetchFailure>,
    pub on_cancel: Callback<FileId>,
}

#[component]
pub fn FetchPanel(props: &FetchPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let text = lang.strings();
    let on_submit = {
        let on_fetch = props.on_fetch.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(form) = read_form(&event.target_unchecked_into()) {
                on_fetch.emit(form);
            }
        })
    };
    // Yew writes `value` on every render, so the typed values live in state, or a re-render (a
    // page of data arriving) would put the defaults back.
    let proxy_url = use_state(|| web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default());
    let by_day = use_state(|| false);
    let from = use_state(previous_month);
    let to = use_state(previous_month);
    let ticked =
        use_state(|| api::pulled().map(|action| action.name).filter(|name| ticked_at_first(name)).collect::<Vec<_>>());
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
    // Switching between months and days keeps the range: a month becomes its first or last day.
    let on_unit = {
        let (by_day, from, to) = (by_day.clone(), from.clone(), to.clone());
        Callback::from(move |event: Event| {
            let days = event.target_unchecked_into::<HtmlSelectElement>().value() == "day";
            if days == *by_day {
                return;
            }
            let (first, last) = if days {
                (
                    Day::month_start(&from).map(|d| d.to_string()),
                    Day::month_start(&to).map(|d| d.month_end().to_string()),
                )
            } else {
                (Day::parse(&from).map(Day::month_text), Day::parse(&to).map(Day::month_text))
            };
            from.set(first.unwrap_or_default());
            to.set(last.unwrap_or_default());
            by_day.set(days);
        })
    };
    let range_type = if *by_day { "date" } else { "month" };
    let extra = |action: &str| match action {
        BY_TAG if ticked.contains(&BY_TAG) => html! {
            <label>{ text.tag_key }{ " " }<input type="text" name="tag_key" required=true /></label>
        },
        USAGE if ticked.contains(&USAGE) => html! {
            <>
                <label>{ text.product_code }{ " " }
                    <select name="product_code">
                        { for PRODUCTS.iter().map(|(code, zh, en)| html! {
                            <option value={*code}>{ format!("{code} {}", if lang == Lang::Zh { zh } else { en }) }</option>
                        }) }
                    </select>
                </label>
                { " " }
                <label>{ text.domain }{ " " }<input type="text" name="domain" /></label>
                { " " }
                <label>{ text.instance }{ " " }<input type="text" name="instance" /></label>
            </>
        },
        _ => html! {},
    };
    html! {
        <details class="fetch-panel">
        <summary id="fetch-title">{ text.fetch_title }</summary>
        <form aria-labelledby="fetch-title" onsubmit={on_submit}>
            <p class="muted">{ text.fetch_hint }</p>
            <p>
                <label>{ text.proxy_url }{ " " }<input type="url" name="proxy_url" required=true value={(*proxy_url).clone()} oninput={keep(&proxy_url)} /></label>
                { " " }
                <label>{ text.access_token }{ " " }<input type="password" name="token" autocomplete="off" /></label>
            </p>
            <p>
                <label>{ text.range_by }{ " " }
                    <select name="unit" onchange={on_unit}>
                        <option value="month" selected={!*by_day}>{ text.range_months }</option>
                        <option value="day" selected={*by_day}>{ text.range_days }</option>
                    </select>
                </label>
                { " " }
                <label>{ text.from }{ " " }<input type={range_type} name="from" required=true value={(*from).clone()} oninput={keep(&from)} /></label>
                { " " }
                <label>{ text.to }{ " " }<input type={range_type} name="to" required=true min={(*from).clone()} value={(*to).clone()} oninput={keep(&to)} /></label>
            </p>
            <fieldset>
                <legend>{ text.data_to_fetch }</legend>
                { for api::pulled().map(|action| action.name).map(|action| html! {
                    <>
                        <label>
                            <input type="checkbox" name="action" value={action} checked={ticked.contains(&action)}
                                onchange={toggle(action)} />
                            { label(text, action) }{ " " }
                        </label>
                        { extra(action) }
                    </>
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
        if let Some(failure) = &props.stopped {
            <p class="error" role="alert">{ failure_text(failure, text) }</p>
        }
        if !props.pulls.is_empty() {
            <ul class="pulls">
                { for props.pulls.iter().map(|pull| pull_item(pull, &props.on_cancel, text)) }
            </ul>
        }
        </details>
    }
}

/// One entry of the pull: its progress with a cancel button, or why it failed.
fn pull_item(pull: &LoadedFile, on_cancel: &Callback<FileId>, text: &Strings) -> Html {
    let id = pull.id;
    let status = match &pull.status {
        FileStatus::Fetching { rows_read } => html! {
            <>
                <progress aria-label={format!("{} {}", text.fetching, pull.name)} />
                <span class="pending">{ format!(" {} {} ", format_count(*rows_read), text.rows) }</span>
                <button type="button" class="link-button" onclick={on_cancel.reform(move |_: MouseEvent| id)}
                    aria-label={format!("{} {}", text.cancel, pull.name)}>{ text.cancel }</button>
            </>
        },
        FileStatus::FetchFailed(failure) => html! { <span class="error">{ failure_text(failure, text) }</span> },
        _ => Html::default(),
    };
    html! { <li key={id}><span class="file-name">{ &pull.name }</span>{ ": " }{ status }</li> }
}

/// Why a pull or one of its entries gave no data, in the page's language.
fn failure_text(failure: &FetchFailure, text: &Strings) -> String {
    match failure {
        FetchFailure::NotReady => text.not_ready.to_owned(),
        FetchFailure::Api { code, message, request_id } => (text.api_error)(code, message, request_id),
        FetchFailure::Refused(refusal) => (text.proxy_refused)(refusal),
        FetchFailure::NoProxy { url, command } => (text.no_proxy)(url, command),
        FetchFailure::NotProxy(detail) => format!("{}: {detail}", text.not_proxy),
    }
}

/// The form's entries, or `None` when the range does not read (the browser checks the inputs first).
fn read_form(form: &HtmlFormElement) -> Option<FetchForm> {
    let data = FormData::new_with_form(form).expect("FormData of a form");
    let field = |name: &str| data.get(name).as_string().unwrap_or_default().trim().to_owned();
    let (from, to) = match field("unit").as_str() {
        "day" => (Day::parse(&field("from"))?, Day::parse(&field("to"))?),
        _ => (Day::month_start(&field("from"))?, Day::month_start(&field("to"))?.month_end()),
    };
    let pair = |key: &str, value: String| (key.to_owned(), value);
    let choices: Vec<Choice> = data
        .get_all("action")
        .iter()
        .filter_map(|value| value.as_string())
        .map(|action| {
            let params = match action.as_str() {
                BY_TAG => vec![pair("TagKey", field("tag_key"))],
                // `Domain` is required, empty for products other than CDN.
                USAGE => std::iter::once(pair("ProductCode", field("product_code")))
                    .chain([pair("Domain", field("domain"))])
                    .chain(Some(field("instance")).filter(|id| !id.is_empty()).map(|id| pair("InstanceID", id)))
                    .collect(),
                _ => vec![],
            };
            Choice { action, params }
        })
        .collect();
    let token = field("token");
    Some(FetchForm {
        proxy_url: field("proxy_url"),
        token: (!token.is_empty()).then_some(token),
        entries: plan(&choices, from, to),
    })
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
