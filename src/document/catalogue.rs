//! Catalogues and inventory reports (UBL Catalogue, InventoryReport).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A price catalogue (X12 832, EDIFACT PRICAT).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Catalogue {
    /// The catalogue's number.
    pub id: String,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// When the prices apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity: Option<Period>,
    /// The seller.
    #[serde(default)]
    pub seller: Party,
    /// Whom the catalogue is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Party>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The items.
    #[serde(default)]
    pub lines: Vec<CatalogueLine>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// One item of a catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CatalogueLine {
    /// What the partner says to do with the line (`add`, `change`,
    /// `delete`), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The item.
    #[serde(default)]
    pub item: ItemIdentity,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The unit it is sold in (Rec 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Prices, by quantity tier and validity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<PriceTier>,
    /// Classifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<Classification>,
    /// Lead time in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_days: Option<u32>,
}

/// A price from a minimum quantity on, within a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceTier {
    /// The price.
    pub price: Price,
    /// From this quantity on (the first tier has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_quantity: Option<Decimal>,
    /// When it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity: Option<Period>,
    /// The kind of price as the partner codes it (`CON` contract, `AAA`
    /// net).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Stock levels per item and location (X12 846, EDIFACT INVRPT).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct InventoryReport {
    /// The report's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// Who reports.
    #[serde(default)]
    pub reporter: Party,
    /// To whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Party>,
    /// The levels.
    #[serde(default)]
    pub entries: Vec<InventoryEntry>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// One item's stock at one location.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct InventoryEntry {
    /// The item.
    #[serde(default)]
    pub item: ItemIdentity,
    /// The location (warehouse, store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Party>,
    /// Physically on hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_hand: Option<Quantity>,
    /// Available to promise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Quantity>,
    /// On order from suppliers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_order: Option<Quantity>,
    /// The day the figures are for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// When more arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_receipt_date: Option<NaiveDate>,
}
