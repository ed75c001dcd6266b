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

/// The rule ids the library gives: every `refuse!("id", ..)`, `rule: "id"`
/// and `refusal("id", ..)` in `src/state/`, and the replay's `RULE_*`.
fn rule_ids_in_source() -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/state");
    let mut ids = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["refuse!(", "rule: ", "refusal(", "const RULE_"] {
            for (i, _) in text.match_indices(marker) {
                let mut rest = text[i + marker.len()..].trim_start();
                if marker == "const RULE_" {
                    rest = rest.split_once("= ").unwrap().1;
                }
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let id = &rest[..rest.find('"').unwrap()];
                if id.contains('.') {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

#[test]
fn every_rule_id_is_listed_once_in_the_readme() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let section = readme
        .split("### Rule ids")
        .nth(1)
        .expect("README has a Rule ids section");
    let listed: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("| rule |"))
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    let unique: std::collections::BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a rule id is listed twice: {listed:?}"
    );
    let used = rule_ids_in_source();
    assert!(
        used.len() > 70,
        "the source scan found too few rule ids: {used:?}"
    );
    assert_eq!(
        used, unique,
        "the README's rule ids differ from the library's"
    );
    for id in &used {
        let (area, name) = id.split_once('.').unwrap();
        assert!(
            !area.is_empty()
                && area.bytes().all(|b| b.is_ascii_lowercase())
                && name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{id} is not a dotted lowercase id"
        );
    }
}

#[test]
fn a_refusal_names_its_rule_by_id() {
    let mut f = fx();
    let ed = ed(&f.w);
    let long = "x".repeat(MAX_LABEL_CHARS + 1);
    let (rule, msg) = f.w.refused_by(
        &ed,
        Body::SourceRecord(source(SourceKind::Document, &long, None)),
    );
    assert_eq!(rule, "field.too-long");
    assert_eq!(
        msg,
        format!(
            "source.record refused: label is {} characters; at most {MAX_LABEL_CHARS} are allowed",
            MAX_LABEL_CHARS + 1
        )
    );
}
