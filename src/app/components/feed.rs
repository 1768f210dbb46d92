//! The recent notifications, newest first: what the toasts said, kept on the page.

use super::toasts::{icon, link};
use crate::{app::format, protocol::Toast};
use leptos::prelude::*;

#[component]
pub fn NotificationFeed(feed: RwSignal<Vec<Toast>>) -> impl IntoView {
    let empty = Memo::new(move |_| feed.with(Vec::is_empty));
    view! {
        <ol class="feed">
            <For each=move || feed.get() key=|t| (t.id, t.ts_ms) let:toast>
                <li class=format!("feed-item level-{}", toast.level.as_str())>
                    <span class="icon" aria-hidden="true">{icon(toast.level.as_str())}</span>
                    <div class="text">
                        <p class="title">{toast.title}</p>
                        <p class="body">{toast.body}</p>
                        {toast.link.map(link)}
                    </div>
                    <time class="when">{format::clock(toast.ts_ms)} " UTC"</time>
                </li>
            </For>
        </ol>
        {move || empty.get().then(|| view! {
            <p class="empty">"Nothing yet. Notifications from the API appear here and as toasts."</p>
        })}
    }
}
