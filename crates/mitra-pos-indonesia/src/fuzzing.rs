//! Entry point for fuzzing and property tests: every decoder of this crate
//! on arbitrary bytes. Not part of the API.

use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Runs every response decoder and error parser on `body` as if it came with
/// `status`. It must return (never panic, never hang) whatever the bytes;
/// the error it builds must not contain more than bounded text.
pub fn decode(status: u16, body: &[u8]) {
    let _ = serde_json::from_slice::<crate::types::PostalCodeResponse>(body);
    let _ = serde_json::from_slice::<crate::types::ProvinceResponse>(body);
    let _ = serde_json::from_slice::<crate::types::CityResponse>(body);
    let _ = serde_json::from_slice::<crate::types::SubDistrictResponse>(body);
    let _ = serde_json::from_slice::<crate::types::SubSubDistrictResponse>(body);
    let _ = serde_json::from_slice::<crate::types::PostOfficeResponse>(body);
    let _ = serde_json::from_slice::<crate::types::TrackAndTraceResponse>(body);
    let _ = serde_json::from_slice::<crate::types::TokenResponse>(body);
    let _ = serde_json::from_slice::<crate::types::GatewayFaultBody>(body);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let decoder = crate::fault::PosDecoder;
    let error = decoder.error_response(status, &HeaderMap::new(), body);
    assert!(error.to_string().len() < 4096, "error text is bounded");
    if let Some(error) = decoder.error_in_success(status, body) {
        assert!(error.to_string().len() < 4096, "error text is bounded");
    }
    assert!(decoder.excerpt(body).len() <= mitra_core::decode::MAX_EXCERPT_BYTES + 4);
}
