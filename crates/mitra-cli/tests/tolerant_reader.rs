//! Tolerant reader, strict judge, proved on every spec's own examples: each
//! operation's 200 example is changed the ways vendors' answers change (an
//! extra field, an integer as a string, a digit string as an integer, a new
//! enum value, optional fields dropped, optional fields null), one way at a
//! time, and served to the real client on 127.0.0.1. Every changed answer
//! must decode through the client's typed method (via its `DynamicClient`,
//! as the CLI calls it), and every one that differs from the spec must be
//! flagged by the strict validator that `mitra verify` judges answers with.

// The CLI's own vendor table (generated from the vendor registry): every
// vendor's spec, operations and client, with no list to keep here.
#[path = "../src/registry.rs"]
mod registry;
#[allow(dead_code)]
#[path = "../src/vendors.rs"]
mod vendors;

use std::sync::{Arc, Mutex};

use axum::response::IntoResponse;
use mitra_core::Error;
use mitra_core::config::Vars;
use mitra_sandbox::Vendor;
use serde_json::{Value, json};

/// The ways an answer is changed, one at a time.
const KINDS: [&str; 6] = [
    "extra field",
    "integer as string",
    "digit string as integer",
    "new enum value",
    "optional fields dropped",
    "optional fields null",
];

/// Optional fields the client cannot do without, left optional in the spec
/// because the same 200 also carries the vendor's refusal (`status: false`,
/// `data: null`): dropping them fails by design, as "succeeded but returned
/// no data". (Splitting ELKASSA's 200 into success and refusal shapes would
/// let the spec say required.)
const NEEDED: [(&str, &str); 2] = [("registration", "/data"), ("activation", "/data")];

/// A value no spec lists.
const NEW_VALUE: &str = "mitra-new-value";

/// Every pointer to a value of `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", mitra_spec::escape(k)), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn remove_at(value: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = mitra_spec::unescape(key);
    value.pointer_mut(parent)?.as_object_mut()?.remove(&key)
}

/// The answer changed the way `kind` says; `None` when the example has no
/// place for it (no integer to turn into a string, say).
fn mutate(
    kind: &str,
    example: &Value,
    valid: &dyn Fn(&Value) -> bool,
    enum_at: &dyn Fn(&Value, &str) -> bool,
    needed: &[&str],
) -> Option<Value> {
    let mut out = example.clone();
    let mut changed = false;
    let mut places = Vec::new();
    pointers(example, String::new(), &mut places);
    match kind {
        // Each change is made where the spec refuses it (a field the
        // schema allows both ways, such as `string | integer`, is no drift).
        "extra field" | "integer as string" | "digit string as integer" => {
            for at in &places {
                let Some(current) = example.pointer(at) else {
                    continue;
                };
                let mut probe = example.clone();
                let replacement = match (kind, current) {
                    ("extra field", Value::Object(map)) => {
                        let mut map = map.clone();
                        map.insert("mitra_added_field".into(), json!("added"));
                        Value::Object(map)
                    }
                    ("integer as string", v) if v.is_i64() => {
                        json!(v.as_i64().unwrap().to_string())
                    }
                    ("digit string as integer", Value::String(s))
                        if !s.is_empty()
                            && s.len() < 16
                            && !s.starts_with('0')
                            && s.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        json!(s.parse::<i64>().unwrap())
                    }
                    _ => continue,
                };
                *probe.pointer_mut(at).unwrap() = replacement.clone();
                if valid(&probe) {
                    continue;
                }
                let target = out.pointer_mut(at).unwrap();
                match (kind, target) {
                    ("extra field", Value::Object(map)) => {
                        map.insert("mitra_added_field".into(), json!("added"));
                    }
                    (_, target) => *target = replacement,
                }
                changed = true;
            }
        }
        // An enum's place: a string whose replacement the validator refuses
        // as an enum value.
        "new enum value" => {
            for at in &places {
                if !example.pointer(at).is_some_and(Value::is_string) {
                    continue;
                }
                let mut probe = example.clone();
                *probe.pointer_mut(at).unwrap() = json!(NEW_VALUE);
                if enum_at(&probe, at) {
                    *out.pointer_mut(at).unwrap() = json!(NEW_VALUE);
                    changed = true;
                }
            }
        }
        // Optional: a field whose removal still satisfies the spec.
        "optional fields dropped" | "optional fields null" => {
            for at in places
                .iter()
                .filter(|p| !p.is_empty() && !needed.contains(&p.as_str()))
            {
                let mut probe = example.clone();
                if remove_at(&mut probe, at).is_none() || !valid(&probe) {
                    continue;
                }
                if example.pointer(at).is_some_and(Value::is_null) {
                    continue;
                }
                // Null where the spec allows null is no drift.
                let mut nulled = example.clone();
                *nulled.pointer_mut(at).unwrap() = Value::Null;
                if kind == "optional fields null" && valid(&nulled) {
                    continue;
                }
                let target = out.pointer_mut(at);
                if let Some(target) = target {
                    if kind == "optional fields null" {
                        *target = Value::Null;
                    } else {
                        remove_at(&mut out, at);
                    }
                    changed = true;
                }
            }
        }
        _ => unreachable!(),
    }
    changed.then_some(out)
}

/// How an envelope's flag says success (the spec's `x-mitra-envelope`,
/// read by `mitra_core::envelope`).
#[derive(Clone, Copy)]
enum Flag {
    TrueIsSuccess,
    FalseIsSuccess,
    Status,
}

/// The spec's envelope: its flags (as pointers) and its message keys.
fn envelope(spec: &Value) -> (Vec<(String, Flag)>, Vec<String>) {
    let Some(envelope) = spec.get("x-mitra-envelope") else {
        return (Vec::new(), Vec::new());
    };
    let flags = envelope["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let rule = match f["means"].as_str().unwrap() {
                "true-is-success" => Flag::TrueIsSuccess,
                "false-is-success" => Flag::FalseIsSuccess,
                "http-status" => Flag::Status,
                other => panic!("x-mitra-envelope: {other}"),
            };
            (format!("/{}", f["name"].as_str().unwrap()), rule)
        })
        .collect();
    let messages = envelope["message"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("/{}", m.as_str().unwrap()))
        .collect();
    (flags, messages)
}

/// `true`, `"true"`, `1`, `"1"`.
fn true_forms() -> Vec<Value> {
    vec![json!(true), json!("true"), json!(1), json!("1")]
}

/// `false`, `"false"`, `0`, `"0"`.
fn false_forms() -> Vec<Value> {
    vec![json!(false), json!("false"), json!(0), json!("0")]
}

/// Neither a success nor a refusal, whatever the flag.
fn unreadable_forms() -> Vec<Value> {
    vec![json!(null), json!(""), json!("maybe"), json!({})]
}

impl Flag {
    fn success(self) -> Vec<Value> {
        match self {
            Flag::TrueIsSuccess => true_forms(),
            Flag::FalseIsSuccess => false_forms(),
            Flag::Status => vec![json!(200), json!("200"), json!("200.00")],
        }
    }
    fn refusal(self) -> Vec<Value> {
        match self {
            Flag::TrueIsSuccess => false_forms(),
            Flag::FalseIsSuccess => true_forms(),
            Flag::Status => vec![json!(400), json!("400"), json!(500), json!("404")],
        }
    }
}

/// Every pointer of `value`.
fn places_of(value: &Value) -> Vec<String> {
    let mut places = Vec::new();
    pointers(value, String::new(), &mut places);
    places
}

/// What the stand-in vendor answers: a token to token requests, else the
/// answer under test.
#[derive(Clone, Default)]
struct Answer(Arc<Mutex<Value>>);

async fn serve(answer: Answer) -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let answer = answer.clone();
        async move {
            if uri.path().ends_with("/token") {
                return axum::Json(json!({
                    "access_token": "mutation-test-token",
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": "default"
                }))
                .into_response();
            }
            let body = answer.0.lock().unwrap().clone();
            axum::Json(body).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_answer_changed_as_vendors_change_it_decodes_and_the_judge_flags_it() {
    // Every answer looked through for unknown fields (by default the first
    // answer of each operation, then one a minute).
    mitra_core::tolerant::look_for_unknown_fields_every(std::time::Duration::ZERO);
    let answer = Answer::default();
    let addr = serve(answer.clone()).await;
    let mut table: Vec<(String, &str, &str)> = Vec::new();
    // (answer, what it must be, the change, whether it was).
    let mut fail_safe: Vec<(String, &str, String, bool)> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for entry in registry::VENDORS {
        let vendor = Vendor::from_key(entry.name).expect("a sandbox vendor");
        let operations = entry.operations;
        let spec = mitra_spec::parse(entry.spec).unwrap();
        let (flags, messages) = envelope(&spec);
        let vars = mitra_sandbox::env_at(&format!("http://{addr}"), vendor);
        let client = (entry.client)(&Vars::from_pairs(vars)).unwrap();
        for example in mitra_spec::examples(&spec) {
            if !example.place.starts_with("response 200") || !example.value.is_object() {
                continue;
            }
            let Some(op) = operations.iter().find(|o| o.id == example.operation) else {
                continue;
            };
            let input: Value = op
                .example
                .map(|e| serde_json::from_str(e).unwrap())
                .unwrap_or(Value::Null);
            let schema = example.schema.clone();
            let schema_at = example.schema_at.clone();
            let judge = |v: &Value| mitra_spec::validate_at(&spec, &schema, &schema_at, v);
            let valid = |v: &Value| judge(v).is_empty();
            // The spec refuses the value there, and only as an enum value.
            let enum_at = |v: &Value, at: &str| {
                let found = judge(v);
                !found.is_empty()
                    && found
                        .iter()
                        .all(|m| m.pointer == at && matches!(m.kind, mitra_spec::Kind::Enum))
            };
            // The example itself goes through first: it is the baseline (a
            // refusal inside a 200, such as ELKASSA's `status: false`, is an
            // error example: not an answer to change).
            *answer.0.lock().unwrap() = example.value.clone();
            match client.call_json(op.id, input.clone()).await {
                Ok(_) => {}
                Err(Error::Vendor { .. } | Error::Conflict { .. } | Error::NotFound { .. }) => {
                    continue;
                }
                Err(e) => {
                    failures.push(format!(
                        "{} {} (the example itself): {e}",
                        vendor.key(),
                        op.id
                    ));
                    continue;
                }
            }
            let needed: Vec<&str> = NEEDED
                .iter()
                .filter(|(id, _)| *id == op.id)
                .map(|(_, at)| *at)
                .collect();
            for kind in KINDS {
                // A flag sent as null is never a success (mitra_core::envelope):
                // that change is the fail-safe part's, below.
                let mut needed = needed.clone();
                if kind == "optional fields null" {
                    needed.extend(flags.iter().map(|(at, _)| at.as_str()));
                }
                let Some(changed) = mutate(kind, &example.value, &valid, &enum_at, &needed) else {
                    continue;
                };
                let label = format!("{} {} [{}]", vendor.key(), op.id, example.place);
                *answer.0.lock().unwrap() = changed.clone();
                let decoded = client.call_json(op.id, input.clone()).await;
                let flagged = !judge(&changed).is_empty();
                // Dropping optional fields keeps to the spec: nothing to flag.
                let must_flag = kind != "optional fields dropped";
                match &decoded {
                    Ok(_) => table.push((label.clone(), kind, "decodes")),
                    Err(e) => {
                        table.push((label.clone(), kind, "FAILS"));
                        failures.push(format!("{label}: {kind}: {e}"));
                    }
                }
                if must_flag && !flagged {
                    failures.push(format!("{label}: {kind}: the strict judge saw no drift"));
                }
                if let Err(Error::Decode { message, .. }) = &decoded {
                    assert!(!message.contains(NEW_VALUE), "{message}");
                }
            }
            // Fail-safe: the envelope's flag in every form. A success form
            // stays a success; a refusal form, or one that is neither, is
            // an error that carries the vendor's message.
            let label = format!("{} {} [{}]", vendor.key(), op.id, example.place);
            let message = messages
                .iter()
                .find_map(|at| example.value.pointer(at)?.as_str())
                .filter(|m| !m.is_empty());
            for (at, rule) in &flags {
                if example.value.pointer(at).is_none() {
                    continue;
                }
                for (outcome, forms) in [
                    ("success", rule.success()),
                    ("refusal", rule.refusal()),
                    ("neither", unreadable_forms()),
                ] {
                    for form in forms {
                        let mut changed = example.value.clone();
                        *changed.pointer_mut(at.as_str()).unwrap() = form.clone();
                        *answer.0.lock().unwrap() = changed;
                        let kind = format!("flag {at} = {form}");
                        let decoded = client.call_json(op.id, input.clone()).await;
                        let ok = match (outcome, &decoded) {
                            ("success", Ok(_)) => true,
                            ("success", Err(e)) => {
                                failures.push(format!("{label}: {kind}: {e}"));
                                false
                            }
                            (_, Ok(_)) => {
                                failures.push(format!("{label}: {kind}: READ AS A SUCCESS"));
                                false
                            }
                            (_, Err(e)) => {
                                let carried = message.is_none_or(|m| e.to_string().contains(m));
                                if !carried {
                                    failures.push(format!(
                                        "{label}: {kind}: the vendor's message is lost: {e}"
                                    ));
                                }
                                carried
                            }
                        };
                        fail_safe.push((label.clone(), outcome, kind, ok));
                    }
                }
            }
            // One object for every list, one list at a time.
            for at in &places_of(&example.value) {
                let Some(Value::Array(items)) = example.value.pointer(at) else {
                    continue;
                };
                let Some(first) = items.first().cloned() else {
                    continue;
                };
                let mut changed = example.value.clone();
                *changed.pointer_mut(at).unwrap() = first;
                *answer.0.lock().unwrap() = changed;
                let kind = format!("one object for the list {at}");
                match client.call_json(op.id, input.clone()).await {
                    Ok(_) => fail_safe.push((label.clone(), "decodes", kind, true)),
                    Err(e) => {
                        failures.push(format!("{label}: {kind}: {e}"));
                        fail_safe.push((label.clone(), "decodes", kind, false));
                    }
                }
            }
            // Decimal text for every integer at once, inside oneOf
            // alternatives too (`15000` as `"15000.00"`).
            let mut changed = example.value.clone();
            let mut integers = 0;
            for at in &places_of(&example.value) {
                if let Some(n) = example.value.pointer(at).and_then(Value::as_i64) {
                    *changed.pointer_mut(at).unwrap() = json!(format!("{n}.00"));
                    integers += 1;
                }
            }
            if integers > 0 {
                *answer.0.lock().unwrap() = changed;
                let kind = format!("decimal text for {integers} integers");
                match client.call_json(op.id, input.clone()).await {
                    Ok(_) => fail_safe.push((label.clone(), "decodes", kind, true)),
                    Err(e) => {
                        failures.push(format!("{label}: {kind}: {e}"));
                        fail_safe.push((label.clone(), "decodes", kind, false));
                    }
                }
            }
        }
    }
    let total = table.len();
    eprintln!("{total} changed answers:");
    for (label, kind, outcome) in &table {
        eprintln!("  {outcome:8} {kind:24} {label}");
    }
    assert!(
        total >= 100,
        "only {total} changed answers: the examples shrank"
    );
    eprintln!("{} fail-safe changes:", fail_safe.len());
    for outcome in ["success", "refusal", "neither", "decodes"] {
        let of: Vec<_> = fail_safe.iter().filter(|c| c.1 == outcome).collect();
        let held = of.iter().filter(|c| c.3).count();
        eprintln!("  must be {outcome:8}: {held} of {} held", of.len());
    }
    for (label, outcome, kind, ok) in &fail_safe {
        eprintln!(
            "  {:8} {outcome:8} {kind:40} {label}",
            if *ok { "ok" } else { "WRONG" }
        );
    }
    for outcome in ["success", "refusal", "neither", "decodes"] {
        assert!(
            fail_safe.iter().filter(|c| c.1 == outcome).count() >= 4,
            "too few {outcome} changes: the envelopes or lists are no longer found"
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The tolerated differences were reported, with the kinds named.
    let reported = mitra_core::tolerant::reported();
    for (expected, found) in [
        ("an integer", "a string"),
        ("a string", "an integer"),
        ("no such field", "a field"),
    ] {
        assert!(
            reported
                .iter()
                .any(|d| d.expected == expected && d.found == found),
            "nothing reported as expected {expected}, found {found}: {reported:#?}"
        );
    }
}
