//! mitra: typed clients for the HTTP APIs of Indonesian vendors.
//!
//! Each vendor is a crate of its own, re-exported here behind a cargo feature
//! named after it. Depend on a vendor crate directly (`mitra-pos-indonesia`)
//! to compile nothing else, or on this crate with the features you need:
//!
//! ```toml
//! mitra = { version = "0.1", default-features = false, features = ["pos-indonesia"] }
//! ```
//!
//! | feature | crate | vendor |
//! |---|---|---|
//! | `elkassa` | [`mitra-elkassa`](elkassa) | ELKASSA: point-of-sale registration, activation, users |
//! | `fastrac` | [`mitra-fastrac`](fastrac) | Fastrac: courier regions, tariffs, orders, tracking |
//! | `pos-indonesia` | [`mitra-pos-indonesia`](pos_indonesia) | Pos Indonesia: postal codes, regions, tracking |
//! | `pafi` | [`mitra-pafi`](pafi) | PAFI: pharmacists' SKP sufficiency by NIK |
//! | `sempoa` | [`mitra-sempoa`](sempoa) | Sempoa: chart of accounts, general journals |
//!
//! The shared runtime ([`core`]) brings the error type every vendor returns.

pub use mitra_core as core;
pub use mitra_core::{Error, Result};

/// Pos Indonesia (feature `pos-indonesia`).
#[cfg(feature = "pos-indonesia")]
pub use mitra_pos_indonesia as pos_indonesia;

/// Sempoa (feature `sempoa`).
#[cfg(feature = "sempoa")]
pub use mitra_sempoa as sempoa;

/// PAFI (feature `pafi`).
#[cfg(feature = "pafi")]
pub use mitra_pafi as pafi;

/// ELKASSA (feature `elkassa`).
#[cfg(feature = "elkassa")]
pub use mitra_elkassa as elkassa;

/// Fastrac (feature `fastrac`).
#[cfg(feature = "fastrac")]
pub use mitra_fastrac as fastrac;
