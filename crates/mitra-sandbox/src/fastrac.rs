//! Fastrac: regions, courier services, tariffs, orders, cancellation,
//! tracking and balance history, with a rate limit that answers 429.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::credentials::{FASTRAC_ACCESS_KEY, FASTRAC_SECRET_KEY};
use crate::util::{basic, header, json, text};
use crate::{SandboxConfig, samples};

struct Order {
    courier_code: String,
    cancelled: bool,
}

struct Fastrac {
    per_second: u32,
    window: Mutex<(Instant, u32)>,
    tariffs: Mutex<HashMap<String, Instant>>,
    orders: Mutex<HashMap<String, Order>>,
    /// The balance history: an order placed is charged, one cancelled
    /// refunded.
    ledger: Mutex<Vec<Value>>,
    counter: Mutex<u32>,
}

/// What the sandbox charges for an order (the express tariff's price per kg
/// is not kept with it).
const ORDER_CHARGE: i64 = 12000;

type Shared = State<Arc<Fastrac>>;

const CITIES: &[(i64, &str)] = &[
    (3101, "KEPULAUAN SERIBU"),
    (3171, "KOTA JAKARTA SELATAN"),
    (3172, "KOTA JAKARTA TIMUR"),
    (3173, "KOTA JAKARTA PUSAT"),
    (3174, "KOTA JAKARTA BARAT"),
    (3175, "KOTA JAKARTA UTARA"),
    (3204, "KAB. BANDUNG"),
    (3273, "KOTA BANDUNG"),
];
const DISTRICTS: &[(i64, i64, &str)] = &[
    (3101010, 3101, "KEPULAUAN SERIBU SELATAN"),
    (3101020, 3101, "KEPULAUAN SERIBU UTARA"),
    (3175010, 3175, "PENJARINGAN"),
    (3204080, 3204, "CILEUNYI"),
    (3273180, 3273, "ANTAPANI"),
];
const SUB_DISTRICTS: &[(i64, i64, &str, &str)] = &[
    (3175010001, 3175010, "PENJARINGAN", "14440"),
    (3175010002, 3175010, "KAMAL MUARA", "14470"),
    (3175010003, 3175010, "PLUIT", "14450"),
    (3101010001, 3101010, "PULAU TIDUNG", "14520"),
    // Pos Indonesia's emulator has these postal codes too.
    (3204080001, 3204080, "CINUNUK", "40623"),
    (3273180001, 3273180, "ANTAPANI KIDUL", "40291"),
];

pub(crate) fn router(config: &SandboxConfig) -> axum::Router {
    let mut orders = HashMap::new();
    for awb in [
        samples::FASTRAC_AWB,
        samples::from_specs::FASTRAC_AWB,
        samples::from_specs::FASTRAC_CANCEL_AWB,
    ] {
        orders.insert(
            awb.to_owned(),
            Order {
                courier_code: "paxel".into(),
                cancelled: false,
            },
        );
    }
    let state = Arc::new(Fastrac {
        per_second: config.fastrac_requests_per_second.max(1),
        window: Mutex::new((Instant::now(), 0)),
        tariffs: Mutex::new(HashMap::new()),
        orders: Mutex::new(orders),
        ledger: Mutex::new(vec![
            json!({"type": "topup", "amount": 500000, "created_at": "2026-11-20 10:00:00"}),
            json!({"type": "order", "amount": -ORDER_CHARGE, "created_at": "2026-11-20 10:00:00"}),
            json!({"type": "dana_cod", "amount": 150000, "created_at": "2026-11-20 10:00:00"}),
        ]),
        counter: Mutex::new(0),
    });
    axum::Router::new()
        .route("/region/province", get(province))
        .route("/region/city", get(city))
        .route("/region/district", get(district))
        .route("/region/sub-district", get(sub_district))
        .route("/region/postal-code", get(postal_code))
        .route("/region/search", post(search))
        .route("/courier/service", get(courier_service))
        .route("/tariff/express", post(tariff_express))
        .route("/tariff/instant", post(tariff_instant))
        .route("/item/multi-items", post(multi_items))
        .route("/order/express", post(order_express))
        .route("/order/instant", post(order_instant))
        .route("/order/cancel", post(cancel))
        .route("/order/track", get(track))
        .route("/user/balance/history", post(balance))
        .route_layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn ok(data: Value) -> Response {
    json(
        StatusCode::OK,
        json!({"success": true, "message": "success", "data": data, "timestamp": stamp()}),
    )
}

fn fail(status: StatusCode, message: &str) -> Response {
    json(status, json!({"success": false, "message": message}))
}

fn not_found() -> Response {
    json(
        StatusCode::OK,
        json!({"success": false, "message": "Data not found"}),
    )
}

/// Auth (V2 Basic or V1 headers), then the rate limit.
async fn guard(State(f): Shared, headers: HeaderMap, request: Request, next: Next) -> Response {
    let by_basic =
        basic(&headers).is_some_and(|(a, s)| a == FASTRAC_ACCESS_KEY && s == FASTRAC_SECRET_KEY);
    let by_headers = header(&headers, "access-key") == Some(FASTRAC_ACCESS_KEY)
        && header(&headers, "secret-key") == Some(FASTRAC_SECRET_KEY);
    if !by_basic && !by_headers {
        return fail(
            StatusCode::UNAUTHORIZED,
            "Request lacks authentication (Missing/Invalid Authentication Credentials)",
        );
    }
    let limited = {
        let mut window = f.window.lock().unwrap();
        if window.0.elapsed() >= Duration::from_secs(1) {
            *window = (Instant::now(), 0);
        }
        window.1 += 1;
        window.1 > f.per_second
    };
    if limited {
        let mut response = fail(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("1"));
        return response;
    }
    next.run(request).await
}

fn fields(body: &Bytes) -> Option<Map<String, Value>> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .as_object()
        .cloned()
}

fn number(query: &HashMap<String, String>, name: &str) -> Option<i64> {
    query.get(name)?.parse().ok()
}

async fn province() -> Response {
    ok(
        json!([{"province_id": 31, "name": "DKI JAKARTA"}, {"province_id": 32, "name": "JAWA BARAT"}]),
    )
}

async fn city(Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(province) = number(&q, "province_id") else {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    };
    let list: Vec<Value> = CITIES
        .iter()
        .filter(|(id, _)| id / 100 == province)
        .map(|(id, name)| json!({"city_id": id, "name": name, "province_id": province}))
        .collect();
    if list.is_empty() {
        not_found()
    } else {
        ok(Value::Array(list))
    }
}

async fn district(Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(city) = number(&q, "city_id") else {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    };
    let list: Vec<Value> = DISTRICTS
        .iter()
        .filter(|(_, c, _)| *c == city)
        .map(|(id, c, name)| json!({"district_id": id, "name": name, "city_id": c}))
        .collect();
    if list.is_empty() {
        not_found()
    } else {
        ok(Value::Array(list))
    }
}

fn sub_district_json(&(id, district, name, postal): &(i64, i64, &str, &str)) -> Value {
    json!({"subdistrict_id": id, "name": name, "district_id": district, "postal_code": postal})
}

async fn sub_district(Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(district) = number(&q, "district_id") else {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    };
    let list: Vec<Value> = SUB_DISTRICTS
        .iter()
        .filter(|s| s.1 == district)
        .map(sub_district_json)
        .collect();
    if list.is_empty() {
        not_found()
    } else {
        ok(Value::Array(list))
    }
}

async fn postal_code(Query(q): Query<HashMap<String, String>>) -> Response {
    let code = q.get("postal_code").cloned().unwrap_or_default();
    let list: Vec<Value> = SUB_DISTRICTS
        .iter()
        .filter(|s| s.3 == code)
        .map(sub_district_json)
        .collect();
    if list.is_empty() {
        not_found()
    } else {
        ok(Value::Array(list))
    }
}

async fn search(body: Bytes) -> Response {
    let keyword = fields(&body)
        .map(|f| text(&f, "keyword").to_lowercase())
        .unwrap_or_default();
    if keyword.trim().is_empty() {
        return fail(StatusCode::BAD_REQUEST, "keyword is required");
    }
    let list: Vec<Value> = SUB_DISTRICTS
        .iter()
        .filter(|s| s.2.to_lowercase().contains(&keyword))
        .map(|s| json!({"id": s.0, "name": format!("{}, JAKARTA", s.2), "postal_code": s.3}))
        .collect();
    if list.is_empty() {
        not_found()
    } else {
        ok(Value::Array(list))
    }
}

async fn courier_service() -> Response {
    // As documented: without the envelope.
    json(
        StatusCode::OK,
        json!({
            "instant_delivery": [{"nama_service": "PAXEL: INSTANT BIKE", "code_service": "paxel_instant_bike", "etd_start": 1, "etd_end": 2, "etd_unit": "hours"}],
            "express_delivery": [
                {"nama_service": "Sameday", "code_service": "sameday", "etd_start": 0, "etd_end": 1, "etd_unit": "days"},
                {"nama_service": "Cargo", "code_service": "cargo", "etd_start": 3, "etd_end": 5, "etd_unit": "days"}
            ]
        }),
    )
}

/// Total grams of `items` (weight x quantity).
fn weight_of(items: &[Value]) -> f64 {
    items
        .iter()
        .map(|i| i["weight"].as_f64().unwrap_or(0.0) * i["quantity"].as_f64().unwrap_or(1.0))
        .sum()
}

fn valid_items(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i["weight"].as_f64().is_some_and(|w| w > 0.0))
}

/// The items of an express tariff or a multi-item calculation, as the pages
/// ask: a name, a weight, the three dimensions and a quantity, each.
fn complete_items(items: &[Value]) -> bool {
    valid_items(items)
        && items.iter().all(|i| {
            i["name"].is_string()
                && ["width", "height", "length"]
                    .iter()
                    .all(|k| i[*k].as_f64().is_some_and(|v| v > 0.0))
                && i["quantity"].as_u64().is_some_and(|q| q > 0)
        })
}

/// One option of the express tariff, with the fields of the page's
/// `B2bCourierItem`.
fn express_option(
    courier: (&str, &str),
    service: (&str, &str, &str),
    etd: &str,
    dimension: &str,
    base: i64,
) -> Value {
    let discount = base / 10;
    json!({
        "courier_name": courier.0,
        "courier_code": courier.1,
        "dimension": dimension,
        "service": service.0,
        "code_service": service.1,
        "mapping_service": service.2,
        "etd": etd,
        "base_tariff": base,
        "discount": discount,
        "total": base - discount,
    })
}

async fn tariff_express(body: Bytes) -> Response {
    let Some(f) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    let items = f
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !complete_items(&items)
        || f.get("origin").and_then(Value::as_i64).is_none()
        || f.get("destination").and_then(Value::as_i64).is_none()
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    }
    let kg = (weight_of(&items) / 1000.0).ceil().max(1.0) as i64;
    let dimension = box_of(&items);
    // Grouped by service type, as the page's `data` object.
    ok(json!({
        "nextday": [express_option(("AnterAja", "anteraja"), ("Nextday", "ND", "nextday"), "1-1 Days", &dimension, kg.saturating_mul(16000))],
        "regular": [express_option(("Paxel", "paxel"), ("Regular", "PAXEL BIG", "regular"), "1-2 Days", &dimension, kg.saturating_mul(13000))],
        "sameday": [express_option(("Sameday", "sameday"), ("Sameday", "sameday", "sameday"), "0-1 Days", &dimension, kg.saturating_mul(20000))],
        "cargo": [],
    }))
}

/// The box the items fit in, `LxWxH` in centimetres: the longest length and
/// width, the heights stacked (the sandbox's own rule; Fastrac's is not
/// published).
fn box_of(items: &[Value]) -> String {
    let longest = |k: &str| {
        items
            .iter()
            .map(|i| i[k].as_f64().unwrap_or(0.0))
            .fold(0.0_f64, f64::max)
    };
    let stacked: f64 = items
        .iter()
        .map(|i| i["height"].as_f64().unwrap_or(0.0) * i["quantity"].as_f64().unwrap_or(1.0))
        .sum();
    format!(
        "{}x{}x{}",
        longest("length").ceil(),
        longest("width").ceil(),
        stacked.ceil()
    )
}

fn next_number(f: &Fastrac) -> u32 {
    let mut counter = f.counter.lock().unwrap();
    *counter += 1;
    *counter
}

async fn tariff_instant(State(f): Shared, body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    let has_point = |name: &str| {
        req.get(name).is_some_and(|p| {
            ["id", "lat", "lng", "alamat_lengkap", "alamat_google"]
                .iter()
                .all(|k| p[*k].is_string())
        })
    };
    if !has_point("origin")
        || !has_point("destination")
        || !req.get("package").is_some_and(Value::is_object)
        || req.get("vehicle_type").is_none()
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    }
    let mut options = Vec::new();
    for courier in ["lalamove", "grab"] {
        let id = format!("sbx-tariff-{}", next_number(&f));
        f.tariffs
            .lock()
            .unwrap()
            .insert(id.clone(), Instant::now() + Duration::from_secs(300));
        options.push(json!({"tariff_id": id, "courier_code": courier, "vehicle_type": req["vehicle_type"], "price": 25000, "distance_km": 7.4}));
    }
    ok(Value::Array(options))
}

async fn multi_items(body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    let items = req
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !complete_items(&items) || text(&req, "courier").is_empty() {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    }
    let desc: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{} Qty: {}",
                i["name"].as_str().unwrap_or("-"),
                i["quantity"].as_i64().unwrap_or(1)
            )
        })
        .collect();
    let volumetric: f64 = items
        .iter()
        .map(|i| {
            ["length", "width", "height"]
                .iter()
                .map(|k| i[*k].as_f64().unwrap_or(0.0))
                .product::<f64>()
                / 6.0
                * i["quantity"].as_f64().unwrap_or(1.0)
        })
        .sum();
    let total = weight_of(&items);
    if !total.is_finite() || !volumetric.is_finite() {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Weights or dimensions out of range",
        );
    }
    // The chargeable weight: the larger of the two, up to a whole kilogram
    // (the sandbox's rounding; Fastrac's is not published).
    let chargeable = (total.max(volumetric.round()) / 1000.0).ceil() * 1000.0;
    ok(json!({
        "desc": desc.join(" | "),
        "total_weight": total,
        "volumetric_weight": volumetric.round(),
        "final_actual_weight": chargeable,
        "suggested_optimal_volumetric": box_of(&items),
    }))
}

/// Records a new order and answers with its AWB.
fn placed(f: &Fastrac, courier: &str) -> Response {
    let awb = new_awb(f, courier);
    ok(json!({"awb": awb, "courier_code": courier, "status": "PENDING_PICKUP"}))
}

/// The envelope's `timestamp`: ISO-8601 in UTC with milliseconds, as the
/// multi-items page shows it.
fn stamp() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn now() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn new_awb(f: &Fastrac, courier: &str) -> String {
    let awb = format!(
        "CO.FASTRAC-{}-{}-SBX{:03}",
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y%m%d"),
        1,
        next_number(f)
    );
    f.orders.lock().unwrap().insert(
        awb.clone(),
        Order {
            courier_code: courier.to_owned(),
            cancelled: false,
        },
    );
    f.ledger
        .lock()
        .unwrap()
        .push(json!({"type": "order", "amount": -ORDER_CHARGE, "awb": awb, "created_at": now()}));
    awb
}

/// A party of an order: name, phone and address, and `extra` (the express
/// order's `region_id` number, the instant order's `email` text).
fn party_ok(req: &Map<String, Value>, name: &str, extra: (&str, fn(&Value) -> bool)) -> bool {
    req.get(name).is_some_and(|p| {
        ["name", "phone", "address"]
            .iter()
            .all(|k| p[*k].as_str().is_some_and(|v| !v.trim().is_empty()))
            && (extra.1)(&p[extra.0])
    })
}

async fn order_express(State(f): Shared, body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    // One `item`, at least 1000 g; the parties' `region_id`, as the page asks.
    let item_ok = req.get("item").is_some_and(|i| {
        ["name", "desc", "category"]
            .iter()
            .all(|k| i[*k].is_string())
            && i["value"].is_number()
            && i["weight"].as_f64().is_some_and(|w| w >= 1000.0)
    });
    let region = |v: &Value| v.as_i64().is_some_and(|id| id > 0);
    if !item_ok
        || text(&req, "courier_code").is_empty()
        || text(&req, "code_service").is_empty()
        || !party_ok(&req, "shipper", ("region_id", region))
        || !party_ok(&req, "receiver", ("region_id", region))
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    }
    placed(&f, &text(&req, "courier_code"))
}

async fn order_instant(State(f): Shared, body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    let email = |v: &Value| v.as_str().is_some_and(|e| e.contains('@'));
    let item_ok = req.get("item").is_some_and(|i| {
        ["name", "desc", "category"]
            .iter()
            .all(|k| i[*k].is_string())
    });
    if !item_ok
        || !party_ok(&req, "shipper", ("email", email))
        || !party_ok(&req, "receiver", ("email", email))
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    }
    let tariff = text(&req, "tariff_id");
    let fresh = tariff == samples::FASTRAC_TARIFF_ID
        || tariff == samples::from_specs::FASTRAC_TARIFF_ID
        || f.tariffs
            .lock()
            .unwrap()
            .get(&tariff)
            .is_some_and(|expiry| Instant::now() < *expiry);
    if !fresh {
        return fail(
            StatusCode::BAD_REQUEST,
            "tariff_id tidak valid atau sudah kedaluwarsa",
        );
    }
    placed(&f, &text(&req, "courier_code"))
}

async fn cancel(State(f): Shared, body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(StatusCode::BAD_REQUEST, "Bad request");
    };
    let reason = text(&req, "cancel_reason");
    if !(5..=150).contains(&reason.chars().count()) {
        return fail(
            StatusCode::BAD_REQUEST,
            "cancel_reason must be 5 to 150 characters",
        );
    }
    let mut orders = f.orders.lock().unwrap();
    match orders.get_mut(&text(&req, "awb")) {
        Some(order) if !order.cancelled && order.courier_code == text(&req, "courier_code") => {
            order.cancelled = true;
            f.ledger.lock().unwrap().push(
                json!({"type": "order", "amount": ORDER_CHARGE, "awb": text(&req, "awb"), "created_at": now()}),
            );
            ok(json!({"awb": text(&req, "awb"), "status": "CANCELLED"}))
        }
        _ => fail(
            StatusCode::NOT_FOUND,
            "An error occurred while placing an cancel",
        ),
    }
}

async fn track(State(f): Shared, body: Bytes) -> Response {
    let Some(req) = fields(&body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "Bad request. Missing required parameters or parameters are not correct",
        );
    };
    let awb = text(&req, "awb");
    let orders = f.orders.lock().unwrap();
    let Some(order) = orders.get(&awb) else {
        return fail(StatusCode::NOT_FOUND, "Data not found");
    };
    let mut history = vec![
        json!({"timestamp": "2026-11-20 09:00:00", "status": "PENDING_PICKUP", "desc": "Menunggu penjemputan"}),
    ];
    if order.cancelled {
        history.push(json!({"timestamp": "2026-11-20 09:30:00", "status": "CANCELLED", "desc": "Dibatalkan"}));
    } else {
        history.push(json!({"timestamp": "2026-11-20 11:42:13", "status": "PICKED_UP", "desc": "Paket diambil kurir"}));
    }
    ok(json!({
        "awb": awb, "shipper_name": "Toko Contoh", "shipper_address": "Jl. Contoh No. 1, Jakarta",
        "receiver_name": "Pembeli Contoh", "receiver_address": "Jl. Tujuan No. 2, Jakarta",
        "courier": order.courier_code.to_uppercase(), "courier_code": order.courier_code, "service": "-", "history": history
    }))
}

async fn balance(State(f): Shared, body: Bytes) -> Response {
    let req = fields(&body).unwrap_or_default();
    let filter = text(&req, "filter_status");
    if !filter.is_empty()
        && !["order", "tarik_tunai", "dana_cod", "bonus_referal", "topup"]
            .contains(&filter.as_str())
    {
        return fail(StatusCode::BAD_REQUEST, "filter_status tidak valid");
    }
    let list: Vec<Value> = f
        .ledger
        .lock()
        .unwrap()
        .iter()
        .filter(|entry| filter.is_empty() || entry["type"] == filter.as_str())
        .cloned()
        .collect();
    ok(json!({"total": list.len(), "items": list}))
}
