//! `cargo xtask diff [BASE]`: every vendor's spec changes since a git
//! revision, classified on the wire and in Rust (see `spec_diff`), as
//! Markdown for a pull request or as JSON lines for tools.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::spec_diff::{Bump, Change, Wire, compare};
use crate::vendors::{VENDORS, Vendor};

/// One vendor's changes.
pub struct VendorChanges {
    /// The vendor.
    pub vendor: &'static Vendor,
    /// Its changes, in the order found.
    pub changes: Vec<Change>,
}

impl VendorChanges {
    /// The largest Rust change (patch when there is none).
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.rust)
            .max()
            .unwrap_or(Bump::Patch)
    }

    /// Whether any change breaks clients on the wire.
    pub fn wire_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.wire == Wire::Breaking)
    }
}

/// Runs `git` in `root` and returns its standard output.
pub fn git(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout).context("git printed something that is not UTF-8")
}

/// The default base: where this branch left `main`.
pub fn default_base(root: &Path) -> Result<String> {
    Ok(git(root, &["merge-base", "HEAD", "main"])?
        .trim()
        .to_owned())
}

/// Parses a spec's text (YAML).
pub fn parse(text: &str, what: &str) -> Result<Value> {
    serde_yaml::from_str(text).with_context(|| format!("parsing {what}"))
}

/// One vendor's changes from the spec text `old` to the working tree's.
pub fn vendor_changes(
    root: &Path,
    vendor: &'static Vendor,
    old: Option<&str>,
) -> Result<VendorChanges> {
    let rel = format!("specs/{}.yaml", vendor.name);
    let new = parse(
        &std::fs::read_to_string(root.join(&rel)).with_context(|| format!("reading {rel}"))?,
        &rel,
    )?;
    // A vendor new since the base: everything in it is added.
    let old = match old {
        Some(text) => parse(text, &format!("{rel} at the base"))?,
        None => json!({}),
    };
    let replaced: Vec<&str> = vendor
        .replacements
        .iter()
        .map(|(schema, _)| *schema)
        .collect();
    Ok(VendorChanges {
        vendor,
        changes: compare(&old, &new, &replaced),
    })
}

/// Every vendor's changes since `base` (a git revision).
pub fn since(root: &Path, base: &str) -> Result<Vec<VendorChanges>> {
    VENDORS
        .iter()
        .map(|v| {
            let old = git(root, &["show", &format!("{base}:specs/{}.yaml", v.name)]).ok();
            vendor_changes(root, v, old.as_deref())
        })
        .collect()
}

/// One JSON object per change and line.
pub fn json_lines(all: &[VendorChanges]) -> String {
    let mut s = String::new();
    for vc in all {
        for c in &vc.changes {
            // Written key by key: the keys in the documented order.
            let fields = [
                ("vendor", vc.vendor.name),
                ("change", c.change.as_str()),
                ("location", c.location.as_str()),
                ("wire", c.wire.as_str()),
                ("rust", c.rust.as_str()),
            ];
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}:{}", json!(k), json!(v)))
                .collect();
            let _ = writeln!(s, "{{{}}}", body.join(","));
        }
    }
    s
}

/// The table of one vendor's changes (Markdown), as `release` also writes it.
pub fn table(changes: &[Change]) -> String {
    let mut s = String::from("| change | location | wire | rust |\n|---|---|---|---|\n");
    for c in changes {
        let wire = match c.wire {
            Wire::Breaking => "**breaking**",
            Wire::Compatible => "compatible",
        };
        let _ = writeln!(
            s,
            "| {} | `{}` | {wire} | {} |",
            c.change.replace('|', "\\|"),
            c.location.replace('|', "\\|"),
            c.rust
        );
    }
    s
}

/// Markdown for a pull request's description.
pub fn markdown(root: &Path, base: &str, all: &[VendorChanges]) -> String {
    let short = &base[..base.len().min(12)];
    let mut s = format!("## Spec changes since `{short}`\n\n");
    let unchanged: Vec<&str> = all
        .iter()
        .filter(|vc| vc.changes.is_empty())
        .map(|vc| vc.vendor.title)
        .collect();
    for vc in all.iter().filter(|vc| !vc.changes.is_empty()) {
        let krate = vc.vendor.krate();
        let bump = vc.bump();
        let next = crate::versions::of(root, &krate)
            .map(|v| format!(" ({v} → {})", bump.apply(&v)))
            .unwrap_or_default();
        let _ = write!(
            s,
            "### {} (`{krate}`)\n\n{} change(s); on the wire: {}; release: **{bump}**{next}.\n\n{}\n",
            vc.vendor.title,
            vc.changes.len(),
            if vc.wire_breaking() {
                "**breaking** for clients built before"
            } else {
                "compatible"
            },
            table(&vc.changes),
        );
    }
    if !unchanged.is_empty() {
        let _ = writeln!(s, "No spec change: {}.", unchanged.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_carry_the_five_keys() {
        let vc = VendorChanges {
            vendor: &VENDORS[0],
            changes: vec![Change {
                change: "operation added".into(),
                location: "getX (GET /x)".into(),
                wire: Wire::Compatible,
                rust: Bump::Minor,
            }],
        };
        let out = json_lines(&[vc]);
        assert!(out.starts_with(r#"{"vendor":"#), "{out}");
        let line: Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(
            line,
            json!({"vendor": VENDORS[0].name, "change": "operation added",
                   "location": "getX (GET /x)", "wire": "compatible", "rust": "minor"})
        );
    }

    #[test]
    fn the_working_tree_against_itself_has_no_change() {
        let root = crate::workspace_root();
        for v in VENDORS {
            let text =
                std::fs::read_to_string(root.join(format!("specs/{}.yaml", v.name))).unwrap();
            let vc = vendor_changes(&root, v, Some(&text)).unwrap();
            assert!(vc.changes.is_empty(), "{}: {:?}", v.name, vc.changes);
        }
    }
}
