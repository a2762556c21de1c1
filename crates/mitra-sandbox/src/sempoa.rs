//! Sempoa: token check, chart of accounts, journals that must balance and
//! carry a unique reference.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::credentials::SEMPOA_TOKEN;
use crate::util::{bearer, json, page};

/// (code, name, type, level, normal balance, parent)
const ACCOUNTS: &[(&str, &str, &str, u8, &str, &str)] = &[
    ("10000", "Asset", "Aset", 1, "Debit", "-"),
    ("1000", "Kas", "Aset", 2, "Debit", "Asset"),
    ("1001", "Persediaan", "Aset", 2, "Debit", "Asset"),
    ("1002", "BANK BCA", "Aset", 2, "Debit", "Asset"),
    ("1003", "Piutang Usaha", "Aset", 2, "Debit", "Asset"),
    ("1004", "Bangunan", "Aset", 2, "Debit", "Asset"),
    ("20000", "Liabilitas", "Liabilitas", 1, "Credit", "-"),
    (
        "2000",
        "Utang Usaha",
        "Liabilitas",
        2,
        "Credit",
        "Liabilitas",
    ),
    ("30000", "Equity", "Modal", 1, "Credit", "-"),
    ("31000", "Laba Berjalan", "Modal", 1, "Credit", "Equity"),
    ("40000", "Pendapatan", "Pendapatan", 1, "Credit", "-"),
    ("50000", "Beban", "Beban", 1, "Debit", "-"),
];

struct Sempoa {
    journals: Mutex<Vec<Value>>,
}

type Shared = State<Arc<Sempoa>>;

pub(crate) fn router(_config: &crate::SandboxConfig) -> axum::Router {
    axum::Router::new()
        .route("/check", post(check))
        .route("/akun", get(list_akun))
        .route("/akun/{kode}", get(get_akun))
        .route("/jurnal", get(list_jurnal).post(create_jurnal))
        .with_state(Arc::new(Sempoa {
            // One journal in the books from the start, so that listing them
            // shows something; its reference is not the partner example's.
            journals: Mutex::new(vec![json!({
                "id": "00000000-0000-4000-8000-000000000000",
                "tanggal": "02-01-2023",
                "referensi": "SBX/2023/I/0001",
                "deskripsi": "Setoran modal awal",
                "nominal": 100000,
                "status": "Post",
                "transaksi": [
                    {"akun": "Kas", "debit": 100000, "kredit": 0},
                    {"akun": "Equity", "debit": 0, "kredit": 100000}
                ]
            })]),
        }))
}

fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        json!({"status": status.as_u16(), "message": message}),
    )
}

fn success(data: Value) -> Response {
    json(
        StatusCode::OK,
        json!({"status": 200, "message": "Success", "data": data}),
    )
}

/// The refusal for a request without the sandbox token, if it has none.
fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    (bearer(headers) != Some(SEMPOA_TOKEN))
        .then(|| error(StatusCode::UNAUTHORIZED, "API Sempoa not authorized"))
}

fn akun_json(a: &(&str, &str, &str, u8, &str, &str)) -> Value {
    json!({"kode": a.0, "akun": a.1, "tipe": a.2, "level": a.3, "balance": a.4, "akun_induk": a.5})
}

fn paging(query: &HashMap<String, String>) -> (usize, usize) {
    let get = |k: &str, d: usize| {
        query
            .get(k)
            .and_then(|v| v.parse().ok())
            .filter(|v| *v > 0)
            .unwrap_or(d)
    };
    (get("page", 1), get("limit", 10))
}

async fn check(headers: HeaderMap) -> Response {
    if let Some(refusal) = unauthorized(&headers) {
        return refusal;
    }
    success(Value::Null)
}

async fn list_akun(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(refusal) = unauthorized(&headers) {
        return refusal;
    }
    let (p, limit) = paging(&q);
    success(Value::Array(
        page(ACCOUNTS, p, limit).iter().map(akun_json).collect(),
    ))
}

async fn get_akun(headers: HeaderMap, Path(kode): Path<String>) -> Response {
    if let Some(refusal) = unauthorized(&headers) {
        return refusal;
    }
    match ACCOUNTS.iter().find(|a| a.0 == kode) {
        Some(a) => success(akun_json(a)),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("Akun {kode} tidak ditemukan."),
        ),
    }
}

async fn list_jurnal(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = unauthorized(&headers) {
        return refusal;
    }
    let (p, limit) = paging(&q);
    let listed: Vec<Value> = page(&s.journals.lock().unwrap(), p, limit)
        .into_iter()
        .map(|mut j| {
            if let Some(o) = j.as_object_mut() {
                o.remove("id");
            }
            j
        })
        .collect();
    success(Value::Array(listed))
}

/// (account code, debit, credit) lines of either documented request format.
fn lines(body: &Value) -> Option<Vec<(String, i64, i64)>> {
    let amount = |v: &Value| v.as_i64().or_else(|| v.as_str()?.parse().ok());
    if let Some(transaksi) = body["transaksi"].as_array() {
        return transaksi
            .iter()
            .map(|t| {
                Some((
                    t["akun"].as_str()?.to_owned(),
                    amount(&t["debit"])?,
                    amount(&t["kredit"])?,
                ))
            })
            .collect();
    }
    let (akun, debit, kredit) = (
        body["akun"].as_array()?,
        body["debit"].as_array()?,
        body["kredit"].as_array()?,
    );
    if akun.len() != debit.len() || akun.len() != kredit.len() {
        return None;
    }
    akun.iter()
        .zip(debit)
        .zip(kredit)
        .map(|((a, d), k)| Some((a.as_str()?.to_owned(), amount(d)?, amount(k)?)))
        .collect()
}

async fn create_jurnal(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refusal) = unauthorized(&headers) {
        return refusal;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "Format data tidak valid");
    };
    let text = |k: &str| body[k].as_str().unwrap_or_default().trim().to_owned();
    let (deskripsi, referensi) = (text("deskripsi"), text("referensi"));
    if deskripsi.is_empty() || referensi.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "Deskripsi dan referensi wajib diisi",
        );
    }
    let Ok(tanggal) = chrono::NaiveDate::parse_from_str(&text("tanggal"), "%Y-%m-%d") else {
        return error(StatusCode::BAD_REQUEST, "Format tanggal harus YYYY-MM-DD");
    };
    let Some(lines) = lines(&body).filter(|l| l.len() >= 2) else {
        return error(StatusCode::BAD_REQUEST, "Transaksi minimal dua baris");
    };
    // Amounts come from anywhere: sum without overflowing.
    let (debit, kredit) = lines.iter().fold((0i64, 0i64), |(d, k), l| {
        (d.saturating_add(l.1), k.saturating_add(l.2))
    });
    if debit != kredit || lines.iter().any(|l| l.1 < 0 || l.2 < 0) {
        return error(StatusCode::BAD_REQUEST, "Jurnal tidak seimbang");
    }
    let mut transaksi = Vec::new();
    for (code, d, k) in &lines {
        let Some(account) = ACCOUNTS.iter().find(|a| a.0 == code) else {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Akun {code} tidak ditemukan."),
            );
        };
        transaksi.push(json!({"akun": account.1, "kredit": k, "debit": d}));
    }
    let mut journals = s.journals.lock().unwrap();
    if journals
        .iter()
        .any(|j| j["referensi"] == referensi.as_str())
    {
        return error(StatusCode::BAD_REQUEST, "Nomor referensi sudah ada");
    }
    let journal = json!({
        "id": format!("00000000-0000-4000-8000-{:012}", journals.len()),
        "tanggal": tanggal.format("%d-%m-%Y").to_string(),
        "referensi": referensi, "deskripsi": deskripsi, "nominal": debit, "status": "Post", "transaksi": transaksi
    });
    journals.push(journal.clone());
    success(journal)
}
