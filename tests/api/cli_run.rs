//! `livedash run` and `livedash notify` against a server on port 0: the real binary, real
//! commands, and what the server recorded.

use crate::api::{
    companion::{Companion, Source, lines_of},
    proxy::Proxy,
    support::TestServer,
};
use livedash::{
    protocol::{Event, Job, JobDetail, JobState},
    server::config::Config,
};
use serde_json::Value;

/// The job id from `livedash: running as job N on ...`.
async fn job_id(cli: &mut Companion) -> u64 {
    let line = cli.line_with("running as job").await;
    let id = line.split_whitespace().nth(4).unwrap();
    id.parse()
        .unwrap_or_else(|_| panic!("no job id in `{line}`"))
}

async fn job(server: &TestServer, id: u64) -> Job {
    let (_, jobs) = server.get_json("/api/jobs").await;
    let jobs: Vec<Job> = serde_json::from_value(jobs).unwrap();
    jobs.into_iter()
        .find(|j| j.id == id)
        .expect("the job is listed")
}

/// True when `pid` has ended (gone, or a zombie waiting to be reaped by someone else).
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => {
            let state = stat.rsplit_once(')').unwrap().1.split_whitespace().next();
            matches!(state, Some("Z" | "X"))
        }
    }
}

#[tokio::test]
async fn run_reports_progress_and_log_and_passes_on_the_exit_status() {
    let server = TestServer::start().await;
    let script = "echo compiling; echo '::progress 1/2'; echo 'warning: unused' >&2; \
                  echo '::progress 2/2'; echo '::message linking'; echo done; exit $0";
    for code in [0, 3] {
        let code_arg = code.to_string();
        let args = [
            "run",
            "--title",
            "Build",
            "--",
            "sh",
            "-c",
            script,
            code_arg.as_str(),
        ];
        let mut cli = Companion::start(&server.base, &args);
        let id = job_id(&mut cli).await;
        // Where to follow it: the job's own page, which serves it.
        let follow = cli.line_with("Follow:").await;
        let url = format!("{}/jobs/{id}", server.base.trim_end_matches('/'));
        assert_eq!(follow, format!("Follow: {url}"));
        let page = server.client.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Build"));
        let (exit, seen) = cli.finish().await;
        assert_eq!(exit, code, "{seen:#?}");
        // Passed through to the terminal, directives aside.
        assert_eq!(lines_of(&seen, Source::Stdout), ["compiling", "done"]);
        assert!(lines_of(&seen, Source::Stderr).contains(&"warning: unused"));

        let job = job(&server, id).await;
        assert_eq!(job.title, "Build");
        let mut logged = job.log.lines.clone();
        logged.sort();
        assert_eq!(logged, ["compiling", "done", "warning: unused"]);
        assert_eq!(job.message.as_deref(), Some("linking"));
        assert!(
            matches!(
                job.detail,
                JobDetail::Counted {
                    done: 2,
                    total: 2,
                    ..
                }
            ),
            "{:?}",
            job.detail
        );
        match code {
            0 => assert_eq!((job.state, job.error), (JobState::Completed, None)),
            _ => assert_eq!(
                (job.state, job.error.as_deref()),
                (JobState::Failed, Some("exited with status 3"))
            ),
        }
    }
}

#[tokio::test]
async fn phases_declared_on_the_command_line_move_with_the_output() {
    let server = TestServer::start().await;
    let mut events = server.events("?topics=jobs").await;
    events.snapshot().await;
    let script = "echo '::phase test'; echo '::progress 50%'; read line; echo got $line";
    let mut cli = Companion::start(
        &server.base,
        &[
            "run", "--phase", "build", "--phase", "test", "--", "sh", "-c", script,
        ],
    );
    let id = job_id(&mut cli).await;
    let (event, _) = events
        .until(|e| matches!(e, Event::Job(j) if j.id == id && j.progress == Some(0.75)))
        .await;
    let Event::Job(job) = event else {
        unreachable!()
    };
    let JobDetail::Phases { phases, current } = job.detail else {
        panic!("not phased: {:?}", job.detail);
    };
    assert_eq!((phases[1].name.as_str(), current), ("test", 1));
    // Input piped into `livedash run` reaches the command.
    cli.send_line("go").await;
    cli.line_with("got go").await;
    let (exit, _) = cli.finish().await;
    assert_eq!(exit, 0);
}

#[tokio::test]
async fn many_lines_go_in_few_reports() {
    let server = TestServer::start().await;
    let proxy = Proxy::start(server.addr).await;
    let script = "i=0; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done";
    let mut cli = Companion::start(&proxy.url(), &["run", "--", "sh", "-c", script]);
    let id = job_id(&mut cli).await;
    let (exit, seen) = cli.finish().await;
    assert_eq!(exit, 0, "{seen:#?}");
    let job = job(&server, id).await;
    assert_eq!(
        (job.log.total, job.log.lines.last().map(String::as_str)),
        (500, Some("line 499"))
    );
    let reports = proxy
        .sent()
        .matches(&format!("POST /api/jobs/{id}/report"))
        .count();
    assert!(
        (5..50).contains(&reports),
        "{reports} reports for 500 lines"
    );
}

#[tokio::test]
async fn a_cancel_through_the_api_ends_the_command_and_what_it_started() {
    let server = TestServer::start().await;
    let script = "echo pid $$; sleep 600 & echo child $!; wait";
    let mut cli = Companion::start(
        &server.base,
        &["run", "--grace-secs", "2", "--", "sh", "-c", script],
    );
    let id = job_id(&mut cli).await;
    let shell: u32 = cli.line_with("pid ").await[4..].parse().unwrap();
    let sleeper: u32 = cli.line_with("child ").await[6..].parse().unwrap();
    assert!(!ended(shell) && !ended(sleeper));

    let (status, _) = server.post(&format!("/api/jobs/{id}/cancel"), "").await;
    assert_eq!(status, 202);
    let (exit, seen) = cli.finish().await;
    assert_eq!(exit, 130, "{seen:#?}");
    assert!(
        lines_of(&seen, Source::Stderr)
            .iter()
            .any(|l| l.contains("was cancelled"))
    );
    assert!(ended(shell), "the command {shell} still runs");
    assert!(ended(sleeper), "its child {sleeper} still runs");
    assert_eq!(job(&server, id).await.state, JobState::Cancelled);
}

#[tokio::test]
async fn ctrl_c_cancels_the_job_and_ends_the_command() {
    let server = TestServer::start().await;
    let mut cli = Companion::start(
        &server.base,
        &["run", "--", "sh", "-c", "echo pid $$; exec sleep 600"],
    );
    let id = job_id(&mut cli).await;
    let sleeper: u32 = cli.line_with("pid ").await[4..].parse().unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &cli.pid().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let (exit, _) = cli.finish().await;
    assert_eq!(exit, 130);
    assert!(ended(sleeper));
    assert_eq!(job(&server, id).await.state, JobState::Cancelled);
}

#[tokio::test]
async fn a_command_that_cannot_run_fails_its_job_as_a_shell_would() {
    let server = TestServer::start().await;
    let mut cli = Companion::start(&server.base, &["run", "--", "/no/such/command"]);
    let id = job_id(&mut cli).await;
    let (exit, _) = cli.finish().await;
    assert_eq!(exit, 127);
    let job = job(&server, id).await;
    assert_eq!(job.state, JobState::Failed);
    assert!(job.error.unwrap().contains("cannot run `/no/such/command`"));
}

#[tokio::test]
async fn notify_needs_the_right_token_and_says_why_not() {
    let token = "a-long-enough-publish-token";
    let server = TestServer::with(Config {
        publish_token: Some(token.into()),
        ..Config::default()
    })
    .await;
    let mut events = server.events("?topics=toasts").await;
    events.snapshot().await;

    let wrong = Companion::start(
        &server.base,
        &[
            "notify",
            "--token",
            "wrong-token-of-some-length",
            "Deployed",
        ],
    );
    let (exit, seen) = wrong.finish().await;
    assert_eq!(exit, 1);
    let stderr = lines_of(&seen, Source::Stderr);
    assert_eq!(stderr.len(), 1, "one line: {stderr:?}");
    assert!(stderr[0].contains("401 Unauthorized"), "{stderr:?}");

    let right = Companion::start(
        &server.base,
        &[
            "notify",
            "--token",
            token,
            "--level",
            "success",
            "Deployed",
            "--body",
            "v1.2 is live",
            "--link",
            "/jobs/7",
        ],
    );
    assert_eq!(right.finish().await.0, 0);
    let (event, _) = events.until(|e| matches!(e, Event::Toast(_))).await;
    let toast: Value = serde_json::to_value(match event {
        Event::Toast(t) => t,
        _ => unreachable!(),
    })
    .unwrap();
    assert_eq!(
        (toast["title"].as_str(), toast["level"].as_str()),
        (Some("Deployed"), Some("success"))
    );
    assert_eq!(toast["body"], "v1.2 is live");
    assert_eq!(toast["link"], "/jobs/7");

    let away = Companion::start("http://127.0.0.1:9", &["notify", "Deployed"]);
    let (exit, seen) = away.finish().await;
    assert_eq!(exit, 3);
    assert!(lines_of(&seen, Source::Stderr)[0].contains("cannot reach"));
}

#[tokio::test]
async fn a_quiet_command_keeps_its_job_alive_with_heartbeats() {
    // The job would fail after 2 s without a report; the command prints nothing for 4 s.
    let server = TestServer::with(Config {
        report_timeout_secs: 2,
        ..Config::default()
    })
    .await;
    let args = [
        "run",
        "--heartbeat-secs",
        "1",
        "--",
        "sh",
        "-c",
        "sleep 4; echo woke",
    ];
    let mut cli = Companion::start(&server.base, &args);
    let id = job_id(&mut cli).await;
    let (exit, seen) = cli.finish().await;
    assert_eq!(exit, 0, "{seen:#?}");
    let job = job(&server, id).await;
    assert_eq!((job.state, job.error), (JobState::Completed, None));
    assert_eq!(job.log.lines, ["woke"]);
}
