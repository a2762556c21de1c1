//! `cargo xtask`: the workspace's own tooling.
//!
//! - `cargo xtask generate` regenerates every vendor's client from `specs/`,
//!   checks every example of the specs against its schema, and writes the
//!   review snapshots (`crates/mitra-<vendor>/snapshots/`: the API surface
//!   and every operation's example request on the wire).
//! - `cargo xtask generate --check` fails, printing a diff, when a checked-in
//!   generated file differs from what the specs produce (CI runs it).
//! - `cargo xtask vendors` prints the vendor registry for scripts.

mod generate;
mod inputs;
mod lean;
mod mock;
mod public;
mod registry;
mod schemas;
mod surface;
mod vendors;
mod wire;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Tooling for the mitra workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every vendor client from its OpenAPI spec in `specs/`.
    Generate {
        /// Write nothing; exit non-zero with a diff if any generated file is stale.
        #[arg(long)]
        check: bool,
        /// Only this vendor (the spec's file stem, e.g. `pos-indonesia`).
        #[arg(long)]
        vendor: Option<String>,
    },
    /// Print the vendor registry, one line per vendor, tab-separated: spec
    /// stem, CLI subcommand, environment prefix, sandbox prefix, fuzz target,
    /// fixture folders. Scripts loop over it.
    Vendors,
    /// Count every vendor's operations by what they rest on (`x-mitra-source`).
    Sources,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Generate { check, vendor } => {
            let mut stale = 0usize;
            for v in vendors::VENDORS
                .iter()
                .filter(|v| vendor.as_deref().is_none_or(|name| name == v.name))
            {
                match generate::vendor(&root, v, check) {
                    Ok(generate::Outcome::Unchanged) => {
                        println!("{}: up to date", v.name)
                    }
                    Ok(generate::Outcome::Written) => println!("{}: written", v.name),
                    Ok(generate::Outcome::Stale(diff)) => {
                        stale += 1;
                        eprintln!("{}: generated code is stale\n{diff}", v.name);
                    }
                    Err(e) => {
                        eprintln!("{}: {e:#}", v.name);
                        return ExitCode::FAILURE;
                    }
                }
            }
            if vendor.is_none() {
                match registry::generate(&root, check) {
                    Ok(files) => {
                        for (path, outcome) in files {
                            match outcome {
                                generate::Outcome::Unchanged => {}
                                generate::Outcome::Written => println!("{path}: written"),
                                generate::Outcome::Stale(diff) => {
                                    stale += 1;
                                    eprintln!("{path}: stale\n{diff}");
                                }
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("vendor registry: {e:#}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            match wire::snapshots(&root, check) {
                Ok(files) => {
                    for (path, outcome) in files {
                        match outcome {
                            generate::Outcome::Unchanged => {}
                            generate::Outcome::Written => println!("{path}: written"),
                            generate::Outcome::Stale(why) => {
                                stale += 1;
                                eprintln!("{path}: stale\n{why}");
                            }
                        }
                    }
                }
                Err(e) => {
                    eprintln!("wire snapshots: {e:#}");
                    return ExitCode::FAILURE;
                }
            }
            if stale > 0 {
                eprintln!(
                    "{stale} generated file(s) or snapshot(s) stale: run `cargo xtask generate` and commit the result"
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Command::Vendors => {
            registry::print_vendors();
            ExitCode::SUCCESS
        }
        Command::Sources => match generate::sources(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        },
    }
}
