//! Who holds the writer lock, so that a writer that has to wait for it can
//! say so instead of pausing silently.
//!
//! The writer that takes the lock writes a [`Holder`] (pid, command, start
//! time) into the lock file; a writer that finds the lock taken reads it and
//! tells the callback set with [`on_lock_wait`]. The library never prints:
//! the command line sets a callback that does.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::OnceLock;

/// The longest command a holder records (the rest is cut), and the most a
/// waiter reads of a lock file.
const MAX_COMMAND: usize = 200;
/// How many subcommand words a holder records after its program name.
const MAX_WORDS: usize = 3;

/// The subcommand this process runs, as its caller named it
/// ([`name_command`]); never taken from the raw arguments, which hold
/// paths, values and text (an anonymous source's identity, say).
static COMMAND: OnceLock<String> = OnceLock::new();

/// Names the subcommand this process runs (e.g. `claim add`), for the
/// lock file. Only lowercase words are kept, at most a few; a process that
/// names none records its program name alone.
pub fn name_command(words: &[&str]) {
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| is_word(w))
        .take(MAX_WORDS)
        .collect();
    let _ = COMMAND.set(kept.join(" "));
}
const MAX_HOLDER_BYTES: u64 = 1024;

/// The process that holds (or last held) a ledger's writer lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Its process id.
    pub pid: u32,
    /// Its command: the program's file name and its subcommand as the
    /// caller named it with [`name_command`] (such as `claim add`; never
    /// an argument: no paths, values or text).
    pub command: String,
    /// When it took the lock, in unix seconds.
    pub since: u64,
}

impl Holder {
    /// This process, taking the lock now.
    fn me() -> Holder {
        let program = std::env::args()
            .next()
            .map(|a| {
                Path::new(&a)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or(a)
            })
            .unwrap_or_default();
        // The subcommand, not the command line: the lock file stays in the
        // ledger directory, and arguments hold paths and text.
        let named = COMMAND.get().filter(|c| !c.is_empty());
        let command: String = std::iter::once(program)
            .chain(named.cloned())
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(MAX_COMMAND)
            .collect();
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Holder {
            pid: std::process::id(),
            command,
            since,
        }
    }

    /// The lock file's text: `pid N`, `since SECS`, `command TEXT` lines.
    fn encode(&self) -> String {
        let command = self.command.replace(['\n', '\r'], " ");
        format!(
            "pid {}\nsince {}\ncommand {command}\n",
            self.pid, self.since
        )
    }

    /// Parses `Holder::encode`'s text; `None` for anything else (an
    /// empty lock file, or one being written).
    pub fn parse(text: &str) -> Option<Holder> {
        let mut lines = text.lines();
        let pid = lines.next()?.strip_prefix("pid ")?.parse().ok()?;
        let since = lines.next()?.strip_prefix("since ")?.parse().ok()?;
        let command = lines.next()?.strip_prefix("command ")?.to_string();
        Some(Holder {
            pid,
            command,
            since,
        })
    }
}

/// Whether a command-line argument is a lowercase word (a subcommand
/// name, or a plain value such as a role) rather than a flag, path or text.
fn is_word(arg: &str) -> bool {
    arg.starts_with(|c: char| c.is_ascii_lowercase())
        && arg.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

/// A writer found the lock taken and waits for it.
#[derive(Debug)]
pub struct LockWait<'a> {
    /// The ledger directory.
    pub dir: &'a Path,
    /// Who holds the lock, if the lock file says.
    pub holder: Option<Holder>,
}

type Hook = Box<dyn Fn(&LockWait<'_>) + Send + Sync>;

static HOOK: OnceLock<Hook> = OnceLock::new();

/// Sets what to do when a writer has to wait for the lock (say so, for a
/// command line). Set once per process; returns false if one was set
/// already (and keeps that one).
pub fn on_lock_wait(hook: impl Fn(&LockWait<'_>) + Send + Sync + 'static) -> bool {
    HOOK.set(Box::new(hook)).is_ok()
}

/// Records this process as the holder in the lock file it just locked.
/// Best effort: who holds the lock is only told to waiting writers, so a
/// failure here (a full disk) must not stop the append.
pub(crate) fn taken(mut file: &File) {
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(Holder::me().encode().as_bytes()));
}

/// Tells the hook that this writer waits for the lock held on `lock` (the
/// handle [`taken`]'s holder wrote to), with whoever the lock file names.
///
/// The holder is read through that handle, never by reopening the path:
/// what is at the path now may be a link or a FIFO planted since.
pub(crate) fn waiting(dir: &Path, lock: &File) {
    let Some(hook) = HOOK.get() else { return };
    hook(&LockWait {
        dir,
        holder: read_holder(lock),
    });
}

/// Who the lock file open as `file` names: at most [`MAX_HOLDER_BYTES`],
/// read from its start without moving a cursor other code relies on.
fn read_holder(file: &File) -> Option<Holder> {
    let mut buf = vec![0u8; MAX_HOLDER_BYTES as usize];
    let mut got = 0;
    while got < buf.len() {
        match read_at(file, &mut buf[got..], got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Holder::parse(std::str::from_utf8(&buf[..got]).ok()?)
}

fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_round_trips_and_strips_line_breaks() {
        let h = Holder {
            pid: 42,
            command: "provledger claim add --quote a\nb".into(),
            since: 1_700_000_000,
        };
        let back = Holder::parse(&h.encode()).unwrap();
        assert_eq!(back.pid, 42);
        assert_eq!(back.since, 1_700_000_000);
        assert_eq!(back.command, "provledger claim add --quote a b");
        assert_eq!(Holder::parse(""), None);
        assert!(is_word("claim") && is_word("key-grant"));
        assert!(!is_word("--key") && !is_word("keys/eda.key") && !is_word("Talks"));
        assert_eq!(Holder::parse("pid x\n"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_holder_is_read_through_the_handle_not_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock)
            .unwrap();
        taken(&file);
        // Swap a FIFO in at the path: reopening it would block forever.
        std::fs::remove_file(&lock).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&lock)
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo {}", lock.display());
        let h = read_holder(&file).expect("the handle names the holder");
        assert_eq!(h.pid, std::process::id());
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&lock)
            .unwrap()
            .file_type()
            .is_fifo());
    }
}
