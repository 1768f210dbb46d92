//! The command-line companion, in the server's own binary: `notify`, `run` and `watch` are
//! clients of a running livedash, over the same HTTP API and event stream as everyone
//! else (so the same token, rate limits and bounds apply to them).
//!
//! - `args`: the command line, and `serve` as the default subcommand.
//! - `client`: requests, the token, and errors as one line with an exit code (`exit`).
//! - `feed`: the event stream, parsed with `protocol::sse`, resumed after drops.
//! - `notify`, `run`, `watch`: the subcommands.

pub mod args;
mod client;
pub mod exit;
mod feed;
mod notify;
mod run;
mod signals;
mod watch;

pub use args::{Cli, Command, with_default_command};

/// Runs a client subcommand to its end; the process's exit code.
pub async fn client(command: Command) -> u8 {
    match command {
        Command::Notify(args) => notify::notify(args).await,
        Command::Run(args) => run::run(args).await,
        Command::Watch(args) => watch::watch(args).await,
        Command::Serve(_) => unreachable!("`serve` is not a client subcommand"),
    }
}
