//! A loopback HTTP/1.1 server for the capture tests: a thread on
//! 127.0.0.1:0 that answers each connection from a table of routes the test
//! sets (and may change between requests), with full control of the raw
//! bytes and their timing, and a log of the requests it saw. Stopped when
//! dropped; every connection is closed after one response.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a path is answered.
#[derive(Clone)]
pub enum Route {
    /// A response: status, headers (Content-Length and Connection are
    /// added) and body. With `etag`, a request whose If-None-Match equals it
    /// gets a 304.
    Page {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        etag: Option<String>,
    },
    /// A redirect.
    Redirect { status: u16, location: String },
    /// Nothing at all for `wait`, then a page.
    Stall { wait: Duration, body: Vec<u8> },
    /// Headers at once, then the body one byte every `every`.
    Trickle { body: Vec<u8>, every: Duration },
    /// A 503 with `Retry-After: secs` the first `times` requests, then
    /// `then`.
    RetryAfter {
        secs: String,
        times: usize,
        then: Box<Route>,
    },
}

impl Route {
    /// A 200 HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Route {
        Route::Page {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.into(),
            etag: None,
        }
    }

    /// A page with a status and headers.
    pub fn with(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Route {
        Route::Page {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
            etag: None,
        }
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The request target.
    pub path: String,
    /// Headers, names lower-cased.
    pub headers: HashMap<String, String>,
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;

/// The running server.
pub struct Server {
    port: u16,
    routes: Routes,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server with no routes (every path answers 404).
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (r, s, st, c) = (routes.clone(), seen.clone(), stop.clone(), counts.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (r, s, c) = (r.clone(), s.clone(), c.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &r, &s, &c);
                });
            }
        });
        Server {
            port,
            routes,
            seen,
            stop,
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sets how `path` is answered.
    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests seen for `path`.
    pub fn seen_for(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so the thread ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn serve(
    mut conn: TcpStream,
    routes: &Routes,
    seen: &Mutex<Vec<Seen>>,
    counts: &Mutex<HashMap<String, usize>>,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let headers: HashMap<String, String> = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        headers: headers.clone(),
    });
    let n = {
        let mut c = counts.lock().unwrap();
        let e = c.entry(path.clone()).or_insert(0);
        *e += 1;
        *e
    };
    let route = routes.lock().unwrap().get(&path).cloned();
    let route = match route {
        Some(Route::RetryAfter { secs, times, then }) => {
            if n <= times {
                Route::with(503, &[("Retry-After", &secs)], "busy")
            } else {
                *then
            }
        }
        Some(r) => r,
        None => Route::with(404, &[("Content-Type", "text/html")], "<h1>Not Found</h1>"),
    };
    match route {
        Route::Page {
            status,
            headers: extra,
            body,
            etag,
        } => {
            if etag.is_some() && headers.get("if-none-match") == etag.as_ref() {
                let tag = etag.unwrap_or_default();
                let r = format!(
                    "HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n"
                );
                return conn.write_all(r.as_bytes());
            }
            let mut r = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (k, v) in &extra {
                r.push_str(&format!("{k}: {v}\r\n"));
            }
            if let Some(e) = &etag {
                r.push_str(&format!("ETag: {e}\r\n"));
            }
            r.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            conn.write_all(r.as_bytes())?;
            conn.write_all(&body)
        }
        Route::Redirect { status, location } => {
            let r = format!(
                "HTTP/1.1 {status} {}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                reason(status)
            );
            conn.write_all(r.as_bytes())
        }
        Route::Trickle { body, every } => {
            let r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            conn.write_all(r.as_bytes())?;
            for b in body {
                std::thread::sleep(every);
                conn.write_all(&[b])?;
            }
            Ok(())
        }
        Route::Stall { wait, body } => {
            std::thread::sleep(wait);
            let r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            conn.write_all(r.as_bytes())?;
            conn.write_all(&body)
        }
        Route::RetryAfter { .. } => unreachable!("resolved above"),
    }
}
