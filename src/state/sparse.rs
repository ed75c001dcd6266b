//! What a status proof (`crate::proof::status`) needs of the state: the
//! statements that a claim's status is derived from, found by id in the
//! index, and a scratch state that applies a log's entries with gaps.
//!
//! A status proof carries only some entries of the log. Its verifier
//! applies them, in log order, through the one validity function
//! ([`State::apply`]) into a fresh state: the entries between them are
//! absent, not refused, so the state moves its position over them
//! ([`State::skip_to`]) rather than recording them as void.

use super::{links, State, StateError};
use crate::digest::Digest;
use crate::statement::Kind;

impl State {
    /// Moves a scratch state's position to entry `seq`, over entries it
    /// will never see (they are not in the status proof being checked).
    /// Every rule but the entry order still holds for what is applied next.
    pub(crate) fn skip_to(&self, seq: u64) -> Result<(), StateError> {
        let applied = self.applied()?;
        if seq < applied {
            return Err(StateError::Corrupt(format!(
                "entry {seq} offered to a state that has applied {applied} entries"
            )));
        }
        self.set_meta("applied", seq)
    }

    /// The log index of every statement of the given kinds, in log order.
    pub(crate) fn statement_seqs_of(&self, kinds: &[Kind]) -> Result<Vec<u64>, StateError> {
        let mut seqs = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq FROM statements WHERE kind = ?1")?;
        for k in kinds {
            for seq in stmt.query_map([k.as_str()], |r| r.get::<_, i64>(0))? {
                seqs.push(seq? as u64);
            }
        }
        seqs.sort_unstable();
        Ok(seqs)
    }

    /// The `claim.link` by which `claim` cites another claim, with that
    /// claim: `(link, cited)`.
    pub(crate) fn cites_link(
        &self,
        claim: &Digest,
    ) -> Result<Option<(Digest, Digest)>, StateError> {
        Ok(links::cited_by(self, claim)?.map(|(to, link)| (link, to)))
    }
}
