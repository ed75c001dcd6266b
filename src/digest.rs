//! SHA-256 digests: statement ids, blob addresses, leaf hashes.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// A SHA-256 digest. Encoded in CBOR as a 32-byte byte string and shown as
/// lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest: the `prev` of leaf 0.
    pub const ZERO: Digest = Digest([0; 32]);

    /// SHA-256 of `data`.
    pub fn of(data: &[u8]) -> Digest {
        Digest(Sha256::digest(data).into())
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses exactly 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Digest, String> {
        let bytes = hex::decode(s).map_err(|e| format!("'{s}' is not a hex digest: {e}"))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("'{s}' is not a SHA-256 digest: want 64 hex digits"))?;
        Ok(Digest(arr))
    }

    /// Parses a slice that must be 32 bytes long.
    pub fn from_slice(b: &[u8]) -> Option<Digest> {
        b.try_into().ok().map(Digest)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

/// One text form: in JSON (and any human-readable format) a digest is its
/// 64 lowercase hex digits; in CBOR it is a 32-byte byte string.
impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_hex())
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            return Digest::from_hex(&text).map_err(serde::de::Error::custom);
        }
        let b: serde_bytes::ByteBuf = Deserialize::deserialize(d)?;
        Digest::from_slice(&b).ok_or_else(|| {
            serde::de::Error::custom(format!("digest must be 32 bytes, got {}", b.len()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Digest;

    #[test]
    fn a_digest_is_hex_in_json_and_bytes_in_cbor() {
        let d = Digest::of(b"x");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            format!("\"{}\"", d.to_hex())
        );
        assert_eq!(
            serde_json::from_str::<Digest>(&format!("\"{}\"", d.to_hex())).unwrap(),
            d
        );
        assert_eq!(
            serde_json::from_str::<Digest>("\"zz\"")
                .unwrap_err()
                .to_string(),
            "'zz' is not a hex digest: Invalid character 'z' at position 0"
        );
        let cbor = crate::cbor::to_vec(&d).unwrap();
        assert_eq!(&cbor[..2], &[0x58, 0x20]);
        assert_eq!(crate::cbor::from_slice::<Digest>(&cbor).unwrap(), d);
    }
}
