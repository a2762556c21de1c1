//! What progenitor's raw client does on every call that mitra's calls do not
//! need, taken out of the generated code (each saves allocations on the hot
//! path; `scripts/peer.sh` measures the result).

use anyhow::{Result, bail};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// An operation without header parameters builds an empty header map and
/// merges it into the request: both go.
pub fn strip_empty_header_maps(file: &mut syn::File) {
    struct Strip;
    impl VisitMut for Strip {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let body = f.block.to_token_stream().to_string();
            if body.contains("header_map") && !body.contains("header_map . append") {
                f.block.stmts.retain(|stmt| {
                    !stmt
                        .to_token_stream()
                        .to_string()
                        .starts_with("let mut header_map")
                });
                RemoveHeadersCall.visit_block_mut(&mut f.block);
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, f);
        }
    }
    struct RemoveHeadersCall;
    impl VisitMut for RemoveHeadersCall {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.to_token_stream().to_string() == "header_map"
            {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    Strip.visit_file_mut(file);
}

/// The raw client, built once per attempt, shares the base URL instead of
/// copying it, and decodes success bodies without copying their headers
/// (mitra reads none of them).
pub fn lighter_raw_client(code: &str) -> Result<String> {
    let replacements = [
        (
            "pub(crate) baseurl: String,",
            "pub(crate) baseurl: ::std::sync::Arc<str>,",
        ),
        ("baseurl: baseurl.to_string(),", "baseurl: baseurl.into(),"),
        ("self.baseurl.as_str()", "&self.baseurl"),
        (
            "ResponseValue::from_response(response).await",
            "mitra_core::plumbing::response_value(response).await",
        ),
    ];
    let mut code = code.to_owned();
    for (from, to) in replacements {
        if !code.contains(from) {
            bail!("progenitor's output changed: `{from}` not found");
        }
        code = code.replace(from, to);
    }
    Ok(code)
}
