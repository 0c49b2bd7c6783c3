//! Structural checks of a read document beyond what reading enforces: what
//! each message needs to be usable, and value formats.

use super::codec::Warning;
use super::common::ItemDetail;
use super::envelope::{Body, MessageContent, Request};
use super::values::{DateTimeValue, Money};
use super::ReadDocument;

/// The errors of a document that was read: the breaches reading tolerated
/// and the checks below. (Doubtful but usable content, such as a zero
/// quantity, is left to the warnings reading gave.)
pub fn errors(document: &ReadDocument) -> Vec<Warning> {
    let mut out = document.invalid.clone();
    let mut report = |path: &str, message: String| {
        out.push(Warning {
            path: path.to_string(),
            message,
        })
    };
    let e = &document.envelope;
    if e.payload_id.trim().is_empty() {
        report("cXML", "payloadID is empty".into());
    }
    if let DateTimeValue::Unreadable(t) = &e.timestamp {
        report("cXML", format!("timestamp {t:?} is not a date-time"));
    }
    match &e.body {
        Body::Request { request, .. } => check_request(request, &mut report),
        Body::Message {
            message: MessageContent::PunchOutOrder(m),
            ..
        } => {
            let path = "cXML/Message/PunchOutOrderMessage";
            if m.buyer_cookie.is_empty() {
                report(path, "BuyerCookie is empty".into());
            }
            if !matches!(m.operation_allowed.as_str(), "create" | "edit" | "inspect") {
                report(
                    path,
                    format!(
                        "operationAllowed {:?} is not create, edit or inspect",
                        m.operation_allowed
                    ),
                );
            }
            check_money(&format!("{path}/Total"), &m.total, &mut report);
            for (i, item) in m.items.iter().enumerate() {
                let at = format!("{path}/ItemIn[{}]", i + 1);
                check_detail(&at, &item.item_detail, true, &mut report);
            }
        }
        Body::Response { status, .. } => {
            if status.text.is_empty() {
                report(
                    "cXML/Response/Status",
                    "the text attribute is required".into(),
                );
            }
        }
        Body::Message { .. } => {}
    }
    out
}

fn check_request(request: &Request, report: &mut impl FnMut(&str, String)) {
    match request {
        Request::PunchOutSetup(r) => {
            let path = "cXML/Request/PunchOutSetupRequest";
            if r.buyer_cookie.is_empty() {
                report(path, "BuyerCookie is empty".into());
            }
            if r.operation != "create" && r.items.is_empty() {
                report(
                    path,
                    format!("an {} session needs the cart as ItemOut", r.operation),
                );
            }
        }
        Request::Order(o) => {
            let path = "cXML/Request/OrderRequest/OrderRequestHeader";
            if o.header.order_id.trim().is_empty() {
                report(path, "orderID is empty".into());
            }
            if !matches!(o.header.order_type.as_str(), "new" | "update" | "delete") {
                report(
                    path,
                    format!(
                        "type {:?} is not new, update or delete",
                        o.header.order_type
                    ),
                );
            }
            if o.header.bill_to.is_none() {
                report(path, "BillTo is required".into());
            }
            if let Some(total) = &o.header.total {
                check_money(&format!("{path}/Total"), total, report);
            }
            for (i, item) in o.items.iter().enumerate() {
                let at = format!("cXML/Request/OrderRequest/ItemOut[{}]", i + 1);
                if let Some(detail) = &item.item_detail {
                    check_detail(&at, detail, true, report);
                }
            }
        }
        Request::Confirmation(c) => {
            let known = [
                "accept",
                "allDetail",
                "detail",
                "backordered",
                "except",
                "reject",
                "requestToPay",
                "replace",
            ];
            if !known.contains(&c.confirmation_type.as_str()) {
                report(
                    "cXML/Request/ConfirmationRequest/ConfirmationHeader",
                    format!("type {:?} is not a confirmation type", c.confirmation_type),
                );
            }
        }
        Request::InvoiceDetail(i) => {
            let path = "cXML/Request/InvoiceDetailRequest/InvoiceDetailSummary";
            for (name, money) in [
                ("SubtotalAmount", &i.summary.subtotal),
                ("Tax", &i.summary.tax),
                ("NetAmount", &i.summary.net_amount),
            ] {
                check_money(&format!("{path}/{name}"), money, report);
            }
        }
        _ => {}
    }
}

fn check_money(path: &str, money: &Money, report: &mut impl FnMut(&str, String)) {
    let iso = money.currency.len() == 3 && money.currency.bytes().all(|b| b.is_ascii_uppercase());
    if !iso {
        report(
            path,
            format!("currency {:?} is not an ISO 4217 code", money.currency),
        );
    }
}

fn check_detail(
    path: &str,
    detail: &ItemDetail,
    priced: bool,
    report: &mut impl FnMut(&str, String),
) {
    let at = format!("{path}/ItemDetail");
    match &detail.unit_price {
        Some(m) => check_money(&format!("{at}/UnitPrice"), m, report),
        None if priced => report(&at, "UnitPrice is required".into()),
        None => {}
    }
    if detail.descriptions.is_empty() {
        report(&at, "a Description is required".into());
    }
    if detail.unit_of_measure.trim().is_empty() {
        report(&at, "UnitOfMeasure is required".into());
    }
    if detail.classifications.is_empty() {
        report(&at, "a Classification is required".into());
    }
}
