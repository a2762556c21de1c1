//! A proxy set on the builder (`HttpConfig::proxy`, each vendor builder's
//! `proxy`): every call to another machine goes through it (plain `http` in
//! absolute form, `https` as a `CONNECT` tunnel), a call to this machine
//! never does, and its password shows in no error or `Debug` string. No
//! network: the "remote" host is `vendor.invalid`, which only the proxy on
//! 127.0.0.1 ever sees.

use std::sync::{Arc, Mutex};

use mitra_core::{Connection, Error, HttpConfig, build_http_client};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A "proxy" on 127.0.0.1 that records the head of each request it gets
/// and answers 502.
async fn sniffer() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    (addr, seen)
}

/// A server on 127.0.0.1 answering `ok`.
async fn local_server() -> std::net::SocketAddr {
    let app = axum::Router::new().route("/ok", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test]
async fn the_proxy_carries_calls_to_other_hosts_and_never_calls_to_this_machine() {
    let (proxy, seen) = sniffer().await;
    let server = local_server().await;
    let http = build_http_client(&HttpConfig::default().proxy(format!("http://{proxy}"))).unwrap();

    // This machine: straight to the server, the proxy sees nothing.
    for url in [
        format!("http://{server}/ok"),
        format!("http://localhost:{}/ok", server.port()),
    ] {
        let response = http
            .get(&url)
            .header("authorization", "Bearer not-for-the-proxy")
            .send()
            .await
            .unwrap();
        assert_eq!(response.text().await.unwrap(), "ok", "{url}");
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );

    // Another host over plain http: in absolute form, to the proxy.
    let response = http.get("http://vendor.invalid/ok").send().await.unwrap();
    assert_eq!(response.status(), 502, "the proxy answered");
    // Over https: a CONNECT tunnel (the proxy refuses it, so the call fails).
    let err = http
        .get("https://vendor.invalid/ok")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen[0].starts_with("GET http://vendor.invalid/ok HTTP/1.1\r\n"),
        "{:?}",
        seen[0]
    );
    assert!(
        seen[1].starts_with("CONNECT vendor.invalid:443 HTTP/1.1\r\n"),
        "{:?}",
        seen[1]
    );
}

#[tokio::test]
async fn the_proxy_gets_its_credentials_and_they_show_nowhere() {
    let (proxy, seen) = sniffer().await;
    let config = HttpConfig::default().proxy(format!("http://squid:pr0xy-pw@{proxy}"));
    assert!(!format!("{config:?}").contains("pr0xy-pw"), "{config:?}");
    let http = build_http_client(&config).unwrap();
    let response = http.get("http://vendor.invalid/ok").send().await.unwrap();
    assert_eq!(response.status(), 502);
    let head = seen.lock().unwrap()[0].clone();
    // base64("squid:pr0xy-pw")
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic ")
            && head.contains("c3F1aWQ6cHIweHktcHc="),
        "{head}"
    );
}

#[test]
fn a_proxy_that_is_not_an_http_url_is_a_configuration_error_without_its_password() {
    for url in [
        "proxy.internal:3128",
        "socks5://u:s3cret@proxy.internal:1080",
        "ftp://u:s3cret@proxy.internal",
    ] {
        let err = build_http_client(&HttpConfig::default().proxy(url)).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }
}

#[test]
fn a_proxy_beside_your_own_client_is_refused_not_ignored() {
    let yours = || build_http_client(&HttpConfig::default()).unwrap();
    let connection = Connection::default()
        .with_http_client(yours())
        .proxy("http://proxy.internal:3128");
    let err = connection.http_client().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("http_client"), "{err}");
    // Your own client alone is taken as it is.
    let mine = Connection::default().with_http_client(yours());
    assert!(mine.http_client().is_ok());
}
