//! `livedash watch` against a server on port 0: it follows a job through a cut connection
//! and a server restart, and ends with the job's result.

use crate::api::{
    companion::{Companion, Source, lines_of},
    proxy::Proxy,
    support::TestServer,
};
use livedash::server::config::Config;

/// Fast reconnects: the server suggests 100 ms (`retry:`), as browsers are told.
fn config() -> Config {
    Config {
        retry_ms: 100,
        heartbeat_secs: 1,
        ..Config::default()
    }
}

async fn reported(server: &TestServer, title: &str) -> u64 {
    let body = format!(r#"{{"kind":"reported","title":"{title}","total":10}}"#);
    let (status, job) = server.post("/api/jobs", &body).await;
    assert_eq!(status, 201);
    job["id"].as_u64().unwrap()
}

async fn report(server: &TestServer, id: u64, body: &str) {
    let (status, answer) = server.post(&format!("/api/jobs/{id}/report"), body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn watch_resumes_after_a_cut_connection_and_exits_with_the_result() {
    let server = TestServer::with(config()).await;
    let proxy = Proxy::start(server.addr).await;
    let id = reported(&server, "Deploy").await;
    let mut watch = Companion::start(&proxy.url(), &["watch", &id.to_string()]);
    watch.line_with("\"Deploy\": running 0%").await;
    report(&server, id, r#"{"done":5}"#).await;
    watch.line_with("running 50%").await;

    proxy.cut();
    watch.line_with("reconnecting").await;
    report(&server, id, r#"{"done":8,"log":"after the cut"}"#).await;
    report(&server, id, r#"{"state":"completed"}"#).await;
    let (exit, seen) = watch.finish().await;
    assert_eq!(exit, 0, "{seen:#?}");
    let out = lines_of(&seen, Source::Stdout);
    assert!(
        out.contains(&format!("job {id} | after the cut").as_str()),
        "{out:?}"
    );
    assert_eq!(
        out.last().unwrap(),
        &format!("job {id} \"Deploy\": completed")
    );
    // The second connection resumed where the first stopped.
    assert!(
        proxy
            .sent()
            .to_ascii_lowercase()
            .contains("last-event-id: ")
    );
}

#[tokio::test]
async fn watch_exits_non_zero_when_the_job_fails_or_is_cancelled() {
    let server = TestServer::with(config()).await;
    for (ending, code, says) in [
        (
            r#"{"state":"failed","error":"disk full"}"#,
            4,
            "failed: disk full",
        ),
        ("cancel", 5, "cancelled"),
    ] {
        let id = reported(&server, "Backup").await;
        let mut watch = Companion::start(&server.base, &["watch", &id.to_string()]);
        watch.line_with("running").await;
        match ending {
            "cancel" => {
                let (status, _) = server.post(&format!("/api/jobs/{id}/cancel"), "").await;
                assert_eq!(status, 202);
            }
            body => report(&server, id, body).await,
        }
        let (exit, seen) = watch.finish().await;
        assert_eq!(exit, code, "{seen:#?}");
        assert!(
            lines_of(&seen, Source::Stdout)
                .last()
                .unwrap()
                .ends_with(says)
        );
    }
    let unknown = Companion::start(&server.base, &["watch", "999"]);
    let (exit, seen) = unknown.finish().await;
    assert_eq!(exit, 6);
    assert_eq!(
        lines_of(&seen, Source::Stderr),
        ["livedash: the server has no job 999"]
    );
}

#[tokio::test]
async fn after_a_restart_that_lost_the_job_watch_says_so() {
    let mut server = TestServer::with(config()).await;
    let id = reported(&server, "Migrate").await;
    let mut watch = Companion::start(&server.base, &["watch", &id.to_string()]);
    watch.line_with("running").await;

    let addr = server.addr;
    server.shut_down().await.unwrap();
    watch.line_with("reconnecting").await;
    // The new server (in memory: it lost everything) never hands out that id again.
    let restarted = TestServer::at(config(), addr).await;
    assert_ne!(reported(&restarted, "Something else").await, id);
    let (exit, seen) = watch.finish().await;
    assert_eq!(exit, 6, "{seen:#?}");
    let err = lines_of(&seen, Source::Stderr);
    assert!(
        err.last()
            .unwrap()
            .contains(&format!("job {id} is gone: the server restarted")),
        "{err:?}"
    );
}

#[tokio::test]
async fn watch_without_a_job_follows_them_all_until_ctrl_c() {
    let server = TestServer::with(config()).await;
    let first = reported(&server, "Import").await;
    let mut watch = Companion::start(&server.base, &["watch"]);
    watch.line_with("\"Import\": running").await;
    let second = reported(&server, "Export").await;
    report(&server, second, r#"{"log":"wrote orders.csv"}"#).await;
    report(&server, first, r#"{"state":"completed"}"#).await;
    watch
        .line_with(&format!("job {second} | wrote orders.csv"))
        .await;
    watch
        .line_with(&format!("job {first} \"Import\": completed"))
        .await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &watch.pid().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert_eq!(watch.finish().await.0, 130);
}

#[tokio::test]
async fn watch_with_a_view_token_follows_a_job_and_without_one_is_refused_clearly() {
    let server = TestServer::with(Config {
        publish_token: Some("publish-token-0123456789".into()),
        ..Config::from_args(["livedash", "--view-token", "view-token-0123456789"]).unwrap()
    })
    .await;
    let job = server
        .client
        .post(server.url("/api/jobs"))
        .bearer_auth("publish-token-0123456789")
        .body(r#"{"kind":"reported","title":"Private","total":2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(job.status(), 201);
    let id = job.json::<serde_json::Value>().await.unwrap()["id"]
        .as_u64()
        .unwrap()
        .to_string();

    let refused = Companion::start(&server.base, &["watch", &id]);
    let (exit, seen) = refused.finish().await;
    assert_ne!(exit, 0);
    let err = lines_of(&seen, Source::Stderr).join("\n");
    assert!(err.contains("401") && err.contains("sign in"), "{err}");

    let mut watch = Companion::start(
        &server.base,
        &["watch", &id, "--token", "view-token-0123456789"],
    );
    watch.line_with("\"Private\": running 0%").await;
    let report = server
        .client
        .post(server.url(&format!("/api/jobs/{id}/report")))
        .bearer_auth("publish-token-0123456789")
        .body(r#"{"state":"completed"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    let (exit, seen) = watch.finish().await;
    assert_eq!(exit, 0, "{seen:#?}");
}
