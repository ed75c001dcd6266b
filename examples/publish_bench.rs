//! Times `provledger publish` of a ledger (BENCHMARKS.md, "Publishing"):
//! to a fresh directory, again (nothing new), and the same to an
//! S3-compatible server (s3s-fs, in-process on a loopback port, objects in
//! a temp directory) through the library's S3 destination.
//!
//! ```sh
//! cargo run --example publish_bench -- LEDGER_DIR
//! ```
//! (`benches/publish.sh` builds a 10,000-claim ledger and runs it.)

use provledger::publish::{self, DirDest, Options, S3Dest, S3Options};
use std::path::PathBuf;
use std::time::Instant;

const ACCESS_KEY: &str = "bench";
const SECRET_KEY: &str = "bench-secret-key";
const BUCKET: &str = "bench";

fn main() {
    let ledger: PathBuf = std::env::args()
        .nth(1)
        .expect("usage: publish_bench LEDGER_DIR")
        .into();
    let size = provledger::log::Log::open(&ledger).unwrap().size();
    let scratch = tempfile::tempdir().unwrap();
    let quiet = |_: u64, _: u64| {};
    let opts = Options::default();
    let run = |what: &str, dest: &dyn publish::Dest| {
        let t = Instant::now();
        let r = publish::publish(&ledger, dest, &opts, &quiet).unwrap();
        println!(
            "{what}: {size} entries, {:.3} s: {} tiles + {} blobs uploaded ({} bytes), {} tiles + {} blobs skipped",
            t.elapsed().as_secs_f64(),
            r.tiles_uploaded,
            r.blobs_uploaded,
            r.bytes_uploaded,
            r.tiles_skipped,
            r.blobs_skipped
        );
    };

    let dir = DirDest::new(&scratch.path().join("pub"), &ledger).unwrap();
    run("directory, first", &dir);
    run("directory, again", &dir);

    // s3s-fs on loopback.
    let root = scratch.path().join("s3");
    std::fs::create_dir_all(root.join(BUCKET)).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let fs = s3s_fs::FileSystem::new(&root).unwrap();
    let mut b = s3s::service::S3ServiceBuilder::new(fs);
    b.set_auth(s3s::auth::SimpleAuth::from_single(
        ACCESS_KEY,
        SECRET_KEY.to_string(),
    ));
    let service = b.build();
    runtime.spawn(async move {
        use hyper_util::rt::{TokioExecutor, TokioIo};
        let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
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
    std::env::set_var("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    std::env::set_var("AWS_REGION", "us-east-1");
    let s3 = S3Dest::new(
        BUCKET,
        "ledger",
        &S3Options {
            endpoint: Some(format!("http://127.0.0.1:{port}")),
            ..S3Options::default()
        },
    )
    .unwrap();
    run("s3s-fs, first", &s3);
    run("s3s-fs, again", &s3);
    runtime.shutdown_background();
}
