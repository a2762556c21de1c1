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
    assert_eq!(checked, 20);
}
