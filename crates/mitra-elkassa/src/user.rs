//! ELKASSA's user object, which repeats a key, and its user type.

use std::fmt;

use mitra_core::tolerant::{ListSeed, Seed};
use mitra_core::{Lenient, LenientInt, WibDateTime};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::types::Cabang;
use mitra_core::tolerant::Shape;

/// Retail or wholesale (grosir); sent as `"0"` / `"1"`.
///
/// Open for answers: a user type ELKASSA adds later is kept as sent in
/// [`Unknown`](Self::Unknown) (and reported as a difference from the spec),
/// so one new value does not lose the whole user list. A request may only
/// send the spec's two values.
///
/// ```
/// use mitra_elkassa::UserType;
/// assert_eq!(serde_json::from_str::<UserType>("\"1\"").unwrap(), UserType::Grosir);
/// assert_eq!(serde_json::from_str::<UserType>("0").unwrap(), UserType::Retail);
/// assert_eq!(serde_json::from_str::<UserType>("\"2\"").unwrap().as_str(), "2");
/// assert_eq!(serde_json::to_string(&UserType::Grosir).unwrap(), "\"1\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserType {
    /// `0`: retail.
    Retail,
    /// `1`: grosir (wholesale).
    Grosir,
    /// A value the spec does not list, as ELKASSA sent it.
    Unknown(String),
}

/// The tolerant reader's names for the user's values (any distinct numbers).
mod site {
    pub const USER_TYPE: u32 = 0xE1CA_0001;
    pub const REGISTRATION_ID: u32 = 0xE1CA_0002;
    pub const TEXT: u32 = 0xE1CA_0003;
    pub const CABANGS: u32 = 0xE1CA_0004;
}

impl UserType {
    /// The wire code: `0`, `1`, or the unknown value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Retail => "0",
            Self::Grosir => "1",
            Self::Unknown(code) => code,
        }
    }

    /// The wire code (as [`as_str`](Self::as_str)).
    pub fn code(&self) -> &str {
        self.as_str()
    }

    /// The user type for a wire code, if it is one the spec lists (`0` or `1`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "0" => Some(Self::Retail),
            "1" => Some(Self::Grosir),
            _ => None,
        }
    }

    /// Refuses a type the spec does not list: requests send only `0` or `1`.
    pub(crate) fn for_request(&self) -> Result<Self, mitra_core::Error> {
        match self {
            Self::Unknown(_) => Err(mitra_core::Error::validation(
                "user_type",
                "must be 0 (retail) or 1 (grosir)",
            )),
            known => Ok(known.clone()),
        }
    }
}

impl fmt::Display for UserType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The spec says a string ("0"); a number (0) is tolerated, and reported.
        let code: String = mitra_core::tolerant::read::<_, _, { site::USER_TYPE }>(d)?;
        Ok(match Self::from_code(&code) {
            Some(known) => known,
            None => {
                mitra_core::tolerant::tolerated::<D::Error>(
                    site::USER_TYPE,
                    "one of the spec's values",
                    "another value",
                )?;
                Self::Unknown(code)
            }
        })
    }
}

/// A registered ELKASSA user.
///
/// The vendor sends the key `user_type_desc` twice: first the user type's
/// name (`Retail`), then the account status (`ACTIVE`). Both are kept, in
/// [`user_type_desc`](Self::user_type_desc) and
/// [`account_status`](Self::account_status); with a single
/// `user_type_desc`, it is the user type's name when it names one, the
/// account status otherwise.
#[derive(Clone, PartialEq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct User {
    /// Registration id, e.g. `ELK44552`.
    pub registration_id: String,
    /// E-mail address.
    pub email: Option<String>,
    /// When the user registered (WIB); the text as sent when it is not a
    /// date (`0000-00-00 00:00:00`), so that one odd value does not sink the
    /// list.
    pub registered_date: Option<Lenient<WibDateTime>>,
    /// Retail or grosir.
    pub user_type: Option<UserType>,
    /// The first `user_type_desc`: the user type's name (`Retail`).
    pub user_type_desc: Option<String>,
    /// The second `user_type_desc`: the account status (`ACTIVE`).
    pub account_status: Option<String>,
    /// Contract id.
    pub contract_id: Option<i64>,
    /// When the contract expires (WIB); the text as sent when it is not a
    /// date.
    pub expired_date: Option<Lenient<WibDateTime>>,
    /// Contract description, e.g. `6 Bulan`.
    pub contract_notes: Option<String>,
    /// Shop name.
    pub toko_name: Option<String>,
    /// Shop address.
    pub toko_address: Option<String>,
    /// The shop's branches.
    pub cabangs: Vec<Cabang>,
}

/// The e-mail address and the shop's name and address are personal data:
/// `Debug` masks them.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |v: &Option<String>| v.as_ref().map(|_| mitra_core::redact::PERSONAL);
        f.debug_struct("User")
            .field("registration_id", &self.registration_id)
            .field("email", &masked(&self.email))
            .field("registered_date", &self.registered_date)
            .field("user_type", &self.user_type)
            .field("user_type_desc", &self.user_type_desc)
            .field("account_status", &self.account_status)
            .field("contract_id", &self.contract_id)
            .field("expired_date", &self.expired_date)
            .field("contract_notes", &self.contract_notes)
            .field("toko_name", &masked(&self.toko_name))
            .field("toko_address", &masked(&self.toko_address))
            .field("cabangs", &self.cabangs)
            .finish()
    }
}

impl Serialize for User {
    /// Serialises with the account status under its own name (`account_status`),
    /// not as a second `user_type_desc`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("User", 12)?;
        st.serialize_field("registration_id", &self.registration_id)?;
        st.serialize_field("email", &self.email)?;
        st.serialize_field("registered_date", &self.registered_date)?;
        st.serialize_field("user_type", &self.user_type)?;
        st.serialize_field("user_type_desc", &self.user_type_desc)?;
        st.serialize_field("account_status", &self.account_status)?;
        st.serialize_field("contract_id", &self.contract_id)?;
        st.serialize_field("expired_date", &self.expired_date)?;
        st.serialize_field("contract_notes", &self.contract_notes)?;
        st.serialize_field("toko_name", &self.toko_name)?;
        st.serialize_field("toko_address", &self.toko_address)?;
        st.serialize_field("cabangs", &self.cabangs)?;
        st.end()
    }
}

/// Known names of user types, to tell a lone `user_type_desc` apart.
fn names_a_user_type(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "retail" | "grosir"
    )
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct UserVisitor;
        impl<'de> Visitor<'de> for UserVisitor {
            type Value = User;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ELKASSA user object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<User, A::Error> {
                let mut user = User::default();
                let mut registration_id = None;
                let mut descs: Vec<String> = Vec::new();
                // `null` counts as absent for every field.
                fn opt<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
                    map: &mut A,
                ) -> Result<Option<T>, A::Error> {
                    map.next_value::<Option<T>>()
                }
                // Text the vendor may send as a number: read tolerantly.
                fn text<'de, A: MapAccess<'de>>(
                    map: &mut A,
                    site: u32,
                ) -> Result<Option<String>, A::Error> {
                    map.next_value_seed(Seed::<Option<String>>::at(site))
                }
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "registration_id" => {
                            registration_id = text(&mut map, site::REGISTRATION_ID)?
                        }
                        "email" => user.email = text(&mut map, site::TEXT)?,
                        "registered_date" => user.registered_date = opt(&mut map)?,
                        "user_type" => user.user_type = opt(&mut map)?,
                        "account_status" => user.account_status = text(&mut map, site::TEXT)?,
                        "user_type_desc" => descs.extend(text(&mut map, site::TEXT)?),
                        "contract_id" => {
                            user.contract_id = opt::<LenientInt, A>(&mut map)?.map(LenientInt::get)
                        }
                        "expired_date" => user.expired_date = opt(&mut map)?,
                        "contract_notes" => user.contract_notes = text(&mut map, site::TEXT)?,
                        "toko_name" => user.toko_name = text(&mut map, site::TEXT)?,
                        "toko_address" => user.toko_address = text(&mut map, site::TEXT)?,
                        "cabangs" => {
                            // One branch alone is a list of one.
                            user.cabangs = map
                                .next_value_seed(ListSeed::<Cabang>::at(site::CABANGS))?
                                .unwrap_or_default()
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                user.registration_id =
                    registration_id.ok_or_else(|| de::Error::missing_field("registration_id"))?;
                let mut descs = descs.into_iter();
                match (descs.next(), descs.next()) {
                    (Some(first), Some(second)) => {
                        user.user_type_desc = Some(first);
                        user.account_status = Some(second);
                    }
                    (Some(only), None) if names_a_user_type(&only) => {
                        user.user_type_desc = Some(only)
                    }
                    (Some(only), None) => {
                        user.account_status.get_or_insert(only);
                    }
                    _ => {}
                }
                Ok(user)
            }
        }
        d.deserialize_map(UserVisitor)
    }
}

/// The keys `User`'s `Deserialize` reads, for the look for unknown fields.
impl mitra_core::tolerant::Known for User {
    const SHAPE: &'static Shape = &Shape::Object {
        fields: &[
            ("registration_id", &Shape::Any),
            ("email", &Shape::Any),
            ("registered_date", &Shape::Any),
            ("user_type", &Shape::Any),
            ("account_status", &Shape::Any),
            ("user_type_desc", &Shape::Any),
            ("contract_id", &Shape::Any),
            ("expired_date", &Shape::Any),
            ("contract_notes", &Shape::Any),
            ("toko_name", &Shape::Any),
            ("toko_address", &Shape::Any),
            (
                "cabangs",
                <Vec<Cabang> as mitra_core::tolerant::Known>::SHAPE,
            ),
        ],
        open: false,
    };
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for UserType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UserType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "description": "0 retail, 1 grosir; another value is kept as sent"})
    }
}
