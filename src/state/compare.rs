//! Compares an index on disk with the state audit replayed from the log.
//!
//! Readers cannot check the writer's seal (they lack the operator key), so
//! an edited index could serve `claims --status verified` while `status`
//! and the log disagree. Audit replays the log into a fresh state anyway;
//! comparing every table of the on-disk index with it, row by row and
//! column by column, finds any such edit. Both sides are read in primary
//! key order and merged, so the comparison streams in constant memory.

use super::seal::SEAL_META;
use super::{State, StateError};
use crate::digest::Digest;
use rusqlite::types::Value;
use rusqlite::Connection;
use std::cmp::Ordering;

/// Meta values that are not part of the replayed state: the seal, and the
/// last leaf hash (which audit checks against the log itself).
const NOT_REPLAYED: [&str; 1] = ["last_leaf_hash"];

/// Columns that only the writer fills in (row authenticators).
const NOT_COMPARED: [&str; 1] = ["mac"];

/// The differences found, the first `limit` described.
#[derive(Debug, Default)]
pub struct Divergence {
    /// One line per differing row, naming its table and key.
    pub listed: Vec<String>,
    /// How many differing rows in all.
    pub total: u64,
}

impl Divergence {
    fn push(&mut self, limit: usize, what: String) {
        self.total += 1;
        if self.listed.len() < limit {
            self.listed.push(what);
        }
    }
}

#[derive(Clone)]
struct Table {
    name: String,
    key: Vec<String>,
    columns: Vec<String>,
}

/// The tables of the replayed state worth comparing: every real table, and
/// virtual tables (full-text search) by rowid, but not the shadow tables a
/// virtual table keeps its data in.
fn tables(replayed: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut stmt = replayed.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let all: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let virtuals: Vec<&str> = all
        .iter()
        .filter(|(_, sql)| sql.starts_with("CREATE VIRTUAL TABLE"))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut out = Vec::new();
    for (name, _) in &all {
        if virtuals.iter().any(|v| name.starts_with(&format!("{v}_"))) {
            continue;
        }
        let mut info = replayed.prepare(&format!("PRAGMA table_info(\"{name}\")"))?;
        let cols: Vec<(String, i64)> = info
            .query_map([], |r| Ok((r.get(1)?, r.get(5)?)))?
            .collect::<Result<_, _>>()?;
        let mut key: Vec<(i64, String)> = cols
            .iter()
            .filter(|(_, pk)| *pk > 0)
            .map(|(c, pk)| (*pk, c.clone()))
            .collect();
        key.sort();
        let mut key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
        if key.is_empty() {
            key.push("rowid".into());
        }
        let columns = cols
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| !key.contains(c) && !NOT_COMPARED.contains(&c.as_str()))
            .collect();
        out.push(Table {
            name: name.clone(),
            key,
            columns,
        });
    }
    Ok(out)
}

/// SQLite's order of values (NULL, numbers, text, blobs; text and blobs
/// bytewise), so that both sides, read `ORDER BY` key, merge.
fn order(a: &Value, b: &Value) -> Ordering {
    fn class(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
            Value::Blob(_) => 3,
        }
    }
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
        (Value::Integer(x), Value::Real(y)) => (*x as f64).total_cmp(y),
        (Value::Real(x), Value::Integer(y)) => x.total_cmp(&(*y as f64)),
        (Value::Real(x), Value::Real(y)) => x.total_cmp(y),
        (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
        _ => class(a).cmp(&class(b)),
    }
}

/// A value as a message shows it: ids by their first 12 hex digits, text
/// quoted with control characters escaped (it comes from an edited file).
fn show(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) if t.chars().count() > 60 => {
            format!("{:?}…", t.chars().take(60).collect::<String>())
        }
        Value::Text(t) => format!("{t:?}"),
        Value::Blob(b) if b.len() <= 6 => format!("x'{}'", hex::encode(b)),
        Value::Blob(b) => format!("x'{}…' ({} bytes)", hex::encode(&b[..6]), b.len()),
    }
}

fn show_id(v: &Value) -> String {
    match v {
        Value::Blob(b) if b.len() == 32 => hex::encode(&b[..6]),
        other => show(other),
    }
}

type Rows<'a> = Box<dyn Iterator<Item = rusqlite::Result<Vec<Value>>> + 'a>;

fn rows<'a>(stmt: &'a mut rusqlite::Statement, width: usize) -> rusqlite::Result<Rows<'a>> {
    let it = stmt.query_map([], move |r| {
        (0..width).map(|i| r.get::<_, Value>(i)).collect()
    })?;
    Ok(Box::new(it))
}

/// The query that reads table `t` in key order, on either side (the
/// replayed search table is read through `search::EXPECTED_SQL` instead).
fn select(t: &Table) -> String {
    let quote = |c: &String| format!("\"{c}\"");
    let all: Vec<String> = t.key.iter().chain(&t.columns).map(quote).collect();
    let key: Vec<String> = t.key.iter().map(quote).collect();
    let filter = if t.name == "meta" {
        let skip: Vec<String> = SEAL_META
            .iter()
            .chain(NOT_REPLAYED.iter())
            .map(|k| format!("'{k}'"))
            .collect();
        format!(" WHERE k NOT IN ({})", skip.join(", "))
    } else {
        String::new()
    };
    format!(
        "SELECT {} FROM \"{}\"{filter} ORDER BY {}",
        all.join(", "),
        t.name,
        key.join(", ")
    )
}

/// Feeds one row to a digest, each value tagged with its type and length.
fn hash_row(h: &mut sha2::Sha256, row: &[Value]) {
    use sha2::Digest as _;
    let mut bytes = |tag: u8, b: &[u8]| {
        h.update([tag]);
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    };
    bytes(b'r', &[]);
    for v in row {
        match v {
            Value::Null => bytes(b'n', &[]),
            Value::Integer(i) => bytes(b'i', &i.to_be_bytes()),
            Value::Real(f) => bytes(b'f', &f.to_bits().to_be_bytes()),
            Value::Text(s) => bytes(b's', s.as_bytes()),
            Value::Blob(b) => bytes(b'b', b),
        }
    }
}

fn hash_rows(rows: Rows) -> rusqlite::Result<Digest> {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for row in rows {
        hash_row(&mut h, &row?);
    }
    Ok(Digest(h.finalize().into()))
}

/// The tables audit compares, read off a fresh replayed state before the
/// replay (its schema does not change), so that the index on disk can be
/// digested on another thread meanwhile ([`disk_digests`]).
#[derive(Clone)]
pub(crate) struct ComparePlan(Vec<Table>);

/// A digest of each table of the index on disk, as [`ComparePlan`] lists
/// them (`None` for a table that cannot be read): rows in key order, each
/// value with its type. Equal digests on both sides mean equal rows, so
/// only a table whose digests differ is compared row by row.
pub(crate) fn disk_digests(disk: &Connection, plan: &ComparePlan) -> Vec<Option<Digest>> {
    plan.0
        .iter()
        .map(|t| {
            let mut stmt = disk.prepare(&select(t)).ok()?;
            let width = t.key.len() + t.columns.len();
            let digest = hash_rows(rows(&mut stmt, width).ok()?).ok();
            digest
        })
        .collect()
}

/// Compares every table of `disk` with `replayed`, describing up to `limit`
/// differing rows. A table or column the index lacks counts as one
/// difference. `digests` are [`disk_digests`] of `plan`, if computed: a
/// table whose digest is that of the replayed rows is not read again.
fn compare(
    replayed: &Connection,
    disk: &Connection,
    plan: &ComparePlan,
    digests: Option<&[Option<Digest>]>,
    limit: usize,
) -> rusqlite::Result<Divergence> {
    let mut out = Divergence::default();
    for (i, t) in plan.0.iter().enumerate() {
        if let Some(Some(theirs)) = digests.and_then(|d| d.get(i)) {
            if ours_digest(replayed, t)? == *theirs {
                continue;
            }
        }
        compare_table(replayed, disk, t, limit, &mut out)?;
    }
    Ok(out)
}

/// The digest [`disk_digests`] gives table `t`, of the replayed rows.
fn ours_digest(replayed: &Connection, t: &Table) -> rusqlite::Result<Digest> {
    let derived = t.name == super::search::TABLE;
    let sql = select(t);
    let mut ours = replayed.prepare(if derived {
        super::search::EXPECTED_SQL
    } else {
        &sql
    })?;
    if derived {
        hash_rows(Box::new(super::search::expected(&mut ours)?))
    } else {
        hash_rows(rows(&mut ours, t.key.len() + t.columns.len())?)
    }
}

/// Compares table `t` of `disk` with `replayed`, row by row.
fn compare_table(
    replayed: &Connection,
    disk: &Connection,
    t: &Table,
    limit: usize,
    out: &mut Divergence,
) -> rusqlite::Result<()> {
    let sql = select(t);
    let width = t.key.len() + t.columns.len();
    // The search index is derived: a state replayed for audit does not
    // keep it, so its rows are derived from the replayed claims.
    let derived = t.name == super::search::TABLE;
    let mut ours = replayed.prepare(if derived {
        super::search::EXPECTED_SQL
    } else {
        &sql
    })?;
    let mut theirs = match disk.prepare(&sql) {
        Ok(s) => s,
        Err(e) => {
            out.push(
                limit,
                format!("table {} cannot be read from the index ({e})", t.name),
            );
            return Ok(());
        }
    };
    let nkey = t.key.len();
    // Columns that help a person find the row: a statement id, a key name.
    let named: Vec<(&str, usize)> = ["id", "name"]
        .into_iter()
        .filter_map(|n| Some((n, t.columns.iter().position(|c| c == n)? + nkey)))
        .collect();
    let describe = |row: &[Value]| -> String {
        let mut parts: Vec<String> = t
            .key
            .iter()
            .zip(row)
            .map(|(k, v)| format!("{k}={}", show_id(v)))
            .collect();
        for (n, i) in &named {
            parts.push(format!("{n}={}", show_id(&row[*i])));
        }
        format!("{} row {}", t.name, parts.join(" "))
    };
    let mut a = if derived {
        Box::new(super::search::expected(&mut ours)?)
    } else {
        rows(&mut ours, width)?
    }
    .peekable();
    let mut b = rows(&mut theirs, width)?.peekable();
    loop {
        let step = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(Err(_)), _) | (_, Some(Err(_))) => Ordering::Equal,
            (Some(Ok(x)), Some(Ok(y))) => x[..nkey]
                .iter()
                .zip(&y[..nkey])
                .map(|(p, q)| order(p, q))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
        };
        match step {
            Ordering::Less => {
                let x = a.next().expect("peeked")?;
                out.push(limit, format!("{} is missing from the index", describe(&x)));
            }
            Ordering::Greater => {
                let y = b.next().expect("peeked")?;
                out.push(
                    limit,
                    format!("{} is in the index but not in the log", describe(&y)),
                );
            }
            Ordering::Equal => {
                let x = a.next().expect("peeked")?;
                let y = b.next().expect("peeked")?;
                let diffs: Vec<String> = t
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| x[nkey + i] != y[nkey + i])
                    .map(|(i, c)| {
                        format!(
                            "{c} is {} in the index but {} in the log",
                            show(&y[nkey + i]),
                            show(&x[nkey + i])
                        )
                    })
                    .collect();
                if !diffs.is_empty() {
                    out.push(limit, format!("{}: {}", describe(&x), diffs.join(", ")));
                }
            }
        }
    }
    Ok(())
}

impl State {
    /// The tables [`State::compare_with`] compares (see [`ComparePlan`]).
    pub(crate) fn compare_plan(&self) -> rusqlite::Result<ComparePlan> {
        Ok(ComparePlan(tables(&self.conn)?))
    }

    /// Compares the index on disk, opened as `disk`, with this state (the
    /// one audit replayed from the log): [`compare`], skipping the tables
    /// whose `digests` ([`disk_digests`] of `plan`) match. The caller
    /// flushes the statuses first ([`State::flush_status`]).
    pub(crate) fn compare_with(
        &self,
        disk: &Connection,
        plan: &ComparePlan,
        digests: Option<&[Option<Digest>]>,
        limit: usize,
    ) -> rusqlite::Result<Divergence> {
        compare(&self.conn, disk, plan, digests, limit)
    }

    /// A SHA-256 digest of every row of every table (the tables that audit
    /// compares, in primary key order, every column but the row MACs), so
    /// that a caller can tell that something left the state as it was: a
    /// refused statement, say, must not change it.
    pub fn fingerprint(&self) -> Result<Digest, StateError> {
        self.flush_status()?;
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        let bytes = |h: &mut Sha256, tag: u8, b: &[u8]| {
            h.update([tag]);
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        for t in tables(&self.conn)? {
            let quote = |c: &String| format!("\"{c}\"");
            let all: Vec<String> = t.key.iter().chain(&t.columns).map(quote).collect();
            let key: Vec<String> = t.key.iter().map(quote).collect();
            let sql = format!(
                "SELECT {} FROM \"{}\" ORDER BY {}",
                all.join(", "),
                t.name,
                key.join(", ")
            );
            bytes(&mut h, b't', t.name.as_bytes());
            let mut stmt = self.conn.prepare(&sql)?;
            for row in rows(&mut stmt, all.len())? {
                h.update(b"r");
                for v in row? {
                    match v {
                        Value::Null => h.update(b"n"),
                        Value::Integer(i) => bytes(&mut h, b'i', &i.to_be_bytes()),
                        Value::Real(f) => bytes(&mut h, b'f', &f.to_bits().to_be_bytes()),
                        Value::Text(s) => bytes(&mut h, b's', s.as_bytes()),
                        Value::Blob(b) => bytes(&mut h, b'b', &b),
                    }
                }
            }
        }
        Ok(Digest(h.finalize().into()))
    }
}
