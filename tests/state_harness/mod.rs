//! A small world for testing the validity function and derived status: an
//! in-memory state with an operator, an editor and three checkers, an
//! in-memory blob store, and helpers that sign and apply statements.
#![allow(dead_code)]

use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::state::{BlobError, Blobs, Entry, State, StateError};
use provledger::statement::*;
use std::collections::HashMap;

/// Blobs held in memory; tests may plant wrong bytes under an address.
#[derive(Default)]
pub struct MemBlobs(pub HashMap<Digest, Vec<u8>>);

impl Blobs for MemBlobs {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(self.0.get(digest).cloned())
    }
}

/// The first 12 hex digits of an id, as messages show it.
pub fn short(id: &Digest) -> String {
    id.to_hex()[..12].to_string()
}

pub const T0: u64 = 1_762_400_000;

pub struct World {
    pub state: State,
    pub blobs: MemBlobs,
    pub operator: SecretKey,
    pub editor: SecretKey,
    pub checker: SecretKey,
    pub checker2: SecretKey,
    pub checker3: SecretKey,
    /// The time of the next statement; each apply moves it on by 10 s.
    pub now: u64,
    /// Every statement applied so far, in order (for replay tests).
    pub log: Vec<(u64, VerifiedStatement)>,
    /// Whether a refused statement is also forced into a ledger on disk to
    /// check that audit flags it (see [`World::audit_flags`]). Off only for
    /// tests whose state or blob store is not what `log` describes.
    pub forced_audit: bool,
    /// The rule id of the last refusal.
    pub last_rule: Option<&'static str>,
}

impl World {
    /// A ledger with genesis (the given quorum) and grants for an editor
    /// and three checkers.
    pub fn new(quorum: u64) -> World {
        World::with_policy(Policy::quorum(quorum))
    }

    /// As [`World::new`], with a whole genesis policy.
    pub fn with_policy(policy: Policy) -> World {
        let mut w = World {
            state: State::in_memory().unwrap(),
            blobs: MemBlobs::default(),
            operator: SecretKey::generate("test-operator").unwrap(),
            editor: SecretKey::generate("editor").unwrap(),
            checker: SecretKey::generate("checker").unwrap(),
            checker2: SecretKey::generate("checker2").unwrap(),
            checker3: SecretKey::generate("checker3").unwrap(),
            now: T0,
            log: Vec::new(),
            forced_audit: true,
            last_rule: None,
        };
        let op = w.operator.clone();
        w.ok(
            &op,
            Body::Genesis(Genesis {
                origin: op.public().name().to_string(),
                operator: op.public().to_note_string(),
                description: "test ledger".into(),
                policy,
            }),
        );
        for (key, name, roles) in [
            (w.editor.clone(), "Eda Editor", vec![Role::Editor]),
            (w.checker.clone(), "Cem Checker", vec![Role::Checker]),
            (w.checker2.clone(), "Chloe Checker", vec![Role::Checker]),
            (w.checker3.clone(), "Carl Checker", vec![Role::Checker]),
        ] {
            w.ok(
                &op,
                Body::KeyGrant(KeyGrant {
                    key: key.public().to_note_string(),
                    display_name: name.into(),
                    roles,
                }),
            );
        }
        w
    }

    /// The statement time of the applied statement `id`.
    pub fn at_of(&self, id: Digest) -> u64 {
        self.log
            .iter()
            .find(|(_, s)| s.id() == id)
            .expect("an applied statement")
            .1
            .statement()
            .at
    }

    /// Signs `body` with `key` at time `at`.
    pub fn sign_at(key: &SecretKey, at: u64, body: Body) -> VerifiedStatement {
        SignedStatement::sign(&Statement { at, body }, key)
            .unwrap()
            .verify()
            .unwrap()
    }

    /// Offers a signed statement, logged now.
    pub fn offer(&mut self, st: &VerifiedStatement) -> Result<Digest, String> {
        let seq = self.state.applied().unwrap();
        let entry = Entry {
            seq,
            logged_at: self.now,
            statement: st,
        };
        match self.state.apply(&entry, &self.blobs) {
            Ok(()) => {
                self.log.push((self.now, st.clone()));
                self.now += 10;
                Ok(st.id())
            }
            Err(StateError::Rule(r)) => {
                self.last_rule = Some(r.rule);
                Err(r.to_string())
            }
            Err(e) => panic!("state failure, not a rule: {e}"),
        }
    }

    /// Signs and offers `body` at time `at`.
    pub fn apply_at(&mut self, key: &SecretKey, at: u64, body: Body) -> Result<Digest, String> {
        let st = World::sign_at(key, at, body);
        self.offer(&st)
    }

    /// Signs and offers `body` now.
    pub fn apply(&mut self, key: &SecretKey, body: Body) -> Result<Digest, String> {
        self.apply_at(key, self.now, body)
    }

    /// Applies `body`, which must be accepted.
    pub fn ok(&mut self, key: &SecretKey, body: Body) -> Digest {
        let kind = body.kind();
        self.apply(key, body)
            .unwrap_or_else(|e| panic!("{kind} should be accepted: {e}"))
    }

    /// Offers `body`, which must be refused without changing the state;
    /// returns the message.
    pub fn refused(&mut self, key: &SecretKey, body: Body) -> String {
        let at = self.now;
        self.refused_at(key, at, body)
    }

    /// As [`World::refused`], with the statement dated `at`.
    pub fn refused_at(&mut self, key: &SecretKey, at: u64, body: Body) -> String {
        let st = World::sign_at(key, at, body);
        self.refused_statement(&st)
    }

    /// Offers a signed statement that must be refused without changing the state.
    pub fn refused_statement(&mut self, st: &VerifiedStatement) -> String {
        let before = self.snapshot();
        let e = self
            .offer(st)
            .expect_err("the statement should have been refused");
        assert_eq!(
            self.snapshot(),
            before,
            "a refused statement changed the state"
        );
        if self.forced_audit {
            self.audit_flags(st, &e);
        }
        e
    }

    /// Forces `st` into a ledger on disk by hand (the log layer takes any
    /// bytes; only `Ledger::append` runs the rules), after every statement
    /// applied so far, and checks that `audit` names that entry with the same
    /// message the validity function gave.
    pub fn audit_flags(&self, st: &VerifiedStatement, message: &str) {
        use provledger::log::Log;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger");
        let signer = self.operator.note_signer();
        let mut w = Log::create(&path, &signer).unwrap();
        for (digest, bytes) in &self.blobs.0 {
            // Planted wrong bytes cannot be stored under their address.
            if Digest::of(bytes) == *digest {
                w.put_blob(bytes).unwrap();
            }
        }
        for (logged_at, done) in &self.log {
            w.append(&[done.bytes().to_vec()], *logged_at, &signer)
                .unwrap();
        }
        let seq = self.log.len() as u64;
        w.append(&[st.bytes().to_vec()], self.now, &signer).unwrap();
        drop(w);
        let report =
            provledger::audit::audit(&path, Some(self.operator.public().clone()), None, |_, _| {})
                .unwrap();
        assert!(
            !report.ok,
            "audit passed a ledger with a forced bad entry {seq}"
        );
        assert_eq!(
            report.first_entry_at_fault,
            Some(seq),
            "{:#?}",
            report.problems
        );
        assert!(
            report.problems[0].what.contains(message),
            "audit named entry {seq} but not the rule: {:?} does not contain {message:?}",
            report.problems[0].what
        );
        // Audit reports the refusing rule by the id the validity function gave.
        assert_eq!(
            report.problems[0].rule, self.last_rule,
            "{:#?}",
            report.problems[0]
        );
    }

    /// As [`World::refused`], returning the refusing rule's id too.
    pub fn refused_by(&mut self, key: &SecretKey, body: Body) -> (&'static str, String) {
        let msg = self.refused(key, body);
        (self.last_rule.expect("a refusal has a rule"), msg)
    }

    /// A fingerprint of everything in the state: every row of every table.
    pub fn snapshot(&self) -> Digest {
        self.state.fingerprint().unwrap()
    }

    /// Stores `text` as a blob and returns its digest.
    pub fn put_text(&mut self, text: &str) -> Digest {
        let d = Digest::of(text.as_bytes());
        self.blobs.0.insert(d, text.as_bytes().to_vec());
        d
    }

    /// An article.record body for `text` (stored as a blob).
    pub fn article_body(&mut self, text: &str, supersedes: Option<Digest>) -> ArticleRecord {
        ArticleRecord {
            url: "https://example.org/istanbul-talks".into(),
            publisher: "The Example Times".into(),
            title: "Afghan-Pakistan negotiations fail in Istanbul".into(),
            published_at: Some(T0 - 3600),
            retrieved_at: self.now - 1,
            content: self.put_text(text),
            length: text.len() as u64,
            supersedes,
            capture: None,
        }
    }

    /// Records the first version of an article by `publisher`.
    pub fn article_by(&mut self, publisher: &str, text: &str) -> Digest {
        let mut body = self.article_body(text, None);
        body.publisher = publisher.into();
        body.url = format!("https://example.org/{}", publisher.replace(' ', "-"));
        let ed = self.editor.clone();
        self.ok(&ed, Body::ArticleRecord(body))
    }

    /// Records an article version.
    pub fn article(&mut self, text: &str, supersedes: Option<Digest>) -> Digest {
        let body = self.article_body(text, supersedes);
        let ed = self.editor.clone();
        self.ok(&ed, Body::ArticleRecord(body))
    }

    /// Records a source.
    pub fn source(&mut self, s: SourceRecord) -> Digest {
        let ed = self.editor.clone();
        self.ok(&ed, Body::SourceRecord(s))
    }

    /// Records a claim on `exact` in `text` (article `article`), attributed to `source`.
    pub fn claim(
        &mut self,
        article: Digest,
        text: &str,
        exact: &str,
        source: Option<Digest>,
    ) -> Digest {
        let body = claim_body(article, text, exact, source);
        let ed = self.editor.clone();
        self.ok(&ed, Body::ClaimRecord(body))
    }

    /// Signs a verdict by `checker` on `revision` of `claim`.
    pub fn verdict(
        &mut self,
        checker: &SecretKey,
        claim: Digest,
        revision: Digest,
        verdict: Verdict,
    ) -> Digest {
        self.ok(
            checker,
            Body::Verification(verification(claim, revision, verdict)),
        )
    }

    /// Links two claims, as the editor.
    pub fn link(&mut self, from: Digest, to: Digest, relation: Relation) -> Digest {
        let ed = self.editor.clone();
        self.ok(
            &ed,
            Body::ClaimLink(ClaimLink {
                from,
                to,
                relation,
                note: None,
            }),
        )
    }

    /// Revises `claim` to `exact` in `text` (article `article`), attributed to `source`.
    pub fn revise(
        &mut self,
        claim: Digest,
        article: Digest,
        text: &str,
        exact: &str,
        source: Option<Digest>,
        proposition: &str,
    ) -> Digest {
        let mut c = claim_body(article, text, exact, source).content();
        c.proposition = proposition.into();
        let ed = self.editor.clone();
        self.ok(
            &ed,
            Body::ClaimRevise(ClaimRevise {
                claim,
                article,
                change: Change::Content(c),
                reason: ChangeReason::ArticleUpdated,
                note: None,
            }),
        )
    }
}

/// A source.record body.
pub fn source(kind: SourceKind, label: &str, name: Option<&str>) -> SourceRecord {
    SourceRecord {
        label: label.into(),
        kind,
        name: name.map(Into::into),
        role: None,
        affiliation: None,
        place: None,
        on_record: !kind.is_anonymous(),
        count: match kind {
            SourceKind::AnonymousGroup => SourceCount::Several,
            SourceKind::NamedPerson | SourceKind::AnonymousPerson => SourceCount::One,
            _ => SourceCount::Unknown,
        },
        anonymity: None,
    }
}

/// A claim.record body on the one occurrence of `exact` in `text`.
pub fn claim_body(article: Digest, text: &str, exact: &str, source: Option<Digest>) -> ClaimRecord {
    ClaimRecord {
        article,
        proposition: format!("The article says: {exact}"),
        anchor: Anchor::locate(text, exact).unwrap(),
        attribution: Attribution {
            source,
            cue: source.map(|_| "according to".into()),
            hedge: Hedge::None,
            mode: Mode::Paraphrase,
            quote: None,
            relayed_by: None,
        },
    }
}

/// A verification body with one piece of evidence.
pub fn verification(claim: Digest, revision: Digest, verdict: Verdict) -> Verification {
    Verification {
        claim,
        revision,
        verdict,
        evidence: vec![Evidence {
            url: "https://example.org/evidence".into(),
            sha256: None,
            note: None,
        }],
        note: Some("checked against the joint statement".into()),
    }
}

/// The seed article's opening paragraphs (from sample/article-v1.txt), the
/// text most tests anchor in.
pub const TEXT_V1: &str = "NEW DELHI: The fragile thaw between Afghanistan and Pakistan has again collapsed, with the latest round of talks in Istanbul ending in deadlock despite mediation by Türkiye and Qatar.
According to diplomatic sources, the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq, while Pakistan’s side was headed by ISI Director General Asim Malik.
One Kabul-based source called Islamabad’s stance “paradoxical,” pointing out that while Pakistan accuses Afghanistan of harbouring TTP militants, it also asked that they be moved onto Afghan soil.
Following the latest breakdown, Taliban spokesperson Zabihullah Mujahid thanked the host countries but accused the Pakistani side of an “irresponsible and non-cooperative attitude”.";

/// An illustrative update (not the outlet's text): the delegation claim is
/// now attributed to officials, the Kabul source's claim is dropped, and a
/// paragraph is added before the others, so every anchor moves.
pub const TEXT_V2: &str = "UPDATED: This article has been updated with comment from officials.
NEW DELHI: The fragile thaw between Afghanistan and Pakistan has again collapsed, with the latest round of talks in Istanbul ending in deadlock despite mediation by Türkiye and Qatar.
According to Afghan officials, the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq, while Pakistan’s side was headed by ISI Director General Asim Malik.
Following the latest breakdown, Taliban spokesperson Zabihullah Mujahid thanked the host countries but accused the Pakistani side of an “irresponsible and non-cooperative attitude”.";

/// A further update that changes nothing the claims anchor on but the position.
pub const TEXT_V3: &str = "UPDATED TWICE: corrected a typo.
UPDATED: This article has been updated with comment from officials.
NEW DELHI: The fragile thaw between Afghanistan and Pakistan has again collapsed, with the latest round of talks in Istanbul ending in deadlock despite mediation by Türkiye and Qatar.
According to Afghan officials, the Afghan delegation for the 6 November 2025 meeting was led by Intelligence Chief Abdul Haq Wasiq, while Pakistan’s side was headed by ISI Director General Asim Malik.
Following the latest breakdown, Taliban spokesperson Zabihullah Mujahid thanked the host countries but accused the Pakistani side of an “irresponsible and non-cooperative attitude”.";
