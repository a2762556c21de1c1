//! The typed mocks a user writes in their own tests (feature `mock`): the
//! token endpoint and `getCity` mocked with the client's own types, the
//! client pointed at the mock server.

use mitra_pos_indonesia::mock::{MockServer, PosIndonesiaMockServer};
use mitra_pos_indonesia::{Client, types};

#[tokio::test]
async fn a_users_test_mocks_get_city_with_typed_matchers_and_responses() {
    let server = MockServer::start_async().await;
    let token = server.pos_indonesia().issue_token(|_, then| {
        then.ok(&types::TokenResponse::new("mock-token").with_token_type("Bearer"));
    });
    let request = types::CityRequest::new("32", "bandung");
    let get_city = server.pos_indonesia().get_city(|when, then| {
        when.body(&request);
        // What `get_city` returns; the mock wraps it in the gateway's envelope.
        then.ok(&[types::City::new("3273", "KOTA BANDUNG")]);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .consumer_key("k")
        .consumer_secret("s")
        .build()
        .unwrap();

    let cities = client.get_city(&request).await.unwrap();

    assert_eq!(cities.len(), 1);
    assert_eq!(cities[0].city_name, "KOTA BANDUNG");
    token.assert_async().await;
    get_city.assert_async().await;
    // Another request body does not match the mock.
    let other = types::CityRequest::new("31", "");
    assert!(client.get_city(&other).await.is_err());
    get_city.assert_calls_async(1).await;
}
