//! One ticker row: price, change, % change, sparkline, and a flash on every move.

use super::sparkline::Sparkline;
use crate::{
    app::format,
    protocol::QuoteSeries,
    state::quotes::{Direction, direction},
};
use leptos::prelude::*;

#[component]
pub fn QuoteRow(series: RwSignal<QuoteSeries>) -> impl IntoView {
    let (symbol, name) = series.with_untracked(|s| (s.quote.symbol.clone(), s.quote.name.clone()));
    let change = move || series.with(|s| s.quote.change());
    let trend = move || if change() >= 0.0 { "gain" } else { "loss" };
    // Two identical animations alternate by tick parity, so every update restarts it.
    let flash = move || {
        series.with(|s| match direction(s) {
            Direction::Up => format!("flash-up-{}", s.ticks % 2),
            Direction::Down => format!("flash-down-{}", s.ticks % 2),
            Direction::Flat => String::new(),
        })
    };
    view! {
        <tr class=move || format!("quote {} {}", trend(), flash()) data-symbol=symbol.clone()>
            <th scope="row">
                <span class="symbol">{symbol.clone()}</span>
                <span class="company">{name}</span>
            </th>
            <td class="trend-col">
                <Sparkline series/>
            </td>
            <td class="num price">{move || series.with(|s| format::price(s.quote.price))}</td>
            <td class="num change change-col">{move || format::signed(change())}</td>
            <td class="num pct">
                <span class="pill">{move || series.with(|s| format::percent(s.quote.change_pct()))}</span>
            </td>
        </tr>
    }
}
