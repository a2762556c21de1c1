//! The vendors the CLI knows: each one's operations come from its crate's
//! generated table (`operations::ALL`); what is written here by hand is
//! only how to build its client, from the environment or for the sandbox.

use mitra_core::Operation;
use mitra_core::dynamic::DynamicClient;
use mitra_sandbox::{Vendor, credentials};
use serde_json::Value;

use crate::{CliError, Ctx};

/// A vendor as the CLI shows it.
pub struct VendorCli {
    /// The subcommand (`pos`, ...).
    pub name: &'static str,
    /// One line of help.
    pub about: &'static str,
    /// Every operation, from the vendor crate's spec.
    pub operations: &'static [Operation],
    /// The JSON Schemas of an operation's input and result.
    pub schema: fn(&str) -> Option<Value>,
    /// The client for this run.
    pub client: fn(&Ctx) -> Result<Box<dyn DynamicClient>, CliError>,
}

/// `--base-url`, if given, over whatever the builder holds.
macro_rules! with_base_url {
    ($ctx:expr, $builder:expr) => {
        match &$ctx.base_url {
            Some(url) => $builder.base_url(url),
            None => $builder,
        }
    };
}

fn pos(ctx: &Ctx) -> Result<Box<dyn DynamicClient>, CliError> {
    use mitra_pos_indonesia::ClientBuilder;
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Pos))
            .consumer_key(credentials::POS_CONSUMER_KEY)
            .consumer_secret(credentials::POS_CONSUMER_SECRET),
        None => ClientBuilder::from_env()?,
    };
    Ok(Box::new(with_base_url!(ctx, builder).build()?))
}

fn elkassa(ctx: &Ctx) -> Result<Box<dyn DynamicClient>, CliError> {
    use mitra_elkassa::ClientBuilder;
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Elkassa))
            .key(credentials::ELKASSA_KEY)
            .token(credentials::ELKASSA_TOKEN),
        None => ClientBuilder::from_env()?,
    };
    Ok(Box::new(with_base_url!(ctx, builder).build()?))
}

fn fastrac(ctx: &Ctx) -> Result<Box<dyn DynamicClient>, CliError> {
    use mitra_fastrac::ClientBuilder;
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Fastrac))
            .access_key(credentials::FASTRAC_ACCESS_KEY)
            .secret_key(credentials::FASTRAC_SECRET_KEY),
        None => ClientBuilder::from_env()?,
    };
    Ok(Box::new(with_base_url!(ctx, builder).build()?))
}

fn pafi(ctx: &Ctx) -> Result<Box<dyn DynamicClient>, CliError> {
    use mitra_pafi::ClientBuilder;
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Pafi))
            .client_id(credentials::PAFI_CLIENT_ID)
            .client_secret(credentials::PAFI_CLIENT_SECRET),
        None => ClientBuilder::from_env()?,
    };
    Ok(Box::new(with_base_url!(ctx, builder).build()?))
}

fn sempoa(ctx: &Ctx) -> Result<Box<dyn DynamicClient>, CliError> {
    use mitra_sempoa::ClientBuilder;
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Sempoa))
            .token(credentials::SEMPOA_TOKEN),
        None => ClientBuilder::from_env()?,
    };
    Ok(Box::new(with_base_url!(ctx, builder).build()?))
}

/// Every vendor, in the order `mitra --help` lists them.
pub const VENDORS: &[VendorCli] = &[
    VendorCli {
        name: "pos",
        about: "Pos Indonesia: postal codes, regions, post offices, tracking (MITRA_POS_*)",
        operations: mitra_pos_indonesia::operations::ALL,
        schema: mitra_pos_indonesia::operation_schema,
        client: pos,
    },
    VendorCli {
        name: "elkassa",
        about: "ELKASSA: registration, activation, users (MITRA_ELKASSA_*)",
        operations: mitra_elkassa::operations::ALL,
        schema: mitra_elkassa::operation_schema,
        client: elkassa,
    },
    VendorCli {
        name: "fastrac",
        about: "Fastrac: regions, tariffs, orders, tracking (MITRA_FASTRAC_*)",
        operations: mitra_fastrac::operations::ALL,
        schema: mitra_fastrac::operation_schema,
        client: fastrac,
    },
    VendorCli {
        name: "pafi",
        about: "PAFI: SKP sufficiency by NIK (MITRA_PAFI_*)",
        operations: mitra_pafi::operations::ALL,
        schema: mitra_pafi::operation_schema,
        client: pafi,
    },
    VendorCli {
        name: "sempoa",
        about: "Sempoa: chart of accounts, general journals (MITRA_SEMPOA_*)",
        operations: mitra_sempoa::operations::ALL,
        schema: mitra_sempoa::operation_schema,
        client: sempoa,
    },
];
