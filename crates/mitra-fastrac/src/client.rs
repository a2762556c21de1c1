//! The client: configuration (no public base URL), auth styles, rate limit,
//! and one method per operation.

use std::time::Duration;

use mitra_core::auth::{Auth, StaticHeaders};
use mitra_core::config::{base_url, env_optional, env_secret};
use mitra_core::{Connection, Error, Operation, Result, Runtime, SecretString};
use reqwest::header::HeaderName;
use serde_json::Value;

use crate::decoder::FastracDecoder;
use crate::generated::{self, operations};
use crate::{types, validation};

/// How long a `tariff_id` from [`Client::check_tariff_instant`] stays valid.
pub const TARIFF_ID_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// How requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthStyle {
    /// V2: `Authorization: Basic base64(access_key:secret_key)` (the default).
    #[default]
    Basic,
    /// V1: headers `access-key` and `secret-key`.
    Headers,
}

/// A Fastrac client. Cheap to clone; clones share the rate limit.
#[derive(Clone, Debug)]
pub struct Client {
    api: generated::Client,
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
    base_url: Option<String>,
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
        let auth = match env_optional("MITRA_FASTRAC_AUTH")
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            None | Some("basic") => AuthStyle::Basic,
            Some("headers") => AuthStyle::Headers,
            Some(_) => {
                return Err(Error::config(
                    "MITRA_FASTRAC_AUTH must be `basic` or `headers`",
                ));
            }
        };
        Ok(ClientBuilder {
            base_url: env_optional("MITRA_FASTRAC_BASE_URL"),
            access_key: Some(env_secret("MITRA_FASTRAC_ACCESS_KEY")?),
            secret_key: Some(env_secret("MITRA_FASTRAC_SECRET_KEY")?),
            auth,
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL, which Fastrac gives with the keys (required: none is
    /// public).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    /// Sets how requests authenticate (default [`AuthStyle::Basic`]).
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
        let base = base_url(&base)?;
        let access = self
            .access_key
            .ok_or_else(|| Error::config("the Fastrac access key is required"))?;
        let secret = self
            .secret_key
            .ok_or_else(|| Error::config("the Fastrac secret key is required"))?;
        let auth = match self.auth {
            AuthStyle::Basic => Auth::basic(&access, &secret)?,
            AuthStyle::Headers => Auth::Headers(StaticHeaders::new([
                (HeaderName::from_static("access-key"), &access),
                (HeaderName::from_static("secret-key"), &secret),
            ])?),
        };
        let http = self.connection.http_client()?;
        let mut runtime = Runtime::builder("fastrac")
            .auth(auth)
            .retry(self.connection.retry().clone())
            .decoder(FastracDecoder);
        if let Some(per_second) = self.per_second {
            runtime = runtime.rate_limit(per_second);
        }
        Ok(Client {
            api: generated::Client::new_with_client(&base, http, runtime.build()),
        })
    }
}

/// Logs the vendor's message of a successful call, as the partner document
/// asks (request, status and latency are logged by the runtime).
fn log_ok(op: &Operation, message: Option<&str>) {
    tracing::debug!(
        vendor = "fastrac",
        operation = op.id,
        vendor_message = message.unwrap_or(""),
        "fastrac response"
    );
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

    /// The generated client underneath (auth and tracing hooks apply; no
    /// validation, retries or error decoding).
    pub fn generated(&self) -> &generated::Client {
        &self.api
    }

    fn runtime(&self) -> &Runtime {
        &self.api.inner
    }

    /// Provinces (`getProvince`); the shape is not published, so each is raw
    /// JSON.
    pub async fn get_province(&self) -> Result<Vec<Value>> {
        let env = self
            .runtime()
            .send(&operations::GET_PROVINCE, || self.api.get_province())
            .await?;
        log_ok(&operations::GET_PROVINCE, env.message.as_deref());
        Ok(raw_list(env))
    }

    /// Cities of a province (`getCity`).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_fastrac::Client) -> mitra_fastrac::Result<()> {
    /// for city in client.get_city(31).await? {
    ///     println!("{} {}", city.city_id, city.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_city(&self, province_id: i64) -> Result<Vec<types::City>> {
        validation::positive_id("province_id", province_id)?;
        let env = self
            .runtime()
            .send(&operations::GET_CITY, || self.api.get_city(province_id))
            .await?;
        log_ok(&operations::GET_CITY, env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }

    /// Districts of a city (`getDistrict`).
    pub async fn get_district(&self, city_id: i64) -> Result<Vec<types::District>> {
        validation::positive_id("city_id", city_id)?;
        let env = self
            .runtime()
            .send(&operations::GET_DISTRICT, || self.api.get_district(city_id))
            .await?;
        log_ok(&operations::GET_DISTRICT, env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }

    /// Sub-districts of a district (`getSubDistrict`), as raw JSON; each
    /// carries the `subdistrict_id` that tariffs take.
    pub async fn get_sub_district(&self, district_id: i64) -> Result<Vec<Value>> {
        validation::positive_id("district_id", district_id)?;
        let env = self
            .runtime()
            .send(&operations::GET_SUB_DISTRICT, || {
                self.api.get_sub_district(district_id)
            })
            .await?;
        log_ok(&operations::GET_SUB_DISTRICT, env.message.as_deref());
        Ok(raw_list(env))
    }

    /// Sub-districts of a 5-digit postal code (`getPostalCode`), as raw JSON.
    pub async fn get_postal_code(&self, postal_code: &str) -> Result<Vec<Value>> {
        let code: types::GetPostalCodePostalCode = postal_code
            .parse()
            .map_err(|_| Error::validation("postal_code", "must be 5 digits, e.g. 14450"))?;
        let env = self
            .runtime()
            .send(&operations::GET_POSTAL_CODE, || {
                self.api.get_postal_code(&code)
            })
            .await?;
        log_ok(&operations::GET_POSTAL_CODE, env.message.as_deref());
        Ok(raw_list(env))
    }

    /// Regions matching a keyword (`searchRegion`), as raw JSON; each has an
    /// `id` usable as a tariff origin or destination.
    pub async fn search_region(&self, keyword: &str) -> Result<Vec<Value>> {
        validation::required("keyword", keyword)?;
        let body = types::SearchRegionRequest {
            keyword: keyword
                .trim()
                .to_owned()
                .try_into()
                .map_err(|_| Error::validation("keyword", "is required"))?,
        };
        let env = self
            .runtime()
            .send(&operations::SEARCH_REGION, || self.api.search_region(&body))
            .await?;
        log_ok(&operations::SEARCH_REGION, env.message.as_deref());
        Ok(raw_list(env))
    }

    /// Courier services, instant and express (`getCourierService`), with or
    /// without the usual envelope.
    pub async fn get_courier_service(&self) -> Result<types::CourierServices> {
        let response = self
            .runtime()
            .send(&operations::GET_COURIER_SERVICE, || {
                self.api.get_courier_service()
            })
            .await?;
        Ok(match response {
            types::CourierServiceResponse::ServiceEnvelope(env) => {
                log_ok(&operations::GET_COURIER_SERVICE, env.message.as_deref());
                env.data
            }
            types::CourierServiceResponse::Services(services) => services,
        })
    }

    /// Express delivery tariffs (`checkTariffExpress`), as raw JSON (the
    /// shape is not published).
    pub async fn check_tariff_express(
        &self,
        request: &types::TariffExpressRequest,
    ) -> Result<Value> {
        validation::positive_id("origin", request.origin)?;
        validation::positive_id("destination", request.destination)?;
        validation::items("items", &request.items)?;
        validation::amount("cod_amount", request.cod_amount)?;
        let env = self
            .runtime()
            .send(&operations::CHECK_TARIFF_EXPRESS, || {
                self.api.check_tariff_express(request)
            })
            .await?;
        log_ok(&operations::CHECK_TARIFF_EXPRESS, env.message.as_deref());
        Ok(raw(env.data))
    }

    /// Instant delivery options (`checkTariffInstant`). Each option's
    /// `tariff_id` is valid for [`TARIFF_ID_LIFETIME`] (5 minutes): place the
    /// instant order before then.
    pub async fn check_tariff_instant(
        &self,
        request: &types::TariffInstantRequest,
    ) -> Result<Vec<types::TariffOption>> {
        validation::location("origin", &request.origin)?;
        validation::location("destination", &request.destination)?;
        if let Some(stop) = &request.stop {
            validation::location("stop", stop)?;
        }
        validation::item("package", &request.package)?;
        let env = self
            .runtime()
            .send(&operations::CHECK_TARIFF_INSTANT, || {
                self.api.check_tariff_instant(request)
            })
            .await?;
        log_ok(&operations::CHECK_TARIFF_INSTANT, env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }

    /// Total and volumetric weight of several items
    /// (`calculateMultiItems`).
    pub async fn calculate_multi_items(
        &self,
        request: &types::MultiItemsRequest,
    ) -> Result<types::MultiItems> {
        validation::items("items", &request.items)?;
        let env = self
            .runtime()
            .send(&operations::CALCULATE_MULTI_ITEMS, || {
                self.api.calculate_multi_items(request)
            })
            .await?;
        log_ok(&operations::CALCULATE_MULTI_ITEMS, env.message.as_deref());
        env.data.ok_or_else(|| Error::Decode {
            status: Some(200),
            message: "calculateMultiItems succeeded but returned no data".into(),
            excerpt: String::new(),
        })
    }

    /// Places an express order (`createOrderExpress`); the answer is raw JSON.
    ///
    /// **Never retried** once the request may have reached Fastrac: a second
    /// attempt could ship twice. After a timeout, track or list before trying
    /// again.
    pub async fn create_order_express(
        &self,
        request: &types::OrderExpressRequest,
    ) -> Result<Value> {
        validation::required("courier_code", &request.courier_code)?;
        validation::required("code_service", &request.code_service)?;
        validation::party("shipper", &request.shipper)?;
        validation::party("receiver", &request.receiver)?;
        validation::items("items", &request.items)?;
        validation::amount("cod_amount", request.cod_amount)?;
        let env = self
            .runtime()
            .send(&operations::CREATE_ORDER_EXPRESS, || {
                self.api.create_order_express(request)
            })
            .await?;
        log_ok(&operations::CREATE_ORDER_EXPRESS, env.message.as_deref());
        Ok(raw(env.data))
    }

    /// Places an instant order with a `tariff_id` at most 5 minutes old
    /// (`createOrderInstant`); the answer is raw JSON.
    ///
    /// **Never retried** once the request may have reached Fastrac.
    pub async fn create_order_instant(
        &self,
        request: &types::OrderInstantRequest,
    ) -> Result<Value> {
        validation::required("courier_code", &request.courier_code)?;
        validation::required("tariff_id", &request.tariff_id)?;
        validation::party("shipper", &request.shipper)?;
        validation::party("receiver", &request.receiver)?;
        if let Some(stop) = &request.stop {
            validation::party("stop", stop)?;
        }
        validation::item("item", &request.item)?;
        validation::amount("cod_amount", request.cod_amount)?;
        let env = self
            .runtime()
            .send(&operations::CREATE_ORDER_INSTANT, || {
                self.api.create_order_instant(request)
            })
            .await?;
        log_ok(&operations::CREATE_ORDER_INSTANT, env.message.as_deref());
        Ok(raw(env.data))
    }

    /// Cancels an order (`cancelOrder`); the reason takes 5 to 150
    /// characters. **Never retried** once the request may have reached
    /// Fastrac.
    pub async fn cancel_order(&self, courier_code: &str, awb: &str, reason: &str) -> Result<Value> {
        validation::required("courier_code", courier_code)?;
        validation::required("awb", awb)?;
        validation::cancel_reason(reason)?;
        let body =
            types::CancelOrderRequest {
                courier_code: courier_code.to_owned(),
                awb: awb.to_owned(),
                cancel_reason: reason.trim().to_owned().try_into().map_err(|_| {
                    Error::validation("cancel_reason", "must be 5 to 150 characters")
                })?,
            };
        let env = self
            .runtime()
            .send(&operations::CANCEL_ORDER, || self.api.cancel_order(&body))
            .await?;
        log_ok(&operations::CANCEL_ORDER, env.message.as_deref());
        Ok(raw(env.data))
    }

    /// The history of an order (`trackOrder`). Sent, as documented, as a
    /// **GET with a JSON body** `{"courier_code", "awb"}`.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_fastrac::Client) -> mitra_fastrac::Result<()> {
    /// let tracking = client.track_order("paxel", "CO.FASTRAC-20241205-1-R10BPJ").await?;
    /// for step in &tracking.history {
    ///     println!("{:?} {:?}", step.timestamp, step.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn track_order(&self, courier_code: &str, awb: &str) -> Result<types::Tracking> {
        validation::required("courier_code", courier_code)?;
        validation::required("awb", awb)?;
        let body = types::TrackOrderRequest {
            courier_code: courier_code.to_owned(),
            awb: awb.to_owned(),
        };
        let env = self
            .runtime()
            .send(&operations::TRACK_ORDER, || self.api.track_order(&body))
            .await?;
        log_ok(&operations::TRACK_ORDER, env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }

    /// Balance movements (`getBalanceHistory`), as raw JSON.
    pub async fn get_balance_history(
        &self,
        request: &types::BalanceHistoryRequest,
    ) -> Result<Value> {
        if let (Some(start), Some(end)) = (request.start_date, request.end_date)
            && start > end
        {
            return Err(Error::validation(
                "start_date",
                "must not be after end_date",
            ));
        }
        let env = self
            .runtime()
            .send(&operations::GET_BALANCE_HISTORY, || {
                self.api.get_balance_history(request)
            })
            .await?;
        log_ok(&operations::GET_BALANCE_HISTORY, env.message.as_deref());
        Ok(raw(env.data))
    }
}

fn raw(data: Option<types::RawData>) -> Value {
    data.map(Value::from).unwrap_or(Value::Null)
}

fn raw_list(env: types::RawListEnvelope) -> Vec<Value> {
    env.data
        .unwrap_or_default()
        .into_iter()
        .map(Value::from)
        .collect()
}
