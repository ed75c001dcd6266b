//! `proof status` and `proof verify` of a status proof (issue 10 §5): the
//! file recomputes, with the operator key alone, the status `status`
//! gives; a file with a statement left out, reordered or tampered is
//! refused, naming what is missing or wrong; and what it cannot prove (a
//! verdict left out that nothing refers to) is said.

use crate::common::Out;
use crate::support::{assert_schema, Seeded};
use serde_json::Value;
use std::fs;

/// A seeded ledger where deadlock has cem's verdict, chloe's withdrawn
/// one, a corroborating claim that cites a third, and a revision.
fn scene() -> Seeded {
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    let chloe = s.verify("chloe", "deadlock", "false");
    s.ok(&[
        "verify",
        "withdraw",
        &chloe[..12],
        "--reason",
        "judged the wrong round of talks",
        "--key",
        &s.key("chloe"),
    ]);
    for (from, to, relation) in [
        ("wasiq-led", "deadlock", "corroborates"),
        ("wasiq-led", "malik-led", "cites"),
        ("paradoxical", "deadlock", "contradicts"),
    ] {
        s.ok(&[
            "link",
            s.claim(from),
            s.claim(to),
            "--relation",
            relation,
            "--key",
            &s.key("eda"),
        ]);
    }
    s.revise("deadlock", &["--hedge", "reportedly", "--reason", "error"]);
    s.verify("chloe", "deadlock", "mostly_true");
    s
}

/// Writes `file` and checks it in a directory of its own with only the
/// operator's .pub.
fn verify(s: &Seeded, file: &Value, json: bool) -> Out {
    let elsewhere = crate::common::Env::new();
    fs::write(elsewhere.path("p.json"), serde_json::to_vec(file).unwrap()).unwrap();
    fs::copy(s.operator_pub(), elsewhere.path("operator.pub")).unwrap();
    let mut args = vec!["proof", "verify", "p.json", "--operator", "operator.pub"];
    if json {
        args.push("--json");
    }
    elsewhere.bare(&args).run()
}

fn proof(s: &Seeded) -> Value {
    let out = s.run(&[
        "proof",
        "status",
        &s.claim("deadlock")[..12],
        "--out",
        "p.json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(out.stderr.starts_with("wrote p.json: "), "{out}");
    let bytes = fs::read(s.path("p.json")).unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_schema("status-proof.schema.json", &v);
    // Canonical: what is written is the compact form, and stdout without
    // --out is the same bytes.
    let parsed = provledger::proof::status::StatusProof::parse(&bytes).unwrap();
    assert!(
        parsed.to_bytes() == bytes,
        "the file is in its canonical form"
    );
    let again = s.run(&["proof", "status", s.claim("deadlock")]);
    assert!(again.stdout.as_bytes() == &bytes[..], "stdout is the file");
    v
}

/// The entries of `file` with the statement kind of each.
fn kinds(s: &Seeded, file: &Value) -> Vec<(u64, String, String)> {
    let log = s.json(&["log"]);
    file["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let i = e["index"].as_u64().unwrap();
            let l = &log[i as usize];
            (
                i,
                l["kind"].as_str().unwrap().to_string(),
                l["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn without(file: &Value, index: u64) -> Value {
    let mut f = file.clone();
    f["entries"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["index"] != index);
    f
}

#[track_caller]
fn refused(s: &Seeded, file: &Value, message: &str) {
    let r = verify(s, file, false);
    assert_eq!(r.code, 3, "{r}");
    assert!(r.stdout.is_empty(), "{r}");
    assert!(
        r.stderr
            .starts_with("provledger: status proof p.json does not check out: "),
        "{r}"
    );
    assert!(r.stderr.contains(message), "want {message:?}:\n{r}");
}

#[test]
fn a_status_proof_gives_the_status_that_status_gives() {
    let s = scene();
    let file = proof(&s);
    let status = s.status("deadlock");
    assert_eq!(status["status"], "verified");
    assert_eq!(
        status["corroboration"]["corroborating"]["groups"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = verify(&s, &file, true);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    assert_schema("status-proof-verify.schema.json", &v);
    assert_eq!(v["status"], status, "the same status object as `status`");
    assert_eq!(v["origin"], "test.example/ledger");
    assert_eq!(v["tree_size"], s.size());
    assert_eq!(v["statements"], file["entries"].as_array().unwrap().len());
    // What it holds: the kinds the status is derived from, and not the
    // claims that nothing links to deadlock.
    let k = kinds(&s, &file);
    let count = |kind: &str| k.iter().filter(|(_, x, _)| x == kind).count();
    assert_eq!(k[0].1, "ledger.genesis");
    assert_eq!(count("key.grant"), 3);
    assert_eq!(count("article.record"), 1);
    assert_eq!(count("verification"), 3);
    assert_eq!(count("verification.withdraw"), 1);
    assert_eq!(
        count("claim.link"),
        3,
        "both links to deadlock and wasiq-led's cites"
    );
    assert_eq!(count("claim.revise"), 1);
    let claims: Vec<&str> = k
        .iter()
        .filter(|(_, x, _)| x == "claim.record")
        .map(|(_, _, id)| id.as_str())
        .collect();
    for c in ["deadlock", "wasiq-led", "malik-led", "paradoxical"] {
        assert!(claims.contains(&s.claim(c)), "{c} is carried");
    }
    assert_eq!(claims.len(), 4, "no other claim");
    assert_eq!(
        file["blobs"].as_array().unwrap().len(),
        1,
        "the article text"
    );

    // The text form says what is and is not proven, then the status.
    let r = verify(&s, &file, false);
    assert_eq!(r.code, 0, "{r}");
    let text = r.stdout;
    assert!(text.starts_with(&format!(
        "ok: status of claim {} recomputed from {} statements of test.example/ledger (tree size {})\nnot proven: that the file leaves out no later statement",
        s.claim("deadlock"),
        k.len(),
        s.size()
    )), "{text}");
    assert!(text.contains("status      verified"), "{text}");
    assert!(
        text.ends_with(&s.ok(&["status", s.claim("deadlock")])),
        "{text}"
    );

    // A tlog-proof still verifies through the same command.
    s.ok(&[
        "proof",
        "inclusion",
        s.claim("deadlock"),
        "--out",
        "c.tlog-proof",
    ]);
    s.run(&[
        "proof",
        "verify",
        "c.tlog-proof",
        "--operator",
        s.operator_pub().to_str().unwrap(),
    ])
    .ok()
    .stdout_has("ok: claim.record");
}

#[test]
fn a_status_proof_with_a_statement_left_out_is_refused_naming_it() {
    let s = scene();
    let file = proof(&s);
    let k = kinds(&s, &file);
    let find = |kind: &str| k.iter().find(|(_, x, _)| x == kind).unwrap().clone();
    let short = |id: &str| id[..12].to_string();

    // The article the claims read.
    let (i, _, article) = find("article.record");
    refused(&s, &without(&file, i), &format!(
        "is refused by the ledger's rules applied to the file's statements: ref.missing: article {} is not in the ledger; the file leaves out a statement it refers to",
        short(&article)
    ));
    // The withdrawn verdict: its withdrawal refers to it.
    let (i, _, verdict) = k
        .iter()
        .filter(|(_, x, _)| x == "verification")
        .nth(1)
        .unwrap()
        .clone();
    refused(&s, &without(&file, i), &format!(
        "ref.missing: verification {} is not in the ledger; the file leaves out a statement it refers to",
        short(&verdict)
    ));
    refused(&s, &without(&file, i), "(verification.withdraw ");
    // A checker's grant.
    let (i, _, _) = k
        .iter()
        .filter(|(_, x, _)| x == "key.grant")
        .nth(1)
        .unwrap()
        .clone();
    refused(&s, &without(&file, i), "signer.not-granted: signer");
    // The genesis.
    refused(
        &s,
        &without(&file, 0),
        "the file does not start with the ledger's genesis (log index 0): the genesis policy is missing",
    );
    // The claim's own record.
    let (i, _, _) = k
        .iter()
        .find(|(_, _, id)| id == s.claim("deadlock"))
        .unwrap()
        .clone();
    refused(
        &s,
        &without(&file, i),
        &format!(
            "ref.missing: claim {} is not in the ledger",
            short(s.claim("deadlock"))
        ),
    );
    // The article text.
    let mut f = file.clone();
    f["blobs"] = Value::Array(Vec::new());
    refused(&s, &f, "article.content-missing");
}

#[test]
fn a_reordered_or_tampered_status_proof_is_refused() {
    let s = scene();
    let file = proof(&s);
    let op = || s.operator_pub();
    let _ = op;
    // Two entries swapped.
    let mut f = file.clone();
    f["entries"].as_array_mut().unwrap().swap(3, 4);
    let (a, b) = (
        file["entries"][3]["index"].clone(),
        file["entries"][4]["index"].clone(),
    );
    refused(&s, &f, &format!(
        "entry 4 of the file is log index {a}, which is not after index {b}: entries must be in log order, each once"
    ));
    // An entry twice.
    let mut f = file.clone();
    let dup = f["entries"][2].clone();
    f["entries"].as_array_mut().unwrap().insert(2, dup);
    refused(&s, &f, "entry 3 of the file is log index");
    // A leaf changed: its inclusion fails.
    let mut f = file.clone();
    let last = f["entries"].as_array().unwrap().len() - 1;
    let leaf = f["entries"][last]["leaf"].as_str().unwrap().to_string();
    let mut bytes = base64_decode(&leaf);
    let n = bytes.len();
    bytes[n - 1] ^= 1;
    f["entries"][last]["leaf"] = Value::String(base64_encode(&bytes));
    let index = f["entries"][last]["index"].clone();
    refused(
        &s,
        &f,
        &format!("log index {index}: the inclusion proof does not lead to the checkpoint's root"),
    );
    // An entry moved to another index, in order and inside the tree.
    let mut f = file.clone();
    let indices: Vec<u64> = file["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    let at = (1..last)
        .find(|&k| indices[k] + 1 < indices[k + 1])
        .expect("a gap in the file");
    f["entries"][at]["index"] = Value::from(indices[at] + 1);
    refused(
        &s,
        &f,
        "the inclusion proof does not lead to the checkpoint's root",
    );
    // The article text altered.
    let mut f = file.clone();
    let text = base64_decode(f["blobs"][0]["bytes"].as_str().unwrap());
    let mut t = text.clone();
    t[0] ^= 0x20;
    f["blobs"][0]["bytes"] = Value::String(base64_encode(&t));
    refused(
        &s,
        &f,
        &format!(
            "blob {} does not hash to its sha256",
            f["blobs"][0]["sha256"].as_str().unwrap()
        ),
    );
    // The checkpoint altered.
    let mut f = file.clone();
    let cp = f["checkpoint"]
        .as_str()
        .unwrap()
        .replacen("test.example", "evil.example", 1);
    f["checkpoint"] = Value::String(cp);
    refused(
        &s,
        &f,
        "the checkpoint does not verify under the operator key",
    );
    // Another format, and not JSON of ours at all.
    let mut f = file.clone();
    f["format"] = Value::String("provledger-status-proof/v9".into());
    refused(&s, &f, "not a status proof: format is 'provledger-status-proof/v9', not provledger-status-proof/v1");
    let mut f = file.clone();
    f["extra"] = Value::Bool(true);
    refused(&s, &f, "not a status proof: unknown field `extra`");
    // A claim the file does not hold.
    let mut f = file.clone();
    f["claim"] = Value::String(s.claim("mujahid-soil").to_string());
    refused(
        &s,
        &f,
        &format!(
            "the file holds no claim.record {}: the claim's record is missing",
            s.claim("mujahid-soil")
        ),
    );
    // Checked with another operator key.
    let other = crate::common::Env::with_ledger();
    let r = s.run(&[
        "proof",
        "verify",
        "p.json",
        "--operator",
        other.operator_pub().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 3, "{r}");
    assert!(
        r.stderr
            .contains("the checkpoint does not verify under the operator key"),
        "{r}"
    );
}

#[test]
fn what_a_status_proof_cannot_prove_a_verdict_left_out_that_nothing_refers_to() {
    // Inclusion proves what is in the file, never that nothing was left
    // out: without cem's verdict, which nothing refers to, the file still
    // checks out and gives another status. The verifier says so.
    let s = Seeded::new();
    s.verify("cem", "deadlock", "true");
    let file = proof(&s);
    let k = kinds(&s, &file);
    let (i, _, _) = k
        .iter()
        .find(|(_, x, _)| x == "verification")
        .unwrap()
        .clone();
    let r = verify(&s, &without(&file, i), true);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    assert_eq!(v["status"]["status"], "unreviewed");
    assert!(v["complete"]
        .as_str()
        .unwrap()
        .starts_with("not proven: that the file leaves out no later statement"));
    assert_eq!(
        verify(&s, &file, true).json()["status"]["status"],
        "verified"
    );
}

#[test]
fn proof_status_of_what_is_not_a_claim_is_refused() {
    let s = Seeded::new();
    s.refused(
        &["proof", "status", "0123456789abcdef"],
        4,
        "no claim.record has an id starting with 0123456789abcdef",
    );
    s.refused(
        &["proof", "status", &s.source("mujahid")[..12]],
        4,
        "is a source.record, not a claim.record",
    );
    assert!(!s.path("p.json").exists());
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    STANDARD.encode(b)
}

#[test]
fn proof_inclusion_works_for_any_statement() {
    // Not only a claim's record: a revision, a verdict, its withdrawal, a
    // link, a source, each proven and checked offline as its own kind.
    let s = scene();
    let log = s.json(&["log"]);
    let op = s.operator_pub();
    let mut seen = std::collections::BTreeSet::new();
    for e in log.as_array().unwrap() {
        let kind = e["kind"].as_str().unwrap();
        if !seen.insert(kind.to_string()) {
            continue;
        }
        let id = e["id"].as_str().unwrap();
        s.ok(&["proof", "inclusion", &id[..12], "--out", "one.tlog-proof"]);
        let v = s.json(&[
            "proof",
            "verify",
            "one.tlog-proof",
            "--operator",
            op.to_str().unwrap(),
        ]);
        assert_eq!(v["kind"], kind);
        assert_eq!(v["id"], id);
        assert_eq!(v["index"], e["seq"]);
    }
    for kind in [
        "claim.record",
        "claim.revise",
        "claim.link",
        "verification",
        "verification.withdraw",
        "source.record",
        "article.record",
        "key.grant",
        "ledger.genesis",
    ] {
        assert!(seen.contains(kind), "{kind} proven: {seen:?}");
    }
}

#[test]
fn a_status_proof_carries_the_revocation_of_a_checkers_key() {
    let s = scene();
    s.ok(&[
        "key",
        "revoke",
        s.path("keys/chloe.pub").to_str().unwrap(),
        "--reason",
        "left the desk",
    ]);
    let status = s.status("deadlock");
    assert_eq!(status["tally"]["revoked_key"], 1);
    let file = proof(&s);
    let k = kinds(&s, &file);
    let (i, _, _) = k
        .iter()
        .find(|(_, x, _)| x == "key.revoke")
        .expect("the revocation is carried")
        .clone();
    assert_eq!(verify(&s, &file, true).json()["status"], status);
    // Nothing refers to a revocation: left out, the file still checks out
    // and counts chloe's verdict again. This is the limit README "Status
    // proof" states; the verifier says it is not proven.
    let v = verify(&s, &without(&file, i), true).json();
    assert_eq!(v["status"]["tally"]["revoked_key"], 0);
    assert_ne!(v["status"], status);
}
