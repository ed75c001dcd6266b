//! Derived status (README "Status") row by row, corroboration by independent
//! origin, a claim's history, and the read queries.

use crate::state_harness;

use provledger::digest::Digest;
use provledger::history::{claim_history, word_diff, ClaimField, DiffPart, DiffTag, Direction};
use provledger::keys::SecretKey;
use provledger::state::{ClaimFilter, ResolveError};
use provledger::statement::*;
use provledger::status::{claim_status, decide, OriginKind, Standing, Status};
use state_harness::*;

const DELEGATION: &str = "the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq";

#[derive(Clone, Copy, Debug)]
enum Who {
    C1,
    C2,
    C3,
    /// The editor who recorded the claim (a checker too after `EditorChecks`).
    Ed,
}

/// One thing that happens to the claim under test.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// A verdict on the claim's latest revision with text.
    Judge(Who, Verdict),
    /// The checker withdraws its latest verdict that is not withdrawn yet.
    Withdraw(Who),
    /// The article is updated and the claim's attribution changes with it.
    Reattribute,
    /// The article is updated; the claim moves but reads the same.
    MoveOnly,
    /// The article is updated and drops the claim.
    Remove,
    Retract,
    /// The operator revokes the checker's key (no mode: compromised from
    /// the start, as before modes existed).
    Revoke(Who),
    /// The operator revokes the key as retired.
    Retire(Who),
    /// The operator revokes the key as compromised, from its first statement.
    Compromise(Who),
    /// The operator revokes the key as compromised since the revocation's
    /// own entry: what it signed before counts.
    CompromiseFromNow(Who),
    /// The operator grants a retired key again.
    Regrant(Who),
    /// The operator gives the editor the checker role too (`key.update`).
    EditorChecks,
    /// The checker revises the claim's note as an editor would (`key.update`
    /// gives it the editor role first): it has then revised the claim.
    CheckerRevises(Who),
}

use Step::*;
use Who::*;

struct Row {
    name: &'static str,
    quorum: u64,
    /// The genesis policy's allow_self_review.
    allow_self_review: bool,
    steps: &'static [Step],
    status: Status,
    /// How many listed verdicts stand current, stale, revoked_key, self_review.
    current: usize,
    stale: usize,
    revoked: usize,
    self_review: usize,
}

const fn row(
    name: &'static str,
    quorum: u64,
    steps: &'static [Step],
    status: Status,
    (current, stale, revoked): (usize, usize, usize),
) -> Row {
    trust_row(
        name,
        quorum,
        false,
        steps,
        status,
        (current, stale, revoked, 0),
    )
}

/// A row of the trust rules (issue 10): with the genesis policy's
/// allow_self_review and the count of self-reviews.
const fn trust_row(
    name: &'static str,
    quorum: u64,
    allow_self_review: bool,
    steps: &'static [Step],
    status: Status,
    (current, stale, revoked, self_review): (usize, usize, usize, usize),
) -> Row {
    Row {
        name,
        quorum,
        allow_self_review,
        steps,
        status,
        current,
        stale,
        revoked,
        self_review,
    }
}

use Verdict as V;

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // unreviewed
    row("no verdict", 1, &[], Status::Unreviewed, (0, 0, 0)),
    // verified
    row("one true, quorum 1", 1, &[Judge(C1, V::True)], Status::Verified, (1, 0, 0)),
    row("one mostly_true, quorum 1", 1, &[Judge(C1, V::MostlyTrue)], Status::Verified, (1, 0, 0)),
    row("true and unverifiable", 1, &[Judge(C1, V::True), Judge(C2, V::Unverifiable)], Status::Verified, (2, 0, 0)),
    row("true and mixed", 1, &[Judge(C1, V::True), Judge(C2, V::Mixed)], Status::Verified, (2, 0, 0)),
    row("two agreeing, quorum 2", 2, &[Judge(C1, V::True), Judge(C2, V::MostlyTrue)], Status::Verified, (2, 0, 0)),
    // refuted
    row("one false, quorum 1", 1, &[Judge(C1, V::False)], Status::Refuted, (1, 0, 0)),
    row("one mostly_false, quorum 1", 1, &[Judge(C1, V::MostlyFalse)], Status::Refuted, (1, 0, 0)),
    row("one misleading, quorum 1", 1, &[Judge(C1, V::Misleading)], Status::Refuted, (1, 0, 0)),
    row("two refuting, quorum 2", 2, &[Judge(C1, V::False), Judge(C2, V::Misleading)], Status::Refuted, (2, 0, 0)),
    // disputed
    row("true against false", 1, &[Judge(C1, V::True), Judge(C2, V::False)], Status::Disputed, (2, 0, 0)),
    row("mostly_true against misleading, quorum 2", 2, &[Judge(C1, V::MostlyTrue), Judge(C2, V::Misleading)], Status::Disputed, (2, 0, 0)),
    row("two true against one false, quorum 2", 2, &[Judge(C1, V::True), Judge(C2, V::True), Judge(C3, V::MostlyFalse)], Status::Disputed, (3, 0, 0)),
    // unverifiable
    row("one unverifiable, quorum 1", 1, &[Judge(C1, V::Unverifiable)], Status::Unverifiable, (1, 0, 0)),
    row("two unverifiable, quorum 2", 2, &[Judge(C1, V::Unverifiable), Judge(C2, V::Unverifiable)], Status::Unverifiable, (2, 0, 0)),
    // in_review
    row("one mixed", 1, &[Judge(C1, V::Mixed)], Status::InReview, (1, 0, 0)),
    row("unverifiable and mixed", 1, &[Judge(C1, V::Unverifiable), Judge(C2, V::Mixed)], Status::InReview, (2, 0, 0)),
    row("one true below quorum 2", 2, &[Judge(C1, V::True)], Status::InReview, (1, 0, 0)),
    row("one false below quorum 2", 2, &[Judge(C1, V::False)], Status::InReview, (1, 0, 0)),
    row("one unverifiable below quorum 2", 2, &[Judge(C1, V::Unverifiable)], Status::InReview, (1, 0, 0)),
    // each checker counts once, with its latest verdict
    row("a checker changes its mind", 1, &[Judge(C1, V::True), Judge(C1, V::False)], Status::Refuted, (1, 0, 0)),
    row("one checker twice is not a quorum of 2", 2, &[Judge(C1, V::True), Judge(C1, V::True)], Status::InReview, (1, 0, 0)),
    // withdrawals
    row("withdrawn verdict", 1, &[Judge(C1, V::True), Withdraw(C1)], Status::Unreviewed, (0, 0, 0)),
    row("withdrawing the latest brings back the one before", 1, &[Judge(C1, V::False), Judge(C1, V::True), Withdraw(C1)], Status::Refuted, (1, 0, 0)),
    row("withdrawing the disputing verdict", 1, &[Judge(C1, V::True), Judge(C2, V::False), Withdraw(C2)], Status::Verified, (1, 0, 0)),
    // stale verdicts after a revision
    row("verdict before the attribution changed", 1, &[Judge(C1, V::True), Reattribute], Status::Unreviewed, (0, 1, 0)),
    row("stale true does not dispute a fresh false", 1, &[Judge(C1, V::True), Reattribute, Judge(C2, V::False)], Status::Refuted, (1, 1, 0)),
    row("a checker re-judges after the change", 1, &[Judge(C1, V::False), Reattribute, Judge(C1, V::True)], Status::Verified, (1, 0, 0)),
    row("a move without change keeps verdicts current", 1, &[Judge(C1, V::True), MoveOnly], Status::Verified, (1, 0, 0)),
    row("stale below quorum 2", 2, &[Judge(C1, V::True), Judge(C2, V::True), Reattribute, Judge(C3, V::True)], Status::InReview, (1, 2, 0)),
    // revoked checkers
    row("revoked checker's verdict", 1, &[Judge(C1, V::True), Revoke(C1)], Status::Unreviewed, (0, 0, 1)),
    row("revoked checker no longer disputes", 1, &[Judge(C1, V::True), Judge(C2, V::False), Revoke(C2)], Status::Verified, (1, 0, 1)),
    row("revocation breaks a quorum of 2", 2, &[Judge(C1, V::True), Judge(C2, V::True), Revoke(C2)], Status::InReview, (1, 0, 1)),
    // retraction
    row("retracted without verdicts", 1, &[Retract], Status::Retracted, (0, 0, 0)),
    row("retracted after being verified", 1, &[Judge(C1, V::True), Retract], Status::Retracted, (1, 0, 0)),
    row("retracted after a removal", 1, &[Judge(C1, V::False), Remove, Retract], Status::Retracted, (1, 0, 0)),
    // removal keeps the standing the claim had when dropped
    row("removed after being verified", 1, &[Judge(C1, V::True), Remove], Status::Verified, (1, 0, 0)),
    // retired keys: their verdicts keep counting
    row("retired checker's verdict counts", 1, &[Judge(C1, V::True), Retire(C1)], Status::Verified, (1, 0, 0)),
    row("retired checker still disputes", 1, &[Judge(C1, V::True), Judge(C2, V::False), Retire(C2)], Status::Disputed, (2, 0, 0)),
    row("retired and granted again, judges anew", 1, &[Judge(C1, V::False), Retire(C1), Regrant(C1), Judge(C1, V::True)], Status::Verified, (1, 0, 0)),
    // compromised keys: from the compromise point on
    row("compromised from the start", 1, &[Judge(C1, V::True), Compromise(C1)], Status::Unreviewed, (0, 0, 1)),
    row("compromised since after the verdict: it counts", 1, &[Judge(C1, V::True), CompromiseFromNow(C1)], Status::Verified, (1, 0, 0)),
    row("retired, then found compromised", 1, &[Judge(C1, V::True), Retire(C1), Compromise(C1)], Status::Unreviewed, (0, 0, 1)),
    row("retired key found compromised later still counts before", 1, &[Judge(C1, V::True), Retire(C1), CompromiseFromNow(C1)], Status::Verified, (1, 0, 0)),
    row("compromise breaks a quorum of 2", 2, &[Judge(C1, V::True), Judge(C2, V::True), Compromise(C2)], Status::InReview, (1, 0, 1)),
    row("regranted key's new verdict after an old one", 2, &[Judge(C1, V::True), Retire(C1), Regrant(C1), Judge(C2, V::True)], Status::Verified, (2, 0, 0)),
    // no self-review
    trust_row("an editor-checker cannot verify their own claim", 1, false, &[EditorChecks, Judge(Ed, V::True)], Status::Unreviewed, (0, 0, 0, 1)),
    trust_row("self-review does not dispute", 1, false, &[EditorChecks, Judge(Ed, V::False), Judge(C1, V::True)], Status::Verified, (1, 0, 0, 1)),
    trust_row("self-review does not make a quorum of 2", 2, false, &[EditorChecks, Judge(Ed, V::True), Judge(C1, V::True)], Status::InReview, (1, 0, 0, 1)),
    trust_row("a checker who revised the claim is a self-reviewer", 1, false, &[Judge(C1, V::True), CheckerRevises(C1)], Status::Unreviewed, (0, 0, 0, 1)),
    trust_row("the genesis allows self-review", 1, true, &[EditorChecks, Judge(Ed, V::True)], Status::Verified, (1, 0, 0, 0)),
    trust_row("allowed self-review makes a quorum of 2", 2, true, &[EditorChecks, Judge(Ed, V::True), Judge(C1, V::True)], Status::Verified, (2, 0, 0, 0)),
];

/// The world of one row: an article in up to four versions, the claim
/// under test on version 1.
struct Scene {
    w: World,
    claim: Digest,
    /// The revision new verdicts judge.
    judged: Digest,
    articles: Vec<(Digest, String)>,
    officials: Digest,
    diplomats: Digest,
}

impl Scene {
    fn new(quorum: u64) -> Scene {
        Scene::with_policy(Policy::quorum(quorum))
    }

    fn with_policy(policy: Policy) -> Scene {
        let mut w = World::with_policy(policy);
        let diplomats = w.source(source(
            SourceKind::AnonymousGroup,
            "diplomatic sources",
            None,
        ));
        let officials = w.source(source(SourceKind::AnonymousGroup, "Afghan officials", None));
        let a1 = w.article(TEXT_V1, None);
        let claim = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));
        Scene {
            w,
            claim,
            judged: claim,
            articles: vec![(a1, TEXT_V1.to_string())],
            officials,
            diplomats,
        }
    }

    fn key(&self, who: Who) -> SecretKey {
        match who {
            C1 => self.w.checker.clone(),
            C2 => self.w.checker2.clone(),
            C3 => self.w.checker3.clone(),
            Ed => self.w.editor.clone(),
        }
    }

    /// Revokes `who`'s key with `mode`, compromised since the revocation's
    /// own entry when `from_now`.
    fn revoke(&mut self, who: Who, mode: Option<RevokeMode>, from_now: bool) {
        let key = self.key(who);
        let op = self.w.operator.clone();
        let since_entry = from_now.then(|| self.w.state.applied().unwrap());
        self.w.ok(
            &op,
            Body::KeyRevoke(KeyRevoke {
                mode,
                since_entry,
                ..KeyRevoke::new(key.public().to_note_string(), "key compromised".into())
            }),
        );
    }

    /// Gives `who`'s key the roles `roles` (a `key.update` by the operator).
    fn set_roles(&mut self, who: Who, roles: Vec<Role>) {
        let key = self.key(who);
        let op = self.w.operator.clone();
        self.w.ok(
            &op,
            Body::KeyUpdate(KeyUpdate {
                key: key.public().to_note_string(),
                display_name: None,
                roles: Some(roles),
                note: None,
            }),
        );
    }

    /// Records a new version of the article: the previous text with a line
    /// added on top, so every anchor moves.
    fn update(&mut self) -> (Digest, String) {
        let (prev, prev_text) = self.articles.last().unwrap().clone();
        let text = format!("UPDATE {}.\n{prev_text}", self.articles.len());
        let id = self.w.article(&text, Some(prev));
        self.articles.push((id, text.clone()));
        (id, text)
    }

    fn run(&mut self, step: Step) {
        let ed = self.w.editor.clone();
        match step {
            Judge(who, verdict) => {
                let key = self.key(who);
                self.w.verdict(&key, self.claim, self.judged, verdict);
            }
            Withdraw(who) => {
                let key = self.key(who);
                let pubkey = hex::encode(key.public().bytes());
                let h = claim_history(&self.w.state, &self.claim).unwrap().unwrap();
                let v = h
                    .verdicts
                    .iter()
                    .rev()
                    .find(|j| j.checker.pubkey == pubkey && j.withdrawal.is_none())
                    .unwrap()
                    .id;
                self.w.ok(
                    &key,
                    Body::VerificationWithdraw(VerificationWithdraw {
                        verification: v,
                        reason: "premature".into(),
                    }),
                );
            }
            Reattribute | MoveOnly => {
                let (a, text) = self.update();
                let source = if matches!(step, Reattribute) {
                    self.officials
                } else {
                    self.current_source()
                };
                self.judged = self.w.revise(
                    self.claim,
                    a,
                    &text,
                    DELEGATION,
                    Some(source),
                    &format!("The article says: {DELEGATION}"),
                );
            }
            Remove => {
                let (a, _) = self.update();
                self.w.ok(
                    &ed,
                    Body::ClaimRevise(ClaimRevise {
                        claim: self.claim,
                        article: a,
                        change: Change::Removed,
                        reason: ChangeReason::ArticleUpdated,
                        note: None,
                    }),
                );
            }
            Retract => {
                self.w.ok(
                    &ed,
                    Body::ClaimRetract(ClaimRetract {
                        claim: self.claim,
                        reason: "not in the article".into(),
                    }),
                );
            }
            Revoke(who) => self.revoke(who, None, false),
            Retire(who) => self.revoke(who, Some(RevokeMode::Retired), false),
            Compromise(who) => self.revoke(who, Some(RevokeMode::Compromised), false),
            CompromiseFromNow(who) => self.revoke(who, Some(RevokeMode::Compromised), true),
            Regrant(who) => {
                let key = self.key(who);
                let op = self.w.operator.clone();
                self.w.ok(
                    &op,
                    Body::KeyGrant(KeyGrant {
                        key: key.public().to_note_string(),
                        display_name: "Back again".into(),
                        roles: vec![Role::Checker],
                    }),
                );
            }
            EditorChecks => self.set_roles(Ed, vec![Role::Editor, Role::Checker]),
            CheckerRevises(who) => {
                self.set_roles(who, vec![Role::Checker, Role::Editor]);
                let key = self.key(who);
                let (a, text) = self.update();
                let source = self.current_source();
                let c = claim_body(a, &text, DELEGATION, Some(source)).content();
                self.judged = self.w.ok(
                    &key,
                    Body::ClaimRevise(ClaimRevise {
                        claim: self.claim,
                        article: a,
                        change: Change::Content(c),
                        reason: ChangeReason::ArticleUpdated,
                        note: Some("moved with the update".into()),
                    }),
                );
            }
        }
    }

    fn current_source(&self) -> Digest {
        let c = self.w.state.claim(&self.claim).unwrap().unwrap();
        c.attribution.source.map(|s| s.id).unwrap_or(self.diplomats)
    }
}

#[test]
fn every_row_of_design_section_3() {
    let mut failures = Vec::new();
    for r in ROWS {
        let mut scene = Scene::with_policy(Policy {
            quorum: r.quorum,
            allow_self_review: r.allow_self_review,
        });
        for step in r.steps {
            scene.run(*step);
        }
        let st = claim_status(&scene.w.state, &scene.claim).unwrap().unwrap();
        let count = |s: Standing| st.verdicts.iter().filter(|j| j.standing == s).count();
        let got = (
            st.status,
            count(Standing::Current),
            count(Standing::Stale),
            count(Standing::RevokedKey),
            count(Standing::SelfReview),
        );
        let want = (r.status, r.current, r.stale, r.revoked, r.self_review);
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", r.name));
        }
        // The index's cached status, used by `claims --status`, agrees.
        let cached = scene.w.state.claim(&scene.claim).unwrap().unwrap().status;
        if cached != r.status {
            failures.push(format!(
                "{}: cached status {cached}, want {}",
                r.name, r.status
            ));
        }
        let listed = scene
            .w
            .state
            .claims(&ClaimFilter {
                status: Some(r.status),
                ..Default::default()
            })
            .unwrap();
        if listed.len() != 1 || listed[0].id != scene.claim {
            failures.push(format!("{}: not listed under status {}", r.name, r.status));
        }
        assert_eq!(st.quorum, r.quorum);
        assert_eq!(
            st.claim.removed,
            r.steps.iter().any(|s| matches!(s, Remove)),
            "{}",
            r.name
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn decide_is_the_documented_function() {
    use Verdict::*;
    assert_eq!(decide(false, 1, &[]), Status::Unreviewed);
    assert_eq!(decide(true, 1, &[True]), Status::Retracted);
    assert_eq!(decide(false, 1, &[True, False]), Status::Disputed);
    assert_eq!(decide(false, 3, &[True, MostlyTrue]), Status::InReview);
    assert_eq!(
        decide(false, 3, &[True, MostlyTrue, True]),
        Status::Verified
    );
    assert_eq!(
        decide(false, 2, &[Unverifiable, Unverifiable]),
        Status::Unverifiable
    );
    assert_eq!(decide(false, 1, &[Mixed, Mixed]), Status::InReview);
    assert_eq!(Verdict::Misleading.rating(), Some(2));
    assert_eq!(Verdict::Unverifiable.rating(), None);
    assert_eq!("in_review".parse::<Status>().unwrap(), Status::InReview);
    assert_eq!(
        "maybe".parse::<Status>().unwrap_err(),
        "unknown status 'maybe' (one of: retracted, verified, refuted, disputed, unverifiable, in_review, unreviewed)"
    );
}

// ---------------------------------------------------------------- corroboration

/// Records an article by `publisher` whose text states the claim, and a
/// claim on it with the given attribution.
fn report(
    w: &mut World,
    publisher: &str,
    source: Option<Digest>,
    relayed_by: Option<Digest>,
) -> Digest {
    let text = format!("{publisher} reports that the delegation was led by Wasiq.");
    let a = w.article_by(publisher, &text);
    let mut c = claim_body(a, &text, "the delegation was led by Wasiq", source);
    c.attribution.relayed_by = relayed_by;
    if relayed_by.is_some() {
        c.attribution.cue = Some("as reported by".into());
    }
    let ed = w.editor.clone();
    w.ok(&ed, Body::ClaimRecord(c))
}

#[test]
fn corroboration_groups_by_independent_origin() {
    let mut w = World::new(1);
    let src =
        |w: &mut World, kind, label: &str, name: Option<&str>| w.source(source(kind, label, name));
    let diplomats = src(
        &mut w,
        SourceKind::AnonymousGroup,
        "diplomatic sources",
        None,
    );
    let mujahid = src(
        &mut w,
        SourceKind::NamedPerson,
        "Taliban spokesperson",
        Some("Zabihullah Mujahid"),
    );
    let reuters = src(&mut w, SourceKind::MediaReport, "Reuters", Some("Reuters"));
    let ap = src(
        &mut w,
        SourceKind::MediaReport,
        "AP",
        Some("Associated Press"),
    );
    let officials = src(&mut w, SourceKind::AnonymousGroup, "Afghan officials", None);
    let kabul = src(
        &mut w,
        SourceKind::AnonymousPerson,
        "a Kabul-based source",
        None,
    );
    let islamabad = src(
        &mut w,
        SourceKind::AnonymousPerson,
        "an Islamabad official",
        None,
    );
    let ministry = src(
        &mut w,
        SourceKind::NamedOrganization,
        "Pakistan's foreign ministry",
        Some("Ministry of Foreign Affairs of Pakistan"),
    );
    let guardian = src(
        &mut w,
        SourceKind::MediaReport,
        "The Sunday Guardian",
        Some("The Sunday Guardian"),
    );

    let a1 = w.article(TEXT_V1, None);
    let x = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));

    // Two reports relaying the same spokesperson, and a third report that
    // only cites one of them: one origin.
    let b = report(&mut w, "Outlet B", Some(mujahid), Some(reuters));
    let c = report(&mut w, "Outlet C", Some(mujahid), Some(ap));
    let f = report(&mut w, "Outlet F", None, None);
    // Anonymous officials.
    let d = report(&mut w, "Outlet D", Some(officials), None);
    // An outlet's own assertion.
    let e = report(&mut w, "Outlet E", None, None);
    // The claim's own origin again: not independent.
    let g = report(&mut w, "Outlet G", Some(diplomats), None);
    // Two anonymous sources that an editor says are the same origin.
    let j = report(&mut w, "Outlet J", Some(kabul), None);
    let k = report(&mut w, "Outlet K", Some(islamabad), None);
    // A relayed report with no source of its own: the relay is the origin.
    let r = report(&mut w, "Outlet R", None, Some(guardian));
    // A corroborating claim that is later retracted.
    let i = report(&mut w, "Outlet I", Some(ministry), None);
    // A contradicting named source.
    let h = report(&mut w, "Outlet H", Some(ministry), None);

    w.link(f, b, Relation::Cites);
    for other in [b, c, f, d, e, g, j, k, r, i] {
        w.link(other, x, Relation::Corroborates);
    }
    w.link(j, k, Relation::SameOrigin);
    w.link(x, h, Relation::Contradicts);
    let ed = w.editor.clone();
    w.ok(
        &ed,
        Body::ClaimRetract(ClaimRetract {
            claim: i,
            reason: "misread".into(),
        }),
    );

    let st = claim_status(&w.state, &x).unwrap().unwrap();
    let co = &st.corroboration;
    assert_eq!(co.origin.source.as_ref().unwrap().id, diplomats);
    assert!(co.origin.anonymous);

    let side = &co.corroborating;
    // (origin labels, independent, anonymous, counted, claims)
    type GroupView = (Vec<String>, bool, bool, bool, Vec<Digest>);
    let groups: Vec<GroupView> = side
        .groups
        .iter()
        .map(|g| {
            (
                g.origins.iter().map(|o| o.label()).collect(),
                g.independent,
                g.anonymous,
                g.counted,
                g.claims.iter().map(|c| c.claim).collect(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        groups,
        vec![
            (s(&["Zabihullah Mujahid"]), true, false, true, vec![b, c, f]),
            (s(&["Afghan officials"]), true, true, true, vec![d]),
            (s(&["Outlet E (own reporting)"]), true, false, true, vec![e]),
            (s(&["diplomatic sources"]), false, true, false, vec![g]),
            (
                s(&["a Kabul-based source", "an Islamabad official"]),
                true,
                true,
                true,
                vec![j, k]
            ),
            (s(&["The Sunday Guardian"]), true, false, true, vec![r]),
            (
                s(&["Ministry of Foreign Affairs of Pakistan"]),
                true,
                false,
                false,
                vec![i]
            ),
        ]
    );
    assert_eq!(
        (side.independent_origins, side.named, side.anonymous),
        (5, 3, 2)
    );
    assert_eq!(side.groups[2].origins[0].kind, OriginKind::Outlet);
    assert!(side.groups[6].claims[0].retracted);

    let side = &co.contradicting;
    assert_eq!(
        (side.independent_origins, side.named, side.anonymous),
        (1, 1, 0)
    );
    assert_eq!(side.groups[0].claims[0].claim, h);
    // The ministry is one origin, but the retracted corroborating claim and
    // the contradicting claim sit on different sides.
    assert_eq!(
        side.groups[0].origins[0].source.as_ref().unwrap().id,
        ministry
    );
}

#[test]
fn status_json_names_ids_in_hex() {
    let mut scene = Scene::new(1);
    scene.run(Judge(C1, Verdict::True));
    let st = claim_status(&scene.w.state, &scene.claim).unwrap().unwrap();
    let json = serde_json::to_value(&st).unwrap();
    assert_eq!(json["status"], "verified");
    assert_eq!(json["claim"]["id"], scene.claim.to_hex());
    assert_eq!(
        json["claim"]["attribution"]["source"]["kind"],
        "anonymous_group"
    );
    assert_eq!(json["verdicts"][0]["verdict"], "true");
    assert_eq!(json["verdicts"][0]["rating"], 5);
    assert_eq!(json["verdicts"][0]["standing"], "current");
    assert_eq!(
        json["verdicts"][0]["checker"]["display_name"],
        "Cem Checker"
    );
    assert_eq!(json["corroboration"]["origin"]["kind"], "source");
    assert!(claim_status(&scene.w.state, &Digest::of(b"no such claim"))
        .unwrap()
        .is_none());
}

// ---------------------------------------------------------------- history

#[test]
fn history_shows_revisions_verdicts_and_links() {
    let mut scene = Scene::new(1);
    let original = scene.claim;
    scene.run(Judge(C1, Verdict::True));
    scene.run(Judge(C2, Verdict::Mixed));
    scene.run(Withdraw(C2));
    scene.run(Reattribute);
    scene.run(Judge(C2, Verdict::False));
    scene.run(MoveOnly);
    // A second claim linked to it.
    let a1 = scene.articles[0].0;
    let other = scene.w.claim(a1, TEXT_V1, "fragile thaw", None);
    scene.w.link(other, original, Relation::Contradicts);
    scene.run(Retract);

    let h = claim_history(&scene.w.state, &original).unwrap().unwrap();
    assert_eq!(h.status, Status::Retracted);

    // (number, kind, reason, changed, current, article version)
    type RevisionView = (u64, Kind, Option<ChangeReason>, Vec<ClaimField>, bool, u64);
    let revs: Vec<RevisionView> = h
        .revisions
        .iter()
        .map(|r| {
            (
                r.number,
                r.kind,
                r.reason,
                r.changed.clone(),
                r.current,
                r.article.version,
            )
        })
        .collect();
    assert_eq!(
        revs,
        vec![
            (0, Kind::ClaimRecord, None, vec![], false, 1),
            (
                1,
                Kind::ClaimRevise,
                Some(ChangeReason::ArticleUpdated),
                vec![ClaimField::AttributionSource],
                true,
                2
            ),
            (
                2,
                Kind::ClaimRevise,
                Some(ChangeReason::ArticleUpdated),
                vec![],
                true,
                3
            ),
        ]
    );
    assert_eq!(h.revisions[0].signer.display_name, "Eda Editor");
    let attribution = |n: usize| {
        h.revisions[n]
            .content
            .as_ref()
            .unwrap()
            .attribution
            .source
            .as_ref()
            .unwrap()
            .label
            .clone()
    };
    assert_eq!(attribution(0), "diplomatic sources");
    assert_eq!(attribution(1), "Afghan officials");
    assert_eq!(
        h.previous_content(1)
            .unwrap()
            .attribution
            .source
            .as_ref()
            .unwrap()
            .label,
        "diplomatic sources"
    );

    let verdicts: Vec<(&str, Verdict, Standing, bool, u64)> = h
        .verdicts
        .iter()
        .map(|j| {
            (
                j.checker.key.as_str(),
                j.verdict,
                j.standing,
                j.stale,
                j.revision_number,
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("checker", Verdict::True, Standing::Stale, true, 0),
            ("checker2", Verdict::Mixed, Standing::Withdrawn, true, 0),
            ("checker2", Verdict::False, Standing::Current, false, 1),
        ]
    );
    assert_eq!(
        h.verdicts[1].withdrawal.as_ref().unwrap().reason,
        "premature"
    );

    assert_eq!(h.links.len(), 1);
    assert_eq!(h.links[0].direction, Direction::Incoming);
    assert_eq!(h.links[0].other, other);
    assert_eq!(h.links[0].relation, Relation::Contradicts);
    assert_eq!(h.retraction.as_ref().unwrap().reason, "not in the article");

    // The timeline is in log order and holds every event once.
    let seqs: Vec<u64> = h.timeline().iter().map(|(s, _)| *s).collect();
    let mut sorted = seqs.clone();
    sorted.sort();
    assert_eq!(seqs, sorted);
    assert_eq!(seqs.len(), 3 + 3 + 1 + 1 + 1);
}

#[test]
fn word_diff_marks_changed_words() {
    let d = word_diff(
        "According to diplomatic sources, the delegation",
        "According to Afghan officials, the delegation",
    );
    let part = |tag, text: &str| DiffPart {
        tag,
        text: text.into(),
    };
    assert_eq!(
        d,
        vec![
            part(DiffTag::Same, "According to "),
            part(DiffTag::Removed, "diplomatic sources,"),
            part(DiffTag::Added, "Afghan officials,"),
            part(DiffTag::Same, " the delegation"),
        ]
    );
    assert_eq!(
        word_diff("was led by Wasiq", "was reportedly led by Wasiq"),
        vec![
            part(DiffTag::Same, "was "),
            part(DiffTag::Added, "reportedly "),
            part(DiffTag::Same, "led by Wasiq"),
        ]
    );
    assert_eq!(word_diff("same", "same"), vec![part(DiffTag::Same, "same")]);
}

// ---------------------------------------------------------------- queries

#[test]
fn claims_are_found_by_article_source_status_and_words() {
    let mut scene = Scene::new(1);
    let a1 = scene.articles[0].0;
    let mujahid = scene.w.source(source(
        SourceKind::NamedPerson,
        "Taliban spokesperson",
        Some("Zabihullah Mujahid"),
    ));
    let exact = "accused the Pakistani side of an “irresponsible and non-cooperative attitude”";
    let mut body = claim_body(a1, TEXT_V1, exact, Some(mujahid));
    body.attribution.mode = Mode::DirectQuote;
    body.attribution.quote = Some("irresponsible and non-cooperative attitude".into());
    body.proposition = "Mujahid accused Pakistan of an irresponsible attitude".into();
    let ed = scene.w.editor.clone();
    let accused = scene.w.ok(&ed, Body::ClaimRecord(body));
    let elsewhere = scene
        .w
        .article_by("Outlet B", "Türkiye mediated the talks.");
    let turkiye = scene.w.claim(
        elsewhere,
        "Türkiye mediated the talks.",
        "Türkiye mediated",
        None,
    );
    scene.run(Judge(C1, Verdict::True)); // the delegation claim
    scene.run(Reattribute); // moves it to version 2 of the first article

    let ids = |f: ClaimFilter| -> Vec<Digest> {
        scene
            .w
            .state
            .claims(&f)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect()
    };
    let delegation = scene.claim;
    assert_eq!(
        ids(ClaimFilter::default()),
        vec![delegation, accused, turkiye]
    );
    let v2 = scene.articles[1].0;
    // Any version of the chain finds the claims of the whole chain.
    assert_eq!(
        ids(ClaimFilter {
            article: Some(v2),
            ..Default::default()
        }),
        vec![delegation, accused]
    );
    assert_eq!(
        ids(ClaimFilter {
            source: Some(mujahid),
            ..Default::default()
        }),
        vec![accused]
    );
    // The delegation claim is attributed to officials now, not to diplomats.
    assert_eq!(
        ids(ClaimFilter {
            source: Some(scene.diplomats),
            ..Default::default()
        }),
        Vec::<Digest>::new()
    );
    assert_eq!(
        ids(ClaimFilter {
            status: Some(Status::Unreviewed),
            ..Default::default()
        }),
        vec![delegation, accused, turkiye]
    );
    let search = |q: &str| {
        ids(ClaimFilter {
            search: Some(q.into()),
            ..Default::default()
        })
    };
    assert_eq!(search("non-cooperative"), vec![accused]);
    assert_eq!(search("IRRESPONSIBLE attitude"), vec![accused]);
    assert_eq!(search("turkiye"), vec![turkiye]);
    assert_eq!(search("Wasiq"), vec![delegation]);
    assert_eq!(search("Wasiq \"OR\" accused"), Vec::<Digest>::new());
    assert_eq!(search("   "), vec![delegation, accused, turkiye]);
    assert_eq!(
        ids(ClaimFilter {
            limit: Some(1),
            offset: 1,
            ..Default::default()
        }),
        vec![accused]
    );

    let chains = scene.w.state.articles().unwrap();
    assert_eq!(chains.len(), 2);
    assert_eq!(chains[0].versions.len(), 2);
    assert_eq!(chains[0].claims, 2);
    assert_eq!(chains[0].latest().id, v2);
    assert_eq!(chains[0].versions[0].superseded_by, Some(v2));
    let sources = scene.w.state.sources().unwrap();
    let m = sources.iter().find(|s| s.id == mujahid).unwrap();
    assert_eq!(m.claims, 1);
}

#[test]
fn prefixes_resolve_to_one_statement_of_the_wanted_kind() {
    let scene = Scene::new(1);
    let st = &scene.w.state;
    let hexid = scene.claim.to_hex();
    assert_eq!(
        st.resolve(&hexid[..8], &[Kind::ClaimRecord]).unwrap(),
        scene.claim
    );
    assert_eq!(
        st.resolve(&hexid[..8].to_uppercase(), &[]).unwrap(),
        scene.claim
    );
    let e = st.resolve(&hexid[..8], &[Kind::SourceRecord]).unwrap_err();
    assert!(matches!(e, ResolveError::WrongKind { .. }));
    assert_eq!(
        e.to_string(),
        format!("{} is a claim.record, not a source.record", &hexid[..8])
    );
    assert_eq!(
        st.resolve("abc", &[]).unwrap_err().to_string(),
        "'abc' is not an id prefix: use 6 to 64 hex digits of a statement id"
    );
    assert_eq!(
        st.resolve("xyz123", &[]).unwrap_err().to_string(),
        "'xyz123' is not an id prefix: ids are hex digits (0-9, a-f)"
    );
    let nowhere = Digest::of(b"nothing").to_hex();
    assert_eq!(
        st.resolve(&nowhere[..10], &[Kind::ClaimRecord])
            .unwrap_err()
            .to_string(),
        format!("no claim.record has an id starting with {}", &nowhere[..10])
    );
}

/// The cached status (what `claims --status` filters on) is recomputed
/// once per claim at the end of a batch, but a query inside the batch
/// already sees it, and a rolled-back batch leaves nothing to recompute.
#[test]
fn cached_status_is_current_inside_a_batch_and_after_it() {
    let mut w = World::new(1);
    // The log it keeps would include the rolled-back verdicts.
    w.forced_audit = false;
    let text = format!("{DELEGATION}, officials said.");
    let article = w.article(&text, None);
    let claim = w.claim(article, &text, DELEGATION, None);
    let filter = |status| ClaimFilter {
        status: Some(status),
        ..Default::default()
    };
    let ids = |w: &World, status| -> Vec<Digest> {
        w.state
            .claims(&filter(status))
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids(&w, Status::Unreviewed), [claim]);

    w.state.begin().unwrap();
    let (c1, c2) = (w.checker.clone(), w.checker2.clone());
    w.verdict(&c1, claim, claim, Verdict::True);
    assert_eq!(
        w.state.claim(&claim).unwrap().unwrap().status,
        Status::Verified
    );
    w.verdict(&c2, claim, claim, Verdict::False);
    assert_eq!(ids(&w, Status::Disputed), [claim]);
    w.state.rollback().unwrap();
    assert_eq!(ids(&w, Status::Unreviewed), [claim]);

    w.state.begin().unwrap();
    w.verdict(&c1, claim, claim, Verdict::True);
    w.verdict(&c2, claim, claim, Verdict::MostlyTrue);
    w.state.commit().unwrap();
    assert_eq!(ids(&w, Status::Verified), [claim]);
}

pub(crate) mod proof_rows;
