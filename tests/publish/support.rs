//! What the publish tests share: ledgers to publish and append to, the
//! files a DEST directory holds, a static loopback host of it, and an
//! S3-compatible server (s3s-fs) on a loopback port.
#![allow(dead_code)]

use crate::common::{self, Env};
use crate::remote::server::{Reply, Server};
use provledger::ledger::Ledger;
use provledger::statement::Role;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The access key and secret of the test S3 server (SigV4 is checked).
pub const ACCESS_KEY: &str = "provledger-test";
pub const SECRET_KEY: &str = "provledger-test-secret-key";
/// The bucket the S3 server holds.
pub const BUCKET: &str = "ledgers";

/// Appends `n` editor grants (keys `more{from}`..) to the ledger of `env`
/// through the library's writer.
pub fn append_grants(env: &Env, from: u64, n: u64) {
    let op = common::operator();
    let mut l = Ledger::open_writer(&env.ledger()).expect("open the writer");
    let statements = (from..from + n)
        .map(|i| {
            common::grant(
                &op,
                &common::fixed_key(&format!("more{i}"), 10_000 + i),
                &[Role::Editor],
            )
        })
        .collect();
    l.append(statements, &op, common::T0).expect("append");
}

/// Every file under a DEST directory (path → bytes).
pub fn dest_files(dest: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dest.exists() {
        return BTreeMap::new();
    }
    common::files_under(dest, |_| false)
}

/// `provledger publish ARGS` in `env`.
pub fn publish(env: &Env, args: &[&str]) -> common::Out {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    env.run(&all)
}

/// A static host of the directory `dest`: every path answered with the
/// file at that path under it, as any web server over a directory would
/// (no rewriting: `/blobs/<hex>` is the file `blobs/<hex>`).
pub fn static_host(dest: &Path) -> Server {
    let server = Server::start(dest);
    let root = dest.to_path_buf();
    server.set_hook(move |path: &str, _| {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() || rel.split('/').any(|p| p == ".." || p.is_empty()) {
            return Reply::Page(404, vec![], b"not found".to_vec());
        }
        match std::fs::read(root.join(rel)) {
            Ok(b) => Reply::Page(200, vec![], b),
            Err(_) => Reply::Page(404, vec![], b"not found".to_vec()),
        }
    });
    server
}

/// An S3-compatible server (s3s-fs over a temp directory, SigV4 with
/// [`ACCESS_KEY`]/[`SECRET_KEY`]) on 127.0.0.1, in-process on a runtime of
/// its own; stopped when dropped.
pub struct S3Server {
    pub port: u16,
    pub root: tempfile::TempDir,
    runtime: Option<tokio::runtime::Runtime>,
}

impl S3Server {
    /// Starts one holding the empty bucket [`BUCKET`].
    pub fn start() -> S3Server {
        use hyper_util::rt::{TokioExecutor, TokioIo};
        use hyper_util::server::conn::auto::Builder as ConnBuilder;
        use s3s::auth::SimpleAuth;
        use s3s::service::S3ServiceBuilder;

        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(BUCKET)).unwrap();
        let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
        let mut b = S3ServiceBuilder::new(fs);
        b.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY.to_string()));
        let service = b.build();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime.spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let conn = http
                    .serve_connection(TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        S3Server {
            port,
            root,
            runtime: Some(runtime),
        }
    }

    /// Its endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An object_store client of the bucket, to read back what was put.
    pub fn store(&self) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .with_retry(object_store::RetryConfig {
                max_retries: 0,
                ..Default::default()
            })
            .build()
            .unwrap()
    }

    /// Every object under `prefix` (key relative to it → bytes, and the
    /// Content-Type and Cache-Control it is served with).
    pub fn objects(&self, prefix: &str) -> BTreeMap<String, (Vec<u8>, String, String)> {
        use futures_util::TryStreamExt;
        use object_store::{Attribute, ObjectStore, ObjectStoreExt};
        let store = self.store();
        let rt = self.runtime.as_ref().unwrap();
        let p = object_store::path::Path::from(prefix);
        let metas: Vec<object_store::ObjectMeta> =
            rt.block_on(store.list(Some(&p)).try_collect()).unwrap();
        let mut out = BTreeMap::new();
        for m in metas {
            let got = rt.block_on(store.get(&m.location)).unwrap();
            let attr = |a: &Attribute| {
                got.attributes
                    .get(a)
                    .map(|v| v.as_ref().to_string())
                    .unwrap_or_default()
            };
            let (ct, cc) = (
                attr(&Attribute::ContentType),
                attr(&Attribute::CacheControl),
            );
            let bytes = rt.block_on(got.bytes()).unwrap().to_vec();
            let rel = m
                .location
                .as_ref()
                .strip_prefix(&format!("{prefix}/"))
                .unwrap()
                .to_string();
            out.insert(rel, (bytes, ct, cc));
        }
        out
    }

    /// `provledger publish ARGS` in `env`, with the S3 credentials and
    /// region in the environment and `--endpoint` this server.
    pub fn publish(&self, env: &Env, args: &[&str]) -> common::Out {
        let mut run = env
            .cmd(&["publish"])
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .arg("--endpoint")
            .arg(self.endpoint());
        for a in args {
            run = run.arg(a);
        }
        run.run()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

/// A loopback port nothing listens on (bound, then closed).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let p = l.local_addr().unwrap().port();
    drop(l);
    p
}

/// The paths of the tiles of a tree of `size` leaves, as DEST holds them.
pub fn tile_paths(size: u64) -> Vec<String> {
    provledger::publish::tiles_of(size)
        .iter()
        .map(|t| t.path())
        .collect()
}

/// `p` as text.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `env`'s path `rel`.
pub fn at(env: &Env, rel: &str) -> PathBuf {
    env.path(rel)
}
