//! The vocabularies of statements: the closed sets of names a body's
//! fields take ([`Kind`], [`Role`], [`SourceKind`], [`SourceCount`],
//! [`Hedge`], [`Mode`], [`ChangeReason`], [`Relation`], [`Verdict`],
//! [`RevokeMode`], [`GroundRules`], [`Basis`], [`SourceRelation`]), each
//! written as its name in CBOR and JSON. A name outside its set is refused
//! when the body is decoded.

use serde::{Deserialize, Serialize, Serializer};
use std::str::FromStr;

/// The kinds of statement, as written in the payload's `kind` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `ledger.genesis`: the ledger's first statement, by the operator.
    Genesis,
    /// `key.grant`: the operator grants roles to a key.
    KeyGrant,
    /// `key.revoke`: a key is revoked.
    KeyRevoke,
    /// `source.record`: a source as an article describes it.
    SourceRecord,
    /// `article.record`: one version of an article.
    ArticleRecord,
    /// `claim.record`: a claim an article makes, with its attribution.
    ClaimRecord,
    /// `claim.revise`: a claim as a newer version of its article has it.
    ClaimRevise,
    /// `claim.retract`: a claim that should never have been recorded.
    ClaimRetract,
    /// `claim.link`: a relation between two claims.
    ClaimLink,
    /// `verification`: a checker's verdict on a revision of a claim.
    Verification,
    /// `verification.withdraw`: a checker takes back a verdict.
    VerificationWithdraw,
    /// `claim.link.withdraw`: a link's signer, or an editor, takes it back.
    ClaimLinkWithdraw,
    /// `key.update`: the operator changes a key's roles or display name.
    KeyUpdate,
    /// `source.identity`: an editor says they know an anonymous source's
    /// identity, by a salted commitment to it.
    SourceIdentity,
    /// `source.relate`: an editor says two committed identities are the
    /// same person, or distinct people.
    SourceRelate,
    /// `source.merge`: two records of one named source are one origin.
    SourceMerge,
}

impl Kind {
    /// Every kind, in the order the README documents them.
    pub const ALL: &'static [Kind] = &[
        Kind::Genesis,
        Kind::KeyGrant,
        Kind::KeyRevoke,
        Kind::SourceRecord,
        Kind::ArticleRecord,
        Kind::ClaimRecord,
        Kind::ClaimRevise,
        Kind::ClaimRetract,
        Kind::ClaimLink,
        Kind::Verification,
        Kind::VerificationWithdraw,
        Kind::ClaimLinkWithdraw,
        Kind::KeyUpdate,
        Kind::SourceIdentity,
        Kind::SourceRelate,
        Kind::SourceMerge,
    ];

    /// The kind's name in the payload (`ledger.genesis`, `key.grant`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Genesis => "ledger.genesis",
            Kind::KeyGrant => "key.grant",
            Kind::KeyRevoke => "key.revoke",
            Kind::SourceRecord => "source.record",
            Kind::ArticleRecord => "article.record",
            Kind::ClaimRecord => "claim.record",
            Kind::ClaimRevise => "claim.revise",
            Kind::ClaimRetract => "claim.retract",
            Kind::ClaimLink => "claim.link",
            Kind::Verification => "verification",
            Kind::VerificationWithdraw => "verification.withdraw",
            Kind::ClaimLinkWithdraw => "claim.link.withdraw",
            Kind::KeyUpdate => "key.update",
            Kind::SourceIdentity => "source.identity",
            Kind::SourceRelate => "source.relate",
            Kind::SourceMerge => "source.merge",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown statement kind '{s}'"))
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// In JSON output a kind is its name, as in the payload.
impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A role a key may be granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Records sources, articles and claims.
    Editor,
    /// Signs verdicts on claims.
    Checker,
    /// Replays the ledger; signs nothing the rules look at.
    Auditor,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Checker => "checker",
            Role::Auditor => "auditor",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "editor" => Ok(Role::Editor),
            "checker" => Ok(Role::Checker),
            "auditor" => Ok(Role::Auditor),
            _ => Err(format!(
                "unknown role '{s}' (roles: editor, checker, auditor)"
            )),
        }
    }
}

/// Defines a closed set of names written as CBOR/JSON text: the enum, its
/// serde names, `ALL`, `as_str`, `Display` and a `FromStr` whose error lists
/// the allowed names (the CLI parses flags with it).
macro_rules! names {
    (
        $(#[$meta:meta])*
        $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $var:ident = $s:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $var, )+
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The value's name as written in statements.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$var => $s, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} '{s}' (one of: {})", $what, all.join(", "))
                })
            }
        }
    };
}

names! {
    /// What kind of source a `source.record` describes.
    SourceKind ("source kind") {
        /// A person identified by name ("Taliban spokesperson Zabihullah Mujahid").
        NamedPerson = "named_person",
        /// An organisation identified by name (a ministry, a company).
        NamedOrganization = "named_organization",
        /// One unnamed person ("One Kabul-based source").
        AnonymousPerson = "anonymous_person",
        /// Unnamed people ("diplomatic sources", "Afghan officials").
        AnonymousGroup = "anonymous_group",
        /// A document (a joint statement, a court filing, a report).
        Document = "document",
        /// Another outlet's report ("As reported by The Sunday Guardian").
        MediaReport = "media_report",
    }
}

impl SourceKind {
    /// Whether sources of this kind are anonymous (for corroboration counts).
    pub fn is_anonymous(self) -> bool {
        matches!(
            self,
            SourceKind::AnonymousPerson | SourceKind::AnonymousGroup
        )
    }
}

names! {
    /// How many people a source stands for.
    SourceCount ("source count") {
        /// One person (or one organisation, document or report).
        One = "one",
        /// More than one.
        Several = "several",
        /// The article does not say.
        Unknown = "unknown",
    }
}

names! {
    /// The hedge with which an article presents a claim.
    Hedge ("hedge") {
        /// Stated plainly.
        None = "none",
        /// "reportedly".
        Reportedly = "reportedly",
        /// "believed", "is believed to".
        Believed = "believed",
        /// "alleged", "allegedly".
        Alleged = "alleged",
        /// "claimed".
        Claimed = "claimed",
        /// "suspected".
        Suspected = "suspected",
        /// "apparently".
        Apparently = "apparently",
        /// "unconfirmed".
        Unconfirmed = "unconfirmed",
    }
}

names! {
    /// Whether the article quotes the source or paraphrases it.
    Mode ("attribution mode") {
        /// The source's own words, in quotation marks.
        DirectQuote = "direct_quote",
        /// The article's words for what the source said.
        Paraphrase = "paraphrase",
    }
}

names! {
    /// Why a claim was revised.
    ChangeReason ("revision reason") {
        /// The outlet updated the article.
        ArticleUpdated = "article_updated",
        /// The outlet published a correction.
        Correction = "correction",
        /// Our own record of the claim was wrong.
        Error = "error",
    }
}

names! {
    /// How a `claim.link` relates its `from` claim to its `to` claim.
    Relation ("link relation") {
        /// The claims support each other.
        Corroborates = "corroborates",
        /// The claims cannot both be true.
        Contradicts = "contradicts",
        /// The claims come from the same origin (one is not evidence for the other).
        SameOrigin = "same_origin",
        /// `from` repeats `to`: its origin is `to`'s origin.
        Cites = "cites",
    }
}

impl Relation {
    /// Whether `a r b` means the same as `b r a`.
    pub fn is_symmetric(self) -> bool {
        !matches!(self, Relation::Cites)
    }
}

names! {
    /// A fact-checker's verdict, on a scale that maps onto schema.org
    /// ClaimReview ratings (see [`Verdict::rating`]).
    Verdict ("verdict") {
        /// The claim is true (rating 5).
        True = "true",
        /// Mostly true (rating 4).
        MostlyTrue = "mostly_true",
        /// Partly true, partly false (rating 3).
        Mixed = "mixed",
        /// Misleading (rating 2); refutes the claim, as `false` does.
        Misleading = "misleading",
        /// Mostly false (rating 2).
        MostlyFalse = "mostly_false",
        /// The claim is false (rating 1).
        False = "false",
        /// The checker could not establish it either way (no rating).
        Unverifiable = "unverifiable",
    }
}

impl Verdict {
    /// The schema.org `reviewRating` value (1 worst to 5 best), or `None`
    /// for `unverifiable`, which has no place on the scale.
    pub fn rating(self) -> Option<u8> {
        match self {
            Verdict::True => Some(5),
            Verdict::MostlyTrue => Some(4),
            Verdict::Mixed => Some(3),
            Verdict::Misleading | Verdict::MostlyFalse => Some(2),
            Verdict::False => Some(1),
            Verdict::Unverifiable => None,
        }
    }

    /// The rating's `alternateName` for ClaimReview ("Mostly true").
    pub fn label(self) -> &'static str {
        match self {
            Verdict::True => "True",
            Verdict::MostlyTrue => "Mostly true",
            Verdict::Mixed => "Mixed",
            Verdict::Misleading => "Misleading",
            Verdict::MostlyFalse => "Mostly false",
            Verdict::False => "False",
            Verdict::Unverifiable => "Unverifiable",
        }
    }

    /// Whether the verdict supports the claim (`true`, `mostly_true`).
    pub fn supports(self) -> bool {
        matches!(self, Verdict::True | Verdict::MostlyTrue)
    }

    /// Whether the verdict refutes the claim (`false`, `mostly_false`, `misleading`).
    pub fn refutes(self) -> bool {
        matches!(
            self,
            Verdict::False | Verdict::MostlyFalse | Verdict::Misleading
        )
    }
}

names! {
    /// How a `key.revoke` ends a key's trust.
    RevokeMode ("revocation mode") {
        /// The holder left: the key's past statements keep counting, it
        /// signs nothing new, and it may be granted again.
        Retired = "retired",
        /// The key was compromised: what it signed from the compromise on
        /// (all of it, unless a `since` is given) does not count.
        Compromised = "compromised",
    }
}

names! {
    /// The ground rules a source spoke under (AP's definitions).
    GroundRules ("ground rules") {
        /// Quotable, by name.
        OnTheRecord = "on_the_record",
        /// Quotable, attributed as agreed, not by name.
        Background = "background",
        /// Usable, not attributable at all.
        DeepBackground = "deep_background",
        /// Not for publication; guidance only.
        OffTheRecord = "off_the_record",
    }
}

names! {
    /// How a source knows what it says.
    Basis ("basis of knowledge") {
        /// The source saw, heard or did it.
        Direct = "direct",
        /// The source was told.
        Secondhand = "secondhand",
    }
}

names! {
    /// What a `source.relate` says of two committed identities.
    SourceRelation ("source relation") {
        /// The two commitments are to one person: one origin.
        SamePerson = "same_person",
        /// The two commitments are to different people: never one origin.
        DistinctPerson = "distinct_person",
    }
}
