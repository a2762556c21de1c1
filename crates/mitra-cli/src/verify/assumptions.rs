//! The spec's `x-mitra-assumption`s and what the answers say of each:
//! confirmed, contradicted, or not exercised.

use std::collections::BTreeSet;

use mitra_spec::escape;
use serde_json::Value;

/// Where an assumption sits, which says what answer can settle it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// On the operation (its path, its method): a 2xx confirms it, a 404 or
    /// 405 contradicts it.
    Operation,
    /// On an input (parameter or body field) with this name: an answer to a
    /// call that sent it confirms it (2xx) or contradicts it (400, 422).
    Input(String),
    /// On the response for this status key (`200`, `4XX`), in the schema
    /// at this spec location: an answer of that status confirms it, or
    /// contradicts it if it drifts inside that schema.
    Response(String, String),
}

/// One assumption of one operation.
#[derive(Debug, Clone)]
pub struct Assumption {
    /// Its spec location (JSON pointer of the object that carries it).
    pub at: String,
    /// The operation it was reached from.
    pub operation: String,
    /// What the spec says is assumed.
    pub text: String,
    /// What can settle it.
    pub scope: Scope,
}

impl Assumption {
    /// Where it sits, for people: `getCity`, `getCity input city_id`,
    /// `getCity response 429`.
    pub fn label(&self) -> String {
        match &self.scope {
            Scope::Operation => self.operation.clone(),
            Scope::Input(name) if name.is_empty() => format!("{} request", self.operation),
            Scope::Input(name) => format!("{} input {name}", self.operation),
            Scope::Response(status, _) => format!("{} response {status}", self.operation),
        }
    }
}

/// What the answers say of an assumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// An answer agrees.
    Confirmed,
    /// An answer disagrees.
    Contradicted,
    /// No answer could say.
    NotExercised,
}

impl Verdict {
    /// As the report writes it.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Contradicted => "contradicted",
            Verdict::NotExercised => "not exercised",
        }
    }
}

struct Walk<'a> {
    spec: &'a Value,
    operation: String,
    seen: BTreeSet<String>,
    out: Vec<Assumption>,
}

impl Walk<'_> {
    /// Every assumption in `node` (at `at`), following `$ref`s once.
    fn node(&mut self, node: &Value, at: &str, scope: &Scope) {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let target = reference.trim_start_matches('#');
            if self.seen.insert(format!("{target} {scope:?}"))
                && let Some(next) = self.spec.pointer(target)
            {
                self.node(next, target, &scope_in(scope, target));
            }
            return;
        }
        match node {
            Value::Object(map) => {
                if let Some(text) = map.get("x-mitra-assumption").and_then(Value::as_str) {
                    self.out.push(Assumption {
                        at: at.to_owned(),
                        operation: self.operation.clone(),
                        text: text.to_owned(),
                        scope: scope_in(scope, at),
                    });
                }
                for (key, child) in map {
                    let child_at = format!("{at}/{}", escape(key));
                    let scope = match scope {
                        // A property of a request body names its input.
                        Scope::Input(_) if key != "properties" && at.ends_with("/properties") => {
                            Scope::Input(key.clone())
                        }
                        other => other.clone(),
                    };
                    self.node(child, &child_at, &scope);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.node(child, &format!("{at}/{i}"), scope);
                }
            }
            _ => {}
        }
    }
}

/// A response's scope carries the location of the schema at hand.
fn scope_in(scope: &Scope, at: &str) -> Scope {
    match scope {
        Scope::Response(status, _) => Scope::Response(status.clone(), at.to_owned()),
        other => other.clone(),
    }
}

/// Every assumption an operation rests on: its own, its inputs', its
/// responses' (through the components they use).
pub fn of_operation(spec: &Value, path: &str, method: &str, id: &str) -> Vec<Assumption> {
    let op_at = format!("/paths/{}/{method}", escape(path));
    let Some(op) = spec.pointer(&op_at) else {
        return Vec::new();
    };
    let mut walk = Walk {
        spec,
        operation: id.to_owned(),
        seen: BTreeSet::new(),
        out: Vec::new(),
    };
    if let Some(text) = op.get("x-mitra-assumption").and_then(Value::as_str) {
        walk.out.push(Assumption {
            at: op_at.clone(),
            operation: id.to_owned(),
            text: text.to_owned(),
            scope: Scope::Operation,
        });
    }
    for (i, param) in op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let param_at = format!("{op_at}/parameters/{i}");
        let resolved = mitra_spec::resolve(spec, param);
        let name = resolved["name"].as_str().unwrap_or_default().to_owned();
        walk.node(param, &param_at, &Scope::Input(name));
    }
    if let Some(body) = op.get("requestBody") {
        walk.node(
            body,
            &format!("{op_at}/requestBody"),
            &Scope::Input(String::new()),
        );
    }
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let at = format!("{op_at}/responses/{status}");
        walk.node(response, &at, &Scope::Response(status.clone(), at.clone()));
    }
    walk.out
}

/// What one run of the operation says of `assumption`: `status` the
/// answer's HTTP status (`None`: not run, or no answer), `input` the fields
/// it sent, `drift_schemas` the spec locations of the schemas its answer
/// drifted from, `not_json` whether the answer was not JSON.
pub fn judge(
    assumption: &Assumption,
    status: Option<u16>,
    input: &serde_json::Map<String, Value>,
    drift_schemas: &[String],
    not_json: bool,
) -> Verdict {
    let Some(status) = status else {
        return Verdict::NotExercised;
    };
    let success = (200..300).contains(&status);
    match &assumption.scope {
        Scope::Operation if success => Verdict::Confirmed,
        Scope::Operation if matches!(status, 404 | 405) => Verdict::Contradicted,
        Scope::Input(name) if name.is_empty() || !input.contains_key(name) => Verdict::NotExercised,
        Scope::Input(_) if success => Verdict::Confirmed,
        Scope::Input(_) if matches!(status, 400 | 422) => Verdict::Contradicted,
        Scope::Response(key, schema_at) => {
            let answered = *key == status.to_string()
                || *key == format!("{}XX", status / 100)
                || (key == "default" && !success);
            if !answered {
                Verdict::NotExercised
            } else if not_json
                || drift_schemas
                    .iter()
                    .any(|s| s.starts_with(schema_at.as_str()))
            {
                Verdict::Contradicted
            } else {
                Verdict::Confirmed
            }
        }
        _ => Verdict::NotExercised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
paths:
  /region/province:
    get:
      operationId: getProvince
      x-mitra-assumption: the path is guessed
      parameters:
        - name: code
          in: query
          schema: {type: string, x-mitra-assumption: codes have 2 digits}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Guess'}
components:
  schemas:
    Guess:
      type: object
      x-mitra-assumption: the field names are guessed
      properties:
        name: {type: string}
"##;

    #[test]
    fn each_scope_is_settled_by_its_answer() {
        let spec = mitra_spec::parse(SPEC).unwrap();
        let found = of_operation(&spec, "/region/province", "get", "getProvince");
        assert_eq!(found.len(), 3, "{found:?}");
        let (path, input, response) = (&found[0], &found[1], &found[2]);
        assert_eq!(path.scope, Scope::Operation);
        assert_eq!(input.scope, Scope::Input("code".into()));
        assert_eq!(
            response.scope,
            Scope::Response("200".into(), "/components/schemas/Guess".into())
        );
        let sent: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"code": "31"}"#).unwrap();
        let none = serde_json::Map::new();
        assert_eq!(
            judge(path, Some(200), &none, &[], false),
            Verdict::Confirmed
        );
        assert_eq!(
            judge(path, Some(404), &none, &[], false),
            Verdict::Contradicted
        );
        assert_eq!(judge(path, None, &none, &[], false), Verdict::NotExercised);
        assert_eq!(
            judge(input, Some(200), &none, &[], false),
            Verdict::NotExercised
        );
        assert_eq!(
            judge(input, Some(200), &sent, &[], false),
            Verdict::Confirmed
        );
        assert_eq!(
            judge(input, Some(422), &sent, &[], false),
            Verdict::Contradicted
        );
        assert_eq!(
            judge(response, Some(200), &none, &[], false),
            Verdict::Confirmed
        );
        let drifted = ["/components/schemas/Guess/properties/name".to_owned()];
        assert_eq!(
            judge(response, Some(200), &none, &drifted, false),
            Verdict::Contradicted
        );
    }
}
