//! What typed mocks need of the runtime: the answer a mock server gives to
//! a request no mock matched, and how the runtime tells it from a vendor's
//! own "not found". (Re-exported from `plumbing` for generated mocks.)

/// The header a typed mock's `explain_unmatched` answer carries, by which
/// the runtime tells a request no mock matched ([`crate::Error::UnmatchedMock`])
/// from the vendor's own "not found". No vendor sends it.
pub const UNMATCHED_MOCK_HEADER: &str = "x-mitra-mock";

/// httpmock's own answer when no mock matched (and no `explain_unmatched`
/// was registered): a 404 with this message.
#[cfg(feature = "mock")]
const HTTPMOCK_NO_MATCH: &[u8] = b"Request did not match any route or mock";

/// The [`crate::Error::UnmatchedMock`] for a response that says no mock matched
/// the request: a typed mock's `explain_unmatched` answer, or httpmock's
/// bare 404 (which is given a hint to register `explain_unmatched`). Only
/// with the `mock` feature (a test's build) and only from this machine: a
/// vendor's 404 is never taken for one. The text is bounded and its long
/// digit runs masked, like every text that reaches an error.
#[cfg(feature = "mock")]
pub(crate) fn unmatched_mock(
    url: &url::Url,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Option<crate::Error> {
    if status != reqwest::StatusCode::NOT_FOUND || !crate::http::is_loopback(url) {
        return None;
    }
    if headers.contains_key(UNMATCHED_MOCK_HEADER) {
        return Some(crate::Error::UnmatchedMock {
            message: crate::text::bounded(&String::from_utf8_lossy(body)),
        });
    }
    // httpmock's body: `{"message":"Request did not match any route or mock"}`.
    (body.len() < 200 && memchr::memmem::find(body, HTTPMOCK_NO_MATCH).is_some()).then(|| {
        crate::Error::UnmatchedMock {
            message: "no mock matched the request (register the vendor's `explain_unmatched()` \
                      mock last to be told which operation it was closest to)"
                .to_owned(),
        }
    })
}

/// What a typed mock server answers to a request that no mock matched
/// (`server.explain_unmatched()` in a vendor crate's `mock` module): which
/// of the spec's `routes` (operation id, method, path template) it was
/// closest to and how it differed, instead of httpmock's bare 404.
///
/// ```
/// use mitra_core::plumbing::explain_unmatched;
/// let routes = [("getAkun", "GET", "/akun/{kode}"), ("createJurnal", "POST", "/jurnal")];
/// let text = explain_unmatched(&routes, "GET", "/jurnal", None, b"", &Default::default());
/// assert!(text.contains("createJurnal"), "{text}");
/// assert!(text.contains("takes POST, not GET"), "{text}");
/// ```
pub fn explain_unmatched(
    routes: &[(&str, &str, &str)],
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
    marked: &crate::redact::Marked,
) -> String {
    // The fields the spec marks (a receiver's name, a NIK) are masked before
    // anything is cut or quoted, in the query and the body alike.
    let query = query
        .map(|q| format!("?{}", marked.mask_query(q)))
        .unwrap_or_default();
    let masked_body = marked.mask(body);
    let body = masked_body.as_bytes();
    let request = format!("{method} {path}{query}");
    let segments = |p: &'_ str| {
        p.trim_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let got = segments(path);
    // Leading segments in common (a `{parameter}` matches any), minus
    // those either has beyond: the route the request is nearest to.
    let score = |template: &str| -> (usize, usize) {
        let want = segments(template);
        let common = want
            .iter()
            .zip(&got)
            .take_while(|(w, g)| w.starts_with('{') || w == g)
            .count();
        (common, want.len().abs_diff(got.len()))
    };
    let same_path: Vec<_> = routes
        .iter()
        .filter(|(_, _, t)| {
            let (common, extra) = score(t);
            extra == 0 && common == got.len()
        })
        .collect();
    if let Some((id, _, template)) = same_path
        .iter()
        .find(|(_, m, _)| m.eq_ignore_ascii_case(method))
    {
        let body = String::from_utf8_lossy(&body[..body.len().min(500)]);
        let body = if body.is_empty() {
            "(none)".into()
        } else {
            body
        };
        return format!(
            "no mock matched {request}: it is {id} ({method} {template}), and no {id} mock is \
             registered whose `when` accepts it: either none is, or a path value, query \
             parameter or the body differs (body sent: {body}). `assert()` on a {id} mock shows \
             the closest request and each difference"
        );
    }
    if let Some((id, m, template)) = same_path.first() {
        return format!(
            "no mock matched {request}: {template} is {id}'s path, which takes {m}, not {method}"
        );
    }
    match routes.iter().max_by_key(|(_, _, t)| {
        let (common, extra) = score(t);
        (common, std::cmp::Reverse(extra))
    }) {
        Some((id, m, template)) => format!(
            "no mock matched {request}: no operation of the spec is at {path}; the closest is \
             {id} ({m} {template})"
        ),
        None => format!("no mock matched {request}"),
    }
}

#[cfg(all(test, feature = "mock"))]
mod tests {
    use super::*;

    #[test]
    fn only_a_mock_on_this_machine_is_an_unmatched_mock() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(UNMATCHED_MOCK_HEADER, "unmatched".parse().unwrap());
        let not_found = reqwest::StatusCode::NOT_FOUND;
        let local = url::Url::parse("http://127.0.0.1:4010/akun/1").unwrap();
        let vendor = url::Url::parse("https://api.vendor.example/akun/1").unwrap();
        let body = b"no mock matched GET /akun/1: NIK 3204851234567890";
        let found = unmatched_mock(&local, not_found, &headers, body).unwrap();
        assert_eq!(found.kind(), "unmatched_mock");
        assert!(!found.to_string().contains("3204851234567890"), "{found}");
        // A vendor's 404 with the same header is its own "not found".
        assert!(unmatched_mock(&vendor, not_found, &headers, body).is_none());
        let plain = reqwest::header::HeaderMap::new();
        let httpmock = br#"{"message":"Request did not match any route or mock"}"#;
        assert!(unmatched_mock(&local, not_found, &plain, httpmock).is_some());
        assert!(unmatched_mock(&vendor, not_found, &plain, httpmock).is_none());
        assert!(unmatched_mock(&local, reqwest::StatusCode::OK, &headers, body).is_none());
    }
}
