//! The typed mocks a user writes in their own tests (feature `mock`): the
//! token endpoint and `getCity` mocked with the spec's types, the client
//! pointed at the mock server.

use mitra_pos_indonesia::mock::{MockServer, MockServerExt};
use mitra_pos_indonesia::{Client, types};

#[tokio::test]
async fn a_users_test_mocks_get_city_with_typed_matchers_and_responses() {
    let server = MockServer::start_async().await;
    let token = server.issue_token(|_, then| {
        then.ok(&types::TokenResponse {
            access_token: "mock-token".into(),
            expires_in: None,
            scope: None,
            token_type: Some("Bearer".into()),
        });
    });
    let request = types::CityRequest {
        province_code: "32".into(),
        city_name: "bandung".into(),
    };
    let get_city = server.get_city(|when, then| {
        when.body(&request);
        then.ok(&types::CityResponse {
            responses: Some(types::CityResponseResponses {
                response: Some(
                    types::City {
                        city_code: "3273".into(),
                        city_name: "KOTA BANDUNG".into(),
                    }
                    .into(),
                ),
            }),
        });
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
    let other = types::CityRequest {
        province_code: "31".into(),
        city_name: String::new(),
    };
    assert!(client.get_city(&other).await.is_err());
    get_city.assert_calls_async(1).await;
}
