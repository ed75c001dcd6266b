//! Savepoints inside a batch: a group commit ([`crate::ledger::Ledger::append_group`])
//! applies several independent submissions in one transaction, and one of
//! several statements that must stand or fall together may be refused after
//! the others were recorded. A savepoint undoes just those.
//!
//! [`State::apply`] needs none for a single statement (its checks run before
//! any write); a savepoint costs a flush of the full-text index, so the group
//! commit takes one only around a submission of more than one statement.

use super::{State, StateError};
use crate::digest::Digest;
use std::collections::BTreeSet;

/// A point inside the open batch that [`State::rollback_to`] returns to.
#[must_use = "release or roll back the savepoint"]
pub struct Savepoint {
    /// The claims marked for a status refresh when it was taken.
    dirty: BTreeSet<Digest>,
    /// The meta values kept aside then (the position, `state/mod.rs`).
    meta: super::MetaCache,
}

impl State {
    /// Marks the current point of the open batch (see [`State::begin`]).
    pub fn savepoint(&mut self) -> Result<Savepoint, StateError> {
        self.conn.execute_batch("SAVEPOINT submission")?;
        Ok(Savepoint {
            dirty: self.dirty.get_mut().clone(),
            meta: self.meta.get_mut().clone(),
        })
    }

    /// Keeps everything applied since `savepoint` (in the open batch).
    pub fn release(&mut self, savepoint: Savepoint) -> Result<(), StateError> {
        drop(savepoint);
        self.conn.execute_batch("RELEASE submission")?;
        Ok(())
    }

    /// Undoes everything applied since `savepoint`, keeping the batch open
    /// with what came before it.
    pub fn rollback_to(&mut self, savepoint: Savepoint) -> Result<(), StateError> {
        self.conn
            .execute_batch("ROLLBACK TO submission; RELEASE submission")?;
        // Texts verified since may belong to versions no longer recorded,
        // and claims marked since may no longer exist.
        self.texts.get_mut().clear();
        *self.dirty.get_mut() = savepoint.dirty;
        // The position goes back with the rows (the table's copy, if it
        // was written since, was rolled back with them).
        *self.meta.get_mut() = savepoint.meta;
        Ok(())
    }
}
