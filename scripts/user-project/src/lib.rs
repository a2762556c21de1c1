//! Compiles `mitra-sempoa`'s README (its snippets are doctests here), as a
//! user who depends on that one crate would write them.
#![doc = include_str!("../../../crates/mitra-sempoa/README.md")]
