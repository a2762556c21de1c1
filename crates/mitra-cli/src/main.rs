//! `mitra`: call any operation of every vendor of the registry from a terminal.
//!
//! ```text
//! mitra [--sandbox] [--base-url URL] [--verbose] <vendor> <operation> [--field value ...] [--json-body FILE|-] [--schema]
//! mitra sandbox [--port N]
//! mitra verify <vendor> [--base-url URL | --sandbox] [--json] [--record DIR] [--suggest]
//! ```
//!
//! Vendors: those of the vendor registry (`mitra --help`). Operations are the
//! specs' operationIds in kebab-case, their fields kebab-case flags.
//! Credentials come from the environment variables each crate's
//! `Client::from_env()` reads; `--sandbox` starts an offline emulator of the
//! vendor in-process and uses its credentials instead. The decoded response
//! is printed as JSON on stdout; an error is one line on stderr,
//! `error[kind]: message`. Exit status: 0 success, 2 nothing sent because of
//! the input (`invalid_input`: a flag that breaks the spec's or the library's
//! rules, named by its flag) or the configuration (`config`: every missing
//! variable named), 1 any other failure (the library's error kind).

mod explain;
mod help;
mod registry;
mod vendors;
mod verify;

use std::io::Read;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use mitra_core::Operation;
use mitra_sandbox::{Sandbox, SandboxConfig, Vendor};
use serde_json::{Map, Value};

use mitra_core::config::Vars;
use registry::VENDORS;
use vendors::VendorCli;

/// An error as the CLI reports it: `error[kind]: message`, an exit status.
#[derive(Debug)]
pub struct CliError {
    kind: &'static str,
    message: String,
    code: u8,
}

/// The one kind of every input the CLI refuses before sending anything.
pub const INVALID_INPUT: &str = "invalid_input";

impl CliError {
    /// Invalid input: nothing was sent; exit status 2.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: INVALID_INPUT,
            message: message.into(),
            code: 2,
        }
    }

    /// Any other failure; exit status 1.
    pub fn other(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.kind, self.message)
    }
}

impl From<mitra_core::Error> for CliError {
    /// A library error in the CLI's format: bad input and configuration
    /// exit 2 (nothing was sent), the rest 1; the message without the words
    /// that restate the kind (`conflict (HTTP 400): ...` → `HTTP 400: ...`).
    fn from(error: mitra_core::Error) -> Self {
        match error {
            mitra_core::Error::Validation { field, message } => {
                Self::invalid(format!("{field}: {message}"))
            }
            mitra_core::Error::Config { message } => Self {
                kind: "config",
                message,
                code: 2,
            },
            other => Self {
                kind: other.kind(),
                message: without_kind(other.kind(), &other.to_string()),
                code: 1,
            },
        }
    }
}

/// `display` with its leading words that restate `kind` cut, and the
/// parenthesised status brought forward: `conflict (HTTP 400): m` → `HTTP
/// 400: m`, `timed out: m` → `m`.
fn without_kind(kind: &str, display: &str) -> String {
    let words = match kind {
        "unauthorized" => "unauthorized",
        "forbidden" => "forbidden",
        "not_found" => "not found",
        "rejected" => "rejected as invalid",
        "conflict" => "conflict",
        "rate_limited" => "rate limited",
        "vendor" => "vendor error",
        "decode" => "cannot decode the response",
        "timeout" => "timed out",
        "transport" => "transport error",
        _ => return display.to_owned(),
    };
    let Some(rest) = display.strip_prefix(words) else {
        return display.to_owned();
    };
    if let Some(rest) = rest.strip_prefix(": ") {
        return rest.to_owned();
    }
    if let Some(inner) = rest.strip_prefix(" (")
        && let Some(close) = inner.find(')')
    {
        return format!("{}{}", &inner[..close], &inner[close + 1..]);
    }
    display.to_owned()
}

/// `provinceCode` → `province-code`, `city_id` → `city-id`.
pub fn flag_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 4);
    for (i, c) in field.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `getSubDistrict` → `get-sub-district`.
fn command_name(operation_id: &str) -> String {
    flag_name(operation_id)
}

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// One operation's command: its own flags under their heading, apart from
/// the global options; each described from the spec.
fn operation_command(vendor: &VendorCli, op: &Operation, spec: &Value) -> Command {
    let doc = help::of(spec, op.id);
    let mut sub = Command::new(command_name(op.id))
        .about(op.summary)
        .next_help_heading(format!("Flags of {}", command_name(op.id)));
    for field in op.fields {
        let shape = doc.shapes.get(field.name).cloned().unwrap_or_else(|| {
            match field.kind {
                "string" => "text",
                "integer" => "an integer",
                "number" => "a number",
                "boolean" => "true or false",
                "array" => "a JSON array",
                "object" => "a JSON object",
                _ => "any JSON value",
            }
            .to_owned()
        });
        // The spec's words, then the shape the value takes; a field the spec
        // leaves undescribed has its shape only.
        let mut help = match field.help.trim() {
            "" => capitalised(&shape),
            text => format!("{} — {shape}", text.trim_end_matches('.')),
        };
        if field.location != "body" {
            help.push_str(&format!(" ({} parameter)", field.location));
        }
        help.push_str(&help::formats_of(&doc, field.name));
        if field.secret {
            // A flag shows in `ps` and shell history: the value comes
            // from the environment or stdin instead.
            let var = secret_var(vendor.env_prefix, field.name);
            help.push_str(&format!(
                " (secret: not taken as a flag; set {var} or use --{}-stdin)",
                flag_name(field.name)
            ));
            sub = sub.arg(
                Arg::new(format!("{}-stdin", field.name))
                    .long(format!("{}-stdin", flag_name(field.name)))
                    .action(ArgAction::SetTrue)
                    .help(format!(
                        "Read --{} from the first line of standard input",
                        flag_name(field.name)
                    )),
            );
        }
        if field.required && field.default.is_none() {
            help.push_str(" (required)");
        }
        if let Some(default) = field.default {
            help.push_str(&format!(" [default: {default}]"));
        }
        let value_name = if matches!(field.kind, "string" | "integer" | "number" | "boolean") {
            field.kind.to_uppercase()
        } else {
            "JSON".to_owned()
        };
        sub = sub.arg(
            Arg::new(field.name)
                .long(flag_name(field.name))
                .value_name(value_name)
                .help(help),
        );
    }
    sub = sub
        .arg(Arg::new("json-body").long("json-body").value_name("FILE|-").help("Read input fields from a JSON object (a file, or - for stdin), keyed by the spec's field names; flags override it"))
        .arg(Arg::new("schema").long("schema").action(ArgAction::SetTrue).help("Print the JSON Schema of the request and the response, and send nothing"));
    if let Some(after) = help::after(&doc, op) {
        sub = sub.after_help(after);
    }
    sub
}

/// `text` with its first letter upper-case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn cli() -> Command {
    let mut root = Command::new("mitra")
        .about("Call the APIs of Indonesian vendors (one subcommand per vendor)")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(Arg::new("sandbox").long("sandbox").action(ArgAction::SetTrue).global(true).help_heading(GLOBAL).help("Run against an offline sandbox of the vendor, started in-process, with its credentials"))
        .arg(Arg::new("sandbox-url").long("sandbox-url").value_name("URL").global(true).help_heading(GLOBAL).help("Run against a sandbox already serving at URL (`mitra sandbox` prints it; also MITRA_SANDBOX_URL), with its credentials: separate commands share its state (an order placed can be tracked)"))
        .arg(Arg::new("base-url").long("base-url").value_name("URL").global(true).help_heading(GLOBAL).help("Override the vendor's base URL"))
        .arg(Arg::new("danger-allow-http").long("danger-allow-http").action(ArgAction::SetTrue).global(true).help_heading(GLOBAL).help("UNSAFE: allow an http:// base URL to another machine (credentials and data travel in clear); http:// to this machine is always allowed"))
        .arg(Arg::new("max-body-bytes").long("max-body-bytes").value_name("BYTES").value_parser(clap::value_parser!(u64)).global(true).help_heading(GLOBAL).help("The most bytes of a response body read (default 16 MiB)"))
        .arg(Arg::new("verbose").long("verbose").short('v').action(ArgAction::Count).global(true).help_heading(GLOBAL).help("Log on stderr, secrets and personal data redacted: -v each request and response (method, URL template, headers with credentials redacted, bodies cut and masked) with the call's spans (DEBUG), -vv everything mitra traces (TRACE). MITRA_LOG, in EnvFilter syntax (e.g. mitra_core=info), overrides"))
        .arg(Arg::new("log-format").long("log-format").value_name("FORMAT").value_parser(["text", "json"]).default_value("text").global(true).help_heading(GLOBAL).help("text, or json: one JSON object per event on stderr, with its span's fields (OpenTelemetry's names)"))
        .arg(Arg::new("include").long("include").short('i').action(ArgAction::SetTrue).global(true).help_heading(GLOBAL).help("Print the answer's status, the vendor's request id, the attempts and time taken, and its headers (credentials redacted) on stderr, before the result on stdout"))
        .arg(Arg::new("timeout").long("timeout").value_name("SECONDS").value_parser(clap::value_parser!(u64).range(1..)).global(true).help_heading(GLOBAL).help("The time each attempt may take (default: the client's, 30 s)"))
        .arg(Arg::new("attempts").long("attempts").value_name("N").value_parser(clap::value_parser!(u32).range(1..)).global(true).help_heading(GLOBAL).help("At most N attempts (1: no retry; default: the client's retry policy)"));
    for vendor in VENDORS {
        let mut command = Command::new(vendor.name)
            .about(vendor.about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        let spec = mitra_spec::parse(vendor.spec).unwrap_or(Value::Null);
        for op in vendor.operations {
            command = command.subcommand(operation_command(vendor, op, &spec));
        }
        root = root.subcommand(command);
    }
    let names: Vec<&'static str> = VENDORS.iter().map(|v| v.name).collect();
    root.subcommand(verify::command(&names))
        .subcommand(
        Command::new("examples")
            .hide(true)
            .about("Print every operation's example input from the specs: vendor, operation, JSON (tab-separated)"),
    )
    .subcommand(
        Command::new("sandbox")
            .about("Serve the offline sandbox of every vendor on 127.0.0.1 until Ctrl-C")
            .arg(
                Arg::new("port")
                    .long("port")
                    .value_name("PORT")
                    .value_parser(clap::value_parser!(u16))
                    .default_value("0")
                    .help("Port (0: any free port)"),
            )
            .arg(
                Arg::new("fastrac-requests-per-second")
                    .long("fastrac-requests-per-second")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32))
                    .default_value("20")
                    .help("Requests a second Fastrac's emulator takes before it answers 429"),
            ),
    )
}

fn read_body(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::invalid(format!("reading stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::invalid(format!("reading {source}: {e}")))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::invalid(format!("--json-body is not JSON: {e}")))
}

/// The input object: `--json-body`, then each flag over it (read as its
/// field's JSON type: text stays text, anything else is parsed as JSON),
/// then the spec's defaults for what is still missing.
fn input(vendor: &VendorCli, op: &Operation, matches: &ArgMatches) -> Result<Value, CliError> {
    let mut input = match matches.get_one::<String>("json-body") {
        Some(source) => match read_body(source)? {
            Value::Object(map) => map,
            _ => return Err(CliError::invalid("--json-body must hold a JSON object")),
        },
        None => Map::new(),
    };
    for field in op.fields {
        if field.secret {
            if let Some(value) = secret_input(vendor, field, matches)? {
                input.insert(field.name.to_owned(), Value::String(value));
            }
            continue;
        }
        if let Some(text) = matches.get_one::<String>(field.name) {
            let value = match field.kind {
                "string" => Value::String(text.clone()),
                // A scalar that does not parse stays text: the spec check
                // then says what type the flag wants (`--limit: "abc" is text
                // where an integer is wanted`).
                "integer" | "number" | "boolean" => {
                    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
                }
                _ => serde_json::from_str(text).map_err(|e| {
                    CliError::invalid(format!(
                        "--{} is not JSON: {e} (write it as {})",
                        flag_name(field.name),
                        json_hint(field.kind)
                    ))
                })?,
            };
            input.insert(field.name.to_owned(), value);
        }
        if !input.contains_key(field.name)
            && let Some(default) = field.default.and_then(|d| serde_json::from_str(d).ok())
        {
            input.insert(field.name.to_owned(), default);
        }
    }
    Ok(Value::Object(input))
}

/// What a `[JSON]` flag of `kind` looks like.
fn json_hint(kind: &str) -> &'static str {
    match kind {
        "array" => "a JSON array, e.g. '[...]'",
        "object" => "a JSON object, e.g. '{...}'",
        _ => "JSON",
    }
}

/// The variable a secret field is read from: `MITRA_ELKASSA_PASSWORD`.
fn secret_var(env_prefix: &str, field: &str) -> String {
    format!(
        "{env_prefix}_{}",
        flag_name(field).replace('-', "_").to_uppercase()
    )
}

/// A secret field's value: from its variable, or from stdin with
/// `--<flag>-stdin`; as a flag it is refused, saying how to give it.
fn secret_input(
    vendor: &VendorCli,
    field: &mitra_core::Field,
    matches: &ArgMatches,
) -> Result<Option<String>, CliError> {
    let flag = flag_name(field.name);
    let var = secret_var(vendor.env_prefix, field.name);
    if matches.get_one::<String>(field.name).is_some() {
        return Err(CliError::invalid(format!(
            "--{flag} is a secret and a flag would show it in `ps` and shell history: set {var}, or pass --{flag}-stdin and write it on standard input"
        )));
    }
    if matches.get_flag(&format!("{}-stdin", field.name)) {
        if matches.get_one::<String>("json-body").map(String::as_str) == Some("-") {
            return Err(CliError::invalid(format!(
                "--{flag}-stdin and --json-body - both read standard input: give the body as a file, or the secret in {var}"
            )));
        }
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| CliError::invalid(format!("reading --{flag} from stdin: {e}")))?;
        return Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()));
    }
    Ok(std::env::var(&var).ok())
}

/// Every secret field's value in `input`, to scrub from what is printed.
fn secrets_of(op: &Operation, input: &Value) -> mitra_core::redact::Secrets {
    let values: Vec<mitra_core::SecretString> = op
        .fields
        .iter()
        .filter(|f| f.secret)
        .filter_map(|f| input.get(f.name)?.as_str())
        .map(mitra_core::SecretString::from)
        .collect();
    mitra_core::redact::Secrets::new(values.iter())
}

async fn call(
    vendor: &VendorCli,
    op: &Operation,
    matches: &ArgMatches,
    root: &ArgMatches,
) -> Result<Value, CliError> {
    if matches.get_flag("schema") {
        return (vendor.schema)(op.id)
            .ok_or_else(|| CliError::other("schema", "no schema for this operation"));
    }
    let input = input(vendor, op, matches)?;
    let secrets = secrets_of(op, &input);
    let result = send(vendor, op, input, root).await;
    if secrets.is_empty() {
        return result;
    }
    // A vendor that echoes a secret the caller gave shows no piece of it.
    match result {
        Ok(value) => {
            let text = secrets.scrub(&value.to_string(), &[]);
            Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
        }
        Err(mut error) => {
            error.message = secrets.scrub(&error.message, &[]);
            Err(error)
        }
    }
}

async fn send(
    vendor: &VendorCli,
    op: &Operation,
    input: Value,
    root: &ArgMatches,
) -> Result<Value, CliError> {
    let sandbox = if root.get_flag("sandbox") {
        Some(
            Sandbox::start(SandboxConfig::default())
                .await
                .map_err(|e| CliError::other("sandbox", e.to_string()))?,
        )
    } else {
        None
    };
    // The client reads its MITRA_<VENDOR>_* variables: the sandbox's, or the
    // environment's; `--base-url` over either.
    let base_url_var = format!("{}_BASE_URL", vendor.env_prefix);
    let base_url = root.get_one::<String>("base-url").cloned();
    let running = sandbox_url(root)?;
    let sandbox_vars = sandbox_vars(vendor, sandbox.as_ref(), running.as_deref())?;
    let allow_http = root.get_flag("danger-allow-http");
    let max_body = root.get_one::<u64>("max-body-bytes").copied();
    let vars = Vars::from_fn(|name| {
        if name == base_url_var
            && let Some(url) = &base_url
        {
            return Some(url.clone());
        }
        if name == "MITRA_DANGER_ALLOW_HTTP" && allow_http {
            return Some("1".to_owned());
        }
        if name == "MITRA_MAX_BODY_BYTES"
            && let Some(limit) = max_body
        {
            return Some(limit.to_string());
        }
        match &sandbox_vars {
            Some(pairs) => pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            None => std::env::var(name).ok(),
        }
    });
    let client = match (vendor.client)(&vars) {
        Ok(client) => client,
        Err(mitra_core::Error::Config { message }) => {
            return Err(config_error(vendor, &vars, message));
        }
        Err(e) => return Err(e.into()),
    };
    // Per-call options only when asked for: the client as it is otherwise.
    let include = root.get_flag("include");
    let capture = mitra_core::options::Capture::new();
    let mut options = None;
    if let Some(seconds) = root.get_one::<u64>("timeout") {
        options = Some(
            options
                .unwrap_or_else(mitra_core::CallOptions::new)
                .timeout(std::time::Duration::from_secs(*seconds)),
        );
    }
    if let Some(attempts) = root.get_one::<u32>("attempts") {
        options = Some(
            options
                .unwrap_or_else(mitra_core::CallOptions::new)
                .attempts(*attempts),
        );
    }
    if include {
        options = Some(
            options
                .unwrap_or_else(mitra_core::CallOptions::new)
                .capturing(&capture),
        );
    }
    let client = match options {
        Some(options) => client.with_options_dyn(options),
        None => client,
    };
    let started = std::time::Instant::now();
    let result = client.call_json(op.id, input.clone()).await;
    if include && result.is_ok() {
        print_answer(capture, started.elapsed());
    }
    drop(sandbox);
    match result {
        Ok(value) => Ok(value),
        Err(mitra_core::Error::Validation { field, message }) => {
            Err(invalid_input(vendor, op, &input, field, &message))
        }
        Err(e) => Err(e.into()),
    }
}

/// `--include`: the answer of a call that succeeded, on stderr (stdout
/// keeps the result alone, for a pipe): status, the vendor's request id,
/// attempts and time, then its headers, credentials redacted.
fn print_answer(capture: mitra_core::options::Capture, elapsed: std::time::Duration) {
    let Ok(answer) = capture.into_response((), elapsed) else {
        return;
    };
    let mut text = format!(
        "HTTP {}\nrequest id: {}\nattempts: {}\nelapsed: {} ms\n",
        answer.status(),
        answer.request_id().unwrap_or("(none sent)"),
        answer.attempts(),
        answer.elapsed().as_millis()
    );
    for line in answer.shown_headers() {
        text.push_str(&line);
        text.push('\n');
    }
    eprintln!("{text}");
}

/// The library refused the input (nothing was sent): what the spec check
/// finds wrong, by flag, else the library's own rule under the flag it
/// concerns. A pattern is the library's to explain (`must be digits only`),
/// unless nothing else is.
fn invalid_input(
    vendor: &VendorCli,
    op: &Operation,
    input: &Value,
    field: &str,
    message: &str,
) -> CliError {
    let found = explain::mismatches(vendor.spec, op, input);
    let (patterns, structural): (Vec<_>, Vec<_>) = found
        .into_iter()
        .partition(|m| m.kind == mitra_spec::Kind::Pattern);
    // Under its flag only when the user gave it: Sempoa's journal rules
    // name `akun` for a line of `--transaksi` too.
    let is_flag = op.fields.iter().any(|f| f.name == field) && input.get(field).is_some();
    if !structural.is_empty() {
        return CliError::invalid(explain::sentence(op, &structural));
    }
    // The spec's own rule for the flag (Fastrac's 5-digit postal code)
    // says more than the library's.
    let own: Vec<_> = patterns
        .iter()
        .filter(|m| m.pointer.trim_start_matches('/') == field)
        .cloned()
        .collect();
    if is_flag && !own.is_empty() {
        return CliError::invalid(explain::sentence(op, &own));
    }
    if is_flag {
        return CliError::invalid(format!("--{}: {message}", flag_name(field)));
    }
    if !patterns.is_empty() {
        return CliError::invalid(explain::sentence(op, &patterns));
    }
    CliError::invalid(format!("{field}: {message}"))
}

/// A configuration error: when variables are missing, every one of them
/// (the client's builder stops at the first; it is asked again with a
/// stand-in for each one found until it stops asking), exit status 2.
fn config_error(vendor: &VendorCli, vars: &Vars, message: String) -> CliError {
    let mut missing: Vec<String> = Vec::new();
    // The first round replays the failure; each next one stands in for
    // what was found missing, until the builder asks for nothing more.
    for _ in 0..8 {
        let asked = std::sync::Mutex::new(Vec::<String>::new());
        let result = {
            let probe = Vars::from_fn(|name| {
                if missing.iter().any(|m| m == name) {
                    // A URL, so that a stand-in base URL passes too.
                    return Some("https://stand-in.invalid".to_owned());
                }
                let value = vars.optional(name);
                if value.is_none() {
                    asked
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(name.to_owned());
                }
                value
            });
            (vendor.client)(&probe).err()
        };
        let Some(mitra_core::Error::Config { message }) = result else {
            break;
        };
        // The variable the builder gave up on: one it asked for in vain
        // and its message names.
        let asked = asked.into_inner().unwrap_or_else(|e| e.into_inner());
        match asked.iter().rev().find(|n| message.contains(n.as_str())) {
            Some(name) if !missing.contains(name) => missing.push(name.clone()),
            _ => break,
        }
    }
    let message = match missing.as_slice() {
        [] => message,
        [one] => format!("{one} is not set; nothing was sent (set it, or try --sandbox)"),
        many => format!(
            "{} are not set; nothing was sent (set them, or try --sandbox)",
            many.join(", ")
        ),
    };
    CliError {
        kind: "config",
        message,
        code: 2,
    }
}

/// `mitra examples`: one line per operation, the spec's example input (or
/// `{}` when the spec gives none), for scripts and tests that call every
/// operation.
fn print_examples() {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for vendor in VENDORS {
        for op in vendor.operations {
            let _ = writeln!(
                out,
                "{}\t{}\t{}",
                vendor.name,
                command_name(op.id),
                op.example.unwrap_or("{}")
            );
        }
    }
}

/// The variables `vendor`'s client reads for a sandbox (its credentials and
/// base URL): the one `started` in-process, else the one `running` at that
/// URL; `None` for the real vendor.
pub(crate) fn sandbox_vars(
    vendor: &VendorCli,
    started: Option<&Sandbox>,
    running: Option<&str>,
) -> Result<Option<Vec<(String, String)>>, CliError> {
    if started.is_none() && running.is_none() {
        return Ok(None);
    }
    let which = Vendor::from_key(vendor.name)
        .ok_or_else(|| CliError::other("sandbox", format!("no sandbox for {}", vendor.name)))?;
    Ok(match (started, running) {
        (Some(sandbox), _) => Some(sandbox.env(which)),
        (None, Some(url)) => Some(mitra_sandbox::env_at(url, which)),
        (None, None) => None,
    })
}

/// `--sandbox-url`, else `MITRA_SANDBOX_URL`: a sandbox already running.
/// Refused beside `--sandbox` (which starts its own) or `--base-url`.
pub(crate) fn sandbox_url(root: &ArgMatches) -> Result<Option<String>, CliError> {
    let url = root.get_one::<String>("sandbox-url").cloned().or_else(|| {
        std::env::var("MITRA_SANDBOX_URL")
            .ok()
            .filter(|u| !u.is_empty())
    });
    let Some(url) = url else { return Ok(None) };
    if root.get_flag("sandbox") {
        return Err(CliError::invalid(
            "--sandbox starts a sandbox of its own; --sandbox-url (or MITRA_SANDBOX_URL) names a running one: give one",
        ));
    }
    if root.get_one::<String>("base-url").is_some() {
        return Err(CliError::invalid(
            "--base-url and --sandbox-url (or MITRA_SANDBOX_URL) exclude each other",
        ));
    }
    Ok(Some(url))
}

async fn serve(port: u16, fastrac_requests_per_second: u32) -> Result<(), CliError> {
    let config = SandboxConfig {
        fastrac_requests_per_second,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start_on(std::net::SocketAddr::from(([127, 0, 0, 1], port)), config)
        .await
        .map_err(|e| CliError::other("sandbox", e.to_string()))?;
    println!(
        "mitra sandbox on http://{} (Ctrl-C to stop)",
        sandbox.addr()
    );
    for vendor in Vendor::ALL {
        println!(
            "  {:<8} {}",
            format!("{vendor:?}").to_lowercase(),
            sandbox.url(vendor)
        );
    }
    println!(
        "point the CLI at it with --sandbox-url http://{addr} (or MITRA_SANDBOX_URL), or a program's \
         Client::from_env() with these (made-up) variables:",
        addr = sandbox.addr()
    );
    println!("MITRA_SANDBOX_URL=http://{}", sandbox.addr());
    for vendor in Vendor::ALL {
        for (name, value) in sandbox.env(vendor) {
            println!("{name}={value}");
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// Logs on stderr: nothing by default (the result or the error is the
/// output), `-v` DEBUG and `-vv` TRACE for mitra's crates, or what
/// `MITRA_LOG` says (EnvFilter syntax); as text, or one JSON object per
/// event with the fields of its spans.
fn init_logging(verbosity: u8, json: bool) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("MITRA_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::try_new(directives.trim())
            .map_err(|e| format!("MITRA_LOG is not a filter: {e}"))?,
        // `mitra` covers every mitra crate (targets match by prefix); the
        // in-process sandbox's own requests are not the user's calls.
        _ => match verbosity {
            0 => return Ok(()),
            1 => EnvFilter::new("mitra=debug,mitra_sandbox=warn"),
            _ => EnvFilter::new("mitra=trace,mitra_sandbox=warn"),
        },
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init();
    } else {
        builder.init();
    }
    Ok(())
}

fn main() -> ExitCode {
    let root = match cli().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // Help and version are output; a usage error is bad input, in
            // the one format of every error (clap's usage lines follow).
            if e.use_stderr()
                && e.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let text = e.render().to_string();
                eprint!(
                    "{}",
                    CliError::invalid(text.strip_prefix("error: ").unwrap_or(&text))
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    if let Err(e) = init_logging(
        root.get_count("verbose"),
        root.get_one::<String>("log-format").map(String::as_str) == Some("json"),
    ) {
        eprintln!("{}", CliError::invalid(e));
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{}", CliError::other("runtime", e.to_string()));
            return ExitCode::from(1);
        }
    };
    if let Some(("verify", sub)) = root.subcommand() {
        return match runtime.block_on(verify::run(&root, sub)) {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(e.code)
            }
        };
    }
    let result = runtime.block_on(async {
        let (name, sub) = root.subcommand().expect("a subcommand is required");
        if name == "examples" {
            print_examples();
            return Ok(None);
        }
        if name == "sandbox" {
            let port = *sub.get_one::<u16>("port").expect("has a default");
            let rate = *sub
                .get_one::<u32>("fastrac-requests-per-second")
                .expect("has a default");
            return serve(port, rate).await.map(|()| None);
        }
        let vendor = VENDORS
            .iter()
            .find(|v| v.name == name)
            .expect("clap checked the vendor");
        let (op_name, op_matches) = sub.subcommand().expect("an operation is required");
        let op = vendor
            .operations
            .iter()
            .find(|o| command_name(o.id) == op_name)
            .expect("clap checked the operation");
        call(vendor, op, op_matches, &root).await.map(Some)
    });
    match result {
        Ok(Some(value)) => {
            use std::io::Write;
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
            // A reader that stops early (`mitra ... | head`) is not a failure.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library's Display restates its kind; the CLI's line does not.
    #[test]
    fn a_library_error_does_not_repeat_its_kind() {
        let cases = [
            (
                mitra_core::Error::Conflict {
                    request_id: None,
                    status: Some(400),
                    code: None,
                    message: "Nomor referensi sudah ada".into(),
                },
                "error[conflict]: HTTP 400: Nomor referensi sudah ada",
            ),
            (
                mitra_core::Error::RateLimited {
                    request_id: None,
                    status: Some(429),
                    retry_after: Some(std::time::Duration::from_secs(3)),
                    message: "slow down".into(),
                },
                "error[rate_limited]: HTTP 429, retry after 3s: slow down",
            ),
            (
                mitra_core::Error::Timeout {
                    message: "no answer in 30s".into(),
                },
                "error[timeout]: no answer in 30s",
            ),
            (
                mitra_core::Error::config("environment variable X is not set"),
                "error[config]: environment variable X is not set",
            ),
            (
                mitra_core::Error::BodyTooLarge { limit: 64 },
                "error[body_too_large]: the response body is larger than the limit of 64 bytes",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(CliError::from(error).to_string(), expected);
        }
    }
}
