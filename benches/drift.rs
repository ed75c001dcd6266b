//! Claim drift of one long article with many claims (BENCHMARKS.md "Claim
//! drift"): a text of `PROVLEDGER_BENCH_DRIFT_SENTENCES` sentences (default
//! 3,000, about 250 kB) with one claim on every third, updated by the edits
//! the evaluation covers (figures corrected, sentences dropped and
//! reworded, paragraphs inserted and moved, quote marks changed), then
//! every claim classified ([`Drift::new`] and [`Drift::classify`], the
//! work of `claim drift` without the ledger).
//!
//! ```sh
//! cargo bench --bench drift
//! ```
//!
//! Under `cargo test` (no `--bench`) it runs once on 60 sentences, as a
//! smoke test.

use criterion::{criterion_group, criterion_main, Criterion};
use provledger::drift::{Drift, DriftClaim, DriftClass, NewVersion};
use provledger::statement::Anchor;
use std::collections::BTreeMap;

const PLACES: [&str; 8] = [
    "Harrowgate",
    "Lindau",
    "Tallmark",
    "Brenford",
    "Corvera",
    "Westmere",
    "Oakfield",
    "Karvik",
];
const BODIES: [&str; 6] = [
    "council approved a budget of {n} million euros for the new tram line",
    "fire service said {n} residents were evacuated after the river rose",
    "hospital postponed {n} operations during the strike by nurses",
    "mine operator said {n} workers were brought to the surface overnight",
    "school board counted {n} pupils, fewer than the year before",
    "police reported {n} arrests after the match on Saturday evening",
];

/// Sentence `i`, unique through its number and place.
fn sentence(i: usize) -> String {
    let place = PLACES[i % PLACES.len()];
    let body = BODIES[i % BODIES.len()].replace("{n}", &(i * 7 + 3).to_string());
    format!("In {place} district {i}, the {body}, officials said on “day {i}”.")
}

/// The old text, the new one, and the passages of the claims.
fn texts(n: usize) -> (String, String, Vec<String>) {
    let mut old = String::new();
    let mut new = String::new();
    let mut moved = String::new();
    let mut claims = Vec::new();
    for i in 0..n {
        let s = sentence(i);
        if i % 3 == 0 {
            claims.push(s.clone());
        }
        old.push_str(&s);
        old.push_str(if i % 5 == 4 { "\n\n" } else { " " });
        let changed = match i % 20 {
            // A figure corrected.
            1 | 7 => s.replace(&format!(" {} ", i * 7 + 3), &format!(" {} ", i * 7 + 4)),
            // Dropped.
            3 => String::new(),
            // Quote marks straightened.
            9 => s.replace(['“', '”'], "\""),
            // Reworded.
            12 => format!(
                "Officials in {} said the figure for district {i} was revised.",
                PLACES[i % 8]
            ),
            // Moved to the end.
            15 => {
                moved.push_str(&s);
                moved.push(' ');
                String::new()
            }
            _ => s,
        };
        new.push_str(&changed);
        new.push_str(if i % 5 == 4 { "\n\n" } else { " " });
        if i % 40 == 39 {
            new.push_str(
                "A short note on the weather, inserted by the editors, about rain and wind.\n\n",
            );
        }
    }
    new.push_str(&moved);
    (old, new, claims)
}

fn run(old: &str, new: &str, claims: &[DriftClaim]) -> BTreeMap<DriftClass, usize> {
    let drift = Drift::new(old, NewVersion::from_file(new), Vec::new());
    let mut counts = BTreeMap::new();
    for (c, d) in claims.iter().zip(drift.classify_all(claims)) {
        if std::env::var_os("DRIFT_DEBUG").is_some() && d.class == DriftClass::Edited {
            eprintln!(
                "{} -> {:?}: {}",
                c.anchor.exact,
                d.new.as_ref().map(|a| &a.exact),
                d.reason
            );
        }
        *counts.entry(d.class).or_insert(0) += 1;
    }
    counts
}

fn bench(c: &mut Criterion) {
    let measuring = std::env::args().any(|a| a == "--bench");
    let n = std::env::var("PROVLEDGER_BENCH_DRIFT_SENTENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if measuring { 3_000 } else { 60 });
    let (old, new, passages) = texts(n);
    let claims: Vec<DriftClaim> = passages
        .iter()
        .enumerate()
        .map(|(i, p)| DriftClaim {
            id: i.to_string(),
            anchor: Anchor::locate(&old, p).expect("a unique passage"),
            source_label: None,
            cue: None,
            quote: None,
        })
        .collect();
    let t = std::time::Instant::now();
    let drift = Drift::new(&old, NewVersion::from_file(&new), Vec::new());
    let prepared = t.elapsed();
    let t = std::time::Instant::now();
    drift.classify_all(&claims);
    let classified = t.elapsed();
    println!("drift: prepared in {prepared:?} (views, word diff), classified in {classified:?}");
    let counts = run(&old, &new, &claims);
    println!(
        "drift: {} kB old, {} kB new, {} claims: {counts:?}",
        old.len() / 1000,
        new.len() / 1000,
        claims.len()
    );
    if !measuring {
        return;
    }
    let mut g = c.benchmark_group("drift");
    g.sample_size(10);
    g.bench_function(format!("{n} sentences, {} claims", claims.len()), |b| {
        b.iter(|| run(&old, &new, &claims))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
