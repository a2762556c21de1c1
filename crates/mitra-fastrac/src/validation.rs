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

fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// Weight above 0 grams and each dimension above 0 cm.
fn measures(
    field: &'static str,
    name: &str,
    weight: f64,
    dims: [(&str, f64); 3],
) -> Result<(), Error> {
    if !positive(weight) {
        return Err(Error::validation(
            field,
            format!("the weight of {name:?} must be more than 0 grams"),
        ));
    }
    for (what, value) in dims {
        if !positive(value) {
            return Err(Error::validation(
                field,
                format!("the {what} of {name:?} must be more than 0 cm"),
            ));
        }
    }
    Ok(())
}

/// The items of an express tariff: a name, measures above 0, a value not
/// negative (and given when COD or insurance is asked: `value_needed`).
pub(crate) fn tariff_items(
    field: &'static str,
    items: &[types::TariffItem],
    value_needed: bool,
) -> Result<(), Error> {
    // At least one item, each value not negative: the spec's limits
    // (`minItems`, `minimum`), checked by the generated `check_limits`.
    for item in items {
        required(field, &item.name)
            .map_err(|_| Error::validation(field, "every item needs a name"))?;
        measures(
            field,
            &item.name,
            item.weight,
            [
                ("width", item.width),
                ("height", item.height),
                ("length", item.length),
            ],
        )?;
        if value_needed && item.value.is_none() {
            return Err(Error::validation(
                field,
                format!(
                    "the value of {:?} is needed when cod or insurance is \"1\"",
                    item.name
                ),
            ));
        }
    }
    Ok(())
}

/// The items of a multi-item calculation.
pub(crate) fn multi_items(field: &'static str, items: &[types::MultiItem]) -> Result<(), Error> {
    // At least one item: the spec's `minItems`, checked by `check_limits`.
    items.iter().try_for_each(|item| {
        required(field, &item.name)
            .map_err(|_| Error::validation(field, "every item needs a name"))?;
        measures(
            field,
            &item.name,
            item.weight,
            [
                ("width", item.width),
                ("height", item.height),
                ("length", item.length),
            ],
        )
    })
}

/// The package of an instant tariff: weight above 0, dimensions (if given)
/// above 0 (its value is the spec's `minimum`, checked by `check_limits`).
pub(crate) fn package(field: &'static str, package: &types::Package) -> Result<(), Error> {
    if !positive(package.weight) {
        return Err(Error::validation(
            field,
            "the weight must be more than 0 grams",
        ));
    }
    for (what, value) in [
        ("width", package.width),
        ("height", package.height),
        ("length", package.length),
    ] {
        if value.is_some_and(|v| !positive(v)) {
            return Err(Error::validation(
                field,
                format!("the {what} must be more than 0 cm"),
            ));
        }
    }
    Ok(())
}

/// The one item of an express order: name, description and category (its
/// value not negative and its weight of at least 1000 grams, Fastrac's
/// minimum, are the spec's `minimum`s, checked by `check_limits`).
pub(crate) fn express_item(field: &'static str, item: &types::ExpressItem) -> Result<(), Error> {
    required(field, &item.name).map_err(|_| Error::validation(field, "name is required"))?;
    required(field, &item.desc).map_err(|_| Error::validation(field, "desc is required"))?;
    required(field, &item.category)
        .map_err(|_| Error::validation(field, "category is required"))?;
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
    Ok(())
}

/// The item of an instant order: name, description and category.
pub(crate) fn instant_item(field: &'static str, item: &types::InstantItem) -> Result<(), Error> {
    required(field, &item.name).map_err(|_| Error::validation(field, "name is required"))?;
    required(field, &item.desc).map_err(|_| Error::validation(field, "desc is required"))?;
    required(field, &item.category)
        .map_err(|_| Error::validation(field, "category is required"))?;
    if item.weight.is_some_and(|v| !positive(v)) {
        return Err(Error::validation(
            field,
            "the weight must be more than 0 grams",
        ));
    }
    // Its value: the spec's `minimum`, checked by `check_limits`.
    Ok(())
}

fn region_text(field: &'static str, id: &str) -> Result<(), Error> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(field, "id must be a region id (digits)"));
    }
    Ok(())
}

fn coordinates(field: &'static str, lat: &str, lng: &str) -> Result<(), Error> {
    let coord =
        |text: &str, limit: f64| text.trim().parse::<f64>().ok().filter(|v| v.abs() <= limit);
    if coord(lat, 90.0).is_none() || coord(lng, 180.0).is_none() {
        return Err(Error::validation(
            field,
            "lat and lng must be coordinates, e.g. \"-6.2\" and \"106.8\"",
        ));
    }
    Ok(())
}

/// The origin or destination of an instant delivery: a numeric id,
/// coordinates, both addresses.
pub(crate) fn location(field: &'static str, loc: &types::Location) -> Result<(), Error> {
    region_text(field, &loc.id)?;
    coordinates(field, &loc.lat, &loc.lng)?;
    required(field, &loc.alamat_lengkap)
        .map_err(|_| Error::validation(field, "alamat_lengkap is required"))?;
    required(field, &loc.alamat_google)
        .map_err(|_| Error::validation(field, "alamat_google is required"))
}

/// The optional stop of an instant delivery: what is given must be sound.
pub(crate) fn stop_location(field: &'static str, loc: &types::StopLocation) -> Result<(), Error> {
    if let Some(id) = &loc.id {
        region_text(field, id)?;
    }
    match (&loc.lat, &loc.lng) {
        (None, None) => Ok(()),
        (Some(lat), Some(lng)) => coordinates(field, lat, lng),
        _ => Err(Error::validation(field, "lat and lng go together")),
    }
}

/// 8 to 15 digits; in `international` form with the country code, not a
/// leading 0 (`62812345678`, as the instant order's page asks; the express
/// order's page asks for no form).
fn phone(field: &'static str, phone: &str, international: bool) -> Result<(), Error> {
    let phone = phone.trim_start_matches('+');
    if !(8..=15).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            field,
            "phone must be 8 to 15 digits, e.g. 62812345678",
        ));
    }
    if international && phone.starts_with('0') {
        return Err(Error::validation(
            field,
            "phone must be in international form, with the country code: 62812345678, not 0812345678",
        ));
    }
    Ok(())
}

/// The shipper or receiver of an express order.
pub(crate) fn express_party(field: &'static str, party: &types::ExpressParty) -> Result<(), Error> {
    required(field, &party.name).map_err(|_| Error::validation(field, "name is required"))?;
    required(field, &party.address).map_err(|_| Error::validation(field, "address is required"))?;
    phone(field, &party.phone, false)?;
    positive_id(field, party.region_id)
}

/// The shipper or receiver of an instant order: also an e-mail address.
pub(crate) fn instant_party(field: &'static str, party: &types::InstantParty) -> Result<(), Error> {
    required(field, &party.name).map_err(|_| Error::validation(field, "name is required"))?;
    required(field, &party.address).map_err(|_| Error::validation(field, "address is required"))?;
    let email = party.email.trim();
    let at = email.find('@');
    if !at.is_some_and(|i| i > 0 && i + 1 < email.len()) || email.contains(char::is_whitespace) {
        return Err(Error::validation(
            field,
            "email must be an e-mail address, e.g. toko@example.com",
        ));
    }
    phone(field, &party.phone, true)
}

/// The optional stop of an instant order: its phone, if given, in
/// international form.
pub(crate) fn instant_stop(field: &'static str, stop: &types::InstantStop) -> Result<(), Error> {
    match &stop.phone {
        Some(p) => phone(field, p, true),
        None => Ok(()),
    }
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
