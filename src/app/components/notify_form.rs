//! Send a test notification from the page (the same path as `POST /api/notifications`).

use super::{
    access::ReadOnlyNote,
    post_form::{Post, PostForm, post_error},
};
use crate::{
    app::server_fns::SendNotification,
    protocol::{Access, Level},
};
use leptos::{either::Either, prelude::*, server_fn::ServerFn};

#[component]
pub fn NotifyForm(access: RwSignal<Access>) -> impl IntoView {
    let send = Post::new();
    let can_operate = Memo::new(move |_| access.get().can_operate());
    move || {
        if !can_operate.get() {
            return Either::Left(view! { <ReadOnlyNote what="send notifications"/> });
        }
        Either::Right(view! {
        <PostForm to=SendNotification::PATH post=send class="notify-form">
            <div class="row">
                <label class="field level">
                    <span>"Level"</span>
                    <select name="level">
                        {Level::ALL.into_iter().map(|l| view! { <option value=l.as_str()>{l.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field title">
                    <span>"Title"</span>
                    <input name="title" required maxlength="120" placeholder="Deploy finished"/>
                </label>
            </div>
            <label class="field">
                <span>"Message"</span>
                <input name="body" maxlength="1000" placeholder="api-7 is serving the new build"/>
            </label>
            <button type="submit" class="btn btn-primary">"Send notification"</button>
            {post_error(&[send])}
        </PostForm>
        })
    }
}
