//! What every published package carries beside its code: a README for its
//! registry page (made from the vendor registry, the spec and the crate's
//! manifest and crate docs) and copies of the workspace's two licence texts
//! (`cargo package` takes only files under the package's own folder).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use heck::ToSnakeCase;

use crate::output::{Outcome, write_or_check};
use crate::vendors::{VENDORS, Vendor};

/// The licence texts at the workspace root, copied into every package.
const LICENSES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];

/// Every crate published to crates.io: the shared runtime, each vendor, the
/// facade, the CLI and its sandbox (both usable on their own: `cargo install
/// mitra-cli`, and the sandbox as a dev-dependency of users' tests).
pub fn published() -> Vec<String> {
    let mut crates = vec!["mitra-core".to_owned()];
    crates.extend(VENDORS.iter().map(Vendor::krate));
    crates.extend(["mitra", "mitra-cli", "mitra-sandbox", "mitra-spec"].map(String::from));
    crates
}

/// Writes (or checks) every published package's README and licence copies,
/// after checking that every other crate says `publish = false`.
pub fn generate(root: &Path, check: bool) -> Result<Vec<(String, Outcome)>> {
    unpublished_say_so(root)?;
    let mut out = Vec::new();
    for (path, text) in files(root)? {
        let outcome = write_or_check(root, &path, "xtask/src/packaging.rs", text, check)?;
        out.push((path, outcome));
    }
    Ok(out)
}

/// A crate left out of [`published`] must not reach crates.io by accident.
fn unpublished_say_so(root: &Path) -> Result<()> {
    let published = published();
    let mut dirs: Vec<String> = std::fs::read_dir(root.join("crates"))
        .context("listing crates/")?
        .filter_map(|e| e.ok())
        .map(|e| format!("crates/{}", e.file_name().to_string_lossy()))
        .collect();
    dirs.push("xtask".to_owned());
    for dir in dirs {
        let rel = format!("{dir}/Cargo.toml");
        let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
            continue;
        };
        let doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("parsing {rel}"))?;
        let package = doc.get("package");
        let name = package
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default();
        let unpublished = package
            .and_then(|p| p.get("publish"))
            .and_then(|p| p.as_bool())
            == Some(false);
        if !published.iter().any(|p| p == name) && !unpublished {
            bail!(
                "{rel}: {name} is not in packaging::published(); add it there or say `publish = false`"
            );
        }
    }
    Ok(())
}

/// Every file this module makes, as (path, text).
pub fn files(root: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for krate in published() {
        let dir = format!("crates/{krate}");
        for license in LICENSES {
            let text = std::fs::read_to_string(root.join(license))
                .with_context(|| format!("reading {license}"))?;
            files.push((format!("{dir}/{license}"), text));
        }
        let manifest = Manifest::read(root, &dir)?;
        let vendor = VENDORS.iter().find(|v| v.krate() == krate);
        let readme = match vendor {
            Some(v) => vendor_readme(root, v, &manifest)?,
            None => other_readme(root, &krate, &manifest)?,
        };
        files.push((format!("{dir}/README.md"), readme));
    }
    Ok(files)
}

/// What a README takes from a crate's manifest.
struct Manifest {
    name: String,
    description: String,
    /// The version a user writes in `Cargo.toml` (`0.1`, `1`).
    requirement: String,
    repository: String,
    /// `[features]` with the `## ` doc comment above each.
    features: Vec<(String, String)>,
    /// The features on by default.
    default: Vec<String>,
}

impl Manifest {
    fn read(root: &Path, dir: &str) -> Result<Self> {
        let rel = format!("{dir}/Cargo.toml");
        let text =
            std::fs::read_to_string(root.join(&rel)).with_context(|| format!("reading {rel}"))?;
        let doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("parsing {rel}"))?;
        let workspace: toml_edit::DocumentMut = std::fs::read_to_string(root.join("Cargo.toml"))?
            .parse()
            .context("parsing Cargo.toml")?;
        let package = &doc["package"];
        // `key.workspace = true` takes the workspace's value.
        let field = |key: &str| -> String {
            match package.get(key).and_then(|v| v.as_str()) {
                Some(s) => s.to_owned(),
                None => workspace["workspace"]["package"]
                    .get(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            }
        };
        let version: semver::Version = field("version")
            .parse()
            .with_context(|| format!("{rel}: version"))?;
        let requirement = if version.major == 0 {
            format!("0.{}", version.minor)
        } else {
            version.major.to_string()
        };
        Ok(Self {
            name: field("name"),
            description: field("description"),
            requirement,
            repository: field("repository"),
            features: features(&text),
            default: doc
                .get("features")
                .and_then(|f| f.get("default"))
                .and_then(|d| d.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// A file of the repository, as a link that works on crates.io too.
    fn link(&self, path: &str) -> String {
        format!("{}/blob/main/{path}", self.repository)
    }
}

/// The `[features]` of a manifest with their `## ` doc comments (the
/// document-features convention), in order; `default` left out.
fn features(manifest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_features = false;
    let mut doc = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if let Some(text) = line.strip_prefix("## ") {
            if !doc.is_empty() {
                doc.push(' ');
            }
            doc.push_str(text);
        } else if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if name != "default" {
                out.push((name.to_owned(), std::mem::take(&mut doc)));
            }
            doc.clear();
        }
    }
    out
}

/// The first ```` ```no_run ```` example of a crate's docs, its hidden
/// lines left out: the quick start, compiled by the crate's doctests.
fn quick_start(root: &Path, dir: &str) -> Result<Option<String>> {
    let rel = format!("{dir}/src/lib.rs");
    let text =
        std::fs::read_to_string(root.join(&rel)).with_context(|| format!("reading {rel}"))?;
    let mut lines = text
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .skip_while(|l| !l.starts_with("```no_run"))
        .skip(1);
    let mut code = String::new();
    for line in lines.by_ref() {
        if line.starts_with("```") {
            return Ok(Some(code));
        }
        if line == "#" || line.starts_with("# ") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    Ok(None)
}

fn header(sources: &str) -> String {
    format!(
        "<!-- @generated by `cargo xtask generate` from {sources}.\n     \
         DO NOT EDIT: change those and regenerate. -->\n\n"
    )
}

fn features_section(s: &mut String, m: &Manifest) {
    if m.features.is_empty() {
        return;
    }
    s.push_str("## Features\n\n");
    if m.default.is_empty() {
        s.push_str("None is on by default.\n\n");
    } else {
        let on: Vec<String> = m.default.iter().map(|f| format!("`{f}`")).collect();
        let _ = write!(s, "On by default: {}.\n\n", on.join(", "));
    }
    s.push_str("| feature | what it brings |\n|---|---|\n");
    for (name, doc) in &m.features {
        let _ = writeln!(s, "| `{name}` | {} |", doc.replace('|', "\\|"));
    }
    s.push('\n');
}

fn closing(s: &mut String, m: &Manifest) {
    let _ = write!(
        s,
        "## Changelog\n\n\
         Every release and what it changed: [CHANGELOG.md]({changelog}).\n\n\
         ## License\n\n\
         Licensed under either of [Apache License, Version 2.0](LICENSE-APACHE) or\n\
         [MIT license](LICENSE-MIT) at your option.\n",
        changelog = m.link(&format!("crates/{}/CHANGELOG.md", m.name)),
    );
}

fn vendor_readme(root: &Path, v: &Vendor, m: &Manifest) -> Result<String> {
    let spec_rel = format!("specs/{}.yaml", v.name);
    let parsed = crate::specs::load(root, &spec_rel)?;
    let spec = &parsed.json;
    let info = &spec["info"];
    let mut s = header(&format!(
        "the vendor registry (xtask/src/vendors.rs), `{spec_rel}` and `crates/{}`",
        m.name
    ));
    let _ = write!(
        s,
        "# {name}\n\n{description}\n\n\
         Part of [mitra]({repo}): typed Rust clients for the HTTP APIs of Indonesian vendors.\n\
         The client is generated by progenitor from a hand-written OpenAPI spec,\n\
         [`{spec_rel}`]({spec_link}) ({title}, version {version}), plus a thin hand-written\n\
         layer on the shared runtime [`mitra-core`](https://crates.io/crates/mitra-core):\n\
         auth, retries, errors you can match on, and no secret in any log.\n\n\
         ## What it covers\n\n\
         {title}: {about}. One method of `Client` per operation of the spec:\n\n\
         | method | HTTP | what it does |\n|---|---|---|\n",
        name = m.name,
        description = m.description,
        repo = m.repository,
        spec_link = m.link(&spec_rel),
        title = v.title,
        about = v.about,
        version = info["version"].as_str().unwrap_or("?"),
    );
    let mut token_endpoints = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            if op["x-mitra-token-endpoint"].as_bool() == Some(true) {
                token_endpoints.push(format!("`{} {path}`", method.to_uppercase()));
                continue;
            }
            let _ = writeln!(
                s,
                "| `{}` | `{} {path}` | {} |",
                id.to_snake_case(),
                method.to_uppercase(),
                op["summary"].as_str().unwrap_or("").replace('|', "\\|")
            );
        }
    }
    s.push_str("\n## Auth\n\nAccepted credentials (any one line):\n\n");
    let schemes = &spec["components"]["securitySchemes"];
    for requirement in spec["security"].as_array().into_iter().flatten() {
        let names: Vec<&String> = requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        let together: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let _ = writeln!(
            s,
            "- {}{}",
            together.join(" + "),
            if names.len() > 1 { ", together:" } else { ":" }
        );
        for name in names {
            let scheme = &schemes[name.as_str()];
            let what = match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
                (Some("http"), Some(kind)) => format!("HTTP {kind}"),
                (Some("apiKey"), _) => format!(
                    "API key `{}` in the {}",
                    scheme["name"].as_str().unwrap_or("?"),
                    scheme["in"].as_str().unwrap_or("?")
                ),
                (Some(other), _) => other.to_owned(),
                (None, _) => "?".to_owned(),
            };
            let about = scheme["description"]
                .as_str()
                .map(|d| format!(". {}", d.split_whitespace().collect::<Vec<_>>().join(" ")))
                .unwrap_or_default();
            let _ = writeln!(s, "  - `{name}`: {what}{about}");
        }
    }
    if !token_endpoints.is_empty() {
        let _ = writeln!(
            s,
            "- the client fetches, caches and refreshes its token itself ({})",
            token_endpoints.join(", ")
        );
    }
    let _ = write!(
        s,
        "\n`Client::from_env()` reads the credentials from the `{}_*` environment variables;\n\
         `Client::builder()` takes them in code. Secrets are never logged.\n\n",
        v.env_prefix
    );
    s.push_str("## Quick start\n\n");
    let _ = write!(
        s,
        "```toml\n[dependencies]\n{name} = \"{req}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n",
        name = m.name,
        req = m.requirement
    );
    if let Some(code) = quick_start(root, &format!("crates/{}", m.name))? {
        // A whole program, so that the snippet compiles as it is shown (the
        // one-dependency test project compiles this README).
        let body: String = code
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_owned()
                } else {
                    format!("    {l}\n")
                }
            })
            .collect();
        let _ = write!(
            s,
            "```rust,no_run\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{body}    Ok(())\n}}\n```\n\n"
        );
    }
    let _ = write!(
        s,
        "Offline: the `mitra` CLI's sandbox emulates {} on 127.0.0.1 (`mitra sandbox`), and the\n\
         `mock` feature brings typed mocks of every operation for your own tests.\n\n",
        v.title
    );
    features_section(&mut s, m);
    closing(&mut s, m);
    Ok(s)
}

fn other_readme(root: &Path, krate: &str, m: &Manifest) -> Result<String> {
    let mut s = header(&format!(
        "the vendor registry (xtask/src/vendors.rs) and `crates/{krate}`"
    ));
    let _ = write!(
        s,
        "# {krate}\n\n{}\n\n\
         Part of [mitra]({}): typed Rust clients for the HTTP APIs of Indonesian vendors.\n\n",
        m.description, m.repository
    );
    let vendor_table = |s: &mut String| {
        s.push_str("| vendor | crate | what it covers |\n|---|---|---|\n");
        for v in VENDORS {
            let _ = writeln!(
                s,
                "| {} | [`{}`](https://crates.io/crates/{}) | {} |",
                v.title,
                v.krate(),
                v.krate(),
                v.about
            );
        }
        s.push('\n');
    };
    match krate {
        "mitra" => {
            s.push_str("## What it covers\n\nEach vendor is a crate of its own, re-exported here behind a feature named after it:\n\n");
            vendor_table(&mut s);
            s.push_str("## Auth\n\nEach vendor's own (see its crate); every client reads its credentials from the environment\nwith `Client::from_env()` or takes them in code with `Client::builder()`.\n\n");
            let _ = write!(
                s,
                "## Quick start\n\n```toml\n[dependencies]\nmitra = {{ version = \"{}\", default-features = false, features = [\"{}\"] }}\n```\n\n",
                m.requirement, VENDORS[0].name
            );
        }
        "mitra-cli" => {
            s.push_str("## What it covers\n\nEvery operation of every vendor, as `mitra <vendor> <operation> [--field value ...]`:\n\n");
            s.push_str("| vendor | subcommand | environment |\n|---|---|---|\n");
            for v in VENDORS {
                let _ = writeln!(
                    s,
                    "| {} | `mitra {}` | `{}_*` |",
                    v.title, v.cli, v.env_prefix
                );
            }
            s.push_str(
                "\n## Auth\n\nThe credentials come from each vendor's environment variables; `--sandbox` needs none.\n\n\
                 ## Quick start\n\n```sh\ncargo install mitra-cli\nmitra --sandbox pos get-city --province-code 32 --city-name bandung\nmitra pos --help\n```\n\n",
            );
        }
        "mitra-sandbox" => {
            s.push_str("## What it covers\n\nOne server on 127.0.0.1, each vendor under its own path prefix:\n\n| vendor | prefix |\n|---|---|\n");
            for v in VENDORS {
                let _ = writeln!(s, "| {} | `{}` |", v.title, v.sandbox_prefix);
            }
            s.push_str("\n## Auth\n\nEach emulator checks credentials the way its vendor does; the values are in\n`mitra_sandbox::credentials`.\n\n");
            let _ = write!(
                s,
                "## Quick start\n\n```toml\n[dev-dependencies]\nmitra-sandbox = \"{}\"\n```\n\n",
                m.requirement
            );
            if let Some(code) = quick_start(root, &format!("crates/{krate}"))? {
                let _ = write!(s, "```rust,ignore\n{code}```\n\n");
            }
        }
        "mitra-spec" => {
            s.push_str("## What it covers\n\nThe strict checks behind `cargo xtask generate` (every example of a spec against its\nschema) and `mitra verify` (live answers against the spec): fields the spec lacks,\nrequired fields missing, JSON types (numbers as strings and back), enums, `date` and\n`date-time` formats, patterns, each reported at its JSON pointer.\n\n## Auth\n\nNone: it reads specs and JSON values only.\n\n");
            let _ = write!(
                s,
                "## Quick start\n\n```toml\n[dependencies]\nmitra-spec = \"{}\"\n```\n\n",
                m.requirement
            );
        }
        _ => {
            s.push_str("## What it covers\n\nThe runtime every vendor crate stands on:\n\n");
            vendor_table(&mut s);
            s.push_str("## Auth\n\nCredentials are kept in `secrecy` types and never logged; OAuth2 client-credentials tokens\nare fetched lazily, cached, refreshed early and shared between concurrent callers.\n\n");
            let _ = write!(
                s,
                "## Quick start\n\nYou rarely depend on it alone: a vendor crate re-exports what you need (`Error`, `Result`).\n\n```toml\n[dependencies]\nmitra-core = \"{}\"\n```\n\n",
                m.requirement
            );
        }
    }
    features_section(&mut s, m);
    closing(&mut s, m);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code blocks of doc comments (`///`, `//!`) or of Markdown.
    fn code_blocks(text: &str, markdown: bool) -> Vec<String> {
        let mut blocks = Vec::new();
        let mut open: Option<String> = None;
        for line in text.lines() {
            let line = line.trim_start();
            let doc = if markdown {
                Some(line)
            } else {
                line.strip_prefix("///")
                    .or_else(|| line.strip_prefix("//!"))
            };
            let Some(doc) = doc.map(str::trim_start) else {
                continue;
            };
            if doc.starts_with("```") {
                match open.take() {
                    Some(block) => blocks.push(block),
                    None => open = Some(String::new()),
                }
            } else if let Some(block) = open.as_mut() {
                block.push_str(doc);
                block.push('\n');
            }
        }
        blocks
    }

    #[test]
    fn vendor_examples_use_the_vendor_crates_own_paths() {
        // A user depends on one vendor crate: `mitra_core::` in an example
        // would not compile for them (the vendor crate re-exports it all).
        let root = crate::workspace_root();
        let mut checked = 0;
        for v in VENDORS {
            let dir = root.join("crates").join(v.krate());
            let mut files = vec![(dir.join("README.md"), true)];
            for entry in std::fs::read_dir(dir.join("src")).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(".rs") && name != "generated.rs" && name != "mock.rs" {
                    files.push((path, false));
                }
            }
            for (path, markdown) in files {
                let text = std::fs::read_to_string(&path).unwrap();
                for block in code_blocks(&text, markdown) {
                    assert!(
                        !block.contains("mitra_core"),
                        "{}: an example uses mitra_core:\n{block}",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 10, "only {checked} examples found");
    }

    #[test]
    fn features_keep_their_doc_comments() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = []\n## One\n## line.\nmock = [\"dep:a\"]\nbare = []\n\n[dependencies]\na = \"1\"\n";
        assert_eq!(
            features(manifest),
            vec![
                ("mock".to_owned(), "One line.".to_owned()),
                ("bare".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn every_published_crate_gets_a_readme_and_both_licenses() {
        let root = crate::workspace_root();
        let files = files(&root).unwrap();
        for krate in published() {
            for name in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
                let path = format!("crates/{krate}/{name}");
                assert!(files.iter().any(|(p, _)| *p == path), "{path}");
            }
        }
        let (_, fastrac) = files
            .iter()
            .find(|(p, _)| p == "crates/mitra-fastrac/README.md")
            .unwrap();
        for needle in [
            "track_order",
            "## Auth",
            "## Quick start",
            "`mock`",
            "CHANGELOG.md",
        ] {
            assert!(fastrac.contains(needle), "{needle} missing:\n{fastrac}");
        }
    }
}
