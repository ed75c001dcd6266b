//! Shared presentation helpers: JSON output and the signing options of
//! commands that append.

use anyhow::{Context, Result};
use clap::Args;
use provledger::keys::{self, SecretKey};
use provledger::ledger::{Ledger, Receipt};
use provledger::statement::{Body, SignedStatement, Statement};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Options of every command that signs and appends a statement.
#[derive(Args, Debug)]
pub struct Signing {
    /// Private key that signs the statement [default: the operator key that
    /// `init` created, LEDGER/private/operator.key].
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// The operator key that signs the ledger's new checkpoint [default:
    /// LEDGER/private/operator.key].
    #[arg(long, env = "PROVLEDGER_OPERATOR_KEY")]
    pub operator_key: Option<PathBuf>,
    /// Print the receipt as JSON (schemas/receipt.schema.json).
    #[arg(long)]
    pub json: bool,
}

impl Signing {
    /// Loads the statement signer's key.
    pub fn signer(&self, ledger: &Path) -> Result<SecretKey> {
        let path = self
            .key
            .clone()
            .unwrap_or_else(|| Ledger::default_operator_key_path(ledger));
        Ok(keys::load_secret_key(&path)?)
    }

    /// Loads the operator key that signs checkpoints.
    pub fn operator(&self, ledger: &Path) -> Result<SecretKey> {
        let path = self
            .operator_key
            .clone()
            .unwrap_or_else(|| Ledger::default_operator_key_path(ledger));
        keys::load_secret_key(&path).context("loading the operator key that signs checkpoints")
    }

    /// Signs `bodies` with the signer key and appends them as one batch.
    pub fn append(&self, ledger: &Path, bodies: Vec<Body>) -> Result<Vec<Receipt>> {
        self.append_with_blobs(ledger, bodies, &[])
    }

    /// As [`Signing::append`], storing `blobs` (which the bodies refer to)
    /// only if every statement is admitted.
    pub fn append_with_blobs(
        &self,
        ledger: &Path,
        bodies: Vec<Body>,
        blobs: &[Vec<u8>],
    ) -> Result<Vec<Receipt>> {
        let signer = self.signer(ledger)?;
        let operator = self.operator(ledger)?;
        let at = super::now()?;
        let statements = bodies
            .into_iter()
            .map(|body| SignedStatement::sign(&Statement { at, body }, &signer))
            .collect::<Result<Vec<_>, _>>()?;
        let mut l = Ledger::open_writer(ledger)?;
        Ok(l.append_with_blobs(statements, blobs, &operator, at)?)
    }

    /// Signs and appends one statement, printing its receipt.
    pub fn append_one(&self, ledger: &Path, body: Body) -> Result<()> {
        let receipts = self.append(ledger, vec![body])?;
        self.print_receipts(&receipts)
    }

    /// Prints receipts as text or JSON.
    pub fn print_receipts(&self, receipts: &[Receipt]) -> Result<()> {
        if self.json {
            return print_json(receipts);
        }
        for r in receipts {
            println!("{} {} at entry {}", r.kind, r.id, r.seq);
        }
        Ok(())
    }
}

/// Formats unix seconds as an RFC 3339 UTC time.
pub fn time(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_string())
        .unwrap_or_else(|| format!("@{secs}"))
}

/// Parses an RFC 3339 time (`2025-11-06T09:00:00Z`) into unix seconds.
pub fn parse_time(s: &str) -> Result<u64> {
    let t: jiff::Timestamp = s
        .parse()
        .with_context(|| format!("'{s}' is not an RFC 3339 time such as 2025-11-06T09:00:00Z"))?;
    u64::try_from(t.as_second()).with_context(|| format!("'{s}' is before 1970"))
}

/// The name to show for a signing key: its granted name, or the origin for
/// the operator key.
pub fn signer_name(l: &Ledger, signer: &[u8; 32]) -> Result<Option<String>> {
    if let Some(k) = l.state().key(signer)? {
        return Ok(Some(k.name));
    }
    Ok((l.state().operator_key()?.as_ref() == Some(signer)).then(|| l.log().origin().to_string()))
}
