//! `InvoiceDetailRequest` (InvoiceDetail.dtd): the supplier's invoice.

use rust_decimal::Decimal;

use super::codec::{in_dtd_order, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode};
use super::values::{money_in, quantity, DateTimeValue, Money};
use crate::xml::Element;

/// `<InvoiceDetailRequest>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InvoiceDetailRequest {
    /// `InvoiceDetailRequestHeader@invoiceID`.
    pub invoice_id: String,
    /// `invoiceDate`.
    pub invoice_date: Option<DateTimeValue>,
    /// `purpose`: `standard`, `creditMemo`, `debitMemo`, …
    pub purpose: String,
    /// `operation`: `new` or `delete`.
    pub operation: String,
    /// Header elements not modelled (parties, payment terms …), kept.
    pub header_extensions: Extensions,
    /// Invoiced lines, grouped by order.
    pub orders: Vec<InvoiceDetailOrder>,
    /// `InvoiceDetailHeaderOrder`s (header-level invoicing), kept.
    pub header_orders: Vec<Element>,
    /// `InvoiceDetailSummary`.
    pub summary: InvoiceDetailSummary,
}

const INVOICE: &[&str] = &[
    "InvoiceDetailRequestHeader",
    "InvoiceDetailOrder",
    "InvoiceDetailHeaderOrder",
    "InvoiceDetailSummary",
];
const INVOICE_HEADER: &[&str] = &[
    "InvoiceDetailHeaderIndicator",
    "InvoiceDetailLineIndicator",
    "InvoicePartner",
    "DocumentReference",
    "InvoiceIDInfo",
    "PaymentProposalIDInfo",
    "InvoiceDetailShipping",
    "ShipNoticeIDInfo",
    "InvoiceDetailPaymentTerm",
    "PaymentTerm",
    "PaymentInformation",
    "Period",
    "Comments",
    "IdReference",
    "Extrinsic",
];

impl Codec for InvoiceDetailRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let header = p
            .one("InvoiceDetailRequestHeader")
            .ok_or_else(|| cx.error("the element InvoiceDetailRequestHeader is required"))?;
        let mut h = Parts::of(header);
        let invoice_id = cx.within("InvoiceDetailRequestHeader", |cx| {
            h.required_attr("invoiceID", cx)
        })?;
        let invoice_date = h.attr("invoiceDate").map(|d| DateTimeValue::read(&d, cx));
        let purpose = h.attr("purpose").unwrap_or_else(|| "standard".into());
        let operation = h.attr("operation").unwrap_or_else(|| "new".into());
        let header_extensions = cx.within("InvoiceDetailRequestHeader", |cx| {
            h.rest(INVOICE_HEADER, cx)
        });
        let orders = p.decode_all("InvoiceDetailOrder", cx)?;
        let header_orders: Vec<Element> = p
            .all("InvoiceDetailHeaderOrder")
            .iter()
            .map(XNode::to_element)
            .collect();
        if orders.is_empty() && header_orders.is_empty() {
            return Err(
                cx.error("an invoice needs an InvoiceDetailOrder or an InvoiceDetailHeaderOrder")
            );
        }
        let summary = p.decode_required("InvoiceDetailSummary", cx)?;
        p.rest(INVOICE, cx);
        Ok(InvoiceDetailRequest {
            invoice_id,
            invoice_date,
            purpose,
            operation,
            header_extensions,
            orders,
            header_orders,
            summary,
        })
    }

    fn encode(&self) -> Element {
        let header = Element::new("InvoiceDetailRequestHeader")
            .attr("invoiceID", self.invoice_id.clone())
            .attr("purpose", self.purpose.clone())
            .attr("operation", self.operation.clone())
            .attr_opt(
                "invoiceDate",
                self.invoice_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .extended(&self.header_extensions);
        Element::new("InvoiceDetailRequest")
            .child(in_dtd_order(header, INVOICE_HEADER))
            .children(self.orders.iter().map(Codec::encode))
            .children(self.header_orders.iter().cloned())
            .child(self.summary.encode())
    }
}

/// `<InvoiceDetailOrder>`: the invoiced lines of one order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InvoiceDetailOrder {
    /// `InvoiceDetailOrderInfo`, kept as received.
    pub order_info: Element,
    /// The order's ID, read from the order info (`OrderReference` or
    /// `OrderIDInfo`).
    pub order_id: Option<String>,
    /// `InvoiceDetailItem`s.
    pub items: Vec<InvoiceDetailItem>,
    /// Elements not modelled (receipt and ship notice info, service
    /// items), kept.
    pub extensions: Extensions,
}

const INVOICE_ORDER: &[&str] = &[
    "InvoiceDetailOrderInfo",
    "InvoiceDetailReceiptInfo",
    "InvoiceDetailShipNoticeInfo",
    "InvoiceDetailItem",
    "InvoiceDetailServiceItem",
];

impl Codec for InvoiceDetailOrder {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let order_info = p
            .one("InvoiceDetailOrderInfo")
            .ok_or_else(|| cx.error("the element InvoiceDetailOrderInfo is required"))?;
        let order_id = [
            "OrderReference",
            "OrderIDInfo",
            "MasterAgreementReference",
            "MasterAgreementIDInfo",
        ]
        .iter()
        .find_map(|n| {
            order_info
                .first(n)?
                .attribute("orderID")
                .map(str::to_string)
        });
        Ok(InvoiceDetailOrder {
            order_info: order_info.to_element(),
            order_id,
            items: p.decode_all("InvoiceDetailItem", cx)?,
            extensions: p.rest(INVOICE_ORDER, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("InvoiceDetailOrder")
            .child(self.order_info.clone())
            .children(self.items.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, INVOICE_ORDER)
    }
}

/// `<InvoiceDetailItem invoiceLineNumber quantity>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InvoiceDetailItem {
    /// `invoiceLineNumber`.
    pub line_number: String,
    /// `quantity`.
    pub quantity: Decimal,
    /// `UnitOfMeasure`.
    pub unit_of_measure: String,
    /// `UnitPrice`.
    pub unit_price: Option<Money>,
    /// `InvoiceDetailItemReference@lineNumber`: the order line invoiced.
    pub order_line_number: Option<String>,
    /// `SubtotalAmount`.
    pub subtotal: Option<Money>,
    /// Elements not modelled (the item reference, Tax, discounts …), kept.
    pub extensions: Extensions,
}

const INVOICE_ITEM: &[&str] = &[
    "UnitOfMeasure",
    "UnitPrice",
    "PriceBasisQuantity",
    "InvoiceDetailItemReference",
    "ReceiptLineItemReference",
    "ShipNoticeLineItemReference",
    "ServiceEntryItemReference",
    "ServiceEntryItemIDInfo",
    "ProductMovementItemIDInfo",
    "SubtotalAmount",
    "Tax",
    "InvoiceDetailLineSpecialHandling",
    "InvoiceDetailLineShipping",
    "ShipNoticeIDInfo",
    "GrossAmount",
    "InvoiceDetailDiscount",
    "InvoiceItemModifications",
    "TotalCharges",
    "TotalAllowances",
    "TotalAmountWithoutTax",
    "NetAmount",
    "Distribution",
    "Comments",
    "InvoiceLaborDetail",
    "Extrinsic",
];

impl Codec for InvoiceDetailItem {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p.required_attr("quantity", cx)?;
        let unit_price = match p.one("UnitPrice") {
            Some(e) => Some(cx.within("UnitPrice", |cx| money_in(e, cx))?),
            None => None,
        };
        let subtotal = match p.one("SubtotalAmount") {
            Some(e) => Some(cx.within("SubtotalAmount", |cx| money_in(e, cx))?),
            None => None,
        };
        let order_line_number = p
            .children_named("InvoiceDetailItemReference")
            .and_then(|r| r.attribute("lineNumber").map(str::to_string));
        Ok(InvoiceDetailItem {
            line_number: p.required_attr("invoiceLineNumber", cx)?,
            quantity: quantity(&q, cx)?,
            unit_of_measure: p.text_of("UnitOfMeasure").unwrap_or_default(),
            unit_price,
            order_line_number,
            subtotal,
            extensions: p.rest(INVOICE_ITEM, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("InvoiceDetailItem")
            .attr("invoiceLineNumber", self.line_number.clone())
            .attr("quantity", self.quantity.to_string())
            .child(Element::new("UnitOfMeasure").text(self.unit_of_measure.clone()))
            .child_opt(
                self.unit_price
                    .as_ref()
                    .map(|m| Element::new("UnitPrice").child(m.encode())),
            )
            .child_opt(
                self.subtotal
                    .as_ref()
                    .map(|m| Element::new("SubtotalAmount").child(m.encode())),
            )
            .extended(&self.extensions);
        in_dtd_order(e, INVOICE_ITEM)
    }
}

/// `<InvoiceDetailSummary>`: the totals.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InvoiceDetailSummary {
    /// `SubtotalAmount`.
    pub subtotal: Money,
    /// `Tax/Money`.
    pub tax: Money,
    /// The rest of `Tax` (Description, TaxDetail), kept.
    pub tax_details: Extensions,
    /// `GrossAmount`.
    pub gross_amount: Option<Money>,
    /// `NetAmount`.
    pub net_amount: Money,
    /// `DueAmount`.
    pub due_amount: Option<Money>,
    /// Elements not modelled (shipping, discounts, charges …), kept.
    pub extensions: Extensions,
}

const SUMMARY: &[&str] = &[
    "SubtotalAmount",
    "Tax",
    "SpecialHandlingAmount",
    "ShippingAmount",
    "GrossAmount",
    "InvoiceDetailDiscount",
    "InvoiceHeaderModifications",
    "InvoiceDetailSummaryLineItemModifications",
    "TotalCharges",
    "TotalAllowances",
    "TotalAmountWithoutTax",
    "NetAmount",
    "DepositAmount",
    "DueAmount",
];

impl Codec for InvoiceDetailSummary {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let amount =
            |p: &mut Parts, name: &'static str, cx: &mut Cx| -> Result<Option<Money>, CxmlError> {
                match p.one(name) {
                    Some(e) => cx.within(name, |cx| money_in(e, cx)).map(Some),
                    None => Ok(None),
                }
            };
        let subtotal = amount(&mut p, "SubtotalAmount", cx)?
            .ok_or_else(|| cx.error("the element SubtotalAmount is required"))?;
        let (tax, tax_details) = match p.one("Tax") {
            Some(t) => cx.within("Tax", |cx| {
                let mut tp = Parts::of(t);
                let money = tp.decode_required("Money", cx)?;
                Ok::<_, CxmlError>((
                    money,
                    tp.rest(
                        &[
                            "Description",
                            "TaxDetail",
                            "TaxAdjustment",
                            "Distribution",
                            "Extrinsic",
                        ],
                        cx,
                    ),
                ))
            })?,
            None => return Err(cx.error("the element Tax is required")),
        };
        let gross_amount = amount(&mut p, "GrossAmount", cx)?;
        let net_amount = amount(&mut p, "NetAmount", cx)?
            .ok_or_else(|| cx.error("the element NetAmount is required"))?;
        let due_amount = amount(&mut p, "DueAmount", cx)?;
        Ok(InvoiceDetailSummary {
            subtotal,
            tax,
            tax_details,
            gross_amount,
            net_amount,
            due_amount,
            extensions: p.rest(SUMMARY, cx),
        })
    }

    fn encode(&self) -> Element {
        let amount = |name: &'static str, m: &Money| Element::new(name).child(m.encode());
        let e = Element::new("InvoiceDetailSummary")
            .child(amount("SubtotalAmount", &self.subtotal))
            .child(
                Element::new("Tax")
                    .child(self.tax.encode())
                    .extended(&self.tax_details),
            )
            .child_opt(self.gross_amount.as_ref().map(|m| amount("GrossAmount", m)))
            .child(amount("NetAmount", &self.net_amount))
            .child_opt(self.due_amount.as_ref().map(|m| amount("DueAmount", m)))
            .extended(&self.extensions);
        in_dtd_order(e, SUMMARY)
    }
}
