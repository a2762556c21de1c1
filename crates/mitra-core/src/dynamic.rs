//! Calling an operation by its id with its inputs as one JSON object: what
//! the `mitra` CLI and generic tools use. Each vendor crate implements
//! [`DynamicClient`] for its client, generated from its spec (feature
//! `dynamic`).

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{Error, Operation};

/// A future of a dynamic call.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>;

/// A vendor client whose operations can be called by id with JSON inputs.
pub trait DynamicClient: Send + Sync {
    /// Every operation of the vendor's spec.
    fn operations(&self) -> &'static [Operation];

    /// Calls `operation_id` with `input`, an object keyed by the names of
    /// the operation's [`fields`](Operation::fields); the result as JSON.
    /// The typed method runs underneath: same validation, auth, retries.
    fn call_json<'a>(&'a self, operation_id: &'a str, input: Value) -> CallFuture<'a>;

    /// This client with `options` for its calls (the vendor client's
    /// `with_options`).
    fn with_options_dyn(&self, options: crate::CallOptions) -> Box<dyn DynamicClient>;
}

/// The input object; `null` is an empty one.
pub fn object(input: Value) -> Result<Map<String, Value>, Error> {
    match input {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::validation("input", "must be a JSON object")),
    }
}

/// Takes the parameter `name` out of `input`. A string that holds JSON of
/// the right type (`"31"` for a number) is accepted, and so is a number or
/// boolean where text is expected.
pub fn take<T: DeserializeOwned>(
    input: &mut Map<String, Value>,
    name: &'static str,
) -> Result<T, Error> {
    let value = input.remove(name).unwrap_or(Value::Null);
    let missing = value.is_null();
    lenient(value).map_err(|e| {
        if missing {
            return Error::validation(name, "is required");
        }
        // The rule that failed (a pattern, a range) as the type says it,
        // never the value given (it may be personal data).
        let rule = crate::error::scrub_serde(&e);
        if e.is_data() && !rule.is_empty() {
            Error::validation(name, rule)
        } else {
            Error::validation(name, "is not of the type the spec gives")
        }
    })
}

fn lenient<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => Ok(v),
        Err(e) => match &value {
            Value::String(s) => serde_json::from_str(s).map_err(|_| e),
            Value::Number(_) | Value::Bool(_) => {
                serde_json::from_value(Value::String(value.to_string())).map_err(|_| e)
            }
            _ => Err(e),
        },
    }
}

/// The request body: what is left of `input` once the parameters are taken.
pub fn body<T: DeserializeOwned>(input: Map<String, Value>) -> Result<T, Error> {
    serde_json::from_value(Value::Object(input))
        .map_err(|e| Error::validation("body", crate::error::scrub_serde(&e)))
}

/// A result as JSON.
pub fn output<T: Serialize>(value: T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Decode {
        request_id: None,
        status: None,
        message: format!("the result cannot be written as JSON: {e}"),
    })
}

/// `Err` for an operation id the vendor does not have.
pub fn unknown(operation_id: &str) -> Error {
    Error::validation(
        "operation",
        format!("no operation {operation_id:?} in this vendor's spec"),
    )
}
