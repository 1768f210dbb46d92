//! The command line: `livedash [serve]` runs the server; `notify`, `run` and `watch` are
//! clients of a running one.

use crate::server::config::Config;
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;

/// livedash: a live dashboard over Server-Sent Events, and its command-line companion.
///
/// Without a subcommand it serves the dashboard (`livedash --addr ...` is `livedash serve
/// --addr ...`).
#[derive(Debug, Parser)]
#[command(
    version,
    about,
    override_usage = "livedash [serve] [OPTIONS]    (livedash serve --help for its flags)\n       livedash notify|run|watch ...  (livedash help run, ...)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default).
    Serve(Box<Config>),
    /// Show a notification on every open dashboard.
    Notify(NotifyArgs),
    /// Run a command as a job on the dashboard.
    ///
    /// Its output becomes the job's log, its exit status the job's end (and ours), and
    /// `::progress 40/100`, `::progress 40%`, `::progress 40` (of `--total`), `::phase NAME`
    /// and `::message TEXT` lines move its bar. A cancel from the dashboard terminates it;
    /// Ctrl-C cancels the job.
    Run(RunArgs),
    /// Follow one job (or all of them) live in the terminal.
    Watch(WatchArgs),
}

/// Where the server is and how to prove we may operate it: every client subcommand has them.
#[derive(Clone, Debug, Args)]
pub struct ClientArgs {
    /// The dashboard's address.
    #[arg(long, env = "LIVEDASH_SERVER", default_value = "http://127.0.0.1:3000", value_parser = parse_server)]
    pub server: reqwest::Url,

    /// The server's publish token, sent as `Authorization: Bearer <token>` (for `watch`, a
    /// view token is enough when the dashboard has viewer access on).
    #[arg(long, env = "LIVEDASH_PUBLISH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// How the notification looks.
    #[arg(long, default_value = "info", value_parser = ["info", "success", "warning", "error"])]
    pub level: String,

    /// Its title (1 to 120 characters).
    pub title: String,

    /// Its text.
    #[arg(long, default_value = "")]
    pub body: String,

    /// A page of the dashboard it leads to, as a path (e.g. `/jobs/12`).
    #[arg(long)]
    pub link: Option<String>,

    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job's title; the command line by default.
    #[arg(long)]
    pub title: Option<String>,

    /// Counted work: the number of items (1 to 10^12); `::progress N` then counts them.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000), conflicts_with = "phases")]
    pub total: Option<u64>,

    /// A phase of the work, in order (repeat it, up to 20); `::phase NAME` moves to one.
    #[arg(long = "phase", value_name = "NAME")]
    pub phases: Vec<String>,

    /// Seconds between SIGTERM and SIGKILL when the job is cancelled: 0 to 3600.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub grace_secs: u64,

    /// Seconds between reports while the command prints nothing, so the server knows it is
    /// alive (keep it under the server's `--report-timeout-secs`): 1 to 3600.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub heartbeat_secs: u64,

    #[command(flatten)]
    pub client: ClientArgs,

    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The job to follow until it ends; all jobs, until Ctrl-C, without it.
    pub job: Option<u64>,

    #[command(flatten)]
    pub client: ClientArgs,
}

/// The arguments with `serve` put in front when no subcommand is named, so `livedash` and
/// `livedash --addr ...` serve as they always did.
pub fn with_default_command(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let first = args.get(1).and_then(|a| a.to_str());
    let named = matches!(
        first,
        Some("serve" | "notify" | "run" | "watch" | "help" | "-h" | "--help" | "-V" | "--version")
    );
    if !named {
        args.insert(1.min(args.len()), "serve".into());
    }
    args
}

fn parse_server(s: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(s).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        _ => Err(format!("`{s}` is not an http:// or https:// address")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        let args = args.iter().map(OsString::from);
        Cli::try_parse_from(with_default_command(args))
    }

    #[test]
    fn without_a_subcommand_it_serves_with_every_flag() {
        for args in [
            &["livedash"][..],
            &["livedash", "--quote-rate", "3"],
            &["livedash", "serve", "--quote-rate", "3"],
        ] {
            let Command::Serve(config) = parse(args).unwrap().command else {
                panic!("{args:?} does not serve");
            };
            assert_eq!(config.quote_rate, if args.len() > 1 { 3.0 } else { 12.0 });
        }
    }

    #[test]
    fn run_takes_the_command_after_the_dashes() {
        let Command::Run(run) =
            parse(&["livedash", "run", "--phase", "build", "--", "make", "-j2"])
                .unwrap()
                .command
        else {
            panic!("not run");
        };
        assert_eq!(run.command, ["make", "-j2"]);
        assert_eq!(run.phases, ["build"]);
        assert!(parse(&["livedash", "run"]).is_err());
        assert!(parse(&["livedash", "run", "--total", "0", "--", "true"]).is_err());
    }

    #[test]
    fn the_server_must_be_an_http_address() {
        let err = parse(&["livedash", "notify", "--server", "ftp://x", "hi"]).unwrap_err();
        assert!(err.to_string().contains("--server"), "{err}");
        let Command::Notify(notify) = parse(&[
            "livedash",
            "notify",
            "--server",
            "https://dash.example.com/",
            "hi",
        ])
        .unwrap()
        .command
        else {
            panic!("not notify");
        };
        assert_eq!(notify.client.server.as_str(), "https://dash.example.com/");
    }
}
