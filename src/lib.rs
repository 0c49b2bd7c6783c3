//! edigate: an EDI and supply-chain integration gateway.
//!
//! The crate is laid out as the pipeline it runs (see ARCHITECTURE.md):
//! syntax modules ([`edi`]) turn bytes into segments and trees and back, and
//! know nothing of orders or customers; [`detect`] tells which syntax a file
//! speaks.

pub mod core;
pub mod cxml;
pub mod detect;
pub mod document;
pub mod edi;
#[doc(hidden)]
pub mod fuzzing;
pub mod mapping;
pub mod oci;
pub mod store;
pub mod translate;
pub mod xml;
