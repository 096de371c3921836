//! End-to-end behaviour of the proxy against the mock billing endpoint, all on loopback.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    credentials, error_code, fixture, start_proxy, MockBilling, Scripted, BILL_ROWS, SECRET_KEY,
};
use reqwest::StatusCode;
use serde_json::Value;
use tcbill_proxy::allowlist::Action;
use tcbill_proxy::ratelimit::RateLimiter;
use tcbill_proxy::upstream::{Endpoint, RetryPolicy, UpstreamClient};

const TOKEN: &str = "team-token-0123456789";
const SUMMARY_BODY: &str = r#"{"BeginTime":"2022-07","EndTime":"2022-07"}"#;

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON body")
}

/// The mock's own TC3 implementation reproduces every signing vector (Tencent's published ones
/// and the derived billing ones), so its check of the proxy's requests can be trusted.
#[test]
fn the_mocks_independent_signer_reproduces_the_signing_vectors() {
    let path = format!(
        "{}/../../fixtures/signing/tc3-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let vectors: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let vectors = vectors["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 4);
    for vector in vectors {
        let (inputs, expected) = (&vector["inputs"], &vector["expected"]);
        let text = |value: &Value| value.as_str().unwrap().to_owned();
        let headers = inputs["headers"].as_object().unwrap();
        let signed: Vec<(&str, &str)> = inputs["signed_headers"]
            .as_str()
            .unwrap()
            .split(';')
            .map(|name| {
                let (_, value) = headers
                    .iter()
                    .find(|(header, _)| header.eq_ignore_ascii_case(name))
                    .unwrap();
                (name, value.as_str().unwrap())
            })
            .collect();
        let body = text(&inputs["body"]);
        let request = common::tc3::Request {
            method: inputs["method"].as_str().unwrap(),
            query: inputs["canonical_query_string"].as_str().unwrap(),
            signed_headers: &signed,
            body: body.as_bytes(),
        };
        let timestamp = inputs["timestamp"].as_i64().unwrap();
        assert_eq!(
            common::tc3::utc_date(timestamp),
            text(&expected["credential_date"]),
            "{}",
            vector["id"]
        );
        let signature = common::tc3::signature(
            &request,
            inputs["secret_key"].as_str().unwrap(),
            inputs["service"].as_str().unwrap(),
            timestamp,
        );
        assert_eq!(signature, text(&expected["signature"]), "{}", vector["id"]);
    }
}

#[tokio::test]
async fn forwards_an_allowed_action_and_returns_the_upstream_json_unchanged() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    let response = proxy
        .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.bytes().await.unwrap(),
        fixture("DescribeBillSummaryByProduct.example1.json")
    );
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "DescribeBillSummaryByProduct");
    assert_eq!(
        calls[0].1,
        serde_json::from_str::<Value>(SUMMARY_BODY).unwrap()
    );
}

#[tokio::test]
async fn refuses_an_action_outside_the_allowlist() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    for action in [
        "DescribeBillDownloadUrl",
        "CreateAllocationTag",
        "describebilldetail",
    ] {
        let response = proxy.post(&format!("/api/{action}"), "{}").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
        let body = json_of(response).await;
        assert_eq!(
            error_code(&body),
            Some("TcbillProxy.ActionNotAllowed"),
            "{body}"
        );
        assert!(body["Response"]["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains(action));
        assert!(body["Response"]["RequestId"].is_string());
    }
    assert!(
        mock.calls().is_empty(),
        "nothing refused may reach the upstream"
    );
}

#[test]
fn the_binary_refuses_to_start_without_credentials() {
    let run = |extra_env: &[(&str, &str)]| {
        Command::new(env!("CARGO_BIN_EXE_tcbill-proxy"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--insecure-test-endpoint",
                "http://127.0.0.1:9",
            ])
            .env_clear()
            .envs(extra_env.iter().copied())
            .output()
            .expect("run tcbill-proxy")
    };
    let none = run(&[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("TENCENTCLOUD_SECRET_ID"));
    let id_only = run(&[("TENCENTCLOUD_SECRET_ID", common::SECRET_ID)]);
    assert_eq!(id_only.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&id_only.stderr).contains("TENCENTCLOUD_SECRET_KEY is not set"));
}

#[test]
fn the_binary_refuses_a_public_address_without_a_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_tcbill-proxy"))
        .args(["--listen", "0.0.0.0:0"])
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", common::SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
        .output()
        .expect("run tcbill-proxy");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("requires --token"), "{stderr}");
    assert!(!stderr.contains(SECRET_KEY));
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_refused() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--token", TOKEN],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let url = format!("{}/api/DescribeBillSummaryByProduct", proxy.base_url);
    let attempts = [
        proxy.http.post(&url).body(SUMMARY_BODY),
        proxy
            .http
            .post(&url)
            .bearer_auth("team-token-0123456788")
            .body(SUMMARY_BODY),
        proxy
            .http
            .post(&url)
            .header("X-Tcbill-Token", "")
            .body(SUMMARY_BODY),
        proxy
            .http
            .get(format!("{}/api/health", proxy.base_url))
            .bearer_auth("wrong"),
    ];
    for attempt in attempts {
        let response = attempt.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            error_code(&json_of(response).await),
            Some("TcbillProxy.Unauthorized")
        );
    }
    assert!(mock.calls().is_empty());

    let bearer = proxy
        .http
        .post(&url)
        .bearer_auth(TOKEN)
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::OK);
    let header = proxy
        .http
        .post(&url)
        .header("X-Tcbill-Token", TOKEN)
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), StatusCode::OK);
    assert_eq!(mock.calls().len(), 2);
}

#[tokio::test]
async fn a_foreign_origin_is_refused_and_an_allowed_one_gets_cors_headers() {
    let mock = MockBilling::start().await;
    let args = ["--allow-origin", "http://localhost:8080"];
    let proxy = start_proxy(&mock, &args, credentials(SECRET_KEY, None), |_| {}).await;
    let url = format!("{}/api/DescribeBillSummaryByProduct", proxy.base_url);
    let preflight = |origin: &str| {
        proxy
            .http
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type,x-tcbill-token",
            )
            .send()
    };

    let foreign_preflight = preflight("http://evil.example").await.unwrap();
    assert!(foreign_preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // A "simple" cross-origin POST skips the preflight; the server itself refuses it.
    let foreign_post = proxy
        .http
        .post(&url)
        .header("Origin", "http://evil.example")
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_post.status(), StatusCode::FORBIDDEN);
    assert!(foreign_post
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(
        error_code(&json_of(foreign_post).await),
        Some("TcbillProxy.OriginNotAllowed")
    );
    assert!(mock.calls().is_empty());

    let allowed_preflight = preflight("http://localhost:8080").await.unwrap();
    assert_eq!(
        allowed_preflight.headers()["access-control-allow-origin"],
        "http://localhost:8080"
    );
    let allowed_headers = allowed_preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        allowed_headers.contains("x-tcbill-token"),
        "{allowed_headers}"
    );
    let allowed_post = proxy
        .http
        .post(&url)
        .header("Origin", "http://localhost:8080")
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed_post.status(), StatusCode::OK);
    assert_eq!(
        allowed_post.headers()["access-control-allow-origin"],
        "http://localhost:8080"
    );
}

#[tokio::test]
async fn without_a_token_only_loopback_host_names_are_answered() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    // What a DNS-rebinding page would send: its own name, resolved to 127.0.0.1.
    let response = proxy
        .http
        .post(format!(
            "{}/api/DescribeBillSummaryByProduct",
            proxy.base_url
        ))
        .header("Host", "evil.example:8787")
        .header("Origin", "http://evil.example:8787")
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        error_code(&json_of(response).await),
        Some("TcbillProxy.HostNotAllowed")
    );
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn a_rate_limit_answer_and_an_internal_error_are_retried() {
    let mock = MockBilling::start().await;
    mock.script([
        Scripted::Error("RequestLimitExceeded"),
        Scripted::Error("InternalError.GatewayError"),
    ]);
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    let response = proxy
        .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.bytes().await.unwrap(),
        fixture("DescribeBillSummaryByProduct.example1.json")
    );
    assert_eq!(
        mock.calls().len(),
        3,
        "two retries, each signed afresh and accepted"
    );
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_error_is_passed_through() {
    let mock = MockBilling::start().await;
    mock.script(std::iter::repeat_n(Scripted::Error("InternalError"), 10));
    let proxy = start_proxy(
        &mock,
        &["--max-retries", "2"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let response = proxy
        .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "Tencent's error envelopes keep Tencent's HTTP status"
    );
    let body = json_of(response).await;
    assert_eq!(error_code(&body), Some("InternalError"));
    assert_eq!(mock.calls().len(), 3);
}

#[tokio::test]
async fn an_upstream_error_is_passed_through_with_code_message_and_request_id() {
    let mock = MockBilling::start().await;
    // A wrong key: the mock's signature check fails and it answers with the official error example.
    let proxy = start_proxy(&mock, &[], credentials("not-the-key", None), |_| {}).await;
    let response = proxy
        .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
        .await;
    let bytes = response.bytes().await.unwrap();
    assert_eq!(
        bytes,
        fixture("error.AuthFailure.SignatureFailure.example1.json")
    );
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(error_code(&body), Some("AuthFailure.SignatureFailure"));
    assert!(body["Response"]["Error"]["Message"].is_string());
    assert_eq!(
        body["Response"]["RequestId"],
        "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"
    );
    assert!(!String::from_utf8_lossy(&bytes).contains("not-the-key"));
    assert_eq!(
        mock.signature_rejections(),
        ["AuthFailure.SignatureFailure"],
        "not retried"
    );

    let bad_paging = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    let too_many = bad_paging
        .post(
            "/api/DescribeBillDetail",
            r#"{"Month":"2023-07","Offset":0,"Limit":301}"#,
        )
        .await;
    assert_eq!(
        error_code(&json_of(too_many).await),
        Some("InvalidParameterValue")
    );
}

#[tokio::test]
async fn pages_of_bill_details_pass_through_and_gather_every_row_once() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    let mut bill_ids = Vec::new();
    let mut offset = 0;
    loop {
        let request = format!(r#"{{"Month":"2023-07","Offset":{offset},"Limit":3}}"#);
        let page = json_of(proxy.post("/api/DescribeBillDetail", &request).await).await;
        assert_eq!(error_code(&page), None, "{page}");
        let rows = page["Response"]["DetailSet"].as_array().unwrap().clone();
        bill_ids.extend(
            rows.iter()
                .map(|row| row["BillId"].as_str().unwrap().to_owned()),
        );
        offset += 3;
        if rows.len() < 3 || offset >= page["Response"]["Total"].as_u64().unwrap() as usize {
            break;
        }
    }
    assert_eq!(mock.calls().len(), 3);
    assert_eq!(bill_ids.len(), BILL_ROWS);
    assert_eq!(
        bill_ids.iter().collect::<BTreeSet<_>>().len(),
        BILL_ROWS,
        "no row twice"
    );
}

#[tokio::test]
async fn the_mock_throttles_unpaced_bursts() {
    // The proxy's client with an empty rate limiter fires without pacing: the mock must notice, or the
    // next test would prove nothing.
    let mock = MockBilling::start().await;
    let retry = RetryPolicy {
        max_retries: 0,
        base_delay: Duration::ZERO,
        attempt_timeout: Duration::from_secs(5),
    };
    let endpoint = Endpoint::loopback_test_server(&mock.url()).unwrap();
    let client = UpstreamClient::new(
        endpoint,
        None,
        credentials(SECRET_KEY, None),
        RateLimiter::new(&[], 1),
        retry,
        1024 * 1024,
    )
    .unwrap();
    let action = Action {
        name: "DescribeBillDetail",
        per_second: 5,
    };
    let body = axum::body::Bytes::from_static(br#"{"Month":"2023-07","Offset":0,"Limit":1}"#);
    let mut codes = Vec::new();
    for _ in 0..6 {
        let reply = client.call(action, &body).await.unwrap();
        codes.push(tcbill_proxy::upstream::error_code(&reply.body));
    }
    assert_eq!(codes[..5], [None, None, None, None, None]);
    assert_eq!(codes[5].as_deref(), Some("RequestLimitExceeded"));
}

#[tokio::test]
async fn bursts_are_paced_to_the_published_limit_so_the_upstream_never_throttles() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--max-retries", "0"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let started = Instant::now();
    let url = format!("{}/api/DescribeBillDetail", proxy.base_url);
    let requests = (0..11).map(|_| {
        let request = proxy
            .http
            .post(&url)
            .body(r#"{"Month":"2023-07","Offset":0,"Limit":1}"#);
        async move { request.send().await.expect("proxy answers") }
    });
    let responses = futures_join_all(requests).await;
    for response in responses {
        assert_eq!(error_code(&json_of(response).await), None);
    }
    assert_eq!(mock.rate_violations(), 0);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "11 requests at 5/s need two full windows"
    );
}

/// Runs the futures concurrently on this runtime (no extra dependency for `join_all`).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
}

#[tokio::test]
async fn a_stalled_upstream_times_out_with_a_json_error() {
    let mock = MockBilling::start().await;
    mock.script([Scripted::Stall(Duration::from_secs(3))]);
    let proxy = start_proxy(
        &mock,
        &["--max-retries", "0"],
        credentials(SECRET_KEY, None),
        |config| {
            config.retry.attempt_timeout = Duration::from_millis(300);
        },
    )
    .await;
    let response = proxy
        .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
        .await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(
        error_code(&json_of(response).await),
        Some("TcbillProxy.UpstreamTimeout")
    );
}

#[tokio::test]
async fn oversized_and_non_object_bodies_are_refused() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--max-body-bytes", "64"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let large = format!(r#"{{"Month":"{}"}}"#, "x".repeat(100));
    let too_large = proxy.post("/api/DescribeBillDetail", &large).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        error_code(&json_of(too_large).await),
        Some("TcbillProxy.BodyTooLarge")
    );
    for bad in ["[1,2]", "{\"Month\":", "Month=2023-07"] {
        let response = proxy.post("/api/DescribeBillDetail", bad).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            error_code(&json_of(response).await),
            Some("TcbillProxy.InvalidBody")
        );
    }
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn a_session_token_is_sent_as_x_tc_token() {
    let mock = MockBilling::start_with(Some("sts-session-token"), 0).await;
    let with_token = start_proxy(
        &mock,
        &[],
        credentials(SECRET_KEY, Some("sts-session-token")),
        |_| {},
    )
    .await;
    let ok = json_of(
        with_token
            .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
            .await,
    )
    .await;
    assert_eq!(error_code(&ok), None);
    let without = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |_| {}).await;
    let refused = json_of(
        without
            .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
            .await,
    )
    .await;
    assert_eq!(error_code(&refused), Some("AuthFailure.TokenFailure"));
}

#[tokio::test]
async fn serves_the_built_app_and_the_api_on_one_origin() {
    let dist = std::env::temp_dir().join(format!("tcbill-proxy-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>tcbill</title>",
    )
    .unwrap();
    std::fs::write(dist.join("app.js"), "console.log('tcbill')").unwrap();
    let mock = MockBilling::start().await;
    let dist_arg = dist.to_str().unwrap().to_owned();
    let proxy = start_proxy(
        &mock,
        &["--serve-dist", &dist_arg],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;

    let index = proxy
        .http
        .get(format!("{}/", proxy.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert!(index
        .text()
        .await
        .unwrap()
        .contains("<title>tcbill</title>"));
    let script = proxy
        .http
        .get(format!("{}/app.js", proxy.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(script.text().await.unwrap(), "console.log('tcbill')");

    // The page's own origin needs no --allow-origin.
    let same_origin = proxy
        .http
        .post(format!(
            "{}/api/DescribeBillSummaryByProduct",
            proxy.base_url
        ))
        .header("Origin", &proxy.base_url)
        .body(SUMMARY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
    let health = json_of(
        proxy
            .http
            .get(format!("{}/api/health", proxy.base_url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let actions = health["Response"]["Actions"].as_array().unwrap();
    assert_eq!(actions.len(), tcbill_proxy::allowlist::actions().len());
    let unknown = proxy
        .http
        .get(format!("{}/api/nothing/here", proxy.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(&dist).ok();
}

#[tokio::test]
async fn a_skewed_local_clock_is_corrected_from_the_upstream_date() {
    let mock = MockBilling::start_with(None, 2 * 3600).await;
    let proxy = start_proxy(
        &mock,
        &["--max-retries", "0"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    for _ in 0..2 {
        let body = json_of(
            proxy
                .post("/api/DescribeBillSummaryByProduct", SUMMARY_BODY)
                .await,
        )
        .await;
        assert_eq!(error_code(&body), None, "{body}");
    }
    assert_eq!(mock.signature_rejections(), ["AuthFailure.SignatureExpire"]);
    assert_eq!(
        mock.calls().len(),
        2,
        "after the first correction every request is signed in time"
    );
}
