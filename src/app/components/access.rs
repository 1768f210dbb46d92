//! Who is looking: with a publish token configured, a viewer sees the dashboard read-only
//! and can sign in with the token (once; the server then keeps an HttpOnly session
//! cookie); an operator can sign out. Without a token there is nothing to show.

use crate::{
    app::server_fns::{SignIn, SignOut},
    protocol::Access,
};
use leptos::prelude::*;

#[component]
pub fn AccessControl(access: RwSignal<Access>) -> AnyView {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    // The server answers with the viewer's new access; the controls follow it.
    Effect::new(move |_| {
        if let Some(Ok(now)) = sign_in.value().get() {
            access.set(now);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(now)) = sign_out.value().get() {
            access.set(now);
        }
    });
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <Show when=move || access.get() == Access::Viewer>
            <details class="sign-in">
                <summary class="btn">"Sign in"</summary>
                <ActionForm action=sign_in attr:class="sign-in-form">
                    <p class="sign-in-hint">"Operators sign in with the dashboard's token to start jobs and send notifications."</p>
                    <label class="field">
                        <span>"Operator token"</span>
                        <input type="password" name="token" required autocomplete="current-password"/>
                    </label>
                    <button type="submit" class="btn btn-primary">"Sign in"</button>
                    {error}
                </ActionForm>
            </details>
        </Show>
        <Show when=move || access.get() == Access::Operator>
            <ActionForm action=sign_out attr:class="sign-out-form">
                <span class="role">"Operator"</span>
                <button type="submit" class="btn btn-quiet">"Sign out"</button>
            </ActionForm>
        </Show>
    }
    .into_any()
}

/// Shown instead of a panel's controls to a viewer who has not signed in.
#[component]
pub fn ReadOnlyNote(what: &'static str) -> impl IntoView {
    view! { <p class="read-only-note">"Read-only. Sign in as an operator to " {what} "."</p> }
}
