//! When a client of the stream tries again: exponential backoff with full jitter, capped,
//! scaled by the server's `retry:` and never sooner than a `Retry-After` it was given.
//!
//! Shared by every client, the browser (`live/stream.rs`) and the CLI (`cli/feed.rs`), so
//! that after a restart a fleet of pages and scripts spreads out instead of coming back in
//! waves: attempt `n` waits a uniformly random time in `[0, min(cap, base·2^(n-1))]`
//! ("full jitter"), so the attempts of many clients are spread over the whole interval,
//! not bunched at its end. The randomness is the caller's (`unit`), so the schedule itself
//! is a pure function and tested as one.

/// The shortest base the schedule accepts: a server sending `retry: 0` must not make
/// every client retry in a loop.
pub const MIN_BASE_MS: u64 = 100;
/// The longest `Retry-After` honoured (a proxy's "come back tomorrow" is not waited out).
pub const MAX_RETRY_AFTER_MS: u64 = 300_000;

/// A reconnect schedule: `base_ms` is the server's `retry:` (or a client default), the
/// ceiling doubles with every failure in a row, up to `cap_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    base_ms: u64,
    cap_ms: u64,
}

impl Backoff {
    /// `base_ms` is clamped to `[MIN_BASE_MS, cap_ms]`.
    pub fn new(base_ms: u64, cap_ms: u64) -> Backoff {
        let cap_ms = cap_ms.max(MIN_BASE_MS);
        Backoff {
            base_ms: base_ms.clamp(MIN_BASE_MS, cap_ms),
            cap_ms,
        }
    }

    /// The longest wait before attempt `failures` (1 after the first failure):
    /// `base·2^(failures-1)`, capped.
    pub fn ceiling_ms(&self, failures: u32) -> u64 {
        let doublings = failures.saturating_sub(1).min(32);
        self.base_ms
            .saturating_mul(1u64 << doublings)
            .min(self.cap_ms)
    }

    /// The wait before attempt `failures`, for `unit` drawn uniformly from `[0, 1)`:
    /// `unit` of the ceiling, but at least `retry_after_ms` (the server's `Retry-After`,
    /// itself at most [`MAX_RETRY_AFTER_MS`]). No failure yet: no wait.
    pub fn delay_ms(&self, failures: u32, unit: f64, retry_after_ms: u64) -> u64 {
        if failures == 0 {
            return retry_after_ms.min(MAX_RETRY_AFTER_MS);
        }
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let jittered = (self.ceiling_ms(failures) as f64 * unit) as u64;
        jittered.max(retry_after_ms.min(MAX_RETRY_AFTER_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of `[0, 1)` (xorshift64*), so the spread test
    /// is reproducible.
    fn units(mut state: u64) -> impl Iterator<Item = f64> {
        std::iter::from_fn(move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let bits = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
            Some(bits as f64 / (1u64 << 53) as f64)
        })
    }

    #[test]
    fn the_ceiling_doubles_from_the_servers_retry_up_to_the_cap() {
        let b = Backoff::new(2_000, 30_000);
        let ceilings: Vec<u64> = (1..=7).map(|n| b.ceiling_ms(n)).collect();
        assert_eq!(
            ceilings,
            [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(
            b.ceiling_ms(u32::MAX),
            30_000,
            "no overflow after many failures"
        );
    }

    #[test]
    fn every_delay_lies_between_zero_and_the_ceiling() {
        let b = Backoff::new(1_000, 30_000);
        for (n, unit) in (1..=12).cycle().zip(units(7)).take(10_000) {
            let d = b.delay_ms(n, unit, 0);
            assert!(d <= b.ceiling_ms(n), "attempt {n}: {d} ms");
        }
        assert_eq!(b.delay_ms(3, 0.0, 0), 0);
        assert_eq!(b.delay_ms(3, 0.999_999_9, 0), 3_999);
        assert_eq!(
            b.delay_ms(3, f64::NAN, 0),
            0,
            "a broken random source waits nothing extra"
        );
        assert_eq!(b.delay_ms(3, 7.0, 0), 4_000, "never beyond the ceiling");
    }

    #[test]
    fn delays_spread_evenly_over_the_interval() {
        // Full jitter: of 20,000 clients retrying for the fifth time, each quarter of
        // [0, ceiling] gets about a quarter of them (no wave at the end of the interval).
        let b = Backoff::new(2_000, 30_000);
        let ceiling = b.ceiling_ms(5) as f64;
        let mut quarters = [0usize; 4];
        for unit in units(42).take(20_000) {
            let d = b.delay_ms(5, unit, 0) as f64;
            quarters[((d / ceiling * 4.0) as usize).min(3)] += 1;
        }
        for (i, &count) in quarters.iter().enumerate() {
            assert!(
                (4_500..=5_500).contains(&count),
                "quarter {i} got {count} of 20000: {quarters:?}"
            );
        }
        let distinct: std::collections::HashSet<u64> =
            units(9).take(100).map(|u| b.delay_ms(1, u, 0)).collect();
        assert!(distinct.len() > 90, "no two clients on the same schedule");
    }

    #[test]
    fn retry_after_is_a_floor_and_a_tiny_retry_is_raised() {
        let b = Backoff::new(1_000, 30_000);
        assert_eq!(b.delay_ms(1, 0.0, 5_000), 5_000);
        assert_eq!(b.delay_ms(1, 0.5, 5_000), 5_000);
        assert_eq!(
            b.delay_ms(6, 0.9, 5_000),
            27_000,
            "a longer jittered wait wins"
        );
        assert_eq!(b.delay_ms(0, 0.5, 0), 0, "the first attempt does not wait");
        assert_eq!(b.delay_ms(0, 0.5, 2_000), 2_000, "unless the server asked");
        assert_eq!(b.delay_ms(1, 0.0, u64::MAX), MAX_RETRY_AFTER_MS);
        assert_eq!(Backoff::new(0, 30_000).ceiling_ms(1), MIN_BASE_MS);
        assert_eq!(Backoff::new(90_000, 30_000).ceiling_ms(1), 30_000);
    }
}
