//! `provledger serve`: serve the ledger over HTTP (README "Serving the ledger").

use super::output::say;
use anyhow::{Context, Result};
use clap::Args;
use provledger::serve::{self, AppState, Options};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Serve the ledger over HTTP: its checkpoint, tiles and blobs (c2sp.org/
/// tlog-tiles) and the JSON API under /api/v1.
///
/// Binds loopback by default; put a TLS-terminating proxy (nginx, caddy) in
/// front to serve others (README "Serving the ledger"). Stops on Ctrl-C or
/// SIGTERM, letting open requests finish.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = serve::DEFAULT_LISTEN)]
    listen: SocketAddr,
}

pub fn run(ledger: &Path, a: ServeArgs) -> Result<()> {
    let state = Arc::new(AppState::open(ledger, Options::default())?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .with_context(|| format!("cannot listen on {}", a.listen))?;
        let addr = listener
            .local_addr()
            .context("cannot read the listening address")?;
        say!("provledger: serving {} at http://{addr}", ledger.display());
        serve::serve(listener, state, stop_signal())
            .await
            .context("the server stopped")?;
        say!("provledger: stopped");
        Ok(())
    })
}

/// Completes on Ctrl-C, or SIGTERM on unix.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
