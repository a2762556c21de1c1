//! Small helpers for client configuration: environment variables and base URLs.

use std::fmt;

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

/// Where a client builder reads its settings (`MITRA_<VENDOR>_*`): the
/// process environment ([`Vars::env`]), or pairs a tool gives (the `mitra`
/// CLI gives the sandbox's). Empty values count as unset.
///
/// ```
/// use mitra_core::config::Vars;
/// let vars = Vars::from_pairs([("MITRA_SEMPOA_TOKEN", "t")]);
/// assert_eq!(vars.optional("MITRA_SEMPOA_TOKEN").as_deref(), Some("t"));
/// assert!(vars.required("MITRA_SEMPOA_BASE_URL").is_err());
/// ```
pub struct Vars<'a> {
    lookup: Box<Lookup<'a>>,
}

/// Answers a variable's value by its name.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

impl std::fmt::Debug for Vars<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vars")
    }
}

impl<'a> Vars<'a> {
    /// The process environment.
    pub fn env() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// Whatever `lookup` answers.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Self {
            lookup: Box::new(lookup),
        }
    }

    /// These pairs, and nothing else.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map: std::collections::HashMap<String, String> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_fn(move |name| map.get(name).cloned())
    }

    /// The value of `name`, if set and not empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }

    /// The value of `name`, or a [`Error::Config`] naming it.
    pub fn required(&self, name: &str) -> Result<String, Error> {
        self.optional(name)
            .ok_or_else(|| Error::config(format!("environment variable {name} is not set")))
    }

    /// Like [`required`](Self::required), for a secret.
    pub fn secret(&self, name: &str) -> Result<SecretString, Error> {
        self.required(name).map(SecretString::from)
    }
}

/// Checks that `url` is an absolute `https` URL, or `http` to this machine
/// (127.0.0.0/8, `::1`, `localhost`), without credentials, query or
/// fragment, and returns it without a trailing slash. The error does not
/// repeat the URL, which may carry credentials.
///
/// ```
/// use mitra_core::config::base_url;
/// assert_eq!(base_url("https://api.example.id/v1/").unwrap(), "https://api.example.id/v1");
/// assert!(base_url("http://127.0.0.1:8080/pos").is_ok());
/// assert!(base_url("http://api.example.id").is_err()); // credentials in clear
/// assert!(base_url("https://user:pass@api.example.id").is_err());
/// assert!(base_url("api.example.id").is_err());
/// ```
pub fn base_url(url: &str) -> Result<String, Error> {
    checked_base_url(url, false)
}

/// [`base_url`], with `http://` to any host allowed when `allow_http`.
pub fn checked_base_url(url: &str, allow_http: bool) -> Result<String, Error> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::config(format!("the base URL is not a valid URL ({e})")))?;
    let Some(host) = parsed.host() else {
        return Err(Error::config("the base URL must have a host"));
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config(
            "the base URL must not carry a user or password: configure credentials with the builder",
        ));
    }
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback || allow_http => {}
        "http" => {
            return Err(Error::config(
                "the base URL must be https (http only to this machine, or with danger_allow_http)",
            ));
        }
        _ => return Err(Error::config("the base URL must be an https URL")),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(
            "the base URL must not have a query or fragment",
        ));
    }
    Ok(url.trim().trim_end_matches('/').to_owned())
}

/// A base URL as given to a client builder, before it is checked. `Debug`
/// shows its scheme, host, port and path, never a query, a fragment or user
/// information (where a careless URL would carry a key).
///
/// ```
/// let given = mitra_core::config::GivenUrl::from("https://user:pw@gw.example/api?apikey=SECRETQ#x");
/// assert_eq!(format!("{given:?}"), r#""https://gw.example/api?…""#);
/// assert_eq!(&*given, "https://user:pw@gw.example/api?apikey=SECRETQ#x");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GivenUrl(String);

impl From<String> for GivenUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl From<&str> for GivenUrl {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl std::ops::Deref for GivenUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for GivenUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(self.0.trim()) {
            Ok(url) => {
                let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
                if let Some(port) = url.port() {
                    shown.push_str(&format!(":{port}"));
                }
                shown.push_str(url.path().trim_end_matches('/'));
                if url.query().is_some() || url.fragment().is_some() {
                    shown.push_str("?…");
                }
                write!(f, "{shown:?}")
            }
            Err(_) => f.write_str("\"[not a URL]\""),
        }
    }
}
