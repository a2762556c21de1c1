//! Input checks, run before anything is sent.

use mitra_core::Error;

pub(crate) fn required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, something before it, a dotted domain
/// after it, no spaces.
pub(crate) fn email(value: &str) -> Result<(), Error> {
    let plausible = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if plausible {
        Ok(())
    } else {
        Err(Error::validation(
            "email",
            "is not a plausible e-mail address",
        ))
    }
}

/// A phone number: digits only, 6 to 15 of them.
pub(crate) fn phone(value: &str) -> Result<(), Error> {
    if (6..=15).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::validation(
            "no_telp",
            "must be 6 to 15 digits, e.g. 081234567890",
        ))
    }
}

pub(crate) fn password(value: &str) -> Result<(), Error> {
    if value.chars().count() < 6 {
        Err(Error::validation(
            "password",
            "must be at least 6 characters",
        ))
    } else {
        Ok(())
    }
}

/// A non-negative amount: digits, optionally with a decimal part.
pub(crate) fn amount(field: &'static str, value: &str) -> Result<(), Error> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(whole) && digits(fraction) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            "must be a non-negative number, e.g. 150000",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "priyanga27+sobat33@gmail.com"] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.co", "a@b@c.co", "a@b..co",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_and_phones() {
        assert!(amount("x", "150000").is_ok());
        assert!(amount("x", "150000.50").is_ok());
        for bad in ["", "-1", "1e5", "1.", ".5", "abc"] {
            assert!(amount("x", bad).is_err(), "{bad}");
        }
        assert!(phone("081234567890").is_ok());
        assert!(phone("+6281234").is_err());
        assert!(phone("0812-3456").is_err());
    }
}
