//! The write API: `POST /api/v1/statements` and `POST /api/v1/batches`
//! (schemas/api-submit.schema.json), each answer of the protocol, hostile
//! bodies with their messages, and that nothing is written on a refusal.

use super::support::{self, client, header};
use crate::common::{
    self, article_record as article, assert_schema, fixed_key, grant, library_ledger, operator, Env,
};
use provledger::digest::Digest;
use provledger::ledger::sequencer::Config;
use provledger::ledger::Ledger;
use provledger::proof::TlogProof;
use provledger::serve::write::{BatchBody, CBOR, COSE};
use provledger::serve::{Background, Options, WriteOptions};
use provledger::statement::{Role, SignedStatement};
use reqwest::blocking::Response;
use serde_bytes::ByteBuf;
use serde_json::Value;
use std::io::{Read, Write};

/// A writable server for `env`'s ledger (its operator key in `private/`).
fn writable(env: &Env) -> Background {
    support::start_with(
        &env.ledger(),
        Options {
            write: Some(WriteOptions {
                operator_key: Ledger::default_operator_key_path(&env.ledger()),
                sequencer: Config::default(),
            }),
            ..Options::default()
        },
    )
}

/// A writable server on a library-built ledger, and the ledger's log files
/// when it started: what "nothing is written" compares with.
struct Writable {
    // Declared first, so dropped first: the server stops before its
    // directory goes.
    server: Background,
    env: Env,
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Writable {
    /// A ledger with `grants` editor grants ([`library_ledger`]), served
    /// writable.
    fn new(grants: u64) -> Writable {
        let env = Env::new();
        library_ledger(&env, grants);
        let server = writable(&env);
        let files = log_files(&env);
        Writable { server, env, files }
    }

    /// Asserts that nothing of the log was written since it started.
    #[track_caller]
    fn assert_unchanged(&self) {
        assert_eq!(log_files(&self.env), self.files);
    }
}

fn post(server: &Background, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Response {
    let mut r = client().post(format!("{}{path}", server.url())).body(body);
    if let Some(t) = content_type {
        r = r.header("content-type", t);
    }
    r.send().unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

fn post_statement(server: &Background, s: &SignedStatement) -> (u16, Value) {
    let r = post(
        server,
        "/api/v1/statements",
        Some("application/cose"),
        s.bytes().to_vec(),
    );
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().unwrap()).expect("a JSON answer"),
    )
}

/// Asserts an error answer: its status, `error` code and message.
#[track_caller]
fn assert_error(r: Response, status: u16, code: &str, message: &str) {
    assert_eq!(r.status().as_u16(), status);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let body: Value = serde_json::from_slice(&r.bytes().unwrap()).unwrap();
    assert_schema("api-submit.schema.json", &body);
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains(message),
        "expected {message:?} in {body}"
    );
}

fn fresh(n: u64) -> SignedStatement {
    grant(
        &operator(),
        &fixed_key(&format!("h{n}"), 2000 + n),
        &[Role::Checker],
    )
}

/// Everything of the ledger but its index (which a reader may touch).
fn log_files(env: &Env) -> std::collections::BTreeMap<String, Vec<u8>> {
    env.ledger_files()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("index"))
        .collect()
}

#[test]
fn a_statement_is_appended_with_its_proof_and_a_retry_is_a_duplicate() {
    let env = Env::new();
    library_ledger(&env, 0);
    let server = writable(&env);
    let s = fresh(1);
    let (status, body) = post_statement(&server, &s);
    assert_eq!(status, 201, "{body}");
    assert_schema("api-submit.schema.json", &body);
    assert_eq!(body["statements"][0]["id"], s.id().to_hex());
    assert_eq!(body["statements"][0]["kind"], "key.grant");
    let index = body["statements"][0]["index"].as_u64().unwrap();
    let proof = TlogProof::parse(body["proofs"][0].as_str().unwrap().as_bytes()).unwrap();
    let proven = proof
        .verify(operator().public())
        .expect("the proof verifies");
    assert_eq!(proven.statement.id(), s.id());
    assert_eq!(proof.index, index);
    assert_eq!(
        body["checkpoint"].as_str().unwrap().as_bytes(),
        proof.checkpoint
    );
    // The same bytes again: 200, where it already is, nothing new.
    let files = log_files(&env);
    let (status, again) = post_statement(&server, &s);
    assert_eq!(status, 200, "{again}");
    assert_schema("api-submit.schema.json", &again);
    assert_eq!(again["statements"][0]["index"], index);
    assert_eq!(log_files(&env), files);
    drop(server);
    env.assert_audit_clean();
}

#[test]
fn a_statement_a_rule_refuses_is_a_422_with_its_rule_and_nothing_is_written() {
    let w = Writable::new(1);
    let server = &w.server;
    let by_editor = grant(&fixed_key("key0", 0), &fixed_key("x", 5), &[Role::Editor]);
    let (status, body) = post_statement(server, &by_editor);
    assert_eq!(status, 422, "{body}");
    assert_schema("api-submit.schema.json", &body);
    assert_eq!(body["error"], "refused");
    assert!(
        body["rule"].as_str().unwrap().starts_with("signer."),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("key.grant refused: "),
        "{body}"
    );
    assert!(body.get("index").is_none(), "{body}");
    w.assert_unchanged();
}

#[test]
fn a_statement_naming_a_text_the_ledger_lacks_is_refused() {
    let w = Writable::new(1);
    let server = &w.server;
    let (status, body) = post_statement(server, &article("A text never sent."));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["rule"], "article.content-missing");
    w.assert_unchanged();
}

#[test]
fn wrong_missing_and_parameterised_content_types() {
    let w = Writable::new(0);
    let server = &w.server;
    let bytes = fresh(1).bytes().to_vec();
    assert_error(
        post(
            server,
            "/api/v1/statements",
            Some("application/json"),
            bytes.clone(),
        ),
        415,
        "unsupported-media-type",
        "the body must be application/cose, not application/json",
    );
    assert_error(
        post(server, "/api/v1/statements", None, bytes.clone()),
        415,
        "unsupported-media-type",
        "the request has no Content-Type",
    );
    assert_error(
        post(
            server,
            "/api/v1/batches",
            Some("application/cose"),
            bytes.clone(),
        ),
        415,
        "unsupported-media-type",
        "the body must be application/cbor, not application/cose",
    );
    w.assert_unchanged();
    // Parameters and case do not matter (RFC 9052's cose-type parameter).
    let r = post(
        server,
        "/api/v1/statements",
        Some("Application/COSE; cose-type=\"cose-sign1\""),
        bytes,
    );
    assert_eq!(r.status().as_u16(), 201);
}

#[test]
fn oversized_bodies_are_413() {
    let w = Writable::new(0);
    let server = &w.server;
    assert_error(
        post(
            server,
            "/api/v1/statements",
            Some("application/cose"),
            vec![0x84; 64 * 1024 + 1],
        ),
        413,
        "too-large",
        "the body is larger than 65536 bytes",
    );
    // Within the body limit but past the largest statement.
    assert_error(
        post(
            server,
            "/api/v1/statements",
            Some("application/cose"),
            vec![0x84; 61_000],
        ),
        413,
        "too-large",
        "statement is 61000 bytes; the most a statement may be is 60000",
    );
    assert_error(
        post(
            server,
            "/api/v1/batches",
            Some("application/cbor"),
            vec![0xa2; 8 * 1024 * 1024 + 1],
        ),
        413,
        "too-large",
        "the body is larger than 8388608 bytes",
    );
    w.assert_unchanged();
}

#[test]
fn malformed_non_canonical_and_badly_signed_statements_are_400() {
    let w = Writable::new(0);
    let server = &w.server;
    let good = fresh(1).bytes().to_vec();
    let cose = |b: Vec<u8>| post(server, "/api/v1/statements", Some("application/cose"), b);
    // 'n' heads a 14-byte text string: CBOR, but not a COSE_Sign1.
    assert_error(
        cose(b"not cbor at all".to_vec()),
        400,
        "undecodable",
        "statement is not a COSE_Sign1: got tstr, expected array",
    );
    assert_error(
        cose(vec![0xff, 0x00]),
        400,
        "non-canonical",
        "statement is not canonical CBOR",
    );
    assert_error(cose(vec![]), 400, "non-canonical", "empty input");
    // Truncated: a prefix of a good statement.
    assert_error(
        cose(good[..good.len() / 2].to_vec()),
        400,
        "non-canonical",
        "statement is not canonical CBOR",
    );
    // The array head in a longer form than needed (0x98 0x04 for 0x84).
    let mut long = vec![0x98, 0x04];
    long.extend_from_slice(&good[1..]);
    assert_error(
        cose(long),
        400,
        "non-canonical",
        "statement is not canonical CBOR",
    );
    // Canonical CBOR, but not a COSE_Sign1.
    assert_error(
        cose(vec![0x82, 0x01, 0x02]),
        400,
        "undecodable",
        "statement is not a COSE_Sign1",
    );
    // One bit of the signature flipped.
    let mut forged = good.clone();
    *forged.last_mut().unwrap() ^= 1;
    assert_error(
        cose(forged),
        400,
        "bad-signature",
        "statement signature does not verify under its signer key",
    );
    w.assert_unchanged();
}

#[test]
fn a_body_cut_off_before_its_length_is_400() {
    let w = Writable::new(0);
    let server = &w.server;
    let good = fresh(1).bytes().to_vec();
    let mut tcp = post_head(server.addr(), "/api/v1/statements", COSE, good.len(), "");
    tcp.write_all(&good[..good.len() - 10]).unwrap();
    tcp.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("the body cannot be read"), "{answer}");
    drop(tcp);
    w.assert_unchanged();
}

fn batch(statements: &[&SignedStatement], blobs: &[&[u8]]) -> Vec<u8> {
    BatchBody {
        statements: statements
            .iter()
            .map(|s| ByteBuf::from(s.bytes().to_vec()))
            .collect(),
        blobs: blobs.iter().map(|b| ByteBuf::from(b.to_vec())).collect(),
    }
    .to_cbor()
    .unwrap()
}

fn post_batch(server: &Background, body: Vec<u8>) -> (u16, Value) {
    let r = post(server, "/api/v1/batches", Some("application/cbor"), body);
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().unwrap()).expect("a JSON answer"),
    )
}

#[test]
fn a_batch_with_its_text_is_appended_whole() {
    let env = Env::new();
    library_ledger(&env, 1);
    let server = writable(&env);
    let text = "The council met on Tuesday.";
    let a = article(text);
    let g = fresh(1);
    let (status, body) = post_batch(&server, batch(&[&a, &g], &[text.as_bytes()]));
    assert_eq!(status, 201, "{body}");
    assert_schema("api-submit.schema.json", &body);
    let first = body["statements"][0]["index"].as_u64().unwrap();
    assert_eq!(body["statements"][1]["index"], first + 1);
    assert_eq!(body["statements"][0]["kind"], "article.record");
    assert_eq!(body["proofs"].as_array().unwrap().len(), 2);
    let l = Ledger::open(&env.ledger()).unwrap();
    assert_eq!(
        l.get_blob(&Digest::of(text.as_bytes())).unwrap(),
        text.as_bytes()
    );
    drop(l);
    let (status, again) = post_batch(&server, batch(&[&a, &g], &[text.as_bytes()]));
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["statements"][0]["index"], first);
    drop(server);
    env.assert_audit_clean();
}

#[test]
fn a_batch_with_one_refused_statement_writes_nothing() {
    let env = Env::new();
    library_ledger(&env, 1);
    let server = writable(&env);
    let files = log_files(&env);
    let text = "Another text.";
    let by_editor = grant(&fixed_key("key0", 0), &fixed_key("x", 5), &[Role::Editor]);
    let (status, body) = post_batch(
        &server,
        batch(&[&article(text), &fresh(1), &by_editor], &[text.as_bytes()]),
    );
    assert_eq!(status, 422, "{body}");
    assert_schema("api-submit.schema.json", &body);
    assert_eq!(body["index"], 2);
    assert!(
        body["rule"].as_str().unwrap().starts_with("signer."),
        "{body}"
    );
    assert_eq!(
        log_files(&env),
        files,
        "no statement and no blob was written"
    );
}

#[test]
fn malformed_batches_are_400_and_name_the_statement() {
    let w = Writable::new(0);
    let server = &w.server;
    let cbor = |b: Vec<u8>| post(server, "/api/v1/batches", Some("application/cbor"), b);
    assert_error(
        cbor(b"{\"statements\": []}".to_vec()),
        400,
        "undecodable",
        "the body is not a canonical CBOR map",
    );
    assert_error(
        cbor(batch(&[], &[])),
        400,
        "bad-request",
        "the batch holds no statements",
    );
    // Keys out of canonical order (statements before blobs).
    let mut swapped = vec![0xa2];
    swapped.extend(provledger::cbor::to_vec(&"statements").unwrap());
    swapped.push(0x80);
    swapped.extend(provledger::cbor::to_vec(&"blobs").unwrap());
    swapped.push(0x80);
    assert_error(cbor(swapped), 400, "undecodable", "canonical");
    let mut forged = fresh(2).bytes().to_vec();
    *forged.last_mut().unwrap() ^= 1;
    let body = BatchBody {
        statements: vec![
            ByteBuf::from(fresh(1).bytes().to_vec()),
            ByteBuf::from(forged),
        ],
        blobs: vec![],
    };
    assert_error(
        cbor(body.to_cbor().unwrap()),
        400,
        "bad-signature",
        "statement 1 of the batch: statement signature does not verify",
    );
    w.assert_unchanged();
}

#[test]
fn a_read_only_server_takes_no_statements() {
    let env = Env::new();
    library_ledger(&env, 0);
    let server = support::start(&env.ledger());
    let files = log_files(&env);
    assert_error(
        post(
            &server,
            "/api/v1/statements",
            Some("application/cose"),
            fresh(1).bytes().to_vec(),
        ),
        405,
        "read-only",
        "this server is read-only",
    );
    assert_eq!(log_files(&env), files);
    common::checkpoint_size(&env.checkpoint());
}

/// POSTs a batch body that is no batch (one byte) until the answer's
/// status is `want` (at most 100 times, 50 ms apart); returns that answer.
fn batch_until(server: &Background, want: u16) -> Option<Response> {
    for _ in 0..100 {
        let r = post(server, "/api/v1/batches", Some(CBOR), vec![0x01]);
        if r.status() == want {
            return Some(r);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

/// Past 16 batches whose bodies are being read, a batch is answered 503
/// busy with `Retry-After` before its body is read: 16 clients that send
/// the head of a batch and trickle its body hold every slot, and a
/// seventeenth batch is turned away; when they go, batches are read again.
#[test]
fn past_sixteen_batches_being_read_a_batch_is_503_busy() {
    use provledger::serve::write::MAX_BATCHES_IN_FLIGHT;
    let w = Writable::new(0);
    let server = &w.server;
    // Each held request asks `Expect: 100-continue`: the server's `100
    // Continue` comes when its handler reads the body, that is once it
    // holds a slot; so every slot is held before the next batch is sent.
    // (Sending them all and then asking until a 503 came was a race: a
    // held request could find the slot of a probe and be turned away.)
    let held: Vec<std::net::TcpStream> = (0..MAX_BATCHES_IN_FLIGHT)
        .map(|_| {
            let mut tcp = post_head(
                server.addr(),
                "/api/v1/batches",
                CBOR,
                100_000,
                "Expect: 100-continue\r\n",
            );
            let head = read_head(&mut tcp);
            assert!(head.starts_with("HTTP/1.1 100"), "{head}");
            tcp.write_all(&[0xa2; 10]).unwrap();
            tcp
        })
        .collect();
    let r = post(server, "/api/v1/batches", Some(CBOR), vec![0x01]);
    assert_eq!(r.status(), 503, "every slot is held");
    assert_eq!(header(&r, "retry-after"), "1");
    let v: serde_json::Value = serde_json::from_slice(&r.bytes().unwrap()).unwrap();
    assert_schema("api-submit.schema.json", &v);
    assert_eq!(v["error"], "busy");
    assert_eq!(
        v["message"],
        "the server is reading 16 batches already; try again shortly"
    );
    drop(held);
    // The server sees the clients go in its own time: ask until a batch
    // is read again (bounded).
    let freed = batch_until(server, 400);
    assert!(freed.is_some(), "the slots came back when the clients went");
    w.assert_unchanged();
}

/// Sends the head of a `POST path` (Content-Type `content_type`,
/// Content-Length `length`, then the header lines `extra`, each ending in
/// CRLF) over a fresh connection, and no body yet.
fn post_head(
    addr: std::net::SocketAddr,
    path: &str,
    content_type: &str,
    length: usize,
    extra: &str,
) -> std::net::TcpStream {
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(support::TIMEOUT)).unwrap();
    write!(
        tcp,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n{extra}\r\n"
    )
    .unwrap();
    tcp
}

/// Reads from `tcp` until the end of a head (`\r\n\r\n`) and returns it.
fn read_head(tcp: &mut std::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tcp.read(&mut byte).expect("read a head");
        assert_eq!(n, 1, "the connection closed after {head:?}");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// A statement whose request is still open when shutdown has waited out
/// its grace is answered 503 "stopping" (the sequencer has stopped), with
/// `Retry-After`, and nothing is written. The client asks
/// `Expect: 100-continue`, so the server's `100 Continue` shows that the
/// handler holds the request before shutdown begins; the body follows once
/// the server has stopped accepting and stopped its sequencer.
#[test]
fn a_statement_still_open_when_shutdown_ends_is_503_stopping() {
    use provledger::serve::{serve, AppState};
    use std::sync::Arc;
    let env = Env::new();
    library_ledger(&env, 0);
    let files = log_files(&env);
    let state = Arc::new(
        AppState::open(
            &env.ledger(),
            Options {
                shutdown_grace: std::time::Duration::from_millis(50),
                write: Some(WriteOptions {
                    operator_key: Ledger::default_operator_key_path(&env.ledger()),
                    sequencer: Config::default(),
                }),
                ..Options::default()
            },
        )
        .unwrap(),
    );
    // The test owns the runtime, so the open connection outlives `serve`.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        serve(listener, state, async move {
            let _ = stopped.await;
        })
        .await
    });

    let statement = fresh(1).bytes().to_vec();
    let mut tcp = post_head(
        addr,
        "/api/v1/statements",
        COSE,
        statement.len(),
        "Expect: 100-continue\r\n",
    );
    let head = read_head(&mut tcp);
    assert!(head.starts_with("HTTP/1.1 100"), "{head}");
    stop.send(()).unwrap();
    runtime
        .block_on(server)
        .expect("serve ran to its end")
        .expect("serve stopped cleanly");

    tcp.write_all(&statement).unwrap();
    let head = read_head(&mut tcp).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 503"), "{head}");
    assert!(head.contains("\r\nretry-after: 5\r\n"), "{head}");
    assert!(head.contains("\r\ncache-control: no-store\r\n"), "{head}");
    let length: usize = head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    tcp.read_exact(&mut body).unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_schema("api-submit.schema.json", &v);
    assert_eq!(v["error"], "stopping", "{v}");
    assert_eq!(
        v["message"],
        "the server is shutting down and takes no more statements"
    );
    drop(tcp);
    drop(runtime);
    assert_eq!(log_files(&env), files);
}
