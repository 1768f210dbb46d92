//! One ticker row: price, change, % change, sparkline, and a flash on every move.

use super::sparkline::sparkline;
use crate::{
    app::format,
    protocol::QuoteSeries,
    state::quotes::{Direction, direction},
};
use leptos::prelude::*;

/// One row per symbol, re-rendered from its series when that changes (Leptos patches the
/// cells in place); one reactive closure per row keeps the bundle small (see `job_card.rs`).
#[component]
pub fn QuoteRow(series: RwSignal<QuoteSeries>) -> impl IntoView {
    move || series.with(row)
}

fn row(series: &QuoteSeries) -> impl IntoView + use<> {
    let quote = &series.quote;
    let change = quote.change();
    let trend = if change >= 0.0 { "gain" } else { "loss" };
    // Two identical animations alternate by tick parity, so every update restarts it.
    let flash = match direction(series) {
        Direction::Up => format!("flash-up-{}", series.ticks % 2),
        Direction::Down => format!("flash-down-{}", series.ticks % 2),
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
