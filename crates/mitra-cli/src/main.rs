//! `mitra`: call any operation of the five vendors from a terminal.
//!
//! ```text
//! mitra [--sandbox] [--base-url URL] [--verbose] <vendor> <operation> [--field value ...] [--json-body FILE|-] [--schema]
//! mitra sandbox [--port N]
//! ```
//!
//! Vendors: `pos`, `elkassa`, `fastrac`, `pafi`, `sempoa`. Operations are the
//! specs' operationIds in kebab-case, their fields kebab-case flags.
//! Credentials come from the environment variables each crate's
//! `Client::from_env()` reads; `--sandbox` starts an offline emulator of the
//! vendor in-process and uses its credentials instead. The decoded response
//! is printed as JSON on stdout; an error is one line on stderr. Exit status:
//! 0 success, 2 invalid input (nothing sent), 1 any other failure.

mod input;
mod vendors;

use std::io::Read;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use mitra_sandbox::{Sandbox, SandboxConfig, Vendor};
use serde_json::Value;

use input::{Input, flag_name};
use vendors::Op;

/// An error as the CLI reports it: a kind, a message, an exit status.
#[derive(Debug)]
pub struct CliError {
    kind: &'static str,
    message: String,
    code: u8,
}

impl CliError {
    /// Invalid input: nothing was sent; exit status 2.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: "invalid_input",
            message: message.into(),
            code: 2,
        }
    }

    /// Any other failure; exit status 1.
    pub fn other(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: 1,
        }
    }
}

impl From<mitra_core::Error> for CliError {
    fn from(error: mitra_core::Error) -> Self {
        let code = if matches!(error, mitra_core::Error::Validation { .. }) {
            2
        } else {
            1
        };
        Self {
            kind: error.kind(),
            message: error.to_string(),
            code,
        }
    }
}

/// What a command runs against.
pub struct Ctx {
    /// `--base-url`, over the environment or the sandbox.
    pub base_url: Option<String>,
    /// The in-process sandbox of `--sandbox`.
    pub sandbox: Option<Sandbox>,
}

struct VendorCli {
    name: &'static str,
    about: &'static str,
    ops: &'static [Op],
}

const VENDORS: &[VendorCli] = &[
    VendorCli {
        name: "pos",
        about: "Pos Indonesia: postal codes, regions, post offices, tracking (MITRA_POS_*)",
        ops: vendors::pos::OPS,
    },
    VendorCli {
        name: "elkassa",
        about: "ELKASSA: registration, activation, users (MITRA_ELKASSA_*)",
        ops: vendors::elkassa::OPS,
    },
    VendorCli {
        name: "fastrac",
        about: "Fastrac: regions, tariffs, orders, tracking (MITRA_FASTRAC_*)",
        ops: vendors::fastrac::OPS,
    },
    VendorCli {
        name: "pafi",
        about: "PAFI: SKP sufficiency by NIK (MITRA_PAFI_*)",
        ops: vendors::pafi::OPS,
    },
    VendorCli {
        name: "sempoa",
        about: "Sempoa: chart of accounts, general journals (MITRA_SEMPOA_*)",
        ops: vendors::sempoa::OPS,
    },
];

fn cli() -> Command {
    let mut root = Command::new("mitra")
        .about("Call the APIs of Indonesian vendors: Pos Indonesia, ELKASSA, Fastrac, PAFI, Sempoa")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(Arg::new("sandbox").long("sandbox").action(ArgAction::SetTrue).global(true).help("Run against an offline sandbox of the vendor, started in-process, with its credentials"))
        .arg(Arg::new("base-url").long("base-url").value_name("URL").global(true).help("Override the vendor's base URL"))
        .arg(Arg::new("verbose").long("verbose").short('v').action(ArgAction::SetTrue).global(true).help("Print the request and response trace on stderr (secrets and personal data redacted)"));
    for vendor in VENDORS {
        let mut command = Command::new(vendor.name)
            .about(vendor.about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        for op in vendor.ops {
            let mut sub = Command::new(op.name)
                .about(op.about)
                .arg(Arg::new("json-body").long("json-body").value_name("FILE|-").help("Read input fields from a JSON object (a file, or - for stdin); flags override it"))
                .arg(Arg::new("schema").long("schema").action(ArgAction::SetTrue).help("Print the JSON Schema of the request and the response, and send nothing"));
            for field in op.fields {
                let help = if field.required && field.default.is_none() {
                    format!("{} (required)", field.help)
                } else {
                    field.help.to_owned()
                };
                sub = sub.arg(
                    Arg::new(field.name)
                        .long(flag_name(field.name))
                        .value_name("VALUE")
                        .help(help),
                );
            }
            command = command.subcommand(sub);
        }
        root = root.subcommand(command);
    }
    root.subcommand(
        Command::new("sandbox")
            .about("Serve the offline sandbox of all five vendors on 127.0.0.1 until Ctrl-C")
            .arg(
                Arg::new("port")
                    .long("port")
                    .value_name("PORT")
                    .value_parser(clap::value_parser!(u16))
                    .default_value("0")
                    .help("Port (0: any free port)"),
            )
            .arg(
                Arg::new("fastrac-requests-per-second")
                    .long("fastrac-requests-per-second")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32))
                    .default_value("20")
                    .help("Requests a second Fastrac's emulator takes before it answers 429"),
            ),
    )
}

fn read_body(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::invalid(format!("reading stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::invalid(format!("reading {source}: {e}")))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::invalid(format!("--json-body is not JSON: {e}")))
}

async fn call(
    vendor: &VendorCli,
    op: &Op,
    matches: &ArgMatches,
    root: &ArgMatches,
) -> Result<Value, CliError> {
    let schema = |run: fn(&str) -> Value| run(op.name);
    if matches.get_flag("schema") {
        return Ok(match vendor.name {
            "pos" => schema(vendors::pos::schema),
            "elkassa" => schema(vendors::elkassa::schema),
            "fastrac" => schema(vendors::fastrac::schema),
            "pafi" => schema(vendors::pafi::schema),
            _ => schema(vendors::sempoa::schema),
        });
    }
    let body = matches
        .get_one::<String>("json-body")
        .map(|s| read_body(s))
        .transpose()?;
    let flags: Vec<(&'static str, String)> = op
        .fields
        .iter()
        .filter_map(|f| {
            matches
                .get_one::<String>(f.name)
                .map(|v| (f.name, v.clone()))
        })
        .collect();
    let input = Input::build(op.fields, body, &flags)?;
    let sandbox = if root.get_flag("sandbox") {
        Some(
            Sandbox::start(SandboxConfig::default())
                .await
                .map_err(|e| CliError::other("sandbox", e.to_string()))?,
        )
    } else {
        None
    };
    let ctx = Ctx {
        base_url: root.get_one::<String>("base-url").cloned(),
        sandbox,
    };
    match vendor.name {
        "pos" => vendors::pos::run(&ctx, op.name, &input).await,
        "elkassa" => vendors::elkassa::run(&ctx, op.name, &input).await,
        "fastrac" => vendors::fastrac::run(&ctx, op.name, &input).await,
        "pafi" => vendors::pafi::run(&ctx, op.name, &input).await,
        _ => vendors::sempoa::run(&ctx, op.name, &input).await,
    }
}

async fn serve(port: u16, fastrac_requests_per_second: u32) -> Result<(), CliError> {
    let config = SandboxConfig {
        fastrac_requests_per_second,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start_on(std::net::SocketAddr::from(([127, 0, 0, 1], port)), config)
        .await
        .map_err(|e| CliError::other("sandbox", e.to_string()))?;
    println!(
        "mitra sandbox on http://{} (Ctrl-C to stop)",
        sandbox.addr()
    );
    for vendor in Vendor::ALL {
        println!(
            "  {:<8} {}",
            format!("{vendor:?}").to_lowercase(),
            sandbox.url(vendor)
        );
    }
    println!(
        "credentials: see mitra_sandbox::credentials (e.g. MITRA_SEMPOA_TOKEN={})",
        mitra_sandbox::credentials::SEMPOA_TOKEN
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

fn main() -> ExitCode {
    let root = match cli().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    if root.get_flag("verbose") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "mitra_core=debug,mitra_fastrac=debug",
            ))
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        let (name, sub) = root.subcommand().expect("a subcommand is required");
        if name == "sandbox" {
            let port = *sub.get_one::<u16>("port").expect("has a default");
            let rate = *sub
                .get_one::<u32>("fastrac-requests-per-second")
                .expect("has a default");
            return serve(port, rate).await.map(|()| None);
        }
        let vendor = VENDORS
            .iter()
            .find(|v| v.name == name)
            .expect("clap checked the vendor");
        let (op_name, op_matches) = sub.subcommand().expect("an operation is required");
        let op = vendor
            .ops
            .iter()
            .find(|o| o.name == op_name)
            .expect("clap checked the operation");
        call(vendor, op, op_matches, &root).await.map(Some)
    });
    match result {
        Ok(Some(value)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
            );
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {}", e.kind, e.message);
            ExitCode::from(e.code)
        }
    }
}
