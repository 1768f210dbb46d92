//! The dashboard page: rendered on the server from the current snapshot, then hydrated and
//! kept live by one event stream. Without access it is the sign-in page, with no data.

use super::{
    components::{
        AccessControl, ConnectionBadge, JobsPanel, NotificationFeed, NotifyForm, SignInPage,
        Ticker, ToastStack, UpdateNotice, Watching,
    },
    store::{Connection, Store},
};
use crate::protocol::{Access, PageState, Topic};
use leptos::{either::Either, prelude::*};

/// Rendered from `page` on both sides (the browser reads the same state from the document,
/// so both render identical first markup); the stream resumes from its event id. Hidden,
/// with its stream closed, while not `shown` (see `App`).
#[component]
pub fn Dashboard(page: PageState, shown: Memo<bool>) -> impl IntoView {
    if page.access == Access::Locked {
        let token = page.token_sign_in;
        return Either::Left(view! {
            <div class="dashboard locked" hidden=move || !shown.get()>
                <Brand/>
                <main class="sign-in-main">
                    <SignInPage token ended=false/>
                </main>
            </div>
        });
    }
    let (head, build, user) = (page.head, page.build.clone(), page.user.clone());
    let opened = use_context::<StoredValue<Option<Opened>>>();
    let base = PageState {
        snapshot: Default::default(),
        ..page.clone()
    };
    let store = Store::new(page);
    if let Some(opened) = opened {
        opened.set_value(Some(Opened { page: base, store }));
    }
    crate::live::connect(store, head, build, shown, None);
    Either::Right(view! {
        <div class="dashboard" hidden=move || !shown.get()>
            <Board store user/>
        </div>
    })
}

/// What a job's page opened by a link learns from the dashboard of its document: who is
/// watching (the state's basics, no data) and what they may do now (`store.access`).
#[derive(Clone)]
pub struct Opened {
    pub page: PageState,
    pub store: Store,
}

#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <div class="brand">
            <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M3 17l5-6 4 4 8-10" fill="none" stroke="currentColor" stroke-width="2.5"
                    stroke-linecap="round" stroke-linejoin="round"/>
            </svg>
            <h1 class="name">"livedash"</h1>
        </div>
    }
}

/// The panels of the topics this viewer may watch; once its session ends, the sign-in
/// prompt in their place.
#[component]
fn Board(store: Store, user: Option<String>) -> impl IntoView {
    let signed_out = Memo::new(move |_| store.connection.get() == Connection::SignedOut);
    let has = |topic| store.topics.contains(topic);
    let ticker =
        has(Topic::Quotes).then(|| view! { <Ticker quotes=store.quotes source=store.market/> });
    let jobs = has(Topic::Jobs).then(|| view! { <JobsPanel jobs=store.jobs access=store.access/> });
    let notifications = has(Topic::Toasts).then(|| {
        view! {
            <section class="panel notifications" aria-labelledby="notifications-title">
                <h2 id="notifications-title">"Notifications"</h2>
                <NotifyForm access=store.access/>
                <NotificationFeed feed=store.feed/>
            </section>
        }
    });
    let single = ticker.is_none() || (jobs.is_none() && notifications.is_none());
    let side = (jobs.is_some() || notifications.is_some())
        .then(|| view! { <div class="side">{jobs}{notifications}</div> });
    let toasts = has(Topic::Toasts).then(|| view! { <ToastStack store/> });
    let token = store.token_sign_in;
    view! {
        <header class="topbar">
            <Brand/>
            <div class="topbar-end">
                <Watching presence=store.presence/>
                {user.map(|user| view! { <span class="role user">{user}</span> })}
                <AccessControl access=store.access topics=store.topics session=store.session/>
                <ConnectionBadge status=store.connection/>
            </div>
        </header>
        <UpdateNotice updated=store.updated/>
        <noscript>
            <p class="static-note">"You are seeing a snapshot. Turn on JavaScript for live updates."</p>
        </noscript>
        {move || signed_out.get().then(|| view! {
            <main class="sign-in-main"><SignInPage token ended=true/></main>
        })}
        <main class="grid" class:single=single hidden=move || signed_out.get()>
            {ticker}
            {side}
        </main>
        {toasts}
    }
}
