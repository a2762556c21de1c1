//! The passes the generator runs on progenitor's output, in the order they
//! run: one list of syntax passes on the parsed file, then one of text
//! passes on the printed code. Each says why it exists; where it works
//! around something progenitor 0.15.1 cannot be told to do, `why` says which
//! setting is missing (each is an upstream issue worth filing). Every pass
//! must leave `cargo xtask generate --check` byte-identical when nothing in
//! the spec changed.

use std::collections::BTreeSet;

use anyhow::Result;
use quote::ToTokens;

/// What a syntax pass may read besides the file.
pub struct Context<'a> {
    /// The parsed spec.
    pub spec: &'a serde_json::Value,
    /// The spec's personal and secret fields.
    pub table: &'a crate::personal::Table,
    /// Types only the vendor crate's own hand-written response types use.
    pub hand_roots: &'a BTreeSet<String>,
}

/// A pass over the parsed file.
pub struct Pass {
    /// Its name, as errors and the list's test name it.
    pub name: &'static str,
    /// Why it exists; `progenitor gap:` when a progenitor setting would do it.
    pub why: &'static str,
    /// The pass.
    pub run: fn(&mut syn::File, &Context) -> Result<()>,
}

/// A pass over the printed code.
pub struct TextPass {
    /// Its name.
    pub name: &'static str,
    /// Why it exists.
    pub why: &'static str,
    /// The pass.
    pub run: fn(&str) -> Result<String>,
}

/// The syntax passes, in order.
pub const SYNTAX: &[Pass] = &[
    Pass {
        name: "derive-json-schema-behind-feature",
        why: "progenitor gap: derives are unconditional (`with_derive`); schemars must cost nothing without the `schema` feature",
        run: |file, _| {
            derive_json_schema_behind_feature(file);
            Ok(())
        },
    },
    Pass {
        name: "raw-client-is-not-clone",
        why: "progenitor gap: the raw client always derives Clone; it owns one attempt's state",
        run: |file, _| {
            raw_client_is_not_clone(file);
            Ok(())
        },
    },
    Pass {
        name: "tolerant-response-types",
        why: "the tolerant reader: response fields read the way vendors send them, each difference reported",
        run: |file, cx| {
            crate::tolerant::types(file, cx.hand_roots);
            Ok(())
        },
    },
    Pass {
        name: "personal-debug",
        why: "personal and secret fields (x-mitra-personal, x-mitra-secret) never shown by Debug",
        run: |file, cx| {
            crate::personal::debug(file, cx.table, cx.spec);
            Ok(())
        },
    },
    Pass {
        name: "additive-types",
        why: "progenitor gap: no non_exhaustive structs with constructors; adding a field must not break users",
        run: |file, cx| {
            crate::additive::types(file, cx.spec);
            Ok(())
        },
    },
    Pass {
        name: "drop-api-version-header",
        why: "progenitor gap: every request carries `api-version: <info.version>`, which no vendor wants",
        run: |file, _| {
            drop_api_version_header(file);
            Ok(())
        },
    },
    Pass {
        name: "strip-empty-header-maps",
        why: "progenitor builds and merges an empty header map per call (allocations on the hot path)",
        run: |file, _| {
            crate::lean::strip_empty_header_maps(file);
            Ok(())
        },
    },
    Pass {
        name: "request-not-held-across-await",
        why: "a request held across the send's await makes every call's future larger",
        run: |file, _| crate::lean::request_not_held_across_await(file),
    },
    Pass {
        name: "patterns-without-regex",
        why: "progenitor gap: `pattern` needs the regex crate in every vendor crate; the specs' few patterns are matched by mitra-core",
        run: |file, _| crate::lean::patterns_without_regex(file),
    },
];

/// The text passes, in order, on prettyplease's output.
pub const TEXT: &[TextPass] = &[
    TextPass {
        name: "line-doc-comments",
        why: "prettyplease prints multi-line docs as `/** */` blocks that rustfmt indents into failing doctests",
        run: |code| Ok(line_doc_comments(code)),
    },
    TextPass {
        name: "lighter-raw-client",
        why: "progenitor gap: `String` base URL and copied response headers per call",
        run: crate::lean::lighter_raw_client,
    },
];

/// Every type of `mod types` that derives `Serialize` also derives
/// `schemars::JsonSchema` when the crate's `schema` feature is on, so that
/// the CLI can print request and response schemas while users who do not
/// need them compile no schemars.
pub fn derive_json_schema_behind_feature(file: &mut syn::File) {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let derives_serde = |attrs: &[syn::Attribute]| {
        attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.meta.to_token_stream().to_string().contains("Serialize")
        })
    };
    let schema_attr: syn::Attribute =
        syn::parse_quote!(#[cfg_attr(feature = "schema", derive(::schemars::JsonSchema))]);
    for item in types.1.iter_mut() {
        let attrs = match item {
            syn::Item::Struct(s) => &mut s.attrs,
            syn::Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if derives_serde(attrs) {
            attrs.push(schema_attr.clone());
        }
    }
}

/// The raw client lives for one attempt and owns that attempt's state: it
/// must not be cloned.
pub fn raw_client_is_not_clone(file: &mut syn::File) {
    for item in file.items.iter_mut() {
        if let syn::Item::Struct(s) = item
            && s.ident == "Client"
        {
            s.attrs.retain(|a| !a.path().is_ident("derive"));
            s.attrs.push(syn::parse_quote!(#[derive(Debug)]));
        }
    }
}

/// progenitor makes every request carry `api-version: <info.version>`; no
/// vendor wants it, so the statements that add it are removed here rather
/// than the header being removed from every request at run time.
pub fn drop_api_version_header(file: &mut syn::File) {
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            block.stmts.retain(|stmt| {
                !stmt
                    .to_token_stream()
                    .to_string()
                    .contains("\"api-version\"")
            });
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Strip, file);
    // Operations without header parameters now build an empty header map;
    // the raw client's constructors and unused operations (the token
    // endpoint) are not called.
    file.attrs
        .push(syn::parse_quote!(#![allow(unused_mut, dead_code)]));
}

/// prettyplease prints a multi-line doc string as a `/** ... */` block whose
/// later lines rustfmt indents, and rustdoc then takes them for code blocks
/// (failing doctests). Each line becomes a `///` comment instead, which is the
/// same doc string.
pub fn line_doc_comments(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find("/**") {
        let Some(len) = rest[start..].find("*/") else {
            break;
        };
        let line_start = rest[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &rest[line_start..start];
        out.push_str(&rest[..start]);
        let body = &rest[start + 3..start + len];
        for (i, line) in body.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(indent);
            }
            out.push_str("///");
            out.push_str(line);
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_is_named_once_and_says_why() {
        let names: Vec<&str> = SYNTAX
            .iter()
            .map(|p| p.name)
            .chain(TEXT.iter().map(|p| p.name))
            .collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(SYNTAX.iter().all(|p| !p.why.is_empty()));
        assert!(TEXT.iter().all(|p| !p.why.is_empty()));
    }

    fn pass(name: &str) -> &'static Pass {
        SYNTAX.iter().find(|p| p.name == name).expect("a pass")
    }

    fn run(name: &str, input: &str) -> String {
        let mut file: syn::File = syn::parse_str(input).unwrap();
        let spec = serde_json::json!({});
        let table = crate::personal::Table::default();
        let roots = BTreeSet::new();
        let cx = Context {
            spec: &spec,
            table: &table,
            hand_roots: &roots,
        };
        (pass(name).run)(&mut file, &cx).unwrap();
        file.to_token_stream().to_string()
    }

    #[test]
    fn golden_derive_json_schema_behind_feature() {
        let out = run(
            "derive-json-schema-behind-feature",
            "pub mod types { #[derive(Serialize)] pub struct A; #[derive(Debug)] pub struct B; }",
        );
        assert_eq!(
            out,
            "pub mod types { # [derive (Serialize)] # [cfg_attr (feature = \"schema\" , derive (:: schemars :: JsonSchema))] pub struct A ; # [derive (Debug)] pub struct B ; }"
        );
    }

    #[test]
    fn golden_raw_client_is_not_clone() {
        let out = run(
            "raw-client-is-not-clone",
            "#[derive(Clone, Debug)] pub struct Client { inner: u8 }",
        );
        assert_eq!(out, "# [derive (Debug)] pub struct Client { inner : u8 }");
    }

    #[test]
    fn golden_drop_api_version_header() {
        let out = run(
            "drop-api-version-header",
            "fn f() { let h = 1; header_map.append(\"api-version\", v); }",
        );
        assert_eq!(
            out,
            "# ! [allow (unused_mut , dead_code)] fn f () { let h = 1 ; }"
        );
    }

    #[test]
    fn golden_line_doc_comments() {
        let text = TEXT.iter().find(|p| p.name == "line-doc-comments").unwrap();
        assert_eq!(
            (text.run)(
                "    /** a\n b */
    fn f() {}\n"
            )
            .unwrap(),
            "    /// a\n    /// b 
    fn f() {}\n"
        );
    }
}
