//! The tolerant reader, by construction: every response type of `types` reads
//! its scalars through `mitra_core::tolerant::read` and its response enums are
//! open (an `Unknown(String)` variant), so that a vendor's harmless change (an
//! id sent as a string, a new status) still decodes, and is reported.
//!
//! Which types are response types is found from the generated client itself:
//! the types its methods return (`ResponseValue<types::X>`) and every type
//! their fields name, transitively. Types only requests use are left strict
//! (they are serialised, which `deserialize_with` does not touch anyway, and
//! their enums stay closed: we send exactly the spec's values).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit::Visit;
use syn::{Fields, Item, Type};

/// The field's identity in reports: FNV-1a of `Type.field`, stable across
/// regenerations (a spec change elsewhere renumbers nothing).
pub fn site(type_name: &str, field: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in type_name.bytes().chain([b'.']).chain(field.bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Makes the response types of `file`'s `types` module tolerant, and
/// `hand_roots` (types only the vendor crate's own response types use).
pub fn types(file: &mut syn::File, hand_roots: &BTreeSet<String>) {
    let mut roots = response_roots(file);
    roots.extend(hand_roots.iter().cloned());
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let names: BTreeSet<String> = items.iter().filter_map(item_name).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items.iter() {
        if let Some(name) = item_name(item) {
            let mut found = Idents::default();
            match item {
                Item::Struct(s) => found.visit_fields(&s.fields),
                Item::Enum(e) => e
                    .variants
                    .iter()
                    .for_each(|v| found.visit_fields(&v.fields)),
                _ => {}
            }
            edges.insert(
                name,
                found.0.into_iter().filter(|n| names.contains(n)).collect(),
            );
        }
    }
    let mut reachable: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().filter(|r| names.contains(r)).collect();
    while let Some(name) = stack.pop() {
        if reachable.insert(name.clone()) {
            stack.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    let mut opened: Vec<String> = Vec::new();
    let mut extra: Vec<Item> = Vec::new();
    for item in items.iter_mut() {
        let Some(name) = item_name(item) else {
            continue;
        };
        if !reachable.contains(&name) {
            continue;
        }
        match item {
            Item::Struct(s) if derives(&s.attrs, "Deserialize") => tolerant_fields(s),
            Item::Enum(e) if is_string_enum(e) => {
                extra.extend(open_enum_impls(e));
                *item = open_enum(e);
                opened.push(name);
            }
            _ => {}
        }
    }
    // typify's `Deserialize` of a constrained newtype (`enum: [200]`, a
    // pattern) reads its inner scalar strictly: read it tolerantly, the
    // constraint is still checked.
    for item in items.iter_mut() {
        if let Item::Impl(i) = item
            && let Some(name) = impl_self(i)
            && reachable.contains(&name)
            && i.to_token_stream()
                .to_string()
                .contains("Deserialize < 'de > for")
        {
            let site = site(&name, "");
            let mut text = i.to_token_stream().to_string();
            for scalar in ["i64", "u64", "f64", "bool", ":: std :: string :: String"] {
                let strict = format!("< {scalar} > :: deserialize (deserializer)");
                let tolerant = format!(
                    "mitra_core :: tolerant :: read :: < _ , {scalar} , {site} > (deserializer)"
                );
                text = text.replace(&strict, &tolerant);
            }
            *i = syn::parse_str(&text).expect("a rewritten Deserialize impl parses");
        }
    }
    // typify's own impls of an opened enum are replaced by `open_enum_impls`'s.
    items.retain(|item| match item {
        Item::Impl(i) => !opened.iter().any(|name| impl_is_replaced(i, name)),
        _ => true,
    });
    // An opened enum holds a `String`: what holds it is no longer `Copy`.
    for item in items.iter_mut() {
        if let Item::Struct(s) = item {
            let mut named = Idents::default();
            named.visit_fields(&s.fields);
            if named.0.iter().any(|n| opened.contains(n)) {
                crate::personal::drop_derive(&mut s.attrs, "Copy");
            }
        }
    }
    // Each response type's table of the fields it reads, for the look for
    // unknown ones.
    extra.extend(crate::known_fields::impls(items, &reachable));
    items.extend(extra);
}

fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

/// The last identifier of every path in what it visits.
#[derive(Default)]
struct Idents(BTreeSet<String>);

impl<'ast> Visit<'ast> for Idents {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(last) = path.segments.last() {
            self.0.insert(last.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
}

/// The types the generated client's methods return: `ResponseValue<types::X>`.
fn response_roots(file: &syn::File) -> BTreeSet<String> {
    struct Roots(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Roots {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            if segment.ident == "ResponseValue"
                && let syn::PathArguments::AngleBracketed(args) = &segment.arguments
            {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(ty) = arg {
                        let mut idents = Idents::default();
                        idents.visit_type(ty);
                        self.0.extend(idents.0);
                    }
                }
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut roots = Roots(BTreeSet::new());
    roots.visit_file(file);
    roots.0
}

fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("derive") && a.to_token_stream().to_string().contains(name))
}

fn serde_attr_text(field: &syn::Field) -> String {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.to_token_stream().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a field of type `ty` is read tolerantly, if it is one the reader knows.
enum Reading {
    /// A scalar (`i64`, `String`, ...) or an optional one.
    Scalar { optional: bool },
    /// A map whose absence is its default: `null` too.
    NullAsDefault,
    /// A list: one item alone is a list of one; `null` is empty where the
    /// list's absence is (`default`), `None` where it is optional.
    List { optional: bool },
}

fn reading(ty: &Type, has_default: bool) -> Option<Reading> {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    const SCALARS: [&str; 9] = [
        "mitra_core::LenientInt",
        "mitra_core::Code",
        "i64",
        "u64",
        "f64",
        "bool",
        "String",
        "::std::string::String",
        "::std::num::NonZeroU64",
    ];
    if SCALARS.contains(&text.as_str()) {
        return Some(Reading::Scalar { optional: false });
    }
    if let Some(inner) = text
        .strip_prefix("::std::option::Option<")
        .and_then(|t| t.strip_suffix('>'))
        && SCALARS.contains(&inner)
    {
        return Some(Reading::Scalar { optional: true });
    }
    if text.starts_with("::std::vec::Vec<") {
        return Some(Reading::List { optional: false });
    }
    if text.starts_with("::std::option::Option<::std::vec::Vec<") {
        return Some(Reading::List { optional: true });
    }
    if has_default && text.starts_with("::serde_json::Map<") {
        return Some(Reading::NullAsDefault);
    }
    None
}

fn tolerant_fields(s: &mut syn::ItemStruct) {
    let type_name = s.ident.to_string();
    let fields: Vec<&mut syn::Field> = match &mut s.fields {
        Fields::Named(named) => named.named.iter_mut().collect(),
        Fields::Unnamed(unnamed) => unnamed.unnamed.iter_mut().collect(),
        Fields::Unit => return,
    };
    for (index, field) in fields.into_iter().enumerate() {
        let serde = serde_attr_text(field);
        if serde.contains("deserialize_with")
            || serde.contains("with =")
            || serde.contains("flatten")
        {
            continue;
        }
        let has_default = serde.contains("default");
        let name = field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
            .unwrap_or_else(|| index.to_string());
        let site = site(&type_name, &name);
        match reading(&field.ty, has_default) {
            Some(Reading::Scalar { optional }) => {
                let path = format!("mitra_core::tolerant::read::<_, _, {site}>");
                field.attrs.push(if optional && !has_default {
                    syn::parse_quote!(#[serde(default, deserialize_with = #path)])
                } else {
                    syn::parse_quote!(#[serde(deserialize_with = #path)])
                });
            }
            Some(Reading::List { optional }) => {
                let reader = match (optional, has_default) {
                    (true, _) => "option_list",
                    (false, true) => "list_or_empty",
                    (false, false) => "list",
                };
                let path = format!("mitra_core::tolerant::{reader}::<_, _, {site}>");
                field.attrs.push(if optional && !has_default {
                    syn::parse_quote!(#[serde(default, deserialize_with = #path)])
                } else {
                    syn::parse_quote!(#[serde(deserialize_with = #path)])
                });
            }
            Some(Reading::NullAsDefault) => {
                let path = format!("mitra_core::tolerant::null_as_default::<_, _, {site}>");
                field
                    .attrs
                    .push(syn::parse_quote!(#[serde(deserialize_with = #path)]));
            }
            None => {}
        }
    }
}

/// An enum of unit variants, each a string on the wire (typify's enums of a
/// string schema with `enum`).
fn is_string_enum(e: &syn::ItemEnum) -> bool {
    derives(&e.attrs, "Deserialize")
        && !e
            .attrs
            .iter()
            .any(|a| a.to_token_stream().to_string().contains("untagged"))
        && !e.variants.is_empty()
        && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// The wire value of a unit variant: its `#[serde(rename)]`, else its name.
fn variant_wire(v: &syn::Variant) -> String {
    crate::known_fields::rename(&v.attrs).unwrap_or_else(|| v.ident.to_string())
}

/// The enum, open: the spec's values, and `Unknown(String)` for any other.
fn open_enum(e: &syn::ItemEnum) -> Item {
    let docs: Vec<&syn::Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let name = &e.ident;
    let variants = e.variants.iter().map(|v| {
        let ident = &v.ident;
        let doc = format!("`{}`", variant_wire(v));
        let docs: Vec<&syn::Attribute> = v
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        if docs.is_empty() {
            quote!(#[doc = #doc] #ident)
        } else {
            quote!(#(#docs)* #ident)
        }
    });
    syn::parse_quote! {
        #(#docs)*
        ///
        /// Open: a value the spec does not list (yet) is kept in `Unknown`,
        /// so that a vendor's new value does not sink the answer.
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value the spec does not list, as the vendor sent it.
            Unknown(::std::string::String),
        }
    }
}

/// The name of the type an impl is for.
fn impl_self(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether `i` is one of typify's impls for the enum `name` that
/// [`open_enum_impls`] replaces (`Display`, `FromStr`, `TryFrom<&str>`, ...).
fn impl_is_replaced(i: &syn::ItemImpl, name: &str) -> bool {
    let Type::Path(self_ty) = &*i.self_ty else {
        return false;
    };
    self_ty
        .path
        .segments
        .last()
        .is_some_and(|s| s.ident == name)
        && i.trait_.is_some()
}

/// The impls of the opened enum `e` (given as typify made it).
fn open_enum_impls(e: &syn::ItemEnum) -> Vec<Item> {
    let name = e.ident.to_string();
    let ident = format_ident!("{}", name);
    let known: Vec<(&syn::Ident, String)> = e
        .variants
        .iter()
        .filter(|v| v.ident != "Unknown")
        .map(|v| (&v.ident, variant_wire(v)))
        .collect();
    let idents: Vec<&syn::Ident> = known.iter().map(|(i, _)| *i).collect();
    let wires: Vec<&str> = known.iter().map(|(_, w)| w.as_str()).collect();
    let site = site(&name, "");
    let schema_description = format!(
        "One of {}; another value is kept as sent.",
        wires
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let tokens: TokenStream = quote! {
        impl #ident {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String = mitra_core::tolerant::read::<_, _, #site>(d)?;
                let value = Self::from(value.as_str());
                if let Self::Unknown(_) = value {
                    mitra_core::tolerant::tolerated::<D::Error>(#site, "one of the spec's values", "another value")?;
                }
                Ok(value)
            }
        }
        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({"type": "string", "description": #schema_description})
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("open enum impls parse");
    file.items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_types_read_tolerantly_and_their_enums_open_request_types_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct CityEnvelope {
                    pub data: ::std::option::Option<::std::vec::Vec<City>>,
                    pub success: bool,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct City {
                    pub city_id: i64,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub province_id: ::std::option::Option<i64>,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    pub unit: Unit,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
                pub enum Unit {
                    #[serde(rename = "hours")]
                    Hours,
                    #[serde(rename = "days")]
                    Days,
                }
                impl ::std::fmt::Display for Unit {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct OrderRequest {
                    pub weight: i64,
                    pub vehicle: Vehicle,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Vehicle {
                    #[serde(rename = "bike")]
                    Bike,
                }
            }
            impl Client {
                pub async fn get_city(&self) -> Result<ResponseValue<types::CityEnvelope>, Error<()>> { todo!() }
                pub async fn order(&self, body: &types::OrderRequest) -> Result<ResponseValue<()>, Error<()>> { todo!() }
            }
        };
        types(&mut file, &BTreeSet::new());
        let code = prettyplease::unparse(&file);
        let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let city_id = site("City", "city_id");
        assert!(
            code.contains(&format!(
                "#[serde(deserialize_with = \"mitra_core::tolerant::read::<_, _, {city_id}>\")]\n        pub city_id: i64"
            )),
            "{code}"
        );
        assert!(
            flat.contains("#[serde( default, deserialize_with"),
            "{code}"
        );
        let tags = site("City", "tags");
        assert!(
            code.contains(&format!(
                "mitra_core::tolerant::list_or_empty::<_, _, {tags}>"
            )),
            "{code}"
        );
        let data = site("CityEnvelope", "data");
        assert!(
            flat.contains(&format!(
                "#[serde( default, deserialize_with = \"mitra_core::tolerant::option_list::<_, _, {data}>\" )]"
            )),
            "{code}"
        );
        assert!(code.contains("Unknown(::std::string::String)"), "{code}");
        assert!(code.contains("pub fn as_str(&self)"), "{code}");
        // typify's Display of the opened enum is gone (ours replaces it).
        assert_eq!(
            code.matches("impl ::std::fmt::Display for Unit").count(),
            1,
            "{code}"
        );
        // The request's types are left as they were.
        let request = &code[code.find("pub struct OrderRequest").unwrap()..];
        let request = &request[..request.find('}').unwrap()];
        assert!(!request.contains("tolerant"), "{request}");
        assert!(
            !code.contains(
                "Vehicle {\n        #[serde(rename = \"bike\")]\n        Bike,\n        Unknown"
            ),
            "{code}"
        );
        assert!(!code.contains("impl Vehicle"), "{code}");
    }
}
