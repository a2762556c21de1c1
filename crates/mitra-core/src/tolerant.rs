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
//! | string | a number (`10000` for a code), kept as its text |
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
//! by a second decode that stops at the difference (serde_path_to_error), so
//! an answer that matches the spec costs nothing extra.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::num::NonZeroU64;
use std::sync::Mutex;

use serde::de::{self, DeserializeSeed, Deserializer, Unexpected, Visitor};

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
    /// Whether an unknown field was ignored.
    unknown_field: bool,
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

/// What a JSON value is, in words, for reports and errors.
fn kind_of(unexpected: &Unexpected<'_>) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "an integer",
        Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a list",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// An error that names the kinds, never the value (it may be personal data).
fn wrong<E: de::Error>(found: &'static str, expected: &'static str) -> E {
    E::custom(format_args!("expected {expected}, found {found}"))
}

/// What a scalar turned out to be: the primitive read, before conversion.
enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(std::borrow::Cow<'a, str>),
    Other(&'static str),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON scalar")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Uint(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(std::borrow::Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(std::borrow::Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(std::borrow::Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other(kind_of(&Unexpected::Seq)))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Scalar::Other(kind_of(&Unexpected::Map)))
    }
}

impl Scalar<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) | Scalar::Uint(_) => "an integer",
            Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Other(kind) => kind,
        }
    }
}

const INTEGER: &str = "an integer";
const NUMBER: &str = "a number";
const STRING: &str = "a string";
const BOOLEAN: &str = "a boolean";

/// A whole number from a decimal text: `"3101"`, `" 3101 "`, `"1400.00"`.
fn int_from_text(text: &str) -> Option<i64> {
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

/// The integer of a scalar; `Ok(None)` for null.
fn integer<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<i64>, E> {
    match scalar {
        Scalar::Int(v) => Ok(Some(v)),
        Scalar::Uint(v) => i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("expected an integer, found one out of range")),
        Scalar::Float(v) => match whole_float(v) {
            Some(v) => tolerated(site, INTEGER, NUMBER).map(|()| Some(v)),
            None => Err(wrong(NUMBER, INTEGER)),
        },
        Scalar::Str(s) => match int_from_text(&s) {
            Some(v) => tolerated(site, INTEGER, STRING).map(|()| Some(v)),
            None if s.trim().is_empty() => {
                tolerated(site, INTEGER, "an empty string").map(|()| None)
            }
            None => Err(wrong("a string that is not a whole number", INTEGER)),
        },
        Scalar::Null => Ok(None),
        other => Err(wrong(other.kind(), INTEGER)),
    }
}

fn number<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<f64>, E> {
    match scalar {
        Scalar::Int(v) => Ok(Some(v as f64)),
        Scalar::Uint(v) => Ok(Some(v as f64)),
        Scalar::Float(v) => Ok(Some(v)),
        Scalar::Str(s) => match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => tolerated(site, NUMBER, STRING).map(|()| Some(v)),
            _ if s.trim().is_empty() => tolerated(site, NUMBER, "an empty string").map(|()| None),
            _ => Err(wrong("a string that is not a number", NUMBER)),
        },
        Scalar::Null => Ok(None),
        other => Err(wrong(other.kind(), NUMBER)),
    }
}

fn boolean<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<bool>, E> {
    let from = |v: bool, found| tolerated(site, BOOLEAN, found).map(|()| Some(v));
    match scalar {
        Scalar::Bool(v) => Ok(Some(v)),
        Scalar::Int(0) | Scalar::Uint(0) => from(false, INTEGER),
        Scalar::Int(1) | Scalar::Uint(1) => from(true, INTEGER),
        Scalar::Str(s) => match s.trim() {
            "true" | "1" => from(true, STRING),
            "false" | "0" => from(false, STRING),
            "" => tolerated(site, BOOLEAN, "an empty string").map(|()| None),
            _ => Err(wrong("a string that is not a boolean", BOOLEAN)),
        },
        Scalar::Null => Ok(None),
        other => Err(wrong(other.kind(), BOOLEAN)),
    }
}

fn string<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<String>, E> {
    match scalar {
        Scalar::Str(s) => Ok(Some(s.into_owned())),
        Scalar::Int(v) => tolerated(site, STRING, INTEGER).map(|()| Some(v.to_string())),
        Scalar::Uint(v) => tolerated(site, STRING, INTEGER).map(|()| Some(v.to_string())),
        Scalar::Float(v) => tolerated(site, STRING, NUMBER).map(|()| Some(v.to_string())),
        Scalar::Null => Ok(None),
        other => Err(wrong(other.kind(), STRING)),
    }
}

fn required<T, E: de::Error>(value: Option<T>, expected: &'static str) -> Result<T, E> {
    value.ok_or_else(|| wrong("null", expected))
}

macro_rules! tolerant_scalar {
    ($ty:ty, $read:ident, $expected:expr) => {
        impl Tolerant for $ty {
            fn read<'de, D: Deserializer<'de>>(d: D, site: u32) -> Result<Self, D::Error> {
                required($read(d.deserialize_any(ScalarVisitor)?, site)?, $expected)
            }
        }
        impl Tolerant for Option<$ty> {
            fn read<'de, D: Deserializer<'de>>(d: D, site: u32) -> Result<Self, D::Error> {
                $read(d.deserialize_any(ScalarVisitor)?, site)
            }
        }
    };
}

tolerant_scalar!(i64, integer, INTEGER);
tolerant_scalar!(f64, number, NUMBER);
tolerant_scalar!(bool, boolean, BOOLEAN);
tolerant_scalar!(String, string, STRING);

fn unsigned<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<u64>, E> {
    match scalar {
        Scalar::Uint(v) => Ok(Some(v)),
        other => match integer(other, site)? {
            Some(v) => u64::try_from(v)
                .map(Some)
                .map_err(|_| wrong("a negative integer", "an integer of 0 or more")),
            None => Ok(None),
        },
    }
}

tolerant_scalar!(u64, unsigned, INTEGER);

fn non_zero<E: de::Error>(scalar: Scalar<'_>, site: u32) -> Result<Option<NonZeroU64>, E> {
    match unsigned(scalar, site)? {
        Some(v) => NonZeroU64::new(v)
            .map(Some)
            .ok_or_else(|| wrong("0", "an integer of 1 or more")),
        None => Ok(None),
    }
}

tolerant_scalar!(NonZeroU64, non_zero, INTEGER);

// ---------------------------------------------------------------------------
// Reporting.

/// What one decode found to differ, taken after it.
#[derive(Default)]
pub(crate) struct Found {
    pub deviations: Vec<Deviation>,
    pub unknown_field: bool,
}

impl Found {
    pub(crate) fn is_empty(&self) -> bool {
        self.deviations.is_empty() && !self.unknown_field
    }
}

/// Runs `decode` with recording on, and returns what it found.
pub(crate) fn recording<T>(decode: impl FnOnce() -> T) -> (T, Found) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.recording = true;
        s.deviations.clear();
        s.unknown_field = false;
    });
    let out = decode();
    let found = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.recording = false;
        Found {
            deviations: std::mem::take(&mut s.deviations),
            unknown_field: std::mem::take(&mut s.unknown_field),
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
/// How many answers with unknown fields each operation had.
static UNKNOWN_SEEN: Mutex<Option<HashMap<(&'static str, &'static str), u32>>> = Mutex::new(None);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    Site(u32),
    /// An unknown field, by its pointer with list indices as `*`.
    Unknown(String),
}

/// Answers with unknown fields are scanned for them in the first, then in
/// one of every this many (a new field is noticed within that many answers).
const UNKNOWN_FIELD_RESCAN: u32 = 256;

fn first_time(vendor: &'static str, operation: &'static str, place: Place) -> bool {
    let mut reported = REPORTED.lock().unwrap_or_else(|p| p.into_inner());
    reported
        .get_or_insert_with(HashSet::new)
        .insert((vendor, operation, place))
}

/// Whether this answer with unknown fields is one to scan.
fn scan_unknown_fields(vendor: &'static str, operation: &'static str) -> bool {
    let mut seen = UNKNOWN_SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let count = seen
        .get_or_insert_with(HashMap::new)
        .entry((vendor, operation))
        .or_insert(0);
    let scan = count.is_multiple_of(UNKNOWN_FIELD_RESCAN);
    *count = count.wrapping_add(1);
    scan
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

/// Reports what a decode of `text` as `T` tolerated, each place once per
/// process: locates each new place, then emits the event and the counter.
pub(crate) fn report<T: serde::de::DeserializeOwned>(
    vendor: &'static str,
    operation: &'static str,
    text: &str,
    found: Found,
) {
    for deviation in found.deviations {
        if !first_time(vendor, operation, Place::Site(deviation.site)) {
            continue;
        }
        let pointer = quietly(Some(deviation.site), || {
            let mut json = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, T>(&mut json) {
                Ok(_) => String::new(),
                Err(error) => pointer_of(error.path()),
            }
        });
        emit(Difference {
            vendor,
            operation,
            pointer,
            expected: deviation.expected,
            found: deviation.found,
        });
    }
    if found.unknown_field && scan_unknown_fields(vendor, operation) {
        let mut unknown: Vec<String> = Vec::new();
        quietly(None, || {
            let mut json = serde_json::Deserializer::from_str(text);
            let _ = serde_ignored::deserialize::<_, _, T>(&mut json, |path| {
                if unknown.len() < 64 {
                    unknown.push(ignored_pointer(&path));
                }
            });
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

/// `token` escaped for a JSON pointer (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A serde_path_to_error path as a JSON pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

fn ignored_pointer(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}/{index}", ignored_pointer(parent)),
        Path::Map { parent, key } => format!("{}/{}", ignored_pointer(parent), escape(key)),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_pointer(parent),
    }
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
pub(crate) fn locate_error<T: serde::de::DeserializeOwned>(
    text: &str,
    error: &serde_json::Error,
) -> String {
    let located = quietly(None, || {
        let mut json = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize::<_, T>(&mut json).err()
    });
    let (pointer, inner) = match &located {
        Some(e) => (pointer_of(e.path()), e.inner()),
        None => (String::new(), error),
    };
    let what = describe(inner);
    let (pointer, what) = match what.strip_prefix("missing field ") {
        Some(field) => (format!("{pointer}/{}", escape(field)), "missing".to_owned()),
        None => (pointer, what),
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
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_kind(expected),
            found_kind(found)
        );
    }
    if let Some(rest) = text.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_kind(expected),
            found_kind(found)
        );
    }
    if let Some(rest) = text.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.split_once(", expected ")
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
    unquoted(text)
}

/// serde's words for what a type expects, in the report's words.
fn expected_kind(expected: &str) -> String {
    match expected {
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        _ => match expected.strip_prefix("struct ") {
            Some(name) => format!("an object ({name})"),
            None => unquoted(expected),
        },
    }
}

/// `text` without what it quotes between `"` (values from the body).
pub(crate) fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' if !quoted => {
                quoted = true;
                out.push_str("\"…");
            }
            '"' => {
                quoted = false;
                out.push('"');
            }
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    out
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

// ---------------------------------------------------------------------------
// Unknown fields: noticed during the decode at no cost but a flag.

/// A deserializer that passes everything through and notes when a value is
/// skipped (an unknown field: serde's derive skips it with `IgnoredAny`).
pub(crate) struct Watch<D>(pub D);

fn note_unknown_field() {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.recording {
            s.unknown_field = true;
        }
    });
}

macro_rules! forward {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Watch(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Watch<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        note_unknown_field();
        // Unwatched: what is inside a skipped value is skipped with it.
        self.0.deserialize_ignored_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Watch(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Watch(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Watch(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Watch(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Watch(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Watch(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty)*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watch<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64
        visit_i128: i128 visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64
        visit_u128: u128 visit_f32: f32 visit_f64: f64 visit_char: char
        visit_str: &str visit_borrowed_str: &'de str visit_string: String
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Watch(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Watch(d))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Watch(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Watch(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Watch(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Watch<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Watch(d))
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Watch<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Watch(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Watch<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // Keys are read as they are: an identifier is never skipped.
        self.0.next_key_seed(seed)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(Watch(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Watch<A> {
    type Error = A::Error;
    type Variant = Watch<A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Watch(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Watch<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Watch(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Watch(visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Watch(visitor))
    }
}

/// Decodes `text` as `T` through the tolerant reader, watching for unknown
/// fields: what `response_value` does with a success body.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Watch(&mut json))?;
    json.end()?;
    Ok(value)
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

    fn city(json: &str) -> Result<(City, Found), String> {
        let (out, found) = recording(|| decode::<City>(json));
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
        assert!(found.unknown_field);
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
    }

    #[test]
    fn errors_name_the_pointer_and_the_kinds_never_the_value() {
        let body =
            r#"{"data":[{"city_id":1,"name":"a"},{"city_id":{"x":"Siti Rahmawati"},"name":"b"}]}"#;
        let e = decode::<Envelope>(body).unwrap_err();
        let text = locate_error::<Envelope>(body, &e);
        assert_eq!(
            text,
            "/data/1/city_id: expected an integer, found an object"
        );
        let body = r#"{"data":[{"name":"Siti"}]}"#;
        let e = decode::<Envelope>(body).unwrap_err();
        assert_eq!(
            locate_error::<Envelope>(body, &e),
            "/data/0/city_id: missing"
        );
        let body = r#"{"data":{"city_id":1,"name":"Siti"}}"#;
        let e = decode::<Envelope>(body).unwrap_err();
        let text = locate_error::<Envelope>(body, &e);
        assert_eq!(text, "/data: expected a list, found an object");
        let body = r#"{"data":[{"city_id":"Siti Rahmawati","name":"b"}]}"#;
        let e = decode::<Envelope>(body).unwrap_err();
        let text = locate_error::<Envelope>(body, &e);
        assert!(!text.contains("Siti"), "{text}");
        assert!(text.starts_with("/data/0/city_id: "), "{text}");
        let e = decode::<Envelope>("{\"data\": [").unwrap_err();
        assert_eq!(
            locate_error::<Envelope>("{\"data\": [", &e),
            "/data: the answer ends too early"
        );
    }

    #[test]
    fn each_place_is_reported_once_with_its_pointer() {
        let body = r#"{"data":[{"city_id":"1","name":"a"},{"city_id":"2","name":"b","new":1}]}"#;
        for _ in 0..3 {
            let (out, found) = recording(|| decode::<Envelope>(body));
            out.unwrap();
            report::<Envelope>("test-vendor", "getCity", body, found);
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
