//! `provledger key`: generate, grant, revoke and list keys.

use super::output::{print_json, say, Signing, OPERATOR_DEFAULT_HELP};
use super::render::Esc;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use provledger::keys::{self, SecretKey};
use provledger::statement::{Body, KeyGrant, KeyRevoke, Role};
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
    Revoke(RevokeArgs),
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
            let body = Body::KeyRevoke(KeyRevoke {
                key: key.to_note_string(),
                reason: a.reason,
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
        })
        .collect();
    if a.json {
        return print_json(&keys);
    }
    let mut out = std::io::stdout().lock();
    for k in keys {
        let roles: Vec<&str> = k.roles.iter().map(|r| r.as_str()).collect();
        let status = match k.revoked_at_entry {
            Some(e) => format!(
                "REVOKED at entry {e}: {}",
                Esc(&k.revoke_reason.unwrap_or_default())
            ),
            None => "active".into(),
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
