//! edigate: an EDI and supply-chain integration gateway.
//!
//! The crate is laid out as the pipeline it runs (see ARCHITECTURE.md):
//! syntax modules ([`edi`]) turn bytes into segments and trees and back, and
//! know nothing of orders or customers; [`detect`] tells which syntax a file
//! speaks; [`mapping`] and [`translate`] turn messages into canonical
//! [`document`]s; [`core`] is the one record of orders and inventory;
//! [`connector`] describes partners; [`gateway`] runs messages between
//! them and the core, and [`server`] is its HTTP face.

pub mod connector;
pub mod core;
pub mod cxml;
pub mod detect;
pub mod document;
pub mod edi;
#[doc(hidden)]
pub mod fuzzing;
pub mod gateway;
pub mod mapping;
pub mod oci;
pub mod server;
pub mod store;
pub mod translate;
pub mod xml;
