//! Pos Indonesia.

use mitra_pos_indonesia::types::*;
use mitra_pos_indonesia::{Client, ClientBuilder};
use mitra_sandbox::{Vendor, credentials};
use serde_json::Value;

use super::{Op, output, schemas};
use crate::input::{Input, opt_text, text, text_or_empty};
use crate::{CliError, Ctx};

pub const OPS: &[Op] = &[
    Op {
        name: "get-postal-code",
        about: "Postal codes matching a city and an address fragment",
        fields: &[
            text("city", "City, e.g. bandung"),
            text_or_empty("address", "Address fragment, e.g. cinunuk"),
        ],
    },
    Op {
        name: "get-province",
        about: "Provinces, all or matching a code or name",
        fields: &[
            opt_text("provinceCode", "Province code"),
            opt_text("provinceName", "Part of a province name"),
        ],
    },
    Op {
        name: "get-city",
        about: "Cities of a province",
        fields: &[
            text("provinceCode", "Province code, e.g. 32"),
            text_or_empty("cityName", "Part of a city name"),
        ],
    },
    Op {
        name: "get-sub-district",
        about: "Sub-districts (kecamatan) of a city",
        fields: &[
            text("provinceCode", "Province code"),
            text_or_empty("cityCode", "City code"),
            text_or_empty("subDistrictName", "Part of a name"),
        ],
    },
    Op {
        name: "get-sub-sub-district",
        about: "Villages (kelurahan/desa) of a sub-district",
        fields: &[
            text("provinceCode", "Province code"),
            text("cityCode", "City code"),
            text("subDistrictCode", "Sub-district code"),
            text_or_empty("subDistrictType", "Sub-district type"),
            text_or_empty("subDistrictName", "Sub-district name"),
        ],
    },
    Op {
        name: "get-post-office",
        about: "Post offices of a city",
        fields: &[text("city", "City, e.g. bandung")],
    },
    Op {
        name: "get-track-and-trace",
        about: "Tracking events of a parcel",
        fields: &[text("resi", "Receipt number")],
    },
];

fn client(ctx: &Ctx) -> Result<Client, CliError> {
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Pos))
            .consumer_key(credentials::POS_CONSUMER_KEY)
            .consumer_secret(credentials::POS_CONSUMER_SECRET),
        None => ClientBuilder::from_env()?,
    };
    let builder = match &ctx.base_url {
        Some(url) => builder.base_url(url),
        None => builder,
    };
    Ok(builder.build()?)
}

pub async fn run(ctx: &Ctx, op: &str, input: &Input) -> Result<Value, CliError> {
    let c = client(ctx)?;
    match op {
        "get-postal-code" => output(c.get_postal_code(&input.to()?).await?),
        "get-province" => output(c.get_province(&input.to()?).await?),
        "get-city" => output(c.get_city(&input.to()?).await?),
        "get-sub-district" => output(c.get_sub_district(&input.to()?).await?),
        "get-sub-sub-district" => output(c.get_sub_sub_district(&input.to()?).await?),
        "get-post-office" => output(c.get_post_office(&input.to()?).await?),
        "get-track-and-trace" => output(c.get_track_and_trace(&input.to()?).await?),
        other => unreachable!("unknown operation {other}"),
    }
}

pub fn schema(op: &str) -> Value {
    match op {
        "get-postal-code" => schemas::<PostalCodeRequest, Vec<PostalCode>>(),
        "get-province" => schemas::<ProvinceRequest, Vec<Province>>(),
        "get-city" => schemas::<CityRequest, Vec<City>>(),
        "get-sub-district" => schemas::<SubDistrictRequest, Vec<SubDistrict>>(),
        "get-sub-sub-district" => schemas::<SubSubDistrictRequest, Vec<SubSubDistrict>>(),
        "get-post-office" => schemas::<PostOfficeRequest, Vec<PostOffice>>(),
        _ => schemas::<TrackAndTraceRequest, Vec<TrackEvent>>(),
    }
}
