//! Writing what is generated: each file written, or in check mode compared
//! with what is checked in (a diff when it is stale), as rustfmt leaves it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// What happened to one vendor's generated file.
pub enum Outcome {
    /// The file already held exactly what the spec produces.
    Unchanged,
    /// The file was (re)written.
    Written,
    /// Check mode: the file differs; carries a unified diff (checked-in -> expected).
    Stale(String),
}

impl Outcome {
    /// The outcome of two files together: stale if either is (both diffs),
    /// written if either was.
    pub fn and(self, other: Outcome) -> Outcome {
        match (self, other) {
            (Outcome::Stale(a), Outcome::Stale(b)) => Outcome::Stale(format!("{a}\n{b}")),
            (Outcome::Stale(a), _) | (_, Outcome::Stale(a)) => Outcome::Stale(a),
            (Outcome::Written, _) | (_, Outcome::Written) => Outcome::Written,
            _ => Outcome::Unchanged,
        }
    }
}

/// Writes `expected` to `out_rel`, or in check mode compares them and gives
/// a diff (`source` names what the file is made from).
pub fn write_or_check(
    root: &Path,
    out_rel: &str,
    source: &str,
    expected: String,
    check: bool,
) -> Result<Outcome> {
    let out_path = root.join(out_rel);
    let current = std::fs::read_to_string(&out_path).unwrap_or_default();
    if current == expected {
        return Ok(Outcome::Unchanged);
    }
    if check {
        let diff = similar::TextDiff::from_lines(&current, &expected)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{out_rel} (checked in)"),
                &format!("{out_rel} (from {source})"),
            )
            .to_string();
        return Ok(Outcome::Stale(diff));
    }
    if let Some(dir) = out_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&out_path, expected).with_context(|| format!("writing {out_rel}"))?;
    Ok(Outcome::Written)
}

/// `code` as `rustfmt` (edition 2024) leaves it, so that generated files and
/// `cargo fmt` never disagree.
pub fn rustfmt(code: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(code.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}
