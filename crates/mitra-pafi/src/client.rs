//! The client: configuration, OAuth2 with scope, and the SKP lookup.

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "redis")]
use mitra_core::ExposeSecret;
use mitra_core::auth::{Auth, ClientCredentialsJson, TokenSource};
use mitra_core::config::Vars;
use mitra_core::plumbing::ClientCore;
use mitra_core::redact::Secrets;
use mitra_core::{Connection, Error, Result, SecretString};

use crate::decoder::PafiDecoder;

/// PAFI's API.
pub const PRODUCTION_URL: &str = "https://api.webpafi.com/api/v1";
/// The scope the SKP lookup needs.
pub const DEFAULT_SCOPE: &str = "read-kecukupan-skp";

/// A PAFI client. Cheap to clone; clones share the token.
///
/// Every operation of `specs/pafi.yaml` is a method, generated from the
/// spec: [`get_kecukupan_skp_by_nik`](Self::get_kecukupan_skp_by_nik).
///
/// ```no_run
/// # async fn demo(client: mitra_pafi::Client) -> mitra_pafi::Result<()> {
/// use mitra_pafi::Nik;
/// // A NIK is 16 digits; anything else is refused before it is sent.
/// let skp = client.get_kecukupan_skp_by_nik(&Nik::new("3206021201960046")?).await?;
/// let today = mitra_pafi::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
/// println!("total SKP {:?}, STR valid: {}", skp.total_skp, skp.str_valid_on(today));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: ClientCore,
}

/// Configures a [`Client`].
///
/// ```
/// let client = mitra_pafi::Client::builder()
///     .client_id("1")
///     .client_secret("my-client-secret")
///     .build()
///     .unwrap();
/// assert!(!format!("{client:?}").contains("my-client-secret"));
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<mitra_core::config::GivenUrl>,
    client_id: Option<SecretString>,
    client_secret: Option<SecretString>,
    scope: Option<String>,
    connection: Connection,
    refresh_margin: Option<Duration>,
    failure_backoff: Option<Duration>,
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
        Ok(ClientBuilder {
            client_id: Some(vars.secret("MITRA_PAFI_CLIENT_ID")?),
            client_secret: Some(vars.secret("MITRA_PAFI_CLIENT_SECRET")?),
            scope: vars.optional("MITRA_PAFI_SCOPE"),
            base_url: vars.optional("MITRA_PAFI_BASE_URL").map(Into::into),
            connection: Connection::from_vars(vars)?,
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().into());
        self
    }

    /// Sets the OAuth2 client id (required).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(SecretString::from(id.into()));
        self
    }

    /// Sets the OAuth2 client secret (required).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Sets the scope asked for (default [`DEFAULT_SCOPE`]).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    mitra_core::connection_setters!();

    /// Sets how long a failed token fetch answers for the token endpoint
    /// (default 1 s): calls in that time get the same error at once instead
    /// of asking a failing endpoint again.
    pub fn token_failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = Some(backoff);
        self
    }

    /// Sets how long before expiry the token is replaced (default 60 s).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The client; [`Error::Config`] when credentials are missing or the base
    /// URL is not a URL.
    pub fn build(self) -> Result<Client> {
        let base = self
            .connection
            .base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let id = self
            .client_id
            .ok_or_else(|| Error::config("the PAFI client id is required"))?;
        let secret = self
            .client_secret
            .ok_or_else(|| Error::config("the PAFI client secret is required"))?;
        let scope = self.scope.unwrap_or_else(|| DEFAULT_SCOPE.to_owned());
        let secrets = Secrets::new([&id, &secret]);
        let http = self.connection.http_client()?;
        let retry = self.connection.retry().clone();
        // Everything that makes a token differ, protected by the secret
        // (computed only for a fleet: an HMAC and an HKDF).
        #[cfg(feature = "redis")]
        let fleet_key = self.connection.shared().map(|_| {
            mitra_core::shared::FleetKey::new(
                "token",
                &[
                    "pafi",
                    &base,
                    id.expose_secret(),
                    "client_credentials",
                    &scope,
                ],
                &[&secret],
            )
        });
        let tokens = TokenSource::new(
            format!("{base}/oauth/token"),
            ClientCredentialsJson::new(id, secret, scope),
            http.clone(),
        )
        .retry_policy(retry)
        .endpoint_template("/oauth/token")
        .secrets(secrets.clone())
        .refresh_margin(self.refresh_margin.unwrap_or(Duration::from_secs(60)))
        .failure_backoff(self.failure_backoff.unwrap_or(Duration::from_secs(1)));
        #[cfg(feature = "redis")]
        let tokens = match (self.connection.shared(), fleet_key) {
            (Some(shared), Some(fleet_key)) => tokens.shared(shared.clone(), fleet_key),
            _ => tokens,
        };
        let runtime = self
            .connection
            .runtime("pafi")
            .marked(crate::operations::MARKED)
            .auth(Auth::OAuth2(Arc::new(tokens)))
            .secrets(secrets)
            .decoder(PafiDecoder)
            .build();
        Ok(Client {
            core: ClientCore::new(base, http, runtime),
        })
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `MITRA_PAFI_CLIENT_ID`,
    /// `MITRA_PAFI_CLIENT_SECRET` (required), `MITRA_PAFI_SCOPE` and
    /// `MITRA_PAFI_BASE_URL` (optional).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }
}
