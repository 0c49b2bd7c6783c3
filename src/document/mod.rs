//! Canonical documents: what every partner format maps to and from, and
//! what the commerce core reads and writes. Typed, serialised as JSON,
//! with a published JSON Schema (`docs/schema/`, `edigate schema`).
//!
//! Names follow UBL 2.3 where UBL has the concept. Money is a decimal with
//! its currency, quantities carry a UN/ECE Rec 20 unit, dates are dates.
//! The buyer's procurement references (cost center, GL account, project,
//! requisitioner, department, contract) are fields, not an extension bag;
//! whatever a mapping does not place goes into an ordered `extensions`
//! list, so nothing received is dropped silently.
//!
//! This module knows no syntax: X12, EDIFACT and cXML meet it only through
//! mappings.

mod cart;
mod catalogue;
mod common;
mod despatch;
mod invoice;
mod order;
mod response;

pub use cart::*;
pub use catalogue::*;
pub use common::*;
pub use despatch::*;
pub use invoice::*;
pub use order::*;
pub use response::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Any canonical document, tagged with its type in JSON
/// (`{"type": "order", …}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Document {
    /// A purchase order.
    Order(Order),
    /// An answer to an order.
    OrderResponse(OrderResponse),
    /// A change to an order.
    OrderChange(OrderChange),
    /// A ship notice.
    DespatchAdvice(DespatchAdvice),
    /// An invoice or credit note.
    Invoice(Invoice),
    /// A price catalogue.
    Catalogue(Catalogue),
    /// Stock levels.
    InventoryReport(InventoryReport),
    /// A punchout cart.
    Cart(Cart),
}

/// The published schemas: (file name, pretty JSON), one per document type
/// and one for [`Document`] itself.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn render<T: JsonSchema>() -> String {
        let schema = schemars::schema_for!(T);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
    vec![
        ("document.schema.json", render::<Document>()),
        ("order.schema.json", render::<Order>()),
        ("order-response.schema.json", render::<OrderResponse>()),
        ("order-change.schema.json", render::<OrderChange>()),
        ("despatch-advice.schema.json", render::<DespatchAdvice>()),
        ("invoice.schema.json", render::<Invoice>()),
        ("catalogue.schema.json", render::<Catalogue>()),
        ("inventory-report.schema.json", render::<InventoryReport>()),
        ("cart.schema.json", render::<Cart>()),
    ]
}
