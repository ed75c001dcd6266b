//! Every row of the status table, proven offline: the world of each row
//! written to a ledger on disk, a status proof collected for the claim
//! (`proof::status::collect`) and checked with the operator's public key
//! alone gives the very status object `claim_status` gives from the index.

use super::{Scene, ROWS};
use crate::state_harness::World;
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::log::Log;
use provledger::proof::status::{collect, StatusProof};
use provledger::statement::Policy;
use provledger::status::claim_status;

/// Writes every statement of `w` (and its blobs) into a ledger at `path`.
pub(crate) fn to_disk(w: &World, path: &std::path::Path) {
    let signer = w.operator.note_signer();
    let mut log = Log::create(path, &signer).unwrap();
    for (digest, bytes) in &w.blobs.0 {
        if Digest::of(bytes) == *digest {
            log.put_blob(bytes).unwrap();
        }
    }
    for (logged_at, st) in &w.log {
        log.append(&[st.bytes().to_vec()], *logged_at, &signer)
            .unwrap();
    }
}

#[test]
fn every_row_proven_offline_gives_the_status_of_the_index() {
    let mut failures = Vec::new();
    for r in ROWS {
        let mut scene = Scene::with_policy(Policy {
            quorum: r.quorum,
            allow_self_review: r.allow_self_review,
        });
        for step in r.steps {
            scene.run(*step);
        }
        let want =
            serde_json::to_value(claim_status(&scene.w.state, &scene.claim).unwrap().unwrap())
                .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger");
        to_disk(&scene.w, &path);
        let ledger = Ledger::open(&path).unwrap();
        let file = collect(&ledger, &scene.claim).unwrap().to_bytes();
        drop(ledger);
        let proven = StatusProof::parse(&file)
            .unwrap()
            .verify(scene.w.operator.public())
            .unwrap_or_else(|e| panic!("{}: the proof does not check out: {e}", r.name));
        let got = serde_json::to_value(&proven.status).unwrap();
        if got != want {
            failures.push(format!("{}:\n got {got}\nwant {want}", r.name));
        }
        if proven.status.status != r.status {
            failures.push(format!(
                "{}: proven {}, want {}",
                r.name, proven.status.status, r.status
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The status of `claim` in `w` as a status proof checked offline gives
/// it: `w` written to a ledger, the proof collected and verified with the
/// operator's public key alone.
pub(crate) fn proven_offline(w: &World, claim: &Digest) -> provledger::status::ClaimStatus {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger");
    to_disk(w, &path);
    let ledger = Ledger::open(&path).unwrap();
    let file = collect(&ledger, claim).unwrap().to_bytes();
    drop(ledger);
    StatusProof::parse(&file)
        .unwrap()
        .verify(w.operator.public())
        .unwrap_or_else(|e| panic!("the proof does not check out: {e}"))
        .status
}
