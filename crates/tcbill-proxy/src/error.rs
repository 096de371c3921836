//! The proxy's own refusals and failures, answered in Tencent's error envelope.
//!
//! The app then handles one shape for everything:
//! `{"Response":{"Error":{"Code":…,"Message":…},"RequestId":…}}`. Codes made up by the proxy start
//! with `TcbillProxy.` so they are never mistaken for Tencent's; Tencent's own error envelopes are not
//! `ProxyError`s, they pass through unchanged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// The action is not one of the read-only billing actions the proxy forwards.
    ActionNotAllowed(String),
    /// An access token is configured and the request did not carry it.
    Unauthorized,
    /// A browser page from an origin that is neither allowed nor this server's own.
    OriginNotAllowed(String),
    /// A non-loopback `Host` while no access token is set (DNS rebinding defence).
    HostNotAllowed(String),
    BodyTooLarge {
        limit_bytes: usize,
    },
    InvalidBody(String),
    /// The client did not send the request body within the body timeout.
    BodyTimeout,
    /// The request line's target is longer than the server reads.
    UriTooLong {
        limit_bytes: usize,
    },
    /// Too many or too large request headers.
    HeadersTooLarge {
        limit_bytes: usize,
        limit_count: usize,
    },
    NotFound,
    /// An error status made by the HTTP framework (a wrong method, say), re-dressed in the envelope.
    Http(StatusCode),
    /// Too many requests of one action are already waiting for a rate-limit slot.
    QueueFull {
        action: &'static str,
    },
    UpstreamUnreachable(String),
    UpstreamTimeout,
    /// The upstream's reply is larger than the proxy buffers.
    UpstreamReplyTooLarge {
        limit_bytes: usize,
    },
    /// The upstream answered with something that is not an API 3.0 envelope.
    UpstreamInvalidResponse {
        status: reqwest::StatusCode,
    },
}

impl ProxyError {
    pub fn from_transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::UpstreamTimeout
        } else {
            // reqwest's own message is generic ("error sending request"); the causes say what failed.
            let error = error.without_url();
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            Self::UpstreamUnreachable(message)
        }
    }

    /// Failures that another attempt may not repeat.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::UpstreamUnreachable(_) | Self::UpstreamTimeout => true,
            Self::UpstreamInvalidResponse { status } => status.is_server_error(),
            _ => false,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::ActionNotAllowed(_) => "TcbillProxy.ActionNotAllowed",
            Self::Unauthorized => "TcbillProxy.Unauthorized",
            Self::OriginNotAllowed(_) => "TcbillProxy.OriginNotAllowed",
            Self::HostNotAllowed(_) => "TcbillProxy.HostNotAllowed",
            Self::BodyTooLarge { .. } => "TcbillProxy.BodyTooLarge",
            Self::InvalidBody(_) => "TcbillProxy.InvalidBody",
            Self::BodyTimeout => "TcbillProxy.BodyTimeout",
            Self::UriTooLong { .. } => "TcbillProxy.UriTooLong",
            Self::HeadersTooLarge { .. } => "TcbillProxy.HeadersTooLarge",
            Self::NotFound => "TcbillProxy.NotFound",
            Self::Http(status) if *status == StatusCode::METHOD_NOT_ALLOWED => {
                "TcbillProxy.MethodNotAllowed"
            }
            Self::Http(_) => "TcbillProxy.HttpError",
            Self::QueueFull { .. } => "TcbillProxy.TooManyRequests",
            Self::UpstreamUnreachable(_) => "TcbillProxy.UpstreamUnreachable",
            Self::UpstreamTimeout => "TcbillProxy.UpstreamTimeout",
            Self::UpstreamReplyTooLarge { .. } => "TcbillProxy.UpstreamReplyTooLarge",
            Self::UpstreamInvalidResponse { .. } => "TcbillProxy.UpstreamInvalidResponse",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::ActionNotAllowed(_) | Self::OriginNotAllowed(_) | Self::HostNotAllowed(_) => {
                StatusCode::FORBIDDEN
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Http(status) => *status,
            Self::QueueFull { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::UpstreamUnreachable(_)
            | Self::UpstreamReplyTooLarge { .. }
            | Self::UpstreamInvalidResponse { .. } => StatusCode::BAD_GATEWAY,
            Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::ActionNotAllowed(action) => format!(
                "action {action:?} is not forwarded: tcbill-proxy only forwards read-only billing actions (see GET /api/health)"
            ),
            Self::Unauthorized => {
                "missing or wrong access token: send it as `Authorization: Bearer <token>` or `X-Tcbill-Token: <token>`".into()
            }
            Self::OriginNotAllowed(origin) => {
                format!("origin {origin} is not allowed; start the proxy with --allow-origin {origin}")
            }
            Self::HostNotAllowed(host) => format!(
                "Host {host} is not a loopback name; without --token the proxy only answers to localhost/127.0.0.1"
            ),
            Self::BodyTooLarge { limit_bytes } => format!("request body larger than {limit_bytes} bytes"),
            Self::InvalidBody(reason) => format!("request body must be a JSON object: {reason}"),
            Self::BodyTimeout => "request body not received in time".into(),
            Self::UriTooLong { limit_bytes } => format!("request target longer than {limit_bytes} bytes"),
            Self::HeadersTooLarge { limit_bytes, limit_count } => {
                format!("request headers over {limit_bytes} bytes or {limit_count} fields")
            }
            Self::NotFound => "not found: the API is POST /api/{Action}".into(),
            Self::Http(status) => format!(
                "HTTP {status}{}",
                if *status == StatusCode::METHOD_NOT_ALLOWED {
                    ": the API is POST /api/{Action} and GET /api/health"
                } else {
                    ""
                }
            ),
            Self::QueueFull { action } => format!(
                "too many {action} requests are already waiting for Tencent's rate limit; retry in a few seconds"
            ),
            Self::UpstreamUnreachable(reason) => format!("billing API unreachable: {reason}"),
            Self::UpstreamTimeout => "billing API did not answer in time".into(),
            Self::UpstreamReplyTooLarge { limit_bytes } => format!(
                "billing API reply larger than {limit_bytes} bytes (--max-reply-bytes); ask for smaller pages"
            ),
            Self::UpstreamInvalidResponse { status } => {
                format!("billing API answered HTTP {status} without a JSON Response envelope")
            }
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let body = json!({
            "Response": {
                "Error": { "Code": self.code(), "Message": self.message() },
                "RequestId": local_request_id(),
            }
        });
        (self.status(), Json(body)).into_response()
    }
}

/// A RequestId for answers the proxy makes itself: unique per process run, never Tencent-shaped.
pub(crate) fn local_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now_millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis());
    format!(
        "tcbill-proxy-{now_millis}-{}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
