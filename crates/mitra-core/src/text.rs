//! Vendor text made fit to show: bounded, its long digit runs masked, and
//! serde's messages without the values they quote. Below everything else
//! (it uses no other module), so that errors, decoders and redaction can
//! all use it.

/// The longest vendor message kept in an error, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// The longest vendor error code kept in an error, in characters.
pub const MAX_CODE_CHARS: usize = 64;

/// Bounds a vendor message to [`MAX_MESSAGE_CHARS`] and masks long digit
/// runs. Masking comes first, so that a number cut at the bound is masked
/// as a whole.
///
/// ```
/// let nik = "3206021201960046";
/// let message = format!("{}{nik}", "x".repeat(290));
/// assert!(!mitra_core::decode::bounded(&message).contains("32060212"));
/// ```
pub fn bounded(message: &str) -> String {
    let masked = mask_digit_runs(message);
    let mut out: String = masked.chars().take(MAX_MESSAGE_CHARS).collect();
    if masked.chars().count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}

/// Bounds a vendor error code to [`MAX_CODE_CHARS`] and masks long digit
/// runs, as [`bounded`] does for messages: a code field that repeats a NIK
/// or a whole body shows neither.
///
/// ```
/// let code = format!("3206021201960046{}", "x".repeat(10_000));
/// let bounded = mitra_core::decode::bounded_code(&code);
/// assert!(!bounded.contains("32060212") && bounded.chars().count() <= 65);
/// assert_eq!(mitra_core::decode::bounded_code("900901"), "900901");
/// ```
pub fn bounded_code(code: &str) -> String {
    let masked = mask_digit_runs(code);
    let mut out: String = masked.chars().take(MAX_CODE_CHARS).collect();
    if masked.chars().count() > MAX_CODE_CHARS {
        out.push('…');
    }
    out
}

/// Masks every run of 10 or more digits but its last 4: identity numbers
/// (the 16-digit NIK), phone and account numbers never reach an error or a log.
///
/// ```
/// assert_eq!(mitra_core::decode::mask_digit_runs("nik 3206021201960046 ok"), "nik ************0046 ok");
/// assert_eq!(mitra_core::decode::mask_digit_runs("code 900901"), "code 900901");
/// ```
pub fn mask_digit_runs(text: &str) -> String {
    map_digit_runs(text, |run, out| {
        let keep = run.len() - 4;
        out.extend(std::iter::repeat_n('*', keep));
        out.push_str(&run[keep..]);
    })
}

/// Every run of 10 or more digits as zeros, its length kept: the shape of
/// a NIK or a phone number in a fixture, none of its digits.
///
/// ```
/// assert_eq!(mitra_core::decode::zero_digit_runs("hp 081234567890"), "hp 000000000000");
/// ```
pub fn zero_digit_runs(text: &str) -> String {
    map_digit_runs(text, |run, out| {
        out.extend(std::iter::repeat_n('0', run.len()))
    })
}

/// `text` with each run of 10 or more ASCII digits written by `long`.
fn map_digit_runs(text: &str, long: impl Fn(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 10 {
            long(run, out);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `text` without what it quotes between `"` (values from the body).
pub(crate) fn unquoted(text: &str) -> String {
    // serde quotes strings with `"` (Debug-escaped: `\"` inside) and other
    // values with backticks; what is between is the vendor's.
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match open {
            None if c == '"' || c == '`' => {
                open = Some(c);
                out.push(c);
                out.push('…');
            }
            None => out.push(c),
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => {
                open = None;
                out.push(c);
            }
            Some(_) => {}
        }
    }
    out
}
