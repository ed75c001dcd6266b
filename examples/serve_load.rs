//! A bounded read load test of `provledger serve` on loopback: starts the
//! server in process on a copy of a ledger (default: the repository's
//! sample `ledger/`), then M client threads (keep-alive, one connection
//! each) fetch a path N times each; stops after N requests per client or
//! 30 s, whichever comes first. Reports requests/s, p50/p99 latency, errors
//! and the process's max RSS (server and clients together).
//!
//! `cargo run --example serve_load [LEDGER] [CLIENTS] [REQUESTS]`
//! (default: ledger 8 2000). With `SERVE_LOAD_COMPARE=http://HOST:PORT`,
//! the same tile paths are then fetched from that server too (nginx
//! serving a copy of the same ledger directory). A measurement for
//! BENCHMARKS.md, not a test.

use provledger::ledger::Ledger;
use provledger::serve::{Background, Options};
use provledger::state::ClaimFilter;
use std::time::{Duration, Instant};

/// No run lasts longer than this, whatever the counts.
const TIME_LIMIT: Duration = Duration::from_secs(30);

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

fn max_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn run(base: &str, path: &str, clients: usize, requests: usize) {
    let url = format!("{base}{path}");
    let began = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .no_proxy()
                    .build()
                    .unwrap();
                let mut times = Vec::with_capacity(requests);
                let mut errors = 0usize;
                for _ in 0..requests {
                    if began.elapsed() > TIME_LIMIT {
                        break;
                    }
                    let t = Instant::now();
                    match client.get(&url).send().and_then(|r| {
                        let ok = r.status().is_success();
                        r.bytes().map(|_| ok)
                    }) {
                        Ok(true) => times.push(t.elapsed()),
                        _ => errors += 1,
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = 0;
    for t in threads {
        let (t, e) = t.join().unwrap();
        times.extend(t);
        errors += e;
    }
    let elapsed = began.elapsed().as_secs_f64();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{base}{path}: {clients} clients, {} ok, {errors} errors in {elapsed:.2} s = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms; max RSS {} MiB",
        times.len(),
        times.len() as f64 / elapsed,
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        max_rss_kib() / 1024
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let ledger = args.next().unwrap_or_else(|| "ledger".to_string());
    let clients: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let requests: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("ledger");
    copy(std::path::Path::new(&ledger), &dir);
    let (size, claim) = {
        let l = Ledger::open(&dir).expect("open the ledger");
        let c = l
            .state()
            .claims(&ClaimFilter {
                limit: Some(1),
                ..ClaimFilter::default()
            })
            .unwrap();
        (l.size(), c.first().map(|c| c.id.to_hex()))
    };
    let options = Options {
        rate_per_client: None,
        ..Options::default()
    };
    let server = Background::start(&dir, options, 2).expect("start the server");
    let width = size % 256;
    let tile = if size >= 256 {
        "/tile/0/000".to_string()
    } else {
        format!("/tile/0/000.p/{width}")
    };
    let bundle = if size >= 256 {
        "/tile/entries/000".to_string()
    } else {
        format!("/tile/entries/000.p/{width}")
    };
    let base = server.url();
    run(&base, "/checkpoint", clients, requests);
    run(&base, &tile, clients, requests);
    run(&base, &bundle, clients, requests);
    if let Some(c) = claim {
        run(
            &base,
            &format!("/api/v1/claims/{c}/status"),
            clients,
            requests,
        );
    }
    // The same tiles from another server serving the same files (nginx,
    // for the comparison in BENCHMARKS.md).
    if let Ok(other) = std::env::var("SERVE_LOAD_COMPARE") {
        run(&other, &tile, clients, requests);
        run(&other, &bundle, clients, requests);
    }
    server.stop().unwrap();
}
