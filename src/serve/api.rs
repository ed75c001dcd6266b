//! The JSON API under `/api/v1` (read side): the documents the command
//! line prints with `--json`, under the same schemas in `schemas/`.
//!
//! Every answer carries an `ETag` made from the tree size it was read at;
//! a request whose `If-None-Match` names it gets `304 Not Modified`.

use super::{blocking, Failure, Shared};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// The API routes, to merge into the application router.
pub fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/log", get(log))
}

/// The `ETag` of every answer read at tree size `size`.
pub fn etag(size: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{size}\"")).expect("digits and quotes")
}

/// Whether `If-None-Match` names `tag` (or is `*`).
fn not_modified(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t.as_bytes() == tag.as_bytes())
}

/// A JSON answer read at tree size `size`, or a 304 if the client has it.
pub(crate) fn answer<T: Serialize>(headers: &HeaderMap, size: u64, body: &T) -> Response {
    let tag = etag(size);
    if not_modified(headers, &tag) {
        return (StatusCode::NOT_MODIFIED, [(ETAG, tag)]).into_response();
    }
    let mut r = Json(body).into_response();
    let h = r.headers_mut();
    h.insert(ETAG, tag);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /api/v1/log` (schemas/api-log.schema.json).
#[derive(Serialize)]
pub struct LogView {
    /// The log's origin (its name and the operator key's name).
    pub origin: String,
    /// Entries at the current checkpoint.
    pub size: u64,
    /// Merkle root at that size, lowercase hex.
    pub root: String,
    /// The signed checkpoint, exactly as `/checkpoint` serves it.
    pub checkpoint: String,
    /// The operator's verifier key (c2sp.org/signed-note vkey form), which
    /// signs every checkpoint.
    pub operator_key: String,
}

async fn log(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, Failure> {
    let view = blocking(move || {
        let snap = state.snapshot()?;
        let log = &snap.log;
        Ok(LogView {
            origin: log.origin().to_string(),
            size: log.size(),
            root: log.root().to_hex(),
            checkpoint: String::from_utf8_lossy(log.checkpoint_bytes()).into_owned(),
            operator_key: state.operator().to_note_string(),
        })
    })
    .await?;
    Ok(answer(&headers, view.size, &view))
}
