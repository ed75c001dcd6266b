//! The [`Blobs`] the rules read, as a ledger provides them: the log's
//! blob store, the blobs of an append in progress, or none.

use crate::digest::Digest;
use crate::log::{Log, LogError};
use crate::state::{BlobError, Blobs};

/// The blobs stored beside the log.
pub(super) struct LogBlobs<'a>(pub(super) &'a Log);

impl Blobs for LogBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        match self.0.get_blob(digest) {
            Ok(b) => Ok(Some(b)),
            Err(LogError::BlobNotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The blobs of an append in progress, seen before they are stored.
pub(super) struct PendingBlobs<'a> {
    pub(super) pending: std::collections::HashMap<Digest, &'a [u8]>,
    pub(super) stored: LogBlobs<'a>,
}

impl Blobs for PendingBlobs<'_> {
    fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        match self.pending.get(digest) {
            Some(b) => Ok(Some(b.to_vec())),
            None => self.stored.blob(digest),
        }
    }
}

/// A blob source that has none (genesis needs none).
pub(super) struct NoBlobs;

impl Blobs for NoBlobs {
    fn blob(&self, _: &Digest) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(None)
    }
}
