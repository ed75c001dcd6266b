//! `provledger init`: create a ledger.

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
    let (operator, generated) = match &a.key {
        Some(path) => (keys::load_secret_key(path)?, false),
        None => (SecretKey::generate(&a.origin)?, true),
    };
    // Check the genesis (quorum, description, ...) before anything is
    // written, so that a refused init leaves no key or ledger behind.
    Ledger::genesis(&operator, &a.description, a.quorum, now)?;
    if generated {
        let path = Ledger::default_operator_key_path(ledger);
        let dir = path.parent().expect("the key path has a directory");
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let final_pub = dir.join("operator.pub");
        keys::write_key_files(&path, &final_pub, &operator)?;
        eprintln!(
            "created operator key {} (keep it secret; never publish LEDGER/private/)",
            path.display()
        );
    }
    Ledger::init(ledger, &operator, &a.description, a.quorum, now)?;
    eprintln!(
        "created ledger {} with origin {}",
        ledger.display(),
        super::render::Esc(operator.public().name())
    );
    let public = operator.public().to_string();
    writeln!(std::io::stdout(), "{}", super::render::Esc(&public))?;
    Ok(())
}
