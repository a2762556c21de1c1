//! The client: configuration and auth. Its methods, one per operation, are
//! generated from the spec (`generated.rs`).

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "redis")]
use mitra_core::ExposeSecret;
use mitra_core::auth::{
    Auth, ClientCredentialsBasic, PasswordGrantBasic, StaticHeaders, TokenSource,
};
use mitra_core::config::Vars;
use mitra_core::plumbing::ClientCore;
use mitra_core::redact::Secrets;
use mitra_core::{Connection, Result, SecretString};
use reqwest::header::HeaderName;

use crate::fault::PosDecoder;

/// The production gateway. Pos Indonesia must whitelist the caller's static IP.
pub const PRODUCTION_URL: &str = "https://api.posindonesia.co.id:8245";
/// Pos Indonesia's own sandbox gateway (remote, separate consumer keys). For
/// an offline emulator on your machine, see the `mitra-sandbox` crate
/// (`ClientBuilder::from_vars(&sandbox.vars(Vendor::Pos))`).
pub const VENDOR_SANDBOX_URL: &str = "https://sandbox.posindonesia.co.id:8245";

/// A Pos Indonesia client. Cheap to clone; clones share the token cache and
/// the connection pool.
///
/// Build one with [`Client::builder`] or [`Client::from_env`].
///
/// Every operation of `specs/pos-indonesia.yaml` is a method, generated from
/// the spec: [`get_postal_code`](Self::get_postal_code),
/// [`get_province`](Self::get_province), [`get_city`](Self::get_city),
/// [`get_sub_district`](Self::get_sub_district),
/// [`get_sub_sub_district`](Self::get_sub_sub_district),
/// [`get_post_office`](Self::get_post_office),
/// [`get_track_and_trace`](Self::get_track_and_trace).
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: ClientCore,
}

/// The optional `X-POS-USER` / `X-POS-PASSWORD` pair.
#[derive(Default)]
struct Partner {
    user: Option<String>,
    password: Option<SecretString>,
}

/// A user name is personal data: `Debug` says only whether one is set.
impl std::fmt::Debug for Partner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partner")
            .field(
                "user",
                &self.user.as_ref().map(|_| mitra_core::redact::PERSONAL),
            )
            .field(
                "password",
                &self.password.as_ref().map(|_| mitra_core::redact::REDACTED),
            )
            .finish()
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use mitra_pos_indonesia::{Client, VENDOR_SANDBOX_URL};
///
/// let client = Client::builder()
///     .base_url(VENDOR_SANDBOX_URL)
///     .consumer_key("my-consumer-key")
///     .consumer_secret("my-consumer-secret")
///     .timeout(Duration::from_secs(20))
///     .build()
///     .unwrap();
/// // Secrets never show in Debug output.
/// assert!(!format!("{client:?}").contains("my-consumer-secret"));
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<mitra_core::config::GivenUrl>,
    consumer_key: Option<SecretString>,
    consumer_secret: Option<SecretString>,
    partner: Partner,
    connection: Connection,
    refresh_margin: Option<Duration>,
    failure_backoff: Option<Duration>,
    grant: Option<(String, SecretString)>,
}

/// Credentials redacted; the password grant's user name and the partner
/// user are personal data and shown only as set or not.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use mitra_core::redact::{PERSONAL, REDACTED};
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_ref().map(|_| "[set]"))
            .field(
                "consumer_key",
                &self.consumer_key.as_ref().map(|_| REDACTED),
            )
            .field(
                "consumer_secret",
                &self.consumer_secret.as_ref().map(|_| REDACTED),
            )
            .field("partner", &self.partner)
            .field("connection", &self.connection)
            .field("refresh_margin", &self.refresh_margin)
            .field("failure_backoff", &self.failure_backoff)
            .field("grant", &self.grant.as_ref().map(|_| (PERSONAL, REDACTED)))
            .finish()
    }
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
            consumer_key: Some(vars.secret("MITRA_POS_CONSUMER_KEY")?),
            consumer_secret: Some(vars.secret("MITRA_POS_CONSUMER_SECRET")?),
            partner: Partner {
                user: vars.optional("MITRA_POS_USER"),
                password: vars.optional("MITRA_POS_PASSWORD").map(SecretString::from),
            },
            base_url: vars.optional("MITRA_POS_BASE_URL").map(Into::into),
            connection: Connection::from_vars(vars)?,
            ..ClientBuilder::default()
        })
    }

    /// Sets the gateway URL (default [`PRODUCTION_URL`]; see [`VENDOR_SANDBOX_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().into());
        self
    }

    /// Sets the consumer key of the application (required).
    pub fn consumer_key(mut self, key: impl Into<String>) -> Self {
        self.consumer_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets the consumer secret of the application (required).
    pub fn consumer_secret(mut self, secret: impl Into<String>) -> Self {
        self.consumer_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Sets the partner user sent as `X-POS-USER` (optional).
    pub fn pos_user(mut self, user: impl Into<String>) -> Self {
        self.partner.user = Some(user.into());
        self
    }

    /// Sets the partner password sent as `X-POS-PASSWORD` (optional).
    pub fn pos_password(mut self, password: impl Into<String>) -> Self {
        self.partner.password = Some(SecretString::from(password.into()));
        self
    }

    /// Gets tokens with the OAuth2 password grant (`grant_type=password`,
    /// the partner document's first token example) for this user instead of
    /// client credentials; the consumer key and secret still authenticate
    /// the application.
    pub fn password_grant(
        mut self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.grant = Some((username.into(), SecretString::from(password.into())));
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

    /// The client; fails with [`Error::Config`](mitra_core::Error::Config)
    /// when credentials are missing or the base URL is not a URL.
    pub fn build(self) -> Result<Client> {
        let base = self
            .connection
            .base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let missing = |what: &str| mitra_core::Error::config(format!("the {what} is required"));
        let key = self.consumer_key.ok_or_else(|| missing("consumer key"))?;
        let secret = self
            .consumer_secret
            .ok_or_else(|| missing("consumer secret"))?;
        let grant_password = self.grant.as_ref().map(|(_, password)| password);
        let secrets = Secrets::new(
            [
                Some(&key),
                Some(&secret),
                self.partner.password.as_ref(),
                grant_password,
            ]
            .into_iter()
            .flatten(),
        )
        .with_basic(&key, &secret);
        // The partner headers go with every API call, and with the token
        // call too, as public clients send them.
        let partner: Vec<(HeaderName, SecretString)> = [
            (
                "x-pos-user",
                self.partner.user.clone().map(SecretString::from),
            ),
            ("x-pos-password", self.partner.password.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((HeaderName::from_static(name), value?)))
        .collect();
        let partner = if partner.is_empty() {
            None
        } else {
            Some(StaticHeaders::new(
                partner.iter().map(|(name, value)| (name.clone(), value)),
            )?)
        };
        let http = self.connection.http_client()?;
        let retry = self.connection.retry().clone();
        let endpoint = format!("{base}/token");
        // The fleet's token belongs to everything that makes a token differ:
        // the gateway, the application, the grant and, for the password
        // grant, the user (whose password also protects it).
        #[cfg(feature = "redis")]
        let fleet_key = self.connection.shared().map(|_| {
            let mut identity = vec!["pos-indonesia", base.as_str(), key.expose_secret()];
            let mut protect = vec![&secret];
            // The partner's headers go with the token request: a gateway may
            // tie the token to them.
            identity.push(self.partner.user.as_deref().unwrap_or(""));
            if let Some(password) = &self.partner.password {
                protect.push(password);
            }
            match &self.grant {
                None => identity.push("client_credentials"),
                Some((username, password)) => {
                    identity.extend(["password", username.as_str()]);
                    protect.push(password);
                }
            }
            mitra_core::shared::FleetKey::new("token", &identity, &protect)
        });
        let mut tokens = match self.grant {
            None => TokenSource::new(
                endpoint,
                ClientCredentialsBasic::new(key, secret),
                http.clone(),
            ),
            Some((username, password)) => TokenSource::new(
                endpoint,
                PasswordGrantBasic::new(key, secret, SecretString::from(username), password),
                http.clone(),
            ),
        }
        .retry_policy(retry)
        .endpoint_template("/token")
        .secrets(secrets.clone())
        .refresh_margin(self.refresh_margin.unwrap_or(Duration::from_secs(60)))
        .failure_backoff(self.failure_backoff.unwrap_or(Duration::from_secs(1)));
        if let Some(partner) = &partner {
            tokens = tokens.headers(partner.clone());
        }
        #[cfg(feature = "redis")]
        if let (Some(shared), Some(fleet_key)) = (self.connection.shared(), fleet_key) {
            tokens = tokens.shared(shared.clone(), fleet_key);
        }
        let mut runtime = self
            .connection
            .runtime("pos-indonesia")
            .marked(crate::operations::MARKED)
            .auth(Auth::OAuth2(Arc::new(tokens)))
            .secrets(secrets)
            .decoder(PosDecoder)
            .sensitive_header(HeaderName::from_static("x-pos-password"));
        if let Some(partner) = partner {
            runtime = runtime.headers(partner);
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

    /// A client configured from the environment: `MITRA_POS_CONSUMER_KEY`
    /// and `MITRA_POS_CONSUMER_SECRET` (required), `MITRA_POS_USER`,
    /// `MITRA_POS_PASSWORD` and `MITRA_POS_BASE_URL` (optional; default
    /// [`PRODUCTION_URL`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }
}
