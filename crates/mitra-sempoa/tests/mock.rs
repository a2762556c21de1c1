//! Typed mocks (feature `mock`): a path parameter is matched literally, as
//! the client sends it, not as a regex.

use mitra_sempoa::mock::{MockServer, SempoaMockServer};
use mitra_sempoa::{Account, Client, Error, Journal, JournalFormat, JournalLine, PostedJournal};

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
    let mock = server.sempoa().get_akun(|when, then| {
        when.kode("1.1");
        then.ok(&account);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();

    assert_eq!(client.get_akun("1.1").await.unwrap(), account);
    // `.` is not a regex wildcard: "1x1" is another account, which no mock
    // answers (httpmock's bare 404 is not taken for the vendor's "not found").
    let err = client.get_akun("1x1").await.unwrap_err();
    assert!(matches!(err, Error::UnmatchedMock { .. }), "{err:?}");
    assert_eq!(err.kind(), "unmatched_mock");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_journal_is_mocked_with_the_journal_the_client_takes() {
    let server = MockServer::start_async().await;
    let journal = Journal::new("2026-11-25", "INV-1", "Sale")
        .line(JournalLine::debit("10000", 150_000))
        .line(JournalLine::credit("40000", 150_000));
    let posted = PostedJournal::posted(&journal, "J-1").unwrap();
    let mock = server.sempoa().create_jurnal(|when, then| {
        when.body(&journal);
        then.ok(&posted);
    });
    // The same journal matches whichever body format the client sends.
    for format in [JournalFormat::ParallelArrays, JournalFormat::Transaksi] {
        let client = Client::builder()
            .base_url(server.base_url())
            .token("t")
            .journal_format(format)
            .build()
            .unwrap();
        let got = client.create_jurnal(&journal).await.unwrap();
        assert_eq!(got.id.as_deref(), Some("J-1"));
        assert_eq!(got.total, Some(150_000));
    }
    mock.assert_calls_async(2).await;

    // Another amount is another journal.
    let other = Journal::new("2026-11-25", "INV-1", "Sale")
        .line(JournalLine::debit("10000", 99))
        .line(JournalLine::credit("40000", 99));
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();
    assert!(client.create_jurnal(&other).await.is_err());
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn list_parameters_take_the_clients_integer_types() {
    let server = MockServer::start_async().await;
    let accounts = [Account {
        code: "10000".into(),
        name: "Asset".into(),
        kind: None,
        level: Some(1),
        normal_balance: None,
        parent_name: None,
    }];
    let limit: Option<u64> = Some(5);
    let mock = server.sempoa().list_akun(|when, then| {
        when.limit(limit).page(1);
        then.ok(&accounts);
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();
    assert_eq!(client.list_akun(limit, Some(1)).await.unwrap(), accounts);
    mock.assert_async().await;
}

#[tokio::test]
async fn a_request_no_mock_matched_is_explained() {
    let server = MockServer::start_async().await;
    server.sempoa().get_akun(|when, then| {
        when.kode("10000");
        then.ok(&Account {
            code: "10000".into(),
            name: "Asset".into(),
            kind: None,
            level: None,
            normal_balance: None,
            parent_name: None,
        });
    });
    // After the other mocks: the first one registered that matches answers.
    server.sempoa().explain_unmatched();
    let client = Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();

    assert_eq!(client.get_akun("10000").await.unwrap().name, "Asset");
    let err = client.get_akun("20000").await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::UnmatchedMock { .. }), "{err:?}");
    assert!(
        message.contains("GET /akun/20000: it is getAkun (GET /akun/{kode})")
            && message.contains("`assert()` on a getAkun mock"),
        "{message}"
    );
    let journal = Journal::new("2026-11-25", "INV-1", "Sale")
        .line(JournalLine::debit("10000", 1))
        .line(JournalLine::credit("40000", 1));
    // With the exchange traced (DEBUG), as in a test that captures logs:
    // the traced response keeps where it came from.
    let (guard, _logs) = mitra_sempoa::mock::capture_tracing();
    let err = client.create_jurnal(&journal).await.unwrap_err();
    drop(guard);
    let message = err.to_string();
    assert!(
        message.contains("it is createJurnal (POST /jurnal)"),
        "{message}"
    );
    // A call that changes state too: the unmatched kind, not "not found".
    assert_eq!(err.kind(), "unmatched_mock", "{err:?}");
}
