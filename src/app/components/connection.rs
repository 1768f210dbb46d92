//! The live / reconnecting / offline indicator.

use crate::app::store::Connection;
use leptos::prelude::*;

#[component]
pub fn ConnectionBadge(status: RwSignal<Connection>) -> impl IntoView {
    view! {
        <p class="connection" data-state=move || status.get().as_str() role="status" aria-live="polite">
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{move || status.get().label()}</span>
        </p>
    }
}
