//! Flags of the `provledger serve` command line that the library tests
//! (which start `Background` servers with `Options`) do not reach.

use crate::common::{self, Env};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `provledger serve ARGS` (read-only) on a free loopback port; returns
/// the child (the caller kills it) and its base URL.
#[allow(clippy::zombie_processes)]
fn serve(ledger: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_provledger"))
        .arg("--ledger")
        .arg(ledger)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("PROVLEDGER_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start provledger serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    assert!(stderr.read_line(&mut line).unwrap() > 0, "serve ended");
    let url = line
        .split(" at ")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim()
        .to_string();
    std::thread::spawn(move || for _ in stderr.lines() {});
    (child, url)
}

/// The statuses of `n` quick GETs of /checkpoint over one connection.
fn statuses(url: &str, n: usize) -> Vec<u16> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap();
    (0..n)
        .map(|_| {
            client
                .get(format!("{url}/checkpoint"))
                .send()
                .expect("GET /checkpoint")
                .status()
                .as_u16()
        })
        .collect()
}

#[test]
fn rate_limit_sets_the_per_client_rate_and_0_turns_it_off() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    let (mut limited, url) = serve(&env.ledger(), &["--rate-limit", "2"]);
    // A burst of four is allowed; the rest of twelve quick requests are not.
    let got = statuses(&url, 12);
    let r = reqwest::blocking::Client::new()
        .get(format!("{url}/checkpoint"))
        .send()
        .unwrap();
    let _ = limited.kill();
    let _ = limited.wait();
    assert_eq!(&got[..4], &[200; 4], "{got:?}");
    assert!(got[4..].contains(&429), "{got:?}");
    assert_eq!(r.status(), 429);
    let v: serde_json::Value = serde_json::from_slice(&r.bytes().unwrap()).unwrap();
    assert_eq!(
        v["message"],
        "too many requests from 127.0.0.1: at most 2 a second"
    );

    let (mut open, url) = serve(&env.ledger(), &["--rate-limit", "0"]);
    let got = statuses(&url, 60);
    let _ = open.kill();
    let _ = open.wait();
    assert!(got.iter().all(|&s| s == 200), "{got:?}");
}

#[test]
fn a_rate_limit_that_is_not_a_number_is_refused() {
    let env = Env::new();
    common::library_ledger(&env, 1);
    env.run(&["serve", "--rate-limit", "many"])
        .fails_with(2, "invalid value 'many' for '--rate-limit <PER_SECOND>'");
    env.run(&["serve", "--rate-limit", "-1"])
        .fails_with(2, "unexpected argument '-1' found");
}
