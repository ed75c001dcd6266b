//! `provledger key`: generate, grant, revoke and list keys.

use super::output::{print_json, say, Signing, OPERATOR_DEFAULT_HELP};
use super::render::Esc;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::keys::{self, SecretKey};
use provledger::statement::{Body, KeyGrant, KeyRevoke, KeyUpdate, RevokeMode, Role};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Manage the keys that may sign statements.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Generate a key pair: NAME.key (private, mode 0600) and NAME.pub.
    ///
    /// Prints the public (verifier) key. An existing file is never overwritten.
    Generate(GenerateArgs),
    /// Grant roles to a key (signed by the operator).
    Grant(GrantArgs),
    /// Revoke a key (signed by the operator, or by the key itself).
    ///
    /// --mode retired: the holder left; what the key signed keeps counting
    /// and it may be granted again. --mode compromised (the default): what
    /// it signed does not count, from --since TIME or --since-entry N on if
    /// given, else from its first statement.
    Revoke(RevokeArgs),
    /// Change a granted key's roles or display name (a new statement
    /// signed by the operator; the grant and what the key signed stay).
    Update(UpdateArgs),
    /// List the keys granted in this ledger.
    List(ListArgs),
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The key's name (no spaces or '+'), e.g. a person's handle.
    name: String,
    /// Directory to write NAME.key and NAME.pub into.
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

#[derive(Args, Debug)]
#[command(mut_arg("key", |a| a.help(OPERATOR_DEFAULT_HELP).env(None::<&str>)))]
pub struct GrantArgs {
    /// The key's public key file (NAME.pub).
    pubkey: PathBuf,
    /// A role to grant: editor, checker or auditor (repeatable).
    #[arg(long = "role", required = true)]
    roles: Vec<Role>,
    /// Who holds the key (defaults to the key's name).
    #[arg(long)]
    display_name: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
#[command(mut_arg("key", |a| a.help(OPERATOR_DEFAULT_HELP).env(None::<&str>)))]
pub struct RevokeArgs {
    /// The key to revoke: its public key file (NAME.pub).
    pubkey: PathBuf,
    /// Why the key is revoked.
    #[arg(long)]
    reason: String,
    /// retired or compromised [default: compromised, from the start].
    #[arg(long)]
    mode: Option<RevokeMode>,
    /// For a compromise: statements logged at or after this RFC 3339 time
    /// do not count; earlier ones do.
    #[arg(long, value_name = "TIME", conflicts_with = "since_entry")]
    since: Option<String>,
    /// For a compromise: statements at or after this log index do not
    /// count; earlier ones do.
    #[arg(long, value_name = "N")]
    since_entry: Option<u64>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
#[command(mut_arg("key", |a| a.help(OPERATOR_DEFAULT_HELP).env(None::<&str>)))]
pub struct UpdateArgs {
    /// The key: its public key file (NAME.pub).
    pubkey: PathBuf,
    /// The key's roles from now on (repeatable; all of them).
    #[arg(long = "role")]
    roles: Vec<Role>,
    /// The key's display name from now on.
    #[arg(long)]
    display_name: Option<String>,
    /// Why.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    signing: Signing,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON (schemas/key-list.schema.json).
    #[arg(long)]
    json: bool,
}

pub fn run(ledger: &Path, cmd: KeyCommand) -> Result<()> {
    match cmd {
        KeyCommand::Generate(a) => generate(a),
        KeyCommand::Grant(a) => {
            let key = keys::load_public_key(&a.pubkey)?;
            let body = Body::KeyGrant(KeyGrant {
                key: key.to_note_string(),
                display_name: a.display_name.unwrap_or_else(|| key.name().to_string()),
                roles: a.roles,
            });
            a.signing.append_one(ledger, body)
        }
        KeyCommand::Revoke(a) => {
            let key = keys::load_public_key(&a.pubkey)?;
            let since_at = a
                .since
                .as_deref()
                .map(super::output::parse_time)
                .transpose()?;
            let mode = match (a.mode, since_at.is_some() || a.since_entry.is_some()) {
                // A since point says the key was compromised.
                (None, true) => Some(RevokeMode::Compromised),
                (m, _) => m,
            };
            let body = Body::KeyRevoke(KeyRevoke {
                mode,
                since_at,
                since_entry: a.since_entry,
                ..KeyRevoke::new(key.to_note_string(), a.reason)
            });
            a.signing.append_one(ledger, body)
        }
        KeyCommand::Update(a) => {
            let key = keys::load_public_key(&a.pubkey)?;
            let body = Body::KeyUpdate(KeyUpdate {
                key: key.to_note_string(),
                display_name: a.display_name,
                roles: (!a.roles.is_empty()).then_some(a.roles),
                note: a.note,
            });
            a.signing.append_one(ledger, body)
        }
        KeyCommand::List(a) => list(ledger, a),
    }
}

fn generate(a: GenerateArgs) -> Result<()> {
    let key = SecretKey::generate(&a.name)?;
    let (key_path, pub_path) = keys::write_key_pair(&a.out, &key)?;
    say!(
        "wrote private key {} (mode 0600: keep it secret) and public key {}",
        Esc(&key_path.display().to_string()),
        Esc(&pub_path.display().to_string())
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", Esc(&key.public().to_string()))?;
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct KeyView {
    name: String,
    key: String,
    display_name: String,
    roles: Vec<Role>,
    granted_at_entry: u64,
    revoked_at_entry: Option<u64>,
    revoke_reason: Option<String>,
    /// retired or compromised, when revoked.
    revoke_mode: Option<RevokeMode>,
    /// The log index from which what the key signed does not count.
    void_from_entry: Option<u64>,
}

fn list(ledger: &Path, a: ListArgs) -> Result<()> {
    let l = provledger::ledger::Ledger::open(ledger)?;
    let keys: Vec<KeyView> = l
        .state()
        .keys()
        .context("reading keys")?
        .into_iter()
        .map(|k| KeyView {
            name: k.name,
            key: k.note,
            display_name: k.display_name,
            roles: k.roles,
            granted_at_entry: k.granted_seq,
            revoked_at_entry: k.revoked_seq,
            revoke_reason: k.revoke_reason,
            revoke_mode: k.revoke_mode,
            void_from_entry: k.void_from_seq,
        })
        .collect();
    if a.json {
        return print_json(&keys);
    }
    let mut out = std::io::stdout().lock();
    for k in keys {
        let roles: Vec<&str> = k.roles.iter().map(|r| r.as_str()).collect();
        let status = match (k.revoked_at_entry, k.revoke_mode) {
            (Some(e), Some(RevokeMode::Retired)) => format!(
                "RETIRED at entry {e} (its statements keep counting): {}",
                Esc(&k.revoke_reason.unwrap_or_default())
            ),
            (Some(e), _) => format!(
                "REVOKED at entry {e}: {} (compromised: its statements from entry {} on do not count)",
                Esc(&k.revoke_reason.unwrap_or_default()),
                k.void_from_entry.unwrap_or(0)
            ),
            (None, _) => "active".into(),
        };
        writeln!(
            out,
            "{:<16} {:<24} {:<16} {}\n    {}",
            Esc(&k.name),
            Esc(&k.display_name),
            roles.join(","),
            status,
            Esc(&k.key)
        )?;
    }
    Ok(())
}
