//! Normalising the gateway's "one object, a list, or null" into `Vec`s.

use chrono::NaiveDateTime;

use crate::types::{self, TrackEvent};

/// Turns a generated "one item or a list" value into a `Vec`.
pub(crate) trait OneOrMany {
    type Item;
    fn into_vec(self) -> Vec<Self::Item>;
}

macro_rules! one_or_many {
    ($($enum:ident => $item:ident),* $(,)?) => {$(
        impl OneOrMany for types::$enum {
            type Item = types::$item;
            fn into_vec(self) -> Vec<types::$item> {
                match self {
                    types::$enum::NoMatch(_) => Vec::new(),
                    types::$enum::$item(one) => vec![one],
                    types::$enum::Array(many) => many,
                }
            }
        }
    )*};
}

one_or_many! {
    PostalCodeResponseResponsesResponse => PostalCode,
    ProvinceResponseResponsesResponse => Province,
    CityResponseResponsesResponse => City,
    SubDistrictResponseResponsesResponse => SubDistrict,
    SubSubDistrictResponseResponsesResponse => SubSubDistrict,
    PostOfficeResponseResponsesResponse => PostOffice,
    TrackAndTraceResponseRsTntRTnt => TrackEvent,
    TrackAndTraceResponseResponseData => TrackEventV2,
    FeeResponseRsFeeRFee => Fee,
}

/// `responses.response` of a lookup, as a `Vec` (empty when either is null).
pub(crate) fn flatten<T: OneOrMany>(response: Option<T>) -> Vec<T::Item> {
    response.map(OneOrMany::into_vec).unwrap_or_default()
}

macro_rules! lookup_returns_list {
    ($($response:ident => $item:ident),* $(,)?) => {$(
        /// `responses.response` as a `Vec`, empty when either is null.
        impl mitra_core::plumbing::FromWire<types::$response> for Vec<types::$item> {
            fn from_wire(wire: types::$response) -> Result<Self, mitra_core::Error> {
                Ok(flatten(wire.responses.and_then(|r| r.response)))
            }
        }
    )*};
}

lookup_returns_list! {
    PostalCodeResponse => PostalCode,
    ProvinceResponse => Province,
    CityResponse => City,
    SubDistrictResponse => SubDistrict,
    SubSubDistrictResponse => SubSubDistrict,
    PostOfficeResponse => PostOffice,
}

/// The code by which getFee says it has no tariff for the route.
const NO_TARIFF: &str = "999";

/// `rs_fee.r_fee` as a `Vec`: empty when it is null or when the gateway
/// says it has no tariff (`serviceCode` 999, "Tarif tidak ditemukan").
impl mitra_core::plumbing::FromWire<types::FeeResponse> for Vec<types::Fee> {
    fn from_wire(wire: types::FeeResponse) -> Result<Self, mitra_core::Error> {
        let mut fees = flatten(wire.rs_fee.and_then(|f| f.r_fee));
        fees.retain(|fee| fee.service_code != NO_TARIFF);
        Ok(fees)
    }
}

/// For typed mocks: the fees as `rs_fee.r_fee`, a list.
impl mitra_core::plumbing::ResponseWire<types::FeeResponse> for [types::Fee] {
    fn response_wire(&self) -> types::FeeResponse {
        mitra_core::plumbing::wire_from_json(serde_json::json!({ "rs_fee": { "r_fee": self } }))
    }
}

/// The events of a tracking response in either of its two formats.
impl mitra_core::plumbing::FromWire<types::TrackAndTraceResponse> for Vec<TrackEvent> {
    fn from_wire(wire: types::TrackAndTraceResponse) -> Result<Self, mitra_core::Error> {
        Ok(track_events(wire))
    }
}

/// The events of a tracking response in either of its two formats.
pub(crate) fn track_events(response: types::TrackAndTraceResponse) -> Vec<TrackEvent> {
    let mut events = flatten(response.rs_tnt.and_then(|t| t.r_tnt));
    events.extend(
        flatten(response.response.and_then(|r| r.data))
            .into_iter()
            .map(|e| TrackEvent {
                barcode: e.barcode,
                description: e.description,
                event_date: e.event_date.unwrap_or_default(),
                event_name: e.event_name.or(e.status).unwrap_or_default(),
                office: e.office_name,
                office_code: e.office_code,
            }),
    );
    events
}

/// Reading a tracking event's fields.
pub trait TrackEventExt {
    /// `eventDate` as a date-time in local Indonesian time (WIB; the gateway
    /// sends no zone), or `None` if it is not `YYYY-MM-DD HH:MM:SS`.
    fn event_time(&self) -> Option<NaiveDateTime>;
    /// The lines of `description` (the gateway separates them with `~~`).
    fn description_lines(&self) -> Vec<&str>;
}

impl TrackEventExt for TrackEvent {
    fn event_time(&self) -> Option<NaiveDateTime> {
        mitra_core::WibDateTime::parse(&self.event_date).map(|t| t.naive())
    }

    fn description_lines(&self) -> Vec<&str> {
        self.description
            .as_deref()
            .map(|d| {
                d.split("~~")
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

macro_rules! lookup_mocks_list {
    ($($response:ident => $item:ident),* $(,)?) => {$(
        /// For typed mocks: the items as `responses.response`, a list.
        impl mitra_core::plumbing::ResponseWire<types::$response> for [types::$item] {
            fn response_wire(&self) -> types::$response {
                mitra_core::plumbing::wire_from_json(
                    serde_json::json!({ "responses": { "response": self } }),
                )
            }
        }
    )*};
}

lookup_mocks_list! {
    PostalCodeResponse => PostalCode,
    ProvinceResponse => Province,
    CityResponse => City,
    SubDistrictResponse => SubDistrict,
    SubSubDistrictResponse => SubSubDistrict,
    PostOfficeResponse => PostOffice,
}

/// For typed mocks: the events in the first of the two formats.
impl mitra_core::plumbing::ResponseWire<types::TrackAndTraceResponse> for [TrackEvent] {
    fn response_wire(&self) -> types::TrackAndTraceResponse {
        mitra_core::plumbing::wire_from_json(serde_json::json!({ "rs_tnt": { "r_tnt": self } }))
    }
}
