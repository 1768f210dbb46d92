//! Pages render while other servers in the process start. Every server used to list its
//! routes on start through Leptos's router, which set a process-wide flag that stalled any
//! page being rendered meanwhile; the server no longer lists routes (`server/http/ui.rs`), and
//! this keeps it that way. Each thread here is a test of its own: its own runtime, its own
//! servers.

use crate::api::support::TestServer;
use std::time::Duration;

#[test]
fn pages_render_while_other_servers_start() {
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    for round in 0..8 {
                        let server = TestServer::start().await;
                        for request in 0..3 {
                            let page = tokio::time::timeout(Duration::from_secs(10), async {
                                let response = server.client.get(server.url("/")).send().await;
                                response.unwrap().text().await.unwrap()
                            })
                            .await;
                            let page = page.unwrap_or_else(|_| {
                                panic!("thread {thread}, server {round}: page {request} never completed")
                            });
                            assert!(page.contains(r#"data-symbol="AAPL""#));
                        }
                    }
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}
