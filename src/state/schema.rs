//! The state database's tables and indexes.
//!
//! Every table is derived from the log by [`super::State::apply`]. Ids are
//! 32-byte blobs. The indexes are the ones the rules and the status lookup
//! need to stay independent of the ledger's size: every lookup they make is
//! by primary key or through one of these indexes, never a scan.

use super::StateError;
use rusqlite::Connection;

/// Bumped whenever a table changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: i64 = 6;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
-- `mac` authenticates the row (state::seal): set by the writer, which holds
-- the operator key; NULL in rows a reader applied while catching up.
CREATE TABLE IF NOT EXISTS statements (
    id BLOB PRIMARY KEY,
    id_hex TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    signer BLOB NOT NULL,
    at INTEGER NOT NULL,
    logged_at INTEGER NOT NULL,
    mac BLOB
);
CREATE TABLE IF NOT EXISTS keys (
    pubkey BLOB PRIMARY KEY,
    note TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    granted_seq INTEGER NOT NULL,
    granted_at INTEGER NOT NULL,
    revoked_seq INTEGER,
    revoked_at INTEGER,
    revoke_reason TEXT,
    -- `retired` or `compromised` (a revocation without a mode is
    -- compromised); NULL while the key is in good standing.
    revoke_mode TEXT,
    -- The log index from which the key's statements stop counting: 0 for a
    -- compromise from the start, the `since` point otherwise; NULL when
    -- nothing it signed is void (never compromised).
    void_from_seq INTEGER,
    -- The last key.update or re-grant that changed roles or display name.
    updated_seq INTEGER
);
-- A compromise `since` a time is found as the first entry logged then.
CREATE INDEX IF NOT EXISTS statements_logged_at ON statements (logged_at);

-- Log entries the rules refuse, applied as nothing by `reindex
-- --skip-refused` (and by audit's replay) so that the ledger stays usable.
-- `kind` and `id` are NULL when the statement could not be decoded; `rule`
-- is the refusing rule's id (README, Rule ids).
CREATE TABLE IF NOT EXISTS void (
    seq INTEGER PRIMARY KEY,
    id BLOB,
    kind TEXT,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sources (
    n INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    role TEXT,
    affiliation TEXT,
    place TEXT,
    on_record INTEGER NOT NULL,
    count TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL,
    -- The anonymity terms (canonical CBOR of the record's `anonymity`).
    anonymity BLOB,
    -- The source that stands for this one's origin: itself, or the first
    -- recorded source of its class once `source.merge` or a same-person
    -- `source.relate` joins classes (crate::status rule 3).
    origin BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_origin ON sources (origin);

-- source.identity: one salted commitment per anonymous source, and each
-- commitment names one source. The identity itself is never stored.
CREATE TABLE IF NOT EXISTS identities (
    id BLOB PRIMARY KEY,
    source BLOB NOT NULL UNIQUE,
    commitment BLOB NOT NULL UNIQUE,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL
);

-- source.relate (same_person / distinct_person, between commitments) and
-- source.merge (relation `merge`, between source ids).
CREATE TABLE IF NOT EXISTS source_relations (
    id BLOB PRIMARY KEY,
    a BLOB NOT NULL,
    b BLOB NOT NULL,
    relation TEXT NOT NULL,
    note TEXT,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS source_relations_a ON source_relations (a);
CREATE INDEX IF NOT EXISTS source_relations_b ON source_relations (b);

-- One row per article version. `chain` is the id of the chain's first
-- version, `version` counts from 1; `superseded_by` is set when a newer
-- version is recorded (at most one: no forks). `mac` authenticates id,
-- chain, version, content and retrieved_at (state::seal). `capture` is the
-- capture record (canonical CBOR) of a version fetched from the web.
CREATE TABLE IF NOT EXISTS articles (
    n INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    url TEXT NOT NULL,
    publisher TEXT NOT NULL,
    title TEXT NOT NULL,
    published_at INTEGER,
    retrieved_at INTEGER NOT NULL,
    content BLOB NOT NULL,
    length INTEGER NOT NULL,
    supersedes BLOB,
    superseded_by BLOB,
    chain BLOB NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL,
    mac BLOB,
    capture BLOB
);
CREATE INDEX IF NOT EXISTS articles_chain ON articles (chain, version);

-- One row per claim, holding its current state. `revision` is the current
-- revision (the claim.record or the latest claim.revise) and `article` the
-- version it reads; `content` (canonical CBOR of the ClaimContent) and
-- `substance` are those of the latest revision that has text, which a
-- removal keeps. `status` caches the derived status (crate::status) for
-- filtering; apply recomputes it whenever an input changes.
CREATE TABLE IF NOT EXISTS claims (
    n INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    chain BLOB NOT NULL,
    revision BLOB NOT NULL,
    revisions INTEGER NOT NULL,
    article BLOB NOT NULL,
    content_revision BLOB NOT NULL,
    content BLOB NOT NULL,
    substance BLOB NOT NULL,
    source BLOB,
    relayed_by BLOB,
    removed INTEGER NOT NULL DEFAULT 0,
    retraction BLOB,
    status TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_chain ON claims (chain);
CREATE INDEX IF NOT EXISTS claims_article ON claims (article);
CREATE INDEX IF NOT EXISTS claims_source ON claims (source) WHERE source IS NOT NULL;
CREATE INDEX IF NOT EXISTS claims_relayed_by ON claims (relayed_by) WHERE relayed_by IS NOT NULL;
CREATE INDEX IF NOT EXISTS claims_status ON claims (status);

-- Every revision of every claim: number 0 is the claim.record itself.
-- `content` is NULL for a removal. `mac` authenticates id, claim and
-- substance, which the rules read (state::seal).
CREATE TABLE IF NOT EXISTS revisions (
    id BLOB PRIMARY KEY,
    claim BLOB NOT NULL,
    number INTEGER NOT NULL,
    article BLOB NOT NULL,
    reason TEXT,
    note TEXT,
    content BLOB,
    substance BLOB,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL,
    mac BLOB,
    UNIQUE (claim, number)
);
-- The revisions that read an article version: what a claim recorded again
-- in that version is compared with (state/existing.rs).
CREATE INDEX IF NOT EXISTS revisions_article ON revisions (article);

CREATE TABLE IF NOT EXISTS retractions (
    id BLOB PRIMARY KEY,
    claim BLOB NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS links (
    id BLOB PRIMARY KEY,
    from_claim BLOB NOT NULL,
    to_claim BLOB NOT NULL,
    relation TEXT NOT NULL,
    note TEXT,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL,
    -- Set by the claim.link.withdraw.
    withdrawal BLOB,
    withdrawn_seq INTEGER,
    withdrawn_at INTEGER,
    withdraw_reason TEXT,
    withdraw_signer BLOB
);
CREATE INDEX IF NOT EXISTS links_from ON links (from_claim, relation);
CREATE INDEX IF NOT EXISTS links_to ON links (to_claim, relation);

-- `evidence` is the canonical CBOR of the evidence list. The withdrawal
-- columns are set by the verification.withdraw.
CREATE TABLE IF NOT EXISTS verifications (
    id BLOB PRIMARY KEY,
    claim BLOB NOT NULL,
    revision BLOB NOT NULL,
    verdict TEXT NOT NULL,
    evidence BLOB NOT NULL,
    note TEXT,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    signer BLOB NOT NULL,
    withdrawal BLOB,
    withdrawn_seq INTEGER,
    withdrawn_at INTEGER,
    withdraw_reason TEXT
);
CREATE INDEX IF NOT EXISTS verifications_claim ON verifications (claim, seq);
CREATE INDEX IF NOT EXISTS verifications_signer ON verifications (signer);

-- Full-text search over each claim's current proposition, quote and
-- anchored text; rowid = claims.n.
CREATE VIRTUAL TABLE IF NOT EXISTS claim_text USING fts5 (
    proposition, quote, exact,
    tokenize = 'unicode61 remove_diacritics 2'
);
";

/// Refuses a database of another schema version, reading only; returns
/// the version (0 for a new, empty database).
pub fn check(conn: &Connection) -> Result<i64, StateError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found != 0 && found != SCHEMA_VERSION {
        return Err(StateError::Schema {
            found,
            want: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Creates the tables, or checks an existing database is of this version.
pub fn migrate(conn: &Connection) -> Result<(), StateError> {
    let found = check(conn)?;
    if found == SCHEMA_VERSION {
        // Opening an index that exists writes nothing, so readers do not
        // wait for a writer's transaction and a read-only copy still opens.
        return Ok(());
    }
    conn.execute_batch(TABLES)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}
