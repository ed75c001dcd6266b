//! Issue 10's trust rules from the command line: link withdrawal, key
//! retirement and compromise, key updates, self-review, anonymous sources
//! with identity commitments, same/distinct person, source merge.

/// The statement kinds the committed sample ledger does not hold yet;
/// `schemas::every_sample_ledger_statement_validates` leaves them to the
/// tests here.
pub const KINDS_NOT_IN_SAMPLE: &[&str] = &[
    "claim.link.withdraw",
    "key.update",
    "source.identity",
    "source.relate",
    "source.merge",
];
