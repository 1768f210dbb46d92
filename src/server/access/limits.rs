//! Limits that keep one client, or all of them together, from exhausting the server:
//! concurrent event streams per client IP and in total. (The rates of state-changing
//! operations are in `rates.rs`.)
//!
//! A stream over HTTP/1.1 has its connection to itself, and so a file descriptor for as
//! long as it lives: those streams stay well below the process's open-file limit, at most
//! the limit less a reserve (a quarter, at least 256) for the page, the API and new
//! connections, whatever `--max-streams` says. Streams over HTTP/2 share their client's
//! connection (a browser's tabs, a proxy's clients), so only `--max-streams` bounds them:
//! that is how one node holds 100,000 streams under an open-file limit of 20,000.
//!
//! A client's IP is the TCP peer's, or behind a reverse proxy the one the proxy puts in a
//! header (`--client-ip-source`); without that every client has the proxy's address, and
//! the per-IP limits apply to the proxy as a whole (see the README).

use crate::server::{config::Config, error::ApiError};
use axum::{extract::FromRequestParts, http::request::Parts};
use axum_client_ip::Rejection;
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr},
    sync::{Arc, Mutex},
};

/// Seconds a refused stream is asked to wait before trying again.
const STREAM_RETRY_AFTER: u64 = 5;

pub struct Limits {
    max_streams: usize,
    /// Streams on connections of their own: within the open-file limit.
    max_own_connection: usize,
    max_streams_per_ip: u32,
    streams: Mutex<Open>,
}

/// The streams open now.
#[derive(Default)]
struct Open {
    total: usize,
    own_connection: usize,
    per_ip: HashMap<IpAddr, u32>,
}

/// How a stream reaches its client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// HTTP/1.1: the connection (a file descriptor) is the stream's alone.
    OwnConnection,
    /// HTTP/2: one of many streams on a connection.
    Shared,
}

/// A handler's stream goes over the request's own HTTP version.
impl<S: Send + Sync> FromRequestParts<S> for Transport {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(if parts.version >= axum::http::Version::HTTP_2 {
            Transport::Shared
        } else {
            Transport::OwnConnection
        })
    }
}

/// Holds a stream's place in the limits; dropping it (the stream ended) frees it.
pub struct StreamPermit {
    limits: Arc<Limits>,
    ip: IpAddr,
    transport: Transport,
}

impl Limits {
    pub fn new(config: &Config) -> Arc<Limits> {
        let configured = config.max_streams as usize;
        let max_own_connection = match rlimit::getrlimit(rlimit::Resource::NOFILE) {
            Ok((soft, _)) => streams_within(configured, soft),
            Err(_) => configured,
        };
        if max_own_connection < configured {
            tracing::warn!(
                "--max-streams {configured} is more than the open-file limit leaves room for \
                 over HTTP/1.1; allowing {max_own_connection} of them (HTTP/2 streams share \
                 connections; raise `ulimit -n` to allow more)"
            );
        }
        Arc::new(Limits {
            max_streams: configured,
            max_own_connection,
            max_streams_per_ip: config.max_streams_per_ip,
            streams: Mutex::new(Open::default()),
        })
    }

    /// A place for one more event stream from `ip`: 429 when that client has too many
    /// open, 503 when the server as a whole does, or has as many streams on connections
    /// of their own as its file descriptors allow (both with `Retry-After`).
    pub fn open_stream(
        self: &Arc<Self>,
        ip: IpAddr,
        transport: Transport,
    ) -> Result<StreamPermit, ApiError> {
        let mut open = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let full = |message: String| ApiError::Unavailable {
            message,
            retry_after: STREAM_RETRY_AFTER * 2,
        };
        if open.total >= self.max_streams {
            return Err(full(format!(
                "the server has its maximum of {} event streams open",
                self.max_streams
            )));
        }
        let own = transport == Transport::OwnConnection;
        if own && open.own_connection >= self.max_own_connection {
            return Err(full(format!(
                "the server has its maximum of {} event streams over HTTP/1.1 open (its \
                 open-file limit); HTTP/2 carries more",
                self.max_own_connection
            )));
        }
        let Open {
            total,
            own_connection,
            per_ip,
        } = &mut *open;
        let mine = per_ip.entry(ip).or_default();
        if *mine >= self.max_streams_per_ip {
            return Err(ApiError::TooManyRequests {
                message: format!(
                    "at most {} event streams per client",
                    self.max_streams_per_ip
                ),
                retry_after: STREAM_RETRY_AFTER,
            });
        }
        *mine += 1;
        *total += 1;
        *own_connection += usize::from(own);
        Ok(StreamPermit {
            limits: self.clone(),
            ip,
            transport,
        })
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self
            .limits
            .streams
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        open.total -= 1;
        if self.transport == Transport::OwnConnection {
            open.own_connection -= 1;
        }
        if let Some(mine) = open.per_ip.get_mut(&self.ip) {
            *mine -= 1;
            if *mine == 0 {
                open.per_ip.remove(&self.ip);
            }
        }
    }
}

/// Streams allowed under `open_files` file descriptors: `configured`, but no more than the
/// limit less a reserve of a quarter of it (at least 256) for everything else.
fn streams_within(configured: usize, open_files: u64) -> usize {
    let open_files = usize::try_from(open_files).unwrap_or(usize::MAX);
    let reserve = (open_files / 4).max(256);
    configured.min(open_files.saturating_sub(reserve)).max(1)
}

/// The client's IP address, from the configured source (see `--client-ip-source`).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum_client_ip::ClientIp::from_request_parts(parts, state).await {
            Ok(axum_client_ip::ClientIp(ip)) => Ok(ClientIp(ip)),
            // The router driven without a socket (tests): one anonymous client.
            Err(Rejection::NoConnectInfo) => Ok(ClientIp(IpAddr::V4(Ipv4Addr::UNSPECIFIED))),
            // The configured header is missing or invalid: the request did not come
            // through the proxy, or the proxy does not set it.
            Err(e) => Err(ApiError::BadRequest(format!(
                "cannot tell the client's address: {e}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http2_streams_are_not_held_to_the_open_file_limit() {
        let limits = Arc::new(Limits {
            max_streams: 3,
            max_own_connection: 1,
            max_streams_per_ip: 10,
            streams: Mutex::new(Open::default()),
        });
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let own = limits.open_stream(ip, Transport::OwnConnection).unwrap();
        let refused = limits
            .open_stream(ip, Transport::OwnConnection)
            .err()
            .unwrap();
        assert!(refused.to_string().contains("over HTTP/1.1"), "{refused}");
        let shared: Vec<_> = (0..2)
            .map(|_| limits.open_stream(ip, Transport::Shared).unwrap())
            .collect();
        // The total still holds, for either transport.
        let refused = limits.open_stream(ip, Transport::Shared).err().unwrap();
        assert!(refused.to_string().contains("maximum of 3"), "{refused}");
        // An HTTP/1.1 stream that ended makes room for another.
        drop(own);
        drop(shared);
        let _again = limits.open_stream(ip, Transport::OwnConnection).unwrap();
    }

    #[test]
    fn streams_stay_well_below_the_open_file_limit() {
        assert_eq!(streams_within(10_000, 1_048_576), 10_000);
        assert_eq!(streams_within(10_000, 20_000), 10_000);
        assert_eq!(streams_within(10_000, 4_096), 3_072);
        assert_eq!(streams_within(10_000, 1_024), 768);
        assert_eq!(streams_within(10_000, 100), 1);
        assert_eq!(streams_within(10_000, u64::MAX), 10_000);
    }
}
