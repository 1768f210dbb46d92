//! `POST /api/quotes`: prices fed from outside become the same `quote` events the simulated
//! market publishes, so they show, resume and snapshot exactly alike.
//!
//! A batch is checked whole before any of it is published: one bad item and nothing
//! changes. The number of symbols the ticker holds is bounded, like everything a client
//! can make the server keep.

use super::{AppState, auth::Operator, config::Symbols, error::ApiError, now_ms, rates::Action};
use crate::protocol::{Event, FedQuote, Quote, validate_batch};
use std::collections::HashMap;

/// At most this many symbols in the ticker, fed and simulated together.
pub const MAX_SYMBOLS: usize = Symbols::MAX;

impl AppState {
    /// Publishes a batch of fed quotes; returns how many.
    pub async fn feed_quotes(
        &self,
        operator: &Operator,
        batch: Vec<FedQuote>,
    ) -> Result<usize, ApiError> {
        self.charge(operator, Action::FeedQuotes)?;
        let batch = validate_batch(batch).map_err(ApiError::BadRequest)?;
        let quotes = self.hub.read(|state| {
            // What each symbol shows now: a fed quote keeps the name and reference price it
            // does not give. Later items of the batch see earlier ones.
            let mut shown: HashMap<String, (String, f64)> = state
                .quotes
                .iter()
                .map(|s| (s.quote.symbol.clone(), (s.quote.name.clone(), s.quote.open)))
                .collect();
            let now = now_ms();
            batch
                .into_iter()
                .enumerate()
                .map(|(i, fed)| {
                    let known = shown.get(&fed.symbol).cloned();
                    if known.is_none() && shown.len() >= MAX_SYMBOLS {
                        return Err(ApiError::BadRequest(format!(
                            "`[{i}].symbol`: the ticker already shows its maximum of \
                             {MAX_SYMBOLS} symbols"
                        )));
                    }
                    let (name, open) = known.unwrap_or_else(|| (fed.symbol.clone(), fed.price));
                    let quote = Quote {
                        name: fed.name.unwrap_or(name),
                        open: fed.previous_close.unwrap_or(open),
                        price: fed.price,
                        ts_ms: fed.time_ms.unwrap_or(now),
                        symbol: fed.symbol,
                    };
                    shown.insert(quote.symbol.clone(), (quote.name.clone(), quote.open));
                    Ok(quote)
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        let count = quotes.len();
        for quote in quotes {
            self.publish(Event::Quote(quote)).await?;
        }
        Ok(count)
    }
}
