//! PAFI: tokens with a scope, SKP lookups for synthetic members, 404 for
//! unknown NIKs.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::credentials::{PAFI_CLIENT_ID, PAFI_CLIENT_SECRET};
use crate::samples::PAFI_NIKS;
use crate::util::{bearer, json, text};

const SCOPE: &str = "read-kecukupan-skp";

struct Pafi {
    /// Issued tokens, and whether each has the lookup's scope.
    tokens: Mutex<Vec<(String, bool)>>,
}

type Shared = State<Arc<Pafi>>;

pub(crate) fn router(_config: &crate::SandboxConfig) -> axum::Router {
    let state = Arc::new(Pafi {
        tokens: Mutex::new(Vec::new()),
    });
    axum::Router::new()
        .route("/oauth/token", post(token))
        .route("/pengajuan/kecukupan-skp/user/{nik}", get(lookup))
        .with_state(state)
}

fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        json!({"message": message, "status_code": status.as_u16()}),
    )
}

async fn token(State(p): Shared, body: Bytes) -> Response {
    let Some(f) = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.as_object().cloned())
    else {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": "Validation error", "errors": ["The body must be JSON."], "status_code": 422}),
        );
    };
    let missing: Vec<String> = ["grant_type", "client_id", "client_secret", "scope"]
        .into_iter()
        .filter(|k| text(&f, k).is_empty())
        .map(|k| format!("The {k} field is required."))
        .collect();
    if !missing.is_empty() {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": "Validation error", "errors": missing, "status_code": 422}),
        );
    }
    if text(&f, "client_id") != PAFI_CLIENT_ID
        || text(&f, "client_secret") != PAFI_CLIENT_SECRET
        || text(&f, "grant_type") != "client_credentials"
    {
        return error(StatusCode::UNAUTHORIZED, "Unauthenticated.");
    }
    let scoped = text(&f, "scope").split_whitespace().any(|s| s == SCOPE);
    let token = {
        let mut tokens = p.tokens.lock().unwrap();
        let token = format!("sandbox.pafi.jwt{}", tokens.len() + 1);
        tokens.push((token.clone(), scoped));
        token
    };
    json(
        StatusCode::OK,
        json!({"status_code": 200, "token_type": "Bearer", "expires_in": "86400", "access_token": token}),
    )
}

async fn lookup(State(p): Shared, Path(nik): Path<String>, headers: HeaderMap) -> Response {
    let scoped = {
        let tokens = p.tokens.lock().unwrap();
        let known: HashSet<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
        match bearer(&headers) {
            Some(t) if known.contains(t) => tokens.iter().any(|(tok, s)| tok == t && *s),
            _ => return error(StatusCode::UNAUTHORIZED, "Unauthenticated."),
        }
    };
    if !scoped {
        return error(StatusCode::FORBIDDEN, "Forbidden");
    }
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": "Validation error", "errors": {"nik": ["The nik must be 16 digits."]}, "status_code": 422}),
        );
    }
    // Synthetic members: no real person.
    let known = PAFI_NIKS
        .iter()
        .position(|n| *n == nik)
        .or((nik == crate::samples::from_specs::PAFI_NIK).then_some(0));
    let member = match known {
        Some(0) => {
            json!({"nama_anggota": "Sandbox Satu S.Farm", "tgl_lahir": "01-01-1990", "gender": "pria", "no_str": "SBX-STR-0001", "tgl_mulai_str": "02-03-2024", "tgl_berakhir_str": "02-03-2029", "Pembelajaran": 24, "Profesionalisme": 10, "Pengabdian_Masyarakat_dan_Profesi": 18, "Publikasi_Ilmiah": 0, "Pengembangan_Ilmu": 0, "Total_SKP": 52, "nomor_surat": "SBX-1.3273.01011990.1.00000001", "Status_Rekom": "Sudah Terbit"})
        }
        Some(_) => {
            json!({"nama_anggota": "Sandbox Dua A.Md.Farm", "tgl_lahir": "05-02-1985", "gender": "wanita", "no_str": "SBX-STR-0002", "tgl_mulai_str": "10-01-2019", "tgl_berakhir_str": "10-01-2024", "Pembelajaran": 8, "Profesionalisme": 0, "Pengabdian_Masyarakat_dan_Profesi": 4.5, "Publikasi_Ilmiah": 0, "Pengembangan_Ilmu": 0, "Total_SKP": 12.5, "nomor_surat": "", "Status_Rekom": "Belum Terbit"})
        }
        None => return error(StatusCode::NOT_FOUND, "404 Not found"),
    };
    let mut body = json!({"error": false, "status_code": 200, "message": "Nomor berhasil ditemukan", "nik": nik, "OP": "Persatuan Ahli Farmasi Indonesia (PAFI)"});
    if let (Some(body), Some(member)) = (body.as_object_mut(), member.as_object()) {
        body.extend(member.clone());
    }
    json(StatusCode::OK, body)
}
