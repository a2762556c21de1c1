//! The paths of issue #37, each as a vendor on 127.0.0.1 that answers the
//! way that leaked: no piece of a credential (8 characters), and no NIK or
//! e-mail address used as a key, reaches `mitra verify`'s report, `--json`,
//! `--suggest` or `--record`.

use std::process::{Command, Output};

use mitra_testkit::{MockResponse, MockServer};

/// Sempoa's API token, with digits (a cut may split it, a digit mask may
/// change it).
const TOKEN: &str = "tok-Rahasia-1234567890abcdef";

fn mitra(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(args)
        .env_remove("RUST_LOG")
        .env("MITRA_SEMPOA_TOKEN", TOKEN)
        .output()
        .expect("run mitra")
}

fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every 8-character piece of `secret` found in `text`.
fn pieces_in(text: &str, secret: &str) -> Vec<String> {
    secret
        .as_bytes()
        .windows(8)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .filter(|p| text.contains(p.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_scrubs_a_whole_body_before_it_cuts_masks_digits_or_takes_an_excerpt() {
    // Row 2: an error message whose token starts past the reader's cut of
    // 300 characters; row 2 and 3: a text 404 quoting the token, where the
    // spec wants JSON (an excerpt of 60 characters, digit runs masked).
    let server = MockServer::start(|request, _| match request.path.as_str() {
        "/check" => MockResponse::json(
            500,
            serde_json::json!({"message": format!("{}token {TOKEN} ditolak", " ".repeat(285))})
                .to_string(),
        ),
        "/akun/10000" => {
            MockResponse::with_type(404, "text/plain", format!("token yang dipakai: {TOKEN}"))
        }
        _ => MockResponse::json(200, r#"{"status": 200, "message": "Success", "data": []}"#),
    })
    .await;
    let url = server.url();
    for json in [false, true] {
        let mut args = vec!["verify", "sempoa", "--base-url", &url];
        if json {
            args.push("--json");
        }
        let out = mitra(&args);
        let text = shown(&out);
        assert_eq!(out.status.code(), Some(3), "{text}");
        assert!(
            text.contains("getAkun") && text.contains("checkToken"),
            "{text}"
        );
        let found = pieces_in(&text, TOKEN);
        assert!(found.is_empty(), "--json {json}: {found:?} in\n{text}");
        assert!(text.contains("<redacted"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_made_of_data_are_masked_in_the_report_json_suggest_and_record() {
    // Row 4: an account list answering a NIK and an e-mail address as keys.
    let server = MockServer::start(|request, _| match request.path.as_str() {
        "/akun" => MockResponse::json(
            200,
            r#"{"status": 200, "message": "Success", "data": [
                {"kode": "10000", "akun": "Asset", "tipe": "Aset", "level": 1,
                 "balance": "Debit", "akun_induk": "-",
                 "3273010101900001": {"nama": "x"}, "siti.rahmawati@contoh.id": 1,
                 "nik_3273010101900002": "y"}]}"#,
        ),
        _ => MockResponse::json(200, r#"{"status": 200, "message": "Success", "data": []}"#),
    })
    .await;
    let url = server.url();
    let dir = std::env::temp_dir().join(format!("mitra-leak-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let record = dir.to_str().unwrap();
    let mut everything = String::new();
    for json in [false, true] {
        let mut args = vec![
            "verify",
            "sempoa",
            "--base-url",
            &url,
            "--suggest",
            "--record",
            record,
        ];
        if json {
            args.push("--json");
        }
        let out = mitra(&args);
        let text = shown(&out);
        assert_eq!(out.status.code(), Some(3), "{text}");
        assert!(text.contains("listAkun"), "{text}");
        // Reported, as keys made of data.
        assert!(text.contains("/data/0/*"), "{text}");
        everything.push_str(&text);
    }
    for file in std::fs::read_dir(dir.join("sempoa")).unwrap() {
        everything.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
    for planted in [
        "32730101",
        "01900001",
        "01900002",
        "siti",
        "rahmawati",
        "contoh.id",
    ] {
        assert!(!everything.contains(planted), "{planted} in\n{everything}");
    }
    // No key made of data is proposed as a property; the edit is left to a
    // person.
    assert!(
        !everything
            .lines()
            .any(|l| l.starts_with('+') && l.trim_end().ends_with("*:")),
        "{everything}"
    );
    assert!(everything.contains("additionalProperties"), "{everything}");
}

#[tokio::test(flavor = "multi_thread")]
async fn under_verbose_the_value_of_a_field_the_spec_does_not_know_is_shown_as_its_kind() {
    // Row 5: an answer with fields no spec lists, traced at DEBUG.
    let server = MockServer::start(|request, _| match request.path.as_str() {
        "/akun" => MockResponse::json(
            200,
            r#"{"status": 200, "message": "Success", "data": [
                {"kontak_penerima": "siti.rahmawati@contoh.id", "hp_penerima": "0813-9998-8877",
                 "kode": "10000", "akun": "Asset", "tipe": "Aset", "level": 1,
                 "balance": "Debit", "akun_induk": "-"}]}"#,
        ),
        _ => MockResponse::json(404, r#"{"status": 404, "message": "not found"}"#),
    })
    .await;
    let url = server.url();
    for extra in [&[][..], &["--log-format", "json"][..]] {
        let mut args = vec!["--verbose", "--base-url", &url];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["sempoa", "list-akun"]);
        let out = mitra(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("http.response.body"), "{stderr}");
        // The fields the spec knows are shown; the others only by kind.
        assert!(stderr.contains("Asset"), "{stderr}");
        for planted in ["siti", "contoh.id", "0813", "9998"] {
            assert!(!stderr.contains(planted), "{planted} in\n{stderr}");
        }
    }
}
