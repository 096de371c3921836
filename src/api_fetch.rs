//! Pulling billing data through the signing proxy, from the worker.
//!
//! An action's pages are kept exactly as the API returned them and joined into one JSON array of
//! pages, which core parses like a dropped file: the analyses cannot tell a pull from an export,
//! and the same bytes can be saved and re-opened offline. Which requests an entry takes is
//! [`crate::fetch_plan`]'s decision.

use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response, WorkerGlobalScope};

use crate::fetch_plan::{paging, request_bodies, Entry, Paging};
use crate::protocol::FetchFailure;

/// Where the signing proxy listens, and the access token it may require.
pub struct Proxy {
    pub url: String,
    pub token: Option<String>,
}

/// Every page of `entry` (each of its usage windows is one page), as JSON text. `on_page(bytes,
/// rows)` hears the totals so far after each page and returns `false` to stop, which gives `Ok(None)`.
pub async fn fetch_entry(
    proxy: &Proxy,
    entry: &Entry,
    on_page: &dyn Fn(u64, u64) -> bool,
) -> Result<Option<Vec<String>>, FetchFailure> {
    let (Some(paging), Some(bodies)) = (paging(&entry.action), request_bodies(entry)) else {
        return Err(FetchFailure::Network(format!("{} is not an action tcbill pulls", entry.action)));
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
        let text = self
            .post(action, &body.to_string())
            .await
            .map_err(|err| FetchFailure::Network(err.as_string().unwrap_or_else(|| format!("{err:?}"))))?;
        let document: Value = serde_json::from_str(&text)
            .map_err(|_| FetchFailure::Network(format!("{action}: the proxy did not answer with JSON")))?;
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

    async fn post(&self, action: &str, body: &str) -> Result<String, JsValue> {
        let headers = Headers::new()?;
        headers.set("Content-Type", "application/json")?;
        if let Some(token) = &self.token {
            headers.set("Authorization", &format!("Bearer {token}"))?;
        }
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.into());
        let url = format!("{}/api/{action}", self.url.trim_end_matches('/'));
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let response: Response = JsFuture::from(scope.fetch_with_str_and_init(&url, &init)).await?.unchecked_into();
        let text = JsFuture::from(response.text()?).await?;
        Ok(text.as_string().unwrap_or_default())
    }
}
