//! Orders and changes to them (UBL Order, OrderChange).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// What an order document does.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderPurpose {
    /// A new order.
    #[default]
    Original,
    /// A replacement of an earlier order with the same number.
    Replace,
    /// A cancellation of an earlier order.
    Cancel,
    /// A copy for information.
    Copy,
}

/// A purchase order.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Order {
    /// The buyer's order number (PO number).
    pub id: String,
    /// A release number against a blanket order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// What the document does.
    #[serde(default)]
    pub purpose: OrderPurpose,
    /// The kind of order in plain words the partner formats map to
    /// (`standalone`, `blanket`, `release`, `rush`, `consignment`,
    /// `drop_ship`); a partner code without such a word is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// The order's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The buyer.
    #[serde(default)]
    pub buyer: Party,
    /// The seller.
    #[serde(default)]
    pub seller: Party,
    /// Where to deliver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Party>,
    /// Who is invoiced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_to: Option<Party>,
    /// The requested delivery date for the whole order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_delivery_date: Option<NaiveDate>,
    /// Cost center, GL account, project, requisitioner, department,
    /// contract.
    #[serde(default, skip_serializing_if = "ProcurementRefs::is_empty")]
    pub procurement: ProcurementRefs,
    /// Payment terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<PaymentTerms>,
    /// Allowances and charges on the whole order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowance_charges: Vec<AllowanceCharge>,
    /// Taxes on the whole order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<TaxSubtotal>,
    /// The order total as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Amount>,
    /// Free-text notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The lines.
    #[serde(default)]
    pub lines: Vec<OrderLine>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// An order line.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct OrderLine {
    /// The line number as the buyer numbers it.
    pub id: String,
    /// The item.
    #[serde(default)]
    pub item: ItemIdentity,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Quantity ordered.
    pub quantity: Quantity,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Line amount as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_amount: Option<Amount>,
    /// Requested delivery date for this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_delivery_date: Option<NaiveDate>,
    /// This line's procurement references (override the header's).
    #[serde(default, skip_serializing_if = "ProcurementRefs::is_empty")]
    pub procurement: ProcurementRefs,
    /// Where to deliver this line, if not the order's ship-to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Party>,
    /// Classifications of the item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<Classification>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

impl OrderLine {
    /// A line for `quantity` of the seller's part number `sku`, with
    /// nothing else set.
    pub fn for_sku(id: &str, sku: &str, quantity: Quantity) -> OrderLine {
        OrderLine {
            id: id.to_string(),
            item: ItemIdentity {
                seller_id: Some(sku.to_string()),
                ..ItemIdentity::default()
            },
            quantity,
            ..OrderLine::default()
        }
    }
}

/// What a change does to a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    /// A new line.
    Add,
    /// The line is cancelled.
    Delete,
    /// Quantity, price, date or item changed (the fields given are the new
    /// values).
    Replace,
}

/// A change to an order (X12 860, EDIFACT ORDCHG, cXML OrderRequest
/// type="update").
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct OrderChange {
    /// The change's own number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The order changed.
    pub order_id: String,
    /// Sequence of this change for the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// The currency the change's amounts are in unless they say
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The buyer.
    #[serde(default)]
    pub buyer: Party,
    /// The seller.
    #[serde(default)]
    pub seller: Party,
    /// Changed lines.
    #[serde(default)]
    pub lines: Vec<OrderChangeLine>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// One changed line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrderChangeLine {
    /// What happens to the line.
    pub change: LineChange,
    /// The line, with the new values.
    pub line: OrderLine,
}
