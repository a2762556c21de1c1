//! Fastrac.

use mitra_fastrac::{AuthStyle, Client, ClientBuilder, types};
use mitra_sandbox::{Vendor, credentials};
use serde_json::Value;

use super::{Op, output, response_schema, schemas};
use crate::input::{Input, int, json, opt_int, opt_json, opt_text, text};
use crate::{CliError, Ctx};

pub const OPS: &[Op] = &[
    Op {
        name: "get-province",
        about: "Provinces (raw JSON)",
        fields: &[],
    },
    Op {
        name: "get-city",
        about: "Cities of a province",
        fields: &[int("province_id", "Province id, e.g. 31")],
    },
    Op {
        name: "get-district",
        about: "Districts of a city",
        fields: &[int("city_id", "City id, e.g. 3175")],
    },
    Op {
        name: "get-sub-district",
        about: "Sub-districts of a district (raw JSON)",
        fields: &[int("district_id", "District id")],
    },
    Op {
        name: "get-postal-code",
        about: "Sub-districts of a postal code (raw JSON)",
        fields: &[text("postal_code", "5 digits")],
    },
    Op {
        name: "search-region",
        about: "Regions matching a keyword (raw JSON)",
        fields: &[text("keyword", "e.g. penjaringan")],
    },
    Op {
        name: "get-courier-service",
        about: "Courier services, instant and express",
        fields: &[],
    },
    Op {
        name: "check-tariff-express",
        about: "Express tariffs (raw JSON)",
        fields: &[
            int("origin", "Sub-district id"),
            int("destination", "Sub-district id"),
            json(
                "items",
                r#"Items, e.g. [{"name":"Sepatu","weight":1200,"quantity":1}]"#,
            ),
            opt_text("cod", "0 or 1"),
            opt_text("insurance", "0 or 1"),
            opt_int("cod_amount", "Cash on delivery, Rupiah"),
        ],
    },
    Op {
        name: "check-tariff-instant",
        about: "Instant delivery options; each tariff_id is valid 5 minutes",
        fields: &[
            json("origin", r#"{"id","lat","lng",...} with strings"#),
            json("destination", r#"{"id","lat","lng",...} with strings"#),
            opt_json("stop", "An optional stop"),
            json("package", r#"{"name","weight",...}"#),
            text("vehicle_type", "bike, sedan, mpv, van, truck175, ..."),
        ],
    },
    Op {
        name: "calculate-multi-items",
        about: "Total and volumetric weight of items",
        fields: &[
            json("items", "Items (JSON list)"),
            opt_text("courier", "Courier code"),
        ],
    },
    Op {
        name: "create-order-express",
        about: "Place an express order (use --json-body; never retried)",
        fields: &[],
    },
    Op {
        name: "create-order-instant",
        about: "Place an instant order (use --json-body; never retried)",
        fields: &[],
    },
    Op {
        name: "cancel-order",
        about: "Cancel an order (never retried)",
        fields: &[
            text("courier_code", "e.g. paxel"),
            text("awb", "Airway bill"),
            text("cancel_reason", "5 to 150 characters"),
        ],
    },
    Op {
        name: "track-order",
        about: "History of an order (GET with a JSON body)",
        fields: &[
            text("courier_code", "e.g. paxel"),
            text("awb", "Airway bill"),
        ],
    },
    Op {
        name: "get-balance-history",
        about: "Balance movements (raw JSON)",
        fields: &[
            opt_text("start_date", "YYYY-MM-DD"),
            opt_text("end_date", "YYYY-MM-DD"),
            opt_text(
                "filter_status",
                "order, tarik_tunai, dana_cod, bonus_referal, topup",
            ),
            opt_text("search", "Search text"),
            opt_int("limit", "Items"),
            opt_int("offset", "Offset"),
        ],
    },
];

fn client(ctx: &Ctx) -> Result<Client, CliError> {
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Fastrac))
            .access_key(credentials::FASTRAC_ACCESS_KEY)
            .secret_key(credentials::FASTRAC_SECRET_KEY)
            .auth_style(AuthStyle::Basic),
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
        "get-province" => output(c.get_province().await?),
        "get-city" => output(c.get_city(input.int("province_id")?).await?),
        "get-district" => output(c.get_district(input.int("city_id")?).await?),
        "get-sub-district" => output(c.get_sub_district(input.int("district_id")?).await?),
        "get-postal-code" => output(c.get_postal_code(&input.text("postal_code")).await?),
        "search-region" => output(c.search_region(&input.text("keyword")).await?),
        "get-courier-service" => output(c.get_courier_service().await?),
        "check-tariff-express" => output(c.check_tariff_express(&input.to()?).await?),
        "check-tariff-instant" => output(c.check_tariff_instant(&input.to()?).await?),
        "calculate-multi-items" => output(c.calculate_multi_items(&input.to()?).await?),
        "create-order-express" => output(c.create_order_express(&input.to()?).await?),
        "create-order-instant" => output(c.create_order_instant(&input.to()?).await?),
        "cancel-order" => output(
            c.cancel_order(
                &input.text("courier_code"),
                &input.text("awb"),
                &input.text("cancel_reason"),
            )
            .await?,
        ),
        "track-order" => output(
            c.track_order(&input.text("courier_code"), &input.text("awb"))
                .await?,
        ),
        "get-balance-history" => output(c.get_balance_history(&input.to()?).await?),
        other => unreachable!("unknown operation {other}"),
    }
}

pub fn schema(op: &str) -> Value {
    let fields = OPS
        .iter()
        .find(|o| o.name == op)
        .map(|o| o.fields)
        .unwrap_or(&[]);
    match op {
        "get-city" => response_schema::<Vec<types::City>>(fields),
        "get-district" => response_schema::<Vec<types::District>>(fields),
        "get-courier-service" => response_schema::<types::CourierServices>(fields),
        "check-tariff-express" => schemas::<types::TariffExpressRequest, Value>(),
        "check-tariff-instant" => {
            schemas::<types::TariffInstantRequest, Vec<types::TariffOption>>()
        }
        "calculate-multi-items" => schemas::<types::MultiItemsRequest, types::MultiItems>(),
        "create-order-express" => schemas::<types::OrderExpressRequest, Value>(),
        "create-order-instant" => schemas::<types::OrderInstantRequest, Value>(),
        "cancel-order" => schemas::<types::CancelOrderRequest, Value>(),
        "track-order" => schemas::<types::TrackOrderRequest, types::Tracking>(),
        "get-balance-history" => schemas::<types::BalanceHistoryRequest, Value>(),
        _ => response_schema::<Vec<Value>>(fields),
    }
}
