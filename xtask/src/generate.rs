//! Generation of one vendor's client from its spec with progenitor.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use heck::ToShoutySnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};
use quote::{ToTokens, format_ident, quote};

use crate::vendors::Vendor;

/// What happened to one vendor's generated file.
pub enum Outcome {
    /// The file already held exactly what the spec produces.
    Unchanged,
    /// The file was (re)written.
    Written,
    /// Check mode: the file differs; carries a unified diff (checked-in -> expected).
    Stale(String),
}

/// One operation of a spec, as the hand-written layer needs to know it.
pub struct OperationMeta {
    /// The spec's operationId.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: String,
    /// The spec's summary.
    pub summary: String,
    /// The spec's description.
    pub description: String,
    /// `x-mitra-retry-safe`, or a safe HTTP method.
    pub retry_safe: bool,
    /// Its parameters, as the caller gives them (those supplied by the
    /// client's configuration are left out).
    pub params: Vec<ParamMeta>,
    /// `x-mitra-validate`: the body implements `mitra_core::Validate`.
    pub validate: bool,
    /// `x-mitra-returns`: the Rust type the public method returns, made with
    /// `mitra_core::FromWire` from the decoded body.
    pub returns: Option<String>,
    /// `x-mitra-input`: the Rust type the public method takes instead of the
    /// body, made into the body with `mitra_core::ToWire`.
    pub input: Option<String>,
    /// `x-mitra-token-endpoint`: the OAuth2 token endpoint, called by the
    /// token source and never as an operation of the client.
    pub token_endpoint: bool,
    /// The inputs a caller gives.
    pub fields: Vec<crate::inputs::FieldMeta>,
    /// A valid input as a JSON object.
    pub example: Option<String>,
}

/// One parameter of an operation.
pub struct ParamMeta {
    /// The name in the spec.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: &'static str,
    /// The spec's `minimum`, for integers.
    pub minimum: Option<i64>,
    /// The spec's `minLength`, for strings.
    pub min_length: Option<usize>,
    /// `x-mitra-validate`: its type implements `mitra_core::Validate`.
    pub validate: bool,
}

/// Regenerates `crates/mitra-<name>/src/generated.rs` from `specs/<name>.yaml`.
pub fn vendor(root: &Path, vendor: &Vendor, check: bool) -> Result<Outcome> {
    let spec_rel = format!("specs/{}.yaml", vendor.name);
    let out_rel = format!("crates/mitra-{}/src/generated.rs", vendor.name);
    let text = std::fs::read_to_string(root.join(&spec_rel))
        .with_context(|| format!("reading {spec_rel}"))?;
    let code = code(root, vendor, &spec_rel, &text)?;
    compare_or_write(root, &spec_rel, &out_rel, code, check)
}

/// The generated code (before its header) for a spec's text.
pub fn code(root: &Path, vendor: &Vendor, spec_rel: &str, text: &str) -> Result<String> {
    let mut spec: OpenAPI =
        serde_yaml::from_str(text).with_context(|| format!("parsing {spec_rel}"))?;
    let raw_spec: serde_json::Value =
        serde_yaml::from_str(text).with_context(|| format!("parsing {spec_rel}"))?;
    if !vendor.vendor_schemas.is_empty() {
        crate::schemas::check(root, &raw_spec, vendor.vendor_schemas)?;
    }

    let operations = collect_operations(&spec, &raw_spec)?;
    keep_only_success_responses(&mut spec);
    strip_config_inputs(&mut spec);

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_inner_type(quote!(mitra_core::Attempt))
        .with_hooks(HooksMode::Expected)
        // Users compare responses in their own tests.
        .with_derive("PartialEq");
    for (schema, rust_type) in vendor.replacements {
        settings.with_replacement(*schema, *rust_type, [TypeImpl::Display].into_iter());
    }
    let mut generator = Generator::new(&settings);
    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    let extras = hooks_and_operations(&operations);
    let raw: syn::File =
        syn::parse2(client.clone()).context("progenitor produced code that does not parse")?;
    let public = crate::public::methods(&raw, &operations)?;
    let mut file: syn::File = syn::parse2(quote! { #client #extras #public })
        .context("progenitor produced code that does not parse")?;
    derive_json_schema_behind_feature(&mut file);
    raw_client_is_not_clone(&mut file);
    drop_api_version_header(&mut file);
    rustfmt(&line_doc_comments(&prettyplease::unparse(&file)))
}

fn compare_or_write(
    root: &Path,
    spec_rel: &str,
    out_rel: &str,
    code: String,
    check: bool,
) -> Result<Outcome> {
    let header = format!(
        "// @generated by `cargo xtask generate` from `{spec_rel}` with progenitor.\n\
         // DO NOT EDIT: change the spec and regenerate. Hand-written code lives beside\n\
         // this file (see lib.rs); `cargo xtask generate --check` fails CI when it is stale.\n\
         //\n\
         // `Client` here is progenitor's raw client: private, built for one attempt at a\n\
         // time from a `mitra_core::Attempt`. Users call the methods generated at the end\n\
         // of this file on the crate's public `Client`.\n\n"
    );
    write_or_check(root, out_rel, spec_rel, format!("{header}{code}"), check)
}

/// Writes `expected` to `out_rel`, or in check mode compares them and gives
/// a diff (`source` names what the file is made from).
pub fn write_or_check(
    root: &Path,
    out_rel: &str,
    source: &str,
    expected: String,
    check: bool,
) -> Result<Outcome> {
    let out_path = root.join(out_rel);
    let current = std::fs::read_to_string(&out_path).unwrap_or_default();
    if current == expected {
        return Ok(Outcome::Unchanged);
    }
    if check {
        let diff = similar::TextDiff::from_lines(&current, &expected)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{out_rel} (checked in)"),
                &format!("{out_rel} (from {source})"),
            )
            .to_string();
        return Ok(Outcome::Stale(diff));
    }
    if let Some(dir) = out_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&out_path, expected).with_context(|| format!("writing {out_rel}"))?;
    Ok(Outcome::Written)
}

fn collect_operations(spec: &OpenAPI, raw: &serde_json::Value) -> Result<Vec<OperationMeta>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            bail!("path {path} is a $ref; not supported");
        };
        for (method, op) in item.iter() {
            let id = op
                .operation_id
                .clone()
                .with_context(|| format!("{method} {path} has no operationId"))?;
            let method: &'static str = match method {
                "get" => "GET",
                "post" => "POST",
                "put" => "PUT",
                "patch" => "PATCH",
                "delete" => "DELETE",
                "head" => "HEAD",
                "options" => "OPTIONS",
                other => bail!("{id}: unsupported method {other}"),
            };
            // GET, HEAD and OPTIONS are safe by definition; anything else must say
            // so in the spec, because a retried POST may post twice.
            let declared = op.extensions.get("x-mitra-retry-safe");
            let retry_safe = match declared {
                Some(serde_json::Value::Bool(b)) => *b,
                Some(other) => bail!("{id}: x-mitra-retry-safe must be a boolean, not {other}"),
                None => matches!(method, "GET" | "HEAD" | "OPTIONS"),
            };
            let text = |key: &str| -> Result<Option<String>> {
                match op.extensions.get(key) {
                    None => Ok(None),
                    Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                    Some(other) => bail!("{id}: {key} must be a Rust type, not {other}"),
                }
            };
            let flag = |key: &str| -> Result<bool> {
                match op.extensions.get(key) {
                    None => Ok(false),
                    Some(serde_json::Value::Bool(b)) => Ok(*b),
                    Some(other) => bail!("{id}: {key} must be a boolean, not {other}"),
                }
            };
            let validate = flag("x-mitra-validate")?;
            let token_endpoint = flag("x-mitra-token-endpoint")?;
            let mut params = Vec::new();
            for param in item.parameters.iter().chain(op.parameters.iter()) {
                let param = resolve_parameter(spec, param)?;
                if is_from_config(&param.parameter_data_ref().extensions) {
                    continue;
                }
                params.push(param_meta(spec, param)?);
            }
            let (fields, example) = crate::inputs::of(raw, path, method)?;
            out.push(OperationMeta {
                fields,
                example,
                id: id.clone(),
                method,
                path: path.clone(),
                summary: op.summary.clone().unwrap_or_default(),
                description: op.description.clone().unwrap_or_default(),
                retry_safe,
                params,
                validate,
                returns: text("x-mitra-returns")?,
                input: text("x-mitra-input")?,
                token_endpoint,
            });
        }
    }
    Ok(out)
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<openapiv3::Parameter>,
) -> Result<&'a openapiv3::Parameter> {
    match param {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .with_context(|| format!("unsupported parameter reference {reference}"))?;
            match spec
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
            {
                Some(ReferenceOr::Item(p)) => Ok(p),
                _ => bail!("parameter {reference} not found"),
            }
        }
    }
}

fn is_from_config(extensions: &indexmap::IndexMap<String, serde_json::Value>) -> bool {
    extensions.get("x-mitra-from-config") == Some(&serde_json::Value::Bool(true))
}

fn param_meta(spec: &OpenAPI, param: &openapiv3::Parameter) -> Result<ParamMeta> {
    use openapiv3::{Parameter, ParameterSchemaOrContent, SchemaKind, Type};
    let (location, data) = match param {
        Parameter::Path { parameter_data, .. } => ("path", parameter_data),
        Parameter::Query { parameter_data, .. } => ("query", parameter_data),
        Parameter::Header { parameter_data, .. } => ("header", parameter_data),
        Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
    };
    let mut meta = ParamMeta {
        name: data.name.clone(),
        location,
        minimum: None,
        min_length: None,
        validate: data.extensions.get("x-mitra-validate") == Some(&serde_json::Value::Bool(true)),
    };
    if let ParameterSchemaOrContent::Schema(schema) = &data.format {
        let schema = match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|n| spec.components.as_ref()?.schemas.get(n))
                .and_then(|s| s.as_item()),
        };
        match schema.map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Integer(i))) => meta.minimum = i.minimum,
            Some(SchemaKind::Type(Type::String(s))) => meta.min_length = s.min_length,
            _ => {}
        }
    }
    Ok(meta)
}

/// Inputs that the client's configuration supplies (a partner header,
/// ELKASSA's `key` and `token`) are taken out of the operations before
/// progenitor sees them: the runtime adds them to every request, so the
/// caller never passes them. A parameter says so with
/// `x-mitra-from-config: true`; a request schema lists such properties in
/// `x-mitra-from-config: [name, ...]`.
fn strip_config_inputs(spec: &mut OpenAPI) {
    let from_config: std::collections::BTreeSet<String> = spec
        .components
        .iter()
        .flat_map(|c| c.parameters.iter())
        .filter(|(_, p)| {
            p.as_item()
                .is_some_and(|p| is_from_config(&p.parameter_data_ref().extensions))
        })
        .map(|(name, _)| format!("#/components/parameters/{name}"))
        .collect();
    for (_, item) in spec.paths.paths.iter_mut() {
        if let ReferenceOr::Item(item) = item {
            let keep = |p: &ReferenceOr<openapiv3::Parameter>| match p {
                ReferenceOr::Reference { reference } => !from_config.contains(reference),
                ReferenceOr::Item(p) => !is_from_config(&p.parameter_data_ref().extensions),
            };
            item.parameters.retain(keep);
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                op.parameters.retain(keep);
            }
        }
    }
    if let Some(components) = spec.components.as_mut() {
        for (_, schema) in components.schemas.iter_mut() {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(serde_json::Value::Array(names)) =
                schema.schema_data.extensions.get("x-mitra-from-config")
            else {
                continue;
            };
            let names: Vec<String> = names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
            if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) =
                &mut schema.schema_kind
            {
                object.properties.retain(|k, _| !names.contains(k));
                object.required.retain(|k| !names.contains(k));
            }
        }
    }
}

/// Error responses stay in the spec (they document the vendor and feed the
/// contract tests) but not in the generated code: progenitor would decode them
/// itself and lose the HTTP status of a non-JSON body (a gateway's XML fault,
/// an HTML error page). `mitra-core` decodes every error response from its
/// status and raw bytes instead.
fn keep_only_success_responses(spec: &mut OpenAPI) {
    for (_, item) in spec.paths.paths.iter_mut() {
        if let ReferenceOr::Item(item) = item {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                op.responses.default = None;
                op.responses.responses.retain(|status, _| match status {
                    StatusCode::Code(code) => (200..300).contains(code),
                    StatusCode::Range(range) => *range == 2,
                });
            }
        }
    }
}

/// The hooks that route every generated call through `mitra-core`, and the
/// metadata of each operation.
fn hooks_and_operations(ops: &[OperationMeta]) -> proc_macro2::TokenStream {
    let consts = ops.iter().map(|op| {
        let name = format_ident!("{}", op.id.to_shouty_snake_case());
        let (id, method, path, safe) = (&op.id, op.method, &op.path, op.retry_safe);
        let summary = &op.summary;
        let doc = format!("`{method} {path}`: {}", op.summary);
        let fields = op.fields.iter().map(|f| {
            let (name, location, required, kind, help) =
                (&f.name, &f.location, f.required, &f.kind, &f.help);
            let default = match &f.default {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            quote! {
                mitra_core::Field {
                    name: #name,
                    location: #location,
                    required: #required,
                    kind: #kind,
                    help: #help,
                    default: #default,
                }
            }
        });
        let example = match &op.example {
            Some(e) => quote!(Some(#e)),
            None => quote!(None),
        };
        quote! {
            #[doc = #doc]
            pub const #name: mitra_core::Operation = mitra_core::Operation {
                id: #id,
                method: #method,
                path: #path,
                retry_safe: #safe,
                summary: #summary,
                fields: &[#(#fields),*],
                example: #example,
            };
        }
    });
    let all = ops
        .iter()
        .filter(|op| !op.token_endpoint)
        .map(|op| format_ident!("{}", op.id.to_shouty_snake_case()));
    quote! {
        impl ClientHooks<mitra_core::Attempt> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> std::result::Result<(), Error<E>> {
                let _ = info;
                self.inner.prepare(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request).await
            }
        }

        /// Every operation of the spec: id, method, path template and whether a
        /// retry is safe (`x-mitra-retry-safe`, or a safe HTTP method).
        pub mod operations {
            #(#consts)*

            /// Every operation a caller can call, in spec order (the token
            /// endpoint is the token source's, not the caller's).
            pub const ALL: &[mitra_core::Operation] = &[#(#all),*];
        }
    }
}

/// Every type of `mod types` that derives `Serialize` also derives
/// `schemars::JsonSchema` when the crate's `schema` feature is on, so that
/// the CLI can print request and response schemas while users who do not
/// need them compile no schemars.
fn derive_json_schema_behind_feature(file: &mut syn::File) {
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
fn raw_client_is_not_clone(file: &mut syn::File) {
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
fn drop_api_version_header(file: &mut syn::File) {
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
fn line_doc_comments(code: &str) -> String {
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

pub fn rustfmt(code: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(code.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a maintainer does when a vendor documents a new operation: add
    /// it to the spec and regenerate. It becomes a method of the public
    /// client (authenticated, retried per its safety, its path parameter
    /// checked, its result typed), an entry of the operation table with
    /// its fields and example, and a dynamic call, which is all the `mitra`
    /// CLI needs to offer it: no other file changes.
    #[test]
    fn a_new_operation_in_a_spec_reaches_the_client_and_the_cli() {
        let root = crate::workspace_root();
        let vendor = crate::vendors::VENDORS
            .iter()
            .find(|v| v.name == "sempoa")
            .unwrap();
        let text = std::fs::read_to_string(root.join("specs/sempoa.yaml")).unwrap();
        let new_op = "  /akun/{kode}/saldo:\n    get:\n      operationId: getSaldoAkun\n      \
             summary: The balance of one account\n      parameters:\n        - name: kode\n          \
             in: path\n          required: true\n          description: Account code.\n          \
             schema:\n            type: string\n          example: '10000'\n      responses:\n        \
             '200':\n          description: The account.\n          content:\n            \
             application/json:\n              schema:\n                \
             $ref: '#/components/schemas/AkunEnvelope'\n";
        let text = text.replacen("paths:\n", &format!("paths:\n{new_op}"), 1);
        let before = code(
            &root,
            vendor,
            "specs/sempoa.yaml",
            &std::fs::read_to_string(root.join("specs/sempoa.yaml")).unwrap(),
        )
        .unwrap();
        assert!(!before.contains("get_saldo_akun"));
        let after = code(&root, vendor, "specs/sempoa.yaml", &text).unwrap();
        for expected in [
            // The public method, with its metadata attached by construction.
            "impl crate::Client {",
            "pub async fn get_saldo_akun<'a>(\n        &'a self,\n        kode: &'a str,\n    ) -> mitra_core::Result<types::AkunEnvelope>",
            "mitra_core::check_path_param(\"kode\", kode)?;",
            ".send(&operations::GET_SALDO_AKUN, move |attempt|",
            // The operation table that the CLI and the examples read.
            "pub const GET_SALDO_AKUN: mitra_core::Operation",
            "example: Some(\"{\\\"kode\\\":\\\"10000\\\"}\")",
            // The dynamic call the CLI makes.
            "\"getSaldoAkun\" => {",
        ] {
            assert!(after.contains(expected), "missing {expected:?}");
        }
        let all = after
            .lines()
            .find(|l| l.contains("pub const ALL"))
            .unwrap()
            .to_owned();
        let rest = &after[after.find(&all).unwrap()..];
        assert!(rest[..rest.find(';').unwrap()].contains("GET_SALDO_AKUN"));
    }
}
