//! Crate versions, read from and written to the manifests (with toml_edit,
//! so comments and layout stay), and the workspace's dependency table kept
//! in step with them.

use std::path::Path;

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, value};

fn read(root: &Path, rel: &str) -> Result<DocumentMut> {
    std::fs::read_to_string(root.join(rel))
        .with_context(|| format!("reading {rel}"))?
        .parse()
        .with_context(|| format!("parsing {rel}"))
}

/// A crate's version: its own, or the workspace's when it inherits it.
pub fn of(root: &Path, krate: &str) -> Result<semver::Version> {
    let rel = format!("crates/{krate}/Cargo.toml");
    let manifest = read(root, &rel)?;
    let text = match manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
    {
        Some(v) => v.to_owned(),
        None => read(root, "Cargo.toml")?["workspace"]["package"]["version"]
            .as_str()
            .context("Cargo.toml: no workspace.package.version")?
            .to_owned(),
    };
    text.parse()
        .with_context(|| format!("{rel}: version {text:?}"))
}

/// Sets a crate's own version, and the version of its entry in the
/// workspace's dependency table if it has one.
pub fn set(root: &Path, krate: &str, version: &semver::Version) -> Result<()> {
    let rel = format!("crates/{krate}/Cargo.toml");
    let mut manifest = read(root, &rel)?;
    if manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .is_none()
    {
        bail!("{rel}: inherits the workspace's version; give it its own to release it alone");
    }
    manifest["package"]["version"] = value(version.to_string());
    std::fs::write(root.join(&rel), manifest.to_string())
        .with_context(|| format!("writing {rel}"))?;

    let mut workspace = read(root, "Cargo.toml")?;
    if let Some(dep) = workspace["workspace"]["dependencies"]
        .get_mut(krate)
        .and_then(|d| d.as_inline_table_mut())
        && dep.contains_key("version")
    {
        dep.insert("version", version.to_string().into());
        std::fs::write(root.join("Cargo.toml"), workspace.to_string())
            .context("writing Cargo.toml")?;
    }
    Ok(())
}

/// Fails when a workspace crate's entry in `[workspace.dependencies]` names
/// another version than the crate has (a published dependent would then ask
/// crates.io for a version that is not the one it was built with).
pub fn check_in_step(root: &Path) -> Result<()> {
    let workspace = read(root, "Cargo.toml")?;
    let mut wrong = Vec::new();
    for (name, dep) in workspace["workspace"]["dependencies"]
        .as_table()
        .context("Cargo.toml: no [workspace.dependencies]")?
        .iter()
    {
        let (Some(_), Some(version)) =
            (dep.get("path"), dep.get("version").and_then(|v| v.as_str()))
        else {
            continue;
        };
        let own = of(root, name)?;
        if version != own.to_string() {
            wrong.push(format!(
                "{name}: {version} in Cargo.toml, {own} in its manifest"
            ));
        }
    }
    if !wrong.is_empty() {
        bail!(
            "[workspace.dependencies] out of step with the crates:\n  {}",
            wrong.join("\n  ")
        );
    }
    Ok(())
}
