//! The site's files from disk (`target/site`), where cargo-leptos writes them: what
//! `cargo leptos watch` and the Rust tests serve. Files change on every rebuild, so nothing
//! here is versioned or cached for long.

use super::shell::shell;
use crate::server::app_state::AppState;
use axum::Router;
use leptos::config::LeptosOptions;
use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::Path,
};

/// The bundle stays at `/pkg/`, as cargo-leptos builds it.
pub fn leptos_options(options: LeptosOptions) -> LeptosOptions {
    options
}

/// A hash of the bundle as it is on disk now (every file's path and bytes): `cargo leptos
/// watch` restarts the server after each rebuild, so each rebuild is a new build.
pub fn bundle_id(options: &LeptosOptions) -> String {
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let mut files = Vec::new();
    collect(&pkg, &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// Any path no route matched: a file of the site, else the app's "not found" page.
pub fn serve(router: Router<AppState>, _state: &AppState) -> Router<AppState> {
    router.fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
}
