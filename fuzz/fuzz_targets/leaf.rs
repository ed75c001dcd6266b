//! Log leaves (src/log/leaf.rs): an accepted leaf re-encodes to exactly its
//! input, and its statement field goes through the statement decoder as
//! audit would send it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::log::Leaf;
use provledger::statement::SignedStatement;

fuzz_target!(|data: &[u8]| {
    let Ok(leaf) = Leaf::decode(data) else {
        return;
    };
    assert_eq!(
        leaf.encode().expect("a decoded leaf re-encodes"),
        data,
        "leaf decode then encode changed its bytes"
    );
    assert_eq!(Leaf::decode(&leaf.encode().unwrap()), Ok(leaf.clone()));
    if let Ok(s) = SignedStatement::decode(&leaf.statement) {
        assert_eq!(s.bytes(), leaf.statement);
    }
});
