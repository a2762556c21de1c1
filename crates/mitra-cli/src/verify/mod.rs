//! `mitra verify <vendor>`: does the vendor still answer what its spec says?
//!
//! Every operation that is safe to repeat (retry-safe: none that changes
//! state) and has an example call is made by the vendor's real client, with
//! the credentials every command uses, through a recording proxy on
//! 127.0.0.1; each raw answer is checked strictly against the spec's
//! response for its status ([`check`]), each `x-mitra-assumption` judged
//! ([`assumptions`]). `--record` keeps the answers as masked fixtures
//! ([`record`]), `--suggest` prints the spec edit that would accept them
//! ([`suggest`]).
//!
//! Exit status: 0 every answer matches, 3 drift found, 1 could not check
//! (network, auth), 2 usage.

mod assumptions;
mod check;
mod proxy;
mod record;
mod suggest;

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use mitra_core::config::Vars;
use mitra_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Map, Value, json};

use crate::CliError;
use crate::vendors::VendorCli;
use assumptions::Verdict;
use check::Drift;

/// The `verify` subcommand's arguments (`--sandbox` and `--base-url` are
/// the CLI's global ones).
pub fn command(vendors: &[&'static str]) -> Command {
    Command::new("verify")
        .about("Check a vendor's live answers against its spec (every operation safe to repeat, with its example call); exit 0 all match, 3 drift, 1 could not check")
        .arg(
            Arg::new("vendor")
                .required(true)
                .value_parser(clap::builder::PossibleValuesParser::new(vendors.to_vec()))
                .help("The vendor to check"),
        )
        .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print the report as one JSON document"))
        .arg(Arg::new("record").long("record").value_name("DIR").value_parser(clap::value_parser!(PathBuf)).help("Write each answer to DIR/<vendor>/<operationId>.json, credentials and personal data masked"))
        .arg(Arg::new("suggest").long("suggest").action(ArgAction::SetTrue).help("Print the spec edit (a unified diff, never applied) that would accept what was seen"))
}

/// What came of one operation.
enum Outcome {
    Ok(u16),
    /// The spec's own success example was answered with an error status: the
    /// request the spec describes is not (or no longer) what the vendor
    /// takes. The status, the error's kind and the vendor's message (masked).
    Unconfirmed(u16, &'static str, String, Vec<Drift>),
    Drift(u16, Vec<Drift>),
    Failed(String),
    Skipped(&'static str),
}

struct Run {
    id: &'static str,
    outcome: Outcome,
    input: Map<String, Value>,
    body: Option<Value>,
}

/// The base URL of the real vendor: `--base-url`, the environment's, or
/// the spec's server when it names one.
fn upstream(vendor: &VendorCli, root: &ArgMatches, spec: &Value) -> Result<String, CliError> {
    if let Some(url) = root.get_one::<String>("base-url") {
        return Ok(url.clone());
    }
    if let Ok(url) = std::env::var(format!("{}_BASE_URL", vendor.env_prefix)) {
        return Ok(url);
    }
    match spec["servers"][0]["url"].as_str() {
        Some(url) if !url.contains('{') => Ok(url.to_owned()),
        _ => Err(CliError::invalid(format!(
            "{} has no public base URL: give --base-url or {}_BASE_URL",
            vendor.name, vendor.env_prefix
        ))),
    }
}

/// The proxy sends what the client gives it: the client's refusals (http://
/// to another machine, credentials in a URL, which the report would print)
/// are kept here.
fn refuse_clear_text(url: &str, allow: bool) -> Result<(), CliError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| CliError::invalid(format!("--base-url {url}: {e}")))?;
    let local = matches!(
        parsed.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
    );
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(CliError::invalid(
            "the base URL holds credentials: give them in the environment variables instead",
        ));
    }
    // A query may hold a key; the report would print it. The client refuses
    // one too.
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(CliError::invalid(
            "the base URL has a query or a fragment: give the vendor's base URL alone",
        ));
    }
    if parsed.scheme() == "http" && !local && !allow {
        return Err(CliError::invalid(format!(
            "{url} is http:// to another machine (credentials in clear): use https, or --danger-allow-http"
        )));
    }
    Ok(())
}

/// Names of variables that hold a credential.
fn is_secret_var(name: &str) -> bool {
    ["KEY", "SECRET", "TOKEN", "PASSWORD", "CLIENT_ID", "USER"]
        .iter()
        .any(|s| name.contains(s))
}

/// Runs `mitra verify`; the exit status.
pub async fn run(root: &ArgMatches, sub: &ArgMatches) -> Result<u8, CliError> {
    let name = sub.get_one::<String>("vendor").expect("required");
    let vendor = crate::registry::VENDORS
        .iter()
        .find(|v| v.name == name)
        .expect("clap checked the vendor");
    let spec = mitra_spec::parse(vendor.spec)
        .map_err(|e| CliError::other("spec", format!("the embedded spec: {e}")))?;
    // A running sandbox (`--sandbox-url`, `MITRA_SANDBOX_URL`) is the
    // sandbox too: never the real vendor with the real credentials.
    let running = crate::sandbox_url(root)?;
    let use_sandbox = root.get_flag("sandbox") || running.is_some();
    if root.get_flag("sandbox") && root.get_one::<String>("base-url").is_some() {
        return Err(CliError::invalid(
            "--sandbox and --base-url exclude each other",
        ));
    }
    let sandbox = if root.get_flag("sandbox") {
        Some(
            Sandbox::start(SandboxConfig::default())
                .await
                .map_err(|e| CliError::other("sandbox", e.to_string()))?,
        )
    } else {
        None
    };
    let base_url_var = format!("{}_BASE_URL", vendor.env_prefix);
    let sandbox_vars = crate::sandbox_vars(vendor, sandbox.as_ref(), running.as_deref())?;
    let (upstream, credentials): (String, Vec<(String, String)>) = match sandbox_vars {
        Some(vars) => {
            let base = vars
                .iter()
                .find(|(k, _)| *k == base_url_var)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (base, vars)
        }
        None => {
            let url = upstream(vendor, root, &spec)?;
            refuse_clear_text(&url, root.get_flag("danger-allow-http"))?;
            let prefix = format!("{}_", vendor.env_prefix);
            (
                url,
                std::env::vars()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .collect(),
            )
        }
    };
    let secrets: Vec<String> = credentials
        .iter()
        .filter(|(k, _)| is_secret_var(k))
        .map(|(_, v)| v.clone())
        .collect();
    // One masking for all verify writes: the spec's marked fields, the
    // credentials in every form, and (added as the run goes) tokens and
    // personal inputs.
    let mut masker = record::Masker::new(vendor.marked, &secrets);
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default())?;
    let proxy = proxy::Proxy::start(&upstream, http)
        .await
        .map_err(|e| CliError::other("proxy", e.to_string()))?;
    let proxy_url = proxy.url().to_owned();
    let vars = Vars::from_fn(|var| {
        if var == base_url_var {
            return Some(proxy_url.clone());
        }
        credentials
            .iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v.clone())
    });
    let client = (vendor.client)(&vars)?;
    let token_paths: Vec<&str> = spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .any(|(_, op)| op["x-mitra-token-endpoint"] == true)
        })
        .map(|(path, _)| path.as_str())
        .collect();
    let record_dir = sub.get_one::<PathBuf>("record");
    let mut runs = Vec::new();
    for op in vendor.operations {
        let mut input = match op.example.map(serde_json::from_str::<Value>) {
            Some(Ok(Value::Object(map))) => map,
            _ => Map::new(),
        };
        let skip = if !op.retry_safe {
            Some("changes state: not run")
        } else if op.example.is_none() {
            Some("no example call in the spec")
        } else {
            None
        };
        if let Some(why) = skip {
            runs.push(Run {
                id: op.id,
                outcome: Outcome::Skipped(why),
                input,
                body: None,
            });
            continue;
        }
        for field in op.fields {
            if !input.contains_key(field.name)
                && let Some(default) = field.default.and_then(|d| serde_json::from_str(d).ok())
            {
                input.insert(field.name.to_owned(), default);
            }
        }
        let _ = proxy.take();
        let result = client.call_json(op.id, Value::Object(input.clone())).await;
        let exchanges = proxy.take();
        let (tokens, calls): (Vec<_>, Vec<_>) = exchanges
            .into_iter()
            .partition(|e| token_paths.contains(&e.path.as_str()));
        // The tokens the vendor issued, and what this call's input put in
        // personal fields, are masked wherever they show up.
        let issued: Vec<String> = tokens
            .iter()
            .filter_map(|t| serde_json::from_slice::<Value>(&t.body).ok())
            .flat_map(|b| {
                ["access_token", "refresh_token", "id_token"]
                    .iter()
                    .filter_map(|k| b[*k].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect();
        let personal_inputs: Vec<String> = input
            .iter()
            .filter(|(k, _)| vendor.marked.personal.contains(&k.as_str()))
            .map(|(_, v)| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        masker.also(&issued, &personal_inputs);
        let refused_token = tokens.iter().find(|t| !(200..300).contains(&t.status));
        let (outcome, body) = match (calls.last(), refused_token) {
            (None, Some(token)) if token.status == 0 => (
                Outcome::Failed(format!(
                    "network: {}",
                    masker.text(&String::from_utf8_lossy(&token.body))
                )),
                None,
            ),
            (None, Some(token)) => (
                Outcome::Failed(format!(
                    "auth: the token endpoint answered HTTP {} (check the credentials)",
                    token.status
                )),
                None,
            ),
            (None, None) => (
                Outcome::Failed(match result {
                    Err(e) => format!("{}: {}", e.kind(), masker.text(&e.to_string())),
                    Ok(_) => "nothing was sent".to_owned(),
                }),
                None,
            ),
            (Some(answer), _) if answer.status == 0 => (
                Outcome::Failed(format!(
                    "network: {}",
                    masker.text(&String::from_utf8_lossy(&answer.body))
                )),
                None,
            ),
            (Some(answer), _) => {
                // What --suggest reads: masked like a fixture (shapes and
                // types kept, so its edits are the same).
                let body = serde_json::from_slice::<Value>(&answer.body)
                    .ok()
                    .map(|b| masker.mask(&b));
                let outcome = match answer.status {
                    401 | 403 => Outcome::Failed(format!(
                        "auth: HTTP {} (check the credentials)",
                        answer.status
                    )),
                    429 => Outcome::Failed("rate limited: HTTP 429, try again later".into()),
                    status => {
                        // The whole body scrubbed first: what is cut,
                        // digit-masked or classified below is this.
                        let scrubbed = masker.scrub_body(&answer.body);
                        let drifts = check::answer(
                            &spec,
                            op.path,
                            &op.method.to_ascii_lowercase(),
                            status,
                            &answer.content_type,
                            &answer.body,
                            &scrubbed,
                        );
                        let parsed = serde_json::from_slice::<Value>(&answer.body).ok();
                        let drifts: Vec<Drift> = drifts
                            .into_iter()
                            .map(|d| shown_drift(d, parsed.as_ref(), &masker))
                            .collect();
                        if !(200..300).contains(&status) {
                            // How the error body differs from the spec's is
                            // kept too; the verdict is the error.
                            let (kind, message) =
                                error_kind(status, &answer.content_type, &scrubbed);
                            Outcome::Unconfirmed(status, kind, masker.text(&message), drifts)
                        } else if drifts.is_empty() {
                            Outcome::Ok(status)
                        } else {
                            Outcome::Drift(status, drifts)
                        }
                    }
                };
                if let Some(dir) = record_dir {
                    // A field the spec does not know may hold anything: its
                    // value is shaped in the fixture, whatever its name.
                    let unknown: Vec<&str> = match &outcome {
                        Outcome::Drift(_, drifts) | Outcome::Unconfirmed(.., drifts) => drifts
                            .iter()
                            .filter_map(|d| d.mismatch.as_ref())
                            .filter(|m| m.kind == mitra_spec::Kind::UnknownField)
                            .map(|m| m.pointer.as_str())
                            .collect(),
                        _ => Vec::new(),
                    };
                    record::write(dir, vendor.name, op.id, answer, &unknown, &masker).map_err(
                        |e| CliError::other("record", format!("writing to {}: {e}", dir.display())),
                    )?;
                }
                (outcome, body)
            }
        };
        runs.push(Run {
            id: op.id,
            outcome,
            input,
            body,
        });
    }
    drop(client);
    drop(proxy);
    drop(sandbox);

    // The sandbox is ours: its answers say what we assumed, not what the
    // vendor does, so they settle no assumption.
    let judged = judge_assumptions(vendor, &spec, &runs, !use_sandbox);
    let when = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let suggestion = sub.get_flag("suggest").then(|| {
        let seen: Vec<suggest::Seen<'_>> = runs
            .iter()
            .filter_map(|run| match (&run.outcome, &run.body) {
                (Outcome::Drift(_, drifts), Some(body)) => Some(suggest::Seen {
                    operation: run.id,
                    body,
                    mismatches: drifts.iter().filter_map(|d| d.mismatch.as_ref()).collect(),
                }),
                _ => None,
            })
            .collect();
        suggest::diff(
            &format!("specs/{}.yaml", spec_stem(vendor)),
            vendor.spec,
            &seen,
            &format!("seen at {upstream} on {when}"),
        )
    });
    let counts = |f: fn(&Outcome) -> bool| runs.iter().filter(|r| f(&r.outcome)).count();
    let ok = counts(|o| matches!(o, Outcome::Ok(_)));
    let drift = counts(|o| matches!(o, Outcome::Drift(..)));
    let unconfirmed = counts(|o| matches!(o, Outcome::Unconfirmed(..)));
    let failed = counts(|o| matches!(o, Outcome::Failed(_)));
    let skipped = counts(|o| matches!(o, Outcome::Skipped(_)));
    let verdicts = |v: Verdict| judged.iter().filter(|(_, verdict)| *verdict == v).count();
    let summary = format!(
        "{ok} ok, {drift} drift, {unconfirmed} unconfirmed, {failed} failed, {skipped} skipped; assumptions: {} confirmed, {} contradicted, {} not exercised",
        verdicts(Verdict::Confirmed),
        verdicts(Verdict::Contradicted),
        verdicts(Verdict::NotExercised)
    );
    if sub.get_flag("json") {
        let document = json!({
            "vendor": vendor.name,
            "base_url": upstream,
            "sandbox": use_sandbox,
            "operations": runs.iter().map(run_json).collect::<Vec<_>>(),
            "assumptions": judged.iter().map(|(a, v)| json!({
                "operation": a.operation,
                "on": a.label(),
                "at": a.at,
                "assumption": a.text,
                "verdict": v.word(),
            })).collect::<Vec<_>>(),
            "summary": {"ok": ok, "drift": drift, "unconfirmed": unconfirmed, "failed": failed, "skipped": skipped,
                        "confirmed": verdicts(Verdict::Confirmed),
                        "contradicted": verdicts(Verdict::Contradicted),
                        "not_exercised": verdicts(Verdict::NotExercised)},
            "suggest": suggestion.as_ref().map(|(diff, skipped)| json!({"diff": diff, "by_hand": skipped})),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    } else {
        print_text(vendor, &upstream, &runs, &judged, &summary);
        if let Some((diff, by_hand)) = &suggestion {
            if diff.is_empty() {
                println!("suggest: no spec edit (nothing drifted that an edit would accept)");
            } else {
                print!("{diff}");
            }
            for line in by_hand {
                println!("# by hand: {line}");
            }
        }
    }
    Ok(if drift > 0 || unconfirmed > 0 {
        3
    } else if failed > 0 {
        1
    } else {
        0
    })
}

/// A drift as it may be printed: its pointer through the one key mask
/// (a key made of data, a NIK or an e-mail address, shown as `*`), the
/// value found shown only as its shape where personal and never a
/// credential, masked whole before it is cut. The spec's mismatch keeps the
/// pointer as it came, for `--suggest` to find the schema and the value.
fn shown_drift(mut d: Drift, body: Option<&Value>, masker: &record::Masker) -> Drift {
    d.pointer = mitra_core::redact::mask_pointer(&d.pointer);
    match &mut d.mismatch {
        Some(m) => {
            // A field the spec does not know may hold anything: only its
            // kind.
            m.found = if m.kind == mitra_spec::Kind::UnknownField {
                kind_of_text(&m.found).to_owned()
            } else {
                match body.and_then(|b| b.pointer(&m.pointer)) {
                    // The validator cut the value it quotes: the whole is
                    // masked, then cut.
                    Some(whole) if m.found.ends_with("...") => {
                        shorten(&masker.found(&m.pointer, &whole.to_string()), 60)
                    }
                    _ => masker.found(&m.pointer, &m.found),
                }
            };
            d.message = shown_mismatch(m).to_string();
        }
        None => d.message = masker.text(&d.message),
    }
    d
}

/// A spec mismatch as it may be printed: its pointer through the key mask.
pub(crate) fn shown_mismatch(m: &mitra_spec::Mismatch) -> mitra_spec::Mismatch {
    let mut shown = m.clone();
    shown.pointer = mitra_core::redact::mask_pointer(&m.pointer);
    shown
}

/// What an error answer is, as the clients would return it: the
/// `Error::kind()` its status gives and the vendor's message, read from
/// the body scrubbed whole (the reader cuts and masks digits).
fn error_kind(status: u16, content_type: &str, body: &record::Scrubbed) -> (&'static str, String) {
    let body = body.bytes();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Ok(value) = reqwest::header::HeaderValue::from_str(content_type) {
        headers.insert(reqwest::header::CONTENT_TYPE, value);
    }
    let read = mitra_core::decode::read_error_body(&headers, body);
    let message = read.message.clone();
    let status = reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::BAD_GATEWAY);
    (
        mitra_core::decode::error_from_response(status, &headers, read).kind(),
        message,
    )
}

/// The kind of a JSON value shown as text (`"…"`, `{…}`, `12`).
fn kind_of_text(text: &str) -> &'static str {
    match text.trim_start().chars().next() {
        Some('"') => "a string",
        Some('{') => "an object",
        Some('[') => "a list",
        Some('t' | 'f') => "a boolean",
        Some('n') => "null",
        Some(_) => "a number",
        None => "a value",
    }
}

/// `specs/<stem>.yaml` of a vendor: the stem is the crate's name without
/// `mitra-`.
fn spec_stem(vendor: &VendorCli) -> &str {
    vendor.krate.trim_start_matches("mitra-")
}

/// Each assumption once (the first operation that reaches it names it), with
/// what all the runs say: contradicted by any, else confirmed by any.
fn judge_assumptions(
    vendor: &VendorCli,
    spec: &Value,
    runs: &[Run],
    settles: bool,
) -> Vec<(assumptions::Assumption, Verdict)> {
    let mut judged: BTreeMap<String, (assumptions::Assumption, Verdict, usize)> = BTreeMap::new();
    for (order, (op, run)) in vendor.operations.iter().zip(runs).enumerate() {
        let (status, drifts): (Option<u16>, &[Drift]) = match &run.outcome {
            Outcome::Ok(status) => (Some(*status), &[]),
            Outcome::Drift(status, drifts) => (Some(*status), drifts),
            Outcome::Unconfirmed(status, .., drifts) => (Some(*status), drifts),
            _ => (None, &[]),
        };
        let schemas: Vec<String> = drifts
            .iter()
            .filter_map(|d| d.mismatch.as_ref().map(|m| m.schema.clone()))
            .collect();
        let not_json = drifts.iter().any(|d| d.kind == "not-json");
        for assumption in
            assumptions::of_operation(spec, op.path, &op.method.to_ascii_lowercase(), op.id)
        {
            let verdict = if settles {
                assumptions::judge(&assumption, status, &run.input, &schemas, not_json)
            } else {
                Verdict::NotExercised
            };
            let entry = judged.entry(assumption.at.clone()).or_insert((
                assumption,
                Verdict::NotExercised,
                order,
            ));
            entry.1 = match (entry.1, verdict) {
                (Verdict::Contradicted, _) | (_, Verdict::Contradicted) => Verdict::Contradicted,
                (Verdict::Confirmed, _) | (_, Verdict::Confirmed) => Verdict::Confirmed,
                _ => Verdict::NotExercised,
            };
        }
    }
    let mut list: Vec<_> = judged.into_values().collect();
    list.sort_by_key(|(a, _, order)| (*order, a.at.clone()));
    list.into_iter().map(|(a, v, _)| (a, v)).collect()
}

fn run_json(run: &Run) -> Value {
    let (status, http, drift, why) = match &run.outcome {
        Outcome::Ok(s) => ("ok", Some(*s), Vec::new(), None),
        Outcome::Drift(s, drifts) => ("drift", Some(*s), drifts.clone(), None),
        Outcome::Unconfirmed(s, kind, message, drifts) => (
            "unconfirmed",
            Some(*s),
            drifts.clone(),
            Some(format!(
                "the spec's example answered with an error ({kind}): {message}"
            )),
        ),
        Outcome::Failed(why) => ("failed", None, Vec::new(), Some(why.clone())),
        Outcome::Skipped(why) => ("skipped", None, Vec::new(), Some((*why).to_owned())),
    };
    json!({
        "operation": run.id,
        "status": status,
        "http_status": http,
        "drift": drift.iter().map(|d| json!({
            "pointer": d.pointer,
            "kind": d.kind,
            "message": d.message,
            "schema": d.mismatch.as_ref().map(|m| m.schema.clone()),
        })).collect::<Vec<_>>(),
        "why": why,
    })
}

/// The drifts of one answer for one line: the same drift in every item of
/// a list is said once, with how many items have it.
fn collapse(drifts: &[Drift]) -> Vec<String> {
    let mut groups: Vec<(String, &Drift, usize)> = Vec::new();
    for drift in drifts {
        let shape: Vec<&str> = drift
            .pointer
            .split('/')
            .map(|t| {
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                    "*"
                } else {
                    t
                }
            })
            .collect();
        let key = format!("{} {}", drift.kind, shape.join("/"));
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, count)) => *count += 1,
            None => groups.push((key, drift, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(_, drift, count)| match count {
            1 => drift.message.clone(),
            n => format!("{} (and {} more items like it)", drift.message, n - 1),
        })
        .collect()
}

fn shorten(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > max {
        format!("{}...", line.chars().take(max - 3).collect::<String>())
    } else {
        line
    }
}

fn print_text(
    vendor: &VendorCli,
    upstream: &str,
    runs: &[Run],
    judged: &[(assumptions::Assumption, Verdict)],
    summary: &str,
) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "verify {} against {upstream}", vendor.name);
    let width = runs.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for run in runs {
        let line = match &run.outcome {
            Outcome::Ok(status) => format!("ok       {:width$}  HTTP {status}", run.id),
            Outcome::Drift(status, drifts) => format!(
                "drift    {:width$}  HTTP {status}: {}",
                run.id,
                collapse(drifts).join("; ")
            ),
            Outcome::Unconfirmed(status, kind, message, _) => format!(
                "unconfirmed {:width$}  HTTP {status} ({kind}) to the spec's own example: {}",
                run.id,
                shorten(message, 120)
            ),
            Outcome::Failed(why) => format!("failed   {:width$}  {why}", run.id),
            Outcome::Skipped(why) => format!("skipped  {:width$}  {why}", run.id),
        };
        let _ = writeln!(out, "{line}");
    }
    if !judged.is_empty() {
        let _ = writeln!(out, "assumptions:");
        for (assumption, verdict) in judged {
            let _ = writeln!(
                out,
                "  {:13}  {}: {}",
                verdict.word(),
                assumption.label(),
                shorten(&assumption.text, 100)
            );
        }
    }
    let _ = writeln!(out, "summary: {summary}");
}
