//! Statement bodies: one struct per kind of statement (README "Statements
//! and rules"), with the vocabularies of `vocabulary.rs` and the anchors of
//! `anchor.rs`.
//!
//! Bodies are plain data. Whether a body may enter the ledger is decided by
//! the rules in `crate::state`; what is checked here is only what a body is
//! on its own: that it decodes into exactly one of these shapes (unknown
//! fields and unknown enum values are refused at decode time) and that it is
//! in its one canonical form (see [`Body::from_value`]).
//!
//! Ids of other statements are [`Digest`]s, encoded as 32-byte CBOR byte
//! strings. Optional fields are left out when absent, never written as null.

use super::anchor::Anchor;
use super::vocabulary::{
    Basis, ChangeReason, GroundRules, Hedge, Kind, Mode, Relation, RevokeMode, Role, SourceCount,
    SourceKind, SourceRelation, Verdict,
};
use crate::digest::Digest;
use ciborium::Value;
use serde::{de::DeserializeOwned, Deserialize, Deserializer, Serialize, Serializer};

/// The ledger policy fixed at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// How many current agreeing verdicts make a claim verified or refuted.
    pub quorum: u64,
    /// Whether a verdict by a key that recorded or revised the claim
    /// counts (README "Status"); left out when false, its default, so a
    /// ledger must say so explicitly.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_self_review: bool,
}

impl Policy {
    /// The policy with `quorum` and no self-review.
    pub fn quorum(quorum: u64) -> Policy {
        Policy {
            quorum,
            allow_self_review: false,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `ledger.genesis`: the first statement, made by the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The log's origin (checkpoint first line); equals the operator key's name.
    pub origin: String,
    /// The operator's signed-note verifier key.
    pub operator: String,
    /// What the ledger is for, in a sentence.
    pub description: String,
    /// The ledger policy.
    pub policy: Policy,
}

/// `key.grant`: the operator grants roles to a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGrant {
    /// The granted key, as a signed-note verifier key string.
    pub key: String,
    /// The person or desk the key belongs to.
    pub display_name: String,
    /// The roles granted.
    pub roles: Vec<Role>,
}

/// `key.revoke`: the operator, or the key itself, revokes a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRevoke {
    /// The revoked key, as a signed-note verifier key string.
    pub key: String,
    /// Why it is revoked.
    pub reason: String,
    /// Retired or compromised; absent means compromised from the key's
    /// first statement (what every revocation meant before modes existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<RevokeMode>,
    /// For a compromise: statements logged at or after this time (unix
    /// seconds) do not count; those before do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_at: Option<u64>,
    /// For a compromise: statements at or after this log index do not
    /// count; those before do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_entry: Option<u64>,
}

impl KeyRevoke {
    /// A revocation of `key` in the legacy form (no mode: compromised from
    /// the start).
    pub fn new(key: String, reason: String) -> KeyRevoke {
        KeyRevoke {
            key,
            reason,
            mode: None,
            since_at: None,
            since_entry: None,
        }
    }
}

/// `key.update`: the operator changes a granted key's display name or
/// roles. The grant stays; the key's statements signed before keep what
/// they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyUpdate {
    /// The key, as a signed-note verifier key string.
    pub key: String,
    /// The new display name, if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The new roles (all of them), if they change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why an anonymous source was granted anonymity and on what terms (the
/// AP, Reuters and NYT rules ask for each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anonymity {
    /// Why anonymity was granted ("not authorised to speak publicly").
    pub reason: String,
    /// The ground rules the source spoke under.
    pub ground_rules: GroundRules,
    /// Whether the source knows first hand.
    pub basis: Basis,
}

/// `source.identity`: an editor says they know who an anonymous source is,
/// by a salted commitment ([`identity_commitment`]); the identity itself
/// is never in the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceIdentity {
    /// The anonymous `source.record`.
    pub source: Digest,
    /// SHA-256 commitment to the identity and a secret salt.
    pub commitment: Digest,
}

/// `source.relate`: an editor says that the people behind two commitments
/// are one person or different people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRelate {
    /// A commitment of a `source.identity`.
    pub a: Digest,
    /// Another commitment of a `source.identity`.
    pub b: Digest,
    /// Same person or distinct people.
    pub relation: SourceRelation,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `source.merge`: `source` and `into` are two records of one named
/// source; from now on they are one origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMerge {
    /// The `source.record` merged.
    pub source: Digest,
    /// The `source.record` it is merged into.
    pub into: Digest,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The commitment domain: keeps a commitment from meaning anything else.
pub const IDENTITY_COMMITMENT_DOMAIN: &str = "provledger source identity v1";

/// The salted commitment to a source's identity: SHA-256 of the canonical
/// CBOR array `[IDENTITY_COMMITMENT_DOMAIN, identity (text), salt (bytes)]`.
/// The array's length prefixes keep `("ab", "c")` and `("a", "bc")` apart;
/// the salt (32 random bytes kept by the newsroom) keeps a guessed name
/// from being checked against the ledger.
pub fn identity_commitment(identity: &str, salt: &[u8]) -> Digest {
    let v = Value::Array(vec![
        Value::Text(IDENTITY_COMMITMENT_DOMAIN.into()),
        Value::Text(identity.into()),
        Value::Bytes(salt.to_vec()),
    ]);
    // Encoding text and bytes cannot fail.
    Digest::of(&crate::cbor::value_to_vec(&v).unwrap_or_default())
}

/// `source.record`: a source as an article describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    /// The words the article uses for the source ("diplomatic sources").
    pub label: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// The person's, organisation's, document's or outlet's name; required
    /// for named kinds and media reports, refused for anonymous kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role or title ("spokesperson", "Intelligence Chief").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Who the source speaks for ("Taliban", "Afghan government").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// A place qualifier ("Kabul-based").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// On the record (true) or on background (false), in AP's sense.
    pub on_record: bool,
    /// How many people the source stands for.
    pub count: SourceCount,
    /// For an anonymous source: why, on what ground rules, on what basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymity: Option<Anonymity>,
}

/// `article.record`: one version of an article. Its text is a blob beside
/// the log, addressed by `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    /// Where the article was published.
    pub url: String,
    /// The outlet.
    pub publisher: String,
    /// The headline.
    pub title: String,
    /// When the outlet says it published this version (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<u64>,
    /// When this text was retrieved (unix seconds).
    pub retrieved_at: u64,
    /// SHA-256 of the exact UTF-8 text (the blob's address).
    pub content: Digest,
    /// The text's length in bytes.
    pub length: u64,
    /// The previous version's `article.record`, when this is an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Digest>,
    /// How the text was captured from the web, when it was
    /// (`article fetch`); absent for a text given as a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Boxed: a capture is large beside the other kinds' bodies.
    pub capture: Option<Box<super::capture::Capture>>,
}

impl ArticleRecord {
    /// Whether this version's text is marked low-confidence by its capture
    /// ([`Capture::low_confidence`](super::capture::Capture::low_confidence));
    /// false for a text not captured from the web.
    pub fn low_confidence(&self) -> bool {
        self.capture.as_ref().is_some_and(|c| c.low_confidence)
    }
}

/// Who a claim is attributed to, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The `source.record` the claim is attributed to; absent when the
    /// claim is the outlet's own assertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Digest>,
    /// The attributing words ("according to", "accused", "called");
    /// required when there is a source or a relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// How the article hedges the claim.
    pub hedge: Hedge,
    /// Direct quote or paraphrase.
    pub mode: Mode,
    /// The quoted words (inside `anchor.exact`); required for a direct quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The `source.record` through which the article got the claim ("As
    /// reported by The Sunday Guardian"), typically a media report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relayed_by: Option<Digest>,
}

/// The part of a claim that a revision can change: its wording, its place
/// in the text and its attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimContent {
    /// The proposition, as the editor words it.
    pub proposition: String,
    /// Where it is in the article.
    pub anchor: Anchor,
    /// Who it is attributed to.
    pub attribution: Attribution,
}

/// The fields whose change makes earlier verdicts stale (README "Status"): the
/// proposition, the anchored text and the attribution. The anchor's
/// positions and context are left out, as they move whenever an outlet edits
/// another paragraph.
#[derive(Serialize)]
struct Substance<'a> {
    proposition: &'a str,
    exact: &'a str,
    attribution: &'a Attribution,
}

impl ClaimContent {
    /// A digest of what a verdict judges (proposition, anchored text,
    /// attribution): two revisions with equal keys say the same thing.
    pub fn substance_key(&self) -> Digest {
        let s = Substance {
            proposition: &self.proposition,
            exact: &self.anchor.exact,
            attribution: &self.attribution,
        };
        // Encoding plain strings, enums and digests cannot fail.
        Digest::of(&crate::cbor::to_vec(&s).unwrap_or_default())
    }
}

/// `claim.record`: a claim an article makes, with its attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRecord {
    /// The `article.record` (version) the claim is in.
    pub article: Digest,
    /// The proposition, as the editor words it.
    pub proposition: String,
    /// Where it is in the article.
    pub anchor: Anchor,
    /// Who it is attributed to.
    pub attribution: Attribution,
}

impl ClaimRecord {
    /// The claim's content as first recorded.
    pub fn content(&self) -> ClaimContent {
        ClaimContent {
            proposition: self.proposition.clone(),
            anchor: self.anchor.clone(),
            attribution: self.attribution.clone(),
        }
    }
}

/// What a `claim.revise` changes: the whole new content, or `removed` when
/// the article version no longer makes the claim. Encoded as the content
/// map, or as the text `"removed"`.
// Boxing the content would make every caller build and match a Box for a
// value that is made a handful of times per statement.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The claim as it now reads.
    Content(ClaimContent),
    /// The article version dropped the claim.
    Removed,
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Change::Content(c) => c.serialize(s),
            Change::Removed => s.serialize_str("removed"),
        }
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // Decode into a generic value first, so the error for a bad content
        // map is the content's own (untagged enums only say "no variant").
        match Value::deserialize(d)? {
            Value::Text(t) if t == "removed" => Ok(Change::Removed),
            Value::Text(t) => Err(D::Error::custom(format!(
                "change is '{t}'; it must be \"removed\" or a map with proposition, anchor and attribution"
            ))),
            v @ Value::Map(_) => v
                .deserialized::<ClaimContent>()
                .map(Change::Content)
                .map_err(|e| D::Error::custom(format!("change: {}", message(e)))),
            _ => Err(D::Error::custom(
                "change must be \"removed\" or a map with proposition, anchor and attribution",
            )),
        }
    }
}

/// `claim.revise`: a claim as a newer version of its article has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRevise {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// The article version this revision reads.
    pub article: Digest,
    /// What the claim now is.
    pub change: Change,
    /// Why it changed.
    pub reason: ChangeReason,
    /// A note for readers of the history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `claim.retract`: the claim should never have been recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRetract {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// Why it is retracted.
    pub reason: String,
}

/// `claim.link`: a relation between two claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLink {
    /// The claim the relation is stated of.
    pub from: Digest,
    /// The claim it relates to.
    pub to: Digest,
    /// How they relate.
    pub relation: Relation,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `claim.link.withdraw`: a link's signer, or an editor, takes it back; a
/// withdrawn link stops counting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLinkWithdraw {
    /// The `claim.link` withdrawn.
    pub link: Digest,
    /// Why.
    pub reason: String,
}

/// One piece of evidence behind a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Where the evidence is.
    pub url: String,
    /// SHA-256 of the evidence as captured, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Digest>,
    /// What it shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `verification`: a checker's verdict on one revision of a claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// The claim (its `claim.record`).
    pub claim: Digest,
    /// The revision judged: the `claim.record` or a `claim.revise` of it.
    pub revision: Digest,
    /// The verdict.
    pub verdict: Verdict,
    /// What it rests on.
    pub evidence: Vec<Evidence>,
    /// The checker's explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `verification.withdraw`: a checker takes back one of their verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationWithdraw {
    /// The `verification` withdrawn.
    pub verification: Digest,
    /// Why.
    pub reason: String,
}

/// What a statement says, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `ledger.genesis`.
    Genesis(Genesis),
    /// `key.grant`.
    KeyGrant(KeyGrant),
    /// `key.revoke`.
    KeyRevoke(KeyRevoke),
    /// `source.record`.
    SourceRecord(SourceRecord),
    /// `article.record`.
    ArticleRecord(ArticleRecord),
    /// `claim.record`.
    ClaimRecord(ClaimRecord),
    /// `claim.revise`.
    ClaimRevise(ClaimRevise),
    /// `claim.retract`.
    ClaimRetract(ClaimRetract),
    /// `claim.link`.
    ClaimLink(ClaimLink),
    /// `verification`.
    Verification(Verification),
    /// `verification.withdraw`.
    VerificationWithdraw(VerificationWithdraw),
    /// `claim.link.withdraw`.
    ClaimLinkWithdraw(ClaimLinkWithdraw),
    /// `key.update`.
    KeyUpdate(KeyUpdate),
    /// `source.identity`.
    SourceIdentity(SourceIdentity),
    /// `source.relate`.
    SourceRelate(SourceRelate),
    /// `source.merge`.
    SourceMerge(SourceMerge),
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, String> {
    Value::serialized(t).map_err(|e| e.to_string())
}

fn from_value<T: DeserializeOwned>(kind: Kind, v: Value) -> Result<T, String> {
    v.deserialized()
        .map_err(|e| format!("{} body: {}", kind.as_str(), message(e)))
}

/// The text of a decoding error (ciborium's `Display` shows it as `Custom("…")`).
fn message(e: ciborium::value::Error) -> String {
    match e {
        ciborium::value::Error::Custom(s) => s,
    }
}

impl Body {
    /// The statement kind of this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Genesis(_) => Kind::Genesis,
            Body::KeyGrant(_) => Kind::KeyGrant,
            Body::KeyRevoke(_) => Kind::KeyRevoke,
            Body::SourceRecord(_) => Kind::SourceRecord,
            Body::ArticleRecord(_) => Kind::ArticleRecord,
            Body::ClaimRecord(_) => Kind::ClaimRecord,
            Body::ClaimRevise(_) => Kind::ClaimRevise,
            Body::ClaimRetract(_) => Kind::ClaimRetract,
            Body::ClaimLink(_) => Kind::ClaimLink,
            Body::Verification(_) => Kind::Verification,
            Body::VerificationWithdraw(_) => Kind::VerificationWithdraw,
            Body::ClaimLinkWithdraw(_) => Kind::ClaimLinkWithdraw,
            Body::KeyUpdate(_) => Kind::KeyUpdate,
            Body::SourceIdentity(_) => Kind::SourceIdentity,
            Body::SourceRelate(_) => Kind::SourceRelate,
            Body::SourceMerge(_) => Kind::SourceMerge,
        }
    }

    /// The body as a CBOR value (the payload's `body` field).
    pub fn to_value(&self) -> Result<Value, String> {
        match self {
            Body::Genesis(b) => to_value(b),
            Body::KeyGrant(b) => to_value(b),
            Body::KeyRevoke(b) => to_value(b),
            Body::SourceRecord(b) => to_value(b),
            Body::ArticleRecord(b) => to_value(b),
            Body::ClaimRecord(b) => to_value(b),
            Body::ClaimRevise(b) => to_value(b),
            Body::ClaimRetract(b) => to_value(b),
            Body::ClaimLink(b) => to_value(b),
            Body::Verification(b) => to_value(b),
            Body::VerificationWithdraw(b) => to_value(b),
            Body::ClaimLinkWithdraw(b) => to_value(b),
            Body::KeyUpdate(b) => to_value(b),
            Body::SourceIdentity(b) => to_value(b),
            Body::SourceRelate(b) => to_value(b),
            Body::SourceMerge(b) => to_value(b),
        }
    }

    /// Decodes the payload's `body` field for a statement of `kind`.
    ///
    /// The decoded body must encode back to exactly the value it came from.
    /// Canonical CBOR alone does not ensure that: `"name": null` decodes to
    /// the same body as a missing `name`, and two encodings of one body
    /// would give one statement two ids.
    pub fn from_value(kind: Kind, v: Value) -> Result<Body, String> {
        let body = Body::from_value_unchecked(kind, v.clone())?;
        let again = body.to_value()?;
        let canonical = |v: &Value| crate::cbor::value_to_vec(v).map_err(|e| e.to_string());
        if canonical(&again)? != canonical(&v)? {
            return Err(format!(
                "{} body is not in its canonical form (an absent field must be left out, not written as null)",
                kind.as_str()
            ));
        }
        Ok(body)
    }

    /// Decodes the payload's `body` field without checking that it is the
    /// body's own encoding: for a caller that checks the whole payload
    /// encodes back to its bytes (`Statement::from_payload`).
    pub(crate) fn from_value_unchecked(kind: Kind, v: Value) -> Result<Body, String> {
        Ok(match kind {
            Kind::Genesis => Body::Genesis(from_value(kind, v)?),
            Kind::KeyGrant => Body::KeyGrant(from_value(kind, v)?),
            Kind::KeyRevoke => Body::KeyRevoke(from_value(kind, v)?),
            Kind::SourceRecord => Body::SourceRecord(from_value(kind, v)?),
            Kind::ArticleRecord => Body::ArticleRecord(from_value(kind, v)?),
            Kind::ClaimRecord => Body::ClaimRecord(from_value(kind, v)?),
            Kind::ClaimRevise => Body::ClaimRevise(from_value(kind, v)?),
            Kind::ClaimRetract => Body::ClaimRetract(from_value(kind, v)?),
            Kind::ClaimLink => Body::ClaimLink(from_value(kind, v)?),
            Kind::Verification => Body::Verification(from_value(kind, v)?),
            Kind::VerificationWithdraw => Body::VerificationWithdraw(from_value(kind, v)?),
            Kind::ClaimLinkWithdraw => Body::ClaimLinkWithdraw(from_value(kind, v)?),
            Kind::KeyUpdate => Body::KeyUpdate(from_value(kind, v)?),
            Kind::SourceIdentity => Body::SourceIdentity(from_value(kind, v)?),
            Kind::SourceRelate => Body::SourceRelate(from_value(kind, v)?),
            Kind::SourceMerge => Body::SourceMerge(from_value(kind, v)?),
        })
    }
}
