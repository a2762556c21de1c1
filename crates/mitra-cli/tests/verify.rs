//! `mitra verify`: the sandbox answers as the specs say (no drift, exit 0,
//! for every vendor); a local server that drifts from Sempoa's spec (a
//! renamed field, an extra field, a number as a string, a bad date, an
//! unknown enum value, an HTML error page) has each drift reported at its
//! JSON pointer (exit 3), recorded masked, and turned into a spec edit.

use std::process::{Command, Output};

use mitra_testkit::{MockResponse, MockServer};
use serde_json::Value;

fn mitra(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
    command.args(args).env_remove("RUST_LOG");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run mitra")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn the_sandbox_answers_as_every_spec_says() {
    for vendor in mitra_sandbox::Vendor::ALL.map(mitra_sandbox::Vendor::key) {
        let out = mitra(&["verify", vendor, "--sandbox", "--json"], &[]);
        let report = json(&out);
        assert_eq!(out.status.code(), Some(0), "{vendor}: {report:#}");
        assert_eq!(report["summary"]["drift"], 0, "{vendor}");
        assert_eq!(report["summary"]["failed"], 0, "{vendor}");
        assert!(report["summary"]["ok"].as_u64().unwrap() >= 1, "{vendor}");
        // Nothing that changes state is run.
        for op in report["operations"].as_array().unwrap() {
            if ["createJurnal", "createOrderExpress", "registration"]
                .contains(&op["operation"].as_str().unwrap())
            {
                assert_eq!(op["status"], "skipped", "{op}");
            }
        }
    }
}

const TOKEN: &str = "sempoa-test-token-0451";

/// Sempoa as it might answer after an unannounced change.
async fn drifting_sempoa() -> MockServer {
    MockServer::start(|request, _| match request.path.as_str() {
        "/check" => MockResponse::with_type(
            400,
            "text/html",
            "<!DOCTYPE html><html><body><h1>400 Bad Request</h1></body></html>",
        ),
        // `akun` renamed `nama_akun`; an extra `warna`; a person's e-mail.
        "/akun" => MockResponse::json(
            200,
            r#"{"status": 200, "message": "Success", "data": [
                {"kode": "10000", "nama_akun": "Asset", "level": 1, "warna": "biru",
                 "email": "budi.santoso@contoh.id"}]}"#,
        ),
        // `level` as a string.
        "/akun/10000" => MockResponse::json(
            200,
            r#"{"status": 200, "message": "Success", "data": {"kode": "10000", "akun": "Asset", "level": "1"}}"#,
        ),
        // A date in ISO order where the spec says DD-MM-YYYY; status 201.
        "/jurnal" => MockResponse::json(
            200,
            r#"{"status": 201, "message": "Success", "data": [
                {"tanggal": "2023-12-30", "referensi": "R-1"}]}"#,
        ),
        // Every other operation (one added to the spec since) as the spec says.
        path => spec_example("sempoa", &request.method, path).unwrap_or_else(|| {
            MockResponse::json(404, r#"{"status": 404, "message": "not found"}"#)
        }),
    })
    .await
}

/// The spec's success example for `method` `path` (a path its template
/// fits), as the vendor would answer it.
fn spec_example(vendor: &str, method: &str, path: &str) -> Option<MockResponse> {
    let file = format!("{}/../../specs/{vendor}.yaml", env!("CARGO_MANIFEST_DIR"));
    let spec = mitra_spec::parse(&std::fs::read_to_string(file).ok()?).ok()?;
    let fits = |template: &str| {
        let (t, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        t.len() == p.len()
            && t.iter()
                .zip(&p)
                .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
    };
    let (_, item) = spec["paths"].as_object()?.iter().find(|(t, _)| fits(t))?;
    let responses = item[method.to_lowercase().as_str()]["responses"].as_object()?;
    let (status, response) = responses
        .iter()
        .filter(|(s, _)| s.starts_with('2'))
        .min_by_key(|(s, _)| s.as_str())?;
    let media = &response["content"]["application/json"];
    let example = media.get("example").or_else(|| {
        media["examples"]
            .as_object()?
            .values()
            .next()
            .and_then(|e| e.get("value"))
    })?;
    Some(MockResponse::json(
        status.parse().ok()?,
        example.to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_drift_is_reported_at_its_json_pointer() {
    let server = drifting_sempoa().await;
    let url = server.url();
    let env = [("MITRA_SEMPOA_TOKEN", TOKEN)];
    let out = mitra(&["verify", "sempoa", "--base-url", &url, "--json"], &env);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(3), "{report:#}");
    let drift = |op: &str| -> Vec<(String, String)> {
        let entry = report["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["operation"] == op)
            .unwrap_or_else(|| panic!("{op} in {report:#}"));
        // The HTML page answered to checkToken's own example is an error:
        // unconfirmed, its drift from the spec kept beside.
        let expected = if op == "checkToken" {
            "unconfirmed"
        } else {
            "drift"
        };
        assert_eq!(entry["status"], expected, "{entry}");
        entry["drift"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["pointer"].as_str().unwrap().to_owned(),
                    d["kind"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, k)| ((*p).to_owned(), (*k).to_owned()))
            .collect()
    };
    assert_eq!(drift("checkToken"), pairs(&[("", "not-json")]));
    let mut renamed = drift("listAkun");
    renamed.sort();
    assert_eq!(
        renamed,
        pairs(&[
            ("/data/0/akun", "missing-field"),
            ("/data/0/email", "unknown-field"),
            ("/data/0/nama_akun", "unknown-field"),
            ("/data/0/warna", "unknown-field"),
        ])
    );
    assert_eq!(
        drift("getAkun"),
        pairs(&[("/data/level", "number-as-string")])
    );
    assert_eq!(
        drift("listJurnal"),
        pairs(&[("/data/0/tanggal", "pattern"), ("/status", "enum")])
    );
    assert_eq!(report["summary"]["drift"], 3);
    assert_eq!(report["summary"]["unconfirmed"], 1);
    // Nothing that changes state was sent; the others once each.
    assert_eq!(server.count("/jurnal"), 1, "listJurnal only");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.method == "GET" || r.path == "/check")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_answered_to_the_specs_own_example_is_never_ok() {
    // What a broken request looks like from outside: the spec's example of
    // getAkun answered 404 (a renamed path, a field the vendor no longer
    // takes), every other call fine.
    let server = MockServer::start(|request, _| match request.path.as_str() {
        "/akun/10000" => {
            MockResponse::json(404, r#"{"status": 404, "message": "Akun tidak ditemukan"}"#)
        }
        "/check" => MockResponse::json(200, r#"{"status": 200, "message": "Token valid"}"#),
        "/akun" => MockResponse::json(200, r#"{"status": 200, "message": "Success", "data": []}"#),
        _ => MockResponse::json(200, r#"{"status": 200, "message": "Success", "data": []}"#),
    })
    .await;
    let url = server.url();
    let env = [("MITRA_SEMPOA_TOKEN", TOKEN)];
    let out = mitra(&["verify", "sempoa", "--base-url", &url], &env);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("getAkun"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with("unconfirmed") && line.contains("HTTP 404 (not_found)"),
        "{line}"
    );
    assert!(text.contains("1 unconfirmed"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_text_report_records_and_suggests() {
    let server = drifting_sempoa().await;
    let url = server.url();
    let dir = std::env::temp_dir().join(format!("mitra-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let env = [("MITRA_SEMPOA_TOKEN", TOKEN)];
    let out = mitra(
        &[
            "verify",
            "sempoa",
            "--base-url",
            &url,
            "--record",
            dir.to_str().unwrap(),
            "--suggest",
        ],
        &env,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    // One line per operation, then the summary.
    assert!(
        text.lines().any(|l| l.starts_with("drift    getAkun")
            && l.contains("/data/level: \"1\" where the spec wants integer")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("skipped  createJurnal") && l.contains("changes state")),
        "{text}"
    );
    assert!(
        // (Operations the drifting server answers as the spec says are ok.)
        text.contains(" ok, 3 drift, 1 unconfirmed, 0 failed, 1 skipped"),
        "{text}"
    );
    // The spec edit that would accept it, for review.
    for line in [
        "--- a/specs/sempoa.yaml",
        "+        nama_akun:",
        "+        warna:",
        "-      required: [kode, akun]",
        "+      required: [kode]",
        "+      enum: [200, 201]",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
    }
    // The answers as fixtures, credentials and personal data masked.
    let recorded = std::fs::read_to_string(dir.join("sempoa/listAkun.json")).unwrap();
    assert!(recorded.contains("xxxx.xxxxxxx@xxxxxx.xx"), "{recorded}");
    assert!(!recorded.contains("budi"), "{recorded}");
    let html = std::fs::read_to_string(dir.join("sempoa/checkToken.json")).unwrap();
    assert!(html.contains("\"status\": 400"), "{html}");
    for file in std::fs::read_dir(dir.join("sempoa")).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains(TOKEN));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_unreachable_vendors_have_their_own_exit_status() {
    let both = mitra(
        &[
            "verify",
            "sempoa",
            "--sandbox",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(both.status.code(), Some(2));
    let unknown = mitra(&["verify", "nobody"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    let clear = mitra(
        &["verify", "sempoa", "--base-url", "http://vendor.example"],
        &[("MITRA_SEMPOA_TOKEN", TOKEN)],
    );
    assert_eq!(clear.status.code(), Some(2), "http:// to another machine");
    let userinfo = mitra(
        &[
            "verify",
            "sempoa",
            "--base-url",
            "https://user:pw@vendor.example",
        ],
        &[("MITRA_SEMPOA_TOKEN", TOKEN)],
    );
    assert_eq!(userinfo.status.code(), Some(2), "credentials in the URL");
    assert!(!String::from_utf8_lossy(&userinfo.stderr).contains("pw@"));
    // A query may carry a key, which the report would print.
    let query = mitra(
        &[
            "verify",
            "sempoa",
            "--base-url",
            "https://vendor.example/api?key=k-0451-secret",
        ],
        &[("MITRA_SEMPOA_TOKEN", TOKEN)],
    );
    assert_eq!(query.status.code(), Some(2), "a query in the base URL");
    let said = String::from_utf8_lossy(&query.stderr);
    assert!(
        said.contains("query") && !said.contains("k-0451-secret"),
        "{said}"
    );
    // Nothing listens on port 9 of this machine: could not check.
    let down = mitra(
        &["verify", "sempoa", "--base-url", "http://127.0.0.1:9"],
        &[("MITRA_SEMPOA_TOKEN", TOKEN)],
    );
    let text = String::from_utf8_lossy(&down.stdout);
    assert_eq!(down.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("failed   checkToken") && l.contains("network: ")),
        "{text}"
    );
}

/// The recording proxy bounds an answer as the client does: a vendor's
/// endless answer does not fill memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_limit_is_not_read_whole() {
    let huge = "x".repeat(17 << 20);
    let server = MockServer::start(move |_, _| MockResponse::json(200, huge.clone())).await;
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || {
        mitra(
            &["verify", "sempoa", "--base-url", &url],
            &[("MITRA_SEMPOA_TOKEN", TOKEN)],
        )
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The proxy's own refusal: the client's limit would say "the response
    // body is larger", after the proxy had read the answer whole.
    assert!(
        text.contains("the answer is larger than the limit"),
        "{text}"
    );
}
