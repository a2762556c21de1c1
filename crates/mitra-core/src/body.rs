//! Every bounded read of a response body, in one place: a success answer
//! read whole in place (its limit set on the body before, by
//! `Attempt::bounded_success`), a body read whole up to a limit (a token
//! answer, a success body an envelope decoder looks into, one shown at
//! DEBUG), and the start of an error body, scrubbed before it is cut.

use std::future::Future;

use reqwest::Response;

use crate::Error;
use crate::redact::Secrets;

/// The most of an error body that is read to decode it.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most bytes of a success body a client reads unless configured
/// otherwise.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

/// The whole body of `response`, or [`Error::BodyTooLarge`] past `limit`
/// bytes (checked against `Content-Length` first, then while reading).
pub(crate) async fn read_limited(mut response: Response, limit: u64) -> Result<Vec<u8>, Error> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(Error::BodyTooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(crate::error::from_reqwest)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(Error::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The start of an error body, at most [`MAX_ERROR_BODY`] bytes, with
/// every credential (and each of `extra`) scrubbed *before* it is cut: the
/// read goes on for [`Secrets::echo_reach`] bytes past the bound, so that
/// a secret that straddles the bound is found whole.
pub(crate) async fn read_scrubbed(
    mut response: Response,
    secrets: &Secrets,
    extra: &[&str],
) -> reqwest::Result<Vec<u8>> {
    let wanted = MAX_ERROR_BODY + secrets.echo_reach(extra);
    let mut body = Vec::new();
    let mut more = false;
    while let Some(chunk) = response.chunk().await? {
        let room = wanted - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= wanted {
            // Whether the body goes on is not asked (that would wait for
            // it): a body of exactly this size loses its last bytes.
            more = true;
            break;
        }
    }
    Ok(secrets.scrub_then_cut(&body, more, MAX_ERROR_BODY, extra))
}

/// A success answer's status and whole body, read in place chunk by chunk
/// (most answers come in one chunk, which is kept as it is), and its
/// headers (to show it at DEBUG once it is decoded, for a request id, for
/// `with_response`).
// Not an `async fn`: that would keep the response twice in its future.
#[allow(clippy::manual_async_fn)]
pub(crate) fn read_answer(
    mut response: reqwest::Response,
) -> impl Future<
    Output = reqwest::Result<(
        reqwest::StatusCode,
        bytes::Bytes,
        reqwest::header::HeaderMap,
    )>,
> {
    async move {
        let status = response.status();
        let mut body = bytes::Bytes::new();
        let mut joined: Option<Vec<u8>> = None;
        while let Some(chunk) = response.chunk().await? {
            match &mut joined {
                Some(all) => all.extend_from_slice(&chunk),
                None if body.is_empty() => body = chunk,
                None => {
                    let mut all = Vec::with_capacity(body.len() + chunk.len());
                    all.extend_from_slice(&body);
                    all.extend_from_slice(&chunk);
                    joined = Some(all);
                }
            }
        }
        if let Some(all) = joined {
            body = bytes::Bytes::from(all);
        }
        // Taken after the last read: not kept across an await.
        Ok((status, body, std::mem::take(response.headers_mut())))
    }
}
