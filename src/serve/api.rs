//! The JSON API under `/api/v1` (read side): the documents the command
//! line prints with `--json`, under the same schemas in `schemas/`.
//!
//! | route | answer | schema |
//! |---|---|---|
//! | `GET /api/v1/log` | origin, size, root, checkpoint, operator key | `api-log.schema.json` |
//! | `GET /api/v1/claims/<id>/status` | `status --json` | `status.schema.json` |
//! | `GET /api/v1/claims/<id>/history` | `history --json` | `history.schema.json` |
//! | `GET /api/v1/claims?limit&cursor&q&article&status` | a page of `claims --json` and the next cursor | `api-claims.schema.json` |
//! | `GET /api/v1/statements/<id>` | `show --json`, or the COSE_Sign1 bytes with `Accept: application/cose` | `statement.schema.json` |
//! | `GET /api/v1/proofs/inclusion/<index>?size=` | `proof inclusion --json` | `inclusion-proof.schema.json` |
//! | `GET /api/v1/proofs/consistency?old=&new=` | `proof consistency --json` | `consistency-proof.schema.json` |
//! | `GET /api/v1/proofs/tlog/<index>` | the c2sp.org/tlog-proof file (`proof inclusion --out`) | |
//!
//! Ids are full ids or prefixes (6+ hex digits), as on the command line.
//! Every answer carries an `ETag` made from the tree size it was read at;
//! a request whose `If-None-Match` names it gets `304 Not Modified`.

use super::{blocking, Failure, Shared};
use crate::ledger::{Ledger, LedgerError};
use crate::state::{ClaimFilter, ResolveError};
use crate::statement::Kind;
use crate::status::Status;
use axum::extract::{Path, Query, State};
use axum::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::{Deserialize, Serialize};

/// The most claims one page of `/api/v1/claims` holds (and its default).
pub const MAX_PAGE: usize = 500;

/// The API routes, to merge into the application router.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/log", get(log))
        .route("/api/v1/claims", get(claims))
        .route("/api/v1/claims/{id}/status", get(status))
        .route("/api/v1/claims/{id}/history", get(history))
        .route("/api/v1/statements/{id}", get(statement))
        .route("/api/v1/proofs/inclusion/{index}", get(inclusion))
        .route("/api/v1/proofs/consistency", get(consistency))
        .route("/api/v1/proofs/tlog/{index}", get(tlog_proof))
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

/// An answer read at tree size `size` with its `ETag`, or a 304 if the
/// client has it.
fn tagged(headers: &HeaderMap, size: u64, r: impl IntoResponse) -> Response {
    let tag = etag(size);
    if not_modified(headers, &tag) {
        return (StatusCode::NOT_MODIFIED, [(ETAG, tag)]).into_response();
    }
    let mut r = r.into_response();
    let h = r.headers_mut();
    h.insert(ETAG, tag);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// A JSON answer read at tree size `size`, or a 304 if the client has it.
pub(crate) fn answer<T: Serialize>(headers: &HeaderMap, size: u64, body: &T) -> Response {
    tagged(headers, size, Json(body))
}

/// What a ledger error means to a client: a malformed id is a 400, an
/// unknown one a 404, a damaged ledger a 500.
impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Failure {
        match e {
            LedgerError::Log(e) => Failure::from(e),
            LedgerError::NotFound(m) => Failure::not_found(m),
            LedgerError::Resolve(r) => match r {
                ResolveError::NotFound { .. } => Failure::not_found(r.to_string()),
                r => Failure::bad_request(r.to_string()),
            },
            e => Failure::internal(crate::error::chain(&e)),
        }
    }
}

impl From<crate::state::StateError> for Failure {
    fn from(e: crate::state::StateError) -> Failure {
        Failure::from(LedgerError::from(e))
    }
}

/// Runs `f` on a ledger opened at the current checkpoint (taken from the
/// server's pool of open readers) and returns its answer with that size.
async fn read<T, F>(state: Shared, f: F) -> Result<(u64, T), Failure>
where
    F: FnOnce(&Ledger) -> Result<T, Failure> + Send + 'static,
    T: Send + 'static,
{
    blocking(move || {
        let ledger = state.ledger()?;
        let size = ledger.size();
        let out = f(&ledger);
        state.give_back(ledger);
        Ok((size, out?))
    })
    .await
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

async fn status(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (size, s) = read(state, move |l| {
        let id = l.resolve(&id, &[Kind::ClaimRecord])?.id;
        crate::status::claim_status(l.state(), &id)?
            .ok_or_else(|| Failure::not_found(format!("no claim has id {id}")))
    })
    .await?;
    Ok(answer(&headers, size, &s))
}

async fn history(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (size, h) = read(state, move |l| {
        let id = l.resolve(&id, &[Kind::ClaimRecord])?.id;
        crate::history::claim_history(l.state(), &id)?
            .ok_or_else(|| Failure::not_found(format!("no claim has id {id}")))
    })
    .await?;
    Ok(answer(&headers, size, &h))
}

/// The query of `GET /api/v1/claims`; every parameter is optional.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ClaimsQuery {
    /// At most this many claims (1 to [`MAX_PAGE`], default [`MAX_PAGE`]).
    pub limit: Option<String>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// Words that must all occur (as `claims --search`).
    pub q: Option<String>,
    /// Only claims of this article (an id or prefix).
    pub article: Option<String>,
    /// Only claims with this status.
    pub status: Option<String>,
}

/// A page of `GET /api/v1/claims` (schemas/api-claims.schema.json).
#[derive(Serialize)]
pub struct ClaimsPage {
    /// The claims, oldest first, as `claims --json` lists them.
    pub claims: Vec<crate::state::ClaimSummary>,
    /// The cursor of the next page; `null` on the last page.
    pub next: Option<String>,
}

/// The opaque cursor of the page that starts `offset` claims in.
fn cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("claims:{offset}"))
}

fn parse_cursor(c: &str) -> Result<usize, Failure> {
    let bad = || {
        Failure::bad_request(format!(
            "cursor '{c}' is not one this server gave (use the `next` of a page)"
        ))
    };
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| bad())?;
    let text = String::from_utf8(text).map_err(|_| bad())?;
    let n = text.strip_prefix("claims:").ok_or_else(bad)?;
    if n.is_empty() || n.len() > 12 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    n.parse().map_err(|_| bad())
}

/// The limit of a page: 1 to [`MAX_PAGE`], decimal digits only.
fn parse_limit(s: Option<&str>) -> Result<usize, Failure> {
    let Some(s) = s else { return Ok(MAX_PAGE) };
    let bad = || Failure::bad_request(format!("limit '{s}' is not a number from 1 to {MAX_PAGE}"));
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        _ => Err(bad()),
    }
}

/// The longest search text accepted (as many bytes as a claim's
/// proposition may hold is plenty).
const MAX_QUERY_BYTES: usize = 1024;

async fn claims(
    State(state): State<Shared>,
    query: Result<Query<ClaimsQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Query(q) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    let limit = parse_limit(q.limit.as_deref())?;
    let offset = q
        .cursor
        .as_deref()
        .map(parse_cursor)
        .transpose()?
        .unwrap_or(0);
    let status: Option<Status> = q
        .status
        .as_deref()
        .map(|s| {
            s.parse().map_err(|_| {
                Failure::bad_request(format!(
                    "status '{s}' is not one of retracted, verified, refuted, disputed, unverifiable, in_review, unreviewed"
                ))
            })
        })
        .transpose()?;
    if q.q.as_ref().is_some_and(|s| s.len() > MAX_QUERY_BYTES) {
        return Err(Failure::bad_request(format!(
            "q is longer than {MAX_QUERY_BYTES} bytes"
        )));
    }
    let (size, page) = read(state, move |l| {
        let article = q
            .article
            .as_deref()
            .map(|p| l.resolve(p, &[Kind::ArticleRecord]).map(|r| r.id))
            .transpose()?;
        let mut claims = l.state().claims(&ClaimFilter {
            article,
            status,
            search: q.q,
            limit: Some(limit + 1),
            offset,
            ..ClaimFilter::default()
        })?;
        let next = (claims.len() > limit).then(|| cursor(offset + limit));
        claims.truncate(limit);
        Ok(ClaimsPage { claims, next })
    })
    .await?;
    Ok(answer(&headers, size, &page))
}

/// Whether the client asks for the raw COSE_Sign1 bytes.
fn wants_cose(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.split(';').next().unwrap_or("").trim() == "application/cose")
}

async fn statement(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let cose = wants_cose(&headers);
    let (size, out) = read(state, move |l| {
        let r = l.resolve(&id, &[])?;
        let e = l.entry(r.seq)?;
        if cose {
            return Ok(Err(e.statement.bytes().to_vec()));
        }
        // The document of `show --json`.
        let signer = e.statement.signer().to_bytes();
        let mut v = e.statement.statement().to_json();
        let obj = v.as_object_mut().expect("to_json gives an object");
        obj.insert("id".into(), e.statement.id().to_hex().into());
        obj.insert("seq".into(), r.seq.into());
        obj.insert("logged_at".into(), e.leaf.logged_at.into());
        obj.insert("leaf_hash".into(), e.leaf_hash.to_hex().into());
        obj.insert("signer".into(), hex::encode(signer).into());
        obj.insert("signer_name".into(), l.signer_name(&signer)?.into());
        Ok(Ok(v))
    })
    .await?;
    Ok(match out {
        Ok(v) => answer(&headers, size, &v),
        Err(bytes) => tagged(
            &headers,
            size,
            (
                [(CONTENT_TYPE, HeaderValue::from_static("application/cose"))],
                bytes,
            ),
        ),
    })
}

/// A decimal index or size from the path or query, named `what`.
fn number(what: &str, s: &str) -> Result<u64, Failure> {
    let ok = !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| Failure::bad_request(format!("{what} '{s}' is not a number")))
}

/// `?size=` of an inclusion proof.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct SizeQuery {
    /// The tree size to prove inclusion in (default: the current size).
    pub size: Option<String>,
}

/// `proof inclusion --json` (schemas/inclusion-proof.schema.json).
#[derive(Serialize)]
pub struct InclusionView {
    /// The statement's id.
    pub id: crate::digest::Digest,
    /// Its index in the log.
    pub index: u64,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// The RFC 6962 leaf hash.
    pub leaf_hash: crate::digest::Digest,
    /// The root at `tree_size`, base64.
    pub root: String,
    /// The audit path, base64 hashes.
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size` when it is the current size;
    /// empty for an older size (the client holds that checkpoint).
    pub checkpoint: String,
    /// The leaf bytes, base64.
    pub leaf: String,
}

async fn inclusion(
    State(state): State<Shared>,
    Path(index): Path<String>,
    query: Result<Query<SizeQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Query(q) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    let seq = number("index", &index)?;
    let size = q.size.as_deref().map(|s| number("size", s)).transpose()?;
    let (current, view) = read(state, move |l| {
        let size = size.unwrap_or(l.size());
        let log = l.log();
        let proof = log.inclusion_proof(seq, size)?;
        let leaf = log.entry(seq)?;
        let e = l.entry(seq)?;
        Ok(InclusionView {
            id: e.statement.id(),
            index: seq,
            tree_size: size,
            leaf_hash: e.leaf_hash,
            root: BASE64.encode(log.root_at(size)?.0),
            proof: proof.iter().map(|h| BASE64.encode(h.0)).collect(),
            checkpoint: if size == l.size() {
                String::from_utf8_lossy(log.checkpoint_bytes()).into_owned()
            } else {
                String::new()
            },
            leaf: BASE64.encode(&leaf),
        })
    })
    .await?;
    Ok(answer(&headers, current, &view))
}

/// `?old=&new=` of a consistency proof.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The older tree size (required).
    pub old: Option<String>,
    /// The newer tree size (default: the current size).
    pub new: Option<String>,
}

/// `proof consistency --json` (schemas/consistency-proof.schema.json).
#[derive(Serialize)]
pub struct ConsistencyView {
    /// The older size.
    pub old_size: u64,
    /// The newer size.
    pub new_size: u64,
    /// The root at the older size, base64.
    pub old_root: String,
    /// The root at the newer size, base64.
    pub new_root: String,
    /// The proof, base64 hashes.
    pub proof: Vec<String>,
}

async fn consistency(
    State(state): State<Shared>,
    query: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Query(q) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    let old = number(
        "old",
        q.old
            .as_deref()
            .ok_or_else(|| Failure::bad_request("old is missing: ?old=SIZE[&new=SIZE]"))?,
    )?;
    let new = q.new.as_deref().map(|s| number("new", s)).transpose()?;
    let (current, view) = read(state, move |l| {
        let log = l.log();
        let new = new.unwrap_or(l.size());
        let proof = log.consistency_proof(old, new)?;
        Ok(ConsistencyView {
            old_size: old,
            new_size: new,
            old_root: BASE64.encode(log.root_at(old)?.0),
            new_root: BASE64.encode(log.root_at(new)?.0),
            proof: proof.iter().map(|h| BASE64.encode(h.0)).collect(),
        })
    })
    .await?;
    Ok(answer(&headers, current, &view))
}

async fn tlog_proof(
    State(state): State<Shared>,
    Path(index): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let seq = number("index", &index)?;
    let (size, text) = read(state, move |l| Ok(l.inclusion_proof(seq)?.to_text())).await?;
    Ok(tagged(
        &headers,
        size,
        (
            [(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            text,
        ),
    ))
}
