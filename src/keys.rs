//! Ed25519 keys in the c2sp.org/signed-note text forms, and their files.
//!
//! A verifier (public) key is `name+hexid+base64(0x01‖pubkey)`; a signer
//! (private) key is `PRIVATE+KEY+name+hexid+base64(0x01‖seed)`. The same key
//! signs statements (COSE_Sign1) and, for the operator, checkpoints (signed
//! notes). Parsing and key ids are delegated to the `signed_note` crate so the
//! forms match Go's `sumdb/note` exactly.
//!
//! Private key files are created with mode 0600 and never overwritten, and a
//! private key file that group or others can read is refused, as ssh does.
//! Private key bytes never appear in `Debug` output or error messages.

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use ed25519_dalek::{SigningKey, VerifyingKey};
use signed_note::{Signer as _, StandardSigner, StandardVerifier, Verifier as _};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The algorithm byte that prefixes Ed25519 keys in signed-note key strings.
const ALG_ED25519: u8 = 0x01;

/// Errors from parsing, loading or writing keys. None of them carries key
/// material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key name that is empty or holds a space or `+`.
    #[error("'{0}' is not a valid key name: it must be non-empty and have no spaces or '+'")]
    BadName(String),
    /// A key name holding a control, directional or hidden character.
    #[error("key name '{name}' contains {what}; a key name must be visible text (no control, directional or hidden characters)")]
    HiddenInName {
        /// The name as given.
        name: String,
        /// Which invisible or directional character it holds.
        what: String,
    },
    /// A key name that cannot be used as a file name.
    #[error("key name '{0}' cannot be a file name (it has a '/' or '\\' or starts with '.'); pick another name")]
    NotAFileName(String),
    /// Text that is not a verifier key.
    #[error("{what} is not a signed-note Ed25519 verifier key (name+hexid+base64): {reason}")]
    BadPublic {
        /// What was read (a file name or "the key").
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Text that is not a private (signer) key.
    #[error(
        "{what} is not a signed-note Ed25519 private key (PRIVATE+KEY+name+hexid+base64): {reason}"
    )]
    BadPrivate {
        /// What was read (a file name or "the key").
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A public key file given where a private key was needed.
    #[error(
        "{path} is a public key (of key {name}); give its private key file instead, such as {want}"
    )]
    PublicGiven {
        /// The file given.
        path: String,
        /// The name of the key it holds.
        name: String,
        /// The private key file to give instead.
        want: String,
    },
    /// A private key file that others may read.
    #[error(
        "private key {path} is readable by group or others (mode {mode:04o}); \
         run `chmod 600 {path}` and try again"
    )]
    WorldReadable {
        /// The key file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file that would be overwritten.
    #[error(
        "{path} already exists; refusing to overwrite a key (move it away or pick another name)"
    )]
    Exists {
        /// The file that exists.
        path: String,
    },
    /// The key file is not a regular file or is larger than a key file
    /// can be ([`MAX_KEY_FILE_BYTES`]); the message names file and limit.
    #[error("{0}")]
    Unreadable(std::io::Error),
    /// A key file that cannot be read.
    #[error("cannot read key file {path}")]
    Read {
        /// The key file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A key file that cannot be written.
    #[error("cannot write key file {path}")]
    Write {
        /// The key file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A key name is shown wherever its signatures are (checkpoints, audit
/// reports, `key list`): it may not hide or reorder text.
fn check_visible_name(name: &str) -> Result<(), KeyError> {
    use crate::state::limits::{describe, is_invisible, refused_char};
    let hidden = |what: String| KeyError::HiddenInName {
        name: name.escape_debug().to_string(),
        what,
    };
    if let Some((i, c)) = refused_char(name, &[]) {
        return Err(hidden(format!("{} at char {i}", describe(c))));
    }
    if let Some(c) = name.chars().find(|c| is_invisible(*c)) {
        if name.chars().all(is_invisible) {
            return Err(hidden(format!(
                "only invisible characters, such as {}",
                describe(c)
            )));
        }
    }
    Ok(())
}

/// An Ed25519 public key with its signed-note name and key id.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl PublicKey {
    /// Builds the public key named `name` for `key`.
    pub fn new(name: &str, key: VerifyingKey) -> Result<PublicKey, KeyError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(KeyError::BadName(name.to_string()));
        }
        check_visible_name(name)?;
        let id = signed_note::key_id(name, &encoded(&key));
        Ok(PublicKey {
            name: name.to_string(),
            id,
            key,
        })
    }

    /// Parses a signed-note verifier key string; `what` names its origin in errors.
    pub fn parse(text: &str, what: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        let bad = |reason: &str| KeyError::BadPublic {
            what: what.to_string(),
            reason: reason.to_string(),
        };
        if text.starts_with("PRIVATE+KEY+") {
            return Err(bad(
                "this is a private key; give the matching .pub file instead",
            ));
        }
        // signed_note checks the format, the algorithm and the key id.
        let verifier = StandardVerifier::new(text).map_err(|e| {
            bad(match e {
                signed_note::VerifierError::Format => {
                    "it does not have the form name+hexid+base64 with a 32-byte Ed25519 key"
                }
                signed_note::VerifierError::Alg => "its algorithm byte is not 0x01 (Ed25519)",
                signed_note::VerifierError::Id => "its key id does not match its name and key",
            })
        })?;
        // name+hexid+base64: the base64 may itself contain '+'.
        let b64 = text.splitn(3, '+').nth(2).unwrap_or_default();
        let raw = BASE64.decode(b64).map_err(|e| bad(&e.to_string()))?;
        let key = raw
            .get(1..)
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .ok_or_else(|| bad("not a 32-byte Ed25519 point"))?;
        check_visible_name(verifier.name())?;
        Ok(PublicKey {
            name: verifier.name().to_string(),
            id: verifier.key_id(),
            key,
        })
    }

    /// The key's name (for the operator, the log's origin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The Ed25519 verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The raw 32 public key bytes (the COSE `kid` of statements it signs).
    pub fn bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The signed-note verifier string `name+hexid+base64(0x01‖pubkey)`.
    pub fn to_note_string(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.id,
            BASE64.encode(encoded(&self.key))
        )
    }

    /// A verifier for signed notes (checkpoints) made with this key.
    pub fn note_verifier(&self) -> StandardVerifier {
        StandardVerifier::new(&self.to_note_string())
            .expect("a PublicKey always formats as a valid verifier key")
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_note_string())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_note_string())
    }
}

/// An Ed25519 private key with its signed-note name.
#[derive(Clone)]
pub struct SecretKey {
    public: PublicKey,
    signing: SigningKey,
}

impl SecretKey {
    /// Generates a fresh key named `name` from the operating system's CSPRNG.
    pub fn generate(name: &str) -> Result<SecretKey, KeyError> {
        let signing = SigningKey::generate(&mut rand_core::OsRng);
        SecretKey::from_signing_key(name, signing)
    }

    /// Wraps an existing Ed25519 signing key under `name`.
    pub fn from_signing_key(name: &str, signing: SigningKey) -> Result<SecretKey, KeyError> {
        let public = PublicKey::new(name, signing.verifying_key())?;
        Ok(SecretKey { public, signing })
    }

    /// Parses a signed-note private key string; `what` names its origin in errors.
    pub fn parse(text: &str, what: &str) -> Result<SecretKey, KeyError> {
        let text = text.trim();
        let bad = |reason: &str| KeyError::BadPrivate {
            what: what.to_string(),
            reason: reason.to_string(),
        };
        // signed_note checks the format and that the id matches the derived public key.
        let signer = StandardSigner::new(text).map_err(|e| {
            bad(match e {
                signed_note::SignerError::Format => {
                    "it does not have the form PRIVATE+KEY+name+hexid+base64 with a 32-byte Ed25519 seed"
                }
                signed_note::SignerError::Alg => "its algorithm byte is not 0x01 (Ed25519)",
                signed_note::SignerError::Id => "its key id does not match its name and key",
            })
        })?;
        // PRIVATE+KEY+name+hexid+base64: the base64 may itself contain '+'.
        let b64 = text.splitn(5, '+').nth(4).unwrap_or_default();
        let raw = BASE64.decode(b64).map_err(|_| bad("bad base64"))?;
        let seed: [u8; 32] = raw
            .get(1..)
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| bad("not a 32-byte Ed25519 seed"))?;
        SecretKey::from_signing_key(signer.name(), SigningKey::from_bytes(&seed))
    }

    /// The matching public key.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The Ed25519 signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The signed-note private key string. Handle with care: this is the secret.
    pub fn to_note_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.public.name,
            self.public.id,
            BASE64.encode(raw)
        )
    }

    /// A signer for signed notes (checkpoints).
    pub fn note_signer(&self) -> StandardSigner {
        StandardSigner::new(&self.to_note_string())
            .expect("a SecretKey always formats as a valid signer key")
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, <private>)", self.public.to_note_string())
    }
}

/// The signed-note encoding of an Ed25519 public key: 0x01 ‖ 32 bytes.
fn encoded(key: &VerifyingKey) -> Vec<u8> {
    let mut v = vec![ALG_ED25519];
    v.extend_from_slice(key.as_bytes());
    v
}

/// Writes `NAME.key` (mode 0600, never overwriting) and `NAME.pub` into
/// `dir`, returning their paths.
pub fn write_key_pair(dir: &Path, key: &SecretKey) -> Result<(PathBuf, PathBuf), KeyError> {
    let name = key.public().name();
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(KeyError::NotAFileName(name.to_string()));
    }
    fs::create_dir_all(dir).map_err(|source| KeyError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let key_path = dir.join(format!("{name}.key"));
    let pub_path = dir.join(format!("{name}.pub"));
    write_key_files(&key_path, &pub_path, key)?;
    Ok((key_path, pub_path))
}

/// Writes the private key to `key_path` (mode 0600) and the public key to
/// `pub_path`, refusing to overwrite either.
pub fn write_key_files(key_path: &Path, pub_path: &Path, key: &SecretKey) -> Result<(), KeyError> {
    let (key_path, pub_path) = (key_path.to_path_buf(), pub_path.to_path_buf());
    // Check both first so that a refusal leaves neither file half-made.
    for p in [&key_path, &pub_path] {
        if p.exists() {
            return Err(KeyError::Exists {
                path: p.display().to_string(),
            });
        }
    }
    write_new(&key_path, &format!("{}\n", key.to_note_string()), 0o600)?;
    write_new(
        &pub_path,
        &format!("{}\n", key.public().to_note_string()),
        0o644,
    )
}

/// Creates `path` (failing if it exists) with `mode` and writes `text`, synced.
fn write_new(path: &Path, text: &str, mode: u32) -> Result<(), KeyError> {
    let err = |source| KeyError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.display().to_string(),
            }
        } else {
            err(source)
        }
    })?;
    f.write_all(text.as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)
}

/// The most a key file may hold: a key is one line of about a hundred
/// bytes, so anything past a few KiB is not a key (or is `/dev/zero`).
pub const MAX_KEY_FILE_BYTES: u64 = 4 * 1024;

/// Reads a key file: a regular file of at most [`MAX_KEY_FILE_BYTES`],
/// never a FIFO or device; UTF-8 text.
fn read_key_file(path: &Path) -> Result<String, KeyError> {
    let shown = path.display().to_string();
    // A missing or unreadable file is told as the OS says (stat does not
    // block on a FIFO); what is there is then read bounded.
    fs::metadata(path).map_err(|source| KeyError::Read {
        path: shown.clone(),
        source,
    })?;
    let bytes = crate::log::read_bounded(path, MAX_KEY_FILE_BYTES, "the key file")
        .map_err(KeyError::Unreadable)?;
    String::from_utf8(bytes).map_err(|_| KeyError::Read {
        path: shown,
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })
}

/// Loads a private key file, refusing one that group or others can read
/// and saying so when it is a public key (`NAME.pub`, which is rightly
/// world-readable: its mode is not the problem).
pub fn load_secret_key(path: &Path) -> Result<SecretKey, KeyError> {
    let shown = path.display().to_string();
    let text = read_key_file(path)?;
    if let Ok(public) = PublicKey::parse(&text, &shown) {
        let want = match path.extension() {
            Some(e) if e == "pub" => path.with_extension("key").display().to_string(),
            _ => format!("{}.key", public.name()),
        };
        return Err(KeyError::PublicGiven {
            path: shown,
            name: public.name().to_string(),
            want,
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::WorldReadable { path: shown, mode });
        }
    }
    SecretKey::parse(&text, &shown)
}

/// Loads a public key file (`NAME.pub`).
pub fn load_public_key(path: &Path) -> Result<PublicKey, KeyError> {
    let shown = path.display().to_string();
    let text = read_key_file(path)?;
    PublicKey::parse(&text, &shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_note_strings() {
        // Many keys, so that some base64 encodings contain '+'.
        for _ in 0..64 {
            let k = SecretKey::generate("alice").unwrap();
            let again = SecretKey::parse(&k.to_note_string(), "test").unwrap();
            assert_eq!(again.public(), k.public());
            let p = PublicKey::parse(&k.public().to_note_string(), "test").unwrap();
            assert_eq!(&p, k.public());
        }
    }

    #[test]
    fn parses_the_go_note_vector_keys() {
        let sk = SecretKey::parse(
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "vector",
        )
        .unwrap();
        assert_eq!(
            sk.public().to_note_string(),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        );
        let e = PublicKey::parse(
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "bad.pub",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("bad.pub is not a signed-note Ed25519 verifier key"),
            "{e}"
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let k = SecretKey::generate("alice").unwrap();
        let shown = format!("{k:?}");
        let secret_b64 = k
            .to_note_string()
            .splitn(5, '+')
            .nth(4)
            .unwrap()
            .to_string();
        assert!(!shown.contains(&secret_b64), "{shown}");
        assert!(shown.contains("<private>"));
    }

    #[test]
    fn refuses_bad_names() {
        let e = SecretKey::generate("a b").unwrap_err().to_string();
        assert_eq!(
            e,
            "'a b' is not a valid key name: it must be non-empty and have no spaces or '+'"
        );
    }

    #[test]
    fn bad_private_key_error_hides_the_input() {
        let e = SecretKey::parse("PRIVATE+KEY+x+00000000+AAAA", "k.key")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("k.key is not a signed-note Ed25519 private key"),
            "{e}"
        );
        assert!(!e.contains("AAAA"), "{e}");
    }
}
