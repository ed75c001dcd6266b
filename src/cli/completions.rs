//! `provledger completions SHELL` and `provledger man`: shell completions
//! and man pages, generated from the same clap definitions as `--help`.

use anyhow::{Context, Result};
use clap::Args;
use clap_complete::Shell;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Print a shell completion script on stdout.
///
/// bash: `provledger completions bash > ~/.local/share/bash-completion/completions/provledger`;
/// zsh: `provledger completions zsh > ~/.zfunc/_provledger` (with ~/.zfunc in
/// $fpath); fish: `provledger completions fish > ~/.config/fish/completions/provledger.fish`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    shell: Shell,
}

/// Write the man pages: provledger(1) and one page per subcommand
/// (provledger-key-grant(1), ...).
///
/// Without --out, prints provledger(1) on stdout (`provledger man | man -l -`).
#[derive(Args, Debug)]
pub struct ManArgs {
    /// Directory to write provledger.1 and the subcommands' pages into
    /// (made if missing; pages already there are replaced).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn completions(mut cmd: clap::Command, a: CompletionsArgs) -> Result<()> {
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, name, &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// Every page: (file name, roff text), the top command's first.
fn pages(cmd: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    fn add(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            add(sub.clone(), pages)?;
        }
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    // Built, subcommands carry their full names (provledger-key-grant).
    cmd.build();
    let mut pages = Vec::new();
    add(cmd, &mut pages)?;
    Ok(pages)
}

pub fn man(cmd: clap::Command, a: ManArgs) -> Result<()> {
    let pages = pages(cmd)?;
    let Some(dir) = a.out else {
        let mut out = std::io::stdout().lock();
        out.write_all(&pages[0].1)?;
        out.flush()?;
        return Ok(());
    };
    write_pages(&dir, &pages)?;
    super::output::say!(
        "wrote {} man pages into {}",
        pages.len(),
        super::render::Esc(&dir.display().to_string())
    );
    Ok(())
}

fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("--out {}: not a directory", dir.display());
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in pages {
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
