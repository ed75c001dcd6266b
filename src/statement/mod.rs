//! Signed statements: the only thing the ledger holds.
//!
//! A statement is a typed body (see [`Body`]) with the time its author made
//! it, encoded as canonical CBOR and signed as a COSE_Sign1 (RFC 9052) with
//! EdDSA (alg -8). The protected header is exactly `{1: -8, 4: kid}` where
//! `kid` is the signer's raw 32-byte Ed25519 public key, so any COSE library
//! can check a statement on its own. The statement's id is the SHA-256 of its
//! signed bytes.
//!
//! The payload is the canonical CBOR map `{"v": 1, "kind": K, "at": T,
//! "body": {...}}`.
//!
//! Decoding ([`SignedStatement::decode`]) checks structure only; a
//! [`VerifiedStatement`] can only be made by checking the signature
//! ([`SignedStatement::verify`] or [`verify_batch`]), and it is what the
//! validity function takes, so nothing unsigned can reach the rules.

mod anchor;
mod body;
mod capture;
mod compose;
mod text;
mod vocabulary;

pub use anchor::{Anchor, ANCHOR_CONTEXT_CHARS};
pub use body::*;
pub use capture::{Capture, CapturedHeaders, CharsetSource, Redirect};
pub use compose::{ArticleChanges, ContentChanges, LocateError, TextFileError};
pub use text::{char_distance, view_of, IndexedText, MatchView};
pub use vocabulary::*;

use crate::cbor::{self, CborError};
use crate::digest::Digest;
use crate::keys::SecretKey;
use ciborium::Value;
use coset::{CborSerializable, CoseSign1};
use ed25519_dalek::{Signature, Signer as _, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The version of the statement payload format.
pub const STATEMENT_VERSION: u64 = 1;

/// The largest signed statement we accept, in bytes. A leaf (statement plus
/// about 60 bytes of framing) must fit a tlog-tiles entry bundle's uint16
/// length prefix.
pub const MAX_STATEMENT_BYTES: usize = 60_000;

/// Why bytes are not a well-formed signed statement, or a signature fails.
#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    /// More bytes than a statement may have.
    #[error("statement is {0} bytes; the most a statement may be is {MAX_STATEMENT_BYTES}")]
    TooLarge(usize),
    /// Self-contained: the CBOR problem is in the message, not a source.
    #[error("statement is not canonical CBOR: {0}")]
    Cbor(CborError),
    /// Not a COSE_Sign1 structure.
    #[error("statement is not a COSE_Sign1: {0}")]
    Cose(String),
    /// A protected header other than EdDSA with a 32-byte kid.
    #[error("statement's protected header must be exactly {{1: -8 (EdDSA), 4: kid (32-byte Ed25519 key)}}: {0}")]
    Header(String),
    /// A kid that is not an Ed25519 public key.
    #[error("statement's signer key (kid) is not a valid Ed25519 public key")]
    BadSignerKey,
    /// A payload that is not a statement.
    #[error("statement payload: {0}")]
    Payload(String),
    /// A signature that does not verify.
    #[error("statement signature does not verify under its signer key {signer}")]
    BadSignature {
        /// The signer key, as hex.
        signer: String,
    },
}

impl From<CborError> for StatementError {
    fn from(e: CborError) -> StatementError {
        StatementError::Cbor(e)
    }
}

/// A statement's content: its body and when its author made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// When the author made the statement (unix seconds, signed).
    pub at: u64,
    /// What the statement says.
    pub body: Body,
}

/// The payload as it is encoded.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    v: u64,
    kind: String,
    at: u64,
    body: Value,
}

impl Statement {
    /// The canonical CBOR payload bytes.
    pub fn to_payload(&self) -> Result<Vec<u8>, StatementError> {
        // The `Envelope` as a map, built directly rather than through serde
        // (which would copy the body's value once more): the same bytes.
        let text = |s: &str| Value::Text(s.to_string());
        let env = Value::Map(vec![
            (text("v"), Value::Integer(STATEMENT_VERSION.into())),
            (text("kind"), text(self.body.kind().as_str())),
            (text("at"), Value::Integer(self.at.into())),
            (
                text("body"),
                self.body
                    .to_value()
                    .map_err(|e| StatementError::Payload(e.to_string()))?,
            ),
        ]);
        Ok(cbor::value_to_vec(&env)?)
    }

    /// Decodes a canonical CBOR payload.
    ///
    /// A payload is accepted only if the statement it decodes to encodes
    /// back to exactly its bytes (one statement, one encoding, one id). The
    /// fast path checks that once, for the whole payload; when it fails,
    /// the step-by-step decoding (`from_payload_by_steps`) runs to say
    /// which step refuses it, so every message is the one it always was.
    pub fn from_payload(bytes: &[u8]) -> Result<Statement, StatementError> {
        match Statement::from_payload_fast(bytes) {
            Some(statement) => Ok(statement),
            None => Statement::from_payload_by_steps(bytes),
        }
    }

    /// Decodes without intermediate checks and accepts only a payload that
    /// is the encoding of what it decodes to; `None` for anything else.
    fn from_payload_fast(bytes: &[u8]) -> Option<Statement> {
        cbor::check_canonical(bytes).ok()?;
        let env: Envelope = ciborium::from_reader(bytes).ok()?;
        if env.v != STATEMENT_VERSION {
            return None;
        }
        let kind = Kind::parse(&env.kind).ok()?;
        let body = Body::from_value_unchecked(kind, env.body).ok()?;
        let statement = Statement { at: env.at, body };
        (statement.to_payload().ok()? == bytes).then_some(statement)
    }

    /// The decoding step by step: the envelope is its own encoding, then
    /// the body is (each with its own message).
    pub(crate) fn from_payload_by_steps(bytes: &[u8]) -> Result<Statement, StatementError> {
        let env: Envelope = cbor::from_slice(bytes)?;
        if env.v != STATEMENT_VERSION {
            return Err(StatementError::Payload(format!(
                "unsupported statement version {} (this provledger reads version {STATEMENT_VERSION})",
                env.v
            )));
        }
        let kind = Kind::parse(&env.kind).map_err(StatementError::Payload)?;
        let body = Body::from_value(kind, env.body).map_err(StatementError::Payload)?;
        Ok(Statement { at: env.at, body })
    }
}

/// A decoded COSE_Sign1 statement whose signature has not been checked yet.
#[derive(Clone, Debug)]
pub struct SignedStatement {
    bytes: Vec<u8>,
    id: Digest,
    signer: VerifyingKey,
    signature: Signature,
    /// Where the payload is in `bytes`: the signed message is built from it
    /// when a signature is checked, rather than kept as a second copy.
    payload: std::ops::Range<usize>,
    statement: Statement,
}

/// The COSE Sig_structure a signature is over (RFC 9052 §4.4):
/// `["Signature1", protected, h'', payload]`.
fn sig_structure(kid: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let protected = protected_header(kid);
    let mut tbs = Vec::with_capacity(payload.len() + 64);
    tbs.push(0x84);
    tbs.push(0x6a);
    tbs.extend_from_slice(b"Signature1");
    tbs.extend_from_slice(&[0x58, protected.len() as u8]);
    tbs.extend_from_slice(&protected);
    tbs.push(0x40);
    cbor::write_head(2, payload.len() as u64, &mut tbs);
    tbs.extend_from_slice(payload);
    tbs
}

/// A COSE_Sign1 `[protected, {}, payload, signature]`, written as coset
/// writes it (tested against coset below).
fn envelope(kid: &[u8; 32], payload: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let protected = protected_header(kid);
    let mut bytes = Vec::with_capacity(payload.len() + 120);
    bytes.extend_from_slice(&[0x84, 0x58, protected.len() as u8]);
    bytes.extend_from_slice(&protected);
    bytes.push(0xa0);
    cbor::write_head(2, payload.len() as u64, &mut bytes);
    bytes.extend_from_slice(payload);
    bytes.extend_from_slice(&[0x58, 0x40]);
    bytes.extend_from_slice(signature);
    bytes
}

/// The exact protected header bytes for a given signer: `{1: -8, 4: kid}`.
fn protected_header(kid: &[u8; 32]) -> Vec<u8> {
    let mut h = vec![0xa2, 0x01, 0x27, 0x04, 0x58, 0x20];
    h.extend_from_slice(kid);
    h
}

impl SignedStatement {
    /// Signs `statement` with `key`.
    pub fn sign(statement: &Statement, key: &SecretKey) -> Result<SignedStatement, StatementError> {
        let payload = statement.to_payload()?;
        let kid = key.public().bytes();
        let sig = key.signing_key().sign(&sig_structure(&kid, &payload));
        // Decoded again: what is signed here is read back exactly as a
        // stored statement would be.
        SignedStatement::decode(&envelope(&kid, &payload, &sig.to_bytes()))
    }

    /// Decodes and structurally checks a signed statement (not its signature).
    pub fn decode(bytes: &[u8]) -> Result<SignedStatement, StatementError> {
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Err(StatementError::TooLarge(bytes.len()));
        }
        cbor::check_canonical(bytes)?;
        match SignedStatement::layout(bytes) {
            Some((kid, payload)) => {
                let signer = signer_key(&kid)?;
                let signature = Signature::from_slice(&bytes[bytes.len() - 64..])
                    .expect("the layout has 64 signature bytes");
                let statement = Statement::from_payload(&bytes[payload.clone()])?;
                Ok(SignedStatement {
                    bytes: bytes.to_vec(),
                    id: Digest::of(bytes),
                    signer,
                    signature,
                    payload,
                    statement,
                })
            }
            None => SignedStatement::decode_by_steps(bytes),
        }
    }

    /// The one layout `decode_by_steps` accepts, read in place: canonical
    /// `[h'a2 01 27 04 58 20' ‖ kid, {}, payload, signature (64 bytes)]`.
    /// Returns the kid and where the payload is; `None` for any other
    /// layout, which the step-by-step decoding then refuses (or, were it
    /// ever to accept one, decides), with its own messages.
    fn layout(bytes: &[u8]) -> Option<([u8; 32], std::ops::Range<usize>)> {
        // Array of 4; the protected header as a 38-byte bstr.
        let head = bytes.get(..8)?;
        if head != [0x84, 0x58, 0x26, 0xa2, 0x01, 0x27, 0x04, 0x58] || *bytes.get(8)? != 0x20 {
            return None;
        }
        let kid: [u8; 32] = bytes.get(9..41)?.try_into().ok()?;
        // The empty unprotected header, then the payload bstr's head.
        if *bytes.get(41)? != 0xa0 {
            return None;
        }
        let ib = *bytes.get(42)?;
        if ib >> 5 != 2 {
            return None;
        }
        let (len, start): (usize, usize) = match ib & 0x1f {
            n @ 0..=23 => (usize::from(n), 43),
            24 => (usize::from(*bytes.get(43)?), 44),
            25 => (
                usize::from(u16::from_be_bytes(bytes.get(43..45)?.try_into().ok()?)),
                45,
            ),
            26 => (
                usize::try_from(u32::from_be_bytes(bytes.get(43..47)?.try_into().ok()?)).ok()?,
                47,
            ),
            _ => return None,
        };
        let end = start.checked_add(len)?;
        // The signature: a 64-byte bstr, the last item.
        if bytes.get(end..end + 2)? != [0x58, 0x40] || bytes.len() != end + 66 {
            return None;
        }
        Some((kid, start..end))
    }

    /// Decodes through coset, checking each part with its own message.
    pub(crate) fn decode_by_steps(bytes: &[u8]) -> Result<SignedStatement, StatementError> {
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Err(StatementError::TooLarge(bytes.len()));
        }
        cbor::check_canonical(bytes)?;
        let sign1 =
            CoseSign1::from_slice(bytes).map_err(|e| StatementError::Cose(e.to_string()))?;
        let protected = sign1
            .protected
            .original_data
            .as_deref()
            .ok_or_else(|| StatementError::Header("missing".into()))?;
        let kid: [u8; 32] = sign1
            .protected
            .header
            .key_id
            .as_slice()
            .try_into()
            .map_err(|_| {
                StatementError::Header(format!(
                    "kid is {} bytes",
                    sign1.protected.header.key_id.len()
                ))
            })?;
        if protected != protected_header(&kid).as_slice() {
            return Err(StatementError::Header(
                "unexpected or differently encoded header fields".into(),
            ));
        }
        if !sign1.unprotected.is_empty() {
            return Err(StatementError::Header(
                "the unprotected header must be empty".into(),
            ));
        }
        let signer = signer_key(&kid)?;
        let signature = Signature::from_slice(&sign1.signature)
            .map_err(|_| StatementError::Cose("signature is not 64 bytes".into()))?;
        let payload = sign1
            .payload
            .as_deref()
            .ok_or_else(|| StatementError::Payload("payload is detached (nil)".into()))?;
        let statement = Statement::from_payload(payload)?;
        // The payload bstr ends right before the signature bstr (0x58 0x40
        // and 64 bytes), the last item of the array.
        let end = bytes.len().checked_sub(66);
        let range = end
            .and_then(|end| end.checked_sub(payload.len()).map(|start| start..end))
            .filter(|r| bytes[r.clone()] == *payload)
            .ok_or_else(|| {
                StatementError::Cose("the payload is not where COSE_Sign1 puts it".into())
            })?;
        Ok(SignedStatement {
            bytes: bytes.to_vec(),
            id: Digest::of(bytes),
            signer,
            signature,
            payload: range,
            statement,
        })
    }

    /// The COSE Sig_structure the signature is over (RFC 9052 §4.4):
    /// `["Signature1", protected, h'', payload]`.
    fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(self.signer.as_bytes(), &self.bytes[self.payload.clone()])
    }

    /// The statement's id: SHA-256 of its signed bytes.
    pub fn id(&self) -> Digest {
        self.id
    }

    /// The signed bytes, as stored in the leaf.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The signer's Ed25519 public key (the COSE kid).
    pub fn signer(&self) -> &VerifyingKey {
        &self.signer
    }

    /// The decoded statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// Checks the signature with `verify_strict` (no malleable or small-order
    /// keys/signatures).
    pub fn verify(self) -> Result<VerifiedStatement, StatementError> {
        self.signer
            .verify_strict(&self.to_be_signed(), &self.signature)
            .map_err(|_| StatementError::BadSignature {
                signer: hex::encode(self.signer.as_bytes()),
            })?;
        Ok(VerifiedStatement(self))
    }
}

/// A statement whose signature has been checked: the only input the
/// validity function accepts.
#[derive(Clone, Debug)]
pub struct VerifiedStatement(SignedStatement);

impl std::ops::Deref for VerifiedStatement {
    type Target = SignedStatement;
    fn deref(&self) -> &SignedStatement {
        &self.0
    }
}

/// The signer key named by a kid. Decompressing it costs a tenth of a
/// signature check, and a ledger has few signers, so each thread keeps the
/// keys it has decoded (up to `KEYS`; a log of more signers only empties
/// the cache more often).
fn signer_key(kid: &[u8; 32]) -> Result<VerifyingKey, StatementError> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    const KEYS: usize = 256;
    thread_local! {
        static CACHE: RefCell<HashMap<[u8; 32], VerifyingKey>> =
            RefCell::new(HashMap::new());
    }
    CACHE.with(|cache| {
        if let Some(k) = cache.borrow().get(kid) {
            return Ok(*k);
        }
        let k = VerifyingKey::from_bytes(kid).map_err(|_| StatementError::BadSignerKey)?;
        let mut cache = cache.borrow_mut();
        if cache.len() >= KEYS {
            cache.clear();
        }
        cache.insert(*kid, k);
        Ok(k)
    })
}

/// Checks many signatures at once, on all cores: each with `verify_strict`,
/// whose answer is the rule (no key or R of small order, the cofactorless
/// equation, as the Go and OpenSSL verifiers that check our ledgers
/// decide). Append (for its batch) and audit (for the whole log) both
/// decide signatures with this function, so they cannot disagree. Results
/// are in input order.
///
/// Ed25519 batch verification is not used. A passing batch proves, for
/// each signature, only that R − (sB − hA) is a torsion point, and
/// ed25519-dalek derives the batch's coefficients from the batch itself,
/// so a signer who adds a torsion component to R (or signs with a key
/// that has one) can grind messages until the batch passes: the batch's
/// answer would depend on the batch, and differ from `verify_strict`'s.
/// Taking its word only for statements whose R and key are tested
/// torsion-free costs more than `verify_strict` itself (a test of R is a
/// variable-base scalar multiplication, as long as the whole check of one
/// signature; BENCHMARKS.md, "Signatures checked alone").
pub fn verify_batch(
    statements: Vec<SignedStatement>,
) -> Vec<Result<VerifiedStatement, StatementError>> {
    use rayon::prelude::*;
    statements
        .into_par_iter()
        .with_min_len(64)
        .map(SignedStatement::verify)
        .collect()
}

impl Statement {
    /// The statement as JSON for people and tools: `{kind, at, body}`, with
    /// byte strings (ids, digests) shown as lowercase hex.
    pub fn to_json(&self) -> serde_json::Value {
        let body = self
            .body
            .to_value()
            .map(|v| cbor_to_json(&v))
            .unwrap_or(serde_json::Value::Null);
        serde_json::json!({
            "kind": self.body.kind().as_str(),
            "at": self.at,
            "body": body,
        })
    }
}

/// Converts a CBOR value to JSON, byte strings as hex.
pub(crate) fn cbor_to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Integer(i) => {
            let n = i128::from(*i);
            u64::try_from(n)
                .map(J::from)
                .or_else(|_| i64::try_from(n).map(J::from))
                .unwrap_or_else(|_| J::String(n.to_string()))
        }
        Value::Bytes(b) => J::String(hex::encode(b)),
        Value::Text(t) => J::String(t.clone()),
        Value::Bool(b) => J::Bool(*b),
        Value::Null => J::Null,
        Value::Array(a) => J::Array(a.iter().map(cbor_to_json).collect()),
        Value::Map(m) => J::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::Text(t) => t.clone(),
                        other => cbor_to_json(other).to_string(),
                    };
                    (key, cbor_to_json(v))
                })
                .collect(),
        ),
        Value::Tag(_, inner) => cbor_to_json(inner),
        _ => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use curve25519_dalek::Scalar;
    use sha2::{Digest as _, Sha512};

    /// Inputs near real ones: the fuzz seeds of `dir` (the sample ledger's
    /// statements or payloads), each also with single bytes changed (three
    /// ways, at every offset of the first 120 bytes and every 7th after)
    /// and cut short.
    fn seeds_and_mutants(dir: &str) -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let seed = std::fs::read(entry.unwrap().path()).unwrap();
            for i in (0..seed.len()).filter(|&i| i < 120 || i % 7 == 0) {
                for x in [0x01, 0x20, 0xff] {
                    let mut m = seed.clone();
                    m[i] ^= x;
                    out.push(m);
                }
                if i % 13 == 0 {
                    out.push(seed[..i].to_vec());
                }
            }
            out.push(seed);
        }
        assert!(
            out.len() > 1000,
            "{} inputs from {}",
            out.len(),
            dir.display()
        );
        out
    }

    /// The fast decoding (one layout read in place, one round trip for
    /// the whole payload) accepts exactly what the step-by-step decoding
    /// accepts, as the same statement, and refuses the rest with the same
    /// message.
    #[test]
    fn fast_decoding_agrees_with_the_steps() {
        let mut accepted = 0;
        for bytes in seeds_and_mutants("fuzz/corpus/statement") {
            let fast = SignedStatement::decode(&bytes);
            let steps = SignedStatement::decode_by_steps(&bytes);
            match (fast, steps) {
                (Ok(f), Ok(s)) => {
                    assert_eq!(
                        (
                            f.id,
                            f.signer,
                            f.signature,
                            &f.payload,
                            &f.statement,
                            &f.bytes
                        ),
                        (
                            s.id,
                            s.signer,
                            s.signature,
                            &s.payload,
                            &s.statement,
                            &s.bytes
                        )
                    );
                    accepted += 1;
                }
                (Err(f), Err(s)) => assert_eq!(f.to_string(), s.to_string()),
                (f, s) => panic!(
                    "fast {:?} but steps {:?} for {}",
                    f.map(|_| ()),
                    s.map(|_| ()),
                    hex::encode(&bytes)
                ),
            }
        }
        let mut payloads = 0;
        for bytes in seeds_and_mutants("fuzz/corpus/payload") {
            match (
                Statement::from_payload(&bytes),
                Statement::from_payload_by_steps(&bytes),
            ) {
                (Ok(f), Ok(s)) => {
                    assert_eq!(f, s);
                    payloads += 1;
                }
                (Err(f), Err(s)) => assert_eq!(f.to_string(), s.to_string()),
                (f, s) => panic!("fast {f:?} but steps {s:?} for {}", hex::encode(&bytes)),
            }
        }
        // Both sets hold statements that decode (the seeds, and mutants
        // that change a text's letter), not only refusals.
        assert!(accepted > 20 && payloads > 20, "{accepted} {payloads}");
    }

    /// The Sig_structure built from the payload is coset's, byte for byte,
    /// for payloads whose length takes each CBOR head size.
    #[test]
    fn the_signed_message_is_the_cose_sig_structure() {
        let key = SecretKey::generate("tbs").unwrap();
        for reason in ["x".to_string(), "y".repeat(300), "z".repeat(40_000)] {
            let st = SignedStatement::sign(
                &Statement {
                    at: 1,
                    body: Body::KeyRevoke(KeyRevoke::new(key.public().to_note_string(), reason)),
                },
                &key,
            )
            .unwrap();
            let sign1 = CoseSign1::from_slice(st.bytes()).unwrap();
            assert_eq!(st.to_be_signed(), sign1.tbs_data(&[]));
            // The bytes `sign` writes are coset's encoding of the message.
            assert_eq!(sign1.clone().to_vec().unwrap(), st.bytes());
            st.verify().unwrap();
        }
    }

    /// A signature whose R is the identity (small order) satisfies the
    /// cofactorless equation when s = H(R‖A‖M)·a, so Ed25519 batch
    /// verification accepts it; verify_strict refuses it, and so must we.
    #[test]
    fn a_small_order_r_is_refused_even_when_the_batch_passes() {
        let key = SecretKey::generate("mallory").unwrap();
        let good = SignedStatement::sign(
            &Statement {
                at: 1,
                body: Body::KeyRevoke(KeyRevoke::new(key.public().to_note_string(), "test".into())),
            },
            &key,
        )
        .unwrap();
        let mut r = [0u8; 32];
        r[0] = 1; // the identity point, compressed
        let a = key.public().bytes();
        let h = Scalar::from_hash(
            Sha512::new()
                .chain_update(r)
                .chain_update(a)
                .chain_update(good.to_be_signed()),
        );
        let s = h * key.signing_key().to_scalar();
        let mut bytes = good.bytes().to_vec();
        let n = bytes.len();
        bytes[n - 64..n - 32].copy_from_slice(&r);
        bytes[n - 32..].copy_from_slice(s.as_bytes());
        let forged = SignedStatement::decode(&bytes).unwrap();
        assert!(
            bare_batch_passes(std::slice::from_ref(&forged)),
            "the batch equation alone accepts the small-order R"
        );
        assert_refused_alone(&forged);
    }

    /// Whether Ed25519 batch verification alone (ed25519-dalek's, its
    /// coefficients derived from the batch) accepts these statements.
    fn bare_batch_passes(c: &[SignedStatement]) -> bool {
        let msgs: Vec<Vec<u8>> = c.iter().map(|s| s.to_be_signed()).collect();
        let msgs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
        let sigs: Vec<Signature> = c.iter().map(|s| s.signature).collect();
        let keys: Vec<VerifyingKey> = c.iter().map(|s| s.signer).collect();
        ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok()
    }

    /// Whether `verify_strict` accepts the statement's signature.
    fn strict_accepts(s: &SignedStatement) -> bool {
        s.signer
            .verify_strict(&s.to_be_signed(), &s.signature)
            .is_ok()
    }

    /// `verify_batch` refuses `s` alone, saying why.
    fn assert_refused_alone(s: &SignedStatement) {
        let e = verify_batch(vec![s.clone()])
            .remove(0)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("statement signature does not verify"), "{e}");
    }

    /// A point of order 8 (libsodium lists it among the small-order
    /// encodings); its order is checked.
    fn t8() -> curve25519_dalek::edwards::EdwardsPoint {
        use curve25519_dalek::traits::IsIdentity;
        let e = hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
            .unwrap();
        let t = curve25519_dalek::edwards::CompressedEdwardsY(e.try_into().unwrap())
            .decompress()
            .unwrap();
        let t4 = t + t + t + t;
        assert!(!t4.is_identity() && (t4 + t4).is_identity(), "of order 8");
        t
    }

    /// A signature made honestly, but with a torsion component added to R:
    /// `verify_strict` refuses it (sB − hA is the R without it), and the
    /// batch equation accepts it whenever the batch's coefficient for it
    /// is a multiple of 8, which a signer can grind for. Found here for a
    /// batch of one (an append of one statement), it must be refused
    /// there too, and in any other batch (audit's chunk).
    #[test]
    fn a_torsion_component_in_r_is_refused_whatever_the_batch() {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
        let key = SecretKey::from_signing_key(
            "grinder",
            ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]),
        )
        .unwrap();
        let a = key.signing_key().to_scalar();
        // A statement signed honestly, the nth of its kind.
        let signed = |n: u64, reason: &str| {
            let revoke = KeyRevoke::new(key.public().to_note_string(), reason.into());
            let body = Body::KeyRevoke(revoke);
            SignedStatement::sign(&Statement { at: 1 + n, body }, &key).unwrap()
        };
        let forge = |n: u64| -> SignedStatement {
            let st = signed(n, "ground");
            let r = Scalar::from(1000 + n);
            let big_r = (B * r + t8()).compress().to_bytes();
            let h = Scalar::from_hash(
                Sha512::new()
                    .chain_update(big_r)
                    .chain_update(key.public().bytes())
                    .chain_update(st.to_be_signed()),
            );
            let s = r + h * a;
            let mut bytes = st.bytes().to_vec();
            let len = bytes.len();
            bytes[len - 64..len - 32].copy_from_slice(&big_r);
            bytes[len - 32..].copy_from_slice(s.as_bytes());
            SignedStatement::decode(&bytes).unwrap()
        };
        let ground = (0..400u64)
            .map(forge)
            .find(|f| bare_batch_passes(std::slice::from_ref(f)))
            .expect("about one in eight passes a batch of one");
        assert!(!strict_accepts(&ground), "verify_strict refuses it");
        assert_refused_alone(&ground);
        // In a chunk with honest statements whose batch passes too (ground
        // for, as above): the honest ones pass, the ground one does not.
        let honest = |n: u64| signed(n, "honest");
        let chunk = (0..400u64)
            .map(|n| vec![honest(2 * n), ground.clone(), honest(2 * n + 1)])
            .find(|c| bare_batch_passes(c))
            .expect("about one chunk in eight passes");
        let results = verify_batch(chunk);
        assert!(results[0].is_ok() && results[2].is_ok());
        let e = results[1].as_ref().unwrap_err().to_string();
        assert!(e.starts_with("statement signature does not verify"), "{e}");
    }

    /// A key with a torsion component (A = aB + T, T of order 8: not of
    /// small order, so `verify_strict` takes it). Signed so that R = sB − hA holds exactly (R carries
    /// the torsion −hT), `verify_strict` accepts, and so does
    /// `verify_batch`; signed as an honest signer of aB would sign
    /// (R = rB), R − (sB − hA) is hT, which `verify_strict` refuses and a
    /// ground batch of one accepts: `verify_batch` refuses it.
    #[test]
    fn a_key_with_a_torsion_component_is_decided_by_verify_strict() {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
        let a = Scalar::from(0x5eed_u64) * Scalar::from(0x1234_5678_9abc_u64);
        let kid = (B * a + t8()).compress().to_bytes();
        let h_of = |big_r: &[u8; 32], tbs: &[u8]| {
            Scalar::from_hash(
                Sha512::new()
                    .chain_update(big_r)
                    .chain_update(kid)
                    .chain_update(tbs),
            )
        };
        let named = SecretKey::generate("named")
            .unwrap()
            .public()
            .to_note_string();
        let payload = |n: u64| {
            let revoke = KeyRevoke::new(named.clone(), format!("torsion {n}"));
            let body = Body::KeyRevoke(revoke);
            Statement { at: 1 + n, body }.to_payload().unwrap()
        };
        let signed = |n: u64, big_r: [u8; 32], s: Scalar| {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&big_r);
            sig[32..].copy_from_slice(s.as_bytes());
            SignedStatement::decode(&envelope(&kid, &payload(n), &sig)).unwrap()
        };
        let tbs = |n: u64| sig_structure(&kid, &payload(n));
        // R = rB + jT, for the j (one in eight) that makes it −hT's.
        let exact = (0..200u64)
            .find_map(|n| {
                let r = Scalar::from(77 + n);
                let mut t = curve25519_dalek::edwards::EdwardsPoint::default();
                for _ in 0..8 {
                    let big_r = (B * r + t).compress().to_bytes();
                    let h = h_of(&big_r, &tbs(n));
                    if B * r + t == B * r - t8() * h {
                        return Some(signed(n, big_r, r + h * a));
                    }
                    t += t8();
                }
                None
            })
            .expect("one R in eight is exact");
        assert!(!exact.signer.is_weak() && !exact.signer.to_edwards().is_torsion_free());
        assert!(
            strict_accepts(&exact),
            "verify_strict accepts the exact signature"
        );
        assert!(verify_batch(vec![exact.clone()]).remove(0).is_ok());
        // R = rB: off by hT, which a batch of one ignores when its
        // coefficient is a multiple of 8 (about one try in eight).
        let off = (0..400u64)
            .map(|n| {
                let r = Scalar::from(5000 + n);
                let big_r = (B * r).compress().to_bytes();
                signed(1000 + n, big_r, r + h_of(&big_r, &tbs(1000 + n)) * a)
            })
            // Off by hT unless h is a multiple of 8 (then it is exact).
            .filter(|f| !strict_accepts(f))
            .find(|f| bare_batch_passes(std::slice::from_ref(f)))
            .expect("about one in eight passes a batch of one");
        assert!(!strict_accepts(&off), "verify_strict refuses it");
        assert_refused_alone(&off);
        // Together, in one chunk: each as verify_strict decides.
        let results = verify_batch(vec![exact, off]);
        assert!(results[0].is_ok() && results[1].is_err());
    }

    /// For every mix of signer key (prime order, with a torsion component,
    /// of small order) and R (honest, with a torsion component of order
    /// 8, 4 or 2, each of the 14 encodings of a small-order point), with
    /// s = r + h·a (the honest s for a prime-order key): `verify_batch`
    /// answers as `verify_strict` does, alone and all in one chunk, and
    /// the fixed answers hold (under the prime-order key only the honest R
    /// passes, under the small-order key nothing does).
    #[test]
    fn verify_batch_answers_as_verify_strict_for_every_torsion_mix() {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
        use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
        use curve25519_dalek::traits::Identity;
        let a = Scalar::from(0xa11ce_u64) * Scalar::from(0xfeed_beef_u64);
        let keys = [
            ("prime order", B * a),
            ("with torsion", B * a + t8()),
            ("of small order", t8()),
        ];
        let named = SecretKey::generate("named")
            .unwrap()
            .public()
            .to_note_string();
        let mut rs: Vec<(String, Scalar, [u8; 32])> = Vec::new();
        let r = Scalar::from(4242u64);
        rs.push(("honest".into(), r, (B * r).compress().to_bytes()));
        let mut t = t8();
        for order in [8, 4, 2] {
            let e = (B * r + t).compress().to_bytes();
            rs.push((format!("with torsion of order {order}"), r, e));
            t = t + t;
        }
        let mut small = EdwardsPoint::identity();
        for i in 0..8 {
            let e = small.compress().to_bytes();
            for e in [e, {
                let mut x = e;
                x[31] ^= 0x80;
                x
            }] {
                // Also y + p where it fits below 2^255 (y < 19).
                let mut n = [0xffu8; 32];
                n[0] = 0xedu8.wrapping_add(e[0]);
                n[31] = 0x7f | (e[31] & 0x80);
                let plus_p = e[0] < 19 && e[1..31].iter().all(|&b| b == 0) && e[31] & 0x7f == 0;
                for e in std::iter::once(e).chain(plus_p.then_some(n)) {
                    if CompressedEdwardsY(e).decompress().is_some()
                        && !rs.iter().any(|(_, _, x)| *x == e)
                    {
                        rs.push((format!("small-order point {i}"), Scalar::ZERO, e));
                    }
                }
            }
            small += t8();
        }
        assert_eq!(
            rs.len(),
            4 + 14,
            "the honest R, three torsions, 14 small encodings"
        );
        let mut all = Vec::new();
        let mut expected = Vec::new();
        for (n, (key_name, key)) in keys.iter().enumerate() {
            let kid = key.compress().to_bytes();
            for (m, (r_name, r, big_r)) in rs.iter().enumerate() {
                let body = Body::KeyRevoke(KeyRevoke::new(named.clone(), format!("{n} {m}")));
                let payload = Statement { at: 1, body }.to_payload().unwrap();
                let h = Scalar::from_hash(
                    Sha512::new()
                        .chain_update(big_r)
                        .chain_update(kid)
                        .chain_update(sig_structure(&kid, &payload)),
                );
                // s = r + h·a makes sB − hA = rB − h·(A − aB).
                let s = if n == 2 { h * a } else { r + h * a };
                let mut sig = [0u8; 64];
                sig[..32].copy_from_slice(big_r);
                sig[32..].copy_from_slice(s.as_bytes());
                let st = SignedStatement::decode(&envelope(&kid, &payload, &sig)).unwrap();
                let strict = strict_accepts(&st);
                let alone = verify_batch(vec![st.clone()]).remove(0).is_ok();
                let what = format!("key {key_name}, R {r_name}");
                assert_eq!(alone, strict, "{what}");
                expected.push((what, strict));
                all.push(st);
            }
        }
        let results = verify_batch(all);
        for ((what, strict), got) in expected.iter().zip(&results) {
            assert_eq!(got.is_ok(), *strict, "{what}, in one chunk");
        }
        // Under the prime-order key only the honest R passes; under the
        // key of small order nothing does (under the other, an R passes
        // when its torsion happens to be −h·T's, as `verify_strict` says).
        let accepted = |key: &str| -> Vec<&str> {
            expected
                .iter()
                .filter(|(w, ok)| *ok && w.starts_with(key))
                .map(|(w, _)| w.as_str())
                .collect()
        };
        assert_eq!(accepted("key prime order,"), ["key prime order, R honest"]);
        assert!(accepted("key of small order,").is_empty());
    }

    /// A cached signer key is the key `from_bytes` decodes; a kid that is
    /// not a point is refused each time, cached or not.
    #[test]
    fn signer_keys_come_from_the_cache_as_decoded() {
        let key = SecretKey::generate("cached").unwrap();
        let kid = key.public().bytes();
        for _ in 0..3 {
            assert_eq!(
                signer_key(&kid).unwrap(),
                VerifyingKey::from_bytes(&kid).unwrap()
            );
        }
        // The first small y that is no point's.
        let bad = (2u8..)
            .map(|y| {
                let mut e = [0u8; 32];
                e[0] = y;
                e
            })
            .find(|e| VerifyingKey::from_bytes(e).is_err())
            .unwrap();
        for _ in 0..2 {
            assert!(matches!(
                signer_key(&bad),
                Err(StatementError::BadSignerKey)
            ));
        }
    }
}
