//! The web view under `/`: the pages of `provledger report` (src/report/),
//! rendered per request from the ledger at the current checkpoint.
//!
//! It is the router's fallback: a path that no tile, blob or API route
//! takes is asked of [`Site::page`], which knows only its own route shapes
//! (`index.html`, `claims/<id>.html`, ...) and answers `None` for anything
//! else, so every other path keeps the server's 404. Pages are sent with
//! the same Content-Security-Policy they carry as a `<meta>` tag, and
//! `Cache-Control: no-cache` (they change as the ledger grows).

use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{blocking, Failure, Shared};
use crate::report::Site;

/// The policy of every page (the one `templates/base.html` carries).
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'";

/// The fallback handler: a page of the web view, else `not_found`'s 404.
pub(super) async fn page(State(state): State<Shared>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return super::not_found(uri).await.into_response();
    }
    let route = match uri.query() {
        Some(q) => format!("{}?{q}", uri.path()),
        None => uri.path().to_string(),
    };
    let answer = blocking(move || {
        let ledger = state.ledger()?;
        let page = Site::new(&ledger)
            .page(&route)
            .map_err(|e| Failure::internal(crate::error::chain(&e)));
        state.give_back(ledger);
        page
    })
    .await;
    match answer {
        Ok(Some(page)) => {
            let mut r = (StatusCode::OK, page.body).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(page.content_type),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            r
        }
        Ok(None) => super::not_found(uri).await.into_response(),
        Err(f) => f.into_response(),
    }
}
