//! Batch submission bodies (src/ledger/batch.rs, `POST /api/v1/batches`):
//! `batch::decode`, the one decoder the server runs on a batch's bytes.
//!
//! - Accepted: at least one statement; the statements and blobs, written
//!   back as a batch body, are the input byte for byte (one encoding);
//!   each statement verifies alone.
//! - Refused as undecodable: no batch body encodes canonically to the input
//!   (what ciborium reads of it, if anything, re-encodes differently).
//! - Refused as empty: the input is the canonical body of no statements.
//! - Refused at statement `at`: the body reads, `at` is one of its
//!   statements, every statement before it decodes, and statement `at`
//!   fails to decode or to verify alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::ledger::batch::{decode, BatchBody, BatchError};
use provledger::statement::SignedStatement;
use serde_bytes::ByteBuf;

fuzz_target!(|data: &[u8]| {
    match decode(data) {
        Ok(sub) => {
            assert!(!sub.statements.is_empty(), "an empty batch was accepted");
            let again = BatchBody {
                statements: sub
                    .statements
                    .iter()
                    .map(|s| ByteBuf::from(s.bytes().to_vec()))
                    .collect(),
                blobs: sub.blobs.iter().cloned().map(ByteBuf::from).collect(),
            }
            .to_cbor()
            .expect("an accepted batch re-encodes");
            assert_eq!(again, data, "an accepted batch has a second encoding");
            for s in &sub.statements {
                let alone = SignedStatement::decode(s.bytes())
                    .expect("an accepted statement decodes alone");
                assert!(alone.verify().is_ok(), "batch and single verify disagree");
            }
        }
        Err(BatchError::Undecodable(_)) => {
            if let Ok(read) = ciborium::from_reader::<BatchBody, _>(data) {
                assert_ne!(
                    read.to_cbor().ok().as_deref(),
                    Some(data),
                    "a canonical batch body was refused as undecodable"
                );
            }
        }
        Err(BatchError::Empty) => {
            let body = BatchBody::from_cbor(data).expect("an empty batch reads");
            assert!(body.statements.is_empty());
            assert_eq!(body.to_cbor().expect("it re-encodes"), data);
        }
        Err(BatchError::Statement { at, .. }) => {
            let body = BatchBody::from_cbor(data).expect("a batch refused for a statement reads");
            assert!(at < body.statements.len(), "statement {at} is not in the batch");
            for (i, b) in body.statements[..at].iter().enumerate() {
                assert!(
                    SignedStatement::decode(b).is_ok(),
                    "statement {i} before the refused {at} does not decode"
                );
            }
            let fails = SignedStatement::decode(&body.statements[at])
                .and_then(SignedStatement::verify)
                .is_err();
            assert!(fails, "statement {at} was named but decodes and verifies");
        }
    }
});
