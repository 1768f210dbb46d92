//! Quote rows: the latest price per symbol plus a bounded history for the sparkline.

use crate::protocol::{Quote, QuoteSeries};

/// Prices kept per symbol: enough for a readable sparkline, small enough for snapshots.
pub const HISTORY_LEN: usize = 48;

/// Which way the last update moved the price; drives the row's flash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Flat,
}

/// Applies a quote to its symbol's row, adding a row for a symbol not seen before.
pub fn apply(rows: &mut Vec<QuoteSeries>, quote: &Quote) {
    match rows.iter_mut().find(|r| r.quote.symbol == quote.symbol) {
        Some(row) => update(row, quote),
        None => rows.push(QuoteSeries {
            quote: quote.clone(),
            history: vec![quote.price],
            ticks: 1,
        }),
    }
}

/// Applies a quote to one row (the browser keeps one reactive cell per row).
pub fn update(row: &mut QuoteSeries, quote: &Quote) {
    row.quote = quote.clone();
    row.history.push(quote.price);
    if row.history.len() > HISTORY_LEN {
        let excess = row.history.len() - HISTORY_LEN;
        row.history.drain(..excess);
    }
    row.ticks += 1;
}

/// The direction of the most recent move.
pub fn direction(row: &QuoteSeries) -> Direction {
    match row.history.as_slice() {
        [.., before, last] if last > before => Direction::Up,
        [.., before, last] if last < before => Direction::Down,
        _ => Direction::Flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(symbol: &str, price: f64) -> Quote {
        Quote {
            symbol: symbol.into(),
            name: String::new(),
            price,
            open: 100.0,
            ts_ms: 0,
        }
    }

    #[test]
    fn updates_rows_in_place_and_bounds_history() {
        let mut rows = Vec::new();
        apply(&mut rows, &quote("A", 100.0));
        apply(&mut rows, &quote("B", 50.0));
        for i in 0..HISTORY_LEN + 5 {
            apply(&mut rows, &quote("A", 100.0 + i as f64));
        }
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert_eq!(a.history.len(), HISTORY_LEN);
        assert_eq!(*a.history.last().unwrap(), a.quote.price);
        assert_eq!(a.ticks, HISTORY_LEN as u64 + 6);
        assert_eq!(direction(a), Direction::Up);
        assert_eq!(direction(&rows[1]), Direction::Flat);
    }

    #[test]
    fn derives_change_from_open() {
        let q = quote("A", 90.0);
        assert_eq!(q.change(), -10.0);
        assert!((q.change_pct() + 10.0).abs() < 1e-9);
        let mut row = QuoteSeries {
            quote: q.clone(),
            history: vec![95.0],
            ticks: 1,
        };
        update(&mut row, &q);
        assert_eq!(direction(&row), Direction::Down);
    }
}
