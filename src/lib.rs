//! provledger: a source-verification and provenance ledger.
//!
//! Every claim of a news article is stored with its attribution as a signed
//! statement in an append-only transparency log, so that fact-checkers can
//! check corroboration, auditors can replay the whole ledger and prove that
//! nothing was rewritten, and newsroom tools can ask for a claim's status.
//! The README says what a user sees; this page is a map of the code.
//!
//! # Rooms
//!
//! | module | what it holds | specs it implements |
//! |---|---|---|
//! | [`cbor`] | canonical CBOR encoding and strict decoding | RFC 8949 §4.2.1 |
//! | [`digest`] | SHA-256 ids of statements, blobs and leaves | FIPS 180-4 |
//! | [`keys`] | Ed25519 signer and verifier keys, their text forms and files | c2sp.org/signed-note key forms |
//! | [`statement`] | statement bodies and their vocabularies, anchors, COSE_Sign1 signing and (batch) verification | RFC 9052, W3C Web Annotation selectors, UAX #29 |
//! | [`log`] | the log: leaves, entry bundles, hash tiles, `hashes`, checkpoints, blobs, the single writer, the structural audit, proof checks | c2sp.org/tlog-tiles, tlog-checkpoint, signed-note, RFC 6962 |
//! | [`state`] | the rules' state and the index in SQLite, and **the one validity function**, [`State::apply`](state::State::apply); the read queries | README "Statements and rules" |
//! | [`status`], [`history`] | what a claim's status is and how it came to be, from the state's rows | README "Status" |
//! | [`drift`] | claim drift: each claim of an article version re-anchored in a newer one, classified, and the revisions that apply | Hypothesis-style fuzzy anchoring, calibrated (EVALUATION.md) |
//! | [`ledger`] | log and state kept in step: init, open, catch up, append, resolve, reindex | |
//! | [`import`] | `claim import` as a plan: read, check, sign, append one batch | JSON Schema (schemas/claim-import.schema.json) |
//! | [`extract`] | proposes an article's attributed claims (source, cue, content, hedge) in the `claim import` format; lexicons in data/lexicons/ | sentencex segmentation |
//! | [`audit`] | replay a whole ledger from genesis and report every problem | |
//! | [`capture`] | articles from the web: the HTTP client, charset and decoding, main-text extraction, the WARC file, re-fetch outcomes, the watch list | RFC 9110, WHATWG Encoding, ISO 28500 (WARC 1.1), RFC 9309 |
//! | [`proof`] | offline proof files; status proofs ([`proof::status`]): a claim's status checked offline | c2sp.org/tlog-proof |
//! | [`serve`] | `provledger serve`: the ledger over HTTP (tiles, blobs, the JSON API), hardened (feature `serve`) | c2sp.org/tlog-tiles, RFC 9110 |
//! | [`opening`] | opening an anonymous source's identity commitment and checking it against the ledger | |
//! | [`report`] | the web view: HTML pages of claims, articles, sources and the audit, and the static site of `provledger report` | HTML templates (minijinja), inline SVG |
//! | [`time`] | the one RFC 3339 formatter | RFC 3339 |
//! | [`export`] | exports for other tools: ClaimReview JSON-LD, PROV-JSON, JSON Lines of the log, CSV of claims, from the read queries | schema.org ClaimReview, W3C PROV-JSON, RFC 4180 |
//! | [`lockwait`] | who holds the writer lock | |
//! | [`publish`] | `provledger publish DEST`: the checkpoint, tiles and blobs to a directory or an S3-compatible bucket, in the served layout, checkpoint last (feature `publish`) | c2sp.org/tlog-tiles (static hosting) |
//! | [`remote`] | a remote ledger over HTTP: the tlog-tiles client, verified pull mirrors (`mirror`, `--remote`, `audit --remote`); writes with `--remote` signed here and submitted, their answers checked ([`remote::submit`], whose `Sink` is every write command's one append, local or remote) | c2sp.org/tlog-tiles (client side), c2sp.org/tlog-proof |
//! | [`error`] | an error said with its causes | |
//!
//! `src/replay.rs` (crate-private) is the one replay of log entries:
//! decode → verify → apply, with signatures checked (`verify_strict`, on
//! the rayon pool) beside the sequential apply.
//!
//! The command line (`src/main.rs`, `src/cli/`) only parses arguments, calls
//! these modules and prints their answers; it makes no domain decision.
//!
//! # Data flow
//!
//! ```text
//! Body ──sign──▶ SignedStatement ──verify (all cores)──▶ VerifiedStatement
//!  (statement/body.rs)  (COSE_Sign1 over          (statement/mod.rs: only a
//!                        canonical CBOR)            checked signature makes one)
//!                                                          │
//!                                                          ▼
//!   Ledger::append: State::apply, every statement of the batch, in one
//!   database transaction (state/mod.rs and the files of each kind)
//!                                                          │ all pass
//!                                                          ▼
//!   blobs stored, then the log writer: leaves → entry bundles, hash tiles,
//!   `hashes`, signed checkpoint (log/writer.rs); then the state commits
//! ```
//!
//! [`Ledger::append`](ledger::Ledger::append) checks every signature
//! ([`statement::verify_batch`]), runs every statement through
//! [`State::apply`](state::State::apply) inside one database transaction,
//! and only if all pass writes the batch's blobs and then the batch to the
//! log, and commits. The log is the truth: a state that missed the commit
//! catches up on the next open. Catch-up and `reindex` (`ledger/replay.rs`)
//! and [`audit`] replay the log through the same function (`src/replay.rs`:
//! decode → verify → [`State::apply`](state::State::apply)), so
//! nothing is admitted that a replay would reject. Audit replays into
//! [`State::in_memory_validity`](state::State::in_memory_validity), which
//! keeps only what decides validity: the full-text search index
//! (`state/search.rs`) is a projection of applied claims that no rule
//! reads, built beside the rules in the on-disk index only.
//!
//! A `claim import` ([`import`]) builds one batch from a file: it checks
//! the file (JSON Schema, refs, anchors located once in the article text)
//! before anything is signed, and appends through the same
//! [`Ledger::append`](ledger::Ledger::append).
//!
//! # Where each rule lives
//!
//! Every refusal carries a rule id (README "Rule ids"), in the file of the
//! rule:
//!
//! - every statement (entry order, genesis position, log and statement
//!   times, no statement twice, signer and role): [`State::apply`](state::State::apply)
//!   in `state/mod.rs`, as are the references to other statements (`ref.*`;
//!   a statement dated before one it refers to: `state/keys.rs`);
//! - `ledger.genesis`, `key.grant`, `key.revoke`: `state/keys.rs`;
//! - `source.record`: `state/sources.rs`;
//! - `article.record` and version chains: `state/articles.rs`;
//! - an `article.record`'s capture record (`article.capture-*`):
//!   `state/captures.rs`;
//! - `claim.record`, `claim.revise`, `claim.retract`: `state/claims.rs`,
//!   with the anchor checked by [`statement::Anchor::check_in`]
//!   (`statement/anchor.rs`);
//! - `claim.link`, `claim.link.withdraw`: `state/links.rs`;
//! - `key.update` and revocation modes: `state/keys.rs`;
//! - `source.identity`, `source.relate`, `source.merge`: `state/sources.rs`;
//! - `verification`, `verification.withdraw`: `state/verifications.rs`;
//! - field sizes and forbidden characters: [`state::limits`];
//! - a time ahead of this machine's clock: refused at append by
//!   `ledger/mod.rs` and reported by audit, a check against the machine
//!   rather than a rule (no rule id);
//! - what a body is on its own (shape, canonical form): `statement/body.rs`.
//!
//! Not validity rules, and so not replayed: the checks that keep a command
//! from recording a thing twice (`state/existing.rs`, run by `Ledger::add`
//! and by an import's plan) and the checks of an import file (`import/`).
//!
//! # Where each answer comes from
//!
//! - which verdicts count and the status they give (rules 1 and 2 of
//!   README "Status": withdrawn, superseded, compromised key, self-review,
//!   stale): `state/standing.rs`, pure functions over verdict rows, whose answer the index caches per claim; [`status`] builds the
//!   `status` answer on them (`status/verdicts.rs`) and groups corroborating
//!   claims by origin (rule 3, `status/corroboration.rs`);
//! - which statements a claim's status depends on, listed once:
//!   `status/inputs.rs` ([`status::inputs::STATUS_INPUTS`]);
//! - a claim's history: [`history`] (`history/diff.rs` for word diffs);
//! - what became of a version's claims in a newer version: [`drift`]
//!   (the classifier in `drift/mod.rs`, the attribution check in
//!   `drift/attribution.rs`, the ledger plan and its revisions in
//!   `drift/plan.rs`), on the matching view of `statement/text/view.rs`,
//!   which quote location ([`statement::IndexedText::locate`]) shares;
//! - the rows both compute from: `state/rows.rs`, the only SQL they need;
//! - listings and lookups: `state/query.rs`, returning the views of
//!   `state/views.rs`; id prefixes: `state/resolve.rs`; checkers'
//!   worklists (`claims --stale`, `--unjudged-by`, `--checker`) and key
//!   names: `state/worklist.rs`, deciding staleness with `state/standing.rs`;
//! - a status proof: [`proof::status`] collects the statements a status is
//!   derived from and checks a file by applying them through
//!   [`State::apply`](state::State::apply) into a scratch state
//!   (`state/sparse.rs`) and deriving the status with [`status`];
//! - the writer's authentication of the index: `state/seal.rs`; audit's
//!   comparison of the index with its replay: `state/compare.rs`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod capture;
pub mod cbor;
pub mod digest;
pub mod drift;
pub mod error;
pub mod export;
pub mod extract;
pub mod history;
pub mod import;
pub mod keys;
pub mod ledger;
pub mod lockwait;
pub mod log;
pub mod opening;
pub mod proof;
#[cfg(feature = "publish")]
pub mod publish;
#[cfg(feature = "remote")]
pub mod remote;
pub(crate) mod replay;
pub mod report;
#[cfg(feature = "serve")]
pub mod serve;
pub mod state;
pub mod statement;
pub mod status;
pub mod time;
