//! Limits that keep one client, or all of them together, from exhausting the server:
//! concurrent event streams per client IP and in total, and the publish rate per IP.
//!
//! A client's IP is the TCP peer's, or behind a reverse proxy the one the proxy puts in a
//! header (`--client-ip-source`); without that every client has the proxy's address, and
//! the per-IP limits apply to the proxy as a whole (see the README).

use super::{Config, error::ApiError};
use axum::{extract::FromRequestParts, http::request::Parts};
use axum_client_ip::Rejection;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr},
    num::NonZeroU32,
    sync::{Arc, Mutex},
};

/// Seconds a refused stream is asked to wait before trying again.
const STREAM_RETRY_AFTER: u64 = 5;

pub struct Limits {
    max_streams: usize,
    max_streams_per_ip: u32,
    /// Open streams per client IP; the total is the sum.
    streams: Mutex<(usize, HashMap<IpAddr, u32>)>,
    publish: DefaultKeyedRateLimiter<IpAddr>,
}

/// Holds a stream's place in the limits; dropping it (the stream ended) frees it.
pub struct StreamPermit {
    limits: Arc<Limits>,
    ip: IpAddr,
}

impl Limits {
    pub fn new(config: &Config) -> Arc<Limits> {
        let per_minute = NonZeroU32::new(config.publish_per_minute).unwrap_or(NonZeroU32::MIN);
        Arc::new(Limits {
            max_streams: config.max_streams as usize,
            max_streams_per_ip: config.max_streams_per_ip,
            streams: Mutex::new((0, HashMap::new())),
            publish: RateLimiter::keyed(Quota::per_minute(per_minute)),
        })
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

    /// One publish from `ip`, within its rate (429 with `Retry-After` beyond it).
    pub fn publish(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.publish.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.publish.clock().now());
            ApiError::TooManyRequests {
                message: "too many notifications from this client; slow down".into(),
                retry_after: wait.as_secs() + 1,
            }
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
