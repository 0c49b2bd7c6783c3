//! Ship notices (UBL DespatchAdvice): the shipment → order → pack → item
//! hierarchy, carrier and tracking.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A ship notice (X12 856, EDIFACT DESADV, cXML ShipNoticeRequest).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct DespatchAdvice {
    /// The shipment's number (bill of lading, despatch note number).
    pub id: String,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// Date shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// Expected delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_delivery_date: Option<NaiveDate>,
    /// Who carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    /// Tracking numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking: Vec<String>,
    /// Shipped from.
    #[serde(default)]
    pub ship_from: Party,
    /// Shipped to.
    #[serde(default)]
    pub ship_to: Party,
    /// Gross weight of the shipment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_weight: Option<Quantity>,
    /// The orders in the shipment.
    #[serde(default)]
    pub orders: Vec<ShippedOrder>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// A carrier.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Carrier {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Standard Carrier Alpha Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scac: Option<String>,
    /// Mode of transport, UN/ECE Recommendation 19 (`1` maritime, `2`
    /// rail, `3` road, `4` air, `5` mail, `6` multimodal); partner codes
    /// (X12 `M`, EDIFACT `30`) are mapped to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// What of one order is in the shipment.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ShippedOrder {
    /// The order.
    pub order_id: String,
    /// Packages (pallets, cartons), each with its contents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<Pack>,
    /// Items shipped outside any package.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ShippedItem>,
}

/// A package, possibly holding packages.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Pack {
    /// Serial Shipping Container Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sscc: Option<String>,
    /// Package type (UN/ECE Rec 21: `PX` pallet, `CT` carton).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// Packages inside this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<Pack>,
    /// Items in this package.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ShippedItem>,
}

/// An item shipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShippedItem {
    /// The order line shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// The item.
    #[serde(default)]
    pub item: ItemIdentity,
    /// Quantity shipped.
    pub quantity: Quantity,
    /// Lot or batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<String>,
}
