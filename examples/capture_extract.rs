//! Times the capture's text extraction (both extractors, normal form,
//! agreement) of a page, in process: `cargo run --example capture_extract
//! [FILE] [RUNS]` (default: the news fixture, 50 runs). A measurement for
//! BENCHMARKS.md, not a test.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "tests/fixtures/capture/news.html".to_string());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(50);
    let html = std::fs::read_to_string(&file).expect("read the page");
    let url = url::Url::parse("https://news.example/story").expect("a URL");
    let mut times = Vec::with_capacity(runs);
    let mut len = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let x = provledger::capture::extract::extract(&html, &url).expect("a text");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        len = x.text.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "extract {file} ({} bytes -> {len} bytes of text), {runs} runs: median {:.2} ms, min {:.2} ms, max {:.2} ms",
        html.len(),
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
