//! Vendors that echo a request back in their error text (WSO2's "no OAuth
//! client for client_id: ...", an HTML error page, an undecodable body):
//! no configured credential, and no access token, reaches the CLI's output,
//! its errors or its `--verbose` trace, for any vendor.

use std::process::Command;

use mitra_sandbox::{Vendor, credentials};
use mitra_testkit::{MockResponse, MockServer, Recorded};

const ACCESS_TOKEN: &str = "canary-access-token-0001";

/// Canary values for every variable a vendor's client reads.
fn canaries(vendor: Vendor) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = credentials::env(vendor)
        .iter()
        .map(|(name, _)| {
            (
                (*name).to_owned(),
                format!("canary-{}", name.to_lowercase()),
            )
        })
        .collect();
    if vendor == Vendor::Pos {
        vars.push((
            "MITRA_POS_PASSWORD".into(),
            "canary-partner-password".into(),
        ));
    }
    vars
}

fn respond(mode: &str, request: &Recorded) -> MockResponse {
    let echo = request.echo();
    if request.path.ends_with("/token") {
        if mode == "token-error" {
            let body = serde_json::json!({
                "error": "invalid_client",
                "error_description": format!("A valid OAuth client could not be found for client_id: {echo}"),
            });
            return MockResponse::json(401, body.to_string());
        }
        let body = serde_json::json!({"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"});
        return MockResponse::json(200, body.to_string());
    }
    match mode {
        "api-401" => MockResponse::json(
            401,
            serde_json::json!({"message": format!("not authorized: {echo}")}).to_string(),
        ),
        "api-html" => MockResponse::with_type(
            500,
            "text/html",
            format!("<html><body><h1>Error</h1><p>{echo}</p></body></html>"),
        ),
        _ => MockResponse::json(
            200,
            serde_json::json!({"status": "?", "success": "?", "data": 5, "echo": echo}).to_string(),
        ),
    }
}

#[test]
fn echoed_credentials_and_tokens_never_reach_output_errors_or_logs() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let examples = String::from_utf8(
        Command::new(env!("CARGO_BIN_EXE_mitra"))
            .arg("examples")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let mut checked = 0;
    for vendor in Vendor::ALL {
        let (cli, op, example) = examples
            .lines()
            .map(|l| {
                let mut parts = l.splitn(3, '\t');
                (
                    parts.next().unwrap().to_owned(),
                    parts.next().unwrap().to_owned(),
                    parts.next().unwrap().to_owned(),
                )
            })
            .find(|(cli, _, _)| cli == vendor.key())
            .unwrap();
        let body =
            std::env::temp_dir().join(format!("mitra-echo-{}-{cli}.json", std::process::id()));
        std::fs::write(&body, &example).unwrap();
        let vars = canaries(vendor);
        for mode in ["token-error", "api-401", "api-html", "api-garbage"] {
            let mode_owned = mode.to_owned();
            let server = runtime.block_on(MockServer::start(move |r, _| respond(&mode_owned, r)));
            let out = Command::new(env!("CARGO_BIN_EXE_mitra"))
                .args([
                    "--verbose",
                    "--base-url",
                    &server.url(),
                    &cli,
                    &op,
                    "--json-body",
                ])
                .arg(&body)
                .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .env("RUST_LOG", "trace")
                .output()
                .unwrap();
            let shown = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            // The server did see the credentials (the test is not vacuous).
            assert!(
                server.requests().iter().any(|r| {
                    let echo = r.echo();
                    vars.iter().any(|(_, v)| echo.contains(v.as_str()))
                }),
                "{cli} {mode}: no credential was sent"
            );
            for (name, value) in &vars {
                assert!(
                    !shown.contains(value.as_str()),
                    "{cli} {mode}: {name} shown:\n{shown}"
                );
            }
            assert!(
                !shown.contains(ACCESS_TOKEN),
                "{cli} {mode}: token shown:\n{shown}"
            );
            checked += 1;
        }
    }
    // Four modes for every vendor of the registry.
    assert_eq!(checked, 4 * Vendor::ALL.len());
}

/// ELKASSA's registration with every field but the password as flags.
fn registration(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "elkassa",
        "registration",
        "--toko-name",
        "Toko Uji",
        "--user-type",
        "0",
        "--no-telp",
        "081234567890",
        "--email",
        "uji@example.com",
        "--address",
        "Bandung",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

#[test]
fn a_secret_field_is_refused_as_a_flag_taken_from_the_environment_or_stdin_and_scrubbed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // A vendor that echoes the whole request in its error.
    let server = runtime.block_on(MockServer::start(|r, _| {
        MockResponse::json(
            400,
            serde_json::json!({"status": false, "messages": format!("rejected: {}", r.echo())})
                .to_string(),
        )
    }));
    let base = ["--base-url".to_owned(), server.url()];
    let creds = [
        ("MITRA_ELKASSA_KEY", "canary-elkassa-key"),
        ("MITRA_ELKASSA_TOKEN", "canary-elkassa-token"),
    ];
    let password = "canary-password-9876";

    // As a flag: refused before anything is sent, saying how to give it.
    let out = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(base.iter().chain(&registration(&["--password", password])))
        .envs(creds)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("MITRA_ELKASSA_PASSWORD") && stderr.contains("--password-stdin"),
        "{stderr}"
    );
    assert!(!stderr.contains(password), "{stderr}");
    assert!(server.requests().is_empty(), "sent despite the refusal");

    // From the environment, and from stdin: sent, and not shown when echoed.
    for from_stdin in [false, true] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
        command.envs(creds).stdin(std::process::Stdio::piped());
        if from_stdin {
            command.args(base.iter().chain(&registration(&["--password-stdin"])));
        } else {
            command
                .args(base.iter().chain(&registration(&[])))
                .env("MITRA_ELKASSA_PASSWORD", password);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let _ = writeln!(stdin, "{password}");
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let sent = server.requests().last().unwrap().echo();
        assert!(
            sent.contains(password),
            "stdin={from_stdin}: not sent: {sent}"
        );
        assert_eq!(out.status.code(), Some(1), "{shown}");
        // The vendor's message did quote the password (the check is not vacuous).
        assert!(shown.contains("password="), "{shown}");
        assert!(
            !shown.contains(password),
            "stdin={from_stdin}: shown:\n{shown}"
        );
    }
}
