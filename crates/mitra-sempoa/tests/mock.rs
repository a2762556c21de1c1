//! Typed mocks (feature `mock`): a path parameter is matched literally, as
//! the client sends it, not as a regex.

use mitra_sempoa::mock::{MockServer, MockServerExt};
use mitra_sempoa::{Client, Error, types};

#[tokio::test]
async fn a_mocked_path_parameter_matches_only_its_own_value() {
    let server = MockServer::start_async().await;
    let envelope: types::AkunEnvelope = serde_json::from_value(serde_json::json!({
        "status": 200,
        "message": "Success",
        "data": {"kode": "1.1", "akun": "Kas", "tipe": "Aset", "level": 2}
    }))
    .unwrap();
    let mock = server.get_akun(|when, then| {
        when.kode("1.1");
        then.ok(&envelope);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();

    assert_eq!(client.get_akun("1.1").await.unwrap().name, "Kas");
    // `.` is not a regex wildcard: "1x1" is another account.
    assert!(matches!(
        client.get_akun("1x1").await,
        Err(Error::NotFound { .. })
    ));
    mock.assert_calls_async(1).await;
}
