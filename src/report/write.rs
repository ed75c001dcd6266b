//! Writing the static site: every route of [`Site::routes`] rendered into
//! a fresh directory beside the output, which then takes the output's
//! place: one rename onto a new or empty directory, two over an earlier
//! report (the old one aside, the new one in: for a moment `DIR` is
//! missing), so a reader of `DIR` never sees half of each, and a failure
//! leaves `DIR` as it was.

use super::{ReportError, Site};
use std::fs;
use std::path::{Path, PathBuf};

/// The file that marks a directory as a site `provledger report` wrote, so
/// that it may be replaced; a directory without it is never replaced.
pub const MARKER: &str = ".provledger-report";

/// What [`write_site`] wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Written {
    /// The output directory.
    pub out: PathBuf,
    /// How many files (pages, the style sheet, the script).
    pub files: u64,
    /// Their bytes in all.
    pub bytes: u64,
    /// The log size the site shows.
    pub size: u64,
    /// Whether a previous report in `out` was replaced.
    pub replaced: bool,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |source| ReportError::Io { what, path, source }
}

/// Whether `out` may be written: absent, an empty directory, or a previous
/// report (holding [`MARKER`]). Returns whether it holds a previous report.
fn check_out(out: &Path) -> Result<bool, ReportError> {
    let shown = out.display();
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("cannot read", out)(e)),
        Ok(m) if m.file_type().is_symlink() => Err(ReportError::Out(format!(
            "--out {shown} is a symbolic link; give the directory itself"
        ))),
        Ok(m) if !m.is_dir() => Err(ReportError::Out(format!(
            "--out {shown} is a file, not a directory"
        ))),
        Ok(_) => {
            if out.join(MARKER).is_file() {
                return Ok(true);
            }
            let mut entries = fs::read_dir(out).map_err(io("cannot read", out))?;
            if entries.next().is_some() {
                return Err(ReportError::Out(format!(
                    "--out {shown} is a directory that is not empty and holds no earlier report \
                     (no {MARKER} file); refusing to replace it: give a new or empty directory"
                )));
            }
            Ok(false)
        }
    }
}

/// Writes every page of `site` into `out` (see the module). `progress` is
/// called with (pages done, pages in all) as pages are written.
pub fn write_site(
    site: &Site<'_>,
    out: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<Written, ReportError> {
    let replaced = check_out(out)?;
    let name = out
        .file_name()
        .ok_or_else(|| {
            ReportError::Out(format!(
                "--out {} names no directory (give a path such as site/)",
                out.display()
            ))
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(ReportError::Out(format!(
            "--out {}: its parent directory {} does not exist",
            out.display(),
            parent.display()
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .map_err(io("cannot create a directory in", &parent))?;
    let routes = site.routes()?;
    let total = routes.len() as u64;
    let (mut files, mut bytes) = (0u64, 0u64);
    for (i, route) in routes.iter().enumerate() {
        let page = site.page(route)?.ok_or_else(|| ReportError::Template {
            template: route.clone(),
            message: "a listed route has no page".to_string(),
        })?;
        let path = tmp.path().join(route);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
        }
        fs::write(&path, &page.body).map_err(io("cannot write", &path))?;
        files += 1;
        bytes += page.body.len() as u64;
        progress(i as u64 + 1, total);
    }
    let log = site.ledger.log();
    let marker = tmp.path().join(MARKER);
    fs::write(
        &marker,
        format!(
            "provledger report of {} at log size {}\n",
            log.origin(),
            log.size()
        ),
    )
    .map_err(io("cannot write", &marker))?;
    let new = tmp.keep();
    let placed = if replaced {
        // Move the old report aside, the new one in, then drop the old.
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)
            .map_err(io("cannot create a directory in", &parent))?
            .keep();
        fs::remove_dir(&old).map_err(io("cannot prepare", &old))?;
        fs::rename(out, &old)
            .map_err(io("cannot move the earlier report aside:", out))
            .and_then(|()| {
                fs::rename(&new, out).map_err(|e| {
                    let _ = fs::rename(&old, out);
                    io("cannot move the new report to", out)(e)
                })
            })
            .map(|()| {
                let _ = fs::remove_dir_all(&old);
            })
    } else {
        // Onto a missing or empty directory, rename(2) is one step.
        fs::rename(&new, out).map_err(io("cannot move the new report to", out))
    };
    if let Err(e) = placed {
        let _ = fs::remove_dir_all(&new);
        return Err(e);
    }
    Ok(Written {
        out: out.to_path_buf(),
        files,
        bytes,
        size: log.size(),
        replaced,
    })
}
