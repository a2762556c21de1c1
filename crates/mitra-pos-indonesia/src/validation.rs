//! Input checks, run before anything is sent.

use mitra_core::Error;
use mitra_core::plumbing::Validate;

use crate::types;

/// The longest free-text search term accepted.
const MAX_TEXT: usize = 100;

/// `value` must not be blank, nor longer than [`MAX_TEXT`] characters.
pub(crate) fn required_text(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    optional_text(field, value)
}

/// `value` may be empty but not longer than [`MAX_TEXT`] characters nor hold
/// control characters.
pub(crate) fn optional_text(field: &'static str, value: &str) -> Result<(), Error> {
    if value.chars().count() > MAX_TEXT {
        return Err(Error::validation(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A region code: digits only, e.g. `32` or `3273`.
pub(crate) fn code(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    optional_code(field, value)
}

/// A region code or nothing (empty means "all").
pub(crate) fn optional_code(field: &'static str, value: &str) -> Result<(), Error> {
    if value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(field, "must be digits only, e.g. \"32\""));
    }
    Ok(())
}

/// A receipt number: 5 to 50 letters and digits.
pub(crate) fn resi(value: &str) -> Result<(), Error> {
    let ok_len = (5..=50).contains(&value.len());
    if !ok_len || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::validation(
            "resi",
            "must be 5 to 50 letters and digits, e.g. \"P1807010123456\"",
        ));
    }
    Ok(())
}

// The rules of each request (`x-mitra-validate` in the spec).

impl Validate for types::FeeRequest {
    fn validate(&self) -> Result<(), Error> {
        // The postal codes and the weight are checked by their types.
        if self.valuegoods.is_some_and(|v| v < 0) {
            return Err(Error::validation("valuegoods", "must not be negative"));
        }
        for (name, size) in [
            ("length", self.length),
            ("width", self.width),
            ("height", self.height),
            ("diameter", self.diameter),
        ] {
            if size.is_some_and(|s| !s.is_finite() || s < 0.0) {
                return Err(Error::validation(
                    name,
                    "must be a size in centimetres, 0 or more",
                ));
            }
        }
        Ok(())
    }
}

impl Validate for types::PostalCodeRequest {
    fn validate(&self) -> Result<(), Error> {
        required_text("city", &self.city)?;
        optional_text("address", &self.address)
    }
}

impl Validate for types::ProvinceRequest {
    fn validate(&self) -> Result<(), Error> {
        optional_code("provinceCode", &self.province_code)?;
        if let Some(name) = &self.province_name {
            optional_text("provinceName", name)?;
        }
        Ok(())
    }
}

impl Validate for types::CityRequest {
    fn validate(&self) -> Result<(), Error> {
        code("provinceCode", &self.province_code)?;
        optional_text("cityName", &self.city_name)
    }
}

impl Validate for types::SubDistrictRequest {
    fn validate(&self) -> Result<(), Error> {
        code("provinceCode", &self.province_code)?;
        optional_code("cityCode", &self.city_code)?;
        optional_text("subDistrictName", &self.sub_district_name)
    }
}

impl Validate for types::SubSubDistrictRequest {
    fn validate(&self) -> Result<(), Error> {
        code("provinceCode", &self.province_code)?;
        code("cityCode", &self.city_code)?;
        code("subDistrictCode", &self.sub_district_code)?;
        optional_text("subDistrictType", &self.sub_district_type)?;
        optional_text("subDistrictName", &self.sub_district_name)
    }
}

impl Validate for types::PostOfficeRequest {
    fn validate(&self) -> Result<(), Error> {
        required_text("city", &self.city)
    }
}

impl Validate for types::TrackAndTraceRequest {
    fn validate(&self) -> Result<(), Error> {
        resi(&self.resi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(required_text("city", "bandung").is_ok());
        assert!(required_text("city", "  ").is_err());
        assert!(required_text("city", &"x".repeat(101)).is_err());
        assert!(optional_text("cityName", "").is_ok());
        assert!(optional_text("cityName", "a\nb").is_err());
        assert!(code("provinceCode", "32").is_ok());
        assert!(code("provinceCode", "").is_err());
        assert!(code("provinceCode", "3a").is_err());
        assert!(optional_code("cityCode", "").is_ok());
        assert!(resi("P1807010123456").is_ok());
        assert!(resi("P18 07").is_err());
        assert!(resi("abc").is_err());
    }
}
