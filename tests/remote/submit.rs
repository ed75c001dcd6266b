//! Writes with `--remote URL` (issue 9 §2): a checker and an editor sign on
//! their side with their own keys and submit to `provledger serve --write`
//! (in-process, on a loopback port), whose ledger only the server's
//! operator key signs. Every request goes through `Front`, a loopback
//! proxy that records the bytes sent (no private key may be among them)
//! and can answer in the server's place: refuse, stay busy, drop the
//! connection, or lie (a wrong proof, a checkpoint of another tree).

use crate::common::{self, assert_schema, Env, Out};
use provledger::ledger::sequencer::Config;
use provledger::ledger::Ledger;
use provledger::serve::{Background, Options, WriteOptions};
use serde_json::Value;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ORIGIN: &str = "test.example/ledger";
/// The seed article and its claims (sample/).
fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample")
        .join(name)
        .display()
        .to_string()
}

/// A request as `Front` read it.
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An answer: status, headers, body.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// Decides an answer: `None` forwards the request to the server; the
/// function given forwards it to another base URL (a fork).
type Hook = dyn Fn(&Req, &dyn Fn(&str) -> Answer) -> Option<Answer> + Send + Sync;

/// A loopback proxy in front of a server: one request per connection.
pub struct Front {
    port: u16,
    stop: Arc<AtomicBool>,
    sent: Arc<Mutex<Vec<u8>>>,
    requests: Arc<Mutex<Vec<String>>>,
    hook: Arc<Mutex<Arc<Hook>>>,
}

impl Front {
    pub fn start(upstream: String) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let hook: Arc<Mutex<Arc<Hook>>> = Arc::new(Mutex::new(Arc::new(
            |_: &Req, _: &dyn Fn(&str) -> Answer| None,
        )));
        let (s, se, r, h) = (stop.clone(), sent.clone(), requests.clone(), hook.clone());
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(20))
                .no_proxy()
                .build()
                .unwrap();
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (se, r, h, up, c) = (
                            se.clone(),
                            r.clone(),
                            h.clone(),
                            upstream.clone(),
                            client.clone(),
                        );
                        std::thread::spawn(move || serve_one(conn, &se, &r, &h, &up, &c));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Front {
            port,
            stop,
            sent,
            requests,
            hook,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn set_hook(
        &self,
        hook: impl Fn(&Req, &dyn Fn(&str) -> Answer) -> Option<Answer> + Send + Sync + 'static,
    ) {
        *self.hook.lock().unwrap() = Arc::new(hook);
    }

    /// Every byte sent to the server so far.
    pub fn sent(&self) -> Vec<u8> {
        self.sent.lock().unwrap().clone()
    }

    /// "METHOD PATH" of every request so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn posts(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.starts_with("POST "))
            .count()
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve_one(
    mut conn: TcpStream,
    sent: &Mutex<Vec<u8>>,
    requests: &Mutex<Vec<String>>,
    hook: &Mutex<Arc<Hook>>,
    upstream: &str,
    client: &reqwest::blocking::Client,
) {
    conn.set_nonblocking(false).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 16 << 10];
    let head_end = loop {
        if let Some(p) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let first: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + len {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    sent.lock().unwrap().extend_from_slice(&data);
    let req = Req {
        method: first.first().unwrap_or(&"GET").to_string(),
        path: first.get(1).unwrap_or(&"/").to_string(),
        headers,
        body: data[head_end..head_end + len].to_vec(),
    };
    requests
        .lock()
        .unwrap()
        .push(format!("{} {}", req.method, req.path));
    let forward = |base: &str| -> Answer {
        let url = format!("{}{}", base.trim_end_matches('/'), req.path);
        let mut r = client.request(req.method.parse().unwrap(), url);
        for (k, v) in &req.headers {
            if matches!(k.as_str(), "content-type" | "accept" | "accept-encoding") {
                r = r.header(k, v);
            }
        }
        let resp = r.body(req.body.clone()).send().expect("the server answers");
        let status = resp.status().as_u16();
        let keep: Vec<(String, String)> = ["content-type", "content-encoding", "retry-after"]
            .iter()
            .filter_map(|k| {
                resp.headers()
                    .get(*k)
                    .map(|v| (k.to_string(), v.to_str().unwrap().to_string()))
            })
            .collect();
        (status, keep, resp.bytes().unwrap().to_vec())
    };
    let hook = hook.lock().unwrap().clone();
    let (status, headers, body) = match hook(&req, &forward) {
        Some(a) if a.0 == 0 => return, // hang up without an answer
        Some(a) => a,
        None => forward(upstream),
    };
    super::server::write_page(&mut conn, status, &headers, &body);
}

/// A server's ledger with an editor (eda) and a checker (cem) granted by
/// the operator on the server's side before it serves, the seed article
/// and its claims, and the writable server in front of a `Front`.
pub struct Newsroom {
    pub env: Env,
    pub server: Background,
    pub front: Front,
    pub v1: String,
}

/// A writable server for the ledger in `dir` (its operator key in
/// `private/`).
pub fn writable(dir: &Path) -> Background {
    Background::start(
        dir,
        Options {
            write: Some(WriteOptions {
                operator_key: Ledger::default_operator_key_path(dir),
                sequencer: Config::default(),
            }),
            ..Options::default()
        },
        2,
    )
    .expect("start a server")
}

impl Newsroom {
    pub fn new() -> Newsroom {
        let env = Env::with_clock(1_762_600_000);
        env.ok(&["init", "--origin", ORIGIN]);
        let keys = env.path("keys").display().to_string();
        for (name, display, role) in [
            ("eda", "Eda Editor", "editor"),
            ("cem", "Cem Checker", "checker"),
        ] {
            env.ok(&["key", "generate", name, "--out", &keys]);
            env.ok(&[
                "key",
                "grant",
                &format!("{keys}/{name}.pub"),
                "--role",
                role,
                "--display-name",
                display,
            ]);
        }
        let server = writable(&env.ledger());
        let front = Front::start(server.url());
        Newsroom {
            env,
            server,
            front,
            v1: String::new(),
        }
    }

    /// `provledger --ledger NOWHERE --remote FRONT --remote-operator PUB ARGS`
    /// with the scratch cache: the user's side has no ledger.
    pub fn remote(&self, args: &[&str]) -> Out {
        let op = self.env.operator_pub();
        let mut all = vec![
            "--ledger",
            "nowhere",
            "--remote",
            &self.front.url(),
            "--remote-operator",
            op.to_str().unwrap(),
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        all.extend(args.iter().map(|s| s.to_string()));
        self.env
            .bare(&all)
            .env("PROVLEDGER_CACHE", self.env.path("cache"))
            .run()
    }

    /// [`Newsroom::remote`] with `--json`, which must succeed: the receipts.
    pub fn remote_json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.remote(&all).ok();
        let v = out.json();
        assert_schema("receipt.schema.json", &v);
        v
    }

    pub fn key(&self, name: &str) -> String {
        self.env.key(name)
    }

    /// The cache mirror's files.
    pub fn cache_files(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let dir = self.env.path("cache");
        if !dir.exists() {
            return Default::default();
        }
        common::files_under(&dir, |rel| {
            common::is_local(rel.rsplit('/').next().unwrap_or(rel))
        })
    }

    /// Adds the seed article (remotely, as the editor); returns its id.
    pub fn article(&mut self) -> String {
        let r = self.remote_json(&[
            "article",
            "add",
            &sample("article-v1.txt"),
            "--url",
            "https://www.sundayguardianlive.com/world/afghan-pakistan-talks-istanbul",
            "--publisher",
            "The Sunday Guardian",
            "--title",
            "Afghan-Pakistan negotiations fail in Istanbul",
            "--published",
            "2025-11-08T06:00:00Z",
            "--key",
            &self.key("eda"),
        ]);
        self.v1 = r[0]["id"].as_str().unwrap().to_string();
        self.v1.clone()
    }
}

/// The private key material of every key file under `dir`: its text forms
/// (as the key-leak scan has them) and the raw 32-byte seed.
fn secrets(dir: &Path) -> (Vec<String>, Vec<Vec<u8>>) {
    let forms = common::secrets_under(dir);
    let mut raw = Vec::new();
    for (_, p) in common::walk(dir, |_| false) {
        if p.extension().is_some_and(|e| e == "key") {
            let k = provledger::keys::load_secret_key(&p).unwrap();
            raw.push(k.signing_key().to_bytes().to_vec());
            raw.push(std::fs::read(&p).unwrap());
        }
    }
    assert!(
        !forms.is_empty() && !raw.is_empty(),
        "no keys under {}",
        dir.display()
    );
    (forms, raw)
}

#[track_caller]
fn assert_holds_no_secret(what: &str, bytes: &[u8], dir: &Path) {
    let (forms, raw) = secrets(dir);
    let text = String::from_utf8_lossy(bytes);
    for f in forms {
        assert!(!text.contains(&f), "{what} holds private key material");
    }
    for r in raw {
        assert!(
            !bytes.windows(r.len()).any(|w| w == r.as_slice()),
            "{what} holds a private key's bytes"
        );
    }
}

#[test]
fn a_newsroom_writes_remotely_and_the_servers_ledger_audits_clean() {
    let mut n = Newsroom::new();
    let v1 = n.article();
    // The editor's claims, one all-or-nothing batch.
    let imported = n.remote_json(&[
        "claim",
        "import",
        &sample("claims-v1.json"),
        "--article",
        &v1[..12],
        "--key",
        &n.key("eda"),
    ]);
    let imported = imported.as_array().unwrap();
    assert_eq!(imported.len(), 22, "{imported:?}");
    let claim = imported
        .iter()
        .find(|r| r["kind"] == "claim.record")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = imported
        .iter()
        .filter(|r| r["kind"] == "claim.record")
        .nth(1)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let source = n.remote_json(&[
        "source",
        "add",
        "--label",
        "a mediator",
        "--kind",
        "named_person",
        "--name",
        "Hakan Fidan",
        "--key",
        &n.key("eda"),
    ]);
    assert_eq!(source[0]["kind"], "source.record");
    let added = n.remote_json(&[
        "claim",
        "add",
        "--article",
        &v1[..12],
        "--quote",
        "The fragile thaw between Afghanistan and Pakistan has again collapsed",
        "--proposition",
        "Afghan-Pakistani relations have broken down again.",
        "--key",
        &n.key("eda"),
    ]);
    let added = added[0]["id"].as_str().unwrap().to_string();
    // The checker's verdict, with its receipt as a local one is.
    let verdict = n.remote_json(&[
        "verify",
        &claim[..12],
        "--verdict",
        "true",
        "--note",
        "Confirmed by both delegations.",
        "--key",
        &n.key("cem"),
    ]);
    assert_eq!(verdict[0]["kind"], "verification");
    let seq = verdict[0]["seq"].as_u64().unwrap();
    assert_eq!(verdict[0]["tree_size"].as_u64().unwrap(), seq + 1);
    n.remote_json(&[
        "link",
        &claim[..12],
        &other[..12],
        "--relation",
        "corroborates",
        "--key",
        &n.key("cem"),
    ]);
    n.remote_json(&[
        "claim",
        "revise",
        &added[..12],
        "--proposition",
        "Relations between Afghanistan and Pakistan have collapsed again.",
        "--reason",
        "error",
        "--key",
        &n.key("eda"),
    ]);
    n.remote_json(&[
        "claim",
        "retract",
        &added[..12],
        "--reason",
        "wrong",
        "--key",
        &n.key("eda"),
    ]);
    // An anonymous source vouched for: the opening is written here, and a
    // refused vouch (a checker's) leaves none.
    let anonymous = imported[0]["id"].as_str().unwrap().to_string();
    let opening = n.env.path("opening.json");
    let opening_arg = opening.display().to_string();
    let vouch = |who: &str| {
        n.remote(&[
            "source",
            "vouch",
            &anonymous[..12],
            "--identity",
            "Ayşe Demir, Ministry of Foreign Affairs",
            "--opening-out",
            &opening_arg,
            "--key",
            &n.key(who),
            "--json",
        ])
    };
    fails(
        vouch("cem"),
        1,
        "source.identity refused: signer Cem Checker",
    );
    assert!(!opening.exists());
    let vouched = vouch("eda").ok().json();
    assert_eq!(vouched[0]["kind"], "source.identity");
    assert!(opening.exists());
    // A verdict withdrawn, remotely too.
    let second = n.remote_json(&[
        "verify",
        &other[..12],
        "--verdict",
        "false",
        "--key",
        &n.key("cem"),
    ]);
    let withdrawn = n.remote_json(&[
        "verify",
        "withdraw",
        &second[0]["id"].as_str().unwrap()[..12],
        "--reason",
        "misread the source",
        "--key",
        &n.key("cem"),
    ]);
    assert_eq!(withdrawn[0]["kind"], "verification.withdraw");
    // The text form says where the statement landed.
    n.remote(&[
        "verify",
        &other[..12],
        "--verdict",
        "mixed",
        "--key",
        &n.key("cem"),
    ])
    .ok()
    .stdout_has("verification ");
    // The user's side has no ledger: nothing was written there.
    assert!(!n.env.path("nowhere").exists());
    // Readers see the verdict through the same remote.
    let status = n.remote(&["status", &claim[..12], "--json"]).ok().json();
    assert_schema("status.schema.json", &status);
    assert!(
        status
            .to_string()
            .contains(verdict[0]["id"].as_str().unwrap()),
        "{status}"
    );
    drop(n.server);
    n.env.assert_audit_clean();
    // No private key of the users (nor the operator's) went over the
    // wire, and none of the users' keys is in the server's ledger.
    let sent = n.front.sent();
    assert!(n.front.posts() >= 9, "{:?}", n.front.requests());
    assert_holds_no_secret("the requests", &sent, &n.env.path("keys"));
    // Nor the identity behind the vouched source: only its commitment.
    assert!(!String::from_utf8_lossy(&sent).contains("Ayşe Demir"));
    assert_holds_no_secret("the requests", &sent, &n.env.lpath("private"));
    for (rel, bytes) in common::files_under(&n.env.ledger(), |_| false) {
        assert_holds_no_secret(&rel, &bytes, &n.env.path("keys"));
    }
}

#[test]
fn an_exact_repeat_is_already_in_the_log_and_prints_the_same_receipt() {
    let mut n = Newsroom::new();
    n.article();
    let op = n.env.operator_pub();
    let url = n.front.url();
    let (eda, op) = (n.key("eda"), op.display().to_string());
    let args = [
        "--ledger",
        "nowhere",
        "--remote",
        &url,
        "--remote-operator",
        &op,
        "source",
        "add",
        "--label",
        "a mediator",
        "--kind",
        "named_person",
        "--name",
        "Hakan Fidan",
        "--key",
        &eda,
        "--json",
    ];
    // The same statement, signed at the same time: the same bytes.
    let run = || {
        n.env
            .bare(&args)
            .env("PROVLEDGER_CACHE", n.env.path("cache"))
            .env("SOURCE_DATE_EPOCH", "1762700000")
            .run()
    };
    let first = run().ok();
    let again = run().ok();
    assert_eq!(first.json(), again.json());
    assert!(
        again.stderr.contains("already in the log: ") && again.stderr.contains("nothing was added"),
        "{again}"
    );
    assert!(!first.stderr.contains("already in the log"), "{first}");
}

#[test]
fn a_refusal_is_said_as_a_local_one_with_its_rule_and_nothing_is_written() {
    let mut n = Newsroom::new();
    let v1 = n.article();
    let files = n.env.ledger_files();
    let cache = n.cache_files();
    // A checker may not record claims: the server's rules say so (422).
    let out = n.remote(&[
        "claim",
        "add",
        "--article",
        &v1[..12],
        "--quote",
        "The fragile thaw between Afghanistan and Pakistan has again collapsed",
        "--proposition",
        "P.",
        "--key",
        &n.key("cem"),
    ]);
    let out = fails(
        out,
        1,
        "claim.record refused: signer Cem Checker (cem, kid ",
    );
    assert!(
        out.stderr
            .contains(") has no role that may sign claim.record (needs editor)"),
        "{out}"
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: the server {} refused it under rule signer.role",
            n.front.url()
        )),
        "{out}"
    );
    assert!(out.stdout.is_empty(), "{out}");
    assert_eq!(n.env.ledger_files(), files);
    // The cache was pulled before the submission (nothing new), and not
    // after it.
    assert_eq!(n.cache_files(), cache);
    // A batch refused: named by its entry in the file, with the rule.
    std::fs::write(
        n.env.path("bad.json"),
        r#"{"claims": [{"ref": "x", "proposition": "P.", "exact": "The fragile thaw between Afghanistan and Pakistan"}]}"#,
    )
    .unwrap();
    let out = n.remote(&[
        "claim",
        "import",
        "bad.json",
        "--article",
        &v1[..12],
        "--key",
        &n.key("cem"),
    ]);
    let out = fails(
        out,
        1,
        "bad.json: /claims/0 (ref \"x\"): claim.record refused: signer Cem Checker",
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: the server {} refused it under rule signer.role",
            n.front.url()
        )),
        "{out}"
    );
    assert_eq!(n.env.ledger_files(), files);
}

#[test]
fn statements_only_the_operator_signs_are_refused_before_anything_is_sent() {
    let n = Newsroom::new();
    n.env.keygen("newbie");
    let newbie = n.env.path("keys/newbie.pub").display().to_string();
    for args in [
        vec!["key", "grant", newbie.as_str(), "--role", "checker"],
        vec!["key", "update", newbie.as_str(), "--role", "editor"],
        vec!["key", "revoke", newbie.as_str(), "--reason", "left"],
    ] {
        let before = n.front.requests().len();
        let out = n.remote(&args);
        let kind = match args[1] {
            "grant" => "key.grant",
            "update" => "key.update",
            _ => "key.revoke",
        };
        out.error(1, &format!("a {kind} is signed by the operator key, which only the server holds: it cannot be submitted with --remote (nothing was sent); the server's operator appends it on the server's ledger"));
        assert_eq!(n.front.requests().len(), before, "{:?}", n.front.requests());
    }
    // A key revoking itself is not the operator's: it goes through.
    let cem = n.env.path("keys/cem.pub").display().to_string();
    let r = n.remote_json(&[
        "key",
        "revoke",
        &cem,
        "--reason",
        "leaving",
        "--key",
        &n.key("cem"),
    ]);
    assert_eq!(r[0]["kind"], "key.revoke");
}

/// The newsroom with the article, and a verdict's arguments for the
/// checker.
fn verdict_args(n: &Newsroom, claim: &str) -> Vec<String> {
    ["verify", claim, "--verdict", "true", "--key", &n.key("cem")]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn with_claims() -> (Newsroom, String) {
    let mut n = Newsroom::new();
    let v1 = n.article();
    let r = n.remote_json(&[
        "claim",
        "add",
        "--article",
        &v1[..12],
        "--quote",
        "The fragile thaw between Afghanistan and Pakistan has again collapsed",
        "--proposition",
        "P.",
        "--key",
        &n.key("eda"),
    ]);
    let claim = r[0]["id"].as_str().unwrap().to_string();
    (n, claim)
}

fn run_verdict(n: &Newsroom, claim: &str) -> Out {
    let a = verdict_args(n, claim);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    n.remote(&a)
}

#[test]
fn a_busy_server_is_retried_then_said_busy_and_a_dropped_answer_is_said() {
    let (n, claim) = with_claims();
    let size = n.env.size();
    n.front.set_hook(|req, _| {
        (req.method == "POST").then(|| {
            (
                503,
                vec![("retry-after".into(), "0".into())],
                br#"{"error":"busy","message":"the server's write queue is full; try again shortly"}"#.to_vec(),
            )
        })
    });
    let before = n.front.posts();
    let cache = n.cache_files();
    run_verdict(&n, &claim[..12]).error(
        1,
        &format!("the server {} is busy: it answered 503 to 5 tries (the server's write queue is full; try again shortly); nothing was added, try again later", n.front.url()),
    );
    assert_eq!(n.front.posts() - before, 5);
    assert_eq!(n.cache_files(), cache);
    // Busy once, then accepted: the retry lands.
    let busy_once = Arc::new(AtomicBool::new(true));
    n.front.set_hook(move |req, _| {
        (req.method == "POST" && busy_once.swap(false, Ordering::SeqCst)).then(|| {
            (
                503,
                vec![("retry-after".into(), "0".into())],
                b"{}".to_vec(),
            )
        })
    });
    run_verdict(&n, &claim[..12]).ok();
    // The connection closed without an answer.
    n.front
        .set_hook(|req, _| (req.method == "POST").then(|| (0, vec![], vec![])));
    let out = fails(
        run_verdict(&n, &claim[..12]),
        1,
        &format!("cannot submit to {}api/v1/statements: ", n.front.url()),
    );
    assert!(
        out.stderr
            .contains("the statements may or may not have been added"),
        "{out}"
    );
    // Other refusals of the request.
    n.front.set_hook(|req, _| {
        (req.method == "POST").then(|| {
            (
                415,
                vec![],
                br#"{"error":"unsupported-media-type","message":"the body must be application/cose"}"#.to_vec(),
            )
        })
    });
    run_verdict(&n, &claim[..12]).error(
        1,
        &format!("the server {} refused the request (415): the body must be application/cose; nothing was added", n.front.url()),
    );
    // One verdict landed: the retried one.
    assert_eq!(n.env.size(), size + 1);
}

#[test]
fn a_server_that_is_down_is_said_and_nothing_is_kept() {
    let (n, claim) = with_claims();
    let cache = n.cache_files();
    // A port nobody listens on.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let op = n.env.operator_pub();
    let url = format!("http://127.0.0.1:{port}/");
    let a = verdict_args(&n, &claim[..12]);
    let mut all: Vec<String> = vec![
        "--ledger".into(),
        "nowhere".into(),
        "--remote".into(),
        url.clone(),
        "--remote-operator".into(),
        op.display().to_string(),
    ];
    all.extend(a);
    let out = n
        .env
        .bare(&all)
        .env("PROVLEDGER_CACHE", n.env.path("cache"))
        .run();
    fails(out, 1, &format!("fetching {url}checkpoint: "));
    assert_eq!(n.cache_files(), cache);
}

/// Replaces the first proof of a 201's body with `proof`.
fn with_proof(body: &[u8], proof: String) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    v["proofs"][0] = Value::String(proof);
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn a_lying_server_is_caught_by_the_check_that_fails() {
    let (n, claim) = with_claims();
    let url = n.front.url();
    // 201 with the proof of another entry (entry 0): the proof is true,
    // but not of the statement sent at the index returned.
    let upstream = n.server.url();
    n.front.set_hook(move |req, forward| {
        if req.method != "POST" {
            return None;
        }
        let (status, h, body) = forward(&upstream);
        let (_, _, other) = forward_get(&upstream, "/api/v1/proofs/tlog/0");
        Some((
            status,
            h,
            with_proof(&body, String::from_utf8(other).unwrap()),
        ))
    });
    let cache = n.cache_files();
    let out = fails(
        run_verdict(&n, &claim[..12]),
        1,
        &format!("the server {url} answered 201, but the inclusion proof of statement 0 ("),
    );
    assert!(
        out.stderr.contains(") at index ") && out.stderr.contains(" is for index 0; "),
        "{out}"
    );
    assert_eq!(n.cache_files(), cache);
    // A proof whose hashes were changed does not check.
    let upstream = n.server.url();
    n.front.set_hook(move |req, forward| {
        if req.method != "POST" {
            return None;
        }
        let (status, h, body) = forward(&upstream);
        let v: Value = serde_json::from_slice(&body).unwrap();
        let proof = v["proofs"][0].as_str().unwrap().to_string();
        let mut lines: Vec<String> = proof.lines().map(String::from).collect();
        let i = lines.iter().position(|l| l.starts_with("index ")).unwrap() + 1;
        lines[i] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
        let mut tampered = lines.join("\n");
        tampered.push('\n');
        Some((status, h, with_proof(&body, tampered)))
    });
    let out = fails(
        run_verdict(&n, &claim[..12]),
        1,
        &format!("the server {url} answered 201, but the inclusion proof of statement 0 ("),
    );
    assert!(out.stderr.contains("does not check"), "{out}");
    // A checkpoint not signed by the pinned operator key.
    let upstream = n.server.url();
    n.front.set_hook(move |req, forward| {
        if req.method != "POST" {
            return None;
        }
        let (status, h, body) = forward(&upstream);
        let mut v: Value = serde_json::from_slice(&body).unwrap();
        let cp = v["checkpoint"].as_str().unwrap().replace("— ", "— x");
        v["checkpoint"] = Value::String(cp);
        Some((status, h, serde_json::to_vec(&v).unwrap()))
    });
    fails(run_verdict(&n, &claim[..12]), 1, &format!("the server {url} answered 201, but the checkpoint it returned does not verify under the operator key pinned for this remote"));
    assert_eq!(n.cache_files().len(), cache.len());
}

/// GET `path` from `base`.
fn forward_get(base: &str, path: &str) -> Answer {
    let r = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .send()
        .unwrap();
    (r.status().as_u16(), vec![], r.bytes().unwrap().to_vec())
}

#[test]
fn a_checkpoint_of_another_tree_is_inconsistent_with_the_cache() {
    let (n, claim) = with_claims();
    // A fork of the server's ledger, taken now: same origin, same operator
    // key. The server then takes one more statement; the fork takes the
    // checker's verdict in its place, at the same index.
    let fork_dir = fork_then_add_a_source(&n);
    let fork = writable(&fork_dir);
    let fork_url = fork.url();
    n.front
        .set_hook(move |req, forward| (req.method == "POST").then(|| forward(&fork_url)));
    let cache = n.cache_files();
    fails(
        run_verdict(&n, &claim[..12]),
        1,
        &format!(
            "the remote {} is not consistent with what it showed before: its checkpoint of size",
            n.front.url()
        ),
    );
    assert_eq!(n.cache_files(), cache);
    // The fork signed it, but the cache never followed it.
    drop(fork);
}

/// Asserts a failure: exit `code`, nothing on stdout, and the error line
/// starting `provledger: error: PREFIX`.
#[track_caller]
fn fails(out: Out, code: i32, prefix: &str) -> Out {
    let out = out.code(code);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("provledger: error: {prefix}")),
        "want an error starting {prefix:?}:\n{out}"
    );
    assert_eq!(out.stdout, "", "a failed command printed on stdout:\n{out}");
    out
}

#[test]
fn a_larger_checkpoint_of_another_tree_fails_its_consistency_proof() {
    let (n, claim) = with_claims();
    // A fork taken now, which then takes a statement of its own while the
    // server takes another: the fork's answer (one entry more than the
    // cache holds) and its consistency proof are of another tree.
    let fork_dir = fork_then_add_a_source(&n);
    let fork_arg = fork_dir.display().to_string();
    n.env
        .bare(&[
            "--ledger",
            &fork_arg,
            "source",
            "add",
            "--label",
            "another mediator",
            "--kind",
            "named_person",
            "--name",
            "Mohammed Al-Khulaifi",
            "--key",
            &n.key("eda"),
        ])
        .run()
        .ok();
    let fork = writable(&fork_dir);
    let fork_url = fork.url();
    n.front.set_hook(move |req, forward| {
        (req.method == "POST" || req.path.starts_with("/api/v1/proofs/consistency"))
            .then(|| forward(&fork_url))
    });
    let cache = n.cache_files();
    let out = fails(
        run_verdict(&n, &claim[..12]),
        1,
        &format!(
            "the remote {} is not consistent with what it showed before: its checkpoint of size",
            n.front.url()
        ),
    );
    assert!(
        out.stderr.contains("the consistency proof it gives fails"),
        "{out}"
    );
    assert_eq!(n.cache_files(), cache);
    // The honest server answers for itself again: the next write lands.
    n.front.set_hook(|_, _| None);
    run_verdict(&n, &claim[..12]).ok();
    drop(fork);
}

#[test]
fn article_fetch_sends_its_capture_blobs_in_one_batch() {
    use crate::capture::server::{Route, Server};
    let n = Newsroom::new();
    let page = crate::capture::fixture("news.html");
    let srv = Server::start();
    srv.route("/world/istanbul", Route::html(page.clone()));
    let v = n
        .remote(&[
            "article",
            "fetch",
            &srv.url("/world/istanbul"),
            "--key",
            &n.key("eda"),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["outcome"], "new-version", "{v}");
    // One batch carried the statement and its blobs; the server stored
    // the raw page as captured.
    assert!(
        n.front
            .requests()
            .contains(&"POST /api/v1/batches".to_string()),
        "{:?}",
        n.front.requests()
    );
    let raw = v["capture"]["raw"].as_str().unwrap();
    let stored = n.env.lpath(&format!("blobs/{}/{raw}", &raw[..2]));
    assert_eq!(std::fs::read(stored).unwrap(), page);
    drop(n.server);
    n.env.assert_audit_clean();
}

/// A copy of the server's ledger taken now (same origin, same operator
/// key), after which the server takes one more statement (a source, by
/// eda) that the copy does not have.
fn fork_then_add_a_source(n: &Newsroom) -> std::path::PathBuf {
    let fork_dir = n.env.path("fork");
    common::copy_tree(&n.env.ledger(), &fork_dir, common::is_local);
    n.remote_json(&[
        "source",
        "add",
        "--label",
        "a mediator",
        "--kind",
        "named_person",
        "--name",
        "Hakan Fidan",
        "--key",
        &n.key("eda"),
    ]);
    fork_dir
}

#[test]
fn a_timeout_or_server_failure_says_the_outcome_is_unknown_and_shows_no_control_characters() {
    let (n, claim) = with_claims();
    n.front.set_hook(|req, _| {
        (req.method == "POST").then(|| {
            (
                408,
                vec![],
                // An escape in the message (JSON's \u001b), as a
                // hostile server could send.
                br#"{"error":"timeout","message":"the request took too long\u001b[2J"}"#.to_vec(),
            )
        })
    });
    let cache = n.cache_files();
    run_verdict(&n, &claim[..12]).error(
        1,
        &format!(
            "the server {} answered 408: the request took too long\u{fffd}[2J; the statements may or may not have been added (sending them again is answered \"already in the log\" if they were)",
            n.front.url()
        ),
    );
    assert_eq!(n.cache_files(), cache, "the cache mirror is unchanged");
}
