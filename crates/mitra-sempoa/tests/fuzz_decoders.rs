//! Fuzzing the decoders with proptest: arbitrary bytes, and mutations of the
//! vendor's real example bodies (the spec's examples and the fixtures), fed
//! to every response decoder and error parser. Nothing may panic.
//!
//! CI runs 256 cases of each; a longer run:
//! `PROPTEST_CASES=100000 cargo test --release -p mitra-sempoa --test fuzz_decoders`

use proptest::prelude::*;
use serde_json::Value;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Every example body of the spec, and every fixture file (read once).
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<Vec<u8>> {
    fn walk(node: &Value, out: &mut Vec<Vec<u8>>) {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("example", v) => out.push(example_bytes(v)),
                        ("value", v) => out.push(example_bytes(v)),
                        ("x-mitra-raw-example", Value::String(s)) => {
                            out.push(s.clone().into_bytes())
                        }
                        _ => walk(value, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    fn example_bytes(v: &Value) -> Vec<u8> {
        match v {
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        }
    }
    let dir = env!("CARGO_MANIFEST_DIR");
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(format!("{dir}/../../specs/sempoa.yaml")).unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    walk(&spec["paths"], &mut out);
    walk(&spec["components"], &mut out);
    for sub in [
        "tests/fixtures",
        "tests/fixtures/posindonesia",
        "tests/fixtures/wso2",
    ] {
        if let Ok(entries) = std::fs::read_dir(format!("{dir}/{sub}")) {
            for entry in entries.flatten() {
                if entry.path().extension().is_some_and(|e| e != "md") && entry.path().is_file() {
                    out.push(std::fs::read(entry.path()).unwrap());
                }
            }
        }
    }
    assert!(out.len() >= 5, "seeds found: {}", out.len());
    out
}

const STATUSES: [u16; 11] = [200, 201, 400, 401, 403, 404, 422, 429, 500, 502, 503];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        mitra_sempoa::fuzzing::decode(status, &body);
    }

    #[test]
    fn mutated_examples_never_panic(
        status in proptest::sample::select(STATUSES.to_vec()),
        seed in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let seeds = seeds();
        let mut body = seed.get(seeds).clone();
        if !body.is_empty() {
            for (at, byte) in edits {
                let i = at.index(body.len());
                body[i] = byte;
            }
            if truncate {
                body.truncate(cut.index(body.len() + 1));
            }
        }
        mitra_sempoa::fuzzing::decode(status, &body);
    }
}
