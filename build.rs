//! Only for the `embed` feature (`make dist`): hand the built site to memory-serve, which
//! embeds it in the binary (release builds; debug builds read the same files at request
//! time).
//!
//! The bundle is read from the directory in `LIVEDASH_EMBED_PKG`, which only `make dist`
//! (and its lint run) sets, to the copy it makes of the frontend build it has just run:
//! cargo-leptos empties `target/site` before every build, the server-only one too, and
//! builds the frontend and the server in parallel, so neither can guarantee a fresh bundle
//! on its own. Requiring the variable keeps a stray `--features embed` build from embedding
//! an old one. Cargo reruns this whenever a file of the bundle changes.

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
        let Ok(pkg) = std::env::var("LIVEDASH_EMBED_PKG") else {
            panic!(
                "the `embed` feature is built by `make dist`, which builds the bundle first; \
                 to embed another bundle, set LIVEDASH_EMBED_PKG to its directory"
            );
        };
        let pkg = manifest_dir.join(pkg);
        if let Some(missing) = BUNDLE.iter().map(|f| pkg.join(f)).find(|p| !p.is_file()) {
            panic!(
                "{} is missing: LIVEDASH_EMBED_PKG must name a built bundle \
                 (`make dist` builds one, then the server)",
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
