//! The seller's answer to an order (UBL OrderResponse): per-line status,
//! confirmed quantities and dates.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// The answer to the order as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    /// Accepted as ordered.
    #[default]
    Accepted,
    /// Accepted with changes (see the lines).
    AcceptedWithChanges,
    /// Rejected.
    Rejected,
    /// Received, not yet decided.
    Pending,
}

/// The answer for one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Accepted as ordered.
    Accepted,
    /// Accepted with changes (quantity, price or date).
    Changed,
    /// Accepted, to be delivered later.
    Backordered,
    /// Rejected.
    Rejected,
}

/// An order response (X12 855, EDIFACT ORDRSP, cXML ConfirmationRequest).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct OrderResponse {
    /// The response's own number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The order answered.
    pub order_id: String,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// The answer to the whole order.
    #[serde(default)]
    pub status: ResponseStatus,
    /// The currency the response's amounts are in unless they say
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The buyer.
    #[serde(default)]
    pub buyer: Party,
    /// The seller.
    #[serde(default)]
    pub seller: Party,
    /// Per-line answers.
    #[serde(default)]
    pub lines: Vec<ResponseLine>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// The answer for one order line; a line may be split into several
/// answers (part now, part backordered).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseLine {
    /// The order line answered.
    pub line_id: String,
    /// The answer.
    pub status: LineStatus,
    /// The item, as confirmed.
    #[serde(default)]
    pub item: ItemIdentity,
    /// Quantity ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_quantity: Option<Quantity>,
    /// Quantity this answer confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_quantity: Option<Quantity>,
    /// Confirmed price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Confirmed ship date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// Confirmed delivery date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<NaiveDate>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
