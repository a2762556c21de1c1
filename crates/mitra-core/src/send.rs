//! The loop around every generated call: a token, the rate budget, the
//! attempt, then retries, error decoding and tracing. (The runtime's state
//! is `runtime.rs`; this is what a call does with it.)

use std::future::Future;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::{Response, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;

use crate::attempt::Attempt;
use crate::auth::Auth;
use crate::runtime::Runtime;
use crate::{Error, Operation};

impl Runtime {
    /// Runs one operation: `attempt` makes one call of the generated client
    /// with the [`Attempt`] it is given (the generated client's hooks read
    /// its token and record its status), hands the attempt back with the
    /// result, and is called again for each retry.
    ///
    /// Before each attempt an OAuth2 token is obtained (cached, or fetched
    /// once for all concurrent callers). A rejected token (401) is dropped and
    /// the call is sent once more with a fresh one, never more. Retryable
    /// failures are retried per the [`RetryPolicy`], for operations that are
    /// [`retry_safe`](Operation::retry_safe) or when the request certainly
    /// never left. Every attempt is a tracing event with the operation, path
    /// template, status, latency and attempt number, and no secret.
    // Not an `async fn`: one layer less of future to move on every call.
    pub fn send<'a, T, E, F, Fut>(
        &'a self,
        op: &'a Operation,
        attempt: F,
    ) -> impl Future<Output = Result<T, Error>> + 'a
    where
        F: FnMut(Attempt) -> Fut + 'a,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)> + 'a,
        T: 'a,
        E: 'a,
    {
        self.send_to(None, op, attempt)
    }

    /// [`send`](Self::send), with the server the call goes to for its span
    /// and metrics (`server.address`, `server.port`).
    pub fn send_to<'a, T, E, F, Fut>(
        &'a self,
        server: Option<&'a crate::telemetry::Server>,
        op: &'a Operation,
        attempt: F,
    ) -> impl Future<Output = Result<T, Error>> + 'a
    where
        F: FnMut(Attempt) -> Fut + 'a,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)> + 'a,
        T: 'a,
        E: 'a,
    {
        let span = self.call_span(server, op);
        self.send_inner(server, op, attempt).instrument(span)
    }

    // The generic half of a call, one copy per operation in a program: it
    // only sends the attempts and hands back their value. Everything else a
    // call does is in the non-generic methods below (one copy in all), so
    // that each operation a program uses costs its own request and decode,
    // and little more.
    async fn send_inner<T, E, F, Fut>(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)>,
    {
        let mut sent = 0u32;
        let outcome = self.attempts(server, op, attempt, &mut sent).await;
        if let Err(error) = &outcome {
            self.call_failed(op, sent, error);
        } else if sent > 1 {
            self.call_resent(sent);
        }
        outcome
    }

    async fn attempts<T, E, F, Fut>(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        mut attempt: F,
        sent: &mut u32,
    ) -> Result<T, Error>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)>,
    {
        let mut refreshed_after_401 = false;
        loop {
            *sent += 1;
            let (context, started) = self.before_attempt(op, *sent).await?;
            let (result, mut context) = attempt(context).await;
            let elapsed = started.at.map(|s| s.elapsed());
            let found_in_success = context.take_error_in_success();
            let error = match (result, found_in_success) {
                (_, Some(error)) => error,
                (Ok(value), None) => {
                    self.attempt_succeeded(
                        server,
                        op,
                        *sent,
                        started.span,
                        elapsed,
                        (value.status(), value.headers()),
                    );
                    return Ok(value.into_inner());
                }
                (Err(e), None) => {
                    let extra = context.extra_secrets();
                    Box::pin(self.classify(e, context.status(), &extra)).await
                }
            };
            // The rest of a failure is not generic and is boxed: one copy
            // in a program, not one per operation, and no room for it in
            // every call's future.
            let failure = Failure {
                server,
                op,
                context: &context,
                sent: *sent,
                elapsed,
                attempt_span: started.span,
            };
            Box::pin(self.after_failure(error, failure, &mut refreshed_after_401)).await?;
        }
    }

    /// The span of a call: OpenTelemetry's HTTP client span.
    fn call_span(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
    ) -> tracing::Span {
        // OpenTelemetry's HTTP client span: named `{method} {url.template}`
        // (`otel.name`), its attributes under the semantic conventions' names.
        // Integers are recorded as i64: OpenTelemetry has no unsigned type
        // (tracing-opentelemetry would write a u64 as text).
        tracing::info_span!(
            "mitra.call",
            otel.name = %format_args!("{} {}", op.method, op.path),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            http.request.method = op.method,
            url.template = op.path,
            server.address = server.map(|s| &*s.address),
            server.port = server.map(|s| i64::from(s.port)),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            mitra.vendor = self.inner.vendor,
            mitra.operation = op.id,
        )
    }

    /// What comes before attempt number `sent` of `op`: a token (cached,
    /// or fetched once for all concurrent callers), the rate budget, the
    /// attempt's span and clock.
    async fn before_attempt(&self, op: &Operation, sent: u32) -> Result<(Attempt, Started), Error> {
        if let Some(options) = &self.options
            && sent == 1
        {
            options.check(op)?;
        }
        let token = match &self.inner.auth {
            Auth::OAuth2(source) => Some(source.token().await.map_err(|e| {
                let e = self.inner.secrets.scrub_error(e, &[]).at_token_endpoint();
                tracing::debug!(error = %e, "no token");
                e
            })?),
            _ => None,
        };
        if let Some(limiter) = &self.inner.rate_limiter {
            limiter.acquire().await;
        }
        let span = tracing::info_span!(
            "mitra.attempt",
            http.request.resend_count = i64::from(sent - 1),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        // The clock is read only for a subscriber that records latency
        // (or for the metrics, when they are compiled in).
        #[cfg(not(feature = "metrics"))]
        let at = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
        #[cfg(feature = "metrics")]
        let at = Some(Instant::now());
        // Fields the spec marks secret (a password) or personal: their values
        // are scrubbed from vendor text like the client's credentials.
        let secret_fields = if op.fields.iter().any(|f| f.secret || f.personal) {
            op.fields
        } else {
            &[]
        };
        let context = Attempt::new(self.clone(), op.id, token, secret_fields, sent);
        Ok((context, Started { span, at }))
    }

    /// An attempt answered with success `status`: recorded on its span and
    /// the call's, as an event, and (feature `metrics`) as a measurement.
    fn attempt_succeeded(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        sent: u32,
        span: tracing::Span,
        elapsed: Option<std::time::Duration>,
        (status, headers): (StatusCode, &reqwest::header::HeaderMap),
    ) {
        #[cfg(not(feature = "metrics"))]
        let _ = (server, op);
        if let Some(options) = &self.options {
            options.record(self, status, headers, sent);
        }
        let status = status.as_u16();
        let latency_ms = elapsed.map_or(0, |e| e.as_millis() as u64);
        span.record("http.response.status_code", i64::from(status));
        tracing::Span::current().record("http.response.status_code", i64::from(status));
        tracing::debug!(attempt = sent, status, latency_ms, "ok");
        #[cfg(feature = "metrics")]
        crate::telemetry::record_attempt(crate::telemetry::AttemptMetric {
            op,
            vendor: self.inner.vendor,
            server,
            status: Some(status),
            error_type: None,
            seconds: elapsed.unwrap_or_default().as_secs_f64(),
        });
    }

    /// A call that succeeded after `sent` attempts: the resends on its span.
    fn call_resent(&self, sent: u32) {
        // Recorded once, at the end: a field recorded twice is two
        // attributes to an OpenTelemetry layer.
        tracing::Span::current().record("http.request.resend_count", i64::from(sent - 1));
    }

    /// A call that failed after `sent` attempts: on its span, as a WARN
    /// event, and (feature `metrics`) counted.
    fn call_failed(&self, op: &Operation, sent: u32, error: &Error) {
        let call = tracing::Span::current();
        if sent > 1 {
            call.record("http.request.resend_count", i64::from(sent - 1));
        }
        call.record("otel.status_code", "ERROR");
        call.record("error.type", error.kind());
        if let Some(status) = error.status() {
            call.record("http.response.status_code", i64::from(status));
        }
        tracing::warn!(
            error.type = error.kind(),
            mitra.vendor = self.inner.vendor,
            mitra.operation = op.id,
            attempts = sent,
            error = %error,
            "call failed"
        );
        #[cfg(feature = "metrics")]
        crate::telemetry::count_call_outcome(
            "mitra.client.failures",
            self.inner.vendor,
            op,
            error.kind(),
        );
    }

    /// What follows a failed attempt: the error scrubbed of every secret
    /// and classified by the spec's known messages, recorded, then either
    /// `Ok` (send again: a refused token replaced, or a retry after its
    /// delay) or the error to return.
    async fn after_failure(
        &self,
        error: Error,
        failure: Failure<'_>,
        refreshed_after_401: &mut bool,
    ) -> Result<(), Error> {
        let Failure {
            server,
            op,
            context,
            sent,
            elapsed,
            attempt_span,
        } = failure;
        #[cfg(not(feature = "metrics"))]
        let _ = (server, elapsed);
        let latency_ms = elapsed.map_or(0, |e| e.as_millis() as u64);
        // Vendor text may echo a credential or the token back.
        let error = self
            .inner
            .secrets
            .scrub_error(error, &context.extra_secrets());
        // A message the spec documents says what was wrong, typed.
        let error = op
            .errors
            .iter()
            .find_map(|known| known.classify(&error))
            .unwrap_or(error);
        let status = error.status().or(context.status());
        if let Some(status) = status {
            attempt_span.record("http.response.status_code", i64::from(status));
        }
        attempt_span.record("error.type", error.kind());
        drop(attempt_span);
        tracing::debug!(
            attempt = sent,
            status,
            latency_ms,
            error = %error,
            "failed"
        );
        #[cfg(feature = "metrics")]
        crate::telemetry::record_attempt(crate::telemetry::AttemptMetric {
            op,
            vendor: self.inner.vendor,
            server,
            status,
            error_type: Some(error.kind()),
            seconds: elapsed.unwrap_or_default().as_secs_f64(),
        });
        if let (Error::Unauthorized { .. }, Some(token), Auth::OAuth2(source)) =
            (&error, context.token(), &self.inner.auth)
            && !*refreshed_after_401
        {
            // The token is dropped either way. The call is sent once more
            // with a new one only if repeating it is harmless, or if the
            // gateway proves the request never reached the backend.
            *refreshed_after_401 = true;
            source.invalidate(token);
            source.invalidate_shared(token).await;
            if op.retry_safe || self.inner.decoder.rejected_before_backend(&error) {
                tracing::info!(
                    error.type = error.kind(),
                    "the token was refused: sending again with a new one"
                );
                return Ok(());
            }
            return Err(error);
        }
        let policy_attempt = sent - u32::from(*refreshed_after_401);
        if let Some(max) = self
            .options
            .as_ref()
            .and_then(|o| o.options().max_attempts())
            && policy_attempt >= max
        {
            return Err(error);
        }
        match self
            .inner
            .retry
            .delay_before_retry(&error, policy_attempt, op.retry_safe)
        {
            Some(delay) => {
                // INFO: the vendor misbehaved, the call may still succeed.
                tracing::info!(
                    error.type = error.kind(),
                    attempt = sent,
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
                #[cfg(feature = "metrics")]
                crate::telemetry::count_call_outcome(
                    "mitra.client.retries",
                    self.inner.vendor,
                    op,
                    error.kind(),
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            None => Err(error),
        }
    }

    async fn classify<E>(
        &self,
        error: GenError<E>,
        status_seen: Option<u16>,
        extra: &[&str],
    ) -> Error {
        match error {
            GenError::ResponseBodyError(e) if crate::error::exceeded_limit(&e) => {
                Error::BodyTooLarge {
                    limit: self.inner.max_body,
                }
            }
            GenError::CommunicationError(e)
            | GenError::ResponseBodyError(e)
            | GenError::InvalidUpgrade(e) => crate::error::from_reqwest(e),
            GenError::InvalidRequest(message) => Error::validation("request", message),
            GenError::Custom(message) => Error::Transport {
                connect: false,
                message,
            },
            GenError::ErrorResponse(value) => self
                .inner
                .decoder
                .error_response(value.status(), value.headers(), b"")
                .with_request_id(self.request_id(value.headers(), extra)),
            GenError::InvalidResponsePayload(body, e) => {
                let status = status_seen
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(StatusCode::OK);
                if let Some(vendor_error) = self.error_in_success(status, &body, extra) {
                    return vendor_error;
                }
                // The message is the tolerant reader's: a pointer and kinds.
                Error::Decode {
                    request_id: None,
                    status: Some(status.as_u16()),
                    message: crate::error::scrub_serde(&e),
                }
            }
            GenError::UnexpectedResponse(response) => {
                let request_id = self.request_id(response.headers(), extra);
                self.unexpected_response(response, extra)
                    .await
                    .with_request_id(request_id)
            }
        }
    }

    /// The error of an answer the generated client did not expect: an
    /// error status, or a success status the spec does not describe.
    async fn unexpected_response(&self, response: Response, extra: &[&str]) -> Error {
        let status = response.status();
        let headers = response.headers().clone();
        #[cfg(feature = "mock")]
        let url = response.url().clone();
        // Scrubbed before it is cut, and before the decoder reads,
        // cuts or masks it.
        let body = match crate::body::read_scrubbed(response, &self.inner.secrets, extra).await {
            Ok(body) => body,
            Err(e) => return crate::error::from_reqwest(e),
        };
        if status.is_success() {
            // At DEBUG: a success the spec does not describe is not
            // decoded, so no field of it is known.
            if tracing::enabled!(tracing::Level::DEBUG) {
                crate::attempt::trace_answer(self, extra, (status.as_u16(), &headers, &body), None);
            }
            if let Some(vendor_error) = self.error_in_success(status, &body, extra) {
                return vendor_error;
            }
            return Error::Decode {
                request_id: None,
                status: Some(status.as_u16()),
                message: "a success status the spec does not describe".into(),
            };
        }
        #[cfg(feature = "mock")]
        if let Some(unmatched) = crate::mock_support::unmatched_mock(&url, status, &headers, &body)
        {
            return self.inner.secrets.scrub_error(unmatched, extra);
        }
        self.inner.decoder.error_response(status, &headers, &body)
    }
}

/// An attempt's span and, when read, the time it started.
struct Started {
    span: tracing::Span,
    at: Option<Instant>,
}

/// A failed attempt, as [`Runtime::after_failure`] needs it.
struct Failure<'a> {
    server: Option<&'a crate::telemetry::Server>,
    op: &'a Operation,
    context: &'a Attempt,
    sent: u32,
    elapsed: Option<std::time::Duration>,
    attempt_span: tracing::Span,
}
