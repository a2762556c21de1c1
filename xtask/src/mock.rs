//! Typed mocks for users' tests, from progenitor's httpmock generator, with
//! its known gaps closed: path parameter values are matched literally (and
//! percent-encoded as the client sends them) instead of as regex fragments,
//! and form bodies (ELKASSA) are matched field by field, since httpmock's
//! JSON body matcher never matches a form.

use anyhow::{Context, Result};
use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, ReferenceOr};
use progenitor_impl::{GenerationSettings, Generator};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

use crate::operation::OperationMeta;

/// The mock module's code.
pub fn generate(
    settings: &GenerationSettings,
    spec: &OpenAPI,
    ops: &[OperationMeta],
    vendor: &crate::vendors::Vendor,
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
    UserTypedInputs::new(ops, &form_operations(spec))?.visit_file_mut(&mut file);
    ClientIntegers.visit_file_mut(&mut file);
    RetryAfter.visit_file_mut(&mut file);
    vendor_scoped_entry(&mut file, ops, vendor)?;
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
            /// A mock server on 127.0.0.1; this vendor's typed mocks are on
            /// its vendor-named entry (see the module's traits).
            pub use ::httpmock::MockServer;
        },
    );
    file.items.insert(
        2,
        syn::parse_quote! {
            /// Captures the client's tracing events in a test, to assert what
            /// a call logged (and that no secret or personal value is in it).
            pub use ::mitra_core::testing::{Captured, capture_tracing};
        },
    );
    let code = prettyplease::unparse(&file);
    crate::output::rustfmt(&code)
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

/// The `body` matcher of an `x-mitra-input` operation takes the input the
/// client's method takes (a `Journal`, not its wire body): the request
/// matches when its body is one of those a client may send for it
/// (`mitra_core::plumbing::MockInput`: one per client setting that shapes
/// the body, such as Sempoa's journal format). The wire-typed matcher stays
/// as `body_wire`.
struct UserTypedInputs(Vec<(String, syn::Type, bool)>);

impl UserTypedInputs {
    fn new(ops: &[OperationMeta], form_ops: &[String]) -> Result<Self> {
        let mut out = Vec::new();
        for op in ops {
            let Some(input) = &op.input else {
                continue;
            };
            let input: syn::Type = syn::parse_str(input)
                .with_context(|| format!("{}: x-mitra-input `{input}`", op.id))?;
            out.push((
                format!("{}When", op.id.to_upper_camel_case()),
                input,
                form_ops.contains(&op.id),
            ));
        }
        Ok(Self(out))
    }
}

impl VisitMut for UserTypedInputs {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let name = item.self_ty.to_token_stream().to_string();
        if let Some((_, input, form)) = self.0.iter().find(|(when, _, _)| *when == name) {
            let mut wire = None;
            for member in item.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = member
                    && f.sig.ident == "body"
                    && let Some(syn::FnArg::Typed(arg)) = f.sig.inputs.iter().nth(1)
                    && let syn::Type::Reference(r) = &*arg.ty
                {
                    wire = Some((*r.elem).clone());
                    f.sig.ident = syn::parse_quote!(body_wire);
                    f.attrs.push(syn::parse_quote! {
                        /// Matches this body as sent.
                    });
                }
            }
            // Compared as JSON values or as form fields: the order of an
            // object's keys or a form's fields is not the body's meaning.
            let matcher: syn::Expr = if *form {
                syn::parse_quote!({
                    let fields = |text: &str| {
                        let mut fields: Vec<(String, String)> =
                            ::serde_urlencoded::from_str(text).unwrap_or_default();
                        fields.sort();
                        fields
                    };
                    let expected: Vec<_> = bodies
                        .iter()
                        .map(|b| fields(&::serde_urlencoded::to_string(b).unwrap_or_default()))
                        .collect();
                    // The client adds its configured fields (keys, tokens) and
                    // may send JSON instead of a form: the input's fields match
                    // when all are there, whatever else is.
                    move |req: &::httpmock::HttpMockRequest| {
                        let got: Vec<(String, String)> = match ::serde_json::from_slice::<
                            ::serde_json::Map<String, ::serde_json::Value>,
                        >(
                            req.body_ref()
                        ) {
                            Ok(object) => object
                                .into_iter()
                                .map(|(k, v)| match v {
                                    ::serde_json::Value::String(s) => (k, s),
                                    v => (k, v.to_string()),
                                })
                                .collect(),
                            Err(_) => fields(&req.body_string()),
                        };
                        expected
                            .iter()
                            .any(|want| want.iter().all(|f| got.contains(f)))
                    }
                })
            } else {
                syn::parse_quote!({
                    let expected: Vec<::serde_json::Value> = bodies
                        .iter()
                        .filter_map(|b| ::serde_json::to_value(b).ok())
                        .collect();
                    move |req: &::httpmock::HttpMockRequest| {
                        ::serde_json::from_slice::<::serde_json::Value>(req.body_ref())
                            .is_ok_and(|got| expected.contains(&got))
                    }
                })
            };
            if let Some(wire) = wire {
                item.items.push(syn::parse_quote! {
                    /// Matches the body the client sends for `value`, the input its
                    /// method takes, whichever way the client is set to send it
                    /// (see `body_wire` to match one body as sent).
                    pub fn body(self, value: &#input) -> Self {
                        let bodies: Vec<#wire> = ::mitra_core::plumbing::MockInput::wire_bodies(value);
                        Self(self.0.is_true(#matcher))
                    }
                });
            }
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}

/// Matchers take the integer types the client's methods take: a count the
/// spec starts at 1 is a `NonZeroU64` in progenitor's code, a `u64` in the
/// client's (which refuses 0 before sending).
struct ClientIntegers;

impl VisitMut for ClientIntegers {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if ty.to_token_stream().to_string() == ":: std :: num :: NonZeroU64" {
            *ty = syn::parse_quote!(u64);
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// A 429 says when to come back: `too_many_requests(retry_after, &body)`
/// sets `Retry-After` (whole seconds, rounded up), which the client's
/// retries and its `Error::RateLimited` read.
struct RetryAfter;

impl VisitMut for RetryAfter {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let mut wire = None;
        for member in item.items.iter_mut() {
            if let syn::ImplItem::Fn(f) = member
                && f.sig.ident == "too_many_requests"
                && let Some(syn::FnArg::Typed(arg)) = f.sig.inputs.iter().nth(1)
            {
                wire = Some((*arg.ty).clone());
                f.sig.ident = syn::parse_quote!(too_many_requests_body);
                f.vis = syn::Visibility::Inherited;
            }
        }
        if let Some(wire) = wire {
            item.items.push(syn::parse_quote! {
                /// A 429 with `Retry-After: retry_after` (whole seconds, rounded
                /// up) and this body.
                pub fn too_many_requests(self, retry_after: ::std::time::Duration, value: #wire) -> Self {
                    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                    Self(self.0.header("retry-after", seconds.to_string())).too_many_requests_body(value)
                }
            });
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}

/// progenitor's `MockServerExt` trait gives every vendor's crate the same
/// method names on httpmock's one `MockServer` type (`get_city` is Pos
/// Indonesia's and Fastrac's), so a test that mocks two vendors would not
/// compile. Each vendor gets instead an entry named for it,
/// `server.fastrac().get_city(...)`: a sealed one-method trait (its name and
/// its method are the vendor's, so nothing clashes whatever is imported)
/// returning a view whose inherent methods are the operations' mocks (a new
/// operation is a new inherent method: a minor change). The view also has
/// `explain_unmatched`.
fn vendor_scoped_entry(
    file: &mut syn::File,
    ops: &[OperationMeta],
    vendor: &crate::vendors::Vendor,
) -> Result<()> {
    let snake = vendor.name.to_snake_case();
    let camel = vendor.name.to_upper_camel_case();
    let title = vendor.title;
    let entry = quote::format_ident!("{}", snake);
    let mocks = quote::format_ident!("{}Mocks", camel);
    let entry_trait = quote::format_ident!("{}MockServer", camel);
    let mut methods: Vec<syn::ImplItemFn> = Vec::new();
    file.items.retain(|item| match item {
        syn::Item::Trait(t) => t.ident != "MockServerExt",
        syn::Item::Impl(i) if i.trait_.is_some() => {
            let head = i.to_token_stream().to_string();
            if head.starts_with("impl MockServerExt for") {
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member {
                        methods.push(f.clone());
                    }
                }
                false
            } else {
                true
            }
        }
        _ => true,
    });
    anyhow::ensure!(
        !methods.is_empty(),
        "progenitor's httpmock code has no `impl MockServerExt for` any more"
    );
    let methods = methods
        .into_iter()
        .map(|f| {
            let name = f.sig.ident.to_string();
            let op = ops
                .iter()
                .find(|op| op.id.to_snake_case() == name)
                .with_context(|| format!("mock method {name} is no operation of the spec"))?;
            let doc = format!(
                " Mocks `{}` (`{} {}`): `when` narrows the requests it answers, `then` says \
                 the answer.",
                op.id, op.method, op.path
            );
            let text = f
                .to_token_stream()
                .to_string()
                .replacen("fn ", "pub fn ", 1)
                .replacen("(& self ,", "(self ,", 1)
                .replace(":: httpmock :: Mock < '_ >", ":: httpmock :: Mock < 'a >")
                .replace("self . mock (", "self . server . mock (");
            let mut f: syn::ImplItemFn = syn::parse_str(&text)
                .with_context(|| format!("rewriting the mock method {name}"))?;
            f.attrs.push(syn::parse_quote!(#[doc = #doc]));
            Ok(f)
        })
        .collect::<Result<Vec<_>>>()?;
    let routes = ops.iter().map(|op| {
        let (id, method, path) = (&op.id, op.method, &op.path);
        quote::quote!((#id, #method, #path))
    });
    let entry_doc = format!(
        " {title}'s typed mocks on an httpmock [`MockServer`](::httpmock::MockServer): \
         `server.{snake}().get_...(|when, then| ...)`. Named for the vendor, so that mocks of \
         several vendors meet in one test, on one server or several, without a clash."
    );
    let entry_fn_doc = format!(" {title}'s typed mocks on this server.");
    let mocks_doc = format!(
        " {title}'s typed mocks on one server: a method per operation of the spec, and \
         [`explain_unmatched`]({mocks}::explain_unmatched). Made by [`{entry_trait}::{snake}`]."
    );
    let items: Vec<syn::Item> = vec![
        syn::parse_quote! {
            #[doc = #entry_doc]
            pub trait #entry_trait: sealed::Sealed {
                #[doc = #entry_fn_doc]
                fn #entry(&self) -> #mocks<'_>;
            }
        },
        syn::parse_quote! {
            impl #entry_trait for ::httpmock::MockServer {
                fn #entry(&self) -> #mocks<'_> {
                    #mocks { server: self }
                }
            }
        },
        syn::parse_quote! {
            #[doc = #mocks_doc]
            #[derive(Clone, Copy)]
            pub struct #mocks<'a> {
                server: &'a ::httpmock::MockServer,
            }
        },
        syn::parse_quote! {
            impl<'a> #mocks<'a> {
                #(#methods)*

                /// Registers a catch-all mock for a request that no other mock
                /// matched: its answer names the operation of the spec the
                /// request was closest to (by method and path, whether or not it
                /// is mocked) and how it differed, and the client returns it as
                /// `Error::UnmatchedMock`, never as the vendor's "not found".
                /// Call it after the other mocks: the first mock registered that
                /// matches answers.
                pub fn explain_unmatched(self) -> ::httpmock::Mock<'a> {
                    const ROUTES: &[(&str, &str, &str)] = &[#(#routes),*];
                    self.server.mock(|when, then| {
                        when.any_request();
                        then.respond_with(|req: &::httpmock::HttpMockRequest| {
                            let uri = req.uri();
                            let message = ::mitra_core::plumbing::explain_unmatched(
                                ROUTES,
                                req.method_str(),
                                uri.path(),
                                uri.query(),
                                req.body_ref(),
                                &::mitra_core::redact::Marked {
                                    personal: crate::operations::PERSONAL,
                                    secret: crate::operations::SECRET,
                                },
                            );
                            ::httpmock::HttpMockResponse::builder()
                                .status(404)
                                .header(::mitra_core::plumbing::UNMATCHED_MOCK_HEADER, "unmatched")
                                .header("content-type", "text/plain; charset=utf-8")
                                .body(message)
                                .build()
                        });
                    })
                }
            }
        },
        syn::parse_quote! {
            mod sealed {
                /// Only `MockServer` has the typed mocks.
                pub trait Sealed {}
                impl Sealed for ::httpmock::MockServer {}
            }
        },
    ];
    file.items.extend(items);
    Ok(())
}
