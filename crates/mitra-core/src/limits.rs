//! The limits a spec states for a request body (`minimum`, `maximum`,
//! `exclusiveMinimum`, `minItems`, `maxItems`) that its generated types do
//! not hold themselves, checked before anything is sent. `cargo xtask
//! generate` writes one [`CheckLimits`] impl per request body that has such
//! limits, each check naming the field by its path in the body
//! (`items[].weight`); a vendor crate's hand-written `Validate` keeps only
//! the rules across fields.

use crate::Error;

/// A request body whose spec limits are checked before it is sent.
pub trait CheckLimits {
    /// [`Error::Validation`] naming the first field outside its limits.
    fn check_limits(&self) -> Result<(), Error>;
}

/// A number of a body, however its type holds it (`None`: an optional
/// field left out, which no limit applies to).
pub trait Number {
    /// The value, as a float for comparing with the spec's limit.
    fn number(&self) -> Option<f64>;
}

macro_rules! number {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
number!(i64, u64, i32, u32, f64, f32);

impl Number for std::num::NonZeroU64 {
    #[allow(clippy::cast_precision_loss)]
    fn number(&self) -> Option<f64> {
        Some(self.get() as f64)
    }
}

impl<T: Number> Number for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Number::number)
    }
}

/// The list of a body, present or left out (an optional list left out has
/// no items and no limit applies to it).
pub trait Items<T> {
    /// Its items; `None` when the field was left out.
    fn items(&self) -> Option<&[T]>;
}

impl<T> Items<T> for Vec<T> {
    fn items(&self) -> Option<&[T]> {
        Some(self)
    }
}

impl<T> Items<T> for Option<Vec<T>> {
    fn items(&self) -> Option<&[T]> {
        self.as_deref()
    }
}

/// Each item of a list field (none when it was left out).
pub fn each<'a, T: 'a>(list: &'a impl Items<T>) -> impl Iterator<Item = &'a T> {
    list.items().into_iter().flatten()
}

/// Each value of an optional object field (none when it was left out).
pub fn present<T>(value: &Option<T>) -> std::option::Iter<'_, T> {
    value.iter()
}

fn show(limit: f64) -> String {
    if limit.fract() == 0.0 && limit.abs() < 1e15 {
        format!("{}", limit as i64)
    } else {
        limit.to_string()
    }
}

/// `minimum` (`exclusive`: `exclusiveMinimum: true`).
pub fn minimum(
    field: &'static str,
    value: &impl Number,
    limit: f64,
    exclusive: bool,
) -> Result<(), Error> {
    match value.number() {
        // NaN satisfies no limit.
        Some(v) if v.is_nan() => Err(Error::validation(field, "must be a number")),
        Some(v) if v < limit || (exclusive && v == limit) => Err(Error::validation(
            field,
            if exclusive {
                format!("must be more than {}", show(limit))
            } else {
                format!("must be at least {}", show(limit))
            },
        )),
        _ => Ok(()),
    }
}

/// `maximum` (`exclusive`: `exclusiveMaximum: true`).
pub fn maximum(
    field: &'static str,
    value: &impl Number,
    limit: f64,
    exclusive: bool,
) -> Result<(), Error> {
    match value.number() {
        Some(v) if v.is_nan() => Err(Error::validation(field, "must be a number")),
        Some(v) if v > limit || (exclusive && v == limit) => Err(Error::validation(
            field,
            if exclusive {
                format!("must be less than {}", show(limit))
            } else {
                format!("must be at most {}", show(limit))
            },
        )),
        _ => Ok(()),
    }
}

/// `minItems`.
pub fn min_items<T>(field: &'static str, list: &impl Items<T>, min: usize) -> Result<(), Error> {
    match list.items() {
        Some(items) if items.len() < min => Err(Error::validation(
            field,
            if min == 1 {
                "needs at least one item".to_owned()
            } else {
                format!("needs at least {min} items")
            },
        )),
        _ => Ok(()),
    }
}

/// `maxItems`.
pub fn max_items<T>(field: &'static str, list: &impl Items<T>, max: usize) -> Result<(), Error> {
    match list.items() {
        Some(items) if items.len() > max => Err(Error::validation(
            field,
            format!("takes at most {max} items"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_names_its_field_and_an_absent_value_passes() {
        let err = minimum("items[].weight", &999.5_f64, 1000.0, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid items[].weight: must be at least 1000"
        );
        assert!(minimum("value", &0_i64, 0.0, false).is_ok());
        assert!(minimum("weight", &f64::NAN, 1000.0, false).is_err());
        assert!(maximum("weight", &f64::NAN, 1000.0, false).is_err());
        assert!(minimum("value", &0_i64, 0.0, true).is_err());
        assert!(minimum("cod_amount", &None::<i64>, 0.0, false).is_ok());
        assert!(minimum("cod_amount", &Some(-1_i64), 0.0, false).is_err());
        assert!(maximum("rate", &5_u64, 5.0, false).is_ok());
        assert!(maximum("rate", &5_u64, 5.0, true).is_err());
        let one: Vec<u8> = vec![1];
        assert!(
            min_items("akun", &one, 2)
                .unwrap_err()
                .to_string()
                .contains("at least 2 items")
        );
        assert!(min_items("items", &None::<Vec<u8>>, 1).is_ok());
        assert!(min_items("items", &Some(Vec::<u8>::new()), 1).is_err());
        assert!(max_items("items", &vec![1, 2, 3], 2).is_err());
        assert_eq!(each(&Some(vec![1, 2])).count(), 2);
        assert_eq!(each(&None::<Vec<u8>>).count(), 0);
    }
}
