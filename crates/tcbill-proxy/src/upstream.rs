//! Calls to the Tencent billing endpoint: sign, pace, send, retry.
//!
//! The body the app sent is forwarded byte for byte and those exact bytes are signed (never
//! re-serialised). Each attempt is re-signed with a fresh timestamp and goes through the rate limiter
//! again. `RequestLimitExceeded*` and `InternalError*` answers and transport failures are retried with
//! exponential back-off, a bounded number of times; every other answer is returned as it came.
//! Tencent refuses timestamps more than five minutes off its clock (`AuthFailure.SignatureExpire`):
//! the proxy then takes the offset from the answer's `Date` header and tries once more.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use reqwest::{StatusCode, Url};

use crate::allowlist::Action;
use crate::credentials::Credentials;
use crate::error::ProxyError;
use crate::ratelimit::RateLimiter;
use crate::sign::{self, CanonicalInput};

/// `X-TC-Version` of the billing API.
pub const API_VERSION: &str = "2018-07-09";
/// The service name in the credential scope.
pub const SERVICE: &str = "billing";
/// The exact `Content-Type` that is signed and sent.
const CONTENT_TYPE: &str = "application/json";

/// Where signed requests go: an HTTPS `*.tencentcloudapi.com` host (the Chinese or international site),
/// or a loopback test server named explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
    /// The `Host` header value that is signed (`host` or `host:port`, as the HTTP client sends it).
    host: String,
}

/// The only domain a real endpoint may be in: the session token and every signed request go there.
const TENCENT_API_DOMAIN: &str = "tencentcloudapi.com";

impl Endpoint {
    /// Accepts `billing.intl.tencentcloudapi.com` or `https://billing.tencentcloudapi.com[:port]`.
    ///
    /// # Errors
    /// Not HTTPS, not in `tencentcloudapi.com`, or not just `scheme://host[:port]`.
    pub fn tencent(text: &str) -> Result<Self, String> {
        let endpoint = Self::parse(text)?;
        let host = endpoint.url.host_str().unwrap_or("");
        let in_domain = host == TENCENT_API_DOMAIN
            || host
                .strip_suffix(TENCENT_API_DOMAIN)
                .is_some_and(|sub| sub.ends_with('.'));
        if endpoint.url.scheme() != "https" || !in_domain {
            return Err(format!(
                "endpoint {text:?}: expected an https://*.{TENCENT_API_DOMAIN} host (for a local test server use --insecure-test-endpoint)"
            ));
        }
        Ok(endpoint)
    }

    /// Accepts `http://127.0.0.1:PORT` (or `localhost`, `[::1]`, HTTP or HTTPS): a stand-in for tests.
    ///
    /// # Errors
    /// A host that is not loopback, or not just `scheme://host[:port]`.
    pub fn loopback_test_server(text: &str) -> Result<Self, String> {
        let endpoint = Self::parse(text)?;
        if !endpoint.is_loopback() {
            return Err(format!(
                "test endpoint {text:?}: only a loopback host (127.0.0.1, localhost, [::1]) is accepted"
            ));
        }
        Ok(endpoint)
    }

    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|error| format!("invalid endpoint {text:?}: {error}"))?;
        let host_name = url
            .host_str()
            .ok_or_else(|| format!("endpoint {text:?} has no host"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(format!(
                "endpoint {text:?}: unsupported scheme {}",
                url.scheme()
            ));
        }
        if url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
        {
            return Err(format!(
                "endpoint {text:?} must be just scheme://host[:port]"
            ));
        }
        let host = match url.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        Ok(Self { url, host })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    fn is_loopback(&self) -> bool {
        self.url.host_str().is_some_and(is_loopback_host)
    }
}

/// `localhost`, `127.x.y.z` or `[::1]`.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// How hard to try before giving up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Time limit of one attempt, from connect to the last body byte.
    pub attempt_timeout: Duration,
}

/// What the upstream answered: its status and its body, unchanged.
#[derive(Debug)]
pub struct UpstreamReply {
    pub status: StatusCode,
    pub body: Bytes,
    /// The upstream's clock (`Date` header), Unix seconds.
    pub server_time_secs: Option<i64>,
}

pub struct UpstreamClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    region: Option<String>,
    credentials: Credentials,
    limiter: RateLimiter,
    retry: RetryPolicy,
    /// Largest reply read; the upstream is never trusted to bound what the proxy buffers.
    max_reply_bytes: usize,
    /// Upstream clock minus local clock, learnt from a `SignatureExpire` answer.
    clock_offset_secs: AtomicI64,
}

impl UpstreamClient {
    /// # Errors
    /// The TLS backend could not be initialised.
    pub fn new(
        endpoint: Endpoint,
        region: Option<String>,
        credentials: Credentials,
        limiter: RateLimiter,
        retry: RetryPolicy,
        max_reply_bytes: usize,
    ) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(retry.attempt_timeout)
            .connect_timeout(retry.attempt_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none());
        if endpoint.is_loopback() {
            // A local test server must never be reached through an HTTP(S)_PROXY from the environment.
            builder = builder.no_proxy();
        }
        Ok(Self {
            http: builder.build()?,
            endpoint,
            region,
            credentials,
            limiter,
            retry,
            max_reply_bytes,
            clock_offset_secs: AtomicI64::new(0),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends `body` as `action`, retrying throttling and internal errors.
    ///
    /// # Errors
    /// The upstream could not be reached, timed out, or answered with something that is not a JSON
    /// `{"Response": …}` envelope. Tencent's own error envelopes are not errors here: they are replies.
    pub async fn call(&self, action: Action, body: &Bytes) -> Result<UpstreamReply, ProxyError> {
        let mut attempt = 0;
        let mut clock_resynced = false;
        loop {
            self.limiter
                .acquire(action)
                .await
                .map_err(|_| ProxyError::QueueFull {
                    action: action.name,
                })?;
            let outcome = self.send_once(action, body).await;
            if let Ok(reply) = &outcome {
                if !clock_resynced && self.resync_clock(reply) {
                    clock_resynced = true;
                    continue;
                }
            }
            let retryable = match &outcome {
                Ok(reply) => error_code(&reply.body).is_some_and(|code| is_retryable_code(&code)),
                Err(error) => error.is_transient(),
            };
            if !retryable || attempt >= self.retry.max_retries {
                return outcome;
            }
            tokio::time::sleep(self.retry.base_delay * 2u32.saturating_pow(attempt)).await;
            attempt += 1;
        }
    }

    /// Adopts the upstream's clock when it refused our timestamp; true if another attempt may help.
    fn resync_clock(&self, reply: &UpstreamReply) -> bool {
        let expired = error_code(&reply.body).as_deref() == Some("AuthFailure.SignatureExpire");
        let Some(server_secs) = reply.server_time_secs.filter(|_| expired) else {
            return false;
        };
        let offset_secs = server_secs - unix_now_secs();
        eprintln!("tcbill-proxy: local clock is {offset_secs} s off the billing API's; signing with its time");
        self.clock_offset_secs.store(offset_secs, Ordering::Relaxed);
        true
    }

    async fn send_once(&self, action: Action, body: &Bytes) -> Result<UpstreamReply, ProxyError> {
        let timestamp = unix_now_secs() + self.clock_offset_secs.load(Ordering::Relaxed);
        let signed_headers = [
            ("Content-Type", CONTENT_TYPE),
            ("Host", self.endpoint.host.as_str()),
            ("X-TC-Action", action.name),
        ];
        let signature = sign::sign(
            &CanonicalInput {
                method: "POST",
                canonical_query: "",
                signed_headers: &signed_headers,
                payload: body,
            },
            &self.credentials.secret_id,
            self.credentials.secret_key.expose(),
            SERVICE,
            timestamp,
        );
        let mut request = self
            .http
            .post(self.endpoint.url.clone())
            .header("Authorization", signature.authorization)
            .header("Content-Type", CONTENT_TYPE)
            .header("X-TC-Action", action.name)
            .header("X-TC-Version", API_VERSION)
            .header("X-TC-Timestamp", timestamp.to_string())
            .body(body.clone());
        if let Some(region) = &self.region {
            request = request.header("X-TC-Region", region);
        }
        if let Some(token) = &self.credentials.session_token {
            request = request.header("X-TC-Token", token.expose());
        }
        let mut response = request.send().await.map_err(ProxyError::from_transport)?;
        let status = response.status();
        let server_time_secs = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|value| httpdate::parse_http_date(value.to_str().ok()?).ok())
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map(|since| since.as_secs() as i64);
        let body = self.read_capped(&mut response).await?;
        if !is_envelope(&body) {
            return Err(ProxyError::UpstreamInvalidResponse { status });
        }
        Ok(UpstreamReply {
            status,
            body,
            server_time_secs,
        })
    }

    /// The reply body, refused as soon as it is known to exceed `max_reply_bytes`.
    async fn read_capped(&self, response: &mut reqwest::Response) -> Result<Bytes, ProxyError> {
        let too_large = ProxyError::UpstreamReplyTooLarge {
            limit_bytes: self.max_reply_bytes,
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_reply_bytes as u64)
        {
            return Err(too_large);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(ProxyError::from_transport)? {
            if body.len() + chunk.len() > self.max_reply_bytes {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }
}

fn unix_now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

/// Whether `body` is a JSON object with a `Response` object, the shape of every API 3.0 answer.
fn is_envelope(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|value| value["Response"].is_object())
}

/// `Response.Error.Code` of an error envelope.
pub fn error_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value["Response"]["Error"]["Code"]
        .as_str()
        .map(str::to_owned)
}

/// Throttling and internal errors (and their sub-codes such as `InternalError.GatewayError`).
fn is_retryable_code(code: &str) -> bool {
    ["RequestLimitExceeded", "InternalError"]
        .iter()
        .any(|family| {
            code == *family
                || code
                    .strip_prefix(family)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_default_to_https_and_sign_the_host_as_sent() {
        let intl = Endpoint::tencent("billing.intl.tencentcloudapi.com").unwrap();
        assert_eq!(
            intl.url().as_str(),
            "https://billing.intl.tencentcloudapi.com/"
        );
        assert_eq!(intl.host, "billing.intl.tencentcloudapi.com");
        let default_port = Endpoint::tencent("https://billing.tencentcloudapi.com:443/").unwrap();
        assert_eq!(default_port.host, "billing.tencentcloudapi.com");
        let local = Endpoint::loopback_test_server("http://127.0.0.1:9000").unwrap();
        assert_eq!(local.host, "127.0.0.1:9000");
        assert!(local.is_loopback());
    }

    #[test]
    fn other_hosts_plain_http_and_paths_are_refused() {
        for refused in [
            "http://billing.tencentcloudapi.com",
            "https://billing.tencentcloudapi.com/v1",
            "https://billing.tencentcloudapi.com/?a=b",
            "https://user@billing.tencentcloudapi.com",
            "https://tencentcloudapi.com.evil.example",
            "https://xtencentcloudapi.com",
            "https://127.0.0.1",
        ] {
            assert!(Endpoint::tencent(refused).is_err(), "{refused}");
        }
        for refused in [
            "ftp://127.0.0.1",
            "http://10.0.0.1:9000",
            "http://127.0.0.1/v1",
        ] {
            assert!(
                Endpoint::loopback_test_server(refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn retries_only_throttling_and_internal_errors() {
        for code in [
            "RequestLimitExceeded",
            "RequestLimitExceeded.UinLimitExceeded",
            "InternalError",
            "InternalError.GatewayError",
        ] {
            assert!(is_retryable_code(code), "{code}");
        }
        for code in [
            "AuthFailure.SignatureFailure",
            "InvalidParameter",
            "InternalErrorX",
            "FailedOperation.SummaryDataNotReady",
        ] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }

    #[test]
    fn reads_the_error_code_of_the_official_error_example() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/api/error.AuthFailure.SignatureFailure.example1.json"
        );
        let body = std::fs::read(path).expect("fixtures/ of the repository");
        assert!(is_envelope(&body));
        assert_eq!(
            error_code(&body).as_deref(),
            Some("AuthFailure.SignatureFailure")
        );
        assert!(!is_envelope(b"<html>502 Bad Gateway</html>"));
        assert!(!is_envelope(br#"{"Error": "x"}"#));
    }
}
