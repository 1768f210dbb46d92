//! The dashboard page: rendered on the server from the current snapshot, then hydrated and
//! kept live by one event stream.

use super::{
    components::{
        AccessControl, ConnectionBadge, JobsPanel, NotificationFeed, NotifyForm, Ticker, ToastStack,
    },
    server_fns::get_page_state,
    store::Store,
};
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    // Resolved on the server during rendering; the browser reads the same value from the
    // page, so both render identical first markup.
    let page = Resource::new(|| (), |()| get_page_state());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let store = Store::new(page.snapshot, page.access, page.market);
                        crate::live::connect(store, page.head);
                        view! { <Board store/> }.into_any()
                    }
                    Err(e) => view! {
                        <p class="load-error" role="alert">"The dashboard could not load: " {e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
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
