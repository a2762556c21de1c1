//! `data` of ELKASSA's envelopes: the value, or `null`.

use crate::types;

/// The value of an envelope's `data`, `None` when it is `null` or absent.
pub(crate) trait Data {
    type Value;
    fn value(self) -> Option<Self::Value>;
}

macro_rules! data {
    ($($enum:ident => $variant:ident),* $(,)?) => {$(
        impl Data for Option<types::$enum> {
            type Value = types::$variant;
            fn value(self) -> Option<types::$variant> {
                match self? {
                    types::$enum::Nothing(_) => None,
                    types::$enum::$variant(value) => Some(value),
                }
            }
        }
    )*};
}

data! {
    RegistrationEnvelopeData => Registered,
    RegistrationDataEnvelopeData => RegistrationData,
    CheckUserEnvelopeData => Packet,
    ActivationEnvelopeData => Activated,
}
