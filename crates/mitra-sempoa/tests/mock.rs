//! Typed mocks (feature `mock`): a path parameter is matched literally, as
//! the client sends it, not as a regex.

use mitra_sempoa::mock::{MockServer, MockServerExt};
use mitra_sempoa::{Account, Client, Error};

#[tokio::test]
async fn a_mocked_path_parameter_matches_only_its_own_value() {
    let server = MockServer::start_async().await;
    let account = Account {
        code: "1.1".into(),
        name: "Kas".into(),
        kind: Some("Aset".into()),
        level: Some(2),
        normal_balance: None,
        parent_name: None,
    };
    let mock = server.get_akun(|when, then| {
        when.kode("1.1");
        then.ok(&account);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();

    assert_eq!(client.get_akun("1.1").await.unwrap(), account);
    // `.` is not a regex wildcard: "1x1" is another account.
    assert!(matches!(
        client.get_akun("1x1").await,
        Err(Error::NotFound { .. })
    ));
    mock.assert_calls_async(1).await;
}
