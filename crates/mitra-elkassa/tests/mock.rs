//! Typed mocks (feature `mock`): ELKASSA's form bodies are matched field by
//! field (progenitor's JSON body matcher would never match a form).

use mitra_elkassa::mock::{ElkassaMockServer, MockServer};
use mitra_elkassa::{Client, NewUser, UserType, types};

#[tokio::test]
async fn a_form_body_is_matched_field_by_field() {
    let server = MockServer::start_async().await;
    let packet = types::Packet::new(10).with_packet_code("REG-1BULAN");
    let mock = server.elkassa().check_user(|when, then| {
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

#[tokio::test]
async fn a_registration_is_mocked_with_the_new_user_the_client_takes() {
    let server = MockServer::start_async().await;
    let user = NewUser {
        toko_name: "Toko Maju".into(),
        user_type: UserType::Retail,
        no_telp: "081234567890".into(),
        email: "pemilik@example.com".into(),
        password: "rahasia123".to_owned().into(),
        address: "Jl. Merdeka 1".into(),
    };
    let mock = server.elkassa().registration(|when, then| {
        when.body(&user);
        then.ok("REG-1");
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .key("k")
        .token("t")
        .build()
        .unwrap();

    assert_eq!(client.registration(&user).await.unwrap(), "REG-1");
    let other = NewUser {
        email: "lain@example.com".into(),
        ..user
    };
    assert!(client.registration(&other).await.is_err());
    mock.assert_calls_async(1).await;
}
