//! Who is watching now: a count, and the names a sign-on proxy gave (for viewers who may
//! see them), updated live from the stream's `presence` events.

use crate::protocol::Presence;
use leptos::prelude::*;

#[component]
pub fn Watching(presence: RwSignal<Presence>) -> impl IntoView {
    let count = move || presence.with(|p| format!("{} watching", p.watching));
    let names = move || presence.with(|p| p.users.join(", "));
    let shown = move || {
        presence.with(|p| match p.users.is_empty() {
            true => String::new(),
            false => format!("· {}", p.users.join(", ")),
        })
    };
    view! {
        <p class="watching" role="status" title=names>
            <svg class="eye" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" fill="none" stroke="currentColor" stroke-width="2"/>
                <circle cx="12" cy="12" r="3" fill="currentColor"/>
            </svg>
            <span class="count">{count}</span>
            <span class="names">{shown}</span>
        </p>
    }
}
