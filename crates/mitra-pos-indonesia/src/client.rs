//! The client: configuration, auth, and one method per operation.

use std::sync::Arc;
use std::time::Duration;

use mitra_core::auth::{Auth, ClientCredentialsBasic, TokenSource};
use mitra_core::config::{base_url, env_optional, env_secret};
use mitra_core::{Connection, ExposeSecret, Result, Runtime, SecretString};
use reqwest::header::HeaderName;

use crate::fault::PosDecoder;
use crate::generated::{self, operations};
use crate::items::{flatten, track_events};
use crate::types;
use crate::validation;

/// The production gateway. Pos Indonesia must whitelist the caller's static IP.
pub const PRODUCTION_URL: &str = "https://api.posindonesia.co.id:8245";
/// The sandbox gateway (separate consumer keys).
pub const SANDBOX_URL: &str = "https://sandbox.posindonesia.co.id:8245";

/// A Pos Indonesia client. Cheap to clone; clones share the token cache and
/// the connection pool.
///
/// Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone, Debug)]
pub struct Client {
    api: generated::Client,
    partner: Arc<Partner>,
}

/// The optional `X-POS-USER` / `X-POS-PASSWORD` pair.
#[derive(Debug, Default)]
struct Partner {
    user: Option<String>,
    password: Option<SecretString>,
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use mitra_pos_indonesia::{Client, SANDBOX_URL};
///
/// let client = Client::builder()
///     .base_url(SANDBOX_URL)
///     .consumer_key("my-consumer-key")
///     .consumer_secret("my-consumer-secret")
///     .timeout(Duration::from_secs(20))
///     .build()
///     .unwrap();
/// // Secrets never show in Debug output.
/// assert!(!format!("{client:?}").contains("my-consumer-secret"));
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    consumer_key: Option<SecretString>,
    consumer_secret: Option<SecretString>,
    partner: Partner,
    connection: Connection,
    refresh_margin: Option<Duration>,
}

impl ClientBuilder {
    /// A builder configured from the environment variables that
    /// [`Client::from_env`] reads, to adjust before [`build`](Self::build).
    pub fn from_env() -> Result<Self> {
        Ok(ClientBuilder {
            consumer_key: Some(env_secret("MITRA_POS_CONSUMER_KEY")?),
            consumer_secret: Some(env_secret("MITRA_POS_CONSUMER_SECRET")?),
            partner: Partner {
                user: env_optional("MITRA_POS_USER"),
                password: env_optional("MITRA_POS_PASSWORD").map(SecretString::from),
            },
            base_url: env_optional("MITRA_POS_BASE_URL"),
            ..ClientBuilder::default()
        })
    }

    /// Sets the gateway URL (default [`PRODUCTION_URL`]; see [`SANDBOX_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    mitra_core::connection_setters!();

    /// Sets how long before expiry the token is replaced (default 60 s).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The client; fails with [`Error::Config`](mitra_core::Error::Config)
    /// when credentials are missing or the base URL is not a URL.
    pub fn build(self) -> Result<Client> {
        let base = base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let missing = |what: &str| mitra_core::Error::config(format!("the {what} is required"));
        let key = self.consumer_key.ok_or_else(|| missing("consumer key"))?;
        let secret = self
            .consumer_secret
            .ok_or_else(|| missing("consumer secret"))?;
        let http = self.connection.http_client()?;
        let retry = self.connection.retry().clone();
        let tokens = TokenSource::new(
            format!("{base}/token"),
            ClientCredentialsBasic::new(key, secret),
            http.clone(),
        )
        .retry_policy(retry.clone())
        .refresh_margin(self.refresh_margin.unwrap_or(Duration::from_secs(60)));
        let runtime = Runtime::builder("pos-indonesia")
            .auth(Auth::OAuth2(Arc::new(tokens)))
            .retry(retry)
            .decoder(PosDecoder)
            .sensitive_header(HeaderName::from_static("x-pos-password"))
            .build();
        Ok(Client {
            api: generated::Client::new_with_client(&base, http, runtime),
            partner: Arc::new(self.partner),
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

    /// The generated client underneath, for anything this layer does not
    /// cover. Its calls still go through the auth and tracing hooks, but not
    /// through validation, retries or error decoding.
    pub fn generated(&self) -> &generated::Client {
        &self.api
    }

    fn runtime(&self) -> &Runtime {
        &self.api.inner
    }

    fn user(&self) -> Option<&str> {
        self.partner.user.as_deref()
    }

    fn password(&self) -> Option<&str> {
        self.partner.password.as_ref().map(|p| p.expose_secret())
    }

    /// Postal codes matching a city and an address fragment
    /// (`getPostalCode`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::PostalCodeRequest;
    /// let found = client
    ///     .get_postal_code(&PostalCodeRequest { city: "bandung".into(), address: "cinunuk".into() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_postal_code(
        &self,
        request: &types::PostalCodeRequest,
    ) -> Result<Vec<types::PostalCode>> {
        validation::required_text("city", &request.city)?;
        validation::optional_text("address", &request.address)?;
        let response = self
            .runtime()
            .send(&operations::GET_POSTAL_CODE, || {
                self.api
                    .get_postal_code(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// Provinces: all of them with a default request, or those matching a
    /// code or a name fragment (`getProvince`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::ProvinceRequest;
    /// let all = client.get_province(&ProvinceRequest::default()).await?;
    /// let java = client
    ///     .get_province(&ProvinceRequest { province_name: Some("jawa".into()), ..Default::default() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_province(
        &self,
        request: &types::ProvinceRequest,
    ) -> Result<Vec<types::Province>> {
        if let Some(code) = &request.province_code {
            validation::optional_code("provinceCode", code)?;
        }
        if let Some(name) = &request.province_name {
            validation::optional_text("provinceName", name)?;
        }
        let response = self
            .runtime()
            .send(&operations::GET_PROVINCE, || {
                self.api.get_province(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// Cities of a province, optionally filtered by a name fragment
    /// (`getCity`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::CityRequest;
    /// let cities = client
    ///     .get_city(&CityRequest { province_code: "21".into(), city_name: String::new() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_city(&self, request: &types::CityRequest) -> Result<Vec<types::City>> {
        validation::code("provinceCode", &request.province_code)?;
        validation::optional_text("cityName", &request.city_name)?;
        let response = self
            .runtime()
            .send(&operations::GET_CITY, || {
                self.api.get_city(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// Sub-districts (kecamatan) of a city (`getSubDistrict`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::SubDistrictRequest;
    /// let kecamatan = client
    ///     .get_sub_district(&SubDistrictRequest {
    ///         province_code: "32".into(),
    ///         city_code: "3273".into(),
    ///         sub_district_name: String::new(),
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_sub_district(
        &self,
        request: &types::SubDistrictRequest,
    ) -> Result<Vec<types::SubDistrict>> {
        validation::code("provinceCode", &request.province_code)?;
        validation::optional_code("cityCode", &request.city_code)?;
        validation::optional_text("subDistrictName", &request.sub_district_name)?;
        let response = self
            .runtime()
            .send(&operations::GET_SUB_DISTRICT, || {
                self.api
                    .get_sub_district(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// Villages (kelurahan/desa) of a sub-district (`getSubSubDistrict`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::SubSubDistrictRequest;
    /// let villages = client
    ///     .get_sub_sub_district(&SubSubDistrictRequest {
    ///         province_code: "21".into(),
    ///         city_code: "246".into(),
    ///         sub_district_code: "40516".into(),
    ///         sub_district_type: String::new(),
    ///         sub_district_name: "Kec.Pulogadung".into(),
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_sub_sub_district(
        &self,
        request: &types::SubSubDistrictRequest,
    ) -> Result<Vec<types::SubSubDistrict>> {
        validation::code("provinceCode", &request.province_code)?;
        validation::code("cityCode", &request.city_code)?;
        validation::code("subDistrictCode", &request.sub_district_code)?;
        validation::optional_text("subDistrictType", &request.sub_district_type)?;
        validation::optional_text("subDistrictName", &request.sub_district_name)?;
        let response = self
            .runtime()
            .send(&operations::GET_SUB_SUB_DISTRICT, || {
                self.api
                    .get_sub_sub_district(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// Post offices of a city (`getPostOffice`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::types::PostOfficeRequest;
    /// let offices = client.get_post_office(&PostOfficeRequest { city: "bandung".into() }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_post_office(
        &self,
        request: &types::PostOfficeRequest,
    ) -> Result<Vec<types::PostOffice>> {
        validation::required_text("city", &request.city)?;
        let response = self
            .runtime()
            .send(&operations::GET_POST_OFFICE, || {
                self.api
                    .get_post_office(self.password(), self.user(), request)
            })
            .await?;
        Ok(flatten(response.responses.and_then(|r| r.response)))
    }

    /// The tracking events of a parcel, oldest first; empty when the receipt
    /// number is unknown (`getTrackAndTrace`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_pos_indonesia::Client) -> mitra_pos_indonesia::Result<()> {
    /// use mitra_pos_indonesia::{TrackEventExt, types::TrackAndTraceRequest};
    /// let events = client
    ///     .get_track_and_trace(&TrackAndTraceRequest { resi: "P1807010123456".into() })
    ///     .await?;
    /// for e in &events {
    ///     println!("{:?} {}", e.event_time(), e.event_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_track_and_trace(
        &self,
        request: &types::TrackAndTraceRequest,
    ) -> Result<Vec<types::TrackEvent>> {
        validation::resi(&request.resi)?;
        let response = self
            .runtime()
            .send(&operations::GET_TRACK_AND_TRACE, || {
                self.api
                    .get_track_and_trace(self.password(), self.user(), request)
            })
            .await?;
        Ok(track_events(response))
    }
}
