//! Toasts: stacked in a corner, coloured by level, dismissed by their close button or after
//! about five seconds. The timer is a CSS animation, so hovering or focusing a toast pauses
//! it without any script; its end removes the toast.

use crate::{app::store::Store, protocol::Toast};
use leptos::prelude::*;

#[component]
pub fn ToastStack(store: Store) -> impl IntoView {
    view! {
        <section class="toasts" aria-live="polite" aria-label="New notifications">
            <For each=move || store.toasts.get() key=|t| (t.id, t.ts_ms) let:toast>
                <ToastItem toast store/>
            </For>
        </section>
    }
}

#[component]
fn ToastItem(toast: Toast, store: Store) -> impl IntoView {
    let id = toast.id;
    let key = (toast.id, toast.ts_ms);
    let level = toast.level.as_str();
    view! {
        <div class=format!("toast level-{level}") data-toast-id=id role=if level == "error" { "alert" } else { "status" }>
            <span class="icon" aria-hidden="true">{icon(level)}</span>
            <div class="text">
                <p class="title">{toast.title}</p>
                {(!toast.body.is_empty()).then(|| view! { <p class="body">{toast.body}</p> })}
                {toast.link.map(link)}
            </div>
            <button class="close" type="button" aria-label="Dismiss notification" on:click=move |_| store.dismiss(key)>"×"</button>
            <span class="timer" aria-hidden="true" on:animationend=move |_| store.dismiss(key)></span>
        </div>
    }
}

/// Where a notification leads (a path on this dashboard: the server accepts no other).
pub fn link(href: String) -> impl IntoView {
    let text = href.clone();
    view! { <a class="link" href=href>"Open " {text}</a> }
}

pub fn icon(level: &str) -> &'static str {
    match level {
        "success" => "✓",
        "warning" => "!",
        "error" => "×",
        _ => "i",
    }
}
