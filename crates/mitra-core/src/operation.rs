//! What the generated code knows of each operation of a spec.

/// One operation of a vendor's spec; generated as `operations::*` in each
/// vendor crate, and attached to its method by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template (`/user/{nik}`): logged instead of the real path,
    /// which may carry personal data.
    pub path: &'static str,
    /// Whether sending it twice is harmless (`x-mitra-retry-safe` in the
    /// spec, or a GET). Calls that are not are retried only when they
    /// certainly never reached the vendor.
    pub retry_safe: bool,
    /// The spec's summary.
    pub summary: &'static str,
    /// The inputs the caller gives: parameters, then the top-level fields of
    /// the request body.
    pub fields: &'static [Field],
    /// A valid input, as one JSON object keyed by field name (the spec's
    /// `x-mitra-example`, else its parameter and request body examples).
    pub example: Option<&'static str>,
    /// The vendor messages the spec documents for it (`x-mitra-errors`),
    /// each turned into the typed error it means.
    pub errors: &'static [KnownError],
}

/// A vendor message the spec documents (`x-mitra-errors`), and the typed
/// error it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownError {
    /// The message, compared without regard to ASCII case; `{value}` stands
    /// for the value it names (`Akun {value} tidak ditemukan`). Without
    /// `{value}`, a message that contains it matches.
    pub message: &'static str,
    /// What it means: `invalid_value` ([`Error::InvalidValue`](crate::Error::InvalidValue)),
    /// `conflict`, `not_found` or `unauthorized`.
    pub kind: &'static str,
    /// The request field it is about, as the spec names it.
    pub field: &'static str,
}

impl KnownError {
    /// `error` as the typed error this documented message means, when its
    /// message is this one; `None` otherwise.
    pub fn classify(&self, error: &crate::Error) -> Option<crate::Error> {
        use crate::Error;
        let (status, message) = match error {
            Error::Vendor {
                status, message, ..
            }
            | Error::NotFound {
                status, message, ..
            }
            | Error::Conflict {
                status, message, ..
            }
            | Error::Rejected {
                status, message, ..
            } => (*status, message),
            _ => return None,
        };
        let value = self.matched(message)?;
        let message = message.clone();
        Some(match self.kind {
            "conflict" => Error::Conflict {
                request_id: None,
                status,
                code: None,
                message,
            },
            "not_found" => Error::NotFound {
                request_id: None,
                status,
                code: None,
                message,
            },
            "unauthorized" => Error::Unauthorized {
                request_id: None,
                status,
                code: None,
                message,
            },
            _ => Error::InvalidValue {
                request_id: None,
                status,
                field: self.field.to_owned(),
                value,
                message,
            },
        })
    }

    /// `Some(value named)` when `message` is this one.
    fn matched(&self, message: &str) -> Option<Option<String>> {
        let lower = message.trim().to_ascii_lowercase();
        let template = self.message.to_ascii_lowercase();
        let Some((before, after)) = template.split_once("{value}") else {
            return lower.contains(&template).then_some(None);
        };
        let start = lower.find(before)? + before.len();
        let rest = &lower[start..];
        let end = if after.is_empty() {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        } else {
            rest.find(after)?
        };
        let value = message.trim().get(start..start + end)?.trim();
        Some((!value.is_empty()).then(|| value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn documented_messages_become_typed_errors() {
        let unknown = KnownError {
            message: "Akun {value} tidak ditemukan",
            kind: "invalid_value",
            field: "transaksi[].akun",
        };
        let vendor = |message: &str| Error::Vendor {
            request_id: None,
            status: Some(400),
            code: None,
            message: message.into(),
            retry_after: None,
        };
        assert_eq!(
            unknown.classify(&vendor("Akun 7777 tidak ditemukan.")),
            Some(Error::InvalidValue {
                request_id: None,
                status: Some(400),
                field: "transaksi[].akun".into(),
                value: Some("7777".into()),
                message: "Akun 7777 tidak ditemukan.".into(),
            })
        );
        assert_eq!(unknown.classify(&vendor("Saldo tidak cukup")), None);
        let duplicate = KnownError {
            message: "sudah ada",
            kind: "conflict",
            field: "referensi",
        };
        assert!(matches!(
            duplicate.classify(&vendor("Nomor referensi sudah ada")),
            Some(Error::Conflict { .. })
        ));
        assert_eq!(
            duplicate.classify(&Error::Timeout {
                message: "sudah ada".into()
            }),
            None
        );
    }
}

/// One input of an [`Operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name in the spec.
    pub name: &'static str,
    /// `path`, `query`, `header` or `body`.
    pub location: &'static str,
    /// Whether the operation needs it.
    pub required: bool,
    /// Its JSON type: `string`, `integer`, `number`, `boolean`, `array`,
    /// `object`, or `any`.
    pub kind: &'static str,
    /// The spec's description.
    pub help: &'static str,
    /// The spec's `default`, as JSON text: what a tool sends when the
    /// caller gives nothing.
    pub default: Option<&'static str>,
    /// A secret (`format: password` or `x-mitra-secret` in the spec): tools
    /// never take it where others can see it (a command-line flag shows in
    /// `ps` and shell history), and scrub it from what they print.
    pub secret: bool,
    /// Personal data (`x-mitra-personal` in the spec): its value is scrubbed,
    /// like a secret's, from vendor text that echoes it (an error quoting
    /// the NIK or the e-mail it was asked about) and from traces.
    pub personal: bool,
}
