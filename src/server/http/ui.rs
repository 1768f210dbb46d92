//! The page on the router: its routes as leptos_router declares them (`app/mod.rs`: the
//! dashboard at `/`, a job's page at `/jobs/{id}`), listed by leptos_axum and rendered by
//! Leptos, and the page's server functions (`app/server_fns.rs`) under `/api/ui/`. Both
//! get the app's state as context, as the server functions' bodies (`page.rs`) expect.

use super::shell::shell;
use crate::{app::App, server::app_state::AppState};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

/// Adds the page's routes and its server functions to `router`.
pub fn routes(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    // The route list is read from the app itself: a route added there is served here.
    let listed = generate_route_list(|| view! { <App page=None/> });
    let options = state.leptos_options.clone();
    router.leptos_routes_with_context(state, listed, || {}, move || shell(options.clone()))
}
