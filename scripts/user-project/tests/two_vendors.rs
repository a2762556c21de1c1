//! A shop that ships with Fastrac and books the shipping in Sempoa: both
//! vendors mocked in one test, on one mock server, each through its own
//! entry (`server.fastrac()`, `server.sempoa()`), whatever is imported.

use mitra_fastrac::mock::*;
use mitra_fastrac::types as fastrac;
use mitra_sempoa::mock::*;
use mitra_sempoa::{Journal, JournalLine, PostedJournal};

#[tokio::test]
async fn an_order_shipped_and_its_cost_booked() {
    let server = MockServer::start_async().await;
    let one = std::num::NonZeroU64::MIN;
    let parcel = vec![fastrac::TariffItem::new("Sepatu", 1200.0, 20.0, 15.0, 30.0, one)];
    let request = fastrac::TariffExpressRequest::new(3175010003, 3204080001, parcel);
    server.fastrac().check_tariff_express(|when, then| {
        when.body(&request);
        // One list of options per service type, as Fastrac answers.
        then.ok(&fastrac::ExpressTariffs::new()
            .with_sameday(vec![fastrac::ExpressOption::new("sameday", "sameday", 36000.0)])
            .with_regular(vec![fastrac::ExpressOption::new("paxel", "PAXEL BIG", 24000.0)]));
    });
    server.fastrac().create_order_express(|_, then| {
        then.ok(&fastrac::Order::new("CO.FASTRAC-20261202-1-USR001"));
    });
    let journal = Journal::new("2026-12-02", "CO.FASTRAC-20261202-1-USR001", "Ongkir")
        .line(JournalLine::debit("5100", 24000))
        .line(JournalLine::credit("1100", 24000));
    server.sempoa().create_jurnal(|when, then| {
        when.body(&journal);
        then.ok(&PostedJournal::posted(&journal, "J-7").unwrap());
    });
    server.sempoa().explain_unmatched();

    let (guard, logs) = capture_tracing();
    let courier = mitra_fastrac::Client::builder()
        .base_url(server.base_url())
        .access_key("a")
        .secret_key("s")
        .build()
        .unwrap();
    let books = mitra_sempoa::Client::builder()
        .base_url(server.base_url())
        .token("t")
        .build()
        .unwrap();

    let tariffs = courier.check_tariff_express(&request).await.unwrap();
    let cheapest = tariffs.cheapest().unwrap();
    let receiver =
        fastrac::ExpressParty::new("Siti Rahmawati", "62813456789", "Kel. Cinunuk", 3204080001);
    let shop = fastrac::ExpressParty::new("Toko Contoh", "62812345678", "Jl. Contoh No. 1", 3175010003);
    let item = fastrac::ExpressItem::new(
        "Sepatu",
        "Sepatu lari, sepasang",
        "Peralatan Olahraga & Hiburan",
        350000,
        1200.0,
    );
    let no = mitra_fastrac::Flag(false);
    let order = courier
        .create_order_express(&fastrac::OrderExpressRequest::new(
            cheapest.courier_code.clone(),
            cheapest.code_service.clone(),
            no,
            no,
            no,
            shop,
            receiver,
            item,
        ))
        .await
        .unwrap();
    let cost = cheapest.total as u64;
    let booked = Journal::new("2026-12-02", order.awb.clone(), "Ongkir")
        .line(JournalLine::debit("5100", cost))
        .line(JournalLine::credit("1100", cost));
    let posted = books.create_jurnal(&booked).await.unwrap();
    assert_eq!(posted.id.as_deref(), Some("J-7"));
    // A journal for another amount matches no mock: its own error kind.
    let other = Journal::new("2026-12-02", order.awb.clone(), "Ongkir")
        .line(JournalLine::debit("5100", cost + 1))
        .line(JournalLine::credit("1100", cost + 1));
    let err = books.create_jurnal(&other).await.unwrap_err();
    assert_eq!(err.kind(), "unmatched_mock", "{err}");
    drop(guard);
    // The receiver's name went to the mock, never to the logs.
    assert!(!logs.text().contains("Siti"), "{}", logs.text());
}
