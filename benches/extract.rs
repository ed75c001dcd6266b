//! Benchmarks of `provledger extract` (issue 8): a 5 KB wire article (goal
//! well under 50 ms) and a 1 MB transcript (goal well under 5 s), both
//! generated deterministically here, plus the `claim import` file written
//! from the article's proposals.
//!
//! ```text
//! cargo bench --bench extract
//! ```
//!
//! Under `cargo test` (no `--bench`) each runs once, as a smoke test.

use criterion::{criterion_group, criterion_main, Criterion};
use provledger::extract::{extract, Options};
use std::hint::black_box;
use std::time::Duration;

const PEOPLE: &[(&str, &str)] = &[
    ("Foreign Minister", "Ana Silva"),
    ("Army spokesman", "Ali Khan"),
    ("Mayor", "Nina Petrova"),
    ("Defence lawyer", "Mark Stone"),
    ("Finance Minister", "Erik Halvorsen"),
    ("Police Chief", "Lars Holm"),
];

/// A wire-style article of about `bytes` bytes: quotations with their
/// speakers, paraphrases, "according to", anonymous sources, pronouns,
/// floating quotations and hedges, in paragraphs.
fn article(bytes: usize, seed: usize) -> String {
    let mut out = String::from("Talks on the border collapse after a week of shelling\n\n");
    let mut i = seed;
    while out.len() < bytes {
        let (role, name) = PEOPLE[i % PEOPLE.len()];
        let surname = name.rsplit(' ').next().unwrap_or(name);
        let n = i * 7 % 90 + 10;
        let para = match i % 6 {
            0 => format!("{role} {name} said on Tuesday that {n} people had been evacuated from the border villages overnight. “We will not abandon anyone,” {surname} told reporters. “The convoys leave again at dawn.”"),
            1 => format!("According to diplomatic sources, the delegations met for {n} minutes before the talks broke up. One Kabul-based source said the proposal was “paradoxical,” pointing out that the same demand had been rejected in June."),
            2 => format!("A senior official, speaking on condition of anonymity, said the army had moved artillery closer to the zone. The shelling is believed to have damaged {n} houses, the ministry said in a statement."),
            3 => format!("“The ceasefire is holding for now,” said {name}, a spokesman for the mission. He added that monitors would return on Friday and accused both sides of “playing for time.”"),
            4 => format!("Local media reported that {n} families had left Tarsa. Residents said the water supply had been cut, and the Red Cross reportedly sent two trucks of supplies."),
            _ => format!("“We are ready to talk,” {surname} said.\n\n“But we will not be bullied by anyone, not this week and not next week.”"),
        };
        out.push_str(&para);
        out.push_str("\n\n");
        i += 1;
    }
    out
}

/// A press-briefing transcript of about `bytes` bytes: speakers' turns
/// with questions between them, as `extract` reads a long one.
fn transcript(bytes: usize) -> String {
    let mut out = String::from("Transcript of the finance ministry's briefing\n\n");
    out.push_str("Finance Minister Erik Halvorsen and Central Bank Governor Maria Lindahl briefed reporters.\n\n");
    let mut i = 0usize;
    while out.len() < bytes {
        let n = i % 97;
        let turn = match i % 4 {
            0 => format!("QUESTION: The opposition says the package is too small. Is {n} billion enough?"),
            1 => format!("HALVORSEN: It is the largest package outside wartime. The first {n} payments go out on Jan. 15, and nobody has to fill in a form."),
            2 => format!("LINDAHL: Our estimate is lower, about {n} tenths of a point. The bank said in March that inflation would peak in the spring."),
            _ => format!("A senior finance ministry official said after the briefing that the government was prepared to extend the package “if the numbers justify it.” Analysts at Nordbank said {n} percent growth was likely."),
        };
        out.push_str(&turn);
        out.push_str("\n\n");
        i += 1;
    }
    out
}

fn benches(c: &mut Criterion) {
    let opts = Options::default();
    let small = article(5 * 1024, 0);
    let found = extract(&small, &opts);
    eprintln!(
        "article: {} bytes, {} proposals, {} sources",
        small.len(),
        found.proposals.len(),
        found.sources.len()
    );
    let mut group = c.benchmark_group("extract");
    group.bench_function("article_5kb", |b| {
        b.iter(|| extract(black_box(&small), &opts))
    });
    group.bench_function("article_5kb_to_import", |b| {
        b.iter(|| extract(black_box(&small), &opts).to_import(&small))
    });
    let big = transcript(1024 * 1024);
    let found = extract(&big, &opts);
    eprintln!(
        "transcript: {} bytes, {} proposals, {} sources",
        big.len(),
        found.proposals.len(),
        found.sources.len()
    );
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("transcript_1mb", |b| {
        b.iter(|| extract(black_box(&big), &opts))
    });
    group.finish();
}

criterion_group!(extract_benches, benches);
criterion_main!(extract_benches);
