//! Published test vectors: RFC 6962 roots, inclusion and consistency proofs
//! (transparency-dev/merkle, every negative case included) and the Go
//! signed-note key and note.
//!
//! The vectors are kept in `tests/vectors/` (the repository stands alone:
//! nothing outside it is read).

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use provledger::log::{
    open_note, root_of, verify_consistency, verify_inclusion, Checkpoint, CheckpointError,
};
use serde::Deserialize;
use signed_note::{Note, StandardSigner, StandardVerifier, Verifier};
use std::fs;
use std::path::{Path, PathBuf};

/// The vector directories.
fn vector_roots() -> Vec<PathBuf> {
    vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")]
}

/// All `.json` files under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(json_files(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn b64(s: &str) -> Vec<u8> {
    BASE64
        .decode(s)
        .unwrap_or_else(|e| panic!("bad base64 {s:?}: {e}"))
}

fn b64_list(v: &Option<Vec<String>>) -> Vec<Vec<u8>> {
    v.iter().flatten().map(|s| b64(s)).collect()
}

#[derive(Deserialize)]
struct Roots {
    leaf_inputs_hex: Vec<String>,
    root_hashes_hex_by_size: Vec<String>,
}

#[test]
fn rfc6962_roots() {
    for root in vector_roots() {
        let path = root.join("rfc6962/roots.json");
        let r: Roots = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        let leaves: Vec<Vec<u8>> = r
            .leaf_inputs_hex
            .iter()
            .map(|h| hex::decode(h).unwrap())
            .collect();
        assert_eq!(r.root_hashes_hex_by_size.len(), leaves.len() + 1);
        for (size, want) in r.root_hashes_hex_by_size.iter().enumerate() {
            let got = root_of(&leaves[..size]);
            assert_eq!(got.to_hex(), *want, "{}: size {size}", path.display());
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Inclusion {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

#[test]
fn rfc6962_inclusion() {
    for root in vector_roots() {
        let files = json_files(&root.join("rfc6962/inclusion"));
        let (mut good, mut bad) = (0, 0);
        for f in &files {
            let v: Inclusion = serde_json::from_slice(&fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let got = verify_inclusion(
                &b64(&v.leaf_hash),
                v.leaf_idx,
                v.tree_size,
                &b64_list(&v.proof),
                &b64(&v.root),
            );
            assert_eq!(
                got.is_err(),
                v.want_err,
                "{} ({}): got {got:?}",
                f.display(),
                v.desc
            );
            if v.want_err {
                bad += 1
            } else {
                good += 1
            }
        }
        // Guard against the walk silently finding nothing.
        assert!(good >= 6 && bad >= 50, "{good} good, {bad} bad vectors");
    }
}

#[derive(Deserialize)]
struct Consistency {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    desc: String,
    #[serde(rename = "wantErr")]
    want_err: bool,
}

#[test]
fn rfc6962_consistency() {
    for root in vector_roots() {
        let files = json_files(&root.join("rfc6962/consistency"));
        let (mut good, mut bad) = (0, 0);
        for f in &files {
            let v: Consistency = serde_json::from_slice(&fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let got = verify_consistency(
                v.size1,
                v.size2,
                &b64_list(&v.proof),
                &b64(&v.root1),
                &b64(&v.root2),
            );
            assert_eq!(
                got.is_err(),
                v.want_err,
                "{} ({}): got {got:?}",
                f.display(),
                v.desc
            );
            if v.want_err {
                bad += 1
            } else {
                good += 1
            }
        }
        assert!(good >= 6 && bad >= 80, "{good} good, {bad} bad vectors");
    }
}

#[derive(Deserialize)]
struct GoNote {
    private_key: String,
    verifier_key: String,
    text: String,
    signed_note: String,
    other_verifier_key: String,
    bad_verifier_keys: Vec<String>,
}

fn go_note(root: &Path) -> GoNote {
    serde_json::from_slice(&fs::read(root.join("signed-note/go-note.json")).unwrap()).unwrap()
}

#[test]
fn signed_note_keys_parse_and_the_note_verifies() {
    for root in vector_roots() {
        let v = go_note(&root);
        let signer = StandardSigner::new(&v.private_key).unwrap();
        let verifier = StandardVerifier::new(&v.verifier_key).unwrap();
        assert_eq!(verifier.name(), "PeterNeumann");
        assert_eq!(verifier.key_id(), 0xc74f20a3);
        assert_eq!(
            signed_note::Signer::key_id(&signer),
            verifier.key_id(),
            "the private key must derive the public key's id"
        );

        assert_eq!(
            open_note(v.signed_note.as_bytes(), &verifier).unwrap(),
            v.text.as_bytes()
        );

        // Ed25519 is deterministic: signing the text again gives Go's note.
        let mut n = Note::new(v.text.as_bytes(), &[]).unwrap();
        n.add_sigs(&[&signer]).unwrap();
        assert_eq!(String::from_utf8(n.to_bytes()).unwrap(), v.signed_note);
    }
}

#[test]
fn signed_note_refuses_bad_keys_other_keys_and_altered_notes() {
    for root in vector_roots() {
        let v = go_note(&root);
        for bad in &v.bad_verifier_keys {
            assert!(
                StandardVerifier::new(bad).is_err(),
                "bad verifier key {bad} accepted"
            );
        }

        let other = StandardVerifier::new(&v.other_verifier_key).unwrap();
        let err = open_note(v.signed_note.as_bytes(), &other).unwrap_err();
        assert_eq!(
            err,
            CheckpointError::NotSignedBy {
                name: "EnochRoot".into(),
                id: 0xaf0cfe78
            }
        );
        assert_eq!(err.to_string(), "not signed by key EnochRoot+af0cfe78");

        let verifier = StandardVerifier::new(&v.verifier_key).unwrap();
        // Altered text: the signature no longer matches.
        let altered = v.signed_note.replacen("cryptography", "cryptographY", 1);
        assert_eq!(
            open_note(altered.as_bytes(), &verifier)
                .unwrap_err()
                .to_string(),
            "the signature by key PeterNeumann+c74f20a3 is invalid"
        );
        // Not a note at all.
        assert_eq!(
            open_note(v.text.as_bytes(), &verifier).unwrap_err(),
            CheckpointError::MalformedNote
        );
        // A valid note whose text is not a checkpoint.
        assert_eq!(
            Checkpoint::verify(v.signed_note.as_bytes(), &verifier).unwrap_err(),
            CheckpointError::MalformedCheckpoint
        );
    }
}
