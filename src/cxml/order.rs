//! `OrderRequest`: the purchase order, with the procurement data buyers
//! care about (cost center, GL account, project) in each line's
//! distribution.

use rust_decimal::Decimal;

use super::codec::{in_dtd_order, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode};
use super::common::{
    charge, location, Charge, Contact, Distribution, Extrinsic, ItemDetail, ItemId, Location,
    Payment,
};
use super::values::{money_in, quantity, DateTimeValue, Money};
use crate::xml::Element;

/// `<OrderRequest>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OrderRequest {
    /// `OrderRequestHeader`.
    pub header: OrderRequestHeader,
    /// The lines (`ItemOut+`).
    pub items: Vec<ItemOut>,
}

/// `<OrderRequestHeader>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OrderRequestHeader {
    /// `orderID`: the buyer's PO number.
    pub order_id: String,
    /// `orderDate`.
    pub order_date: Option<DateTimeValue>,
    /// `type`: `new`, `update` or `delete`.
    pub order_type: String,
    /// `orderType` (`regular`, `release`, `blanket` …).
    pub order_kind: Option<String>,
    /// `orderVersion`.
    pub order_version: Option<String>,
    /// `requisitionID`.
    pub requisition_id: Option<String>,
    /// `requestedDeliveryDate`.
    pub requested_delivery_date: Option<DateTimeValue>,
    /// `Total`.
    pub total: Option<Money>,
    /// `ShipTo`.
    pub ship_to: Option<Location>,
    /// `BillTo`.
    pub bill_to: Option<Location>,
    /// `Shipping`.
    pub shipping: Option<Charge>,
    /// `Tax`.
    pub tax: Option<Charge>,
    /// `Payment` (PCard).
    pub payment: Option<Payment>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// `Comments` text.
    pub comments: Option<String>,
    /// Extrinsics.
    pub extrinsics: Vec<Extrinsic>,
    /// Elements not modelled (DocumentReference for update/delete …), kept.
    pub extensions: Extensions,
}

const ORDER_HEADER: &[&str] = &[
    "Total",
    "ShipTo",
    "BillTo",
    "BusinessPartner",
    "LegalEntity",
    "OrganizationalUnit",
    "Shipping",
    "Tax",
    "Payment",
    "PaymentTerm",
    "Contact",
    "Comments",
    "Followup",
    "ControlKeys",
    "DocumentReference",
    "SupplierOrderInfo",
    "TermsOfDelivery",
    "DeliveryPeriod",
    "IdReference",
    "OrderRequestHeaderIndustry",
    "Extrinsic",
];

impl Codec for OrderRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let header = p.decode_required("OrderRequestHeader", cx)?;
        let items: Vec<ItemOut> = p.decode_all("ItemOut", cx)?;
        if items.is_empty() {
            return Err(cx.error("an OrderRequest needs at least one ItemOut"));
        }
        p.rest(&[], cx);
        Ok(OrderRequest { header, items })
    }

    fn encode(&self) -> Element {
        Element::new("OrderRequest")
            .child(self.header.encode())
            .children(self.items.iter().map(Codec::encode))
    }
}

impl Codec for OrderRequestHeader {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let order_id = p.required_attr("orderID", cx)?;
        let order_date = p.attr("orderDate").map(|d| DateTimeValue::read(&d, cx));
        if order_date.is_none() {
            cx.warn("orderDate is missing");
        }
        let total = match p.one("Total") {
            Some(t) => Some(cx.within("Total", |cx| money_in(t, cx))?),
            None => None,
        };
        Ok(OrderRequestHeader {
            order_id,
            order_date,
            order_type: p.attr("type").unwrap_or_else(|| "new".into()),
            order_kind: p.attr("orderType"),
            order_version: p.attr("orderVersion"),
            requisition_id: p.attr("requisitionID"),
            requested_delivery_date: p
                .attr("requestedDeliveryDate")
                .map(|d| DateTimeValue::read_date(&d, cx)),
            total,
            ship_to: location(&mut p, "ShipTo", cx)?,
            bill_to: location(&mut p, "BillTo", cx)?,
            shipping: charge(&mut p, "Shipping", cx)?,
            tax: charge(&mut p, "Tax", cx)?,
            payment: p.decode_one("Payment", cx)?,
            contacts: p.decode_all("Contact", cx)?,
            comments: p.text_of("Comments"),
            extrinsics: p.decode_all("Extrinsic", cx)?,
            extensions: p.rest(ORDER_HEADER, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("OrderRequestHeader")
            .attr("orderID", self.order_id.clone())
            .attr_opt(
                "orderDate",
                self.order_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .attr("type", self.order_type.clone())
            .attr_opt("orderType", self.order_kind.as_ref())
            .attr_opt("orderVersion", self.order_version.as_ref())
            .attr_opt("requisitionID", self.requisition_id.as_ref())
            .attr_opt(
                "requestedDeliveryDate",
                self.requested_delivery_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .child_opt(
                self.total
                    .as_ref()
                    .map(|m| Element::new("Total").child(m.encode())),
            )
            .child_opt(self.ship_to.as_ref().map(|s| s.write("ShipTo")))
            .child_opt(self.bill_to.as_ref().map(|s| s.write("BillTo")))
            .child_opt(self.shipping.as_ref().map(|c| c.write("Shipping")))
            .child_opt(self.tax.as_ref().map(|c| c.write("Tax")))
            .child_opt(self.payment.as_ref().map(Codec::encode))
            .children(self.contacts.iter().map(Codec::encode))
            .child_opt(self.comments.as_ref().map(|c| {
                Element::new("Comments")
                    .attr("xml:lang", "en")
                    .text(c.clone())
            }))
            .children(self.extrinsics.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, ORDER_HEADER)
    }
}

/// `<ItemOut quantity="…">`: an order line (also the prior cart in an edit
/// or inspect punchout).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemOut {
    /// `quantity`.
    pub quantity: Decimal,
    /// `lineNumber`.
    pub line_number: Option<String>,
    /// `requisitionID`.
    pub requisition_id: Option<String>,
    /// `requestedDeliveryDate`.
    pub requested_delivery_date: Option<DateTimeValue>,
    /// `ItemID`.
    pub item_id: ItemId,
    /// `ItemDetail`.
    pub item_detail: Option<ItemDetail>,
    /// `ShipTo` for this line.
    pub ship_to: Option<Location>,
    /// `Distribution`s: cost center, GL account, project.
    pub distributions: Vec<Distribution>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// `Comments` text.
    pub comments: Option<String>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const ITEM_OUT: &[&str] = &[
    "ItemID",
    "Path",
    "ItemDetail",
    "BlanketItemDetail",
    "SupplierID",
    "SupplierList",
    "ShipTo",
    "Shipping",
    "Tax",
    "SpendDetail",
    "Distribution",
    "Contact",
    "TermsOfDelivery",
    "Comments",
    "Tolerances",
    "ControlKeys",
    "ScheduleLine",
    "MasterAgreementReference",
    "MasterAgreementIDInfo",
    "ItemOutIndustry",
    "Packaging",
    "ReleaseInfo",
    "Batch",
    "SubcontractingComponent",
    "Extrinsic",
];

impl Codec for ItemOut {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p
            .attr_str("quantity")
            .ok_or_else(|| cx.error("the attribute quantity is required"))?;
        Ok(ItemOut {
            quantity: quantity(q, cx)?,
            line_number: p.attr("lineNumber"),
            requisition_id: p.attr("requisitionID"),
            requested_delivery_date: p
                .attr("requestedDeliveryDate")
                .map(|d| DateTimeValue::read_date(&d, cx)),
            item_id: p.decode_required("ItemID", cx)?,
            item_detail: p.decode_one("ItemDetail", cx)?,
            ship_to: location(&mut p, "ShipTo", cx)?,
            distributions: p.decode_all("Distribution", cx)?,
            contacts: p.decode_all("Contact", cx)?,
            comments: p.text_of("Comments"),
            extensions: p.rest(ITEM_OUT, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ItemOut")
            .attr("quantity", self.quantity.to_string())
            .attr_opt("lineNumber", self.line_number.as_ref())
            .attr_opt("requisitionID", self.requisition_id.as_ref())
            .attr_opt(
                "requestedDeliveryDate",
                self.requested_delivery_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .child(self.item_id.encode())
            .child_opt(self.item_detail.as_ref().map(Codec::encode))
            .child_opt(self.ship_to.as_ref().map(|s| s.write("ShipTo")))
            .children(self.distributions.iter().map(Codec::encode))
            .children(self.contacts.iter().map(Codec::encode))
            .child_opt(self.comments.as_ref().map(|c| {
                Element::new("Comments")
                    .attr("xml:lang", "en")
                    .text(c.clone())
            }))
            .extended(&self.extensions);
        in_dtd_order(e, ITEM_OUT)
    }
}
