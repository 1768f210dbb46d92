//! The binary's configuration: invalid values fail at start and name the flag; logs are
//! JSON on request.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_livedash"));
    command.args(args).env_remove("LIVEDASH_QUOTE_RATE");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Arguments, environment, and the flag the error must name.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn bad_flags_fail_at_start_naming_the_flag() {
    let cases: &[Case] = &[
        (&["--quote-rate", "fast"], &[], "--quote-rate"),
        (&["--heartbeat-secs", "0"], &[], "--heartbeat-secs"),
        (&["--addr", "not-an-address"], &[], "--addr"),
        (&["--log-format", "xml"], &[], "--log-format"),
        (&["--no-such-flag"], &[], "--no-such-flag"),
        (&["--tls-cert", "cert.pem"], &[], "--tls-key"),
        (&[], &[("LIVEDASH_MAX_STREAMS", "-1")], "--max-streams"),
        (&["--symbols", "AAPL,,MSFT"], &[], "--symbols"),
        (&["--client-ip-source", "Header"], &[], "--client-ip-source"),
        (&["--symbols", "AAPL,<b>"], &[], "--symbols"),
        (&[], &[("LIVEDASH_SYMBOLS", "AAPL,aapl")], "--symbols"),
        (&["--quote-rate", "1e-300"], &[], "--quote-rate"),
        (&["--publish-token", "short"], &[], "--publish-token"),
        (
            &["--public-origin", "dash.example.com"],
            &[],
            "--public-origin",
        ),
        (
            &["--header-timeout-secs", "0"],
            &[],
            "--header-timeout-secs",
        ),
        (&["--max-queued-jobs", "100001"], &[], "--max-queued-jobs"),
        (
            &["--redis-url", "http://localhost:6379"],
            &[],
            "--redis-url",
        ),
        (&[], &[("LIVEDASH_REDIS_URL", "redis://")], "--redis-url"),
    ];
    for (args, env, flag) in cases {
        let (code, stderr) = run(args, env);
        assert_eq!(code, Some(2), "{args:?} {env:?}: {stderr}");
        assert!(
            stderr.contains(flag),
            "{args:?} {env:?}: `{stderr}` does not name {flag}"
        );
    }
}

#[test]
fn help_documents_every_flag_with_its_environment_twin() {
    let help = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_livedash"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let top = help(&["--help"]);
    for command in ["serve", "notify", "run", "watch"] {
        assert!(
            top.contains(&format!("  {command} ")),
            "--help lacks {command}: {top}"
        );
    }
    for command in ["run", "watch", "notify"] {
        let client = help(&[command, "--help"]);
        assert!(client.contains("--server") && client.contains("LIVEDASH_SERVER"));
        assert!(client.contains("--token") && client.contains("LIVEDASH_PUBLISH_TOKEN"));
    }
    let help = help(&["serve", "--help"]);
    for (flag, env) in [
        ("--addr", "LIVEDASH_ADDR"),
        ("--publish-token", "LIVEDASH_PUBLISH_TOKEN"),
        ("--cors-origins", "LIVEDASH_CORS_ORIGINS"),
        ("--replay-events", "LIVEDASH_REPLAY_EVENTS"),
        ("--max-streams-per-ip", "LIVEDASH_MAX_STREAMS_PER_IP"),
        ("--log-format", "LIVEDASH_LOG_FORMAT"),
        ("--symbols", "LIVEDASH_SYMBOLS"),
        ("--client-ip-source", "LIVEDASH_CLIENT_IP_SOURCE"),
        ("--public-origin", "LIVEDASH_PUBLIC_ORIGIN"),
        ("--max-queued-jobs", "LIVEDASH_MAX_QUEUED_JOBS"),
        ("--jobs-per-minute", "LIVEDASH_JOBS_PER_MINUTE"),
        ("--header-timeout-secs", "LIVEDASH_HEADER_TIMEOUT_SECS"),
        ("--market", "LIVEDASH_MARKET"),
        ("--redis-url", "LIVEDASH_REDIS_URL"),
    ] {
        assert!(
            help.contains(flag) && help.contains(env),
            "--help lacks {flag} / {env}"
        );
    }
}

#[test]
fn unreadable_tls_files_stop_the_server_naming_the_flag() {
    let (code, stderr) = run(
        &[
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ],
        &[],
    );
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("--tls-cert /nonexistent/cert.pem"),
        "{stderr}"
    );
}

#[test]
fn json_logs_are_one_object_per_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livedash"))
        .args(["--log-format", "json", "--addr", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    // The first line is the one saying where it listens; a hang fails rather than waits.
    let line = line_rx.recv_timeout(Duration::from_secs(20));
    child.kill().unwrap();
    child.wait().unwrap();
    let line = line.expect("a log line at start");
    let log: serde_json::Value = serde_json::from_str(&line).expect("a JSON object");
    assert_eq!(log["level"], "INFO", "{line}");
    assert!(log["timestamp"].is_string(), "{line}");
    let message = log["fields"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("livedash listening on http://127.0.0.1:"),
        "{line}"
    );
}
