//! The binary: `livedash [serve]` serves the dashboard until Ctrl-C or SIGTERM; `notify`,
//! `run` and `watch` are its command-line companion (`src/cli/`).

use clap::Parser;
use leptos::config::get_configuration;
use livedash::{
    cli::{self, Cli, Command},
    server::{
        self,
        app_state::AppState,
        config::{Config, LogFormat},
        net,
    },
};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Invalid flags or environment values stop here, with clap's message naming the flag.
    let cli = Cli::parse_from(cli::with_default_command(std::env::args_os()));
    match cli.command {
        Command::Serve(config) => match serve(*config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("Error: {e}");
                ExitCode::FAILURE
            }
        },
        client => ExitCode::from(cli::client(client).await),
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    // Every connection and stream holds a file descriptor: take all the system allows (as
    // Go's runtime does), so the soft limit (often 1024) is not what caps the server.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!("open-file limit: {limit}"),
        Err(e) => tracing::warn!("cannot raise the open-file limit: {e}"),
    }
    // Unreadable or invalid certificate files also stop here, naming the flag.
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(net::load_tls(cert, key)?),
        _ => None,
    };
    let leptos = get_configuration(None)?.leptos_options;
    let addr = config.addr.unwrap_or(leptos.site_addr);
    let listener = net::listen(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(
        "livedash listening on {scheme}://{}",
        listener.local_addr()?
    );
    let state = AppState::new(config, leptos)?;
    match tls {
        Some(tls) => server::run_tls(listener, state, shutdown_signal(), tls).await?,
        None => server::run(listener, state, shutdown_signal()).await?,
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
