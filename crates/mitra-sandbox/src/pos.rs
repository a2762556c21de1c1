//! Pos Indonesia behind a WSO2 gateway: tokens with a configurable lifetime,
//! faults for missing or bad tokens, region data with the gateway's quirks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::credentials::{POS_CONSUMER_KEY, POS_CONSUMER_SECRET};
use crate::util::{basic, bearer, header, json, one_or_many, text};
use crate::{SandboxConfig, samples};

struct Pos {
    lifetime: Duration,
    tokens: Mutex<HashMap<String, Instant>>,
    issued: Mutex<u64>,
}

type Shared = State<Arc<Pos>>;

// Region codes as the partner document's own requests use them: DKI Jakarta
// is province "21", Jakarta Timur city "246", Pulogadung sub-district
// "40516". (Other codes are synthetic, in the same spirit.)
const PROVINCES: &[(&str, &str)] = &[
    ("21", "DKI JAKARTA"),
    ("32", "JAWA BARAT"),
    ("33", "JAWA TENGAH"),
    ("35", "JAWA TIMUR"),
];
const CITIES: &[(&str, u32, &str)] = &[
    ("21", 245, "KOTA ADM. JAKARTA SELATAN"),
    ("21", 246, "KOTA ADM. JAKARTA TIMUR"),
    ("21", 247, "KOTA ADM. JAKARTA PUSAT"),
    ("21", 248, "KOTA ADM. JAKARTA UTARA"),
    ("32", 3204, "KAB. BANDUNG"),
    ("32", 3217, "KAB. BANDUNG BARAT"),
    ("32", 3273, "KOTA BANDUNG"),
    ("33", 3374, "KOTA SEMARANG"),
    ("35", 3578, "KOTA SURABAYA"),
];
/// (province, city, code, name)
const SUB_DISTRICTS: &[(&str, &str, u32, &str)] = &[
    ("21", "246", 40516, "Kec.Pulogadung"),
    ("21", "246", 40517, "Kec.Cakung"),
    ("21", "248", 40520, "Kec. Penjaringan"),
    ("32", "3273", 327318, "Kec. Antapani"),
    ("32", "3204", 320412, "Kec. Cileunyi"),
];
/// (sub-district, code, name, postal code)
const VILLAGES: &[(&str, &str, &str, u32)] = &[
    ("40516", "4051601", "Kel. Pulogadung", 13260),
    ("40516", "4051602", "Kel. Jati", 13220),
    ("327318", "3273181001", "Kel. Antapani Kidul", 40291),
    ("320412", "3204121001", "Kel. Cinunuk", 40623),
    // The sub-districts Fastrac's emulator has, with the same postal codes:
    // a Pos postal code leads to a Fastrac sub-district id.
    ("40520", "4052001", "Kel. Penjaringan", 14440),
    ("40520", "4052002", "Kel. Pluit", 14450),
    ("40520", "4052003", "Kel. Kamal Muara", 14470),
];

pub(crate) fn router(config: &SandboxConfig) -> axum::Router {
    let state = Arc::new(Pos {
        lifetime: config.pos_token_lifetime,
        tokens: Mutex::new(HashMap::new()),
        issued: Mutex::new(0),
    });
    axum::Router::new()
        .route("/token", post(token))
        .route("/utilitas/1.0.1/{operation}", post(utilitas))
        .with_state(state)
}

async fn token(State(pos): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if !form
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "client_credentials")
    {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_request", "error_description": "Missing grant_type parameter value"}),
        );
    }
    match basic(&headers) {
        Some((key, secret)) if key == POS_CONSUMER_KEY && secret == POS_CONSUMER_SECRET => {}
        Some((key, _)) if key != POS_CONSUMER_KEY => {
            return json(
                StatusCode::UNAUTHORIZED,
                json!({"error_description": "A valid OAuth client could not be found for client_id: [sandbox]", "error": "invalid_client"}),
            );
        }
        _ => {
            return json(
                StatusCode::UNAUTHORIZED,
                json!({"error": "invalid_client", "error_description": "Client Authentication failed."}),
            );
        }
    }
    let n = {
        let mut issued = pos.issued.lock().unwrap();
        *issued += 1;
        *issued
    };
    let token = format!("sandbox-pos-token-{n}");
    pos.tokens
        .lock()
        .unwrap()
        .insert(token.clone(), Instant::now() + pos.lifetime);
    json(
        StatusCode::OK,
        json!({"access_token": token, "scope": "am_application_scope default", "token_type": "Bearer", "expires_in": pos.lifetime.as_secs()}),
    )
}

/// A WSO2 fault, in JSON only when the request asked for exactly that.
fn fault(headers: &HeaderMap, code: u32, message: &str, description: &str) -> Response {
    let status = if (900906..=900910).contains(&code) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut response = if header(headers, "accept") == Some("application/json") {
        json(
            status,
            json!({"fault": {"code": code, "message": message, "description": description}}),
        )
    } else {
        let xml = format!(
            r#"<ams:fault xmlns:ams="http://wso2.org/apimanager/security"><ams:code>{code}</ams:code><ams:message>{message}</ams:message><ams:description>{description}</ams:description></ams:fault>"#
        );
        axum::response::IntoResponse::into_response((
            status,
            [("content-type", "application/xml")],
            xml,
        ))
    };
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            "www-authenticate",
            axum::http::HeaderValue::from_static(r#"OAuth2 realm="WSO2 API Manager", error="invalid_token", error_description="The access token expired""#),
        );
    }
    response
}

fn matches(name: &str, search: &str) -> bool {
    search.trim().is_empty() || name.to_lowercase().contains(&search.trim().to_lowercase())
}

fn wrap(items: Vec<Value>) -> Value {
    json!({"responses": {"response": one_or_many(items)}})
}

async fn utilitas(
    State(pos): Shared,
    axum::extract::Path(operation): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bearer(&headers) else {
        return fault(
            &headers,
            900902,
            "Missing Credentials",
            "Required OAuth credentials not provided. Make sure your API invocation call has a header: \"Authorization: Bearer ACCESS_TOKEN\"",
        );
    };
    let valid = pos
        .tokens
        .lock()
        .unwrap()
        .get(token)
        .is_some_and(|expiry| Instant::now() < *expiry);
    if !valid {
        return fault(
            &headers,
            900901,
            "Invalid Credentials",
            "Access failure for API: /utilitas/1.0.1, version: 1.0.1 status: (900901) - Invalid Credentials. Make sure you have given the correct access token",
        );
    }
    let fields = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let f = |name: &str| text(&fields, name);
    let body = match operation.as_str() {
        "getProvince" => wrap(
            PROVINCES
                .iter()
                .filter(|(code, name)| (f("provinceCode").is_empty() || f("provinceCode") == *code) && matches(name, &f("provinceName")))
                .map(|(code, name)| json!({"provinceCode": code, "provinceName": name}))
                .collect(),
        ),
        "getCity" => wrap(
            CITIES
                .iter()
                .filter(|(province, _, name)| *province == f("provinceCode") && matches(name, &f("cityName")))
                // The gateway turns numeric-looking codes into numbers.
                .map(|(_, code, name)| json!({"cityCode": code, "cityName": name}))
                .collect(),
        ),
        "getSubDistrict" => wrap(
            SUB_DISTRICTS
                .iter()
                .filter(|(province, city, _, name)| *province == f("provinceCode") && (f("cityCode").is_empty() || *city == f("cityCode")) && matches(name, &f("subDistrictName")))
                .map(|(_, _, code, name)| json!({"subDistrictCode": code.to_string(), "subDistrictName": name}))
                .collect(),
        ),
        "getSubSubDistrict" => wrap(
            VILLAGES
                .iter()
                .filter(|(sub, _, _, _)| *sub == f("subDistrictCode"))
                .map(|(_, code, name, pos)| json!({"subSubDistrictCode": code, "subSubDistrictName": name, "posCode": pos}))
                .collect(),
        ),
        "getPostalCode" | "getPostOffice" => {
            let wanted_city = f("city");
            let address = f("address");
            wrap(
                VILLAGES
                    .iter()
                    .filter_map(|(sub, _, village, code)| {
                        let (_, city, _, district) = SUB_DISTRICTS.iter().find(|(_, _, c, _)| c.to_string() == *sub)?;
                        let (_, _, city_name) = CITIES.iter().find(|(_, c, _)| c.to_string() == *city)?;
                        (matches(city_name, &wanted_city) && matches(village, &address))
                            .then(|| json!({"posCode": code.to_string(), "address": format!("{village}, {district}, {city_name} ({code})"), "city": city_name}))
                    })
                    .collect(),
            )
        }
        "getFee" => fee(&fields),
        "getTrackAndTraceLastStatus" | "getTrackAndTraceDetail" => {
            let mut events = tracking(&f("resi"));
            if operation == "getTrackAndTraceLastStatus"
                && let Some(Value::Array(all)) = events.pointer_mut("/rs_tnt/r_tnt")
                && let Some(last) = all.pop()
            {
                // One event: an object, as the gateway sends one.
                events = json!({"rs_tnt": {"r_tnt": last}});
            }
            events
        }
        "getTrackAndTrace" => tracking(&f("resi")),
        _ => {
            return axum::response::IntoResponse::into_response((
                StatusCode::NOT_FOUND,
                [("content-type", "text/html")],
                "<html><head><title>404 Not Found</title></head><body>No matching resource found in the API</body></html>",
            ));
        }
    };
    json(StatusCode::OK, body)
}

/// getFee: two services priced by weight between postal codes the sandbox
/// knows, else the gateway's "no tariff" (`serviceCode` 999, one object).
fn fee(fields: &serde_json::Map<String, Value>) -> Value {
    let known = |name: &str| {
        let code = text(fields, name);
        VILLAGES.iter().any(|v| v.3.to_string() == code)
    };
    let grams = fields.get("weight").and_then(Value::as_f64).unwrap_or(0.0);
    if !known("shipperzipcode") || !known("receiverzipcode") || grams.is_nan() || grams <= 0.0 {
        return json!({"rs_fee": {"r_fee": {"serviceCode": 999, "serviceName": "Tarif tidak ditemukan"}}});
    }
    let kg = (grams / 1000.0).ceil().clamp(1.0, 1_000_000.0) as i64;
    let service = |code: &str, name: &str, per_kg: i64, days: &str| {
        let fee = kg * per_kg;
        let tax = fee * 11 / 1000;
        // Amounts as text, as the gateway sends them.
        json!({"serviceCode": code, "serviceName": name, "fee": fee.to_string(), "feeTax": tax.to_string(),
               "insurance": "0", "insuranceTax": "0", "itemValue": "0", "totalFee": (fee + tax).to_string(), "estimation": days})
    };
    json!({"rs_fee": {"r_fee": [
        service("240", "PAKETPOS CEPAT DARAT", 15000, "2 HARI"),
        service("447", "PAKET KILAT KHUSUS", 11000, "4 HARI"),
    ]}})
}

/// The events of a receipt the sandbox knows (`rs_tnt` null otherwise).
fn tracking(resi: &str) -> Value {
    match resi {
        samples::POS_RESI => json!({"rs_tnt": {"r_tnt": [
            {"barcode": samples::POS_RESI, "officeCode": "40000", "office": "BANDUNG", "eventName": "POSTING LOKET", "eventDate": "2026-11-20 09:15:00", "description": "PENGIRIM : TOKO CONTOH~~PENERIMA : PEMBELI CONTOH"},
            {"barcode": samples::POS_RESI, "officeCode": 40400, "office": "CINUNUK", "eventName": "PROSES ANTAR", "eventDate": "2026-11-21 08:02:11", "description": "KURIR : SANDBOX"},
            {"barcode": samples::POS_RESI, "officeCode": "40400", "office": "CINUNUK", "eventName": "SELESAI ANTAR", "eventDate": "2026-11-21 14:02:11", "description": "DITERIMA OLEH : YBS"}
        ]}}),
        samples::from_specs::POS_RESI => json!({"rs_tnt": {"r_tnt":
            {"barcode": samples::from_specs::POS_RESI, "officeCode": "13000", "office": "JAKARTA TIMUR", "eventName": "POSTING LOKET", "eventDate": "2026-11-20 10:00:00", "description": "PENGIRIM : TOKO CONTOH"}
        }}),
        _ => json!({"rs_tnt": null}),
    }
}
