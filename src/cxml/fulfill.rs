//! Fulfilment: order confirmations and ship notices (Fulfill.dtd).

use rust_decimal::Decimal;

use super::codec::{in_dtd_order, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode};
use super::values::{money_in, quantity, DateTimeValue, Money};
use crate::xml::Element;

/// `<OrderReference orderID orderDate>` with its `DocumentReference`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OrderReference {
    /// `orderID`.
    pub order_id: Option<String>,
    /// `orderDate`.
    pub order_date: Option<DateTimeValue>,
    /// `DocumentReference@payloadID`: the OrderRequest answered.
    pub payload_id: String,
}

impl Codec for OrderReference {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let payload_id = p
            .one("DocumentReference")
            .and_then(|d| d.attribute("payloadID").map(str::to_string))
            .unwrap_or_default();
        Ok(OrderReference {
            order_id: p.attr("orderID"),
            order_date: p
                .attr("orderDate")
                .map(|d| DateTimeValue::read_date(&d, cx)),
            payload_id,
        })
    }

    fn encode(&self) -> Element {
        Element::new("OrderReference")
            .attr_opt("orderID", self.order_id.as_ref())
            .attr_opt(
                "orderDate",
                self.order_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .child(Element::new("DocumentReference").attr("payloadID", self.payload_id.clone()))
    }
}

/// `<ConfirmationRequest>`: the supplier's answer to an order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConfirmationRequest {
    /// `ConfirmationHeader@type`: `accept`, `reject`, `detail`,
    /// `backordered`, `except`, `allDetail`, …
    pub confirmation_type: String,
    /// `noticeDate`.
    pub notice_date: Option<DateTimeValue>,
    /// `operation` (`new`, `update`).
    pub operation: Option<String>,
    /// `confirmID`.
    pub confirm_id: Option<String>,
    /// `Total`.
    pub total: Option<Money>,
    /// Header elements not modelled, kept.
    pub header_extensions: Extensions,
    /// `OrderReference`.
    pub order_reference: OrderReference,
    /// Per-line confirmations.
    pub items: Vec<ConfirmationItem>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const CONFIRMATION: &[&str] = &[
    "ConfirmationHeader",
    "OrderReference",
    "OrderStatusRequestReference",
    "OrderStatusRequestIDInfo",
    "ConfirmationItem",
];
const CONFIRMATION_HEADER: &[&str] = &[
    "DocumentReference",
    "Total",
    "Shipping",
    "Tax",
    "Contact",
    "Hazard",
    "Comments",
    "IdReference",
    "Extrinsic",
];

impl Codec for ConfirmationRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let header = p
            .one("ConfirmationHeader")
            .ok_or_else(|| cx.error("the element ConfirmationHeader is required"))?;
        let (confirmation_type, notice_date, operation, confirm_id, total, header_extensions) = cx
            .within("ConfirmationHeader", |cx| {
                let mut h = Parts::of(header);
                let kind = h.required_attr("type", cx)?;
                let notice = h.attr("noticeDate").map(|d| DateTimeValue::read(&d, cx));
                let total = match h.one("Total") {
                    Some(t) => Some(cx.within("Total", |cx| money_in(t, cx))?),
                    None => None,
                };
                Ok((
                    kind,
                    notice,
                    h.attr("operation"),
                    h.attr("confirmID"),
                    total,
                    h.rest(CONFIRMATION_HEADER, cx),
                ))
            })?;
        Ok(ConfirmationRequest {
            confirmation_type,
            notice_date,
            operation,
            confirm_id,
            total,
            header_extensions,
            order_reference: p.decode_required("OrderReference", cx)?,
            items: p.decode_all("ConfirmationItem", cx)?,
            extensions: p.rest(CONFIRMATION, cx),
        })
    }

    fn encode(&self) -> Element {
        let header = Element::new("ConfirmationHeader")
            .attr("type", self.confirmation_type.clone())
            .attr_opt(
                "noticeDate",
                self.notice_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .attr_opt("operation", self.operation.as_ref())
            .attr_opt("confirmID", self.confirm_id.as_ref())
            .child_opt(
                self.total
                    .as_ref()
                    .map(|m| Element::new("Total").child(m.encode())),
            )
            .extended(&self.header_extensions);
        let e = Element::new("ConfirmationRequest")
            .child(in_dtd_order(header, CONFIRMATION_HEADER))
            .child(self.order_reference.encode())
            .children(self.items.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, CONFIRMATION)
    }
}

/// `<ConfirmationItem quantity lineNumber>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConfirmationItem {
    /// `lineNumber` of the order line.
    pub line_number: String,
    /// `quantity` ordered.
    pub quantity: Decimal,
    /// `UnitOfMeasure`.
    pub unit_of_measure: String,
    /// The statuses (quantities accepted, backordered, rejected …).
    pub statuses: Vec<ConfirmationStatus>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const CONFIRMATION_ITEM: &[&str] = &["UnitOfMeasure", "Contact", "Hazard", "ConfirmationStatus"];

impl Codec for ConfirmationItem {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p.required_attr("quantity", cx)?;
        Ok(ConfirmationItem {
            line_number: p.required_attr("lineNumber", cx)?,
            quantity: quantity(&q, cx)?,
            unit_of_measure: p.text_of("UnitOfMeasure").unwrap_or_default(),
            statuses: p.decode_all("ConfirmationStatus", cx)?,
            extensions: p.rest(CONFIRMATION_ITEM, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ConfirmationItem")
            .attr("quantity", self.quantity.to_string())
            .attr("lineNumber", self.line_number.clone())
            .child(Element::new("UnitOfMeasure").text(self.unit_of_measure.clone()))
            .children(self.statuses.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, CONFIRMATION_ITEM)
    }
}

/// `<ConfirmationStatus type quantity shipmentDate deliveryDate>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConfirmationStatus {
    /// `type`: `accept`, `reject`, `backordered`, `detail`, …
    pub status_type: String,
    /// `quantity`.
    pub quantity: Decimal,
    /// `shipmentDate`.
    pub shipment_date: Option<DateTimeValue>,
    /// `deliveryDate`.
    pub delivery_date: Option<DateTimeValue>,
    /// `UnitOfMeasure`.
    pub unit_of_measure: String,
    /// Elements not modelled (ItemIn, Comments …), kept.
    pub extensions: Extensions,
}

const CONFIRMATION_STATUS: &[&str] = &[
    "UnitOfMeasure",
    "ItemIn",
    "Shipping",
    "Tax",
    "SupplierBatchID",
    "ScheduleLineReference",
    "ComponentConsumptionDetails",
    "Comments",
    "Extrinsic",
];

impl Codec for ConfirmationStatus {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p.required_attr("quantity", cx)?;
        Ok(ConfirmationStatus {
            status_type: p.required_attr("type", cx)?,
            quantity: quantity(&q, cx)?,
            shipment_date: p
                .attr("shipmentDate")
                .map(|d| DateTimeValue::read_date(&d, cx)),
            delivery_date: p
                .attr("deliveryDate")
                .map(|d| DateTimeValue::read_date(&d, cx)),
            unit_of_measure: p.text_of("UnitOfMeasure").unwrap_or_default(),
            extensions: p.rest(CONFIRMATION_STATUS, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ConfirmationStatus")
            .attr("type", self.status_type.clone())
            .attr("quantity", self.quantity.to_string())
            .attr_opt(
                "shipmentDate",
                self.shipment_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .attr_opt(
                "deliveryDate",
                self.delivery_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .child(Element::new("UnitOfMeasure").text(self.unit_of_measure.clone()))
            .extended(&self.extensions);
        in_dtd_order(e, CONFIRMATION_STATUS)
    }
}

/// `<ShipNoticeRequest>`: an advance ship notice.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShipNoticeRequest {
    /// `ShipNoticeHeader@shipmentID`.
    pub shipment_id: String,
    /// `noticeDate`.
    pub notice_date: Option<DateTimeValue>,
    /// `operation` (`new`, `update`, `delete`).
    pub operation: Option<String>,
    /// `shipmentDate`.
    pub shipment_date: Option<DateTimeValue>,
    /// `deliveryDate`.
    pub delivery_date: Option<DateTimeValue>,
    /// Header elements not modelled, kept.
    pub header_extensions: Extensions,
    /// `ShipControl`s: carrier and tracking.
    pub controls: Vec<ShipControl>,
    /// `ShipNoticePortion`s: what of which order is in the shipment.
    pub portions: Vec<ShipNoticePortion>,
}

const SHIP_NOTICE: &[&str] = &["ShipNoticeHeader", "ShipControl", "ShipNoticePortion"];
const SHIP_NOTICE_HEADER: &[&str] = &[
    "ServiceLevel",
    "DocumentReference",
    "Contact",
    "LegalEntity",
    "OrganizationalUnit",
    "Hazard",
    "Comments",
    "TermsOfDelivery",
    "TermsOfTransport",
    "Packaging",
    "Extrinsic",
    "IdReference",
    "ReferenceDocumentInfo",
];

impl Codec for ShipNoticeRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let header = p
            .one("ShipNoticeHeader")
            .ok_or_else(|| cx.error("the element ShipNoticeHeader is required"))?;
        let mut h = Parts::of(header);
        let shipment_id = cx.within("ShipNoticeHeader", |cx| h.required_attr("shipmentID", cx))?;
        let notice_date = h.attr("noticeDate").map(|d| DateTimeValue::read(&d, cx));
        let operation = h.attr("operation");
        let shipment_date = h
            .attr("shipmentDate")
            .map(|d| DateTimeValue::read_date(&d, cx));
        let delivery_date = h
            .attr("deliveryDate")
            .map(|d| DateTimeValue::read_date(&d, cx));
        let header_extensions = cx.within("ShipNoticeHeader", |cx| h.rest(SHIP_NOTICE_HEADER, cx));
        let controls = p.decode_all("ShipControl", cx)?;
        let portions = p.decode_all("ShipNoticePortion", cx)?;
        p.rest(SHIP_NOTICE, cx);
        Ok(ShipNoticeRequest {
            shipment_id,
            notice_date,
            operation,
            shipment_date,
            delivery_date,
            header_extensions,
            controls,
            portions,
        })
    }

    fn encode(&self) -> Element {
        let header = Element::new("ShipNoticeHeader")
            .attr("shipmentID", self.shipment_id.clone())
            .attr_opt("operation", self.operation.as_ref())
            .attr_opt(
                "noticeDate",
                self.notice_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .attr_opt(
                "shipmentDate",
                self.shipment_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .attr_opt(
                "deliveryDate",
                self.delivery_date
                    .as_ref()
                    .map(DateTimeValue::to_cxml)
                    .as_ref(),
            )
            .extended(&self.header_extensions);
        Element::new("ShipNoticeRequest")
            .child(in_dtd_order(header, SHIP_NOTICE_HEADER))
            .children(self.controls.iter().map(Codec::encode))
            .children(self.portions.iter().map(Codec::encode))
    }
}

/// `<ShipControl>`: who carries the shipment and how to track it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShipControl {
    /// `CarrierIdentifier`s as (domain, value): `SCAC`, `companyName`.
    pub carriers: Vec<(String, String)>,
    /// `ShipmentIdentifier`s as (tracking number, `trackingURL`).
    pub tracking: Vec<(String, Option<String>)>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const SHIP_CONTROL: &[&str] = &[
    "CarrierIdentifier",
    "ShipmentIdentifier",
    "PackageIdentification",
    "Route",
    "Contact",
    "Comments",
    "Extrinsic",
];

impl Codec for ShipControl {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let carriers = p
            .all("CarrierIdentifier")
            .iter()
            .map(|c| {
                (
                    c.attribute("domain").unwrap_or_default().to_string(),
                    c.text_content(),
                )
            })
            .collect();
        let tracking = p
            .all("ShipmentIdentifier")
            .iter()
            .map(|s| {
                (
                    s.text_content(),
                    s.attribute("trackingURL").map(str::to_string),
                )
            })
            .collect();
        Ok(ShipControl {
            carriers,
            tracking,
            extensions: p.rest(SHIP_CONTROL, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ShipControl")
            .children(self.carriers.iter().map(|(d, v)| {
                Element::new("CarrierIdentifier")
                    .attr("domain", d.clone())
                    .text(v.clone())
            }))
            .children(self.tracking.iter().map(|(n, url)| {
                Element::new("ShipmentIdentifier")
                    .attr_opt("trackingURL", url.as_ref())
                    .text(n.clone())
            }))
            .extended(&self.extensions);
        in_dtd_order(e, SHIP_CONTROL)
    }
}

/// `<ShipNoticePortion>`: the lines of one order in the shipment.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShipNoticePortion {
    /// `OrderReference`.
    pub order_reference: OrderReference,
    /// `ShipNoticeItem`s.
    pub items: Vec<ShipNoticeItem>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const PORTION: &[&str] = &[
    "OrderReference",
    "MasterAgreementReference",
    "MasterAgreementIDInfo",
    "Contact",
    "Comments",
    "Extrinsic",
    "ShipNoticeItem",
    "ReferenceDocumentInfo",
];

impl Codec for ShipNoticePortion {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        Ok(ShipNoticePortion {
            order_reference: p.decode_required("OrderReference", cx)?,
            items: p.decode_all("ShipNoticeItem", cx)?,
            extensions: p.rest(PORTION, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ShipNoticePortion")
            .child(self.order_reference.encode())
            .children(self.items.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, PORTION)
    }
}

/// `<ShipNoticeItem quantity lineNumber>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShipNoticeItem {
    /// `lineNumber` of the order line.
    pub line_number: String,
    /// `quantity` shipped.
    pub quantity: Decimal,
    /// `UnitOfMeasure`.
    pub unit_of_measure: String,
    /// Elements not modelled (ItemID, Packaging, Batch …), kept.
    pub extensions: Extensions,
}

const SHIP_NOTICE_ITEM: &[&str] = &[
    "ItemID",
    "ShipNoticeItemDetail",
    "UnitOfMeasure",
    "Packaging",
    "Hazard",
    "Batch",
    "SupplierBatchID",
    "AssetInfo",
    "TermsOfDelivery",
    "OrderedQuantity",
    "ShipNoticeItemIndustry",
    "ComponentConsumptionDetails",
    "ReferenceDocumentInfo",
    "Comments",
    "Extrinsic",
];

impl Codec for ShipNoticeItem {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p.required_attr("quantity", cx)?;
        Ok(ShipNoticeItem {
            line_number: p.required_attr("lineNumber", cx)?,
            quantity: quantity(&q, cx)?,
            unit_of_measure: p.text_of("UnitOfMeasure").unwrap_or_default(),
            extensions: p.rest(SHIP_NOTICE_ITEM, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ShipNoticeItem")
            .attr("quantity", self.quantity.to_string())
            .attr("lineNumber", self.line_number.clone())
            .child(Element::new("UnitOfMeasure").text(self.unit_of_measure.clone()))
            .extended(&self.extensions);
        in_dtd_order(e, SHIP_NOTICE_ITEM)
    }
}
