//! Credentials and access tokens.
//!
//! [`Auth`] says how a vendor client authenticates each request. For OAuth2
//! client credentials, [`TokenSource`] fetches the token on first use, caches
//! it, refreshes it a margin before it expires, and lets only one fetch run at
//! a time: concurrent callers wait for that fetch and share its token. How the
//! token is requested is pluggable ([`TokenRequest`]): form body with HTTP
//! Basic ([`ClientCredentialsBasic`], WSO2) or a JSON body with a scope
//! ([`ClientCredentialsJson`], Laravel Passport).
//!
//! The module's parts: `fixed` (static headers and parameters), `grants`
//! (how a token is asked for), `cache` (the token source: one cached token,
//! one fetch at a time, its failure shared for a backoff, retries), and
//! `fleet` (feature `fleet`: one token for every process, through a lock
//! and a sealed store).

mod cache;
mod fixed;
#[cfg(feature = "fleet")]
mod fleet;
mod grants;

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::{Error, RetryPolicy};

pub use fixed::{StaticHeaders, StaticParams};
pub use grants::{ClientCredentialsBasic, ClientCredentialsJson, PasswordGrantBasic, TokenRequest};

/// How a vendor client authenticates its requests.
#[derive(Clone, Debug, Default)]
pub enum Auth {
    /// No header: credentials travel as request parameters, or none are needed.
    #[default]
    None,
    /// Fixed headers sent with every request, marked sensitive so that they
    /// never show in `Debug` output.
    Headers(StaticHeaders),
    /// Fixed parameters added to every request: to the form body when it is
    /// a form, else to the query string (ELKASSA's `key` and `token`).
    Params(StaticParams),
    /// `Authorization: Bearer` with a token from an OAuth2 token source.
    OAuth2(Arc<TokenSource>),
}

impl Auth {
    /// `Authorization: Bearer <token>` with a token that does not expire.
    pub fn bearer(token: &SecretString) -> Result<Self, Error> {
        Ok(Self::Headers(StaticHeaders::new([(
            AUTHORIZATION,
            &SecretString::from(format!("Bearer {}", token.expose_secret())),
        )])?))
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(user: &SecretString, password: &SecretString) -> Result<Self, Error> {
        Ok(Self::Headers(StaticHeaders::new([(
            AUTHORIZATION,
            &SecretString::from(basic_value(user, password)),
        )])?))
    }
}

/// `Basic base64(user:password)`, the value of an `Authorization` header.
pub fn basic_value(user: &SecretString, password: &SecretString) -> String {
    let raw = format!("{}:{}", user.expose_secret(), password.expose_secret());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// `Bearer <token>` as a sensitive header value; `None` if the token is
/// empty or has anything but visible ASCII (RFC 6750's token characters
/// are a subset): such a token is never stored, sent or scrubbed around.
fn bearer_header(token: &str) -> Option<HeaderValue> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut header = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// An access token and when to stop using it.
pub struct AccessToken {
    header: HeaderValue,
    /// When to stop using it: a margin before the server's lifetime ends.
    refresh_at: Instant,
    generation: u64,
    /// Its sealed form in the fleet's store, if it is there: what a
    /// compare-and-delete of a rejected token compares.
    #[cfg(feature = "fleet")]
    stored: Option<String>,
}

impl AccessToken {
    /// The token itself, for scrubbing it from vendor text.
    pub(crate) fn token_text(&self) -> &str {
        self.header
            .to_str()
            .unwrap_or_default()
            .trim_start_matches("Bearer ")
    }

    /// The `Authorization` header value (`Bearer <token>`), marked sensitive.
    pub fn authorization(&self) -> &HeaderValue {
        &self.header
    }

    fn fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[REDACTED]")
            .field("generation", &self.generation)
            .finish()
    }
}

/// An OAuth2 client-credentials token, fetched lazily, cached, refreshed
/// early, and fetched by one caller at a time.
///
/// - The first [`token`](Self::token) call fetches; later calls reuse the
///   cached token until `refresh_margin` before the `expires_in` the server
///   gave (a number or a string such as `"86400"`; the server's value is
///   trusted, since WSO2 returns the *remaining* lifetime of a reused token).
/// - When the token is missing or stale, one caller fetches while the others
///   wait for its result: 1,000 concurrent first calls make one request.
/// - [`invalidate`](Self::invalidate) drops a token the vendor rejected, but
///   only if no newer one has replaced it already.
/// - Failed fetches are retried within the [`RetryPolicy`].
pub struct TokenSource {
    endpoint: String,
    request: Box<dyn TokenRequest>,
    http: reqwest::Client,
    retry: RetryPolicy,
    refresh_margin: Duration,
    default_lifetime: Duration,
    cached: RwLock<Option<Arc<AccessToken>>>,
    fetch_lock: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    /// Fetches finished (success or failure), and the last one's outcome:
    /// callers that waited for a fetch take its outcome.
    finished: AtomicU64,
    last: std::sync::Mutex<Option<LastFetch>>,
    failure_backoff: Duration,
    secrets: crate::redact::Secrets,
    headers: Option<StaticHeaders>,
    #[cfg(feature = "fleet")]
    shared: Option<(crate::shared::Shared, crate::shared::FleetKey)>,
    slow: &'static SlowPaths,
    /// The endpoint's server and path, for its span and metrics.
    server: (crate::telemetry::Server, Arc<str>),
}

/// The token source's slow paths (fetching, the fleet's store), reached
/// through pointers that only [`TokenSource::new`] names. A program whose
/// clients never make a token source (static keys only) then links none of
/// their code: about 30 KB less in a one-call release binary.
struct SlowPaths {
    token: for<'a> fn(&'a TokenSource) -> BoxFuture<'a, TokenResult>,
    #[cfg(feature = "fleet")]
    invalidate_shared: for<'a> fn(&'a TokenSource, &'a AccessToken) -> BoxFuture<'a, ()>,
}

type TokenResult = Result<Arc<AccessToken>, Error>;

static SLOW_PATHS: SlowPaths = SlowPaths {
    token: |source| source.token_slow().boxed(),
    #[cfg(feature = "fleet")]
    invalidate_shared: |source, rejected| source.invalidate_shared_now(rejected).boxed(),
};

/// The outcome of the last token fetch.
struct LastFetch {
    at: Instant,
    outcome: Result<Arc<AccessToken>, Error>,
}

/// Lifetimes beyond this are capped: a token is fetched again at least once
/// a year, whatever the server says.
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("request", &self.request)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

/// Re-encodes a form body as a JSON object: the `numeric` fields as
/// numbers (when they read as one), every other as a string (see
/// `RuntimeBuilder::form_as_json`).
pub(crate) fn form_to_json(request: &mut reqwest::Request, numeric: &[&str]) {
    use reqwest::header::{CONTENT_TYPE, HeaderValue};
    let is_form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let Some(bytes) = request
        .body()
        .and_then(|b| b.as_bytes())
        .filter(|_| is_form)
    else {
        return;
    };
    let object: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(bytes)
        .map(|(k, v)| {
            let number = numeric
                .contains(&&*k)
                .then(|| v.parse::<u64>().ok())
                .flatten();
            let value = match number {
                Some(n) => serde_json::Value::from(n),
                None => serde_json::Value::String(v.into_owned()),
            };
            (k.into_owned(), value)
        })
        .collect();
    let json = serde_json::to_vec(&object).unwrap_or_default();
    *request.body_mut() = Some(json.into());
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
}
