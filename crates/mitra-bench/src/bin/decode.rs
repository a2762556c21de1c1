//! Decoding a 10,000-item answer, `times` times over: through a client's real
//! types and the tolerant reader (`mitra_core::plumbing::decode_answer`, what
//! every call does with its body), or through plain serde derives of the
//! same shapes. `scripts/peer.sh` counts its instructions with callgrind.
//!
//! `decode <mitra|plain> <pos|sempoa|fastrac> <times>`

use serde::Deserialize;

/// Items in each answer.
const ITEMS: usize = 10_000;

/// Plain serde derives of the same shapes as the generated types.
mod plain {
    use super::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct PosCityResponse {
        pub responses: Option<PosResponses>,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct PosResponses {
        pub response: Option<PosOneOrMany>,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    pub enum PosOneOrMany {
        NoMatch(()),
        City(PosCity),
        Array(Vec<PosCity>),
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct PosCity {
        #[serde(rename = "cityCode")]
        pub city_code: String,
        #[serde(rename = "cityName")]
        pub city_name: String,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct AkunList {
        pub data: Option<Vec<Akun>>,
        pub message: String,
        pub status: i64,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct Akun {
        pub akun: String,
        pub akun_induk: Option<String>,
        pub balance: Option<String>,
        pub kode: String,
        pub level: Option<i64>,
        pub tipe: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct DistrictEnvelope {
        pub data: Option<Vec<District>>,
        pub message: Option<String>,
        pub success: bool,
        pub timestamp: Option<String>,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct District {
        pub city_id: Option<i64>,
        pub district_id: i64,
        pub name: String,
    }
}

/// A 10,000-item answer in the vendor's shape, made from its spec example's
/// first item (numbered, so that no two items are equal).
fn answer(vendor: &str) -> String {
    let items = |one: &dyn Fn(usize) -> String| (0..ITEMS).map(one).collect::<Vec<_>>().join(",");
    match vendor {
        "pos" => format!(
            r#"{{"responses":{{"response":[{}]}}}}"#,
            items(&|i| format!(
                r#"{{"cityCode":"{}","cityName":"KOTA BANDUNG {i}"}}"#,
                3200 + i
            ))
        ),
        "sempoa" => format!(
            r#"{{"status":200,"message":"Success","data":[{}]}}"#,
            items(&|i| format!(
                r#"{{"kode":"{}","akun":"Asset {i}","tipe":"Aset","level":1,"balance":"Debit","akun_induk":"-"}}"#,
                10000 + i
            ))
        ),
        "fastrac" => format!(
            r#"{{"success":true,"message":"","data":[{}]}}"#,
            items(&|i| format!(
                r#"{{"district_id":{},"name":"KEPULAUAN SERIBU SELATAN {i}","city_id":3101}}"#,
                3101010 + i
            ))
        ),
        other => panic!("no answer for {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (who, vendor) = (args[1].as_str(), args[2].as_str());
    let times: usize = args[3].parse().unwrap();
    let body = answer(vendor);
    let mut items = 0usize;
    for _ in 0..times {
        items += match (who, vendor) {
            ("mitra", "pos") => {
                let r: mitra_pos_indonesia::types::CityResponse =
                    mitra_core::plumbing::decode_answer("pos-indonesia", "getCity", &body).unwrap();
                usize::from(r.responses.is_some())
            }
            ("mitra", "sempoa") => {
                let r: mitra_sempoa::types::AkunListEnvelope =
                    mitra_core::plumbing::decode_answer("sempoa", "listAkun", &body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            ("mitra", "fastrac") => {
                let r: mitra_fastrac::types::DistrictEnvelope =
                    mitra_core::plumbing::decode_answer("fastrac", "getDistrict", &body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            ("plain", "pos") => {
                let r: plain::PosCityResponse = serde_json::from_str(&body).unwrap();
                usize::from(r.responses.is_some())
            }
            ("plain", "sempoa") => {
                let r: plain::AkunList = serde_json::from_str(&body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            ("plain", "fastrac") => {
                let r: plain::DistrictEnvelope = serde_json::from_str(&body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            ("types", "sempoa") => {
                let r: mitra_sempoa::types::AkunListEnvelope = serde_json::from_str(&body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            ("types", "fastrac") => {
                let r: mitra_fastrac::types::DistrictEnvelope =
                    serde_json::from_str(&body).unwrap();
                r.data.map_or(0, |d| d.len())
            }
            other => panic!("unknown {other:?}"),
        };
    }
    println!("{items}");
}
