//! What a spec says is personal or secret: the one masking table every
//! output of the crates uses (traces, `Debug`, verify's reports and
//! fixtures, snapshots).
//!
//! A property or parameter is personal when its schema, or the component its
//! `$ref` names, says `x-mitra-personal: true`; secret when it says
//! `x-mitra-secret: true` or `format: password`. A field whose name looks
//! personal (a name, an address, an e-mail, a phone number, a NIK, a birth
//! date) must say which it is, `x-mitra-personal: true` or `false`:
//! generation refuses a spec that leaves one unsaid, so that a new field
//! can never leak by omission.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::inputs::resolve;

/// The wire names of a spec's personal and secret fields.
#[derive(Debug, Default, PartialEq)]
pub struct Table {
    /// Fields that hold personal data.
    pub personal: BTreeSet<String>,
    /// Fields that hold a secret.
    pub secret: BTreeSet<String>,
}

/// Whether a field's name looks personal (lower case compared).
pub fn looks_personal(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "name", "nama", "address", "alamat", "email", "telp", "phone", "lahir", "birth",
        "penerima", "pengirim", "ktp",
    ]
    .iter()
    .any(|word| name.contains(word))
        || ["nik", "hp", "no_hp"].contains(&name.as_str())
}

/// The mark a schema (or what its `$ref` names) carries: `Some(true)`,
/// `Some(false)`, or `None` when it says nothing.
fn mark(spec: &Value, schema: &Value) -> Option<bool> {
    schema
        .get("x-mitra-personal")
        .and_then(Value::as_bool)
        .or_else(|| {
            resolve(spec, schema)
                .get("x-mitra-personal")
                .and_then(Value::as_bool)
        })
}

fn is_secret(spec: &Value, schema: &Value) -> bool {
    let resolved = resolve(spec, schema);
    [schema, resolved].iter().any(|s| {
        s.get("format").and_then(Value::as_str) == Some("password")
            || s.get("x-mitra-secret") == Some(&Value::Bool(true))
    })
}

/// The table of `spec`; an error naming every field whose name looks
/// personal and that says neither way.
pub fn table(spec_rel: &str, spec: &Value) -> Result<Table> {
    let mut table = Table::default();
    let mut unsaid: Vec<String> = Vec::new();
    let mut field = |name: &str, schema: &Value, at: &str| {
        if is_secret(spec, schema) {
            table.secret.insert(name.to_owned());
            return;
        }
        match mark(spec, schema) {
            Some(true) => {
                table.personal.insert(name.to_owned());
            }
            Some(false) => {}
            None if looks_personal(name) => unsaid.push(format!("{at}: `{name}`")),
            None => {}
        }
    };
    walk(spec, "", &mut field);
    if !unsaid.is_empty() {
        unsaid.sort();
        unsaid.dedup();
        bail!(
            "{spec_rel}: {} field(s) look personal but say neither way; add \
             `x-mitra-personal: true` (it holds personal data: masked everywhere) or \
             `false` (it does not) to each:\n  {}",
            unsaid.len(),
            unsaid.join("\n  ")
        );
    }
    // A field personal in one place is masked everywhere: masking is by name.
    let secret = table.secret.clone();
    table.personal.retain(|n| !secret.contains(n));
    Ok(table)
}

/// Calls `field(name, schema, location)` for every property of every
/// schema and every parameter of `node`.
fn walk(node: &Value, at: &str, field: &mut dyn FnMut(&str, &Value, &str)) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props {
                    field(name, schema, at);
                }
            }
            if let (Some(Value::String(name)), Some(Value::String(place))) =
                (map.get("name"), map.get("in"))
                && matches!(place.as_str(), "query" | "path" | "header" | "cookie")
            {
                let schema = map.get("schema").cloned().unwrap_or(Value::Null);
                // A parameter's own mark, or its schema's.
                let mut schema = schema;
                if let Some(mark) = map.get("x-mitra-personal")
                    && let Value::Object(s) = &mut schema
                {
                    s.insert("x-mitra-personal".into(), mark.clone());
                }
                field(name, &schema, at);
            }
            for (key, value) in map {
                walk(value, &format!("{at}/{}", mitra_spec::escape(key)), field);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                walk(value, &format!("{at}/{i}"), field);
            }
        }
        _ => {}
    }
}

/// Every struct of `types` with a personal or secret field gets a `Debug`
/// that shows those fields' values as `[personal data]` / `[REDACTED]`
/// (`None` stays `None`), in place of the derived one: a user's
/// `{:?}` of an answer or a request never prints a name, an address or a
/// password.
pub fn debug(file: &mut syn::File, table: &Table, spec: &Value) {
    use quote::{ToTokens, quote};
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let mut impls: Vec<syn::Item> = Vec::new();
    let mut newtypes: Vec<(String, &'static str)> = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        // A component's own properties say it best (Fastrac's `City.name` is
        // no person's, a `Party.name` is); other types go by the table.
        let component = &spec["components"]["schemas"][s.ident.to_string()]["properties"];
        let marked = |f: &syn::Field| -> Option<&'static str> {
            let wire = crate::additive::wire_name(f).unwrap_or_else(|| {
                f.ident
                    .as_ref()
                    .expect("named")
                    .to_string()
                    .trim_start_matches("r#")
                    .to_owned()
            });
            if let Some(property) = component.get(&wire) {
                return if is_secret(spec, property) {
                    Some("[REDACTED]")
                } else if mark(spec, property) == Some(true) {
                    Some("[personal data]")
                } else {
                    None
                };
            }
            if table.secret.contains(&wire) {
                Some("[REDACTED]")
            } else if table.personal.contains(&wire) {
                Some("[personal data]")
            } else {
                None
            }
        };
        // The fields the spec does not name (`extra`, a flattened map) may
        // hold anything the vendor echoes, a shipper's name or phone under any
        // name: only their names and kinds are shown.
        let is_extra = |f: &syn::Field| {
            f.ident.as_ref().is_some_and(|i| i == "extra")
                && f.ty.to_token_stream().to_string().contains("Map <")
                && crate::additive::is_flattened(f)
        };
        if !fields
            .named
            .iter()
            .any(|f| marked(f).is_some() || is_extra(f))
        {
            continue;
        }
        // The newtypes a marked field holds (`RegistrationRequestNoTelp`)
        // are masked too, wherever they are printed alone.
        for f in fields.named.iter().filter(|f| marked(f).is_some()) {
            let mut names = Vec::new();
            collect_idents(&f.ty, &mut names);
            newtypes.extend(names.into_iter().map(|n| (n, marked(f).expect("marked"))));
        }
        let shown = fields.named.iter().map(|f| {
            let ident = f.ident.as_ref().expect("named");
            let label = ident.to_string().trim_start_matches("r#").to_owned();
            let optional =
                f.ty.to_token_stream()
                    .to_string()
                    .replace(' ', "")
                    .starts_with("::std::option::Option<");
            if is_extra(f) {
                return quote! {
                    .field(#label, &::mitra_core::redact::MaskedFields { fields: &self.#ident })
                };
            }
            match marked(f) {
                Some(mask) if optional => quote! {
                    .field(#label, &self.#ident.as_ref().map(|_| Masked(#mask)))
                },
                Some(mask) => quote!(.field(#label, &Masked(#mask))),
                None => quote!(.field(#label, &self.#ident)),
            }
        });
        let name = &s.ident;
        let label = name.to_string();
        impls.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    /// A masked value, shown without quotes.
                    struct Masked(&'static str);
                    impl ::std::fmt::Debug for Masked {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(self.0)
                        }
                    }
                    f.debug_struct(#label) #(#shown)* .finish()
                }
            }
        });
        drop_derive(&mut s.attrs, "Debug");
    }
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        if !matches!(s.fields, syn::Fields::Unnamed(_)) {
            continue;
        }
        let Some((_, mask)) = newtypes.iter().find(|(n, _)| s.ident == n) else {
            continue;
        };
        let name = &s.ident;
        let label = name.to_string();
        impls.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    write!(f, "{}({})", #label, #mask)
                }
            }
        });
        drop_derive(&mut s.attrs, "Debug");
    }
    items.extend(impls);
}

/// Every identifier a type names (`Option<RegistrationRequestNoTelp>` → both).
fn collect_idents(ty: &syn::Type, out: &mut Vec<String>) {
    use quote::ToTokens;
    for token in ty.to_token_stream() {
        match token {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => {
                if let Ok(inner) = syn::parse2::<syn::Type>(g.stream()) {
                    collect_idents(&inner, out);
                }
            }
            _ => {}
        }
    }
}

/// `attrs` without `name` in their `#[derive(...)]`.
pub fn drop_derive(attrs: &mut [syn::Attribute], name: &str) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// The markers of README's generated personal-data section.
const START: &str = "<!-- personal-data: generated by `cargo xtask generate` from the specs' marks; do not edit -->";
const END: &str = "<!-- personal-data: end -->";

/// README.md with its personal-data section made from every spec's table.
pub fn readme(root: &std::path::Path, check: bool) -> Result<(String, crate::output::Outcome)> {
    use anyhow::Context;
    let rel = "README.md";
    let text = std::fs::read_to_string(root.join(rel)).context("reading README.md")?;
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        bail!("README.md: no personal-data section ({START} ... {END})");
    };
    let mut section = format!("{START}\n");
    section.push_str(
        "| vendor | personal (masked as `[personal data]`) | secret (redacted) |\n|---|---|---|\n",
    );
    for vendor in crate::vendors::VENDORS {
        let spec_rel = format!("specs/{}.yaml", vendor.name);
        let parsed = crate::specs::load(root, &spec_rel)?;
        let table = table(&spec_rel, &parsed.json)?;
        let list = |set: &BTreeSet<String>| {
            if set.is_empty() {
                "none".to_owned()
            } else {
                set.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        section.push_str(&format!(
            "| {} | {} | {} |\n",
            vendor.title,
            list(&table.personal),
            list(&table.secret)
        ));
    }
    let expected = format!("{}{section}{}", &text[..start], &text[end..]);
    let outcome = crate::output::write_or_check(
        root,
        rel,
        "the specs' x-mitra-personal marks",
        expected,
        check,
    )?;
    Ok((rel.to_owned(), outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marks_make_the_table_and_an_unsaid_personal_looking_field_is_refused() {
        let spec = json!({
            "components": {"schemas": {
                "PersonName": {"type": "string", "x-mitra-personal": true},
                "Party": {"type": "object", "properties": {
                    "name": {"$ref": "#/components/schemas/PersonName"},
                    "phone": {"type": "string", "x-mitra-personal": true},
                    "city_name": {"type": "string", "x-mitra-personal": false},
                    "password": {"type": "string", "format": "password"},
                    "weight": {"type": "integer"}
                }}
            }},
            "paths": {"/user/{nik}": {"get": {"parameters": [
                {"name": "nik", "in": "path", "x-mitra-personal": true, "schema": {"type": "string"}}
            ]}}}
        });
        let t = table("x.yaml", &spec).unwrap();
        assert_eq!(
            t.personal.iter().map(String::as_str).collect::<Vec<_>>(),
            ["name", "nik", "phone"]
        );
        assert_eq!(
            t.secret.iter().map(String::as_str).collect::<Vec<_>>(),
            ["password"]
        );

        let mut unsaid = spec.clone();
        unsaid["components"]["schemas"]["Party"]["properties"]["email"] = json!({"type": "string"});
        let error = table("x.yaml", &unsaid).unwrap_err().to_string();
        assert!(error.contains("`email`"), "{error}");
        assert!(error.contains("/components/schemas/Party"), "{error}");
    }

    #[test]
    fn debug_masks_a_components_marked_properties_and_keeps_the_rest() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, PartialEq)]
                pub struct Party {
                    pub name: ::std::string::String,
                    pub email: ::std::option::Option<::std::string::String>,
                    pub city_id: i64,
                }
                #[derive(Clone, Debug, PartialEq)]
                pub struct City {
                    pub name: ::std::string::String,
                }
            }
        };
        let spec = json!({"components": {"schemas": {
            "Party": {"properties": {
                "name": {"type": "string", "x-mitra-personal": true},
                "email": {"type": "string", "x-mitra-personal": true},
                "city_id": {"type": "integer"}
            }},
            "City": {"properties": {"name": {"type": "string", "x-mitra-personal": false}}}
        }}});
        let table = table("x.yaml", &spec).unwrap();
        debug(&mut file, &table, &spec);
        let code = prettyplease::unparse(&file);
        assert!(code.contains("impl ::std::fmt::Debug for Party"), "{code}");
        assert!(
            code.contains(r#".field("name", &Masked("[personal data]"))"#),
            "{code}"
        );
        assert!(
            code.contains(r#".field("city_id", &self.city_id)"#),
            "{code}"
        );
        // City's name is no person's: City keeps its derived Debug.
        assert!(!code.contains("impl ::std::fmt::Debug for City"), "{code}");
        assert!(
            code.contains("#[derive(Clone, PartialEq)]\n    pub struct Party"),
            "{code}"
        );
    }
}
