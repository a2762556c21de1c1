//! A shop's checkout across two vendors, both mocked in one test with their
//! typed mocks (each on its vendor-named entry, so nothing clashes): Pos
//! Indonesia finds the buyer's postal code, Fastrac its sub-district, the
//! express tariffs come back typed, grouped by service, and the cheapest is
//! ordered (one item, the parties' `region_id`) and tracked.
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
    let parcel = vec![fastrac::TariffItem::new(
        "Sepatu",
        1200.0,
        20.0,
        15.0,
        30.0,
        NonZeroU64::MIN,
    )];
    let tariff_request =
        fastrac::TariffExpressRequest::new(SHOP_SUB_DISTRICT, 3204080001, parcel.clone());
    server.fastrac().check_tariff_express(|when, then| {
        when.body(&tariff_request);
        // One list per service type, as Fastrac's page has it.
        then.ok(&fastrac::ExpressTariffs::new()
            .with_sameday(vec![
                fastrac::ExpressOption::new("sameday", "sameday", 36000.0).with_etd("0-1 Days"),
            ])
            .with_regular(vec![
                fastrac::ExpressOption::new("paxel", "PAXEL BIG", 24000.0)
                    .with_base_tariff(26000.0)
                    .with_discount(2000.0),
            ])
            .with_cargo(vec![fastrac::ExpressOption::new("indah", "CARGO", 45000.0)]));
    });
    let awb = "CO.FASTRAC-20261202-1-CHK001";
    let order = server.fastrac().create_order_express(|when, then| {
        when.body(&express_order("paxel", "PAXEL BIG", buyer(3204080001)));
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
    assert_eq!(tariffs.all().count(), 3);
    let cheapest = tariffs.cheapest().unwrap();
    assert_eq!(cheapest.courier_code, "paxel");
    assert_eq!(cheapest.total, 24000.0);

    let placed = fastrac_client
        .create_order_express(&express_order(
            &cheapest.courier_code,
            &cheapest.code_service,
            buyer(destination),
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
        .create_order_express(&express_order(
            "paxel",
            "PAXEL BIG",
            fastrac::ExpressParty::new(
                "Siti Rahmawati",
                "628139998877",
                "Jl. Melati 7",
                destination,
            ),
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

/// An express order as Fastrac's page has it: the parties' `region_id`
/// and one item of at least 1000 g.
fn express_order(
    courier: &str,
    service: &str,
    receiver: fastrac::ExpressParty,
) -> fastrac::OrderExpressRequest {
    fastrac::OrderExpressRequest::new(
        courier,
        service,
        mitra_fastrac::Flag(false),
        mitra_fastrac::Flag(false),
        mitra_fastrac::Flag(false),
        shop(),
        receiver,
        fastrac::ExpressItem::new(
            "Sepatu",
            "Sepatu lari, sepasang",
            "Peralatan Olahraga & Hiburan",
            350000,
            1200.0,
        ),
    )
}

fn shop() -> fastrac::ExpressParty {
    fastrac::ExpressParty::new(
        "Toko Contoh",
        "62812345678",
        "Jl. Contoh No. 1, Jakarta",
        SHOP_SUB_DISTRICT,
    )
}

fn buyer(region_id: i64) -> fastrac::ExpressParty {
    fastrac::ExpressParty::new(
        "Pembeli Contoh",
        "62813456789",
        "Kel. Cinunuk, Kab. Bandung",
        region_id,
    )
}
