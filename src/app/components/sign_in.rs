//! The sign-in page: what a browser without access sees when watching needs it (no data
//! at all), and what a page shows when its session ended (the stream said `signed_out`, or
//! was refused 401): a prompt, not a loop of reconnects.
//!
//! With tokens configured it is a form (a view token or the operator token; the server
//! sets an HttpOnly session cookie); behind a sign-on proxy, a link back to the page, which
//! goes through the proxy's sign-in. After signing in the page loads again, with the data
//! the new session may see.

use super::post_form::{Post, PostForm, post_error};
use crate::app::server_fns::SignIn;
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn SignInPage(token: bool, ended: bool) -> impl IntoView {
    let post = Post::new();
    Effect::new(move |_| {
        if let Some(Some(_)) = post.answer() {
            crate::live::reload_now();
        }
    });
    let title = if ended {
        "Your session has ended"
    } else {
        "Sign in to watch"
    };
    let form = token.then(|| {
        view! {
            <TokenForm post label="Token"
                hint="This dashboard is private. Sign in with your view token (or the operator token)."/>
        }
    });
    let proxy = (!token).then(|| {
        view! {
            <p class="sign-in-hint">"This dashboard signs people in through your organisation's single sign-on."</p>
            <a class="btn btn-primary" href="/">"Sign in again"</a>
        }
    });
    view! {
        <section class="panel sign-in-page" aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{title}</h2>
            {form}
            {proxy}
        </section>
    }
}

/// The form that takes a token once; the server answers with a session cookie (HttpOnly:
/// the page's script never holds the token after this).
#[component]
pub fn TokenForm(post: Post, label: &'static str, hint: &'static str) -> impl IntoView {
    view! {
        <PostForm to=SignIn::PATH post class="sign-in-form">
            <p class="sign-in-hint">{hint}</p>
            <label class="field">
                <span>{label}</span>
                <input type="password" name="token" required autocomplete="current-password"/>
            </label>
            <button type="submit" class="btn btn-primary">"Sign in"</button>
            {post_error(&[post])}
        </PostForm>
    }
}
