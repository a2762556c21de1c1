//! Review snapshots of the wire: every operation of every vendor, called by
//! the real client with the spec's example input (`Operation::example`, what
//! `mitra examples` prints) against a local capture server, as it goes on the
//! wire (method, path, query, headers, body; credentials `<redacted>`).
//!
//! One insta snapshot per operation, kept beside its vendor's crate:
//! `crates/mitra-<vendor>/snapshots/wire/<operationId>.snap`. A spec change
//! shows there as a few readable lines (`git diff`, `cargo insta review`);
//! `cargo xtask generate` rewrites them and `--check` fails when one is
//! stale.

// The CLI's own vendor table (generated from the vendor registry): a new
// vendor or operation is covered without an edit here.
#[path = "../src/registry.rs"]
mod registry;
#[allow(dead_code)]
#[path = "../src/vendors.rs"]
mod vendors;

use mitra_core::config::Vars;
use mitra_sandbox::{Vendor, credentials};
use mitra_testkit::{MockResponse, MockServer, Recorded};

/// Headers that carry a credential, whatever their value.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "access-key",
    "secret-key",
    "x-pos-password",
];

/// The token endpoints (Pos `/token`, PAFI `/oauth/token`): answered so the
/// client goes on to the call, left out of the snapshots.
fn is_token_call(request: &Recorded) -> bool {
    request.path.ends_with("/token")
}

/// `request` as a snapshot shows it: credential headers, and every
/// credential value wherever else it travels (ELKASSA's form fields and
/// query), as `<redacted>`.
fn render(request: &Recorded, secrets: &[&str], secret_fields: &'static [&'static str]) -> String {
    // The fields the spec marks secret (a user's password), whatever their value.
    let marked = mitra_core::redact::Marked {
        personal: &[],
        secret: secret_fields,
    };
    let mut request = request.clone();
    if secret_fields.iter().any(|f| request.body.contains(f)) {
        request.body = marked.mask(request.body.as_bytes());
    }
    let mut text = request
        .render(SECRET_HEADERS)
        .replace("[REDACTED]", "<redacted>")
        .replace("%5BREDACTED%5D", "<redacted>");
    for secret in secrets {
        text = text.replace(secret, "<redacted>");
    }
    text
}

#[tokio::test]
async fn every_operation_example_on_the_wire() {
    let mut seen = 0;
    for vendor in registry::VENDORS {
        let which = Vendor::from_key(vendor.name).expect("a sandbox vendor");
        let env = credentials::env(which);
        let secrets: Vec<&str> = env.iter().map(|(_, v)| *v).collect();
        let base_url_var = format!("{}_BASE_URL", vendor.env_prefix);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(format!("../../{}/snapshots/wire", vendor.krate));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        for op in vendor.operations {
            let server = MockServer::start(|request, _| {
                if is_token_call(request) {
                    MockResponse::json(
                        200,
                        r#"{"access_token":"captured-token","token_type":"Bearer","expires_in":3600}"#,
                    )
                } else {
                    MockResponse::json(200, "{}")
                }
            })
            .await;
            let url = server.url();
            let vars = Vars::from_fn(|name| {
                if name == base_url_var {
                    return Some(url.clone());
                }
                env.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            });
            let client = (vendor.client)(&vars).expect("a client from the sandbox's credentials");
            let input = serde_json::from_str(op.example.unwrap_or("{}")).expect("JSON example");
            // The answer does not matter here (the server does not know the
            // vendor's shapes): what the client sent does.
            let _ = client.call_json(op.id, input).await;
            let sent: Vec<String> = server
                .requests()
                .iter()
                .filter(|r| !is_token_call(r))
                .map(|r| render(r, &secrets, vendor.marked.secret))
                .collect();
            assert_eq!(
                sent.len(),
                1,
                "{} {}: one request on the wire",
                vendor.name,
                op.id
            );
            for secret in &secrets {
                assert!(
                    !sent[0].contains(secret),
                    "{}: a credential in the snapshot",
                    op.id
                );
            }
            settings.bind(|| insta::assert_snapshot!(op.id, sent[0]));
            seen += 1;
        }
    }
    assert!(seen >= 35, "{seen} operations");
}
