//! Corroboration under issue 10's trust rules, row by row (README "Status",
//! rule 3): withdrawn links and links by compromised keys stop counting,
//! retired keys' links keep counting, `source.merge` and same-person
//! `source.relate` make one origin, distinct-person keeps two; and the
//! key marks a verdict carries.

use crate::state_harness;

use provledger::digest::Digest;
use provledger::history::claim_history;
use provledger::keys::SecretKey;
use provledger::statement::*;
use provledger::status::{claim_status, KeyState, Standing, Status};
use state_harness::*;

const DELEGATION: &str = "the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq";

/// The claim under test (attributed to "diplomatic sources") and the
/// reports that may corroborate it.
struct Scene {
    w: World,
    x: Digest,
    diplomats: Digest,
    /// Outlet K quotes "a Kabul-based source", Outlet I "an Islamabad official".
    kabul: Digest,
    islamabad: Digest,
    /// Outlet M and Outlet N quote the same spokesperson, recorded twice.
    mujahid: Digest,
    mujahid2: Digest,
    k: Digest,
    i: Digest,
    m: Digest,
    n: Digest,
    /// Outlet F repeats Outlet M (cites it).
    f: Digest,
    /// The last link made.
    last_link: Option<Digest>,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    /// The editor links the report to the claim as corroborating.
    Link(R),
    /// Checker 1 does.
    CheckerLinks(R),
    /// The last link is withdrawn by the editor.
    WithdrawLast,
    /// Checker 1's key is revoked as compromised from the start / since now / retired.
    Compromise,
    CompromiseFromNow,
    Retire,
    /// An editor commits to who the source of the report (or of the claim) is.
    Vouch(R),
    VouchClaim,
    /// The two reports' sources are the same person / distinct people.
    Same(R, R),
    Distinct(R, R),
    /// The claim's source and the report's are the same person.
    SameAsClaim(R),
    /// Outlet N's spokesperson record is merged into Outlet M's.
    Merge,
    /// Outlet F cites Outlet M; the cites link is withdrawn.
    FCitesM,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum R {
    K,
    I,
    M,
    N,
    F,
}

use Step::*;
use R::*;

fn report(w: &mut World, publisher: &str, source: Option<Digest>) -> Digest {
    let text = format!("{publisher} reports that the delegation was led by Wasiq.");
    let a = w.article_by(publisher, &text);
    let c = claim_body(a, &text, "the delegation was led by Wasiq", source);
    let ed = w.editor.clone();
    w.ok(&ed, Body::ClaimRecord(c))
}

impl Scene {
    fn new() -> Scene {
        let mut w = World::new(1);
        let diplomats = w.source(source(
            SourceKind::AnonymousGroup,
            "diplomatic sources",
            None,
        ));
        let kabul = w.source(source(
            SourceKind::AnonymousPerson,
            "a Kabul-based source",
            None,
        ));
        let islamabad = w.source(source(
            SourceKind::AnonymousPerson,
            "an Islamabad official",
            None,
        ));
        let mujahid = w.source(source(
            SourceKind::NamedPerson,
            "Taliban spokesperson",
            Some("Zabihullah Mujahid"),
        ));
        let mujahid2 = w.source(source(
            SourceKind::NamedPerson,
            "the spokesman",
            Some("Zabihullah Mujahid"),
        ));
        let a1 = w.article(TEXT_V1, None);
        let x = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));
        let k = report(&mut w, "Outlet K", Some(kabul));
        let i = report(&mut w, "Outlet I", Some(islamabad));
        let m = report(&mut w, "Outlet M", Some(mujahid));
        let n = report(&mut w, "Outlet N", Some(mujahid2));
        let f = report(&mut w, "Outlet F", None);
        Scene {
            w,
            x,
            diplomats,
            kabul,
            islamabad,
            mujahid,
            mujahid2,
            k,
            i,
            m,
            n,
            f,
            last_link: None,
        }
    }

    fn claim(&self, r: R) -> Digest {
        match r {
            K => self.k,
            I => self.i,
            M => self.m,
            N => self.n,
            F => self.f,
        }
    }

    fn source_of(&self, r: R) -> Digest {
        match r {
            K => self.kabul,
            I => self.islamabad,
            M => self.mujahid,
            N => self.mujahid2,
            F => unreachable!("Outlet F has no source"),
        }
    }

    fn commitment(&self, source: Digest) -> Digest {
        self.w
            .state
            .source_identity(&source)
            .unwrap()
            .expect("vouched first")
            .commitment
    }

    fn link(&mut self, key: &SecretKey, from: Digest, to: Digest, relation: Relation) {
        let l = self.w.ok(
            key,
            Body::ClaimLink(ClaimLink {
                from,
                to,
                relation,
                note: None,
            }),
        );
        self.last_link = Some(l);
    }

    fn revoke(&mut self, mode: RevokeMode, from_now: bool) {
        let op = self.w.operator.clone();
        let since_entry = from_now.then(|| self.w.state.applied().unwrap());
        let key = self.w.checker.public().to_note_string();
        self.w.ok(
            &op,
            Body::KeyRevoke(KeyRevoke {
                mode: Some(mode),
                since_entry,
                ..KeyRevoke::new(key, "revoked".into())
            }),
        );
    }

    fn vouch(&mut self, source: Digest, who: &str) {
        let ed = self.w.editor.clone();
        let commitment = identity_commitment(who, who.as_bytes());
        self.w.ok(
            &ed,
            Body::SourceIdentity(SourceIdentity { source, commitment }),
        );
    }

    fn relate(&mut self, a: Digest, b: Digest, relation: SourceRelation) {
        let (a, b) = (self.commitment(a), self.commitment(b));
        let ed = self.w.editor.clone();
        self.w.ok(
            &ed,
            Body::SourceRelate(SourceRelate {
                a,
                b,
                relation,
                note: None,
            }),
        );
    }

    fn run(&mut self, step: Step) {
        let ed = self.w.editor.clone();
        let c1 = self.w.checker.clone();
        match step {
            Link(r) => self.link(&ed, self.claim(r), self.x, Relation::Corroborates),
            CheckerLinks(r) => self.link(&c1, self.claim(r), self.x, Relation::Corroborates),
            WithdrawLast => {
                let link = self.last_link.expect("a link to withdraw");
                self.w.ok(
                    &ed,
                    Body::ClaimLinkWithdraw(ClaimLinkWithdraw {
                        link,
                        reason: "wrong claim".into(),
                    }),
                );
            }
            Compromise => self.revoke(RevokeMode::Compromised, false),
            CompromiseFromNow => self.revoke(RevokeMode::Compromised, true),
            Retire => self.revoke(RevokeMode::Retired, false),
            Vouch(r) => {
                let s = self.source_of(r);
                self.vouch(s, &format!("person behind {r:?}"));
            }
            VouchClaim => self.vouch(self.diplomats, "person behind X"),
            Same(a, b) => self.relate(
                self.source_of(a),
                self.source_of(b),
                SourceRelation::SamePerson,
            ),
            Distinct(a, b) => self.relate(
                self.source_of(a),
                self.source_of(b),
                SourceRelation::DistinctPerson,
            ),
            SameAsClaim(r) => self.relate(
                self.diplomats,
                self.source_of(r),
                SourceRelation::SamePerson,
            ),
            Merge => {
                let (source, into) = (self.mujahid2, self.mujahid);
                self.w.ok(
                    &ed,
                    Body::SourceMerge(SourceMerge {
                        source,
                        into,
                        note: None,
                    }),
                );
            }
            FCitesM => self.link(&ed, self.f, self.m, Relation::Cites),
        }
    }
}

/// (name, steps, independent corroborating origins, named, anonymous, groups)
type Row = (&'static str, &'static [Step], u64, u64, u64, usize);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    ("a corroborating link counts", &[Link(K)], 1, 0, 1, 1),
    ("a withdrawn link does not count", &[Link(K), WithdrawLast], 0, 0, 0, 0),
    ("a link withdrawn and made again counts once", &[Link(K), WithdrawLast, Link(K)], 1, 0, 1, 1),
    ("a link by a key compromised from the start does not count", &[CheckerLinks(K), Compromise], 0, 0, 0, 0),
    ("a link before the compromise point counts", &[CheckerLinks(K), CompromiseFromNow], 1, 0, 1, 1),
    ("a link by a retired key counts", &[CheckerLinks(K), Retire], 1, 0, 1, 1),
    ("two anonymous sources are two origins", &[Link(K), Link(I)], 2, 0, 2, 2),
    ("an editor's same-person makes them one origin", &[Link(K), Link(I), Vouch(K), Vouch(I), Same(K, I)], 1, 0, 1, 1),
    ("distinct people stay two origins", &[Link(K), Link(I), Vouch(K), Vouch(I), Distinct(K, I)], 2, 0, 2, 2),
    ("commitments alone join nothing", &[Link(K), Link(I), Vouch(K), Vouch(I)], 2, 0, 2, 2),
    ("the same person as the claim's own source is not independent", &[Link(K), VouchClaim, Vouch(K), SameAsClaim(K)], 0, 0, 0, 1),
    ("same person joined after the links were made", &[Vouch(K), Vouch(I), Link(K), Link(I), Same(I, K)], 1, 0, 1, 1),
    ("one spokesperson recorded twice is two origins until merged", &[Link(M), Link(N)], 2, 2, 0, 2),
    ("source merge makes them one origin", &[Link(M), Link(N), Merge], 1, 1, 0, 1),
    ("a report citing another shares its origin", &[Link(M), FCitesM, Link(F)], 1, 1, 0, 1),
    ("a withdrawn cites link gives the report its own origin back", &[Link(M), FCitesM, WithdrawLast, Link(F)], 2, 2, 0, 2),
];

#[test]
fn every_row_of_corroboration_under_the_trust_rules() {
    let mut failures = Vec::new();
    for (name, steps, independent, named, anonymous, groups) in ROWS {
        let mut s = Scene::new();
        for step in *steps {
            s.run(*step);
        }
        let st = claim_status(&s.w.state, &s.x).unwrap().unwrap();
        let side = &st.corroboration.corroborating;
        let got = (
            side.independent_origins,
            side.named,
            side.anonymous,
            side.groups.len(),
        );
        let want = (*independent, *named, *anonymous, *groups);
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
        // The same status checked offline from a status proof: the proof
        // carries every withdrawal, merge, identity and relation it needs.
        let offline = crate::status::proof_rows::proven_offline(&s.w, &s.x);
        let (a, b) = (
            serde_json::to_value(&offline).unwrap(),
            serde_json::to_value(&st).unwrap(),
        );
        if a != b {
            failures.push(format!("{name}: proven offline\n got {a}\nwant {b}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_merged_or_same_person_origin_names_the_first_recorded_source() {
    let mut s = Scene::new();
    for step in [
        Link(K),
        Link(I),
        Vouch(K),
        Vouch(I),
        Same(I, K),
        Link(N),
        Link(M),
        Merge,
    ] {
        s.run(step);
    }
    let st = claim_status(&s.w.state, &s.x).unwrap().unwrap();
    let origins: Vec<(Digest, Option<Digest>)> = st
        .corroboration
        .corroborating
        .groups
        .iter()
        .flat_map(|g| g.origins.iter())
        .map(|o| (o.source.as_ref().unwrap().id, o.same_as))
        .collect();
    assert_eq!(
        origins,
        [
            (s.kabul, None),
            (s.islamabad, Some(s.kabul)),
            (s.mujahid2, Some(s.mujahid)),
            (s.mujahid, None)
        ]
    );
}

#[test]
fn history_shows_link_withdrawals_and_links_that_no_longer_count() {
    let mut s = Scene::new();
    s.run(Link(K));
    s.run(WithdrawLast);
    let withdrawn = s.last_link.unwrap();
    s.run(CheckerLinks(I));
    let by_checker = s.last_link.unwrap();
    s.run(Compromise);
    let h = claim_history(&s.w.state, &s.x).unwrap().unwrap();
    let links: Vec<(Digest, bool, Option<&str>)> = h
        .links
        .iter()
        .map(|l| {
            (
                l.id,
                l.counts,
                l.withdrawal.as_ref().map(|w| w.reason.as_str()),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (withdrawn, false, Some("wrong claim")),
            (by_checker, false, None)
        ]
    );
    let w = h.links[0].withdrawal.as_ref().unwrap();
    assert_eq!(w.signer.display_name, "Eda Editor");
    // The timeline has the withdrawal after the link, at its own entry.
    let events: Vec<&str> = h
        .timeline()
        .iter()
        .filter_map(|(_, e)| match e {
            provledger::history::Event::Link(_) => Some("link"),
            provledger::history::Event::LinkWithdrawal(_) => Some("withdrawal"),
            _ => None,
        })
        .collect();
    assert_eq!(events, ["link", "withdrawal", "link"]);
}

#[test]
fn verdicts_carry_their_keys_marks() {
    let mut w = World::new(1);
    let diplomats = w.source(source(
        SourceKind::AnonymousGroup,
        "diplomatic sources",
        None,
    ));
    let a1 = w.article(TEXT_V1, None);
    let x = w.claim(a1, TEXT_V1, DELEGATION, Some(diplomats));
    let (c1, c2, c3) = (w.checker.clone(), w.checker2.clone(), w.checker3.clone());
    w.verdict(&c1, x, x, Verdict::True);
    w.verdict(&c2, x, x, Verdict::True);
    w.verdict(&c3, x, x, Verdict::True);
    let op = w.operator.clone();
    let revoke = |w: &mut World, k: &SecretKey, mode, since_entry| {
        w.ok(
            &op,
            Body::KeyRevoke(KeyRevoke {
                mode: Some(mode),
                since_entry,
                ..KeyRevoke::new(k.public().to_note_string(), "r".into())
            }),
        );
    };
    revoke(&mut w, &c1, RevokeMode::Retired, None);
    let now = w.state.applied().unwrap();
    revoke(&mut w, &c2, RevokeMode::Compromised, Some(now));
    revoke(&mut w, &c3, RevokeMode::Compromised, None);
    let st = claim_status(&w.state, &x).unwrap().unwrap();
    let marks: Vec<(KeyState, Standing)> = st
        .verdicts
        .iter()
        .map(|j| (j.key_state, j.standing))
        .collect();
    assert_eq!(
        marks,
        [
            (KeyState::Retired, Standing::Current),
            (KeyState::Compromised, Standing::Current),
            (KeyState::Compromised, Standing::RevokedKey),
        ]
    );
    assert_eq!(st.status, Status::Verified);
    assert_eq!(
        (
            st.tally.supporting,
            st.tally.revoked_key,
            st.tally.self_review
        ),
        (2, 1, 0)
    );
}
