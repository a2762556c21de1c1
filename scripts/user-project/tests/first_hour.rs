//! A user's first tests, written with `mitra-sempoa` alone: its client,
//! its types, its mocks, its re-exports (dates, stream traits, the fleet).

use mitra_sempoa::mock::{MockServer, SempoaMockServer};
use mitra_sempoa::{
    Account, Client, DateDmy, Error, Journal, JournalLine, PostedJournal, TryStreamExt,
};

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

fn kas() -> Account {
    Account {
        code: "1100".into(),
        name: "Kas".into(),
        kind: Some("Aset".into()),
        level: Some(2),
        normal_balance: None,
        parent_name: None,
    }
}

#[tokio::test]
async fn a_mocked_account_a_stream_of_accounts_and_a_journal() {
    let server = MockServer::start_async().await;
    server.sempoa().get_akun(|when, then| {
        when.kode("1100");
        then.ok(&kas());
    });
    server.sempoa().list_akun(|_, then| {
        then.ok(&[kas()]);
    });
    let journal = Journal::new("2023-12-30", "PB/2023/VI/0001", "Pembelian ruko")
        .line(JournalLine::debit("1100", 90_000))
        .line(JournalLine::credit("1002", 90_000));
    let posted = PostedJournal::posted(&journal, "J-1").unwrap();
    server.sempoa().create_jurnal(|when, then| {
        when.body(&journal);
        then.ok(&posted);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();
    assert_eq!(client.get_akun("1100").await.unwrap(), kas());
    let all: Vec<Account> = client.all_akun().try_collect().await.unwrap();
    assert_eq!(all, [kas()]);
    assert_eq!(
        client.create_jurnal(&journal).await.unwrap().id.as_deref(),
        Some("J-1")
    );
    // An account no mock answers is not the vendor's "not found": a test of
    // that cannot pass without its mock.
    assert!(matches!(
        client.get_akun("9999").await,
        Err(Error::UnmatchedMock { .. })
    ));
}
