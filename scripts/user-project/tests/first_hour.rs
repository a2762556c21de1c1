//! A user's first tests, written with `mitra-sempoa` alone: its client,
//! its types, its mocks, its re-exports (dates, stream traits, the fleet).

use mitra_sempoa::mock::{MockServer, MockServerExt};
use mitra_sempoa::{Client, DateDmy, Error, TryStreamExt, types};

#[test]
fn dates_parse_from_text() {
    let date: DateDmy = "30-12-2023".parse().unwrap();
    assert_eq!(date.to_string(), "30-12-2023");
    assert!("2023-12-30".parse::<DateDmy>().is_err());
}

#[test]
fn the_fleet_is_one_import_away() {
    use mitra_sempoa::fleet::{RedisState, Shared};
    let redis = RedisState::new("redis://127.0.0.1:6379/").unwrap();
    let _client = Client::builder()
        .token("t")
        .shared_state(Shared::new(redis))
        .build()
        .unwrap();
}

#[tokio::test]
async fn a_mocked_account_and_a_stream_of_accounts() {
    let server = MockServer::start_async().await;
    let account = types::Akun::new("1100", "Kas");
    server.get_akun(|when, then| {
        when.kode("1100");
        then.ok(&types::AkunEnvelope::new(ok(), "Success", account.clone()));
    });
    server.list_akun(|_, then| {
        then.ok(&types::AkunListEnvelope::new(ok(), "Success").with_data(vec![account.clone()]));
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();
    assert_eq!(client.get_akun("1100").await.unwrap().name, "Kas");
    let all: Vec<_> = client.all_akun().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(matches!(client.get_akun("9999").await, Err(Error::NotFound { .. })));
}

fn ok() -> types::SuccessStatus {
    types::SuccessStatus::try_from(200).unwrap()
}
