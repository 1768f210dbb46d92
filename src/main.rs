//! The server binary: configuration, logging, bind, serve until Ctrl-C or SIGTERM.

use clap::Parser;
use leptos::config::get_configuration;
use livedash::server::{self, AppState, Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Invalid flags or environment values stop here, with clap's message naming the flag.
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let leptos = get_configuration(None)?.leptos_options;
    let addr = config.addr.unwrap_or(leptos.site_addr);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("livedash listening on http://{}", listener.local_addr()?);
    server::run(
        listener,
        AppState::new(config, leptos),
        server::shutdown_signal(),
    )
    .await?;
    Ok(())
}
