//! Prices fed from outside (`POST /api/quotes`) become the same quotes the simulated market
//! makes, so they show, resume and snapshot exactly alike.
//!
//! A batch is priced whole before any of it is published: one bad item and nothing
//! changes. The number of symbols the ticker holds is bounded, like everything a client
//! can make the server keep.

use crate::protocol::{FedQuote, Quote, Snapshot};
use std::collections::HashMap;

/// At most this many symbols in the ticker, fed and simulated together.
pub const MAX_SYMBOLS: usize = crate::server::config::Symbols::MAX;

/// The quotes a validated batch makes against what the ticker shows now (`state`): a fed
/// quote keeps the name and reference price it does not give, and later items of the
/// batch see earlier ones. The error names the item that would pass [`MAX_SYMBOLS`].
pub fn price(state: &Snapshot, batch: Vec<FedQuote>, now_ms: u64) -> Result<Vec<Quote>, String> {
    let mut shown: HashMap<String, (String, f64)> = state
        .quotes
        .iter()
        .map(|s| (s.quote.symbol.clone(), (s.quote.name.clone(), s.quote.open)))
        .collect();
    batch
        .into_iter()
        .enumerate()
        .map(|(i, fed)| {
            let known = shown.get(&fed.symbol).cloned();
            if known.is_none() && shown.len() >= MAX_SYMBOLS {
                return Err(format!(
                    "`[{i}].symbol`: the ticker already shows its maximum of {MAX_SYMBOLS} \
                     symbols"
                ));
            }
            let (name, open) = known.unwrap_or_else(|| (fed.symbol.clone(), fed.price));
            let quote = Quote {
                name: fed.name.unwrap_or(name),
                open: fed.previous_close.unwrap_or(open),
                price: fed.price,
                ts_ms: fed.time_ms.unwrap_or(now_ms),
                symbol: fed.symbol,
            };
            shown.insert(quote.symbol.clone(), (quote.name.clone(), quote.open));
            Ok(quote)
        })
        .collect()
}
