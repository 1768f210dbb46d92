//! Reported jobs: created and driven over HTTP by the system doing the work.

use crate::api::support::TestServer;
use leptos::config::LeptosOptions;
use livedash::{
    protocol::{Event, JobReport, JobSpec, JobState, ReportedSpec},
    server::{
        access::Operator,
        app_state::AppState,
        config::{Config, MarketMode},
    },
};
use serde_json::{Value, json};
use std::time::Duration;

async fn create(server: &TestServer, spec: Value) -> Value {
    let response = server
        .client
        .post(server.url("/api/jobs"))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let job: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/jobs/{}", job["id"]));
    job
}

async fn report(server: &TestServer, id: &Value, body: Value) -> (u16, Value) {
    let (status, json) = server
        .post(&format!("/api/jobs/{id}/report"), &body.to_string())
        .await;
    (status.as_u16(), json)
}

#[tokio::test]
async fn a_counted_job_is_driven_to_completed_and_then_refuses_reports() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=jobs").await;
    stream.snapshot().await;
    let job = create(
        &server,
        json!({"kind":"reported","title":"Nightly import","total":200}),
    )
    .await;
    assert_eq!(
        (job["state"].as_str(), job["reported"].as_bool()),
        (Some("running"), Some(true))
    );
    let id = job["id"].clone();

    let (status, now) = report(
        &server,
        &id,
        json!({"done":50,"succeeded":48,"failed":2,"errors":["row 7: bad date"],
               "message":"importing customers","log":["connected","batch 1 of 4"]}),
    )
    .await;
    assert_eq!(status, 200, "{now}");
    assert_eq!(now["progress"], 0.25);
    assert_eq!(
        now["detail"],
        json!({"kind":"counted","done":50,"total":200,"succeeded":48,"failed":2,"errors":["row 7: bad date"]})
    );
    assert_eq!(now["message"], "importing customers");
    assert_eq!(
        now["log"],
        json!({"lines":["connected","batch 1 of 4"],"total":2})
    );
    // Every client sees it, through the same stream as simulated jobs.
    let (seen, _) = stream
        .until(
            |e| matches!(e, Event::Job(j) if j.message.as_deref() == Some("importing customers")),
        )
        .await;
    assert!(matches!(seen, Event::Job(j) if j.progress == Some(0.25)));

    let (status, done) = report(&server, &id, json!({"state":"completed"})).await;
    assert_eq!(
        (status, done["state"].as_str(), done["progress"].as_f64()),
        (200, Some("completed"), Some(1.0))
    );
    let (status, refused) = report(&server, &id, json!({"done":1})).await;
    assert_eq!(
        (status, refused["state"].as_str()),
        (409, Some("completed"))
    );
}

#[tokio::test]
async fn phased_and_indeterminate_jobs_fail_with_their_reason() {
    let server = TestServer::start().await;
    let phased = create(
        &server,
        json!({"kind":"reported","title":"Deploy","phases":[{"name":"build","weight":3},{"name":"ship"}]}),
    )
    .await;
    let (status, now) = report(
        &server,
        &phased["id"],
        json!({"phase":"ship","phase_progress":0.5}),
    )
    .await;
    assert_eq!((status, now["progress"].as_f64()), (200, Some(0.875)));
    assert_eq!(now["detail"]["current"], 1);
    let (_, failed) = report(
        &server,
        &phased["id"],
        json!({"state":"failed","error":"rollout aborted"}),
    )
    .await;
    assert_eq!(
        (failed["state"].as_str(), failed["error"].as_str()),
        (Some("failed"), Some("rollout aborted"))
    );

    let logs = create(&server, json!({"kind":"reported","title":"Backup"})).await;
    assert_eq!(
        (logs["progress"].clone(), logs["detail"]["kind"].as_str()),
        (Value::Null, Some("logs"))
    );
    let (status, now) = report(&server, &logs["id"], json!({"log":"copied /etc"})).await;
    assert_eq!((status, now["log"]["total"].as_u64()), (200, Some(1)));
}

#[tokio::test]
async fn a_cancelled_job_tells_its_reporter_so() {
    let server = TestServer::start().await;
    let job = create(
        &server,
        json!({"kind":"reported","title":"Import","total":10}),
    )
    .await;
    let (status, _) = server
        .post(&format!("/api/jobs/{}/cancel", job["id"]), "")
        .await;
    assert_eq!(status, 202);
    let (status, refused) = report(&server, &job["id"], json!({"done":3})).await;
    assert_eq!(
        (status, refused["state"].as_str()),
        (409, Some("cancelled")),
        "{refused}"
    );
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("already cancelled")
    );

    let (status, _) = report(&server, &json!(999_999), json!({"done":3})).await;
    assert_eq!(status, 404);
    let simulated = server
        .post("/api/jobs", r#"{"kind":"logs","lines":1000}"#)
        .await
        .1;
    let (status, refused) = report(&server, &simulated["id"], json!({"log":"x"})).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"].as_str().unwrap().contains("simulated"));
}

#[tokio::test]
async fn bad_reports_are_400s_naming_the_field_and_change_nothing() {
    let server = TestServer::start().await;
    let job = create(
        &server,
        json!({"kind":"reported","title":"Import","total":10}),
    )
    .await;
    let before = server.get_json("/api/jobs").await.1;
    let long = "x".repeat(201);
    let cases = [
        (json!({"done":11}), "`done`"),
        (json!({"done":-1}), "`done`"),
        (json!({"progress":0.5}), "unknown field `progress`"),
        (json!({"log":["ok", long]}), "`log[1]`"),
        (json!({"log":vec!["l"; 101]}), "`log`"),
        (json!({"phase":"load"}), "`phase`"),
        (json!({"state":"running"}), "`state`"),
        (json!({"message":"fine","done":99}), "`done`"),
    ];
    for (body, field) in cases {
        let (status, json) = report(&server, &job["id"], body.clone()).await;
        assert_eq!(status, 400, "{body} → {json}");
        let error = json["error"].as_str().unwrap();
        assert!(
            error.contains(field),
            "{body}: `{error}` does not name {field}"
        );
    }
    assert_eq!(
        server.get_json("/api/jobs").await.1,
        before,
        "a refused report changed the job"
    );
    for (spec, field) in [
        (json!({"kind":"reported"}), "title"),
        (json!({"kind":"reported","title":"t","total":-4}), "total"),
        (
            json!({"kind":"reported","title":"t","total":3,"phases":[{"name":"a"}]}),
            "not both",
        ),
    ] {
        let (status, json) = server.post("/api/jobs", &spec.to_string()).await;
        assert_eq!(status, 400, "{spec}");
        assert!(
            json["error"].as_str().unwrap().contains(field),
            "{spec}: {json}"
        );
    }
}

#[tokio::test]
async fn reported_jobs_take_no_slot_need_the_token_and_are_bounded() {
    let server = TestServer::with(Config {
        max_running_jobs: 1,
        max_reported_jobs: 1,
        publish_token: Some(crate::security::TOKEN.into()),
        ..Config::default()
    })
    .await;
    let bearer = format!("Bearer {}", crate::security::TOKEN);
    let send = |path: String, body: Value| {
        server
            .client
            .post(server.url(&path))
            .header("authorization", &bearer)
            .json(&body)
            .send()
    };
    let simulated = send("/api/jobs".into(), json!({"kind":"logs","lines":1000}))
        .await
        .unwrap();
    assert_eq!(simulated.status(), 201);
    let created = send(
        "/api/jobs".into(),
        json!({"kind":"reported","title":"Import"}),
    )
    .await
    .unwrap();
    let job: Value = created.json().await.unwrap();
    assert_eq!(
        job["state"], "running",
        "the one simulation slot is taken, yet it runs"
    );
    let refused = send(
        "/api/jobs".into(),
        json!({"kind":"reported","title":"Another"}),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    // Without the token, neither creating nor reporting.
    let (status, _) = report(&server, &job["id"], json!({"log":"x"})).await;
    assert_eq!(status, 401);
    let reported = send(
        format!("/api/jobs/{}/report", job["id"]),
        json!({"log":"x"}),
    )
    .await
    .unwrap();
    assert_eq!(reported.status(), 200);
}

/// The timeout on a paused clock: time only moves when the test says.
#[tokio::test(start_paused = true)]
async fn a_silent_reporter_has_its_job_fail() {
    let options = LeptosOptions::builder().output_name("livedash").build();
    let config = Config {
        market: MarketMode::Off,
        report_timeout_secs: 120,
        ephemeral: true,
        ..Config::default()
    };
    let app = AppState::new(config, options).unwrap();
    let operator = Operator::in_process();
    let spec = JobSpec::Reported(ReportedSpec {
        title: "Nightly import".into(),
        total: Some(10),
        phases: None,
    });
    let job = app.start_job(&operator, spec).await.unwrap();
    let state = || {
        app.hub
            .read(|s| s.jobs.iter().find(|j| j.id == job.id).cloned())
            .unwrap()
    };

    tokio::time::advance(Duration::from_secs(100)).await;
    let heard = JobReport {
        done: Some(1),
        ..JobReport::default()
    };
    app.report_job(&operator, job.id, heard).await.unwrap();
    // 200 s since it was created, but only 100 since its last report.
    tokio::time::advance(Duration::from_secs(100)).await;
    tokio::task::yield_now().await;
    assert_eq!(state().state, JobState::Running);

    let mut events = app.hub.receiver();
    tokio::time::advance(Duration::from_secs(21)).await;
    let published = events.recv().await.unwrap();
    assert_eq!(published.kind, livedash::protocol::EventKind::Job);
    let failed = state();
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.error.as_deref(), Some("no report for 120 s"));
}
