//! ELKASSA as users rely on it: every documented example decodes, every
//! quirk is tolerated, validation stops bad input, state-changing calls are
//! never retried, and the exact requests are snapshotted.

mod common;

use common::*;
use futures_util::TryStreamExt;
use mitra_core::Error;
use mitra_elkassa::{BodyEncoding, User, UserType, types};
use mitra_testkit::{MockResponse, MockServer};
use serde_json::{Value, json};

fn examples(media: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = media.get("example").cloned().into_iter().collect();
    out.extend(
        media["examples"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, e)| e["value"].clone()),
    );
    out
}

#[test]
fn every_embedded_example_decodes() {
    let spec = spec();
    let mut count = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            if let Some(media) =
                op["requestBody"]["content"].get("application/x-www-form-urlencoded")
            {
                for ex in examples(media) {
                    let ok = match id {
                        "registration" => {
                            serde_json::from_value::<types::RegistrationRequest>(ex).is_ok()
                        }
                        "checkUser" => {
                            serde_json::from_value::<types::CheckUserRequest>(ex).is_ok()
                        }
                        "activation" => {
                            serde_json::from_value::<types::ActivationRequest>(ex).is_ok()
                        }
                        other => panic!("{other}"),
                    };
                    assert!(ok, "{id} request");
                    count += 1;
                }
            }
            let mut response = &op["responses"]["200"];
            if let Some(r) = response.get("$ref").and_then(Value::as_str) {
                response = &spec["components"]["responses"][r.rsplit('/').next().unwrap()];
            }
            for ex in examples(&response["content"]["application/json"]) {
                let ok = match id {
                    "registration" => {
                        serde_json::from_value::<types::RegistrationEnvelope>(ex).is_ok()
                    }
                    "getRegistrationData" => {
                        serde_json::from_value::<types::RegistrationDataEnvelope>(ex).is_ok()
                    }
                    "checkUser" => serde_json::from_value::<types::CheckUserEnvelope>(ex).is_ok(),
                    "activation" => serde_json::from_value::<types::ActivationEnvelope>(ex).is_ok(),
                    _ => serde_json::from_value::<types::UsersEnvelope>(ex).is_ok(),
                };
                assert!(ok, "{method} {path} {id}");
                count += 1;
            }
        }
    }
    assert_eq!(count, 14, "examples found");
    let raw: types::UsersEnvelope = serde_json::from_str(&raw_users_example()).unwrap();
    assert_eq!(
        raw.data.unwrap()[0].account_status.as_deref(),
        Some("ACTIVE")
    );
}

#[tokio::test]
async fn the_duplicate_key_keeps_both_values_and_strings_become_types() {
    let body = raw_users_example();
    let server = MockServer::always(MockResponse::json(200, body)).await;
    let users = client(&server).get_detail_user("ELK44552").await.unwrap();
    assert_eq!(users.len(), 1, "getDetailUser answers with a list");
    let u: &User = &users[0];
    assert_eq!(
        u.user_type_desc.as_deref(),
        Some("Retail"),
        "first user_type_desc: the type's name"
    );
    assert_eq!(
        u.account_status.as_deref(),
        Some("ACTIVE"),
        "second user_type_desc: the account status"
    );
    assert_eq!(u.user_type, Some(UserType::Retail), "\"0\" is retail");
    assert_eq!(u.contract_id, Some(12), "\"12\" is a number");
    assert_eq!(
        u.registered_date
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .to_fixed_offset()
            .unwrap()
            .to_rfc3339(),
        "2016-03-18T22:08:02+07:00",
        "WIB"
    );
    assert_eq!(
        u.expired_date.as_ref().unwrap().to_string(),
        "2017-04-12 23:00:01"
    );
    assert_eq!(u.cabangs[0].cabang_id.as_deref(), Some("ELK44552-1"));
    assert_eq!(server.requests()[0].path, "/integration/user/ELK44552");
}

/// One odd date does not sink a page of users: it is kept as sent.
#[tokio::test]
async fn an_odd_date_keeps_its_text_and_the_rest_decodes() {
    let server = MockServer::always(ok(json!([
        {"registration_id": "A", "registered_date": "0000-00-00 00:00:00", "expired_date": ""},
        {"registration_id": "B", "registered_date": "2016-03-18 22:08:02"}
    ])))
    .await;
    let users = client(&server).get_all_users(1).await.unwrap();
    assert_eq!(users.len(), 2);
    let odd = users[0].registered_date.as_ref().unwrap();
    assert_eq!(
        (odd.value(), odd.raw()),
        (None, Some("0000-00-00 00:00:00"))
    );
    assert_eq!(users[0].expired_date.as_ref().unwrap().raw(), Some(""));
    assert!(users[1].registered_date.as_ref().unwrap().value().is_some());
}

/// A branch is read as tolerantly as the user that holds it (its id sent as
/// a number), and a field neither names is reported at its pointer.
#[tokio::test]
async fn a_branch_id_sent_as_a_number_decodes_and_an_unknown_field_is_reported() {
    let server = MockServer::always(ok(json!([
        {"registration_id": "A", "cabangs": [{"cabang_id": 17, "cabang_name": "Pusat", "cabang_kota": "Bandung"}]}
    ])))
    .await;
    let users = client(&server).get_all_users(1).await.unwrap();
    assert_eq!(users[0].cabangs[0].cabang_id.as_deref(), Some("17"));
    let reported = mitra_core::tolerant::reported();
    let about = |pointer: &str| {
        reported
            .iter()
            .find(|d| d.vendor == "elkassa" && d.operation == "getAllUsers" && d.pointer == pointer)
            .map(|d| (d.expected, d.found))
    };
    assert_eq!(
        about("/data/0/cabangs/0/cabang_id"),
        Some(("a string", "an integer"))
    );
    assert_eq!(
        about("/data/0/cabangs/0/cabang_kota"),
        Some(("no such field", "a field"))
    );
}

#[tokio::test]
async fn a_single_user_type_desc_goes_where_it_belongs() {
    let server = MockServer::always(ok(json!([
        {"registration_id": "A", "user_type": "1", "user_type_desc": "Grosir"},
        {"registration_id": "B", "user_type": 0, "user_type_desc": "ACTIVE"},
        {"registration_id": "C", "user_type_desc": null, "contract_id": 7}
    ])))
    .await;
    let users = client(&server).get_all_users(1).await.unwrap();
    assert_eq!(
        (
            users[0].user_type.clone(),
            users[0].user_type_desc.as_deref(),
            users[0].account_status.as_deref()
        ),
        (Some(UserType::Grosir), Some("Grosir"), None)
    );
    assert_eq!(
        (
            users[1].user_type_desc.as_deref(),
            users[1].account_status.as_deref()
        ),
        (None, Some("ACTIVE"))
    );
    assert_eq!(users[2].contract_id, Some(7));
}

#[tokio::test]
async fn numbers_as_strings_in_registration_data() {
    let body = spec()["paths"]["/integration/registration"]["get"]["responses"]["200"]["content"]["application/json"]["example"].to_string();
    let server = MockServer::always(MockResponse::json(200, body)).await;
    let data = client(&server).get_registration_data().await.unwrap();
    let ids: Vec<i64> = data
        .registration_packets
        .iter()
        .map(|p| p.packet_id.get())
        .collect();
    assert_eq!(ids, [9, 10, 11]);
    assert_eq!(data.user_type[1].code.unwrap().get(), 1);
}

#[tokio::test]
async fn data_null_or_absent_is_empty() {
    for body in [
        json!({"status": true, "messages": "User data", "data": null}),
        json!({"status": true, "messages": "User data"}),
    ] {
        let server = MockServer::always(MockResponse::json(200, body.to_string())).await;
        let c = client(&server);
        assert!(c.get_all_users(3).await.unwrap().is_empty());
        assert!(
            c.check_user(&types::CheckUserRequest::new("a@b.co"))
                .await
                .unwrap()
                .is_none()
        );
        let err = c.registration(&new_user()).await.unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. }),
            "a registration with no id is not a success: {err:?}"
        );
    }
}

#[tokio::test]
async fn status_false_is_an_error_even_with_http_200() {
    let cases = [
        (
            json!({"status": false, "messages": "Email sudah terdaftar", "data": null}),
            "Email sudah terdaftar",
        ),
        (
            json!({"status": false, "messages": ["Email wajib diisi", "Password minimal 6 karakter"]}),
            "Email wajib diisi; Password minimal 6 karakter",
        ),
    ];
    for (body, expected) in cases {
        let server = MockServer::always(MockResponse::json(200, body.to_string())).await;
        match client(&server).registration(&new_user()).await.unwrap_err() {
            Error::Vendor {
                status: Some(200),
                message,
                ..
            } => assert_eq!(message, expected),
            other => panic!("{other:?}"),
        }
    }
    let server = MockServer::always(MockResponse::json(
        200,
        json!({"status": false, "messages": "Invalid key or token"}).to_string(),
    ))
    .await;
    assert!(matches!(
        client(&server).get_all_users(1).await,
        Err(Error::Unauthorized { .. })
    ));
    let server = MockServer::always(MockResponse::json(
        200,
        json!({"status": false, "messages": "User tidak ditemukan"}).to_string(),
    ))
    .await;
    assert!(matches!(
        client(&server).get_detail_user("ELK1").await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn all_users_walks_pages_of_ten_until_an_empty_page() {
    let server = MockServer::start(|req, _| {
        let page: usize = req.path.rsplit('/').next().unwrap().parse().unwrap();
        let count = match page {
            1 | 2 => 10,
            _ => 0,
        };
        ok(Value::Array(
            (0..count)
                .map(|i| json!({"registration_id": format!("ELK{page}{i:02}")}))
                .collect(),
        ))
    })
    .await;
    let users: Vec<User> = client(&server).all_users().try_collect().await.unwrap();
    assert_eq!(users.len(), 20);
    assert_eq!(users[19].registration_id, "ELK209");
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/integration/users/1",
            "/integration/users/2",
            "/integration/users/3"
        ]
    );
}

#[tokio::test]
async fn bad_input_is_rejected_with_nothing_sent() {
    let server = MockServer::always(ok(json!({"registration_id": "ELK1"}))).await;
    let c = client(&server);
    let mut user_cases: Vec<(&str, mitra_elkassa::NewUser)> = Vec::new();
    let mut u = new_user();
    u.password = "12345".to_owned().into();
    user_cases.push(("password", u));
    let mut u = new_user();
    u.email = "pemilik.example.com".into();
    user_cases.push(("email", u));
    let mut u = new_user();
    u.no_telp = "0812-3456-7890".into();
    user_cases.push(("no_telp", u));
    let mut u = new_user();
    u.toko_name = " ".into();
    user_cases.push(("toko_name", u));
    let mut u = new_user();
    u.address = String::new();
    user_cases.push(("address", u));
    for (field, user) in user_cases {
        assert!(
            matches!(c.registration(&user).await, Err(Error::Validation { field: f, .. }) if f == field),
            "{field}"
        );
    }
    for (field, mutate) in [
        (
            "invoice_amount",
            (|a: &mut mitra_elkassa::Activation| a.invoice_amount = "-5".into())
                as fn(&mut mitra_elkassa::Activation),
        ),
        ("invoice_amount", |a| a.invoice_amount = "abc".into()),
        ("email", |a| a.email = "x".into()),
        ("cabang_id", |a| a.cabang_id = String::new()),
        ("invoice_code", |a| a.invoice_code = "  ".into()),
        ("registration_id", |a| a.registration_id = String::new()),
    ] {
        let mut a = activation();
        mutate(&mut a);
        assert!(
            matches!(c.activation(&a).await, Err(Error::Validation { field: f, .. }) if f == field),
            "{field}"
        );
    }
    assert!(matches!(
        c.get_all_users(0).await,
        Err(Error::Validation { field: "page", .. })
    ));
    assert!(matches!(
        c.get_detail_user("../x").await,
        Err(Error::Validation {
            field: "registration_id",
            ..
        })
    ));
    assert!(matches!(
        c.check_user(&types::CheckUserRequest::new("nope")).await,
        Err(Error::Validation { field: "email", .. })
    ));
    // A user type the spec does not list is read from an answer, never sent.
    assert_eq!(UserType::from_code("2"), None);
    let unknown = serde_json::from_str::<UserType>("\"2\"").unwrap();
    assert_eq!(unknown, UserType::Unknown("2".into()));
    let mut user = common::new_user();
    user.user_type = unknown;
    assert!(matches!(
        c.registration(&user).await,
        Err(Error::Validation {
            field: "user_type",
            ..
        })
    ));
    // The same through the wire body (the CLI's and `call_json`'s path).
    let body: types::RegistrationRequest = serde_json::from_value(serde_json::json!({
        "toko_name": "Toko", "user_type": "2", "no_telp": "081234567890",
        "email": "pemilik@example.com", "password": "rahasia123", "address": "Bandung"
    }))
    .unwrap();
    assert!(matches!(
        c.registration_wire(&body).await,
        Err(Error::Validation {
            field: "user_type",
            ..
        })
    ));
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn calls_that_change_state_are_never_retried() {
    let server = MockServer::always(MockResponse::with_type(
        503,
        "text/html",
        "<html><title>503</title></html>",
    ))
    .await;
    let c = client(&server);
    c.registration(&new_user()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "registration: one attempt");
    c.activation(&activation()).await.unwrap_err();
    assert_eq!(server.requests().len(), 2, "activation: one attempt");
    c.check_user(&types::CheckUserRequest::new("a@b.co"))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 5, "user_check only reads: retried");
}

/// Every request of `call`, rendered with the credentials redacted.
async fn wire(
    encoding: BodyEncoding,
    call: impl AsyncFnOnce(&mitra_elkassa::Client),
    reply: MockResponse,
) -> String {
    let server = MockServer::always(reply).await;
    let c = builder(&server).body_encoding(encoding).build().unwrap();
    call(&c).await;
    let rendered: Vec<String> = server.requests().iter().map(|r| r.render(&[])).collect();
    let text = rendered.join("\n----\n");
    assert!(
        text.contains(KEY) && text.contains(TOKEN),
        "the credentials travel as parameters"
    );
    text.replace(KEY, "[KEY]").replace(TOKEN, "[TOKEN]")
}

#[tokio::test]
async fn wire_requests() {
    let registered = ok(json!({"registration_id": "ELK34128"}));
    insta::assert_snapshot!(
        "registration_form",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.registration(&new_user()).await.unwrap();
            },
            registered.clone()
        )
        .await
    );
    insta::assert_snapshot!(
        "registration_json",
        wire(
            BodyEncoding::Json,
            async |c| {
                c.registration(&new_user()).await.unwrap();
            },
            registered
        )
        .await
    );
    insta::assert_snapshot!(
        "get_registration_data",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.get_registration_data().await.unwrap();
            },
            ok(json!({}))
        )
        .await
    );
    insta::assert_snapshot!(
        "check_user",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.check_user(&types::CheckUserRequest::new("pemilik@example.com"))
                    .await
                    .unwrap();
            },
            ok(json!({"packet_id": "9"}))
        )
        .await
    );
    insta::assert_snapshot!(
        "activation",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.activation(&activation()).await.unwrap();
            },
            ok(json!({"registration_id": "ELK34128"}))
        )
        .await
    );
    insta::assert_snapshot!(
        "get_all_users",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.get_all_users(2).await.unwrap();
            },
            ok(json!([]))
        )
        .await
    );
    insta::assert_snapshot!(
        "get_all_users_without_paging",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.get_all_users_without_paging().await.unwrap();
            },
            ok(json!([]))
        )
        .await
    );
    insta::assert_snapshot!(
        "get_detail_user",
        wire(
            BodyEncoding::Form,
            async |c| {
                c.get_detail_user("ELK44552").await.unwrap();
            },
            ok(json!([]))
        )
        .await
    );
}

#[tokio::test]
async fn a_users_password_echoed_by_elkassa_shows_no_piece_at_any_offset() {
    // The password travels in the form body (never configured on the
    // client): an error that quotes it, anywhere around the cut of vendor
    // text (300 characters), shows no 8-character piece of it.
    let password = "S3cret-Passw0rd-Of-The-Owner";
    for offset in 280..=305 {
        let server = MockServer::start(move |request, _| {
            let sent = url::form_urlencoded::parse(request.body.as_bytes())
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            MockResponse::json(
                200,
                json!({"status": false, "messages": format!("{}{sent} ditolak", "x".repeat(offset))})
                    .to_string(),
            )
        })
        .await;
        let mut user = new_user();
        user.password = password.to_owned().into();
        let error = client(&server).registration(&user).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        let chars: Vec<char> = password.chars().collect();
        for piece in chars.windows(8).map(|w| w.iter().collect::<String>()) {
            assert!(
                !shown.contains(&piece),
                "offset {offset}: {piece} in {shown}"
            );
        }
        // Not vacuous: the echo was there, and was scrubbed.
        assert!(shown.contains("[REDACTED]") || offset > 290, "{shown}");
    }
}
