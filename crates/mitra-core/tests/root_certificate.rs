//! A private authority's root certificate (`HttpConfig::add_root_certificate`,
//! each vendor builder's `add_root_certificate`): a server whose certificate
//! it signed is trusted, with verification on (without the root the same
//! server is refused). The server is `openssl s_server` on 127.0.0.1; the
//! test says so and passes when `openssl` is not installed.

use std::time::Duration;

use mitra_core::config::Vars;
use mitra_core::{Connection, Error, HttpConfig, build_http_client};
use mitra_testkit::RedisTls;

/// `openssl s_server -www` (an HTTPS server answering 200 to any GET),
/// killed when dropped.
struct TlsServer {
    child: std::process::Child,
    port: u16,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn tls_server(certs: &RedisTls) -> TlsServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (cert, key) = certs.server_files();
    let child = std::process::Command::new("openssl")
        .args(["s_server", "-www", "-quiet", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(cert)
        .arg("-key")
        .arg(key)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let server = TlsServer { child, port };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("openssl s_server did not start");
}

#[tokio::test]
async fn a_server_signed_by_the_private_root_is_trusted_and_refused_without_it() {
    let Some(certs) = RedisTls::generate() else {
        eprintln!("skipped: openssl is not installed");
        return;
    };
    let server = tls_server(&certs).await;
    let url = format!("https://localhost:{}/", server.port);

    let default = build_http_client(&HttpConfig::default()).unwrap();
    let err = default.get(&url).send().await.unwrap_err();
    assert!(err.is_connect(), "refused without the root: {err:?}");

    let trusting =
        build_http_client(&HttpConfig::default().add_root_certificate(certs.ca_pem())).unwrap();
    let response = trusting.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn text_without_a_certificate_is_a_configuration_error() {
    for pem in [
        &b"not a certificate"[..],
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    ] {
        let err = build_http_client(&HttpConfig::default().add_root_certificate(pem)).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
}

/// `MITRA_CA_FILE` (what `from_env` and the CLI read) does the same.
#[tokio::test]
async fn mitra_ca_file_trusts_the_private_root() {
    let Some(certs) = RedisTls::generate() else {
        eprintln!("skipped: openssl is not installed");
        return;
    };
    let server = tls_server(&certs).await;
    let ca_file = std::env::temp_dir().join(format!("mitra-ca-file-{}.pem", std::process::id()));
    std::fs::write(&ca_file, certs.ca_pem()).unwrap();
    let path = ca_file.to_string_lossy().into_owned();
    let connection = Connection::from_vars(&Vars::from_pairs([("MITRA_CA_FILE", path)])).unwrap();
    let http = connection.http_client().unwrap();
    let response = http
        .get(format!("https://localhost:{}/", server.port))
        .send()
        .await;
    let _ = std::fs::remove_file(&ca_file);
    assert_eq!(response.unwrap().status(), 200);

    let err = Connection::from_vars(&Vars::from_pairs([(
        "MITRA_CA_FILE",
        "/nonexistent/mitra-ca.pem",
    )]))
    .unwrap_err();
    assert!(err.to_string().contains("MITRA_CA_FILE"), "{err}");
}
