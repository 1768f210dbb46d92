//! Market quotes and the short price history each ticker row draws as a sparkline.

use super::Millis;
use serde::{Deserialize, Serialize};

/// The latest trade of one symbol. `open` is the session's reference price, so the change
/// is derived rather than sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub symbol: String,
    /// Company name, for people and screen readers.
    pub name: String,
    pub price: f64,
    pub open: f64,
    pub ts_ms: Millis,
}

impl Quote {
    pub fn change(&self) -> f64 {
        self.price - self.open
    }

    pub fn change_pct(&self) -> f64 {
        if self.open == 0.0 {
            0.0
        } else {
            self.change() / self.open * 100.0
        }
    }
}

/// A symbol's current quote plus its recent prices (oldest first), as held in the
/// dashboard state and sent in snapshots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteSeries {
    pub quote: Quote,
    pub history: Vec<f64>,
    /// How many updates this series has seen.
    pub ticks: u64,
}
