//! What a vendor crate's generated methods stand on: the client's shared
//! state, and the small traits through which the hand-written layer plugs
//! its rules into an operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use progenitor_client::{Error as GenError, ResponseValue};

use crate::attempt::Attempt;
use crate::runtime::Runtime;
use crate::{Error, Operation};

/// The state every generated vendor client holds: base URL, HTTP client and
/// [`Runtime`]. Cheap to clone.
#[derive(Clone)]
pub struct ClientCore {
    base_url: Arc<str>,
    http: reqwest::Client,
    runtime: Runtime,
}

impl fmt::Debug for ClientCore {
    // The base URL is left out: a user may have put credentials in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The core of a client that sends to `base_url` (checked by
    /// [`config::base_url`](crate::config::base_url)) with `http`.
    pub fn new(base_url: impl Into<Arc<str>>, http: reqwest::Client, runtime: Runtime) -> Self {
        Self {
            base_url: base_url.into(),
            http,
            runtime,
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The runtime (auth, retries, decoding).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Runs one operation through [`Runtime::send`].
    pub async fn send<T, E, F, Fut>(&self, op: &Operation, attempt: F) -> Result<T, Error>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)>,
    {
        self.runtime.send(op, attempt).await
    }
}

/// Rules a request must follow before it is sent, beyond what the spec's
/// types enforce. A vendor crate implements it for the request bodies of
/// the operations whose spec says `x-mitra-validate: true`; a failure is
/// [`Error::Validation`] and nothing is sent.
pub trait Validate {
    /// `Ok` when the request may be sent.
    fn validate(&self) -> Result<(), Error>;
}

/// What an operation returns, made from the body the spec describes
/// (`x-mitra-returns` in the spec): an envelope unwrapped, a one-or-many
/// answer made a list, a vendor quirk normalised.
pub trait FromWire<W>: Sized {
    /// The value for the decoded body `wire`.
    fn from_wire(wire: W) -> Result<Self, Error>;
}

/// A hand-written input type that an operation takes instead of the body
/// the spec describes (`x-mitra-input` in the spec), such as a journal
/// built line by line. `C` is the vendor's client, for settings that shape
/// the body.
pub trait ToWire<C: ?Sized, W> {
    /// The body to send.
    fn to_wire(&self, client: &C) -> Result<W, Error>;
}

/// Refuses a path parameter that could change the path it is put in: an
/// empty value, `.` or `..`, or one with `/`, `\`, `?`, `#`, `%` or a
/// control character. (The value is not repeated: it may be personal data.)
pub fn check_path_param(name: &'static str, value: &str) -> Result<(), Error> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(name, "is required"));
    }
    if trimmed == "." || trimmed == ".." {
        return Err(Error::validation(name, "must not be . or .."));
    }
    if value
        .chars()
        .any(|c| matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_control())
    {
        return Err(Error::validation(
            name,
            "must not contain /, \\, ?, #, % or control characters",
        ));
    }
    Ok(())
}

/// Refuses a number below the spec's `minimum`.
pub fn check_minimum(name: &'static str, value: i64, minimum: i64) -> Result<(), Error> {
    if value < minimum {
        return Err(Error::validation(
            name,
            format!("must be at least {minimum}"),
        ));
    }
    Ok(())
}

/// Refuses text shorter than the spec's `minLength` (after trimming).
pub fn check_min_length(name: &'static str, value: &str, min: usize) -> Result<(), Error> {
    if value.trim().chars().count() < min {
        return Err(Error::validation(
            name,
            if min == 1 {
                "is required".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_cannot_change_the_path() {
        for bad in [
            "", " ", ".", "..", "a/b", "a\\b", "a?b", "a#b", "%2F", "a\nb",
        ] {
            assert!(check_path_param("id", bad).is_err(), "{bad:?} accepted");
        }
        for good in ["10000", "ELK50001", "CO.FASTRAC-1", "a b"] {
            assert!(check_path_param("id", good).is_ok(), "{good:?} refused");
        }
    }
}
