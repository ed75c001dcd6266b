//! Crash safety of the whole ledger (log + index): a child process appends
//! signed `key.grant` batches through `Ledger::append` in a loop, printing
//! `acked <size>` after each append returns, and is killed (SIGKILL on unix)
//! at random moments. After every kill the ledger must reopen for writing
//! (repairing the log's torn tail and bringing the index up to the log),
//! pass the full statement-level audit, hold every acknowledged entry, and
//! its index must agree with its log.
//!
//! The child is this test binary itself, re-run with `CHILD_ENV` set to run
//! the `#[ignore]`d `crash_child`. Batch sizes and kill times come from one
//! seed (`common::seed`), printed and settable with `PROVLEDGER_TEST_SEED`.

use crate::common;
use ed25519_dalek::SigningKey;
use provledger::keys::SecretKey;
use provledger::ledger::Ledger;
use provledger::statement::{Body, KeyGrant, Role, SignedStatement, Statement};
use sha2::{Digest as _, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CHILD_ENV: &str = "PROVLEDGER_LEDGER_CRASH_CHILD";
/// The child's first batch size, less one (0..4).
const CHILD_SEED_ENV: &str = "PROVLEDGER_LEDGER_CRASH_CHILD_SEED";
const ITERATIONS: u64 = 15;
const T0: u64 = 1_762_400_000;

fn key(name: &str, seed: u64) -> SecretKey {
    let bytes: [u8; 32] = Sha256::digest(format!("{name}/{seed}")).into();
    SecretKey::from_signing_key(name, SigningKey::from_bytes(&bytes)).unwrap()
}

fn operator() -> SecretKey {
    key("crash.example", 0)
}

/// The grant appended as entry `seq` (entry 0 is the genesis).
fn grant(seq: u64) -> SignedStatement {
    let grantee = key(&format!("k{seq}"), seq);
    SignedStatement::sign(
        &Statement {
            at: T0,
            body: Body::KeyGrant(KeyGrant {
                key: grantee.public().to_note_string(),
                display_name: format!("Key {seq}"),
                roles: vec![Role::Checker],
            }),
        },
        &operator(),
    )
    .unwrap()
}

/// The child: append forever, acknowledging each append on stdout. Run
/// only by `killed_ledger_appenders_lose_nothing_and_the_index_follows`;
/// without `CHILD_ENV` it does nothing.
#[test]
#[ignore = "the crash test's child; its parent runs it"]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let op = operator();
    let mut l = Ledger::open_writer(Path::new(&dir)).unwrap();
    let seed: u64 = std::env::var(CHILD_SEED_ENV).unwrap().parse().unwrap();
    let mut n = 1 + seed % 4;
    let mut out = std::io::stdout();
    loop {
        let start = l.size();
        let batch = (start..start + n).map(grant).collect();
        l.append(batch, &op, T0).unwrap();
        writeln!(out, "acked {}", l.size()).unwrap();
        out.flush().unwrap();
        n = n % 4 + 1;
    }
}

#[test]
fn killed_ledger_appenders_lose_nothing_and_the_index_follows() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let mut seed = common::seed();
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    drop(Ledger::init(&dir, &operator(), "crash test", 1, T0).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut behind = 0;

    for iter in 0..ITERATIONS {
        let mut child = Command::new(&exe)
            .args(common::child_args("ledger_crash::crash_child"))
            .env(CHILD_ENV, &dir)
            .env(CHILD_SEED_ENV, next(4).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<u64>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("acked ") {
                    let _ = tx.send(n.parse().unwrap());
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("iteration {iter}: the child never acknowledged"));
        std::thread::sleep(Duration::from_micros(next(60_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        let acked = rx.try_iter().max().unwrap_or(0);

        // How often the kill fell between the log's commit and the index's
        // (the index must then catch up), for the record.
        if let (Ok(log), Ok(state)) = (
            provledger::log::Log::open(&dir),
            provledger::state::State::open(&dir.join(provledger::ledger::INDEX_FILE)),
        ) {
            if state.applied().unwrap_or(0) < log.size() {
                behind += 1;
            }
        }
        let l = Ledger::open_writer(&dir)
            .unwrap_or_else(|e| panic!("iteration {iter}: cannot reopen after the kill: {e}"));
        let size = l.size();
        assert!(
            size >= acked,
            "iteration {iter}: {size} entries but {acked} were acknowledged"
        );
        assert_eq!(
            l.state().applied().unwrap(),
            size,
            "the index is not at the log"
        );
        assert_eq!(l.state().keys().unwrap().len() as u64, size - 1);
        for seq in [1, size / 2, size - 1].into_iter().filter(|s| *s >= 1) {
            assert_eq!(l.entry(seq).unwrap().statement.id(), grant(seq).id());
        }
        drop(l);
        let report =
            provledger::audit::audit(&dir, Some(operator().public().clone()), None, |_, _| {})
                .unwrap();
        assert!(
            report.ok,
            "iteration {iter}: audit after the kill: {:#?}",
            report.problems
        );
        assert_eq!(report.entries_checked, size);
    }
    println!("{ITERATIONS} kills; the index had to catch up after {behind}");
}
