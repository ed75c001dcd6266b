//! Helpers shared by the log tests: deterministic keys, an independent
//! RFC 6962 implementation to check against, and (from `crate::common`,
//! the one copy) byte surgery on ledgers.
#![allow(dead_code)]

pub use crate::common::{entry_offset, flip, join_bundle, split_bundle};

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use provledger::digest::Digest;
use provledger::log::{Leaf, Log, LogWriter};
use sha2::{Digest as _, Sha256};
use signed_note::{StandardSigner, StandardVerifier};
use std::path::Path;

/// The `logged_at` every test append uses.
pub const T0: u64 = 1_700_000_000;

/// A signed-note key pair from a fixed seed, as encoded key strings.
pub fn key_strings(name: &str, seed: u8) -> (String, String) {
    let sk = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let vkey = signed_note::new_ed25519_verifier_key(name, &sk.verifying_key());
    let id = vkey.split('+').nth(1).unwrap().to_string();
    let mut raw = vec![1u8];
    raw.extend_from_slice(&sk.to_bytes());
    let skey = format!("PRIVATE+KEY+{name}+{id}+{}", BASE64.encode(raw));
    (skey, vkey)
}

/// A signer and verifier from a fixed seed.
pub fn keys(name: &str, seed: u8) -> (StandardSigner, StandardVerifier) {
    let (s, v) = key_strings(name, seed);
    (
        StandardSigner::new(&s).unwrap(),
        StandardVerifier::new(&v).unwrap(),
    )
}

/// The operator key the tests use.
pub fn operator() -> (StandardSigner, StandardVerifier) {
    keys("example.org/ledger", 7)
}

/// Statement `i` of a test log: varied lengths, including empty.
pub fn statement(i: u64) -> Vec<u8> {
    let len = (i * 37 % 200) as usize;
    (0..len).map(|j| (i as usize * 31 + j * 7) as u8).collect()
}

/// RFC 6962 leaf hash, computed here independently.
pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// RFC 6962 Merkle tree hash (MTH) of leaf hashes, straight from the RFC's
/// recursive definition.
pub fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = 1usize << (usize::BITS - (n - 1).leading_zeros() - 1);
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(mth(&leaves[..k]));
            h.update(mth(&leaves[k..]));
            h.finalize().into()
        }
    }
}

/// The leaf bytes a log must hold for statements `stmts` appended from
/// entry 0, computed without the log.
pub fn expected_leaves(stmts: &[Vec<u8>], logged_at: u64) -> Vec<Vec<u8>> {
    let mut prev = [0u8; 32];
    stmts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let b = Leaf {
                seq: i as u64,
                prev: Digest(prev),
                logged_at,
                statement: s.clone(),
            }
            .encode()
            .unwrap();
            prev = leaf_hash(&b);
            b
        })
        .collect()
}

/// Creates a ledger in `dir` holding `n` test statements, appended in
/// batches of varying size.
pub fn build(dir: &Path, n: u64) -> LogWriter {
    let (signer, _) = operator();
    let mut w = Log::create(dir, &signer).unwrap();
    let mut next = 0;
    let mut batch = 1;
    while next < n {
        let end = (next + batch).min(n);
        let stmts: Vec<Vec<u8>> = (next..end).map(statement).collect();
        w.append(&stmts, T0, &signer).unwrap();
        next = end;
        batch = batch * 3 % 97 + 1;
    }
    w
}
