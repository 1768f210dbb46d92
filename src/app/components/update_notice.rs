//! "livedash was updated": shown when the stream is served by another build than the one
//! that rendered the page. The page reloads itself at a safe moment (`live/update.rs`);
//! the button does it now.

use leptos::prelude::*;

#[component]
pub fn UpdateNotice(updated: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="update-notice" role="status" aria-live="polite" hidden=move || !updated.get()>
            <span>"livedash was updated. This page reloads by itself when you are not using it."</span>
            <button type="button" class="btn btn-primary" on:click=move |_| crate::live::reload_now()>
                "Reload now"
            </button>
        </div>
    }
}
