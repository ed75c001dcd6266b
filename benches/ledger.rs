//! Benchmarks of the costs issue 6 §3 and BENCHMARKS.md promise to hold,
//! each measured against the limit of the same machine in the same run:
//! signing and batch-verifying the same number of statements (Ed25519), and
//! the library's check of their signatures (`verify_strict` each, all
//! cores: the work no faster replay can skip).
//!
//! Shapes (`PROVLEDGER_BENCH_SHAPES=lookup,long,realistic,limit`, default
//! all but `limit`):
//! - `lookup`: a status lookup and an append of one statement do not grow
//!   with the ledger (one short article, N claims, a verdict on every tenth;
//!   `PROVLEDGER_BENCH_SIZES=1000,10000,100000`);
//! - `long`: one article of 231 kB (3,000 sentences), N claims anchored in
//!   it appended as one batch, as `claim import` does, then audited
//!   (`PROVLEDGER_BENCH_LONG=100,1000,10000`): the rate per claim must not
//!   depend on N;
//! - `realistic`: articles of 3–6 kB with 15 claims each, two checkers'
//!   verdicts on a third of the claims, audited
//!   (`PROVLEDGER_BENCH_REALISTIC=100000` claims; with
//!   `PROVLEDGER_BENCH_KEEP=DIR` the ledger is written to DIR/ledger and
//!   kept, to audit or profile through the CLI);
//! - `limit`: the limit alone, for N statements
//!   (`PROVLEDGER_BENCH_LIMIT=100,10000`), beside a measurement made
//!   outside this binary (`benches/import-cli.sh`);
//! - `signatures`: what one signature costs on one core, each way of
//!   checking it (`PROVLEDGER_BENCH_SIGNATURES=4096` statements): in an
//!   Ed25519 batch of 256, with `verify_strict`, and the test that R is
//!   torsion-free that a batch would need to give `verify_strict`'s answer
//!   (why `statement::verify_batch` uses `verify_strict`).
//!
//! Each figure is printed with its ratio to the limit. Under `cargo test`
//! (no `--bench`) every shape runs once on a tiny ledger, as a smoke test.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use provledger::digest::Digest;
use provledger::keys::SecretKey;
use provledger::ledger::Ledger;
use provledger::statement::*;
use std::path::Path;
use std::time::Instant;

const T0: u64 = 1_762_400_000;
const ARTICLE: &str = "Afghan-Pakistan negotiations fail in Istanbul, exposing deep divisions over security, militants. The latest round of talks in Istanbul ended in deadlock despite mediation by Türkiye and Qatar.";

struct Keys {
    operator: SecretKey,
    editor: SecretKey,
    checker: SecretKey,
    checker2: SecretKey,
}

fn sign(key: &SecretKey, at: u64, body: Body) -> SignedStatement {
    SignedStatement::sign(&Statement { at, body }, key).expect("sign")
}

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn list(var: &str, measured: &[usize], smoke: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            if measuring() {
                measured.to_vec()
            } else {
                smoke.to_vec()
            }
        })
}

fn shape(name: &str) -> bool {
    std::env::var("PROVLEDGER_BENCH_SHAPES")
        .map_or(true, |s| s.split(',').any(|x| x.trim() == name))
}

/// A new ledger in `dir` with an editor and two checkers.
fn new_ledger(dir: &Path) -> (Ledger, Keys) {
    let keys = Keys {
        operator: SecretKey::generate("bench.example/ledger").unwrap(),
        editor: SecretKey::generate("editor").unwrap(),
        checker: SecretKey::generate("checker").unwrap(),
        checker2: SecretKey::generate("checker2").unwrap(),
    };
    let mut l = Ledger::init(dir, &keys.operator, "benchmark ledger", 1, T0).unwrap();
    let grant = |k: &SecretKey, name: &str, role: Role| {
        sign(
            &keys.operator,
            T0,
            Body::KeyGrant(KeyGrant {
                key: k.public().to_note_string(),
                display_name: name.into(),
                roles: vec![role],
            }),
        )
    };
    let grants = vec![
        grant(&keys.editor, "Editor", Role::Editor),
        grant(&keys.checker, "Checker", Role::Checker),
        grant(&keys.checker2, "Second checker", Role::Checker),
    ];
    l.append(grants, &keys.operator, T0).unwrap();
    (l, keys)
}

fn article(keys: &Keys, n: usize, text: &str) -> SignedStatement {
    sign(
        &keys.editor,
        T0,
        Body::ArticleRecord(ArticleRecord {
            url: format!("https://news.example/article-{n}"),
            publisher: "Example News".into(),
            title: format!("Article {n}"),
            published_at: None,
            retrieved_at: T0,
            content: Digest::of(text.as_bytes()),
            length: text.len() as u64,
            supersedes: None,
            capture: None,
        }),
    )
}

fn claim(keys: &Keys, article: Digest, i: usize, anchor: Anchor) -> SignedStatement {
    sign(
        &keys.editor,
        T0,
        Body::ClaimRecord(ClaimRecord {
            article,
            proposition: format!("Generated claim number {i}."),
            anchor,
            attribution: Attribution::outlets_own(),
        }),
    )
}

fn verdict(key: &SecretKey, claim: Digest, verdict: Verdict) -> SignedStatement {
    sign(
        key,
        T0,
        Body::Verification(Verification {
            claim,
            revision: claim,
            verdict,
            evidence: vec![],
            note: None,
        }),
    )
}

/// The anchor of the ASCII text `text[start..end]` (byte = char offsets).
fn ascii_anchor(text: &str, start: usize, end: usize) -> Anchor {
    let c = provledger::statement::ANCHOR_CONTEXT_CHARS;
    Anchor {
        exact: text[start..end].to_string(),
        prefix: text[start.saturating_sub(c)..start].to_string(),
        suffix: text[end..(end + c).min(text.len())].to_string(),
        start: start as u64,
        end: end as u64,
    }
}

/// The limit: how fast this machine signs `n` statements (one core) and
/// batch-verifies their signatures (all cores: Ed25519 batch verification
/// itself, `ed25519_dalek::verify_batch` over chunks of 256, messages and
/// keys prepared beforehand), per second. The library's `verify_batch`
/// (`verify_strict` for each statement, on all cores: the check every
/// statement must pass, which batch verification does not decide) is timed
/// too and printed beside it; the ratios are to both.
/// The limit's rates, per second.
struct Limit {
    /// Ed25519 batch verification on all cores.
    batch: f64,
    /// The library's `verify_batch` (`verify_strict` each) on all cores.
    strict: f64,
}

fn limit(keys: &Keys, n: usize) -> Limit {
    use coset::CborSerializable as _;
    use rayon::prelude::*;
    let started = Instant::now();
    let stmts: Vec<SignedStatement> = (0..n)
        .map(|i| {
            let id = Digest::of(&i.to_le_bytes());
            verdict(&keys.checker, id, Verdict::True)
        })
        .collect();
    let sign_rate = n as f64 / started.elapsed().as_secs_f64();
    type Parts = (
        Vec<u8>,
        ed25519_dalek::Signature,
        ed25519_dalek::VerifyingKey,
    );
    let parts: Vec<Parts> = stmts
        .iter()
        .map(|st| {
            let sign1 = coset::CoseSign1::from_slice(st.bytes()).expect("COSE_Sign1");
            let sig = ed25519_dalek::Signature::from_slice(&sign1.signature).expect("64 bytes");
            (sign1.tbs_data(&[]), sig, *st.signer())
        })
        .collect();
    let started = Instant::now();
    let all = parts.par_chunks(256).all(|chunk| {
        let msgs: Vec<&[u8]> = chunk.iter().map(|(m, _, _)| m.as_slice()).collect();
        let sigs: Vec<_> = chunk.iter().map(|(_, s, _)| *s).collect();
        let keys: Vec<_> = chunk.iter().map(|(_, _, k)| *k).collect();
        ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok()
    });
    let verify_rate = n as f64 / started.elapsed().as_secs_f64();
    assert!(all);
    let started = Instant::now();
    let ok = verify_batch(stmts)
        .into_iter()
        .filter(|r| r.is_ok())
        .count();
    let library_rate = n as f64 / started.elapsed().as_secs_f64();
    assert_eq!(ok, n);
    eprintln!(
        "limit ({n} statements): sign {sign_rate:.0}/s (one core), batch-verify {verify_rate:.0}/s (all cores); the library's verify_batch, verify_strict each: {library_rate:.0}/s (all cores)"
    );
    Limit {
        batch: verify_rate,
        strict: library_rate,
    }
}

fn report(what: &str, count: u64, unit: &str, secs: f64, limit: &Limit) {
    let rate = count as f64 / secs;
    eprintln!(
        "{what}: {count} {unit} in {secs:.3} s = {rate:.0} {unit}/s = {:.2} × batch-verify = {:.2} × verify_strict",
        rate / limit.batch,
        rate / limit.strict
    );
}

fn audit(path: &Path, limit: &Limit, what: &str) {
    let started = Instant::now();
    let r = provledger::audit::audit(path, None, None, |_, _| {}).unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert!(r.ok, "{:?}", r.problems);
    report(what, r.entries_checked, "entries", secs, limit);
}

/// One 231 kB article, `n` claims anchored in it (claim i on sentence
/// i mod 3000), appended in one batch as `claim import` does; then audited.
fn long_article(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger");
    let (mut l, keys) = new_ledger(&path);
    let rates = limit(&keys, n.max(1000));
    let sentences: Vec<String> = (0..3000)
        .map(|i| {
            format!("Sentence {i:06} of the long article says that the talks went on for a while. ")
        })
        .collect();
    let text: String = sentences.concat();
    let art = article(&keys, 0, &text);
    let art_id = art.id();
    l.append_with_blobs(vec![art], &[text.clone().into_bytes()], &keys.operator, T0)
        .unwrap();
    let mut starts = vec![0];
    for s in &sentences {
        starts.push(starts.last().unwrap() + s.len());
    }
    let started = Instant::now();
    let claims: Vec<SignedStatement> = (0..n)
        .map(|i| {
            let k = i % 3000;
            claim(
                &keys,
                art_id,
                i,
                ascii_anchor(&text, starts[k], starts[k + 1] - 1),
            )
        })
        .collect();
    let sign_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    l.append(claims, &keys.operator, T0).unwrap();
    let secs = started.elapsed().as_secs_f64();
    report(
        &format!("long article/{n} claims: sign"),
        n as u64,
        "claims",
        sign_secs,
        &rates,
    );
    report(
        &format!("long article/{n} claims: append (import)"),
        n as u64,
        "claims",
        secs,
        &rates,
    );
    drop(l);
    audit(&path, &rates, &format!("long article/{n} claims: audit"));
}

/// Articles of 3–6 kB with 15 claims each, two checkers' verdicts on a
/// third of the claims; audited.
fn realistic(claims: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = match std::env::var_os("PROVLEDGER_BENCH_KEEP") {
        Some(keep) => Path::new(&keep).join("ledger"),
        None => dir.path().join("ledger"),
    };
    let (mut l, keys) = new_ledger(&path);
    let started = Instant::now();
    let articles = claims.div_ceil(15);
    let mut done = 0;
    let mut entries = 0u64;
    let mut a = 0;
    while a < articles {
        let mut stmts = Vec::new();
        let mut blobs = Vec::new();
        // About 5,000 statements a batch.
        while a < articles && stmts.len() < 5_000 {
            let words = 3_000 + (a * 7919) % 3_000;
            let mut text = String::with_capacity(words + 100);
            let mut s = 0;
            let mut bounds = Vec::new();
            while text.len() < words {
                let from = text.len();
                text.push_str(&format!(
                    "In article {a}, sentence {s} reports what officials said about the talks and the fighting. "
                ));
                bounds.push((from, text.len() - 1));
                s += 1;
            }
            let art = article(&keys, a, &text);
            let id = art.id();
            stmts.push(art);
            for c in 0..15.min(claims - done) {
                let (from, to) = bounds[c % bounds.len()];
                let st = claim(&keys, id, done, ascii_anchor(&text, from, to));
                let cid = st.id();
                stmts.push(st);
                if done % 3 == 0 {
                    stmts.push(verdict(&keys.checker, cid, Verdict::True));
                    stmts.push(verdict(&keys.checker2, cid, Verdict::MostlyTrue));
                }
                done += 1;
            }
            blobs.push(text.into_bytes());
            a += 1;
        }
        entries += stmts.len() as u64;
        l.append_with_blobs(stmts, &blobs, &keys.operator, T0)
            .unwrap();
    }
    eprintln!(
        "realistic/{claims} claims: generated {} articles, {entries} statements in {:.1} s",
        articles,
        started.elapsed().as_secs_f64()
    );
    drop(l);
    let rates = limit(&keys, entries as usize);
    audit(&path, &rates, &format!("realistic/{claims} claims: audit"));
}

/// Builds a ledger with `claims` claims on one short article in `dir`;
/// returns the keys and the ids of some claims to look up.
fn generate(dir: &Path, claims: usize) -> (Keys, Vec<Digest>) {
    let (mut l, keys) = new_ledger(dir);
    let art = article(&keys, 0, ARTICLE);
    let article_id = art.id();
    l.append_with_blobs(
        vec![art],
        &[ARTICLE.as_bytes().to_vec()],
        &keys.operator,
        T0,
    )
    .unwrap();
    let anchor = Anchor::locate(ARTICLE, "ended in deadlock").unwrap();
    let mut sample = Vec::new();
    let batch = 5_000;
    let mut done = 0;
    while done < claims {
        let n = batch.min(claims - done);
        let mut stmts = Vec::with_capacity(n + n / 10);
        for i in done..done + n {
            let c = claim(&keys, article_id, i, anchor.clone());
            let id = c.id();
            stmts.push(c);
            if i.is_multiple_of(10) {
                stmts.push(verdict(&keys.checker, id, Verdict::True));
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

fn lookups(c: &mut Criterion, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger");
    let started = Instant::now();
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
    }
}

/// Microseconds per signature on one core: Ed25519 batch verification in
/// chunks of 256, `verify_strict`, decompressing R, and testing R for a
/// torsion component (decompressed, P = 8·(8⁻¹ mod ℓ)·P, one variable-time
/// scalar multiplication: what a batch's answer lacks; see
/// `statement::verify_batch`).
fn signature_costs(n: usize) {
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use ed25519_dalek::{Signer as _, SigningKey};
    let key = SigningKey::from_bytes(&[9u8; 32]);
    let vk = key.verifying_key();
    let msgs: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("a message of about the length of a verdict's Sig_structure, {i:08} ........................................").into_bytes())
        .collect();
    let sigs: Vec<ed25519_dalek::Signature> = msgs.iter().map(|m| key.sign(m)).collect();
    let each = |f: &dyn Fn() -> usize| {
        let started = Instant::now();
        let ok = f();
        assert_eq!(ok, n, "every signature checks");
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    };
    let batch = each(&|| {
        let keys = vec![vk; 256];
        (0..n)
            .step_by(256)
            .map(|from| {
                let to = (from + 256).min(n);
                let m: Vec<&[u8]> = msgs[from..to].iter().map(Vec::as_slice).collect();
                let ok = ed25519_dalek::verify_batch(&m, &sigs[from..to], &keys[..to - from]);
                if ok.is_ok() {
                    to - from
                } else {
                    0
                }
            })
            .sum()
    });
    let strict = each(&|| {
        msgs.iter()
            .zip(&sigs)
            .filter(|(m, s)| vk.verify_strict(m, s).is_ok())
            .count()
    });
    let decompress = each(&|| {
        sigs.iter()
            .filter(|s| CompressedEdwardsY(*s.r_bytes()).decompress().is_some())
            .count()
    });
    let inv8 = Scalar::from(8u64).invert();
    let torsion = each(&|| {
        sigs.iter()
            .filter(|s| {
                CompressedEdwardsY(*s.r_bytes())
                    .decompress()
                    .is_some_and(|p| {
                        EdwardsPoint::vartime_double_scalar_mul_basepoint(&inv8, &p, &Scalar::ZERO)
                            .mul_by_cofactor()
                            == p
                    })
            })
            .count()
    });
    eprintln!(
        "signatures ({n}, one core, µs each): batch of 256 {batch:.2}; verify_strict {strict:.2}; \
         decompress R {decompress:.2}; torsion test of R {torsion:.2}; batch + torsion test {:.2} = {:.2} × verify_strict",
        batch + torsion,
        (batch + torsion) / strict
    );
}

fn benches(c: &mut Criterion) {
    if shape("signatures") {
        for n in list("PROVLEDGER_BENCH_SIGNATURES", &[4096], &[300]) {
            signature_costs(n);
        }
    }
    if shape("long") {
        for n in list("PROVLEDGER_BENCH_LONG", &[100, 1_000, 10_000], &[20]) {
            long_article(n);
        }
    }
    if shape("realistic") {
        for n in list("PROVLEDGER_BENCH_REALISTIC", &[100_000], &[60]) {
            realistic(n);
        }
    }
    // Only when asked for: the other shapes measure the limit themselves.
    if std::env::var("PROVLEDGER_BENCH_SHAPES")
        .is_ok_and(|s| s.split(',').any(|x| x.trim() == "limit"))
    {
        let keys = Keys {
            operator: SecretKey::generate("bench.example/ledger").unwrap(),
            editor: SecretKey::generate("editor").unwrap(),
            checker: SecretKey::generate("checker").unwrap(),
            checker2: SecretKey::generate("checker2").unwrap(),
        };
        for n in list("PROVLEDGER_BENCH_LIMIT", &[100, 10_000], &[20]) {
            limit(&keys, n);
        }
    }
    if shape("lookup") {
        for n in list("PROVLEDGER_BENCH_SIZES", &[1_000, 10_000, 100_000], &[200]) {
            lookups(c, n);
        }
    }
}

criterion_group!(ledger, benches);
criterion_main!(ledger);
