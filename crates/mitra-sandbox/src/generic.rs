//! The generic emulator: any operation of a vendor's spec answered with the
//! spec's own success example (status and body), so that a new operation,
//! or a new vendor, is served before anyone writes a hand emulator for it.
//! It checks no credentials and keeps no state; hand emulators win wherever
//! they know the path and method.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Vendor;

/// One operation's success answer (generated from the spec).
pub(crate) struct Answer {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template (`/akun/{kode}`).
    pub path: &'static str,
    /// The status of the spec's lowest 2xx response.
    pub status: u16,
    /// Its example as JSON text; empty for a response without content.
    pub body: &'static str,
}

/// Whether `path` fills `template`: the same segments, each `{name}` any
/// non-empty segment.
fn fills(template: &str, path: &str) -> bool {
    let mut template = template.trim_matches('/').split('/');
    let mut path = path.trim_matches('/').split('/');
    loop {
        match (template.next(), path.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') => {
                if p.is_empty() {
                    return false;
                }
            }
            (Some(t), Some(p)) if t == p => {}
            _ => return false,
        }
    }
}

/// The answer of the operation `method` `path` (under the vendor's prefix
/// or without it) names, or 404 with an empty body as before.
fn answer(vendor: Vendor, method: &str, path: &str) -> Response {
    let path = path.strip_prefix(vendor.prefix()).unwrap_or(path);
    let found = vendor
        .answers()
        .iter()
        .find(|a| a.method.eq_ignore_ascii_case(method) && fills(a.path, path));
    match found {
        Some(a) => {
            let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
            if a.body.is_empty() {
                status.into_response()
            } else {
                (status, [(header::CONTENT_TYPE, "application/json")], a.body).into_response()
            }
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A vendor's router with the generic emulator behind it.
pub(crate) trait Vendored {
    /// Requests the router does not route (no such path, or no such method
    /// on a path it knows) answered from `vendor`'s spec examples.
    fn vendored(self, vendor: Vendor) -> Self;
}

impl Vendored for axum::Router {
    fn vendored(self, vendor: Vendor) -> Self {
        let fallback = move |request: Request| async move {
            answer(vendor, request.method().as_str(), request.uri().path())
        };
        self.fallback(fallback)
            .method_not_allowed_fallback(move |request: Request| async move {
                let response = answer(vendor, request.method().as_str(), request.uri().path());
                if response.status() == StatusCode::NOT_FOUND {
                    StatusCode::METHOD_NOT_ALLOWED.into_response()
                } else {
                    response
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::fills;

    #[test]
    fn templates_match_whole_segments() {
        assert!(fills("/akun/{kode}", "/akun/10000"));
        assert!(fills("/akun", "/akun/"));
        assert!(!fills("/akun/{kode}", "/akun"));
        assert!(!fills("/akun/{kode}", "/akun/1/2"));
        assert!(!fills("/akun", "/jurnal"));
    }
}
