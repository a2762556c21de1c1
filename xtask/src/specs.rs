//! Each spec parsed once per run of `cargo xtask`: every generator
//! (client, fuzzing entry, READMEs, sandbox table, wire snapshots, personal
//! data table) takes the same parsed copy.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Context, Result};

/// One spec, parsed.
pub struct Parsed {
    /// As written.
    pub text: String,
    /// As YAML (keys in their order, for the operations' order).
    pub yaml: serde_yaml::Value,
    /// As JSON, what most generators read.
    pub json: serde_json::Value,
}

impl Parsed {
    /// `text` parsed once: YAML, then JSON from it (no second parse).
    pub fn from_text(rel: &str, text: String) -> Result<Self> {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(&text).with_context(|| format!("parsing {rel}"))?;
        let json = serde_json::to_value(&yaml).with_context(|| format!("{rel} as JSON"))?;
        Ok(Self { text, yaml, json })
    }

    /// The spec as `openapiv3` types, from the YAML value (which keeps the
    /// spec's order of paths and properties; JSON objects here are sorted).
    pub fn openapi(&self, rel: &str) -> Result<openapiv3::OpenAPI> {
        serde_yaml::from_value(self.yaml.clone())
            .with_context(|| format!("reading {rel} as OpenAPI"))
    }
}

/// `rel` (`specs/<name>.yaml`) under `root`, parsed at its first use in
/// this run, and again only if its text has changed since (tests and
/// `release` edit specs in place).
pub fn load(root: &Path, rel: &str) -> Result<Arc<Parsed>> {
    static CACHE: OnceLock<Mutex<HashMap<std::path::PathBuf, Arc<Parsed>>>> = OnceLock::new();
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {rel}"))?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(parsed) = cache.lock().expect("not poisoned").get(&path)
        && parsed.text == text
    {
        return Ok(parsed.clone());
    }
    let parsed = Arc::new(Parsed::from_text(rel, text)?);
    cache
        .lock()
        .expect("not poisoned")
        .insert(path, parsed.clone());
    Ok(parsed)
}
