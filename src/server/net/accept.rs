//! The accept loop, over plain HTTP or HTTPS (HTTP/2 and HTTP/1.1 by ALPN), with one
//! shutdown for both.
//!
//! The loop keeps accepting when file descriptors run short: it closes the connection that
//! has waited longest without sending a request (see `connection.rs`) and tries again,
//! rather than sleeping while `/healthz` and real clients queue unanswered.
//!
//! On shutdown the loop stops, connections that never sent a request are closed, and the
//! rest are left to finish (the service ends its event streams on the same token).

use super::connection::{Connections, Settings};
use axum::Router;
use std::{
    io,
    time::{Duration, Instant},
};
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

/// How many connections may wait to be accepted; the kernel caps it at
/// `net.core.somaxconn` (4096 on current Linux). Tokio's default of 1024 overflowed in a
/// reconnect storm: the kernel then drops handshakes and clients retry only after a second
/// or more (measured with `nstat TcpExtListenOverflows` under the load generator).
const LISTEN_BACKLOG: u32 = 65_535;
/// After an accept error that freeing a connection cannot fix, wait this long.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// At most one log line about accept errors this often.
const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(5);

/// Listens on `addr` with a backlog deep enough for thousands of clients at once.
pub fn listen(addr: std::net::SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std and tokio do: a restarted server can bind while old connections linger.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves every connection of `listener` with `service` until `shutdown` is cancelled,
/// then stops accepting, closes connections that never sent a request and lets open ones
/// finish (event streams end on the same token). The returned [`Open`] resolves once every
/// connection has closed; the caller bounds how long it waits.
pub async fn serve(
    listener: TcpListener,
    service: Router,
    settings: Settings,
    shutdown: CancellationToken,
) -> Open {
    let connections = Connections::new(service, settings, shutdown.clone());
    let tracker = TaskTracker::new();
    accept_until_shutdown(&listener, &connections, &tracker, &shutdown).await;
    tracker.close();
    Open(tracker)
}

/// The connections still open after the listener closed.
pub struct Open(TaskTracker);

impl Open {
    /// Resolves once the last connection has closed.
    pub async fn closed(&self) {
        self.0.wait().await;
    }
}

async fn accept_until_shutdown(
    listener: &TcpListener,
    connections: &Connections,
    tracker: &TaskTracker,
    token: &CancellationToken,
) {
    let mut errors = AcceptErrors::default();
    loop {
        // Unconstrained: tokio's cooperative budget would make the loop yield after 128
        // accepts and wait behind every connection it just spawned, so in a burst the
        // backlog filled while the loop queued for its turn.
        let accepted = tokio::select! {
            biased;
            () = token.cancelled() => return,
            accepted = tokio::task::unconstrained(listener.accept()) => accepted,
        };
        match accepted {
            Ok((tcp, peer)) => {
                tracker.spawn(connections.serve(tcp, peer));
            }
            // The client gave up before we accepted: nothing to do.
            Err(e) if is_connection_error(&e) => {}
            Err(e) if is_out_of_descriptors(&e) => {
                errors.note(&e, connections.waiting.len());
                let closed = connections.waiting.closed();
                if connections.waiting.evict_oldest() {
                    // Its descriptor is free once its task has dropped the socket.
                    let _ = tokio::time::timeout(Duration::from_millis(100), closed).await;
                } else {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
            Err(e) => {
                errors.note(&e, connections.waiting.len());
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Logs accept errors at most every [`ACCEPT_LOG_EVERY`], with how many there were.
#[derive(Default)]
struct AcceptErrors {
    last_logged: Option<Instant>,
    since: u64,
}

impl AcceptErrors {
    fn note(&mut self, error: &io::Error, waiting: usize) {
        self.since += 1;
        if self
            .last_logged
            .is_none_or(|at| at.elapsed() >= ACCEPT_LOG_EVERY)
        {
            tracing::warn!(
                "accept error: {error} ({} since the last report; {waiting} connections \
                 without a request yet, the oldest is closed to make room)",
                self.since
            );
            self.last_logged = Some(Instant::now());
            self.since = 0;
        }
    }
}

/// Errors about one incoming connection, not about the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// The process or the system has no file descriptor (or memory for a socket) to spare.
fn is_out_of_descriptors(e: &io::Error) -> bool {
    const EMFILE: i32 = 24;
    const ENFILE: i32 = 23;
    const ENOBUFS: i32 = 105;
    const ENOMEM: i32 = 12;
    matches!(e.raw_os_error(), Some(EMFILE | ENFILE | ENOBUFS | ENOMEM))
}
