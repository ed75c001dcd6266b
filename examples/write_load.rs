//! The write load test of `provledger serve` (issue 9 §3), bounded by count
//! and time, on loopback only: a fresh ledger in a temporary directory, the
//! `provledger` binary serving it on a free port, and N writer threads each
//! posting pre-signed statements (`key.grant`s by the operator) one after
//! another to `POST /api/v1/statements`. Every batch the server writes is
//! fsynced before any of its statements is answered, so the time from a
//! POST to its 201 is the time to a durable checkpoint that holds it.
//!
//! ```sh
//! cargo build --release && cargo run --release --example write_load -- \
//!     [--bin target/release/provledger] [--writers 64] [--count 20000] [--seconds 60]
//! ```
//!
//! Prints writes/s, p50/p99/max POST→checkpoint, the batches the server
//! wrote (distinct checkpoints) and the server's peak RSS (VmHWM, Linux).
//! A measurement for BENCHMARKS.md, not a test.

use provledger::keys::SecretKey;
use provledger::ledger::Ledger;
use provledger::statement::{Body, KeyGrant, Role, SignedStatement, Statement};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Latencies (ms) of the 201s, their checkpoints, and other answers.
type Results = (Vec<f64>, Vec<String>, usize);

struct Args {
    bin: String,
    writers: usize,
    count: usize,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args {
        bin: "target/release/provledger".into(),
        writers: 64,
        count: 20_000,
        seconds: 60,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || {
            value
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{flag} {value}: not a number"))
        };
        match flag.as_str() {
            "--bin" => a.bin = value.clone(),
            "--writers" => a.writers = number() as usize,
            "--count" => a.count = number() as usize,
            "--seconds" => a.seconds = number(),
            other => panic!("unknown flag {other} (--bin, --writers, --count, --seconds)"),
        }
    }
    a
}

fn key(name: &str, n: u64) -> SecretKey {
    let mut seed = [0x33u8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    SecretKey::from_signing_key(name, ed25519_dalek::SigningKey::from_bytes(&seed)).unwrap()
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledger");
    let op = key("load.example/ledger", u64::MAX);
    let t0 = provledger::ledger::clock().unwrap() - 60;
    Ledger::init(&dir, &op, "write load test", 1, t0).unwrap();
    Ledger::write_operator_key(&dir, &op).unwrap();
    let signing = Instant::now();
    let statements: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..a.count as u64)
            .map(|i| {
                let grantee = key(&format!("w{i}"), i);
                SignedStatement::sign(
                    &Statement {
                        at: t0,
                        body: Body::KeyGrant(KeyGrant {
                            key: grantee.public().to_note_string(),
                            display_name: format!("Writer {i}"),
                            roles: vec![Role::Checker],
                        }),
                    },
                    &op,
                )
                .unwrap()
                .bytes()
                .to_vec()
            })
            .collect(),
    );
    eprintln!(
        "signed {} statements in {:.1} s",
        a.count,
        signing.elapsed().as_secs_f64()
    );
    let mut child = Command::new(&a.bin)
        .arg("--ledger")
        .arg(&dir)
        .args(["serve", "--write", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", a.bin));
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let url = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve ended");
        if let Some(u) = line.split(" at ").nth(1) {
            break u.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in stderr.lines() {});
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Results>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let start = Instant::now();
    let writers: Vec<_> = (0..a.writers)
        .map(|_| {
            let (statements, next, results, url) = (
                statements.clone(),
                next.clone(),
                results.clone(),
                url.clone(),
            );
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                let mut lat = Vec::new();
                let mut checkpoints = Vec::new();
                let mut other = 0;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(s) = statements.get(i) else { break };
                    let t = Instant::now();
                    let r = client
                        .post(format!("{url}/api/v1/statements"))
                        .header("content-type", "application/cose")
                        .body(s.clone())
                        .send()
                        .expect("POST");
                    let status = r.status().as_u16();
                    let body: serde_json::Value =
                        serde_json::from_slice(&r.bytes().expect("a body")).expect("a JSON answer");
                    if status == 201 {
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        checkpoints.push(body["checkpoint"].as_str().unwrap().to_string());
                    } else {
                        other += 1;
                    }
                }
                let mut r = results.lock().unwrap();
                r.0.extend(lat);
                r.1.extend(checkpoints);
                r.2 += other;
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rss = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let (mut lat, checkpoints, other) =
        Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap();
    lat.sort_by(f64::total_cmp);
    let n = lat.len();
    let pct = |p: f64| lat[((n as f64 * p) as usize).min(n - 1)];
    let batches: std::collections::BTreeSet<_> = checkpoints.into_iter().collect();
    println!(
        "{} writers: {n} statements appended (201) in {elapsed:.2} s = {:.0} writes/s; \
         POST->checkpoint p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} batches \
         ({:.1} statements per fsynced batch); {other} other answers; server peak RSS {}",
        a.writers,
        n as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        lat[n - 1],
        batches.len(),
        n as f64 / batches.len() as f64,
        rss.map_or("unknown".into(), |k| format!(
            "{:.1} MiB",
            k as f64 / 1024.0
        )),
    );
}
