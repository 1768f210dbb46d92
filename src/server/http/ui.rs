//! The page on the router: the dashboard at `/`, rendered by Leptos, and the page's server
//! functions (`app/server_fns.rs`) under `/api/ui/`.
//!
//! Written out here rather than through `leptos_axum`'s route listing: the page has one
//! path, so there is no client-side router to list routes from (`app/mod.rs`). Both get the
//! app's state as context, as the server functions' bodies (`page.rs`) expect.

use super::shell::shell;
use crate::server::app_state::AppState;
use axum::{
    Router,
    body::Body,
    http::Request,
    routing::{MethodFilter, get, on},
};
use leptos::prelude::provide_context;
use leptos_axum::{handle_server_fns_with_context, render_app_to_stream_with_context};

/// Adds the page and its server functions to `router`.
pub fn routes(mut router: Router<AppState>, state: &AppState) -> Router<AppState> {
    // Server functions and rendering run on Leptos's executor.
    let _ = any_spawner::Executor::init_tokio();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        // All of ours are POSTs (form posts); a method axum cannot route is skipped.
        let Ok(filter) = MethodFilter::try_from(method) else {
            continue;
        };
        let context = context.clone();
        let handler =
            move |request: Request<Body>| handle_server_fns_with_context(context, request);
        router = router.route(path, on(filter, handler));
    }
    let options = state.leptos_options.clone();
    let page = render_app_to_stream_with_context(context, move || shell(options.clone()));
    router.route(crate::app::DASHBOARD_PATH, get(page))
}
