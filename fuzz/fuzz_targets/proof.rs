//! tlog-proof files (src/proof.rs) and the Merkle proof checks under them
//! (src/log/proof.rs).
//!
//! - A parsed proof writes back to a text that parses to the same proof.
//! - A proof that verifies under the sample operator key proves what it
//!   says: its leaf is at its index, in a checkpoint that verifies alone,
//!   and the statement in it verifies alone.
//! - The Merkle checks refuse, never panic on, any index, size and hashes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::log::{verify_consistency, verify_inclusion, Checkpoint, Leaf};
use provledger::proof::TlogProof;
use provledger::statement::SignedStatement;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static OPERATOR: OnceLock<provledger::keys::PublicKey> = OnceLock::new();
    let operator = OPERATOR.get_or_init(provledger_fuzz::operator);

    let Ok(p) = TlogProof::parse(data) else {
        return;
    };
    let text = p.to_text();
    assert_eq!(
        TlogProof::parse(text.as_bytes()).expect("a parsed proof writes back"),
        p
    );

    let hashes: Vec<[u8; 32]> = p.hashes.iter().map(|h| h.0).collect();
    let leaf_hash = Leaf::hash_bytes(p.extra.as_deref().unwrap_or_default()).0;
    let root = hashes.last().copied().unwrap_or_default();
    let size = p.index.wrapping_add(u64::from(data.len() as u8));
    let _ = verify_inclusion(&leaf_hash, p.index, size, &hashes, &root);
    let _ = verify_consistency(p.index, size, &hashes, &leaf_hash, &root);

    if let Ok(proven) = p.verify(operator) {
        assert_eq!(proven.leaf.seq, p.index);
        assert_eq!(
            Checkpoint::verify(&p.checkpoint, &operator.note_verifier()).as_ref(),
            Ok(&proven.checkpoint)
        );
        assert!(p.index < proven.checkpoint.size);
        let extra = p.extra.as_deref().expect("a verified proof has its leaf");
        assert_eq!(Leaf::decode(extra).as_ref(), Ok(&proven.leaf));
        let alone = SignedStatement::decode(&proven.leaf.statement)
            .and_then(SignedStatement::verify)
            .expect("the proven statement verifies alone");
        assert_eq!(alone.id(), proven.statement.id());
    }
});
