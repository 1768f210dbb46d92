//! Who is looking: with a publish token configured, a viewer sees the dashboard read-only
//! and can sign in with the token (once; the server then keeps an HttpOnly session
//! cookie); an operator can sign out. Without a token there is nothing to show.

use super::{
    post_form::{Post, PostForm},
    sign_in::TokenForm,
};
use crate::{
    app::server_fns::SignOut,
    protocol::{Access, TopicSet},
};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn AccessControl(access: RwSignal<Access>, topics: TopicSet, session: bool) -> impl IntoView {
    let (sign_in, sign_out) = (Post::new(), Post::new());
    let session = RwSignal::new(session);
    // The server answers with the viewer's new access; the controls follow it. A page
    // that must show other panels, or none (signed out of a private dashboard), loads
    // again.
    for (post, signed) in [(sign_in, true), (sign_out, false)] {
        Effect::new(move |_| {
            if let Some(Some(now)) = post.answer() {
                session.set(signed);
                if now == Access::Locked || (now == Access::Operator && topics != TopicSet::all()) {
                    crate::live::reload_now();
                }
                access.set(now);
            }
        });
    }
    // Memos: the controls are rebuilt when the access changes, not on every write to it.
    let viewer = Memo::new(move |_| access.get() == Access::Viewer);
    // Whoever signed in on the page may sign out, viewer or operator (a user of the sign-on
    // proxy cannot: the proxy signs them in on every request).
    let operator = Memo::new(move |_| access.get() == Access::Operator);
    let signed_in = Memo::new(move |_| {
        session.get() && matches!(access.get(), Access::Operator | Access::Viewer)
    });
    view! {
        {move || viewer.get().then(|| view! {
            <details class="sign-in">
                <summary class="btn">"Sign in"</summary>
                <TokenForm post=sign_in label="Operator token"
                    hint="Operators sign in with the operator token to start jobs and send notifications."/>
            </details>
        })}
        {move || signed_in.get().then(|| view! {
            <PostForm to=SignOut::PATH post=sign_out class="sign-out-form">
                {move || operator.get().then(|| view! { <span class="role">"Operator"</span> })}
                <button type="submit" class="btn btn-quiet">"Sign out"</button>
            </PostForm>
        })}
    }
}

/// Shown instead of a panel's controls to a viewer who has not signed in.
#[component]
pub fn ReadOnlyNote(what: &'static str) -> impl IntoView {
    view! { <p class="read-only-note">"Read-only. Sign in as an operator to " {what} "."</p> }
}
