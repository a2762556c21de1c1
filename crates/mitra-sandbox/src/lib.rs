//! Offline emulators of every vendor of the registry, on 127.0.0.1, with in-memory state
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
//! duplicate references. An operation no hand emulator knows (a new one, or
//! every operation of a vendor without a hand emulator) is answered with its
//! spec's success example, without checking credentials or keeping state.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod elkassa;
mod fastrac;
mod generic;
mod pafi;
mod pos;
mod registry;
mod sempoa;
mod util;

pub use registry::{Vendor, credentials};

use std::net::SocketAddr;
use std::time::Duration;

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

/// Settings of the emulators.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Lifetime of Pos Indonesia's tokens (default 3600 s; shorten it to see
    /// refreshes).
    pub pos_token_lifetime: Duration,
    /// Requests a second Fastrac's emulator takes before it answers 429
    /// (default 20).
    pub fastrac_requests_per_second: u32,
    /// Every operation answered with its spec's success example alone, the
    /// hand emulators left out (no credentials checked, no state): what a
    /// vendor or an operation without a hand emulator gets (default false).
    pub examples_only: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            pos_token_lifetime: Duration::from_secs(3600),
            fastrac_requests_per_second: 20,
            examples_only: false,
        }
    }
}

/// The router of every emulator, for embedding in your own server.
pub fn router(config: &SandboxConfig) -> axum::Router {
    registry::router(config)
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
