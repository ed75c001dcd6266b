//! The load test of `provledger serve` (issue 9 §3), bounded by count and
//! time, on loopback only: a ledger in a fresh directory, the `provledger`
//! binary serving it with `--write` on a free port, N writer threads each
//! posting pre-signed statements one after another to
//! `POST /api/v1/statements`, and at the same time M reader threads
//! fetching hash tiles, entry bundles, the checkpoint and claim status.
//! Every batch the server writes is fsynced before any of its statements
//! is answered, so the time from a POST to its 201 is the time to a
//! durable checkpoint that holds it. It stops by itself: when the
//! statements are all posted or `--seconds` have passed (readers stop with
//! the writers; with no writers, after `--seconds` or `--reads` requests
//! each; the read-only phase of `--compare` after 30 s or 5,000 requests
//! per reader and path).
//!
//! ```sh
//! cargo build --release --examples --bin provledger
//! target/release/examples/write_load [--bin target/release/provledger] \
//!     [--writers 64] [--readers 0] [--count 20000] [--seconds 60] \
//!     [--mix claims|grants] [--pre 2000] [--reads 1000000] \
//!     [--dir DIR] [--compare http://127.0.0.1:18421] [--rate-limit 0] \
//!     [--tile-cache MIB]
//! ```
//!
//! `--mix claims` (the default) first writes (in process, before serving)
//! grants for an editor and a checker, one article and `--pre` claims on
//! it with a verdict on every tenth; the load is then new `claim.record`s
//! on that article with, as every tenth statement, a checker's
//! `verification` of one of the earlier claims. `--mix grants` posts
//! `key.grant`s by the operator (the first version of this test).
//!
//! Prints the disk's fsync rates (in the ledger's directory, one second
//! each: `fdatasync` of 4 KiB appends to one file, and a new file written
//! and fsynced then its directory fsynced), writes/s, p50/p99/max
//! POST→checkpoint, the batches the server wrote (distinct checkpoints),
//! reads/s and p50/p99 per path, the server's peak RSS (VmHWM, Linux) and
//! the load average before and after. With `--compare URL` it then runs a
//! read-only phase: the same readers fetch each path from the server
//! (tiles, checkpoint, status, one path at a time), then the tile paths
//! from URL (nginx serving the same directory: give `--dir` the nginx
//! root). Readers are spread over the paths (reader `r` fetches path
//! `r mod 4`). `--rate-limit` (default 0: off, since every client is
//! 127.0.0.1) and `--tile-cache` are passed to `provledger serve`. A
//! measurement for BENCHMARKS.md, not a test.

use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::ledger::Ledger;
use provledger::statement::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ARTICLE: &str = "Afghan-Pakistan negotiations fail in Istanbul, exposing deep divisions over security, militants. The latest round of talks in Istanbul ended in deadlock despite mediation by Türkiye and Qatar.";

struct Args {
    bin: String,
    writers: usize,
    readers: usize,
    count: usize,
    seconds: u64,
    mix: String,
    pre: usize,
    reads: usize,
    dir: Option<PathBuf>,
    compare: Option<String>,
    rate_limit: u64,
    tile_cache: Option<u64>,
}

fn args() -> Args {
    let mut a = Args {
        bin: "target/release/provledger".into(),
        writers: 64,
        readers: 0,
        count: 20_000,
        seconds: 60,
        mix: "claims".into(),
        pre: 2000,
        reads: 1_000_000,
        dir: None,
        compare: None,
        rate_limit: 0,
        tile_cache: None,
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
            "--readers" => a.readers = number() as usize,
            "--count" => a.count = number() as usize,
            "--seconds" => a.seconds = number(),
            "--pre" => a.pre = number() as usize,
            "--reads" => a.reads = number() as usize,
            "--rate-limit" => a.rate_limit = number(),
            "--tile-cache" => a.tile_cache = Some(number()),
            "--mix" if value == "claims" || value == "grants" => a.mix = value.clone(),
            "--dir" => a.dir = Some(PathBuf::from(&value)),
            "--compare" => a.compare = Some(value.clone()),
            other => panic!(
                "unknown flag or value {other} {value} (--bin, --writers, --readers, --count, \
                 --seconds, --mix claims|grants, --pre, --reads, --dir, --compare, --rate-limit, \
                 --tile-cache)"
            ),
        }
    }
    a
}

fn key(name: &str, n: u64) -> SecretKey {
    let mut seed = [0x33u8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    SecretKey::from_signing_key(name, ed25519_dalek::SigningKey::from_bytes(&seed)).unwrap()
}

fn sign(key: &SecretKey, at: u64, body: Body) -> SignedStatement {
    SignedStatement::sign(&Statement { at, body }, key).unwrap()
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The disk's limits, each for one second in `dir`: fdatasyncs per second
/// of a 4 KiB write to one file, and rounds per second of what a batch does
/// several times (a new file written and fsynced, then its directory
/// fsynced: each a journal commit on ext4).
fn fsync_rates(dir: &Path) -> (f64, f64) {
    let path = dir.join("fsync-probe");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = [0x5au8; 4096];
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        f.write_all(&block).unwrap();
        f.sync_data().unwrap();
        n += 1;
    }
    let appends = f64::from(n) / start.elapsed().as_secs_f64();
    drop(f);
    std::fs::remove_file(&path).unwrap();
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        let p = dir.join(format!("fsync-probe-{n}"));
        let mut f = std::fs::File::create(&p).unwrap();
        f.write_all(&block).unwrap();
        f.sync_all().unwrap();
        std::fs::File::open(dir).unwrap().sync_all().unwrap();
        std::fs::remove_file(&p).unwrap();
        n += 1;
    }
    (appends, f64::from(n) / start.elapsed().as_secs_f64())
}

/// The ledger the load writes to, and what to post and read.
struct Setup {
    statements: Vec<Vec<u8>>,
    /// Claims whose status readers fetch.
    claims: Vec<Digest>,
}

fn grant(op: &SecretKey, at: u64, k: &SecretKey, name: &str, role: Role) -> SignedStatement {
    sign(
        op,
        at,
        Body::KeyGrant(KeyGrant {
            key: k.public().to_note_string(),
            display_name: name.into(),
            roles: vec![role],
        }),
    )
}

fn claim(
    editor: &SecretKey,
    at: u64,
    article: Digest,
    i: usize,
    anchor: &Anchor,
) -> SignedStatement {
    sign(
        editor,
        at,
        Body::ClaimRecord(ClaimRecord {
            article,
            proposition: format!("Generated claim number {i}."),
            anchor: anchor.clone(),
            attribution: Attribution::outlets_own(),
        }),
    )
}

fn verdict(checker: &SecretKey, at: u64, claim: Digest) -> SignedStatement {
    sign(
        checker,
        at,
        Body::Verification(Verification {
            claim,
            revision: claim,
            verdict: Verdict::True,
            evidence: vec![],
            note: None,
        }),
    )
}

fn setup(a: &Args, dir: &Path) -> Setup {
    let op = key("load.example/ledger", u64::MAX);
    let t0 = provledger::ledger::clock().unwrap() - 60;
    let mut l = Ledger::init(dir, &op, "load test", 1, t0).unwrap();
    Ledger::write_operator_key(dir, &op).unwrap();
    let signing = Instant::now();
    if a.mix == "grants" {
        let statements = (0..a.count as u64)
            .map(|i| {
                let k = key(&format!("w{i}"), i);
                let g = grant(&op, t0, &k, &format!("Writer {i}"), Role::Checker);
                g.bytes().to_vec()
            })
            .collect();
        eprintln!(
            "signed {} grants in {:.1} s",
            a.count,
            signing.elapsed().as_secs_f64()
        );
        return Setup {
            statements,
            claims: Vec::new(),
        };
    }
    let editor = key("editor", 1);
    let checker = key("checker", 2);
    l.append(
        vec![
            grant(&op, t0, &editor, "Editor", Role::Editor),
            grant(&op, t0, &checker, "Checker", Role::Checker),
        ],
        &op,
        t0,
    )
    .unwrap();
    let article = sign(
        &editor,
        t0,
        Body::ArticleRecord(ArticleRecord {
            url: "https://news.example/talks-fail".into(),
            publisher: "Example News".into(),
            title: "Talks fail in Istanbul".into(),
            published_at: None,
            retrieved_at: t0,
            content: Digest::of(ARTICLE.as_bytes()),
            length: ARTICLE.len() as u64,
            supersedes: None,
            capture: None,
        }),
    );
    let article_id = article.id();
    l.append_with_blobs(vec![article], &[ARTICLE.as_bytes().to_vec()], &op, t0)
        .unwrap();
    let anchor = Anchor::locate(ARTICLE, "ended in deadlock").unwrap();
    // Earlier claims: a tenth of them judged now, the rest by the load.
    // Nine in ten earlier claims are left for the load's verdicts (one
    // statement in ten).
    let pre = a.pre.max(a.count / 9 + 10);
    let mut earlier = Vec::with_capacity(pre);
    let mut done = 0;
    while done < pre {
        let n = 5000.min(pre - done);
        let mut batch = Vec::with_capacity(n + n / 10);
        for i in done..done + n {
            let c = claim(&editor, t0, article_id, i, &anchor);
            earlier.push(c.id());
            batch.push(c);
        }
        batch.extend(
            earlier[done..done + n]
                .iter()
                .step_by(10)
                .map(|&c| verdict(&checker, t0, c)),
        );
        l.append(batch, &op, t0).unwrap();
        done += n;
    }
    let judged: std::collections::HashSet<usize> = (0..pre).step_by(10).collect();
    let mut open = (0..pre).filter(|i| !judged.contains(i)).map(|i| earlier[i]);
    let statements = (0..a.count)
        .map(|i| {
            let s = if i % 10 == 9 {
                verdict(&checker, t0, open.next().expect("enough earlier claims"))
            } else {
                claim(&editor, t0, article_id, pre + i, &anchor)
            };
            s.bytes().to_vec()
        })
        .collect();
    eprintln!(
        "wrote {} entries, signed {} statements to post in {:.1} s",
        l.size(),
        a.count,
        signing.elapsed().as_secs_f64()
    );
    Setup {
        statements,
        claims: earlier.into_iter().step_by(7).take(200).collect(),
    }
}

/// What readers fetch, by name: the full level-0 hash tiles and entry
/// bundles at `size` (the partial ones if there is no full one), the
/// checkpoint, and the status of `claims`.
fn read_paths(size: u64, claims: &[Digest]) -> Vec<(String, Vec<String>)> {
    let full = (size / 256).min(999);
    let tiles = |prefix: &str| -> Vec<String> {
        (0..full.max(1))
            .map(|n| {
                if full == 0 {
                    format!("{prefix}000.p/{}", size % 256)
                } else {
                    format!("{prefix}{n:03}")
                }
            })
            .collect()
    };
    let mut paths = vec![
        ("/tile/0/<N>".to_string(), tiles("/tile/0/")),
        ("/tile/entries/<N>".to_string(), tiles("/tile/entries/")),
        ("/checkpoint".to_string(), vec!["/checkpoint".to_string()]),
    ];
    if !claims.is_empty() {
        paths.push((
            "/api/v1/claims/<id>/status".to_string(),
            claims
                .iter()
                .map(|c| format!("/api/v1/claims/{}/status", c.to_hex()))
                .collect(),
        ));
    }
    paths
}

/// Latencies (ms) of the 201s, their checkpoints, and the other answers
/// by status.
type Writes = (Vec<f64>, Vec<String>, BTreeMap<u16, usize>);

/// Per path: latencies (ms) of the 200s, and other answers.
type Reads = BTreeMap<String, (Vec<f64>, usize)>;

/// `readers` threads fetching from `base`, reader `r` the paths of
/// `paths[r % paths.len()]` in turn, until `stop` is set, `deadline`
/// passes or each made `reads` requests.
fn readers(
    base: &str,
    paths: &[(String, Vec<String>)],
    readers: usize,
    reads: usize,
    deadline: Instant,
    stop: Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<Reads>> {
    (0..readers)
        .map(|r| {
            let (base, paths, stop) = (base.to_string(), paths.to_vec(), stop.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .no_proxy()
                    .build()
                    .unwrap();
                let mut out = Reads::new();
                for k in 0..reads {
                    if stop.load(Ordering::Relaxed) || Instant::now() >= deadline {
                        break;
                    }
                    let (name, list) = &paths[r % paths.len()];
                    let path = &list[k % list.len()];
                    let t = Instant::now();
                    let ok = client
                        .get(format!("{base}{path}"))
                        .send()
                        .and_then(|r| {
                            let ok = r.status().is_success();
                            r.bytes().map(|_| ok)
                        })
                        .unwrap_or(false);
                    let e = out.entry(name.clone()).or_default();
                    if ok {
                        e.0.push(t.elapsed().as_secs_f64() * 1000.0);
                    } else {
                        e.1 += 1;
                    }
                }
                out
            })
        })
        .collect()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn report_reads(label: &str, joined: Vec<Reads>, elapsed: f64) {
    let mut all = Reads::new();
    for r in joined {
        for (k, (lat, other)) in r {
            let e = all.entry(k).or_default();
            e.0.extend(lat);
            e.1 += other;
        }
    }
    for (path, (mut lat, other)) in all {
        lat.sort_by(f64::total_cmp);
        if lat.is_empty() {
            println!("{label} {path}: 0 ok, {other} other answers");
            continue;
        }
        println!(
            "{label} {path}: {} ok in {elapsed:.2} s = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms; {other} other answers",
            lat.len(),
            lat.len() as f64 / elapsed,
            pct(&lat, 0.50),
            pct(&lat, 0.99),
        );
    }
}

fn main() {
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = a.dir.clone().unwrap_or_else(|| tmp.path().join("ledger"));
    assert!(
        !dir.exists(),
        "{} exists already: give a new directory",
        dir.display()
    );
    let setup = setup(&a, &dir);
    let (appends, rounds) = fsync_rates(&dir);
    println!(
        "disk ({}): {appends:.0} fdatasyncs/s of 4 KiB appends to one file; \
         {rounds:.0} rounds/s of a new 4 KiB file fsynced, then its directory",
        dir.display()
    );
    let claims = setup.claims.clone();
    let statements = Arc::new(setup.statements);
    let mut child = Command::new(&a.bin)
        .arg("--ledger")
        .arg(&dir)
        .args(["serve", "--write", "--listen", "127.0.0.1:0"])
        .args(["--rate-limit", &a.rate_limit.to_string()])
        .args(
            a.tile_cache
                .map(|m| vec!["--tile-cache".to_string(), m.to_string()])
                .unwrap_or_default(),
        )
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
    let size = Ledger::open(&dir).unwrap().size();
    let paths = read_paths(size, &claims);
    let load_before = loadavg();
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Writes>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let reading = readers(&url, &paths, a.readers, a.reads, deadline, stop.clone());
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
                    .no_proxy()
                    .build()
                    .unwrap();
                let mut lat = Vec::new();
                let mut checkpoints = Vec::new();
                let mut other = BTreeMap::<u16, usize>::new();
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
                        if other.is_empty() {
                            eprintln!("POST answered {status}: {body}");
                        }
                        *other.entry(status).or_default() += 1;
                    }
                }
                let mut r = results.lock().unwrap();
                r.0.extend(lat);
                r.1.extend(checkpoints);
                for (k, v) in other {
                    *r.2.entry(k).or_default() += v;
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let write_elapsed = start.elapsed().as_secs_f64();
    if a.writers > 0 {
        stop.store(true, Ordering::Relaxed);
    }
    // Readers stop with the writers; their time is until the last one
    // stopped.
    let joined: Vec<Reads> = reading.into_iter().map(|h| h.join().unwrap()).collect();
    let read_elapsed = start.elapsed().as_secs_f64();
    let load_after = loadavg();
    let (mut lat, checkpoints, other) =
        Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap();
    lat.sort_by(f64::total_cmp);
    let n = lat.len();
    println!(
        "load average before {load_before}, after {load_after}; {} writers, {} readers, mix {}",
        a.writers, a.readers, a.mix
    );
    if n > 0 {
        let batches: std::collections::BTreeSet<_> = checkpoints.into_iter().collect();
        println!(
            "writes: {n} statements appended (201) in {write_elapsed:.2} s = {:.0} writes/s; \
             POST->checkpoint p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} batches \
             ({:.1} statements per fsynced batch); other answers {other:?}",
            n as f64 / write_elapsed,
            pct(&lat, 0.50),
            pct(&lat, 0.99),
            lat[n - 1],
            batches.len(),
            n as f64 / batches.len() as f64,
        );
    } else if a.writers > 0 {
        println!("writes: none appended; other answers {other:?}");
    }
    report_reads("reads", joined, read_elapsed);
    if let Some(other) = &a.compare {
        let all = read_paths(Ledger::open(&dir).unwrap().size(), &claims);
        for base in [url.as_str(), other.as_str()] {
            // The other server has the tiles only.
            let ours = base == url;
            for one in all
                .iter()
                .filter(|(name, _)| ours || name.starts_with("/tile/"))
            {
                let t = Instant::now();
                let h = readers(
                    base,
                    std::slice::from_ref(one),
                    a.readers.max(1),
                    a.reads.min(5000),
                    Instant::now() + Duration::from_secs(a.seconds.min(30)),
                    Arc::new(AtomicBool::new(false)),
                );
                // Elapsed is measured when the last reader is done.
                let joined: Vec<Reads> = h.into_iter().map(|h| h.join().unwrap()).collect();
                let elapsed = t.elapsed().as_secs_f64();
                report_reads(&format!("read-only {base}"), joined, elapsed);
            }
        }
    }
    let rss = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "server peak RSS {}",
        rss.map_or("unknown".into(), |k| format!(
            "{:.1} MiB",
            k as f64 / 1024.0
        ))
    );
}
