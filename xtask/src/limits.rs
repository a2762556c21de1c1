//! Request-body limits from the spec: for every request body whose schema
//! (or a schema inside it) states `minimum`, `maximum`, `minItems` or
//! `maxItems`, an `impl mitra_core::plumbing::CheckLimits` that checks them
//! before anything is sent, each naming the field by its path in the body
//! (`items[].weight`). typify's types already hold string lengths and
//! patterns (newtypes) and `minimum: 1` integers (`NonZeroU64`); numbers
//! and list sizes are left to this pass. Hand-written `Validate` keeps only
//! the rules across fields.

use std::collections::BTreeSet;

use anyhow::Result;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// How deep the walk follows nested objects (a schema that holds itself).
const MAX_DEPTH: usize = 6;

/// The impls, and the names of the request body types that have one.
pub fn impls(spec: &Value, replaced: &[&str]) -> Result<(TokenStream, BTreeSet<String>)> {
    let mut out = TokenStream::new();
    let mut limited = BTreeSet::new();
    for name in crate::fuzzing::request_schemas(spec) {
        if replaced.contains(&name.as_str()) {
            continue;
        }
        let schema = &spec["components"]["schemas"][name.as_str()];
        let mut checks = Vec::new();
        walk(spec, replaced, schema, &quote!(self), "", 0, &mut checks);
        if checks.is_empty() {
            continue;
        }
        let ty = format_ident!("{}", name.to_upper_camel_case());
        out.extend(quote! {
            impl mitra_core::plumbing::CheckLimits for types::#ty {
                fn check_limits(&self) -> ::std::result::Result<(), mitra_core::Error> {
                    #[allow(unused_imports)]
                    use mitra_core::plumbing::limits::*;
                    #(#checks)*
                    Ok(())
                }
            }
        });
        limited.insert(name);
    }
    Ok((out, limited))
}

/// `#[serde]` field name typify gives a property.
fn field_ident(property: &str) -> syn::Ident {
    let snake = property.to_snake_case();
    match syn::parse_str::<syn::Ident>(&snake) {
        Ok(ident) => ident,
        Err(_) => format_ident!("{snake}_"),
    }
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> (&'a Value, Option<&'a str>) {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => (&spec["components"]["schemas"][name], Some(name)),
        None => (node, None),
    }
}

fn number(value: Option<&Value>) -> Option<TokenStream> {
    let v = value?.as_f64()?;
    Some(quote!(#v))
}

/// The checks of the object `schema` held by `value` (an expression of a
/// reference to it), its fields' paths under `prefix`.
fn walk(
    spec: &Value,
    replaced: &[&str],
    schema: &Value,
    value: &TokenStream,
    prefix: &str,
    depth: usize,
    out: &mut Vec<TokenStream>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let from_config: Vec<&str> = schema
        .get("x-mitra-from-config")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (property, raw) in properties {
        if from_config.contains(&property.as_str()) {
            continue;
        }
        let ident = field_ident(property);
        let field = quote!(#value.#ident);
        let path = if prefix.is_empty() {
            property.clone()
        } else {
            format!("{prefix}.{property}")
        };
        let (schema, component) = resolve(spec, raw);
        if component.is_some_and(|c| replaced.contains(&c)) {
            continue;
        }
        match schema.get("type").and_then(Value::as_str) {
            // A named number type may be a hand-written one: inline only.
            Some("integer" | "number") if component.is_none() => {
                let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
                if let Some(limit) = number(schema.get("minimum")) {
                    let excl = exclusive("exclusiveMinimum");
                    out.push(quote!(minimum(#path, &#field, #limit, #excl)?;));
                }
                if let Some(limit) = number(schema.get("maximum")) {
                    let excl = exclusive("exclusiveMaximum");
                    out.push(quote!(maximum(#path, &#field, #limit, #excl)?;));
                }
            }
            Some("array") => {
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                    let min = min as usize;
                    out.push(quote!(min_items(#path, &#field, #min)?;));
                }
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                    let max = max as usize;
                    out.push(quote!(max_items(#path, &#field, #max)?;));
                }
                let (items, items_component) = resolve(spec, &schema["items"]);
                if items_component.is_some_and(|c| replaced.contains(&c)) {
                    continue;
                }
                let item = format_ident!("item{depth}");
                let mut inner = Vec::new();
                walk(
                    spec,
                    replaced,
                    items,
                    &quote!(#item),
                    &format!("{path}[]"),
                    depth + 1,
                    &mut inner,
                );
                if !inner.is_empty() {
                    out.push(quote! {
                        for #item in each(&#field) {
                            #(#inner)*
                        }
                    });
                }
            }
            Some("object") | None if schema.get("properties").is_some() => {
                let inner_value = format_ident!("inner{depth}");
                let mut inner = Vec::new();
                walk(
                    spec,
                    replaced,
                    schema,
                    &quote!(#inner_value),
                    &path,
                    depth + 1,
                    &mut inner,
                );
                if inner.is_empty() {
                    continue;
                }
                let nullable = schema.get("nullable") == Some(&Value::Bool(true));
                if required.contains(&property.as_str()) && !nullable {
                    out.push(quote! {
                        {
                            let #inner_value = &#field;
                            #(#inner)*
                        }
                    });
                } else {
                    out.push(quote! {
                        for #inner_value in present(&#field) {
                            #(#inner)*
                        }
                    });
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_list_sizes_are_checked_at_their_paths_in_the_body() {
        let spec = serde_json::json!({
            "paths": {"/t": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/TariffRequest"}}}}}}},
            "components": {"schemas": {
                "TariffRequest": {"type": "object", "required": ["items"], "properties": {
                    "cod_amount": {"type": "integer", "minimum": 0},
                    "items": {"type": "array", "minItems": 1,
                              "items": {"$ref": "#/components/schemas/Item"}},
                    "flag": {"$ref": "#/components/schemas/Flag"},
                    "type": {"type": "integer", "maximum": 3, "exclusiveMaximum": true}
                }},
                "Item": {"type": "object", "properties": {
                    "weight": {"type": "number", "minimum": 1000},
                    "name": {"type": "string", "minLength": 1}
                }},
                "Flag": {"type": "integer", "minimum": 0}
            }}
        });
        let (code, limited) = impls(&spec, &["Flag"]).unwrap();
        assert_eq!(limited.into_iter().collect::<Vec<_>>(), ["TariffRequest"]);
        let code = code.to_string();
        for expected in [
            "impl mitra_core :: plumbing :: CheckLimits for types :: TariffRequest",
            "minimum (\"cod_amount\" , & self . cod_amount , 0f64 , false) ?",
            "min_items (\"items\" , & self . items , 1usize) ?",
            "for item0 in each (& self . items) { minimum (\"items[].weight\" , & item0 . weight , 1000f64 , false) ? ; }",
            "maximum (\"type\" , & self . type_ , 3f64 , true) ?",
        ] {
            assert!(code.contains(expected), "{expected} in {code}");
        }
        // Strings are typify's (newtypes); a replaced type is its own.
        assert!(!code.contains("name"), "{code}");
        assert!(!code.contains("flag"), "{code}");
    }
}
