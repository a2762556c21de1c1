//! The `mitra` binary as a user runs it: every operation against the
//! sandbox (exit 0, JSON on stdout), invalid input (exit 2, nothing sent),
//! vendor errors (exit 1 with the vendor's message), `--schema` and `--help`.

use std::process::{Command, Output};

use mitra_testkit::{MockResponse, MockServer};
use serde_json::Value;

fn mitra(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run mitra")
}

fn mitra_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run mitra")
}

fn stdout_json(out: &Output, what: &str) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

const ORDER_EXPRESS: &str = r#"{"courier_code":"paxel","code_service":"PAXEL BIG","shipper":{"name":"Toko Contoh","phone":"62812345678","address":"Jl. Contoh 1"},"receiver":{"name":"Pembeli","phone":"62813456789","address":"Jl. Tujuan 2"},"items":[{"name":"Sepatu","weight":1200,"quantity":1}]}"#;
const ORDER_INSTANT: &str = r#"{"courier_code":"lalamove","tariff_id":"sbx-tariff-sample","shipper":{"name":"Toko Contoh","phone":"62812345678","address":"Jl. Contoh 1"},"receiver":{"name":"Pembeli","phone":"62813456789","address":"Jl. Tujuan 2"},"item":{"name":"Dokumen","weight":500,"quantity":1}}"#;

/// Every operation of every vendor, with valid input for the sandbox.
fn every_operation() -> Vec<Vec<String>> {
    let calls: &[&[&str]] = &[
        &[
            "pos",
            "get-postal-code",
            "--city",
            "bandung",
            "--address",
            "cinunuk",
        ],
        &["pos", "get-province"],
        &[
            "pos",
            "get-city",
            "--province-code",
            "32",
            "--city-name",
            "bandung",
        ],
        &[
            "pos",
            "get-sub-district",
            "--province-code",
            "31",
            "--city-code",
            "3172",
        ],
        &[
            "pos",
            "get-sub-sub-district",
            "--province-code",
            "31",
            "--city-code",
            "3172",
            "--sub-district-code",
            "317201",
        ],
        &["pos", "get-post-office", "--city", "bandung"],
        &["pos", "get-track-and-trace", "--resi", "P2411230001"],
        &[
            "elkassa",
            "registration",
            "--toko-name",
            "Toko Baru",
            "--user-type",
            "1",
            "--no-telp",
            "081234567890",
            "--email",
            "baru@contoh.test",
            "--password",
            "rahasia123",
            "--address",
            "Bandung",
        ],
        &["elkassa", "get-registration-data"],
        &["elkassa", "check-user", "--email", "toko1@contoh.test"],
        &[
            "elkassa",
            "activation",
            "--email",
            "toko1@contoh.test",
            "--packet-id",
            "11",
            "--registration-id",
            "ELK50001",
            "--cabang-id",
            "ELK50001-1",
            "--invoice-code",
            "INV-1",
            "--invoice-amount",
            "150000",
            "--payment-gateway",
            "finpay195",
            "--payment-method",
            "ATM",
            "--payment-date",
            "2026-11-20 10:00:00",
        ],
        &["elkassa", "get-all-users", "--page", "2"],
        &["elkassa", "get-all-users-without-paging"],
        &[
            "elkassa",
            "get-detail-user",
            "--registration-id",
            "ELK50001",
        ],
        &["fastrac", "get-province"],
        &["fastrac", "get-city", "--province-id", "31"],
        &["fastrac", "get-district", "--city-id", "3175"],
        &["fastrac", "get-sub-district", "--district-id", "3175010"],
        &["fastrac", "get-postal-code", "--postal-code", "14440"],
        &["fastrac", "search-region", "--keyword", "penjaringan"],
        &["fastrac", "get-courier-service"],
        &[
            "fastrac",
            "check-tariff-express",
            "--origin",
            "3175010001",
            "--destination",
            "3101010001",
            "--items",
            r#"[{"name":"Sepatu","weight":1200,"quantity":1}]"#,
        ],
        &[
            "fastrac",
            "check-tariff-instant",
            "--origin",
            r#"{"id":"3175010001","lat":"-6.12","lng":"106.79"}"#,
            "--destination",
            r#"{"id":"3101010001","lat":"-5.74","lng":"106.61"}"#,
            "--package",
            r#"{"name":"Dokumen","weight":500}"#,
            "--vehicle-type",
            "bike",
        ],
        &[
            "fastrac",
            "calculate-multi-items",
            "--items",
            r#"[{"name":"A","weight":200,"quantity":2,"length":10,"width":10,"height":10}]"#,
        ],
        &[
            "fastrac",
            "create-order-express",
            "--json-body",
            "ORDER_EXPRESS",
        ],
        &[
            "fastrac",
            "create-order-instant",
            "--json-body",
            "ORDER_INSTANT",
        ],
        &[
            "fastrac",
            "cancel-order",
            "--courier-code",
            "paxel",
            "--awb",
            "CO.FASTRAC-20261120-1-SBX001",
            "--cancel-reason",
            "Pembeli membatalkan",
        ],
        &[
            "fastrac",
            "track-order",
            "--courier-code",
            "paxel",
            "--awb",
            "CO.FASTRAC-20261120-1-SBX001",
        ],
        &["fastrac", "get-balance-history", "--filter-status", "topup"],
        &[
            "pafi",
            "get-kecukupan-skp-by-nik",
            "--nik",
            "3273010101900001",
        ],
        &["sempoa", "check-token"],
        &["sempoa", "list-akun", "--page", "2", "--limit", "5"],
        &["sempoa", "get-akun", "--kode", "10000"],
        &["sempoa", "list-jurnal"],
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-12-30",
            "--referensi",
            "PB/2023/VI/0001",
            "--deskripsi",
            "Pembelian ruko",
            "--transaksi",
            r#"[{"akun":"1000","debit":15000,"kredit":0},{"akun":"1001","debit":75000,"kredit":0},{"akun":"1002","debit":0,"kredit":90000}]"#,
        ],
    ];
    calls
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn every_operation_runs_against_the_sandbox() {
    let dir = std::env::temp_dir().join(format!("mitra-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let express = dir.join("express.json");
    let instant = dir.join("instant.json");
    std::fs::write(&express, ORDER_EXPRESS).unwrap();
    std::fs::write(&instant, ORDER_INSTANT).unwrap();
    let calls = every_operation();
    let ops: usize = ["pos", "elkassa", "fastrac", "pafi", "sempoa"]
        .iter()
        .map(|v| {
            let help = String::from_utf8(mitra(&[v, "--help"]).stdout).unwrap();
            help.lines()
                .skip_while(|l| !l.starts_with("Commands:"))
                .skip(1)
                .take_while(|l| !l.is_empty())
                .filter(|l| !l.trim_start().starts_with("help "))
                .count()
        })
        .sum();
    assert_eq!(calls.len(), ops, "one call per operation listed by --help");
    for call in calls {
        let mut args = vec!["--sandbox".to_owned()];
        args.extend(call.iter().map(|a| match a.as_str() {
            "ORDER_EXPRESS" => express.display().to_string(),
            "ORDER_INSTANT" => instant.display().to_string(),
            other => other.to_owned(),
        }));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = mitra(&args);
        let json = stdout_json(&out, &call.join(" "));
        assert!(!json.is_null(), "{}", call.join(" "));
    }
}

#[test]
fn the_main_job_prints_a_decoded_response() {
    let json = stdout_json(
        &mitra(&[
            "--sandbox",
            "pos",
            "get-city",
            "--province-code",
            "32",
            "--city-name",
            "bandung",
        ]),
        "get-city",
    );
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cityName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["KAB. BANDUNG", "KAB. BANDUNG BARAT", "KOTA BANDUNG"]
    );
    // Numeric codes from the gateway come out as text.
    assert_eq!(json[2]["cityCode"], "3273");
}

#[test]
fn invalid_input_exits_2_and_sends_nothing() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::always(MockResponse::json(200, "{}")));
    let url = server.url();
    let env = [
        ("MITRA_PAFI_CLIENT_ID", "1"),
        ("MITRA_PAFI_CLIENT_SECRET", "s"),
        ("MITRA_SEMPOA_TOKEN", "t"),
        ("MITRA_POS_CONSUMER_KEY", "k"),
        ("MITRA_POS_CONSUMER_SECRET", "s"),
    ];
    let cases: &[&[&str]] = &[
        &["pafi", "get-kecukupan-skp-by-nik", "--nik", "12345"],
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-12-30",
            "--referensi",
            "R",
            "--deskripsi",
            "D",
            "--transaksi",
            r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":9}]"#,
        ],
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-02-30",
            "--referensi",
            "R",
            "--deskripsi",
            "D",
            "--transaksi",
            r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":10}]"#,
        ],
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-12-30",
            "--referensi",
            "R",
            "--deskripsi",
            "D",
            "--transaksi",
            "not json",
        ],
        &["sempoa", "get-akun"],
        &["sempoa", "list-akun", "--page", "one"],
        &["pos", "get-city", "--province-code", "3x"],
        &["pos", "get-track-and-trace", "--resi", "12 34"],
        &["pos", "nope"],
    ];
    for case in cases {
        let mut args = vec!["--base-url", &url];
        args.extend_from_slice(case);
        let out = mitra_env(&args, &env);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{case:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{case:?}");
        assert!(!out.stderr.is_empty(), "{case:?}");
    }
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}

#[test]
fn a_vendor_error_exits_1_with_its_kind_and_message() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::always(MockResponse::json(
        400,
        r#"{"status":400,"message":"Nomor referensi sudah ada"}"#,
    )));
    let out = mitra_env(
        &[
            "--base-url",
            &server.url(),
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-12-30",
            "--referensi",
            "R",
            "--deskripsi",
            "D",
            "--transaksi",
            r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":10}]"#,
        ],
        &[("MITRA_SEMPOA_TOKEN", "t")],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: conflict: ") && stderr.contains("Nomor referensi sudah ada"),
        "{stderr}"
    );

    let out = mitra(&["--base-url", "http://127.0.0.1:9", "sempoa", "check-token"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "missing credentials: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("MITRA_SEMPOA_TOKEN"));
}

#[test]
fn schema_prints_request_and_response_schemas() {
    let json = stdout_json(&mitra(&["pos", "get-city", "--schema"]), "schema");
    assert_eq!(
        json["request"]["properties"]["provinceCode"]["type"],
        "string"
    );
    assert!(
        json["response"]["items"].is_object()
            || json["response"]["$ref"].is_string()
            || json["response"]["type"] == "array",
        "{json}"
    );
    // Both of Sempoa's documented request bodies.
    let json = stdout_json(&mitra(&["sempoa", "create-jurnal", "--schema"]), "schema");
    let request = json["request"].to_string();
    assert!(
        request.contains("transaksi") && request.contains("kredit"),
        "{json}"
    );
}

#[test]
fn verbose_traces_without_secrets() {
    let out = mitra(&["--sandbox", "--verbose", "sempoa", "check-token"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("checkToken") && stderr.contains("status=200"),
        "{stderr}"
    );
    assert!(!stderr.contains(mitra_sandbox_token()), "{stderr}");
    let out = mitra(&[
        "--sandbox",
        "--verbose",
        "pafi",
        "get-kecukupan-skp-by-nik",
        "--nik",
        "3273010101900001",
    ]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("/pengajuan/kecukupan-skp/user/{nik}")
            && !stderr.contains("3273010101900001"),
        "{stderr}"
    );
}

fn mitra_sandbox_token() -> &'static str {
    mitra_sandbox::credentials::SEMPOA_TOKEN
}
