//! A loopback static server of a ledger directory (the c2sp tlog-tiles
//! paths, `/blobs/<hex>` as `provledger serve` answers it), with a hook
//! that lets a test change any answer: tamper with a tile, serve another
//! checkpoint, stream without end, trickle. One thread per connection,
//! each closed after one response; stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a request is answered.
pub enum Reply {
    /// Status, extra headers, body.
    Page(u16, Vec<(String, String)>, Vec<u8>),
    /// 200 and bytes without end (no Content-Length), until the client
    /// hangs up.
    Endless,
    /// 200, a Content-Length of `len`, then one byte every `every`.
    Trickle { len: usize, every: Duration },
}

/// What the hook sees: the path asked for and the file it maps to, if any.
pub type Hook = dyn Fn(&str, Option<Vec<u8>>) -> Reply + Send + Sync;

pub struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    dir: Arc<Mutex<PathBuf>>,
    hook: Arc<Mutex<Arc<Hook>>>,
    pub seen: Arc<Mutex<Vec<String>>>,
}

/// The answer of an honest server.
pub fn honest(_: &str, file: Option<Vec<u8>>) -> Reply {
    match file {
        Some(b) => Reply::Page(200, vec![], b),
        None => Reply::Page(404, vec![], b"not found".to_vec()),
    }
}

/// A 200 with `body` and no extra header.
pub fn page(body: Vec<u8>) -> Reply {
    Reply::Page(200, vec![], body)
}

impl Server {
    /// Answers `path`, where the ledger holds a file, with `reply` of the
    /// file's bytes (a tampered tile, a file sent with another encoding);
    /// every other request as [`honest`].
    pub fn replace(
        &self,
        path: &'static str,
        reply: impl Fn(Vec<u8>) -> Reply + Send + Sync + 'static,
    ) {
        self.set_hook(move |p, file| match file {
            Some(b) if p == path => reply(b),
            file => honest(p, file),
        });
    }

    /// Answers `path` with `reply()` whatever the ledger holds there (another
    /// checkpoint, an endless body); every other request as [`honest`].
    pub fn answer(&self, path: &'static str, reply: impl Fn() -> Reply + Send + Sync + 'static) {
        self.set_hook(move |p, file| if p == path { reply() } else { honest(p, file) });
    }

    /// Serves `dir` on 127.0.0.1 (a free port).
    pub fn start(dir: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let dir = Arc::new(Mutex::new(dir.to_path_buf()));
        let hook: Arc<Mutex<Arc<Hook>>> = Arc::new(Mutex::new(Arc::new(honest)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, d, h, v) = (stop.clone(), dir.clone(), hook.clone(), seen.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (d, h, v, s) = (d.clone(), h.clone(), v.clone(), s.clone());
                        std::thread::spawn(move || answer(conn, &d, &h, &v, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            stop,
            dir,
            hook,
            seen,
        }
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Answers with `hook` from now on.
    pub fn set_hook(&self, hook: impl Fn(&str, Option<Vec<u8>>) -> Reply + Send + Sync + 'static) {
        *self.hook.lock().unwrap() = Arc::new(hook);
    }

    /// Serves another directory from now on.
    pub fn set_dir(&self, dir: &Path) {
        *self.dir.lock().unwrap() = dir.to_path_buf();
    }

    /// The paths asked for so far.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn file_for(dir: &Path, path: &str) -> Option<Vec<u8>> {
    let rel = path.trim_start_matches('/');
    if rel.contains("..") || rel.starts_with("private") {
        return None;
    }
    let file = if let Some(hex) = rel.strip_prefix("blobs/").filter(|h| h.len() == 64) {
        dir.join("blobs").join(&hex[..2]).join(hex)
    } else {
        dir.join(rel)
    };
    std::fs::read(file).ok().filter(|_| !rel.is_empty())
}

fn answer(
    mut conn: TcpStream,
    dir: &Mutex<PathBuf>,
    hook: &Mutex<Arc<Hook>>,
    seen: &Mutex<Vec<String>>,
    stop: &AtomicBool,
) {
    conn.set_nonblocking(false).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 << 10 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    seen.lock().unwrap().push(path.clone());
    let file = file_for(&dir.lock().unwrap(), &path);
    let hook = hook.lock().unwrap().clone();
    match hook(&path, file) {
        Reply::Page(status, headers, body) => write_page(&mut conn, status, &headers, &body),
        Reply::Endless => {
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'x'; 64 << 10];
            // Bounded all the same: at most 1 GiB, and never past the test.
            for _ in 0..(1 << 14) {
                if stop.load(Ordering::SeqCst) || conn.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
        Reply::Trickle { len, every } => {
            let _ = conn.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
            for _ in 0..len {
                if stop.load(Ordering::SeqCst) || conn.write_all(b"x").is_err() {
                    break;
                }
                std::thread::sleep(every);
            }
        }
    }
}

/// Writes one whole answer (status, `headers`, `body`, then close) to
/// `conn`, ignoring a client that went away.
pub fn write_page(conn: &mut impl Write, status: u16, headers: &[(String, String)], body: &[u8]) {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(body);
}
