//! Publishing to an S3-compatible server (s3s-fs, in-process on a loopback
//! port): the objects read back are the directory publish's files, with
//! serve's Content-Type and Cache-Control; incremental; and the refusals.

use super::support::{closed_port, dest_files, publish, s, tile_paths, S3Server, BUCKET};
use crate::common::{self, Env};
use crate::remote::mirror::served;
use std::time::{Duration, Instant};

#[test]
fn a_bucket_holds_what_a_directory_publish_holds_with_serves_metadata() {
    let (env, _) = served();
    let s3 = S3Server::start();
    let dest = format!("s3://{BUCKET}/news/ledger");
    let r = s3.publish(&env, &[&dest, "--json"]).ok().json();
    common::assert_schema("publish.schema.json", &r);
    assert_eq!(r["dest"], dest);
    assert_eq!(r["size"], 63);
    assert_eq!(r["blobs_uploaded"], 2);
    assert_eq!(
        r["uploaded"].as_array().unwrap().last().unwrap()["path"],
        "checkpoint"
    );

    let dir = env.path("pub");
    publish(&env, &[s(&dir)]).ok();
    let files = dest_files(&dir);
    let objects = s3.objects("news/ledger");
    assert_eq!(
        objects.keys().collect::<Vec<_>>(),
        files.keys().collect::<Vec<_>>()
    );
    // What serve answers for each, headers included.
    let server = crate::serve::support::start(&env.ledger());
    for (rel, (bytes, content_type, cache)) in &objects {
        assert_eq!(bytes, &files[rel], "{rel}");
        let served = crate::serve::support::get(&server, &format!("/{rel}"));
        assert_eq!(
            content_type,
            &crate::serve::support::header(&served, "content-type"),
            "{rel}"
        );
        assert_eq!(
            cache,
            &crate::serve::support::header(&served, "cache-control"),
            "{rel}"
        );
    }
    assert_eq!(objects["checkpoint"].2, "no-cache");
    assert_eq!(
        objects[&tile_paths(63)[0]].2,
        "public, max-age=31536000, immutable"
    );
}

#[test]
fn a_second_publish_to_a_bucket_skips_what_it_holds() {
    let env = Env::new();
    common::library_ledger(&env, 300);
    let s3 = S3Server::start();
    let dest = format!("s3://{BUCKET}/l");
    let first = s3.publish(&env, &[&dest, "--json"]).ok().json();
    assert_eq!(first["tiles_uploaded"], tile_paths(301).len());
    super::support::append_grants(&env, 0, 300);
    let second = s3.publish(&env, &[&dest, "--json"]).ok().json();
    assert_eq!(second["dest_size"], 301);
    assert_eq!(second["size"], 601);
    let mut paths: Vec<&str> = second["uploaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.pop(), Some("checkpoint"));
    paths.sort();
    assert_eq!(
        paths,
        [
            "tile/0/001",
            "tile/0/002.p/89",
            "tile/1/000.p/2",
            "tile/entries/001",
            "tile/entries/002.p/89"
        ]
    );
    // --full lists the bucket (more than a few objects to check) and
    // skips every full tile it holds.
    let third = s3.publish(&env, &[&dest, "--full", "--json"]).ok().json();
    assert_eq!(third["tiles_skipped"], 4);
    assert_eq!(third["tiles_uploaded"], 3);
    let objects = s3.objects("l");
    let dir = env.path("pub");
    publish(&env, &[s(&dir)]).ok();
    let files = dest_files(&dir);
    for (rel, bytes) in &files {
        assert_eq!(&objects[rel].0, bytes, "{rel}");
    }
    // The old partial tiles stay.
    assert!(objects.contains_key("tile/0/001.p/45"));
}

#[test]
fn an_unreachable_endpoint_fails_fast_naming_it() {
    let env = Env::new();
    common::library_ledger(&env, 3);
    let before = env.ledger_files();
    let port = closed_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = env
        .cmd(&[
            "publish",
            "s3://pub/x",
            "--endpoint",
            &endpoint,
            "--timeout",
            "5",
        ])
        .env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_REGION", "us-east-1")
        .run()
        .fails_with(
            1,
            &format!("GET s3://pub/x/checkpoint (endpoint {endpoint}) failed: "),
        );
    assert!(started.elapsed() < Duration::from_secs(30), "{out}");
    assert_eq!(env.ledger_files(), before);
}

#[test]
fn a_bucket_with_another_history_is_refused_and_left_as_it_was() {
    let a = Env::new();
    common::library_ledger(&a, 3);
    let s3 = S3Server::start();
    let dest = format!("s3://{BUCKET}/shared");
    s3.publish(&a, &[&dest]).ok();
    let held = s3.objects("shared");

    let b = Env::new();
    let op = common::operator();
    common::library_ledger_with(
        &b,
        vec![common::grant(
            &op,
            &common::fixed_key("someone-else", 77),
            &[provledger::statement::Role::Editor],
        )],
    );
    s3.publish(&b, &[&dest]).fails_with(
        1,
        &format!("refusing to publish to {dest}: it holds a checkpoint of size 4"),
    );
    assert_eq!(s3.objects("shared"), held);
}
