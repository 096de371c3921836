//! The HTTP API the app calls, and the guards in front of it.
//!
//! Routes: `POST /api/{Action}` (forward one allowed billing action), `GET /api/health` (what this
//! proxy forwards; also checks the token), and optionally the built app at `/` ([`static_files`]).
//!
//! Guards, outermost first: every response leaves with the security headers, and any error status
//! the framework made (a wrong method, say) is re-dressed in the JSON error envelope; request heads
//! over the size limits are refused; CORS answers preflights for `--allow-origin` origins only; the
//! browser guard refuses pages from any other origin (except this server's own) and, when no access
//! token is set, any `Host` that is not a loopback name, which defeats DNS rebinding; the token guard
//! protects `/api/*` when a token is configured.
//!
//! [`static_files`]: crate::static_files

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::allowlist;
use crate::config::Config;
use crate::credentials::Credentials;
use crate::error::{local_request_id, ProxyError};
use crate::ratelimit::RateLimiter;
use crate::static_files::{self, DistDir};
use crate::upstream::{error_code, is_loopback_host, UpstreamClient};

/// The app's Content-Security-Policy (the `<meta>` in `index.html`) plus `frame-ancestors 'none'`,
/// which only a header can set. A test keeps the two in step.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' http://127.0.0.1:* http://localhost:*; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

/// Sent with every response, API and static files alike.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// Longest request target read (hyper's own limit, answered without the envelope, is 64 KiB).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Request header limits, below hyper's (100 fields, about 400 KiB) so ours answer first.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
pub const MAX_HEADER_COUNT: usize = 64;

/// The header the app may use instead of `Authorization: Bearer`.
pub const TOKEN_HEADER: &str = "x-tcbill-token";

struct AppState {
    config: Config,
    upstream: UpstreamClient,
}

/// The complete application: API, guards and (with `--serve-dist`) the static app.
///
/// # Errors
/// The HTTP client's TLS backend could not be initialised.
pub fn router(config: Config, credentials: Credentials) -> Result<Router, reqwest::Error> {
    let upstream = UpstreamClient::new(
        config.endpoint.clone(),
        config.region.clone(),
        credentials,
        RateLimiter::new(&allowlist::actions(), config.max_queued),
        config.retry,
        config.max_reply_bytes,
    )?;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            config
                .allowed_origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        ))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(TOKEN_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600));
    let serve_dist = config.serve_dist.clone();
    let state = Arc::new(AppState { config, upstream });

    let api = Router::new()
        .route("/health", get(health))
        .route("/{action}", post(forward))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        .fallback(|| async { ProxyError::NotFound });
    let api = Router::new().nest("/api", api);
    let app = match serve_dist {
        Some(dir) => api.fallback_service(
            Router::new()
                .fallback(static_files::serve)
                .with_state(DistDir::new(dir)),
        ),
        None => api.fallback(|| async { ProxyError::NotFound }),
    };
    Ok(app
        .layer(middleware::from_fn_with_state(state.clone(), guard_browser))
        .layer(cors)
        .layer(middleware::from_fn(limit_request_head))
        .layer(middleware::map_response(finish_response))
        .with_state(state))
}

/// Security headers on everything; framework-made error statuses re-dressed as JSON envelopes.
async fn finish_response(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let status = response.status();
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (mut parts, _) = response.into_parts();
        let envelope = ProxyError::Http(status).into_response();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.extend(envelope.headers().clone());
        Response::from_parts(parts, envelope.into_body())
    } else {
        response
    };
    for (name, value) in SECURITY_HEADERS {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Refuses oversized request heads with the envelope, before hyper's own (bare) limits apply.
async fn limit_request_head(request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return ProxyError::UriTooLong {
            limit_bytes: MAX_URI_BYTES,
        }
        .into_response();
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > MAX_HEADER_COUNT || header_bytes > MAX_HEADER_BYTES {
        return ProxyError::HeadersTooLarge {
            limit_bytes: MAX_HEADER_BYTES,
            limit_count: MAX_HEADER_COUNT,
        }
        .into_response();
    }
    next.run(request).await
}

/// `POST /api/{Action}`: the body is the action's JSON parameters, forwarded unchanged.
async fn forward(
    State(state): State<Arc<AppState>>,
    Path(action_name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ProxyError> {
    let action =
        allowlist::lookup(&action_name).ok_or(ProxyError::ActionNotAllowed(action_name))?;
    let limit_bytes = state.config.max_body_bytes;
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > limit_bytes) {
        return Err(ProxyError::BodyTooLarge { limit_bytes });
    }
    let mut payload = tokio::time::timeout(
        state.config.body_timeout,
        axum::body::to_bytes(body, limit_bytes),
    )
    .await
    .map_err(|_| ProxyError::BodyTimeout)?
    .map_err(|_| ProxyError::BodyTooLarge { limit_bytes })?;
    if payload.iter().all(u8::is_ascii_whitespace) {
        payload = axum::body::Bytes::from_static(b"{}");
    }
    match serde_json::from_slice::<Value>(&payload) {
        Ok(Value::Object(_)) => {}
        Ok(_) => return Err(ProxyError::InvalidBody("not an object".into())),
        Err(error) => return Err(ProxyError::InvalidBody(error.to_string())),
    }

    let started = Instant::now();
    let reply = state.upstream.call(action, &payload).await;
    let outcome = match &reply {
        Ok(reply) => error_code(&reply.body).unwrap_or_else(|| "ok".into()),
        Err(error) => error.code().into(),
    };
    eprintln!(
        "tcbill-proxy: {} -> {outcome} in {} ms",
        action.name,
        started.elapsed().as_millis()
    );
    let reply = reply?;
    Ok((
        reply.status,
        [(header::CONTENT_TYPE, "application/json")],
        reply.body,
    )
        .into_response())
}

/// `GET /api/health`: the upstream and the forwarded actions with their rate limits.
async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let actions: Vec<Value> = allowlist::actions()
        .iter()
        .map(|action| json!({ "Action": action.name, "PerSecond": action.per_second }))
        .collect();
    Json(json!({
        "Response": {
            "Endpoint": state.upstream.endpoint().url().as_str(),
            "Actions": actions,
            "RequestId": local_request_id(),
        }
    }))
}

async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &state.config.access_token {
        let presented = presented_token(request.headers());
        if !presented.is_some_and(|token| tokens_match(token, expected.expose())) {
            return ProxyError::Unauthorized.into_response();
        }
    }
    next.run(request).await
}

fn presented_token(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    bearer.or_else(|| {
        headers
            .get(TOKEN_HEADER)
            .and_then(|value| value.to_str().ok())
    })
}

/// Compares SHA-256 digests in constant time: neither a matching prefix nor the expected length
/// changes how long the comparison takes.
fn tokens_match(presented: &str, expected: &str) -> bool {
    let presented = Sha256::digest(presented.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    presented.ct_eq(&expected).into()
}

async fn guard_browser(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if state.config.access_token.is_none() && !is_loopback_host(host_name(host)) {
        return ProxyError::HostNotAllowed(host.to_owned()).into_response();
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
        let same_origin = [format!("http://{host}"), format!("https://{host}")]
            .iter()
            .any(|own| own.eq_ignore_ascii_case(&origin));
        if !same_origin && !state.config.allowed_origins.contains(&origin) {
            return ProxyError::OriginNotAllowed(origin).into_response();
        }
    }
    next.run(request).await
}

/// `127.0.0.1:8787` → `127.0.0.1`, `[::1]:8787` → `[::1]`, `localhost` → `localhost`.
fn host_name(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_the_port() {
        assert_eq!(host_name("127.0.0.1:8787"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8787"), "[::1]");
        assert_eq!(host_name("localhost"), "localhost");
        assert!(is_loopback_host(host_name("[::1]:1")));
        assert!(!is_loopback_host(host_name("evil.example:8787")));
    }

    #[test]
    fn tokens_compare_by_full_content() {
        assert!(tokens_match("0123456789abcdef", "0123456789abcdef"));
        assert!(!tokens_match("0123456789abcdef", "0123456789abcdeg"));
        assert!(!tokens_match("0123456789abcde", "0123456789abcdef"));
        assert!(!tokens_match("0123456789abcdef0", "0123456789abcdef"));
        assert!(!tokens_match("", "0123456789abcdef"));
    }

    #[test]
    fn the_policy_is_the_apps_plus_frame_ancestors() {
        let index = include_str!("../../../index.html");
        let meta = index
            .split("http-equiv=\"Content-Security-Policy\"")
            .nth(1)
            .and_then(|rest| rest.split("content=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .expect("index.html has a CSP meta tag");
        assert_eq!(
            CONTENT_SECURITY_POLICY,
            format!("{meta}; frame-ancestors 'none'")
        );
    }
}
