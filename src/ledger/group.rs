//! Group commit: many independent submissions written as one log batch
//! ([`Ledger::append_group`]), the write path of `provledger serve`'s
//! sequencer ([`super::sequencer`]).
//!
//! Unlike [`Ledger::append_with_blobs`], where one refused statement
//! refuses the whole batch, each submission here stands or falls on its
//! own: every statement goes through the one validity function,
//! [`State::apply`](crate::state::State::apply), in one database
//! transaction; a refused single statement leaves the state as it was (the
//! rules check before they write), and a submission of several statements
//! (all-or-nothing) is undone to a savepoint. What passed is written with
//! one round of fsyncs and one signed checkpoint.

use super::blobs::LogBlobs;
use super::{Handle, Ledger, LedgerError, INDEX_FILE};
use crate::digest::Digest;
use crate::keys::SecretKey;
use crate::proof::TlogProof;
use crate::state::limits::not_ahead;
pub use crate::state::limits::RULE_CLOCK_AHEAD;
use crate::state::{BlobError, Blobs, Entry, StateError};
use crate::statement::{Kind, VerifiedStatement};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// One submission to a group commit: statements that stand or fall
/// together (signatures already checked), in order, and the blobs (article
/// texts, capture records) they need that the ledger may lack.
#[derive(Clone, Debug, Default)]
pub struct Submission {
    /// The statements, in log order.
    pub statements: Vec<VerifiedStatement>,
    /// Blobs the statements refer to. Only those a rule reads while
    /// applying an accepted statement are stored.
    pub blobs: Vec<Vec<u8>>,
}

/// Where a statement of a submission is in the log.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Placed {
    /// The statement id.
    pub id: Digest,
    /// Its kind.
    pub kind: Kind,
    /// Its index in the log.
    pub index: u64,
}

/// A submission that is in the log.
#[derive(Clone, Debug)]
pub struct Committed {
    /// Its statements, in order.
    pub statements: Vec<Placed>,
    /// The signed checkpoint (note text) of the batch that holds them.
    pub checkpoint: String,
    /// For each statement, its inclusion proof under that checkpoint
    /// (c2sp.org/tlog-proof, with the leaf as extra data).
    pub proofs: Vec<TlogProof>,
}

/// What became of one submission of a group.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Appended by this group.
    Appended(Committed),
    /// Every statement was already in the log (exact duplicates): nothing
    /// was added, and this is where they are.
    Duplicate(Committed),
    /// A rule refused statement `index` of the submission; none of the
    /// submission was written.
    Refused {
        /// Position of the refused statement in the submission (from 0).
        index: usize,
        /// Its id.
        id: Digest,
        /// The rule's id (README "Rule ids").
        rule: &'static str,
        /// The refusal, for a person to read ("KIND refused: why").
        message: String,
    },
    /// Statement `index` carries a time too far ahead of this machine's
    /// clock (a check of the machine, not replayed: [`RULE_CLOCK_AHEAD`]);
    /// nothing was written.
    Ahead {
        /// Position of the statement in the submission (from 0).
        index: usize,
        /// What is ahead, and by how much.
        message: String,
    },
}

/// The blobs one submission's rules see: its own, those of submissions
/// already accepted in the group, then the store. Remembers which of its
/// own it handed out, so only blobs a rule read are stored.
struct GroupBlobs<'m, 'a> {
    own: HashMap<Digest, &'a [u8]>,
    accepted: &'m HashMap<Digest, &'a [u8]>,
    stored: LogBlobs<'m>,
    read: RefCell<HashSet<Digest>>,
}

impl Blobs for GroupBlobs<'_, '_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        if let Some(b) = self.accepted.get(digest) {
            return Ok(Some(b.to_vec()));
        }
        if let Some(b) = self.own.get(digest) {
            self.read.borrow_mut().insert(*digest);
            return Ok(Some(b.to_vec()));
        }
        self.stored.blob(digest)
    }
}

impl Ledger {
    /// Appends what passes of `submissions` as one batch (one round of
    /// fsyncs, one checkpoint signed by `operator`), each submission
    /// applied on its own through the validity function; the answers are
    /// in the order of `submissions`.
    ///
    /// A submission all of whose statements are already in the log is a
    /// [`Outcome::Duplicate`]. An `Err` (the log, the index or the blob
    /// store failed, or the clock is unusable) means nothing of the group
    /// was acknowledged: the index is rolled back, and if the log's
    /// checkpoint was already durable the next open catches up.
    pub fn append_group(
        &mut self,
        submissions: &[Submission],
        operator: &SecretKey,
        now: u64,
    ) -> Result<Vec<Outcome>, LedgerError> {
        if !matches!(self.log, Handle::Writer(_)) {
            return Err(LedgerError::ReadOnly);
        }
        self.authenticate(operator)?;
        // A long-lived writer (the server's sequencer) whose index failed
        // to commit after an earlier group was made durable catches the
        // index up here, as a fresh open would; otherwise every later
        // submission would be refused for an entry sequence it cannot meet.
        if self.state.applied()? != self.log.size() {
            self.catch_up()?;
        }
        let start = self.log.size();
        let last_logged_at = self.state.meta_u64("last_logged_at")?.unwrap_or(0);
        let logged_at = now.max(last_logged_at);
        super::check_clock(&[], logged_at, last_logged_at)?;
        let clock = super::clock()?;
        self.state.begin()?;
        if let Err(e) = self.check_seal_in_transaction(operator) {
            self.state.rollback()?;
            return Err(e);
        }
        match self.apply_group(submissions, start, logged_at, clock) {
            Ok((outcomes, bytes, blobs)) => {
                self.write_group(outcomes, bytes, &blobs, start, logged_at, operator)
            }
            Err(e) => {
                self.state.rollback()?;
                Err(e)
            }
        }
    }

    /// Applies each submission in the open transaction. Returns the
    /// outcomes (accepted ones with placeholder proofs), the accepted
    /// statements' bytes in log order and the blobs to store.
    #[allow(clippy::type_complexity)]
    fn apply_group<'s>(
        &mut self,
        submissions: &'s [Submission],
        start: u64,
        logged_at: u64,
        clock: u64,
    ) -> Result<(Vec<Outcome>, Vec<Vec<u8>>, HashMap<Digest, &'s [u8]>), LedgerError> {
        let mut outcomes = Vec::with_capacity(submissions.len());
        let mut bytes: Vec<Vec<u8>> = Vec::new();
        let mut accepted: HashMap<Digest, &'s [u8]> = HashMap::new();
        'submissions: for sub in submissions {
            if let Some((index, message)) = sub.statements.iter().enumerate().find_map(|(i, v)| {
                not_ahead("statement time", v.statement().at, clock)
                    .err()
                    .map(|e| (i, e))
            }) {
                outcomes.push(Outcome::Ahead { index, message });
                continue;
            }
            // An exact duplicate (a retry): every statement already there.
            let mut seen = Vec::with_capacity(sub.statements.len());
            for v in &sub.statements {
                match self.state.statement(&v.id())? {
                    Some((index, kind)) => seen.push(Placed {
                        id: v.id(),
                        kind,
                        index,
                    }),
                    None => break,
                }
            }
            if !sub.statements.is_empty() && seen.len() == sub.statements.len() {
                outcomes.push(Outcome::Duplicate(Committed {
                    statements: seen,
                    checkpoint: String::new(),
                    proofs: Vec::new(),
                }));
                continue;
            }
            let blobs = GroupBlobs {
                own: sub
                    .blobs
                    .iter()
                    .map(|b| (Digest::of(b), b.as_slice()))
                    .collect(),
                accepted: &accepted,
                stored: LogBlobs(&self.log),
                read: RefCell::new(HashSet::new()),
            };
            let savepoint = if sub.statements.len() > 1 {
                Some(self.state.savepoint()?)
            } else {
                None
            };
            let first = start + bytes.len() as u64;
            let mut placed = Vec::with_capacity(sub.statements.len());
            for (i, v) in sub.statements.iter().enumerate() {
                let entry = Entry {
                    seq: first + i as u64,
                    logged_at,
                    statement: v,
                };
                match self.state.apply(&entry, &blobs) {
                    Ok(()) => placed.push(Placed {
                        id: v.id(),
                        kind: v.statement().body.kind(),
                        index: entry.seq,
                    }),
                    Err(StateError::Rule(error)) => {
                        if let Some(sp) = savepoint {
                            self.state.rollback_to(sp)?;
                        }
                        outcomes.push(Outcome::Refused {
                            index: i,
                            id: v.id(),
                            rule: error.rule,
                            message: error.to_string(),
                        });
                        continue 'submissions;
                    }
                    Err(StateError::Tampered(what)) => {
                        return Err(LedgerError::IndexTampered {
                            path: self.dir.join(INDEX_FILE).display().to_string(),
                            what,
                        })
                    }
                    Err(other) => return Err(LedgerError::State(other)),
                }
            }
            if let Some(sp) = savepoint {
                self.state.release(sp)?;
            }
            let GroupBlobs { own, read, .. } = blobs;
            let read = read.into_inner();
            for (d, b) in own {
                if read.contains(&d) {
                    accepted.insert(d, b);
                }
            }
            bytes.extend(sub.statements.iter().map(|v| v.bytes().to_vec()));
            outcomes.push(Outcome::Appended(Committed {
                statements: placed,
                checkpoint: String::new(),
                proofs: Vec::new(),
            }));
        }
        Ok((outcomes, bytes, accepted))
    }

    /// Stores the accepted blobs, writes the accepted statements to the
    /// log, commits the index and fills in checkpoint and proofs.
    fn write_group(
        &mut self,
        mut outcomes: Vec<Outcome>,
        bytes: Vec<Vec<u8>>,
        blobs: &HashMap<Digest, &[u8]>,
        start: u64,
        logged_at: u64,
        operator: &SecretKey,
    ) -> Result<Vec<Outcome>, LedgerError> {
        if bytes.is_empty() {
            self.state.rollback()?;
        } else {
            for b in blobs.values() {
                if let Err(e) = self.log.put_blob(b) {
                    self.state.rollback()?;
                    return Err(e.into());
                }
            }
            let Handle::Writer(writer) = &mut self.log else {
                unreachable!("checked by append_group");
            };
            if let Err(e) = writer.append(&bytes, logged_at, &operator.note_signer()) {
                self.state.rollback()?;
                return Err(e.into());
            }
            // Durable from here: as in append_with_blobs, an index that
            // fails to commit catches up on the next open.
            let indexed = self
                .log
                .leaf_hash(self.log.size() - 1)
                .map_err(LedgerError::from)
                .and_then(|h| self.state.set_last_leaf_hash(&h).map_err(Into::into))
                .and_then(|()| self.state.seal().map_err(Into::into))
                .and_then(|()| self.state.commit().map_err(Into::into));
            if indexed.is_err() {
                let _ = self.state.rollback();
            }
        }
        let size = self.log.size();
        let checkpoint_bytes = self.log.checkpoint_bytes().to_vec();
        let checkpoint = String::from_utf8_lossy(&checkpoint_bytes).into_owned();
        // The new entries' leaves, each bundle read once.
        let fresh: Vec<Vec<u8>> = self
            .log
            .entries(start..size)
            .map(|e| e.map(|(_, leaf)| leaf))
            .collect::<Result<_, _>>()?;
        for outcome in &mut outcomes {
            let (Outcome::Appended(c) | Outcome::Duplicate(c)) = outcome else {
                continue;
            };
            c.checkpoint.clone_from(&checkpoint);
            for p in &c.statements {
                let extra = match p.index.checked_sub(start) {
                    Some(i) => fresh[i as usize].clone(),
                    None => self.log.entry(p.index)?,
                };
                c.proofs.push(TlogProof {
                    extra: Some(extra),
                    index: p.index,
                    hashes: self.log.inclusion_proof(p.index, size)?,
                    checkpoint: checkpoint_bytes.clone(),
                });
            }
        }
        Ok(outcomes)
    }
}
