//! Per-topic delivery policy, applied per connection to whatever is queued for it:
//!
//! - toasts are reliable: every one, in order;
//! - a job's progress may be coalesced (a newer event of the same job carries the whole
//!   job), but state changes and final states are never dropped;
//! - quotes: latest value wins per symbol, optionally at most N batches a second.
//!
//! Dropping only ever removes frames; the survivors keep their order and their ids.

use super::published::{Key, Published};
use std::{
    collections::{BTreeMap, HashSet},
    sync::Arc,
    time::Duration,
};
use tokio::time::Instant;

/// Removes events superseded by a newer one in the same batch: older quotes of a symbol,
/// and progress-only job events followed by any newer event of that job. Returns how many
/// were removed.
pub fn conflate(batch: &mut Vec<Arc<Published>>) -> usize {
    let mut quotes = HashSet::new();
    let mut jobs = HashSet::new();
    let mut keep = vec![true; batch.len()];
    for (i, published) in batch.iter().enumerate().rev() {
        keep[i] = match &published.key {
            Key::Quote(symbol) => quotes.insert(symbol.as_str()),
            Key::JobProgress(id) => jobs.insert(*id),
            Key::JobMilestone(id) | Key::JobEnd(id) => {
                jobs.insert(*id);
                true
            }
            Key::Toast | Key::Snapshot => true,
        };
    }
    let before = batch.len();
    let mut flags = keep.into_iter();
    batch.retain(|_| flags.next().unwrap_or(true));
    before - batch.len()
}

/// Holds a connection's quotes back to at most one batch per `interval`, newest per
/// symbol. Any other event releases the held quotes first, so ids stay in order.
pub struct Throttle {
    interval: Duration,
    next: Instant,
    held: BTreeMap<String, Arc<Published>>,
}

impl Throttle {
    /// The slowest rate a client may ask for: one batch every 100 s. Below it the interval
    /// would overflow what a clock can add (`Instant + Duration`).
    pub const MIN_RATE: f64 = 0.01;
    /// The fastest: beyond it the throttle would hold nothing back.
    pub const MAX_RATE: f64 = 1_000.0;

    /// At most `rate` quote batches a second; a rate outside [`Self::MIN_RATE`] ..=
    /// [`Self::MAX_RATE`] (or not a number) is refused, the message naming the parameter.
    pub fn per_second(rate: f64) -> Result<Throttle, String> {
        if !(Self::MIN_RATE..=Self::MAX_RATE).contains(&rate) {
            return Err(format!(
                "`max_quote_rate` must be between {} and {} batches a second, got {rate}",
                Self::MIN_RATE,
                Self::MAX_RATE
            ));
        }
        Ok(Throttle {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Instant::now(),
            held: BTreeMap::new(),
        })
    }

    /// When held quotes are due, if any are held.
    pub fn due_at(&self) -> Option<Instant> {
        (!self.held.is_empty()).then_some(self.next)
    }

    /// Filters a conflated batch: returns what to send now, holding back early quotes.
    pub fn pass(&mut self, batch: Vec<Arc<Published>>, now: Instant) -> Vec<Arc<Published>> {
        let forced = batch.iter().any(|p| !matches!(p.key, Key::Quote(_)));
        for published in batch.iter().filter(|p| matches!(p.key, Key::Quote(_))) {
            if let Key::Quote(symbol) = &published.key {
                self.held.insert(symbol.clone(), published.clone());
            }
        }
        let mut out: Vec<_> = batch
            .into_iter()
            .filter(|p| !matches!(p.key, Key::Quote(_)))
            .collect();
        if forced || now >= self.next {
            out.extend(self.release(now));
            out.sort_by_key(|p| p.id);
        }
        out
    }

    /// Everything held, now.
    pub fn release(&mut self, now: Instant) -> Vec<Arc<Published>> {
        if !self.held.is_empty() {
            self.next = now + self.interval;
        }
        let mut out: Vec<_> = std::mem::take(&mut self.held).into_values().collect();
        out.sort_by_key(|p| p.id);
        out
    }

    /// Forgets held quotes (a catch-up covers them).
    pub fn clear(&mut self) {
        self.held.clear();
    }
}

#[cfg(test)]
#[path = "delivery_tests.rs"]
mod tests;
