//! The table of the fields each response type reads, for the look for
//! unknown fields: an `impl mitra_core::tolerant::Known` beside every
//! response type, taken from the generated type itself (its serde names,
//! `flatten`, untagged enums), so that it knows exactly what the derive
//! reads. A field's type names its own shape (`<T as Known>::SHAPE`), so a
//! type the table does not cover is a compile error, not a silent gap.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{Fields, Item};

/// The `Known` impl of every item of `items` named in `response_types`.
pub fn impls(items: &[Item], response_types: &BTreeSet<String>) -> Vec<Item> {
    items
        .iter()
        .filter_map(|item| {
            let (ident, shape) = match item {
                Item::Struct(s) => (&s.ident, fields_shape(&s.fields)),
                Item::Enum(e) if untagged(&e.attrs) => {
                    let alternatives = e.variants.iter().map(|v| fields_shape(&v.fields));
                    (
                        &e.ident,
                        quote!(&mitra_core::tolerant::Shape::OneOf(&[#(#alternatives),*])),
                    )
                }
                // A string enum (opened) or any other enum: a scalar.
                Item::Enum(e) => (&e.ident, quote!(&mitra_core::tolerant::Shape::Any)),
                _ => return None,
            };
            if !response_types.contains(&ident.to_string()) {
                return None;
            }
            Some(syn::parse_quote! {
                impl mitra_core::tolerant::Known for #ident {
                    const SHAPE: &'static mitra_core::tolerant::Shape = #shape;
                }
            })
        })
        .collect()
}

/// What a struct (or an enum's variant) with `fields` reads: an object of
/// its named fields, the shape of its one unnamed field (a newtype is its
/// inner value on the wire), or anything (a unit, a tuple).
fn fields_shape(fields: &Fields) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let open = named
                .named
                .iter()
                .any(|f| serde_text(&f.attrs).contains("flatten"));
            let entries = named
                .named
                .iter()
                .filter(|f| !serde_text(&f.attrs).contains("flatten"))
                .map(|f| {
                    let wire = rename(&f.attrs).unwrap_or_else(|| {
                        f.ident
                            .as_ref()
                            .map(|i| i.unraw().to_string())
                            .unwrap_or_default()
                    });
                    let ty = &f.ty;
                    quote!((#wire, <#ty as mitra_core::tolerant::Known>::SHAPE))
                });
            quote!(&mitra_core::tolerant::Shape::Object { fields: &[#(#entries),*], open: #open })
        }
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let ty = &unnamed.unnamed[0].ty;
            quote!(<#ty as mitra_core::tolerant::Known>::SHAPE)
        }
        _ => quote!(&mitra_core::tolerant::Shape::Any),
    }
}

fn serde_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.to_token_stream().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn untagged(attrs: &[syn::Attribute]) -> bool {
    serde_text(attrs).contains("untagged")
}

/// The wire name a `#[serde(rename = "...")]` among `attrs` gives.
pub fn rename(attrs: &[syn::Attribute]) -> Option<String> {
    let text = serde_text(attrs);
    let rest = &text[text.find("rename =")? + "rename =".len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_response_type_names_its_wire_fields_and_what_lies_under_them() {
        let file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            pub struct Fee {
                #[serde(rename = "feeTax", skip_serializing_if = "::std::option::Option::is_none")]
                pub fee_tax: ::std::option::Option<mitra_core::LenientInt>,
                pub r#type: ::std::string::String,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum OneOrMany {
                One(Fee),
                Many(::std::vec::Vec<Fee>),
            }
            #[derive(::serde::Deserialize)]
            pub struct Status(i64);
            #[derive(::serde::Deserialize)]
            pub struct RequestOnly {
                pub weight: i64,
            }
        };
        let wanted: BTreeSet<String> = ["Fee", "OneOrMany", "Status"].map(String::from).into();
        let code: Vec<String> = impls(&file.items, &wanted)
            .iter()
            .map(|item| {
                item.to_token_stream()
                    .to_string()
                    .split_whitespace()
                    .collect()
            })
            .collect();
        assert_eq!(code.len(), 3, "{code:#?}");
        assert!(code[0].contains(r#"("feeTax",<::std::option::Option<mitra_core::LenientInt>asmitra_core::tolerant::Known>::SHAPE),("type","#), "{}", code[0]);
        assert!(
            !code[0].contains("\"extra\"") && code[0].contains("open:true"),
            "{}",
            code[0]
        );
        assert!(
            code[1].contains(
                "OneOf(&[<Feeasmitra_core::tolerant::Known>::SHAPE,<::std::vec::Vec<Fee>as"
            ),
            "{}",
            code[1]
        );
        assert!(
            code[2].contains("constSHAPE:&'staticmitra_core::tolerant::Shape=<i64as"),
            "{}",
            code[2]
        );
    }
}
