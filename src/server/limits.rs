//! Limits that keep one client, or all of them together, from exhausting the server:
//! concurrent event streams per client IP and in total. (The rates of state-changing
//! operations are in `rates.rs`.)
//!
//! Every stream holds a file descriptor for as long as it lives, so the total sits well
//! below the process's open-file limit: whatever `--max-streams` says, at most the limit
//! less a reserve (a quarter, at least 256) for the page, the API and new connections.
//!
//! A client's IP is the TCP peer's, or behind a reverse proxy the one the proxy puts in a
//! header (`--client-ip-source`); without that every client has the proxy's address, and
//! the per-IP limits apply to the proxy as a whole (see the README).

use super::{Config, error::ApiError};
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
    max_streams_per_ip: u32,
    /// Open streams per client IP; the total is the sum.
    streams: Mutex<(usize, HashMap<IpAddr, u32>)>,
}

/// Holds a stream's place in the limits; dropping it (the stream ended) frees it.
pub struct StreamPermit {
    limits: Arc<Limits>,
    ip: IpAddr,
}

impl Limits {
    pub fn new(config: &Config) -> Arc<Limits> {
        let configured = config.max_streams as usize;
        let max_streams = match rlimit::getrlimit(rlimit::Resource::NOFILE) {
            Ok((soft, _)) => streams_within(configured, soft),
            Err(_) => configured,
        };
        if max_streams < configured {
            tracing::warn!(
                "--max-streams {configured} is more than the open-file limit leaves room for; \
                 allowing {max_streams} (raise `ulimit -n` to allow more)"
            );
        }
        Arc::new(Limits {
            max_streams,
            max_streams_per_ip: config.max_streams_per_ip,
            streams: Mutex::new((0, HashMap::new())),
        })
    }

    /// Event streams allowed open at once, after the open-file limit.
    pub fn max_streams(&self) -> usize {
        self.max_streams
    }

    /// A place for one more event stream from `ip`: 429 when that client has too many
    /// open, 503 when the server as a whole does (both with `Retry-After`).
    pub fn open_stream(self: &Arc<Self>, ip: IpAddr) -> Result<StreamPermit, ApiError> {
        let mut guard = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let (total, per_ip) = &mut *guard;
        if *total >= self.max_streams {
            return Err(ApiError::Unavailable {
                message: format!(
                    "the server has its maximum of {} event streams open",
                    self.max_streams
                ),
                retry_after: STREAM_RETRY_AFTER * 2,
            });
        }
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
        Ok(StreamPermit {
            limits: self.clone(),
            ip,
        })
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut guard = self
            .limits
            .streams
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let (total, per_ip) = &mut *guard;
        *total -= 1;
        if let Some(mine) = per_ip.get_mut(&self.ip) {
            *mine -= 1;
            if *mine == 0 {
                per_ip.remove(&self.ip);
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
    use super::streams_within;

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
