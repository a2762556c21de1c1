//! Interceptors: your code on every attempt of every call, set on a vendor
//! client's builder with `interceptor(...)`.
//!
//! An [`Interceptor`] is told of each attempt twice: just before it is sent
//! ([`before_send`](Interceptor::before_send), where it may add headers) and
//! when the answer's status and headers arrive
//! ([`after_response`](Interceptor::after_response), with the latency). A
//! call that is retried, or sent again with a fresh OAuth2 token after a
//! 401, runs it once per attempt. The token endpoint's own requests do not
//! run it.
//!
//! # What it sees of credentials
//!
//! Nothing. `before_send` runs *before* the credentials are set, and is
//! given an empty header map to fill, never the request itself: not its
//! headers (`Authorization`, a vendor's key headers), its URL (ELKASSA's
//! `key` and `token` travel in the query) or its body (where they travel
//! on a POST, beside personal data). It is told the vendor, the
//! operation's id, the method and the attempt number. `after_response` is
//! given the answer's status and headers, never its body, and nothing of the
//! request. The headers it adds are sent as given; the credentials and the
//! vendor's fixed headers are set after them and win a clash (an
//! interceptor cannot replace `Authorization`). A value it marks sensitive
//! ([`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive)) is
//! shown `[REDACTED]` in the DEBUG trace of the exchange (`mitra -v`); any
//! other is shown.
//!
//! # Cost
//!
//! Without an interceptor a call does what it did before: no allocation, no
//! clock read for it. With one, each attempt reads the clock once, keeps it
//! with the method in one small allocation until the answer comes, and gives
//! `before_send` a `HeaderMap` (which allocates only when a header is
//! added).
//!
//! # Examples
//!
//! A correlation header on every attempt:
//!
//! ```
//! use mitra_core::intercept::{AttemptInfo, HeaderMap, HeaderName, HeaderValue, Interceptor};
//!
//! struct Correlation(HeaderValue);
//!
//! impl Interceptor for Correlation {
//!     fn before_send(&self, _attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
//!         headers.insert(HeaderName::from_static("x-correlation-id"), self.0.clone());
//!     }
//! }
//!
//! let connection = mitra_core::Connection::default()
//!     .interceptor(Correlation(HeaderValue::from_static("order-4711")));
//! ```
//!
//! The status and latency of every attempt, logged:
//!
//! ```
//! use mitra_core::intercept::{Answer, AttemptInfo, Interceptor};
//!
//! struct Log;
//!
//! impl Interceptor for Log {
//!     fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
//!         tracing::info!(
//!             vendor = attempt.vendor,
//!             operation = attempt.operation,
//!             attempt = attempt.attempt,
//!             status = answer.status.as_u16(),
//!             latency_ms = answer.latency.as_millis() as u64,
//!             "answered"
//!         );
//!     }
//! }
//!
//! let connection = mitra_core::Connection::default().interceptor(Log);
//! ```
//!
//! On a vendor client it is the builder's `interceptor`:
//! `mitra_sempoa::Client::builder().token(t).interceptor(Log).build()?`
//! (every vendor crate re-exports this module as `intercept`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

// What an interceptor's signature names, so that a vendor crate's users
// need no `http` or `reqwest` dependency of their own to write one.
pub use http::header::{HeaderMap, HeaderName, HeaderValue};
pub use http::{Method, StatusCode};

/// Your code on every attempt of every call; see the [module](self) for
/// what it sees (never a credential) and when it runs.
///
/// Both methods do nothing unless overridden. They run on the task that
/// makes the call: keep them short, and do not block (hand slow work, such
/// as writing an audit log to a database, to a channel).
pub trait Interceptor: Send + Sync + 'static {
    /// Just before an attempt is sent, before its credentials are set:
    /// `headers` starts empty, and what it holds afterwards is added to the
    /// request (replacing a header of the same name the operation set, such
    /// as `Accept`; the credentials and the vendor's fixed headers are set
    /// after, and win). `Host`, `Content-Length`, `Transfer-Encoding` and
    /// `Connection` are the client's and are dropped.
    fn before_send(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        let _ = (attempt, headers);
    }

    /// When an attempt's answer arrives (its status and headers, before the
    /// body is read), whatever its status. An attempt that gets no answer
    /// (a refused connection, a timeout before the headers) does not run
    /// it.
    fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
        let _ = (attempt, answer);
    }
}

/// Two interceptors, the first run first both times:
/// `.interceptor((Correlation(id), Log))`. Nest pairs for more.
impl<A: Interceptor, B: Interceptor> Interceptor for (A, B) {
    fn before_send(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        self.0.before_send(attempt, headers);
        self.1.before_send(attempt, headers);
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
        self.0.after_response(attempt, answer);
        self.1.after_response(attempt, answer);
    }
}

/// An interceptor you keep a handle on (to read what it counted, say).
impl<T: Interceptor + ?Sized> Interceptor for Arc<T> {
    fn before_send(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        (**self).before_send(attempt, headers);
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
        (**self).after_response(attempt, answer);
    }
}

/// The attempt an [`Interceptor`] is told of.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptInfo<'a> {
    /// The vendor's short name (`"sempoa"`, `"pos-indonesia"`, ...).
    pub vendor: &'static str,
    /// The operation's id in the vendor's spec (`"getAkun"`).
    pub operation: &'static str,
    /// The request's method.
    pub method: &'a Method,
    /// 1 for the first attempt of a call, 2 for the next (a retry, or the
    /// call sent again with a fresh token), ...
    pub attempt: u32,
}

/// An attempt's answer, as an [`Interceptor`] is told of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The answer's headers (the vendor's request id, rate-limit counters,
    /// ...). `Content-Length` and `Content-Encoding` are gone from an answer
    /// that came compressed (it is inflated as it is read).
    pub headers: &'a HeaderMap,
    /// From the moment the request was handed to the connection to the
    /// answer's headers (the body is read after).
    pub latency: Duration,
}

/// An interceptor as a builder holds it: shared by every clone of the
/// client. `Debug` names no more than that there is one.
#[derive(Clone)]
pub(crate) struct Shared(pub(crate) Arc<dyn Interceptor>);

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Interceptor")
    }
}
