//! Publishing to a directory: what serve serves, nothing else, checkpoint
//! last, incremental, read back by `mirror` and `audit --remote` through a
//! static host of it; and each refusal, with nothing written.

use super::support::{append_grants, dest_files, publish, s, static_host, tile_paths};
use crate::common::{self, Env};
use crate::remote::mirror::{demo_key, operator_key, run as remote_run, served};
use provledger::publish::{self, Dest, DirDest, ObjectKind, Options, PublishError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// Files a ledger directory may hold that are never published, whatever
/// they are named: the private keys, the index, the journal, `hashes`, a
/// tile-shaped file past the checkpoint, stray files among tiles and blobs,
/// and a well-formed blob no statement references.
fn plant_private_files(env: &Env) {
    operator_key(env);
    for (rel, bytes) in [
        ("private/notes.txt", &b"not for publishing"[..]),
        ("private/tile/0/000", b"a tile-shaped private file"),
        ("pending", b"provledger-pending 1"),
        ("index.sqlite", b"not really an index"),
        ("tile/entries/notes.txt", b"stray"),
        ("tile/0/999", b"a tile past the checkpoint"),
        ("tile/entries/x001/000", b"a bundle past the checkpoint"),
        ("blobs/zz/stray", b"stray"),
        ("checkpoint.bak", b"an old checkpoint"),
    ] {
        let p = env.lpath(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    provledger::log::Log::open(env.ledger())
        .unwrap()
        .put_blob(b"a blob no statement references")
        .unwrap();
}

#[test]
fn a_published_directory_is_what_serve_serves_and_nothing_else() {
    let (env, _) = served();
    plant_private_files(&env);
    let dest = env.path("pub");
    let out = publish(&env, &[s(&dest), "--json"]).ok();
    let report = out.json();
    common::assert_schema("publish.schema.json", &report);
    assert_eq!(report["size"], 63);
    assert_eq!(report["dest_size"], serde_json::Value::Null);
    assert_eq!(report["blobs_uploaded"], 2);
    assert_eq!(report["checkpoint_uploaded"], true);
    let uploaded = report["uploaded"].as_array().unwrap();
    assert_eq!(uploaded.last().unwrap()["path"], "checkpoint");
    assert_eq!(uploaded.len(), 1 + 2 + tile_paths(63).len());

    // Exactly the checkpoint, the tiles of 63 entries and the two blobs.
    let files = dest_files(&dest);
    let log = provledger::log::Log::open(env.ledger()).unwrap();
    let mut want: BTreeSet<String> = tile_paths(63).into_iter().collect();
    want.insert("checkpoint".into());
    let texts: Vec<String> = files
        .keys()
        .filter(|k| k.starts_with("blobs/"))
        .cloned()
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    want.extend(texts);
    assert_eq!(files.keys().cloned().collect::<BTreeSet<_>>(), want);
    assert_eq!(files["checkpoint"], log.checkpoint_bytes());
    for (rel, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("not for publishing")
                && !rel.contains("private")
                && !rel.contains("index")
                && !rel.contains("999"),
            "{rel} should not be published"
        );
    }

    // Each file is byte for byte what `provledger serve` answers there.
    let server = crate::serve::support::start(&env.ledger());
    for (rel, bytes) in &files {
        let r = crate::serve::support::get(&server, &format!("/{rel}"));
        assert_eq!(r.status(), 200, "{rel}");
        assert_eq!(r.bytes().unwrap().as_ref(), &bytes[..], "{rel}");
    }
}

#[test]
fn mirror_and_audit_remote_read_a_static_host_of_the_published_directory() {
    let (env, _) = served();
    let dest = env.path("pub");
    publish(&env, &[s(&dest)])
        .ok()
        .stdout_has("published the checkpoint of 63 entries");
    let host = static_host(&dest);
    let op = demo_key("operator.pub");
    let m = env.path("m");
    let report = remote_run(
        &env,
        &["mirror", &host.url(), s(&m), "--operator", s(&op), "--json"],
    )
    .ok()
    .json();
    assert_eq!(report["size"], 63);
    assert_eq!(report["blobs_fetched"], 2);
    remote_run(
        &env,
        &["--remote", &host.url(), "audit", "--operator", s(&op)],
    )
    .ok()
    .stdout_has("audit ok");
    // Nothing but the served grammar was ever asked for.
    for p in host.requests() {
        assert!(
            p == "/checkpoint" || p.starts_with("/tile/") || p.starts_with("/blobs/"),
            "{p}"
        );
    }
}

#[test]
fn a_second_publish_uploads_only_the_new_tiles_and_the_checkpoint() {
    let env = Env::new();
    common::library_ledger(&env, 300);
    let dest = env.path("pub");
    let first = publish(&env, &[s(&dest), "--json"]).ok().json();
    assert_eq!(first["size"], 301);
    assert_eq!(first["tiles_uploaded"], tile_paths(301).len());
    let host = static_host(&dest);
    let m = env.path("m");
    let op = env.operator_pub();
    remote_run(&env, &["mirror", &host.url(), s(&m), "--operator", s(&op)]).ok();

    append_grants(&env, 0, 20);
    let second = publish(&env, &[s(&dest), "--json"]).ok().json();
    common::assert_schema("publish.schema.json", &second);
    assert_eq!(second["dest_size"], 301);
    assert_eq!(second["size"], 321);
    let paths: Vec<&str> = second["uploaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    let mut tiles = paths[..paths.len() - 1].to_vec();
    tiles.sort();
    // The widened level-0 tile and bundle, the level-1 partial of this
    // size (rewritten), then the checkpoint; the full tiles are untouched.
    assert_eq!(
        tiles,
        ["tile/0/001.p/65", "tile/1/000.p/1", "tile/entries/001.p/65"]
    );
    assert_eq!(paths.last(), Some(&"checkpoint"));
    assert_eq!(second["blobs_uploaded"], 0);
    // The partial tiles of the old size stay (a client holding the old
    // checkpoint may still ask for them).
    let files = dest_files(&dest);
    assert!(files.contains_key("tile/0/001.p/45"));
    assert!(files.contains_key("tile/entries/001.p/45"));
    // The mirror follows, incrementally.
    let r = remote_run(&env, &["mirror", &host.url(), s(&m), "--json"])
        .ok()
        .json();
    assert_eq!(
        (r["old_size"].as_u64(), r["size"].as_u64()),
        (Some(301), Some(321))
    );

    // Again, nothing new: the partial tiles and the checkpoint only; with
    // --full every full tile is looked at and skipped.
    let third = publish(&env, &[s(&dest), "--full", "--json"]).ok().json();
    assert_eq!(third["tiles_uploaded"], 3);
    assert_eq!(third["tiles_skipped"], 2);
    assert_eq!(
        third["skipped"],
        serde_json::json!(["tile/0/000", "tile/entries/000"])
    );
    assert_eq!(dest_files(&dest), files);
}

/// A DEST directory that records the order of its writes, and can be told
/// to fail the first write of one kind.
struct Recording {
    inner: DirDest,
    fail: Option<ObjectKind>,
    puts: Mutex<Vec<(String, ObjectKind)>>,
}

impl Dest for Recording {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn read_checkpoint(&self) -> Result<Option<Vec<u8>>, PublishError> {
        self.inner.read_checkpoint()
    }
    fn sizes(&self, paths: &[String]) -> Result<BTreeMap<String, u64>, PublishError> {
        self.inner.sizes(paths)
    }
    fn put(&self, path: &str, kind: ObjectKind, bytes: Vec<u8>) -> Result<(), PublishError> {
        if self.fail == Some(kind) {
            return Err(PublishError::BadDest {
                dest: path.to_string(),
                why: "injected failure".into(),
            });
        }
        self.inner.put(path, kind, bytes)?;
        self.puts.lock().unwrap().push((path.to_string(), kind));
        Ok(())
    }
}

#[test]
fn the_checkpoint_is_written_last_and_not_at_all_when_an_upload_fails() {
    let (env, _) = served();
    let dest = env.path("pub");
    let rec = |fail| Recording {
        inner: DirDest::new(&dest, &env.ledger()).unwrap(),
        fail,
        puts: Mutex::new(Vec::new()),
    };
    let quiet = |_: u64, _: u64| {};
    let d = rec(None);
    publish::publish(&env.ledger(), &d, &Options::default(), &quiet).unwrap();
    let puts = d.puts.into_inner().unwrap();
    assert_eq!(puts.len(), 1 + 2 + tile_paths(63).len());
    assert_eq!(puts.last().unwrap().1, ObjectKind::Checkpoint);
    assert!(puts[..puts.len() - 1]
        .iter()
        .all(|(_, k)| *k != ObjectKind::Checkpoint));
    let old = std::fs::read(dest.join("checkpoint")).unwrap();

    // The ledger grows; the next publish fails on a blob: DEST keeps its
    // old checkpoint, which all its tiles still serve.
    let editor = env.path("editor.key");
    std::fs::copy(demo_key("demo-editor.key"), &editor).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    operator_key(&env);
    let text = env.path("article.txt");
    std::fs::write(&text, "A late article. It says things.\n").unwrap();
    env.ok(&[
        "article",
        "add",
        s(&text),
        "--url",
        "https://news.example/late",
        "--publisher",
        "Example News",
        "--title",
        "Late",
        "--key",
        s(&editor),
    ]);
    let d = rec(Some(ObjectKind::Blob));
    let e = publish::publish(&env.ledger(), &d, &Options::default(), &quiet).unwrap_err();
    assert!(e.to_string().contains("injected failure"), "{e}");
    assert!(d
        .puts
        .lock()
        .unwrap()
        .iter()
        .all(|(_, k)| *k != ObjectKind::Checkpoint));
    assert_eq!(std::fs::read(dest.join("checkpoint")).unwrap(), old);

    // The same through the command line: a directory where a tile must go.
    let size = provledger::log::Log::open(env.ledger()).unwrap().size();
    let blocked = dest.join(format!("tile/entries/000.p/{size}"));
    // (The failed run above may have written it already: partial tiles
    // are rewritten, so this one writes it again.)
    let _ = std::fs::remove_file(&blocked);
    std::fs::create_dir_all(&blocked).unwrap();
    publish(&env, &[s(&dest)]).fails_with(1, &format!("cannot write {}", blocked.display()));
    assert_eq!(std::fs::read(dest.join("checkpoint")).unwrap(), old);
    std::fs::remove_dir(&blocked).unwrap();
    let r = publish(&env, &[s(&dest), "--json"]).ok().json();
    assert_eq!(r["dest_size"], 63);
    assert_eq!(r["size"], size);
    // The new article's text: uploaded now, or by the run the blocked
    // tile stopped (uploads run in parallel), and skipped now.
    let blobs = r["blobs_uploaded"].as_u64().unwrap() + r["blobs_skipped"].as_u64().unwrap();
    assert_eq!(blobs, 1, "{r}");
    assert_eq!(
        dest_files(&dest)
            .keys()
            .filter(|k| k.starts_with("blobs/"))
            .count(),
        3
    );
}

#[test]
fn dry_run_uploads_nothing() {
    let (env, _) = served();
    let dest = env.path("pub");
    let r = publish(&env, &[s(&dest), "--dry-run", "--json"])
        .ok()
        .json();
    common::assert_schema("publish.schema.json", &r);
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["checkpoint_uploaded"], false);
    assert_eq!(r["blobs_uploaded"], 2);
    assert!(!dest.exists());
}

#[test]
fn a_bad_dest_is_refused_and_nothing_is_written() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let before = env.ledger_files();
    let cases: Vec<(Vec<String>, i32, String)> = vec![
        (
            vec!["ftp://host/x".into()],
            2,
            "cannot publish to ftp://host/x: unknown scheme \"ftp\": give a directory, file:///path or s3://bucket/prefix".into(),
        ),
        (
            vec![s(&env.lpath("pub")).into()],
            1,
            format!(
                "cannot publish to {}: it is inside the ledger directory (the ledger's files are not published in place); give a directory apart from the ledger {} (neither in it nor holding it)",
                env.lpath("pub").display(),
                env.ledger().display()
            ),
        ),
        (
            vec![format!("file://{}", env.ledger().display())],
            1,
            format!(
                "cannot publish to {0}: it is the ledger directory; give a directory apart from the ledger {0} (neither in it nor holding it)",
                env.ledger().display()
            ),
        ),
        (
            vec![".".into()],
            1,
            format!(
                "cannot publish to .: the ledger directory is inside it, and a host serving it would serve the ledger's private files; give a directory apart from the ledger {} (neither in it nor holding it)",
                env.ledger().display()
            ),
        ),
    ];
    for (args, code, msg) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        publish(&env, &args).error(code, &msg);
        assert_eq!(env.ledger_files(), before, "{args:?}");
    }
    assert!(!env.lpath("pub").exists());

    // Another ledger is no DEST.
    let other = Env::new();
    common::library_ledger(&other, 1);
    let theirs = other.ledger_files();
    publish(&env, &[s(&other.ledger())]).fails_with(
        1,
        "it holds hashes: it is a ledger directory, not a copy to publish into",
    );
    assert_eq!(other.ledger_files(), theirs);
}

#[test]
fn a_dest_with_another_history_is_refused_and_left_as_it_was() {
    // DEST holds 301 entries of this log: a ledger of 4 entries is behind.
    let big = Env::new();
    common::library_ledger(&big, 300);
    let dest = big.path("pub");
    publish(&big, &[s(&dest)]).ok();
    let published = dest_files(&dest);

    let small = Env::new();
    common::library_ledger(&small, 3);
    let small_root = provledger::log::Log::open(small.ledger()).unwrap();
    let root = |l: &provledger::log::Log| provledger::log::checkpoint::base64_root(&l.root());
    let big_log = provledger::log::Log::open(big.ledger()).unwrap();
    publish(&small, &[s(&dest)]).fails_with(
        1,
        &format!(
            "refusing to publish to {}: it holds a checkpoint of size 301 (root {}) and the local log has size 4 (root {}): DEST is ahead of the local log",
            dest.display(),
            root(&big_log),
            root(&small_root)
        ),
    );
    assert_eq!(dest_files(&dest), published);

    // A log of the same origin whose first 301 entries differ.
    let other = Env::new();
    let op = common::operator();
    let grants = (0..400)
        .map(|i| {
            common::grant(
                &op,
                &common::fixed_key(&format!("other{i}"), 500 + i),
                &[provledger::statement::Role::Checker],
            )
        })
        .collect();
    common::library_ledger_with(&other, grants);
    let other_log = provledger::log::Log::open(other.ledger()).unwrap();
    let out = publish(&other, &[s(&dest)]).error(
        1,
        &format!(
            "refusing to publish to {}: it holds a checkpoint of size 301 (root {}) and the local log has size 401 (root {}): the local tree of 301 entries has root {}, so DEST holds another log's history; nothing was written",
            dest.display(),
            root(&big_log),
            root(&other_log),
            provledger::log::checkpoint::base64_root(&other_log.root_at(301).unwrap())
        ),
    );
    drop(out);
    assert_eq!(dest_files(&dest), published);

    // A checkpoint that is not one.
    std::fs::write(dest.join("checkpoint"), b"hello\n").unwrap();
    let garbled = dest_files(&dest);
    publish(&big, &[s(&dest)]).fails_with(1, "its checkpoint is not a checkpoint");
    assert_eq!(dest_files(&dest), garbled);
}

#[test]
fn a_referenced_blob_the_ledger_lacks_is_reported_not_published() {
    let (env, _) = served();
    let blobs: Vec<_> = common::walk(&env.lpath("blobs"), |_| false)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(blobs.len(), 2);
    let gone = blobs[0].file_name().unwrap().to_str().unwrap().to_string();
    std::fs::remove_file(&blobs[0]).unwrap();
    let dest = env.path("pub");
    let out = publish(&env, &[s(&dest), "--json"]).ok();
    let r = out.json();
    common::assert_schema("publish.schema.json", &r);
    assert_eq!(r["blobs_missing"], serde_json::json!([gone]));
    assert_eq!(r["blobs_uploaded"], 1);
    assert!(out.stderr.contains(&format!(
        "warning: 1 blob(s) that published statements reference are not in the local ledger, so not published: {gone}"
    )));
    assert!(!dest.join("blobs").join(&gone).exists());
    assert!(dest.join("checkpoint").exists());
}

/// A DEST without a checkpoint (a publish interrupted before its last
/// step, perhaps of another ledger) proves nothing about the tiles in it:
/// a full tile there of the right size but other bytes is written over,
/// not skipped.
#[test]
fn full_tiles_in_a_dest_without_a_checkpoint_are_written_again() {
    let env = Env::new();
    // 301 entries: one full tile and bundle at level 0.
    common::library_ledger(&env, 300);
    let dest = env.path("pub");
    publish(&env, &[s(&dest)]).ok();
    std::fs::remove_file(dest.join("checkpoint")).unwrap();
    let tile = dest.join("tile/0/000");
    let ours = std::fs::read(&tile).unwrap();
    let foreign: Vec<u8> = ours.iter().map(|b| b ^ 0x5a).collect();
    std::fs::write(&tile, &foreign).unwrap();
    let r = publish(&env, &[s(&dest), "--json"]).ok().json();
    assert_eq!(r["dest_size"], serde_json::Value::Null, "{r}");
    assert_eq!(r["tiles_skipped"], 0, "{r}");
    assert_eq!(
        std::fs::read(&tile).unwrap(),
        ours,
        "the foreign tile was replaced"
    );
    // With the checkpoint back, the same tile is skipped again.
    let again = publish(&env, &[s(&dest), "--full", "--json"]).ok().json();
    assert_eq!(
        again["skipped"],
        serde_json::json!(["tile/0/000", "tile/entries/000"]),
        "{again}"
    );
}

/// A DEST reached through a link and then `..` is where the kernel takes
/// it (the link's target's parent), not where the text of the path
/// seems to go; and nothing under DEST is written through a link.
#[test]
fn links_in_and_under_dest_are_not_a_way_into_the_ledger() {
    let (env, _) = served();
    std::fs::create_dir_all(env.path("x")).unwrap();
    std::os::unix::fs::symlink(env.lpath("tile"), env.path("x/ln")).unwrap();
    let dest = env.path("x/ln/..");
    let before = env.ledger_files();
    publish(&env, &[s(&dest)]).error(
        1,
        &format!(
            "cannot publish to {}: it is the ledger directory; give a directory apart from the ledger {} (neither in it nor holding it)",
            dest.display(),
            env.ledger().display()
        ),
    );
    assert_eq!(env.ledger_files(), before);
    // A `..` after a directory that does not exist is not guessed at.
    let dest = env.path("not-yet/../pub");
    publish(&env, &[s(&dest)]).error(
        1,
        &format!(
            "cannot resolve {}: a `..` after a directory that does not exist yet",
            dest.display()
        ),
    );
    assert!(!env.path("not-yet").exists() && !env.path("pub").exists());

    // A `tile` link inside DEST, to somewhere else: refused, nothing
    // written there.
    let dest = env.path("pub");
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dest.join("tile")).unwrap();
    publish(&env, &[s(&dest)]).fails_with(
        1,
        &format!(
            "refusing to write through the link {}",
            dest.join("tile").display()
        ),
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!dest.join("checkpoint").exists());
}
