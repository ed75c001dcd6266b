//! WAL checkpoints beside a long-lived writer (`provledger serve`'s
//! sequencer), instead of inside its commits.
//!
//! SQLite runs a checkpoint (copying the write-ahead log into
//! `index.sqlite`, with an fsync of each) in the commit that takes the WAL
//! past `wal_autocheckpoint` pages. Under a stream of group commits that is
//! every few batches, and each of those batches waits for it: in a profile
//! of the sequencer under the load test, a third of its CPU was
//! `State::commit`, most of it the checkpoint. [`State::checkpoint_beside`]
//! gives the checkpoints to a thread with its own connection, which runs a
//! `PASSIVE` checkpoint (it never blocks the writer or a reader) after each
//! commit it is told of, as often as it can keep up. The writer's own
//! automatic checkpoint stays, at [`SAFETY_PAGES`], so the WAL stays
//! bounded if the thread falls behind or readers hold it back.

use super::{State, StateError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, SyncSender};
use std::thread::JoinHandle;

/// The writer's own automatic checkpoint once the thread checkpoints:
/// 16,384 pages (64 MiB of WAL at 4 KiB pages).
pub(crate) const SAFETY_PAGES: u32 = 16_384;

/// The checkpointing thread; told of each commit, stopped when dropped.
pub(crate) struct Checkpointer {
    tx: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// A commit happened: checkpoint when the thread is free (commits while
    /// it works are one more checkpoint, not one each).
    pub(crate) fn committed(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Ends the thread's loop after its current checkpoint.
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl State {
    /// Whether this state's checkpoints run on a thread of their own.
    pub(crate) fn checkpoints_beside(&self) -> bool {
        self.checkpointer.is_some()
    }

    /// Runs this writer's WAL checkpoints on a thread of their own, with a
    /// connection to `path` (this state's database), from now on; see the
    /// module docs.
    pub fn checkpoint_beside(&mut self, path: &Path) -> Result<(), StateError> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )
        .map_err(|source| StateError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let (tx, rx) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("provledger-checkpoint".into())
            .spawn(move || {
                for () in rx {
                    // A checkpoint that cannot run now is retried after
                    // the next commit. One that keeps failing costs only
                    // speed: the writer's own automatic checkpoint, past
                    // SAFETY_PAGES, then bounds the WAL as SQLite always
                    // does (the library prints nothing of its own).
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .map_err(|e| {
                StateError::Refused(format!("cannot start the index checkpoint thread: {e}"))
            })?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", SAFETY_PAGES)?;
        self.checkpointer = Some(Checkpointer {
            tx: Some(tx),
            thread: Some(thread),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page count in the header of the database file itself (not the
    /// WAL): what a checkpoint has copied into it.
    fn pages_in_file(path: &Path) -> u32 {
        let b = std::fs::read(path).unwrap();
        // A new database in WAL mode may have nothing in its file yet.
        b.get(28..32)
            .map_or(0, |h| u32::from_be_bytes(h.try_into().unwrap()))
    }

    /// 20 commits of 50 rows of 2 kB: about 500 pages of WAL, far below
    /// the writer's own checkpoint threshold (SAFETY_PAGES, 16,384), so
    /// that only the thread can copy them into the file.
    fn write_rows(state: &mut State) {
        for batch in 0..20 {
            state.begin().unwrap();
            for i in 0..50 {
                state
                    .conn
                    .execute(
                        "INSERT INTO meta (k, v) VALUES (?1, zeroblob(2000))",
                        [format!("row {batch} {i}")],
                    )
                    .unwrap();
            }
            state.commit().unwrap();
        }
    }

    #[test]
    fn the_thread_copies_the_wal_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        let mut state = State::open(&path).unwrap();
        let before = pages_in_file(&path);
        state.checkpoint_beside(&path).unwrap();
        assert!(state.checkpoints_beside());
        let auto: u32 = state
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
            .unwrap();
        assert_eq!(
            auto, SAFETY_PAGES,
            "the writer's own checkpoint is the safety net"
        );
        write_rows(&mut state);
        // Stopping the thread joins it, after the checkpoint the last
        // commit told it of (a message queued before the stop is still
        // taken): no clock is involved.
        drop(state.checkpointer.take());
        let after = pages_in_file(&path);
        assert!(
            after >= before + 400,
            "the database file has {after} pages (had {before}): the thread did not checkpoint the rows"
        );
        drop(state);
        let reopened = State::open(&path).unwrap();
        let rows: i64 = reopened
            .conn
            .query_row("SELECT count(*) FROM meta WHERE k LIKE 'row %'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(rows, 1000, "every committed row is there");
    }

    /// What makes the test above able to fail: the same rows without the
    /// thread leave the database file as it was.
    #[test]
    fn without_the_thread_the_wal_keeps_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        let mut state = State::open(&path).unwrap();
        state
            .conn
            .pragma_update(None, "wal_autocheckpoint", SAFETY_PAGES)
            .unwrap();
        let before = pages_in_file(&path);
        write_rows(&mut state);
        assert!(!state.checkpoints_beside());
        assert_eq!(
            pages_in_file(&path),
            before,
            "nothing but a checkpoint copies the WAL into the file"
        );
    }
}
