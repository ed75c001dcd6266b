//! Checkpoints and signed notes (src/log/checkpoint.rs).
//!
//! - A parsed checkpoint writes back to a text that parses to the same
//!   checkpoint.
//! - Verification under the sample operator key succeeds only for a note
//!   that also parses unverified, to the same checkpoint, named after the
//!   key and signed by it: its key id is among the origin-named ids that
//!   `origin_key_ids` reports, however many foreign lines bear that name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::log::{open_note, Checkpoint};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static OPERATOR: OnceLock<provledger::keys::PublicKey> = OnceLock::new();
    let operator = OPERATOR.get_or_init(provledger_fuzz::operator);

    if let Ok(cp) = Checkpoint::parse_text(data) {
        let text = cp.text().expect("a parsed checkpoint writes back");
        assert_eq!(Checkpoint::parse_text(&text), Ok(cp));
    }
    let unverified = Checkpoint::parse_unverified(data);
    if let Ok(cp) = &unverified {
        let _ = cp.origin_key_ids(data);
    }
    let verifier = operator.note_verifier();
    if let Ok(text) = open_note(data, &verifier) {
        assert!(data.starts_with(&text), "the note's text is not its start");
    }
    if let Ok(cp) = Checkpoint::verify(data, &verifier) {
        assert_eq!(unverified.as_ref(), Ok(&cp), "verified but does not parse");
        assert_eq!(cp.origin, operator.name());
        let ids = cp
            .origin_key_ids(data)
            .expect("a verified checkpoint has an origin-named signature");
        assert!(ids.contains(&operator.id()), "{ids:?}");
    }
});
