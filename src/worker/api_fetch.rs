//! Pulling billing data through the signing proxy, from the worker.
//!
//! An action's pages are kept exactly as the API returned them and joined into one JSON array of
//! pages, which core parses like a dropped file: the analyses cannot tell a pull from an export,
//! and the same bytes can be saved and re-opened offline. Which requests an entry takes is
//! [`tcbill_core::api::plan`]'s decision; which proxy they go to, [`super::proxy_url`]'s.

use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Headers, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit, RequestMode, RequestRedirect, Response,
    WorkerGlobalScope,
};

use super::proxy_url::{allowed_proxy, AllowedProxy};
use crate::protocol::FetchFailure;
use tcbill_core::api::plan::{request_bodies, Entry};
use tcbill_core::api::{paging, Paging};

/// A signing proxy the worker may call, and the access token it may require.
pub struct Proxy {
    allowed: AllowedProxy,
    page_origin: String,
    token: Option<String>,
}

impl Proxy {
    /// The proxy at `url` if it is loopback or this page's own origin; else why not, before any request.
    pub fn new(url: &str, token: Option<String>) -> Result<Proxy, FetchFailure> {
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let page_origin = scope.location().origin();
        let allowed = allowed_proxy(url, &page_origin).map_err(FetchFailure::Refused)?;
        Ok(Proxy { allowed, page_origin, token })
    }
}

/// Every page of `entry` (each of its usage windows is one page), as JSON text. `on_page(bytes,
/// rows)` hears the totals so far after each page and returns `false` to stop, which gives `Ok(None)`.
pub async fn fetch_entry(
    proxy: &Proxy,
    entry: &Entry,
    on_page: &dyn Fn(u64, u64) -> bool,
) -> Result<Option<Vec<String>>, FetchFailure> {
    let (Some(paging), Some(bodies)) = (paging(&entry.action), request_bodies(entry)) else {
        return Err(FetchFailure::NotProxy(format!("{} is not an action tcbill pulls", entry.action)));
    };
    let (mut pages, mut bytes, mut rows) = (Vec::new(), 0, 0);
    for base in bodies {
        let (mut offset, mut context) = (0, None);
        loop {
            let mut body = Value::Object(base.clone());
            if let Paging::Offset { limit } = paging {
                body["Offset"] = offset.into();
                body["Limit"] = limit.into();
                // DescribeBillDetail's cursor makes later pages of large months faster.
                if let Some(context) = context.take() {
                    body["Context"] = context;
                }
            }
            let (text, inner) = proxy.call(&entry.action, &body).await?;
            let page_rows = page_rows(&inner);
            context = inner.get("Context").filter(|c| c.is_string()).cloned();
            bytes += text.len() as u64;
            rows += page_rows;
            offset += page_rows;
            pages.push(text);
            if !on_page(bytes, rows) {
                return Ok(None);
            }
            match paging {
                Paging::Offset { limit } if page_rows == limit => continue,
                _ => break,
            }
        }
    }
    Ok(Some(pages))
}

/// The rows of one response: bill or cost details, summary lines, or usage points.
fn page_rows(inner: &Value) -> u64 {
    let count = |key: &str| inner.get(key).and_then(Value::as_array).map(Vec::len);
    let points = || {
        let sets = inner.get("DetailSets")?.as_array()?;
        Some(sets.iter().map(|set| set.get("DetailPoints").and_then(Value::as_array).map_or(0, Vec::len)).sum())
    };
    count("DetailSet").or_else(|| count("SummaryOverview")).or_else(points).unwrap_or(0) as u64
}

/// Pages as one JSON array, the form core reads as one file.
pub fn pages_file(pages: &[String]) -> String {
    format!("[{}]", pages.join(",\n"))
}

impl Proxy {
    /// One call: the response text and the object inside `Response`, or why it gave no data.
    async fn call(&self, action: &str, body: &Value) -> Result<(String, Value), FetchFailure> {
        let text = self.post(action, &body.to_string()).await?;
        let document: Value = serde_json::from_str(&text)
            .map_err(|_| FetchFailure::NotProxy(format!("{action}: the answer is not JSON")))?;
        let inner = document.get("Response").cloned().unwrap_or(document);
        if let Some(error) = inner.get("Error") {
            let field = |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or_default().to_owned();
            return Err(FetchFailure::Api {
                code: field(error.get("Code")),
                message: field(error.get("Message")),
                request_id: field(inner.get("RequestId")),
            });
        }
        if inner.get("Ready").and_then(Value::as_i64) == Some(0) {
            return Err(FetchFailure::NotReady);
        }
        Ok((text, inner))
    }

    /// Posts `body` to the action's endpoint with the token and nothing else the browser could add
    /// (no cookies, no referrer, no redirect followed off the checked URL).
    async fn post(&self, action: &str, body: &str) -> Result<String, FetchFailure> {
        let request = self.request(body).map_err(|_| FetchFailure::NotProxy(format!("{action}: no request")))?;
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let url = self.allowed.endpoint(action);
        // fetch rejects only when no HTTP answer arrived (nothing listening, CORS refused, a redirect).
        let response: Response = match JsFuture::from(scope.fetch_with_str_and_init(&url, &request)).await {
            Ok(response) => response.unchecked_into(),
            Err(_) => {
                let (url, command) = (self.allowed.display(), self.allowed.start_command(&self.page_origin));
                return Err(FetchFailure::NoProxy { url, command });
            }
        };
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok().and_then(|text| text.as_string()),
            Err(_) => None,
        };
        text.ok_or_else(|| FetchFailure::NotProxy(format!("{action}: the answer broke off")))
    }

    fn request(&self, body: &str) -> Result<RequestInit, JsValue> {
        let headers = Headers::new()?;
        headers.set("Content-Type", "application/json")?;
        if let Some(token) = &self.token {
            headers.set("Authorization", &format!("Bearer {token}"))?;
        }
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.into());
        init.set_mode(RequestMode::Cors);
        init.set_credentials(RequestCredentials::Omit);
        init.set_redirect(RequestRedirect::Error);
        init.set_referrer_policy(ReferrerPolicy::NoReferrer);
        init.set_cache(RequestCache::NoStore);
        Ok(init)
    }
}
