//! The rules the spec names for Fastrac's operations: what each returns
//! (`x-mitra-returns`: the envelope's `data`, raw JSON where Fastrac
//! published no shape) and the checks before sending (`x-mitra-validate`).
//! The vendor's message of every successful call is logged, as the partner
//! document asks (request, status and latency are logged by the runtime).

use mitra_core::Error;
use mitra_core::plumbing::{FromWire, ResponseWire, Validate};
use serde_json::Value;

use crate::{types, validation};

/// The message is bounded and its long digit runs (phone numbers, AWBs
/// with personal data) masked, like every vendor text that reaches a log.
fn log_ok(message: Option<&str>) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        let message = mitra_core::decode::bounded(message.unwrap_or(""));
        tracing::debug!(
            vendor = "fastrac",
            vendor_message = message.as_str(),
            "fastrac response"
        );
    }
}

impl FromWire<types::RawListEnvelope> for Vec<Value> {
    fn from_wire(env: types::RawListEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env
            .data
            .unwrap_or_default()
            .into_iter()
            .map(Value::from)
            .collect())
    }
}

impl FromWire<types::RawEnvelope> for Value {
    fn from_wire(env: types::RawEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.map(Value::from).unwrap_or(Value::Null))
    }
}

impl FromWire<types::CityEnvelope> for Vec<types::City> {
    fn from_wire(env: types::CityEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }
}

impl FromWire<types::DistrictEnvelope> for Vec<types::District> {
    fn from_wire(env: types::DistrictEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }
}

/// With or without the usual envelope.
impl FromWire<types::CourierServiceResponse> for types::CourierServices {
    fn from_wire(response: types::CourierServiceResponse) -> Result<Self, Error> {
        Ok(match response {
            types::CourierServiceResponse::Envelope(env) => {
                log_ok(env.message.as_deref());
                env.data
            }
            types::CourierServiceResponse::Lists(lists) => types::CourierServices {
                express_delivery: lists.express_delivery,
                instant_delivery: lists.instant_delivery,
            },
        })
    }
}

impl FromWire<types::TariffInstantEnvelope> for Vec<types::TariffOption> {
    fn from_wire(env: types::TariffInstantEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }
}

impl FromWire<types::TariffExpressEnvelope> for types::ExpressTariffs {
    fn from_wire(env: types::TariffExpressEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }
}

impl FromWire<types::OrderEnvelope> for types::Order {
    fn from_wire(env: types::OrderEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data)
    }
}

impl FromWire<types::MultiItemsEnvelope> for types::MultiItems {
    fn from_wire(env: types::MultiItemsEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data)
    }
}

impl FromWire<types::TrackOrderEnvelope> for types::Tracking {
    fn from_wire(env: types::TrackOrderEnvelope) -> Result<Self, Error> {
        log_ok(env.message.as_deref());
        Ok(env.data.unwrap_or_default())
    }
}

impl Validate for types::SearchRegionRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("keyword", &self.keyword)
    }
}

impl Validate for types::TariffExpressRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::positive_id("origin", self.origin)?;
        validation::positive_id("destination", self.destination)?;
        let value_needed = is_set(self.cod) || is_set(self.insurance);
        // `cod_amount` not negative: the spec's `minimum` (`check_limits`).
        validation::tariff_items("items", &self.items, value_needed)
    }
}

fn is_set(flag: Option<mitra_core::Flag>) -> bool {
    flag.is_some_and(mitra_core::Flag::get)
}

impl Validate for types::TariffInstantRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::location("origin", &self.origin)?;
        validation::location("destination", &self.destination)?;
        if let Some(stop) = &self.stop {
            validation::stop_location("stop", stop)?;
        }
        validation::package("package", &self.package)
    }
}

impl Validate for types::MultiItemsRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("courier", &self.courier)?;
        validation::multi_items("items", &self.items)
    }
}

impl Validate for types::OrderExpressRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("courier_code", &self.courier_code)?;
        validation::required("code_service", &self.code_service)?;
        validation::express_party("shipper", &self.shipper)?;
        validation::express_party("receiver", &self.receiver)?;
        validation::express_item("item", &self.item)?;
        if self.cod.get() && self.cod_amount.is_none() {
            return Err(Error::validation(
                "cod_amount",
                "is required when cod is \"1\"",
            ));
        }
        if self.pickup.get() {
            for (field, value) in [
                ("pickup_start", &self.pickup_start),
                ("pickup_end", &self.pickup_end),
            ] {
                if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                    return Err(Error::validation(
                        field,
                        "is required when pickup is \"1\" (YYYY-MM-DD HH:mm:ss)",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Validate for types::OrderInstantRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("courier_code", &self.courier_code)?;
        validation::required("tariff_id", &self.tariff_id)?;
        validation::instant_party("shipper", &self.shipper)?;
        validation::instant_party("receiver", &self.receiver)?;
        if let Some(stop) = &self.stop {
            validation::instant_stop("stop", stop)?;
        }
        validation::instant_item("item", &self.item)
    }
}

impl Validate for types::CancelOrderRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("courier_code", &self.courier_code)?;
        validation::required("awb", &self.awb)?;
        validation::cancel_reason(&self.cancel_reason)
    }
}

impl Validate for types::TrackOrderRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::required("courier_code", &self.courier_code)?;
        validation::required("awb", &self.awb)
    }
}

impl Validate for types::BalanceHistoryRequest {
    fn validate(&self) -> Result<(), Error> {
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && start > end
        {
            return Err(Error::validation(
                "start_date",
                "must not be after end_date",
            ));
        }
        Ok(())
    }
}

// The inverses, for typed mocks (`then.ok(&cities)`): Fastrac's envelope
// around a value, so that `FromWire` gives the value back.

fn envelope<W: serde::de::DeserializeOwned>(data: Value) -> W {
    mitra_core::plumbing::wire_from_json(
        serde_json::json!({ "success": true, "message": "OK", "data": data }),
    )
}

macro_rules! enveloped {
    ($($wire:ident => $user:ty),* $(,)?) => {$(
        impl ResponseWire<types::$wire> for $user {
            fn response_wire(&self) -> types::$wire {
                envelope(serde_json::json!(self))
            }
        }
    )*};
}

enveloped! {
    RawListEnvelope => [Value],
    RawEnvelope => Value,
    CityEnvelope => [types::City],
    DistrictEnvelope => [types::District],
    CourierServiceResponse => types::CourierServices,
    TariffInstantEnvelope => [types::TariffOption],
    TariffExpressEnvelope => types::ExpressTariffs,
    OrderEnvelope => types::Order,
    MultiItemsEnvelope => types::MultiItems,
    TrackOrderEnvelope => types::Tracking,
}
