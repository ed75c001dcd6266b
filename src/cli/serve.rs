//! `provledger serve`: serve the ledger over HTTP (README "Serving the ledger").

use super::output::say;
use anyhow::{Context, Result};
use clap::Args;
use provledger::ledger::sequencer::Config;
use provledger::ledger::Ledger;
use provledger::serve::{self, AppState, Options, WriteOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Serve the ledger over HTTP: its checkpoint, tiles and blobs (c2sp.org/
/// tlog-tiles), the JSON API under /api/v1 and the web view under /; with
/// --write, also take signed statements (POST /api/v1/statements,
/// /api/v1/batches).
///
/// Without --write the server only reads: it needs no operator key, holds
/// no lock, and the command line (and `watch run`) keep writing beside it.
/// With --write the server is the ledger's one writer (it holds the writer
/// lock: other writers wait) and signs checkpoints with the operator key;
/// statements are group-committed (up to 256 or 250 ms per batch, one
/// fsync round each).
///
/// Binds loopback by default; put a TLS-terminating proxy (nginx, caddy) in
/// front to serve others (README "Serving the ledger"). Stops on Ctrl-C or
/// SIGTERM, letting open requests finish.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = serve::DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Take signed statements: the server becomes the ledger's one writer.
    #[arg(long)]
    write: bool,
    /// With --write, the operator key that signs the ledger's new
    /// checkpoints [default: LEDGER/private/operator.key]. Unused without
    /// --write.
    #[arg(long, env = "PROVLEDGER_OPERATOR_KEY")]
    operator_key: Option<PathBuf>,
    /// Requests per second one client address may make (bursts of twice
    /// that); more are answered 429. 0: no limit (behind a proxy, where
    /// every request comes from the proxy's address, or for a load test).
    #[arg(long, value_name = "PER_SECOND", default_value_t = 1000)]
    rate_limit: u32,
    /// Memory for full tiles (which never change), answered without
    /// reading the disk, in MiB. 0: none.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    tile_cache: u32,
}

pub fn run(ledger: &Path, a: ServeArgs) -> Result<()> {
    let write = a.write.then(|| WriteOptions {
        operator_key: a
            .operator_key
            .clone()
            .unwrap_or_else(|| Ledger::default_operator_key_path(ledger)),
        sequencer: Config::default(),
    });
    let options = Options {
        write,
        rate_per_client: (a.rate_limit > 0).then_some(a.rate_limit),
        tile_cache_bytes: u64::from(a.tile_cache) << 20,
        ..Options::default()
    };
    let state = Arc::new(AppState::open(ledger, options)?);
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
