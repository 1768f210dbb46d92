//! The page's form posts, from the browser (see `app/components/post_form.rs`): the form
//! encoded by the browser itself and posted with `fetch`, as the server function's own
//! client would, asking for JSON so the server answers instead of redirecting.

use super::json;
use crate::{
    app::components::{Answer, Post},
    protocol::ErrorBody,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    FormData, Headers, HtmlFormElement, RequestInit, Response, SubmitEvent, UrlSearchParams,
};

/// Posts the submitted form and puts the outcome into `post`.
pub fn submit(event: SubmitEvent, post: Post) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    event.prevent_default();
    leptos::task::spawn_local(async move {
        let outcome = send(&form)
            .await
            .unwrap_or_else(|_| Err(failure("the server could not be reached".to_owned())));
        post.finish(outcome);
    });
}

/// The server function's answer (`Ok` with its JSON, or its error); `Err(_)` when no answer
/// came (the network, or a form the browser could not encode).
async fn send(form: &HtmlFormElement) -> Result<Result<Answer, ErrorBody>, JsValue> {
    // `application/x-www-form-urlencoded`, as the browser would post the form itself.
    let fields: JsValue = FormData::new_with_form(form)?.into();
    let body = UrlSearchParams::new_with_str_sequence_sequence(&fields)?;
    let headers = Headers::new()?;
    headers.append("accept", "application/json")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body);
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let unexpected = || failure(format!("the server answered {}", response.status()));
    Ok(if response.ok() {
        json::parse(&text).map_err(|_| unexpected())
    } else {
        // Our server functions fail with the API's `{"error": ...}` body.
        Err(json::parse(&text).unwrap_or_else(|_| unexpected()))
    })
}

fn failure(error: String) -> ErrorBody {
    ErrorBody { error, state: None }
}
