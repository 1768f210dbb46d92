//! The site's files from disk (`target/site`), where cargo-leptos writes them: what
//! `cargo leptos watch`, the tests and the Playwright suite serve. Files change on every
//! rebuild, so nothing here is versioned or cached for long.

use super::shell::shell;
use crate::server::app_state::AppState;
use axum::Router;
use leptos::config::LeptosOptions;

/// The bundle stays at `/pkg/`, as cargo-leptos builds it.
pub fn leptos_options(options: LeptosOptions) -> LeptosOptions {
    options
}

/// Any path no route matched: a file of the site, else the app's "not found" page.
pub fn serve(router: Router<AppState>, _state: &AppState) -> Router<AppState> {
    router.fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
}
