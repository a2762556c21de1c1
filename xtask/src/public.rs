//! The public methods of a vendor's `Client`, one per operation of its spec.
//!
//! Each method takes the operation's inputs as progenitor types them (less
//! those the client's configuration supplies), checks what the spec says of
//! its parameters, runs the vendor's rules that the spec names
//! (`x-mitra-validate`, `x-mitra-input`, `x-mitra-returns`), and sends the
//! call through the runtime with its operation metadata, so that every
//! operation is authenticated, retried per its safety, decoded and traced.

use anyhow::{Context, Result, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::operation::OperationMeta;

/// The `impl crate::Client` block with every operation's method.
pub fn methods(
    raw: &syn::File,
    ops: &[OperationMeta],
    krate: &str,
    limited: &std::collections::BTreeSet<String>,
) -> Result<TokenStream> {
    let raw_methods: Vec<&syn::ImplItemFn> = raw
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if i.trait_.is_none() => Some(i),
            _ => None,
        })
        .flat_map(|i| i.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    let mut arms = Vec::new();
    let mut schema_arms = Vec::new();
    for op in ops.iter().filter(|op| !op.token_endpoint) {
        let name = op.id.to_snake_case();
        let raw_fn = raw_methods
            .iter()
            .find(|f| f.sig.ident == name)
            .with_context(|| format!("progenitor made no method for {}", op.id))?;
        let (tokens, arm, schema_arm) = method(op, &raw_fn.sig, krate, limited)?;
        out.push(tokens);
        arms.push(arm);
        schema_arms.push(schema_arm);
    }
    Ok(quote! {
        impl Client {
            /// The raw client for one attempt: the core's base URL and HTTP
            /// client (shared, not copied), the attempt's state.
            #[inline]
            fn for_attempt(
                core: &mitra_core::plumbing::ClientCore,
                attempt: mitra_core::plumbing::Attempt,
            ) -> Self {
                Self {
                    baseurl: core.shared_base_url(),
                    client: core.http().clone(),
                    inner: attempt,
                }
            }
        }

        impl crate::Client {
            /// This client with `options` for the calls made through it (a
            /// timeout, the most attempts, extra headers and query fields):
            /// it shares this one's token, rate budget and connections. See
            /// [`CallOptions`](mitra_core::CallOptions); an option it refuses
            /// (a credential header) fails every call, before anything is sent.
            pub fn with_options(&self, options: mitra_core::CallOptions) -> Self {
                let mut view = self.clone();
                view.core = self.core.with_options(options);
                view
            }

            /// The value of the call `call` makes on this client, with its
            /// answer: status, headers, the vendor's request id, attempts and
            /// time taken ([`Response`](mitra_core::Response)). When `call`
            /// makes several calls, the last one's answer.
            pub async fn with_response<T>(
                &self,
                call: impl AsyncFnOnce(&Self) -> mitra_core::Result<T>,
            ) -> mitra_core::Result<mitra_core::Response<T>> {
                let capture = mitra_core::options::Capture::new();
                let view = self.with_options(mitra_core::CallOptions::new().capturing(&capture));
                let started = ::std::time::Instant::now();
                let value = call(&view).await?;
                capture.into_response(value, started.elapsed())
            }

            #(#out)*
        }

        /// Every operation by its id, with its inputs as one JSON object
        /// (what the `mitra` CLI calls).
        #[cfg(feature = "dynamic")]
        impl mitra_core::dynamic::DynamicClient for crate::Client {
            fn operations(&self) -> &'static [mitra_core::Operation] {
                operations::ALL
            }

            fn with_options_dyn(
                &self,
                options: mitra_core::CallOptions,
            ) -> Box<dyn mitra_core::dynamic::DynamicClient> {
                Box::new(self.with_options(options))
            }

            fn call_json<'a>(
                &'a self,
                operation_id: &'a str,
                input: ::serde_json::Value,
            ) -> mitra_core::dynamic::CallFuture<'a> {
                Box::pin(async move {
                    let mut input = mitra_core::dynamic::object(input)?;
                    let _ = &mut input;
                    match operation_id {
                        #(#arms)*
                        other => Err(mitra_core::dynamic::unknown(other)),
                    }
                })
            }
        }

        /// The JSON Schemas of an operation's input and result, by its id.
        #[cfg(feature = "schema")]
        pub fn operation_schema(operation_id: &str) -> Option<::serde_json::Value> {
            let fields = |op: &mitra_core::Operation| {
                let properties: ::serde_json::Map<String, ::serde_json::Value> = op
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            f.name.to_owned(),
                            ::serde_json::json!({"type": f.kind, "description": f.help}),
                        )
                    })
                    .collect();
                ::serde_json::json!({"type": "object", "properties": properties})
            };
            let _ = &fields;
            Some(match operation_id {
                #(#schema_arms)*
                _ => return None,
            })
        }
    })
}

/// `T` of `Result<ResponseValue<T>, Error<()>>`.
fn success_type(sig: &syn::Signature) -> Result<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        bail!("{} returns nothing", sig.ident);
    };
    let first_generic = |ty: &syn::Type| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    };
    first_generic(ty)
        .and_then(|response_value| first_generic(&response_value))
        .with_context(|| format!("{}: unexpected return type", sig.ident))
}

/// The spec's name of the parameter progenitor calls `ident`.
fn spec_name(op: &OperationMeta, ident: &syn::Ident) -> String {
    op.params
        .iter()
        .find(|p| *ident == p.name.to_snake_case())
        .map_or_else(|| ident.to_string(), |p| p.name.clone())
}

fn method(
    op: &OperationMeta,
    raw: &syn::Signature,
    krate: &str,
    limited: &std::collections::BTreeSet<String>,
) -> Result<(TokenStream, TokenStream, TokenStream)> {
    let name = &raw.ident;
    let constant = format_ident!("{}", op.id.to_shouty_snake_case());
    let generics = &raw.generics;
    let args: Vec<&syn::PatType> = raw
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(t),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let arg_names: Vec<syn::Ident> = args
        .iter()
        .map(|a| match &*a.pat {
            syn::Pat::Ident(i) => Ok(i.ident.clone()),
            _ => bail!("{}: unexpected argument pattern", op.id),
        })
        .collect::<Result<_>>()?;
    let wire = success_type(raw)?;

    let mut checks = Vec::new();
    for param in &op.params {
        let ident = format_ident!("{}", param.name.to_snake_case());
        let Some((arg, _)) = args.iter().zip(&arg_names).find(|(_, n)| **n == ident) else {
            continue;
        };
        let arg_ty = &arg.ty;
        let ty = quote!(#arg_ty).to_string().replace(' ', "");
        let is_str = ty.ends_with("&'astr");
        let spec_name = &param.name;
        if param.validate {
            checks.push(quote!(mitra_core::plumbing::Validate::validate(#ident)?;));
        }
        if param.location == "path" && is_str && param.may_contain_slash {
            // progenitor's `encode_path` sends each `/` as `%2F`.
            checks.push(
                quote!(mitra_core::plumbing::check_path_param_may_contain_slash(#spec_name, #ident)?;),
            );
        } else if param.location == "path" && is_str {
            checks.push(quote!(mitra_core::plumbing::check_path_param(#spec_name, #ident)?;));
        }
        if let (Some(min), true) = (param.minimum, ty == "i64") {
            checks.push(quote!(mitra_core::plumbing::check_minimum(#spec_name, #ident, #min)?;));
        }
        if let (Some(min), true) = (param.min_length, is_str) {
            checks.push(quote!(mitra_core::plumbing::check_min_length(#spec_name, #ident, #min)?;));
        }
        if let (Some(min), "Option<&'astr>") = (param.min_length, ty.as_str()) {
            checks.push(quote! {
                if let Some(given) = #ident {
                    mitra_core::plumbing::check_min_length(#spec_name, given, #min)?;
                }
            });
        }
    }
    // The body's limits from the spec (`crate::limits`), before any hand rule.
    let body_type = args
        .iter()
        .zip(&arg_names)
        .find(|(_, n)| *n == "body")
        .map(|(arg, _)| {
            let ty = &arg.ty;
            quote!(#ty).to_string().replace(' ', "")
        });
    if let Some(name) = body_type
        .as_deref()
        .and_then(|t| t.strip_prefix("&'atypes::"))
        && limited.contains(name)
        && op.input.is_none()
    {
        checks.push(quote!(mitra_core::plumbing::CheckLimits::check_limits(body)?;));
    }
    if op.validate {
        if !arg_names.iter().any(|n| n == "body") {
            bail!("{}: x-mitra-validate needs a request body", op.id);
        }
        checks.push(quote!(mitra_core::plumbing::Validate::validate(body)?;));
    }

    let (ret, convert) = match &op.returns {
        Some(rust) => {
            let ty: syn::Type = syn::parse_str(rust)
                .with_context(|| format!("{}: x-mitra-returns is not a Rust type", op.id))?;
            (
                quote!(#ty),
                quote!(<#ty as mitra_core::plumbing::FromWire<#wire>>::from_wire(wire)),
            )
        }
        None => (quote!(#wire), quote!(Ok(wire))),
    };

    let mut doc = vec![format!("{}.", op.summary.trim_end_matches('.'))];
    if !op.description.trim().is_empty() {
        doc.push(String::new());
        doc.extend(op.description.trim().lines().map(str::to_owned));
    }
    doc.push(String::new());
    doc.push(format!(
        "`{} {}` (`{}`). {}",
        op.method,
        op.path,
        op.id,
        if op.retry_safe {
            "Safe to repeat: retried on 429, 502-504, timeouts and transport errors."
        } else {
            "Changes state: never retried once the request may have reached the vendor."
        }
    ));
    let doc: Vec<String> = doc.iter().map(|line| format!(" {line}")).collect();

    // A count that the spec says starts at 1 (typed NonZeroU64 by
    // progenitor) is taken as a plain u64: 0 is a validation error with the
    // parameter's name rather than a type the caller must build.
    let mut params = Vec::new();
    for (arg, ident) in args.iter().zip(&arg_names) {
        let ty = &arg.ty;
        let text = quote!(#ty).to_string().replace(' ', "");
        let spec_name = spec_name(op, ident);
        let invalid = quote!(mitra_core::Error::validation(#spec_name, "must be at least 1"));
        if text == "::std::num::NonZeroU64" {
            params.push(quote!(#ident: u64));
            checks.insert(
                0,
                quote!(let #ident = ::std::num::NonZeroU64::new(#ident).ok_or_else(|| #invalid)?;),
            );
        } else if text == "Option<::std::num::NonZeroU64>" {
            params.push(quote!(#ident: Option<u64>));
            checks.insert(
                0,
                quote!(let #ident = #ident
                    .map(|n| ::std::num::NonZeroU64::new(n).ok_or_else(|| #invalid))
                    .transpose()?;),
            );
        } else {
            params.push(quote!(#arg));
        }
    }

    let callee = if op.input.is_some() {
        format_ident!("{}_wire", name)
    } else {
        name.clone()
    };
    let example = example(op, krate, &callee, &params, &arg_names)?;
    let mut doc = doc;
    doc.extend(example.iter().map(|line| format!(" {line}")));

    let send = quote! {
        #(#checks)*
        let wire = self
            .core
            .send(&operations::#constant, move |attempt| {
                // Built before the future: it holds the attempt once.
                let api = Client::for_attempt(&self.core, attempt);
                async move {
                    let result = api.#name(#(#arg_names),*).await;
                    (result, api.inner)
                }
            })
            .await?;
        #convert
    };
    // The dynamic call: each parameter taken from the JSON object by its
    // spec name, the rest of the object as the body.
    let mut takes = Vec::new();
    let mut passes = Vec::new();
    let mut body_ty: Option<TokenStream> = None;
    for (param, ident) in params.iter().zip(&arg_names) {
        let syn::FnArg::Typed(param) = syn::parse2::<syn::FnArg>(param.clone())? else {
            bail!("{}: unexpected parameter", op.id);
        };
        let ty = &*param.ty;
        let text = quote!(#ty).to_string().replace(' ', "");
        let spec_name = spec_name(op, ident);
        let (owned, pass): (TokenStream, TokenStream) = if text == "&'astr" {
            (quote!(String), quote!(&#ident))
        } else if text == "Option<&'astr>" {
            (quote!(Option<String>), quote!(#ident.as_deref()))
        } else if let syn::Type::Reference(r) = ty {
            let elem = &r.elem;
            (quote!(#elem), quote!(&#ident))
        } else if let Some(elem) = optional_reference(ty) {
            // An optional parameter with limits is a newtype taken by reference.
            (quote!(Option<#elem>), quote!(#ident.as_ref()))
        } else {
            (quote!(#ty), quote!(#ident))
        };
        if ident == "body" {
            body_ty = Some(owned.clone());
            passes.push(pass);
            continue;
        }
        takes
            .push(quote!(let #ident: #owned = mitra_core::dynamic::take(&mut input, #spec_name)?;));
        passes.push(pass);
    }
    if let Some(body_ty) = &body_ty {
        takes.push(quote!(let body: #body_ty = mitra_core::dynamic::body(input)?;));
    }
    let id = &op.id;
    let arm = quote! {
        #id => {
            #(#takes)*
            mitra_core::dynamic::output(self.#callee(#(#passes),*).await?)
        }
    };
    let request_schema = match &body_ty {
        Some(body_ty) => quote!(::schemars::schema_for!(#body_ty)),
        None => quote!(fields(&operations::#constant)),
    };
    let schema_arm = quote! {
        #id => ::serde_json::json!({
            "request": #request_schema,
            "response": ::schemars::schema_for!(#ret),
        }),
    };

    let method = match &op.input {
        None => quote! {
            #(#[doc = #doc])*
            pub async fn #name #generics(&'a self, #(#params),*) -> mitra_core::Result<#ret> {
                #send
            }
        },
        Some(rust) => {
            let input: syn::Type = syn::parse_str(rust)
                .with_context(|| format!("{}: x-mitra-input is not a Rust type", op.id))?;
            let body = args
                .iter()
                .zip(&arg_names)
                .find(|(_, n)| *n == "body")
                .map(|(a, _)| &a.ty)
                .with_context(|| format!("{}: x-mitra-input needs a request body", op.id))?;
            let syn::Type::Reference(body_ref) = &**body else {
                bail!("{}: the body is not taken by reference", op.id);
            };
            let body_ty = &body_ref.elem;
            let wire_name = format_ident!("{}_wire", name);
            let wire_doc = format!(
                " [`{name}`](Self::{name}) with the request body exactly as the spec \
                 describes it; the same rules apply."
            );
            quote! {
                #(#[doc = #doc])*
                pub async fn #name(&self, input: &#input) -> mitra_core::Result<#ret> {
                    let body: #body_ty =
                        <#input as mitra_core::plumbing::ToWire<crate::Client, #body_ty>>::to_wire(input, self)?;
                    self.#wire_name(&body).await
                }

                #[doc = #wire_doc]
                pub async fn #wire_name #generics(&'a self, #(#params),*) -> mitra_core::Result<#ret> {
                    #send
                }
            }
        }
    };
    Ok((method, arm, schema_arm))
}

/// The operation's example call as a `no_run` doctest: the spec's example
/// input (`OperationMeta::example`), each parameter by its spec name and the
/// rest of the object as the body, the way the dynamic call reads it. An
/// operation with a hand-written input (`x-mitra-input`) is shown through its
/// `_wire` twin, whose body the spec describes.
fn example(
    op: &OperationMeta,
    krate: &str,
    callee: &syn::Ident,
    params: &[TokenStream],
    arg_names: &[syn::Ident],
) -> Result<Vec<String>> {
    let Some(example) = &op.example else {
        return Ok(Vec::new());
    };
    let mut input: serde_json::Map<String, serde_json::Value> = serde_json::from_str(example)
        .with_context(|| format!("{}: the example input is not a JSON object", op.id))?;
    let mut lets = Vec::new();
    let mut args = Vec::new();
    for (param, ident) in params.iter().zip(arg_names) {
        let syn::FnArg::Typed(param) = syn::parse2::<syn::FnArg>(param.clone())? else {
            bail!("{}: unexpected parameter", op.id);
        };
        let ty = &*param.ty;
        let text = quote!(#ty).to_string().replace(' ', "");
        let value = if ident == "body" {
            Some(serde_json::Value::Object(std::mem::take(&mut input)))
        } else {
            input.remove(&spec_name(op, ident))
        };
        let literal = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) if text.contains("str") => Some(format!("{s:?}")),
            serde_json::Value::Number(n) if !text.contains("str") => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let scalar = matches!(
            text.trim_start_matches("Option<").trim_end_matches('>'),
            "&'astr" | "u64" | "i64" | "u32" | "i32" | "f64" | "bool"
        );
        let optional = text.starts_with("Option<");
        let arg = match (&value, scalar, optional) {
            (None, _, true) => "None".to_owned(),
            (Some(v), true, _) if literal(v).is_some() => {
                let l = literal(v).expect("checked");
                if optional { format!("Some({l})") } else { l }
            }
            (Some(v), _, _) => {
                // Typed by the method's parameter: no type path to spell
                // (hand-written types live in private modules).
                let json = json_macro(v, "");
                let in_types = |elem: &syn::Type| {
                    let elem = quote!(#elem).to_string().replace(' ', "");
                    elem.strip_prefix("types::")
                        .map(|t| format!("{krate}::types::{t}"))
                };
                let optional_ref = optional_reference(ty);
                let named = match (ty, optional_ref) {
                    (syn::Type::Reference(r), _) => in_types(&r.elem)
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default(),
                    (_, Some(elem)) => in_types(elem)
                        .map(|t| format!(": Option<{t}>"))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                lets.push(format!(
                    "let {ident}{named} = serde_json::from_value(serde_json::json!({json}))?;"
                ));
                if matches!(ty, syn::Type::Reference(_)) {
                    format!("&{ident}")
                } else if optional_ref.is_some() {
                    format!("{ident}.as_ref()")
                } else {
                    ident.to_string()
                }
            }
            (None, _, false) => bail!(
                "{}: the example has no value for the required `{}`",
                op.id,
                spec_name(op, ident)
            ),
        };
        args.push(arg);
    }
    let mut out = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "The spec's example call:".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!(
            "# async fn demo(client: {krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
        ),
    ];
    for l in lets {
        out.extend(l.lines().map(str::to_owned));
    }
    out.push(format!(
        "let answer = client.{callee}({}).await?;",
        args.join(", ")
    ));
    out.push("# Ok(()) }".to_owned());
    out.push("```".to_owned());
    Ok(out)
}

/// `value` as the input of `serde_json::json!`: JSON, except that an integer
/// beyond `i32` carries a suffix (the macro takes numbers as Rust literals,
/// which default to `i32`), and a list of scalars stays on one line.
fn json_macro(value: &serde_json::Value, indent: &str) -> String {
    use serde_json::Value;
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if i32::try_from(i).is_ok() => n.to_string(),
            (Some(_), _) => format!("{n}_i64"),
            (None, Some(_)) => format!("{n}_u64"),
            _ => n.to_string(),
        },
        Value::Array(items) if items.iter().all(|v| !v.is_array() && !v.is_object()) => {
            let items: Vec<String> = items.iter().map(|v| json_macro(v, indent)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Array(items) => {
            let inner = format!("{indent}    ");
            let items: Vec<String> = items
                .iter()
                .map(|v| format!("{inner}{}", json_macro(v, &inner)))
                .collect();
            format!("[\n{}\n{indent}]", items.join(",\n"))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let inner = format!("{indent}    ");
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{inner}{}: {}",
                        Value::from(k.as_str()),
                        json_macro(v, &inner)
                    )
                })
                .collect();
            format!("{{\n{}\n{indent}}}", items.join(",\n"))
        }
        scalar => scalar.to_string(),
    }
}

/// `T` of `Option<&T>`.
fn optional_reference(ty: &syn::Type) -> Option<&syn::Type> {
    match crate::additive::option_inner(ty)? {
        syn::Type::Reference(r) => Some(&r.elem),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_newtype_parameter_is_taken_owned_by_the_dynamic_call() {
        let ty: syn::Type = syn::parse_quote!(Option<&'a types::ListKotaQ>);
        let elem = optional_reference(&ty).expect("Option<&T>");
        assert_eq!(
            quote!(#elem).to_string().replace(' ', ""),
            "types::ListKotaQ"
        );
        let plain: syn::Type = syn::parse_quote!(Option<i64>);
        assert!(optional_reference(&plain).is_none());
    }
}
