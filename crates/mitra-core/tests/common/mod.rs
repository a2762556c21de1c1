//! What the runtime tests share: two operations and one call made as
//! generated code makes it.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::plumbing::{Attempt, Runtime};
use mitra_core::{Error, Operation, RetryPolicy};
use progenitor_client::{Error as GenError, ResponseValue};
use serde_json::Value;

/// A read, safe to repeat.
pub const READ: Operation = Operation {
    id: "getThing",
    method: "GET",
    path: "/thing",
    retry_safe: true,
    summary: "",
    fields: &[],
    example: None,
    errors: &[],
};

/// A call that changes state.
pub const WRITE: Operation = Operation {
    id: "postThing",
    method: "POST",
    retry_safe: false,
    ..READ
};

/// Three attempts, with backoffs of a millisecond or two.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
}

/// One call as generated code makes it: build the request, let the attempt
/// prepare and send it, decode.
pub async fn call(
    runtime: &Runtime,
    http: &reqwest::Client,
    url: &str,
    op: &Operation,
) -> Result<Value, Error> {
    runtime
        .send(op, |attempt: Attempt| async move {
            let mut request = http
                .request(op.method.parse().unwrap(), url)
                .build()
                .unwrap();
            attempt.prepare(&mut request);
            let result: Result<ResponseValue<Value>, GenError<()>> =
                match attempt.execute(http, request).await {
                    Ok(response) if response.status().is_success() => {
                        ResponseValue::from_response(response).await
                    }
                    Ok(response) => Err(GenError::UnexpectedResponse(response)),
                    Err(e) => Err(GenError::CommunicationError(e)),
                };
            (result, attempt)
        })
        .await
}
