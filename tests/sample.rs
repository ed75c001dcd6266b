//! The shipped sample ledger (`ledger/`): it audits clean against the demo
//! operator key, and `sample/build.py` rebuilds it byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Derived or per-machine files that are not part of the ledger's content.
fn is_local(rel: &str) -> bool {
    rel == "lock" || rel == "pending" || rel.starts_with("index.sqlite")
}

/// Every ledger file (relative path → bytes), local files left out.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::common::files_under(dir, is_local)
}

#[test]
fn the_shipped_ledger_audits_clean_against_the_demo_operator_key() {
    // Audit a copy, so that the test leaves the working tree as it was.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("ledger");
    for (rel, bytes) in files(&root().join("ledger")) {
        let p = copy.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .args([
            "--ledger",
            copy.to_str().unwrap(),
            "audit",
            "--json",
            "--operator",
        ])
        .arg(root().join("keys/demo/operator.pub"))
        .output()
        .unwrap();
    let out = crate::common::scanned(tmp.path(), "audit of the sample ledger", out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["ok"], true);
    let counts = &report["counts"];
    for kind in [
        "ledger.genesis",
        "key.grant",
        "source.record",
        "article.record",
        "claim.record",
        "claim.revise",
        "claim.link",
        "verification",
        "verification.withdraw",
    ] {
        assert!(
            counts[kind].as_u64().unwrap_or(0) > 0,
            "no {kind} in {counts}"
        );
    }
}

#[test]
fn sample_build_rebuilds_the_shipped_ledger_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ledger");
    let done = Command::new("python3")
        .arg(root().join("sample/build.py"))
        .arg("--out")
        .arg(&out)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_provledger"))
        .output()
        .expect("python3 runs sample/build.py");
    for keys in [tmp.path().to_path_buf(), root().join("keys")] {
        crate::common::assert_no_secrets(&keys, "sample/build.py", &done.stdout, &done.stderr);
    }
    assert!(
        done.status.success(),
        "sample/build.py failed:\n{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let shipped = files(&root().join("ledger"));
    let rebuilt = files(&out);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&shipped),
        names(&rebuilt),
        "the ledgers hold different files"
    );
    for (rel, bytes) in &shipped {
        assert!(
            bytes == &rebuilt[rel],
            "ledger/{rel} differs from the rebuild: run `python3 sample/build.py` and commit"
        );
    }
}
