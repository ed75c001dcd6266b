//! A remote that lies: each lie is caught, the message says which check
//! failed and names the URL, and the mirror keeps nothing of the pull.

use super::mirror::{
    demo_key, operator, operator_secret, public_files, pull_err, pull_err_with, pull_ok, run,
    served, LATER,
};
use super::server::{honest, page, Reply};
use crate::common;
use provledger::keys;
use provledger::remote::{pull, RemoteError, RemoteOptions};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// What is kept of a mirror (nothing if it was never pulled).
fn kept(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    if dir.join("checkpoint").exists() {
        public_files(dir)
    } else {
        Default::default()
    }
}

#[test]
fn a_tampered_hash_tile_is_named() {
    let (env, server) = served();
    server.replace("/tile/0/000.p/63", |mut b| {
        b[40] ^= 1;
        page(b)
    });
    let m = env.path("m");
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!("tampered entry: entry 1 in {0}tile/entries/000.p/63 does not hash to its leaf hash in {0}tile/0/000.p/63, which the signed checkpoint covers", server.url())
    );
    assert!(!m.join("checkpoint").exists());
}

#[test]
fn a_tampered_upper_tile_is_named_as_a_tile() {
    // A ledger big enough for a level-1 tile: the sample plus 200 grants.
    let (env, server) = served();
    let ledger = env.ledger();
    let op = operator_secret(&env);
    {
        let mut w =
            provledger::log::Log::open_writer(&ledger, Some(Duration::from_secs(30))).unwrap();
        // Opaque statements are enough for the log layer; the mirror
        // checks the tree before any rule, so it never gets to them.
        let junk: Vec<Vec<u8>> = (0..200u32).map(|i| i.to_be_bytes().to_vec()).collect();
        w.append(&junk, LATER, &op.note_signer()).unwrap();
    }
    assert!(ledger.join("tile/1/000.p/1").exists());
    server.replace("/tile/1/000.p/1", |mut b| {
        b[0] ^= 1;
        page(b)
    });
    let m = env.path("m");
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!("tampered tile: {}tile/1/000.p/1 is not the tile of the tree the checkpoint of size 263 signs (its hash 0 differs)", server.url())
    );
    assert!(!m.join("checkpoint").exists());
}

#[test]
fn a_tampered_entry_is_named_with_its_bundle() {
    let (env, server) = served();
    server.replace("/tile/entries/000.p/63", |b| {
        let mut entries = common::split_bundle(&b);
        let last = entries[10].len() - 1;
        entries[10][last] ^= 1;
        page(common::join_bundle(&entries))
    });
    let m = env.path("m");
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!("tampered entry: entry 10 in {0}tile/entries/000.p/63 does not hash to its leaf hash in {0}tile/0/000.p/63, which the signed checkpoint covers", server.url())
    );
}

/// A log of `n` opaque entries under the demo operator key, in `dir`: a
/// history other than the sample's, signed by the same key.
fn forked(op: &keys::SecretKey, dir: &Path, n: u32) {
    let mut w = provledger::log::Log::create(dir, &op.note_signer()).unwrap();
    let junk: Vec<Vec<u8>> = (0..n).map(|i| format!("fork {i}").into_bytes()).collect();
    w.append(&junk, LATER, &op.note_signer()).unwrap();
}

#[test]
fn an_inconsistent_checkpoint_is_refused_naming_both_sizes_and_roots() {
    let (env, server) = served();
    let m = env.path("m");
    let r = pull_ok(&server.url(), &m);
    let kept_before = kept(&m);
    let seen_root = r.root.clone();
    for n in [10u32, 63, 80] {
        let fork = env.path(&format!("fork{n}"));
        forked(&operator_secret(&env), &fork, n);
        let root = String::from_utf8(std::fs::read(fork.join("checkpoint")).unwrap())
            .unwrap()
            .lines()
            .nth(2)
            .unwrap()
            .to_string();
        server.set_dir(&fork);
        let e = pull_err(&server.url(), &m);
        let msg = e.to_string();
        let want = format!(
            "the remote {} is not consistent with what it showed before: its checkpoint of size {n} (root {root}) does not extend the checkpoint of size 63 (root {seen_root}) seen before: ",
            server.url()
        );
        assert!(msg.starts_with(&want), "{msg}\nwanted {want}");
        assert!(msg.ends_with("; refusing to follow it"), "{msg}");
        assert!(matches!(e, RemoteError::Inconsistent { .. }));
        assert_eq!(kept(&m), kept_before, "fork of {n}");
    }
}

#[test]
fn an_endless_or_slow_response_is_cut_off() {
    let (env, server) = served();
    server.answer("/checkpoint", || Reply::Endless);
    let m = env.path("m");
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!(
            "fetching {}checkpoint: the response is larger than the 65536 bytes it can be",
            server.url()
        )
    );
    server.answer("/tile/entries/000.p/63", || Reply::Trickle {
        len: 100_000,
        every: Duration::from_millis(50),
    });
    let opts = RemoteOptions {
        request_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let e = pull_err_with(&server.url(), &m, opts);
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("fetching {}tile/entries/000.p/63: ", server.url())),
        "{msg}"
    );
    assert!(msg.ends_with("the response took longer than 1 s"), "{msg}");
    assert!(!m.join("checkpoint").exists());
}

#[test]
fn wrong_content_is_refused() {
    let (env, server) = served();
    let m = env.path("m");
    // A blob that is not the one it names.
    server.set_hook(|path, file| match path {
        p if p.starts_with("/blobs/") => Reply::Page(200, vec![], b"something else".to_vec()),
        p => honest(p, file),
    });
    let e = pull_err(&server.url(), &m);
    assert!(
        e.to_string()
            .contains("is not the blob it names: its content hashes to "),
        "{e}"
    );
    assert!(!m.join("checkpoint").exists());
    // A hash tile cut short.
    server.replace("/tile/0/000.p/63", |b| page(b[..100].to_vec()));
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!(
            "{}tile/0/000.p/63 is not a valid tile: it is 100 bytes, not the 2016 of 63 hashes",
            server.url()
        )
    );
    // A checkpoint signed by another key than the operator's.
    let other = keys::SecretKey::generate("demo.provledger.example").unwrap();
    let fork = env.path("fork");
    let mut w = provledger::log::Log::create(&fork, &other.note_signer()).unwrap();
    w.append(&[b"x".to_vec()], LATER, &other.note_signer())
        .unwrap();
    drop(w);
    server.set_dir(&fork);
    server.set_hook(honest);
    let e = pull_err(&server.url(), &m);
    assert!(
        e.to_string().starts_with(&format!(
            "the checkpoint at {}checkpoint is refused: ",
            server.url()
        )),
        "{e}"
    );
    // An HTTP error status.
    server.set_hook(|_, _| Reply::Page(500, vec![], b"oops".to_vec()));
    let e = pull_err(&server.url(), &m);
    assert_eq!(
        e.to_string(),
        format!(
            "fetching {}checkpoint: the server answered 500 Internal Server Error",
            server.url()
        )
    );
}

#[test]
fn gzip_entry_bundles_are_accepted() {
    let (env, server) = served();
    server.set_hook(|path, file| match (path, file) {
        (p, Some(b)) if p.starts_with("/tile/entries/") => {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&b).unwrap();
            Reply::Page(
                200,
                vec![("Content-Encoding".into(), "gzip".into())],
                gz.finish().unwrap(),
            )
        }
        (p, f) => honest(p, f),
    });
    let m = env.path("m");
    let r = pull_ok(&server.url(), &m);
    assert_eq!(r.size, 63);
    assert_eq!(public_files(&m), public_files(&env.ledger()));
}

#[test]
fn an_entry_the_rules_refuse_is_mirrored_void_and_audited_as_locally() {
    let (env, server) = served();
    let m = env.path("m");
    pull_ok(&server.url(), &m);
    // The operator's log takes an entry no rule admits (not a statement),
    // then a valid ledger's next entries (opaque ones do for the log).
    let op = operator_secret(&env);
    let mut w =
        provledger::log::Log::open_writer(env.ledger(), Some(Duration::from_secs(30))).unwrap();
    w.append(&[b"not a statement".to_vec()], LATER, &op.note_signer())
        .unwrap();
    drop(w);
    let r = pull(&server.url(), &m, None, Default::default(), &mut |_, _| {}).unwrap();
    assert_eq!((r.old_size, r.size, r.entries_added), (63, 64, 1));
    // The report lists it, as `reindex --skip-refused` does.
    assert_eq!(r.void.len(), 1, "{:?}", r.void);
    assert_eq!((r.void[0].seq, r.void[0].kind), (63, None));
    assert_eq!(r.void[0].rule, "entry.undecodable");
    // The mirror holds the remote's log, byte for byte, and its index
    // records the refused entry as void, as `reindex --skip-refused` does.
    assert_eq!(public_files(&m), public_files(&env.ledger()));
    let state = provledger::state::State::open(&m.join("index.sqlite")).unwrap();
    let void = state.void_entries().unwrap();
    assert_eq!(void.len(), 1, "{void:?}");
    assert_eq!(void[0].seq, 63);
    assert_eq!(void[0].rule, "entry.undecodable");
    drop(state);
    // Reads open it (the index is in step with the log).
    provledger::ledger::Ledger::open(&m).unwrap();
    // Audit on the mirror reports what audit on the remote's own files does.
    let local = provledger::audit::audit(&env.ledger(), Some(operator()), None, |_, _| {}).unwrap();
    let mirrored = provledger::audit::audit(&m, Some(operator()), None, |_, _| {}).unwrap();
    assert!(!mirrored.ok);
    assert_eq!(mirrored.size, 64);
    assert_eq!(mirrored.problems.len(), 1, "{:?}", mirrored.problems);
    assert_eq!(mirrored.problems[0].entry, Some(63));
    assert_eq!(
        format!("{:?}", mirrored.problems),
        format!("{:?}", local.problems)
    );
}

/// `provledger mirror` lists the entries a pull recorded void, in its text
/// report and in `--json` (schemas/mirror.schema.json); a later pull that
/// adds none lists none.
#[test]
fn the_mirror_report_lists_the_entries_recorded_void() {
    let (env, server) = served();
    let op = operator_secret(&env);
    let mut w =
        provledger::log::Log::open_writer(env.ledger(), Some(Duration::from_secs(30))).unwrap();
    w.append(
        &[b"not a statement".to_vec(), b"nor this".to_vec()],
        LATER,
        &op.note_signer(),
    )
    .unwrap();
    drop(w);
    let key = demo_key("operator.pub");
    let key = key.to_str().unwrap();
    let url = server.url();
    let j = env.path("j");
    let report = run(
        &env,
        &[
            "mirror",
            &url,
            j.to_str().unwrap(),
            "--operator",
            key,
            "--json",
        ],
    )
    .ok()
    .json();
    common::assert_schema("mirror.schema.json", &report);
    assert_eq!(report["size"], 65);
    let void = report["void"].as_array().unwrap();
    assert_eq!(void.len(), 2, "{report:#}");
    for (v, seq) in void.iter().zip([63, 64]) {
        assert_eq!(v["seq"], seq, "{v}");
        assert_eq!(v["rule"], "entry.undecodable", "{v}");
        assert_eq!((&v["id"], &v["kind"]), (&Value::Null, &Value::Null), "{v}");
        assert!(!v["reason"].as_str().unwrap().is_empty(), "{v}");
    }
    let again = run(&env, &["mirror", &url, j.to_str().unwrap(), "--json"])
        .ok()
        .json();
    common::assert_schema("mirror.schema.json", &again);
    assert_eq!(again["void"], serde_json::json!([]));

    let t = env.path("t");
    let out = run(
        &env,
        &["mirror", &url, t.to_str().unwrap(), "--operator", key],
    )
    .ok();
    let reason = void[0]["reason"].as_str().unwrap();
    out.stdout_has(&format!(
        "void: entry 63 (undecodable) is refused by rule entry.undecodable and was applied as nothing: {reason}"
    ))
    .stdout_has("void: entry 64 (undecodable) is refused by rule entry.undecodable")
    .stdout_has("2 entries of the remote's log are refused by the rules (`provledger audit` on the mirror reports them)");
}
