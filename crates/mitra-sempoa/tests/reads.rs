//! Token check, accounts, journals, pagination and errors of the reads.

mod common;

use common::*;
use futures_util::TryStreamExt;
use mitra_core::Error;
use mitra_testkit::{MockResponse, MockServer};

fn akun(code: u32) -> serde_json::Value {
    serde_json::json!({"kode": code.to_string(), "akun": format!("Akun {code}"), "tipe": "Aset", "level": 2, "balance": "Debit", "akun_induk": "Asset"})
}

#[tokio::test]
async fn all_akun_streams_every_page_until_a_short_one() {
    let server = MockServer::start(|req, _| {
        let query = req.query.clone().unwrap_or_default();
        let page: u32 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page="))
            .unwrap()
            .parse()
            .unwrap();
        let limit: u32 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("limit="))
            .unwrap()
            .parse()
            .unwrap();
        let total = 2 * limit + 7;
        let items: Vec<_> = ((page - 1) * limit..(page * limit).min(total))
            .map(akun)
            .collect();
        MockResponse::json(
            200,
            serde_json::json!({"status": 200, "message": "Success", "data": items}).to_string(),
        )
    })
    .await;
    let client = client(&server);
    let all: Vec<_> = client.all_akun().try_collect().await.unwrap();
    let expected = 2 * mitra_sempoa::PAGE_SIZE as usize + 7;
    assert_eq!(all.len(), expected);
    assert_eq!(all.last().unwrap().code, (expected - 1).to_string());
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        server.requests()[1].query.as_deref(),
        Some("limit=50&page=2")
    );
}

#[tokio::test]
async fn all_jurnal_stops_on_an_empty_page() {
    let server = MockServer::start(|req, _| {
        let first = req.query.as_deref().unwrap_or_default().contains("page=1");
        let body = if first {
            fixture("jurnal_list_success.json")
        } else {
            r#"{"status":200,"message":"Success","data":[]}"#.to_owned()
        };
        MockResponse::json(200, body)
    })
    .await;
    let client = builder(&server).build().unwrap();
    // A page of 2 is shorter than the page size: the walk ends there.
    let all: Vec<_> = client.all_jurnal().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_account_is_not_found_and_bad_codes_are_not_sent() {
    let server = MockServer::always(MockResponse::json(
        404,
        r#"{"status":404,"message":"Akun 99999 tidak ditemukan."}"#,
    ))
    .await;
    let c = client(&server);
    let err = c.get_akun("99999").await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { status: Some(404), message, .. } if message.contains("tidak ditemukan")),
        "{err:?}"
    );
    assert_eq!(server.requests()[0].path, "/akun/99999");
    for bad in ["", "  ", "10/00"] {
        assert!(
            matches!(
                c.get_akun(bad).await,
                Err(Error::Validation { field: "kode", .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        c.list_akun(Some(10), Some(0)).await,
        Err(Error::Validation { field: "page", .. })
    ));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_error_status_inside_a_200_is_an_error() {
    let server = MockServer::always(MockResponse::json(
        200,
        r#"{"status":401,"message":"API Sempoa not authorized"}"#,
    ))
    .await;
    let err = client(&server)
        .list_akun(Some(10), Some(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
}
