//! Statement payloads (src/statement/): the canonical CBOR `{v, kind, at,
//! body}` map, the part of a statement its author chooses.
//!
//! Signed statements from outside mostly fail their signature, so this
//! target reaches the body decoders directly:
//! - an accepted payload re-encodes to the same bytes;
//! - signing it gives a statement that decodes to the same content and
//!   verifies, and whose every single-bit flip is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::statement::{SignedStatement, Statement};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<provledger::keys::SecretKey> = OnceLock::new();
    let Ok(st) = Statement::from_payload(data) else {
        return;
    };
    assert_eq!(
        st.to_payload().expect("a decoded payload re-encodes"),
        data,
        "payload decode then encode changed its bytes"
    );
    let key = KEY.get_or_init(provledger_fuzz::editor);
    let Ok(signed) = SignedStatement::sign(&st, key) else {
        // Only a payload too large for a statement may fail to sign.
        assert!(data.len() > provledger::statement::MAX_STATEMENT_BYTES - 200);
        return;
    };
    assert_eq!(signed.statement(), &st);
    let bytes = signed.bytes().to_vec();
    let again = SignedStatement::decode(&bytes).expect("what we sign decodes");
    assert_eq!(again.statement(), &st);
    again.verify().expect("what we sign verifies");
    // A flip in every byte would make each run slow; one bit per 8 bytes,
    // at positions chosen by the input, covers the statement across runs.
    let step = 8;
    let start = usize::from(data.first().copied().unwrap_or(0)) % step;
    for i in (start..bytes.len()).step_by(step) {
        let mut m = bytes.clone();
        m[i] ^= 1 << (i % 8);
        let refused = SignedStatement::decode(&m)
            .and_then(SignedStatement::verify)
            .is_err();
        assert!(
            refused,
            "a bit flip at byte {i} of a signed statement was accepted"
        );
    }
});
