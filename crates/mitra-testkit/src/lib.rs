//! Test helpers for the mitra workspace.
//!
//! - [`MockServer`]: an HTTP server on 127.0.0.1 (never anywhere else) that
//!   records every request and answers with what the test's handler returns.
//! - [`capture_tracing`]: every tracing event of the current thread, at TRACE
//!   level, into a buffer, so that tests can assert what logs never contain.
//! - [`fuzz`]: seeds and mutations for fuzzing the decoders.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Headers in the order received, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy).
    pub body: String,
}

impl Recorded {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A stable rendering for snapshots: method, path, query, the headers
    /// that matter (minus those that vary between runs), and the body, with
    /// the values of `secret_headers` replaced by `[REDACTED]`.
    pub fn render(&self, secret_headers: &[&str]) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(q) = &self.query {
            out.push('?');
            out.push_str(q);
        }
        out.push('\n');
        let mut headers: Vec<_> = self
            .headers
            .iter()
            .filter(|(n, _)| !matches!(n.as_str(), "host" | "content-length" | "user-agent"))
            .collect();
        headers.sort();
        for (name, value) in headers {
            let shown = if secret_headers.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                "[REDACTED]"
            } else {
                value
            };
            out.push_str(&format!("{name}: {shown}\n"));
        }
        out.push('\n');
        out.push_str(&pretty_body(&self.body));
        out
    }
}

impl Recorded {
    /// Everything the client sent, as a vendor that echoes requests back in
    /// its error text would show it: query, body, header values, and the
    /// `user:password` of a Basic `Authorization` decoded.
    pub fn echo(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(q) = &self.query {
            out.push_str(&format!(" query {}", percent_decode(q)));
        }
        for (name, value) in &self.headers {
            out.push_str(&format!(" {name}={value}"));
            if let Some(basic) = value.strip_prefix("Basic ")
                && let Some(decoded) = base64_decode(basic.trim())
            {
                out.push_str(&format!(" basic={decoded}"));
            }
        }
        out.push_str(&format!(" body {}", percent_decode(&self.body)));
        out
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64_decode(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

fn pretty_body(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_else(|_| body.to_owned()),
        Err(_) => body.to_owned(),
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
}

impl MockResponse {
    /// A JSON body with `status`.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::with_type(status, "application/json", body.into().into_bytes())
    }

    /// A body with `status` and `content_type`.
    pub fn with_type(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

type Handler = dyn Fn(&Recorded, usize) -> MockResponse + Send + Sync;

/// An HTTP server on 127.0.0.1 that records requests; stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts a server; `handler` gets each request and its index (from 0).
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> MockResponse + Send + Sync + 'static,
    ) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let log = requests.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let handler = handler.clone();
                let log = log.clone();
                async move {
                    let recorded = Recorded {
                        method: method.to_string(),
                        path: uri.path().to_owned(),
                        query: uri.query().map(str::to_owned),
                        headers: headers
                            .iter()
                            .map(|(n, v)| {
                                (
                                    n.as_str().to_owned(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect(),
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    let index = {
                        let mut log = log.lock().unwrap();
                        log.push(recorded.clone());
                        log.len() - 1
                    };
                    let reply = handler(&recorded, index);
                    if let Some(delay) = reply.delay {
                        tokio::time::sleep(delay).await;
                    }
                    to_response(reply)
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// A server that always gives the same answer.
    pub async fn always(response: MockResponse) -> Self {
        Self::start(move |_, _| response.clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests were received on `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn to_response(reply: MockResponse) -> Response {
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (
            axum::http::HeaderName::try_from(name),
            axum::http::HeaderValue::try_from(value),
        ) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}

/// The log capture users' tests get from a vendor crate's `mock` module
/// (`mitra_core::testing`), for the workspace's own tests.
pub use mitra_core::testing::{Captured, capture_tracing};

/// A vendor crate's generated `fuzzing::decode_schema`: `body` decoded as the
/// spec's component `name`, `None` for a name it has no type for.
pub type DecodeSchema = fn(&str, &[u8]) -> Option<Result<(), serde_json::Error>>;

/// Decodes a spec example with the type of the component its media names
/// (the spec's `$ref`), through the vendor crate's generated
/// `fuzzing::decode_schema`: an operation added to the spec is checked
/// without a table of today's. Panics on an inline schema or a name the
/// crate has no type for.
pub fn decode_example(
    media: &serde_json::Value,
    example: &serde_json::Value,
    decode_schema: DecodeSchema,
) -> Result<(), serde_json::Error> {
    let name = media["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("an example whose schema is not a component: {media}"));
    let body = serde_json::to_vec(example).expect("a JSON value serializes");
    decode_schema(name, &body).unwrap_or_else(|| panic!("no type for the schema {name}"))
}

/// Seeds and mutations for fuzzing decoders with proptest.
pub mod fuzz {
    use serde_json::Value;

    /// How many cases a property runs: `PROPTEST_CASES`, else 256.
    pub fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256)
    }

    /// Every example body of the spec at `spec_path` (JSON ones serialised,
    /// XML ones as written, raw ones from `x-mitra-raw-example`), and every
    /// file in `fixture_dirs` but READMEs.
    pub fn seeds(spec_path: &str, fixture_dirs: &[String]) -> Vec<Vec<u8>> {
        fn bytes(v: &Value) -> Vec<u8> {
            match v {
                Value::String(s) => s.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            }
        }
        fn walk(node: &Value, out: &mut Vec<Vec<u8>>) {
            match node {
                Value::Object(map) => {
                    for (key, value) in map {
                        match key.as_str() {
                            "example" | "value" | "x-mitra-raw-example" => out.push(bytes(value)),
                            _ => walk(value, out),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
        let text =
            std::fs::read_to_string(spec_path).unwrap_or_else(|e| panic!("{spec_path}: {e}"));
        let spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
        let mut out = Vec::new();
        walk(&spec["paths"], &mut out);
        walk(&spec["components"], &mut out);
        for dir in fixture_dirs {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_file() && path.extension().is_some_and(|e| e != "md") {
                    out.push(std::fs::read(&path).expect("a readable fixture"));
                }
            }
        }
        assert!(out.len() >= 5, "seeds found: {}", out.len());
        out
    }

    /// `seed` with bytes overwritten at `edits` (positions taken modulo the
    /// length) and, if `truncate_at` is given, cut there (modulo the length).
    pub fn mutate(seed: &[u8], edits: &[(usize, u8)], truncate_at: Option<usize>) -> Vec<u8> {
        let mut body = seed.to_vec();
        if body.is_empty() {
            return body;
        }
        for &(at, byte) in edits {
            let i = at % body.len();
            body[i] = byte;
        }
        if let Some(at) = truncate_at {
            body.truncate(at % (body.len() + 1));
        }
        body
    }
}

/// The two fuzz properties of a vendor crate's decoders, as a test file:
/// arbitrary bytes, and mutations of the vendor's example bodies, fed to
/// `$krate::fuzzing::decode`. `$spec` names `specs/<spec>.yaml`. The calling
/// crate needs `proptest` as a dev-dependency.
#[macro_export]
macro_rules! decoder_fuzz_properties {
    ($krate:ident, $spec:literal) => {
        use proptest::prelude::*;

        fn seeds() -> &'static [Vec<u8>] {
            static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
            SEEDS.get_or_init(|| {
                let dir = env!("CARGO_MANIFEST_DIR");
                let fixtures = ["tests/fixtures", "tests/fixtures/posindonesia", "tests/fixtures/wso2"]
                    .map(|d| format!("{dir}/{d}"));
                $crate::fuzz::seeds(&format!("{dir}/../../specs/{}.yaml", $spec), &fixtures)
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases($crate::fuzz::cases()))]

            #[test]
            fn arbitrary_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..1024)) {
                $krate::fuzzing::decode(status, &body);
            }

            #[test]
            fn mutated_examples_never_panic(
                status in proptest::sample::select(vec![200u16, 201, 400, 401, 403, 404, 422, 429, 500, 502, 503]),
                seed in any::<prop::sample::Index>(),
                edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
                truncate_at in proptest::option::of(any::<usize>()),
            ) {
                $krate::fuzzing::decode(status, &$crate::fuzz::mutate(seed.get::<Vec<u8>>(seeds()), &edits, truncate_at));
            }
        }
    };
}

/// A real `redis-server` (Debian's package) on a free loopback port, for
/// the fleet tests; stopped when dropped.
pub struct RedisServer {
    child: std::process::Child,
    port: u16,
    tls: Option<RedisTls>,
}

/// The certificates of a TLS Redis: a throwaway authority and a server
/// certificate for `localhost` and 127.0.0.1, made with `openssl`.
pub struct RedisTls {
    dir: std::path::PathBuf,
}

impl RedisTls {
    /// The authority's certificate (PEM), for the client to trust.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("ca.crt")).expect("the CA certificate")
    }

    /// A throwaway authority and a server certificate for `localhost` and
    /// 127.0.0.1, for any TLS server of a test (an HTTPS one too); `None`
    /// when `openssl` is not installed.
    pub fn generate() -> Option<Self> {
        Self::make()
    }

    /// The server's certificate and private key files (PEM).
    pub fn server_files(&self) -> (std::path::PathBuf, std::path::PathBuf) {
        (self.dir.join("server.crt"), self.dir.join("server.key"))
    }

    fn make() -> Option<Self> {
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mitra-redis-tls-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).ok()?;
        let run = |args: &[&str]| {
            std::process::Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .ok()?;
        let made = run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=mitra test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ]) && run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]) && run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ]);
        made.then_some(Self { dir })
    }
}

impl Drop for RedisTls {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl RedisServer {
    /// Starts one; `None` when `redis-server` is not installed (the tests
    /// that need it then say so and skip), unless `MITRA_REQUIRE_REDIS` is
    /// set, as CI sets it: then a missing server fails.
    pub fn start() -> Option<Self> {
        Self::spawn(None)
    }

    /// Starts one that speaks TLS only (`rediss://`), with a certificate
    /// from a throwaway authority ([`Self::tls`]); `None` as for
    /// [`start`](Self::start), or when `openssl` cannot make certificates.
    pub fn start_tls() -> Option<Self> {
        match RedisTls::make() {
            Some(tls) => Self::spawn(Some(tls)),
            None if std::env::var_os("MITRA_REQUIRE_REDIS").is_some() => {
                panic!("MITRA_REQUIRE_REDIS is set but openssl cannot make test certificates")
            }
            None => None,
        }
    }

    /// The TLS server's certificates.
    pub fn tls(&self) -> Option<&RedisTls> {
        self.tls.as_ref()
    }

    fn spawn(tls: Option<RedisTls>) -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut args: Vec<String> = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            .map(str::to_owned)
            .to_vec();
        match &tls {
            None => args.extend(["--port".to_owned(), port.to_string()]),
            Some(tls) => {
                let file = |name: &str| tls.dir.join(name).display().to_string();
                args.extend([
                    "--port".to_owned(),
                    "0".to_owned(),
                    "--tls-port".to_owned(),
                    port.to_string(),
                    "--tls-cert-file".to_owned(),
                    file("server.crt"),
                    "--tls-key-file".to_owned(),
                    file("server.key"),
                    "--tls-ca-cert-file".to_owned(),
                    file("ca.crt"),
                    "--tls-auth-clients".to_owned(),
                    "no".to_owned(),
                ]);
            }
        }
        let spawned = std::process::Command::new("redis-server")
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if std::env::var_os("MITRA_REQUIRE_REDIS").is_some() => {
                panic!("MITRA_REQUIRE_REDIS is set but redis-server cannot run: {e}")
            }
            Err(_) => {
                eprintln!("redis-server is not installed: this fleet test is skipped");
                return None;
            }
        };
        let server = Self { child, port, tls };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not listen on 127.0.0.1:{port}");
    }

    /// `redis://127.0.0.1:<port>/`, or `rediss://localhost:<port>/` for a
    /// TLS server.
    pub fn url(&self) -> String {
        match self.tls {
            None => format!("redis://127.0.0.1:{}/", self.port),
            Some(_) => format!("rediss://localhost:{}/", self.port),
        }
    }

    /// Stops the server now (a fleet losing its Redis).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the ignored test `name` of the current test binary as a separate
/// process with `env` (its output captured: see [`child_succeeded`]).
pub fn run_child_test(name: &str, env: &[(&str, String)]) -> std::process::Child {
    let exe = std::env::current_exe().expect("test binary");
    let mut command = std::process::Command::new(exe);
    command
        .args(["--ignored", "--exact", name, "--test-threads=1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("spawn a child process")
}

/// Waits for a child of [`run_child_test`]; true if it passed (its output
/// is printed when it did not).
pub fn child_succeeded(child: std::process::Child) -> bool {
    let output = child.wait_with_output().expect("wait for a child process");
    if !output.status.success() {
        eprintln!(
            "child process failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output.status.success()
}
