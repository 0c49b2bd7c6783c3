//! The parts every canonical document shares: parties and their
//! identifiers, addresses, money, quantities, items, taxes, charges, terms,
//! the buyer's procurement references, and the extensions list.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An amount of money in an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    /// The amount, as a decimal (never a float).
    pub value: Decimal,
    /// ISO 4217 code (`EUR`).
    pub currency: String,
}

/// A quantity in a UN/ECE Recommendation 20 unit (`C62` one, `KGM`
/// kilogram, `PCE` piece); partner unit codes are mapped to these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Quantity {
    /// The number of units.
    pub value: Decimal,
    /// Rec 20 unit code.
    pub unit: String,
}

impl Default for Quantity {
    /// Zero of `C62` (Rec 20's "one", a unit without dimension).
    fn default() -> Self {
        Quantity {
            value: Decimal::ZERO,
            unit: "C62".into(),
        }
    }
}

/// A price: an amount for a base quantity (one unit unless said).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Price {
    /// The amount.
    pub amount: Amount,
    /// The quantity the amount is for, when not one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_quantity: Option<Quantity>,
}

/// A period of validity.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

/// The scheme of an identifier, as UBL's `schemeID` names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdScheme {
    /// GS1 Global Location Number.
    Gln,
    /// Dun & Bradstreet number.
    Duns,
    /// Assigned by the buyer.
    BuyerAssigned,
    /// Assigned by the seller.
    SellerAssigned,
    /// A network identity (Ariba Network ID, a VAN mailbox).
    Network,
    /// A tax registration (VAT number).
    Tax,
    /// Another scheme, named as the partner names it.
    Other(String),
}

/// One identifier of a party, with its scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PartyId {
    /// The scheme.
    pub scheme: IdScheme,
    /// The value.
    pub value: String,
}

/// A postal address.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Address {
    /// Street lines, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A person or function to contact.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// What the contact is for, in plain words the partner formats map to
    /// (`buyer`, `receiving`, `information`, `sales`, `customer_service`,
    /// `accounts_payable`); a partner code without such a word is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A party: every identifier a partner sent for it, with its scheme.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Party {
    /// Identifiers (GLN, DUNS, buyer- and seller-assigned numbers …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<PartyId>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

/// How an item is identified: by the seller, the buyer, a standard number
/// (GTIN) and the manufacturer.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ItemIdentity {
    /// The seller's part number (SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<String>,
    /// The seller's auxiliary ID (a punchout supplier cookie), carried
    /// through unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_auxiliary_id: Option<String>,
    /// The buyer's part number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    /// A standard number, e.g. a GTIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_id: Option<StandardId>,
    /// The manufacturer's part number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_id: Option<String>,
    /// The manufacturer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_name: Option<String>,
}

/// A standard item number with its scheme (`GTIN`, `UPC`, `EAN`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StandardId {
    /// The scheme (`GTIN`).
    pub scheme: String,
    /// The number.
    pub value: String,
}

/// A classification of an item (`UNSPSC 31161500`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Classification {
    /// The scheme (`UNSPSC`, `eCl@ss`).
    pub scheme: String,
    /// The code.
    pub code: String,
}

/// An allowance (discount) or charge (freight, handling).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AllowanceCharge {
    /// True for a charge, false for an allowance.
    pub is_charge: bool,
    /// The reason as a code (UNCL 5189 / 7161, or the partner's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// The reason in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The amount, when given (some partners send only a percentage or a
    /// code for a charge whose amount the invoice settles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The percentage it was computed from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
}

/// Tax of one category and rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TaxSubtotal {
    /// The tax scheme (`VAT`, `GST`, `sales tax`).
    pub scheme: String,
    /// The category (UNCL 5305: `S` standard, `Z` zero, `E` exempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The rate in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// The amount taxed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable_amount: Option<Amount>,
    /// The tax.
    pub tax_amount: Amount,
}

/// Payment terms.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PaymentTerms {
    /// Net days from the invoice date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_days: Option<u32>,
    /// Days within which the discount applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_days: Option<u32>,
    /// The discount in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<Decimal>,
    /// The terms in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The buyer's procurement references: first-class, on the header and on
/// each line (a line's value overrides the header's).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProcurementRefs {
    /// Cost center.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    /// General ledger account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl_account: Option<String>,
    /// Project or job code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The person who asked for the goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requisitioner: Option<String>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Contract or agreement reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
}

impl ProcurementRefs {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == ProcurementRefs::default()
    }
}

/// Something received that no mapping rule placed, kept in order with
/// where it came from, so that nothing is dropped silently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Extension {
    /// Where it came from: a segment and element (`REF02 where REF01=ZZ`)
    /// or an XML path.
    pub source: String,
    /// The value as received.
    pub value: String,
}
