//! Statements that the CLI refuses, forced into a ledger by hand: signed
//! with the library and written with the log writer directly, bypassing
//! `Ledger::append` and its rules. `audit` replays the log through the
//! same rules and must name the entry and the rule it breaks.

use crate::support::{force, key, Seeded};
use provledger::digest::Digest;
use provledger::statement::{
    Anchor, Attribution, Body, ClaimRecord, Hedge, Mode, Verdict, Verification,
    VerificationWithdraw,
};

fn digest(hex: &str) -> Digest {
    Digest::from_hex(hex).unwrap()
}

/// `audit` exits 3, naming entry `seq` and `rule` on one problem line of
/// its report, and in the JSON report.
fn assert_audit_names(s: &Seeded, seq: u64, rule: &str) {
    let r = s.run(&["audit"]);
    assert_eq!(
        r.code, 3,
        "audit passed a forced statement:\n{}{}",
        r.stdout, r.stderr
    );
    let entry = format!("entry {seq}");
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("PROBLEM") && l.contains(&entry) && l.contains(rule)),
        "audit does not name {entry} with {rule:?}:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("audit FAILED"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!("first at entry {seq}")),
        "{}",
        r.stderr
    );
    let report = s.run(&["audit", "--json"]);
    assert_eq!(report.code, 3);
    let v = report.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_entry_at_fault"], seq);
    assert_eq!(v["problems"][0]["entry"], seq);
    assert!(
        v["problems"][0]["what"].as_str().unwrap().contains(rule),
        "{v}"
    );
}

#[test]
fn a_verdict_signed_by_an_editor() {
    let s = Seeded::new();
    let claim = digest(s.claim("deadlock"));
    let seq = force(
        &s,
        &key(&s.key("eda")),
        Body::Verification(Verification {
            claim,
            revision: claim,
            verdict: Verdict::True,
            evidence: vec![],
            note: None,
        }),
    );
    assert_audit_names(
        &s,
        seq,
        "verification refused: signer Eda Editor (eda, kid ",
    );
}

#[test]
fn a_withdrawal_of_someone_elses_verdict() {
    let s = Seeded::new();
    let verdict = s.verify("cem", "wasiq-led", "true");
    let seq = force(
        &s,
        &key(&s.key("chloe")),
        Body::VerificationWithdraw(VerificationWithdraw {
            verification: digest(&verdict),
            reason: "I disagree".into(),
        }),
    );
    assert_audit_names(
        &s,
        seq,
        &format!(
            "verification.withdraw refused: verification {} was signed by cem (Cem Checker); only its own signer may withdraw it",
            &verdict[..12]
        ),
    );
}

#[test]
fn a_claim_whose_anchor_is_not_in_the_text() {
    let s = Seeded::new();
    let text = std::fs::read_to_string(crate::support::sample("article-v1.txt")).unwrap();
    let mut anchor = Anchor::locate(&text, "the latest round of talks in Istanbul").unwrap();
    // The quoted words, but at the wrong place.
    anchor.start += 1;
    anchor.end += 1;
    let seq = force(
        &s,
        &key(&s.key("eda")),
        Body::ClaimRecord(ClaimRecord {
            article: digest(&s.v1),
            proposition: "The talks failed.".into(),
            anchor,
            attribution: Attribution::outlets_own(),
        }),
    );
    assert_audit_names(
        &s,
        seq,
        "claim.record refused: anchor.exact does not match the article text at",
    );
}

#[test]
fn a_claim_attributed_to_an_unknown_source() {
    let s = Seeded::new();
    let text = std::fs::read_to_string(crate::support::sample("article-v1.txt")).unwrap();
    let missing = Digest::of(b"no such source");
    let seq = force(
        &s,
        &key(&s.key("eda")),
        Body::ClaimRecord(ClaimRecord {
            article: digest(&s.v1),
            proposition: "Mujahid thanked the hosts.".into(),
            anchor: Anchor::locate(&text, "thanked the host countries").unwrap(),
            attribution: Attribution {
                source: Some(missing),
                cue: Some("thanked".into()),
                hedge: Hedge::None,
                mode: Mode::Paraphrase,
                quote: None,
                relayed_by: None,
            },
        }),
    );
    assert_audit_names(
        &s,
        seq,
        &format!(
            "claim.record refused: attribution.source {} is not in the ledger",
            &missing.to_hex()[..12]
        ),
    );
}
