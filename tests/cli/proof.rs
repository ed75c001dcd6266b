//! `proof inclusion|consistency|verify`: proofs made by the binary check out
//! with the library's verifiers and with the operator's public key alone;
//! tampered proofs and wrong keys are refused with their messages.

use crate::common::*;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use provledger::log::{verify_consistency, verify_inclusion};
use sha2::{Digest as _, Sha256};
use std::fs;

fn b64(s: &serde_json::Value) -> Vec<u8> {
    BASE64.decode(s.as_str().unwrap()).unwrap()
}

/// A ledger with the genesis and three grants; returns it and the grants' ids.
fn ledger() -> (Env, Vec<String>) {
    let env = Env::with_ledger();
    for name in ["alice", "bob", "carol"] {
        env.granted(name, "editor");
    }
    let ids = env
        .run(&["log", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    (env, ids)
}

#[test]
fn an_inclusion_proof_file_verifies_with_the_operator_key_alone() {
    let (env, ids) = ledger();
    let id = &ids[2];
    let out = env
        .run(&["proof", "inclusion", &id[..8], "--out", "bob.tlog-proof"])
        .ok();
    let file = fs::read_to_string(env.path("bob.tlog-proof")).unwrap();
    assert_eq!(out.stdout, file, "--out writes what is printed");
    assert!(file.starts_with("c2sp.org/tlog-proof@v1\nextra "), "{file}");
    assert!(file.contains("\nindex 2\n"), "{file}");
    let checkpoint = env.run(&["checkpoint"]).ok().stdout;
    assert!(file.ends_with(&format!("\n\n{checkpoint}")), "{file}");

    // Checked somewhere else, with nothing but the proof and the .pub.
    let elsewhere = Env::new();
    fs::copy(env.path("bob.tlog-proof"), elsewhere.path("p.tlog-proof")).unwrap();
    fs::copy(env.operator_pub(), elsewhere.path("operator.pub")).unwrap();
    let ok = elsewhere
        .run(&[
            "proof",
            "verify",
            "p.tlog-proof",
            "--operator",
            "operator.pub",
        ])
        .ok();
    assert_eq!(
        ok.stdout,
        format!("ok: key.grant {id} is entry 2 of {ORIGIN} (tree size 4)\n")
    );
    let v = elsewhere
        .run(&[
            "proof",
            "verify",
            "p.tlog-proof",
            "--operator",
            "operator.pub",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["index"], 2);
    assert_eq!(v["tree_size"], 4);
    assert_eq!(v["origin"], ORIGIN);
    assert_eq!(v["kind"], "key.grant");
    assert_eq!(v["statement"]["body"]["display_name"], "bob");

    // The proof stays valid after the ledger grows: it is bound to its own
    // checkpoint.
    env.granted("dave", "checker");
    env.run(&[
        "proof",
        "verify",
        "bob.tlog-proof",
        "--operator",
        env.operator_pub().to_str().unwrap(),
    ])
    .ok();
}

#[test]
fn the_inclusion_proof_json_checks_out_with_the_library() {
    let (env, ids) = ledger();
    for (index, id) in ids.iter().enumerate() {
        let p = env.run(&["proof", "inclusion", id, "--json"]).ok().json();
        assert_eq!(p["id"], id.as_str());
        assert_eq!(p["index"], index);
        assert_eq!(p["tree_size"], 4);
        let leaf = b64(&p["leaf"]);
        // RFC 6962 leaf hash, computed here.
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(&leaf);
        let leaf_hash = h.finalize().to_vec();
        assert_eq!(p["leaf_hash"], hex::encode(&leaf_hash));
        let proof: Vec<Vec<u8>> = p["proof"].as_array().unwrap().iter().map(b64).collect();
        verify_inclusion(&leaf_hash, index as u64, 4, &proof, &b64(&p["root"])).unwrap();
        assert_eq!(
            p["checkpoint"].as_str().unwrap(),
            env.run(&["checkpoint"]).ok().stdout
        );
        // The same leaf hash as `log` shows.
        let log = env.run(&["log", "--json"]).ok().json();
        assert_eq!(log[index]["leaf_hash"], p["leaf_hash"]);
        // The root is the checkpoint's.
        assert!(p["checkpoint"]
            .as_str()
            .unwrap()
            .contains(p["root"].as_str().unwrap()));
    }
}

#[test]
fn a_tampered_proof_file_is_refused() {
    let (env, _) = ledger();
    env.run(&[
        "proof",
        "inclusion",
        &env.run(&["log", "--json"]).ok().json()[1]["id"]
            .as_str()
            .unwrap()[..6],
        "--out",
        "p.tlog-proof",
    ])
    .ok();
    let good = fs::read_to_string(env.path("p.tlog-proof")).unwrap();
    let op = env.operator_pub();
    let verify = |name: &str, text: &str| {
        fs::write(env.path(name), text).unwrap();
        env.run(&["proof", "verify", name, "--operator", op.to_str().unwrap()])
    };
    let not_root = "the inclusion proof does not lead to the checkpoint's root: ";

    // Another index.
    verify(
        "index.tlog-proof",
        &good.replace("\nindex 1\n", "\nindex 2\n"),
    )
    .fails_with(
        3,
        &format!("provledger: proof index.tlog-proof does not check out: {not_root}"),
    );
    // A proof hash replaced.
    let mut lines: Vec<&str> = good.lines().collect();
    let zero = BASE64.encode([0u8; 32]);
    lines[3] = &zero;
    verify("hash.tlog-proof", &(lines.join("\n") + "\n")).fails_with(
        3,
        &format!("proof hash.tlog-proof does not check out: {not_root}"),
    );
    // The leaf changed: a byte of the extra data.
    let extra = good.lines().nth(1).unwrap().strip_prefix("extra ").unwrap();
    let mut leaf = BASE64.decode(extra).unwrap();
    let n = leaf.len();
    leaf[n - 3] ^= 1;
    verify(
        "leaf.tlog-proof",
        &good.replace(extra, &BASE64.encode(&leaf)),
    )
    .fails_with(
        3,
        &format!("proof leaf.tlog-proof does not check out: {not_root}"),
    );
    // The checkpoint's signature.
    let sig_at = good.len() - 6;
    let mut cp = good.clone().into_bytes();
    cp[sig_at] = if cp[sig_at] == b'A' { b'B' } else { b'A' };
    verify("sig.tlog-proof", &String::from_utf8(cp).unwrap()).fails_with(
        3,
        &format!(
            "proof sig.tlog-proof does not check out: the proof's checkpoint does not verify \
             under the operator key {}: ",
            fs::read_to_string(&op).unwrap().trim()
        ),
    );
    // Not a proof at all.
    verify("junk.tlog-proof", "hello\n\nworld\n").answer_no(
        "proof junk.tlog-proof does not check out: not a tlog-proof: the first line must be c2sp.org/tlog-proof@v1",
    );
    verify("flat.tlog-proof", "hello\n").answer_no(
        "proof flat.tlog-proof does not check out: not a tlog-proof: no blank line before the checkpoint",
    );
    env.run(&[
        "proof",
        "verify",
        "missing.tlog-proof",
        "--operator",
        op.to_str().unwrap(),
    ])
    // A file that cannot be read is a failure to run, not a "no".
    .error(
        1,
        "cannot read missing.tlog-proof: No such file or directory (os error 2)",
    );
    // The untouched file still verifies.
    verify("good.tlog-proof", &good).ok();
}

#[test]
fn a_proof_checked_with_the_wrong_operator_key_fails() {
    let (env, ids) = ledger();
    env.run(&["proof", "inclusion", &ids[1], "--out", "p.tlog-proof"])
        .ok();
    let (_, bob) = env.keygen("impostor");
    let impostor = fs::read_to_string(&bob).unwrap();
    env.run(&[
        "proof",
        "verify",
        "p.tlog-proof",
        "--operator",
        bob.to_str().unwrap(),
    ])
    .answer_no(&format!(
        "proof p.tlog-proof does not check out: the proof's checkpoint does not verify \
                 under the operator key {}: not signed by key {}",
        impostor.trim(),
        impostor.split('+').take(2).collect::<Vec<_>>().join("+")
    ));
    // Nor does a ledger's proof verify under another ledger's operator.
    let other = Env::with_ledger();
    env.run(&[
        "proof",
        "verify",
        "p.tlog-proof",
        "--operator",
        other.operator_pub().to_str().unwrap(),
    ])
    .fails_with(
        3,
        "the proof's checkpoint does not verify under the operator key",
    );
    // A key file that is not a key.
    env.run(&[
        "proof",
        "verify",
        "p.tlog-proof",
        "--operator",
        "p.tlog-proof",
    ])
    .fails_with(1, "p.tlog-proof is not a signed-note Ed25519 verifier key");
}

#[test]
fn consistency_proofs_check_out_with_the_library() {
    let env = Env::with_ledger();
    let mut checkpoints = vec![env.run(&["checkpoint"]).ok().stdout];
    for name in ["a", "b", "c", "d", "e"] {
        env.granted(name, "auditor");
        checkpoints.push(env.run(&["checkpoint"]).ok().stdout);
    }
    let root_of = |cp: &str| cp.lines().nth(2).unwrap().to_string();
    let size = 6;
    for old in 1..=size {
        let p = env
            .run(&["proof", "consistency", &old.to_string(), "--json"])
            .ok()
            .json();
        assert_eq!(p["old_size"], old);
        assert_eq!(p["new_size"], size);
        // The roots are those the checkpoints of those sizes signed.
        assert_eq!(p["old_root"], root_of(&checkpoints[old as usize - 1]));
        assert_eq!(p["new_root"], root_of(&checkpoints[size as usize - 1]));
        let proof: Vec<Vec<u8>> = p["proof"].as_array().unwrap().iter().map(b64).collect();
        verify_consistency(
            old,
            size,
            &proof,
            &b64(&p["old_root"]),
            &b64(&p["new_root"]),
        )
        .unwrap();
        // A proof for the wrong pair of roots does not verify.
        if old < size && old > 1 {
            let wrong = b64(&serde_json::Value::from(root_of(
                &checkpoints[old as usize - 2],
            )));
            assert!(verify_consistency(old, size, &proof, &wrong, &b64(&p["new_root"])).is_err());
        }
    }
    let p = env
        .run(&["proof", "consistency", "2", "4", "--json"])
        .ok()
        .json();
    assert_eq!(
        (p["old_size"].as_u64(), p["new_size"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(p["new_root"], root_of(&checkpoints[3]));

    let text = env.run(&["proof", "consistency", "2", "4"]).ok();
    let mut lines = text.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("old 2 {}", p["old_root"].as_str().unwrap()).as_str())
    );
    assert_eq!(
        lines.next(),
        Some(format!("new 4 {}", p["new_root"].as_str().unwrap()).as_str())
    );
    let rest: Vec<&str> = lines.collect();
    assert_eq!(
        rest,
        p["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect::<Vec<_>>()
    );
}

#[test]
fn impossible_consistency_proofs_are_refused() {
    let env = Env::with_ledger();
    env.granted("a", "editor");
    env.run(&["proof", "consistency", "0"]).error(
        1,
        "no consistency proof from size 0 to size 2: need 1 <= old <= new",
    );
    env.run(&["proof", "consistency", "2", "1"]).error(
        1,
        "no consistency proof from size 2 to size 1: need 1 <= old <= new",
    );
    env.run(&["proof", "consistency", "1", "3"])
        .error(1, "tree size 3 is larger than the log (2 entries)");
    env.run(&["proof", "consistency", "-1"])
        .code(2)
        .stderr_has("unexpected argument '-1' found");
}
