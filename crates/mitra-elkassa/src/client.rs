//! The client: configuration, credentials as parameters, one method per
//! operation.

use chrono::NaiveDateTime;
use futures_util::Stream;
use mitra_core::auth::{Auth, StaticParams};
use mitra_core::config::Vars;
use mitra_core::plumbing::ClientCore;
use mitra_core::redact::Secrets;
use mitra_core::{Connection, Error, Result, SecretString};

use crate::decoder::ElkassaDecoder;
use crate::user::{User, UserType};

/// ELKASSA's API.
pub const PRODUCTION_URL: &str = "https://api.elkassa.com";
/// Users per page of `getAllUsers`.
pub const USERS_PER_PAGE: usize = 10;

/// How POST bodies are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded`, as a PHP API of 2016 reads it
    /// (the default).
    #[default]
    Form,
    /// `application/json`: the "Numeric" fields as numbers (but `no_telp`,
    /// whose leading 0 a number would drop), the others as strings.
    Json,
}

/// An ELKASSA client. Cheap to clone.
///
/// Every operation of `specs/elkassa.yaml` is a method, generated from the
/// spec: [`registration`](Self::registration),
/// [`get_registration_data`](Self::get_registration_data),
/// [`check_user`](Self::check_user), [`activation`](Self::activation),
/// [`get_all_users`](Self::get_all_users),
/// [`get_all_users_without_paging`](Self::get_all_users_without_paging),
/// [`get_detail_user`](Self::get_detail_user). The `key` and `token` are
/// added to every request (query on GET, body field on POST).
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: ClientCore,
}

/// Configures a [`Client`].
///
/// ```
/// use mitra_elkassa::{BodyEncoding, Client};
/// let client = Client::builder()
///     .key("my-key")
///     .token("my-token")
///     .body_encoding(BodyEncoding::Json) // if ELKASSA wants JSON bodies
///     .build()
///     .unwrap();
/// assert!(!format!("{client:?}").contains("my-token"));
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<mitra_core::config::GivenUrl>,
    key: Option<SecretString>,
    token: Option<SecretString>,
    encoding: BodyEncoding,
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
        Ok(ClientBuilder {
            key: Some(vars.secret("MITRA_ELKASSA_KEY")?),
            token: Some(vars.secret("MITRA_ELKASSA_TOKEN")?),
            base_url: vars.optional("MITRA_ELKASSA_BASE_URL").map(Into::into),
            connection: Connection::from_vars(vars)?,
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().into());
        self
    }

    /// Sets the `key` given by ELKASSA (required).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets the `token` given by ELKASSA (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets how POST bodies are encoded (default [`BodyEncoding::Form`]).
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    mitra_core::connection_setters!();

    /// The client; [`Error::Config`] when the key or token is missing or the
    /// base URL is not a URL.
    pub fn build(self) -> Result<Client> {
        let base = self
            .connection
            .base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let key = self
            .key
            .ok_or_else(|| Error::config("the ELKASSA key is required"))?;
        let token = self
            .token
            .ok_or_else(|| Error::config("the ELKASSA token is required"))?;
        let http = self.connection.http_client()?;
        let secrets = Secrets::new([&key, &token]);
        let mut runtime = self
            .connection
            .runtime("elkassa")
            .marked(crate::operations::MARKED)
            .auth(Auth::Params(StaticParams::new([
                ("key", key),
                ("token", token),
            ])))
            .secrets(secrets)
            .decoder(ElkassaDecoder);
        if self.encoding == BodyEncoding::Json {
            runtime = runtime.form_as_json(NUMERIC_FIELDS);
        }
        Ok(Client {
            core: ClientCore::new(base, http, runtime.build()),
        })
    }
}

/// The fields the partner document types "Numeric", sent as JSON numbers.
/// `no_telp` is "Numeric" too, but a phone number starts with 0, which a
/// number would drop: it stays a string.
const NUMERIC_FIELDS: &[&str] = &["user_type", "packet_id", "invoice_amount"];

/// A user to register (`registration`). `Debug` shows the user type only:
/// the rest is personal data or the password.
#[derive(Clone)]
pub struct NewUser {
    /// Shop name.
    pub toko_name: String,
    /// Retail or grosir.
    pub user_type: UserType,
    /// Phone number, digits only (e.g. `081234567890`).
    pub no_telp: String,
    /// E-mail address.
    pub email: String,
    /// Password, at least 6 characters. Never logged.
    pub password: SecretString,
    /// Shop address.
    pub address: String,
}

/// A package subscription to record (`activation`). `Debug` masks the
/// e-mail address (personal data).
#[derive(Clone)]
pub struct Activation {
    /// The user's e-mail address.
    pub email: String,
    /// A packet id from [`Client::get_registration_data`].
    pub packet_id: u32,
    /// The user's registration id.
    pub registration_id: String,
    /// The branch, e.g. `ELK34128-1`.
    pub cabang_id: String,
    /// Invoice number.
    pub invoice_code: String,
    /// Amount paid, a non-negative number (e.g. `150000`).
    pub invoice_amount: String,
    /// Payment gateway, e.g. `finpay195`.
    pub payment_gateway: String,
    /// Payment method, e.g. `ATM`.
    pub payment_method: String,
    /// When it was paid (WIB), sent as `YYYY-MM-DD HH:MM:SS`.
    pub payment_date: NaiveDateTime,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use mitra_core::redact::{PERSONAL, REDACTED};
        f.debug_struct("NewUser")
            .field("toko_name", &PERSONAL)
            .field("user_type", &self.user_type)
            .field("no_telp", &PERSONAL)
            .field("email", &PERSONAL)
            .field("password", &REDACTED)
            .field("address", &PERSONAL)
            .finish()
    }
}

impl std::fmt::Debug for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Activation")
            .field("email", &mitra_core::redact::PERSONAL)
            .field("packet_id", &self.packet_id)
            .field("registration_id", &self.registration_id)
            .field("cabang_id", &self.cabang_id)
            .field("invoice_code", &self.invoice_code)
            .field("invoice_amount", &self.invoice_amount)
            .field("payment_gateway", &self.payment_gateway)
            .field("payment_method", &self.payment_method)
            .field("payment_date", &self.payment_date)
            .finish()
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `MITRA_ELKASSA_KEY`,
    /// `MITRA_ELKASSA_TOKEN` (required), `MITRA_ELKASSA_BASE_URL` (optional,
    /// default [`PRODUCTION_URL`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// Every user, page after page until a page comes back short or empty.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_elkassa::Client) -> mitra_elkassa::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let users: Vec<_> = client.all_users().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn all_users(&self) -> impl Stream<Item = Result<User>> + '_ {
        mitra_core::paging::all_pages(USERS_PER_PAGE, move |page| self.get_all_users(page.into()))
    }
}
