//! Stream limits per client and in total, and the publish rate: refused with 429 or 503,
//! a JSON reason and `Retry-After`; never otherwise.

use crate::api::support::TestServer;
use livedash::server::Config;

async fn open(server: &TestServer) -> reqwest::Response {
    server
        .client
        .get(server.url("/api/events?topics=toasts"))
        .send()
        .await
        .unwrap()
}

async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: serde_json::Value = response.json().await.unwrap();
    (
        status,
        retry_after,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_client_may_hold_only_so_many_streams() {
    let server = TestServer::with(Config {
        max_streams_per_ip: 2,
        ..Config::default()
    })
    .await;
    let (first, second) = (open(&server).await, open(&server).await);
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let (status, retry_after, error) = refusal(open(&server).await).await;
    assert_eq!((status, retry_after.as_str()), (429, "5"));
    assert!(
        error.contains("at most 2 event streams per client"),
        "{error}"
    );

    // Closing one frees its place once the server sees the connection close. Nothing a
    // client can await says when that happened, so poll (as Playwright's expect.poll does).
    drop(first);
    let mut reopened = None;
    for _ in 0..500 {
        let response = open(&server).await;
        if response.status() == 200 {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        reopened.is_some(),
        "a closed stream's place was never freed"
    );
}

#[tokio::test]
async fn the_server_caps_streams_in_total() {
    let server = TestServer::with(Config {
        max_streams: 1,
        ..Config::default()
    })
    .await;
    let _only = open(&server).await;
    let (status, retry_after, error) = refusal(open(&server).await).await;
    assert_eq!((status, retry_after.as_str()), (503, "10"));
    assert!(error.contains("maximum of 1 event streams"), "{error}");
}

#[tokio::test]
async fn publishing_is_rate_limited_per_client() {
    let server = TestServer::with(Config {
        publish_per_minute: 3,
        ..Config::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            server
                .post("/api/notifications", r#"{"level":"info","title":"ok"}"#)
                .await
                .0,
            202
        );
    }
    let response = server
        .client
        .post(server.url("/api/notifications"))
        .body(r#"{"level":"info","title":"one too many"}"#)
        .send()
        .await
        .unwrap();
    let (status, retry_after, error) = refusal(response).await;
    assert_eq!(status, 429);
    assert!(retry_after.parse::<u64>().unwrap() >= 1);
    assert!(error.contains("slow down"), "{error}");
}
