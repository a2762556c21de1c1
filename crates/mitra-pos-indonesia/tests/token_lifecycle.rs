//! The OAuth2 token as a user relies on it: fetched lazily, reused, refreshed
//! after expiry, fetched once for many concurrent callers, and replaced once
//! (never more) when the gateway rejects it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use mitra_core::Error;
use mitra_pos_indonesia::types::ProvinceRequest;
use mitra_testkit::{MockResponse, MockServer};

#[tokio::test]
async fn token_is_fetched_lazily_then_reused() {
    let server = gateway(|_, _| provinces_json()).await;
    let client = client(&server);
    assert_eq!(
        server.requests().len(),
        0,
        "building a client sends nothing"
    );

    client
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    client
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    client
        .clone()
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();

    assert_eq!(server.count(TOKEN_PATH), 1);
    let requests = server.requests();
    let token_request = &requests[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(token_request.body, "grant_type=client_credentials");
    assert_eq!(
        token_request.header("authorization"),
        Some("Basic dGVzdC1jb25zdW1lci1rZXk6dGVzdC1jb25zdW1lci1zZWNyZXQ="),
        "HTTP Basic base64(key:secret)"
    );
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    for api_call in &requests[1..] {
        assert_eq!(api_call.header("authorization"), Some("Bearer tok-1"));
        assert_eq!(api_call.header("accept"), Some("application/json"));
        assert_eq!(
            api_call.header("api-version"),
            None,
            "progenitor's header is stripped"
        );
    }
}

/// A view with per-call options (`with_options`, `with_response`) is the
/// same client: it takes the cached token, fetches none of its own.
#[tokio::test]
async fn a_view_with_call_options_shares_the_clients_token() {
    let server = gateway(|_, _| provinces_json()).await;
    let client = client(&server);
    client
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    let view = client.with_options(
        mitra_pos_indonesia::CallOptions::new()
            .timeout(Duration::from_secs(60))
            .attempts(1),
    );
    view.get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    let answer = view
        .with_response(async |c| c.get_province(&ProvinceRequest::default()).await)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        server.count(TOKEN_PATH),
        1,
        "one token for the client and its views"
    );
    let requests = server.requests();
    for api_call in requests.iter().filter(|r| r.path != TOKEN_PATH) {
        assert_eq!(api_call.header("authorization"), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn token_is_refreshed_after_its_lifetime_string_or_number() {
    for lifetime in [serde_json::json!(1), serde_json::json!("1")] {
        let tokens = Arc::new(AtomicUsize::new(0));
        let counter = tokens.clone();
        let server = MockServer::start(move |req, _| {
            if req.path == TOKEN_PATH {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                token_response(&format!("tok-{n}"), lifetime.clone())
            } else {
                provinces_json()
            }
        })
        .await;
        let client = client(&server);
        client
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap();
        client
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap();
        assert_eq!(tokens.load(Ordering::SeqCst), 1, "still fresh");
        // A 1 s token is replaced half-way through its life at the latest.
        tokio::time::sleep(Duration::from_millis(600)).await;
        client
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap();
        assert_eq!(tokens.load(Ordering::SeqCst), 2, "expired token replaced");
        let last = server.requests().pop().unwrap();
        assert_eq!(last.header("authorization"), Some("Bearer tok-2"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_first_calls_make_one_token_request() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let counter = tokens.clone();
    let server = MockServer::start(move |req, _| {
        if req.path == TOKEN_PATH {
            counter.fetch_add(1, Ordering::SeqCst);
            // Slow enough that every caller arrives while the fetch runs.
            token_response("shared", 3600.into()).delayed(Duration::from_millis(100))
        } else {
            provinces_json()
        }
    })
    .await;
    let client = client(&server);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_province(&ProvinceRequest::default()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().len(), 2);
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests().len(), 101);
}

/// The three forms of "bad token" the research describes.
fn rejections() -> Vec<(&'static str, MockResponse)> {
    vec![
        (
            "xml",
            MockResponse::with_type(401, "application/xml", fixture("wso2/gateway_401_900901_invalid_credentials.xml"))
                .header("www-authenticate", r#"OAuth2 realm="WSO2 API Manager", error="invalid_token", error_description="The access token expired""#),
        ),
        ("json fault", MockResponse::json(401, fixture("wso2/gateway_401_900901_json_fault_with_access_failure.json"))),
        ("flat 4.x json", MockResponse::json(401, r#"{"code":"900901","message":"Invalid Credentials","description":"Invalid Credentials. Make sure you have provided the correct security credentials"}"#)),
        ("expired 1.x xml", MockResponse::with_type(401, "text/xml", fixture("wso2/gateway_401_900904_access_token_inactive_apim1x.xml"))),
    ]
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_call_retried_once() {
    for (form, rejection) in rejections() {
        let server = gateway(move |_, n| {
            if n == 0 {
                rejection.clone()
            } else {
                provinces_json()
            }
        })
        .await;
        let client = client(&server);
        let provinces = client
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap();
        assert_eq!(provinces.len(), 2, "{form}");
        assert_eq!(server.count(TOKEN_PATH), 2, "{form}: exactly one refresh");
        let api: Vec<_> = server
            .requests()
            .into_iter()
            .filter(|r| r.path != TOKEN_PATH)
            .collect();
        assert_eq!(api.len(), 2, "{form}: exactly one retry");
        assert_eq!(api[0].header("authorization"), Some("Bearer tok-1"));
        assert_eq!(
            api[1].header("authorization"),
            Some("Bearer tok-2"),
            "{form}: retried with the new token"
        );
    }
}

#[tokio::test]
async fn a_second_rejection_surfaces_as_unauthorized_without_looping() {
    for (form, rejection) in rejections() {
        let server = gateway(move |_, _| rejection.clone()).await;
        let client = client(&server);
        let err = client
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap_err();
        match &err {
            Error::Unauthorized {
                status: Some(401),
                code: Some(code),
                ..
            } => {
                assert!(code.starts_with("90090"), "{form}: {code}")
            }
            other => panic!("{form}: expected unauthorized, got {other:?}"),
        }
        assert_eq!(server.count(TOKEN_PATH), 2, "{form}");
        assert_eq!(
            server.requests().len(),
            4,
            "{form}: two tokens, two calls, no loop"
        );
    }
}

#[tokio::test]
async fn a_token_endpoint_refusal_is_unauthorized_and_sends_no_call() {
    for body in [
        fixture("wso2/token_error_invalid_client_auth_failed.json"),
        fixture("wso2/token_error_invalid_client_unknown_client_id.json"),
    ] {
        let server = MockServer::always(MockResponse::json(401, body)).await;
        let err = client(&server)
            .get_province(&ProvinceRequest::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Unauthorized { code: Some(c), .. } if c == "invalid_client"),
            "{err:?}"
        );
        assert_eq!(
            server.requests().len(),
            1,
            "no retry of a refused token request, no API call"
        );
    }
    let server = MockServer::always(MockResponse::json(
        400,
        fixture("wso2/token_error_missing_grant_type.json"),
    ))
    .await;
    let err = client(&server)
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: Some(400), code: Some(c), .. } if c == "invalid_request"),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_wso2_documentation_token_is_accepted() {
    let server = MockServer::start(|req, _| {
        if req.path == TOKEN_PATH {
            MockResponse::json(200, fixture("wso2/token_success_client_credentials.json"))
        } else {
            provinces_json()
        }
    })
    .await;
    client(&server)
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    let last = server.requests().pop().unwrap();
    assert_eq!(
        last.header("authorization"),
        Some("Bearer 4c27f899-6f9c-3217-b974-3ceb5a409ac3")
    );
}

/// The partner document's other token call: the password grant, with the
/// application's key and secret as Basic; partner headers go with it.
#[tokio::test]
async fn the_password_grant_of_the_partner_document() {
    let server = MockServer::start(|request, _| {
        if request.path == "/token" {
            MockResponse::json(200, r#"{"access_token":"pw-token","expires_in":3600}"#)
        } else {
            MockResponse::json(200, r#"{"responses":{"response":null}}"#)
        }
    })
    .await;
    let client = mitra_pos_indonesia::Client::builder()
        .base_url(server.url())
        .consumer_key("key")
        .consumer_secret("secret")
        .pos_user("partner")
        .pos_password("partner-password")
        .password_grant("Username", "Password")
        .build()
        .unwrap();
    client
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    let sent = server.requests();
    let token = &sent[0];
    assert_eq!(token.path, "/token");
    assert_eq!(
        token.body,
        "grant_type=password&username=Username&password=Password"
    );
    // base64("key:secret")
    assert_eq!(
        token.header("authorization"),
        Some("Basic a2V5OnNlY3JldA==")
    );
    assert_eq!(token.header("x-pos-user"), Some("partner"));
    assert_eq!(sent[1].header("authorization"), Some("Bearer pw-token"));
    // The seed's "all provinces" body.
    assert_eq!(sent[1].body, r#"{"provinceCode":""}"#);
}

/// WSO2 key managers' refusals in the words they were recorded with: a
/// wrong secret, an authentication method the server does not take, and a
/// Java `OAuthProblemException` dump read for its description.
#[tokio::test]
async fn token_endpoint_refusals_read_clearly() {
    let server = MockServer::always(MockResponse::json(
        401,
        fixture("wso2/token_401_invalid_client_wrong_secret.json"),
    ))
    .await;
    let err = client(&server)
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { code: Some(c), message, .. } if c == "invalid_client" && message.ends_with("Client credentials are invalid.")),
        "{err:?}"
    );
    let server = MockServer::always(MockResponse::json(
        400,
        r#"{"error": "unsupported_client_authentication_method", "error_description": "Unsupported Client Authentication Method!"}"#,
    ))
    .await;
    let err = client(&server)
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                status: Some(400),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");

    let server = MockServer::always(MockResponse::json(
        400,
        fixture("wso2/token_400_oauthproblem_in_description.json"),
    ))
    .await;
    let err = client(&server)
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Unsupported grant_type value"), "{text}");
    assert!(
        !text.contains("OAuthProblemException") && !text.contains("redirectUri"),
        "{text}"
    );
    assert_eq!(err.status(), Some(400));
}
