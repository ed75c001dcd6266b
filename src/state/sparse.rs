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

    /// The log index of every `key.grant` and `key.revoke`.
    pub(crate) fn key_statement_seqs(&self) -> Result<Vec<u64>, StateError> {
        let seqs: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT seq FROM statements WHERE kind IN ('key.grant', 'key.revoke') ORDER BY seq",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(seqs.into_iter().map(|s| s as u64).collect())
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
