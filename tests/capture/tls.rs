//! HTTPS: the SHA-256 of the server's leaf certificate is recorded. A
//! loopback rustls server presents tests/fixtures/capture/leaf.der (for
//! 127.0.0.1, signed by the test CA ca.der; leaf.key.der is its private key,
//! made for this test only and valid for nothing else).

use super::fixture;
use provledger::capture::{Conditional, FetchOptions, Fetcher};
use provledger::digest::Digest;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

fn serve_once(listener: TcpListener, body: Vec<u8>) -> std::thread::JoinHandle<()> {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(fixture("leaf.der"))],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(fixture("leaf.key.der"))),
    )
    .unwrap();
    let config = Arc::new(config);
    std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tls.read(&mut chunk).unwrap();
            assert!(n > 0, "the client closed before its request");
            buf.extend_from_slice(&chunk[..n]);
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        tls.write_all(head.as_bytes()).unwrap();
        tls.write_all(&body).unwrap();
        tls.conn.send_close_notify();
        let _ = tls.flush();
    })
}

#[test]
fn https_records_the_leaf_certificate_digest() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = serve_once(listener, fixture("news.html"));
    let fetcher = Fetcher::new(FetchOptions {
        extra_roots: vec![fixture("ca.der")],
        // The test server is on loopback.
        allow_private: true,
        ..FetchOptions::default()
    })
    .unwrap();
    let url = format!("https://127.0.0.1:{port}/news.html");
    let ex = fetcher.get(&url, &Conditional::default()).unwrap();
    server.join().unwrap();
    assert_eq!(ex.status, 200);
    assert_eq!(ex.body, fixture("news.html"));
    assert_eq!(ex.tls_certificate, Some(Digest::of(&fixture("leaf.der"))));
    let page = provledger::capture::first_record(
        &provledger::capture::page(&ex, 1 << 20, None).unwrap(),
        None,
        None,
    );
    let c = page.capture.unwrap();
    assert_eq!(c.tls_certificate, Some(Digest::of(&fixture("leaf.der"))));
    assert_eq!(c.final_url, url);
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _server = serve_once(listener, fixture("news.html"));
    let fetcher = Fetcher::new(FetchOptions {
        allow_private: true,
        ..FetchOptions::default()
    })
    .unwrap();
    let url = format!("https://127.0.0.1:{port}/news.html");
    let e = fetcher.get(&url, &Conditional::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("fetching {url} failed: ")),
        "{msg}"
    );
    assert!(
        msg.contains("UnknownIssuer") || msg.contains("certificate"),
        "{msg}"
    );
}
