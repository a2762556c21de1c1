//! One answer against the spec's response for its status, strictly (by
//! `mitra_spec`'s validator, not the clients' lenient decoders).

use mitra_spec::{Kind, Mismatch, escape, resolve_at};
use serde_json::Value;

use super::record::Scrubbed;

/// One way an answer differs from the spec.
#[derive(Debug, Clone)]
pub struct Drift {
    /// JSON pointer into the answer's body (`""`: the whole answer).
    pub pointer: String,
    /// A short name of the kind: `unknown-field`, `missing-field`,
    /// `number-as-string`, `string-as-number`, `wrong-type`, `null`,
    /// `enum`, `format`, `pattern`, `ambiguous`, `not-json`, `status`.
    pub kind: &'static str,
    /// What differs, in words.
    pub message: String,
    /// The spec's mismatch, for a drift of a JSON body (the `--suggest` edit
    /// starts from it).
    pub mismatch: Option<Mismatch>,
}

impl Drift {
    fn of(mismatch: Mismatch) -> Self {
        let kind = match mismatch.kind {
            Kind::UnknownField => "unknown-field",
            Kind::MissingField => "missing-field",
            Kind::NumberAsString => "number-as-string",
            Kind::StringAsNumber => "string-as-number",
            Kind::WrongType(_) => "wrong-type",
            Kind::Null => "null",
            Kind::Enum => "enum",
            Kind::Format(_) => "format",
            Kind::Pattern => "pattern",
            _ => "other",
        };
        Self {
            pointer: mismatch.pointer.clone(),
            kind,
            message: mismatch.to_string(),
            mismatch: Some(mismatch),
        }
    }

    fn whole(kind: &'static str, message: String) -> Self {
        Self {
            pointer: String::new(),
            kind,
            message,
            mismatch: None,
        }
    }
}

/// The response object the spec gives for `status` (exact, then `5XX`,
/// then `default`), with its spec location.
pub fn response_for<'a>(
    spec: &'a Value,
    path: &str,
    method: &str,
    status: u16,
) -> Option<(&'a Value, String)> {
    let at = format!("/paths/{}/{method}/responses", escape(path));
    let responses = spec.pointer(&at)?;
    [
        status.to_string(),
        format!("{}XX", status / 100),
        "default".to_owned(),
    ]
    .into_iter()
    .find_map(|key| {
        let response = responses.get(&key)?;
        Some(resolve_at(spec, response, &format!("{at}/{key}")))
    })
}

/// The start of a body that is not JSON, for a report: of the body
/// scrubbed whole, so that the cut cannot split a credential.
fn excerpt(body: &Scrubbed) -> String {
    let text = String::from_utf8_lossy(body.bytes());
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = line.chars().take(60).collect();
    if cut.len() < line.len() {
        format!("{cut}...")
    } else {
        cut
    }
}

/// Every drift of one answer (`status`, `content_type`, `body`) from what
/// the spec says `method path` answers; empty when it conforms. `scrubbed`
/// is the body with its credentials and personal inputs masked: the only
/// text of it a drift quotes.
pub fn answer(
    spec: &Value,
    path: &str,
    method: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
    scrubbed: &Scrubbed,
) -> Vec<Drift> {
    let Some((response, at)) = response_for(spec, path, method, status) else {
        let listed: Vec<String> = spec
            .pointer(&format!("/paths/{}/{method}/responses", escape(path)))
            .and_then(Value::as_object)
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        return vec![Drift::whole(
            "status",
            format!(
                "HTTP {status} is not among the spec's responses ({})",
                listed.join(", ")
            ),
        )];
    };
    let Some((media_type, media)) = response["content"]
        .as_object()
        .and_then(|c| c.iter().find(|(k, _)| k.contains("json")))
    else {
        // The spec gives no JSON body for this status: nothing to compare.
        return Vec::new();
    };
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) => {
            let seen = if content_type.is_empty() {
                "no Content-Type".to_owned()
            } else {
                content_type.to_owned()
            };
            return vec![Drift::whole(
                "not-json",
                format!(
                    "(root): HTTP {status} answered {seen} ({:?}) where the spec wants {media_type}",
                    excerpt(scrubbed)
                ),
            )];
        }
    };
    let schema_at = format!("{at}/content/{}/schema", escape(media_type));
    mitra_spec::validate_at(spec, &media["schema"], &schema_at, &value)
        .into_iter()
        .map(Drift::of)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
paths:
  /city:
    get:
      operationId: getCity
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/City'}
        '4XX':
          description: an error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
components:
  schemas:
    City:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
"##;

    #[test]
    fn answers_are_checked_by_status_and_body() {
        let spec = mitra_spec::parse(SPEC).unwrap();
        let masker = super::super::record::Masker::new(Default::default(), &[]);
        let run = |status, body: &str| {
            let scrubbed = masker.scrub_body(body.as_bytes());
            answer(
                &spec,
                "/city",
                "get",
                status,
                "",
                body.as_bytes(),
                &scrubbed,
            )
        };
        assert!(run(200, r#"{"name": "Bandung"}"#).is_empty());
        assert_eq!(run(200, r#"{"nama": "Bandung"}"#).len(), 2);
        assert!(run(404, r#"{"message": "not found"}"#).is_empty());
        let envelope = run(404, r#"{"error": "not found"}"#);
        assert_eq!(envelope[0].pointer, "/message");
        let html = run(502, "<html><body>Bad gateway</body></html>");
        assert_eq!(html[0].kind, "status");
        let html = run(404, "<!DOCTYPE html><html>Not found</html>");
        assert_eq!(html[0].kind, "not-json");
        assert!(
            html[0].message.contains("<!DOCTYPE html>"),
            "{}",
            html[0].message
        );
    }
}
