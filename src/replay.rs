//! The one replay of log entries: decode → verify → apply, serving
//! the index's catch-up and rebuild (`ledger/replay.rs`, `replay_into`)
//! and audit (`audit.rs`).
//!
//! Signature checking runs beside the sequential apply: the caller pushes
//! entries into a [`Pipeline`], which hands every [`CHUNK`] of them to a
//! verifier thread (decoding, then [`verify_batch`] on the rayon pool) and
//! gives back, in log order, the chunks it has checked, for the caller to
//! apply while the next chunk is verified. At most [`IN_FLIGHT`] chunks are
//! handed over at a time, so memory stays bounded whatever the log's size.

use crate::digest::Digest;
use crate::log::Leaf;
use crate::state::{Blobs, Entry, State, StateError, RULE_SIGNATURE, RULE_UNDECODABLE};
use crate::statement::{verify_batch, Kind, SignedStatement, StatementError, VerifiedStatement};
use std::sync::mpsc;

/// Entries decoded and signature-checked together.
pub(crate) const CHUNK: usize = 1024;
/// Chunks handed to the verifier and not yet given back.
const IN_FLIGHT: usize = 2;

/// A log entry as the caller read it.
pub(crate) enum Input {
    /// The stored leaf, undecoded.
    Leaf(Vec<u8>),
    /// A leaf decoded already (audit's log layer does): its time and
    /// statement bytes.
    Statement { logged_at: u64, bytes: Vec<u8> },
}

/// A log entry, checked, for the caller to apply.
pub(crate) struct Item {
    pub seq: u64,
    /// The leaf's `logged_at` (0 if the leaf cannot be decoded).
    pub logged_at: u64,
    /// The RFC 6962 leaf hash, for [`Input::Leaf`].
    pub leaf_hash: Option<Digest>,
    pub checked: Checked,
}

/// What decoding and verification found (a chunk's worth at a time, so
/// the size of the largest variant does not matter).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Checked {
    /// The leaf or its statement cannot be decoded: why.
    Undecodable(String),
    /// The statement decodes but its signature does not verify.
    Unsigned {
        id: Digest,
        kind: Kind,
        error: StatementError,
    },
    /// Ready for the validity function.
    Verified(VerifiedStatement),
}

impl Checked {
    /// The statement's id and kind, when it decodes.
    pub(crate) fn id_kind(&self) -> Option<(Digest, Kind)> {
        match self {
            Checked::Undecodable(_) => None,
            Checked::Unsigned { id, kind, .. } => Some((*id, *kind)),
            Checked::Verified(v) => Some((v.id(), v.statement().body.kind())),
        }
    }
}

/// Decodes (on the rayon pool) and verifies one chunk.
fn check(chunk: Vec<(u64, Input)>) -> Vec<Item> {
    use rayon::prelude::*;
    type Decoded = (
        u64,
        u64,
        Option<Digest>,
        Result<(SignedStatement, Digest, Kind), String>,
    );
    let decoded: Vec<Decoded> = chunk
        .into_par_iter()
        .map(|(seq, input)| {
            let (logged_at, leaf_hash, bytes) = match input {
                Input::Leaf(bytes) => {
                    let hash = Leaf::hash_bytes(&bytes);
                    match Leaf::decode(&bytes) {
                        Ok(leaf) => (leaf.logged_at, Some(hash), Ok(leaf.statement)),
                        Err(e) => (0, Some(hash), Err(e.to_string())),
                    }
                }
                Input::Statement { logged_at, bytes } => (logged_at, None, Ok(bytes)),
            };
            let statement = bytes.and_then(|b| {
                let s = SignedStatement::decode(&b).map_err(|e| e.to_string())?;
                let (id, kind) = (s.id(), s.statement().body.kind());
                Ok((s, id, kind))
            });
            (seq, logged_at, leaf_hash, statement)
        })
        .collect();
    let mut statements = Vec::with_capacity(decoded.len());
    let mut items = Vec::with_capacity(decoded.len());
    for (seq, logged_at, leaf_hash, statement) in decoded {
        items.push((
            seq,
            logged_at,
            leaf_hash,
            statement.map(|(s, id, kind)| {
                statements.push(s);
                (id, kind)
            }),
        ));
    }
    let mut verified = verify_batch(statements).into_iter();
    items
        .into_iter()
        .map(|(seq, logged_at, leaf_hash, d)| Item {
            seq,
            logged_at,
            leaf_hash,
            checked: match d {
                Err(why) => Checked::Undecodable(why),
                Ok((id, kind)) => match verified.next().expect("one result per statement") {
                    Ok(v) => Checked::Verified(v),
                    Err(error) => Checked::Unsigned { id, kind, error },
                },
            },
        })
        .collect()
}

/// Entries on their way to the verifier and back (see the module docs).
pub(crate) struct Pipeline {
    to_verifier: mpsc::Sender<Vec<(u64, Input)>>,
    from_verifier: mpsc::Receiver<Vec<Item>>,
    chunk: Vec<(u64, Input)>,
    in_flight: usize,
}

/// Runs `body` with a pipeline whose verifier thread lives as long as it.
pub(crate) fn pipeline<R>(body: impl FnOnce(&mut Pipeline) -> R) -> R {
    std::thread::scope(|scope| {
        let (to_verifier, inbox) = mpsc::channel::<Vec<(u64, Input)>>();
        let (outbox, from_verifier) = mpsc::channel();
        scope.spawn(move || {
            for chunk in inbox {
                if outbox.send(check(chunk)).is_err() {
                    break;
                }
            }
        });
        let mut p = Pipeline {
            to_verifier,
            from_verifier,
            chunk: Vec::with_capacity(CHUNK),
            in_flight: 0,
        };
        let r = body(&mut p);
        // Ends the verifier (after its current chunk) before the scope joins it.
        drop(p);
        r
    })
}

impl Pipeline {
    /// Adds entry `seq`; returns the entries checked meanwhile, in log
    /// order, for the caller to apply (often none).
    pub(crate) fn push(&mut self, seq: u64, input: Input) -> Vec<Item> {
        self.chunk.push((seq, input));
        if self.chunk.len() < CHUNK {
            return Vec::new();
        }
        self.send();
        let mut ready = Vec::new();
        // Keep the verifier busy with one chunk while the caller applies
        // the one before it.
        while self.in_flight > IN_FLIGHT - 1 {
            ready.extend(self.receive());
        }
        ready
    }

    /// Every entry pushed and not yet given back, checked, in log order;
    /// the pipeline can go on being used.
    pub(crate) fn drain(&mut self) -> Vec<Item> {
        if !self.chunk.is_empty() {
            self.send();
        }
        let mut ready = Vec::new();
        while self.in_flight > 0 {
            ready.extend(self.receive());
        }
        ready
    }

    fn send(&mut self) {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        // The verifier ends only when the pipeline is dropped (or panics,
        // which the scope propagates).
        self.to_verifier
            .send(chunk)
            .expect("the verifier runs as long as the pipeline");
        self.in_flight += 1;
    }

    fn receive(&mut self) -> Vec<Item> {
        self.in_flight -= 1;
        // The verifier only stops early by panicking, which the scope
        // propagates; this end never sees it stop otherwise.
        self.from_verifier
            .recv()
            .expect("the verifier gives back every chunk")
    }
}

/// A checked entry that the ledger does not admit: why, by which rule.
pub(crate) struct Refused {
    /// The statement's id and kind, when it decodes.
    pub id_kind: Option<(Digest, Kind)>,
    /// The rule id (README, "Rule ids"): [`RULE_UNDECODABLE`],
    /// [`RULE_SIGNATURE`] or the refusing rule's.
    pub rule: &'static str,
    /// Why, as a person reads it.
    pub what: String,
}

/// The one apply step of every replay (catch-up, rebuild, audit): a checked
/// entry goes through [`State::apply`] if it decodes and its signature
/// verifies. `Ok(None)`: admitted; `Ok(Some(refused))`: undecodable,
/// unsigned or refused by a rule, which each caller answers as it must
/// (applied as nothing, a problem, or a failed replay); `Err`: the state
/// itself failed (disk full, the index, a blob read), never a refusal.
pub(crate) fn apply(
    state: &mut State,
    blobs: &dyn Blobs,
    item: &Item,
) -> Result<Option<Refused>, StateError> {
    let id_kind = item.checked.id_kind();
    let verified = match &item.checked {
        Checked::Undecodable(what) => {
            return Ok(Some(Refused {
                id_kind,
                rule: RULE_UNDECODABLE,
                what: what.clone(),
            }))
        }
        Checked::Unsigned { error, .. } => {
            return Ok(Some(Refused {
                id_kind,
                rule: RULE_SIGNATURE,
                what: error.to_string(),
            }))
        }
        Checked::Verified(v) => v,
    };
    let entry = Entry {
        seq: item.seq,
        logged_at: item.logged_at,
        statement: verified,
    };
    match state.apply(&entry, blobs) {
        Ok(()) => Ok(None),
        Err(StateError::Rule(r)) => Ok(Some(Refused {
            id_kind,
            rule: r.rule,
            what: r.to_string(),
        })),
        Err(e) => Err(e),
    }
}
