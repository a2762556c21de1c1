//! The client: configuration, credentials as parameters, one method per
//! operation.

use std::num::NonZeroU64;

use chrono::NaiveDateTime;
use futures_util::Stream;
use mitra_core::config::{base_url, env_optional, env_secret};
use mitra_core::{Connection, Error, Result, Runtime, SecretString, SecretText};
use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::decoder::ElkassaDecoder;
use crate::envelope::Data;
use crate::generated::{self, operations};
use crate::user::{User, UserType};
use crate::{types, validation};

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
    /// `application/json`, every field a string.
    Json,
}

/// An ELKASSA client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    api: generated::Client,
    key: SecretText,
    token: SecretText,
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
    base_url: Option<String>,
    key: Option<SecretString>,
    token: Option<SecretString>,
    encoding: BodyEncoding,
    connection: Connection,
}

impl ClientBuilder {
    /// A builder configured from the environment variables that
    /// [`Client::from_env`] reads, to adjust before [`build`](Self::build).
    pub fn from_env() -> Result<Self> {
        Ok(ClientBuilder {
            key: Some(env_secret("MITRA_ELKASSA_KEY")?),
            token: Some(env_secret("MITRA_ELKASSA_TOKEN")?),
            base_url: env_optional("MITRA_ELKASSA_BASE_URL"),
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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
        let base = base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let key = self
            .key
            .ok_or_else(|| Error::config("the ELKASSA key is required"))?;
        let token = self
            .token
            .ok_or_else(|| Error::config("the ELKASSA token is required"))?;
        let http = self.connection.http_client()?;
        let mut runtime = Runtime::builder("elkassa")
            .retry(self.connection.retry().clone())
            .decoder(ElkassaDecoder);
        if self.encoding == BodyEncoding::Json {
            runtime = runtime.request_hook(form_to_json);
        }
        Ok(Client {
            api: generated::Client::new_with_client(&base, http, runtime.build()),
            key: key.into(),
            token: token.into(),
        })
    }
}

/// Re-encodes a form body as a JSON object of strings.
fn form_to_json(request: &mut reqwest::Request) {
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
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).unwrap_or_default();
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let json = serde_json::to_vec(&object).unwrap_or_default();
    *request.body_mut() = Some(json.into());
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
}

/// A user to register (`registration`).
#[derive(Debug, Clone)]
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

/// A package subscription to record (`activation`).
#[derive(Debug, Clone)]
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

    /// The generated client underneath (tracing hooks apply; no validation,
    /// retries or error decoding).
    pub fn generated(&self) -> &generated::Client {
        &self.api
    }

    fn runtime(&self) -> &Runtime {
        &self.api.inner
    }

    /// Registers a user for a 30-day trial (`registration`); returns the
    /// registration id.
    ///
    /// Changes state at ELKASSA: **never retried** once the request may have
    /// reached it. After a timeout, look the user up with
    /// [`check_user`](Self::check_user) before registering again.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_elkassa::Client) -> mitra_elkassa::Result<()> {
    /// use mitra_elkassa::{NewUser, UserType};
    /// let id = client
    ///     .registration(&NewUser {
    ///         toko_name: "Toko AHE".into(),
    ///         user_type: UserType::Retail,
    ///         no_telp: "081234567890".into(),
    ///         email: "pemilik@example.com".into(),
    ///         password: "rahasia123".to_owned().into(),
    ///         address: "Bandung".into(),
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn registration(&self, user: &NewUser) -> Result<String> {
        use mitra_core::ExposeSecret;
        validation::required("toko_name", &user.toko_name)?;
        validation::phone(&user.no_telp)?;
        validation::email(&user.email)?;
        validation::password(user.password.expose_secret())?;
        validation::required("address", &user.address)?;
        let body = types::RegistrationRequest {
            toko_name: user.toko_name.clone(),
            user_type: user.user_type,
            no_telp: user
                .no_telp
                .clone()
                .try_into()
                .map_err(|_| Error::validation("no_telp", "must be digits only"))?,
            email: user.email.clone(),
            password: SecretText::from(user.password.clone()),
            address: user.address.clone(),
            key: self.key.clone(),
            token: self.token.clone(),
        };
        let envelope = self
            .runtime()
            .send(&operations::REGISTRATION, || self.api.registration(&body))
            .await?;
        envelope
            .data
            .value()
            .map(|d| d.registration_id)
            .ok_or_else(|| missing_data("registration"))
    }

    /// The packets and user types to register with (`getRegistrationData`).
    pub async fn get_registration_data(&self) -> Result<types::RegistrationData> {
        let envelope = self
            .runtime()
            .send(&operations::GET_REGISTRATION_DATA, || {
                self.api.get_registration_data(&self.key, &self.token)
            })
            .await?;
        Ok(envelope.data.value().unwrap_or_default())
    }

    /// The packet a user subscribes to (`checkUser`); `None` when ELKASSA
    /// gives no data.
    pub async fn check_user(&self, email: &str) -> Result<Option<types::Packet>> {
        validation::email(email)?;
        let body = types::CheckUserRequest {
            email: email.to_owned(),
            key: self.key.clone(),
            token: self.token.clone(),
        };
        let envelope = self
            .runtime()
            .send(&operations::CHECK_USER, || self.api.check_user(&body))
            .await?;
        Ok(envelope.data.value())
    }

    /// Subscribes a user to a package (`activation`).
    ///
    /// Changes state at ELKASSA: **never retried** once the request may have
    /// reached it. After a timeout, [`check_user`](Self::check_user) tells
    /// whether the package is active before you try again.
    pub async fn activation(&self, activation: &Activation) -> Result<types::Activated> {
        let a = activation;
        validation::email(&a.email)?;
        for (field, value) in [
            ("registration_id", &a.registration_id),
            ("cabang_id", &a.cabang_id),
            ("invoice_code", &a.invoice_code),
            ("payment_gateway", &a.payment_gateway),
            ("payment_method", &a.payment_method),
        ] {
            validation::required(field, value)?;
        }
        validation::amount("invoice_amount", &a.invoice_amount)?;
        let invalid = |field: &'static str| {
            move |_| Error::validation(field, "must be a non-negative number")
        };
        let body = types::ActivationRequest {
            email: a.email.clone(),
            packet_id: a
                .packet_id
                .to_string()
                .try_into()
                .map_err(invalid("packet_id"))?,
            registration_id: a.registration_id.clone(),
            cabang_id: a.cabang_id.clone(),
            invoice_code: a.invoice_code.clone(),
            invoice_amount: a
                .invoice_amount
                .clone()
                .try_into()
                .map_err(invalid("invoice_amount"))?,
            payment_gateway: a.payment_gateway.clone(),
            payment_method: a.payment_method.clone(),
            payment_date: a.payment_date.format("%Y-%m-%d %H:%M:%S").to_string(),
            key: self.key.clone(),
            token: self.token.clone(),
        };
        let envelope = self
            .runtime()
            .send(&operations::ACTIVATION, || self.api.activation(&body))
            .await?;
        envelope
            .data
            .value()
            .ok_or_else(|| missing_data("activation"))
    }

    /// One page of users, 10 a page, pages from 1 (`getAllUsers`); empty past
    /// the last page.
    pub async fn get_all_users(&self, page: u32) -> Result<Vec<User>> {
        let page = NonZeroU64::new(page.into())
            .ok_or_else(|| Error::validation("page", "pages count from 1"))?;
        let envelope = self
            .runtime()
            .send(&operations::GET_ALL_USERS, || {
                self.api.get_all_users(page, &self.key, &self.token)
            })
            .await?;
        Ok(envelope.data.unwrap_or_default())
    }

    /// Every user in one response, without paging
    /// (`getAllUsersWithoutPaging`).
    pub async fn get_all_users_without_paging(&self) -> Result<Vec<User>> {
        let envelope = self
            .runtime()
            .send(&operations::GET_ALL_USERS_WITHOUT_PAGING, || {
                self.api
                    .get_all_users_without_paging(&self.key, &self.token)
            })
            .await?;
        Ok(envelope.data.unwrap_or_default())
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
        mitra_core::paging::all_pages(USERS_PER_PAGE, move |page| self.get_all_users(page))
    }

    /// A user by registration id (`getDetailUser`). ELKASSA answers with a
    /// list; it is returned as such.
    pub async fn get_detail_user(&self, registration_id: &str) -> Result<Vec<User>> {
        validation::path_id("registration_id", registration_id)?;
        let envelope = self
            .runtime()
            .send(&operations::GET_DETAIL_USER, || {
                self.api
                    .get_detail_user(registration_id, &self.key, &self.token)
            })
            .await?;
        Ok(envelope.data.unwrap_or_default())
    }
}

fn missing_data(operation: &str) -> Error {
    Error::Decode {
        status: Some(200),
        message: format!("{operation} succeeded but returned no data"),
        excerpt: String::new(),
    }
}
