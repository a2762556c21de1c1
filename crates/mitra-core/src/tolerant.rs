//! The tolerant reader: response values read the way vendors actually send
//! them, each difference from the spec reported once, never its value.
//!
//! Vendors flip numbers and strings (`"city_id": "3101"`), add enum values
//! and fields, and send `null` for optional fields. The generated response
//! types keep the spec's Rust types (`i64` stays `i64`) and read each scalar
//! field through [`read`] (`#[serde(deserialize_with)]`, added by `cargo xtask
//! generate`), which accepts the known variations:
//!
//! | the spec says | also accepted |
//! |---|---|
//! | integer | a numeric string (`"3101"`, `"1400.00"`), a whole float |
//! | number | a numeric string (`"15000.00"`) |
//! | string | a number (`10000` for a code) or a boolean (a text flag `"true"` sent as `true`), kept as its text |
//! | boolean | `"true"`/`"false"`, `1`/`0`, `"1"`/`"0"` |
//! | optional anything | `null`; `""` for an optional number or boolean |
//! | a field | unknown fields are ignored |
//!
//! Requests are not affected: they are serialised, exactly as the spec says.
//!
//! Each tolerated difference is recorded during the decode (a thread-local
//! list, touched only when a value differs) and, once per process for each
//! operation and place, reported by [`crate::plumbing::response_value`]: an
//! INFO event `answer differs from the spec` with the JSON pointer and the
//! expected and found kinds (no value), and the counter
//! `mitra.decode.tolerated` (feature `metrics`). Places are found only then,
//! by a second decode that stops at the difference, its JSON pointer read
//! from where in the text serde_json stopped (`pointer_at`), so an answer
//! that matches the spec costs nothing extra. That second decode is the
//! first one again (the same code, not a second copy of every response
//! type's decoder, wrapped to track paths), and a decode failure needs none:
//! its position is in its error. Unknown fields, which
//! serde's derive skips without a word, are looked for in the first answer
//! of each operation and then once a minute
//! ([`look_for_unknown_fields_every`]): a walk of the text with the table of
//! the fields each response type reads ([`Known`], written by `cargo xtask
//! generate`), not a second decode.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::Mutex;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

pub use crate::known_fields::{Known, Shape};

/// The marker of the error a tolerant read returns while its place is being
/// located.
const LOCATING: &str = "mitra: locating a tolerated value";

/// One tolerated difference, as recorded during a decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deviation {
    /// Which field read it (a hash of `Type.field`, given by the generator).
    pub site: u32,
    /// What the spec says.
    pub expected: &'static str,
    /// What came.
    pub found: &'static str,
}

#[derive(Default)]
struct State {
    /// Recording is on only inside [`crate::plumbing::response_value`].
    recording: bool,
    /// While locating: the site whose read fails (to be found at its path).
    locating: Option<u32>,
    /// The distinct sites that differed.
    deviations: Vec<Deviation>,
    /// When each operation's answers were last looked through for unknown
    /// fields on this thread (keyed by the addresses of vendor and id).
    answers: Vec<Answers>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Records that the value read at `site` differs from the spec, or, while
/// that site is being located, fails so that its path is known.
///
/// For hand-written `Deserialize` impls of response types (an open enum's
/// unknown value, say); generated code calls it through [`read`].
pub fn tolerated<E: de::Error>(
    site: u32,
    expected: &'static str,
    found: &'static str,
) -> Result<(), E> {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        if state.locating == Some(site) {
            return Err(E::custom(LOCATING));
        }
        if state.recording && !state.deviations.iter().any(|d| d.site == site) {
            state.deviations.push(Deviation {
                site,
                expected,
                found,
            });
        }
        Ok(())
    })
}

/// A response value that the tolerant reader knows how to read.
pub trait Tolerant: Sized {
    /// Reads the value, accepting the variations vendors send; `site` names
    /// the field for the report.
    fn read<'de, D: Deserializer<'de>>(d: D, site: u32) -> Result<Self, D::Error>;
}

/// Reads a field of a response type tolerantly (`deserialize_with` of the
/// generated code; `SITE` identifies the field in reports).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct City {
///     #[serde(deserialize_with = "mitra_core::tolerant::read::<_, _, 1>")]
///     city_id: i64,
///     #[serde(default, deserialize_with = "mitra_core::tolerant::read::<_, _, 2>")]
///     name: Option<String>,
/// }
/// let city: City = serde_json::from_str(r#"{"city_id": "3101", "name": null}"#).unwrap();
/// assert_eq!((city.city_id, city.name), (3101, None));
/// let city: City = serde_json::from_str(r#"{"city_id": 3101.0, "name": 42}"#).unwrap();
/// assert_eq!((city.city_id, city.name.as_deref()), (3101, Some("42")));
/// ```
pub fn read<'de, D: Deserializer<'de>, T: Tolerant, const SITE: u32>(d: D) -> Result<T, D::Error> {
    T::read(d, SITE)
}

/// [`read`] as a seed, for hand-written `Deserialize` impls that read a map
/// themselves: `map.next_value_seed(Seed::<Option<String>>::at(7))`.
pub struct Seed<T> {
    site: u32,
    read: std::marker::PhantomData<fn() -> T>,
}

impl<T> Seed<T> {
    /// A seed that reads a `T` for the field `site`.
    pub fn at(site: u32) -> Self {
        Self {
            site,
            read: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Tolerant> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d, self.site)
    }
}

/// Reads a list or object field whose absence means empty (`#[serde(default)]`):
/// `null` is empty too, and reported.
pub fn null_as_default<'de, D, T, const SITE: u32>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    match <Option<T> as serde::Deserialize>::deserialize(d)? {
        Some(value) => Ok(value),
        None => {
            tolerated(SITE, "a value", "null")?;
            Ok(T::default())
        }
    }
}

/// An error that names the kinds, never the value (it may be personal data).
fn wrong<E: de::Error>(found: &'static str, expected: &'static str) -> E {
    E::custom(format_args!("expected {expected}, found {found}"))
}

const INTEGER: &str = "an integer";
const NUMBER: &str = "a number";
const STRING: &str = "a string";
const BOOLEAN: &str = "a boolean";
const EMPTY: &str = "an empty string";

/// A scalar type the reader converts to: what it makes of each JSON kind.
/// `Ok(None)` is "absent" (an empty string for a number, say).
trait Target: Sized {
    const EXPECTED: &'static str;
    fn from_i64<E: de::Error>(v: i64, _site: u32) -> Result<Option<Self>, E> {
        let _ = v;
        Err(wrong(INTEGER, Self::EXPECTED))
    }
    fn from_u64<E: de::Error>(v: u64, site: u32) -> Result<Option<Self>, E> {
        match i64::try_from(v) {
            Ok(v) => Self::from_i64(v, site),
            Err(_) => Err(wrong("an integer out of range", Self::EXPECTED)),
        }
    }
    fn from_f64<E: de::Error>(v: f64, _site: u32) -> Result<Option<Self>, E> {
        let _ = v;
        Err(wrong(NUMBER, Self::EXPECTED))
    }
    fn from_bool<E: de::Error>(v: bool, _site: u32) -> Result<Option<Self>, E> {
        let _ = v;
        Err(wrong(BOOLEAN, Self::EXPECTED))
    }
    fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E>;
    fn from_string<E: de::Error>(v: String, site: u32) -> Result<Option<Self>, E> {
        Self::from_str(&v, site)
    }
}

/// Reads one scalar as `T`, straight from the deserializer's own calls
/// (no intermediate value: an answer as the spec says costs what a plain
/// derive costs).
struct Reader<T> {
    site: u32,
    target: std::marker::PhantomData<fn() -> T>,
}

impl<T> Reader<T> {
    #[inline]
    fn at(site: u32) -> Self {
        Self {
            site,
            target: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Target> Visitor<'de> for Reader<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    #[inline]
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v, self.site)
    }
    #[inline]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v, self.site)
    }
    #[inline]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v, self.site)
    }
    #[inline]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v, self.site)
    }
    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::from_str(v, self.site)
    }
    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::from_string(v, self.site)
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(wrong("a list", T::EXPECTED))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(wrong("an object", T::EXPECTED))
    }
}

/// A whole number from a decimal text: `"3101"`, `" 3101 "`, `"1400.00"`.
pub(crate) fn int_from_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(v) = text.parse::<i64>() {
        return Some(v);
    }
    let (whole, fraction) = text.split_once('.')?;
    if fraction.bytes().all(|b| b == b'0') && !whole.is_empty() {
        whole.parse().ok()
    } else {
        None
    }
}

fn whole_float(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

impl Target for i64 {
    const EXPECTED: &'static str = INTEGER;
    #[inline]
    fn from_i64<E: de::Error>(v: i64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v))
    }
    fn from_f64<E: de::Error>(v: f64, site: u32) -> Result<Option<Self>, E> {
        match whole_float(v) {
            Some(v) => tolerated(site, INTEGER, NUMBER).map(|()| Some(v)),
            None => Err(wrong(NUMBER, INTEGER)),
        }
    }
    fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E> {
        match int_from_text(v) {
            Some(n) => tolerated(site, INTEGER, STRING).map(|()| Some(n)),
            None if v.trim().is_empty() => tolerated(site, INTEGER, EMPTY).map(|()| None),
            None => Err(wrong("a string that is not a whole number", INTEGER)),
        }
    }
}

/// A whole number read as `i64` first when it came as a float or a text.
macro_rules! through_i64 {
    () => {
        fn from_f64<E: de::Error>(v: f64, site: u32) -> Result<Option<Self>, E> {
            match <i64 as Target>::from_f64::<E>(v, site)? {
                Some(n) => Self::from_i64(n, site),
                None => Ok(None),
            }
        }
        fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E> {
            match <i64 as Target>::from_str::<E>(v, site)? {
                Some(n) => Self::from_i64(n, site),
                None => Ok(None),
            }
        }
    };
}

impl Target for u64 {
    const EXPECTED: &'static str = INTEGER;
    #[inline]
    fn from_u64<E: de::Error>(v: u64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v))
    }
    fn from_i64<E: de::Error>(v: i64, _: u32) -> Result<Option<Self>, E> {
        u64::try_from(v)
            .map(Some)
            .map_err(|_| wrong("a negative integer", "an integer of 0 or more"))
    }
    through_i64!();
}

impl Target for NonZeroU64 {
    const EXPECTED: &'static str = "an integer of 1 or more";
    #[inline]
    fn from_u64<E: de::Error>(v: u64, _: u32) -> Result<Option<Self>, E> {
        NonZeroU64::new(v)
            .map(Some)
            .ok_or_else(|| wrong("0", Self::EXPECTED))
    }
    fn from_i64<E: de::Error>(v: i64, site: u32) -> Result<Option<Self>, E> {
        match u64::try_from(v) {
            Ok(v) => Self::from_u64(v, site),
            Err(_) => Err(wrong("a negative integer", Self::EXPECTED)),
        }
    }
    through_i64!();
}

impl Target for f64 {
    const EXPECTED: &'static str = NUMBER;
    #[inline]
    fn from_i64<E: de::Error>(v: i64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v as f64))
    }
    #[inline]
    fn from_u64<E: de::Error>(v: u64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v as f64))
    }
    #[inline]
    fn from_f64<E: de::Error>(v: f64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v))
    }
    fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E> {
        match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => tolerated(site, NUMBER, STRING).map(|()| Some(n)),
            _ if v.trim().is_empty() => tolerated(site, NUMBER, EMPTY).map(|()| None),
            _ => Err(wrong("a string that is not a number", NUMBER)),
        }
    }
}

impl Target for bool {
    const EXPECTED: &'static str = BOOLEAN;
    #[inline]
    fn from_bool<E: de::Error>(v: bool, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v))
    }
    fn from_i64<E: de::Error>(v: i64, site: u32) -> Result<Option<Self>, E> {
        match v {
            0 | 1 => tolerated(site, BOOLEAN, INTEGER).map(|()| Some(v == 1)),
            _ => Err(wrong("an integer other than 0 or 1", BOOLEAN)),
        }
    }
    fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E> {
        match v.trim() {
            "true" | "1" => tolerated(site, BOOLEAN, STRING).map(|()| Some(true)),
            "false" | "0" => tolerated(site, BOOLEAN, STRING).map(|()| Some(false)),
            "" => tolerated(site, BOOLEAN, EMPTY).map(|()| None),
            _ => Err(wrong("a string that is not a boolean", BOOLEAN)),
        }
    }
}

impl Target for String {
    const EXPECTED: &'static str = STRING;
    #[inline]
    fn from_str<E: de::Error>(v: &str, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v.to_owned()))
    }
    #[inline]
    fn from_string<E: de::Error>(v: String, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(v))
    }
    fn from_i64<E: de::Error>(v: i64, site: u32) -> Result<Option<Self>, E> {
        tolerated(site, STRING, INTEGER).map(|()| Some(v.to_string()))
    }
    fn from_u64<E: de::Error>(v: u64, site: u32) -> Result<Option<Self>, E> {
        tolerated(site, STRING, INTEGER).map(|()| Some(v.to_string()))
    }
    fn from_f64<E: de::Error>(v: f64, site: u32) -> Result<Option<Self>, E> {
        tolerated(site, STRING, NUMBER).map(|()| Some(v.to_string()))
    }
    fn from_bool<E: de::Error>(v: bool, site: u32) -> Result<Option<Self>, E> {
        tolerated(site, STRING, BOOLEAN).map(|()| Some(v.to_string()))
    }
}

macro_rules! tolerant_scalar {
    ($($ty:ty),*) => {$(
        impl Tolerant for $ty {
            #[inline]
            fn read<'de, D: Deserializer<'de>>(d: D, site: u32) -> Result<Self, D::Error> {
                match d.deserialize_any(Reader::<$ty>::at(site))? {
                    Some(value) => Ok(value),
                    None => Err(wrong("null", <$ty as Target>::EXPECTED)),
                }
            }
        }
        impl Tolerant for Option<$ty> {
            #[inline]
            fn read<'de, D: Deserializer<'de>>(d: D, site: u32) -> Result<Self, D::Error> {
                d.deserialize_any(Reader::<$ty>::at(site))
            }
        }
    )*};
}

tolerant_scalar!(i64, u64, NonZeroU64, f64, bool, String);

/// The site of a [`LenientInt`](crate::LenientInt) read outside a field
/// of a generated type (its own `Deserialize`).
pub const LENIENT_INT_SITE: u32 = 0x4c49_4e54;
/// The site of a [`Code`](crate::Code) read outside a field of a generated
/// type.
pub const CODE_SITE: u32 = 0x434f_4445;

/// The spec's "an integer, or a string of digits" (`oneOf`): both as the
/// spec says; decimal text with a zero fraction (`"15000.00"`) and whole
/// floats read too, and reported.
impl Target for crate::LenientInt {
    const EXPECTED: &'static str = "an integer or a string of digits";
    #[inline]
    fn from_i64<E: de::Error>(v: i64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(Self(v)))
    }
    fn from_f64<E: de::Error>(v: f64, site: u32) -> Result<Option<Self>, E> {
        match whole_float(v) {
            Some(v) => tolerated(site, Self::EXPECTED, NUMBER).map(|()| Some(Self(v))),
            None => Err(wrong(NUMBER, Self::EXPECTED)),
        }
    }
    fn from_str<E: de::Error>(v: &str, site: u32) -> Result<Option<Self>, E> {
        if let Ok(n) = v.parse::<i64>() {
            return Ok(Some(Self(n)));
        }
        match int_from_text(v) {
            Some(n) => tolerated(site, Self::EXPECTED, "a decimal text").map(|()| Some(Self(n))),
            None if v.trim().is_empty() => tolerated(site, Self::EXPECTED, EMPTY).map(|()| None),
            None => Err(wrong("a string that is not a whole number", Self::EXPECTED)),
        }
    }
}

/// The spec's "a string or an integer" (`oneOf`), kept as text: a
/// fraction is kept as its text too, and reported.
impl Target for crate::Code {
    const EXPECTED: &'static str = "a string or an integer";
    #[inline]
    fn from_str<E: de::Error>(v: &str, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(Self::new(v)))
    }
    #[inline]
    fn from_string<E: de::Error>(v: String, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(Self::new(v)))
    }
    #[inline]
    fn from_i64<E: de::Error>(v: i64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(Self::new(v.to_string())))
    }
    #[inline]
    fn from_u64<E: de::Error>(v: u64, _: u32) -> Result<Option<Self>, E> {
        Ok(Some(Self::new(v.to_string())))
    }
    fn from_f64<E: de::Error>(v: f64, site: u32) -> Result<Option<Self>, E> {
        tolerated(site, Self::EXPECTED, NUMBER).map(|()| Some(Self::new(v.to_string())))
    }
}

tolerant_scalar!(crate::LenientInt, crate::Code);

// ---------------------------------------------------------------------------
// Lists: one or many.

/// Reads a list of a response: a list as the spec says, and the ways
/// vendors send one (one object, or one value, alone for a list of one);
/// `Ok(None)` for `null`. Each difference is reported at `site`.
struct ListReader<T> {
    site: u32,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: serde::Deserialize<'de>> ListReader<T> {
    /// One item that came alone, read by `T` from `d`.
    fn one<D: Deserializer<'de>>(
        self,
        found: &'static str,
        d: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        tolerated::<D::Error>(self.site, "a list", found)?;
        T::deserialize(d).map(|item| Some(vec![item]))
    }
}

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for ListReader<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    #[inline]
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Bounded: a size hint is the sender's word.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Some(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.one("an object", de::value::MapAccessDeserializer::new(map))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.one(STRING, de::IntoDeserializer::<E>::into_deserializer(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.one(INTEGER, de::IntoDeserializer::<E>::into_deserializer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.one(INTEGER, de::IntoDeserializer::<E>::into_deserializer(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.one(NUMBER, de::IntoDeserializer::<E>::into_deserializer(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.one(BOOLEAN, de::IntoDeserializer::<E>::into_deserializer(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn read_list<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
    site: u32,
) -> Result<Option<Vec<T>>, D::Error> {
    d.deserialize_any(ListReader {
        site,
        item: std::marker::PhantomData,
    })
}

/// [`option_list`] as a seed, for hand-written `Deserialize` impls that
/// read a map themselves: `map.next_value_seed(ListSeed::<Branch>::at(9))`.
pub struct ListSeed<T> {
    site: u32,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T> ListSeed<T> {
    /// A seed that reads a list of `T` for the field `site`.
    pub fn at(site: u32) -> Self {
        Self {
            site,
            item: std::marker::PhantomData,
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Option<Vec<T>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        read_list(d, self.site)
    }
}

/// Reads a required list of a response (`deserialize_with` of the generated
/// code): a list, or one item alone as a list of one (reported); `null` is
/// refused, as the spec requires the list.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Cities {
///     #[serde(deserialize_with = "mitra_core::tolerant::list::<_, _, 1>")]
///     data: Vec<City>,
/// }
/// #[derive(serde::Deserialize)]
/// struct City { id: i64 }
/// let one: Cities = serde_json::from_str(r#"{"data": {"id": 7}}"#).unwrap();
/// assert_eq!(one.data.len(), 1);
/// let many: Cities = serde_json::from_str(r#"{"data": [{"id": 7}, {"id": 8}]}"#).unwrap();
/// assert_eq!(many.data.len(), 2);
/// assert!(serde_json::from_str::<Cities>(r#"{"data": null}"#).is_err());
/// ```
pub fn list<'de, D, T, const SITE: u32>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    read_list(d, SITE)?.ok_or_else(|| wrong("null", "a list"))
}

/// Reads a list whose absence means empty (`#[serde(default)]`): as
/// [`list`], and `null` as empty (reported).
pub fn list_or_empty<'de, D, T, const SITE: u32>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    match read_list(d, SITE)? {
        Some(items) => Ok(items),
        None => {
            tolerated(SITE, "a list", "null")?;
            Ok(Vec::new())
        }
    }
}

/// Reads an optional list (`Option<Vec<T>>`): as [`list`], and `null` as
/// `None`.
pub fn option_list<'de, D, T, const SITE: u32>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    read_list(d, SITE)
}

// ---------------------------------------------------------------------------
// Reporting.

/// What one decode found to differ, taken after it.
#[derive(Default)]
pub(crate) struct Found {
    pub deviations: Vec<Deviation>,
}

impl Found {
    pub(crate) fn is_empty(&self) -> bool {
        self.deviations.is_empty()
    }
}

/// Runs `decode` with recording on, and returns what it found.
pub(crate) fn recording<T>(decode: impl FnOnce() -> T) -> (T, Found) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.recording = true;
        s.deviations.clear();
    });
    let out = decode();
    let found = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.recording = false;
        Found {
            deviations: std::mem::take(&mut s.deviations),
        }
    });
    (out, found)
}

/// Runs `decode` with recording off and, if given, `site` failing.
fn quietly<T>(site: Option<u32>, decode: impl FnOnce() -> T) -> T {
    let before = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let before = (s.recording, s.locating);
        s.recording = false;
        s.locating = site;
        before
    });
    let out = decode();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        (s.recording, s.locating) = before;
    });
    out
}

/// What has been reported in this process: (vendor, operation, place).
static REPORTED: Mutex<Option<HashSet<Reported>>> = Mutex::new(None);

/// (vendor, operation, place).
type Reported = (&'static str, &'static str, Place);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    Site(u32),
    /// An unknown field, by its pointer with list indices as `*`.
    Unknown(String),
}

/// How often an operation's answers are looked through for unknown fields,
/// in milliseconds (the first answer always is). serde's derive skips
/// unknown fields silently, and watching every answer for them would cost
/// every decode; a new field is noticed within this time of its first
/// answer. (`mitra verify` sees every one.)
static UNKNOWN_FIELD_EVERY_MS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(60_000);

/// Sets how often each operation's answers are looked through for unknown
/// fields (default: the first answer, then about one a minute per thread:
/// the clock is read every 64 answers);
/// `Duration::ZERO` looks through every answer (each costs about one more
/// decode).
pub fn look_for_unknown_fields_every(interval: std::time::Duration) {
    let ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
    UNKNOWN_FIELD_EVERY_MS.store(ms, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this answer of `operation` is one to look through for unknown
/// fields.
pub(crate) fn sample_for_unknown_fields(vendor: &'static str, operation: &'static str) -> bool {
    let key = (vendor.as_ptr() as usize, operation.as_ptr() as usize);
    let every = UNKNOWN_FIELD_EVERY_MS.load(std::sync::atomic::Ordering::Relaxed);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let answers = &mut s.answers;
        let Some(seen) = answers.iter_mut().find(|a| a.key == key) else {
            answers.push(Answers {
                key,
                last_look: std::time::Instant::now(),
                since: 0,
            });
            return true;
        };
        if every == 0 {
            return true;
        }
        // The clock is read once every 64 answers, not for each.
        seen.since = seen.since.wrapping_add(1);
        if !seen.since.is_multiple_of(64) {
            return false;
        }
        let now = std::time::Instant::now();
        if now.duration_since(seen.last_look).as_millis() as u64 >= every {
            seen.last_look = now;
            true
        } else {
            false
        }
    })
}

/// When an operation's answers were last looked through on this thread.
struct Answers {
    /// The addresses of the vendor's name and the operation's id.
    key: (usize, usize),
    last_look: std::time::Instant,
    /// Answers since, counted to read the clock only now and then.
    since: u32,
}

/// The most places remembered: an answer keyed by ids (or by personal
/// data) must not grow the set, or the log, without bound.
const MAX_PLACES: usize = 4096;

fn first_time(vendor: &'static str, operation: &'static str, place: Place) -> bool {
    let mut reported = REPORTED.lock().unwrap_or_else(|p| p.into_inner());
    let set = reported.get_or_insert_with(HashSet::new);
    if set.len() >= MAX_PLACES {
        return false;
    }
    set.insert((vendor, operation, place))
}

/// A pointer fit for a log line: every token that is data (an id, an
/// e-mail, a NIK, also inside a name: `nik_3273010101900001`) becomes `*`,
/// list indexes stay, and the whole is bounded. The one key mask of
/// [`crate::redact::mask_pointer`].
fn safe_pointer(pointer: &str) -> String {
    crate::redact::mask_pointer(pointer)
}

/// One reported difference (for tests and `mitra verify`'s comparison).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The vendor.
    pub vendor: &'static str,
    /// The operation's id.
    pub operation: &'static str,
    /// JSON pointer into the answer (`/data/0/city_id`).
    pub pointer: String,
    /// What the spec says (`an integer`, `one of the spec's values`, `no such field`).
    pub expected: &'static str,
    /// What came (`a string`, `another value`, `a field`).
    pub found: &'static str,
}

/// How a report decodes an answer again as its type (to locate a
/// deviation): `decode_again::<T>`, the only part of a report that depends
/// on the type.
pub(crate) type DecodeAgain = fn(&str) -> serde_json::Result<()>;

/// `text` decoded as `T` again, the value dropped.
pub(crate) fn decode_again<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<()> {
    serde_json::from_str::<T>(text).map(drop)
}

/// Reports what a decode of `text` as the type `shape` describes
/// tolerated, each place once per process: locates each new place (with
/// `again`), then emits the event and the counter. Not generic: one copy
/// in a program, not one per answer type.
pub(crate) fn report(
    vendor: &'static str,
    operation: &'static str,
    text: &str,
    found: Found,
    look_for_unknown_fields: bool,
    (shape, again): (&'static Shape, DecodeAgain),
) {
    for deviation in found.deviations {
        if !first_time(vendor, operation, Place::Site(deviation.site)) {
            continue;
        }
        let pointer = quietly(Some(deviation.site), || match again(text) {
            Ok(()) => String::new(),
            Err(error) => safe_pointer(&error_pointer(text, &error, false)),
        });
        emit(Difference {
            vendor,
            operation,
            pointer,
            expected: deviation.expected,
            found: deviation.found,
        });
    }
    if look_for_unknown_fields {
        let mut unknown: Vec<String> = Vec::new();
        crate::known_fields::unknown_fields(text, shape, 64, &mut |pointer| {
            unknown.push(safe_pointer(&pointer));
        });
        for pointer in unknown {
            let general = general_pointer(&pointer);
            if first_time(vendor, operation, Place::Unknown(general)) {
                emit(Difference {
                    vendor,
                    operation,
                    pointer,
                    expected: "no such field",
                    found: "a field",
                });
            }
        }
    }
}

fn emit(difference: Difference) {
    tracing::info!(
        mitra.vendor = difference.vendor,
        mitra.operation = difference.operation,
        pointer = %difference.pointer,
        expected = difference.expected,
        found = difference.found,
        "answer differs from the spec"
    );
    #[cfg(feature = "metrics")]
    metrics::counter!(
        "mitra.decode.tolerated",
        "mitra.vendor" => difference.vendor,
        "mitra.operation" => difference.operation,
    )
    .increment(1);
    if let Ok(mut seen) = SEEN.lock()
        && seen.len() < 1024
    {
        seen.push(difference);
    }
}

static SEEN: Mutex<Vec<Difference>> = Mutex::new(Vec::new());

/// Every difference reported so far in this process (at most 1,024), for
/// tests and tools that compare the tolerant reader with a strict judge.
pub fn reported() -> Vec<Difference> {
    SEEN.lock().map(|s| s.clone()).unwrap_or_default()
}

/// The JSON pointer of where `error`, from decoding `text`, stopped (see
/// [`pointer_at`]; a missing field is said of the object that lacks it);
/// empty if it has no position.
fn error_pointer(text: &str, error: &serde_json::Error, missing_field: bool) -> String {
    if error.line() == 0 {
        return String::new();
    }
    // serde_json's line is 1-based, its column the bytes consumed on it.
    let start_of_line = if error.line() == 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(error.line() - 2)
            .map_or(text.len(), |at| at + 1)
    };
    pointer_at(text, start_of_line + error.column(), !missing_field)
}

/// The JSON pointer of the value being read at byte `offset` of the JSON
/// `text` (where serde_json stopped with an error): the innermost value
/// begun before it and not yet followed by a `,`. A value of an object is
/// at its key from the key on; an item of a list at its index from its
/// first byte on.
///
/// Right after a `}` or `]` (bar whitespace), the error is about that
/// object or list: serde_json gives the place of an error raised outside
/// its own reads (an untagged enum's, after the value was buffered) when
/// the enclosing object or list is closed, and the culprit is then its last
/// value, at its last key or index; with `into_closed` false, the object
/// itself (a missing field).
///
/// The text is walked once, up to `offset`; it was valid JSON up to there,
/// bar what the error is about.
pub(crate) fn pointer_at(text: &str, offset: usize, into_closed: bool) -> String {
    /// One open object (its current key, once read) or list (its current
    /// index, once its item begun).
    enum Open {
        Object { key: Option<String> },
        List { index: usize, begun: bool },
    }
    let bytes = &text.as_bytes()[..offset.min(text.len())];
    let mut open: Vec<Open> = Vec::new();
    // The object or list closed by the last byte that was not whitespace.
    let mut closed: Option<Open> = None;
    let mut i = 0;
    // A value begins: an item of the list it is in has begun.
    fn begin(open: &mut [Open]) {
        if let Some(Open::List { begun, .. }) = open.last_mut() {
            *begun = true;
        }
    }
    while i < bytes.len() {
        if !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            closed = None;
        }
        match bytes[i] {
            b'"' => {
                let start = i;
                // Past the closing quote (the scanner masking and unknown
                // fields use), or the end of the text read so far.
                let end = crate::json_text::string_end(bytes, start);
                let whole = end > start + 1 && bytes[end - 1] == b'"';
                match open.last_mut() {
                    // A key (an object's string before its `:`), read whole.
                    Some(Open::Object { key: key @ None }) => {
                        if whole {
                            *key = Some(
                                serde_json::from_str::<String>(&text[start..end])
                                    .unwrap_or_default(),
                            );
                        }
                    }
                    _ => begin(&mut open),
                }
                i = end - 1;
            }
            b'{' => {
                begin(&mut open);
                open.push(Open::Object { key: None });
            }
            b'[' => {
                begin(&mut open);
                open.push(Open::List {
                    index: 0,
                    begun: false,
                });
            }
            b'}' | b']' => closed = open.pop(),
            b',' => match open.last_mut() {
                Some(Open::Object { key }) => *key = None,
                Some(Open::List { index, begun }) => {
                    *index += 1;
                    *begun = false;
                }
                None => {}
            },
            b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => begin(&mut open),
        }
        i += 1;
    }
    if into_closed {
        open.extend(closed);
    }
    let mut out = String::new();
    for place in &open {
        match place {
            Open::Object { key: Some(key) } => {
                out.push('/');
                out.push_str(&crate::pointer::escape(key));
            }
            Open::List { index, begun: true } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            _ => {}
        }
    }
    out
}

/// A pointer with its list indices as `*`: one place for every item.
fn general_pointer(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|t| {
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

// ---------------------------------------------------------------------------
// Decode errors at pointers.

/// A decode failure of `text` as `T`, said at its JSON pointer with the
/// expected and found kinds, without any of the body's text: e.g.
/// `/data/0/city_id: expected an integer, found an object`.
#[cold]
#[inline(never)]
pub(crate) fn locate_error(text: &str, error: &serde_json::Error) -> String {
    let what = describe(error);
    let (pointer, what) = match what.strip_prefix("missing field ") {
        Some(field) => (
            format!(
                "{}/{}",
                safe_pointer(&error_pointer(text, error, true)),
                crate::pointer::escape(field)
            ),
            "missing".to_owned(),
        ),
        None => (safe_pointer(&error_pointer(text, error, false)), what),
    };
    if pointer.is_empty() {
        format!("the answer: {what}")
    } else {
        format!("{pointer}: {what}")
    }
}

/// A serde_json error in words that quote nothing of the body.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax => return "not valid JSON".to_owned(),
        Category::Eof => return "the answer ends too early".to_owned(),
        Category::Io => return "the answer could not be read".to_owned(),
        Category::Data => {}
    }
    let text = error.to_string();
    // serde_json appends " at line L column C": a place in the body, not the field.
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    if let Some(rest) = text.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_kind(expected),
            found_kind(found)
        );
    }
    if let Some(rest) = text.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_kind(expected),
            found_kind(found)
        );
    }
    if let Some(rest) = text.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.rsplit_once(", expected ")
    {
        return format!("expected {expected}, found another length");
    }
    if let Some(name) = text.strip_prefix("data did not match any variant of untagged enum ") {
        return format!("matches none of the shapes the spec gives ({name})");
    }
    if text.starts_with("unknown variant ") {
        return "expected one of the spec's values, found another value".to_owned();
    }
    if let Some(field) = text
        .strip_prefix("missing field `")
        .and_then(|f| f.strip_suffix('`'))
    {
        return format!("missing field {field}");
    }
    if text.starts_with("duplicate field ") {
        return text.replace('`', "");
    }
    // A message of ours or of a hand-written type: it quotes no value, but
    // anything between quotes is dropped all the same.
    crate::text::unquoted(text)
}

/// serde's words for what a type expects, in the report's words.
fn expected_kind(expected: &str) -> String {
    match expected {
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        _ => match expected.strip_prefix("struct ") {
            Some(name) => format!("an object ({name})"),
            None => crate::text::unquoted(expected),
        },
    }
}

/// The kind of serde's `Unexpected` text (`string "…"`, `integer \`5\``).
fn found_kind(found: &str) -> &'static str {
    let first = found.split([' ', '`']).next().unwrap_or("");
    match first {
        "string" | "character" => "a string",
        "integer" => "an integer",
        "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "an object",
        "sequence" => "a list",
        "null" | "unit" => "null",
        "Option" => "null",
        _ => "another kind of value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct City {
        #[serde(deserialize_with = "read::<_, _, 1>")]
        city_id: i64,
        #[serde(default, deserialize_with = "read::<_, _, 2>")]
        province_id: Option<i64>,
        #[serde(deserialize_with = "read::<_, _, 3>")]
        name: String,
        #[serde(default, deserialize_with = "read::<_, _, 4>")]
        active: Option<bool>,
        #[serde(default, deserialize_with = "read::<_, _, 5>")]
        price: Option<f64>,
        #[serde(default, deserialize_with = "null_as_default::<_, _, 6>")]
        tags: Vec<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Envelope {
        #[allow(dead_code)]
        data: Vec<City>,
    }

    // What `cargo xtask generate` writes for a response type.
    impl Known for City {
        const SHAPE: &'static Shape = &Shape::Object {
            fields: &[
                ("city_id", <i64 as Known>::SHAPE),
                ("province_id", <Option<i64> as Known>::SHAPE),
                ("name", <String as Known>::SHAPE),
                ("active", <Option<bool> as Known>::SHAPE),
                ("price", <Option<f64> as Known>::SHAPE),
                ("tags", <Vec<String> as Known>::SHAPE),
            ],
            open: false,
        };
    }
    impl Known for Envelope {
        const SHAPE: &'static Shape = &Shape::Object {
            fields: &[("data", <Vec<City> as Known>::SHAPE)],
            open: false,
        };
    }

    fn city(json: &str) -> Result<(City, Found), String> {
        let (out, found) = recording(|| serde_json::from_str::<City>(json));
        out.map(|c| (c, found)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_variations_vendors_send_decode_and_are_recorded() {
        let (c, found) = city(
            r#"{"city_id":"3101","province_id":"","name":10000,"active":"1","price":"15000.00","tags":null,"extra":{"a":[1]}}"#,
        )
        .unwrap();
        assert_eq!(c.city_id, 3101);
        assert_eq!(c.province_id, None);
        assert_eq!(c.name, "10000");
        assert_eq!(c.active, Some(true));
        assert_eq!(c.price, Some(15000.0));
        assert!(c.tags.is_empty());
        let sites: Vec<u32> = found.deviations.iter().map(|d| d.site).collect();
        assert_eq!(sites, [1, 2, 3, 4, 5, 6]);
        // As the spec says: nothing recorded.
        let (_, found) =
            city(r#"{"city_id":3101,"province_id":32,"name":"Bandung","active":true,"tags":[]}"#)
                .unwrap();
        assert!(found.is_empty());
        // "1400.00" is a whole number; "14.5" is not an integer.
        assert_eq!(
            city(r#"{"city_id":"1400.00","name":"x"}"#)
                .unwrap()
                .0
                .city_id,
            1400
        );
        assert!(city(r#"{"city_id":"14.5","name":"x"}"#).is_err());
        // A text flag (`"success": "true"`) sent as a boolean, and back.
        let (c, found) = city(r#"{"city_id":1,"name":true}"#).unwrap();
        assert_eq!(c.name, "true");
        assert_eq!(found.deviations.len(), 1);
    }

    #[test]
    fn errors_name_the_pointer_and_the_kinds_never_the_value() {
        let body =
            r#"{"data":[{"city_id":1,"name":"a"},{"city_id":{"x":"Siti Rahmawati"},"name":"b"}]}"#;
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        let text = locate_error(body, &e);
        assert_eq!(
            text,
            "/data/1/city_id: expected an integer, found an object"
        );
        let body = r#"{"data":[{"name":"Siti"}]}"#;
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        assert_eq!(locate_error(body, &e), "/data/0/city_id: missing");
        let body = r#"{"data":{"city_id":1,"name":"Siti"}}"#;
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        let text = locate_error(body, &e);
        assert_eq!(text, "/data: expected a list, found an object");
        // A value that mimics serde's own words, or escapes its quotes.
        let body = r#"{"data":"x, expected Siti Rahmawati"}"#;
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        let text = locate_error(body, &e);
        assert_eq!(text, "/data: expected a list, found a string");
        assert_eq!(
            crate::text::unquoted(r#"invalid "Siti \" Rahmawati" and `Budi`"#),
            r#"invalid "…" and `…`"#
        );
        let body = r#"{"data":[{"city_id":"Siti Rahmawati","name":"b"}]}"#;
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        let text = locate_error(body, &e);
        assert!(!text.contains("Siti"), "{text}");
        assert!(text.starts_with("/data/0/city_id: "), "{text}");
        let e = serde_json::from_str::<Envelope>("{\"data\": [").unwrap_err();
        assert_eq!(
            locate_error("{\"data\": [", &e),
            "/data: the answer ends too early"
        );
    }

    #[test]
    fn the_pointer_of_where_a_decode_stopped() {
        // (text, where it stopped: the text's end, pointer)
        let cases: &[(&str, &str)] = &[
            (r#"{"data":"#, "/data"),
            (r#"{"data": ["#, "/data"),
            (r#"{"data": [ "#, "/data"),
            (r#"{"data":[1,"#, "/data"),
            (r#"{"data":[1, 2"#, "/data/1"),
            (r#"{"data":[{"a":1},{"b":"x""#, "/data/1/b"),
            (r#"{"data":[{"a":1},{"b":{"#, "/data/1/b"),
            // An object just closed, for a missing field: the object.
            (r#"{"data":[{"a":1},{"b":2}"#, "/data/1"),
            (r#"{"data":[{"a":1},{"b":2} "#, "/data/1"),
            (r#"{"data":[{"a":1},{"b":2},"#, "/data"),
            (r#"{"data":{"a":[[1,2],[3"#, "/data/a/1/0"),
            // Keys unescaped, then escaped for the pointer; strings that look
            // like structure are strings.
            (r#"{"a\"b":{"c/d":{"~":"},[\"x"#, "/a\"b/c~1d/~0"),
            ("{\n  \"x\": 1,\n  \"y\": \"", "/y"),
            ("", ""),
        ];
        for (text, pointer) in cases {
            assert_eq!(pointer_at(text, text.len(), false), *pointer, "{text}");
        }
        // Any other error right after a close: its last value (an untagged
        // enum's error is placed when the enclosing object closes).
        for (text, pointer) in [
            (r#"{"data":[{"a":1},{"b":2}"#, "/data/1/b"),
            (r#"{"r":{"list":[{"x":1}]}"#, "/r/list"),
            (r#"{"r":[1,[2,3]]"#, "/r/1"),
            (r#"{"r":[1,[2,3]],"#, ""),
        ] {
            assert_eq!(pointer_at(text, text.len(), true), pointer, "{text}");
        }
        // From serde_json's line and column, on a later line.
        let body = "{\n  \"data\": [\n    {\"city_id\": 1, \"name\": \"a\"},\n    {\"city_id\": [true]}\n  ]\n}";
        let e = serde_json::from_str::<Envelope>(body).unwrap_err();
        assert_eq!(
            locate_error(body, &e),
            "/data/1/city_id: expected an integer, found a list"
        );
    }

    #[test]
    fn pointers_in_reports_hold_no_key_made_of_data() {
        assert_eq!(safe_pointer("/data/0/city_id"), "/data/0/city_id");
        assert_eq!(
            safe_pointer("/by_nik/3273010101900001/nama"),
            "/by_nik/*/nama"
        );
        assert_eq!(safe_pointer("/users/siti@contoh.id/x"), "/users/*/x");
        assert_eq!(safe_pointer("/a\nINFO forged"), "/*");
        // Issue #37 row 8: data inside an identifier-shaped key.
        assert_eq!(safe_pointer("/data/nik_3273010101900001"), "/data/*");
        assert_eq!(safe_pointer("/data/123456/x"), "/data/*/x");
    }

    #[test]
    fn unknown_fields_are_looked_for_in_the_first_answer_then_now_and_then() {
        assert!(sample_for_unknown_fields("test-vendor", "listThings"));
        for _ in 0..200 {
            assert!(!sample_for_unknown_fields("test-vendor", "listThings"));
        }
        // Another operation has its own first answer.
        assert!(sample_for_unknown_fields("test-vendor", "getThing"));
    }

    #[test]
    fn each_place_is_reported_once_with_its_pointer() {
        let body = r#"{"data":[{"city_id":"1","name":"a"},{"city_id":"2","name":"b","new":1}]}"#;
        for _ in 0..3 {
            let (out, found) = recording(|| serde_json::from_str::<Envelope>(body));
            out.unwrap();
            let sample = sample_for_unknown_fields("test-vendor", "getCity");
            report(
                "test-vendor",
                "getCity",
                body,
                found,
                sample,
                (Envelope::SHAPE, decode_again::<Envelope>),
            );
        }
        let ours: Vec<Difference> = reported()
            .into_iter()
            .filter(|d| d.vendor == "test-vendor")
            .collect();
        assert_eq!(
            ours,
            [
                Difference {
                    vendor: "test-vendor",
                    operation: "getCity",
                    pointer: "/data/0/city_id".into(),
                    expected: "an integer",
                    found: "a string",
                },
                Difference {
                    vendor: "test-vendor",
                    operation: "getCity",
                    pointer: "/data/1/new".into(),
                    expected: "no such field",
                    found: "a field",
                },
            ]
        );
    }
}
