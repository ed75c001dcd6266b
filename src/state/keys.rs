//! Rules and tables for `ledger.genesis`, `key.grant` and `key.revoke`.

use super::limits::{line, text, MAX_LABEL_CHARS, MAX_NOTE_CHARS};
use super::{refuse, Check, Entry, Refusal, State, StateError};
use crate::keys::PublicKey;
use crate::statement::{Body, Role};
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
}

/// What a checked key statement will record.
pub(super) enum Effect {
    Genesis(PublicKey),
    Grant(PublicKey),
    Revoke(PublicKey),
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
            if g.roles.is_empty() {
                refuse!(
                    "grant.roles-empty",
                    "a grant needs at least one role (editor, checker, auditor)"
                );
            }
            let mut roles = g.roles.clone();
            roles.sort();
            roles.dedup();
            if roles.len() != g.roles.len() {
                refuse!("grant.roles-repeated", "roles are listed more than once");
            }
            if let Some(rec) = lookup(state, &key.bytes())? {
                return Err(Check::Refused(match rec.revoked_seq {
                    Some(seq) => Refusal { rule: "grant.revoked-key", reason: format!(
                        "key {} was revoked at entry {seq}; a revoked key cannot be granted again (generate a new key)",
                        key.name()
                    ) },
                    None => Refusal { rule: "grant.already-granted", reason: format!(
                        "key {} is already granted (entry {})",
                        key.name(),
                        rec.granted_seq
                    ) },
                }));
            }
            let genesis_at = state.meta_u64("genesis_at")?;
            not_before(st.at, genesis_at.unwrap_or(0), "the ledger's genesis")?;
            Ok(Effect::Grant(key))
        }
        Body::KeyRevoke(r) => {
            let key = parse_key("key", &r.key)?;
            text("reason", &r.reason, MAX_NOTE_CHARS)?;
            let Some(rec) = lookup(state, &key.bytes())? else {
                refuse!("revoke.unknown-key", "key {} was never granted", key.name());
            };
            if let Some(seq) = rec.revoked_seq {
                refuse!(
                    "revoke.already-revoked",
                    "key {} is already revoked (entry {seq})",
                    key.name()
                );
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
            Ok(Effect::Revoke(key))
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
        (Effect::Revoke(key), Body::KeyRevoke(r)) => {
            state.conn.execute(
                "UPDATE keys SET revoked_seq = ?2, revoked_at = ?3, revoke_reason = ?4 WHERE pubkey = ?1",
                params![key.bytes().as_slice(), entry.seq as i64, st.at as i64, r.reason],
            )?;
            // A revoked checker's verdicts stop counting (README "Status", as
            // documented in crate::status), so the claims it judged change.
            super::claims::refresh_status_of_signer(state, &key.bytes())?;
        }
        _ => {}
    }
    Ok(())
}

const KEY_COLUMNS: &str =
    "pubkey, note, name, display_name, roles, granted_seq, granted_at, revoked_seq, revoke_reason";

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
