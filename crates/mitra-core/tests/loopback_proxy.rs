//! A call to this machine never goes through the environment's proxy (it
//! would hand the proxy the credentials of a plain-`http` call to a local
//! sandbox or gateway); a call elsewhere still does. Its own test binary:
//! it sets `HTTP_PROXY` for the whole process.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A "proxy" that counts what reaches it and answers 502.
async fn sniffer() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
        }
    });
    (addr, seen)
}

/// The parent: a sniffing proxy, and this test binary run again with
/// `HTTP_PROXY` pointing at it (the environment is the child's from the start).
#[tokio::test]
async fn loopback_calls_bypass_the_proxy_and_other_calls_keep_it() {
    let (proxy, seen) = sniffer().await;
    let exe = std::env::current_exe().unwrap();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args(["--exact", "calls_under_a_proxy", "--ignored", "--nocapture"])
            .env("HTTP_PROXY", format!("http://{proxy}"))
            .env("http_proxy", format!("http://{proxy}"))
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(status.success(), "the calls under a proxy failed");
    // Only the call to another host went through the proxy.
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "a loopback call reached the proxy"
    );
}

/// The child: two loopback calls (straight to the server) and one to
/// another host (to the proxy, which answers 502; never the network).
#[tokio::test]
#[ignore = "run by loopback_calls_bypass_the_proxy_and_other_calls_keep_it"]
async fn calls_under_a_proxy() {
    assert!(
        std::env::var("HTTP_PROXY").is_ok(),
        "run by the parent test"
    );
    let app = axum::Router::new().route("/ok", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
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
    let response = http.get("http://vendor.invalid/ok").send().await.unwrap();
    assert_eq!(response.status(), 502, "the proxy answered");
}
