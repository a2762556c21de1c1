//! A refusal never reads as a success: the `mitra` binary against a stand-in
//! vendor on 127.0.0.1 that answers HTTP 200 with each vendor's refusal, its
//! success flag in every form PHP backends send it (`false`, `"false"`, `0`,
//! `"0"`), and with flags that are neither a success nor a refusal. Each
//! must exit 1 with the vendor's message; the same envelopes with a success
//! flag in any form stay a success (exit 0).

use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::response::IntoResponse;
use mitra_sandbox::Vendor;
use serde_json::{Value, json};

/// A stand-in vendor: a token to token requests, else the body set last.
struct Vendorish {
    body: Arc<Mutex<Value>>,
    url: String,
    _runtime: tokio::runtime::Runtime,
}

impl Vendorish {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let body = Arc::new(Mutex::new(Value::Null));
        let answer = body.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let answer = answer.clone();
            async move {
                if uri.path().ends_with("/token") {
                    return axum::Json(json!({
                        "access_token": "refusal-test-token",
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "scope": "default"
                    }))
                    .into_response();
                }
                axum::Json(answer.lock().unwrap().clone()).into_response()
            }
        });
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            body,
            url,
            _runtime: runtime,
        }
    }

    /// Runs `mitra <vendor> <args>` with `body` as the vendor's answer.
    fn run(&self, vendor: Vendor, args: &[&str], body: Value) -> Output {
        *self.body.lock().unwrap() = body;
        let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
        command.arg(vendor.key()).args(args).env_remove("RUST_LOG");
        for (k, v) in mitra_sandbox::env_at(&self.url, vendor) {
            command.env(k, v);
        }
        command.output().expect("run mitra")
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The call must fail with exit 1, `error[kind]` and the vendor's message.
fn refused(out: &Output, kind: &str, message: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: a refusal read as a success: stdout {} stderr {err}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        err.contains(&format!("error[{kind}]")),
        "{what}: expected {kind}: {err}"
    );
    assert!(err.contains(message), "{what}: no vendor message: {err}");
}

fn succeeded(out: &Output, what: &str) -> Value {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `false`, `"false"`, `0`, `"0"`.
fn false_forms() -> Vec<Value> {
    vec![json!(false), json!("false"), json!(0), json!("0")]
}

/// `true`, `"true"`, `1`, `"1"`.
fn true_forms() -> Vec<Value> {
    vec![json!(true), json!("true"), json!(1), json!("1")]
}

/// Neither: never a success.
fn odd_forms() -> Vec<Value> {
    vec![json!(null), json!(""), json!("maybe"), json!({}), json!(2)]
}

#[test]
fn an_elkassa_refusal_in_any_form_exits_1_with_its_message() {
    let vendor = Vendorish::start();
    let args = ["check-user", "--email", "siti@contoh.id"];
    for flag in false_forms() {
        let body = json!({"status": flag, "messages": "Email belum terdaftar.", "data": null});
        let out = vendor.run(Vendor::Elkassa, &args, body);
        refused(&out, "vendor", "Email belum terdaftar.", &format!("{flag}"));
    }
    for flag in odd_forms() {
        let body = json!({"status": flag, "messages": "Email belum terdaftar.", "data": null});
        let out = vendor.run(Vendor::Elkassa, &args, body);
        refused(&out, "vendor", "Email belum terdaftar.", &format!("{flag}"));
        assert!(stderr(&out).contains("`status`"), "{}", stderr(&out));
    }
    for flag in true_forms() {
        let body = json!({"status": flag, "messages": "Success", "data": {"packet_id": "9", "packet_desc": "Trial 30 Hari"}});
        succeeded(
            &vendor.run(Vendor::Elkassa, &args, body),
            &format!("{flag}"),
        );
    }
}

#[test]
fn a_fastrac_refusal_in_any_form_exits_1_with_its_message() {
    let vendor = Vendorish::start();
    let city = ["get-city", "--province-id", "31"];
    let cancel = [
        "cancel-order",
        "--courier-code",
        "JNE",
        "--awb",
        "FT123",
        "--cancel-reason",
        "salah alamat",
    ];
    for flag in false_forms() {
        let body = json!({"success": flag, "message": "Data not found", "data": []});
        refused(
            &vendor.run(Vendor::Fastrac, &city, body),
            "not_found",
            "Data not found",
            &format!("get-city {flag}"),
        );
        // A POST that changes state: the caller must not believe the order
        // was cancelled.
        let body = json!({"success": flag, "message": "Order sudah dipickup"});
        refused(
            &vendor.run(Vendor::Fastrac, &cancel, body),
            "rejected",
            "Order sudah dipickup",
            &format!("cancel-order {flag}"),
        );
    }
    for flag in odd_forms() {
        let body = json!({"success": flag, "message": "Data not found", "data": []});
        let out = vendor.run(Vendor::Fastrac, &city, body);
        refused(
            &out,
            "vendor",
            "Data not found",
            &format!("get-city {flag}"),
        );
    }
    // The top-level flag decides, not the first `"success"` in the bytes.
    let nested = r#"{"data": {"success": true}, "success": false, "message": "Data not found"}"#;
    refused(
        &vendor.run(
            Vendor::Fastrac,
            &city,
            serde_json::from_str(nested).unwrap(),
        ),
        "not_found",
        "Data not found",
        "nested success",
    );
    for flag in true_forms() {
        let body = json!({"success": flag, "message": "", "data": [{"city_id": 3171, "name": "KOTA JAKARTA SELATAN", "province_id": 31}]});
        let cities = succeeded(
            &vendor.run(Vendor::Fastrac, &city, body),
            &format!("{flag}"),
        );
        assert_eq!(cities[0]["city_id"], 3171, "{cities}");
    }
}

#[test]
fn a_pafi_refusal_inside_a_200_is_not_found() {
    let vendor = Vendorish::start();
    let args = ["get-kecukupan-skp-by-nik", "--nik", "3204850000000000"];
    for error in true_forms() {
        let body = json!({"error": error, "status_code": 404, "message": "NIK tidak terdaftar"});
        refused(
            &vendor.run(Vendor::Pafi, &args, body),
            "not_found",
            "NIK tidak terdaftar",
            &format!("error {error}"),
        );
    }
    // A status code in the body that refuses, whatever `error` says.
    let body = json!({"error": false, "status_code": "404", "message": "NIK tidak terdaftar"});
    refused(
        &vendor.run(Vendor::Pafi, &args, body),
        "not_found",
        "NIK tidak terdaftar",
        "status_code text",
    );
    let body = json!({"error": "maybe", "status_code": 200, "message": "Nomor berhasil ditemukan"});
    refused(
        &vendor.run(Vendor::Pafi, &args, body),
        "vendor",
        "Nomor berhasil ditemukan",
        "error maybe",
    );
}

#[test]
fn a_sempoa_status_in_the_body_as_text_still_refuses() {
    let vendor = Vendorish::start();
    let args = ["list-akun"];
    let body = json!({"status": "400", "message": "API Sempoa not authorized"});
    refused(
        &vendor.run(Vendor::Sempoa, &args, body),
        "unauthorized",
        "API Sempoa not authorized",
        "status text 400",
    );
    let body = json!({"status": 500, "message": "Server error"});
    refused(
        &vendor.run(Vendor::Sempoa, &args, body),
        "vendor",
        "Server error",
        "status 500",
    );
    for status in [json!(null), json!("OK"), json!(302)] {
        let body = json!({"status": status, "message": "Success", "data": []});
        refused(
            &vendor.run(Vendor::Sempoa, &args, body),
            "vendor",
            "Success",
            &format!("status {status}"),
        );
    }
}

/// The other side of the rule: answers that differ from the spec the way
/// vendors' answers do still decode. A list sent as one object is a list of
/// one; an integer sent as decimal text (`"15000.00"`), also inside a
/// `oneOf` (Pos Indonesia's fee, one object or a list), reads as the
/// integer, and a fraction is refused at its pointer.
#[test]
fn one_object_for_a_list_and_decimal_text_for_an_integer_decode() {
    let vendor = Vendorish::start();
    let fee = [
        "get-fee",
        "--shipperzipcode",
        "40111",
        "--receiverzipcode",
        "40115",
        "--weight",
        "1000",
    ];
    let one = |amount: &str| {
        json!({"rs_fee": {"r_fee": {"serviceCode": "240", "serviceName": "PAKETPOS CEPAT DARAT",
            "fee": amount, "feeTax": "165", "totalFee": "15165", "estimation": "2 HARI"}}})
    };
    let fees = succeeded(
        &vendor.run(Vendor::Pos, &fee, one("15000.00")),
        "decimal text in one object",
    );
    assert!(fees.to_string().contains("15000"), "{fees}");
    let mut many = one("15000.00");
    let item = many["rs_fee"]["r_fee"].take();
    many["rs_fee"]["r_fee"] = json!([item.clone(), item]);
    let fees = succeeded(
        &vendor.run(Vendor::Pos, &fee, many),
        "decimal text in a list",
    );
    assert_eq!(fees.as_array().map(Vec::len), Some(2), "{fees}");
    let out = vendor.run(Vendor::Pos, &fee, one("15000.50"));
    assert_eq!(out.status.code(), Some(1), "a fraction: {}", stderr(&out));
    assert!(stderr(&out).contains("/rs_fee/r_fee"), "{}", stderr(&out));

    let accounts = succeeded(
        &vendor.run(
            Vendor::Sempoa,
            &["list-akun"],
            json!({"status": 200, "message": "Success", "data": {"kode": "10000", "akun": "Asset"}}),
        ),
        "one account for a list",
    );
    assert_eq!(accounts.as_array().map(Vec::len), Some(1), "{accounts}");
    assert!(accounts.to_string().contains("10000"), "{accounts}");
}
