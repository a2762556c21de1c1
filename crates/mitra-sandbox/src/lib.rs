//! Offline emulators of the five vendors, on 127.0.0.1, with in-memory state
//! and synthetic data (no real person, shop or parcel).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mitra_sandbox::{Sandbox, SandboxConfig, Vendor, credentials};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = mitra_sempoa_like_client(&sandbox.url(Vendor::Sempoa), credentials::SEMPOA_TOKEN);
//! # Ok(()) }
//! # fn mitra_sempoa_like_client(_: &str, _: &str) {}
//! ```
//!
//! One server answers for every vendor, each under its own path prefix
//! ([`Vendor::prefix`]). Each emulator checks credentials the way its vendor
//! does (the values are in [`credentials`]), keeps what is created (users,
//! orders, journals) until the sandbox stops, and shows the vendor's quirks:
//! Pos Indonesia's single objects, `null`s and WSO2 faults, ELKASSA's
//! duplicate key and `status: false`, Fastrac's 429 with `Retry-After`,
//! PAFI's 404 for unknown NIKs, Sempoa's refusal of unbalanced journals and
//! duplicate references.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod elkassa;
mod fastrac;
mod pafi;
mod pos;
mod sempoa;
mod util;

use std::net::SocketAddr;
use std::time::Duration;

/// The credentials every emulator accepts. They are made up: use them only
/// against the sandbox.
pub mod credentials {
    /// Pos Indonesia consumer key.
    pub const POS_CONSUMER_KEY: &str = "sandbox-pos-key";
    /// Pos Indonesia consumer secret.
    pub const POS_CONSUMER_SECRET: &str = "sandbox-pos-secret";
    /// ELKASSA key.
    pub const ELKASSA_KEY: &str = "sandbox-elkassa-key";
    /// ELKASSA token.
    pub const ELKASSA_TOKEN: &str = "sandbox-elkassa-token";
    /// Fastrac access key.
    pub const FASTRAC_ACCESS_KEY: &str = "sandbox-fastrac-access";
    /// Fastrac secret key.
    pub const FASTRAC_SECRET_KEY: &str = "sandbox-fastrac-secret";
    /// PAFI client id.
    pub const PAFI_CLIENT_ID: &str = "1";
    /// PAFI client secret.
    pub const PAFI_CLIENT_SECRET: &str = "sandbox-pafi-secret";
    /// Sempoa API token.
    pub const SEMPOA_TOKEN: &str = "sandbox-sempoa-token";

    /// The sandbox's credentials for `vendor` as the environment variables
    /// its client's `from_env` reads (the base URL is not among them).
    pub fn env(vendor: super::Vendor) -> &'static [(&'static str, &'static str)] {
        use super::Vendor;
        match vendor {
            Vendor::Pos => &[
                ("MITRA_POS_CONSUMER_KEY", POS_CONSUMER_KEY),
                ("MITRA_POS_CONSUMER_SECRET", POS_CONSUMER_SECRET),
            ],
            Vendor::Elkassa => &[
                ("MITRA_ELKASSA_KEY", ELKASSA_KEY),
                ("MITRA_ELKASSA_TOKEN", ELKASSA_TOKEN),
            ],
            Vendor::Fastrac => &[
                ("MITRA_FASTRAC_ACCESS_KEY", FASTRAC_ACCESS_KEY),
                ("MITRA_FASTRAC_SECRET_KEY", FASTRAC_SECRET_KEY),
            ],
            Vendor::Pafi => &[
                ("MITRA_PAFI_CLIENT_ID", PAFI_CLIENT_ID),
                ("MITRA_PAFI_CLIENT_SECRET", PAFI_CLIENT_SECRET),
            ],
            Vendor::Sempoa => &[("MITRA_SEMPOA_TOKEN", SEMPOA_TOKEN)],
        }
    }
}

/// Synthetic sample values that the emulators know.
pub mod samples {
    /// A receipt number Pos Indonesia's emulator tracks.
    pub const POS_RESI: &str = "P2411230001";
    /// NIKs PAFI's emulator knows (synthetic: no real person).
    pub const PAFI_NIKS: [&str; 2] = ["3273010101900001", "3578024502850002"];
    /// A Fastrac `tariff_id` that never expires on the sandbox, for trying
    /// `createOrderInstant` on its own.
    pub const FASTRAC_TARIFF_ID: &str = "sbx-tariff-sample";
    /// An order Fastrac's emulator knows from the start.
    pub const FASTRAC_AWB: &str = "CO.FASTRAC-20261120-1-SBX001";

    /// Values the specs' own examples use (taken from the vendors'
    /// documents), which the emulators also know, so that every example
    /// call of a spec gets a real answer from the sandbox.
    pub mod from_specs {
        /// The receipt number of Pos Indonesia's tracking example (one event,
        /// sent as one object rather than a list, as the gateway does).
        pub const POS_RESI: &str = "P1807010123456";
        /// The AWB of Fastrac's tracking example.
        pub const FASTRAC_AWB: &str = "CO.FASTRAC-20241205-1-R10BPJ";
        /// The AWB of Fastrac's cancellation example (the Cancel Order page's).
        pub const FASTRAC_CANCEL_AWB: &str = "CO.FASTRAC-20241217-1-JP0M2J";
        /// The `tariff_id` of Fastrac's instant-order example.
        pub const FASTRAC_TARIFF_ID: &str = "8d1f7c2e-5b8a-4b9e-9d55-0c1a2b3c4d5e";
        /// The NIK of PAFI's example (synthetic member on the sandbox).
        pub const PAFI_NIK: &str = "3204850000000000";
        /// ELKASSA's example user: registration id and e-mail.
        pub const ELKASSA_USER: (&str, &str) = ("ELK34128", "pemilik@example.com");
        /// ELKASSA's example registration id of `getDetailUser`.
        pub const ELKASSA_DETAIL_ID: &str = "ELK44552";
    }
}

/// The five vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// Pos Indonesia.
    Pos,
    /// ELKASSA.
    Elkassa,
    /// Fastrac.
    Fastrac,
    /// PAFI.
    Pafi,
    /// Sempoa.
    Sempoa,
}

impl Vendor {
    /// Every vendor.
    pub const ALL: [Vendor; 5] = [
        Vendor::Pos,
        Vendor::Elkassa,
        Vendor::Fastrac,
        Vendor::Pafi,
        Vendor::Sempoa,
    ];

    /// The vendor by its short name (`pos`, `elkassa`, `fastrac`, `pafi`,
    /// `sempoa`: the `mitra` CLI's subcommands).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == key)
    }

    /// The prefix of the environment variables its client reads.
    pub fn env_prefix(self) -> &'static str {
        match self {
            Vendor::Pos => "MITRA_POS",
            Vendor::Elkassa => "MITRA_ELKASSA",
            Vendor::Fastrac => "MITRA_FASTRAC",
            Vendor::Pafi => "MITRA_PAFI",
            Vendor::Sempoa => "MITRA_SEMPOA",
        }
    }

    /// The vendor's short name.
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Pos => "pos",
            Vendor::Elkassa => "elkassa",
            Vendor::Fastrac => "fastrac",
            Vendor::Pafi => "pafi",
            Vendor::Sempoa => "sempoa",
        }
    }

    /// The vendor's path prefix on the sandbox; the vendor's base URL is the
    /// sandbox URL followed by it.
    pub fn prefix(self) -> &'static str {
        match self {
            Vendor::Pos => "/pos",
            Vendor::Elkassa => "/elkassa",
            Vendor::Fastrac => "/fastrac",
            Vendor::Pafi => "/pafi/api/v1",
            Vendor::Sempoa => "/sempoa/api/integration",
        }
    }
}

/// Settings of the emulators.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Lifetime of Pos Indonesia's tokens (default 3600 s; shorten it to see
    /// refreshes).
    pub pos_token_lifetime: Duration,
    /// Requests a second Fastrac's emulator takes before it answers 429
    /// (default 20).
    pub fastrac_requests_per_second: u32,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            pos_token_lifetime: Duration::from_secs(3600),
            fastrac_requests_per_second: 20,
        }
    }
}

/// The router of all five emulators, for embedding in your own server.
pub fn router(config: &SandboxConfig) -> axum::Router {
    axum::Router::new()
        .nest(Vendor::Pos.prefix(), pos::router(config))
        .nest(Vendor::Elkassa.prefix(), elkassa::router())
        .nest(Vendor::Fastrac.prefix(), fastrac::router(config))
        .nest(Vendor::Pafi.prefix(), pafi::router())
        .nest(Vendor::Sempoa.prefix(), sempoa::router())
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Starts the sandbox on a free port of 127.0.0.1.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts the sandbox on `addr`.
    pub async fn start_on(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = router(&config);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, task })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of `vendor` on this sandbox.
    pub fn url(&self, vendor: Vendor) -> String {
        format!("http://{}{}", self.addr, vendor.prefix())
    }

    /// The variables a vendor client's `from_env` reads, with this sandbox's
    /// credentials and URL: a client for the sandbox in one line.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use mitra_core::config::Vars;
    /// use mitra_sandbox::{Sandbox, SandboxConfig, Vendor};
    ///
    /// let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    /// let vars = Vars::from_pairs(sandbox.env(Vendor::Sempoa));
    /// let client = mitra_sempoa::ClientBuilder::from_vars(&vars)?.build()?;
    /// assert_eq!(client.get_akun("10000").await?.code, "10000");
    /// # Ok(()) }
    /// ```
    pub fn env(&self, vendor: Vendor) -> Vec<(String, String)> {
        env_at(&format!("http://{}", self.addr), vendor)
    }

    /// Runs until the server stops (for `mitra sandbox`).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

/// The variables a vendor client's `from_env` reads for a sandbox already
/// running at `sandbox_url` (`http://127.0.0.1:8080`, as `mitra sandbox`
/// prints it): the vendor's credentials and its base URL under the
/// sandbox. Separate programs, or CLI commands with `--sandbox-url`, share
/// the one sandbox's state this way.
///
/// ```
/// use mitra_sandbox::{Vendor, env_at};
/// let vars = env_at("http://127.0.0.1:8080/", Vendor::Fastrac);
/// assert!(vars.contains(&("MITRA_FASTRAC_BASE_URL".into(), "http://127.0.0.1:8080/fastrac".into())));
/// ```
pub fn env_at(sandbox_url: &str, vendor: Vendor) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = credentials::env(vendor)
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    vars.push((
        format!("{}_BASE_URL", vendor.env_prefix()),
        format!("{}{}", sandbox_url.trim_end_matches('/'), vendor.prefix()),
    ));
    vars
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}
