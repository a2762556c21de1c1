//! ELKASSA: registration, activation, user check and users, with the
//! envelope's `status: false` and the user object's duplicate key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::credentials::{ELKASSA_KEY, ELKASSA_TOKEN};
use crate::util::{body_fields, json, json_text, page, text};

#[derive(Clone)]
struct User {
    id: String,
    email: String,
    toko: String,
    address: String,
    user_type: u8,
    packet: (u32, &'static str),
    active: bool,
}

struct Elkassa {
    users: Mutex<Vec<User>>,
}

type Shared = State<Arc<Elkassa>>;

const PACKETS: &[(u32, &str, &str)] = &[
    (9, "TRIAL-30HARI", "Trial 30 Hari"),
    (10, "REG-1BULAN", "1 Bulan"),
    (11, "REG-3BULAN", "3 Bulan"),
];

pub(crate) fn router(_config: &crate::SandboxConfig) -> axum::Router {
    let mut users: Vec<User> = (1..=12)
        .map(|n| User {
            id: format!("ELK500{n:02}"),
            email: format!("toko{n}@contoh.test"),
            toko: format!("Toko Contoh {n}"),
            address: "Bandung".into(),
            user_type: (n % 2) as u8,
            packet: (10, "1 Bulan"),
            active: true,
        })
        .collect();
    // The users of the spec's examples (the partner document's).
    let (id, email) = crate::samples::from_specs::ELKASSA_USER;
    for (id, email, toko) in [
        (id, email, "Toko AHE"),
        (
            crate::samples::from_specs::ELKASSA_DETAIL_ID,
            "toko.contoh@example.com",
            "Toko Contoh",
        ),
    ] {
        users.push(User {
            id: id.into(),
            email: email.into(),
            toko: toko.into(),
            address: "Bandung".into(),
            user_type: 0,
            packet: (10, "1 Bulan"),
            active: true,
        });
    }
    let state = Arc::new(Elkassa {
        users: Mutex::new(users),
    });
    axum::Router::new()
        .route(
            "/integration/registration",
            post(registration).get(registration_data),
        )
        .route("/integration/user_check", post(user_check))
        .route("/integration/activation", post(activation))
        .route("/integration/users", get(all_users))
        .route("/integration/users/{page}", get(users_page))
        .route("/integration/user/{id}", get(detail))
        .with_state(state)
}

fn refused(message: &str) -> Response {
    json(
        StatusCode::OK,
        json!({"status": false, "messages": message, "data": null}),
    )
}

fn authorized(fields: &Map<String, Value>) -> bool {
    text(fields, "key") == ELKASSA_KEY && text(fields, "token") == ELKASSA_TOKEN
}

fn ok(message: &str, data: Value) -> Response {
    json(
        StatusCode::OK,
        json!({"status": true, "messages": message, "data": data}),
    )
}

/// The user as ELKASSA writes it: `user_type_desc` twice, numbers as strings.
fn user_json(u: &User) -> String {
    let s = |v: &str| Value::String(v.to_owned()).to_string();
    format!(
        r#"{{"registration_id":{},"email":{},"registered_date":"2026-11-01 10:00:00","user_type":"{}","user_type_desc":{},"contract_id":"{}","expired_date":"2026-12-01 23:00:01","contract_notes":{},"toko_name":{},"toko_address":{},"user_type_desc":{},"cabangs":[{{"cabang_id":{},"cabang_name":{},"cabang_address":{}}}]}}"#,
        s(&u.id),
        s(&u.email),
        u.user_type,
        s(if u.user_type == 0 { "Retail" } else { "Grosir" }),
        u.packet.0,
        s(u.packet.1),
        s(&u.toko),
        s(&u.address),
        s(if u.active { "ACTIVE" } else { "INACTIVE" }),
        s(&format!("{}-1", u.id)),
        s(&u.toko),
        s(&u.address),
    )
}

fn users_response(users: &[User]) -> Response {
    let list: Vec<String> = users.iter().map(user_json).collect();
    json_text(
        StatusCode::OK,
        format!(
            r#"{{"status":true,"messages":"User data","data":[{}]}}"#,
            list.join(",")
        ),
    )
}

fn query_fields(query: HashMap<String, String>) -> Map<String, Value> {
    query
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

async fn registration(State(e): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(f) = body_fields(&headers, &body) else {
        return refused("Format data tidak valid");
    };
    if !authorized(&f) {
        return refused("Invalid key or token");
    }
    let missing: Vec<&str> = [
        "toko_name",
        "user_type",
        "no_telp",
        "email",
        "password",
        "address",
    ]
    .into_iter()
    .filter(|k| text(&f, k).trim().is_empty())
    .collect();
    if !missing.is_empty() {
        return json(
            StatusCode::OK,
            json!({"status": false, "messages": missing.iter().map(|k| format!("{k} wajib diisi")).collect::<Vec<_>>(), "data": null}),
        );
    }
    if text(&f, "password").chars().count() < 6 {
        return refused("Password minimal 6 karakter");
    }
    let mut users = e.users.lock().unwrap();
    let email = text(&f, "email");
    if users.iter().any(|u| u.email.eq_ignore_ascii_case(&email)) {
        return refused("Email sudah terdaftar");
    }
    let id = format!("ELK5{:04}", users.len() + 1);
    users.push(User {
        id: id.clone(),
        email,
        toko: text(&f, "toko_name"),
        address: text(&f, "address"),
        user_type: if text(&f, "user_type") == "1" { 1 } else { 0 },
        packet: (9, "Trial 30 Hari"),
        active: true,
    });
    ok("Register success!", json!({"registration_id": id}))
}

async fn registration_data(Query(query): Query<HashMap<String, String>>) -> Response {
    if !authorized(&query_fields(query)) {
        return refused("Invalid key or token");
    }
    let packets: Vec<Value> = PACKETS.iter().map(|(id, code, desc)| json!({"packet_id": id.to_string(), "packet_code": code, "packet_desc": desc})).collect();
    ok(
        "Registration Data",
        json!({"registration_packets": packets, "user_type": [{"code": "0", "desc": "Retail"}, {"code": "1", "desc": "Grosir"}]}),
    )
}

async fn user_check(State(e): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(f) = body_fields(&headers, &body) else {
        return refused("Format data tidak valid");
    };
    if !authorized(&f) {
        return refused("Invalid key or token");
    }
    let users = e.users.lock().unwrap();
    match users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(&text(&f, "email")))
    {
        Some(u) => ok(
            &format!("User berlangganan paket {}.", u.packet.1),
            json!({"packet_id": u.packet.0.to_string(), "packet_desc": u.packet.1}),
        ),
        None => refused("User tidak ditemukan"),
    }
}

async fn activation(State(e): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(f) = body_fields(&headers, &body) else {
        return refused("Format data tidak valid");
    };
    if !authorized(&f) {
        return refused("Invalid key or token");
    }
    let Some(packet) = PACKETS
        .iter()
        .find(|(id, _, _)| id.to_string() == text(&f, "packet_id"))
    else {
        return refused("Paket tidak ditemukan");
    };
    if text(&f, "invoice_amount")
        .parse::<f64>()
        .map_or(true, |a| a < 0.0)
    {
        return refused("invoice_amount tidak valid");
    }
    let mut users = e.users.lock().unwrap();
    let Some(user) = users.iter_mut().find(|u| {
        u.id == text(&f, "registration_id") && u.email.eq_ignore_ascii_case(&text(&f, "email"))
    }) else {
        return refused("User tidak ditemukan");
    };
    user.packet = (packet.0, packet.2);
    user.active = true;
    ok(
        "Aktifasi user success!",
        json!({"registration_id": user.id, "packet_id": packet.0.to_string(), "packet_desc": packet.2}),
    )
}

async fn all_users(State(e): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    if !authorized(&query_fields(query)) {
        return refused("Invalid key or token");
    }
    users_response(&e.users.lock().unwrap())
}

async fn users_page(
    State(e): Shared,
    Path(n): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !authorized(&query_fields(query)) {
        return refused("Invalid key or token");
    }
    let Ok(n) = n.parse::<usize>() else {
        return refused("Halaman tidak valid");
    };
    users_response(&page(&e.users.lock().unwrap(), n, 10))
}

async fn detail(
    State(e): Shared,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !authorized(&query_fields(query)) {
        return refused("Invalid key or token");
    }
    let users = e.users.lock().unwrap();
    match users.iter().find(|u| u.id == id) {
        Some(u) => users_response(std::slice::from_ref(u)),
        None => refused("User tidak ditemukan"),
    }
}
