//! The wire review snapshots, `crates/mitra-<name>/snapshots/wire/<operationId>.snap`:
//! every operation's example request as the real client sends it. Only a
//! built client can make them, so generation runs the test that does
//! (`crates/mitra-cli/tests/wire_examples.rs`) after writing the code: it
//! rewrites them (`INSTA_UPDATE=always`), or in check mode fails on the first
//! one that differs (`INSTA_UPDATE=no`). A snapshot of an operation the
//! spec no longer has is deleted, or in check mode reported.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::output::Outcome;
use crate::vendors::VENDORS;

/// The folder of a vendor's wire snapshots.
fn folder(krate: &str) -> String {
    format!("crates/{krate}/snapshots/wire")
}

/// The operations a caller can call (the token endpoints are the token
/// source's): the ones with a wire snapshot.
fn operation_ids(root: &Path, name: &str) -> Result<Vec<String>> {
    let rel = format!("specs/{name}.yaml");
    let parsed = crate::specs::load(root, &rel)?;
    let spec = &parsed.json;
    let mut ids = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
    {
        for op in item.as_object().into_iter().flatten().map(|(_, v)| v) {
            if let Some(id) = op["operationId"].as_str()
                && op["x-mitra-token-endpoint"] != true
            {
                ids.push(id.to_owned());
            }
        }
    }
    Ok(ids)
}

/// Writes (or checks) every vendor's wire snapshots.
pub fn snapshots(root: &Path, check: bool) -> Result<Vec<(String, Outcome)>> {
    let mut out = Vec::new();
    for vendor in VENDORS {
        let dir = folder(&vendor.krate());
        let ids = operation_ids(root, vendor.name)?;
        for entry in std::fs::read_dir(root.join(&dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".snap") else {
                continue;
            };
            if ids.iter().any(|i| i == id) {
                continue;
            }
            let rel = format!("{dir}/{name}");
            if check {
                out.push((
                    rel,
                    Outcome::Stale("the snapshot of an operation the spec no longer has".into()),
                ));
            } else {
                std::fs::remove_file(entry.path()).with_context(|| format!("removing {rel}"))?;
                out.push((rel, Outcome::Written));
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-q", "-p", "mitra-cli", "--test", "wire_examples"])
        .env("INSTA_UPDATE", if check { "no" } else { "always" })
        .env_remove("INSTA_FORCE_PASS")
        .output()
        .context("running the wire snapshot test")?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let what = "crates/mitra-cli/tests/wire_examples.rs".to_owned();
    match (output.status.success(), check) {
        (true, _) => out.push((what, Outcome::Unchanged)),
        (false, true) => out.push((
            what,
            Outcome::Stale(format!(
                "{log}\nA wire snapshot differs: `cargo xtask generate` rewrites them \
                 (review with `git diff crates/*/snapshots`), or \
                 `INSTA_FORCE_PASS=1 cargo test -p mitra-cli --test wire_examples` then \
                 `cargo insta review`."
            )),
        )),
        (false, false) => bail!("the wire snapshot test failed:\n{log}"),
    }
    for line in log.lines().filter(|l| l.starts_with("updated snapshot")) {
        println!("{line}");
    }
    Ok(out)
}
