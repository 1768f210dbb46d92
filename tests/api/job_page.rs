//! A job's own page, `/jobs/{id}`, and `GET /api/jobs/{id}`: the job alone, its longer
//! log, its timeline; 404 for a job the list does not hold; the same access as the rest.

use crate::api::support::TestServer;
use livedash::{
    protocol::{ErrorBody, JobState, JobView, PageState, Topic},
    server::config::Config,
};
use serde_json::json;

fn lines(range: std::ops::Range<u32>) -> Vec<String> {
    range.map(|i| format!("import line {i:03}")).collect()
}

/// A reported job with `reports` reports of the given lines each.
async fn reported_job(server: &TestServer, title: &str, reports: &[Vec<String>]) -> u64 {
    let spec = json!({ "kind": "reported", "title": title, "total": 10 }).to_string();
    let (status, job) = server.post("/api/jobs", &spec).await;
    assert_eq!(status, 201, "{job}");
    let id = job["id"].as_u64().unwrap();
    for (done, log) in reports.iter().enumerate() {
        let report = json!({ "done": done + 1, "log": log }).to_string();
        let (status, body) = server
            .post(&format!("/api/jobs/{id}/report"), &report)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

/// The page state a page embeds.
fn embedded(html: &str) -> Result<PageState, ErrorBody> {
    let marker = r#"id="page-state">"#;
    let start = html.find(marker).expect("no page state") + marker.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn a_jobs_page_has_the_job_alone_its_longer_log_and_its_timeline() {
    let server = TestServer::start().await;
    let other = reported_job(&server, "Another job", &[lines(0..3)]).await;
    let reports = [lines(0..100), lines(100..200), lines(200..230)];
    let id = reported_job(&server, "Nightly import", &reports).await;

    let (status, view) = server.get_json(&format!("/api/jobs/{id}")).await;
    assert_eq!(status, 200, "{view}");
    let view: JobView = serde_json::from_value(view).unwrap();
    assert_eq!(view.log.lines, lines(0..230), "every line, once, in order");
    assert_eq!(view.log.skipped, 0);
    assert!(
        view.job.log.lines.len() < 230,
        "the job itself carries the newest only"
    );
    assert_eq!(view.job.timeline.started_ms, Some(view.job.created_ms));

    let (status, html) = server.get_text(&format!("/jobs/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nightly import") && html.contains("import line 000"));
    assert!(html.contains("import line 229") && html.contains("Timeline"));
    let page = embedded(&html).unwrap();
    assert_eq!(page.job, Some(id));
    let ids: Vec<_> = page.snapshot.jobs.iter().map(|j| j.id).collect();
    assert_eq!(ids, [id], "the page holds its job alone, not {other}");
    assert!(page.snapshot.quotes.is_empty() && page.snapshot.toasts.is_empty());
    assert_eq!(page.topics, [Topic::Jobs].into_iter().collect());
    assert_eq!(page.log.unwrap().lines.len(), 230);
    // The dashboard's cards link to the page.
    let (_, dashboard) = server.get_text("/").await;
    assert!(
        dashboard.contains(&format!(r#"href="/jobs/{id}""#)),
        "no link"
    );

    let end = json!({ "state": "completed" }).to_string();
    let (status, body) = server.post(&format!("/api/jobs/{id}/report"), &end).await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = server.get_json(&format!("/api/jobs/{id}")).await;
    let view: JobView = serde_json::from_value(view).unwrap();
    assert_eq!(view.job.state, JobState::Completed);
    assert!(view.job.timeline.ended_ms.is_some());
    let (_, html) = server.get_text(&format!("/jobs/{id}")).await;
    assert!(html.contains("Completed after"), "the timeline's end");
}

#[tokio::test]
async fn the_longer_log_is_bounded() {
    let server = TestServer::start().await;
    let reports: Vec<_> = (0..7).map(|i| lines(i * 100..i * 100 + 100)).collect();
    let id = reported_job(&server, "Chatty", &reports).await;
    let (_, view) = server.get_json(&format!("/api/jobs/{id}")).await;
    let view: JobView = serde_json::from_value(view).unwrap();
    assert_eq!(view.log.lines, lines(200..700));
    assert_eq!(view.log.skipped, 200);
    let (_, html) = server.get_text(&format!("/jobs/{id}")).await;
    assert!(html.contains("700 lines · the first 200 not kept"));
}

#[tokio::test]
async fn an_unknown_job_is_a_404_page_and_a_404_in_the_api() {
    let server = TestServer::start().await;
    for path in ["/jobs/999", "/jobs/twelve"] {
        let (status, html) = server.get_text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("was not found"), "{path}: {html}");
        assert!(embedded(&html).unwrap().snapshot.jobs.is_empty());
    }
    let (status, body) = server.get_json("/api/jobs/999").await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("job 999 is unknown")
    );
    for bad in ["0", "twelve", "-3"] {
        let (status, body) = server.get_json(&format!("/api/jobs/{bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["error"].as_str().unwrap().starts_with("`id`"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_jobs_page_has_the_dashboards_access_rules() {
    let config = Config::from_args([
        "livedash",
        "--view-token",
        "view-token-0123456789,screen-token-0123456789:quotes",
        "--publish-token",
        "publish-token-0123456789",
    ])
    .unwrap();
    let server = TestServer::with(config).await;
    let spec = json!({ "kind": "reported", "title": "Secret import" }).to_string();
    let response = server
        .client
        .post(server.url("/api/jobs"))
        .bearer_auth("publish-token-0123456789")
        .body(spec)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id = response.json::<serde_json::Value>().await.unwrap()["id"]
        .as_u64()
        .unwrap();
    let page = format!("/jobs/{id}");
    let (status, html) = server.get_text(&page).await;
    assert_eq!(status, 401, "no credential: the sign-in page");
    assert!(html.contains("Sign in to watch") && !html.contains("Secret import"));
    let (status, _) = server.get_json(&format!("/api/jobs/{id}")).await;
    assert_eq!(status, 401);
    for (token, expected) in [
        ("screen-token-0123456789", 403),
        ("view-token-0123456789", 200),
    ] {
        let get = |path: &str| {
            server
                .client
                .get(server.url(path))
                .bearer_auth(token)
                .send()
        };
        let page_status = get(&page).await.unwrap().status();
        let api_status = get(&format!("/api/jobs/{id}")).await.unwrap().status();
        let statuses = (page_status.as_u16(), api_status.as_u16());
        assert_eq!(statuses, (expected, expected), "{token}");
    }
    // The cancel control is an operator's: not on a viewer's page, on the operator's.
    for (token, offered) in [
        ("view-token-0123456789", false),
        ("publish-token-0123456789", true),
    ] {
        let html = server
            .client
            .get(server.url(&page))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Secret import"));
        assert_eq!(html.contains("Cancel job"), offered, "{token}");
    }
}
