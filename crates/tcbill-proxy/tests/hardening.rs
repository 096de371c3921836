//! The proxy under hostile or careless clients: slow and idle connections, floods, abandoned requests,
//! odd paths, oversized heads and replies. Everything runs on loopback with short configured limits.

mod common;

use std::time::{Duration, Instant};

use common::{credentials, error_code, start_proxy, MockBilling, Proxy, SECRET_KEY};
use reqwest::StatusCode;
use serde_json::Value;
use tcbill_proxy::server::CONTENT_SECURITY_POLICY;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DETAIL_BODY: &str = r#"{"Month":"2023-07","Offset":0,"Limit":1}"#;

fn address(proxy: &Proxy) -> String {
    proxy.base_url.trim_start_matches("http://").to_owned()
}

/// Sends `request` on a fresh connection and reads until the server closes it or `deadline` passes.
/// Returns what was read and when the connection was closed (`None`: still open at the deadline).
async fn raw_exchange(
    proxy: &Proxy,
    request: &[u8],
    deadline: Duration,
) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address(proxy)).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed_after = loop {
        let remaining = deadline.saturating_sub(started.elapsed());
        match tokio::time::timeout(remaining, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => break Some(started.elapsed()),
            Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
            Err(_) => break None,
        }
    };
    (
        String::from_utf8_lossy(&received).into_owned(),
        closed_after,
    )
}

/// The JSON body of a raw HTTP/1.1 response.
fn body_of(raw: &str) -> Value {
    let body = raw.split("\r\n\r\n").nth(1).expect("a head and a body");
    serde_json::from_str(body).expect("JSON body")
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON body")
}

#[tokio::test]
async fn a_slow_or_idle_connection_is_closed_after_the_header_timeout() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |config| {
        config.header_timeout = Duration::from_millis(300);
    })
    .await;
    // Slowloris: part of a request head, then nothing.
    let (received, closed_after) = raw_exchange(
        &proxy,
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1",
        Duration::from_secs(5),
    )
    .await;
    let closed_after = closed_after.expect("the server closes a slow head");
    assert!(received.is_empty(), "{received}");
    assert!(
        closed_after >= Duration::from_millis(250) && closed_after < Duration::from_secs(2),
        "{closed_after:?}"
    );
    // A kept-alive connection that sends no second request is closed the same way.
    let (received, closed_after) = raw_exchange(
        &proxy,
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert!(received.starts_with("HTTP/1.1 200 OK\r\n"), "{received}");
    assert!(closed_after.expect("idle connection closed") < Duration::from_secs(2));
}

#[tokio::test]
async fn over_the_connection_cap_clients_wait_for_a_free_slot() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |config| {
        config.max_connections = 2;
        config.header_timeout = Duration::from_millis(600);
    })
    .await;
    let health = format!("{}/api/health", proxy.base_url);
    let started = Instant::now();
    assert_eq!(
        proxy.http.get(&health).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "under the cap: at once"
    );

    let idle: Vec<TcpStream> = futures_all(2, || TcpStream::connect(address(&proxy))).await;
    let fresh_client = reqwest::Client::builder().no_proxy().build().unwrap();
    let started = Instant::now();
    let response = fresh_client.get(&health).send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_secs(3),
        "served only once a capped idle connection timed out: {waited:?}"
    );
    drop(idle);
}

async fn futures_all<F, T>(count: usize, make: impl Fn() -> F) -> Vec<T>
where
    F: std::future::Future<Output = std::io::Result<T>>,
{
    let mut all = Vec::new();
    for _ in 0..count {
        all.push(make().await.expect("connect"));
    }
    all
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_a_408_envelope() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(&mock, &[], credentials(SECRET_KEY, None), |config| {
        config.body_timeout = Duration::from_millis(300);
    })
    .await;
    let (received, closed_after) = raw_exchange(
        &proxy,
        b"POST /api/DescribeBillSummaryByProduct HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"Begin",
        Duration::from_secs(5),
    )
    .await;
    assert!(
        received.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{received}"
    );
    assert_eq!(
        error_code(&body_of(&received)),
        Some("TcbillProxy.BodyTimeout")
    );
    assert!(closed_after.expect("connection closed") < Duration::from_secs(2));
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn requests_abandoned_while_waiting_for_the_rate_limit_free_their_slots() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--max-retries", "0"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let started = Instant::now();
    for _ in 0..5 {
        let page = json_of(proxy.post("/api/DescribeBillDetail", DETAIL_BODY).await).await;
        assert_eq!(error_code(&page), None, "{page}");
    }
    // Ten clients queue behind the full window, then hang up.
    let request = format!(
        "POST /api/DescribeBillDetail HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{DETAIL_BODY}",
        DETAIL_BODY.len()
    );
    let mut abandoned = Vec::new();
    for _ in 0..10 {
        let mut stream = TcpStream::connect(address(&proxy)).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        abandoned.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(abandoned);

    let page = json_of(proxy.post("/api/DescribeBillDetail", DETAIL_BODY).await).await;
    assert_eq!(error_code(&page), None, "{page}");
    let elapsed = started.elapsed();
    // Before: the ten kept their reservations, so this request went out after three windows (3.15 s).
    assert!(
        elapsed >= Duration::from_millis(1_000) && elapsed < Duration::from_millis(1_900),
        "one window: {elapsed:?}"
    );
    assert_eq!(
        mock.calls().len(),
        6,
        "abandoned requests never reach the upstream"
    );
    assert_eq!(mock.rate_violations(), 0);
}

#[tokio::test]
async fn a_full_rate_limit_queue_answers_429_in_the_envelope() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--max-queued", "1"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    for _ in 0..5 {
        let page = json_of(proxy.post("/api/DescribeBillDetail", DETAIL_BODY).await).await;
        assert_eq!(error_code(&page), None, "{page}");
    }
    let url = format!("{}/api/DescribeBillDetail", proxy.base_url);
    let waiting = tokio::spawn(proxy.http.post(&url).body(DETAIL_BODY).send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let refused = proxy.post("/api/DescribeBillDetail", DETAIL_BODY).await;
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "refused at once"
    );
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = json_of(refused).await;
    assert_eq!(error_code(&body), Some("TcbillProxy.TooManyRequests"));
    assert_eq!(
        body["Response"]["Error"]["Message"],
        "too many DescribeBillDetail requests are already waiting for Tencent's rate limit; retry in a few seconds"
    );
    let waited = waiting.await.unwrap().unwrap();
    assert_eq!(waited.status(), StatusCode::OK);
    assert_eq!(mock.calls().len(), 6);
}

fn assert_security_headers(response: &reqwest::Response) {
    let headers = response.headers();
    let url = response.url();
    assert_eq!(
        headers["content-security-policy"], CONTENT_SECURITY_POLICY,
        "{url}"
    );
    assert!(CONTENT_SECURITY_POLICY.ends_with("; frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
    assert_eq!(headers["x-frame-options"], "DENY", "{url}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{url}");
}

/// A `dist/` with the app, a dotfile, a sub-directory and (on Unix) a symlink out of it.
fn hostile_dist(name: &str) -> (std::path::PathBuf, String) {
    let base = std::env::temp_dir().join(format!("tcbill-proxy-{name}-{}", std::process::id()));
    let dist = base.join("dist");
    std::fs::create_dir_all(dist.join("sub")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>tcbill</title>",
    )
    .unwrap();
    std::fs::write(dist.join("app.js"), "console.log('tcbill')").unwrap();
    std::fs::write(dist.join(".env"), "TENCENTCLOUD_SECRET_KEY=leaked").unwrap();
    std::fs::write(base.join("outside.txt"), "outside the jail").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(base.join("outside.txt"), dist.join("link.txt")).unwrap();
    let dist_arg = dist.to_str().unwrap().to_owned();
    (base, dist_arg)
}

#[tokio::test]
async fn static_files_are_jailed_and_never_redirected() {
    let (base, dist_arg) = hostile_dist("jail");
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--serve-dist", &dist_arg],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str| client.get(format!("{}{path}", proxy.base_url)).send();

    let script = get("/app.js").await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert_security_headers(&script);
    assert_eq!(script.text().await.unwrap(), "console.log('tcbill')");
    let route = get("/costs").await.unwrap();
    assert_eq!(
        route.status(),
        StatusCode::OK,
        "the app's own routes get index.html"
    );
    assert!(route
        .text()
        .await
        .unwrap()
        .contains("<title>tcbill</title>"));

    let mut refused = vec![
        "//sub",
        "//evil.example/",
        "/.env",
        "/%2eenv",
        "/sub/..%2f.env",
    ];
    if cfg!(unix) {
        refused.push("/link.txt");
    }
    for path in refused {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().get("location").is_none(), "{path}");
        assert_security_headers(&response);
        let text = response.text().await.unwrap();
        assert!(
            !text.contains("leaked") && !text.contains("outside"),
            "{path}: {text}"
        );
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(error_code(&body), Some("TcbillProxy.NotFound"), "{path}");
    }
    // A directory is not redirected to its trailing-slash form (`//sub` → `//sub/` would leave the site).
    let sub = get("/sub").await.unwrap();
    assert_eq!(sub.status(), StatusCode::OK);
    assert!(sub.headers().get("location").is_none());
    std::fs::remove_dir_all(base).ok();
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_every_error_the_envelope() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--allow-origin", "http://localhost:8080"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let base = &proxy.base_url;
    let health = proxy
        .http
        .get(format!("{base}/api/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_security_headers(&health);
    let preflight = proxy
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{base}/api/DescribeBillDetail"),
        )
        .header("Origin", "http://localhost:8080")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_security_headers(&preflight);

    let long_uri = format!("{base}/api/health?{}", "a".repeat(9 * 1024));
    let many_headers = (0..70).fold(
        proxy.http.get(format!("{base}/api/health")),
        |request, index| request.header(format!("x-filler-{index}"), "1"),
    );
    let huge_header = proxy
        .http
        .get(format!("{base}/api/health"))
        .header("x-filler", "a".repeat(40 * 1024));
    let cases = [
        (
            proxy.http.get(format!("{base}/api/DescribeBillDetail")),
            StatusCode::METHOD_NOT_ALLOWED,
            "TcbillProxy.MethodNotAllowed",
        ),
        (
            proxy.http.delete(format!("{base}/api/health")),
            StatusCode::METHOD_NOT_ALLOWED,
            "TcbillProxy.MethodNotAllowed",
        ),
        (
            proxy.http.get(long_uri),
            StatusCode::URI_TOO_LONG,
            "TcbillProxy.UriTooLong",
        ),
        (
            many_headers,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "TcbillProxy.HeadersTooLarge",
        ),
        (
            huge_header,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "TcbillProxy.HeadersTooLarge",
        ),
        (
            proxy
                .http
                .post(format!("{base}/api/DescribeBillDetail"))
                .header("Origin", "http://evil.example"),
            StatusCode::FORBIDDEN,
            "TcbillProxy.OriginNotAllowed",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{code}"
        );
        assert_security_headers(&response);
        let body = json_of(response).await;
        assert_eq!(error_code(&body), Some(code), "{body}");
        assert!(body["Response"]["RequestId"].is_string());
    }
    let wrong_method = json_of(
        proxy
            .http
            .get(format!("{base}/api/DescribeBillDetail"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        wrong_method["Response"]["Error"]["Message"],
        "HTTP 405 Method Not Allowed: the API is POST /api/{Action} and GET /api/health"
    );
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn an_upstream_reply_over_the_cap_is_refused_not_buffered() {
    let mock = MockBilling::start().await;
    let proxy = start_proxy(
        &mock,
        &["--max-reply-bytes", "100"],
        credentials(SECRET_KEY, None),
        |_| {},
    )
    .await;
    let response = proxy
        .post(
            "/api/DescribeBillSummaryByProduct",
            r#"{"BeginTime":"2022-07","EndTime":"2022-07"}"#,
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let body = json_of(response).await;
    assert_eq!(error_code(&body), Some("TcbillProxy.UpstreamReplyTooLarge"));
    assert_eq!(
        body["Response"]["Error"]["Message"],
        "billing API reply larger than 100 bytes (--max-reply-bytes); ask for smaller pages"
    );
    assert_eq!(mock.calls().len(), 1, "not retried");
}
