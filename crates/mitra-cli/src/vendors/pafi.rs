//! PAFI.

use mitra_pafi::{Client, ClientBuilder, types};
use mitra_sandbox::{Vendor, credentials};
use serde_json::Value;

use super::{Op, output, response_schema};
use crate::input::{Input, text};
use crate::{CliError, Ctx};

pub const OPS: &[Op] = &[Op {
    name: "get-kecukupan-skp-by-nik",
    about: "SKP sufficiency of a pharmacist by NIK (personal data)",
    fields: &[text("nik", "NIK, 16 digits")],
}];

fn client(ctx: &Ctx) -> Result<Client, CliError> {
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Pafi))
            .client_id(credentials::PAFI_CLIENT_ID)
            .client_secret(credentials::PAFI_CLIENT_SECRET),
        None => ClientBuilder::from_env()?,
    };
    let builder = match &ctx.base_url {
        Some(url) => builder.base_url(url),
        None => builder,
    };
    Ok(builder.build()?)
}

pub async fn run(ctx: &Ctx, _op: &str, input: &Input) -> Result<Value, CliError> {
    output(
        client(ctx)?
            .get_kecukupan_skp_by_nik(&input.text("nik"))
            .await?,
    )
}

pub fn schema(_op: &str) -> Value {
    response_schema::<types::KecukupanSkp>(OPS[0].fields)
}
