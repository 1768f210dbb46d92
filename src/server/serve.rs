//! Serving, over plain HTTP (axum) or HTTPS with HTTP/2 (axum-server with rustls), with
//! the same shutdown for both: on the signal every event stream is told to reconnect and
//! ends, running jobs are cancelled (ending `cancelled`), the market stops, and in-flight
//! requests get `--shutdown-grace-secs` to finish before we return regardless.

use super::{AppState, market, metrics, router};
use axum_server::tls_rustls::RustlsConfig;
use std::{future::Future, net::SocketAddr, time::Duration};
use tokio::net::TcpListener;

pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    tls: Option<RustlsConfig>,
) -> std::io::Result<()> {
    metrics::handle();
    if let Some(market) = state.take_market() {
        tokio::spawn(market::run(
            market,
            state.hub.clone(),
            state.config.quote_rate,
            state.shutdown.clone(),
        ));
    }
    let token = state.shutdown.clone();
    let grace = Duration::from_secs(state.config.shutdown_grace_secs);
    let jobs = state.jobs.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let signalled = {
        let token = token.clone();
        async move {
            shutdown.await;
            token.cancel();
        }
    };
    let served = async {
        let served = match tls {
            None => {
                axum::serve(listener, app)
                    .with_graceful_shutdown(signalled)
                    .await
            }
            Some(tls) => {
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    signalled.await;
                    stopper.graceful_shutdown(Some(grace));
                });
                axum_server::from_tcp_rustls(listener.into_std()?, tls)?
                    .handle(handle)
                    .serve(app)
                    .await
            }
        };
        jobs.stopped().await;
        served
    };
    let deadline = async {
        token.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = served => served,
        () = deadline => {
            tracing::warn!("requests still open {}s after the shutdown signal; exiting anyway", grace.as_secs());
            Ok(())
        }
    }
}
