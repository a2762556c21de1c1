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
    UserTypedResponses::new(ops)?.visit_file_mut(&mut file);
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

/// `ok` takes what the client's method returns (`x-mitra-returns`): a
/// slice for a `Vec`, `str` for a `String`. It is sent in the vendor's
/// envelope, made by `mitra_core::plumbing::ResponseWire` (the inverse of
/// the crate's `FromWire`); the wire-typed `ok` stays as `ok_wire`.
struct UserTypedResponses(Vec<(String, syn::Type)>);

impl UserTypedResponses {
    fn new(ops: &[OperationMeta]) -> Result<Self> {
        let mut out = Vec::new();
        for op in ops {
            let Some(returns) = &op.returns else {
                continue;
            };
            let returns: syn::Type = syn::parse_str(returns)
                .with_context(|| format!("{}: x-mitra-returns `{returns}`", op.id))?;
            out.push((
                format!("{}Then", op.id.to_upper_camel_case()),
                borrowed_form(returns),
            ));
        }
        Ok(Self(out))
    }
}

/// `Vec<T>` as `[T]` and `String` as `str`: what a caller passes by reference.
fn borrowed_form(ty: syn::Type) -> syn::Type {
    if let syn::Type::Path(p) = &ty
        && let Some(last) = p.path.segments.last()
    {
        if last.ident == "String" {
            return syn::parse_quote!(str);
        }
        if last.ident == "Vec"
            && let syn::PathArguments::AngleBracketed(args) = &last.arguments
            && let Some(syn::GenericArgument::Type(item)) = args.args.first()
        {
            return syn::parse_quote!([#item]);
        }
    }
    ty
}

impl VisitMut for UserTypedResponses {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let name = item.self_ty.to_token_stream().to_string();
        if let Some((_, user)) = self.0.iter().find(|(then, _)| *then == name) {
            let mut wire = None;
            for member in item.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = member
                    && f.sig.ident == "ok"
                    && let Some(syn::FnArg::Typed(arg)) = f.sig.inputs.iter().nth(1)
                    && let syn::Type::Reference(r) = &*arg.ty
                {
                    wire = Some((*r.elem).clone());
                    f.sig.ident = syn::parse_quote!(ok_wire);
                    f.attrs.push(syn::parse_quote! {
                        /// A 200 with this body as the vendor sends it.
                    });
                }
            }
            if let Some(wire) = wire {
                item.items.push(syn::parse_quote! {
                    /// A 200 whose body the client's method returns as `value`:
                    /// the vendor's envelope around it (see `ok_wire` for the
                    /// body as sent).
                    pub fn ok(self, value: &#user) -> Self {
                        let wire: #wire = ::mitra_core::plumbing::ResponseWire::response_wire(value);
                        self.ok_wire(&wire)
                    }
                });
            }
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}
