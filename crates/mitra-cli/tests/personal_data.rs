//! Nothing personal or secret leaves through what mitra writes, for every
//! vendor: each operation's 200 example answer, with a planted value in
//! every field the spec marks personal (`operations::PERSONAL`), is served
//! by a stand-in vendor on 127.0.0.1, and the CLI calls every operation
//! with `-v`, with `MITRA_LOG=trace` and `--log-format json`, and once more
//! with an answer that fails to decode; then `mitra verify --record
//! --suggest` (and with `--json`) runs against it. Every answer also holds
//! a field no spec lists and keys made of data (a NIK, an e-mail address),
//! each with a planted value. None of the planted values, and no
//! 8-character piece of a credential or token, may be in stderr (logs,
//! traces, errors), in verify's report or suggestions, or in the recorded
//! fixtures. (stdout of a call is the answer the user asked for: it holds
//! them, as it should.)

#[path = "../src/registry.rs"]
mod registry;
#[allow(dead_code)]
#[path = "../src/vendors.rs"]
mod vendors;

use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::response::IntoResponse;
use mitra_sandbox::{Vendor, credentials};
use serde_json::{Value, json};

/// The token the stand-in issues: a secret like any other.
const TOKEN: &str = "tok-Planted-8f3c2a9d41e7";

/// A planted value for the field `key`, distinct per field.
fn planted(key: &str) -> String {
    format!("Zq{key}Planted")
}

/// `value` with every field of `personal` set to its planted value (any
/// depth); the planted values used.
fn plant(value: &mut Value, personal: &[&str], used: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if personal.contains(&key.as_str()) && !field.is_null() {
                    let p = planted(key);
                    used.push(p.clone());
                    *field = json!(p);
                } else {
                    plant(field, personal, used);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| plant(v, personal, used)),
        _ => {}
    }
}

/// A field no spec lists and two keys made of data (a NIK, an e-mail
/// address) added to the object `value`, each with a planted value; the
/// keys are planted values too.
fn add_unknown(value: &mut Value, used: &mut Vec<String>) {
    let Value::Object(map) = value else {
        return;
    };
    let unknown = planted("unknownfield");
    let keyed = planted("keyedbynik");
    map.insert("zq_tak_dikenal".into(), json!(unknown));
    map.insert("3273010101900099".into(), json!({ "nama": keyed }));
    map.insert("zq.planted@contoh.id".into(), json!(1));
    used.extend([
        unknown,
        keyed,
        "3273010101900099".to_owned(),
        "zq.planted@contoh.id".to_owned(),
    ]);
}

/// The first integer or boolean of `value` made an object holding a planted
/// value: an answer that fails to decode.
fn break_one(value: &mut Value, with: &str) -> bool {
    match value {
        Value::Number(_) | Value::Bool(_) => {
            *value = json!({"broken": with});
            true
        }
        Value::Object(map) => map.values_mut().any(|v| break_one(v, with)),
        Value::Array(items) => items.iter_mut().any(|v| break_one(v, with)),
        _ => false,
    }
}

/// Answers by route: `(method, path template, body)`; token requests get
/// [`TOKEN`]; anything else 404.
#[derive(Clone, Default)]
struct Routes(Arc<Mutex<Vec<(String, String, Value)>>>);

fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (
        template.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
}

async fn serve(routes: Routes, prefix: String) -> std::net::SocketAddr {
    let app =
        axum::Router::new().fallback(move |method: axum::http::Method, uri: axum::http::Uri| {
            let routes = routes.clone();
            let prefix = prefix.clone();
            async move {
                let path = uri.path().strip_prefix(&prefix).unwrap_or(uri.path());
                if path.ends_with("/token") {
                    return axum::Json(
                        json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}),
                    )
                    .into_response();
                }
                let found = routes
                    .0
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(m, t, _)| m.eq_ignore_ascii_case(method.as_str()) && matches(t, path))
                    .map(|(_, _, body)| body.clone());
                match found {
                    Some(body) => axum::Json(body).into_response(),
                    None => (axum::http::StatusCode::NOT_FOUND, "{}").into_response(),
                }
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Every 8-character piece of `secret` (none for a shorter value, such as
/// PAFI's client id `1`, which is no secret).
fn pieces(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 8 {
        return Vec::new();
    }
    (0..=chars.len() - 8)
        .map(|i| chars[i..i + 8].iter().collect())
        .collect()
}

fn leaks(text: &str, planted: &[String], secrets: &[String]) -> Vec<String> {
    let mut found: Vec<String> = planted
        .iter()
        .filter(|p| text.contains(p.as_str()))
        .cloned()
        .collect();
    for secret in secrets {
        if let Some(piece) = pieces(secret)
            .into_iter()
            .find(|p| text.contains(p.as_str()))
        {
            found.push(format!("a piece of a credential: {piece}"));
        }
    }
    found
}

fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_personal_or_secret_leaves_through_logs_errors_traces_reports_or_fixtures() {
    let dir = std::env::temp_dir().join(format!("mitra-personal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut calls = 0;
    let mut shown_to_the_user = 0;
    let mut problems: Vec<String> = Vec::new();
    for vendor in registry::VENDORS {
        let which = Vendor::from_key(vendor.name).expect("a sandbox vendor");
        let spec = mitra_spec::parse(vendor.spec).unwrap();
        let personal = vendor.marked.personal;
        let routes = Routes::default();
        let addr = serve(routes.clone(), which.prefix().to_owned()).await;
        let base = format!("http://{addr}{}", which.prefix());
        let env: Vec<(String, String)> = credentials::env(which)
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut secrets: Vec<String> = env.iter().map(|(_, v)| v.clone()).collect();
        secrets.push(TOKEN.to_owned());
        let mut planted_all: Vec<String> = Vec::new();
        let mut bodies: Vec<(String, &'static mitra_core::Operation, Value)> = Vec::new();
        for example in mitra_spec::examples(&spec) {
            if !example.place.starts_with("response 200") || !example.value.is_object() {
                continue;
            }
            let Some(op) = vendor.operations.iter().find(|o| o.id == example.operation) else {
                continue;
            };
            let mut body = example.value.clone();
            plant(&mut body, personal, &mut planted_all);
            add_unknown(&mut body, &mut planted_all);
            bodies.push((example.place.clone(), op, body));
        }
        for (place, op, body) in &bodies {
            let mut broken = body.clone();
            let broke = break_one(&mut broken, &planted("broken"));
            let input_path = dir.join(format!("{}-{}.json", vendor.name, op.id));
            std::fs::write(&input_path, op.example.unwrap_or("{}")).unwrap();
            for answer in [Some(body.clone()), broke.then_some(broken)]
                .into_iter()
                .flatten()
            {
                *routes.0.lock().unwrap() =
                    vec![(op.method.to_owned(), op.path.to_owned(), answer)];
                for (flags, log) in [
                    (vec!["-v"], None),
                    (vec!["--log-format", "json"], Some("trace")),
                ] {
                    let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
                    command
                        .args(&flags)
                        .args(["--base-url", &base, vendor.name, &kebab(op.id)]);
                    command.args(["--json-body", input_path.to_str().unwrap()]);
                    command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                    match log {
                        Some(filter) => command.env("MITRA_LOG", filter),
                        None => command.env_remove("MITRA_LOG"),
                    };
                    let out = command.output().unwrap();
                    calls += 1;
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    // The planting works: the user's own answer holds them.
                    let stdout = String::from_utf8_lossy(&out.stdout);
                    if planted_all.iter().any(|p| stdout.contains(p.as_str())) {
                        shown_to_the_user += 1;
                    }
                    for leak in leaks(&stderr, &planted_all, &secrets) {
                        problems.push(format!(
                            "{} {} [{place}] {flags:?}: stderr has {leak}",
                            vendor.name, op.id
                        ));
                    }
                }
            }
        }
        // verify against the stand-in, every operation answered with its
        // planted example.
        *routes.0.lock().unwrap() = bodies
            .iter()
            .map(|(_, op, body)| (op.method.to_owned(), op.path.to_owned(), body.clone()))
            .collect();
        let record = dir.join("record");
        for json in [&[][..], &["--json"][..]] {
            let out = Command::new(env!("CARGO_BIN_EXE_mitra"))
                .args(["verify", vendor.name, "--base-url", &base, "--record"])
                .arg(&record)
                .args(["--suggest"])
                .args(json)
                .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .output()
                .unwrap();
            let report = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for leak in leaks(&report, &planted_all, &secrets) {
                problems.push(format!(
                    "{} verify {json:?}: the report has {leak}",
                    vendor.name
                ));
            }
        }
        for entry in std::fs::read_dir(record.join(vendor.name))
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for leak in leaks(&text, &planted_all, &secrets) {
                problems.push(format!(
                    "{} verify --record {:?}: {leak}",
                    vendor.name,
                    entry.file_name()
                ));
            }
        }
        // The committed review snapshots hold no credential (whole: their
        // 8-character pieces such as `-elkassa` are also crate names) and no
        // value of a field the spec marks secret.
        for folder in ["snapshots/wire", "snapshots"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(vendor.krate)
                .join(folder);
            for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                for leak in leaks(&text, &secrets, &[]) {
                    problems.push(format!("{} {:?}: {leak}", vendor.name, entry.path()));
                }
                for field in vendor.marked.secret {
                    if text.contains(&format!("{field}="))
                        && !text.contains(&format!("{field}=<redacted>"))
                    {
                        problems.push(format!(
                            "{} {:?}: the secret field {field} in clear",
                            vendor.name,
                            entry.path()
                        ));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(calls >= 100, "only {calls} calls: the examples shrank");
    assert!(
        shown_to_the_user >= 10,
        "planted values reached the user's stdout only {shown_to_the_user} times: nothing was tested"
    );
    assert!(
        problems.is_empty(),
        "{} leaks:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
