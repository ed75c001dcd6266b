//! Starting a test server and talking to it.
//!
//! ```ignore
//! let env = Env::new();
//! common::library_ledger(&env, 3);
//! let server = support::start(&env.ledger());
//! let r = support::get(&server, "/checkpoint");
//! ```
//! The server runs on its own thread, bound to 127.0.0.1 on a free port, and
//! stops (gracefully, waiting for its thread) when dropped.
#![allow(dead_code)]

use provledger::serve::{Background, Options};
use reqwest::blocking::{Client, Response};
use std::path::Path;
use std::time::Duration;

/// Every request of the tests gives up after this long.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A server for the ledger in `dir` with the default options.
pub fn start(dir: &Path) -> Background {
    start_with(dir, Options::default())
}

/// A server for the ledger in `dir` with `options`, on two runtime threads.
pub fn start_with(dir: &Path, options: Options) -> Background {
    Background::start(dir, options, 2).expect("start a server")
}

/// A client with the test timeout, no proxy, no automatic decompression.
pub fn client() -> Client {
    Client::builder()
        .timeout(TIMEOUT)
        .no_proxy()
        .build()
        .expect("build a client")
}

/// GET `path` (which starts with `/`) from `server`.
pub fn get(server: &Background, path: &str) -> Response {
    client()
        .get(format!("{}{path}", server.url()))
        .send()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// A header's value as text ("" when absent).
pub fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The body as JSON.
pub fn json(r: Response) -> serde_json::Value {
    let bytes = r.bytes().expect("read the body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}
