//! Crash safety of the write API: `provledger serve` is killed (SIGKILL on
//! unix) while writers post statements and it group-commits them. Every
//! statement the server answered 201 (or 200) must be in the log after a
//! restart, at the index the answer gave, and the ledger must pass `audit`.
//!
//! The writers post pre-signed `key.grant`s (the operator may sign those,
//! in any order), each once: a statement in flight when the server died
//! may or may not have landed, and is not posted again. Kill times come
//! from one seed (`common::seed`, printed, `PROVLEDGER_TEST_SEED`).

use crate::common::{self, fixed_key, library_ledger, operator, Env};
use provledger::digest::Digest;
use provledger::ledger::Ledger;
use provledger::statement::{Body, KeyGrant, Role, SignedStatement, Statement};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROUNDS: u64 = 4;
const WRITERS: usize = 6;
const STATEMENTS: usize = 6000;

/// `provledger serve` on a port the system picks (the caller kills and
/// waits for it); returns the child and
/// its base URL, read from the line it prints when it listens.
#[allow(clippy::zombie_processes)]
pub fn start_server(ledger: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .args(["--ledger"])
        .arg(ledger)
        .args(["serve", "--write", "--listen", "127.0.0.1:0"])
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("PROVLEDGER_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start provledger serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve ended before listening"
        );
        if let Some(url) = line.split(" at ").nth(1) {
            let url = url.trim().to_string();
            // Keep draining stderr so the child never blocks on a full pipe.
            std::thread::spawn(move || for _ in stderr.lines() {});
            return (child, url);
        }
        assert!(Instant::now() < deadline, "serve printed no address");
    }
}

fn grants() -> Vec<SignedStatement> {
    let op = operator();
    (0..STATEMENTS as u64)
        .map(|i| {
            SignedStatement::sign(
                &Statement {
                    at: common::T0,
                    body: Body::KeyGrant(KeyGrant {
                        key: fixed_key(&format!("w{i}"), 10_000 + i)
                            .public()
                            .to_note_string(),
                        display_name: format!("Writer {i}"),
                        roles: vec![Role::Checker],
                    }),
                },
                &op,
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn a_killed_server_loses_no_acknowledged_statement() {
    let seed = common::seed();
    let env = Env::new();
    library_ledger(&env, 0);
    let statements = Arc::new(grants());
    let next = Arc::new(AtomicUsize::new(0));
    let acked: Arc<Mutex<Vec<(Digest, u64)>>> = Arc::default();
    let mut rng = seed;
    for round in 0..ROUNDS {
        let (mut child, url) = start_server(&env.ledger());
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (statements, next, acked, url) =
                    (statements.clone(), next.clone(), acked.clone(), url.clone());
                std::thread::spawn(move || {
                    let client = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(20))
                        .build()
                        .unwrap();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(s) = statements.get(i) else { return };
                        let sent = client
                            .post(format!("{url}/api/v1/statements"))
                            .header("content-type", "application/cose")
                            .body(s.bytes().to_vec())
                            .send();
                        let Ok(r) = sent else { return };
                        let status = r.status().as_u16();
                        let Ok(body) = r.bytes().map_err(|_| ()).and_then(|b| {
                            serde_json::from_slice::<serde_json::Value>(&b).map_err(|_| ())
                        }) else {
                            return;
                        };
                        match status {
                            200 | 201 => {
                                let index = body["statements"][0]["index"].as_u64().unwrap();
                                acked.lock().unwrap().push((s.id(), index));
                            }
                            503 => {}
                            other => panic!("unexpected answer {other}: {body}"),
                        }
                    }
                })
            })
            .collect();
        // The kill comes once this round has had 30 statements
        // acknowledged (however slow the machine: at most 60 s), then
        // 0..750 ms later (xorshift), amid group commits.
        let start = acked.lock().unwrap().len();
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.lock().unwrap().len() < start + 30 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait = rng % 750;
        std::thread::sleep(Duration::from_millis(wait));
        let before = acked.lock().unwrap().len();
        child.kill().unwrap();
        child.wait().unwrap();
        for w in writers {
            w.join().expect("a writer panicked");
        }
        let after = acked.lock().unwrap().len();
        println!("round {round}: killed {wait} ms after its 30th acknowledgement, {after} acknowledged ({before} before the kill)");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 100,
        "too few acknowledged for the test to mean anything: {}",
        acked.len()
    );
    // The next writer repairs a torn tail and catches the index up.
    let l = Ledger::open_writer(&env.ledger()).unwrap();
    for (id, index) in &acked {
        assert_eq!(
            l.entry(*index).unwrap().statement.id(),
            *id,
            "acknowledged statement at entry {index} is in the log"
        );
        assert_eq!(l.state().statement(id).unwrap().map(|s| s.0), Some(*index));
    }
    drop(l);
    env.assert_audit_clean();
}
