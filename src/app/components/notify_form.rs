//! Send a test notification from the page (the same path as `POST /api/notifications`).

use super::access::ReadOnlyNote;
use crate::{
    app::server_fns::SendNotification,
    protocol::{Access, Level},
};
use leptos::prelude::*;

#[component]
pub fn NotifyForm(access: RwSignal<Access>) -> AnyView {
    let send = ServerAction::<SendNotification>::new();
    view! {
        <Show
            when=move || access.get().can_operate()
            fallback=|| view! { <ReadOnlyNote what="send notifications"/> }
        >
        <ActionForm action=send attr:class="notify-form">
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
            {move || send.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </ActionForm>
        </Show>
    }
    .into_any()
}
