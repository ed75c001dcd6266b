//! The write side of `provledger serve`: `POST /api/v1/statements` (one
//! COSE_Sign1) and `POST /api/v1/batches` (statements and blobs,
//! all-or-nothing), answered as README "Serving the ledger" and
//! schemas/api-submit.schema.json say.
//!
//! A request is checked in this order, and the first failure answers:
//! content type (415), size (413), decoding and canonical form (400),
//! every signature (400); only then is it queued to the sequencer
//! ([`crate::ledger::sequencer`]), whose group commit applies it through
//! the validity function (201, 200 for an exact duplicate, 422 with the
//! rule id) or answers that its queue is full (503 with `Retry-After`).
//! Nothing is written for any answer but 201.

use super::{Failure, Shared};
use crate::ledger::batch::BatchError;
use crate::ledger::sequencer::Answer;
use crate::ledger::{Committed, Outcome, Submission, RULE_CLOCK_AHEAD};
use crate::statement::{SignedStatement, StatementError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::Serialize;

/// How a server takes statements ([`super::Options::write`]).
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// The operator key that signs the checkpoints (LEDGER/private/operator.key
    /// by default on the command line).
    pub operator_key: std::path::PathBuf,
    /// How the sequencer batches.
    pub sequencer: crate::ledger::sequencer::Config,
}

impl WriteOptions {
    /// Loads the operator key and starts the sequencer on the ledger in
    /// `dir` (it takes the writer lock).
    pub(crate) fn start(
        &self,
        dir: &std::path::Path,
    ) -> Result<crate::ledger::sequencer::Sequencer, crate::ledger::LedgerError> {
        let key = crate::keys::load_secret_key(&self.operator_key)?;
        crate::ledger::sequencer::Sequencer::start(dir, key, self.sequencer.clone())
    }
}

/// Largest body of `POST /api/v1/statements`.
pub const MAX_STATEMENT_BODY: usize = 64 << 10;
/// Largest body of `POST /api/v1/batches`.
pub const MAX_BATCH_BODY: usize = 8 << 20;
/// The media type of one statement.
pub const COSE: &str = "application/cose";
/// The media type of a batch.
pub const CBOR: &str = "application/cbor";
/// Seconds a client is told to wait when the queue is full.
pub const RETRY_AFTER_BUSY: u64 = 1;
/// Batches whose bodies are read and decoded at once (each up to
/// [`MAX_BATCH_BODY`]): past this a batch is answered `503` before its
/// body is read, so concurrent batches cannot hold more than
/// 16 × 8 MiB of bodies (and their decoded copies) in memory.
pub const MAX_BATCHES_IN_FLIGHT: usize = 16;

pub use crate::ledger::batch::BatchBody;

/// The write routes, for [`super::router`].
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v1/statements",
            post(post_statement).layer(DefaultBodyLimit::max(MAX_STATEMENT_BODY)),
        )
        .route(
            "/api/v1/batches",
            post(post_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY)),
        )
}

/// The answer of a write: 201/200 with where the statements are.
#[derive(Serialize)]
struct Accepted<'a> {
    statements: &'a [crate::ledger::Placed],
    checkpoint: &'a str,
    proofs: Vec<String>,
}

/// A 422: a rule refused a statement.
#[derive(Serialize)]
struct RefusedBody<'a> {
    error: &'static str,
    rule: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

fn failure(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

/// 415 unless the request's media type (parameters aside) is `want`.
fn check_type(req: &Request, want: &str) -> Result<(), Failure> {
    let given = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let essence = given.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if essence.as_deref() == Some(want) {
        return Ok(());
    }
    Err(failure(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        match given {
            Some(t) => format!("the body must be {want}, not {t}"),
            None => format!("the body must be {want}; the request has no Content-Type"),
        },
    ))
}

/// The body, within the route's limit: 413 past it, 400 if it breaks off.
async fn body(req: Request, limit: usize) -> Result<Bytes, Failure> {
    Bytes::from_request(req, &()).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            failure(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the body is larger than {limit} bytes, the most this endpoint takes"),
            )
        } else {
            failure(
                StatusCode::BAD_REQUEST,
                "bad-body",
                format!("the body cannot be read: {}", r.body_text()),
            )
        }
    })
}

/// 400 (or 413 for an oversized statement) for a statement that cannot be
/// decoded or whose signature fails; `at` names its place in a batch.
fn bad_statement(e: &StatementError, at: Option<usize>) -> Failure {
    let (status, code) = match e {
        StatementError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
        StatementError::Cbor(_) => (StatusCode::BAD_REQUEST, "non-canonical"),
        StatementError::BadSignature { .. } => (StatusCode::BAD_REQUEST, "bad-signature"),
        _ => (StatusCode::BAD_REQUEST, "undecodable"),
    };
    let place = at.map_or(String::new(), |i| format!("statement {i} of the batch: "));
    failure(status, code, format!("{place}{}", crate::error::chain(e)))
}

async fn post_statement(State(app): State<Shared>, req: Request) -> Response {
    let run = async {
        check_type(&req, COSE)?;
        let bytes = body(req, MAX_STATEMENT_BODY).await?;
        let verified = SignedStatement::decode(&bytes)
            .and_then(SignedStatement::verify)
            .map_err(|e| bad_statement(&e, None))?;
        Ok::<_, Failure>(Submission {
            statements: vec![verified],
            blobs: Vec::new(),
        })
    };
    match run.await {
        Ok(sub) => submit(&app, sub, false).await,
        Err(f) => f.into_response(),
    }
}

async fn post_batch(State(app): State<Shared>, req: Request) -> Response {
    let Ok(_slot) = app.batch_slots().try_acquire() else {
        return unavailable(
            RETRY_AFTER_BUSY,
            "busy",
            &format!(
                "the server is reading {MAX_BATCHES_IN_FLIGHT} batches already; try again shortly"
            ),
        );
    };
    let run = async {
        check_type(&req, CBOR)?;
        let bytes = body(req, MAX_BATCH_BODY).await?;
        // Decoding and every signature check: CPU work, off the workers.
        super::blocking(move || decode_batch(&bytes)).await
    };
    match run.await {
        Ok(sub) => submit(&app, sub, true).await,
        Err(f) => f.into_response(),
    }
}

/// A batch body as a submission, every signature checked
/// ([`crate::ledger::batch::decode`]), or the 400 (413) that says why not.
fn decode_batch(bytes: &[u8]) -> Result<Submission, Failure> {
    crate::ledger::batch::decode(bytes).map_err(|e| match e {
        BatchError::Statement { at, source } => bad_statement(&source, Some(at)),
        BatchError::Empty => failure(StatusCode::BAD_REQUEST, "bad-request", e.to_string()),
        BatchError::Undecodable(_) => failure(
            StatusCode::BAD_REQUEST,
            "undecodable",
            crate::error::chain(&e),
        ),
    })
}

/// Queues `sub` and answers with what became of it.
async fn submit(app: &Shared, sub: Submission, batch: bool) -> Response {
    let Some(sequencer) = app.sequencer() else {
        return failure(
            StatusCode::METHOD_NOT_ALLOWED,
            "read-only",
            "this server is read-only (started without --write); it takes no statements",
        )
        .into_response();
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    sequencer.submit(sub, move |a| {
        let _ = tx.send(a);
    });
    let answer = rx.await.unwrap_or(Answer::Stopped);
    answer_response(answer, batch)
}

/// The HTTP answer for a sequencer's answer.
fn answer_response(answer: Answer, batch: bool) -> Response {
    let mut r = match answer {
        Answer::Done(Outcome::Appended(c)) => accepted(StatusCode::CREATED, &c),
        Answer::Done(Outcome::Duplicate(c)) => accepted(StatusCode::OK, &c),
        Answer::Done(Outcome::Refused {
            index,
            rule,
            message,
            ..
        }) => refused(rule, &message, batch.then_some(index)),
        Answer::Done(Outcome::Ahead { index, message }) => {
            refused(RULE_CLOCK_AHEAD, &message, batch.then_some(index))
        }
        Answer::Busy => unavailable(
            RETRY_AFTER_BUSY,
            "busy",
            "the server's write queue is full; try again shortly",
        ),
        Answer::Stopped => unavailable(
            5,
            "stopping",
            "the server is shutting down and takes no more statements",
        ),
        Answer::Failed(m) => failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the batch could not be completed ({m}); it may or may not be in the log: send it again, and what was written is answered 200"),
        )
        .into_response(),
    };
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn accepted(status: StatusCode, c: &Committed) -> Response {
    let body = Accepted {
        statements: &c.statements,
        checkpoint: &c.checkpoint,
        proofs: c.proofs.iter().map(|p| p.to_text()).collect(),
    };
    (status, axum::Json(body)).into_response()
}

fn refused(rule: &str, message: &str, index: Option<usize>) -> Response {
    let body = RefusedBody {
        error: "refused",
        rule,
        message,
        index,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

fn unavailable(retry_after: u64, code: &'static str, message: &str) -> Response {
    let mut r = failure(StatusCode::SERVICE_UNAVAILABLE, code, message).into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    r
}
