//! Small helpers for client configuration: environment variables and base URLs.

use secrecy::SecretString;

use crate::Error;

/// The value of environment variable `name`, or a [`Error::Config`] naming it.
/// Empty values count as unset.
pub fn env_required(name: &str) -> Result<String, Error> {
    env_optional(name)
        .ok_or_else(|| Error::config(format!("environment variable {name} is not set")))
}

/// The value of environment variable `name`, if set and not empty.
pub fn env_optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Like [`env_required`], for a secret.
pub fn env_secret(name: &str) -> Result<SecretString, Error> {
    env_required(name).map(SecretString::from)
}

/// Checks that `url` is an absolute `http` or `https` URL and returns it
/// without a trailing slash. The error does not repeat the URL, which may
/// carry credentials.
///
/// ```
/// assert_eq!(mitra_core::config::base_url("https://api.example.id/v1/").unwrap(), "https://api.example.id/v1");
/// assert!(mitra_core::config::base_url("api.example.id").is_err());
/// ```
pub fn base_url(url: &str) -> Result<String, Error> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::config(format!("the base URL is not a valid URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(Error::config(
            "the base URL must be an http or https URL with a host",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(
            "the base URL must not have a query or fragment",
        ));
    }
    Ok(url.trim().trim_end_matches('/').to_owned())
}
