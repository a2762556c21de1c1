//! Fixed credentials sent with every request: headers and parameters.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// Fixed, sensitive request headers. `Debug` shows the header names only.
#[derive(Clone)]
pub struct StaticHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl StaticHeaders {
    /// Headers from name/secret pairs; a value that is not a valid header
    /// value is a configuration error (its text is not repeated).
    pub fn new<'a>(
        pairs: impl IntoIterator<Item = (HeaderName, &'a SecretString)>,
    ) -> Result<Self, Error> {
        let mut out = Vec::new();
        for (name, secret) in pairs {
            let mut value = HeaderValue::from_str(secret.expose_secret()).map_err(|_| {
                Error::config(format!(
                    "the value for header {name} has invalid characters"
                ))
            })?;
            value.set_sensitive(true);
            out.push((name, value));
        }
        Ok(Self(out.into()))
    }

    /// The headers' names.
    pub fn names(&self) -> impl Iterator<Item = &HeaderName> {
        self.0.iter().map(|(name, _)| name)
    }

    /// Sets every header on `headers`.
    pub fn apply(&self, headers: &mut reqwest::header::HeaderMap) {
        for (name, value) in self.0.iter() {
            headers.insert(name.clone(), value.clone());
        }
    }
}

impl fmt::Debug for StaticHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(n, _)| (n.as_str(), "[REDACTED]")))
            .finish()
    }
}

/// Fixed, secret request parameters. `Debug` shows their names only.
#[derive(Clone)]
pub struct StaticParams(Arc<[(&'static str, SecretString)]>);

impl StaticParams {
    /// Parameters from name/secret pairs.
    pub fn new(pairs: impl IntoIterator<Item = (&'static str, SecretString)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// The parameters' names.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(name, _)| *name)
    }

    /// Adds every parameter to `request`: appended to a form body, else to
    /// the query string.
    pub fn apply(&self, request: &mut reqwest::Request) {
        let is_form = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| {
                v.as_bytes()
                    .starts_with(b"application/x-www-form-urlencoded")
            });
        let form = request
            .body()
            .and_then(|b| b.as_bytes())
            .filter(|_| is_form)
            .map(<[u8]>::to_vec);
        match form {
            Some(mut body) => {
                let mut extra = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in self.0.iter() {
                    extra.append_pair(name, value.expose_secret());
                }
                if !body.is_empty() {
                    body.push(b'&');
                }
                body.extend_from_slice(extra.finish().as_bytes());
                *request.body_mut() = Some(body.into());
            }
            None => {
                let mut query = request.url_mut().query_pairs_mut();
                for (name, value) in self.0.iter() {
                    query.append_pair(name, value.expose_secret());
                }
            }
        }
    }
}

impl fmt::Debug for StaticParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(n, _)| (*n, "[REDACTED]")))
            .finish()
    }
}
