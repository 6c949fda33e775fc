//! Accepting connections so the server stays reachable (issue 10, point 4).
//!
//! `axum::serve` sets no timer, so hyper's header-read timeout never fires:
//! a client that opens a connection and sends nothing holds it for ever, and
//! a thousand such clients exhaust the open-files limit. This loop serves
//! each connection with hyper's HTTP/1 and:
//! - a header-read timeout ([`ServerConfig::header_timeout`]), which hyper
//!   also runs while a keep-alive connection waits for its next request, so
//!   slow (slowloris) and idle connections are closed;
//! - at most [`connection_limit`] connections at once (a semaphore around
//!   accepted connections): the rest wait in the kernel's backlog until one
//!   closes, instead of failing to accept for want of file descriptors;
//! - the open-files soft limit raised to the hard limit at start
//!   ([`raise_open_files_limit`]).
//!
//! Request timeouts are layers on the router ([`crate::router`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceExt;

use crate::state::{AppState, ServerConfig};

/// File descriptors kept for everything but client connections: the
/// database (three per SQLite connection in WAL mode), an import's
/// temporary file, logs.
const RESERVED_FILES: u64 = 128;

/// Raises this process's open-files soft limit to its hard limit (where the
/// system has such limits) and returns the soft limit now in force.
pub fn raise_open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => Some(limit),
            Err(err) => {
                tracing::warn!(error = %err, "could not raise the open-files limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE)
                    .ok()
                    .map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// How many connections are served at once: the configured number, kept
/// [`RESERVED_FILES`] below the open-files limit (half of it, if the limit
/// is tiny), so accepting never fails for want of a descriptor.
pub fn connection_limit(configured: usize, open_files: Option<u64>) -> usize {
    let configured = configured.max(1);
    match open_files {
        Some(files) => {
            let room = if files > 2 * RESERVED_FILES {
                files - RESERVED_FILES
            } else {
                files / 2
            };
            configured.min(usize::try_from(room).unwrap_or(usize::MAX)).max(1)
        }
        None => configured,
    }
}

/// Accepts and serves connections on `listener` until `shutdown` completes;
/// then lets open requests finish (at most 10 seconds).
pub async fn run(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    max_connections: usize,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let config: ServerConfig = state.config.clone();
    let app = crate::router(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, then a connection: when every slot is taken, new
        // connections wait in the backlog until an idle one is closed.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors or a connection reset before accept:
                    // wait a little rather than spin, and keep serving.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .keep_alive(true);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still open after 10 s at shutdown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limit_stays_below_the_open_files_limit() {
        assert_eq!(connection_limit(4096, Some(1024)), 896);
        assert_eq!(connection_limit(4096, Some(1_048_576)), 4096);
        assert_eq!(connection_limit(100, Some(1024)), 100);
        assert_eq!(connection_limit(4096, Some(200)), 100);
        assert_eq!(connection_limit(4096, None), 4096);
        assert_eq!(connection_limit(0, Some(0)), 1);
    }
}
