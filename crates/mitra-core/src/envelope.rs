//! An envelope's success flag, read fail-safe.
//!
//! Vendors wrap answers in an envelope whose flag says whether the call
//! succeeded: ELKASSA's `status`, Fastrac's `success`, Sempoa's `status`
//! (the HTTP status again), PAFI's `error` (inverted) and `status_code`.
//! PHP backends send those flags in every form (`true`, `"true"`, `1`,
//! `"1"`; a status as `200` or `"200"`), and the tolerant reader accepts
//! them, so the flag's own reading must not be looser in the wrong
//! direction: a refusal sent as `"false"` or `0` is a refusal, and a flag
//! that reads as neither (null, `""`, an object, `"maybe"`) is never
//! a success; an absent one is judged by the spec (a required flag fails the
//! decode). One rule for every vendor, here.
//!
//! ```
//! use mitra_core::decode::top_level;
//! use mitra_core::envelope::{FlagRule, Verdict, verdict};
//! let [flag] = top_level(br#"{"success": "0", "message": "Data not found"}"#, ["success"]).unwrap();
//! assert_eq!(verdict(&[(FlagRule::TrueIsSuccess, &flag)]), Some(Verdict::Refused { status: None }));
//! let [flag] = top_level(br#"{"success": null}"#, ["success"]).unwrap();
//! assert!(matches!(verdict(&[(FlagRule::TrueIsSuccess, &flag)]), Some(Verdict::Unreadable { .. })));
//! ```

use crate::decode::Scalar;

/// How an envelope's flag says success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlagRule {
    /// A boolean, `true` on success (ELKASSA's `status`, Fastrac's `success`).
    TrueIsSuccess,
    /// A boolean, `false` on success (PAFI's `error`).
    FalseIsSuccess,
    /// An HTTP status code repeated in the body (Sempoa's `status`, PAFI's
    /// `status_code`): 2xx is a success, 400 and above a refusal.
    HttpStatus,
}

/// What an envelope's flags say of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// A success.
    Success,
    /// A refusal, with the status code a flag gave, if one did.
    Refused {
        /// The status code in the body (400 and above), if a flag is one.
        status: Option<u16>,
    },
    /// No flag reads as a success or a refusal: never taken for a success.
    Unreadable {
        /// The kind of what came (`null`, `a string`, `an object`, ...), never
        /// its value.
        found: &'static str,
    },
}

/// A boolean in any form PHP backends send it: `true`/`false`,
/// `"true"`/`"false"`, `1`/`0`, `"1"`/`"0"`.
fn boolean(value: &Scalar) -> Option<bool> {
    match value {
        Scalar::Bool(b) => Some(*b),
        Scalar::Int(1) => Some(true),
        Scalar::Int(0) => Some(false),
        Scalar::Str(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A status code as a number or a text, whole (`200`, `"200"`, `"200.00"`,
/// `200.0`), as the tolerant reader reads any integer.
fn status_code(value: &Scalar) -> Option<u16> {
    let whole = match value {
        Scalar::Int(n) => *n,
        Scalar::Str(s) | Scalar::Number(s) => crate::tolerant::int_from_text(s)?,
        _ => return None,
    };
    u16::try_from(whole).ok()
}

/// The kind of a value, for a message that must not quote it.
fn kind(value: &Scalar) -> &'static str {
    match value {
        Scalar::Absent => "nothing",
        Scalar::Null => "null",
        Scalar::Bool(_) => "a boolean",
        Scalar::Int(_) | Scalar::Number(_) => "a number",
        Scalar::Str(s) if s.trim().is_empty() => "an empty string",
        Scalar::Str(_) => "a string",
        Scalar::Strs(_) => "a list",
        Scalar::Object => "an object",
    }
}

/// What one flag says; `None` when it is absent (it says nothing).
pub fn judge(rule: FlagRule, value: &Scalar) -> Option<Verdict> {
    if *value == Scalar::Absent {
        return None;
    }
    let unreadable = Verdict::Unreadable { found: kind(value) };
    Some(match rule {
        FlagRule::TrueIsSuccess | FlagRule::FalseIsSuccess => match boolean(value) {
            Some(b) if b == (rule == FlagRule::TrueIsSuccess) => Verdict::Success,
            Some(_) => Verdict::Refused { status: None },
            None => unreadable,
        },
        FlagRule::HttpStatus => match status_code(value) {
            Some(200..=299) => Verdict::Success,
            Some(code @ 400..=599) => Verdict::Refused { status: Some(code) },
            _ => unreadable,
        },
    })
}

/// What all of an envelope's flags say together, fail-safe: a refusal if
/// any flag refuses (the one with a status code preferred), else unreadable
/// if any is, else a success. `None` when no flag is there at all: then the
/// spec decides, as the answer is decoded (a response whose schema requires
/// the flag fails to decode without it; one that has no envelope, such as
/// an answer the vendor sends bare, decodes as it is).
pub fn verdict(flags: &[(FlagRule, &Scalar)]) -> Option<Verdict> {
    let mut refused: Option<Option<u16>> = None;
    let mut unreadable: Option<&'static str> = None;
    let mut success = false;
    for (rule, value) in flags {
        match judge(*rule, value) {
            Some(Verdict::Refused { status }) => {
                refused = Some(refused.flatten().or(status));
            }
            Some(Verdict::Unreadable { found }) => {
                unreadable.get_or_insert(found);
            }
            Some(Verdict::Success) => success = true,
            None => {}
        }
    }
    match (refused, unreadable, success) {
        (Some(status), _, _) => Some(Verdict::Refused { status }),
        (None, Some(found), _) => Some(Verdict::Unreadable { found }),
        (None, None, true) => Some(Verdict::Success),
        (None, None, false) => None,
    }
}

/// A vendor's envelope as its spec declares it (`x-mitra-envelope`, written
/// into each vendor crate's `operations::ENVELOPE` by `cargo xtask
/// generate`): the flags that say whether a call succeeded, and where the
/// vendor's message is.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// The flags, by top-level key, and how each says success.
    pub flags: &'static [(&'static str, FlagRule)],
    /// The keys that may hold the vendor's message, in the order tried.
    pub message: &'static [&'static str],
}

/// What an [`Envelope`] found at the top level of a body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Found {
    /// What its flags say ([`verdict`]); `None` when none is there.
    pub verdict: Option<Verdict>,
    /// The vendor's message: a string, or a list of strings joined.
    pub message: Option<String>,
    /// Whether the message is text or absent (not an object of field
    /// errors, which the generic error-body reader keeps whole).
    pub message_is_text: bool,
}

impl Envelope {
    /// Reads the envelope of `body`; `None` if it is not a JSON object.
    pub fn read(&self, body: &[u8]) -> Option<Found> {
        let keys: Vec<&str> = self
            .flags
            .iter()
            .map(|(key, _)| *key)
            .chain(self.message.iter().copied())
            .collect();
        let values = crate::decode::top_level_of(body, &keys)?;
        let (flags, messages) = values.split_at(self.flags.len());
        let judged: Vec<(FlagRule, &Scalar)> = self
            .flags
            .iter()
            .zip(flags)
            .map(|((_, rule), value)| (*rule, value))
            .collect();
        let message = messages
            .iter()
            .find(|m| !matches!(m, Scalar::Absent | Scalar::Null));
        Some(Found {
            verdict: verdict(&judged),
            message: message.and_then(Scalar::text),
            message_is_text: message.is_none_or(Scalar::is_text_or_nothing),
        })
    }

    /// The error a body with a success status carries ([`error_in_success`]),
    /// `refused` making the vendor's error for a refusal from the status code
    /// in the body (if a flag gave one) and the vendor's message.
    pub fn error_in_success(
        &self,
        http_status: u16,
        body: &[u8],
        refused: impl FnOnce(Option<u16>, Option<String>) -> crate::Error,
    ) -> Option<crate::Error> {
        let found = self.read(body)?;
        let flag = self.flags.first().map_or("", |(key, _)| *key);
        let message = found.message;
        error_in_success(
            found.verdict,
            http_status,
            flag,
            message.as_deref(),
            |status| refused(status, message.clone()),
        )
    }
}

/// The [`ErrorDecoder`](crate::plumbing::ErrorDecoder) of a vendor whose
/// only rule is its spec's envelope: error statuses read by the generic
/// reader (JSON, HTML, XML or text, the status choosing the variant), and
/// every success body judged by the envelope's flags, fail-safe: a refusal
/// becomes the error its body's status (or 400) names, with the vendor's
/// message, and a flag that is neither a success nor a refusal is an
/// [`Error::Vendor`](crate::Error::Vendor). A vendor with words of its own
/// (a message that means "not authorized") writes its own decoder.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeDecoder(pub &'static Envelope);

impl crate::decoder::ErrorDecoder for EnvelopeDecoder {
    fn error_in_success(&self, status: reqwest::StatusCode, body: &[u8]) -> Option<crate::Error> {
        self.0
            .error_in_success(status.as_u16(), body, |inner, message| {
                let inner = inner
                    .and_then(|code| reqwest::StatusCode::from_u16(code).ok())
                    .filter(|code| !code.is_success())
                    .unwrap_or(reqwest::StatusCode::BAD_REQUEST);
                let message = crate::decode::bounded(message.as_deref().unwrap_or_default());
                crate::decode::error_from_response(
                    inner,
                    &reqwest::header::HeaderMap::new(),
                    crate::decode::ErrorBody {
                        code: None,
                        message,
                    },
                )
                .with_status(Some(status.as_u16()))
            })
    }

    // A refusal may decode as a (lenient) success type: every success body
    // is judged first.
    fn inspects_success(&self) -> bool {
        true
    }
}

/// The error an answer with a success status carries, by what its flags
/// say ([`verdict`]): none for a success or when no flag is there; `refused` (given the status code in the body,
/// if a flag gave one) for a refusal; for anything else an
/// [`Error::Vendor`](crate::Error::Vendor) with the vendor's message
/// (bounded and masked) and why the answer is not taken for a success.
pub fn error_in_success(
    verdict: Option<Verdict>,
    http_status: u16,
    flag: &str,
    message: Option<&str>,
    refused: impl FnOnce(Option<u16>) -> crate::Error,
) -> Option<crate::Error> {
    let found = match verdict? {
        Verdict::Success => return None,
        Verdict::Refused { status } => return Some(refused(status)),
        Verdict::Unreadable { found } => found,
    };
    let why = format!(
        "the answer's flag `{flag}` is neither a success nor a refusal (found {found}); not taken for a success"
    );
    let message = match message.map(str::trim).filter(|m| !m.is_empty()) {
        Some(message) => format!("{}: {why}", crate::decode::bounded(message)),
        None => why,
    };
    Some(crate::Error::Vendor {
        request_id: None,
        status: Some(http_status),
        code: None,
        message,
        retry_after: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Scalar {
        Scalar::Str(s.to_owned())
    }

    #[test]
    fn a_boolean_flag_in_every_form_php_sends() {
        let rule = FlagRule::TrueIsSuccess;
        for yes in [Scalar::Bool(true), Scalar::Int(1), text("true"), text("1")] {
            assert_eq!(judge(rule, &yes), Some(Verdict::Success), "{yes:?}");
            assert_eq!(
                judge(FlagRule::FalseIsSuccess, &yes),
                Some(Verdict::Refused { status: None }),
                "{yes:?}"
            );
        }
        for no in [
            Scalar::Bool(false),
            Scalar::Int(0),
            text("false"),
            text("0"),
        ] {
            assert_eq!(
                judge(rule, &no),
                Some(Verdict::Refused { status: None }),
                "{no:?}"
            );
            assert_eq!(judge(FlagRule::FalseIsSuccess, &no), Some(Verdict::Success));
        }
    }

    #[test]
    fn anything_else_is_never_a_success() {
        for odd in [
            Scalar::Null,
            text(""),
            text("maybe"),
            text("yes"),
            Scalar::Int(2),
            Scalar::Number("1.5".into()),
            Scalar::Object,
            Scalar::Strs(vec!["true".into()]),
        ] {
            for rule in [FlagRule::TrueIsSuccess, FlagRule::FalseIsSuccess] {
                assert!(
                    matches!(judge(rule, &odd), Some(Verdict::Unreadable { .. })),
                    "{odd:?}"
                );
            }
        }
        assert_eq!(judge(FlagRule::TrueIsSuccess, &Scalar::Absent), None);
        // No flag at all: the spec decides (a required flag fails the decode).
        assert_eq!(verdict(&[(FlagRule::TrueIsSuccess, &Scalar::Absent)]), None);
    }

    #[test]
    fn a_status_code_as_a_number_or_text() {
        let rule = FlagRule::HttpStatus;
        for ok in [
            Scalar::Int(200),
            text("200"),
            text(" 201 "),
            text("200.00"),
            Scalar::Number("200.0".into()),
        ] {
            assert_eq!(judge(rule, &ok), Some(Verdict::Success), "{ok:?}");
        }
        assert_eq!(
            judge(rule, &text("400")),
            Some(Verdict::Refused { status: Some(400) })
        );
        assert_eq!(
            judge(rule, &Scalar::Int(503)),
            Some(Verdict::Refused { status: Some(503) })
        );
        for odd in [
            Scalar::Int(302),
            Scalar::Int(99),
            text("OK"),
            text("200.5"),
            Scalar::Null,
        ] {
            assert!(
                matches!(judge(rule, &odd), Some(Verdict::Unreadable { .. })),
                "{odd:?}"
            );
        }
    }

    #[test]
    fn an_unreadable_flag_is_an_error_with_the_vendors_message() {
        let error = error_in_success(
            Some(Verdict::Unreadable { found: "a string" }),
            200,
            "success",
            Some("Data not found"),
            |_| unreachable!(),
        )
        .unwrap();
        assert_eq!(error.status(), Some(200));
        let text = error.to_string();
        assert!(text.contains("Data not found"), "{text}");
        assert!(
            text.contains("`success`") && text.contains("a string"),
            "{text}"
        );
        let refused = error_in_success(
            Some(Verdict::Refused { status: Some(404) }),
            200,
            "status",
            None,
            |status| crate::Error::NotFound {
                request_id: None,
                status,
                code: None,
                message: String::new(),
            },
        );
        assert_eq!(refused.and_then(|e| e.status()), Some(404));
        for quiet in [Some(Verdict::Success), None] {
            assert!(error_in_success(quiet, 200, "x", None, |_| unreachable!()).is_none());
        }
    }

    #[test]
    fn an_envelope_reads_its_flags_and_message_from_the_top_level() {
        const PAFI: Envelope = Envelope {
            flags: &[
                ("error", FlagRule::FalseIsSuccess),
                ("status_code", FlagRule::HttpStatus),
            ],
            message: &["message"],
        };
        let body = br#"{"data": {"error": false}, "error": "true", "status_code": 404, "message": "NIK tidak terdaftar"}"#;
        let found = PAFI.read(body).unwrap();
        assert_eq!(found.verdict, Some(Verdict::Refused { status: Some(404) }));
        assert_eq!(found.message.as_deref(), Some("NIK tidak terdaftar"));
        let error = PAFI
            .error_in_success(200, body, |status, message| crate::Error::NotFound {
                request_id: None,
                status,
                code: None,
                message: message.unwrap_or_default(),
            })
            .unwrap();
        assert_eq!(error.status(), Some(404));
        assert!(
            PAFI.error_in_success(200, br#"{"error": false}"#, |_, _| unreachable!())
                .is_none()
        );
        assert!(PAFI.read(b"<html>").is_none());
        const ELKASSA: Envelope = Envelope {
            flags: &[("status", FlagRule::TrueIsSuccess)],
            message: &["messages"],
        };
        let found = ELKASSA
            .read(br#"{"status": "0", "messages": ["a", "b"]}"#)
            .unwrap();
        assert_eq!(
            (
                found.verdict,
                found.message.as_deref(),
                found.message_is_text
            ),
            (Some(Verdict::Refused { status: None }), Some("a; b"), true)
        );
        let fields = ELKASSA
            .read(br#"{"status": false, "messages": {"email": ["x"]}}"#)
            .unwrap();
        assert!(!fields.message_is_text);
    }

    #[test]
    fn any_refusal_wins_then_any_unreadable_flag() {
        // PAFI's `error`: `true` refuses, `false` succeeds.
        let (no, yes, odd) = (Scalar::Bool(true), Scalar::Bool(false), text("maybe"));
        let status = Scalar::Int(404);
        // PAFI: `error` says success, `status_code` says 404: a refusal.
        assert_eq!(
            verdict(&[
                (FlagRule::FalseIsSuccess, &yes),
                (FlagRule::HttpStatus, &status)
            ]),
            Some(Verdict::Refused { status: Some(404) })
        );
        assert_eq!(
            verdict(&[
                (FlagRule::FalseIsSuccess, &no),
                (FlagRule::HttpStatus, &status)
            ]),
            Some(Verdict::Refused { status: Some(404) })
        );
        assert!(matches!(
            verdict(&[
                (FlagRule::FalseIsSuccess, &yes),
                (FlagRule::HttpStatus, &odd)
            ]),
            Some(Verdict::Unreadable { .. })
        ));
        assert_eq!(
            verdict(&[
                (FlagRule::FalseIsSuccess, &yes),
                (FlagRule::HttpStatus, &Scalar::Absent)
            ]),
            Some(Verdict::Success)
        );
    }

    #[test]
    fn the_envelope_decoder_takes_only_a_clear_success_for_one() {
        use crate::decoder::ErrorDecoder;
        static ENVELOPE: Envelope = Envelope {
            flags: &[
                ("success", FlagRule::TrueIsSuccess),
                ("code", FlagRule::HttpStatus),
            ],
            message: &["message"],
        };
        let decoder = EnvelopeDecoder(&ENVELOPE);
        let ok = reqwest::StatusCode::OK;
        assert!(decoder.inspects_success());
        assert!(
            decoder
                .error_in_success(ok, br#"{"success":"true","data":[]}"#)
                .is_none()
        );
        let refused = decoder
            .error_in_success(
                ok,
                br#"{"success":"false","message":"Kota tidak ditemukan"}"#,
            )
            .expect("a text false is a refusal");
        assert!(
            matches!(
                refused,
                crate::Error::InvalidValue { .. } | crate::Error::Vendor { .. }
            ),
            "{refused:?}"
        );
        assert!(
            refused.to_string().contains("Kota tidak ditemukan"),
            "{refused}"
        );
        assert_eq!(refused.status(), Some(200));
        let not_found = decoder
            .error_in_success(ok, br#"{"success":0,"code":"404","message":"tidak ada"}"#)
            .expect("a refusal");
        assert!(
            matches!(not_found, crate::Error::NotFound { .. }),
            "{not_found:?}"
        );
        let unclear = decoder
            .error_in_success(ok, br#"{"success":"maybe","data":[]}"#)
            .expect("an unreadable flag is never a success");
        assert!(
            matches!(unclear, crate::Error::Vendor { .. }),
            "{unclear:?}"
        );
    }
}
