//! Typed mocks (feature `mock`) written with the client's own types: a
//! response is what the client's method returns, and a 429 says when to
//! come back.

use std::time::Duration;

use mitra_fastrac::mock::{FastracMockServer, MockServer};
use mitra_fastrac::{Client, Error, RetryPolicy, types};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .access_key("a")
        .secret_key("s")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_response_is_what_the_client_returns() {
    let server = MockServer::start_async().await;
    let cities = [types::City::new(3273, "KOTA BANDUNG")];
    let mock = server.fastrac().get_city(|when, then| {
        when.province_id(32);
        then.ok(&cities);
    });

    assert_eq!(client(&server).get_city(32).await.unwrap(), cities);
    mock.assert_async().await;
}

#[tokio::test]
async fn a_mocked_429_says_when_to_come_back() {
    let server = MockServer::start_async().await;
    server.fastrac().get_city(|when, then| {
        when.province_id(32);
        then.too_many_requests(
            Duration::from_millis(6_500),
            &types::ErrorEnvelope::new(false, "Too many requests"),
        );
    });

    let err = client(&server).get_city(32).await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );
}
