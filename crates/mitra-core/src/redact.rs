//! Credentials scrubbed from vendor text: a vendor that echoes a client id,
//! a key or a token back in an error page must not put it in an [`Error`],
//! a log line or the CLI's output.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// Shorter values are not scrubbed: they are not secret enough to matter
/// (PAFI's client id is `1`) and scrubbing them would garble every message.
const MIN_SCRUBBED_CHARS: usize = 4;

/// What replaces a credential in vendor text.
pub const REDACTED: &str = "[REDACTED]";

/// The credential values a client is configured with. Cheap to clone.
#[derive(Clone, Default)]
pub struct Secrets(Arc<[SecretString]>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} values)", self.0.len())
    }
}

impl Secrets {
    /// These values (empty and very short ones are ignored).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a SecretString>) -> Self {
        Self(
            values
                .into_iter()
                .filter(|s| s.expose_secret().trim().chars().count() >= MIN_SCRUBBED_CHARS)
                .cloned()
                .collect(),
        )
    }

    /// `text` with every credential replaced by [`REDACTED`]; `extra` is a
    /// credential known only now (the access token of an attempt).
    pub fn scrub(&self, text: &str, extra: Option<&str>) -> String {
        let mut out = text.to_owned();
        let values = self
            .0
            .iter()
            .map(|s| s.expose_secret())
            .chain(extra.filter(|e| e.chars().count() >= MIN_SCRUBBED_CHARS));
        for value in values {
            if out.contains(value) {
                out = out.replace(value, REDACTED);
            }
        }
        out
    }

    /// `error` with every credential scrubbed from its vendor text.
    pub fn scrub_error(&self, mut error: Error, extra: Option<&str>) -> Error {
        if self.0.is_empty() && extra.is_none() {
            return error;
        }
        let scrub = |text: &mut String| {
            if !text.is_empty() {
                *text = self.scrub(text, extra);
            }
        };
        match &mut error {
            Error::Validation { message, .. }
            | Error::Config { message }
            | Error::RateLimited { message, .. }
            | Error::Timeout { message }
            | Error::Transport { message, .. } => scrub(message),
            Error::Unauthorized { code, message, .. }
            | Error::Forbidden { code, message, .. }
            | Error::NotFound { code, message, .. }
            | Error::Conflict { code, message, .. }
            | Error::Vendor { code, message, .. } => {
                scrub(message);
                code.iter_mut().for_each(scrub);
            }
            Error::Rejected {
                message, errors, ..
            } => {
                scrub(message);
                errors.iter_mut().for_each(scrub);
            }
            Error::Decode {
                message, excerpt, ..
            } => {
                scrub(message);
                scrub(excerpt);
            }
            Error::BodyTooLarge { .. } => {}
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_vendor_text_are_scrubbed_short_values_are_not() {
        let key = SecretString::from("canary-consumer-key");
        let id = SecretString::from("1");
        let secrets = Secrets::new([&key, &id]);
        let error = Error::Unauthorized {
            status: Some(401),
            code: Some("invalid_client".into()),
            message: "A valid OAuth client could not be found for client_id: canary-consumer-key"
                .into(),
        };
        let text = secrets.scrub_error(error, Some("tok-abcdef")).to_string();
        assert!(!text.contains("canary-consumer-key"), "{text}");
        assert!(
            text.contains("[REDACTED]") && text.contains("client_id"),
            "{text}"
        );
        assert_eq!(secrets.scrub("page 1 of 10", None), "page 1 of 10");
        assert_eq!(
            secrets.scrub("bad token tok-abcdef", Some("tok-abcdef")),
            "bad token [REDACTED]"
        );
    }
}
