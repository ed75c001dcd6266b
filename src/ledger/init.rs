//! Making a ledger: the genesis statement checked before anything is
//! written, [`Ledger::init`] all or nothing, and the clean-up of what a
//! failed or interrupted init leaves.

use super::blobs::NoBlobs;
use super::{Handle, Ledger, LedgerError, INDEX_FILE, PRIVATE_DIR};
use crate::keys::SecretKey;
use crate::log::{Log, LogError};
use crate::state::{Entry, State, StateError};
use crate::statement::{Policy, SignedStatement};
use std::path::{Path, PathBuf};

impl Ledger {
    /// Where `init` puts the operator key of the ledger in `dir`.
    pub fn default_operator_key_path(dir: &Path) -> PathBuf {
        dir.join(PRIVATE_DIR).join("operator.key")
    }

    /// Writes `operator` as the ledger's own operator key: `private/`
    /// (mode 0700, made if need be) holding `operator.key` and
    /// `operator.pub`. Returns the private key file.
    pub fn write_operator_key(dir: &Path, operator: &SecretKey) -> Result<PathBuf, LedgerError> {
        let key = Ledger::default_operator_key_path(dir);
        let private = dir.join(PRIVATE_DIR);
        let io = |op| {
            let path = private.clone();
            move |source| LedgerError::Log(LogError::Io { op, path, source })
        };
        std::fs::create_dir_all(&private).map_err(io("cannot create"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700))
                .map_err(io("cannot restrict the permissions of"))?;
        }
        crate::keys::write_key_files(&key, &private.join("operator.pub"), operator)?;
        Ok(key)
    }

    /// Removes what [`Ledger::write_operator_key`] made for an init that
    /// then failed, and `dir` itself unless `dir_existed`, so that the init
    /// can simply be run again. Best effort: the init's own error is what
    /// the user needs to see.
    pub fn remove_operator_key(dir: &Path, dir_existed: bool) {
        let private = dir.join(PRIVATE_DIR);
        let _ = std::fs::remove_file(Ledger::default_operator_key_path(dir));
        let _ = std::fs::remove_file(private.join("operator.pub"));
        let _ = std::fs::remove_dir(&private);
        if !dir_existed {
            let _ = std::fs::remove_dir(dir);
        }
    }

    /// Whether `dir` already holds a ledger that `init` must not touch: a
    /// checkpoint that is not that of an [unfinished init](Ledger::is_unfinished_init).
    pub fn exists(dir: &Path) -> bool {
        let cp = dir.join(crate::log::CHECKPOINT_FILE);
        std::fs::symlink_metadata(cp).is_ok() && !Ledger::is_unfinished_init(dir)
    }

    /// Whether `dir` holds what an `init` that died part-way leaves: a
    /// readable checkpoint of the empty log (every ledger's first entry is
    /// its genesis, so no finished ledger has one). `init` may replace it.
    pub fn is_unfinished_init(dir: &Path) -> bool {
        matches!(
            crate::log::read_checkpoint(dir),
            Ok(Some(note)) if crate::log::Checkpoint::parse_unverified(&note)
                .is_ok_and(|cp| cp.size == 0)
        )
    }

    /// Signs the genesis statement of a new ledger and checks it against
    /// the rules, touching nothing on disk: `init` calls it before it writes
    /// the operator key, so a refused genesis leaves no key file behind.
    pub fn genesis(
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
    ) -> Result<SignedStatement, LedgerError> {
        Ledger::genesis_with_policy(operator, description, &Policy::quorum(quorum), now)
    }

    /// [`Ledger::genesis`] with a whole policy (quorum and self-review).
    pub fn genesis_with_policy(
        operator: &SecretKey,
        description: &str,
        policy: &Policy,
        now: u64,
    ) -> Result<SignedStatement, LedgerError> {
        use crate::statement::{Body, Genesis, Statement};
        let genesis = SignedStatement::sign(
            &Statement {
                at: now,
                body: Body::Genesis(Genesis {
                    origin: operator.public().name().to_string(),
                    operator: operator.public().to_note_string(),
                    description: description.to_string(),
                    policy: policy.clone(),
                }),
            },
            operator,
        )
        .map_err(|source| LedgerError::Statement { index: 0, source })?;
        let mut scratch = State::in_memory()?;
        let verified = genesis
            .clone()
            .verify()
            .map_err(|source| LedgerError::Statement { index: 0, source })?;
        scratch
            .apply(
                &Entry {
                    seq: 0,
                    logged_at: now,
                    statement: &verified,
                },
                &NoBlobs,
            )
            .map_err(|source| match source {
                StateError::Rule(error) => LedgerError::Refused {
                    index: 0,
                    batch: 1,
                    id: verified.id().to_hex(),
                    error,
                },
                other => LedgerError::State(other),
            })?;
        Ok(genesis)
    }

    /// Creates a ledger in `dir` whose genesis is signed by `operator`.
    ///
    /// All or nothing: if anything fails before the genesis is in the log,
    /// every file this call made is removed again (the checkpoint first, so
    /// that what is left is never mistaken for a ledger), and a second
    /// `init` can succeed. What a process killed part-way leaves — a
    /// checkpoint of the empty log ([`Ledger::is_unfinished_init`]) — is
    /// cleared and replaced.
    pub fn init(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_inner(
            dir,
            operator,
            description,
            &Policy::quorum(quorum),
            now,
            None,
        )
    }

    /// [`Ledger::init`] with a whole policy (quorum and self-review).
    pub fn init_with_policy(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        policy: &Policy,
        now: u64,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_inner(dir, operator, description, policy, now, None)
    }

    /// [`Ledger::init`], with its genesis append stopped at `point` as if
    /// the process had died there (tests only).
    #[doc(hidden)]
    pub fn init_crashing_at(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        quorum: u64,
        now: u64,
        point: crate::log::CrashPoint,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_inner(
            dir,
            operator,
            description,
            &Policy::quorum(quorum),
            now,
            Some(point),
        )
    }

    fn init_inner(
        dir: &Path,
        operator: &SecretKey,
        description: &str,
        policy: &Policy,
        now: u64,
        crash: Option<crate::log::CrashPoint>,
    ) -> Result<Ledger, LedgerError> {
        // Check the genesis against the rules before creating anything.
        let genesis = Ledger::genesis_with_policy(operator, description, policy, now)?;
        if Ledger::is_unfinished_init(dir) {
            // Under the writer lock, so as not to clear away the empty log
            // of another init that is still at work.
            let held = match Log::open_writer(dir, None) {
                Err(e @ LogError::Locked { .. }) => return Err(e.into()),
                other => other.ok(),
            };
            remove_ledger_files(dir, &[])?;
            drop(held);
        }
        let existed = std::fs::symlink_metadata(dir).is_ok();
        // What was there before and may hold somebody else's files or lock:
        // an undo leaves it. (A `tile/` or `hashes` there was empty, or
        // Log::create would have refused.)
        let keep: Vec<&str> = [crate::log::blobs::BLOBS_DIR, crate::log::LOCK_FILE]
            .into_iter()
            .filter(|f| std::fs::symlink_metadata(dir.join(f)).is_ok())
            .collect();
        let writer = match Log::create(dir, &operator.note_signer()) {
            Ok(w) => w,
            // Somebody's ledger, or another init at work: not ours to undo.
            Err(e @ (LogError::AlreadyExists { .. } | LogError::Locked { .. })) => {
                return Err(e.into())
            }
            Err(e) => return Err(undo_init(dir, existed, &keep, e.into())),
        };
        let built = (|| {
            let mut writer = writer;
            writer.crash_at(crash);
            remove_index(dir)?;
            let state = State::open(&dir.join(INDEX_FILE))?;
            let mut ledger = Ledger {
                dir: dir.to_path_buf(),
                log: Handle::Writer(writer),
                state,
            };
            ledger.append(vec![genesis], operator, now)?;
            if let Handle::Writer(w) = &mut ledger.log {
                w.crash_at(None);
            }
            Ok(ledger)
        })();
        match built {
            Ok(ledger) => Ok(ledger),
            // The genesis made it into the log: the ledger is whole, and the
            // index catches up when it is opened.
            Err(_) if Log::open(dir).is_ok_and(|l| l.size() > 0) => Ledger::open_writer(dir),
            Err(e) => Err(undo_init(dir, existed, &keep, e)),
        }
    }
}

/// Removes what [`Ledger::init`] made after it failed with `e`, and returns
/// `e` (with the reason the clean-up failed, if it did).
fn undo_init(dir: &Path, existed: bool, keep: &[&str], e: LedgerError) -> LedgerError {
    if let Err(cleanup) = remove_ledger_files(dir, keep) {
        return LedgerError::InitCleanup {
            error: Box::new(e),
            cleanup: Box::new(cleanup),
        };
    }
    if !existed {
        // Only if empty: the operator key may be in private/.
        let _ = std::fs::remove_dir(dir);
    }
    e
}

/// Removes every file a ledger's log and index are made of (not `private/`,
/// nor the top-level names in `keep`), the checkpoint first: from then on
/// nothing takes the rest for a ledger.
fn remove_ledger_files(dir: &Path, keep: &[&str]) -> Result<(), LedgerError> {
    use crate::log::{blobs::BLOBS_DIR, CHECKPOINT_FILE, HASHES_FILE, LOCK_FILE, PENDING_FILE};
    let io = |p: &Path| {
        let path = p.to_path_buf();
        move |source| {
            LedgerError::Log(LogError::Io {
                op: "cannot remove",
                path,
                source,
            })
        }
    };
    let files = [
        CHECKPOINT_FILE.to_string(),
        format!("{CHECKPOINT_FILE}.tmp"),
        HASHES_FILE.into(),
        PENDING_FILE.into(),
        format!("{PENDING_FILE}.tmp"),
        LOCK_FILE.into(),
    ];
    for f in files.iter().filter(|f| !keep.contains(&f.as_str())) {
        let f = dir.join(f);
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&f)(e)),
        }
    }
    remove_index(dir)?;
    // remove_dir_all does not follow links out of the tree.
    for d in [crate::log::TILE_DIR, BLOBS_DIR] {
        if keep.contains(&d) {
            continue;
        }
        let d = dir.join(d);
        match std::fs::remove_dir_all(&d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&d)(e)),
        }
    }
    Ok(())
}

pub(super) fn remove_index(dir: &Path) -> Result<(), LedgerError> {
    for suffix in ["", "-wal", "-shm"] {
        let p = dir.join(format!("{INDEX_FILE}{suffix}"));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(LedgerError::Index {
                    path: p.display().to_string(),
                    source,
                })
            }
        }
    }
    Ok(())
}
