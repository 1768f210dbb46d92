//! Which build serves: every response names it (`X-Livedash-Build`), every stream opens
//! with it (`hello`), and the page carries the build that rendered it, so a page can tell
//! when the server under it was replaced by another build.

use crate::api::support::TestServer;
use livedash::{
    protocol::{HELLO, Hello, sse::Frame},
    server::config::Config,
};

#[tokio::test]
async fn every_response_every_stream_and_the_page_name_the_build() {
    let config = Config {
        build_tag: Some("canary".into()),
        ..Config::default()
    };
    let server = TestServer::with(config).await;
    let mut builds = Vec::new();
    for path in ["/api/jobs", "/healthz", "/", "/no-such-page"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        let build = response.headers()["x-livedash-build"]
            .to_str()
            .unwrap()
            .to_owned();
        builds.push(build);
    }
    let build = builds[0].clone();
    assert!(
        build.ends_with("-canary"),
        "the tag follows the bundle's hash: {build}"
    );
    assert!(builds.iter().all(|b| *b == build), "{builds:?}");

    let (_, page) = server.get_text("/").await;
    assert!(
        page.contains(&format!(r#""build":"{build}""#)),
        "the page names its build"
    );

    let mut stream = server.events("").await;
    let hello = loop {
        match stream.next_frame().await.expect("the stream opens") {
            Frame::Event { event, data, id } if event == HELLO => {
                assert!(
                    id.ends_with("-0"),
                    "a fresh stream starts at the log's start: {id}"
                );
                break serde_json::from_str::<Hello>(&data).unwrap();
            }
            Frame::Event { event, .. } => panic!("{event} before the hello"),
            _ => {}
        }
    };
    assert_eq!(hello.build, build);
    stream.snapshot().await;

    // A resuming stream has no snapshot, but it has a hello, at the client's own position.
    let head = server.state.hub.head_id().to_string();
    let mut resumed = server.events_after("", Some(&head)).await;
    let id = loop {
        if let Some(Frame::Event { event, id, .. }) = resumed.next_frame().await
            && event == HELLO
        {
            break id;
        }
    };
    assert_eq!(id, head);
}

#[tokio::test]
async fn a_bad_build_tag_stops_the_server_naming_the_flag() {
    for bad in ["", "has space", "x".repeat(33).as_str(), "semi;colon"] {
        let error = Config::from_args(["livedash", "--build-tag", bad]).unwrap_err();
        assert!(
            error.to_string().contains("--build-tag"),
            "{bad:?}: {error}"
        );
    }
}
