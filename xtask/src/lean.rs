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
            "mitra_core::plumbing::response_value(response, &self.inner).await",
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

/// Every operation's future holds no request: the pre-send hook becomes a
/// plain call of `Attempt::prepare`, progenitor's no-op post-send hook
/// goes, and the statements that build the request and hand it to `exec`
/// sit in a block of their own before the one `.await` on the send. A
/// local that lives across an `.await`, even one moved away before it, has
/// room in the future (264 bytes for a `reqwest::Request`), and a call's
/// future is moved a few times on every call.
pub fn request_not_held_across_await(file: &mut syn::File) -> Result<()> {
    struct Rewrite(Result<usize>);
    impl VisitMut for Rewrite {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let text = |stmt: &syn::Stmt| stmt.to_token_stream().to_string();
            let Some(exec) =
                f.block.stmts.iter().position(|s| {
                    text(s) == "let result = self . exec (request , & info) . await ;"
                })
            else {
                return;
            };
            let mut before: Vec<syn::Stmt> = f.block.stmts.drain(..=exec).collect();
            before.pop();
            let Some(info) = before
                .iter()
                .position(|s| text(s).starts_with("let info = OperationInfo"))
            else {
                self.0 = Err(anyhow::anyhow!(
                    "progenitor's output changed: no `let info` before `exec` in `{}`",
                    f.sig.ident
                ));
                return;
            };
            let info = before.remove(info);
            let mut hooked = 0;
            for stmt in before.iter_mut() {
                if text(stmt) == "self . pre (& mut request , & info) . await ? ;" {
                    *stmt = syn::parse_quote!(self.inner.prepare(&mut request););
                    hooked += 1;
                }
            }
            let post = f
                .block
                .stmts
                .iter()
                .position(|s| text(s) == "self . post (& result , & info) . await ? ;");
            let (1, Some(post)) = (hooked, post) else {
                self.0 = Err(anyhow::anyhow!(
                    "progenitor's output changed: hooks of `{}`",
                    f.sig.ident
                ));
                return;
            };
            f.block.stmts.remove(post);
            let sent: Vec<syn::Stmt> = vec![
                info,
                syn::parse_quote! {
                    let exec = {
                        #(#before)*
                        self.exec(request, &info)
                    };
                },
                syn::parse_quote!(let result = exec.await;),
            ];
            f.block.stmts.splice(0..0, sent);
            if let Ok(n) = &mut self.0 {
                *n += 1;
            }
        }
    }
    let mut rewrite = Rewrite(Ok(0));
    rewrite.visit_file_mut(file);
    if rewrite.0? == 0 {
        bail!("progenitor's output changed: no operation sends `self.exec(request, &info)`");
    }
    Ok(())
}

/// The patterns typify checks with a `regress` regex, checked instead by
/// `mitra_core::plumbing::matches_pattern`, which knows the few the specs
/// use: no regex engine in a vendor crate (it was most of a Sempoa
/// binary's extra size and 4 s of its cold build). A pattern it does not
/// know fails generation, so that a spec never silently loses a check.
pub fn patterns_without_regex(file: &mut syn::File) -> Result<()> {
    struct Patterns {
        unsupported: Vec<String>,
    }
    impl VisitMut for Patterns {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let mut pattern: Option<syn::LitStr> = None;
            block.stmts.retain(|stmt| {
                if let syn::Stmt::Item(syn::Item::Static(item)) = stmt
                    && item.ident == "PATTERN"
                {
                    struct FindLit(Option<syn::LitStr>);
                    impl<'ast> syn::visit::Visit<'ast> for FindLit {
                        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
                            self.0.get_or_insert_with(|| lit.clone());
                        }
                    }
                    let mut find = FindLit(None);
                    syn::visit::Visit::visit_item_static(&mut find, item);
                    pattern = find.0;
                    return false;
                }
                true
            });
            if let Some(lit) = pattern {
                if !SUPPORTED.contains(&lit.value().as_str()) {
                    self.unsupported.push(lit.value());
                }
                struct Replace(syn::LitStr);
                impl VisitMut for Replace {
                    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
                        if expr.to_token_stream().to_string()
                            == "PATTERN . find (value) . is_none ()"
                        {
                            let lit = &self.0;
                            *expr = syn::parse_quote!(
                                !mitra_core::plumbing::matches_pattern(#lit, value)
                            );
                            return;
                        }
                        syn::visit_mut::visit_expr_mut(self, expr);
                    }
                }
                Replace(lit).visit_block_mut(block);
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    let mut patterns = Patterns {
        unsupported: Vec::new(),
    };
    patterns.visit_file_mut(file);
    if !patterns.unsupported.is_empty() {
        bail!(
            "patterns mitra_core::plumbing::matches_pattern does not know: {:?} (teach it, \
             with a test)",
            patterns.unsupported
        );
    }
    if file.to_token_stream().to_string().contains("regress") {
        bail!("a regress regex is left in the generated code");
    }
    Ok(())
}

/// The patterns `matches_pattern` knows (it has a test for each).
const SUPPORTED: &[&str] = &[r"^\d+$", r"^-?\d+$", r"^\d+(\.\d+)?$", r"^\d{5}$"];
