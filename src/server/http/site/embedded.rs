//! The site embedded in the binary (`embed`, built by `make dist`), so the binary runs
//! alone. memory-serve serves each file with an `ETag` (answering `If-None-Match` with 304)
//! and as brotli (compressed at build time), gzip (compressed once at start) or plain, as
//! the client's `Accept-Encoding` prefers.
//!
//! The bundle (wasm, JS, CSS) is served under `/pkg/<version>/`, where the version is a
//! hash of its contents: a new build gets new URLs, so browsers may keep these files for a
//! year without asking again. Leptos's own file hashing would need a `hash.txt` beside the
//! executable at run time; a versioned directory needs nothing but the options below.

use super::shell::shell;
use crate::server::app_state::AppState;
use axum::Router;
use leptos::{
    config::{Env, LeptosOptions},
    prelude::provide_context,
};
use memory_serve::{CacheControl, MemoryServe};
use std::{
    hash::{DefaultHasher, Hash, Hasher},
    sync::LazyLock,
};

/// The wasm, JS and CSS cargo-leptos built.
fn bundle() -> MemoryServe {
    memory_serve::load!("pkg")
}

/// `public/`: the favicon and any other file served at the root.
fn public() -> MemoryServe {
    memory_serve::load!("public")
}

/// A hash over the content hashes of every file of the bundle.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let manifest = bundle().enable_hashed_routes(true).manifest();
    let mut hashed: Vec<&str> = manifest.iter().map(|(_, route)| route).collect();
    hashed.sort_unstable();
    let mut hasher = DefaultHasher::new();
    hashed.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
});

/// The bundle's version: a hash of its files' contents, fixed when the binary was built.
pub fn bundle_id(_options: &LeptosOptions) -> String {
    VERSION.clone()
}

/// Points the page's script, wasm and stylesheet at the versioned directory. An embedded
/// build is a deployed build, so it runs as production whatever the environment says.
pub fn leptos_options(mut options: LeptosOptions) -> LeptosOptions {
    options.site_pkg_dir = format!("pkg/{}", *VERSION).into();
    options.env = Env::PROD;
    options
}

/// The bundle at `/pkg/<version>/`, `public/` at the root, and the app's "not found" page
/// for anything else.
pub fn serve(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    // A debug build reads the files at request time, and they may change under the same
    // version: only a release build's embedded files are immutable.
    let bundle_cache = if cfg!(debug_assertions) {
        CacheControl::NoCache
    } else {
        CacheControl::Long
    };
    let bundle = bundle()
        .index_file(None)
        .cache_control(bundle_cache)
        .into_router();
    let public = public().index_file(None).into_router();
    let context = state.clone();
    let not_found = leptos_axum::ErrorHandler::new_with_context(
        move || provide_context(context.clone()),
        shell,
        state.leptos_options.clone(),
    );
    router
        .nest(&format!("/pkg/{}", *VERSION), bundle)
        .merge(public)
        .fallback_service(not_found)
}
