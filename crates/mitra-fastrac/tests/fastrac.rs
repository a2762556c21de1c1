//! Fastrac as users rely on it: examples and fixtures decode, the envelope's
//! errors, auth styles, rate limiting, tracking's GET with a body, validation
//! and no retry of orders.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mitra_core::Error;
use mitra_fastrac::{AuthStyle, Flag, types};
use mitra_testkit::{MockResponse, MockServer};
use serde_json::{Value, json};

#[test]
fn every_embedded_example_decodes() {
    let spec = spec();
    let mut count = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            if let Some(ex) = op["requestBody"]["content"]["application/json"].get("example") {
                let ex = ex.clone();
                let ok = match id {
                    "searchRegion" => {
                        serde_json::from_value::<types::SearchRegionRequest>(ex).is_ok()
                    }
                    "checkTariffExpress" => {
                        serde_json::from_value::<types::TariffExpressRequest>(ex).is_ok()
                    }
                    "checkTariffInstant" => {
                        serde_json::from_value::<types::TariffInstantRequest>(ex).is_ok()
                    }
                    "calculateMultiItems" => {
                        serde_json::from_value::<types::MultiItemsRequest>(ex).is_ok()
                    }
                    "createOrderExpress" => {
                        serde_json::from_value::<types::OrderExpressRequest>(ex).is_ok()
                    }
                    "createOrderInstant" => {
                        serde_json::from_value::<types::OrderInstantRequest>(ex).is_ok()
                    }
                    "cancelOrder" => {
                        serde_json::from_value::<types::CancelOrderRequest>(ex).is_ok()
                    }
                    "trackOrder" => serde_json::from_value::<types::TrackOrderRequest>(ex).is_ok(),
                    "getBalanceHistory" => {
                        serde_json::from_value::<types::BalanceHistoryRequest>(ex).is_ok()
                    }
                    other => panic!("{other}"),
                };
                assert!(ok, "{id} request");
                count += 1;
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => &spec["components"]["responses"][r.rsplit('/').next().unwrap()],
                    None => response,
                };
                let media = &response["content"]["application/json"];
                let mut bodies: Vec<Value> = media.get("example").cloned().into_iter().collect();
                bodies.extend(
                    media["examples"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(_, e)| e["value"].clone()),
                );
                for body in bodies {
                    let ok = match (id, status.as_str()) {
                        (_, s) if !s.starts_with('2') => {
                            serde_json::from_value::<types::ErrorEnvelope>(body).is_ok()
                        }
                        ("getCity", _) => {
                            serde_json::from_value::<types::CityEnvelope>(body).is_ok()
                        }
                        ("getDistrict", _) => {
                            serde_json::from_value::<types::DistrictEnvelope>(body).is_ok()
                        }
                        ("getCourierService", _) => {
                            serde_json::from_value::<types::CourierServiceResponse>(body).is_ok()
                        }
                        ("calculateMultiItems", _) => {
                            serde_json::from_value::<types::MultiItemsEnvelope>(body).is_ok()
                        }
                        ("checkTariffExpress", _) => {
                            serde_json::from_value::<types::TariffExpressEnvelope>(body).is_ok()
                        }
                        ("trackOrder", _) => {
                            serde_json::from_value::<types::TrackOrderEnvelope>(body).is_ok()
                        }
                        ("getProvince", _) => {
                            serde_json::from_value::<types::RawListEnvelope>(body).is_ok()
                        }
                        (other, _) => panic!("no type for the {other} example"),
                    };
                    assert!(ok, "{method} {path} {status}");
                    count += 1;
                }
            }
        }
    }
    assert!(count >= 25, "{count}");
}

#[tokio::test]
async fn fixtures_decode() {
    let server = MockServer::always(MockResponse::json(
        200,
        fixture("region_district_success.json"),
    ))
    .await;
    let districts = client(&server).get_district(3101).await.unwrap();
    assert_eq!(districts.len(), 2);
    assert_eq!(
        (districts[0].district_id, districts[0].city_id),
        (3101010, Some(3101)),
        "ids are integers"
    );

    let server = MockServer::always(MockResponse::json(
        200,
        fixture("courier_service_example.json"),
    ))
    .await;
    let services = client(&server).get_courier_service().await.unwrap();
    assert_eq!(
        services.instant_delivery[0].code_service,
        "paxel_instant_bike"
    );
    assert_eq!(services.express_delivery.len(), 2);
    assert_eq!(services.express_delivery[1].etd_end, Some(5));

    // The Calculate Multi Items page's whole 200 example.
    let server = MockServer::always(MockResponse::json(
        200,
        fixture("item_multi_items_success_v2.json"),
    ))
    .await;
    let totals = client(&server)
        .calculate_multi_items(&request_example("/item/multi-items", "post"))
        .await
        .unwrap();
    assert_eq!(totals.final_actual_weight, Some(25000.0));
    assert_eq!(
        totals.suggested_optimal_volumetric.as_deref(),
        Some("100x50x30")
    );
}

#[tokio::test]
async fn known_bodies_are_typed_and_unknown_ones_raw() {
    let server = MockServer::start(|req, _| match req.path.as_str() {
        "/tariff/instant" => ok(json!([{"tariff_id": "t-1", "courier": "lalamove", "price": 25000}])),
        "/item/multi-items" => ok(json!({"desc": "RMK-123- Qty: 1 | Washmachine Qty: 2", "total_weight": 1400, "volumetric_weight": 20000, "final_actual_weight": 25000, "suggested_optimal_volumetric": "100x50x30", "chargeable_weight": 20000})),
        // Grouped by service, as Fastrac's page has it; a total sent as a
        // string, and a field past the page's cut.
        "/tariff/express" => ok(json!({
            "nextday": [{"courier_name": "AnterAja", "courier_code": "anteraja", "dimension": "30x20x15", "service": "Nextday", "code_service": "ND", "mapping_service": "nextday", "etd": "1-1 Days", "base_tariff": 30000, "discount": 3000, "total": 27000}],
            "regular": [{"courier_code": "paxel", "code_service": "PAXEL BIG", "total": "18000", "insurance_fee": 0}],
            "sameday": [],
            "cargo": []
        })),
        _ => ok(json!([{"id": 3173020003_i64, "name": "PENJARINGAN"}])),
    })
    .await;
    let c = client(&server);
    let options = c
        .check_tariff_instant(&request_example("/tariff/instant", "post"))
        .await
        .unwrap();
    assert_eq!(options[0].tariff_id, "t-1");
    assert_eq!(
        options[0].extra["price"], 25000,
        "unknown fields stay reachable"
    );
    let totals = c
        .calculate_multi_items(&request_example("/item/multi-items", "post"))
        .await
        .unwrap();
    assert_eq!(
        (totals.total_weight, totals.volumetric_weight),
        (Some(1400.0), Some(20000.0))
    );
    assert_eq!(
        (
            totals.final_actual_weight,
            totals.suggested_optimal_volumetric.as_deref()
        ),
        (Some(25000.0), Some("100x50x30"))
    );
    assert_eq!(totals.extra["chargeable_weight"], 20000);
    let tariffs = c.check_tariff_express(&express_tariff()).await.unwrap();
    // Typed as the page publishes it, a total sent as a string read as the
    // number it is, a field past the page's cut kept in `extra`.
    let nextday = &tariffs.nextday[0];
    assert_eq!(
        (
            nextday.courier_name.as_deref(),
            nextday.etd.as_deref(),
            nextday.base_tariff,
            nextday.discount,
            nextday.total
        ),
        (
            Some("AnterAja"),
            Some("1-1 Days"),
            Some(30000.0),
            Some(3000.0),
            27000.0
        )
    );
    let regular = &tariffs.regular[0];
    assert_eq!(
        (
            regular.courier_code.as_str(),
            regular.code_service.as_str(),
            regular.total
        ),
        ("paxel", "PAXEL BIG", 18000.0)
    );
    assert_eq!(regular.extra["insurance_fee"], 0);
    assert_eq!(tariffs.all().count(), 2);
    assert_eq!(tariffs.cheapest().unwrap().code_service, "PAXEL BIG");
    let found = search_region(&c, "penjaringan").await.unwrap();
    assert_eq!(found[0]["id"], 3173020003_i64);
}

#[tokio::test]
async fn success_false_and_business_errors() {
    type Case = (MockResponse, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        (
            MockResponse::json(200, r#"{"success":false,"message":"Data not found"}"#),
            |e| {
                matches!(
                    e,
                    Error::NotFound {
                        status: Some(200),
                        ..
                    }
                )
            },
        ),
        (
            MockResponse::json(
                404,
                r#"{"success":false,"message":"Data not found","timestamp":"2025-08-09 11:42:13"}"#,
            ),
            |e| {
                matches!(
                    e,
                    Error::NotFound {
                        status: Some(404),
                        ..
                    }
                )
            },
        ),
        (
            MockResponse::json(
                400,
                r#"{"success":false,"message":"Bad request. Missing required parameters or parameters are not correct"}"#,
            ),
            |e| matches!(e, Error::Rejected { status: Some(400), message, .. } if message.starts_with("Bad request")),
        ),
        (
            MockResponse::json(200, r#"{"success":false,"message":"Saldo tidak cukup"}"#),
            |e| {
                matches!(
                    e,
                    Error::Rejected {
                        status: Some(200),
                        ..
                    }
                )
            },
        ),
        (
            MockResponse::json(401, r#"{"success":false,"message":"Unauthorized"}"#),
            |e| matches!(e, Error::Unauthorized { .. }),
        ),
    ];
    for (i, (reply, expected)) in cases.into_iter().enumerate() {
        let server = MockServer::always(reply).await;
        let err = client(&server).get_city(31).await.unwrap_err();
        assert!(expected(&err), "case {i}: {err:?}");
    }
    let server = MockServer::always(MockResponse::json(
        404,
        r#"{"success":false,"message":"An error occurred while placing an cancel"}"#,
    ))
    .await;
    let err = cancel_order(
        &client(&server),
        "paxel",
        "CO.FASTRAC-20241205-1-R10BPJ",
        "Pembeli membatalkan",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { status: Some(404), message, .. } if message.contains("cancel")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_for_reads_only() {
    let server = MockServer::start(|_, n| {
        if n == 0 {
            MockResponse::json(429, r#"{"success":false,"message":"Too Many Requests"}"#)
                .header("retry-after", "1")
        } else {
            ok(json!([{"city_id": 3101, "name": "KEPULAUAN SERIBU", "province_id": 31}]))
        }
    })
    .await;
    let started = Instant::now();
    let cities = client(&server).get_city(31).await.unwrap();
    assert_eq!(cities[0].city_id, 3101);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.requests().len(), 2);

    let server = MockServer::always(
        MockResponse::json(429, r#"{"success":false,"message":"Too Many Requests"}"#)
            .header("retry-after", "1"),
    )
    .await;
    let err = client(&server)
        .create_order_express(&request_example("/order/express", "post"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "an order is never retried");
}

#[tokio::test]
async fn the_client_side_limit_spaces_requests() {
    let server = MockServer::always(ok(json!([]))).await;
    let c = builder(&server).requests_per_second(20.0).build().unwrap();
    let started = Instant::now();
    // Concurrent callers share the limit.
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get_city(31).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    // Six requests at 20/s: the last leaves 5 x 50 ms after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(240),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn orders_and_cancellations_are_never_retried() {
    let server = MockServer::always(MockResponse::with_type(
        503,
        "text/html",
        "<html><title>Maintenance</title></html>",
    ))
    .await;
    let c = client(&server);
    c.create_order_express(&request_example("/order/express", "post"))
        .await
        .unwrap_err();
    c.create_order_instant(&request_example("/order/instant", "post"))
        .await
        .unwrap_err();
    cancel_order(&c, "paxel", "AWB-1", "Pembeli membatalkan")
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
    track_order(&c, "paxel", "AWB-1").await.unwrap_err();
    assert_eq!(server.requests().len(), 6, "tracking reads: retried");
}

#[tokio::test]
async fn tracking_is_a_get_with_a_json_body() {
    let body = spec()["paths"]["/order/track"]["get"]["responses"]["200"]["content"]["application/json"]["example"].to_string();
    let server = MockServer::always(MockResponse::json(200, body)).await;
    let tracking = track_order(&client(&server), "paxel", "CO.FASTRAC-20241205-1-R10BPJ")
        .await
        .unwrap();
    assert_eq!(
        tracking.history[0].status.as_deref(),
        Some("PENDING_PICKUP")
    );
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/order/track")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    let sent: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(
        sent,
        json!({"courier_code": "paxel", "awb": "CO.FASTRAC-20241205-1-R10BPJ"})
    );
}

/// The partner document: "Every API request requires valid access-key and
/// secret-key headers". The default sends them, and V2's Basic too.
#[tokio::test]
async fn every_auth_style_and_the_seed_headers_by_default() {
    let server = MockServer::always(ok(json!([]))).await;
    client(&server).get_province().await.unwrap();
    for style in [AuthStyle::Basic, AuthStyle::Headers] {
        builder(&server)
            .auth_style(style)
            .build()
            .unwrap()
            .get_province()
            .await
            .unwrap();
    }
    let requests = server.requests();
    // base64("test-access-key:test-secret-key")
    let basic = Some("Basic dGVzdC1hY2Nlc3Mta2V5OnRlc3Qtc2VjcmV0LWtleQ==");
    assert_eq!(requests[0].header("access-key"), Some(ACCESS));
    assert_eq!(requests[0].header("secret-key"), Some(SECRET));
    assert_eq!(requests[0].header("authorization"), basic);
    assert_eq!(requests[1].header("authorization"), basic);
    assert_eq!(requests[1].header("access-key"), None);
    assert_eq!(requests[2].header("authorization"), None);
    assert_eq!(requests[2].header("access-key"), Some(ACCESS));
    assert_eq!(requests[2].header("secret-key"), Some(SECRET));
}

#[tokio::test]
async fn a_missing_base_url_is_a_clear_config_error() {
    let err = mitra_fastrac::Client::builder()
        .access_key("a")
        .secret_key("s")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config { message } if message.contains("base URL")),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_input_is_rejected_with_nothing_sent() {
    let server = MockServer::always(ok(json!({}))).await;
    let c = client(&server);
    let mut heavy_nothing = express_tariff();
    heavy_nothing.items = vec![item(0.0)];
    let mut flat = express_tariff();
    flat.items[0].height = 0.0;
    let mut none = express_tariff();
    none.items.clear();
    let mut nowhere = express_tariff();
    nowhere.origin = 0;
    let mut negative_cod = express_tariff();
    negative_cod.cod_amount = Some(-1);
    negative_cod.cod = Some(Flag(true));
    // Insurance asked: every item's value is needed (the page's rule).
    let mut no_value = express_tariff();
    no_value.items[0].value = None;
    for (field, request) in [
        ("items", no_value),
        ("items", heavy_nothing),
        ("items", flat),
        ("items", none),
        ("origin", nowhere),
        ("cod_amount", negative_cod),
    ] {
        assert!(
            matches!(c.check_tariff_express(&request).await, Err(Error::Validation { field: f, .. }) if f == field),
            "{field}"
        );
    }
    for (reason, ok) in [
        ("abcd", false),
        ("abcde", true),
        (&*"x".repeat(150), true),
        (&*"x".repeat(151), false),
        ("     ", false),
    ] {
        let result = cancel_order(&c, "paxel", "AWB-1", reason).await;
        assert_eq!(
            !matches!(
                result,
                Err(Error::Validation {
                    field: "cancel_reason",
                    ..
                })
            ),
            ok,
            "{} chars",
            reason.len()
        );
    }
    assert_eq!(
        server.requests().len(),
        2,
        "only the two valid cancellations were sent"
    );
    let mut instant: types::TariffInstantRequest = request_example("/tariff/instant", "post");
    instant.origin.lat = "north".into();
    assert!(matches!(
        c.check_tariff_instant(&instant).await,
        Err(Error::Validation {
            field: "origin",
            ..
        })
    ));
    let mut order: types::OrderInstantRequest = request_example("/order/instant", "post");
    order.receiver.phone = "0812-345".into();
    assert!(matches!(
        c.create_order_instant(&order).await,
        Err(Error::Validation {
            field: "receiver",
            ..
        })
    ));
    order = request_example("/order/instant", "post");
    order.tariff_id = " ".into();
    assert!(matches!(
        c.create_order_instant(&order).await,
        Err(Error::Validation {
            field: "tariff_id",
            ..
        })
    ));
    assert!(matches!(
        get_postal_code(&c, "1445").await,
        Err(Error::Validation {
            field: "postal_code",
            ..
        })
    ));
    assert!(matches!(
        c.get_city(0).await,
        Err(Error::Validation {
            field: "province_id",
            ..
        })
    ));
    assert!(matches!(
        track_order(&c, "paxel", "").await,
        Err(Error::Validation { field: "awb", .. })
    ));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn wire_requests() {
    let server = MockServer::always(ok(json!([]))).await;
    let c = client(&server);
    c.get_province().await.unwrap();
    c.get_city(31).await.unwrap();
    c.get_district(3101).await.unwrap();
    c.get_sub_district(3101010).await.unwrap();
    get_postal_code(&c, "14450").await.unwrap();
    search_region(&c, "penjaringan").await.unwrap();
    c.get_courier_service().await.unwrap();
    c.check_tariff_express(&request_example("/tariff/express", "post"))
        .await
        .unwrap();
    c.check_tariff_instant(&request_example("/tariff/instant", "post"))
        .await
        .unwrap();
    let _ = c
        .calculate_multi_items(&request_example("/item/multi-items", "post"))
        .await;
    // Every answer here is an empty list: no order (`data` has no `awb`),
    // which the typed order refuses; the requests are what is tested.
    let _ = c
        .create_order_express(&request_example("/order/express", "post"))
        .await;
    let _ = c
        .create_order_instant(&request_example("/order/instant", "post"))
        .await;
    cancel_order(
        &c,
        "paxel",
        "CO.FASTRAC-20241205-1-R10BPJ",
        "Pembeli membatalkan pesanan",
    )
    .await
    .unwrap();
    let _ = track_order(&c, "paxel", "CO.FASTRAC-20241205-1-R10BPJ").await;
    c.get_balance_history(&request_example("/user/balance/history", "post"))
        .await
        .unwrap();
    let rendered: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.render(&["authorization", "access-key", "secret-key"]))
        .collect();
    assert_eq!(rendered.len(), 15, "one request per operation");
    insta::assert_snapshot!("all_operations", rendered.join("\n----\n"));
}

#[tokio::test]
async fn absurd_rates_are_configuration_errors() {
    let server = MockServer::always(MockResponse::json(200, "{}")).await;
    for rate in [0.0, -1.0, 1e-20, f64::NAN, f64::INFINITY, 1e9] {
        let err = builder(&server)
            .requests_per_second(rate)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{rate}: {err:?}");
    }
    assert!(builder(&server).requests_per_second(0.5).build().is_ok());
}

/// A vendor error that quotes the personal data of the request (nested in
/// its JSON body: a receiver's name and address) shows none of it.
#[tokio::test]
async fn an_error_quoting_the_orders_personal_data_shows_none_of_it() {
    let order: types::OrderExpressRequest = request_example("/order/express", "post");
    let receiver = spec()["paths"]["/order/express"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]["receiver"]
        .clone();
    let (name, address) = (
        receiver["name"].as_str().unwrap().to_owned(),
        receiver["address"].as_str().unwrap().to_owned(),
    );
    let echo = json!({
        "success": false,
        "message": format!("Penerima {name} di {address} tidak dapat dijangkau"),
    });
    let server = MockServer::always(MockResponse::json(400, echo.to_string())).await;
    let err = client(&server)
        .create_order_express(&order)
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("tidak dapat dijangkau"), "{text}");
    assert!(!text.contains(&name) && !text.contains(&address), "{text}");
}

/// The rules of Fastrac's order pages, checked before anything is sent: an
/// express item of at least 1000 g, the parties' region ids, COD and pickup
/// with what they need; an instant order's e-mail addresses and phones in
/// international form.
#[tokio::test]
async fn the_order_pages_rules_are_checked_before_sending() {
    let server = MockServer::always(ok(json!({"awb": "AWB-1"}))).await;
    let c = client(&server);
    let express = || -> types::OrderExpressRequest { request_example("/order/express", "post") };
    let mut light = express();
    light.item.weight = 999.0;
    let mut nowhere = express();
    nowhere.receiver.region_id = 0;
    let mut cod_without_amount = express();
    cod_without_amount.cod = Flag(true);
    let mut pickup_without_end = express();
    pickup_without_end.pickup_end = None;
    let mut no_category = express();
    no_category.item.category = " ".into();
    for (field, request) in [
        ("item.weight", light),
        ("receiver", nowhere),
        ("cod_amount", cod_without_amount),
        ("pickup_end", pickup_without_end),
        ("item", no_category),
    ] {
        let result = c.create_order_express(&request).await;
        assert!(
            matches!(&result, Err(Error::Validation { field: f, .. }) if *f == field),
            "{field}: {result:?}"
        );
    }
    let instant = || -> types::OrderInstantRequest { request_example("/order/instant", "post") };
    let mut no_email = instant();
    no_email.shipper.email = "toko".into();
    let mut local_phone = instant();
    local_phone.receiver.phone = "0813456789".into();
    let mut local_stop = instant();
    local_stop.stop = Some(types::InstantStop::new().with_phone("0813456789"));
    for (field, request) in [
        ("shipper", no_email),
        ("receiver", local_phone),
        ("stop", local_stop),
    ] {
        let result = c.create_order_instant(&request).await;
        assert!(
            matches!(&result, Err(Error::Validation { field: f, .. }) if *f == field),
            "{field}: {result:?}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    // The examples themselves (the pages' fields) pass.
    c.create_order_express(&express()).await.unwrap();
    c.create_order_instant(&instant()).await.unwrap();
}
