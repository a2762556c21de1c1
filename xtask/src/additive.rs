//! Generated types that a vendor can add to without a breaking release.
//!
//! A struct with public fields that users may write as a literal breaks
//! their code when it gains a field: every new optional response field
//! would be a semver-major release. So every struct of `types` is
//! `#[non_exhaustive]` (outside the crate it can no longer be a literal),
//! and gets what users need to make one for a request or for a mock's
//! answer, in the manner of aws-sdk-rust's builders but without a fallible
//! `build()`:
//! - `X::new(required, ...)`: the required fields in the order the spec's
//!   `required` list gives them (the vendor's order), each `impl Into<T>`;
//!   optional fields start as `None` (or their default);
//! - `x.with_<field>(value)` for every field, `impl Into<T>`, setting
//!   `Some(value)` for an optional one.
//!
//! A new optional field is then a new field and a new method: minor. A new
//! required field changes `new`: major, as it should be for a request.

use proc_macro2::Span;
use quote::{format_ident, quote};
use syn::{Fields, Item, Type};

/// Makes every named-field struct of the `types` module non-exhaustive, with
/// a constructor and setters. `spec` (the parsed spec) gives the order of
/// each component's required fields.
pub fn types(file: &mut syn::File, spec: &serde_json::Value) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        if !matches!(s.vis, syn::Visibility::Public(_)) {
            continue;
        }
        s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        let name = &s.ident;
        let order: Vec<&str> = spec["components"]["schemas"][name.to_string()]["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let mut args: Vec<(usize, proc_macro2::TokenStream)> = Vec::new();
        let mut inits = Vec::new();
        let mut setters = Vec::new();
        for field in &fields.named {
            let ident = field.ident.as_ref().expect("named field");
            let plain = ident.to_string().trim_start_matches("r#").to_owned();
            let setter = format_ident!("with_{}", plain);
            let ty = &field.ty;
            let doc = format!("Sets `{plain}`.");
            match option_inner(ty) {
                Some(inner) => {
                    inits.push(quote!(#ident: ::std::option::Option::None));
                    let param = param_type(inner);
                    setters.push(quote! {
                        #[doc = #doc]
                        #[must_use]
                        pub fn #setter(mut self, value: #param) -> Self {
                            self.#ident = ::std::option::Option::Some(value.into());
                            self
                        }
                    });
                }
                None => {
                    // The fields the spec does not name (`extra`) start empty:
                    // a value is made from what the spec names.
                    if has_serde_default(field) || is_flattened(field) {
                        inits.push(quote!(#ident: ::std::default::Default::default()));
                    } else {
                        let arg = if is_keyword(&plain) {
                            format_ident!("{}_", plain)
                        } else {
                            syn::Ident::new(&plain, Span::call_site())
                        };
                        let wire = wire_name(field).unwrap_or_else(|| plain.clone());
                        let rank = order.iter().position(|r| *r == wire).unwrap_or(usize::MAX);
                        let param = param_type(ty);
                        args.push((rank, quote!(#arg: #param)));
                        inits.push(quote!(#ident: #arg.into()));
                    }
                    let param = param_type(ty);
                    setters.push(quote! {
                        #[doc = #doc]
                        #[must_use]
                        pub fn #setter(mut self, value: #param) -> Self {
                            self.#ident = value.into();
                            self
                        }
                    });
                }
            }
        }
        args.sort_by_key(|(rank, _)| *rank);
        let args = args.into_iter().map(|(_, a)| a);
        let new_doc = format!(
            "A `{name}` with its required fields; optional ones start empty (`with_*` sets them)."
        );
        impls.push(syn::parse_quote! {
            impl #name {
                #[doc = #new_doc]
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        });
    }
    items.extend(impls.into_iter().map(Item::Impl));
}

/// What a constructor or setter takes for a field of type `ty`: numbers and
/// booleans as they are (a literal then needs no suffix), anything else
/// `impl Into<T>` (`"text"` for a `String`).
fn param_type(ty: &Type) -> proc_macro2::TokenStream {
    let primitive = matches!(ty, Type::Path(p) if p.path.segments.len() == 1
    && matches!(
        p.path.segments[0].ident.to_string().as_str(),
        "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" | "usize" | "isize"
    ));
    if primitive {
        quote!(#ty)
    } else {
        quote!(impl ::std::convert::Into<#ty>)
    }
}

/// `T` of `Option<T>` (however the path is spelled).
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The field's name on the wire: `#[serde(rename = "...")]`.
pub(crate) fn wire_name(field: &syn::Field) -> Option<String> {
    field.attrs.iter().find_map(|a| {
        if !a.path().is_ident("serde") {
            return None;
        }
        let text = quote!(#a).to_string();
        let rest = &text[text.find("rename =")? + "rename =".len()..];
        let start = rest.find('"')? + 1;
        let end = start + rest[start..].find('"')?;
        Some(rest[start..end].to_owned())
    })
}

/// `#[serde(flatten)]`: the map of the fields the spec does not name.
pub(crate) fn is_flattened(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains("flatten"))
}

/// `#[serde(default)]` (or `default = ...`): absent means its default.
fn has_serde_default(field: &syn::Field) -> bool {
    field.attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let text = quote!(#a).to_string();
            text.contains("default")
        }
    })
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "type"
            | "match"
            | "ref"
            | "move"
            | "fn"
            | "impl"
            | "self"
            | "struct"
            | "enum"
            | "mod"
            | "use"
            | "where"
            | "in"
            | "for"
            | "loop"
            | "if"
            | "else"
            | "as"
            | "const"
            | "static"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structs_get_non_exhaustive_a_constructor_and_setters() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Order {
                    pub awb: ::std::string::String,
                    #[serde(rename = "courierCode")]
                    pub courier_code: ::std::string::String,
                    #[serde(default, skip_serializing_if = "Vec::is_empty")]
                    pub items: ::std::vec::Vec<String>,
                    pub note: ::std::option::Option<::std::string::String>,
                    pub r#type: ::std::string::String,
                }
                pub struct Code(pub String);
            }
        };
        let spec = serde_json::json!({"components": {"schemas": {"Order": {"required": ["type", "courierCode", "awb"]}}}});
        types(&mut file, &spec);
        let code = prettyplease::unparse(&file);
        assert!(
            code.contains("#[non_exhaustive]\n    pub struct Order"),
            "{code}"
        );
        assert!(
            !code.contains("#[non_exhaustive]\n    pub struct Code"),
            "{code}"
        );
        // The spec's order, not the struct's.
        let new = &code[code.find("pub fn new(").unwrap()..];
        let (t, c, a) = (
            new.find("type_:").unwrap(),
            new.find("courier_code:").unwrap(),
            new.find("awb:").unwrap(),
        );
        assert!(t < c && c < a, "{new}");
        assert!(
            code.contains("items: ::std::default::Default::default()"),
            "{code}"
        );
        assert!(code.contains("note: ::std::option::Option::None"), "{code}");
        assert!(code.contains("pub fn with_note("), "{code}");
        assert!(code.contains("pub fn with_type("), "{code}");
    }
}
