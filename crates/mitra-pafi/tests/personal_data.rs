//! Personal data (NIK, name, birth date) never reaches tracing output,
//! errors or `Debug` strings. Alone in its test binary: tracing's per-thread
//! capture must not share a process with other tests' callsites.

mod common;

use common::*;
use mitra_pafi::Nik;
use mitra_testkit::{MockResponse, capture_tracing};

#[tokio::test]
async fn personal_data_never_reaches_logs_errors_or_debug() {
    // Canary personal data: a NIK, a name, a birth date.
    const CANARY_NIK: &str = "3174099912310077";
    const CANARY_NAME: &str = "Canaria Testwati";
    let body = found_body()
        .replace(NIK, CANARY_NIK)
        .replace("Dummy Data S.Farm", CANARY_NAME)
        .replace("19021998", "31121977")
        .replace("19-02-1998", "31-12-1977");
    let canaries = [
        CANARY_NIK,
        CANARY_NAME,
        "31-12-1977",
        "1977-12-31",
        "31121977",
        "Canaria",
    ];

    let (guard, logs) = capture_tracing();
    let mut seen = Vec::new();
    let ok_body = body.clone();
    let server = pafi(move |_, n| match n {
        0 => MockResponse::json(200, ok_body.clone()),
        // The vendor echoes the NIK in its message.
        1 => MockResponse::json(404, format!(r#"{{"message":"NIK {CANARY_NIK} tidak ditemukan","status_code":404}}"#)),
        // A body that does not decode, holding the name.
        2 => MockResponse::json(200, format!(r#"{{"nama_anggota":"{CANARY_NAME}","Total_SKP":"banyak"}}"#)),
        _ => MockResponse::json(200, format!(r#"{{"error":true,"status_code":422,"message":"NIK {CANARY_NIK}","errors":["{CANARY_NIK}"]}}"#)),
    })
    .await;
    let client = client(&server);
    let skp = client
        .get_kecukupan_skp_by_nik(&Nik::new(CANARY_NIK).unwrap())
        .await
        .unwrap();
    seen.push(format!("{skp:?}"));
    seen.push(format!("{:#?}", skp));
    for _ in 0..3 {
        let err = client
            .get_kecukupan_skp_by_nik(&Nik::new(CANARY_NIK).unwrap())
            .await
            .unwrap_err();
        seen.push(format!("{err} {err:?}"));
    }
    seen.push(format!("{client:?}"));
    drop(guard);
    let logs = logs.text();
    assert!(
        logs.contains("/pengajuan/kecukupan-skp/user/{nik}"),
        "the path template is logged: {logs}"
    );
    // The answer's Debug masks every field the spec marks personal, whole.
    assert!(
        seen[0].contains("nik: Some([personal data])") && !seen[0].contains("0077"),
        "Debug masks the NIK: {}",
        seen[0]
    );
    assert_eq!(
        server.requests()[1].path,
        format!("/pengajuan/kecukupan-skp/user/{CANARY_NIK}"),
        "the NIK is sent"
    );
    for canary in canaries {
        assert!(!logs.contains(canary), "{canary} in logs:\n{logs}");
        for text in &seen {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}
