//! Writing to a remote ledger (`--remote URL` on write commands): the
//! statements are signed on this machine with the user's own key, and only
//! the signed statements (and the blobs they need) are sent to the server
//! (`provledger serve --write`), which applies them through the same
//! validity function as a local append and signs the new checkpoint with
//! the operator key that only it holds.
//!
//! [`Sink`] is the one "append these statements" of every write command:
//! [`Sink::Local`] appends to the local ledger (the writer handle, with the
//! operator key), [`Sink::Remote`] submits through a [`Submitter`]. Both
//! take the ledger the command resolved its ids against: the local ledger
//! open for writing, or the remote's verified cache mirror
//! ([`super::cache`]), pulled up to date by [`Submitter::open`] before the
//! command resolves anything.
//!
//! A submission is one `POST /api/v1/statements` (one statement,
//! `application/cose`) or one `POST /api/v1/batches` (statements with
//! blobs, or several statements, `application/cbor`, all-or-nothing). Its
//! answer is checked before it is believed:
//!
//! 1. the statements it lists are the ones sent, in order;
//! 2. its checkpoint is signed by the operator key pinned for the remote;
//! 3. each inclusion proof proves the sent statement's leaf at the index
//!    returned, under that checkpoint;
//! 4. that checkpoint is consistent with the cache mirror's (the last
//!    checkpoint seen of the remote): the first entries of its tree are the
//!    mirror's, by a consistency proof fetched from the server and checked
//!    here, or by the mirror's own hashes when it is not larger.
//!
//! Only then is the checkpoint remembered as seen and the mirror pulled up
//! to date (which checks everything again against the server's served
//! checkpoint). A refusal (422), a busy server (503, retried a bounded
//! number of times honouring `Retry-After`), any other answer or a failed
//! connection leave the cache as it was.

use super::cache;
use super::client::parse_remote_url;
use super::{mirror, RemoteError, RemoteOptions};
use crate::keys::{PublicKey, SecretKey};
use crate::ledger::{Ledger, LedgerError, Receipt};
use crate::log::checkpoint::base64_root;
use crate::log::Checkpoint;
use crate::proof::TlogProof;
use crate::state::RuleError;
use crate::statement::{Kind, SignedStatement};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// Path of the single-statement endpoint, relative to the base URL.
pub const STATEMENTS_PATH: &str = "api/v1/statements";
/// Path of the batch endpoint.
pub const BATCHES_PATH: &str = "api/v1/batches";
/// Largest single statement body the server takes (as `serve`'s limit).
pub const MAX_STATEMENT_BODY: usize = 64 << 10;
/// Largest batch body the server takes (as `serve`'s limit).
pub const MAX_BATCH_BODY: usize = 8 << 20;
/// Largest answer read from the server (a batch's proofs included).
const MAX_ANSWER: u64 = 64 << 20;

/// How a submitter talks to its server.
#[derive(Clone, Debug)]
pub struct SubmitOptions {
    /// Connection and request limits (also those of the mirror's pulls).
    pub remote: RemoteOptions,
    /// How many times a `503` (busy) is retried before giving up.
    pub busy_retries: u32,
    /// The first wait before a retry; it doubles each time, and a longer
    /// `Retry-After` is honoured.
    pub first_wait: Duration,
    /// The longest one wait may be, whatever `Retry-After` says.
    pub max_wait: Duration,
}

impl Default for SubmitOptions {
    fn default() -> Self {
        SubmitOptions {
            remote: RemoteOptions::default(),
            busy_retries: 4,
            first_wait: Duration::from_millis(100),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// Why a write to a remote ledger failed. Each says which step or check
/// failed and names the server; none of them left anything in the cache.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The local ledger or the cache mirror failed (for [`Sink::Local`],
    /// every failure of the local append).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Reading the remote (the cache mirror's pull) failed.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// A statement only the operator key may sign: the operator key is the
    /// server's alone, so it cannot be submitted from here.
    #[error("a {kind} is signed by the operator key, which only the server holds: it cannot be submitted with --remote (nothing was sent); the server's operator appends it on the server's ledger")]
    OperatorOnly {
        /// The statement's kind.
        kind: Kind,
    },
    /// The rules of the server's ledger refused a statement (422). It says
    /// what a local refusal says (`error`); the rule id is kept apart.
    #[error("{error}")]
    Refused {
        /// The server.
        url: String,
        /// The rule's id (README "Rule ids").
        rule: String,
        /// The refusal, as a local append gives it.
        error: Box<LedgerError>,
    },
    /// The request was refused as a request (400, 405, 413, 415).
    #[error("the server {url} refused the request ({status}): {message}; nothing was added")]
    Rejected {
        /// The server.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What the server said.
        message: String,
    },
    /// The body would be larger than the server takes; nothing was sent.
    #[error("the submission is {size} bytes, more than the {max} bytes the server takes in one request; nothing was sent")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The endpoint's limit.
        max: usize,
    },
    /// The server stayed busy (503) through every retry.
    #[error("the server {url} is busy: it answered 503 to {tries} tries ({message}); nothing was added, try again later")]
    Busy {
        /// The server.
        url: String,
        /// How many requests were made.
        tries: u32,
        /// What it said last.
        message: String,
    },
    /// The server could not be reached, or gave no answer in time.
    #[error("cannot submit to {url}: {why}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What happened, and whether anything may have been added.
        why: String,
    },
    /// Another answer than the protocol's (500 and the like).
    #[error("the server {url} answered {status}: {message}")]
    Server {
        /// The server.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What it said.
        message: String,
    },
    /// The server said it accepted the statements, but its answer does not
    /// check: `check` names the check that failed.
    #[error("the server {url} answered {status}, but {check}; its answer is not believed and the cache mirror is unchanged")]
    BadAnswer {
        /// The server.
        url: String,
        /// The HTTP status (201 or 200).
        status: u16,
        /// The check that failed, and why.
        check: String,
    },
    /// The body could not be encoded.
    #[error("cannot encode the batch: {0}")]
    Encode(#[from] crate::cbor::CborError),
}

/// What a write did.
#[derive(Debug)]
pub struct Appended {
    /// Where each statement is, in the order given.
    pub receipts: Vec<Receipt>,
    /// The server already had every statement (200): nothing was added.
    pub duplicate: bool,
    /// A remote write that landed but whose cache mirror could not be
    /// brought up to date afterwards (the next command pulls it): why.
    pub cache_behind: Option<String>,
}

/// Refuses, before anything is sent, statements of `kinds` that only the
/// operator key may sign: key grants and key updates always, and a key
/// revocation unless the user signs it with their own key (`own_key`; a
/// key may revoke itself). See [`crate::state::operator_may_sign`].
pub fn refuse_operator_only(kinds: &[Kind], own_key: bool) -> Result<(), SubmitError> {
    for &kind in kinds {
        let operator_only = crate::state::operator_may_sign(kind) && kind != Kind::KeyRevoke;
        if operator_only || (kind == Kind::KeyRevoke && !own_key) {
            return Err(SubmitError::OperatorOnly { kind });
        }
    }
    Ok(())
}

/// Where a write command's statements go: the one append of every write
/// command, local or remote.
// One per command: the key's size beside a box does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Sink {
    /// The local ledger, opened for writing; `operator` signs its new
    /// checkpoints.
    Local {
        /// The operator key.
        operator: SecretKey,
    },
    /// A remote server.
    Remote(Box<Submitter>),
}

impl Sink {
    /// Appends `statements` (signed, in order) and the `blobs` they refer
    /// to as one all-or-nothing batch. `ledger` is the ledger the ids were
    /// resolved against: the local writer handle, or the remote's cache
    /// mirror (reopened after a remote write, so it holds the new
    /// statements).
    pub fn append(
        &mut self,
        ledger: &mut Ledger,
        statements: Vec<SignedStatement>,
        blobs: &[Vec<u8>],
        now: u64,
    ) -> Result<Appended, SubmitError> {
        match self {
            Sink::Local { operator } => Ok(Appended {
                receipts: ledger.append_with_blobs(statements, blobs, operator, now)?,
                duplicate: false,
                cache_behind: None,
            }),
            Sink::Remote(s) => s.submit(ledger, statements, blobs),
        }
    }

    /// Appends one statement that records something anew, refused first if
    /// the ledger already records it ([`Ledger::add`]; remotely, as the
    /// cache mirror has it).
    pub fn add(
        &mut self,
        ledger: &mut Ledger,
        statement: SignedStatement,
        blobs: &[Vec<u8>],
        now: u64,
    ) -> Result<Appended, SubmitError> {
        match self {
            Sink::Local { operator } => Ok(Appended {
                receipts: vec![ledger.add(statement, blobs, operator, now)?],
                duplicate: false,
                cache_behind: None,
            }),
            Sink::Remote(s) => {
                ledger
                    .state()
                    .refuse_repeat(&statement.statement().body)
                    .map_err(LedgerError::from)?;
                s.submit(ledger, vec![statement], blobs)
            }
        }
    }
}

/// Submits signed statements to one remote server and checks its answers
/// against the remote's verified cache mirror.
pub struct Submitter {
    url: String,
    dir: PathBuf,
    operator: PublicKey,
    http: reqwest::blocking::Client,
    opts: SubmitOptions,
}

/// A batch body: canonical CBOR `{"blobs": [bstr], "statements": [bstr]}`
/// (the protocol's, as `serve` decodes it).
#[derive(Serialize, Deserialize)]
struct Batch {
    statements: Vec<serde_bytes::ByteBuf>,
    blobs: Vec<serde_bytes::ByteBuf>,
}

/// A 201/200 answer (schemas/api-submit.schema.json).
#[derive(Deserialize)]
struct Accepted {
    statements: Vec<PlacedAnswer>,
    checkpoint: String,
    proofs: Vec<String>,
}

#[derive(Deserialize)]
struct PlacedAnswer {
    id: String,
    index: u64,
}

/// An error answer: `{error, message}`, or a 422's `{rule, message, index}`.
#[derive(Deserialize, Default)]
struct Failure {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    index: Option<usize>,
}

/// A consistency proof (schemas/consistency-proof.schema.json).
#[derive(Deserialize)]
struct Consistency {
    proof: Vec<String>,
}

impl Submitter {
    /// Pulls the cache mirror of the remote at `url` up to the remote's
    /// checkpoint (the first use needs the operator's public key; later
    /// ones use the key pinned then) and returns a submitter for it with
    /// the mirror opened, to resolve ids against. `progress` is the pull's.
    pub fn open(
        url: &str,
        operator: Option<PublicKey>,
        opts: SubmitOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(Submitter, Ledger), SubmitError> {
        let base = parse_remote_url(url)?;
        let (dir, report) = cache::sync(url, operator, opts.remote.clone(), progress)?;
        let operator = PublicKey::parse(&report.operator_key, "the pinned operator key")
            .map_err(LedgerError::from)?;
        let http = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.remote.connect_timeout)
            .timeout(opts.remote.request_timeout)
            .no_proxy()
            .user_agent(format!("provledger/{} (submit)", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RemoteError::Client(e.to_string()))?;
        let ledger = Ledger::open(&dir)?;
        Ok((
            Submitter {
                url: base.to_string(),
                dir,
                operator,
                http,
                opts,
            },
            ledger,
        ))
    }

    /// The server's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The cache mirror's directory.
    pub fn mirror_dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Submits `statements` with `blobs`, checks the answer against the
    /// cache mirror `ledger` (see the module docs), then pulls the mirror
    /// and reopens `ledger` on it.
    pub fn submit(
        &mut self,
        ledger: &mut Ledger,
        statements: Vec<SignedStatement>,
        blobs: &[Vec<u8>],
    ) -> Result<Appended, SubmitError> {
        let op = self.operator.bytes();
        if let Some(s) = statements.iter().find(|s| s.signer().to_bytes() == op) {
            return Err(SubmitError::OperatorOnly {
                kind: s.statement().body.kind(),
            });
        }
        let (path, media, body, max) = if statements.len() == 1 && blobs.is_empty() {
            (
                STATEMENTS_PATH,
                "application/cose",
                statements[0].bytes().to_vec(),
                MAX_STATEMENT_BODY,
            )
        } else {
            let batch = Batch {
                statements: statements
                    .iter()
                    .map(|s| serde_bytes::ByteBuf::from(s.bytes().to_vec()))
                    .collect(),
                blobs: blobs
                    .iter()
                    .map(|b| serde_bytes::ByteBuf::from(b.clone()))
                    .collect(),
            };
            (
                BATCHES_PATH,
                "application/cbor",
                crate::cbor::to_vec(&batch)?,
                MAX_BATCH_BODY,
            )
        };
        if body.len() > max {
            return Err(SubmitError::TooLarge {
                size: body.len(),
                max,
            });
        }
        let (status, answer) = self.post(path, media, body)?;
        let failure = || serde_json::from_slice::<Failure>(&answer).unwrap_or_default();
        let said = |f: &Failure| match &f.message {
            Some(m) => printable(m),
            None => printable(&String::from_utf8_lossy(&answer)),
        };
        match status {
            200 | 201 => {}
            422 => return Err(self.refusal(&statements, failure(), &answer)),
            400 | 405 | 413 | 415 => {
                return Err(SubmitError::Rejected {
                    url: self.url.clone(),
                    status,
                    message: said(&failure()),
                })
            }
            _ => {
                let mut message = said(&failure());
                // A timeout or a server failure may come after the
                // sequencer took the statements (the server's request
                // timeout covers the wait for its batch).
                if status == 408 || status >= 500 {
                    message.push_str(UNKNOWN_OUTCOME);
                }
                return Err(SubmitError::Server {
                    url: self.url.clone(),
                    status,
                    message,
                });
            }
        }
        // What the server sent is in `check`: shown printable.
        let bad = |check: String| SubmitError::BadAnswer {
            url: self.url.clone(),
            status,
            check: printable(&check),
        };
        let accepted: Accepted = serde_json::from_slice(&answer).map_err(|e| {
            bad(format!(
                "its body is not the answer of schemas/api-submit.schema.json: {e}"
            ))
        })?;
        let cp = self.check(ledger, &statements, &accepted, status)?;
        let receipts = statements
            .iter()
            .zip(&accepted.statements)
            .map(|(s, p)| Receipt {
                id: s.id(),
                kind: s.statement().body.kind(),
                seq: p.index,
                tree_size: cp.size,
                checkpoint: accepted.checkpoint.clone(),
            })
            .collect();
        // Believed: remembered as seen, so the pull below (and every later
        // one) refuses a remote that is not consistent with it.
        let behind = mirror::remember_checkpoint(&self.dir, cp.size, &cp.root)
            .and_then(|()| {
                mirror::pull(
                    &self.url,
                    &self.dir,
                    Some(self.operator.clone()),
                    self.opts.remote.clone(),
                    &mut |_, _| {},
                )
            })
            .map_err(SubmitError::from)
            .and_then(|_| Ok(Ledger::open(&self.dir)?))
            .map(|l| *ledger = l)
            .err()
            .map(|e| crate::error::chain(&e));
        Ok(Appended {
            receipts,
            duplicate: status == 200,
            cache_behind: behind,
        })
    }

    /// A 422 as the local refusal of statement `index` would be.
    fn refusal(&self, statements: &[SignedStatement], f: Failure, raw: &[u8]) -> SubmitError {
        // One statement's refusal need not name it; a batch's must.
        let index = match (f.index, statements.len()) {
            (Some(i), _) => i,
            (None, 1) => 0,
            (None, _) => usize::MAX,
        };
        let (Some(rule), Some(message), Some(s)) = (
            f.rule,
            f.message.as_deref().map(printable),
            statements.get(index),
        ) else {
            return SubmitError::BadAnswer {
                url: self.url.clone(),
                status: 422,
                check: format!(
                    "its refusal does not name a rule, a message and a statement sent: {}",
                    printable(&String::from_utf8_lossy(raw))
                ),
            };
        };
        let kind = s.statement().body.kind();
        let prefix = format!("{kind} refused: ");
        let reason = message
            .strip_prefix(&prefix)
            .unwrap_or(&message)
            .to_string();
        SubmitError::Refused {
            url: self.url.clone(),
            error: Box::new(LedgerError::Refused {
                index,
                batch: statements.len(),
                id: s.id().to_hex(),
                error: RuleError {
                    kind,
                    rule: rule_id(&rule),
                    reason,
                },
            }),
            rule: printable(&rule),
        }
    }

    /// Checks a 201/200 answer (module docs, steps 1 to 4) and returns its
    /// checkpoint.
    fn check(
        &self,
        ledger: &Ledger,
        statements: &[SignedStatement],
        a: &Accepted,
        status: u16,
    ) -> Result<Checkpoint, SubmitError> {
        // What the server sent is in `check`: shown printable.
        let bad = |check: String| SubmitError::BadAnswer {
            url: self.url.clone(),
            status,
            check: printable(&check),
        };
        // 1. The statements sent, in order, each with a proof.
        if a.statements.len() != statements.len() || a.proofs.len() != statements.len() {
            return Err(bad(format!(
                "it lists {} statements and {} proofs for the {} sent",
                a.statements.len(),
                a.proofs.len(),
                statements.len()
            )));
        }
        for (i, (s, p)) in statements.iter().zip(&a.statements).enumerate() {
            if p.id != s.id().to_hex() {
                return Err(bad(format!(
                    "statement {i} of its answer is {}, not the statement sent ({})",
                    p.id,
                    s.id().to_hex()
                )));
            }
        }
        // 2. The checkpoint, under the pinned operator key.
        let cp = Checkpoint::verify(a.checkpoint.as_bytes(), &self.operator.note_verifier())
            .map_err(|e| {
                bad(format!(
                    "the checkpoint it returned does not verify under the operator key pinned for this remote ({}): {}",
                    self.operator.to_note_string(),
                    crate::error::chain(&e)
                ))
            })?;
        if cp.origin != ledger.log().origin() {
            return Err(bad(format!(
                "the checkpoint it returned is of the log {}, not {}",
                cp.origin,
                ledger.log().origin()
            )));
        }
        // 3. Each proof: the statement sent, at the index returned, under
        // that checkpoint.
        for (i, ((s, p), text)) in statements
            .iter()
            .zip(&a.statements)
            .zip(&a.proofs)
            .enumerate()
        {
            let what = format!(
                "the inclusion proof of statement {i} ({}) at index {}",
                crate::state::short(&s.id()),
                p.index
            );
            let proof = TlogProof::parse(text.as_bytes())
                .map_err(|e| bad(format!("{what} cannot be read: {e}")))?;
            if proof.index != p.index {
                return Err(bad(format!("{what} is for index {}", proof.index)));
            }
            let proven = proof
                .verify(&self.operator)
                .map_err(|e| bad(format!("{what} does not check: {e}")))?;
            if proven.checkpoint.size != cp.size || proven.checkpoint.root != cp.root {
                return Err(bad(format!(
                    "{what} is under a checkpoint of size {} (root {}), not the one returned (size {}, root {})",
                    proven.checkpoint.size,
                    base64_root(&proven.checkpoint.root),
                    cp.size,
                    base64_root(&cp.root)
                )));
            }
            if proven.statement.id() != s.id() {
                return Err(bad(format!(
                    "{what} proves another statement ({}) at that index",
                    crate::state::short(&proven.statement.id())
                )));
            }
        }
        // 4. Consistent with the cache mirror's checkpoint.
        self.check_consistent(ledger, &cp, status)?;
        Ok(cp)
    }

    /// Step 4: `cp` extends the mirror's tree, or the mirror's tree has it
    /// as a prefix.
    fn check_consistent(
        &self,
        ledger: &Ledger,
        cp: &Checkpoint,
        status: u16,
    ) -> Result<(), SubmitError> {
        let log = ledger.log();
        let (m, mroot) = (log.size(), log.root());
        let inconsistent = |why: String| {
            SubmitError::Remote(RemoteError::Inconsistent {
                url: self.url.clone(),
                seen_size: m,
                seen_root: base64_root(&mroot),
                size: cp.size,
                root: base64_root(&cp.root),
                why,
            })
        };
        if cp.size <= m {
            let ours = log.root_at(cp.size).map_err(LedgerError::from)?;
            if ours != cp.root {
                return Err(inconsistent(format!(
                    "the first {} entries of the tree seen have root {}",
                    cp.size,
                    base64_root(&ours)
                )));
            }
            return Ok(());
        }
        let path = format!("api/v1/proofs/consistency?old={m}&new={}", cp.size);
        let url = format!("{}{path}", self.url);
        // What the server sent is in `check`: shown printable.
        let bad = |check: String| SubmitError::BadAnswer {
            url: self.url.clone(),
            status,
            check: printable(&check),
        };
        let resp = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .map_err(|e| {
                bad(format!(
                    "the consistency proof of its checkpoint with the cache's cannot be fetched from {url}: {}",
                    crate::error::chain(&e)
                ))
            })?;
        let code = resp.status().as_u16();
        let body = read_capped(resp, MAX_ANSWER).map_err(|why| {
            bad(format!(
                "the consistency proof at {url} cannot be read: {why}"
            ))
        })?;
        if code != 200 {
            return Err(bad(format!(
                "it gives no consistency proof of its checkpoint (size {}) with the cache's (size {m}): {url} answered {code}",
                cp.size
            )));
        }
        let proof: Consistency = serde_json::from_slice(&body)
            .map_err(|e| bad(format!("the consistency proof at {url} is not JSON: {e}")))?;
        let hashes = proof
            .proof
            .iter()
            .map(|h| BASE64.decode(h).map_err(|_| h.clone()))
            .collect::<Result<Vec<Vec<u8>>, _>>()
            .map_err(|h| {
                bad(format!(
                    "the consistency proof at {url} holds {h:?}, which is not base64"
                ))
            })?;
        crate::log::proof::verify_consistency(m, cp.size, &hashes, &mroot.0, &cp.root.0)
            .map_err(|e| inconsistent(format!("the consistency proof it gives fails: {e}")))
    }

    /// POSTs `body`, retrying a `503` up to [`SubmitOptions::busy_retries`]
    /// times, each after the longer of `Retry-After` and a doubling wait
    /// (at most [`SubmitOptions::max_wait`]). Returns the final status and
    /// body.
    fn post(&self, path: &str, media: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), SubmitError> {
        let url = format!("{}{path}", self.url);
        let mut wait = self.opts.first_wait;
        let tries = self.opts.busy_retries + 1;
        for attempt in 1..=tries {
            let resp = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, media)
                .header(reqwest::header::ACCEPT, "application/json")
                .body(body.clone())
                .send()
                .map_err(|e| SubmitError::Unreachable {
                    url: url.clone(),
                    why: unreachable_why(&e, &self.opts.remote),
                })?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let answer = read_capped(resp, MAX_ANSWER).map_err(|why| SubmitError::Unreachable {
                url: url.clone(),
                why: format!("its answer ({status}) cannot be read: {why}{UNKNOWN_OUTCOME}"),
            })?;
            if status != 503 {
                return Ok((status, answer));
            }
            if attempt == tries {
                let message = serde_json::from_slice::<Failure>(&answer)
                    .ok()
                    .and_then(|f| f.message)
                    .map_or_else(|| "Service Unavailable".into(), |m| printable(&m));
                return Err(SubmitError::Busy {
                    url: self.url.clone(),
                    tries,
                    message,
                });
            }
            let pause = retry_after
                .unwrap_or_default()
                .max(wait)
                .min(self.opts.max_wait);
            std::thread::sleep(pause);
            wait = (wait * 2).min(self.opts.max_wait);
        }
        unreachable!("the last try returns")
    }
}

/// What a 408 or 5xx answer adds: the outcome is not known.
const UNKNOWN_OUTCOME: &str = "; the statements may or may not have been added (sending them again is answered \"already in the log\" if they were)";

/// Most chars of a server's text shown in a message.
const MAX_SHOWN: usize = 500;

/// A server's text as a message may show it: every character a field may
/// not hold (`state::limits::refused_char`: control characters, terminal
/// escapes among them, directional overrides, line separators and other
/// smugglers) replaced by U+FFFD, at most [`MAX_SHOWN`] chars (then "…").
fn printable(text: &str) -> String {
    let mut buf = [0u8; 4];
    let mut out: String = text
        .chars()
        .take(MAX_SHOWN)
        .map(|c| {
            if crate::state::limits::refused_char(c.encode_utf8(&mut buf), &[]).is_some() {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(MAX_SHOWN).is_some() {
        out.push('…');
    }
    out
}

/// Why a request got no answer, and what that means for the statements.
fn unreachable_why(e: &reqwest::Error, opts: &RemoteOptions) -> String {
    let cause = crate::error::chain(e);
    if e.is_connect() {
        format!("cannot connect to the server ({cause}); nothing was sent")
    } else if e.is_timeout() {
        format!(
            "no answer within {} s ({cause}){UNKNOWN_OUTCOME}",
            opts.request_timeout.as_secs_f64()
        )
    } else {
        format!("{cause}; the statements may or may not have been added")
    }
}

/// Reads at most `max` bytes of `resp`'s body.
fn read_capped(resp: reqwest::blocking::Response, max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    resp.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| crate::error::chain(&e))?;
    if out.len() as u64 > max {
        return Err(format!("it is larger than {max} bytes"));
    }
    Ok(out)
}

/// The rule id a server names, as the `&'static str` a [`RuleError`]
/// holds: each distinct id is kept once for the life of the process (a
/// command makes one submission). An id that is not a dotted lowercase
/// name is replaced by `remote.unnamed`, so what a server sends is never
/// printed raw as a rule.
fn rule_id(rule: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static SEEN: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let ok = !rule.is_empty()
        && rule.len() <= 64
        && rule
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        return "remote.unnamed";
    }
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = seen.get(rule) {
        return s;
    }
    let s: &'static str = Box::leak(rule.to_string().into_boxed_str());
    seen.insert(s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_text_is_shown_without_control_characters_and_cut() {
        assert_eq!(
            printable("refused\u{1b}[2J\u{1b}]0;pwned\u{7}\nnext"),
            "refused\u{fffd}[2J\u{fffd}]0;pwned\u{fffd}\u{fffd}next"
        );
        assert_eq!(
            printable("a\u{202e}b\u{2028}c\u{feff}d é"),
            "a\u{fffd}b\u{fffd}c\u{fffd}d é",
            "directional overrides and smugglers too, letters kept"
        );
        let long = "x".repeat(MAX_SHOWN + 10);
        let shown = printable(&long);
        assert_eq!(
            shown.chars().count(),
            MAX_SHOWN + 1,
            "cut, with an ellipsis"
        );
        assert!(shown.ends_with('…'));
        assert_eq!(
            printable(&"y".repeat(MAX_SHOWN)),
            "y".repeat(MAX_SHOWN),
            "not cut at the limit"
        );
    }

    #[test]
    fn operator_only_kinds_are_refused_before_anything_is_sent() {
        for k in [Kind::KeyGrant, Kind::KeyUpdate] {
            let e = refuse_operator_only(&[k], true).unwrap_err();
            assert!(e.to_string().starts_with(&format!(
                "a {k} is signed by the operator key, which only the server holds"
            )));
        }
        refuse_operator_only(&[Kind::KeyRevoke], true).unwrap();
        assert!(refuse_operator_only(&[Kind::KeyRevoke], false).is_err());
        refuse_operator_only(&[Kind::Verification, Kind::ClaimRecord], true).unwrap();
    }

    #[test]
    fn rule_ids_are_kept_once_and_odd_ones_are_not_repeated() {
        let a = rule_id("signer.role");
        assert_eq!(a, "signer.role");
        assert!(std::ptr::eq(a, rule_id("signer.role")));
        assert_eq!(rule_id("Signer Role\n"), "remote.unnamed");
        assert_eq!(rule_id(""), "remote.unnamed");
    }
}
