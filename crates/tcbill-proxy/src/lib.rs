//! tcbill-proxy: a small native server that holds the Tencent Cloud key, signs billing API calls with
//! TC3-HMAC-SHA256 and forwards only read-only billing actions, so the browser app never sees a secret.
//!
//! [`sign`] is pure and tested against Tencent's published vectors; [`server::router`] builds the whole
//! HTTP application so integration tests can run it on an ephemeral loopback port.

pub mod allowlist;
pub mod config;
pub mod connections;
pub mod credentials;
pub mod error;
pub mod ratelimit;
pub mod server;
pub mod sign;
pub mod static_files;
pub mod upstream;

use std::future::Future;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::connections::ConnectionLimits;
use crate::credentials::Credentials;

/// Serves the proxy on `listener` until `shutdown` completes.
///
/// # Errors
/// The HTTP client could not be built, or accepting connections failed.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    credentials: Credentials,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = ConnectionLimits {
        max_connections: config.max_connections,
        header_timeout: config.header_timeout,
    };
    let app = server::router(config, credentials).map_err(std::io::Error::other)?;
    connections::serve(listener, app, limits, shutdown).await
}
