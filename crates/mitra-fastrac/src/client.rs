//! The client: configuration (no public base URL), auth styles, rate limit.
//! Its methods, one per operation, are generated from the spec
//! (`generated.rs`).

use std::time::Duration;

#[cfg(feature = "redis")]
use mitra_core::ExposeSecret;
use mitra_core::auth::{Auth, StaticHeaders};
use mitra_core::config::Vars;
use mitra_core::plumbing::ClientCore;
use mitra_core::redact::Secrets;
use mitra_core::{Connection, Error, Result, SecretString};
use reqwest::header::HeaderName;

use crate::decoder::FastracDecoder;

/// How long a `tariff_id` from [`Client::check_tariff_instant`] stays valid.
pub const TARIFF_ID_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// How requests authenticate.
///
/// The partner document says, three times, that every request carries the
/// headers `access-key` and `secret-key`; the public V2 docs use HTTP Basic
/// with the same two keys, and their own tracking example sends both. So
/// by default both go out, which every generation of the API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthStyle {
    /// The headers `access-key` and `secret-key` *and* `Authorization:
    /// Basic base64(access_key:secret_key)` (the default).
    #[default]
    Both,
    /// V2 only: `Authorization: Basic base64(access_key:secret_key)`.
    Basic,
    /// The partner document's (V1) only: headers `access-key` and `secret-key`.
    Headers,
}

/// A Fastrac client. Cheap to clone; clones share the rate limit.
///
/// Every operation of `specs/fastrac.yaml` is a method, generated from the
/// spec (`get_province`, `get_city`, ..., `track_order`,
/// `get_balance_history`).
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: ClientCore,
}

/// Configures a [`Client`].
///
/// ```
/// use mitra_fastrac::{AuthStyle, Client};
/// let client = Client::builder()
///     .base_url("https://fastrac.example/api/v2") // given by Fastrac
///     .access_key("my-access-key")
///     .secret_key("my-secret-key")
///     .auth_style(AuthStyle::Basic)
///     .requests_per_second(5.0)
///     .build()
///     .unwrap();
/// assert!(!format!("{client:?}").contains("my-secret-key"));
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<mitra_core::config::GivenUrl>,
    access_key: Option<SecretString>,
    secret_key: Option<SecretString>,
    auth: AuthStyle,
    per_second: Option<f64>,
    connection: Connection,
}

impl ClientBuilder {
    /// A builder configured from the environment variables that
    /// [`Client::from_env`] reads, to adjust before [`build`](Self::build).
    pub fn from_env() -> Result<Self> {
        Self::from_vars(&Vars::env())
    }

    /// The same, with the variables read from `vars` (as the `mitra` CLI
    /// does for its sandbox).
    pub fn from_vars(vars: &Vars) -> Result<Self> {
        let auth = match vars
            .optional("MITRA_FASTRAC_AUTH")
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            None | Some("both") => AuthStyle::Both,
            Some("basic") => AuthStyle::Basic,
            Some("headers") => AuthStyle::Headers,
            Some(_) => {
                return Err(Error::config(
                    "MITRA_FASTRAC_AUTH must be `both`, `basic` or `headers`",
                ));
            }
        };
        Ok(ClientBuilder {
            base_url: vars.optional("MITRA_FASTRAC_BASE_URL").map(Into::into),
            access_key: Some(vars.secret("MITRA_FASTRAC_ACCESS_KEY")?),
            secret_key: Some(vars.secret("MITRA_FASTRAC_SECRET_KEY")?),
            auth,
            connection: Connection::from_vars(vars)?,
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL, which Fastrac gives with the keys (required: none is
    /// public).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().into());
        self
    }

    /// Sets the access key (required).
    pub fn access_key(mut self, key: impl Into<String>) -> Self {
        self.access_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets the secret key (required).
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets how requests authenticate (default [`AuthStyle::Both`]).
    pub fn auth_style(mut self, style: AuthStyle) -> Self {
        self.auth = style;
        self
    }

    /// Sends at most this many requests a second (retries included), so the
    /// client stays under Fastrac's rate limit. Off by default.
    pub fn requests_per_second(mut self, per_second: f64) -> Self {
        self.per_second = Some(per_second);
        self
    }

    mitra_core::connection_setters!();

    /// The client; [`Error::Config`] when the base URL or a key is missing.
    pub fn build(self) -> Result<Client> {
        let base = self.base_url.ok_or_else(|| {
            Error::config("the Fastrac base URL is required (MITRA_FASTRAC_BASE_URL): Fastrac gives it with the API keys")
        })?;
        let base = self.connection.base_url(&base)?;
        let access = self
            .access_key
            .ok_or_else(|| Error::config("the Fastrac access key is required"))?;
        let secret = self
            .secret_key
            .ok_or_else(|| Error::config("the Fastrac secret key is required"))?;
        let basic = SecretString::from(mitra_core::auth::basic_value(&access, &secret));
        let mut headers = Vec::new();
        if matches!(self.auth, AuthStyle::Both | AuthStyle::Headers) {
            headers.push((HeaderName::from_static("access-key"), &access));
            headers.push((HeaderName::from_static("secret-key"), &secret));
        }
        if matches!(self.auth, AuthStyle::Both | AuthStyle::Basic) {
            headers.push((reqwest::header::AUTHORIZATION, &basic));
        }
        let auth = Auth::Headers(StaticHeaders::new(headers)?);
        let http = self.connection.http_client()?;
        let mut runtime = self
            .connection
            .runtime("fastrac")
            .marked(crate::operations::MARKED)
            .auth(auth)
            .secrets(Secrets::new([&access, &secret]).with_basic(&access, &secret))
            .decoder(FastracDecoder);
        if let Some(per_second) = self.per_second {
            if !(per_second.is_finite() && (0.001..=10_000.0).contains(&per_second)) {
                return Err(Error::config(
                    "requests_per_second must be between 0.001 and 10000",
                ));
            }
            runtime = runtime.rate_limit(per_second);
            // Fastrac's limit is per account: every process using the same
            // keys shares one budget when a fleet state is configured.
            #[cfg(feature = "redis")]
            if let Some(shared) = self.connection.shared() {
                let key = mitra_core::shared::FleetKey::new(
                    "rate",
                    &["fastrac", &base, access.expose_secret()],
                    &[&secret],
                );
                runtime = runtime.shared_rate_limit(shared.clone(), &key);
            }
        }
        Ok(Client {
            core: ClientCore::new(base, http, runtime.build()),
        })
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `MITRA_FASTRAC_BASE_URL`,
    /// `MITRA_FASTRAC_ACCESS_KEY`, `MITRA_FASTRAC_SECRET_KEY` (required),
    /// `MITRA_FASTRAC_AUTH` (`basic`, the default, or `headers`).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }
}
