//! `cargo xtask`: the workspace's own tooling.
//!
//! - `cargo xtask generate` regenerates every vendor's client from `specs/`,
//!   checks every example of the specs against its schema, and writes the
//!   review snapshots (`crates/mitra-<vendor>/snapshots/`: the API surface
//!   and every operation's example request on the wire).
//! - `cargo xtask generate --check` fails, printing a diff, when a checked-in
//!   generated file differs from what the specs produce (CI runs it).
//! - `cargo xtask vendors` prints the vendor registry for scripts.
//! - `cargo xtask diff [BASE]` lists every spec change since a git revision,
//!   classified on the wire and in Rust.
//! - `cargo xtask docs <vendor> <file>` says what a vendor's document (text,
//!   markdown or a Postman collection) says differently from the spec.
//! - `cargo xtask coverage` counts, per vendor and operation, the fields a
//!   document the operation cites shows, those only public code shows, the
//!   assumed ones and the unsourced ones.
//! - `cargo xtask release <vendor>` bumps one vendor crate (and the facade)
//!   by its spec changes since its last release, with changelog entries.

mod additive;
mod coverage;
mod diff;
mod docs;
mod fuzzing;
mod generate;
mod inputs;
mod judge;
mod known_fields;
mod lean;
mod limits;
mod mock;
mod new_vendor;
mod operation;
mod output;
mod packaging;
mod passes;
mod personal;
mod public;
mod registry;
mod release;
mod sandbox;
mod schemas;
mod spec_diff;
mod specs;
mod surface;
mod tolerant;
mod vendors;
mod versions;
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
    Vendors {
        /// Print only this column, one vendor a line (`name`, `cli`,
        /// `env-prefix`, `sandbox-prefix`, `ident`, `crate`, `fixtures`).
        #[arg(long, value_enum)]
        field: Option<registry::Field>,
    },
    /// Count every vendor's operations by what they rest on (`x-mitra-source`).
    Sources,
    /// Print the crates published to crates.io, one a line (CI packages them).
    Published,
    /// Write the spec changes `scripts/semver-judge.sh` gives cargo-semver-checks
    /// (each with its generated client and xtask's classification) under DIR.
    SemverFixtures {
        /// Where to write them.
        dir: PathBuf,
    },
    /// List every spec change since BASE, each classified on the wire
    /// (`compatible`/`breaking` for clients built from BASE) and in Rust
    /// (`major`/`minor`/`patch` for the crate's public API).
    Diff {
        /// A git revision; by default where this branch left `main`.
        base: Option<String>,
        /// One JSON object per change and line:
        /// `{"vendor","change","location","wire","rust"}`.
        #[arg(long)]
        json: bool,
        /// Exit 1 when any change is wire-breaking.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Say what a vendor's document says differently from its spec: every
    /// endpoint, JSON example and parameter table against the operations.
    /// Exit 0 when they agree (every deviation accepted in the spec), 3 when
    /// they differ, 2 on a usage or reading error.
    Docs {
        /// The vendor (the spec's file stem, e.g. `elkassa`).
        vendor: String,
        /// The document: text, markdown, or a Postman v2.1 collection (JSON).
        file: PathBuf,
        /// Print the report as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Count, per vendor and operation, the request and response fields a
    /// document the operation cites shows, those only public code shows,
    /// the assumed ones and the unsourced ones (listed).
    Coverage {
        /// Only this vendor, operation by operation.
        #[arg(long)]
        vendor: Option<String>,
        /// List every field with its class, not only the unsourced ones.
        #[arg(long)]
        fields: bool,
        /// Exit 1 when any field (of `--vendor`, if given) is unsourced.
        #[arg(long)]
        deny_unsourced: bool,
    },
    /// Add a vendor: copy its spec to `specs/<NAME>.yaml`, add its registry
    /// entry, and write its crate's hand-written layer (manifest, changelog,
    /// `lib.rs`, and `client.rs` for the auth the spec declares). Then run
    /// `cargo xtask generate`.
    NewVendor {
        /// The spec's file stem and the crate's suffix (`kirimaja`).
        name: String,
        /// The vendor's OpenAPI 3.0 spec.
        #[arg(long)]
        spec: PathBuf,
        /// The vendor's name for people (default: the spec's title).
        #[arg(long)]
        title: Option<String>,
        /// What its API does, in a few words.
        #[arg(long)]
        about: String,
    },
    /// Release one vendor crate: bump its version by the spec changes since
    /// its last release, write its changelog entry, and bump the facade.
    Release {
        /// The vendor (the spec's file stem, e.g. `fastrac`).
        vendor: String,
    },
}

/// What `diff --fail-on` fails on.
#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    /// Any wire-breaking change.
    Breaking,
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
                    Ok(output::Outcome::Unchanged) => {
                        println!("{}: up to date", v.name)
                    }
                    Ok(output::Outcome::Written) => println!("{}: written", v.name),
                    Ok(output::Outcome::Stale(diff)) => {
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
                let files = registry::generate(&root, check).and_then(|mut files| {
                    files.extend(packaging::generate(&root, check)?);
                    files.push(personal::readme(&root, check)?);
                    files.push(coverage::readme(&root, check)?);
                    Ok(files)
                });
                match files {
                    Ok(files) => {
                        for (path, outcome) in files {
                            match outcome {
                                output::Outcome::Unchanged => {}
                                output::Outcome::Written => println!("{path}: written"),
                                output::Outcome::Stale(diff) => {
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
                            output::Outcome::Unchanged => {}
                            output::Outcome::Written => println!("{path}: written"),
                            output::Outcome::Stale(why) => {
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
        Command::NewVendor {
            name,
            spec,
            title,
            about,
        } => {
            let request = new_vendor::Request {
                name: &name,
                spec: &spec,
                title: title.as_deref(),
                about: &about,
            };
            match new_vendor::run(&root, &request) {
                Ok(files) => {
                    for file in files {
                        println!("{file}: written");
                    }
                    println!("next: `cargo xtask generate`, then `cargo test -p mitra-{name}`");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("new-vendor: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Vendors { field } => {
            registry::print_vendors(field);
            ExitCode::SUCCESS
        }
        Command::Diff {
            base,
            json,
            fail_on,
        } => {
            let run = || -> anyhow::Result<bool> {
                let base = match base {
                    Some(b) => b,
                    None => diff::default_base(&root)?,
                };
                let all = diff::since(&root, &base)?;
                if json {
                    print!("{}", diff::json_lines(&all));
                } else {
                    print!("{}", diff::markdown(&root, &base, &all));
                }
                Ok(all.iter().any(diff::VendorChanges::wire_breaking))
            };
            match run() {
                Ok(true) if matches!(fail_on, Some(FailOn::Breaking)) => {
                    eprintln!("wire-breaking spec changes (--fail-on breaking)");
                    ExitCode::FAILURE
                }
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Docs { vendor, file, json } => match docs::run(&root, &vendor, &file) {
            Ok(report) => {
                let shown = file.display().to_string();
                if json {
                    println!("{:#}", report.json(&vendor, &shown));
                } else {
                    print!("{}", report.render(&vendor, &shown));
                }
                ExitCode::from(docs::exit_code(&report))
            }
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::from(2)
            }
        },
        Command::Coverage {
            vendor,
            fields,
            deny_unsourced,
        } => {
            let run = || -> anyhow::Result<usize> {
                let all = coverage::all(&root)?;
                print!("{}", coverage::vendor_table(&all));
                let mut unsourced = 0;
                for (v, (title, ops)) in vendors::VENDORS.iter().zip(&all) {
                    if vendor.as_deref().is_none_or(|name| name == v.name) {
                        unsourced += ops
                            .iter()
                            .flat_map(|o| &o.fields)
                            .filter(|f| f.class == coverage::Class::Unsourced)
                            .count();
                        println!("\n{title}\n{}", coverage::operation_table(ops, fields));
                    }
                }
                Ok(unsourced)
            };
            match run() {
                Ok(n) if n > 0 && deny_unsourced => {
                    eprintln!(
                        "{n} unsourced field(s): source them or mark them x-mitra-assumption"
                    );
                    ExitCode::FAILURE
                }
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Release { vendor } => match release::release(&root, &vendor, &release::today()) {
            Ok(r) => {
                println!(
                    "{} {} -> {} ({} change); mitra {} -> {}",
                    r.krate, r.from, r.to, r.bump, r.facade.0, r.facade.1
                );
                println!(
                    "Review the changelogs, then commit (Cargo.lock follows on the next build)."
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        },
        Command::SemverFixtures { dir } => match judge::write(&root, &dir) {
            Ok(expected) => {
                for (name, bump) in expected {
                    println!("{name}\t{bump}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Published => {
            for krate in packaging::published() {
                println!("{krate}");
            }
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
