//! Invoices (UBL Invoice, CreditNote): lines, allowances and charges, tax,
//! totals and terms.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;

/// The kind of invoice.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// A commercial invoice.
    #[default]
    Commercial,
    /// A credit note.
    CreditNote,
    /// A debit note.
    DebitNote,
}

/// An invoice (X12 810, EDIFACT INVOIC, cXML InvoiceDetailRequest).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    /// The invoice number.
    pub id: String,
    /// The kind.
    #[serde(default)]
    pub kind: InvoiceKind,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The order invoiced, when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The seller.
    #[serde(default)]
    pub seller: Party,
    /// The buyer.
    #[serde(default)]
    pub buyer: Party,
    /// Invoice to, when not the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_to: Option<Party>,
    /// Delivered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Party>,
    /// The buyer's references, echoed.
    #[serde(default, skip_serializing_if = "ProcurementRefs::is_empty")]
    pub procurement: ProcurementRefs,
    /// Lines.
    #[serde(default)]
    pub lines: Vec<InvoiceLine>,
    /// Allowances and charges on the whole invoice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowance_charges: Vec<AllowanceCharge>,
    /// Tax by category and rate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<TaxSubtotal>,
    /// Totals as sent.
    #[serde(default)]
    pub totals: InvoiceTotals,
    /// Payment terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<PaymentTerms>,
    /// Due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// What no mapping rule placed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// An invoice line.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct InvoiceLine {
    /// Line number.
    pub id: String,
    /// The order line invoiced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_id: Option<String>,
    /// The item.
    #[serde(default)]
    pub item: ItemIdentity,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Quantity invoiced.
    pub quantity: Quantity,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Line amount (net of line allowances and charges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_amount: Option<Amount>,
    /// Allowances and charges on the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowance_charges: Vec<AllowanceCharge>,
    /// Tax on the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<TaxSubtotal>,
}

/// Invoice totals (UBL LegalMonetaryTotal).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct InvoiceTotals {
    /// Sum of the line amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_total: Option<Amount>,
    /// Total without tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_exclusive: Option<Amount>,
    /// Total with tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_inclusive: Option<Amount>,
    /// Sum of allowances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowance_total: Option<Amount>,
    /// Sum of charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_total: Option<Amount>,
    /// Amount to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payable: Option<Amount>,
}
