//! The dashboard page: rendered on the server from the current snapshot, then hydrated and
//! kept live by one event stream.

use super::{
    components::{
        AccessControl, ConnectionBadge, JobsPanel, NotificationFeed, NotifyForm, Ticker,
        ToastStack, UpdateNotice,
    },
    store::Store,
};
use crate::protocol::PageState;
use leptos::prelude::*;

/// Rendered from `page` on both sides (the browser reads the same state from the document,
/// so both render identical first markup); the stream resumes from its event id. Hidden,
/// with its stream closed, while not `shown` (see `App`).
#[component]
pub fn Dashboard(page: PageState, shown: Memo<bool>) -> impl IntoView {
    let store = Store::new(page.snapshot, page.access, page.market);
    crate::live::connect(store, page.head, page.build, shown);
    view! {
        <div class="dashboard" hidden=move || !shown.get()>
            <Board store/>
        </div>
    }
}

#[component]
fn Board(store: Store) -> impl IntoView {
    view! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 17l5-6 4 4 8-10" fill="none" stroke="currentColor" stroke-width="2.5"
                        stroke-linecap="round" stroke-linejoin="round"/>
                </svg>
                <h1 class="name">"livedash"</h1>
            </div>
            <div class="topbar-end">
                <AccessControl access=store.access/>
                <ConnectionBadge status=store.connection/>
            </div>
        </header>
        <UpdateNotice updated=store.updated/>
        <noscript>
            <p class="static-note">"You are seeing a snapshot. Turn on JavaScript for live updates."</p>
        </noscript>
        <main class="grid">
            <Ticker quotes=store.quotes source=store.market/>
            <div class="side">
                <JobsPanel jobs=store.jobs access=store.access/>
                <section class="panel notifications" aria-labelledby="notifications-title">
                    <h2 id="notifications-title">"Notifications"</h2>
                    <NotifyForm access=store.access/>
                    <NotificationFeed feed=store.feed/>
                </section>
            </div>
        </main>
        <ToastStack store/>
    }
}
