//! The page's requests, through gloo-net (the design's HTTP client for the browser): the
//! form posts (see `app/components/post_form.rs`), the form encoded by the browser itself
//! and posted as the server function's own client would, asking for JSON so the server
//! answers instead of redirecting; and a job's page, when a link within the page opens it.

use super::json;
use crate::{
    app::components::{Answer, Post},
    protocol::{ErrorBody, JobId, JobView},
};
use gloo_net::http::{Request, Response};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{FormData, HtmlFormElement, SubmitEvent, UrlSearchParams};

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
    let unreachable = |e: gloo_net::Error| JsValue::from_str(&e.to_string());
    let response = Request::post(&form.action())
        .header("accept", "application/json")
        .body(body)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    Ok(answer(response).await)
}

/// `GET /api/jobs/{id}`: a job's page, opened from a link within this page.
pub async fn fetch_job(id: JobId) -> Result<JobView, ErrorBody> {
    let response = Request::get(&format!("/api/jobs/{id}"))
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|_| failure("the server could not be reached".to_owned()))?;
    answer(response).await
}

/// A response's JSON, or its error: our server functions and API fail with the API's
/// `{"error": ...}` body; anything else says the status.
async fn answer<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ErrorBody> {
    let text = response.text().await.unwrap_or_default();
    let unexpected = || failure(format!("the server answered {}", response.status()));
    if response.ok() {
        json::parse(&text).map_err(|_| unexpected())
    } else {
        Err(json::parse(&text).unwrap_or_else(|_| unexpected()))
    }
}

fn failure(error: String) -> ErrorBody {
    ErrorBody { error, state: None }
}
