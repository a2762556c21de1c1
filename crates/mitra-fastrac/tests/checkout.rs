//! A shop's checkout across two vendors, both mocked in one test with their
//! typed mocks (each on its vendor-named entry, so nothing clashes): Pos
//! Indonesia finds the buyer's postal code, Fastrac its sub-district, the
//! express tariffs come back typed and the cheapest is ordered and tracked.
//! A request no mock answers fails as `UnmatchedMock`, never as the vendor's
//! "not found".

use mitra_fastrac::mock::FastracMockServer;
use mitra_fastrac::types as fastrac;
use mitra_pos_indonesia::mock::{MockServer, PosIndonesiaMockServer};
use mitra_pos_indonesia::types as pos;
use std::num::NonZeroU64;

use serde_json::json;

const SHOP_SUB_DISTRICT: i64 = 3175010003;

#[tokio::test]
async fn a_checkout_with_pos_and_fastrac_mocked_in_one_test() {
    // One server for both vendors (their paths do not meet); two would do too.
    let server = MockServer::start_async().await;
    server.pos_indonesia().issue_token(|_, then| {
        then.ok(&pos::TokenResponse::new("t"));
    });
    let address = pos::PostalCodeRequest::new("bandung", "cinunuk");
    server.pos_indonesia().get_postal_code(|when, then| {
        when.body(&address);
        then.ok(&[pos::PostalCode::new()
            .with_pos_code("40623")
            .with_city("KAB. BANDUNG")]);
    });
    let postal_code: fastrac::GetPostalCodePostalCode = "40623".parse().unwrap();
    server.fastrac().get_postal_code(|when, then| {
        when.postal_code(&postal_code);
        then.ok(&[
            json!({"subdistrict_id": 3204080001_i64, "name": "CINUNUK", "postal_code": "40623"}),
        ]);
    });
    let parcel = vec![fastrac::Item::new("Sepatu", 1200.0).with_quantity(NonZeroU64::MIN)];
    let tariff_request =
        fastrac::TariffExpressRequest::new(SHOP_SUB_DISTRICT, 3204080001, parcel.clone());
    server.fastrac().check_tariff_express(|when, then| {
        when.body(&tariff_request);
        then.ok(&[
            fastrac::ExpressTariff::new("sameday", "sameday").with_price(36000.0),
            fastrac::ExpressTariff::new("paxel", "PAXEL BIG").with_price(24000.0),
            // An option without a price cannot be chosen by price.
            fastrac::ExpressTariff::new("cargo", "cargo"),
        ]);
    });
    let awb = "CO.FASTRAC-20261202-1-CHK001";
    let order = server.fastrac().create_order_express(|when, then| {
        when.body(&fastrac::OrderExpressRequest::new(
            "paxel",
            "PAXEL BIG",
            shop(),
            buyer(3204080001),
            parcel.clone(),
        ));
        then.ok(&fastrac::Order::new(awb)
            .with_courier_code("paxel")
            .with_status("PENDING_PICKUP"));
    });
    server.fastrac().track_order(|when, then| {
        when.body(&fastrac::TrackOrderRequest::new("paxel", awb));
        then.ok(&fastrac::Tracking::new().with_awb(awb).with_history(vec![
            fastrac::TrackEvent::new().with_status("PENDING_PICKUP"),
        ]));
    });
    server.fastrac().explain_unmatched();

    let pos_client = mitra_pos_indonesia::Client::builder()
        .base_url(server.base_url())
        .consumer_key("k")
        .consumer_secret("s")
        .build()
        .unwrap();
    let fastrac_client = mitra_fastrac::Client::builder()
        .base_url(server.base_url())
        .access_key("a")
        .secret_key("s")
        .build()
        .unwrap();

    // The buyer's postal code, then Fastrac's sub-district for it.
    let codes = pos_client.get_postal_code(&address).await.unwrap();
    let code = codes[0].pos_code.as_ref().unwrap().to_string();
    let places = fastrac_client
        .get_postal_code(&code.parse().unwrap())
        .await
        .unwrap();
    let destination = places[0]["subdistrict_id"].as_i64().unwrap();

    // The cheapest express option, from typed tariffs.
    let tariffs = fastrac_client
        .check_tariff_express(&fastrac::TariffExpressRequest::new(
            SHOP_SUB_DISTRICT,
            destination,
            parcel.clone(),
        ))
        .await
        .unwrap();
    let cheapest = tariffs
        .iter()
        .filter_map(|t| Some((t.price?, t)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t)
        .unwrap();
    assert_eq!(cheapest.courier_code, "paxel");

    let placed = fastrac_client
        .create_order_express(&fastrac::OrderExpressRequest::new(
            cheapest.courier_code.clone(),
            cheapest.code_service.clone(),
            shop(),
            buyer(destination),
            parcel,
        ))
        .await
        .unwrap();
    assert_eq!(placed.awb, awb);
    order.assert_calls_async(1).await;
    let tracking = fastrac_client
        .track_order(&fastrac::TrackOrderRequest::new(
            "paxel",
            placed.awb.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(
        tracking.history[0].status.as_deref(),
        Some("PENDING_PICKUP")
    );

    // Cancelling is not mocked: the unmatched kind, naming the operation.
    let err = fastrac_client
        .cancel_order(&fastrac::CancelOrderRequest::new(
            "paxel",
            awb,
            "Pembeli membatalkan pesanan"
                .parse::<fastrac::CancelOrderRequestCancelReason>()
                .unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "unmatched_mock", "{err:?}");
    assert!(err.to_string().contains("cancelOrder"), "{err}");

    // The explanation quotes the request's body, but never its personal data.
    let err = fastrac_client
        .create_order_express(&fastrac::OrderExpressRequest::new(
            "paxel",
            "PAXEL BIG",
            shop(),
            fastrac::Party::new("Siti Rahmawati", "628139998877", "Jl. Melati 7")
                .with_subdistrict_id(destination),
            vec![fastrac::Item::new("Sepatu", 1200.0)],
        ))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert_eq!(err.kind(), "unmatched_mock", "{shown}");
    assert!(shown.contains("createOrderExpress"), "{shown}");
    for personal in ["Siti", "628139998877", "Melati"] {
        assert!(!shown.contains(personal), "{personal} in {shown}");
    }
}

fn shop() -> fastrac::Party {
    fastrac::Party::new("Toko Contoh", "62812345678", "Jl. Contoh No. 1, Jakarta")
        .with_subdistrict_id(SHOP_SUB_DISTRICT)
}

fn buyer(sub_district: i64) -> fastrac::Party {
    fastrac::Party::new(
        "Pembeli Contoh",
        "62813456789",
        "Kel. Cinunuk, Kab. Bandung",
    )
    .with_subdistrict_id(sub_district)
}
