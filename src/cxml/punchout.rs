//! Punchout: the setup request that opens a shopping session and the order
//! message that carries the cart back.

use rust_decimal::Decimal;

use super::codec::{
    in_dtd_order, text_element, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode,
};
use super::common::{location, Contact, Extrinsic, ItemDetail, ItemId, Location};
use super::order::ItemOut;
use super::values::{money_in, quantity, Money};
use crate::xml::Element;

/// `<PunchOutSetupRequest operation="create|edit|inspect|source">`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PunchOutSetupRequest {
    /// `operation`.
    pub operation: String,
    /// `BuyerCookie`: the procurement system's session key, returned
    /// unchanged with the cart.
    pub buyer_cookie: String,
    /// Extrinsics (`UserEmail`, `CostCenter` …), in order.
    pub extrinsics: Vec<Extrinsic>,
    /// `BrowserFormPost/URL`: where the cart goes back.
    pub browser_form_post: Option<String>,
    /// Contacts (the user).
    pub contacts: Vec<Contact>,
    /// `SupplierSetup/URL` (deprecated).
    pub supplier_setup: Option<String>,
    /// `ShipTo`.
    pub ship_to: Option<Location>,
    /// For edit and inspect: the cart as it was.
    pub items: Vec<ItemOut>,
    /// Elements not modelled (SelectedItem), kept.
    pub extensions: Extensions,
}

const SETUP: &[&str] = &[
    "BuyerCookie",
    "Extrinsic",
    "BrowserFormPost",
    "Contact",
    "SupplierSetup",
    "ShipTo",
    "SelectedItem",
    "ItemOut",
];

impl Codec for PunchOutSetupRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let operation = p.attr("operation").unwrap_or_else(|| {
            cx.warn("operation is missing; read as create");
            "create".into()
        });
        if !matches!(operation.as_str(), "create" | "edit" | "inspect" | "source") {
            return Err(cx.error(format!(
                "operation {operation:?} is not create, edit, inspect or source"
            )));
        }
        let buyer_cookie = p
            .one("BuyerCookie")
            .map(|e| e.text_content())
            .ok_or_else(|| cx.error("the element BuyerCookie is required"))?;
        let url_in = |e: XNode<'_, '_>| e.first("URL").map(|u| u.text_content());
        if operation != "inspect" && p.children_named("BrowserFormPost").is_none() {
            cx.warn("no BrowserFormPost: the cart can only go back by other means");
        }
        Ok(PunchOutSetupRequest {
            operation,
            buyer_cookie,
            extrinsics: p.decode_all("Extrinsic", cx)?,
            browser_form_post: p.one("BrowserFormPost").and_then(url_in),
            contacts: p.decode_all("Contact", cx)?,
            supplier_setup: p.one("SupplierSetup").and_then(url_in),
            ship_to: location(&mut p, "ShipTo", cx)?,
            items: p.decode_all("ItemOut", cx)?,
            extensions: p.rest(SETUP, cx),
        })
    }

    fn encode(&self) -> Element {
        let url = |name: &'static str, u: &String| Element::new(name).child(text_element("URL", u));
        let e = Element::new("PunchOutSetupRequest")
            .attr("operation", self.operation.clone())
            .child(text_element("BuyerCookie", &self.buyer_cookie))
            .children(self.extrinsics.iter().map(Codec::encode))
            .child_opt(
                self.browser_form_post
                    .as_ref()
                    .map(|u| url("BrowserFormPost", u)),
            )
            .children(self.contacts.iter().map(Codec::encode))
            .child_opt(
                self.supplier_setup
                    .as_ref()
                    .map(|u| url("SupplierSetup", u)),
            )
            .child_opt(self.ship_to.as_ref().map(|s| s.write("ShipTo")))
            .children(self.items.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, SETUP)
    }
}

/// `<PunchOutOrderMessage>`: the cart, sent through the buyer's browser.
/// An empty cart means the user cancelled (or, after edit, removed every
/// line).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PunchOutOrderMessage {
    /// `BuyerCookie`, as the setup request gave it.
    pub buyer_cookie: String,
    /// `PunchOutOrderMessageHeader@operationAllowed`: what the buyer may do
    /// with the cart later (`create`, `edit`, `inspect`).
    pub operation_allowed: String,
    /// `quoteStatus` (`pending`, `final`).
    pub quote_status: Option<String>,
    /// `Total`.
    pub total: Money,
    /// `ShipTo`.
    pub ship_to: Option<Location>,
    /// `Shipping` and `Tax` and the rest of the header, kept.
    pub header_extensions: Extensions,
    /// The lines.
    pub items: Vec<ItemIn>,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

/// What a returned cart asks the procurement system to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CartOutcome {
    /// Lines to add (create) or to replace the session's cart (edit).
    Cart,
    /// An empty cart in a create or inspect session: the user cancelled.
    Cancelled,
    /// An empty cart in an edit session: remove the lines that were sent.
    RemoveAll,
}

impl PunchOutOrderMessage {
    /// What this cart means for a session opened with `operation`
    /// (`create`, `edit`, `inspect`): an empty cart cancels, or in an edit
    /// session deletes the lines.
    pub fn outcome(&self, operation: &str) -> CartOutcome {
        match (self.items.is_empty(), operation) {
            (false, _) => CartOutcome::Cart,
            (true, "edit") => CartOutcome::RemoveAll,
            (true, _) => CartOutcome::Cancelled,
        }
    }
}

const POOM: &[&str] = &["BuyerCookie", "PunchOutOrderMessageHeader", "ItemIn"];
const POOM_HEADER: &[&str] = &[
    "SourcingStatus",
    "Total",
    "ShipTo",
    "Shipping",
    "Tax",
    "SupplierOrderInfo",
];

impl Codec for PunchOutOrderMessage {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let buyer_cookie = p
            .one("BuyerCookie")
            .map(|e| e.text_content())
            .ok_or_else(|| cx.error("the element BuyerCookie is required"))?;
        let header = p
            .one("PunchOutOrderMessageHeader")
            .ok_or_else(|| cx.error("the element PunchOutOrderMessageHeader is required"))?;
        let (operation_allowed, quote_status, total, ship_to, header_extensions) =
            cx.within("PunchOutOrderMessageHeader", |cx| {
                let mut h = Parts::of(header);
                let operation_allowed = h.required_attr("operationAllowed", cx)?;
                let quote_status = h.attr("quoteStatus");
                let total = match h.one("Total") {
                    Some(t) => cx.within("Total", |cx| money_in(t, cx))?,
                    None => return Err(cx.error("the element Total is required")),
                };
                let ship_to = location(&mut h, "ShipTo", cx)?;
                Ok((
                    operation_allowed,
                    quote_status,
                    total,
                    ship_to,
                    h.rest(POOM_HEADER, cx),
                ))
            })?;
        Ok(PunchOutOrderMessage {
            buyer_cookie,
            operation_allowed,
            quote_status,
            total,
            ship_to,
            header_extensions,
            items: p.decode_all("ItemIn", cx)?,
            extensions: p.rest(POOM, cx),
        })
    }

    fn encode(&self) -> Element {
        let header = Element::new("PunchOutOrderMessageHeader")
            .attr("operationAllowed", self.operation_allowed.clone())
            .attr_opt("quoteStatus", self.quote_status.as_ref())
            .child(Element::new("Total").child(self.total.encode()))
            .child_opt(self.ship_to.as_ref().map(|s| s.write("ShipTo")))
            .extended(&self.header_extensions);
        let e = Element::new("PunchOutOrderMessage")
            .child(text_element("BuyerCookie", &self.buyer_cookie))
            .child(in_dtd_order(header, POOM_HEADER))
            .children(self.items.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, POOM)
    }
}

/// `<ItemIn quantity="…">`: one cart line.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemIn {
    /// `quantity` (fractional allowed, never negative).
    pub quantity: Decimal,
    /// `lineNumber`.
    pub line_number: Option<String>,
    /// `parentLineNumber` (bundles).
    pub parent_line_number: Option<String>,
    /// `itemType` (`composite`, `item`).
    pub item_type: Option<String>,
    /// `ItemID`.
    pub item_id: ItemId,
    /// `ItemDetail`.
    pub item_detail: ItemDetail,
    /// Elements not modelled (ShipTo, Shipping, Tax …), kept.
    pub extensions: Extensions,
}

const ITEM_IN: &[&str] = &[
    "ItemID",
    "Path",
    "ItemDetail",
    "SupplierID",
    "SupplierList",
    "ShipTo",
    "Shipping",
    "Tax",
    "SpendDetail",
    "Distribution",
    "Contact",
    "Comments",
    "ScheduleLine",
    "BillTo",
    "Batch",
    "Period",
    "DateInfo",
    "Extrinsic",
];

impl Codec for ItemIn {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let q = p
            .attr_str("quantity")
            .ok_or_else(|| cx.error("the attribute quantity is required"))?;
        let quantity = quantity(q, cx)?;
        if quantity.is_zero() {
            cx.warn("quantity is 0");
        }
        Ok(ItemIn {
            quantity,
            line_number: p.attr("lineNumber"),
            parent_line_number: p.attr("parentLineNumber"),
            item_type: p.attr("itemType"),
            item_id: p.decode_required("ItemID", cx)?,
            item_detail: p.decode_required("ItemDetail", cx)?,
            extensions: p.rest(ITEM_IN, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ItemIn")
            .attr("quantity", self.quantity.to_string())
            .attr_opt("lineNumber", self.line_number.as_ref())
            .attr_opt("parentLineNumber", self.parent_line_number.as_ref())
            .attr_opt("itemType", self.item_type.as_ref())
            .child(self.item_id.encode())
            .child(self.item_detail.encode())
            .extended(&self.extensions);
        in_dtd_order(e, ITEM_IN)
    }
}
