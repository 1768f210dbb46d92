//! One client connection: its TLS handshake (with HTTPS), HTTP/1.1 or HTTP/2 (hyper's auto
//! builder; an HTTP/1.1 connection whose first request is an event stream is written past
//! hyper, see `h1_stream.rs`), and the deadlines that keep a silent or slow client from
//! holding a file descriptor forever:
//!
//! - the handshake and the first request's headers must arrive within
//!   `--header-timeout-secs` of the accept, so a connection that sends nothing, or its
//!   headers a byte at a time, is closed;
//! - an HTTP/1 connection may then stay idle between requests for the same time (hyper's
//!   header read timeout also runs while a keep-alive connection waits for its next
//!   request; it never runs while a response, such as an event stream, is being sent);
//! - until its first request a connection is *waiting* ([`Waiting`]): it costs a file
//!   descriptor and has given us nothing, so it is the first to be closed when descriptors
//!   run short, and is closed at once on shutdown rather than holding it up.

use super::{h1_stream, rewind::Rewind, waiting::Waiting};
use axum::{Router, body::Body, extract::ConnectInfo};
use hyper::{body::Incoming, service::service_fn};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto::Builder,
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
    sync::Notify,
    time::{Instant, sleep_until},
};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::{Service, ServiceExt};

/// HTTP/2 connections are pinged this often when quiet, and dropped if the peer does not
/// answer within the same time: a vanished client does not hold its connection.
const H2_KEEP_ALIVE: Duration = Duration::from_secs(20);

/// Marks the requests of a connection that arrived over TLS (a request extension).
#[derive(Clone, Copy, Debug)]
pub struct OverTls;

/// What the network needs to know of the service it carries.
pub struct Settings {
    /// HTTPS (with HTTP/2 by ALPN) when set, else plain HTTP.
    pub tls: Option<TlsAcceptor>,
    /// The handshake and first request's headers must arrive within this of the accept,
    /// and an HTTP/1 connection may stay idle between requests for as long.
    pub header_timeout: Duration,
    /// The event stream's path (`GET` only): over HTTP/1.1 it is written past hyper.
    pub stream_path: &'static str,
}

/// How every connection is served.
#[derive(Clone)]
pub struct Connections {
    router: Router,
    builder: Arc<Builder<TokioExecutor>>,
    tls: Option<TlsAcceptor>,
    header_timeout: Duration,
    /// The event stream's path: a first request for it is served past hyper.
    stream_path: &'static str,
    shutdown: CancellationToken,
    pub waiting: Arc<Waiting>,
}

impl Connections {
    pub fn new(router: Router, settings: Settings, shutdown: CancellationToken) -> Connections {
        let Settings {
            tls,
            header_timeout,
            stream_path,
        } = settings;
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(H2_KEEP_ALIVE)
            .keep_alive_timeout(H2_KEEP_ALIVE);
        Connections {
            router,
            builder: Arc::new(builder),
            tls,
            header_timeout,
            stream_path,
            shutdown,
            waiting: Arc::new(Waiting::default()),
        }
    }

    /// Serves one accepted connection until it closes. It counts as waiting from now.
    pub fn serve(&self, tcp: TcpStream, peer: SocketAddr) -> impl Future<Output = ()> + use<> {
        let this = self.clone();
        let deadline = Instant::now() + self.header_timeout;
        let (id, evicted) = self.waiting.register();
        async move {
            let _ = tcp.set_nodelay(true);
            let first = First {
                peer,
                id,
                evicted,
                deadline,
            };
            match this.tls.clone() {
                None => this.http1_first(tcp, false, &first).await,
                Some(tls) => Box::pin(this.https(tcp, tls, &first)).await,
            }
            this.waiting.settle(id);
            this.waiting.close_one();
        }
    }

    /// The TLS handshake, then HTTP/2 (hyper) or HTTP/1.1 as ALPN chose.
    async fn https(&self, tcp: TcpStream, tls: TlsAcceptor, first: &First) {
        let handshake = tokio::select! {
            done = tls.accept(tcp) => done.map_err(|e| e.to_string()),
            () = sleep_until(first.deadline) => Err("TLS handshake timed out".into()),
            () = first.evicted.cancelled() => Err("closed to free a file descriptor".into()),
            () = self.shutdown.cancelled() => Err("shutting down".into()),
        };
        match handshake {
            Ok(stream) if stream.get_ref().1.alpn_protocol() == Some(b"h2") => {
                Box::pin(self.hyper(stream, true, first)).await
            }
            Ok(stream) => Box::pin(self.http1_first(stream, true, first)).await,
            Err(reason) => first.ended(&reason),
        }
    }

    /// Reads the first request: an event stream is served past hyper (`h1_stream.rs`),
    /// anything else by hyper, from its first byte.
    async fn http1_first<I>(&self, mut io: I, tls: bool, first: &First)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        // Every wait below is boxed: a connection's task is as large as its largest state,
        // and an event stream lives in its smallest one for hours.
        let read = Box::pin(async {
            tokio::select! {
                read = h1_stream::read_first(&mut io, self.stream_path) => read.map_err(|e| e.to_string()),
                () = sleep_until(first.deadline) => Err("no request within the header timeout".into()),
                () = first.evicted.cancelled() => Err("closed to free a file descriptor".into()),
                () = self.shutdown.cancelled() => Err("shutting down before its first request".into()),
            }
        });
        match read.await {
            Ok(h1_stream::First::Events(mut request)) => {
                self.waiting.settle(first.id);
                extend(&mut request, first.peer, tls);
                let response = Box::pin(self.router.clone().oneshot(*request));
                let Ok(response) = response.await;
                let written = Box::pin(h1_stream::respond(io, response)).await;
                first.ended(&written.map_or_else(|e| e.to_string(), |()| "done".into()));
            }
            Ok(h1_stream::First::Other(read)) => {
                Box::pin(self.hyper(Rewind::new(read, io), tls, first)).await;
            }
            Err(reason) => first.ended(&reason),
        }
    }

    async fn hyper<I>(&self, io: I, tls: bool, first: &First)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let First {
            peer,
            id,
            ref evicted,
            deadline,
        } = *first;
        let requested = Arc::new(Notify::new());
        let service = {
            let (router, requested) = (self.router.clone(), requested.clone());
            service_fn(move |mut request: hyper::Request<Incoming>| {
                requested.notify_one();
                extend(&mut request, peer, tls);
                router.clone().call(request.map(Body::new))
            })
        };
        let conn = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(io), service);
        tokio::pin!(conn);
        let (mut waiting, mut draining) = (true, false);
        let timeout = sleep_until(deadline);
        tokio::pin!(timeout);
        let reason = loop {
            tokio::select! {
                result = conn.as_mut() => break match result {
                    Ok(()) => "done".to_owned(),
                    Err(e) => e.to_string(),
                },
                () = requested.notified(), if waiting => {
                    waiting = false;
                    self.waiting.settle(id);
                }
                () = &mut timeout, if waiting => break "no request within the header timeout".into(),
                () = evicted.cancelled(), if waiting => break "closed to free a file descriptor".into(),
                () = self.shutdown.cancelled(), if !draining => {
                    if waiting {
                        break "shutting down before its first request".into();
                    }
                    draining = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        };
        first.ended(&reason);
    }
}

/// What every request learns of its connection, whichever path serves it.
fn extend<B>(request: &mut hyper::Request<B>, peer: SocketAddr, tls: bool) {
    request.extensions_mut().insert(ConnectInfo(peer));
    if tls {
        request.extensions_mut().insert(OverTls);
    }
}

/// A connection until its first request: who it is, and how long it may take.
struct First {
    peer: SocketAddr,
    id: u64,
    evicted: CancellationToken,
    deadline: Instant,
}

impl First {
    fn ended(&self, reason: &str) {
        tracing::debug!(peer = %self.peer, "connection closed: {reason}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection's task is allocated at the size of its largest state and holds it for
    /// the connection's life; the TLS handshake, hyper and the waits before the first
    /// request are boxed so that an event stream's connection does not pay for them.
    #[tokio::test]
    async fn a_connections_task_is_small() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (tcp, peer) = listener.accept().await.unwrap();
        let shutdown = CancellationToken::new();
        let settings = Settings {
            tls: None,
            header_timeout: Duration::from_secs(1),
            stream_path: "/api/events",
        };
        let connections = Connections::new(Router::new(), settings, shutdown);
        let task = connections.serve(tcp, peer);
        // 848 bytes in a debug build (was 4,800); a release build's layout is tighter.
        let size = std::mem::size_of_val(&task);
        assert!(size <= 1024, "a connection's task takes {size} bytes");
    }
}
