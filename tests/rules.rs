//! Every rule of the validity function (`State::apply`): an offending
//! statement is refused with its exact message, and the state is left
//! exactly as it was (`World::refused` compares a snapshot of every table).
//! Audit replays the log through the same function, so `replay` shows a
//! replay stopping at a bad entry.
//!
//! One module per file of `src/state/` that holds rules (`entries` for the
//! checks in `src/state/mod.rs`), plus `decoding` and `replay`; the fixture
//! they share is here.

use crate::state_harness;

use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::state::limits::*;
use provledger::state::{Entry, State, StateError};
use provledger::statement::*;
use state_harness::*;

/// The fixture most tests start from: sources, an article in two versions
/// and three claims on version 1.
struct Fx {
    w: World,
    diplomats: Digest,
    kabul: Digest,
    mujahid: Digest,
    guardian: Digest,
    a1: Digest,
    a2: Digest,
    /// "the Afghan delegation … was led by …", attributed to diplomatic sources.
    delegation: Digest,
    /// The Kabul-based source's "paradoxical" (dropped in v2).
    stance: Digest,
    /// Mujahid's accusation.
    accused: Digest,
}

const DELEGATION: &str = "the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq";
const STANCE: &str = "One Kabul-based source called Islamabad’s stance “paradoxical,”";
const ACCUSED: &str =
    "accused the Pakistani side of an “irresponsible and non-cooperative attitude”";

fn fx() -> Fx {
    let mut w = World::new(1);
    let diplomats = w.source(source(
        SourceKind::AnonymousGroup,
        "diplomatic sources",
        None,
    ));
    let kabul = w.source(source(
        SourceKind::AnonymousPerson,
        "One Kabul-based source",
        None,
    ));
    let mujahid = w.source(source(
        SourceKind::NamedPerson,
        "Taliban spokesperson Zabihullah Mujahid",
        Some("Zabihullah Mujahid"),
    ));
    let guardian = w.source(source(
        SourceKind::MediaReport,
        "The Sunday Guardian",
        Some("The Sunday Guardian"),
    ));
    let a1 = w.article(TEXT_V1, None);
    let delegation = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));
    let stance = w.claim(a1, TEXT_V1, STANCE, Some(kabul));
    let accused = w.claim(a1, TEXT_V1, ACCUSED, Some(mujahid));
    let a2 = w.article(TEXT_V2, Some(a1));
    Fx {
        w,
        diplomats,
        kabul,
        mujahid,
        guardian,
        a1,
        a2,
        delegation,
        stance,
        accused,
    }
}

fn body_claim(f: &Fx, exact: &str, source: Option<Digest>) -> ClaimRecord {
    claim_body(f.a1, TEXT_V1, exact, source)
}

fn ed(w: &World) -> SecretKey {
    w.editor.clone()
}

/// Unix seconds as messages say them (RFC 3339).
fn t(secs: u64) -> String {
    provledger::time::rfc3339(secs)
}

/// The kid prefix that refusals name a signer by, after its names.
fn kid(k: &SecretKey) -> String {
    hex::encode(k.public().bytes())[..12].to_string()
}

/// A `claim.revise` giving the claim new content anchored in `article`.
fn revise_body(
    claim: Digest,
    article: Digest,
    text: &str,
    exact: &str,
    source: Option<Digest>,
    reason: ChangeReason,
) -> Body {
    Body::ClaimRevise(ClaimRevise {
        claim,
        article,
        change: Change::Content(claim_body(article, text, exact, source).content()),
        reason,
        note: None,
    })
}

/// A `claim.revise` saying `article` dropped the claim.
fn removal(claim: Digest, article: Digest) -> Body {
    Body::ClaimRevise(ClaimRevise {
        claim,
        article,
        change: Change::Removed,
        reason: ChangeReason::ArticleUpdated,
        note: Some("dropped in the update".into()),
    })
}

mod articles;
mod claims;
mod decoding;
mod entries;
mod keys;
mod links;
mod replay;
mod sources;
mod verifications;
