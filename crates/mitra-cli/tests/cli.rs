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

/// Flags as a user types them, for a few operations: the same calls as
/// their spec examples, through `--field value` instead of `--json-body`.
const FLAG_CALLS: &[&[&str]] = &[
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
        "32",
        "--city-code",
        "3273",
    ],
    &["fastrac", "get-city", "--province-id", "31"],
    &["sempoa", "list-akun", "--page", "2", "--limit", "5"],
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

/// Every operation of every vendor, with the example input its spec gives
/// (`mitra examples`), runs against the sandbox: exit 0 and a decoded
/// answer. A new operation in a spec is covered with no edit here.
#[test]
fn every_operation_runs_against_the_sandbox() {
    let examples = String::from_utf8(mitra(&["examples"]).stdout).unwrap();
    let calls: Vec<(&str, &str, &str)> = examples
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            )
        })
        .collect();
    let help = String::from_utf8(mitra(&["--help"]).stdout).unwrap();
    let vendors: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| !matches!(*name, "sandbox" | "verify" | "help"))
        .collect();
    assert_eq!(vendors.len(), mitra_sandbox::Vendor::ALL.len(), "{help}");
    let ops: usize = vendors
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
    assert_eq!(
        calls.len(),
        ops,
        "one example per operation listed by --help"
    );
    assert!(ops >= 35, "{ops}");
    let dir = std::env::temp_dir().join(format!("mitra-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (vendor, op, example)) in calls.iter().enumerate() {
        let body = dir.join(format!("{i}.json"));
        std::fs::write(&body, example).unwrap();
        let out = mitra(&[
            "--sandbox",
            vendor,
            op,
            "--json-body",
            body.to_str().unwrap(),
        ]);
        let json = stdout_json(&out, &format!("{vendor} {op} {example}"));
        // A real answer: the sandbox knows every value of the specs' examples.
        let empty = json.is_null()
            || json.as_array().is_some_and(|a| a.is_empty())
            || json.as_object().is_some_and(|o| o.is_empty());
        assert!(!empty, "{vendor} {op} {example}: {json}");
    }
    for call in FLAG_CALLS {
        let mut args = vec!["--sandbox"];
        args.extend_from_slice(call);
        let json = stdout_json(&mitra(&args), &call.join(" "));
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
        stderr.starts_with("error[conflict]: HTTP 400: ")
            && stderr.contains("Nomor referensi sudah ada"),
        "{stderr}"
    );
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
    // The request and the response themselves, redacted.
    let request = stderr
        .lines()
        .find(|l| l.contains(" request "))
        .expect(&stderr);
    assert!(
        request.contains("url.template=\"/check\"")
            && request.contains("http.request.method=POST")
            && request.contains("authorization: [REDACTED]"),
        "{stderr}"
    );
    let response = stderr
        .lines()
        .find(|l| l.contains(" response "))
        .expect(&stderr);
    assert!(
        response.contains("http.response.status_code=200")
            && response.contains("http.response.body={\"data\":null,\"message\":\"Success\""),
        "{stderr}"
    );
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
            // PAFI's bodies may hold a pharmacist's name: withheld.
            && stderr.contains("http.response.body=[withheld")
            && !stderr.contains("3273010101900001"),
        "{stderr}"
    );
    let secret = mitra_sandbox::credentials::PAFI_CLIENT_SECRET;
    assert!(!stderr.contains(secret), "{secret} in {stderr}");
}

fn mitra_sandbox_token() -> &'static str {
    mitra_sandbox::credentials::SEMPOA_TOKEN
}

#[test]
fn a_body_over_the_limit_exits_1_naming_the_limit() {
    let out = mitra(&["--sandbox", "--max-body-bytes", "64", "sempoa", "list-akun"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error[body_too_large]: ") && stderr.contains("64 bytes"),
        "{stderr}"
    );
}

#[test]
fn http_to_another_machine_is_refused_unless_allowed() {
    let env = [("MITRA_SEMPOA_TOKEN", "abcdefgh")];
    let out = mitra_env(
        &[
            "--base-url",
            "http://sempoa.example/api",
            "sempoa",
            "check-token",
        ],
        &env,
    );
    // Refused before anything is sent: a configuration error.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[config]: "));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https"));
    let out = mitra_env(
        &[
            "--base-url",
            "https://user:pass@sempoa.example",
            "sempoa",
            "check-token",
        ],
        &env,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("user or password"));
}

/// The body exactly as Sempoa's partner document writes it (parallel
/// arrays, amounts as strings) goes through `--json-body` as is.
#[test]
fn the_vendors_documented_body_is_taken_as_written() {
    let body = std::env::temp_dir().join(format!("mitra-seed-jurnal-{}.json", std::process::id()));
    std::fs::write(
        &body,
        r#"{"tanggal":"2023-12-30","referensi":"PB/2023/VI/0001","deskripsi":"Pembelian ruko di Citra Raya","akun":["1000","1001","1002"],"debit":["15000","75000","0"],"kredit":["0","0","90000"]}"#,
    )
    .unwrap();
    let out = mitra(&[
        "--sandbox",
        "sempoa",
        "create-jurnal",
        "--json-body",
        body.to_str().unwrap(),
    ]);
    let json = stdout_json(&out, "seed body");
    assert_eq!(json["reference"], "PB/2023/VI/0001");
}

#[test]
fn json_logs_carry_opentelemetry_names_and_no_secret() {
    let out = mitra(&[
        "-v",
        "--log-format",
        "json",
        "--sandbox",
        "pos",
        "get-city",
        "--province-code",
        "32",
        "--city-name",
        "bandung",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let ok = events
        .iter()
        .find(|e| e["fields"]["message"] == "ok")
        .unwrap_or_else(|| panic!("{stderr}"));
    let call = &ok["span"];
    assert_eq!(call["name"], "mitra.call");
    assert_eq!(call["http.request.method"], "POST");
    assert_eq!(call["url.template"], "/utilitas/1.0.1/getCity");
    assert_eq!(call["server.address"], "127.0.0.1");
    assert_eq!(call["http.response.status_code"], 200);
    assert_eq!(call["mitra.operation"], "getCity");
    for (_, secret) in mitra_sandbox::credentials::env(mitra_sandbox::Vendor::Pos) {
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
    }
}

#[test]
fn mitra_log_chooses_what_is_logged_and_a_failure_shows_at_warn() {
    // Only WARN: a success logs nothing...
    let quiet = mitra_env(
        &["--sandbox", "sempoa", "check-token"],
        &[("MITRA_LOG", "mitra=warn")],
    );
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    // ...and a failed call is one WARN naming its kind, vendor and operation.
    let failed = mitra_env(
        &["--sandbox", "sempoa", "get-akun", "--kode", "99999"],
        &[("MITRA_LOG", "mitra=warn")],
    );
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    let warns: Vec<&str> = stderr.lines().filter(|l| l.contains(" WARN ")).collect();
    assert_eq!(warns.len(), 1, "{stderr}");
    for needed in [
        "call failed",
        "error.type=\"not_found\"",
        "mitra.vendor=\"sempoa\"",
        "mitra.operation=\"getAkun\"",
    ] {
        assert!(warns[0].contains(needed), "{needed}: {stderr}");
    }
    assert!(!stderr.contains(mitra_sandbox_token()), "{stderr}");
    // A filter that is not one is bad input.
    let bad = mitra_env(
        &["--sandbox", "sempoa", "check-token"],
        &[("MITRA_LOG", "mitra=[")],
    );
    assert_eq!(bad.status.code(), Some(2));
}

/// Each input mistake of issue 21, and the one line the user reads: the
/// flag, the rule; exit 2 and nothing sent.
#[test]
fn each_input_error_names_the_flag_and_the_rule() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::always(MockResponse::json(200, "{}")));
    let url = server.url();
    let env = [
        ("MITRA_SEMPOA_TOKEN", "t"),
        ("MITRA_POS_CONSUMER_KEY", "k"),
        ("MITRA_POS_CONSUMER_SECRET", "s"),
    ];
    let journal = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut args = vec!["sempoa", "create-jurnal", "--referensi", "R"];
        args.extend_from_slice(extra);
        args
    };
    let balanced =
        r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":10}]"#;
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            journal(&[
                "--tanggal",
                "2026-11-25",
                "--transaksi",
                r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0}]"#,
            ]),
            "error[invalid_input]: --deskripsi: missing; --transaksi[1].kredit: missing",
        ),
        (
            journal(&[
                "--tanggal",
                "2026-11-25",
                "--deskripsi",
                "D",
                "--transaksi",
                r#"[{"akun":"1000","#,
            ]),
            "error[invalid_input]: --transaksi is not JSON: EOF while parsing a value at line 1 column 16 (write it as a JSON array, e.g. '[...]')",
        ),
        (
            journal(&[
                "--tanggal",
                "25-11-2026",
                "--deskripsi",
                "D",
                "--transaksi",
                balanced,
            ]),
            r#"error[invalid_input]: --tanggal: "25-11-2026" is not a real date written YYYY-MM-DD"#,
        ),
        (
            journal(&[
                "--tanggal",
                "2026-11-25",
                "--deskripsi",
                "D",
                "--akun",
                r#"["1000","1002"]"#,
                "--debit",
                r#"["10",0]"#,
                "--kredit",
                r#"["0","10"]"#,
            ]),
            "error[invalid_input]: --debit[1]: 0 is a number where text is wanted (quote it)",
        ),
        (
            vec!["sempoa", "list-akun", "--limit", "abc"],
            r#"error[invalid_input]: --limit: "abc" is text where an integer is wanted"#,
        ),
        (
            vec!["pos", "get-city"],
            "error[invalid_input]: --province-code: missing",
        ),
        (
            journal(&[
                "--tanggal",
                "2026-11-25",
                "--deskripsi",
                "D",
                "--transaksi",
                r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":9}]"#,
            ]),
            "error[invalid_input]: lines: unbalanced: total debit 10 is not total credit 9",
        ),
        (
            vec!["pos", "get-city", "--province-code", "3x"],
            r#"error[invalid_input]: --province-code: must be digits only, e.g. "32""#,
        ),
    ];
    for (case, expected) in cases {
        let mut args = vec!["--base-url", &url];
        args.extend_from_slice(&case);
        let out = mitra_env(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{case:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim_end(),
            expected,
            "{case:?}"
        );
    }
    // A usage error clap finds is the same kind, in the same format.
    let out = mitra_env(
        &["--base-url", &url, "pos", "get-city", "--bogus", "1"],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error[invalid_input]: unexpected argument '--bogus' found"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}

/// Missing credentials: exit 2, every missing variable named, nothing sent.
#[test]
fn missing_credentials_exit_2_naming_every_variable() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::always(MockResponse::json(200, "{}")));
    let url = server.url();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--base-url", &url, "sempoa", "check-token"],
            "error[config]: MITRA_SEMPOA_TOKEN is not set; nothing was sent (set it, or try --sandbox)",
        ),
        (
            &[
                "pafi",
                "get-kecukupan-skp-by-nik",
                "--nik",
                "3273010101900001",
            ],
            "error[config]: MITRA_PAFI_CLIENT_ID, MITRA_PAFI_CLIENT_SECRET are not set; nothing was sent (set them, or try --sandbox)",
        ),
        // The base URL too (Fastrac has no default one), which its builder
        // asks for last.
        (
            &["fastrac", "get-province"],
            "error[config]: MITRA_FASTRAC_ACCESS_KEY, MITRA_FASTRAC_SECRET_KEY, MITRA_FASTRAC_BASE_URL are not set; nothing was sent (set them, or try --sandbox)",
        ),
    ];
    for (case, expected) in cases {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
        command.args(*case);
        for (name, _) in std::env::vars() {
            if name.starts_with("MITRA_") {
                command.env_remove(name);
            }
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{case:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), *expected);
    }
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}

/// An operation's `--help`: its flags under their own heading, apart from
/// the global options; every flag described; a body with two formats says
/// which flags send which.
#[test]
fn operation_help_groups_and_describes_every_flag() {
    let out = mitra(&["sempoa", "create-jurnal", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    let own = help.find("Flags of create-jurnal:").expect(&help);
    let global = help.find("Global options:").expect(&help);
    let formats = help.find("Body formats:").expect(&help);
    assert!(own < global && global < formats, "{help}");
    let (own_part, global_part) = (&help[own..global], &help[global..formats]);
    for flag in ["--akun", "--transaksi", "--deskripsi", "--json-body"] {
        assert!(
            own_part.contains(flag) && !global_part.contains(flag),
            "{flag}: {help}"
        );
    }
    for flag in ["--sandbox", "--verbose", "--base-url"] {
        assert!(
            global_part.contains(flag) && !own_part.contains(flag),
            "{flag}: {help}"
        );
    }
    // No flag without words: each line of the flags has a description.
    for line in own_part
        .lines()
        .skip(1)
        .filter(|l| l.trim_start().starts_with("--"))
    {
        let described = line.split_once('>').map_or(line, |(_, rest)| rest);
        assert!(described.trim().len() > 5, "undescribed: {line}");
    }
    assert!(
        own_part.contains("--deskripsi <STRING>  Text (not empty)"),
        "{help}"
    );
    assert!(
        own_part.contains(
            "{akun: text, debit: integer (>= 0), kredit: integer (>= 0)} [body format 2]"
        ),
        "{help}"
    );
    for needed in [
        "1. JurnalRequestArrays: Partner document (June 2023)",
        "choose it with --akun --debit --kredit",
        "2. JurnalRequestLines: Current docs (July 2023).",
        "choose it with --transaksi",
        "The spec's example (format 1)",
    ] {
        assert!(help.contains(needed), "{needed}: {help}");
    }
}

/// The vendor's next deploy, as the CLI sees it: answers that differ from
/// the spec the way vendors' answers do are decoded and printed.
#[test]
fn answers_that_drift_from_the_spec_still_decode() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let run = |body: &'static str, args: &[&str], env: &[(&str, &str)]| -> Value {
        let server = runtime.block_on(MockServer::always(MockResponse::json(200, body)));
        let url = server.url();
        let mut all = vec!["--base-url", url.as_str()];
        all.extend_from_slice(args);
        let out = mitra_env(&all, env);
        stdout_json(&out, &format!("{args:?}"))
    };
    let fastrac = [
        ("MITRA_FASTRAC_ACCESS_KEY", "a"),
        ("MITRA_FASTRAC_SECRET_KEY", "s"),
    ];
    // A city id sent as a string (Fastrac's V2 did this to `id`).
    let cities = run(
        r#"{"success":true,"message":"","data":[{"city_id":"3101","name":"KOTA JAKARTA SELATAN","province_id":31}],"timestamp":"2026-12-02 10:00:00"}"#,
        &["fastrac", "get-city", "--province-id", "31"],
        &fastrac,
    );
    assert_eq!(cities[0]["city_id"], 3101, "{cities}");
    // An account code sent as a number.
    let account = run(
        r#"{"status":200,"message":"Success","data":{"kode":10000,"akun":"Asset","tipe":"Aset","level":"1","balance":"Debit","akun_induk":"-"}}"#,
        &["sempoa", "get-akun", "--kode", "10000"],
        &[("MITRA_SEMPOA_TOKEN", "t")],
    );
    assert_eq!(account["code"], "10000", "{account}");
    // A journal answer with its optional fields null.
    let journal = run(
        r#"{"status":200,"message":"Success","data":{"id":"997474e9-17de-4e93-9ec1-c960507c3556","tanggal":"30-12-2023","referensi":"PB/2023/VI/0012","deskripsi":null,"nominal":null,"status":null,"transaksi":null}}"#,
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2023-12-30",
            "--referensi",
            "PB/2023/VI/0012",
            "--deskripsi",
            "D",
            "--transaksi",
            r#"[{"akun":"1000","debit":10,"kredit":0},{"akun":"1002","debit":0,"kredit":10}]"#,
        ],
        &[("MITRA_SEMPOA_TOKEN", "t")],
    );
    assert!(journal.to_string().contains("997474e9"), "{journal}");
    // A user type the spec does not list, shown as sent.
    let users = run(
        r#"{"status":true,"messages":"User data","data":[{"registration_id":"ELK44552","user_type":"2","user_type_desc":"Franchise"}]}"#,
        &["elkassa", "get-all-users-without-paging"],
        &[("MITRA_ELKASSA_KEY", "k"), ("MITRA_ELKASSA_TOKEN", "t")],
    );
    assert_eq!(users[0]["user_type"], "2", "{users}");
}

/// Credentials come from the environment: an input error never names them
/// as missing flags (which would invite a secret onto the command line).
#[test]
fn configuration_is_never_reported_as_a_missing_flag() {
    let out = mitra_env(
        &["--base-url", "http://127.0.0.1:9", "elkassa", "check-user"],
        &[("MITRA_ELKASSA_KEY", "k"), ("MITRA_ELKASSA_TOKEN", "t")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--email: missing"), "{stderr}");
    assert!(
        !stderr.contains("--key") && !stderr.contains("--token"),
        "{stderr}"
    );
}

/// `mitra sandbox` on a free port, until dropped; its `MITRA_SANDBOX_URL`.
struct RunningSandbox {
    child: std::process::Child,
    url: String,
    printed: Vec<String>,
}

impl RunningSandbox {
    fn start() -> Self {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_mitra"))
            .args(["sandbox", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run mitra sandbox");
        let stdout = child.stdout.take().unwrap();
        let mut printed = Vec::new();
        let mut url = None;
        // The last line it prints: the last vendor's base URL.
        let last_vendor = mitra_sandbox::Vendor::ALL.last().expect("a vendor");
        let last_line = format!("{}_BASE_URL=", last_vendor.env_prefix());
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let last = line.starts_with(&last_line);
            if let Some(u) = line.strip_prefix("MITRA_SANDBOX_URL=") {
                url = Some(u.to_owned());
            }
            printed.push(line);
            if last {
                break;
            }
        }
        Self {
            child,
            url: url.expect("MITRA_SANDBOX_URL printed"),
            printed,
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_shops_day_runs_across_commands_against_one_running_sandbox() {
    let sandbox = RunningSandbox::start();
    // Every vendor's base URL and credentials, as a program's `from_env` reads them.
    for name in [
        "MITRA_POS_CONSUMER_KEY=",
        "MITRA_ELKASSA_TOKEN=",
        "MITRA_FASTRAC_SECRET_KEY=",
        "MITRA_PAFI_CLIENT_SECRET=",
        "MITRA_SEMPOA_BASE_URL=",
    ] {
        assert!(
            sandbox.printed.iter().any(|l| l.starts_with(name)),
            "{name} in {:#?}",
            sandbox.printed
        );
    }
    let url = sandbox.url.as_str();
    let run = |args: &[&str], what: &str| {
        let mut all = vec!["--sandbox-url", url];
        all.extend_from_slice(args);
        stdout_json(&mitra(&all), what)
    };
    // The buyer's postal code from Pos Indonesia leads to Fastrac's sub-district.
    let codes = run(
        &[
            "pos",
            "get-postal-code",
            "--city",
            "bandung",
            "--address",
            "cinunuk",
        ],
        "getPostalCode",
    );
    let code = codes[0]["posCode"].as_str().unwrap().to_owned();
    let places = run(
        &["fastrac", "get-postal-code", "--postal-code", &code],
        "fastrac getPostalCode",
    );
    let destination = places[0]["subdistrict_id"].as_i64().unwrap().to_string();
    let cities = run(
        &["fastrac", "get-city", "--province-id", "32"],
        "getCity 32",
    );
    assert!(
        cities
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "KAB. BANDUNG"),
        "{cities}"
    );
    // The cheapest express option is ordered (options come grouped by
    // service type; the order takes one item and the parties' region_id).
    let items =
        r#"[{"name":"Sepatu","weight":1200,"width":20,"height":15,"length":30,"quantity":1}]"#;
    let tariffs = run(
        &[
            "fastrac",
            "check-tariff-express",
            "--origin",
            "3175010003",
            "--destination",
            &destination,
            "--items",
            items,
        ],
        "checkTariffExpress",
    );
    let cheapest = ["nextday", "regular", "sameday", "cargo"]
        .iter()
        .filter_map(|group| tariffs[*group].as_array())
        .flatten()
        .min_by(|a, b| {
            a["total"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["total"].as_f64().unwrap())
        })
        .unwrap()
        .clone();
    let shipper = r#"{"name":"Toko Contoh","phone":"62812345678","address":"Jl. Contoh No. 1","region_id":3175010003}"#;
    let receiver = format!(
        r#"{{"name":"Pembeli Contoh","phone":"62813456789","address":"Kel. Cinunuk","region_id":{destination}}}"#
    );
    let item = r#"{"name":"Sepatu","desc":"Sepatu lari","category":"Peralatan Olahraga & Hiburan","value":350000,"weight":1200}"#;
    let courier = cheapest["courier_code"].as_str().unwrap();
    let order = run(
        &[
            "fastrac",
            "create-order-express",
            "--courier-code",
            courier,
            "--code-service",
            cheapest["code_service"].as_str().unwrap(),
            "--cod",
            "0",
            "--insurance",
            "0",
            "--pickup",
            "0",
            "--shipper",
            shipper,
            "--receiver",
            &receiver,
            "--item",
            item,
        ],
        "createOrderExpress",
    );
    let awb = order["awb"].as_str().unwrap().to_owned();
    let track = |what: &str| {
        run(
            &[
                "fastrac",
                "track-order",
                "--courier-code",
                courier,
                "--awb",
                &awb,
            ],
            what,
        )
    };
    // Another command, the same sandbox: the order is there.
    let tracked = track("trackOrder");
    assert_eq!(tracked["awb"], awb.as_str());
    run(
        &[
            "fastrac",
            "cancel-order",
            "--courier-code",
            courier,
            "--awb",
            &awb,
            "--cancel-reason",
            "Pembeli membatalkan",
        ],
        "cancelOrder",
    );
    let history = run(&["fastrac", "get-balance-history"], "getBalanceHistory");
    let entries = history["items"].as_array().unwrap();
    assert_eq!(
        entries.iter().filter(|e| e["awb"] == awb.as_str()).count(),
        2,
        "charged and refunded: {history}"
    );
    let tracked = track("trackOrder after cancel");
    assert!(tracked.to_string().contains("CANCELLED"), "{tracked}");
    // And a journal posted is listed.
    let reference = "SHOP-DAY-0001";
    run(
        &[
            "sempoa",
            "create-jurnal",
            "--tanggal",
            "2026-12-02",
            "--referensi",
            reference,
            "--deskripsi",
            "Ongkir",
            "--transaksi",
            r#"[{"akun":"1000","debit":24000,"kredit":0},{"akun":"1002","debit":0,"kredit":24000}]"#,
        ],
        "createJurnal",
    );
    let journals = run(&["sempoa", "list-jurnal"], "listJurnal");
    assert!(journals.to_string().contains(reference), "{journals}");
    // verify with MITRA_SANDBOX_URL set checks that sandbox, never the real
    // vendor with the real credentials.
    let out = mitra_env(&["verify", "pos"], &[("MITRA_SANDBOX_URL", url)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(&format!("verify pos against {url}/pos")),
        "{text}"
    );
}

/// Fastrac's Order Express page: one `item` and the parties' `region_id`
/// (its table; the page shows no example body, so the body is the spec's
/// example, made of the table). Given with `--json-body`, it goes out as
/// written: the same fields, the same values (numbers compared as numbers:
/// the client writes the page's Number fields as `1200.0`).
#[test]
fn fastrac_express_order_sends_the_pages_body_as_written() {
    let published = serde_json::json!({
        "courier_code": "paxel",
        "code_service": "PAXEL BIG",
        "cod": "0",
        "insurance": "0",
        "pickup": "1",
        "pickup_start": "2025-08-09 09:00:00",
        "pickup_end": "2025-08-09 12:00:00",
        "shipper": {"name": "Toko Contoh", "phone": "62812345678", "address": "Jl. Contoh No. 1, Jakarta", "region_id": 3101010001_i64},
        "receiver": {"name": "Pembeli Contoh", "phone": "62813456789", "address": "Jl. Tujuan No. 2, Jakarta", "region_id": 3173020003_i64},
        "item": {"name": "Sepatu", "desc": "Sepatu lari, sepasang", "category": "Peralatan Olahraga & Hiburan", "value": 350000, "weight": 1200, "length": 30}
    });
    let file =
        std::env::temp_dir().join(format!("mitra-fastrac-express-{}.json", std::process::id()));
    std::fs::write(&file, published.to_string()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::always(MockResponse::json(
        200,
        r#"{"success":true,"message":"success","data":{"awb":"CO.FASTRAC-20250809-1-CLI001"},"timestamp":"2025-08-09T02:00:00.000Z"}"#,
    )));
    let out = mitra_env(
        &[
            "--base-url",
            &server.url(),
            "fastrac",
            "create-order-express",
            "--json-body",
            file.to_str().unwrap(),
        ],
        &[
            ("MITRA_FASTRAC_ACCESS_KEY", "a"),
            ("MITRA_FASTRAC_SECRET_KEY", "s"),
        ],
    );
    std::fs::remove_file(&file).ok();
    let json = stdout_json(&out, "createOrderExpress --json-body");
    assert_eq!(json["awb"], "CO.FASTRAC-20250809-1-CLI001");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one call, never retried");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/order/express")
    );
    let sent: Value = serde_json::from_str(&requests[0].body).unwrap();
    assert!(
        same_json(&sent, &published),
        "sent {sent}\npublished {published}"
    );
    // Not the shapes the spec had before the page was read.
    assert!(sent.get("items").is_none(), "{sent}");
    assert!(sent["shipper"].get("subdistrict_id").is_none(), "{sent}");
}

/// Equal JSON, numbers compared by value (`1200` and `1200.0` alike).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// `--include`: the answer's status, request id, attempts and headers on
/// stderr (credentials redacted), the result alone on stdout; a vendor
/// error names its request id.
#[test]
fn include_shows_the_answer_and_an_error_names_its_request_id() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let id = "3f2c9a1e-77b0-4c1e-9d3a-2b1f0e6c5a4d";
    let server = runtime.block_on(MockServer::always(
        MockResponse::json(
            200,
            r#"{"status":200,"message":"Success","data":{"kode":"10000","akun":"Aktiva"}}"#,
        )
        .header("x-request-id", id)
        .header("set-cookie", "session=abc123secret"),
    ));
    let env = [("MITRA_SEMPOA_TOKEN", "t")];
    let args = [
        "--base-url",
        &server.url(),
        "--include",
        "--attempts",
        "1",
        "sempoa",
        "get-akun",
        "--kode",
        "10000",
    ];
    let out = mitra_env(&args, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = stdout_json(&out, "get-akun --include");
    assert_eq!(json["code"], "10000", "stdout is the result alone");
    for expected in [
        "HTTP 200 OK",
        &format!("request id: {id}"),
        "attempts: 1",
        &format!("x-request-id: {id}"),
        "set-cookie: [REDACTED]",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    assert!(!stderr.contains("abc123secret"), "{stderr}");

    let server = runtime.block_on(MockServer::always(
        MockResponse::json(404, r#"{"status":404,"message":"Akun tidak ditemukan"}"#)
            .header("activityid", id),
    ));
    let out = mitra_env(
        &[
            "--base-url",
            &server.url(),
            "sempoa",
            "get-akun",
            "--kode",
            "1",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("[request id {id}]")), "{stderr}");
}
