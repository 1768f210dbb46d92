//! One ticker row: price, change, % change, sparkline, and a flash on every move.

use super::sparkline::sparkline;
use crate::{
    app::format,
    protocol::QuoteSeries,
    state::quotes::{Direction, direction},
};
use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// A row's flash restarts at most this often: a row that moves ten times a second would
/// otherwise animate without pause, and at 500 quotes/s the flashes were most of the
/// frame's cost (README "Performance").
const FLASH_EVERY_MS: u64 = 1_000;

/// One row per symbol, re-rendered from its series when that changes (Leptos patches the
/// cells in place); one reactive closure per row keeps the bundle small (see `job_card.rs`).
#[component]
pub fn QuoteRow(series: RwSignal<QuoteSeries>) -> impl IntoView {
    let flashed = Flashed::default();
    move || series.with(|s| row(s, &flashed))
}

/// When this row's flash last restarted (the quote's time) and which of the two identical
/// animations it runs: switching between them is what restarts it.
#[derive(Default)]
struct Flashed(AtomicU64);

impl Flashed {
    /// The animation (0 or 1) for a move at `at_ms`: the other one if the last restart
    /// is long enough ago, else the same (the running flash goes on).
    fn parity(&self, at_ms: u64) -> u64 {
        let last = self.0.load(Ordering::Relaxed);
        let (since, parity) = (last >> 1, last & 1);
        if at_ms.saturating_sub(since) < FLASH_EVERY_MS && last != 0 {
            return parity;
        }
        let parity = parity ^ 1;
        self.0.store(at_ms << 1 | parity, Ordering::Relaxed);
        parity
    }
}

fn row(series: &QuoteSeries, flashed: &Flashed) -> impl IntoView + use<> {
    let quote = &series.quote;
    let change = quote.change();
    let trend = if change >= 0.0 { "gain" } else { "loss" };
    let flash = match direction(series) {
        Direction::Up => format!("flash-up-{}", flashed.parity(quote.ts_ms)),
        Direction::Down => format!("flash-down-{}", flashed.parity(quote.ts_ms)),
        Direction::Flat => String::new(),
    };
    view! {
        <tr class=format!("quote {trend} {flash}") data-symbol=quote.symbol.clone()>
            <th scope="row">
                <span class="symbol">{quote.symbol.clone()}</span>
                <span class="company">{quote.name.clone()}</span>
            </th>
            <td class="trend-col">{sparkline(series)}</td>
            <td class="num price">{format::price(quote.price)}</td>
            <td class="num change change-col">{format::signed(change)}</td>
            <td class="num pct">
                <span class="pill">{format::percent(quote.change_pct())}</span>
            </td>
        </tr>
    }
}
