//! `provledger serve`: the ledger over HTTP (README "Serving the ledger").
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | [`AppState`] (the ledger directory, a reader refreshed when the checkpoint changes, [`Options`]), [`router`], the accept loop [`serve`], and [`Background`] (a server on its own thread, for tests and benchmarks) |
//! | `cache.rs` | [`cache::TileCache`]: full tiles (final once written) held in memory, bounded by bytes |
//! | `tiles.rs` | the c2sp.org/tlog-tiles read paths: `/checkpoint`, `/tile/...`, `/blobs/...`, parsed against the tile grammar before any file is touched |
//! | `api.rs` | the JSON API under `/api/v1` (read side) |
//! | `write.rs` | `POST /api/v1/statements` and `/api/v1/batches`, queued to the group-commit sequencer |
//! | `web.rs` | the web view under `/`: the pages of `provledger report`, rendered per request |
//!
//! Every route reads the ledger through [`AppState::snapshot`]: a [`Log`]
//! view at the checkpoint current when the request came, reopened only
//! when the checkpoint file changed. A reader never serves data past its
//! checkpoint, so nothing a crashed writer may roll back is ever sent
//! (tiles are sent as immutable).
//!
//! The accept loop does not use `axum::serve`, which has no header-read
//! timeout: each accepted socket gets `TCP_NODELAY` and is served by
//! hyper-util's HTTP/1.1 + HTTP/2 connection builder with a header-read
//! timer; a connection that sends nothing at all is closed after the same
//! timeout. Shutdown stops accepting, lets open requests finish (up to
//! [`Options::shutdown_grace`]) and returns.

pub mod api;
pub mod cache;
pub mod tiles;
mod web;
pub mod write;

pub use write::WriteOptions;

use crate::keys::PublicKey;
use crate::ledger::{Ledger, LedgerError};
use crate::log::{Log, LogError, CHECKPOINT_FILE};
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// The address `provledger serve` listens on unless told otherwise:
/// loopback only (TLS is a proxy's job, README).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8420";

/// How the server behaves; [`Options::default`] is what `provledger serve`
/// uses.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long a client may take to send a request's headers (and how
    /// long an idle keep-alive connection stays open).
    pub header_read_timeout: Duration,
    /// How long a request may take from its headers to its answer; past it
    /// the client gets `408`.
    pub request_timeout: Duration,
    /// How many requests are handled at once; more get `503` with
    /// `Retry-After` at once (load shedding), never a queue.
    pub max_in_flight: usize,
    /// How many connections are open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Requests per second one client address may make (with bursts of
    /// twice that); more get `429` with `Retry-After`. `None`: no limit.
    pub rate_per_client: Option<u32>,
    /// The largest request body read (`413` past it); a route may allow
    /// more.
    pub max_body: usize,
    /// How long open requests may take to finish once shutdown begins.
    pub shutdown_grace: Duration,
    /// Whether (and how) the server takes statements (`POST /api/v1/...`,
    /// [`write`](mod@write)); `None`: read-only.
    pub write: Option<WriteOptions>,
    /// Bytes of full tiles kept in memory ([`cache::TileCache`]); 0: none.
    pub tile_cache_bytes: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 512,
            max_connections: 1024,
            rate_per_client: Some(1000),
            max_body: 64 * 1024,
            shutdown_grace: Duration::from_secs(10),
            write: None,
            tile_cache_bytes: 64 << 20,
        }
    }
}

/// Readers kept open for the JSON API (one per request in flight, up to
/// this many kept between requests).
const POOLED_READERS: usize = 8;

/// What every request handler shares: the ledger directory, the current
/// view of the log, the operator key and the options.
pub struct AppState {
    dir: PathBuf,
    current: RwLock<Arc<Snapshot>>,
    operator: PublicKey,
    options: Options,
    readers: Mutex<Vec<Ledger>>,
    limiter: Option<governor::DefaultKeyedRateLimiter<std::net::IpAddr>>,
    /// The one writer's queue, when the server takes statements.
    sequencer: Option<crate::ledger::sequencer::Sequencer>,
    /// Slots for batch bodies being read and decoded
    /// ([`write::MAX_BATCHES_IN_FLIGHT`]).
    batch_slots: tokio::sync::Semaphore,
    /// Full tiles held in memory.
    tiles: cache::TileCache,
}

/// The log as of one checkpoint; requests hold it while they read.
pub struct Snapshot {
    /// The log view at that checkpoint.
    pub log: Log,
    stamp: Stamp,
}

/// Identifies one checkpoint file (it is replaced atomically by rename, so
/// a new checkpoint is a new file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(dir: &Path) -> io::Result<Stamp> {
        let m = std::fs::symlink_metadata(dir.join(CHECKPOINT_FILE))?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(Stamp {
            inode,
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// Shared state handed to every handler.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Opens the ledger in `dir` for serving: its log, and its operator key
    /// from the index (which opening brings up to date).
    pub fn open(dir: &Path, options: Options) -> Result<AppState, LedgerError> {
        let ledger = Ledger::open(dir)?;
        let origin = ledger.log().origin().to_string();
        let key = ledger
            .state()
            .operator_key()?
            .ok_or_else(|| LogError::NotALedger {
                dir: dir.to_path_buf(),
                why: "its index has no genesis (no operator key)".into(),
            })?;
        let verifying =
            ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|e| LogError::Damaged {
                path: dir.join(crate::ledger::INDEX_FILE),
                why: format!("the operator key is not an Ed25519 key: {e}"),
            })?;
        let operator = PublicKey::new(&origin, verifying).map_err(|e| LogError::Damaged {
            path: dir.join(CHECKPOINT_FILE),
            why: format!("the origin is not a key name: {e}"),
        })?;
        let stamp = Stamp::of(dir).map_err(|e| LogError::Io {
            op: "cannot stat",
            path: dir.join(CHECKPOINT_FILE),
            source: e,
        })?;
        let log = Log::open(dir)?;
        let limiter = options.rate_per_client.and_then(|r| {
            let rate = std::num::NonZeroU32::new(r)?;
            let burst = std::num::NonZeroU32::new(r.saturating_mul(2))?;
            Some(governor::RateLimiter::keyed(
                governor::Quota::per_second(rate).allow_burst(burst),
            ))
        });
        let sequencer = match &options.write {
            Some(w) => Some(w.start(dir)?),
            None => None,
        };
        Ok(AppState {
            dir: dir.to_path_buf(),
            current: RwLock::new(Arc::new(Snapshot { log, stamp })),
            operator,
            readers: Mutex::new(vec![ledger]),
            limiter,
            sequencer,
            batch_slots: tokio::sync::Semaphore::new(write::MAX_BATCHES_IN_FLIGHT),
            tiles: cache::TileCache::new(options.tile_cache_bytes),
            options,
        })
    }

    /// A ledger (log and index) at the current checkpoint or later, for
    /// the JSON API: one from the pool, moved to the current checkpoint if
    /// it is behind ([`Ledger::refresh`], which keeps its SQLite connection
    /// and prepared statements), else opened afresh (blocking). Hand it
    /// back with [`AppState::give_back`].
    pub fn ledger(&self) -> Result<Ledger, LedgerError> {
        let size = self.snapshot()?.log.size();
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(l) if l.size() >= size => Ok(l),
            Some(mut l) => match l.refresh() {
                Ok(()) if l.size() >= size => Ok(l),
                _ => Ledger::open(&self.dir),
            },
            None => Ledger::open(&self.dir),
        }
    }

    /// Returns a ledger from [`AppState::ledger`] to the pool.
    pub fn give_back(&self, ledger: Ledger) {
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < POOLED_READERS {
            pool.push(ledger);
        }
    }

    /// Whether the client at `ip` may make another request now.
    fn admit(&self, ip: std::net::IpAddr) -> bool {
        let Some(limiter) = &self.limiter else {
            return true;
        };
        // Forget clients that have been quiet, so many addresses cannot
        // grow the table without bound.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).is_ok()
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The operator's public key (signs every checkpoint).
    pub fn operator(&self) -> &PublicKey {
        &self.operator
    }

    /// The slots for batch bodies being read ([`write::MAX_BATCHES_IN_FLIGHT`]).
    pub(crate) fn batch_slots(&self) -> &tokio::sync::Semaphore {
        &self.batch_slots
    }

    /// The sequencer that takes statements, unless the server is read-only.
    pub fn sequencer(&self) -> Option<&crate::ledger::sequencer::Sequencer> {
        self.sequencer.as_ref()
    }

    /// Stops taking statements: the batch in hand is finished and answered,
    /// what is still queued is answered 503 (see
    /// [`Sequencer::stop`](crate::ledger::sequencer::Sequencer::stop)).
    pub fn stop_writes(&self) {
        if let Some(s) = &self.sequencer {
            s.stop();
        }
    }

    /// The full tiles held in memory.
    pub fn tiles(&self) -> &cache::TileCache {
        &self.tiles
    }

    /// The options the server runs with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The log at the current checkpoint: the view already open, unless the
    /// checkpoint file has changed since, in which case the log is reopened
    /// (blocking: call from a blocking task).
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, LogError> {
        let stamp = Stamp::of(&self.dir).map_err(|e| LogError::Io {
            op: "cannot stat",
            path: self.dir.join(CHECKPOINT_FILE),
            source: e,
        })?;
        {
            let cur = self.current.read().unwrap_or_else(|p| p.into_inner());
            if cur.stamp == stamp {
                return Ok(cur.clone());
            }
        }
        let log = Log::open(&self.dir)?;
        let mut cur = self.current.write().unwrap_or_else(|p| p.into_inner());
        // Never step back to a smaller tree than one already served.
        if log.size() >= cur.log.size() {
            *cur = Arc::new(Snapshot { log, stamp });
        }
        Ok(cur.clone())
    }
}

/// An error answer: `{"error": code, "message": ...}`
/// (schemas/api-error.schema.json) with its HTTP status. Never cached.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable, machine-readable code (`not-found`, `bad-request`, ...).
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl Failure {
    /// A 404 saying what was not found.
    pub fn not_found(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::NOT_FOUND,
            code: "not-found",
            message: message.into(),
        }
    }

    /// A 400 saying what is wrong with the request.
    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            code: "bad-request",
            message: message.into(),
        }
    }

    /// A 500 for a ledger that cannot be read (the message names the file).
    pub fn internal(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: message.into(),
        }
    }
}

impl From<LogError> for Failure {
    fn from(e: LogError) -> Failure {
        match e {
            LogError::NoSuchEntry { .. } | LogError::BlobNotFound { .. } => {
                Failure::not_found(e.to_string())
            }
            LogError::BadRequest(m) => Failure::bad_request(m),
            e => Failure::internal(crate::error::chain(&e)),
        }
    }
}

#[derive(Serialize)]
struct FailureBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = FailureBody {
            error: self.code,
            message: &self.message,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        r.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        r
    }
}

/// Runs blocking ledger work (file reads, SQLite) off the async workers.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, Failure>
where
    F: FnOnce() -> Result<T, Failure> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Failure::internal(format!("a request handler failed: {e}")))?
}

/// Refuses a client over its rate (`429`, `Retry-After: 1`).
async fn rate_limit(
    axum::extract::State(state): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if ip.is_some_and(|ip| !state.admit(ip)) {
        let mut r = Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate-limited",
            message: format!(
                "too many requests from {}: at most {} a second",
                ip.expect("checked"),
                state.options.rate_per_client.unwrap_or(0)
            ),
        }
        .into_response();
        r.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
        return r;
    }
    next.run(req).await
}

/// The answer of a request shed because too many are in flight (`503`),
/// or one that took too long (`408`).
async fn overloaded(err: tower::BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        return Failure {
            status: StatusCode::REQUEST_TIMEOUT,
            code: "timeout",
            message: "the request took too long".into(),
        }
        .into_response();
    }
    let mut r = Failure {
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: "overloaded",
        message: format!("the server is busy ({err}); try again shortly"),
    }
    .into_response();
    r.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("1"),
    );
    r
}

async fn not_found(uri: axum::http::Uri) -> Failure {
    Failure::not_found(format!(
        "no such resource: {} (this server serves /checkpoint, /tile/..., /blobs/<sha256>, /api/v1/... and the web view at /)",
        uri.path()
    ))
}

/// The whole application: the tile routes, the JSON API, the write
/// routes, the web view for any other GET, and a 404 for what is none of
/// them.
///
/// Layers, outermost first: CORS; load shedding past
/// [`Options::max_in_flight`] (`503`); the request timeout (`408`); the
/// per-client rate limit (`429`); the body limit (`413`).
pub fn router(state: Shared) -> Router {
    let o = state.options().clone();
    Router::new()
        .merge(tiles::routes())
        .merge(api::routes())
        .merge(write::routes())
        .fallback(web::page)
        .layer(axum::extract::DefaultBodyLimit::max(o.max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
                .load_shed()
                .concurrency_limit(o.max_in_flight.max(1))
                .timeout(o.request_timeout),
        )
        .layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(tower_http::cors::Any)
                .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD])
                .expose_headers([axum::http::header::ETAG]),
        )
        .with_state(state)
}

/// Serves `state`'s ledger on `listener` until `shutdown` completes, then
/// stops accepting and waits (up to [`Options::shutdown_grace`]) for open
/// connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let options = state.options().clone();
    let writes = state.clone();
    let app = router(state);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(64)
        .keep_alive_interval(options.header_read_timeout)
        .keep_alive_timeout(options.header_read_timeout);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    // Out of file descriptors or a connection reset
                    // before accept: wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without it, small responses over keep-alive wait for delayed ACKs
        // (issue 9: ~500 req/s instead of ~12,000).
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let first_byte = options.header_read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            // hyper-util's protocol detection waits for the first bytes
            // without a timer: a client that sends nothing is closed here.
            let mut probe = [0u8; 1];
            match tokio::time::timeout(first_byte, stream.peek(&mut probe)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let _ = watcher.watch(conn.into_owned()).await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(options.shutdown_grace) => {}
    }
    // The requests have been answered (or given up on): the sequencer
    // finishes the batch in hand and stops.
    let _ = tokio::task::spawn_blocking(move || writes.stop_writes()).await;
    Ok(())
}

/// A server running on its own thread and runtime, bound to a loopback
/// port the system picked: what tests and benchmarks start. Dropping it
/// shuts it down and waits for it.
pub struct Background {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Background {
    /// Opens the ledger in `dir` and serves it on `127.0.0.1:0` with
    /// `workers` runtime threads.
    pub fn start(dir: &Path, options: Options, workers: usize) -> Result<Background, LedgerError> {
        let state = Arc::new(AppState::open(dir, options)?);
        let io_err = |e: io::Error| LogError::Io {
            op: "cannot start a server for",
            path: dir.to_path_buf(),
            source: e,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers.max(1))
            .enable_all()
            .build()
            .map_err(io_err)?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(io_err)?;
        std_listener.set_nonblocking(true).map_err(io_err)?;
        let addr = std_listener.local_addr().map_err(io_err)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("provledger-serve".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(std_listener)?;
                    serve(listener, state, async move {
                        let _ = stopped.await;
                    })
                    .await
                })
            })
            .map_err(io_err)?;
        Ok(Background {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shuts the server down gracefully and waits for its thread.
    pub fn stop(mut self) -> io::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(io::Error::other("the server thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
