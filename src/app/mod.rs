//! The page, shared by server rendering and the browser: the router and the dashboard.
//! (The HTML document around it is the server's: `server/shell.rs`.)

pub mod components;
mod dashboard;
pub mod format;
pub mod server_fns;
pub mod store;

use dashboard::Dashboard;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
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
