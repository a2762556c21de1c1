//! Typed mocks for users' tests, from progenitor's httpmock generator, with
//! its known gaps closed: path parameter values are matched literally (and
//! percent-encoded as the client sends them) instead of as regex fragments,
//! and form bodies (ELKASSA) are matched field by field, since httpmock's
//! JSON body matcher never matches a form.

use anyhow::{Context, Result};
use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr};
use progenitor_impl::{GenerationSettings, Generator};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

use crate::generate::OperationMeta;

/// The mock module's code.
pub fn generate(
    settings: &GenerationSettings,
    spec: &OpenAPI,
    ops: &[OperationMeta],
) -> Result<String> {
    let tokens = Generator::new(settings)
        .httpmock(spec, "crate")
        .map_err(|e| anyhow::anyhow!("progenitor httpmock: {e}"))?;
    let mut file: syn::File =
        syn::parse2(tokens).context("progenitor's httpmock code does not parse")?;
    LiteralPathValues.visit_file_mut(&mut file);
    let form_ops: Vec<String> = form_operations(spec)
        .into_iter()
        .map(|id| format!("{}When", id.to_upper_camel_case()))
        .collect();
    FormBodies(&form_ops).visit_file_mut(&mut file);
    sealed_extension_trait(&mut file);
    // Users mock without adding httpmock themselves.
    file.items.insert(
        0,
        syn::parse_quote! {
            /// The mock server crate, [httpmock](https://docs.rs/httpmock).
            pub use ::httpmock;
        },
    );
    file.items.insert(
        1,
        syn::parse_quote! {
            /// A mock server on 127.0.0.1; [`MockServerExt`] adds one typed
            /// method per operation.
            pub use ::httpmock::MockServer;
        },
    );
    // The token endpoint is the token source's, not something to mock.
    let _ = ops;
    let code = prettyplease::unparse(&file);
    crate::generate::rustfmt(&code)
}

/// `MockServerExt` is implemented for httpmock's `MockServer` only, and
/// sealed: a new operation's mock is a new trait method, which would break
/// anyone else's implementation (cargo-semver-checks' `trait_method_added`);
/// sealed, it is a minor change.
fn sealed_extension_trait(file: &mut syn::File) {
    for item in file.items.iter_mut() {
        if let syn::Item::Trait(t) = item
            && t.ident == "MockServerExt"
        {
            t.supertraits.push(syn::parse_quote!(sealed::Sealed));
        }
    }
    file.items.push(syn::parse_quote! {
        mod sealed {
            /// Only `MockServer` has the typed mocks.
            pub trait Sealed {}
            impl Sealed for ::httpmock::MockServer {}
        }
    });
}

fn form_operations(spec: &OpenAPI) -> Vec<String> {
    let mut out = Vec::new();
    for (_, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            let form = match &op.request_body {
                Some(ReferenceOr::Item(body)) => body
                    .content
                    .contains_key("application/x-www-form-urlencoded"),
                _ => false,
            };
            if let (true, Some(id)) = (form, &op.operation_id) {
                out.push(id.clone());
            }
        }
    }
    out
}

/// `format!("^/akun/{}$", value.to_string())` becomes a regex that matches
/// the value literally, as the client encodes it in the path.
struct LiteralPathValues;

impl VisitMut for LiteralPathValues {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let text = mac.tokens.to_string();
        if mac.path.is_ident("format") && text.starts_with("\"^") {
            let fixed = text.replace(
                "value . to_string ()",
                "regex :: escape (& :: progenitor_client :: encode_path (& value . to_string ()))",
            );
            if let Ok(tokens) = fixed.parse() {
                mac.tokens = tokens;
            }
        }
        syn::visit_mut::visit_macro_mut(self, mac);
    }
}

/// The `body` matcher of an operation with a form body matches each field.
struct FormBodies<'a>(&'a [String]);

impl VisitMut for FormBodies<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let name = item.self_ty.to_token_stream().to_string();
        if self.0.contains(&name) {
            for member in item.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = member
                    && f.sig.ident == "body"
                {
                    f.block = syn::parse_quote!({
                        let text = ::serde_urlencoded::to_string(value).unwrap_or_default();
                        let fields: Vec<(String, String)> =
                            ::serde_urlencoded::from_str(&text).unwrap_or_default();
                        Self(
                            fields
                                .into_iter()
                                .fold(self.0, |when, (k, v)| when.form_urlencoded_tuple(k, v)),
                        )
                    });
                }
            }
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}
