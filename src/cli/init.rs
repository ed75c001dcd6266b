//! `provledger init`: create a ledger.

use super::output::say;
use super::render::Esc;
use anyhow::{bail, Result};
use clap::Args;
use provledger::keys::{self, SecretKey};
use provledger::ledger::Ledger;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Create a new ledger: the operator key (unless --key is given), the
/// genesis statement and the first signed checkpoint.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The log's origin, which is also the operator key's name (e.g.
    /// example.org/provledger). Ignored with --key (the key's name is used).
    #[arg(long, default_value = "provledger")]
    origin: String,
    /// Use this existing operator private key instead of creating one in
    /// LEDGER/private/operator.key.
    #[arg(long)]
    key: Option<PathBuf>,
    /// How many agreeing current verdicts make a claim verified or refuted.
    #[arg(long, default_value_t = 1)]
    quorum: u64,
    /// Let a verdict by a key that recorded or revised the claim count
    /// (by default such a self-review is shown but not counted).
    #[arg(long)]
    allow_self_review: bool,
    /// What this ledger records.
    #[arg(long, default_value = "A provenance ledger of attributed news claims")]
    description: String,
}

pub fn run(ledger: &Path, a: InitArgs) -> Result<()> {
    if Ledger::exists(ledger) {
        bail!(
            "{} already holds a ledger; refusing to overwrite it",
            ledger.display()
        );
    }
    let now = super::now()?;
    let default_key = Ledger::default_operator_key_path(ledger);
    // An init that died part-way left its key beside an empty log: finish
    // with that key rather than refuse to overwrite it.
    let resume = a.key.is_none() && default_key.exists() && Ledger::is_unfinished_init(ledger);
    let (operator, generated) = match &a.key {
        Some(path) => (keys::load_secret_key(path)?, false),
        None if resume => (keys::load_secret_key(&default_key)?, false),
        None => (SecretKey::generate(&a.origin)?, true),
    };
    // Check the genesis (quorum, description, ...) before anything is
    // written, so that a refused init leaves no key or ledger behind.
    let policy = provledger::statement::Policy {
        quorum: a.quorum,
        allow_self_review: a.allow_self_review,
    };
    Ledger::genesis_with_policy(&operator, &a.description, &policy, now)?;
    let existed = ledger.exists();
    if resume {
        say!(
            "finishing the unfinished init of {} with its operator key {}",
            Esc(&ledger.display().to_string()),
            Esc(&default_key.display().to_string())
        );
    }
    if generated {
        let key = Ledger::write_operator_key(ledger, &operator)?;
        say!(
            "created operator key {} (keep it secret; never publish LEDGER/private/)",
            Esc(&key.display().to_string())
        );
    }
    if let Err(e) = Ledger::init_with_policy(ledger, &operator, &a.description, &policy, now) {
        // Only while no ledger holds its genesis: an init whose genesis is
        // durable and that failed afterwards (opening the index on a full
        // disk, say) has made a ledger this key signs, and it must not be
        // left without its operator key.
        if generated && !Ledger::exists(ledger) {
            Ledger::remove_operator_key(ledger, existed);
        }
        return Err(e.into());
    }
    say!(
        "created ledger {} with origin {}",
        Esc(&ledger.display().to_string()),
        super::render::Esc(operator.public().name())
    );
    let public = operator.public().to_string();
    writeln!(std::io::stdout(), "{}", super::render::Esc(&public))?;
    Ok(())
}
