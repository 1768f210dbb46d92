//! Only for the `embed` feature (`make dist`): hand the built site to memory-serve, which
//! embeds it in the binary (release builds; debug builds read the same files at request
//! time).
//!
//! The bundle is read from `target/dist/pkg`, where `make dist` copies it from the frontend
//! build it has just made: cargo-leptos empties `target/site` before every build, the
//! server-only one included, so the bundle cannot be read from there. Cargo reruns this
//! whenever a file of it changes, so the binary always carries the bundle built just before.

fn main() {
    // Without this, cargo would rerun the script on any change in the package.
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "embed")]
    embed::site();
}

#[cfg(feature = "embed")]
mod embed {
    use std::path::PathBuf;

    /// What the page loads; without them the binary would serve a page that never hydrates.
    const BUNDLE: [&str; 3] = ["livedash.js", "livedash.wasm", "livedash.css"];

    pub fn site() {
        println!("cargo::rerun-if-env-changed=LIVEDASH_EMBED_PKG");
        let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo"));
        let pkg = manifest_dir
            .join(std::env::var("LIVEDASH_EMBED_PKG").unwrap_or_else(|_| "target/dist/pkg".into()));
        if let Some(missing) = BUNDLE.iter().map(|f| pkg.join(f)).find(|p| !p.is_file()) {
            panic!(
                "{} is missing: the `embed` feature needs the bundle built first \
                 (`make dist` builds both, in order)",
                missing.display()
            );
        }
        // Two sets: the bundle, served under a versioned path (/pkg/<version>/), and
        // `public/` (which cargo-leptos copies to the site root), served at the root.
        let public = manifest_dir.join("public");
        memory_serve::load_names_directories(
            [("pkg", pkg), ("public", public)],
            !cfg!(debug_assertions),
        );
    }
}
