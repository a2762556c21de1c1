//! `cargo xtask new-vendor <name> --spec <file>`: everything a new vendor
//! needs that `cargo xtask generate` does not make, written once from the
//! spec: the spec itself under `specs/`, the registry entry, and the crate's
//! hand-written layer (manifest, changelog, `lib.rs`, and `client.rs` for
//! the auth the spec declares). Then `cargo xtask generate` makes the rest
//! (client, mocks, fuzzing entry, README, licences, facade, CLI, sandbox,
//! fuzz targets, workspace dependency).

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::vendors::VENDORS;

const CARGO_TOML: &str = include_str!("../templates/new-vendor/Cargo.toml.tmpl");
const CHANGELOG: &str = include_str!("../templates/new-vendor/CHANGELOG.md.tmpl");
const LIB_RS: &str = include_str!("../templates/new-vendor/lib.rs.tmpl");
const CLIENT_OAUTH2_BASIC: &str =
    include_str!("../templates/new-vendor/client-oauth2-basic.rs.tmpl");
const CLIENT_BEARER: &str = include_str!("../templates/new-vendor/client-bearer.rs.tmpl");

/// The auth a spec declares, as far as a written-once client can serve it.
#[derive(Debug, PartialEq)]
enum AuthKind {
    /// An operation marked `x-mitra-token-endpoint`, taking HTTP Basic and
    /// a form body: OAuth2 client credentials.
    OAuth2Basic { token_path: String },
    /// `http` / `bearer` and no token endpoint: a static token.
    Bearer,
}

fn auth_kind(spec: &serde_json::Value) -> Result<AuthKind> {
    let schemes = spec.pointer("/components/securitySchemes");
    let scheme_of = |requirement: &serde_json::Value| -> Vec<(String, String)> {
        requirement
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_object())
            .flat_map(|r| r.keys())
            .map(|name| {
                let scheme = schemes.and_then(|s| s.get(name));
                let kind = scheme.and_then(|s| s.get("type")).and_then(|t| t.as_str());
                let http = scheme
                    .and_then(|s| s.get("scheme"))
                    .and_then(|t| t.as_str());
                (
                    kind.unwrap_or("?").to_owned(),
                    http.unwrap_or("").to_lowercase(),
                )
            })
            .collect()
    };
    let paths = spec.get("paths").and_then(|p| p.as_object());
    for (path, item) in paths.into_iter().flatten() {
        for operation in item.as_object().into_iter().flat_map(|i| i.values()) {
            if operation
                .get("x-mitra-token-endpoint")
                .and_then(|t| t.as_bool())
                != Some(true)
            {
                continue;
            }
            let basic = scheme_of(
                operation
                    .get("security")
                    .unwrap_or(&serde_json::Value::Null),
            )
            .iter()
            .any(|(kind, http)| kind == "http" && http == "basic");
            let form = operation
                .pointer("/requestBody/content/application~1x-www-form-urlencoded")
                .is_some();
            if !(basic && form) {
                bail!(
                    "the token endpoint {path} does not take HTTP Basic and a form body; \
                     write client.rs by hand (crates/mitra-pafi takes a JSON body)"
                );
            }
            return Ok(AuthKind::OAuth2Basic {
                token_path: path.clone(),
            });
        }
    }
    let root = scheme_of(spec.get("security").unwrap_or(&serde_json::Value::Null));
    if root
        .iter()
        .any(|(kind, http)| kind == "http" && http == "bearer")
    {
        return Ok(AuthKind::Bearer);
    }
    bail!(
        "the spec's security is neither OAuth2 client credentials (an operation marked \
         x-mitra-token-endpoint) nor a Bearer token; write client.rs by hand \
         (crates/mitra-elkassa sends key parameters, crates/mitra-fastrac key headers)"
    )
}

/// Fills `{{key}}` in `template`.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

/// What was asked for.
pub struct Request<'a> {
    /// The spec's file stem and the crate's suffix (`kirimaja`).
    pub name: &'a str,
    /// The vendor's OpenAPI spec, copied to `specs/<name>.yaml`.
    pub spec: &'a Path,
    /// The vendor's name for people (default: the spec's title without "API").
    pub title: Option<&'a str>,
    /// What its API does, in a few words.
    pub about: &'a str,
}

/// Writes the new vendor's files; returns their paths, relative to `root`.
pub fn run(root: &Path, request: &Request) -> Result<Vec<String>> {
    let name = request.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || name.starts_with('-')
    {
        bail!("a vendor's name is lower-case letters, digits and `-` (`kirimaja`): {name:?}");
    }
    if VENDORS.iter().any(|v| v.name == name) {
        bail!("{name} is already in the vendor registry");
    }
    let krate = format!("mitra-{name}");
    let dir = root.join("crates").join(&krate);
    let spec_rel = format!("specs/{name}.yaml");
    for taken in [dir.as_path(), &root.join(&spec_rel)] {
        if taken.exists() {
            bail!("{} exists already", taken.display());
        }
    }
    let text = std::fs::read_to_string(request.spec)
        .with_context(|| format!("reading {}", request.spec.display()))?;
    let spec: serde_json::Value = serde_yaml::from_str(&text)
        .with_context(|| format!("parsing {}", request.spec.display()))?;
    let production_url = spec
        .pointer("/servers/0/url")
        .and_then(|u| u.as_str())
        .context("the spec names no server (`servers[0].url`): the client's default base URL")?
        .trim_end_matches('/')
        .to_owned();
    let title = match request.title {
        Some(title) => title.to_owned(),
        None => spec
            .pointer("/info/title")
            .and_then(|t| t.as_str())
            .context("the spec has no info.title; pass --title")?
            .trim_end_matches(" API")
            .to_owned(),
    };
    let auth = auth_kind(&spec)?;
    let (decoder, envelope_summary) = if spec.get("x-mitra-envelope").is_some() {
        (
            "mitra_core::envelope::EnvelopeDecoder(&crate::operations::ENVELOPE)",
            ";\n//! an answer is a success only when the spec's envelope says so clearly",
        )
    } else {
        ("mitra_core::plumbing::GenericDecoder", "")
    };
    let ident = name.replace('-', "_");
    let krate_ident = krate.replace('-', "_");
    let env = format!("MITRA_{}", ident.to_uppercase());
    let (client, env_vars, auth_summary, credentials) = match &auth {
        AuthKind::OAuth2Basic { token_path } => (
            fill(CLIENT_OAUTH2_BASIC, &[("token_path", token_path)]),
            format!("{env}_CLIENT_ID, {env}_CLIENT_SECRET ({env}_BASE_URL)"),
            "the OAuth2 token (client credentials) is fetched lazily, cached, \
             refreshed early, shared by concurrent calls, and replaced once on a 401.",
            // Made up, and without the vendor's name: the leak tests look for
            // every 8-character piece of a credential in the CLI's logs, where
            // the name is rightly shown.
            vec![
                ("CLIENT_ID".to_owned(), "sandbox-client-id".to_owned()),
                (
                    "CLIENT_SECRET".to_owned(),
                    "sandbox-client-secret".to_owned(),
                ),
            ],
        ),
        AuthKind::Bearer => (
            CLIENT_BEARER.to_owned(),
            format!("{env}_TOKEN ({env}_BASE_URL)"),
            "a static Bearer token, never shown in any output.",
            vec![("TOKEN".to_owned(), "sandbox-static-token".to_owned())],
        ),
    };
    let values: &[(&str, &str)] = &[
        ("name", name),
        ("ident", &ident),
        ("krate", &krate),
        ("krate_ident", &krate_ident),
        ("title", &title),
        ("about", request.about),
        ("env", &env),
        ("env_vars", &env_vars),
        ("auth_summary", auth_summary),
        ("production_url", &production_url),
        ("decoder", decoder),
        ("envelope_summary", envelope_summary),
    ];
    let files = [
        (spec_rel.clone(), text.clone()),
        (
            format!("crates/{krate}/Cargo.toml"),
            fill(CARGO_TOML, values),
        ),
        (
            format!("crates/{krate}/CHANGELOG.md"),
            fill(CHANGELOG, values),
        ),
        (format!("crates/{krate}/src/lib.rs"), fill(LIB_RS, values)),
        (
            format!("crates/{krate}/src/client.rs"),
            fill(&client, values),
        ),
    ];
    for (rel, text) in &files {
        if let Some(unfilled) = text.find("{{") {
            bail!(
                "{rel}: template left unfilled at {:?}",
                &text[unfilled..unfilled + 20]
            );
        }
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file in a folder"))?;
        std::fs::write(&path, text).with_context(|| format!("writing {rel}"))?;
    }
    let credentials: String = credentials
        .iter()
        .map(|(var, value)| format!("(\"{var}\", \"{value}\"), "))
        .collect();
    let entry = format!(
        "    Vendor {{\n\
         \x20       name: \"{name}\",\n\
         \x20       title: \"{title}\",\n\
         \x20       about: \"{about}\",\n\
         \x20       cli: \"{name}\",\n\
         \x20       env_prefix: \"{env}\",\n\
         \x20       sandbox_prefix: \"/{name}\",\n\
         \x20       sandbox_credentials: &[{credentials}],\n\
         \x20       sandbox_emulator: false,\n\
         \x20       fixtures: &[],\n\
         \x20       lint_off: &[],\n\
         \x20       replacements: &[],\n\
         \x20       vendor_schemas: &[],\n\
         \x20       decoder: \"{decoder}\",\n\
         \x20   }},\n",
        about = request.about.replace('"', "\\\""),
    );
    let registry_rel = "xtask/src/vendors.rs";
    let registry_path = root.join(registry_rel);
    let mut registry = std::fs::read_to_string(&registry_path).context("reading the registry")?;
    let list = registry
        .find("pub const VENDORS: &[Vendor] = &[")
        .context("the registry has no `pub const VENDORS`")?;
    let end = list
        + registry[list..]
            .find("\n];")
            .context("the registry's VENDORS has no closing `];`")?
        + 1;
    registry.insert_str(end, &entry);
    std::fs::write(&registry_path, registry).context("writing the registry")?;
    let mut written: Vec<String> = files.into_iter().map(|(rel, _)| rel).collect();
    written.push(registry_rel.to_owned());
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixtures_auth_is_client_credentials_at_its_token_path() {
        let text = include_str!("../fixtures/new-vendor/kirimaja.yaml");
        let spec: serde_json::Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(
            auth_kind(&spec).unwrap(),
            AuthKind::OAuth2Basic {
                token_path: "/oauth/token".into()
            }
        );
    }

    #[test]
    fn a_spec_with_only_a_bearer_token_gets_a_static_token_and_others_are_refused() {
        let bearer = serde_json::json!({
            "security": [{"t": []}],
            "components": {"securitySchemes": {"t": {"type": "http", "scheme": "bearer"}}}
        });
        assert_eq!(auth_kind(&bearer).unwrap(), AuthKind::Bearer);
        let key = serde_json::json!({
            "security": [{"k": []}],
            "components": {"securitySchemes": {"k": {"type": "apiKey", "in": "query", "name": "key"}}}
        });
        assert!(auth_kind(&key).unwrap_err().to_string().contains("by hand"));
    }

    #[test]
    fn every_placeholder_of_every_template_is_filled() {
        for template in [
            CARGO_TOML,
            CHANGELOG,
            LIB_RS,
            CLIENT_OAUTH2_BASIC,
            CLIENT_BEARER,
        ] {
            let keys = [
                "name",
                "ident",
                "krate",
                "krate_ident",
                "title",
                "about",
                "env",
                "env_vars",
                "auth_summary",
                "production_url",
                "decoder",
                "token_path",
                "envelope_summary",
            ];
            let values: Vec<(&str, &str)> = keys.iter().map(|k| (*k, "x")).collect();
            assert!(!fill(template, &values).contains("{{"), "{template}");
        }
    }
}
