//! A minimal reproduction of the Leptos behaviour behind the parallel-test hang (see the
//! Makefile and `routes()` in `src/server/mod.rs`), kept as a test so we notice when an
//! upgrade changes it.
//!
//! `leptos_router::generate_route_list` renders the app to list its routes while holding
//! `leptos::server::SuppressResourceLoad`, which sets one process-wide flag; every resource
//! created while it is set never loads, in whatever task, runtime or thread it lives. So a
//! server that lists its routes while another server in the process renders a page leaves
//! that page waiting forever. It runs in its own test binary because the flag is global.

use leptos::{prelude::*, server::SuppressResourceLoad};
use std::time::Duration;

/// Whether a resource created now, in a fresh owner, loads within a second.
async fn a_resource_loads() -> bool {
    let owner = Owner::new();
    let resource = owner.with(|| ArcResource::new(|| (), |()| async { 42 }));
    tokio::time::timeout(Duration::from_secs(1), resource.into_future())
        .await
        .is_ok_and(|value| value == 42)
}

#[tokio::test]
async fn a_route_listing_elsewhere_in_the_process_stalls_every_new_resource() {
    let _ = any_spawner::Executor::init_tokio();
    assert!(a_resource_loads().await, "without the flag, resources load");
    // Another "server" listing its routes holds what generate_route_list holds meanwhile.
    let (listing, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let (listing_tx, listing_rx) = listing;
    let (release_tx, release_rx) = release;
    let other = std::thread::spawn(move || {
        let guard = SuppressResourceLoad::new();
        listing_tx.send(()).unwrap();
        let _ = release_rx.recv();
        drop(guard);
    });
    listing_rx.recv().unwrap();
    assert!(
        !a_resource_loads().await,
        "Leptos no longer stalls resources during a route listing elsewhere: the once-per-\
         process route list in src/server/mod.rs may no longer be needed"
    );
    release_tx.send(()).unwrap();
    other.join().unwrap();
    assert!(
        a_resource_loads().await,
        "after the listing, resources load again"
    );
}
