//! Who is looking: with a publish token configured, a viewer sees the dashboard read-only
//! and can sign in with the token (once; the server then keeps an HttpOnly session
//! cookie); an operator can sign out. Without a token there is nothing to show.

use super::post_form::{Post, PostForm, post_error};
use crate::{
    app::server_fns::{SignIn, SignOut},
    protocol::{Access, TopicSet},
};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn AccessControl(access: RwSignal<Access>, topics: TopicSet) -> impl IntoView {
    let (sign_in, sign_out) = (Post::new(), Post::new());
    // The server answers with the viewer's new access; the controls follow it. A page
    // that must show other panels, or none (signed out of a private dashboard), loads
    // again.
    for post in [sign_in, sign_out] {
        Effect::new(move |_| {
            if let Some(Some(now)) = post.answer() {
                if now == Access::Locked || (now == Access::Operator && topics != TopicSet::all()) {
                    crate::live::reload_now();
                }
                access.set(now);
            }
        });
    }
    // Memos: the controls are rebuilt when the access changes, not on every write to it.
    let viewer = Memo::new(move |_| access.get() == Access::Viewer);
    let operator = Memo::new(move |_| access.get() == Access::Operator);
    view! {
        {move || viewer.get().then(|| view! {
            <details class="sign-in">
                <summary class="btn">"Sign in"</summary>
                <PostForm to=SignIn::PATH post=sign_in class="sign-in-form">
                    <p class="sign-in-hint">"Operators sign in with the operator token to start jobs and send notifications."</p>
                    <label class="field">
                        <span>"Operator token"</span>
                        <input type="password" name="token" required autocomplete="current-password"/>
                    </label>
                    <button type="submit" class="btn btn-primary">"Sign in"</button>
                    {post_error(&[sign_in])}
                </PostForm>
            </details>
        })}
        {move || operator.get().then(|| view! {
            <PostForm to=SignOut::PATH post=sign_out class="sign-out-form">
                <span class="role">"Operator"</span>
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
