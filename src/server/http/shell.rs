//! The HTML document around the app, rendered only by the server, and the page's
//! Content-Security-Policy, which must name the same per-request nonce Leptos puts on its
//! hydration script.

use crate::app::App;
use axum::http::{HeaderValue, header};
use leptos::{
    config::{Env, LeptosOptions},
    nonce::use_nonce,
    prelude::*,
};
use leptos_axum::ResponseOptions;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    set_page_headers(&options);
    // Where the bundle lives depends on the build (see `site/`). The id lets
    // `cargo leptos watch` swap the stylesheet in place when only CSS changed.
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    // Read once: the document carries it for the browser, the app renders from it.
    let page = crate::initial::page();
    let state = page.as_ref().map(crate::initial::embed);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <title>"livedash"</title>
                <meta name="description" content="Live jobs, notifications and market prices over Server-Sent Events."/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link id="leptos" rel="stylesheet" href=stylesheet/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                {state}
            </head>
            <body>
                <App page/>
            </body>
        </html>
    }
}

/// The page is live data: caches must ask again each time (`no-cache`). Its CSP: scripts
/// only from us (the inline hydration script by nonce, the wasm by `wasm-unsafe-eval`);
/// connections only to us (plus the reload socket while developing); no framing, no
/// plugins, forms only to us. Style attributes are allowed: progress bars are rendered
/// with an inline width.
fn set_page_headers(options: &LeptosOptions) {
    let (Some(response), Some(nonce)) = (use_context::<ResponseOptions>(), use_nonce()) else {
        return;
    };
    let reload = match options.env {
        Env::DEV => format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port),
        Env::PROD => String::new(),
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'{reload}; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'self'; object-src 'none'"
    );
    if let Ok(value) = policy.parse() {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
}
