//! Audit: replay a whole ledger from genesis and prove nothing was rewritten.
//!
//! Two layers check each entry. The log layer ([`crate::log::audit`](mod@crate::log::audit))
//! recomputes the canonical leaf encoding, the `prev` chain, every stored
//! hash, hash tile and entry bundle, the root against the signed checkpoint,
//! that the log extends a previously trusted checkpoint (the root of its
//! first entries, recomputed from them), and every blob's digest.
//! This layer decodes each leaf's statement, checks its signature (batch
//! verification on all cores, beside the apply: `src/replay.rs`, the one
//! replay catch-up and reindex use too; `verify_strict` decides and
//! pinpoints any failure) and replays it through [`State::apply`] — the
//! same validity function append uses — into a fresh in-memory state that
//! keeps only what decides validity (no search index). An entry the rules
//! refuse is reported and applied as nothing (as `reindex --skip-refused`
//! does), so the entries after it are still checked.
//!
//! Last, the ledger's own index (`index.sqlite`), which readers trust and
//! cannot authenticate, is compared with the replayed state at the position
//! it claims to have reached: every table, row and cached column (a claim's
//! status, say), the search rows against those the replayed claims imply;
//! each difference is a problem.

use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::ledger::LedgerError;
use crate::log::checkpoint::base64_root;
use crate::log::{self, Advice, AuditOptions, Leaf, LogError, Problem};
use crate::replay::{pipeline, Checked, Input, Item, Pipeline};
use crate::state::compare::ComparePlan;
use crate::state::{BlobError, Blobs, State, StateError, RULE_UNDECODABLE};
use crate::statement::{Body, Kind, SignedStatement};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome of an audit, as `audit --json` prints it
/// (schemas/audit-report.schema.json).
#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    /// True when every check passed.
    pub ok: bool,
    /// The ledger directory.
    pub ledger: String,
    /// The operator key the checkpoint was checked against.
    pub operator_key: String,
    /// Where that key came from.
    pub operator_key_source: OperatorKeySource,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The checkpoint's root hash, base64 as in the checkpoint note, if
    /// readable.
    pub root: Option<String>,
    /// The previously trusted checkpoint the ledger was checked against, if
    /// one was given and could be parsed. When the audit is ok, its
    /// signature verified under the operator key and the root of the
    /// ledger's first `size` entries, recomputed from the entries, is its
    /// root: the ledger extends it.
    pub trusted_checkpoint: Option<TrustedCheckpoint>,
    /// Entries replayed.
    pub entries_checked: u64,
    /// Statements whose signature verified.
    pub signatures_checked: u64,
    /// Blobs re-hashed.
    pub blobs_checked: u64,
    /// Statements by kind.
    pub counts: BTreeMap<String, u64>,
    /// Everything wrong, first entry at fault first.
    pub problems: Vec<Problem>,
    /// Problems beyond those listed.
    pub omitted: u64,
    /// The first entry at fault, if any.
    pub first_entry_at_fault: Option<u64>,
}

/// Where the operator key an audit checks the checkpoint against came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorKeySource {
    /// Given by the caller (`--operator`).
    Given,
    /// Read from the ledger's own genesis (trust on first use).
    Genesis,
}

/// A previously trusted checkpoint, as an audit report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustedCheckpoint {
    /// Its tree size.
    pub size: u64,
    /// Its root hash, base64 as in the checkpoint note.
    pub root: String,
}

/// Blobs read straight from the ledger directory being audited.
struct DirBlobs<'a>(&'a Path);

impl Blobs for DirBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        let path = log::blobs::blob_path(self.0, digest);
        match log::blobs::read_file(self.0, digest) {
            Ok(Some(b)) if Digest::of(&b) == *digest => Ok(Some(b)),
            Ok(Some(_)) => Err(BlobError::Mismatch { path }),
            Ok(None) => Ok(None),
            Err(source) => Err(BlobError::Read { path, source }),
        }
    }
}

/// The ledger's index on disk, to be compared with the replay once the
/// replay has reached the entry count the index claims.
struct DiskIndex {
    /// Its connection (on the digesting thread meanwhile).
    conn: Option<Connection>,
    /// A digest of each of its tables, computed on a thread of its own
    /// while the replay runs ([`DiskIndex::digest_beside`]); it hands the
    /// connection back with them.
    digests: Option<std::thread::JoinHandle<(Connection, Vec<Option<Digest>>)>>,
    /// The entry count the index has applied.
    applied: u64,
    /// Its last leaf hash.
    last_leaf_hash: Option<Vec<u8>>,
    /// The log's leaf hash of entry `applied - 1`, once seen.
    log_leaf_hash: Option<Digest>,
}

impl DiskIndex {
    /// Opens the index of `dir` read-only, in one read transaction so that
    /// an append meanwhile does not change what is compared. `None` when
    /// there is no index, or it is of another schema version (the next writer
    /// rebuilds it anyway).
    fn open(dir: &Path) -> Result<Option<DiskIndex>, String> {
        let path = dir.join(crate::ledger::INDEX_FILE);
        // A link there is reported, not followed (nor one at `-wal`, which
        // even a read-only connection may write through).
        crate::state::check_index_files(&path).map_err(|e| e.to_string())?;
        if !path.exists() {
            return Ok(None);
        }
        let read = || -> rusqlite::Result<Option<DiskIndex>> {
            let conn = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NOFOLLOW,
            )?;
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version != crate::state::SCHEMA_VERSION {
                return Ok(None);
            }
            conn.execute_batch("BEGIN")?;
            let meta = |k: &str| -> rusqlite::Result<Option<rusqlite::types::Value>> {
                conn.query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
                    .optional()
            };
            use rusqlite::types::Value;
            let applied = match meta("applied")? {
                Some(Value::Integer(i)) if i >= 0 => i as u64,
                _ => 0,
            };
            let last_leaf_hash = match meta("last_leaf_hash")? {
                Some(Value::Blob(b)) => Some(b),
                _ => None,
            };
            Ok(Some(DiskIndex {
                conn: Some(conn),
                digests: None,
                applied,
                last_leaf_hash,
                log_leaf_hash: None,
            }))
        };
        read().map_err(|e| {
            format!(
                "cannot read {} to compare it with the replayed log ({e})",
                path.display()
            )
        })
    }
}

impl DiskIndex {
    /// Starts digesting the index's tables (those of `plan`) on another
    /// thread, so that at the comparison only the replayed side is read
    /// for each table whose rows are the same.
    fn digest_beside(&mut self, plan: ComparePlan) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        self.digests = Some(std::thread::spawn(move || {
            let digests = crate::state::compare::disk_digests(&conn, &plan);
            (conn, digests)
        }));
    }

    /// The table digests, once computed, and the connection back.
    fn take_digests(&mut self) -> Option<Vec<Option<Digest>>> {
        let handle = self.digests.take()?;
        match handle.join() {
            Ok((conn, digests)) => {
                self.conn = Some(conn);
                Some(digests)
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// What is wrong with an index that has applied more entries than the
/// audited log holds, if anything. An append may have landed while the
/// audit ran (it read the checkpoint first; the writer indexes as it
/// appends), so the log is read again: an index within the log now, whose
/// last leaf hash is that of the log's entry, is such an append and not a
/// problem (its rows are not compared; the next audit does). An index
/// beyond the log on disk now, or whose last leaf hash is not the log's,
/// was edited or belongs to another ledger.
fn index_ahead(dir: &Path, idx: &DiskIndex) -> Option<String> {
    let name = crate::ledger::INDEX_FILE;
    let at = idx.applied;
    // A log that cannot be opened again has had its problem reported by
    // the audit itself; the index cannot be judged against it.
    let log = log::Log::open(dir).ok()?;
    if at > log.size() {
        return Some(format!(
            "{name} says it has applied {at} entries, but the log has only {} (it was edited, or belongs to another ledger)",
            log.size()
        ));
    }
    let ours = log.leaf_hash(at - 1).ok();
    if idx.last_leaf_hash.as_deref() != ours.as_ref().map(|h| &h.0[..]) {
        return Some(format!(
            "{name} says it has applied {at} entries, but its last leaf hash is not that of entry {} of the log (it belongs to another ledger, or was edited)",
            at - 1
        ));
    }
    None
}

/// How many differing index rows an audit lists (the rest are counted).
const MAX_INDEX_PROBLEMS: usize = 20;

/// Statement-level replay state carried across batches.
struct Replay<'a> {
    state: State,
    blobs: DirBlobs<'a>,
    problems: Vec<Problem>,
    /// Problems found beyond those listed.
    omitted: u64,
    /// Statements by kind (no string made per entry).
    counts: BTreeMap<&'static str, u64>,
    signatures: u64,
    /// The entry expected next from the log layer.
    next: u64,
    /// Rule checks stop at the first entry that cannot be read: the state
    /// after it is unknown, so later verdicts would be noise. (An entry the
    /// rules refuse is applied as nothing instead.)
    rules_stopped_at: Option<u64>,
    /// The auditing machine's clock: no entry may be logged more than
    /// `MAX_AHEAD_OF_CLOCK` after it.
    clock: u64,
    /// The on-disk index, until it has been compared.
    index: Option<DiskIndex>,
    /// Problems found comparing it, listed after the others.
    index_problems: Vec<Problem>,
    /// The tables compared.
    plan: ComparePlan,
}

impl Replay<'_> {
    /// Takes entry `seq` from the log layer into the pipeline, and applies
    /// what the pipeline has checked meanwhile.
    fn push(&mut self, p: &mut Pipeline, seq: u64, leaf: &Leaf) {
        if seq != self.next {
            // The log layer could not read the entries in between (and has
            // said so); the state cannot be replayed past the gap. The
            // entries before it are applied first.
            self.apply_all(p.drain());
            self.problem(
                self.next,
                format!(
                    "entries {}..{seq} could not be read, so rules are not checked from entry {} on",
                    self.next, self.next
                ),
            );
            self.stop_rules(self.next);
        }
        self.next = seq + 1;
        if let Err(e) = crate::state::limits::not_ahead("logged_at", leaf.logged_at, self.clock) {
            self.problem(seq, e);
        }
        if let Some(idx) = &mut self.index {
            if idx.applied == seq + 1 {
                idx.log_leaf_hash = leaf.encode().ok().map(|b| Leaf::hash_bytes(&b));
            }
        }
        let input = Input::Statement {
            logged_at: leaf.logged_at,
            bytes: leaf.statement.clone(),
        };
        let ready = p.push(seq, input);
        self.apply_all(ready);
    }

    fn apply_all(&mut self, items: Vec<Item>) {
        for item in items {
            self.apply(item);
        }
    }

    /// Applies one checked entry to the replayed state.
    fn apply(&mut self, item: Item) {
        let seq = item.seq;
        if let Some((_, kind)) = item.checked.id_kind() {
            *self.counts.entry(kind.as_str()).or_default() += 1;
        }
        if matches!(item.checked, Checked::Verified(_)) {
            self.signatures += 1;
            if self.rules_stopped_at.is_some() {
                return;
            }
        }
        match crate::replay::apply(&mut self.state, &self.blobs, &item) {
            Ok(None) => self.reached(seq + 1),
            Ok(Some(r)) => {
                // An undecodable statement's problem says so; its void
                // reason is worded as reindex words it, so that an index
                // rebuilt with --skip-refused compares equal.
                let said = if r.rule == RULE_UNDECODABLE {
                    format!("statement: {}", r.what)
                } else {
                    r.what.clone()
                };
                self.refusal(seq, r.rule, said);
                let (id, kind) = (r.id_kind.map(|(i, _)| i), r.id_kind.map(|(_, k)| k));
                self.void(seq, id.as_ref(), kind, r.rule, &r.what);
            }
            Err(e) => {
                self.problem(seq, crate::error::chain(&e));
                self.stop_rules(seq);
            }
        }
    }

    fn problem(&mut self, seq: u64, what: String) {
        self.push_problem(seq, None, what);
    }

    /// A problem that is a refusal by `rule` (README: "Rule ids").
    fn refusal(&mut self, seq: u64, rule: &'static str, what: String) {
        self.push_problem(seq, Some(rule), what);
    }

    fn push_problem(&mut self, seq: u64, rule: Option<&'static str>, what: String) {
        // As the log layer does: list the first problems, count the rest.
        if self.problems.len() >= log::audit::MAX_PROBLEMS {
            self.omitted += 1;
            return;
        }
        self.problems.push(Problem {
            entry: Some(seq),
            rule,
            what,
            advice: None,
        });
    }

    fn stop_rules(&mut self, seq: u64) {
        if self.rules_stopped_at.is_none() {
            self.rules_stopped_at = Some(seq);
        }
    }

    /// Applies a refused entry as nothing, as `reindex --skip-refused`
    /// does, so that the rules go on being checked after it.
    fn void(
        &mut self,
        seq: u64,
        id: Option<&Digest>,
        kind: Option<Kind>,
        rule: &str,
        reason: &str,
    ) {
        if self.rules_stopped_at.is_some() {
            return;
        }
        match self.state.record_void(seq, id, kind, rule, reason) {
            Ok(()) => self.reached(seq + 1),
            Err(e) => {
                self.problem(seq, crate::error::chain(&e));
                self.stop_rules(seq);
            }
        }
    }

    /// The replayed state has applied `applied` entries: if that is where
    /// the on-disk index stands, compare the two.
    fn reached(&mut self, applied: u64) {
        if self.index.as_ref().is_some_and(|i| i.applied == applied) {
            let idx = self.index.take().expect("checked");
            self.compare(idx);
        }
    }

    fn compare(&mut self, mut idx: DiskIndex) {
        let digests = idx.take_digests();
        let name = crate::ledger::INDEX_FILE;
        let at = idx.applied;
        let mut push = |what: String, advice: Option<Advice>| {
            self.index_problems.push(Problem {
                entry: None,
                rule: None,
                what,
                advice,
            });
        };
        if at > 0 && idx.last_leaf_hash.as_deref() != idx.log_leaf_hash.as_ref().map(|h| &h.0[..]) {
            push(format!(
                "{name} says it has applied {at} entries, but its last leaf hash is not that of entry {} of the log (it belongs to another ledger, or was edited)",
                at - 1
            ), Some(Advice::Reindex));
            return;
        }
        if let Err(e) = self.state.flush_status() {
            push(
                format!(
                    "{name} cannot be compared with the replayed log: {}",
                    crate::error::chain(&e)
                ),
                None,
            );
            return;
        }
        let conn = idx.conn.as_ref().expect("given back by take_digests");
        match self
            .state
            .compare_with(conn, &self.plan, digests.as_deref(), MAX_INDEX_PROBLEMS)
        {
            Err(e) => push(
                format!("{name} cannot be compared with the replayed log: {e}"),
                None,
            ),
            Ok(d) if d.total == 0 => {}
            Ok(d) => {
                for what in &d.listed {
                    push(
                        format!("{name} differs from the replayed log: {what}"),
                        None,
                    );
                }
                if d.total > d.listed.len() as u64 {
                    push(
                        format!(
                            "{name}: {} more rows differ from the replayed log",
                            d.total - d.listed.len() as u64
                        ),
                        None,
                    );
                }
                push(
                    format!(
                        "{name} differs from the log after entry {} in {} row{}",
                        at.saturating_sub(1),
                        d.total,
                        if d.total == 1 { "" } else { "s" }
                    ),
                    Some(Advice::Reindex),
                );
            }
        }
    }
}

/// The operator key named by the genesis statement at entry 0. Reads only
/// the first record of the first entry bundle, so that damage anywhere else
/// (a cut `hashes` file, a dropped leaf) is reported by the replay at the
/// entry it concerns, not as an unreadable genesis.
fn genesis_operator(dir: &Path) -> Result<PublicKey, String> {
    let note = log::read_checkpoint(dir)
        .map_err(|e| format!("cannot read the checkpoint: {}", crate::error::chain(&e)))?
        .ok_or("cannot read the checkpoint: it is missing")?;
    let cp = log::Checkpoint::parse_unverified(&note).map_err(|e| e.to_string())?;
    if cp.size == 0 {
        return Err("the log is empty".into());
    }
    let tile = log::tiles::TileRef::entries(0, cp.size.min(log::TILE_WIDTH));
    let (bytes, _) = log::tiles::read_tile(dir, tile)
        .map_err(|e| format!("cannot read {}: {e}", tile.path()))?
        .ok_or_else(|| format!("{} is missing", tile.path()))?;
    let first = match log::tiles::parse_bundle(&bytes, 1, false) {
        Ok(mut entries) => entries.remove(0),
        Err(e) => return Err(format!("{}: {}", tile.path(), e.why)),
    };
    let leaf = Leaf::decode(&first).map_err(|e| format!("entry 0: {e}"))?;
    let st = SignedStatement::decode(&leaf.statement).map_err(|e| format!("entry 0: {e}"))?;
    match &st.statement().body {
        Body::Genesis(g) => {
            PublicKey::parse(&g.operator, "the genesis operator key").map_err(|e| e.to_string())
        }
        other => Err(format!(
            "entry 0 is a {}, not the ledger.genesis",
            other.kind()
        )),
    }
}

/// A verifier that accepts nothing: used when no operator key is known, so
/// the replay still runs and the checkpoint is reported unverified.
struct NoKey(String);

impl signed_note::Verifier for NoKey {
    fn name(&self) -> &str {
        &self.0
    }
    fn key_id(&self) -> u32 {
        0
    }
    fn verify(&self, _: &[u8], _: &[u8]) -> bool {
        false
    }
}

/// Audits the ledger in `dir`. `operator` is the operator key to trust
/// (default: the one the genesis names); `trusted_checkpoint` is a signed
/// checkpoint seen earlier that the ledger must extend. `progress` gets
/// (entries done, entries in all).
pub fn audit(
    dir: &Path,
    operator: Option<PublicKey>,
    trusted_checkpoint: Option<&[u8]>,
    progress: impl FnMut(u64, u64),
) -> Result<AuditSummary, LedgerError> {
    if !dir.join(log::CHECKPOINT_FILE).exists() && !dir.join(log::TILE_DIR).exists() {
        return Err(LedgerError::Log(LogError::NotALedger {
            dir: dir.to_path_buf(),
            why: if dir.is_dir() {
                format!("it has no {} file", log::CHECKPOINT_FILE)
            } else {
                "no such directory".into()
            },
        }));
    }
    let mut early = Vec::new();
    let (operator, source) = match operator {
        Some(k) => (Some(k), OperatorKeySource::Given),
        None => match genesis_operator(dir) {
            Ok(k) => (Some(k), OperatorKeySource::Genesis),
            Err(why) => {
                early.push(Problem {
                    entry: Some(0),
                    rule: None,
                    what: format!(
                        "cannot read the operator key from the genesis ({why}); the checkpoint cannot be verified"
                    ),
                    advice: Some(Advice::GiveOperatorKey),
                });
                (None, OperatorKeySource::Genesis)
            }
        },
    };
    let verifier: Box<dyn signed_note::Verifier> = match &operator {
        Some(k) => Box::new(k.note_verifier()),
        None => Box::new(NoKey("unknown-operator".into())),
    };
    let opts = AuditOptions {
        verifier: verifier.as_ref(),
        trusted_checkpoint,
    };
    let (index, index_problems) = match DiskIndex::open(dir) {
        Ok(i) => (i, Vec::new()),
        Err(what) => (
            None,
            vec![Problem {
                entry: None,
                rule: None,
                what,
                advice: Some(Advice::Reindex),
            }],
        ),
    };
    let state = State::in_memory_validity()?;
    let plan = state.compare_plan().map_err(StateError::from)?;
    let mut index = index;
    if let Some(idx) = &mut index {
        idx.digest_beside(plan.clone());
    }
    let mut replay = Replay {
        index,
        index_problems,
        plan,
        state,
        blobs: DirBlobs(dir),
        problems: Vec::new(),
        omitted: 0,
        counts: BTreeMap::new(),
        signatures: 0,
        next: 0,
        rules_stopped_at: None,
        clock: crate::ledger::clock()?,
    };
    // One transaction for the whole replay: the state is a scratch copy, and
    // committing per statement would cost more than the checks themselves.
    replay.state.begin()?;
    replay.reached(0);
    let report = pipeline(|p| {
        let report = log::audit(
            dir,
            &opts,
            |seq, leaf| {
                replay.push(p, seq, leaf);
                Ok(())
            },
            progress,
        );
        replay.apply_all(p.drain());
        report
    })
    .map_err(|e: LogError| LedgerError::Log(e))?;
    replay.state.commit()?;
    if let Some(seq) = replay.rules_stopped_at {
        if seq + 1 < report.entries_checked {
            replay.problems.push(Problem {
                entry: Some(seq),
                rule: None,
                what: format!(
                    "rule checks stopped after entry {seq}; entries {}..{} were checked for encoding, chain and signature only",
                    seq + 1,
                    report.entries_checked
                ),
                advice: None,
            });
        }
    }
    // An index that has applied more than the audited log is not compared
    // row by row, but it is not passed over either (else bumping its
    // `applied` would hide every edit): see `index_ahead`.
    if let Some(mut idx) = replay.index.take() {
        idx.take_digests();
        if idx.applied > report.size {
            if let Some(what) = index_ahead(dir, &idx) {
                replay.index_problems.push(Problem {
                    entry: None,
                    rule: None,
                    what,
                    advice: Some(Advice::Reindex),
                });
            }
        }
    }
    let mut problems = early;
    problems.extend(report.problems);
    problems.extend(replay.problems);
    problems.extend(replay.index_problems);
    problems.sort_by_key(|p| (p.entry.is_none(), p.entry));
    let first = problems.iter().filter_map(|p| p.entry).min();
    Ok(AuditSummary {
        ok: problems.is_empty() && report.omitted == 0 && replay.omitted == 0,
        ledger: dir.display().to_string(),
        operator_key: operator.map(|k| k.to_note_string()).unwrap_or_default(),
        operator_key_source: source,
        size: report.size,
        root: report.root.map(|r| base64_root(&r)),
        trusted_checkpoint: trusted_checkpoint
            .and_then(|note| log::Checkpoint::parse_unverified(note).ok())
            .map(|t| TrustedCheckpoint {
                size: t.size,
                root: base64_root(&t.root),
            }),
        entries_checked: report.entries_checked,
        signatures_checked: replay.signatures,
        blobs_checked: report.blobs_checked,
        counts: replay
            .counts
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect(),
        problems,
        omitted: report.omitted + replay.omitted,
        first_entry_at_fault: first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index ahead of the audited log only because an append landed
    /// while the audit ran is no problem; one ahead of the log on disk, or
    /// whose last leaf hash is not the log's, is.
    #[test]
    fn an_index_ahead_of_the_audit_is_a_problem_only_if_ahead_of_the_log() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        let operator = crate::keys::SecretKey::generate("example.org/log").unwrap();
        drop(crate::ledger::Ledger::init(&dir, &operator, "test", 1, 1_700_000_000).unwrap());
        // The index has applied the genesis; an audit that read the
        // checkpoint before it was appended saw an empty log.
        let mut idx = DiskIndex::open(&dir).unwrap().unwrap();
        assert_eq!(idx.applied, 1);
        assert_eq!(index_ahead(&dir, &idx), None);

        idx.applied = 3;
        let what = index_ahead(&dir, &idx).unwrap();
        assert_eq!(
            what,
            "index.sqlite says it has applied 3 entries, but the log has only 1 (it was edited, or belongs to another ledger)"
        );
        idx.applied = 1;
        idx.last_leaf_hash = Some(vec![0; 32]);
        let what = index_ahead(&dir, &idx).unwrap();
        assert!(
            what.contains("but its last leaf hash is not that of entry 0 of the log"),
            "{what}"
        );
    }
}
