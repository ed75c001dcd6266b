//! The index kept in step with the log by replaying it: catch-up on open,
//! the rebuild of a mismatched or stale index, `reindex`, and the in-memory
//! replay of a reader that cannot use its index. Every one goes through
//! [`replay_into`], the one replay of `src/replay.rs`.

use super::blobs::LogBlobs;
use super::init::remove_index;
use super::{check_operator, open_state, Handle, Ledger, LedgerError, INDEX_FILE, LOCK_WAIT};
use crate::keys::SecretKey;
use crate::log::Log;
use crate::state::{IndexKey, State, VoidEntry, RULE_UNDECODABLE};
use std::path::Path;

impl Ledger {
    /// For a reader whose index is behind the log on a full disk, where it
    /// cannot write the entries it lacks, or that it cannot use at all
    /// ([`Ledger::open`]): the state replayed in memory from the whole log
    /// instead, so reads still answer from every entry. The entries the
    /// index applies as nothing (`listed`, from `reindex --skip-refused`)
    /// are applied as nothing here too.
    pub(super) fn replay_in_memory(
        &mut self,
        listed: std::collections::BTreeSet<u64>,
    ) -> Result<(), LedgerError> {
        let mut state = State::in_memory()?;
        state.begin()?;
        replay_into(
            &mut state,
            &self.log,
            0..self.log.size(),
            &mut |_, _| {},
            &Refusals::Void(listed),
        )?;
        state.commit()?;
        self.state = state;
        Ok(())
    }

    /// Applies log entries the index has not seen yet. If the index does not
    /// match the log (restored from elsewhere, or damaged), it is rebuilt.
    pub(super) fn catch_up(&mut self) -> Result<(), LedgerError> {
        self.catch_up_with(&mut |_, _| {})
    }

    /// [`Ledger::catch_up`], reporting (entries applied, entries to apply)
    /// as it goes.
    fn catch_up_with(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<(), LedgerError> {
        let writer = matches!(self.log, Handle::Writer(_));
        if !writer && self.state.applied()? > self.log.size() {
            // A writer appended (and indexed) after this reader read the
            // checkpoint: read it again rather than doubt the index.
            self.log = Handle::Reader(Log::open(&self.dir)?);
        }
        let size = self.log.size();
        let applied = self.state.applied()?;
        let in_step = applied <= size
            && (applied == 0
                || self.state.last_leaf_hash()? == Some(self.log.leaf_hash(applied - 1)?));
        if !in_step {
            // Only the writer may rebuild: readers may have the index open.
            if !writer {
                return Err(LedgerError::IndexMismatch {
                    path: self.dir.join(INDEX_FILE).display().to_string(),
                });
            }
            let listed = self.state.void_seqs().unwrap_or_default();
            self.rebuild(Refusals::Void(listed), progress)?;
            return Ok(());
        }
        if applied >= size {
            return Ok(());
        }
        // Take the index's write lock, then look again: another process may
        // have caught it up while this one waited.
        self.state.begin()?;
        let applied = self.state.applied()?;
        if applied >= size {
            self.state.rollback()?;
            return Ok(());
        }
        let result = replay_into(
            &mut self.state,
            &self.log,
            applied..size,
            progress,
            &Refusals::Fail,
        )
        .and_then(|()| Ok(self.state.seal()?));
        match result {
            Ok(()) => self.state.commit()?,
            Err(e) => {
                self.state.rollback()?;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Deletes the index and builds it again from the whole log (the caller
    /// holds the writer lock), authenticated if the old state was. Returns
    /// the entries applied as nothing.
    pub(super) fn rebuild(
        &mut self,
        refusals: Refusals,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Vec<VoidEntry>, LedgerError> {
        let key = self.state.index_key().cloned();
        let beside = self.state.checkpoints_beside();
        drop(std::mem::replace(&mut self.state, State::in_memory()?));
        remove_index(&self.dir)?;
        self.state = open_state(&self.dir)?;
        if let Some(key) = key {
            self.state.authenticate(key);
        }
        // The server's sequencer keeps its checkpoint thread.
        if beside {
            self.state.checkpoint_beside(&self.dir.join(INDEX_FILE))?;
        }
        let size = self.log.size();
        self.state.begin()?;
        let result = replay_into(&mut self.state, &self.log, 0..size, progress, &refusals)
            .and_then(|()| Ok(self.state.seal()?));
        match result {
            Ok(()) => self.state.commit()?,
            Err(e) => {
                self.state.rollback()?;
                return Err(e);
            }
        }
        Ok(self.state.void_entries()?)
    }

    /// Rebuilds the log's `hashes` file, then deletes and rebuilds the
    /// index, from the log's entries, calling `progress` with (entries
    /// done, entries in all) for each pass. Holds the writer lock
    /// meanwhile, so no append lands in an index that is being deleted.
    ///
    /// With `operator` (the key that signs the checkpoints) the new index
    /// is sealed, so the next append need not rebuild it. An entry the
    /// rules refuse fails the rebuild ([`LedgerError::RefusedEntry`]) unless
    /// `skip_refused`, or the old index had already applied it as nothing;
    /// such entries are applied as nothing and returned, in log order. The
    /// old index is never needed: whatever it holds, the rebuild runs.
    pub fn reindex(
        dir: &Path,
        operator: Option<&SecretKey>,
        skip_refused: bool,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<(Ledger, Vec<VoidEntry>), LedgerError> {
        // Refuse a wrong key before anything is written: rebuilding
        // `hashes` renames a new file into place.
        if let Some(op) = operator {
            Log::check_signer_in(dir, &op.note_signer())?;
        }
        let writer = Log::open_writer_rebuilding_hashes(dir, Some(LOCK_WAIT), &mut progress)?;
        if let Some(op) = operator {
            // Again under the lock, against the checkpoint now current.
            check_operator(&writer, op)?;
        }
        let listed = State::void_seqs_in(&dir.join(INDEX_FILE));
        remove_index(dir)?;
        let state = open_state(dir)?;
        let mut ledger = Ledger {
            dir: dir.to_path_buf(),
            log: Handle::Writer(writer),
            state,
        };
        if let Some(op) = operator {
            ledger.state.authenticate(IndexKey::derive(op));
        }
        let refusals = if skip_refused {
            Refusals::VoidAll
        } else {
            Refusals::Void(listed)
        };
        let void = ledger.rebuild(refusals, &mut progress)?;
        Ok((ledger, void))
    }
}

/// What a replay does with an entry the rules refuse (or whose statement
/// cannot be decoded or verified).
pub(super) enum Refusals {
    /// Fail with [`LedgerError::RefusedEntry`].
    Fail,
    /// Apply the listed entries as nothing if refused; fail on others.
    Void(std::collections::BTreeSet<u64>),
    /// Apply every refused entry as nothing.
    VoidAll,
}

impl Refusals {
    fn voids(&self, seq: u64) -> bool {
        match self {
            Refusals::Fail => false,
            Refusals::Void(listed) => listed.contains(&seq),
            Refusals::VoidAll => true,
        }
    }
}

/// Applies log entries `range` to `state` (inside the caller's transaction)
/// through the one replay ([`crate::replay`]: signatures checked in
/// batches, with the same function append uses, beside the apply). An entry
/// that cannot be applied is handled as `refusals` says.
fn replay_into(
    state: &mut State,
    log: &Log,
    range: std::ops::Range<u64>,
    progress: &mut dyn FnMut(u64, u64),
    refusals: &Refusals,
) -> Result<(), LedgerError> {
    use crate::replay::{pipeline, Input, Item};
    let blobs = LogBlobs(log);
    let (first, all) = (range.start, range.end - range.start);
    let mut last = None;
    let mut apply = |item: Item| -> Result<(), LedgerError> {
        let seq = item.seq;
        if let Some(r) = crate::replay::apply(state, &blobs, &item)? {
            if refusals.voids(seq) {
                let (id, kind) = (r.id_kind.map(|(i, _)| i), r.id_kind.map(|(_, k)| k));
                state.record_void(seq, id.as_ref(), kind, r.rule, &r.what)?;
            } else if r.rule == RULE_UNDECODABLE {
                return Err(LedgerError::Corrupt { seq, what: r.what });
            } else {
                return Err(LedgerError::RefusedEntry {
                    seq,
                    rule: r.rule,
                    what: r.what,
                    rebuilding: first == 0,
                });
            }
        }
        last = item.leaf_hash;
        progress(seq + 1 - first, all);
        Ok(())
    };
    pipeline(|p| -> Result<(), LedgerError> {
        for read in log.entries(range) {
            let (seq, bytes) = read?;
            for item in p.push(seq, Input::Leaf(bytes)) {
                apply(item)?;
            }
        }
        p.drain().into_iter().try_for_each(&mut apply)
    })?;
    if let Some(h) = last {
        state.set_last_leaf_hash(&h)?;
    }
    Ok(())
}
