//! The market table: one row per symbol, each row reactive on its own.

use super::quote_row::QuoteRow;
use crate::{app::store::QuoteCell, protocol::MarketSource};
use leptos::prelude::*;

#[component]
pub fn Ticker(quotes: RwSignal<Vec<QuoteCell>>, source: MarketSource) -> impl IntoView {
    let origin = match source {
        MarketSource::Simulated => "simulated",
        MarketSource::Fed => "fed through the API",
    };
    let hint = move || {
        let n = quotes.with(Vec::len);
        let noun = if n == 1 { "symbol" } else { "symbols" };
        format!("{n} {noun} · {origin}")
    };
    let empty = Memo::new(move |_| quotes.with(Vec::is_empty));
    view! {
        <section class="panel ticker" aria-labelledby="ticker-title">
            <div class="panel-head">
                <h2 id="ticker-title">"Market"</h2>
                <span class="hint">{hint}</span>
            </div>
            <table class="quotes">
                <thead>
                    <tr>
                        <th scope="col">"Symbol"</th>
                        <th scope="col" class="trend-col">"Trend"</th>
                        <th scope="col" class="num">"Price"</th>
                        <th scope="col" class="num change-col">"Change"</th>
                        <th scope="col" class="num">"%"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || quotes.get() key=|cell| cell.symbol.clone() let:cell>
                        <QuoteRow series=cell.series/>
                    </For>
                </tbody>
            </table>
            {move || empty.get().then(|| view! {
                <p class="empty">"No prices yet. Systems feed them with " <code>"POST /api/quotes"</code> "."</p>
            })}
        </section>
    }
}
