//! Signed statements (src/statement/): COSE_Sign1 decode and verify.
//!
//! - A decoded statement is its input: the same bytes, id = SHA-256 of them,
//!   and the COSE_Sign1 rebuilt from its parts (header, re-encoded payload,
//!   signature) is byte-identical.
//! - `verify` and `verify_batch` (by which append and audit decide) give
//!   the same verdict.
#![no_main]

use coset::CborSerializable;
use libfuzzer_sys::fuzz_target;
use provledger::statement::{verify_batch, SignedStatement};
use sha2::{Digest as _, Sha256};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = SignedStatement::decode(data) else {
        return;
    };
    assert_eq!(s.bytes(), data);
    assert_eq!(s.id().0, <[u8; 32]>::from(Sha256::digest(data)));

    let sign1 = coset::CoseSign1::from_slice(data).expect("decode accepted it");
    let payload = s
        .statement()
        .to_payload()
        .expect("a decoded statement re-encodes");
    assert_eq!(
        Some(&payload),
        sign1.payload.as_ref(),
        "payload decode then encode changed its bytes"
    );
    let mut protected = vec![0xa2, 0x01, 0x27, 0x04, 0x58, 0x20];
    protected.extend_from_slice(s.signer().as_bytes());
    let rebuilt = coset::CoseSign1 {
        protected: coset::ProtectedHeader::from_cbor_bstr(ciborium::Value::Bytes(protected))
            .expect("the header we write parses"),
        unprotected: coset::Header::default(),
        payload: Some(payload),
        signature: sign1.signature.clone(),
    }
    .to_vec()
    .expect("COSE_Sign1 encodes");
    assert_eq!(
        rebuilt, data,
        "the statement does not rebuild from its parts"
    );

    let _ = s.statement().to_json();
    let one = s.clone().verify().is_ok();
    let batch = verify_batch(vec![s]);
    assert_eq!(batch.len(), 1);
    assert_eq!(one, batch[0].is_ok(), "verify and verify_batch disagree");
});
