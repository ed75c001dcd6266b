//! An append's signature check beside its apply: [`verify_batch`] of a
//! batch, a chunk at a time on the rayon pool, while the caller applies
//! the chunk before it through the validity function. Verifying first and
//! then applying made the two one after the other (in a 10,000-claim
//! `claim import`, a fifth of the wall time with one core idle).
//!
//! The answers are those of verifying the whole batch first: a bad
//! signature anywhere in the batch is what is reported, even when the
//! apply refused an earlier statement.

use crate::statement::{verify_batch, SignedStatement, StatementError, VerifiedStatement};
use std::sync::mpsc;

/// Statements verified together while the chunk before is applied.
const CHUNK: usize = 512;

/// Why [`verify_beside`] stopped.
pub(super) enum Stopped<E> {
    /// Statement `index` (the first in batch order whose signature fails).
    Signature(usize, StatementError),
    /// The apply failed (no signature in the batch fails).
    Apply(E),
}

/// Verifies `statements` and calls `apply` with each one whose signature
/// checks, in order, until `apply` fails; returns them all, verified.
pub(super) fn verify_beside<E>(
    statements: Vec<SignedStatement>,
    mut apply: impl FnMut(usize, &VerifiedStatement) -> Result<(), E>,
) -> Result<Vec<VerifiedStatement>, Stopped<E>> {
    let mut verified = Vec::with_capacity(statements.len());
    let mut failed: Option<E> = None;
    // Takes one chunk's results; `false` once a signature failed (the
    // answer is known: nothing more needs verifying).
    let mut take = |results: Vec<Result<VerifiedStatement, StatementError>>,
                    verified: &mut Vec<VerifiedStatement>|
     -> Result<(), (usize, StatementError)> {
        for r in results {
            let i = verified.len();
            let v = r.map_err(|e| (i, e))?;
            if failed.is_none() {
                if let Err(e) = apply(i, &v) {
                    failed = Some(e);
                }
            }
            verified.push(v);
        }
        Ok(())
    };
    let bad = if statements.len() <= CHUNK {
        take(verify_batch(statements), &mut verified).err()
    } else {
        std::thread::scope(|scope| {
            // One chunk verified ahead of the apply, no more: memory stays
            // that of the batch.
            let (tx, rx) = mpsc::sync_channel(1);
            scope.spawn(move || {
                let mut rest = statements.into_iter();
                loop {
                    let chunk: Vec<SignedStatement> = rest.by_ref().take(CHUNK).collect();
                    if chunk.is_empty() || tx.send(verify_batch(chunk)).is_err() {
                        break;
                    }
                }
            });
            // Dropping `rx` on a bad signature ends the verifier at its
            // next chunk.
            rx.into_iter()
                .find_map(|results| take(results, &mut verified).err())
        })
    };
    match (bad, failed) {
        (Some((i, e)), _) => Err(Stopped::Signature(i, e)),
        (None, Some(e)) => Err(Stopped::Apply(e)),
        (None, None) => Ok(verified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::statement::{Body, KeyGrant, Role, Statement};

    fn statements(n: usize) -> Vec<SignedStatement> {
        let key = SecretKey::generate("operator").unwrap();
        let other = SecretKey::generate("other").unwrap();
        (0..n)
            .map(|i| {
                let body = Body::KeyGrant(KeyGrant {
                    key: other.public().to_note_string(),
                    display_name: format!("k{i}"),
                    roles: vec![Role::Editor],
                });
                SignedStatement::sign(&Statement { at: i as u64, body }, &key).unwrap()
            })
            .collect()
    }

    /// The statement with its signature's last byte changed.
    fn forged(s: &SignedStatement) -> SignedStatement {
        let mut b = s.bytes().to_vec();
        *b.last_mut().unwrap() ^= 1;
        SignedStatement::decode(&b).unwrap()
    }

    #[test]
    fn every_statement_is_applied_in_order_small_and_chunked() {
        for n in [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let mut seen = Vec::new();
            let v = verify_beside(statements(n), |i, v| {
                seen.push((i, v.statement().at));
                Ok::<(), ()>(())
            })
            .unwrap_or_else(|_| panic!("{n} statements: all verify"));
            assert_eq!(v.len(), n);
            let expected: Vec<(usize, u64)> = (0..n).map(|i| (i, i as u64)).collect();
            assert_eq!(
                seen, expected,
                "{n} statements: each applied once, in order"
            );
        }
    }

    #[test]
    fn a_bad_signature_anywhere_is_reported_before_an_earlier_refusal() {
        for (n, bad) in [(10, 7), (3 * CHUNK, 2 * CHUNK + 5)] {
            let mut s = statements(n);
            s[bad] = forged(&s[bad]);
            let mut applied = 0;
            let r = verify_beside(s, |i, _| {
                applied += 1;
                if i == 2 {
                    Err("refused")
                } else {
                    Ok(())
                }
            });
            match r {
                Err(Stopped::Signature(i, e)) => {
                    assert_eq!(i, bad, "{n}: the forged statement is named");
                    assert!(
                        e.to_string().contains("signature"),
                        "{n}: the message says what failed: {e}"
                    );
                }
                _ => panic!("{n}: the bad signature must be what is reported"),
            }
            assert_eq!(applied, 3, "{n}: nothing is applied after the refusal");
        }
    }

    #[test]
    fn a_refusal_is_reported_when_every_signature_checks() {
        let mut applied = Vec::new();
        let r = verify_beside(statements(CHUNK * 2), |i, _| {
            applied.push(i);
            if i == CHUNK + 1 {
                Err(format!("statement {i} refused"))
            } else {
                Ok(())
            }
        });
        match r {
            Err(Stopped::Apply(e)) => assert_eq!(e, format!("statement {} refused", CHUNK + 1)),
            _ => panic!("the refusal must be reported"),
        }
        assert_eq!(applied.len(), CHUNK + 2, "applied up to the refused one");
    }

    #[test]
    fn the_first_bad_signature_stops_the_apply() {
        let mut s = statements(CHUNK * 2);
        s[CHUNK + 3] = forged(&s[CHUNK + 3]);
        s[CHUNK + 9] = forged(&s[CHUNK + 9]);
        let mut applied = 0;
        match verify_beside(s, |_, _| {
            applied += 1;
            Ok::<(), ()>(())
        }) {
            Err(Stopped::Signature(i, _)) => assert_eq!(i, CHUNK + 3, "the first one"),
            _ => panic!("a bad signature must be reported"),
        }
        assert_eq!(applied, CHUNK + 3, "only the statements before it");
    }
}
