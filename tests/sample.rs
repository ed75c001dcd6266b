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

/// The README's "Try next" block: every command runs on the shipped sample
/// ledger and shows what its comment says (the ids are the rebuilt
/// ledger's; a rebuild that changes them fails here until the README is
/// updated).
#[test]
fn the_readme_try_next_examples_show_what_they_say() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("Try next, on the sample ledger:\n\n```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README.md has the Try next block");
    let commands: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_prefix("$P "))
        .map(|l| l.split(" #").next().unwrap().trim())
        .collect();
    // Each command, and what its output must show.
    let expected: &[(&str, &[&str])] = &[
        (
            "claims",
            &[
                "7502c7b4150e",
                "b9d1667d070c",
                "One Kabul-based source (anonymous person) pointing out",
            ],
        ),
        ("claims --status disputed", &["2bdaf2a8f2b7  disputed"]),
        ("claims --search Wasiq --json", &["\"id\": \"fb6079237622"]),
        (
            "status fb6079237622",
            &["not counted: 1 stale", "STALE", "current"],
        ),
        (
            "status 7502c7b4150e",
            &["corroborated by 2 independent origins"],
        ),
        (
            "history fb6079237622",
            &[
                "3 verdicts, 1 link",
                "superseded",
                "STALE",
                "current",
                "{+Afghan officials+}",
            ],
        ),
        (
            "audit --operator keys/demo/operator.pub",
            &["checked    63 entries", "15  claim.record", "audit ok"],
        ),
    ];
    assert_eq!(
        commands,
        expected.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        "the Try next block changed: update this test with what each command shows"
    );
    let env = crate::common::Env::new();
    crate::common::copy_tree(&root().join("ledger"), &env.ledger(), |rel| {
        rel == "pending" || is_local(rel)
    });
    let operator = root().join("keys/demo/operator.pub");
    for (command, shows) in expected {
        let args: Vec<String> = command
            .split_whitespace()
            .map(|a| match a {
                "keys/demo/operator.pub" => operator.to_str().unwrap().to_string(),
                _ => a.to_string(),
            })
            .collect();
        let out = env.ok(&args);
        for s in *shows {
            assert!(out.contains(s), "`{command}` does not show {s:?}:\n{out}");
        }
    }
    // "the claim the two checkers disagree on": one claim (two lines) under the header.
    let disputed = env.ok(&["claims", "--status", "disputed"]);
    assert_eq!(
        disputed.lines().count(),
        3,
        "one disputed claim:\n{disputed}"
    );
}
