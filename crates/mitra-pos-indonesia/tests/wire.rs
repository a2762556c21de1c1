//! The exact request each operation puts on the wire, as insta snapshots:
//! a change of the spec or of the client shows here as a reviewable diff
//! (`cargo insta review`). Secrets are redacted in the snapshots.

mod common;

use common::*;
use mitra_pos_indonesia::Client;
use mitra_pos_indonesia::types::*;
use mitra_testkit::{MockResponse, MockServer};

const SECRET_HEADERS: &[&str] = &["authorization", "x-pos-password"];

async fn server() -> MockServer {
    gateway(|_, _| MockResponse::json(200, "{}")).await
}

fn partner_client(server: &MockServer) -> Client {
    builder(server)
        .pos_user("mitra-user")
        .pos_password("canary-pos-password")
        .build()
        .unwrap()
}

/// Runs `call` against a fresh server and renders every request it sent.
macro_rules! wire {
    ($name:literal, |$c:ident| $call:expr) => {{
        let server = server().await;
        let $c = partner_client(&server);
        $call.await.unwrap();
        let rendered: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.render(SECRET_HEADERS))
            .collect();
        insta::assert_snapshot!($name, rendered.join("\n----\n"));
        let raw = format!("{:?}", server.requests());
        assert!(
            raw.contains("canary-pos-password"),
            "the password is sent (and redacted only in the snapshot)"
        );
    }};
}

#[tokio::test]
async fn wire_requests() {
    wire!("get_postal_code", |c| c.get_postal_code(
        &PostalCodeRequest::new("bandung", "cinunuk")
    ));
    wire!("get_province", |c| c.get_province(&ProvinceRequest::new()));
    wire!("get_city", |c| c
        .get_city(&CityRequest::new("21", "KOTA ADM. JAKARTA TIMUR")));
    wire!("get_sub_district", |c| c
        .get_sub_district(&SubDistrictRequest::new("32", "", "")));
    wire!("get_sub_sub_district", |c| c.get_sub_sub_district(
        &SubSubDistrictRequest::new("21", "246", "40516", "", "Kec.Pulogadung")
    ));
    wire!("get_post_office", |c| c
        .get_post_office(&PostOfficeRequest::new("bandung")));
    wire!("get_track_and_trace", |c| c.get_track_and_trace(
        &TrackAndTraceRequest::new("P1807010123456")
    ));
}
