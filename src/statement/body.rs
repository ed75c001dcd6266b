//! Statement bodies: one struct per kind of statement.

use ciborium::Value;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The kinds of statement, as written in the payload's `kind` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Genesis,
    KeyGrant,
    KeyRevoke,
}

impl Kind {
    /// Every kind, in the order the README documents them.
    pub const ALL: &'static [Kind] = &[Kind::Genesis, Kind::KeyGrant, Kind::KeyRevoke];

    /// The kind's name in the payload (`ledger.genesis`, `key.grant`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Genesis => "ledger.genesis",
            Kind::KeyGrant => "key.grant",
            Kind::KeyRevoke => "key.revoke",
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

/// The ledger policy fixed at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// How many current agreeing verdicts make a claim verified or refuted.
    pub quorum: u64,
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
}

/// What a statement says, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Genesis(Genesis),
    KeyGrant(KeyGrant),
    KeyRevoke(KeyRevoke),
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, String> {
    Value::serialized(t).map_err(|e| e.to_string())
}

fn from_value<T: DeserializeOwned>(kind: Kind, v: Value) -> Result<T, String> {
    v.deserialized()
        .map_err(|e| format!("{} body: {e}", kind.as_str()))
}

impl Body {
    /// The statement kind of this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Genesis(_) => Kind::Genesis,
            Body::KeyGrant(_) => Kind::KeyGrant,
            Body::KeyRevoke(_) => Kind::KeyRevoke,
        }
    }

    /// The body as a CBOR value (the payload's `body` field).
    pub fn to_value(&self) -> Result<Value, String> {
        match self {
            Body::Genesis(b) => to_value(b),
            Body::KeyGrant(b) => to_value(b),
            Body::KeyRevoke(b) => to_value(b),
        }
    }

    /// Decodes the payload's `body` field for a statement of `kind`.
    pub fn from_value(kind: Kind, v: Value) -> Result<Body, String> {
        Ok(match kind {
            Kind::Genesis => Body::Genesis(from_value(kind, v)?),
            Kind::KeyGrant => Body::KeyGrant(from_value(kind, v)?),
            Kind::KeyRevoke => Body::KeyRevoke(from_value(kind, v)?),
        })
    }
}
