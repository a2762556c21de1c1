//! A recording proxy on 127.0.0.1: the vendor's client talks to it as to the
//! vendor (same credentials, tokens, signing, retries as every command), it
//! forwards each request to the real base URL and keeps each answer's raw
//! status and bytes, which the strict check needs (the client's decoded
//! result is lenient by design).

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::Response;
use tokio::task::JoinHandle;

/// The most bytes of one answer kept (as the CLI's default body limit).
const BODY_LIMIT: usize = 16 << 20;

/// One request through the proxy and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request's path (below the vendor's base URL).
    pub path: String,
    /// The answer's HTTP status; 0 when the vendor could not be reached.
    pub status: u16,
    /// The answer's `Content-Type`.
    pub content_type: String,
    /// The answer's body, or why there is none.
    pub body: Vec<u8>,
}

#[derive(Clone)]
struct Upstream {
    base: String,
    http: reqwest::Client,
    log: Arc<Mutex<Vec<Exchange>>>,
}

/// A running proxy; stops when dropped.
pub struct Proxy {
    url: String,
    log: Arc<Mutex<Vec<Exchange>>>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy to `base` (the vendor's base URL) on a free port of
    /// 127.0.0.1.
    pub async fn start(base: &str, http: reqwest::Client) -> std::io::Result<Self> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Upstream {
            base: base.trim_end_matches('/').to_owned(),
            http,
            log: log.clone(),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, log, task })
    }

    /// The URL the client uses as its base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every exchange since the last call, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headers that belong to one hop, not to the exchange.
fn hop_by_hop(name: &HeaderName) -> bool {
    *name == header::HOST
        || *name == header::CONTENT_LENGTH
        || *name == header::TRANSFER_ENCODING
        || *name == header::CONNECTION
}

async fn forward(State(up): State<Upstream>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let tail = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let mut outgoing = up
        .http
        .request(parts.method.clone(), format!("{}{tail}", up.base));
    for (name, value) in &parts.headers {
        if !hop_by_hop(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let mut exchange = Exchange {
        path,
        status: 0,
        content_type: String::new(),
        body: Vec::new(),
    };
    let answer = match outgoing.body(body).send().await {
        Ok(answer) => answer,
        Err(e) => {
            // Without the URL: it may carry a credential in its query.
            let e = e.without_url();
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                why.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            return bad_gateway(&up, exchange, why);
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    // Bounded as the client bounds it: a vendor's endless answer must not
    // fill memory.
    let bytes = match read_bounded(answer).await {
        Ok(bytes) => bytes,
        Err(why) => {
            return bad_gateway(&up, exchange, why);
        }
    };
    exchange.status = status.as_u16();
    exchange.content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    exchange.body = bytes.clone();
    up.log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(exchange);
    let mut response = Response::builder().status(status);
    for (name, value) in &headers {
        if !hop_by_hop(name) {
            response = response.header(name, value);
        }
    }
    response.body(Body::from(bytes)).unwrap_or_default()
}

/// Logs `exchange` with `why` as its body and answers 502 with it.
fn bad_gateway(up: &Upstream, mut exchange: Exchange, why: String) -> Response {
    exchange.body = why.clone().into_bytes();
    up.log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(exchange);
    Response::builder()
        .status(StatusCode::BAD_GATEWAY)
        .body(Body::from(why))
        .unwrap_or_default()
}

/// The answer's body, or why not: at most [`BODY_LIMIT`] bytes (checked
/// against `Content-Length` first, then while reading).
async fn read_bounded(mut answer: reqwest::Response) -> Result<Vec<u8>, String> {
    let over = || format!("the answer is larger than the limit of {BODY_LIMIT} bytes");
    if answer
        .content_length()
        .is_some_and(|n| n > BODY_LIMIT as u64)
    {
        return Err(over());
    }
    let mut body = Vec::new();
    while let Some(chunk) = answer
        .chunk()
        .await
        .map_err(|e| e.without_url().to_string())?
    {
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(over());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
