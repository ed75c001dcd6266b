//! Crash safety: a child process appends batches in a loop, printing
//! `acked <size>` after each append returns, and is killed (SIGKILL on unix)
//! at random moments, including while it is still opening and repairing.
//! After every kill the ledger must open for writing, audit clean, and hold
//! at least every acknowledged entry, byte for byte.
//!
//! The child is this test binary itself, re-run with `CHILD_ENV` set to run
//! the `#[ignore]`d `crash_child`. Batch sizes and kill times come from one
//! seed (`common::seed`), printed and settable with `PROVLEDGER_TEST_SEED`.

use crate::{common, log_support};

use log_support::*;
use provledger::log::{audit, AuditOptions, Log};
use sha2::{Digest as _, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "PROVLEDGER_LOG_CRASH_CHILD";
/// The seed of the child's batch sizes.
const CHILD_SEED_ENV: &str = "PROVLEDGER_LOG_CRASH_CHILD_SEED";
const ITERATIONS: usize = 30;

/// A small deterministic generator (xorshift64*), seeded per run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Statement `i`: pseudo-random bytes of pseudo-random length (0..600),
/// derived from `i` so the parent can check every entry's content.
fn crash_statement(i: u64) -> Vec<u8> {
    let mut block: [u8; 32] = Sha256::digest(i.to_be_bytes()).into();
    let len = u16::from_be_bytes([block[0], block[1]]) as usize % 600;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        out.extend_from_slice(&block);
        block = Sha256::digest(block).into();
    }
    out.truncate(len);
    out
}

/// The child's job: append forever, acknowledging each append on stdout.
/// Run only by `killed_appenders_lose_nothing_acknowledged`; without
/// `CHILD_ENV` it does nothing.
#[test]
#[ignore = "the crash test's child; its parent runs it"]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (signer, _) = operator();
    let mut w = Log::open_writer(&dir, Some(Duration::from_secs(20))).unwrap();
    let seed: u64 = std::env::var(CHILD_SEED_ENV).unwrap().parse().unwrap();
    let mut rng = Rng(w.size().wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ seed | 1);
    // Straight to the process's stdout, bypassing the test harness capture.
    let mut out = std::io::stdout();
    loop {
        let start = w.size();
        let n = 1 + rng.below(5);
        let batch: Vec<Vec<u8>> = (start..start + n).map(crash_statement).collect();
        w.append(&batch, T0, &signer).unwrap();
        writeln!(out, "acked {}", w.size()).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn killed_appenders_lose_nothing_acknowledged() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let mut rng = Rng(common::seed());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    let (signer, verifier) = operator();
    drop(Log::create(&dir, &signer).unwrap());
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let (mut torn, mut early) = (0, 0);

    for iter in 0..ITERATIONS {
        let stderr_path = tmp.path().join("child.stderr");
        let mut child = Command::new(&exe)
            .args(common::child_args("log_crash::crash_child"))
            .env(CHILD_ENV, &dir)
            .env(CHILD_SEED_ENV, rng.next().to_string())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
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

        // Mostly kill mid-stream; sometimes while the child is still
        // starting up, opening the ledger and repairing it.
        if rng.below(5) == 0 {
            early += 1;
            std::thread::sleep(Duration::from_millis(rng.below(15)));
        } else {
            let first = rx.recv_timeout(Duration::from_secs(30));
            if first.is_err() {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "iteration {iter}: the child never acknowledged an append; its stderr:\n{}",
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        let acked = rx.try_iter().max();

        if dir.join("pending").exists() {
            torn += 1;
        }
        check(&dir, &verifier, acked, iter);
    }
    println!(
        "{ITERATIONS} kills ({early} early, {torn} with an append in flight) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Repairs the ledger, audits it and checks it holds every acked entry.
fn check(dir: &Path, verifier: &signed_note::StandardVerifier, acked: Option<u64>, iter: usize) {
    let w = Log::open_writer(dir, Some(std::time::Duration::from_secs(30)))
        .unwrap_or_else(|e| panic!("iteration {iter}: cannot reopen after the kill: {e}"));
    let size = w.size();
    drop(w);
    if let Some(acked) = acked {
        assert!(
            size >= acked,
            "iteration {iter}: the ledger has {size} entries but {acked} were acknowledged"
        );
    }
    let opts = AuditOptions {
        verifier,
        trusted_checkpoint: None,
    };
    let r = audit(
        dir,
        &opts,
        |i, leaf| {
            if leaf.statement == crash_statement(i) && leaf.logged_at == T0 {
                Ok(())
            } else {
                Err("the statement is not the one appended".into())
            }
        },
        |_, _| {},
    )
    .unwrap();
    assert!(
        r.is_clean(),
        "iteration {iter}: audit after the kill found {:#?}",
        r.problems
    );
    assert_eq!(r.entries_checked, size);
    // Nothing of an interrupted append may linger past the repair.
    assert!(!dir.join("pending").exists());
    assert_eq!(
        std::fs::metadata(dir.join("hashes")).unwrap().len(),
        tlog_tiles::stored_hash_count(size) * 32
    );
}
