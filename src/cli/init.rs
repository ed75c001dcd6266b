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
    Ledger::genesis(&operator, &a.description, a.quorum, now)?;
    let existed = ledger.exists();
    if resume {
        say!(
            "finishing the unfinished init of {} with its operator key {}",
            Esc(&ledger.display().to_string()),
            Esc(&default_key.display().to_string())
        );
    }
    if generated {
        let dir = default_key.parent().expect("the key path has a directory");
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let final_pub = dir.join("operator.pub");
        keys::write_key_files(&default_key, &final_pub, &operator)?;
        say!(
            "created operator key {} (keep it secret; never publish LEDGER/private/)",
            Esc(&default_key.display().to_string())
        );
    }
    if let Err(e) = Ledger::init(ledger, &operator, &a.description, a.quorum, now) {
        // Only while no ledger holds its genesis: an init whose genesis is
        // durable and that failed afterwards (opening the index on a full
        // disk, say) has made a ledger this key signs, and it must not be
        // left without its operator key.
        if generated && !Ledger::exists(ledger) {
            remove_new_key(ledger, &default_key, existed);
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

/// Removes the key files a failed init generated, and the directories made
/// for them, so that the init can simply be run again.
fn remove_new_key(ledger: &Path, key: &Path, ledger_existed: bool) {
    let private = key.parent().expect("the key path has a directory");
    // Best effort: the init's own error is what the user needs to see.
    let _ = std::fs::remove_file(key);
    let _ = std::fs::remove_file(private.join("operator.pub"));
    let _ = std::fs::remove_dir(private);
    if !ledger_existed {
        let _ = std::fs::remove_dir(ledger);
    }
}
