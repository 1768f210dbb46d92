//! The stream's two timers: the next attempt after a failure (`protocol::reconnect`'s
//! schedule) and the watchdog that takes a silent stream for dead. Both belong to the
//! attempt they were set for (its generation), so a late timer never touches a newer one.

use super::Stream;
use crate::protocol::reconnect::Backoff;
use leptos::prelude::{set_interval_with_handle, set_timeout_with_handle};
use std::{rc::Rc, time::Duration};

/// The longest wait between attempts.
const MAX_BACKOFF_MS: u64 = 30_000;

impl Stream {
    /// Nothing, not even a heartbeat comment, for two heartbeat periods.
    pub(super) fn stale(&self) -> bool {
        let limit = 2.0 * self.inbox.timings().heartbeat_ms as f64;
        js_sys::Date::now() - self.heard_at.get() > limit
    }

    /// Checks every half heartbeat period (as the stream's `hello` gave it, so it starts
    /// with the first frames) that the stream is not stale: a silent stream is reopened
    /// between two and two and a half periods after its last byte.
    ///
    /// It belongs to the attempt it was started for: an interval that outlives its attempt
    /// does nothing (clearing it is not enough everywhere: a fake clock's timer ids, as
    /// Playwright's, do not fit the i32 web-sys hands back, so they never clear).
    pub(super) fn watch(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let generation = self.generation.get();
        let period = Duration::from_millis(self.inbox.timings().heartbeat_ms / 2);
        let watchdog = set_interval_with_handle(
            move || {
                if let Some(stream) = weak.upgrade()
                    && stream.generation.get() == generation
                    && stream.stale()
                {
                    stream.open_now();
                }
            },
            period,
        );
        if let Some(old) = self.watchdog.replace(watchdog.ok()) {
            old.clear();
        }
    }

    /// The next attempt, after the schedule's delay.
    pub(super) fn retry_later(self: &Rc<Self>) {
        let failures = self.failures.get() + 1;
        self.failures.set(failures);
        let schedule = Backoff::new(self.retry_ms.get(), MAX_BACKOFF_MS);
        let delay = schedule.delay_ms(failures, js_sys::Math::random(), self.retry_after_ms.get());
        let weak = Rc::downgrade(self);
        let generation = self.generation.get();
        let timer = set_timeout_with_handle(
            move || {
                if let Some(stream) = weak.upgrade()
                    && stream.generation.get() == generation
                {
                    stream.timer.set(None);
                    stream.open_now();
                }
            },
            Duration::from_millis(delay),
        );
        if let Some(old) = self.timer.replace(timer.ok()) {
            old.clear();
        }
    }
}
