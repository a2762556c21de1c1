//! `cargo xtask release <vendor>`: one vendor crate released on its own.
//!
//! The base is the spec of the crate's last release, recorded as a git blob
//! id in its manifest (`[package.metadata.mitra] released-spec`): the
//! changes since then (`spec_diff`) decide the bump, and become the
//! changelog entry. The facade (`mitra`) re-exports the crate, so it takes
//! the same bump, a new dependency version and an entry of its own.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::diff::{VendorChanges, git, vendor_changes};
use crate::spec_diff::{Bump, Change, Wire};
use crate::vendors::VENDORS;

/// What a release did.
pub struct Released {
    /// The vendor crate.
    pub krate: String,
    /// Its version before and after.
    pub from: semver::Version,
    /// Its new version.
    pub to: semver::Version,
    /// The facade's version before and after.
    pub facade: (semver::Version, semver::Version),
    /// The largest Rust change.
    pub bump: Bump,
}

/// Releases `vendor` in the workspace at `root`, dated `date` (YYYY-MM-DD).
pub fn release(root: &Path, vendor: &str, date: &str) -> Result<Released> {
    let v = VENDORS
        .iter()
        .find(|v| v.name == vendor)
        .with_context(|| format!("no vendor {vendor:?} in the registry"))?;
    let krate = v.krate();
    let manifest_rel = format!("crates/{krate}/Cargo.toml");
    let blob = released_spec(root, &manifest_rel)?;
    let old = git(root, &["cat-file", "blob", &blob]).with_context(|| {
        format!("the spec of the last release ({blob}) is not in this repository")
    })?;
    let changes = vendor_changes(root, v, Some(&old))?;
    if changes.changes.is_empty() {
        bail!("{krate}: no spec change since its last release; nothing to classify");
    }
    let bump = changes.bump();
    let from = crate::versions::of(root, &krate)?;
    let to = bump.apply(&from);
    crate::versions::set(root, &krate, &to)?;

    // The new base: the spec as released (written to git's store, so that it
    // is found even before the release is committed).
    let spec_rel = format!("specs/{}.yaml", v.name);
    let blob = git(root, &["hash-object", "-w", &spec_rel])?
        .trim()
        .to_owned();
    set_released_spec(root, &manifest_rel, &blob)?;
    add_entry(
        root,
        &format!("crates/{krate}/CHANGELOG.md"),
        &to,
        date,
        &vendor_entry(&changes),
    )?;

    let facade_from = crate::versions::of(root, "mitra")?;
    let facade_to = bump.apply(&facade_from);
    crate::versions::set(root, "mitra", &facade_to)?;
    add_entry(
        root,
        "crates/mitra/CHANGELOG.md",
        &facade_to,
        date,
        &format!(
            "### Changed\n\n- `{krate}` {from} → {to} (feature `{}`), a {bump} change: see its\n  [changelog](../{krate}/CHANGELOG.md).\n",
            v.name
        ),
    )?;

    // READMEs quote the versions; the facade's manifest is regenerated with its own.
    crate::registry::generate(root, false)?;
    crate::packaging::generate(root, false)?;
    Ok(Released {
        krate,
        from,
        to,
        facade: (facade_from, facade_to),
        bump,
    })
}

fn read_manifest(root: &Path, rel: &str) -> Result<toml_edit::DocumentMut> {
    std::fs::read_to_string(root.join(rel))
        .with_context(|| format!("reading {rel}"))?
        .parse()
        .with_context(|| format!("parsing {rel}"))
}

/// The git blob id of the spec of the crate's last release.
pub fn released_spec(root: &Path, manifest_rel: &str) -> Result<String> {
    let doc = read_manifest(root, manifest_rel)?;
    doc.get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("mitra"))
        .and_then(|m| m.get("released-spec"))
        .and_then(|r| r.as_str())
        .map(str::to_owned)
        .with_context(|| format!("{manifest_rel}: no [package.metadata.mitra] released-spec"))
}

fn set_released_spec(root: &Path, manifest_rel: &str, blob: &str) -> Result<()> {
    let mut doc = read_manifest(root, manifest_rel)?;
    doc["package"]["metadata"]["mitra"]["released-spec"] = toml_edit::value(blob);
    std::fs::write(root.join(manifest_rel), doc.to_string())
        .with_context(|| format!("writing {manifest_rel}"))
}

/// The Keep a Changelog sections for a vendor's spec changes.
fn vendor_entry(vc: &VendorChanges) -> String {
    let mut groups: [(&str, Vec<&Change>); 3] =
        [("Added", vec![]), ("Changed", vec![]), ("Removed", vec![])];
    for c in &vc.changes {
        let group = if c.change.contains(" added") || c.change.ends_with(" accepted") {
            0
        } else if c.change.contains(" removed") || c.change.contains("no longer") {
            2
        } else {
            1
        };
        groups[group].1.push(c);
    }
    let mut s = String::new();
    if vc.wire_breaking() {
        s.push_str(
            "Breaking on the wire: clients before this release no longer match what the\n\
             vendor documents (marked **breaking** below); upgrade.\n\n",
        );
    }
    for (title, changes) in groups {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {title}\n");
        for c in changes {
            let wire = match c.wire {
                Wire::Breaking => "**breaking** on the wire",
                Wire::Compatible => "compatible on the wire",
            };
            let _ = writeln!(
                s,
                "- {} ({wire}; {} in Rust)",
                in_users_words(&c.change, &c.location),
                c.rust
            );
        }
        s.push('\n');
    }
    s
}

/// A change as a user of the crate reads it: the method they call (not the
/// spec's operation id), then what changed, and where inside the request or
/// answer when it is deeper than the field named (schema names, which users
/// rarely write, are left out).
///
/// `createOrderExpress request: OrderExpressRequest` with `request field
/// `item` added, required` → `` `create_order_express`: request field `item`
/// added, required ``.
fn in_users_words(change: &str, location: &str) -> String {
    use heck::ToSnakeCase;
    let (operation, rest) = location.split_once(' ').unwrap_or((location, ""));
    let method = operation.to_snake_case();
    if let Some(endpoint) = rest.strip_prefix('(') {
        // An operation added or removed: `(GET /path)`.
        let endpoint = endpoint.trim_end_matches(')');
        return format!("`{method}` (`{endpoint}`): {change}");
    }
    // `request: Type.a.b` / `response: Type` / `query parameter `x``.
    let place = rest.split_once(": ").map_or("", |(_, place)| place);
    let inner = place.split_once('.').map(|(_, path)| path);
    match inner {
        Some(path) if !change.contains(&format!("`{path}`")) => {
            format!("`{method}`: {change}, at `{path}`")
        }
        _ => format!("`{method}`: {change}"),
    }
}

/// Puts a release section under `## [Unreleased]`, taking along what was
/// written there by hand.
fn add_entry(
    root: &Path,
    rel: &str,
    version: &semver::Version,
    date: &str,
    body: &str,
) -> Result<()> {
    let text = std::fs::read_to_string(root.join(rel)).with_context(|| format!("reading {rel}"))?;
    let marker = "## [Unreleased]\n";
    let start = text
        .find(marker)
        .with_context(|| format!("{rel}: no `## [Unreleased]` section"))?
        + marker.len();
    let end = text[start..]
        .find("\n## [")
        .map_or(text.len(), |i| start + i + 1);
    let by_hand = text[start..end].trim();
    let mut section = format!("\n## [{version}] - {date}\n\n");
    if !by_hand.is_empty() {
        let _ = write!(section, "{by_hand}\n\n");
    }
    section.push_str(body.trim_end());
    section.push_str("\n\n");
    let out = format!("{}{section}{}", &text[..start], &text[end..]);
    std::fs::write(root.join(rel), out).with_context(|| format!("writing {rel}"))
}

/// Today (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A sample change to Fastrac's spec, as a vendor's docs update makes one:
/// a response field renamed, a required request field added, an operation
/// added, an optional response field added.
#[cfg(test)]
pub fn fastrac_sample_change(spec: &str) -> String {
    let tracking = "    Tracking:\n      type: object\n      properties:\n        awb:\n          type: string\n        shipper_name:\n";
    assert!(spec.contains(tracking), "Fastrac's Tracking schema moved");
    let spec = spec.replace(
        tracking,
        "    Tracking:\n      type: object\n      properties:\n        awb:\n          type: string\n        estimated_delivery:\n          type: string\n        sender_name:\n",
    );
    let request = "    TrackOrderRequest:\n      type: object\n      required: [courier_code, awb]\n      properties:\n";
    assert!(spec.contains(request), "Fastrac's TrackOrderRequest moved");
    let spec = spec.replace(
        request,
        "    TrackOrderRequest:\n      type: object\n      required: [courier_code, awb, phone]\n      properties:\n        phone:\n          type: string\n",
    );
    let anchor = "  /user/balance/history:\n";
    assert!(spec.contains(anchor));
    spec.replace(
        anchor,
        "  /order/detail:\n    get:\n      tags: [order]\n      operationId: getOrderDetail\n      summary: One order\n      x-mitra-source: assumption\n      x-mitra-assumption: a sample\n      parameters:\n        - {name: awb, in: query, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: The order.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/TrackOrderEnvelope'\n  /user/balance/history:\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of what a release reads and writes, in a git repository of its own.
    fn workspace_copy() -> tempfile::TempDir {
        let root = crate::workspace_root();
        let dir = tempfile::tempdir().unwrap();
        let copy = |rel: &str| {
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(rel), to).unwrap();
        };
        for rel in [
            "Cargo.toml",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "rustfmt.toml",
        ] {
            copy(rel);
        }
        for v in VENDORS {
            copy(&format!("specs/{}.yaml", v.name));
        }
        for krate in crate::packaging::published()
            .into_iter()
            .chain(["mitra-testkit".into()])
        {
            for file in ["Cargo.toml", "CHANGELOG.md", "src/lib.rs"] {
                let rel = format!("crates/{krate}/{file}");
                if root.join(&rel).exists() {
                    copy(&rel);
                }
            }
        }
        let git = |args: &[&str]| crate::diff::git(dir.path(), args).unwrap();
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "base",
        ]);
        // The copy's releases are its own commits' specs.
        for v in VENDORS {
            let blob = git(&["rev-parse", &format!("HEAD:specs/{}.yaml", v.name)]);
            set_released_spec(
                dir.path(),
                &format!("crates/{}/Cargo.toml", v.krate()),
                blob.trim(),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn release_fastrac_bumps_only_fastrac_and_the_facade() {
        let dir = workspace_copy();
        let root = dir.path();
        let spec = root.join("specs/fastrac.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(&spec, fastrac_sample_change(&text)).unwrap();

        // The versions as they are now: the test follows the crates'
        // releases instead of pinning today's.
        let version = |k: &str| crate::versions::of(root, k).unwrap().to_string();
        let others = [
            "mitra-core",
            "mitra-pos-indonesia",
            "mitra-elkassa",
            "mitra-pafi",
            "mitra-sempoa",
        ];
        let before: Vec<String> = others.iter().map(|k| version(k)).collect();
        let (fastrac, facade) = (version("mitra-fastrac"), version("mitra"));
        // Before 1.0, a major change bumps the minor version.
        let next_minor = |v: &str| {
            let minor: u64 = v.split('.').nth(1).unwrap().parse().unwrap();
            format!("0.{}.0", minor + 1)
        };
        let (fastrac_next, facade_next) = (next_minor(&fastrac), next_minor(&facade));

        let done = release(root, "fastrac", "2026-11-25").unwrap();
        assert_eq!(done.bump, Bump::Major);
        assert_eq!(
            (done.from.to_string(), done.to.to_string()),
            (fastrac.clone(), fastrac_next.clone())
        );
        assert_eq!(version("mitra-fastrac"), fastrac_next);
        assert_eq!(version("mitra"), facade_next);
        for (other, was) in others.iter().zip(&before) {
            assert_eq!(&version(other), was, "{other}");
        }
        crate::versions::check_in_step(root).unwrap();
        let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(workspace.contains(&format!(
            r#"mitra-fastrac = {{ path = "crates/mitra-fastrac", version = "{fastrac_next}" }}"#
        )));

        let changelog =
            std::fs::read_to_string(root.join("crates/mitra-fastrac/CHANGELOG.md")).unwrap();
        let entry = &changelog[changelog
            .find(&format!("## [{fastrac_next}] - 2026-11-25"))
            .unwrap()..];
        assert!(entry.find(&format!("## [{fastrac}]")).unwrap() > 0);
        for line in [
            "response field `shipper_name` renamed to `sender_name`",
            "request field `phone` added, required",
            "`get_order_detail` (`GET /order/detail`): operation added",
            "response field `estimated_delivery` added, optional",
        ] {
            assert!(entry.contains(line), "{line} missing:\n{entry}");
        }
        let notes = std::fs::read_to_string(root.join("crates/mitra/CHANGELOG.md")).unwrap();
        assert!(
            notes.contains(&format!("## [{facade_next}] - 2026-11-25")),
            "{notes}"
        );
        assert!(
            notes.contains(&format!("`mitra-fastrac` {fastrac} → {fastrac_next}")),
            "{notes}"
        );
        let readme = std::fs::read_to_string(root.join("crates/mitra-fastrac/README.md")).unwrap();
        let short = fastrac_next.trim_end_matches(".0");
        assert!(
            readme.contains(&format!("mitra-fastrac = \"{short}\"")),
            "{readme}"
        );

        // The next release diffs against this one: nothing left to release.
        let again = release(root, "fastrac", "2026-11-26");
        assert!(again.is_err());
    }

    #[test]
    fn entries_take_what_was_written_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("CHANGELOG.md"),
            "# Changelog\n\n## [Unreleased]\n\n- a fix by hand\n\n## [0.1.0] - 2026-01-01\n\n- first\n",
        )
        .unwrap();
        add_entry(
            dir.path(),
            "CHANGELOG.md",
            &semver::Version::new(0, 1, 1),
            "2026-02-02",
            "### Changed\n\n- x\n",
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap(),
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.1] - 2026-02-02\n\n- a fix by hand\n\n### Changed\n\n- x\n\n## [0.1.0] - 2026-01-01\n\n- first\n"
        );
    }

    #[test]
    fn changes_are_told_by_the_method_a_user_calls() {
        assert_eq!(
            in_users_words(
                "request field `item` added, required",
                "createOrderExpress request: OrderExpressRequest"
            ),
            "`create_order_express`: request field `item` added, required"
        );
        assert_eq!(
            in_users_words(
                "enum value \"days\" added",
                "getCourierService response: CourierService.etd_unit"
            ),
            "`get_courier_service`: enum value \"days\" added, at `etd_unit`"
        );
        assert_eq!(
            in_users_words("operation added", "getSaldoAkun (GET /akun/{kode}/saldo)"),
            "`get_saldo_akun` (`GET /akun/{kode}/saldo`): operation added"
        );
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
    }
}
