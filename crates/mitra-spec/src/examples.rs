//! Every example a spec gives (parameters, request and response bodies,
//! component schemas), each with the schema it must satisfy.

use serde_json::Value;

use crate::{Mismatch, escape, resolve, resolve_at, validate_at};

/// One example of a spec.
#[derive(Debug, Clone)]
pub struct Example {
    /// The operation it belongs to (its operationId, or `METHOD path`), or
    /// `components` for a component schema's example.
    pub operation: String,
    /// Where in the operation: `parameter city_id`, `request body
    /// (application/json) example "documented"`, `response 200 example`.
    pub place: String,
    /// The example's value.
    pub value: Value,
    /// The schema it must satisfy.
    pub schema: Value,
    /// The spec location of that schema.
    pub schema_at: String,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The examples of a media type object: `example`, then each of `examples`.
fn media_examples(spec: &Value, media: &Value, place: &str, out: &mut Vec<(String, Value)>) {
    if let Some(v) = media.get("example") {
        out.push((format!("{place} example"), v.clone()));
    }
    if let Some(named) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in named {
            if let Some(v) = resolve(spec, example).get("value") {
                out.push((format!("{place} example {name:?}"), v.clone()));
            }
        }
    }
}

/// Every example of `spec`, in spec order.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let operation = op["operationId"].as_str().map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_owned,
            );
            let op_at = format!("/paths/{}/{method}", escape(path));
            let mut found: Vec<(String, Value, Value, String)> = Vec::new();
            let params = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, p)| (p, format!("/paths/{}/parameters/{i}", escape(path))))
                .chain(
                    op["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, p)| (p, format!("{op_at}/parameters/{i}"))),
                );
            for (param, param_at) in params {
                let (param, param_at) = resolve_at(spec, param, &param_at);
                let place = format!("parameter {}", param["name"].as_str().unwrap_or("?"));
                let mut values = Vec::new();
                media_examples(spec, param, &place, &mut values);
                for (place, v) in values {
                    found.push((
                        place,
                        v,
                        param["schema"].clone(),
                        format!("{param_at}/schema"),
                    ));
                }
            }
            if let Some(body) = op.get("requestBody") {
                let (body, body_at) = resolve_at(spec, body, &format!("{op_at}/requestBody"));
                for (media_type, media) in body["content"].as_object().into_iter().flatten() {
                    let mut values = Vec::new();
                    media_examples(
                        spec,
                        media,
                        &format!("request body ({media_type})"),
                        &mut values,
                    );
                    let schema_at = format!("{body_at}/content/{}/schema", escape(media_type));
                    for (place, v) in values {
                        found.push((place, v, media["schema"].clone(), schema_at.clone()));
                    }
                }
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let (response, response_at) =
                    resolve_at(spec, response, &format!("{op_at}/responses/{status}"));
                for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                    let mut values = Vec::new();
                    media_examples(
                        spec,
                        media,
                        &format!("response {status} ({media_type})"),
                        &mut values,
                    );
                    let schema_at = format!("{response_at}/content/{}/schema", escape(media_type));
                    for (place, v) in values {
                        found.push((place, v, media["schema"].clone(), schema_at.clone()));
                    }
                }
            }
            out.extend(
                found
                    .into_iter()
                    .filter(|(_, _, schema, _)| !schema.is_null())
                    .map(|(place, value, schema, schema_at)| Example {
                        operation: operation.clone(),
                        place,
                        value,
                        schema,
                        schema_at,
                    }),
            );
        }
    }
    for (name, schema) in spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        schema_examples(
            schema,
            &format!("/components/schemas/{}", escape(name)),
            name,
            &mut out,
        );
    }
    out
}

/// The examples of a component schema and of the schemas inside it
/// (properties, items, alternatives).
fn schema_examples(schema: &Value, at: &str, label: &str, out: &mut Vec<Example>) {
    if let Some(v) = schema.get("example") {
        out.push(Example {
            operation: "components".into(),
            place: format!("schema {label} example"),
            value: v.clone(),
            schema: schema.clone(),
            schema_at: at.to_owned(),
        });
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let at = format!("{at}/properties/{}", escape(name));
        schema_examples(property, &at, &format!("{label}.{name}"), out);
    }
    if let Some(items) = schema.get("items") {
        schema_examples(items, &format!("{at}/items"), &format!("{label}[]"), out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (i, alternative) in schema[key].as_array().into_iter().flatten().enumerate() {
            schema_examples(
                alternative,
                &format!("{at}/{key}/{i}"),
                &format!("{label}/{key}/{i}"),
                out,
            );
        }
    }
}

/// Every example of `spec` that its schema refuses, with what is wrong.
pub fn check_examples(spec: &Value) -> Vec<(Example, Vec<Mismatch>)> {
    examples(spec)
        .into_iter()
        .filter_map(|example| {
            let found = validate_at(spec, &example.schema, &example.schema_at, &example.value);
            (!found.is_empty()).then_some((example, found))
        })
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
      parameters:
        - name: province_id
          in: query
          schema: {type: integer}
          example: 31
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/City'}
              examples:
                first:
                  value: {id: 1, name: Jakarta}
components:
  schemas:
    City:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string, example: Bandung}
"##;

    #[test]
    fn every_example_is_found_and_a_stale_one_is_named() {
        let spec = crate::parse(SPEC).unwrap();
        let all = examples(&spec);
        assert_eq!(all.len(), 3);
        assert!(check_examples(&spec).is_empty());
        let stale = crate::parse(&SPEC.replace("name: Jakarta", "city_name: Jakarta")).unwrap();
        let refused = check_examples(&stale);
        assert_eq!(refused.len(), 1);
        let (example, found) = &refused[0];
        assert_eq!(example.operation, "getCity");
        assert_eq!(
            example.place,
            "response 200 (application/json) example \"first\""
        );
        let pointers: Vec<&str> = found.iter().map(|m| m.pointer.as_str()).collect();
        assert_eq!(pointers, ["/name", "/city_name"]);
        let wrong_param = crate::parse(&SPEC.replace("example: 31", "example: 'x'")).unwrap();
        let wrong_property = crate::parse(&SPEC.replace("example: Bandung", "example: 7")).unwrap();
        assert_eq!(
            check_examples(&wrong_property)[0].0.place,
            "schema City.name example"
        );
        assert_eq!(
            check_examples(&wrong_param)[0].0.place,
            "parameter province_id example"
        );
    }
}
