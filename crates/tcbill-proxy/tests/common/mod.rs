//! A mock Tencent billing endpoint on an ephemeral loopback port, and a proxy pointed at it.
//!
//! The mock checks what the real one checks before answering: the TC3 signature (recomputed from
//! the received headers and body by [`tc3`], an implementation independent of the proxy's
//! signer), the timestamp window, `X-TC-Version`, the session token, the published per-action
//! rate limits and the paging `Limit` maxima. It answers with the official fixture responses,
//! synthetic `DescribeBillDetail` pages, or scripted error envelopes, always as HTTP 200 like
//! Tencent does. It lives only as long as the test's runtime.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod tc3;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use tcbill_proxy::config::{Cli, Config};
use tcbill_proxy::credentials::{Credentials, Secret};
use tokio::net::TcpListener;

pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// Rows in the mock's DescribeBillDetail month.
pub const BILL_ROWS: usize = 7;

pub fn fixture_path(name: &str) -> String {
    format!("{}/../../fixtures/api/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> Bytes {
    Bytes::from(std::fs::read(fixture_path(name)).expect("fixtures/ of the repository"))
}

/// What the mock does instead of answering normally, for the next call.
#[derive(Debug, Clone)]
pub enum Scripted {
    Error(&'static str),
    Stall(Duration),
}

#[derive(Default)]
struct MockState {
    scripted: VecDeque<Scripted>,
    /// `(action, body)` of every request that passed signature verification.
    calls: Vec<(String, Value)>,
    /// Error codes of requests refused by the signature check.
    signature_rejections: Vec<&'static str>,
    recent_sends: HashMap<String, VecDeque<Instant>>,
    rate_violations: usize,
    request_counter: u64,
}

#[derive(Clone)]
pub struct MockBilling {
    pub addr: SocketAddr,
    state: Arc<Mutex<MockState>>,
    expected_token: Option<&'static str>,
    /// The mock's clock minus the real one; its `Date` header and timestamp check use its clock.
    clock_skew_secs: u64,
}

impl MockBilling {
    pub async fn start() -> Self {
        Self::start_with(None, 0).await
    }

    /// `expected_token`: require this `X-TC-Token` (temporary credentials). `clock_skew_secs`: run the
    /// mock's clock this far ahead of the machine's.
    pub async fn start_with(expected_token: Option<&'static str>, clock_skew_secs: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let mock = Self {
            addr: listener.local_addr().expect("local addr"),
            state: Arc::default(),
            expected_token,
            clock_skew_secs,
        };
        let app = Router::new()
            .route("/", post(answer))
            .with_state(mock.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        mock
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn script(&self, steps: impl IntoIterator<Item = Scripted>) {
        self.state.lock().unwrap().scripted.extend(steps);
    }

    pub fn calls(&self) -> Vec<(String, Value)> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn signature_rejections(&self) -> Vec<&'static str> {
        self.state.lock().unwrap().signature_rejections.clone()
    }

    pub fn rate_violations(&self) -> usize {
        self.state.lock().unwrap().rate_violations
    }

    fn error(&self, code: &str) -> Response {
        let request_id = {
            let mut state = self.state.lock().unwrap();
            state.request_counter += 1;
            format!("mock-{}", state.request_counter)
        };
        json_response(json!({
            "Response": {"Error": {"Code": code, "Message": format!("mock billing: {code}")}, "RequestId": request_id}
        }))
    }
}

fn json_response(value: Value) -> Response {
    ([("content-type", "application/json")], value.to_string()).into_response()
}

fn raw_json(bytes: Bytes) -> Response {
    ([("content-type", "application/json")], bytes).into_response()
}

async fn answer(State(mock): State<MockBilling>, headers: HeaderMap, body: Bytes) -> Response {
    let now = SystemTime::now() + Duration::from_secs(mock.clock_skew_secs);
    let mut response = respond(&mock, &headers, &body, now).await;
    let date = httpdate::fmt_http_date(now).parse().expect("HTTP date");
    response.headers_mut().insert("date", date);
    response
}

async fn respond(
    mock: &MockBilling,
    headers: &HeaderMap,
    body: &Bytes,
    now: SystemTime,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    };
    if let Err(code) = verify_signature(headers, body, now) {
        mock.state.lock().unwrap().signature_rejections.push(code);
        return match code {
            "AuthFailure.SignatureFailure" => {
                raw_json(fixture("error.AuthFailure.SignatureFailure.example1.json"))
            }
            other => mock.error(other),
        };
    }
    if header("x-tc-version") != "2018-07-09" {
        return mock.error("NoSuchVersion");
    }
    if mock
        .expected_token
        .is_some_and(|token| header("x-tc-token") != token)
    {
        return mock.error("AuthFailure.TokenFailure");
    }
    let action = header("x-tc-action").to_owned();
    let Ok(params) = serde_json::from_slice::<Value>(body) else {
        return mock.error("InvalidParameter");
    };

    let scripted = {
        let mut state = mock.state.lock().unwrap();
        state.calls.push((action.clone(), params.clone()));
        let now = Instant::now();
        let limit = published_rate_limit(&action);
        let recent = state.recent_sends.entry(action.clone()).or_default();
        recent.retain(|sent| now.duration_since(*sent) < Duration::from_secs(1));
        recent.push_back(now);
        if recent.len() > limit {
            state.rate_violations += 1;
            Some(Scripted::Error("RequestLimitExceeded"))
        } else {
            state.scripted.pop_front()
        }
    };
    match scripted {
        Some(Scripted::Error(code)) => return mock.error(code),
        Some(Scripted::Stall(duration)) => tokio::time::sleep(duration).await,
        None => {}
    }

    if let Some(max) = paging_limit_max(&action) {
        let limit = params["Limit"].as_u64();
        if limit.is_none_or(|limit| limit == 0 || limit > max)
            || params["Offset"].as_u64().is_none()
        {
            return mock.error("InvalidParameterValue");
        }
    }
    match action.as_str() {
        "DescribeBillDetail" => bill_detail_page(&params),
        other => {
            let path = fixture_path(&format!("{other}.example1.json"));
            match std::fs::read(path) {
                Ok(bytes) => raw_json(Bytes::from(bytes)),
                Err(_) => mock.error("InvalidAction"),
            }
        }
    }
}

/// Published limits (reference §4.2), written out independently of the proxy's allowlist.
fn published_rate_limit(action: &str) -> usize {
    match action {
        "DescribeBillDetail"
        | "DescribeBillResourceSummary"
        | "DescribeDosageCosDetailByDate"
        | "DescribeCostDetail" => 5,
        _ => 20,
    }
}

/// `Limit` maxima (reference §4.3) of the paged actions.
fn paging_limit_max(action: &str) -> Option<u64> {
    match action {
        "DescribeBillDetail" => Some(300),
        "DescribeBillResourceSummary" => Some(1000),
        "DescribeCostDetail" | "DescribeCostSummaryByProduct" => Some(100),
        "DescribeDosageDetailList" => Some(3000),
        _ => None,
    }
}

/// One page of a month of [`BILL_ROWS`] rows, each the official example row with its own BillId.
fn bill_detail_page(params: &Value) -> Response {
    let example: Value =
        serde_json::from_slice(&fixture("DescribeBillDetail.example1.json")).expect("fixture JSON");
    let template = example["Response"]["DetailSet"][0].clone();
    let offset = params["Offset"].as_u64().unwrap_or(0) as usize;
    let limit = params["Limit"].as_u64().unwrap_or(0) as usize;
    let rows: Vec<Value> = (offset..(offset + limit).min(BILL_ROWS))
        .map(|index| {
            let mut row = template.clone();
            row["BillId"] = json!(format!("mock-bill-{index}"));
            row
        })
        .collect();
    json_response(json!({
        "Response": {"DetailSet": rows, "Total": BILL_ROWS, "RequestId": format!("mock-page-{offset}")}
    }))
}

/// Recomputes the signature from what was received. Errors are Tencent's codes.
fn verify_signature(headers: &HeaderMap, body: &[u8], now: SystemTime) -> Result<(), &'static str> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let authorization = header("authorization").ok_or("AuthFailure.SignatureFailure")?;
    let fields = authorization
        .strip_prefix("TC3-HMAC-SHA256 ")
        .ok_or("AuthFailure.SignatureFailure")?;
    let field = |prefix: &str| {
        fields
            .split(", ")
            .find_map(|part| part.strip_prefix(prefix))
            .ok_or("AuthFailure.SignatureFailure")
    };
    let credential = field("Credential=")?;
    let signed_header_names = field("SignedHeaders=")?;
    let signature = field("Signature=")?;
    let (secret_id, scope) = credential
        .split_once('/')
        .ok_or("AuthFailure.SignatureFailure")?;
    if secret_id != SECRET_ID {
        return Err("AuthFailure.SecretIdNotFound");
    }
    let names: Vec<&str> = signed_header_names.split(';').collect();
    if !names.contains(&"content-type") || !names.contains(&"host") {
        return Err("AuthFailure.SignatureFailure");
    }
    let timestamp: i64 = header("x-tc-timestamp")
        .and_then(|text| text.parse().ok())
        .ok_or("MissingParameter")?;
    let now = now.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    if (now - timestamp).abs() > 300 {
        return Err("AuthFailure.SignatureExpire");
    }
    if scope != format!("{}/billing/tc3_request", tc3::utc_date(timestamp)) {
        return Err("AuthFailure.SignatureFailure");
    }
    let signed: Vec<(&str, &str)> = names
        .iter()
        .map(|name| Ok((*name, header(name).ok_or("AuthFailure.SignatureFailure")?)))
        .collect::<Result<_, &'static str>>()?;
    let request = tc3::Request {
        method: "POST",
        query: "",
        signed_headers: &signed,
        body,
    };
    if tc3::signature(&request, SECRET_KEY, "billing", timestamp) == signature {
        Ok(())
    } else {
        Err("AuthFailure.SignatureFailure")
    }
}

pub fn credentials(secret_key: &str, session_token: Option<&str>) -> Credentials {
    Credentials {
        secret_id: SECRET_ID.to_owned(),
        secret_key: Secret::new(secret_key),
        session_token: session_token.map(Secret::new),
    }
}

/// A running proxy on an ephemeral loopback port.
pub struct Proxy {
    pub base_url: String,
    pub http: reqwest::Client,
}

impl Proxy {
    pub async fn post(&self, path: &str, body: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base_url))
            .body(body.to_owned())
            .send()
            .await
            .expect("proxy answers")
    }
}

/// Starts the proxy with `args` (plus `--insecure-test-endpoint <mock>`), then lets `adjust` change the config.
pub async fn start_proxy(
    mock: &MockBilling,
    args: &[&str],
    credentials: Credentials,
    adjust: impl FnOnce(&mut Config),
) -> Proxy {
    let endpoint = mock.url();
    let argv = [
        "tcbill-proxy",
        "--insecure-test-endpoint",
        endpoint.as_str(),
    ]
    .into_iter()
    .chain(args.iter().copied());
    let cli = <Cli as clap::Parser>::try_parse_from(argv).expect("valid flags");
    let mut config = Config::from_cli(cli).expect("valid config");
    config.retry.base_delay = Duration::from_millis(50);
    adjust(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(tcbill_proxy::serve(
        listener,
        config,
        credentials,
        std::future::pending(),
    ));
    Proxy {
        base_url,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    }
}

/// The `Response.Error.Code` of a JSON answer.
pub fn error_code(body: &Value) -> Option<&str> {
    body["Response"]["Error"]["Code"].as_str()
}
