//! The market table: one row per symbol, each row reactive on its own.

use super::quote_row::QuoteRow;
use crate::app::store::QuoteCell;
use leptos::prelude::*;

#[component]
pub fn Ticker(quotes: RwSignal<Vec<QuoteCell>>) -> AnyView {
    view! {
        <section class="panel ticker" aria-labelledby="ticker-title">
            <div class="panel-head">
                <h2 id="ticker-title">"Market"</h2>
                <span class="hint">{move || quotes.with(Vec::len)} " symbols · simulated"</span>
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
        </section>
    }
    .into_any()
}
