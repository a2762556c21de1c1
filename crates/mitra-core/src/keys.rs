//! One mask for every key, pointer token and path segment that is printed
//! (drift reports, `mitra verify`'s report, `--json`, `--suggest` and
//! `--record`, `cargo xtask docs`): a vendor that keys an object by a NIK
//! or an e-mail address puts data where a name was expected.
//!
//! Dependency-free on purpose: `xtask` compiles this same file (by
//! `#[path]`), so that there is one mask, not two that drift apart.

/// The mask that replaces a data-shaped key.
pub const MASKED_KEY: &str = "*";

/// Whether `key` is data rather than a name: not identifier-shaped (a
/// letter or `_` first, then letters, digits, `_` and `-`, at most 64),
/// or holding a run of 6 or more digits (`nik_3273010101900001`), or an
/// `@`.
///
/// ```
/// use mitra_core::redact::data_shaped_key;
/// assert!(!data_shaped_key("city_id") && !data_shaped_key("kodePos2"));
/// assert!(data_shaped_key("3273010101900001") && data_shaped_key("nik_3273010101900001"));
/// assert!(data_shaped_key("siti.rahmawati@contoh.id") && data_shaped_key("Siti Rahmawati"));
/// ```
pub fn data_shaped_key(key: &str) -> bool {
    let identifier = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let mut run = 0;
    let long_digits = key.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= 6
    });
    !identifier || long_digits || key.contains('@')
}

/// `key` as it may be printed: itself, or [`MASKED_KEY`] when it is
/// [data-shaped](data_shaped_key).
pub fn mask_key(key: &str) -> &str {
    if data_shaped_key(key) {
        MASKED_KEY
    } else {
        key
    }
}

/// A JSON pointer fit to print: every token [masked](mask_key) but a list
/// index (at most 5 digits), and the whole bounded (about 200 bytes, then
/// `/…`).
///
/// ```
/// use mitra_core::redact::mask_pointer;
/// assert_eq!(mask_pointer("/data/0/city_id"), "/data/0/city_id");
/// assert_eq!(mask_pointer("/data/nik_3273010101900001"), "/data/*");
/// assert_eq!(mask_pointer("/by/siti@contoh.id/x"), "/by/*/x");
/// ```
pub fn mask_pointer(pointer: &str) -> String {
    let index = |t: &str| !t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit());
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        out.push('/');
        out.push_str(if index(token) { token } else { mask_key(token) });
        if out.len() > 200 {
            out.push_str("/…");
            break;
        }
    }
    out
}
