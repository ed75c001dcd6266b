//! Which statements determine a claim's status: the one list of what the
//! rules of `crate::status` read, so that a proof of a claim's status can
//! collect exactly these statements (and a change to the rules changes
//! this list with them).

use crate::statement::Kind;

/// One kind of statement a claim's status reads, and which statements of
/// that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusInput {
    /// The statement kind.
    pub kind: Kind,
    /// Which statements of the kind, for claim C.
    pub which: &'static str,
    /// The rule of `crate::status` that reads them (1 verdicts, 2 status,
    /// 3 corroboration).
    pub rule: u8,
}

/// Every kind of statement that a claim's status (rules 1 and 2) and its
/// corroboration (rule 3) depend on.
pub const STATUS_INPUTS: &[StatusInput] = &[
    StatusInput {
        kind: Kind::Genesis,
        which: "the ledger's genesis: the quorum and allow_self_review of its policy",
        rule: 2,
    },
    StatusInput {
        kind: Kind::ClaimRecord,
        which: "C's claim.record: its signer (self-review) and, with the revisions, the current substance",
        rule: 1,
    },
    StatusInput {
        kind: Kind::ClaimRevise,
        which: "every claim.revise of C: its signer (self-review) and the substance verdicts are stale against",
        rule: 1,
    },
    StatusInput {
        kind: Kind::ClaimRetract,
        which: "C's claim.retract, if any",
        rule: 2,
    },
    StatusInput {
        kind: Kind::Verification,
        which: "every verification of C",
        rule: 1,
    },
    StatusInput {
        kind: Kind::VerificationWithdraw,
        which: "every verification.withdraw of a verification of C",
        rule: 1,
    },
    StatusInput {
        kind: Kind::KeyGrant,
        which: "the key.grant(s) of each key that signed a verification of C, or a link read by rule 3",
        rule: 1,
    },
    StatusInput {
        kind: Kind::KeyRevoke,
        which: "every key.revoke of those keys: its mode and since point decide which of their statements count",
        rule: 1,
    },
    StatusInput {
        kind: Kind::ClaimLink,
        which: "every claim.link from or to C (corroborates, contradicts, same_origin), from or to a linked claim (same_origin), and the cites chain of C and of each linked claim",
        rule: 3,
    },
    StatusInput {
        kind: Kind::ClaimLinkWithdraw,
        which: "every claim.link.withdraw of those links",
        rule: 3,
    },
    StatusInput {
        kind: Kind::ArticleRecord,
        which: "the article.record of each origin claim (the end of a cites chain) that has no source: its publisher",
        rule: 3,
    },
    StatusInput {
        kind: Kind::SourceRecord,
        which: "the source.record of each origin (attribution source or relayed_by), and the sources in its class",
        rule: 3,
    },
    StatusInput {
        kind: Kind::SourceMerge,
        which: "every source.merge that joined an origin's class",
        rule: 3,
    },
    StatusInput {
        kind: Kind::SourceIdentity,
        which: "the source.identity of each anonymous source in an origin's class",
        rule: 3,
    },
    StatusInput {
        kind: Kind::SourceRelate,
        which: "every same_person source.relate that joined an origin's class",
        rule: 3,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_an_input_or_named_as_not_one() {
        // key.update changes display names and roles, which no status rule
        // reads (a role is checked when a statement is signed).
        let not_inputs = [Kind::KeyUpdate];
        for k in Kind::ALL {
            let listed = STATUS_INPUTS.iter().any(|i| i.kind == *k);
            assert_ne!(listed, not_inputs.contains(k), "{k}");
        }
    }
}
