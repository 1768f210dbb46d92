//! Percentiles of latencies.

/// `(p50, p99, max)` of `samples` (microseconds), in milliseconds; zeros when empty.
pub fn percentiles_ms(samples: &mut [u32]) -> (f64, f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
    (at(0.50), at(0.99), at(1.0))
}
