//! How often each client may change state: a token bucket per client address and kind of
//! operation (governor's keyed limiter), charged by the operations themselves so the API,
//! the page and the CLI count alike.
//!
//! Each limiter keeps a little state per client address it has seen. [`Rates::prune`]
//! forgets clients whose bucket has refilled (they are indistinguishable from new ones), so
//! the memory follows the clients active in the last minute, not every address ever seen;
//! the server calls it every [`PRUNE_EVERY`].

use crate::server::{config::Config, error::ApiError};
use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::NoOpMiddleware,
    state::keyed::DefaultKeyedStateStore,
};
use std::{net::IpAddr, num::NonZeroU32, time::Duration};

/// How often the server prunes the limiters.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The kinds of state-changing operation, each with its own rate per client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Publishing a notification: `--publish-per-minute`.
    Notify,
    /// Starting a job: `--jobs-per-minute`.
    StartJob,
    /// Cancelling a job: [`CANCELS_PER_MINUTE`].
    CancelJob,
    /// Signing in with the token: [`SIGN_INS_PER_MINUTE`], against guessing.
    SignIn,
    /// Feeding a batch of quotes: [`FEEDS_PER_MINUTE`].
    FeedQuotes,
    /// Reporting a job's progress: [`REPORTS_PER_MINUTE`].
    Report,
}

/// Cancels per client per minute.
pub const CANCELS_PER_MINUTE: u32 = 600;
/// Sign-in attempts per client per minute.
pub const SIGN_INS_PER_MINUTE: u32 = 10;
/// Quote batches per client per minute: 100 a second, far above a ticker's needs.
pub const FEEDS_PER_MINUTE: u32 = 6_000;
/// Job reports per client per minute: 100 a second, for many jobs reporting often.
pub const REPORTS_PER_MINUTE: u32 = 6_000;

impl Action {
    const ALL: [Action; 6] = [
        Action::Notify,
        Action::StartJob,
        Action::CancelJob,
        Action::SignIn,
        Action::FeedQuotes,
        Action::Report,
    ];

    fn per_minute(self, config: &Config) -> u32 {
        match self {
            Action::Notify => config.publish_per_minute,
            Action::StartJob => config.jobs_per_minute,
            Action::CancelJob => CANCELS_PER_MINUTE,
            Action::SignIn => SIGN_INS_PER_MINUTE,
            Action::FeedQuotes => FEEDS_PER_MINUTE,
            Action::Report => REPORTS_PER_MINUTE,
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Action::Notify => "too many notifications from this client; slow down",
            Action::StartJob => "too many jobs started by this client; slow down",
            Action::CancelJob => "too many cancels from this client; slow down",
            Action::SignIn => "too many sign-in attempts from this client; wait a minute",
            Action::FeedQuotes => "too many quote batches from this client; slow down",
            Action::Report => "too many job reports from this client; slow down",
        }
    }
}

type Limiter<C> =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// One keyed limiter per [`Action`], indexed by its position in `Action::ALL`.
pub struct Rates<C: Clock = DefaultClock> {
    limiters: Vec<Limiter<C>>,
    clock: C,
}

impl Rates {
    pub fn new(config: &Config) -> Rates {
        Rates::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Rates<C> {
    pub fn with_clock(config: &Config, clock: C) -> Rates<C> {
        let limiters = Action::ALL
            .into_iter()
            .map(|action| {
                let per_minute =
                    NonZeroU32::new(action.per_minute(config)).unwrap_or(NonZeroU32::MIN);
                RateLimiter::dashmap_with_clock(Quota::per_minute(per_minute), clock.clone())
            })
            .collect();
        Rates { limiters, clock }
    }

    /// One `action` by `ip`, within its rate (429 with `Retry-After` beyond it).
    pub fn charge(&self, ip: IpAddr, action: Action) -> Result<(), ApiError> {
        self.limiter(action).check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::TooManyRequests {
                message: action.refusal().into(),
                retry_after: wait.as_secs() + 1,
            }
        })
    }

    /// Forgets every client whose buckets are full again; returns how many are still kept.
    pub fn prune(&self) -> usize {
        self.limiters
            .iter()
            .map(|limiter| {
                limiter.retain_recent();
                limiter.shrink_to_fit();
                limiter.len()
            })
            .sum()
    }

    fn limiter(&self, action: Action) -> &Limiter<C> {
        let index = Action::ALL.iter().position(|a| *a == action).unwrap_or(0);
        &self.limiters[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::net::Ipv4Addr;

    fn client(n: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n))
    }

    #[test]
    fn pruning_forgets_clients_whose_buckets_refilled() {
        let clock = FakeRelativeClock::default();
        let config = Config {
            publish_per_minute: 60,
            ..Config::default()
        };
        let rates = Rates::with_clock(&config, clock.clone());
        for n in 0..1_000 {
            rates.charge(client(n), Action::Notify).unwrap();
        }
        assert_eq!(rates.prune(), 1_000, "recent clients are kept");
        // One request per second refills within a second.
        clock.advance(Duration::from_secs(2));
        rates.charge(client(5_000), Action::StartJob).unwrap();
        assert_eq!(rates.prune(), 1, "only the client seen since is kept");
    }

    #[test]
    fn each_action_has_its_own_bucket() {
        let config = Config {
            publish_per_minute: 1,
            jobs_per_minute: 2,
            ..Config::default()
        };
        let rates = Rates::with_clock(&config, FakeRelativeClock::default());
        let ip = client(1);
        rates.charge(ip, Action::Notify).unwrap();
        let Err(ApiError::TooManyRequests { retry_after, .. }) = rates.charge(ip, Action::Notify)
        else {
            panic!("the second notification within a minute is refused")
        };
        assert_eq!(retry_after, 61);
        rates.charge(ip, Action::StartJob).unwrap();
        rates.charge(ip, Action::StartJob).unwrap();
        assert!(rates.charge(ip, Action::StartJob).is_err());
        assert!(rates.charge(client(2), Action::StartJob).is_ok());
    }
}
