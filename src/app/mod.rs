//! The page, shared by server rendering and the browser: the HTML shell, the router and
//! the dashboard.

pub mod components;
mod dashboard;
pub mod format;
pub mod server_fns;
pub mod store;

use dashboard::Dashboard;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The HTML document around the app; only ever rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="description" content="Live jobs, notifications and market prices over Server-Sent Events."/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/livedash.css"/>
        <Title text="livedash"/>
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                // Async: the page is sent once the snapshot is in it, so it reads
                // completely without JavaScript.
                <Route path=StaticSegment("") view=Dashboard ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
