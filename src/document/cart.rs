//! The punchout cart returned to a procurement system (cXML
//! PunchOutOrderMessage, OCI NEW_ITEM fields).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A returned cart.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Cart {
    /// The procurement system's session key (BuyerCookie), carried back
    /// unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// What the buyer may do with it later (`create`, `edit`, `inspect`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_allowed: Option<String>,
    /// Total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Amount>,
    /// Where the goods are to go, as the procurement system said at setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Party>,
    /// The lines; none means the user cancelled (or removed everything,
    /// in an edit session).
    #[serde(default)]
    pub lines: Vec<CartLine>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// A cart line.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CartLine {
    /// The item (seller part number and auxiliary ID carried through).
    #[serde(default)]
    pub item: ItemIdentity,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Quantity.
    pub quantity: Quantity,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Classifications (UNSPSC, material group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<Classification>,
    /// Lead time in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_days: Option<Decimal>,
    /// Contract reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}
