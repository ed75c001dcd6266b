//! Rules and tables for `ledger.genesis`, `key.grant`, `key.revoke` and
//! `key.update`.
//!
//! A revocation is **retired** (the holder left: what the key signed keeps
//! counting, it signs nothing new, and it may be granted again) or
//! **compromised** (what it signed from the compromise on does not count:
//! from its first statement, or from a `since` time or log index). A
//! revocation without a mode is a compromise from the start, as every
//! revocation was before modes existed. A retired key may later be revoked
//! as compromised; a compromised key is never granted again.

use super::limits::{line, text, MAX_LABEL_CHARS, MAX_NOTE_CHARS};
use super::{refuse, Check, Entry, Refusal, State, StateError};
use crate::keys::PublicKey;
use crate::statement::{Body, RevokeMode, Role};
use rusqlite::{params, OptionalExtension, Row};

/// Largest verdict quorum a genesis may set.
pub const MAX_QUORUM: u64 = 100;

/// A key's grant, as recorded in the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// The raw Ed25519 public key.
    pub pubkey: [u8; 32],
    /// The signed-note verifier key string.
    pub note: String,
    /// The key's signed-note name.
    pub name: String,
    /// Who holds it.
    pub display_name: String,
    /// Granted roles.
    pub roles: Vec<Role>,
    /// Log index of the grant.
    pub granted_seq: u64,
    /// Statement time of the grant.
    pub granted_at: u64,
    /// Log index of the revocation, if revoked.
    pub revoked_seq: Option<u64>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
    /// Retired or compromised, when revoked.
    pub revoke_mode: Option<RevokeMode>,
    /// The log index from which what the key signed does not count (a
    /// compromise); `None` when nothing it signed is void.
    pub void_from_seq: Option<u64>,
}

impl KeyRecord {
    /// Whether a statement the key signed at log index `seq` counts.
    pub fn counts_at(&self, seq: u64) -> bool {
        self.void_from_seq.is_none_or(|from| seq < from)
    }
}

/// What a checked key statement will record.
pub(super) enum Effect {
    Genesis(PublicKey),
    Grant(PublicKey),
    /// A retired key granted again.
    Regrant(PublicKey),
    Revoke {
        key: PublicKey,
        mode: RevokeMode,
        void_from: Option<u64>,
    },
    Update(PublicKey),
}

/// What is wrong with the roles of a grant or update, if anything: none
/// given, or one given twice.
#[derive(PartialEq)]
enum RolesProblem {
    Empty,
    Repeated,
}

fn roles_problem(roles: &[Role]) -> Option<RolesProblem> {
    if roles.is_empty() {
        return Some(RolesProblem::Empty);
    }
    let mut sorted = roles.to_vec();
    sorted.sort();
    sorted.dedup();
    (sorted.len() != roles.len()).then_some(RolesProblem::Repeated)
}

/// Parses a verifier key field, which must be in its one canonical form
/// (parsing forgives surrounding white space; the ledger does not).
fn parse_key(field: &str, v: &str) -> Result<PublicKey, Refusal> {
    let form = |reason| Refusal {
        rule: "key.form",
        reason,
    };
    let key = PublicKey::parse(v, field).map_err(|e| form(e.to_string()))?;
    if key.to_note_string() != v {
        return Err(form(format!(
            "{field} must be exactly the verifier key {}, without surrounding white space",
            key.to_note_string()
        )));
    }
    Ok(key)
}

/// Checks the key rules for `entry`, returning what to record.
pub(super) fn check(state: &State, entry: &Entry) -> Result<Effect, Check> {
    let st = entry.statement.statement();
    let signer = entry.statement.signer().to_bytes();
    match &st.body {
        Body::Genesis(g) => {
            let op = parse_key("operator", &g.operator)?;
            if op.bytes() != signer {
                refuse!(
                    "genesis.signer",
                    "genesis must be signed by the operator key it names"
                );
            }
            if g.origin != op.name() {
                refuse!(
                    "genesis.origin",
                    "origin '{}' must equal the operator key's name '{}'",
                    g.origin,
                    op.name()
                );
            }
            if g.policy.quorum == 0 || g.policy.quorum > MAX_QUORUM {
                refuse!(
                    "genesis.quorum",
                    "policy quorum {} must be between 1 and {MAX_QUORUM}",
                    g.policy.quorum
                );
            }
            text("description", &g.description, MAX_NOTE_CHARS)?;
            Ok(Effect::Genesis(op))
        }
        Body::KeyGrant(g) => {
            let key = parse_key("key", &g.key)?;
            line("display_name", &g.display_name, MAX_LABEL_CHARS)?;
            match roles_problem(&g.roles) {
                Some(RolesProblem::Empty) => refuse!(
                    "grant.roles-empty",
                    "a grant needs at least one role (editor, checker, auditor)"
                ),
                Some(RolesProblem::Repeated) => {
                    refuse!("grant.roles-repeated", "roles are listed more than once")
                }
                None => {}
            }
            let genesis_at = state.meta_u64("genesis_at")?;
            if let Some(rec) = lookup(state, &key.bytes())? {
                return match (rec.revoked_seq, rec.revoke_mode) {
                    (Some(_), Some(RevokeMode::Retired)) => {
                        not_before(st.at, genesis_at.unwrap_or(0), "the ledger's genesis")?;
                        Ok(Effect::Regrant(key))
                    }
                    (Some(seq), _) => Err(Check::Refused(Refusal { rule: "grant.revoked-key", reason: format!(
                        "key {} was revoked as compromised at entry {seq}; a compromised key cannot be granted again (generate a new key)",
                        key.name()
                    ) })),
                    (None, _) => Err(Check::Refused(Refusal { rule: "grant.already-granted", reason: format!(
                        "key {} is already granted (entry {})",
                        key.name(),
                        rec.granted_seq
                    ) })),
                };
            }
            not_before(st.at, genesis_at.unwrap_or(0), "the ledger's genesis")?;
            Ok(Effect::Grant(key))
        }
        Body::KeyRevoke(r) => {
            let key = parse_key("key", &r.key)?;
            text("reason", &r.reason, MAX_NOTE_CHARS)?;
            let Some(rec) = lookup(state, &key.bytes())? else {
                refuse!("revoke.unknown-key", "key {} was never granted", key.name());
            };
            let mode = r.mode.unwrap_or(RevokeMode::Compromised);
            if let Some(seq) = rec.revoked_seq {
                // A retired key may yet turn out to be compromised.
                if mode == RevokeMode::Retired || rec.revoke_mode != Some(RevokeMode::Retired) {
                    refuse!(
                        "revoke.already-revoked",
                        "key {} is already revoked (entry {seq}{})",
                        key.name(),
                        match rec.revoke_mode {
                            Some(RevokeMode::Retired) => ", retired",
                            _ => "",
                        }
                    );
                }
            }
            let operator = state.operator_key()?;
            if operator != Some(signer) && key.bytes() != signer {
                refuse!(
                    "revoke.signer",
                    "only the operator or the key itself may revoke key {}",
                    key.name()
                );
            }
            not_before(st.at, rec.granted_at, "the key's grant")?;
            let void_from = match (mode, r.since_at, r.since_entry) {
                (RevokeMode::Retired, None, None) => None,
                (RevokeMode::Retired, _, _) => refuse!(
                    "revoke.since-retired",
                    "a retired key's statements all keep counting; since_at and since_entry are for a compromise"
                ),
                (RevokeMode::Compromised, Some(_), Some(_)) => refuse!(
                    "revoke.since-both",
                    "give the compromise's start as since_at or since_entry, not both"
                ),
                (RevokeMode::Compromised, None, None) => Some(0),
                (RevokeMode::Compromised, None, Some(n)) => {
                    if n > entry.seq {
                        refuse!(
                            "revoke.since-future",
                            "since_entry {n} is after this revocation (entry {})",
                            entry.seq
                        );
                    }
                    Some(n)
                }
                (RevokeMode::Compromised, Some(t), None) => {
                    if t > entry.logged_at {
                        refuse!(
                            "revoke.since-future",
                            "since_at {} is after this revocation (logged {})",
                            crate::time::rfc3339(t),
                            crate::time::rfc3339(entry.logged_at)
                        );
                    }
                    let first: Option<i64> = state
                        .conn
                        .prepare_cached("SELECT MIN(seq) FROM statements WHERE logged_at >= ?1")?
                        .query_row([t as i64], |r| r.get(0))?;
                    Some(first.map(|s| s as u64).unwrap_or(entry.seq))
                }
            };
            // An earlier compromise point of the same key stands.
            let void_from = match (rec.void_from_seq, void_from) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Ok(Effect::Revoke {
                key,
                mode,
                void_from,
            })
        }
        Body::KeyUpdate(u) => {
            let key = parse_key("key", &u.key)?;
            let Some(rec) = lookup(state, &key.bytes())? else {
                refuse!("update.unknown-key", "key {} was never granted", key.name());
            };
            if let Some(seq) = rec.revoked_seq {
                refuse!(
                    "update.revoked-key",
                    "key {} was revoked at entry {seq}; {}",
                    key.name(),
                    match rec.revoke_mode {
                        Some(RevokeMode::Retired) => "grant a retired key again instead",
                        _ => "a compromised key cannot be changed",
                    }
                );
            }
            if u.display_name.is_none() && u.roles.is_none() {
                refuse!(
                    "update.empty",
                    "a key.update changes the display name, the roles or both; it gives neither"
                );
            }
            if let Some(name) = &u.display_name {
                line("display_name", name, MAX_LABEL_CHARS)?;
            }
            if let Some(roles) = &u.roles {
                match roles_problem(roles) {
                    Some(RolesProblem::Empty) => refuse!(
                        "update.roles-empty",
                        "a key.update's roles list at least one role (editor, checker, auditor); to end a key's roles, revoke it"
                    ),
                    Some(RolesProblem::Repeated) => {
                        refuse!("update.roles-repeated", "roles are listed more than once")
                    }
                    None => {}
                }
            }
            super::limits::opt_text("note", &u.note, MAX_NOTE_CHARS)?;
            let same_name = u
                .display_name
                .as_ref()
                .is_none_or(|n| *n == rec.display_name);
            let same_roles = u.roles.as_ref().is_none_or(|r| {
                let (mut a, mut b) = (r.clone(), rec.roles.clone());
                a.sort();
                b.sort();
                a == b
            });
            if same_name && same_roles {
                refuse!(
                    "update.unchanged",
                    "key {} already has that display name and those roles",
                    key.name()
                );
            }
            not_before(st.at, rec.granted_at, "the key's grant")?;
            Ok(Effect::Update(key))
        }
        _ => unreachable!("keys::check is only called for key statements"),
    }
}

/// A statement may not be dated before a statement it refers to.
pub(super) fn not_before(at: u64, referenced_at: u64, what: &str) -> Result<(), Refusal> {
    if at < referenced_at {
        return Err(Refusal {
            rule: "time.before-reference",
            reason: format!(
                "statement time {} is before the time ({}) of {what}, which it refers to",
                crate::time::rfc3339(at),
                crate::time::rfc3339(referenced_at)
            ),
        });
    }
    Ok(())
}

/// Records a checked key statement.
pub(super) fn record(state: &State, entry: &Entry, effect: Effect) -> Result<(), StateError> {
    let st = entry.statement.statement();
    match (effect, &st.body) {
        (Effect::Genesis(op), Body::Genesis(g)) => {
            state.set_meta("operator", op.bytes().to_vec())?;
            state.set_meta("operator_note", op.to_note_string())?;
            state.set_meta("origin", g.origin.clone())?;
            state.set_meta("quorum", g.policy.quorum as i64)?;
            if g.policy.allow_self_review {
                state.set_meta("allow_self_review", 1)?;
            }
            state.set_meta("genesis_at", st.at as i64)?;
            state.set_meta("genesis_id", entry.statement.id().0.to_vec())?;
        }
        (Effect::Grant(key), Body::KeyGrant(g)) => {
            let roles: Vec<&str> = g.roles.iter().map(|r| r.as_str()).collect();
            state.conn.execute(
                "INSERT INTO keys (pubkey, note, name, display_name, roles, granted_seq, granted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    key.bytes().as_slice(),
                    key.to_note_string(),
                    key.name(),
                    g.display_name,
                    roles.join(","),
                    entry.seq as i64,
                    st.at as i64
                ],
            )?;
        }
        (Effect::Regrant(key), Body::KeyGrant(g)) => {
            let roles: Vec<&str> = g.roles.iter().map(|r| r.as_str()).collect();
            state.conn.execute(
                "UPDATE keys SET display_name = ?2, roles = ?3, granted_seq = ?4, granted_at = ?5,
                        revoked_seq = NULL, revoked_at = NULL, revoke_reason = NULL,
                        revoke_mode = NULL, updated_seq = ?4
                 WHERE pubkey = ?1",
                params![
                    key.bytes().as_slice(),
                    g.display_name,
                    roles.join(","),
                    entry.seq as i64,
                    st.at as i64
                ],
            )?;
        }
        (
            Effect::Revoke {
                key,
                mode,
                void_from,
            },
            Body::KeyRevoke(r),
        ) => {
            state.conn.execute(
                "UPDATE keys SET revoked_seq = ?2, revoked_at = ?3, revoke_reason = ?4,
                        revoke_mode = ?5, void_from_seq = ?6
                 WHERE pubkey = ?1",
                params![
                    key.bytes().as_slice(),
                    entry.seq as i64,
                    st.at as i64,
                    r.reason,
                    mode.as_str(),
                    void_from.map(|v| v as i64)
                ],
            )?;
            // A compromised checker's verdicts from the compromise on stop
            // counting (README "Status"), so the claims it judged change.
            if void_from.is_some() {
                super::claims::refresh_status_of_signer(state, &key.bytes())?;
            }
        }
        (Effect::Update(key), Body::KeyUpdate(u)) => {
            let roles = u
                .roles
                .as_ref()
                .map(|r| r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","));
            state.conn.execute(
                "UPDATE keys SET display_name = COALESCE(?2, display_name), roles = COALESCE(?3, roles),
                        updated_seq = ?4
                 WHERE pubkey = ?1",
                params![key.bytes().as_slice(), u.display_name, roles, entry.seq as i64],
            )?;
        }
        _ => {}
    }
    Ok(())
}

const KEY_COLUMNS: &str = "pubkey, note, name, display_name, roles, granted_seq, granted_at, revoked_seq, revoke_reason, revoke_mode, void_from_seq";

fn from_row(r: &Row) -> rusqlite::Result<KeyRecord> {
    let pubkey: Vec<u8> = r.get(0)?;
    let roles: String = r.get(4)?;
    Ok(KeyRecord {
        pubkey: pubkey.try_into().unwrap_or([0; 32]),
        note: r.get(1)?,
        name: r.get(2)?,
        display_name: r.get(3)?,
        roles: roles.split(',').filter_map(|s| s.parse().ok()).collect(),
        granted_seq: r.get::<_, i64>(5)? as u64,
        granted_at: r.get::<_, i64>(6)? as u64,
        revoked_seq: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
        revoke_reason: r.get(8)?,
        revoke_mode: r.get::<_, Option<String>>(9)?.and_then(|m| m.parse().ok()),
        void_from_seq: r.get::<_, Option<i64>>(10)?.map(|v| v as u64),
    })
}

pub(super) fn lookup(state: &State, pubkey: &[u8; 32]) -> Result<Option<KeyRecord>, StateError> {
    Ok(state
        .conn
        .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM keys WHERE pubkey = ?1"))?
        .query_row([pubkey.as_slice()], from_row)
        .optional()?)
}

pub(super) fn list(state: &State) -> Result<Vec<KeyRecord>, StateError> {
    let mut stmt = state.conn.prepare(&format!(
        "SELECT {KEY_COLUMNS} FROM keys ORDER BY granted_seq"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
