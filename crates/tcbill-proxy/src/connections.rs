//! The accept loop: a cap on open connections and a deadline for every request head.
//!
//! `axum::serve` has neither, so one idle or slow ("slowloris") client per file descriptor could
//! stop the proxy answering. Here a connection is accepted only while fewer than `max_connections`
//! are open; the rest wait in the kernel's backlog, costing the process no descriptor. hyper closes a
//! connection whose request headers, or next request on a kept-alive connection, do not arrive within
//! `header_timeout`. (The body deadline is the handler's: only the API reads bodies.)

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How many connections, and how long a client may take to send a request head.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes; open connections are then dropped.
///
/// # Errors
/// Accepting failed for a reason other than a client's reset or the process's descriptor limit.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => return Ok(()),
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) if is_per_connection(&error) => continue,
                Err(error) if is_out_of_descriptors(&error) => {
                    // Other descriptors (upstream sockets, files) are in use; retry shortly.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                Err(error) => return Err(error),
            },
            () = &mut shutdown => return Ok(()),
        };
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A client that hangs up or times out is no error of the server's.
            let _ = connection.await;
            drop(slot);
        });
    }
}

fn is_per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// `EMFILE`/`ENFILE`: out of file descriptors.
fn is_out_of_descriptors(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(23 | 24))
}
