//! What the fuzz targets share: the sample ledger's demo keys.
#![forbid(unsafe_code)]

use provledger::keys::{PublicKey, SecretKey};

/// The sample ledger's operator key (keys/demo), which signs its checkpoints.
pub fn operator() -> PublicKey {
    PublicKey::parse(include_str!("../../keys/demo/operator.pub"), "operator.pub")
        .expect("the demo operator key parses")
}

/// The sample ledger's editor key (keys/demo; published, not secret).
pub fn editor() -> SecretKey {
    SecretKey::parse(
        include_str!("../../keys/demo/demo-editor.key"),
        "demo-editor.key",
    )
    .expect("the demo editor key parses")
}
