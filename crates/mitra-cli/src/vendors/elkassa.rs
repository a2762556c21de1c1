//! ELKASSA.

use mitra_elkassa::{Activation, Client, ClientBuilder, NewUser, User, UserType, types};
use mitra_sandbox::{Vendor, credentials};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Op, output, response_schema, schemas};
use crate::input::{Input, int, text};
use crate::{CliError, Ctx};

pub const OPS: &[Op] = &[
    Op {
        name: "registration",
        about: "Register a user for a 30-day trial (never retried)",
        fields: &[
            text("toko_name", "Shop name"),
            text("user_type", "0 retail, 1 grosir"),
            text("no_telp", "Phone number, digits only"),
            text("email", "E-mail address"),
            text("password", "Password, at least 6 characters"),
            text("address", "Shop address"),
        ],
    },
    Op {
        name: "get-registration-data",
        about: "Packets and user types to register with",
        fields: &[],
    },
    Op {
        name: "check-user",
        about: "The packet a user subscribes to",
        fields: &[text("email", "E-mail address")],
    },
    Op {
        name: "activation",
        about: "Subscribe a user to a packet (never retried)",
        fields: &[
            text("email", "E-mail address"),
            int("packet_id", "Packet id"),
            text("registration_id", "Registration id, e.g. ELK34128"),
            text("cabang_id", "Branch id, e.g. ELK34128-1"),
            text("invoice_code", "Invoice number"),
            text("invoice_amount", "Amount paid, e.g. 150000"),
            text("payment_gateway", "e.g. finpay195"),
            text("payment_method", "e.g. ATM"),
            text("payment_date", "YYYY-MM-DD HH:MM:SS (WIB)"),
        ],
    },
    Op {
        name: "get-all-users",
        about: "One page of users (10 a page)",
        fields: &[int("page", "Page, from 1")],
    },
    Op {
        name: "get-all-users-without-paging",
        about: "Every user in one response",
        fields: &[],
    },
    Op {
        name: "get-detail-user",
        about: "A user by registration id",
        fields: &[text("registration_id", "Registration id")],
    },
];

/// The input of `registration`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)] // read through `Input`; kept for its schema
struct RegistrationInput {
    toko_name: String,
    /// `0` retail, `1` grosir.
    user_type: UserType,
    no_telp: String,
    email: String,
    password: String,
    address: String,
}

fn client(ctx: &Ctx) -> Result<Client, CliError> {
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Elkassa))
            .key(credentials::ELKASSA_KEY)
            .token(credentials::ELKASSA_TOKEN),
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
        "registration" => {
            let user_type = UserType::from_code(&input.text("user_type"))
                .ok_or_else(|| CliError::invalid("--user-type must be 0 (retail) or 1 (grosir)"))?;
            let user = NewUser {
                toko_name: input.text("toko_name"),
                user_type,
                no_telp: input.text("no_telp"),
                email: input.text("email"),
                password: input.text("password").into(),
                address: input.text("address"),
            };
            output(serde_json::json!({"registration_id": c.registration(&user).await?}))
        }
        "get-registration-data" => output(c.get_registration_data().await?),
        "check-user" => output(c.check_user(&input.text("email")).await?),
        "activation" => {
            let packet_id = u32::try_from(input.int("packet_id")?)
                .map_err(|_| CliError::invalid("--packet-id must be a positive whole number"))?;
            let payment_date = chrono::NaiveDateTime::parse_from_str(
                input.text("payment_date").trim(),
                "%Y-%m-%d %H:%M:%S",
            )
            .map_err(|_| CliError::invalid("--payment-date must be YYYY-MM-DD HH:MM:SS"))?;
            let activation = Activation {
                email: input.text("email"),
                packet_id,
                registration_id: input.text("registration_id"),
                cabang_id: input.text("cabang_id"),
                invoice_code: input.text("invoice_code"),
                invoice_amount: input.text("invoice_amount"),
                payment_gateway: input.text("payment_gateway"),
                payment_method: input.text("payment_method"),
                payment_date,
            };
            output(c.activation(&activation).await?)
        }
        "get-all-users" => {
            let page = u32::try_from(input.int("page")?)
                .map_err(|_| CliError::invalid("--page must be a positive whole number"))?;
            output(c.get_all_users(page).await?)
        }
        "get-all-users-without-paging" => output(c.get_all_users_without_paging().await?),
        "get-detail-user" => output(c.get_detail_user(&input.text("registration_id")).await?),
        other => unreachable!("unknown operation {other}"),
    }
}

pub fn schema(op: &str) -> Value {
    match op {
        "registration" => schemas::<RegistrationInput, types::Registered>(),
        "get-registration-data" => response_schema::<types::RegistrationData>(&[]),
        "check-user" => response_schema::<Option<types::Packet>>(OPS[2].fields),
        "activation" => schemas::<types::ActivationRequest, types::Activated>(),
        "get-detail-user" => response_schema::<Vec<User>>(OPS[6].fields),
        _ => response_schema::<Vec<User>>(&[]),
    }
}
