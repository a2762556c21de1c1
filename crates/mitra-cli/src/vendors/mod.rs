//! One module per vendor: its operations (name, help, fields), how to run
//! each, and their JSON Schemas.

pub mod elkassa;
pub mod fastrac;
pub mod pafi;
pub mod pos;
pub mod sempoa;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::CliError;
use crate::input::Field;

/// An operation as the CLI shows it.
pub struct Op {
    /// The spec's operationId in kebab-case.
    pub name: &'static str,
    /// One line of help.
    pub about: &'static str,
    /// Its input fields.
    pub fields: &'static [Field],
}

/// A result as pretty-printable JSON.
pub fn output<T: Serialize>(value: T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::other("output", e.to_string()))
}

/// `{"request": ..., "response": ...}` for `--schema`.
pub fn schemas<Req: JsonSchema, Resp: JsonSchema>() -> Value {
    serde_json::json!({"request": schemars::schema_for!(Req), "response": schemars::schema_for!(Resp)})
}

/// The same, for an operation that takes only parameters.
pub fn response_schema<Resp: JsonSchema>(params: &[Field]) -> Value {
    let properties: serde_json::Map<String, Value> = params
        .iter()
        .map(|f| {
            (
                f.name.to_owned(),
                serde_json::json!({"description": f.help}),
            )
        })
        .collect();
    serde_json::json!({
        "request": {"type": "object", "description": "URL parameters", "properties": properties},
        "response": schemars::schema_for!(Resp),
    })
}
