//! Status proofs: a claim's status that a newsroom tool checks offline,
//! with the operator's public key alone (README "Status proof").
//!
//! [`collect`] gathers every statement that the claim's status is derived
//! from (the kinds and why:
//! [`STATUS_INPUTS`](crate::status::inputs::STATUS_INPUTS), plus
//! [`CARRIED_WHOLE`]), each with its inclusion
//! proof under the ledger's current signed checkpoint, and the article
//! texts the rules read. [`StatusProof::verify`] checks the checkpoint,
//! every inclusion and every signature, then applies the statements in
//! log order through the ledger's one validity function
//! ([`State::apply`](crate::state::State::apply)) into a fresh state, and
//! derives the status with the same function as `status`
//! ([`claim_status`]). No status rule is copied here.
//!
//! # What a checked file proves, and what it cannot
//!
//! It proves that each statement in it is entry `index` of the log that
//! the operator signed at `tree_size`, signed by its signer; that the
//! statements, applied in log order, pass every rule (every reference
//! resolves inside the file, every signer holds a grant in it, every
//! anchor is found in its article text); and that **these statements**
//! give the status shown.
//!
//! It cannot prove that the file is complete: an inclusion proof shows an
//! entry is in the log, never that some other entry is not. A later
//! verdict, withdrawal, revocation, revision, retraction or link left out
//! of the file could change the answer, and nothing in the file refers to
//! it. Completeness is relative to the checkpoint and rests on whoever
//! made the file (the operator's `proof status`); an auditor who replays
//! the log up to that checkpoint can check it. Likewise a statement the
//! file holds and the rules accept here might have been refused in the
//! full replay (README "A refused entry in the log"), because what made it
//! refused is another statement the file leaves out; audit names such
//! entries.

use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::ledger::{Ledger, LedgerError};
use crate::log::{verify_inclusion, Checkpoint, Leaf};
use crate::state::{BlobError, Blobs, Entry, State, StateError};
use crate::statement::{Body, Change, Kind, SignedStatement, VerifiedStatement};
use crate::status::{claim_status, ClaimStatus};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// The `format` of a status proof file.
pub const FORMAT: &str = "provledger-status-proof/v1";

/// Largest status proof file `proof verify` reads: the article texts it
/// carries dominate.
pub const MAX_STATUS_PROOF_BYTES: u64 = 64 * 1024 * 1024;

/// The kinds a status proof carries whole: every statement of these kinds
/// in the ledger, whichever claim it is about. Key statements decide who
/// could sign what and whose statements count (a `key.update` changes the
/// roles the rules check when a verdict or link is admitted); the source
/// statements join origins into classes, by source ids and commitments,
/// so the whole (small) set is carried rather than chased.
pub const CARRIED_WHOLE: &[Kind] = &[
    Kind::KeyGrant,
    Kind::KeyRevoke,
    Kind::KeyUpdate,
    Kind::SourceIdentity,
    Kind::SourceRelate,
    Kind::SourceMerge,
];

/// The statements `body` refers to by id, which must be in the file for
/// the rules to accept it there.
pub fn refs(body: &Body) -> Vec<Digest> {
    match body {
        Body::Genesis(_)
        | Body::KeyGrant(_)
        | Body::KeyRevoke(_)
        | Body::KeyUpdate(_)
        | Body::SourceRecord(_) => Vec::new(),
        // Commitments, not statement ids: the source.identity statements
        // that hold them are carried whole.
        Body::SourceRelate(_) => Vec::new(),
        Body::SourceIdentity(i) => vec![i.source],
        Body::SourceMerge(m) => vec![m.source, m.into],
        Body::ClaimLinkWithdraw(w) => vec![w.link],
        Body::ArticleRecord(a) => a.supersedes.into_iter().collect(),
        Body::ClaimRecord(c) => {
            let mut v = vec![c.article];
            v.extend(c.attribution.source);
            v.extend(c.attribution.relayed_by);
            v
        }
        Body::ClaimRevise(r) => {
            let mut v = vec![r.claim, r.article];
            if let Change::Content(c) = &r.change {
                v.extend(c.attribution.source);
                v.extend(c.attribution.relayed_by);
            }
            v
        }
        Body::ClaimRetract(r) => vec![r.claim],
        Body::ClaimLink(l) => vec![l.from, l.to],
        Body::Verification(v) => vec![v.claim, v.revision],
        Body::VerificationWithdraw(w) => vec![w.verification],
    }
}

/// A status proof file (schemas/status-proof.schema.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusProof {
    /// [`FORMAT`].
    pub format: String,
    /// The claim (`claim.record` id) whose status it proves.
    pub claim: Digest,
    /// The signed checkpoint every inclusion proof leads to, as the log
    /// issued it (a c2sp.org/tlog-checkpoint signed note).
    pub checkpoint: String,
    /// The statements, in log order (strictly increasing index).
    pub entries: Vec<ProofEntry>,
    /// The article texts the rules read, by SHA-256, in digest order.
    pub blobs: Vec<ProofBlob>,
}

/// One log entry of a status proof, with its inclusion proof.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofEntry {
    /// Its index in the log.
    pub index: u64,
    /// The leaf bytes (canonical CBOR: the COSE_Sign1 statement, index,
    /// previous leaf hash, log time), base64.
    #[serde(with = "b64")]
    pub leaf: Vec<u8>,
    /// The RFC 6962 inclusion proof under the checkpoint, leaf to root,
    /// each hash base64.
    pub proof: Vec<Hash>,
}

/// A blob (an article text) the rules read.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBlob {
    /// Its SHA-256.
    pub sha256: Digest,
    /// Its bytes, base64.
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
}

/// A proof hash, base64 in JSON as tlog-proofs write them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hash(pub Digest);

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(self.0 .0))
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let text = String::deserialize(d)?;
        BASE64
            .decode(&text)
            .ok()
            .and_then(|b| Digest::from_slice(&b))
            .map(Hash)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("'{text}' is not a base64 SHA-256 hash"))
            })
    }
}

/// Base64 byte strings in JSON.
mod b64 {
    use super::BASE64;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        BASE64
            .decode(&text)
            .map_err(|e| serde::de::Error::custom(format!("not base64: {e}")))
    }
}

/// Why a status proof does not check out. Each names what is missing or
/// wrong.
#[derive(Debug, thiserror::Error)]
pub enum StatusProofError {
    /// The file is not a status proof.
    #[error("not a status proof: {0}")]
    Malformed(String),
    /// The checkpoint is not signed by the operator key.
    #[error("the checkpoint does not verify under the operator key {key}: {why}")]
    Checkpoint {
        /// The operator key it was checked with.
        key: String,
        /// Why not.
        why: String,
    },
    /// The entries are not in log order.
    #[error("entry {position} of the file is log index {index}, which is not after index {previous}: entries must be in log order, each once")]
    Order {
        /// Its position in the file (0-based).
        position: usize,
        /// Its index.
        index: u64,
        /// The index before it.
        previous: u64,
    },
    /// An entry's inclusion, leaf or signature does not check out.
    #[error("log index {index}: {why}")]
    Entry {
        /// Its index.
        index: u64,
        /// What is wrong.
        why: String,
    },
    /// A blob's bytes do not hash to its digest.
    #[error("blob {sha256} does not hash to its sha256 (its bytes hash to {actual})")]
    Blob {
        /// The digest it is given under.
        sha256: Digest,
        /// What its bytes hash to.
        actual: Digest,
    },
    /// The genesis is missing or is not the operator's.
    #[error("{0}")]
    Genesis(String),
    /// The ledger's rules refuse a statement of the file, applied after
    /// the statements before it.
    #[error("log index {index} ({kind} {id}) is refused by the ledger's rules applied to the file's statements: {rule}: {reason}{}", if *.missing { "; the file leaves out a statement it refers to" } else { "" })]
    Refused {
        /// Its index.
        index: u64,
        /// Its kind.
        kind: Kind,
        /// Its id.
        id: Digest,
        /// The rule id.
        rule: &'static str,
        /// The rule's reason.
        reason: String,
        /// The refusal is a reference to a statement not in the file.
        missing: bool,
    },
    /// The file does not hold the claim it names.
    #[error("the file holds no claim.record {0}: the claim's record is missing")]
    NoClaim(Digest),
    /// The scratch state failed (not an answer about the file).
    #[error("the scratch state failed")]
    State(#[source] StateError),
}

/// What a checked status proof establishes.
#[derive(Debug, Serialize)]
pub struct ProvenStatus {
    /// The log's name, from the checkpoint.
    pub origin: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// How many statements the file carries.
    pub statements: usize,
    /// The claim's status, derived from the file's statements alone.
    pub status: ClaimStatus,
}

/// The article texts of a status proof, by digest.
struct FileBlobs(HashMap<Digest, Vec<u8>>);

impl Blobs for FileBlobs {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(self.0.get(digest).cloned())
    }
}

impl StatusProof {
    /// Parses a status proof file.
    pub fn parse(bytes: &[u8]) -> Result<StatusProof, StatusProofError> {
        let p: StatusProof = serde_json::from_slice(bytes)
            .map_err(|e| StatusProofError::Malformed(e.to_string()))?;
        if p.format != FORMAT {
            return Err(StatusProofError::Malformed(format!(
                "format is '{}', not {FORMAT}",
                p.format
            )));
        }
        Ok(p)
    }

    /// The file's canonical form: compact JSON, fields in schema order,
    /// entries by index, blobs by digest, and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).expect("a status proof serializes");
        out.push(b'\n');
        out
    }

    /// Checks the file with the operator's public key alone and derives
    /// the claim's status from its statements (see the module docs for
    /// what this proves).
    pub fn verify(&self, operator: &PublicKey) -> Result<ProvenStatus, StatusProofError> {
        let checkpoint = Checkpoint::verify(self.checkpoint.as_bytes(), &operator.note_verifier())
            .map_err(|e| StatusProofError::Checkpoint {
                key: operator.to_note_string(),
                why: e.to_string(),
            })?;
        let mut blobs = HashMap::new();
        for b in &self.blobs {
            let actual = Digest::of(&b.bytes);
            if actual != b.sha256 {
                return Err(StatusProofError::Blob {
                    sha256: b.sha256,
                    actual,
                });
            }
            blobs.insert(b.sha256, b.bytes.clone());
        }
        let blobs = FileBlobs(blobs);
        let mut statements: Vec<(u64, u64, VerifiedStatement)> = Vec::new();
        let mut previous: Option<u64> = None;
        for (position, e) in self.entries.iter().enumerate() {
            if let Some(previous) = previous.filter(|p| e.index <= *p) {
                return Err(StatusProofError::Order {
                    position,
                    index: e.index,
                    previous,
                });
            }
            previous = Some(e.index);
            let bad = |why: String| StatusProofError::Entry {
                index: e.index,
                why,
            };
            if e.index >= checkpoint.size {
                return Err(bad(format!(
                    "not in the checkpoint's tree of {} entries",
                    checkpoint.size
                )));
            }
            verify_inclusion(
                &Leaf::hash_bytes(&e.leaf).0,
                e.index,
                checkpoint.size,
                &e.proof.iter().map(|h| h.0 .0).collect::<Vec<_>>(),
                &checkpoint.root.0,
            )
            .map_err(|why| {
                bad(format!(
                    "the inclusion proof does not lead to the checkpoint's root: {why}"
                ))
            })?;
            let leaf = Leaf::decode(&e.leaf).map_err(|why| bad(why.to_string()))?;
            if leaf.seq != e.index {
                return Err(bad(format!("the leaf says it is entry {}", leaf.seq)));
            }
            let st = SignedStatement::decode(&leaf.statement)
                .and_then(SignedStatement::verify)
                .map_err(|why| bad(why.to_string()))?;
            statements.push((e.index, leaf.logged_at, st));
        }
        match statements.first() {
            Some((0, _, g)) if g.statement().body.kind() == Kind::Genesis => {
                if let Body::Genesis(genesis) = &g.statement().body {
                    let named = PublicKey::parse(&genesis.operator, "the genesis operator key")
                        .map_err(|e| StatusProofError::Genesis(e.to_string()))?;
                    if named.bytes() != operator.bytes() {
                        return Err(StatusProofError::Genesis(format!(
                            "the genesis names the operator key {}, not {}, the key the checkpoint was checked with",
                            named.to_note_string(),
                            operator.to_note_string()
                        )));
                    }
                }
            }
            _ => {
                return Err(StatusProofError::Genesis(
                    "the file does not start with the ledger's genesis (log index 0): the genesis policy is missing".into(),
                ))
            }
        }
        let mut state = State::in_memory().map_err(StatusProofError::State)?;
        state.begin().map_err(StatusProofError::State)?;
        for (index, logged_at, st) in &statements {
            state.skip_to(*index).map_err(StatusProofError::State)?;
            let entry = Entry {
                seq: *index,
                logged_at: *logged_at,
                statement: st,
            };
            match state.apply(&entry, &blobs) {
                Ok(()) => {}
                Err(StateError::Rule(r)) => {
                    return Err(StatusProofError::Refused {
                        index: *index,
                        kind: r.kind,
                        id: st.id(),
                        missing: r.rule.starts_with("ref.")
                            || r.rule == "signer.not-granted"
                            || r.rule.ends_with("-missing"),
                        rule: r.rule,
                        reason: r.reason,
                    })
                }
                Err(e) => return Err(StatusProofError::State(e)),
            }
        }
        state.commit().map_err(StatusProofError::State)?;
        let status = claim_status(&state, &self.claim)
            .map_err(StatusProofError::State)?
            .ok_or(StatusProofError::NoClaim(self.claim))?;
        Ok(ProvenStatus {
            origin: checkpoint.origin,
            tree_size: checkpoint.size,
            statements: statements.len(),
            status,
        })
    }
}

/// The status proof of `claim` (a `claim.record` id) under the ledger's
/// current checkpoint: every statement of the kinds in
/// [`STATUS_INPUTS`](crate::status::inputs::STATUS_INPUTS)
/// that its status is derived from, and every statement those refer to
/// ([`refs`]), each with its inclusion proof; and the article texts the
/// rules read.
pub fn collect(ledger: &Ledger, claim: &Digest) -> Result<StatusProof, LedgerError> {
    let state = ledger.state();
    if state.claim_row(claim)?.is_none() {
        return Err(LedgerError::NotFound(format!("no claim has id {claim}")));
    }
    // By id: what the status reads, found through the index.
    let mut wanted: Vec<Digest> = Vec::new();
    let claim_and_revisions = |c: &Digest, out: &mut Vec<Digest>| -> Result<(), StateError> {
        out.push(*c);
        out.extend(state.revision_details(c)?.into_iter().map(|r| r.id));
        if let Some(row) = state.claim_row(c)? {
            out.extend(row.retraction);
        }
        Ok(())
    };
    let cites_chain = |c: &Digest, out: &mut Vec<Digest>| -> Result<(), StateError> {
        let mut end = *c;
        for _ in 0..crate::state::limits::MAX_CITES_HOPS {
            let Some((link, next)) = state.cites_link(&end)? else {
                break;
            };
            out.push(link);
            claim_and_revisions(&next, out)?;
            end = next;
        }
        Ok(())
    };
    claim_and_revisions(claim, &mut wanted)?;
    for v in state.verdict_rows(claim)? {
        wanted.push(v.id);
        wanted.extend(v.withdrawal.map(|w| w.id));
    }
    for l in state.link_rows(claim)? {
        wanted.push(l.id);
        wanted.extend(l.withdrawal.map(|w| w.id));
    }
    cites_chain(claim, &mut wanted)?;
    for l in state.corroboration_links(claim)? {
        claim_and_revisions(&l.other, &mut wanted)?;
        cites_chain(&l.other, &mut wanted)?;
        wanted.extend(
            state
                .link_rows(&l.other)?
                .into_iter()
                .filter(|r| r.relation == crate::statement::Relation::SameOrigin)
                .flat_map(|r| std::iter::once(r.id).chain(r.withdrawal.map(|w| w.id))),
        );
    }
    // By index: the genesis and every statement of CARRIED_WHOLE, then
    // whatever the statements refer to, to the end.
    let mut entries: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let mut texts: BTreeSet<Digest> = BTreeSet::new();
    let mut queue: VecDeque<u64> = std::iter::once(0)
        .chain(state.statement_seqs_of(CARRIED_WHOLE)?)
        .collect();
    for id in wanted {
        let (seq, _) = state
            .statement(&id)?
            .ok_or_else(|| LedgerError::NotFound(format!("statement {id} is not in the index")))?;
        queue.push_back(seq);
    }
    while let Some(seq) = queue.pop_front() {
        if entries.contains_key(&seq) {
            continue;
        }
        let bytes = ledger.log().entry(seq)?;
        let logged = crate::ledger::decode_entry(seq, &bytes)?;
        let body = &logged.statement.statement().body;
        if let Body::ArticleRecord(a) = body {
            texts.insert(a.content);
        }
        for id in refs(body) {
            let (s, _) = state.statement(&id)?.ok_or_else(|| {
                LedgerError::NotFound(format!("statement {id} is not in the index"))
            })?;
            queue.push_back(s);
        }
        entries.insert(seq, bytes);
    }
    let size = ledger.log().size();
    let mut out = Vec::with_capacity(entries.len());
    for (index, leaf) in entries {
        out.push(ProofEntry {
            index,
            leaf,
            proof: ledger
                .log()
                .inclusion_proof(index, size)?
                .into_iter()
                .map(Hash)
                .collect(),
        });
    }
    let mut blobs = Vec::with_capacity(texts.len());
    for d in texts {
        blobs.push(ProofBlob {
            sha256: d,
            bytes: ledger.get_blob(&d)?,
        });
    }
    Ok(StatusProof {
        format: FORMAT.to_string(),
        claim: *claim,
        checkpoint: String::from_utf8_lossy(ledger.log().checkpoint_bytes()).into_owned(),
        entries: out,
        blobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_carried() {
        // What the status reads, and what the rules that admitted it read.
        for k in Kind::ALL {
            let input = crate::status::inputs::STATUS_INPUTS
                .iter()
                .any(|i| i.kind == *k);
            assert!(
                input || CARRIED_WHOLE.contains(k),
                "{k} is neither a status input nor carried whole"
            );
        }
    }
}
