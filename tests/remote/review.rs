//! Review fixes of the mirror: a pull bounded before it fetches, an empty
//! remote, a refused Content-Encoding; each with its message, and nothing
//! written.

use super::mirror::{demo_key, operator_secret, public_files, pull_err, pull_ok, served};
use super::server::{honest, page, Reply};
use provledger::digest::Digest;
use provledger::log::Checkpoint;
use std::path::Path;

/// A checkpoint of `size` entries signed by the demo operator (its root
/// need not be true: the pull must refuse it before it looks).
fn signed(env: &crate::common::Env, size: u64) -> Vec<u8> {
    let op = operator_secret(env);
    let origin = String::from_utf8(std::fs::read(env.ledger().join("checkpoint")).unwrap())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    Checkpoint {
        origin,
        size,
        root: Digest::ZERO,
    }
    .sign(&op.note_signer())
    .unwrap()
}

#[test]
fn a_pull_further_than_one_append_is_refused_before_anything_is_fetched() {
    let (env, server) = served();
    let url = server.url();
    let m = env.path("m");
    // A first pull: the operator signs a huge size (u64::MAX would overflow
    // any allocation sized by it).
    for size in [(1u64 << 20) + 1, u64::MAX] {
        let note = signed(&env, size);
        server.answer("/checkpoint", move || page(note.clone()));
        let before = server.requests().len();
        let e = pull_err(&url, &m);
        assert_eq!(
            e.to_string(),
            format!("the remote {url} signs a log of {size} entries and the mirror holds 0: one pull adds at most 1048576 entries, so this one would add {size}; nothing was fetched or written. Copy the remote's ledger directory instead (a copy of its files) and check it with `provledger --ledger DIR audit --operator KEY.pub`")
        );
        assert_eq!(server.requests()[before..], ["/checkpoint".to_string()]);
        assert!(!m.exists(), "nothing written");
    }
    // A later pull: the gap counts from what the mirror holds.
    server.set_hook(honest);
    let r = pull_ok(&url, &m);
    let kept = public_files(&m);
    let size = r.size + (1 << 20) + 1;
    let note = signed(&env, size);
    server.answer("/checkpoint", move || page(note.clone()));
    let before = server.requests().len();
    let e = pull_err(&url, &m);
    assert_eq!(
        e.to_string(),
        format!("the remote {url} signs a log of {size} entries and the mirror holds {}: one pull adds at most 1048576 entries, so this one would add 1048577; nothing was fetched or written. Copy the remote's ledger directory instead (a copy of its files) and check it with `provledger --ledger DIR audit --operator KEY.pub`", r.size)
    );
    assert_eq!(server.requests()[before..], ["/checkpoint".to_string()]);
    assert_eq!(public_files(&m), kept);
}

#[test]
fn an_empty_remote_is_refused_and_nothing_is_written() {
    let (env, server) = served();
    let url = server.url();
    let note = signed(&env, 0);
    server.answer("/checkpoint", move || page(note.clone()));
    let m = env.path("m");
    let e = pull_err(&url, &m);
    assert_eq!(
        e.to_string(),
        format!("the remote {url} has an empty log (size 0); there is nothing to mirror")
    );
    assert!(!m.exists());
}

#[test]
fn a_content_encoding_other_than_gzip_or_identity_is_refused() {
    let (env, server) = served();
    let url = server.url();
    server.replace("/checkpoint", |b| {
        Reply::Page(200, vec![("Content-Encoding".into(), "br".into())], b)
    });
    let m = env.path("m");
    let e = pull_err(&url, &m);
    assert_eq!(
        e.to_string(),
        format!("fetching {url}checkpoint: it is sent with Content-Encoding \"br\", which is neither gzip nor identity")
    );
    assert!(!m.exists());
}

#[test]
fn a_first_pull_refuses_a_non_empty_directory_that_is_not_a_mirror() {
    let (env, server) = served();
    let url = server.url();
    let d = env.path("papers");
    std::fs::create_dir_all(d.join("drafts")).unwrap();
    std::fs::write(d.join("index.sqlite"), b"someone's database").unwrap();
    std::fs::write(d.join("notes.txt"), b"mine").unwrap();
    let listing = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let before = listing(&d);
    let requests = server.requests().len();
    let e = pull_err(&url, &d);
    assert_eq!(
        e.to_string(),
        format!("{} is not empty and is not a mirror (it has no remote/url; it holds drafts); refusing to write a ledger into it: give a new or empty directory", d.display())
    );
    assert_eq!(listing(&d), before, "nothing written or deleted");
    assert_eq!(
        std::fs::read(d.join("index.sqlite")).unwrap(),
        b"someone's database"
    );
    assert_eq!(server.requests().len(), requests, "nothing fetched");
    // The CLI says the same, exit 1.
    super::mirror::run(
        &env,
        &[
            "mirror",
            &url,
            d.to_str().unwrap(),
            "--operator",
            demo_key("operator.pub").to_str().unwrap(),
        ],
    )
    .error(1, &e.to_string());
    assert_eq!(listing(&d), before);

    // An empty directory is fine, and so is what an interrupted first pull
    // left: a retry completes it.
    let m = env.path("m");
    server.replace("/tile/0/000.p/63", |mut b| {
        b[40] ^= 1;
        page(b)
    });
    pull_err(&url, &m);
    assert!(m.exists() && !m.join("checkpoint").exists());
    server.set_hook(honest);
    pull_ok(&url, &m);
    assert_eq!(public_files(&m), public_files(&env.ledger()));
    let empty = env.path("empty");
    std::fs::create_dir(&empty).unwrap();
    pull_ok(&url, &empty);
}
