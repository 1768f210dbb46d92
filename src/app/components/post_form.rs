//! A form posted to one of the page's server functions (`app/server_fns.rs`).
//!
//! It is a plain `<form method="post">` at the function's URL, so without JavaScript the
//! browser posts it and the server redirects back to the page. In a live page the post goes
//! through `fetch` instead (`live::submit`): the browser encodes the form, the page stays,
//! and the server function's answer or error lands in a [`Post`]. This replaces Leptos's
//! `ActionForm`, whose client re-encodes the form through the server function's types:
//! the same requests, without that machinery in the browser bundle (README "Performance").

use crate::protocol::{Access, ErrorBody};
use leptos::prelude::*;

/// What the page's server functions answer: nothing (`null`), or, signing in or out, the
/// viewer's new access.
pub type Answer = Option<Access>;

/// What the last post of a form came back with: the server function's answer or its
/// error. Empty until the first post.
#[derive(Clone, Copy)]
pub struct Post(RwSignal<Option<Result<Answer, ErrorBody>>>);

impl Post {
    pub fn new() -> Post {
        Post(RwSignal::new(None))
    }

    /// The last post's error, if it failed (tracked).
    pub fn error(self) -> Option<ErrorBody> {
        self.0.with(|last| last.as_ref()?.as_ref().err().cloned())
    }

    /// The last post's answer, if it succeeded (tracked).
    pub fn answer(self) -> Option<Answer> {
        self.0.with(|last| last.as_ref()?.as_ref().ok().copied())
    }

    pub fn finish(self, outcome: Result<Answer, ErrorBody>) {
        self.0.set(Some(outcome));
    }
}

impl Default for Post {
    fn default() -> Self {
        Post::new()
    }
}

/// `<form method="post" action=to>` whose submissions go to `post` in a live page. `to` is
/// the server function's path (`ServerFn::PATH`).
#[component]
pub fn PostForm<V: IntoView + 'static>(
    to: &'static str,
    post: Post,
    class: &'static str,
    children: TypedChildren<V>,
) -> impl IntoView {
    view! {
        <form method="post" action=to class=class on:submit=move |event| crate::live::submit(event, post)>
            {children.into_inner()()}
        </form>
    }
}

/// The error of the last failed post among `posts`, as an alert.
pub fn post_error(posts: &[Post]) -> impl IntoView + use<> {
    let posts = posts.to_vec();
    move || {
        posts
            .iter()
            .find_map(|post| post.error())
            .map(|e| view! { <p class="form-error" role="alert">{e.error}</p> })
    }
}
