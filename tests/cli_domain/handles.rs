//! One handle per command: a write command resolves its ids on the writer
//! handle it appends with, so an append that lands while it waits for the
//! lock is seen.

use crate::support::{key, Seeded};
use provledger::ledger::Ledger;
use provledger::statement::{
    Body, Change, ChangeReason, ClaimRevise, ContentChanges, SignedStatement, Statement,
};
use std::io::BufRead;
use std::process::{Command, Stdio};

#[test]
fn a_verdict_binds_the_revision_current_when_it_lands() {
    let s = Seeded::new();
    let claim = s.claim("deadlock").to_string();
    let eda = key(&s.key("eda"));
    let operator = key(s.ledger().join("private/operator.key").to_str().unwrap());
    // This test holds the writer lock, as another writer would.
    let mut holder = Ledger::open_writer(&s.ledger()).unwrap();
    let at = s.now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .current_dir(s.root())
        .env_remove("PROVLEDGER_DIR")
        .env_remove("PROVLEDGER_OPERATOR_KEY")
        .env_remove("PROVLEDGER_KEY")
        .env("SOURCE_DATE_EPOCH", (at + 60).to_string())
        .arg("--ledger")
        .arg(s.ledger())
        .args(["verify", &claim, "--verdict", "true", "--json", "--key"])
        .arg(s.key("cem"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("waiting for the writer lock"), "{line}");
    // While the verdict waits, the claim is revised.
    let id = provledger::digest::Digest::from_hex(&claim).unwrap();
    let current = holder.state().claim(&id).unwrap().unwrap();
    let content = current.content().revised(
        current.anchor.clone(),
        ContentChanges {
            proposition: Some("The Istanbul talks ended without agreement.".into()),
            ..ContentChanges::default()
        },
    );
    let revise = SignedStatement::sign(
        &Statement {
            at,
            body: Body::ClaimRevise(ClaimRevise {
                claim: id,
                article: current.article.id,
                change: Change::Content(content),
                reason: ChangeReason::Error,
                note: None,
            }),
        },
        &eda,
    )
    .unwrap();
    let revision = revise.id().to_hex();
    holder.append(vec![revise], &operator, at).unwrap();
    drop(holder);
    let out = child.wait_with_output().unwrap();
    crate::common::assert_no_secrets(
        s.root(),
        "verify waiting for the lock",
        &out.stdout,
        &[line.as_bytes(), &out.stderr].concat(),
    );
    assert!(out.status.success(), "{line}{:?}", out);
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdict = s.json(&["show", receipt[0]["id"].as_str().unwrap()]);
    assert_eq!(verdict["body"]["revision"], revision, "{verdict}");
    assert_eq!(s.status("deadlock")["claim"]["revision"], revision);
    s.assert_audit_clean();
}
