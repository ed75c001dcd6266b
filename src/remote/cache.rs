//! The mirror behind `--remote URL`: one verified mirror per remote in the
//! user's cache directory (`$PROVLEDGER_CACHE`, else
//! `$XDG_CACHE_HOME/provledger`, else `~/.cache/provledger`), under
//! `remotes/<first 16 hex digits of the SHA-256 of the URL>`. Reads and
//! audits of a remote pull it first (fetching only what is new, full tiles
//! once) and then answer from it exactly as from a local ledger.

use super::{mirror, parse_remote_url, MirrorReport, RemoteError, RemoteOptions};
use crate::digest::Digest;
use crate::keys::PublicKey;
use std::path::PathBuf;

/// The cache directory of all remotes.
pub fn cache_root() -> Result<PathBuf, RemoteError> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = env("PROVLEDGER_CACHE") {
        return Ok(p);
    }
    if let Some(p) = env("XDG_CACHE_HOME") {
        return Ok(p.join("provledger"));
    }
    if let Some(h) = env("HOME") {
        return Ok(h.join(".cache").join("provledger"));
    }
    Err(RemoteError::Pin {
        path: PathBuf::from("~/.cache"),
        why: "no cache directory: set PROVLEDGER_CACHE (or XDG_CACHE_HOME or HOME)".into(),
    })
}

/// The mirror directory of the remote at `url`.
pub fn mirror_dir(url: &str) -> Result<PathBuf, RemoteError> {
    let base = parse_remote_url(url)?;
    let hex = Digest::of(base.as_str().as_bytes()).to_hex();
    Ok(cache_root()?.join("remotes").join(&hex[..16]))
}

/// Brings the cached mirror of `url` up to the remote's checkpoint and
/// returns its directory (a ledger directory) and what the pull did.
pub fn sync(
    url: &str,
    operator: Option<PublicKey>,
    opts: RemoteOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(PathBuf, MirrorReport), RemoteError> {
    let dir = mirror_dir(url)?;
    let report = mirror::pull(url, &dir, operator, opts, progress)?;
    Ok((dir, report))
}
