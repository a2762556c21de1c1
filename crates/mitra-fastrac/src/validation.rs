//! Input checks, run before anything is sent.

use mitra_core::Error;

use crate::types;

pub(crate) fn required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(Error::validation(field, "is required"))
    } else {
        Ok(())
    }
}

pub(crate) fn positive_id(field: &'static str, value: i64) -> Result<(), Error> {
    if value > 0 {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            "must be a region id greater than 0",
        ))
    }
}

/// Weight above 0 grams; dimensions, if given, above 0 cm; price not negative.
pub(crate) fn item(field: &'static str, item: &types::Item) -> Result<(), Error> {
    required(field, &item.name).map_err(|_| Error::validation(field, "every item needs a name"))?;
    let positive = |v: f64| v.is_finite() && v > 0.0;
    if !positive(item.weight) {
        return Err(Error::validation(
            field,
            format!("the weight of {:?} must be more than 0 grams", item.name),
        ));
    }
    for (what, value) in [
        ("width", item.width),
        ("height", item.height),
        ("length", item.length),
    ] {
        if value.is_some_and(|v| !positive(v)) {
            return Err(Error::validation(
                field,
                format!("the {what} of {:?} must be more than 0 cm", item.name),
            ));
        }
    }
    amount(field, item.price)
}

pub(crate) fn items(field: &'static str, items: &[types::Item]) -> Result<(), Error> {
    if items.is_empty() {
        return Err(Error::validation(field, "at least one item is required"));
    }
    items.iter().try_for_each(|i| item(field, i))
}

pub(crate) fn amount(field: &'static str, value: Option<i64>) -> Result<(), Error> {
    if value.is_some_and(|v| v < 0) {
        Err(Error::validation(field, "must not be negative"))
    } else {
        Ok(())
    }
}

/// A point of an instant delivery: a numeric id and coordinates.
pub(crate) fn location(field: &'static str, loc: &types::Location) -> Result<(), Error> {
    if loc.id.is_empty() || !loc.id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(field, "id must be a region id (digits)"));
    }
    let coord =
        |text: &str, limit: f64| text.trim().parse::<f64>().ok().filter(|v| v.abs() <= limit);
    if coord(&loc.lat, 90.0).is_none() || coord(&loc.lng, 180.0).is_none() {
        return Err(Error::validation(
            field,
            "lat and lng must be coordinates, e.g. \"-6.2\" and \"106.8\"",
        ));
    }
    Ok(())
}

pub(crate) fn party(field: &'static str, party: &types::Party) -> Result<(), Error> {
    required(field, &party.name).map_err(|_| Error::validation(field, "name is required"))?;
    required(field, &party.address).map_err(|_| Error::validation(field, "address is required"))?;
    let phone = party.phone.trim_start_matches('+');
    if !(8..=15).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            field,
            "phone must be 8 to 15 digits, e.g. 62812345678",
        ));
    }
    Ok(())
}

/// The cancel reason: 5 to 150 characters.
pub(crate) fn cancel_reason(reason: &str) -> Result<(), Error> {
    let n = reason.trim().chars().count();
    if (5..=150).contains(&n) {
        Ok(())
    } else {
        Err(Error::validation(
            "cancel_reason",
            format!("must be 5 to 150 characters, not {n}"),
        ))
    }
}
