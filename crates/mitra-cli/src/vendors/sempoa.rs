//! Sempoa.

use mitra_sandbox::{Vendor, credentials};
use mitra_sempoa::{
    Account, Client, ClientBuilder, Journal, JournalEntry, JournalFormat, JournalLine,
    PostedJournal,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Op, output, response_schema, schemas};
use crate::input::{Input, json, opt_int, text};
use crate::{CliError, Ctx};

pub const OPS: &[Op] = &[
    Op {
        name: "check-token",
        about: "Check that the API token is valid",
        fields: &[],
    },
    Op {
        name: "list-akun",
        about: "One page of the chart of accounts",
        fields: &[
            opt_int("page", "Page, from 1 (default 1)"),
            opt_int("limit", "Per page (default 10)"),
        ],
    },
    Op {
        name: "get-akun",
        about: "One account by its code",
        fields: &[text("kode", "Account code, e.g. 10000")],
    },
    Op {
        name: "list-jurnal",
        about: "One page of general journals",
        fields: &[
            opt_int("page", "Page, from 1 (default 1)"),
            opt_int("limit", "Per page (default 10)"),
        ],
    },
    Op {
        name: "create-jurnal",
        about: "Post a balanced general journal (never retried)",
        fields: &[
            text("tanggal", "Date, YYYY-MM-DD"),
            text("referensi", "Unique reference number"),
            text("deskripsi", "Description"),
            json(
                "transaksi",
                r#"Lines, e.g. [{"akun":"1000","debit":15000,"kredit":0},...]"#,
            ),
        ],
    },
];

/// A journal line as the CLI takes it: the account code and whole Rupiah.
#[derive(Deserialize, JsonSchema)]
struct LineInput {
    /// Account code.
    akun: String,
    #[serde(default)]
    debit: u64,
    #[serde(default)]
    kredit: u64,
}

/// The input of `create-jurnal`.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)] // read through `Input`; kept for its schema
struct JournalInput {
    /// `YYYY-MM-DD`
    tanggal: String,
    referensi: String,
    deskripsi: String,
    transaksi: Vec<LineInput>,
}

fn client(ctx: &Ctx) -> Result<Client, CliError> {
    let builder = match &ctx.sandbox {
        Some(sandbox) => ClientBuilder::default()
            .base_url(sandbox.url(Vendor::Sempoa))
            .token(credentials::SEMPOA_TOKEN),
        None => ClientBuilder::from_env()?,
    };
    let builder = match &ctx.base_url {
        Some(url) => builder.base_url(url),
        None => builder,
    };
    Ok(builder.journal_format(JournalFormat::default()).build()?)
}

fn page(input: &Input) -> Result<(u32, u32), CliError> {
    let get = |name: &str, default: i64| -> Result<u32, CliError> {
        let v = input.opt_int(name)?.unwrap_or(default);
        u32::try_from(v)
            .map_err(|_| CliError::invalid(format!("--{name} must be a positive whole number")))
    };
    Ok((get("page", 1)?, get("limit", 10)?))
}

pub async fn run(ctx: &Ctx, op: &str, input: &Input) -> Result<Value, CliError> {
    let c = client(ctx)?;
    match op {
        "check-token" => {
            c.check_token().await?;
            output(serde_json::json!({"valid": true}))
        }
        "list-akun" => {
            let (p, l) = page(input)?;
            output(c.list_akun(p, l).await?)
        }
        "get-akun" => output(c.get_akun(&input.text("kode")).await?),
        "list-jurnal" => {
            let (p, l) = page(input)?;
            output(c.list_jurnal(p, l).await?)
        }
        "create-jurnal" => {
            let lines: Vec<LineInput> = input.field("transaksi")?;
            let journal = lines.into_iter().fold(
                Journal::new(
                    input.text("tanggal"),
                    input.text("referensi"),
                    input.text("deskripsi"),
                ),
                |j, l| {
                    j.line(JournalLine {
                        account_code: l.akun,
                        debit: l.debit,
                        credit: l.kredit,
                    })
                },
            );
            output(c.create_jurnal(&journal).await?)
        }
        other => unreachable!("unknown operation {other}"),
    }
}

pub fn schema(op: &str) -> Value {
    match op {
        "check-token" => response_schema::<bool>(&[]),
        "list-akun" => response_schema::<Vec<Account>>(OPS[1].fields),
        "get-akun" => response_schema::<Account>(OPS[2].fields),
        "list-jurnal" => response_schema::<Vec<JournalEntry>>(OPS[3].fields),
        _ => schemas::<JournalInput, PostedJournal>(),
    }
}
