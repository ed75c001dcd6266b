//! Benchmarks of the costs DESIGN.md §6 promises to hold:
//! - a status lookup does not grow with the ledger (1k, 10k, 100k claims);
//! - an append does not grow with the ledger;
//! - audit is linear (entries per second).
//!
//! Ledgers are generated once per size into a temporary directory: one
//! article, N claims anchored in it, a verdict on every tenth claim.
//! Set `PROVLEDGER_BENCH_SIZES=1000,10000` to run other sizes. Under
//! `cargo test` each benchmark runs once on a 500-claim ledger.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::ledger::Ledger;
use provledger::statement::*;
use std::path::Path;

const T0: u64 = 1_762_400_000;
const ARTICLE: &str = "Afghan-Pakistan negotiations fail in Istanbul, exposing deep divisions over security, militants. The latest round of talks in Istanbul ended in deadlock despite mediation by Türkiye and Qatar.";

struct Keys {
    operator: SecretKey,
    editor: SecretKey,
    checker: SecretKey,
}

fn sign(key: &SecretKey, at: u64, body: Body) -> SignedStatement {
    SignedStatement::sign(&Statement { at, body }, key).expect("sign")
}

/// Builds a ledger with `claims` claims in `dir`; returns the keys and the
/// ids of some claims to look up.
fn generate(dir: &Path, claims: usize) -> (Keys, Vec<Digest>) {
    let keys = Keys {
        operator: SecretKey::generate("bench.example/ledger").unwrap(),
        editor: SecretKey::generate("editor").unwrap(),
        checker: SecretKey::generate("checker").unwrap(),
    };
    let mut l = Ledger::init(dir, &keys.operator, "benchmark ledger", 1, T0).unwrap();
    let grants = vec![
        sign(
            &keys.operator,
            T0,
            Body::KeyGrant(KeyGrant {
                key: keys.editor.public().to_note_string(),
                display_name: "Editor".into(),
                roles: vec![Role::Editor],
            }),
        ),
        sign(
            &keys.operator,
            T0,
            Body::KeyGrant(KeyGrant {
                key: keys.checker.public().to_note_string(),
                display_name: "Checker".into(),
                roles: vec![Role::Checker],
            }),
        ),
    ];
    l.append(grants, &keys.operator, T0).unwrap();
    let content = l.put_blob(ARTICLE.as_bytes()).unwrap();
    let article = sign(
        &keys.editor,
        T0,
        Body::ArticleRecord(ArticleRecord {
            url: "https://news.example/istanbul-talks".into(),
            publisher: "Example News".into(),
            title: "Afghan-Pakistan negotiations fail in Istanbul".into(),
            published_at: None,
            retrieved_at: T0,
            content,
            length: ARTICLE.len() as u64,
            supersedes: None,
        }),
    );
    let article_id = article.id();
    l.append(vec![article], &keys.operator, T0).unwrap();
    let anchor = Anchor::locate(ARTICLE, "ended in deadlock").unwrap();
    let mut sample = Vec::new();
    let batch = 5_000;
    let mut done = 0;
    while done < claims {
        let n = batch.min(claims - done);
        let mut stmts = Vec::with_capacity(n + n / 10);
        for i in done..done + n {
            let claim = sign(
                &keys.editor,
                T0,
                Body::ClaimRecord(ClaimRecord {
                    article: article_id,
                    proposition: format!("Generated claim number {i}."),
                    anchor: anchor.clone(),
                    attribution: Attribution {
                        source: None,
                        cue: None,
                        hedge: Hedge::None,
                        mode: Mode::Paraphrase,
                        quote: None,
                        relayed_by: None,
                    },
                }),
            );
            let id = claim.id();
            stmts.push(claim);
            if i.is_multiple_of(10) {
                stmts.push(sign(
                    &keys.checker,
                    T0,
                    Body::Verification(Verification {
                        claim: id,
                        revision: id,
                        verdict: Verdict::True,
                        evidence: vec![],
                        note: None,
                    }),
                ));
            }
            if i.is_multiple_of((claims / 50).max(1)) {
                sample.push(id);
            }
        }
        l.append(stmts, &keys.operator, T0).unwrap();
        done += n;
    }
    (keys, sample)
}

fn sizes() -> Vec<usize> {
    // `cargo test --all-targets` runs benchmarks once each, as a smoke test
    // (without `--bench`): one small ledger is enough for that.
    let measuring = std::env::args().any(|a| a == "--bench");
    std::env::var("PROVLEDGER_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            if measuring {
                vec![1_000, 10_000, 100_000]
            } else {
                vec![500]
            }
        })
}

fn benches(c: &mut Criterion) {
    for n in sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger");
        let started = std::time::Instant::now();
        let (keys, sample) = generate(&path, n);
        eprintln!(
            "generated a ledger of {n} claims in {:.1} s",
            started.elapsed().as_secs_f64()
        );

        let l = Ledger::open(&path).unwrap();
        let mut i = 0;
        c.bench_function(&format!("status lookup/{n} claims"), |b| {
            b.iter(|| {
                i = (i + 1) % sample.len();
                provledger::status::claim_status(l.state(), &sample[i])
                    .unwrap()
                    .unwrap()
            })
        });
        let mut prefix_i = 0;
        c.bench_function(&format!("resolve id prefix/{n} claims"), |b| {
            b.iter(|| {
                prefix_i = (prefix_i + 1) % sample.len();
                l.resolve(&sample[prefix_i].to_hex()[..12], &[]).unwrap()
            })
        });
        drop(l);

        let mut w = Ledger::open_writer(&path).unwrap();
        let mut k = 0u64;
        let mut group = c.benchmark_group(format!("append one statement/{n} claims"));
        group.sample_size(20);
        group.bench_function("append", |b| {
            b.iter_batched(
                || {
                    k += 1;
                    sign(
                        &keys.checker,
                        T0,
                        Body::Verification(Verification {
                            claim: sample[(k as usize) % sample.len()],
                            revision: sample[(k as usize) % sample.len()],
                            verdict: if k.is_multiple_of(2) {
                                Verdict::True
                            } else {
                                Verdict::MostlyTrue
                            },
                            evidence: vec![],
                            note: Some(format!("bench {k}")),
                        }),
                    )
                },
                |s| w.append(vec![s], &keys.operator, T0).unwrap(),
                BatchSize::SmallInput,
            )
        });
        group.finish();
        drop(w);

        if n <= 10_000 {
            let mut group = c.benchmark_group(format!("audit/{n} claims"));
            group.sample_size(10);
            group.bench_function("audit", |b| {
                b.iter(|| {
                    let r = provledger::audit::audit(&path, None, None, |_, _| {}).unwrap();
                    assert!(r.ok, "{:?}", r.problems);
                })
            });
            group.finish();
        } else {
            let started = std::time::Instant::now();
            let r = provledger::audit::audit(&path, None, None, |_, _| {}).unwrap();
            let secs = started.elapsed().as_secs_f64();
            assert!(r.ok, "{:?}", r.problems);
            eprintln!(
                "audit of {} entries: {secs:.2} s ({:.0} entries/s)",
                r.entries_checked,
                r.entries_checked as f64 / secs
            );
        }
    }
}

criterion_group!(ledger, benches);
criterion_main!(ledger);
