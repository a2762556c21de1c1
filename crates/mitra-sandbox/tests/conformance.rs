//! The sandbox's responses conform to `specs/`: every operation of every
//! vendor is called over HTTP and each body is validated against the schema
//! the spec gives for its status (types, required and known properties,
//! nullable, oneOf, allOf, enums, arrays, formats, patterns), by
//! `mitra_spec`'s strict validator, which shares no code with the generated
//! clients.

use mitra_sandbox::{Sandbox, SandboxConfig, Vendor, credentials, samples};
use serde_json::{Value, json};

fn spec(name: &str) -> Value {
    let path = format!("{}/../../specs/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

use mitra_spec::resolve;

/// Problems of `value` against `schema` (an OpenAPI 3.0 schema object), by
/// the strict validator that `mitra verify` and `cargo xtask generate` use.
fn validate(spec: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    problems.extend(
        mitra_spec::validate(spec, schema, value)
            .into_iter()
            .map(|m| format!("{at}: {m}")),
    );
}

struct Call {
    spec: &'static str,
    path: &'static str,
    method: &'static str,
    url: String,
    body: Option<Value>,
    form: Option<Vec<(&'static str, String)>>,
    headers: Vec<(&'static str, String)>,
    status: u16,
}

async fn check(http: &reqwest::Client, call: Call, problems: &mut Vec<String>) {
    let method = reqwest::Method::from_bytes(call.method.to_uppercase().as_bytes()).unwrap();
    let mut request = http.request(method, &call.url);
    request = request.header("accept", "application/json");
    for (k, v) in &call.headers {
        request = request.header(*k, v);
    }
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    if let Some(form) = &call.form {
        request = request.form(form);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let what = format!("{} {} {}", call.spec, call.method, call.path);
    if status != call.status {
        problems.push(format!(
            "{what}: status {status}, expected {}: {text}",
            call.status
        ));
        return;
    }
    // A duplicate key (ELKASSA) keeps its last value here, as JSON parsers do.
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
    let spec = spec(call.spec);
    let response = resolve(
        &spec,
        &spec["paths"][call.path][call.method]["responses"][status.to_string()],
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{what}: the spec has no schema for {status}"
    );
    validate(&spec, schema, &body, &what, problems);
}

#[tokio::test]
async fn every_response_conforms_to_its_spec() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let mut problems = Vec::new();
    let mut calls = Vec::new();

    // Pos Indonesia: a token first.
    let pos = sandbox.url(Vendor::Pos);
    let token: Value = http
        .post(format!("{pos}/token"))
        .basic_auth(
            credentials::POS_CONSUMER_KEY,
            Some(credentials::POS_CONSUMER_SECRET),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let mut tokens = Vec::new();
    validate(
        &spec("pos-indonesia"),
        &spec("pos-indonesia")["components"]["schemas"]["TokenResponse"],
        &token,
        "pos token",
        &mut tokens,
    );
    problems.extend(tokens);
    let pos_calls: [(&str, Value); 15] = [
        ("getProvince", json!({"provinceCode": ""})),
        ("getProvince", json!({"provinceName": "jawa barat"})),
        ("getProvince", json!({"provinceName": "papua"})),
        (
            "getCity",
            json!({"provinceCode": "32", "cityName": "bandung"}),
        ),
        (
            "getCity",
            json!({"provinceCode": "32", "cityName": "kota bandung"}),
        ),
        (
            "getSubDistrict",
            json!({"provinceCode": "21", "cityCode": "246", "subDistrictName": ""}),
        ),
        (
            "getSubSubDistrict",
            json!({"provinceCode": "21", "cityCode": "246", "subDistrictCode": "40516", "subDistrictType": "", "subDistrictName": "Kec.Pulogadung"}),
        ),
        (
            "getPostalCode",
            json!({"city": "bandung", "address": "cinunuk"}),
        ),
        ("getPostOffice", json!({"city": "bandung"})),
        ("getTrackAndTrace", json!({"resi": samples::POS_RESI})),
        ("getTrackAndTrace", json!({"resi": "P0000000000"})),
        (
            "getTrackAndTraceLastStatus",
            json!({"resi": samples::POS_RESI}),
        ),
        ("getTrackAndTraceDetail", json!({"resi": samples::POS_RESI})),
        (
            "getFee",
            json!({"shipperzipcode": "40623", "receiverzipcode": "14450", "weight": 1200}),
        ),
        // No tariff between these: the gateway's 999 sentinel.
        (
            "getFee",
            json!({"shipperzipcode": "40623", "receiverzipcode": "99999", "weight": 1200}),
        ),
    ];
    for (op, body) in pos_calls {
        calls.push(Call {
            spec: "pos-indonesia",
            path: Box::leak(format!("/utilitas/1.0.1/{op}").into_boxed_str()),
            method: "post",
            url: format!("{pos}/utilitas/1.0.1/{op}"),
            body: Some(body),
            form: None,
            headers: vec![("authorization", bearer.clone())],
            status: 200,
        });
    }
    calls.push(Call {
        spec: "pos-indonesia",
        path: "/utilitas/1.0.1/getCity",
        method: "post",
        url: format!("{pos}/utilitas/1.0.1/getCity"),
        body: Some(json!({"provinceCode": "32", "cityName": ""})),
        form: None,
        headers: vec![("authorization", "Bearer expired".into())],
        status: 401,
    });

    // ELKASSA.
    let elk = sandbox.url(Vendor::Elkassa);
    let auth_q = format!(
        "key={}&token={}",
        credentials::ELKASSA_KEY,
        credentials::ELKASSA_TOKEN
    );
    let creds = || {
        vec![
            ("key", credentials::ELKASSA_KEY.to_owned()),
            ("token", credentials::ELKASSA_TOKEN.to_owned()),
        ]
    };
    let with = |extra: &[(&'static str, &str)]| {
        let mut f = creds();
        f.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        Some(f)
    };
    let elk_call = |path: &'static str, method: &'static str, url: String, form| Call {
        spec: "elkassa",
        path,
        method,
        url,
        body: None,
        form,
        headers: vec![],
        status: 200,
    };
    calls.push(elk_call(
        "/integration/registration",
        "post",
        format!("{elk}/integration/registration"),
        with(&[
            ("toko_name", "Toko"),
            ("user_type", "0"),
            ("no_telp", "0812345678"),
            ("email", "a@contoh.test"),
            ("password", "rahasia"),
            ("address", "Bandung"),
        ]),
    ));
    calls.push(elk_call(
        "/integration/registration",
        "post",
        format!("{elk}/integration/registration"),
        with(&[("toko_name", "Toko")]),
    ));
    calls.push(elk_call(
        "/integration/registration",
        "get",
        format!("{elk}/integration/registration?{auth_q}"),
        None,
    ));
    calls.push(elk_call(
        "/integration/user_check",
        "post",
        format!("{elk}/integration/user_check"),
        with(&[("email", "toko1@contoh.test")]),
    ));
    calls.push(elk_call(
        "/integration/activation",
        "post",
        format!("{elk}/integration/activation"),
        with(&[
            ("email", "toko1@contoh.test"),
            ("packet_id", "10"),
            ("registration_id", "ELK50001"),
            ("cabang_id", "ELK50001-1"),
            ("invoice_code", "INV"),
            ("invoice_amount", "1000"),
            ("payment_gateway", "finpay195"),
            ("payment_method", "ATM"),
            ("payment_date", "2026-11-20 10:00:00"),
        ]),
    ));
    calls.push(elk_call(
        "/integration/users",
        "get",
        format!("{elk}/integration/users?{auth_q}"),
        None,
    ));
    calls.push(elk_call(
        "/integration/users/{page}",
        "get",
        format!("{elk}/integration/users/2?{auth_q}"),
        None,
    ));
    calls.push(elk_call(
        "/integration/users/{page}",
        "get",
        format!("{elk}/integration/users/9?{auth_q}"),
        None,
    ));
    calls.push(elk_call(
        "/integration/user/{registration_id}",
        "get",
        format!("{elk}/integration/user/ELK50001?{auth_q}"),
        None,
    ));

    // Fastrac.
    let fr = sandbox.url(Vendor::Fastrac);
    let basic = || {
        vec![
            ("access-key", credentials::FASTRAC_ACCESS_KEY.to_owned()),
            ("secret-key", credentials::FASTRAC_SECRET_KEY.to_owned()),
        ]
    };
    let fr_call =
        |path: &'static str, method: &'static str, query: &str, body: Option<Value>, status| Call {
            spec: "fastrac",
            path,
            method,
            url: format!("{fr}{path}{query}"),
            body,
            form: None,
            headers: basic(),
            status,
        };
    let item =
        json!({"name": "A", "weight": 200, "quantity": 1, "length": 10, "width": 10, "height": 10});
    // As Fastrac's V2 pages have them: the express parties' `region_id`, its
    // one item of at least 1000 g; the instant parties' `email`, its item's
    // `desc` and `category`; both addresses of a point.
    let express_party = |region: i64| json!({"name": "Toko", "phone": "62812345678", "address": "Jl. Contoh", "region_id": region});
    let express_item = json!({"name": "A", "desc": "Sepatu", "category": "Peralatan Olahraga & Hiburan", "value": 350000, "weight": 1200, "length": 10});
    let instant_party = json!({"name": "Toko", "email": "toko@example.com", "phone": "62812345678", "address": "Jl. Contoh"});
    let instant_item = json!({"name": "A", "desc": "Map", "category": "Dokumen"});
    let point = json!({"id": "3175010001", "lat": "-6.1", "lng": "106.8", "alamat_lengkap": "Jl. Contoh 1", "alamat_google": "Jl. Contoh"});
    calls.push(fr_call("/region/province", "get", "", None, 200));
    calls.push(fr_call("/region/city", "get", "?province_id=31", None, 200));
    calls.push(fr_call("/region/city", "get", "", None, 400));
    calls.push(fr_call(
        "/region/district",
        "get",
        "?city_id=3175",
        None,
        200,
    ));
    calls.push(fr_call(
        "/region/sub-district",
        "get",
        "?district_id=3175010",
        None,
        200,
    ));
    calls.push(fr_call(
        "/region/postal-code",
        "get",
        "?postal_code=14440",
        None,
        200,
    ));
    calls.push(fr_call(
        "/region/search",
        "post",
        "",
        Some(json!({"keyword": "kamal"})),
        200,
    ));
    calls.push(fr_call("/courier/service", "get", "", None, 200));
    calls.push(fr_call(
        "/tariff/express",
        "post",
        "",
        Some(json!({"origin": 3175010001_i64, "destination": 3101010001_i64, "items": [item]})),
        200,
    ));
    calls.push(fr_call(
        "/tariff/instant",
        "post",
        "",
        Some(
            json!({"origin": point, "destination": point, "package": {"weight": 200, "value": 10000}, "vehicle_type": "bike"}),
        ),
        200,
    ));
    calls.push(fr_call(
        "/item/multi-items",
        "post",
        "",
        Some(json!({"courier": "idx", "items": [item]})),
        200,
    ));
    calls.push(fr_call("/order/express", "post", "", Some(json!({"courier_code": "paxel", "code_service": "PAXEL BIG", "cod": "0", "insurance": "0", "pickup": "0", "shipper": express_party(3175010001), "receiver": express_party(3101010001), "item": express_item})), 200));
    calls.push(fr_call("/order/instant", "post", "", Some(json!({"courier_code": "grab", "tariff_id": samples::FASTRAC_TARIFF_ID, "shipper": instant_party, "receiver": instant_party, "item": instant_item})), 200));
    calls.push(fr_call(
        "/order/track",
        "get",
        "",
        Some(json!({"courier_code": "paxel", "awb": samples::FASTRAC_AWB})),
        200,
    ));
    calls.push(fr_call("/order/cancel", "post", "", Some(json!({"courier_code": "paxel", "awb": samples::FASTRAC_AWB, "cancel_reason": "Dibatalkan pembeli"})), 200));
    calls.push(fr_call("/order/cancel", "post", "", Some(json!({"courier_code": "paxel", "awb": "CO.FASTRAC-0-0-NONE", "cancel_reason": "Dibatalkan pembeli"})), 404));
    calls.push(fr_call(
        "/order/track",
        "get",
        "",
        Some(json!({"courier_code": "paxel", "awb": "CO.FASTRAC-0-0-NONE"})),
        404,
    ));
    calls.push(fr_call(
        "/user/balance/history",
        "post",
        "",
        Some(json!({"filter_status": "topup"})),
        200,
    ));

    // PAFI.
    let pafi = sandbox.url(Vendor::Pafi);
    let pafi_token: Value = http
        .post(format!("{pafi}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": credentials::PAFI_CLIENT_ID, "client_secret": credentials::PAFI_CLIENT_SECRET, "scope": "read-kecukupan-skp"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut token_problems = Vec::new();
    validate(
        &spec("pafi"),
        &spec("pafi")["components"]["schemas"]["TokenResponse"],
        &pafi_token,
        "pafi token",
        &mut token_problems,
    );
    problems.extend(token_problems);
    let pafi_bearer = format!("Bearer {}", pafi_token["access_token"].as_str().unwrap());
    for (nik, status) in [
        (samples::PAFI_NIKS[0], 200),
        (samples::PAFI_NIKS[1], 200),
        ("3273019999999999", 404),
        ("123", 422),
    ] {
        calls.push(Call {
            spec: "pafi",
            path: "/pengajuan/kecukupan-skp/user/{nik}",
            method: "get",
            url: format!("{pafi}/pengajuan/kecukupan-skp/user/{nik}"),
            body: None,
            form: None,
            headers: vec![("authorization", pafi_bearer.clone())],
            status,
        });
    }
    calls.push(Call {
        spec: "pafi",
        path: "/pengajuan/kecukupan-skp/user/{nik}",
        method: "get",
        url: format!(
            "{pafi}/pengajuan/kecukupan-skp/user/{}",
            samples::PAFI_NIKS[0]
        ),
        body: None,
        form: None,
        headers: vec![],
        status: 401,
    });

    // Sempoa.
    let sem = sandbox.url(Vendor::Sempoa);
    let bearer_sem = || {
        vec![(
            "authorization",
            format!("Bearer {}", credentials::SEMPOA_TOKEN),
        )]
    };
    let sem_call =
        |path: &'static str, method: &'static str, tail: &str, body: Option<Value>, status| Call {
            spec: "sempoa",
            path,
            method,
            url: format!("{sem}{tail}"),
            body,
            form: None,
            headers: bearer_sem(),
            status,
        };
    let lines = json!({"deskripsi": "Pembelian ruko", "referensi": "R-1", "tanggal": "2023-12-30", "transaksi": [{"akun": "1000", "debit": 15000, "kredit": 0}, {"akun": "1002", "debit": 0, "kredit": 15000}]});
    let arrays = json!({"deskripsi": "Pembelian ruko", "referensi": "R-2", "tanggal": "2023-12-30", "akun": ["1000", "1001", "1002"], "debit": ["15000", "75000", "0"], "kredit": ["0", "0", "90000"]});
    calls.push(sem_call("/check", "post", "/check", None, 200));
    calls.push(sem_call("/akun", "get", "/akun?limit=5&page=2", None, 200));
    calls.push(sem_call("/akun/{kode}", "get", "/akun/10000", None, 200));
    calls.push(sem_call("/akun/{kode}", "get", "/akun/99999", None, 404));
    calls.push(sem_call(
        "/jurnal",
        "post",
        "/jurnal",
        Some(lines.clone()),
        200,
    ));
    calls.push(sem_call("/jurnal", "post", "/jurnal", Some(arrays), 200));
    calls.push(sem_call("/jurnal", "post", "/jurnal", Some(lines), 400));
    calls.push(sem_call(
        "/jurnal",
        "get",
        "/jurnal?limit=10&page=1",
        None,
        200,
    ));
    calls.push(Call {
        spec: "sempoa",
        path: "/check",
        method: "post",
        url: format!("{sem}/check"),
        body: None,
        form: None,
        headers: vec![],
        status: 401,
    });

    // Every operation of every spec is among the calls: a new operation
    // fails this test until the sandbox answers it and a call covers it.
    let specs = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs")).unwrap();
    let mut names: Vec<String> = specs
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".yaml")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in &names {
        let spec = spec(name);
        let vendor = Vendor::ALL
            .into_iter()
            .find(|v| v.spec() == name.as_str())
            .unwrap_or_else(|| panic!("specs/{name}.yaml: no vendor of the sandbox serves it"));
        for (path, item) in spec["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let covered = calls
                    .iter()
                    .any(|c| c.spec == name.as_str() && c.path == path && c.method == method);
                if !covered && item[method]["x-mitra-token-endpoint"] != true {
                    // Not called by hand above (a new operation, a new
                    // vendor): its spec example call, answered by the
                    // generic emulator from the spec's success example.
                    match example_call(&spec, name, path, method, &sandbox.url(vendor)) {
                        Some(call) => calls.push(call),
                        None => problems.push(format!(
                            "{name} {method} {path}: no call covers it and its spec has no example call"
                        )),
                    }
                }
            }
        }
    }
    let count = calls.len();
    for call in calls {
        check(&http, call, &mut problems).await;
    }
    assert!(
        problems.is_empty(),
        "{} of {count} calls disagree with the specs:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(count >= 50, "{count}");
}

/// The call an operation's spec examples make (each parameter's example,
/// the request body's), expecting its lowest 2xx status; `None` when a
/// required parameter has no example or the operation no success.
fn example_call(spec: &Value, name: &str, path: &str, method: &str, base: &str) -> Option<Call> {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let operation = &spec["paths"][path][method];
    let mut url_path = path.to_owned();
    let mut query = Vec::new();
    let params = spec["paths"][path]["parameters"]
        .as_array()
        .into_iter()
        .chain(operation["parameters"].as_array())
        .flatten();
    for param in params {
        let param = resolve(spec, param);
        let example = param
            .get("example")
            .or_else(|| param["schema"].get("example"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        let param_name = param["name"].as_str()?;
        match (param["in"].as_str()?, example) {
            ("path", Some(value)) => {
                url_path =
                    url_path.replace(&format!("{{{param_name}}}"), &value.replace('/', "%2F"))
            }
            ("query", Some(value)) => query.push(format!("{param_name}={value}")),
            (_, None) if param["required"] == true => return None,
            _ => {}
        }
    }
    let media = &operation["requestBody"]["content"]["application/json"];
    let body = media.get("example").cloned().or_else(|| {
        media["examples"]
            .as_object()?
            .values()
            .next()
            .map(|e| e["value"].clone())
    });
    let status = operation["responses"]
        .as_object()?
        .keys()
        .filter_map(|k| k.parse::<u16>().ok())
        .filter(|s| (200..300).contains(s))
        .min()?;
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    Some(Call {
        spec: leak(name),
        path: leak(path),
        method: leak(method),
        url: format!("{base}{url_path}{query}"),
        body,
        form: None,
        headers: vec![],
        status,
    })
}
