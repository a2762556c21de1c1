//! Typed mocks (feature `mock`): ELKASSA's form bodies are matched field by
//! field (progenitor's JSON body matcher would never match a form).

use mitra_elkassa::mock::{MockServer, MockServerExt};
use mitra_elkassa::{Client, types};

#[tokio::test]
async fn a_form_body_is_matched_field_by_field() {
    let server = MockServer::start_async().await;
    let packet = types::Packet::new(10).with_packet_code("REG-1BULAN");
    let mock = server.check_user(|when, then| {
        when.body(&types::CheckUserRequest::new("pemilik@example.com"));
        then.ok(&Some(packet));
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .key("k")
        .token("t")
        .build()
        .unwrap();

    let found = client
        .check_user(&types::CheckUserRequest::new("pemilik@example.com"))
        .await
        .unwrap();
    assert_eq!(
        found.and_then(|p| p.packet_code).as_deref(),
        Some("REG-1BULAN")
    );
    // Another e-mail is another request.
    assert!(
        client
            .check_user(&types::CheckUserRequest::new("lain@example.com"))
            .await
            .is_err()
    );
    mock.assert_calls_async(1).await;
}
