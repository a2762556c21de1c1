//! The sandbox answers every operation of every spec: each vendor's real
//! client calls each operation with the spec's example input (plus the
//! spec's defaults) and gets a decoded success, from the hand emulators
//! where they exist and from the spec's examples alone. The operations come
//! from each crate's generated table and the vendors from the registry, so
//! a new operation or a new vendor is called here with no edit.

#[path = "../src/registry.rs"]
mod registry;
#[allow(dead_code)]
#[path = "../src/vendors.rs"]
mod vendors;

use mitra_core::config::Vars;
use mitra_sandbox::{Sandbox, SandboxConfig, Vendor};
use serde_json::{Map, Value};

/// Every operation of every vendor against a fresh sandbox made by
/// `config`; the failures, one a line.
async fn failures(config: impl Fn() -> SandboxConfig) -> (usize, Vec<String>) {
    let mut called = 0;
    let mut failed = Vec::new();
    for vendor in registry::VENDORS {
        let which = Vendor::from_key(vendor.name).expect("every registry vendor is in the sandbox");
        // A fresh sandbox per vendor: the examples' calls run in spec order
        // on a state no other vendor's calls touched.
        let sandbox = Sandbox::start(config()).await.unwrap();
        let vars = Vars::from_pairs(sandbox.env(which));
        let client = (vendor.client)(&vars).expect("a client from the sandbox's variables");
        for op in vendor.operations {
            let mut input = match op.example.map(serde_json::from_str::<Value>) {
                Some(Ok(Value::Object(map))) => map,
                _ => Map::new(),
            };
            for field in op.fields {
                if !input.contains_key(field.name)
                    && let Some(default) = field.default.and_then(|d| serde_json::from_str(d).ok())
                {
                    input.insert(field.name.to_owned(), default);
                }
            }
            called += 1;
            if let Err(e) = client.call_json(op.id, Value::Object(input)).await {
                failed.push(format!("{} {}: {e}", vendor.name, op.id));
            }
        }
    }
    (called, failed)
}

fn operations() -> usize {
    registry::VENDORS.iter().map(|v| v.operations.len()).sum()
}

#[tokio::test]
async fn every_operation_of_every_spec_gets_a_decoded_success() {
    let (called, failed) = failures(SandboxConfig::default).await;
    assert_eq!(called, operations());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test]
async fn the_spec_examples_alone_answer_every_operation() {
    // What a new operation, or a vendor without a hand emulator, gets.
    let (called, failed) = failures(|| SandboxConfig {
        examples_only: true,
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(called, operations());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
