//! Canonical acknowledgments and ship notices written as cXML for a
//! procurement system: an OrderResponse as a ConfirmationRequest, a
//! DespatchAdvice as a ShipNoticeRequest, each pointing back at the
//! OrderRequest (its payloadID) that started the order.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::cxml::{
    ConfirmationItem, ConfirmationRequest, ConfirmationStatus, DateTimeValue, OrderReference,
    ShipControl, ShipNoticeItem, ShipNoticePortion, ShipNoticeRequest,
};
use crate::document::{
    DespatchAdvice, LineStatus, OrderResponse, Pack, ResponseStatus, ShippedItem,
};

fn day(date: Option<NaiveDate>) -> Option<DateTimeValue> {
    let midnight = date?.and_hms_opt(0, 0, 0)?;
    Some(DateTimeValue::At(
        Utc.from_utc_datetime(&midnight).fixed_offset(),
    ))
}

fn now() -> DateTimeValue {
    DateTimeValue::At(Utc::now().fixed_offset())
}

/// The ConfirmationRequest for an order response; `order_payload_id` is
/// the payloadID of the OrderRequest it answers.
pub fn confirmation_request(
    response: &OrderResponse,
    order_payload_id: &str,
) -> ConfirmationRequest {
    let every_line = |status: LineStatus| response.lines.iter().all(|l| l.status == status);
    let confirmation_type = match response.status {
        ResponseStatus::Rejected => "reject",
        ResponseStatus::Accepted if every_line(LineStatus::Accepted) => "accept",
        _ => "detail",
    };
    ConfirmationRequest {
        confirmation_type: confirmation_type.into(),
        notice_date: Some(now()),
        operation: Some("new".into()),
        confirm_id: response.id.clone(),
        order_reference: OrderReference {
            order_id: Some(response.order_id.clone()),
            order_date: None,
            payload_id: order_payload_id.to_string(),
        },
        items: response
            .lines
            .iter()
            .map(|line| {
                let ordered = line
                    .ordered_quantity
                    .as_ref()
                    .or(line.confirmed_quantity.as_ref());
                let confirmed = line
                    .confirmed_quantity
                    .as_ref()
                    .or(line.ordered_quantity.as_ref());
                let unit = ordered.map_or_else(|| "EA".to_string(), |q| q.unit.clone());
                let status_type = match line.status {
                    LineStatus::Accepted => "accept",
                    LineStatus::Rejected => "reject",
                    LineStatus::Backordered => "backordered",
                    LineStatus::Changed => "detail",
                };
                ConfirmationItem {
                    line_number: line.line_id.clone(),
                    quantity: ordered.map_or(Decimal::ZERO, |q| q.value),
                    unit_of_measure: unit.clone(),
                    statuses: vec![ConfirmationStatus {
                        status_type: status_type.into(),
                        quantity: match line.status {
                            LineStatus::Rejected => ordered.map_or(Decimal::ZERO, |q| q.value),
                            _ => confirmed.map_or(Decimal::ZERO, |q| q.value),
                        },
                        shipment_date: day(line.ship_date),
                        delivery_date: day(line.delivery_date),
                        unit_of_measure: confirmed.map_or(unit, |q| q.unit.clone()),
                        ..ConfirmationStatus::default()
                    }],
                    ..ConfirmationItem::default()
                }
            })
            .collect(),
        ..ConfirmationRequest::default()
    }
}

/// The ShipNoticeRequest for a ship notice; `payload_id_of` gives the
/// OrderRequest payloadID of each order it ships.
pub fn ship_notice_request(
    advice: &DespatchAdvice,
    payload_id_of: impl Fn(&str) -> String,
) -> ShipNoticeRequest {
    let mut carriers = Vec::new();
    if let Some(carrier) = &advice.carrier {
        if let Some(name) = &carrier.name {
            carriers.push(("companyName".to_string(), name.clone()));
        }
        if let Some(scac) = &carrier.scac {
            carriers.push(("SCAC".to_string(), scac.clone()));
        }
    }
    ShipNoticeRequest {
        shipment_id: advice.id.clone(),
        notice_date: Some(now()),
        operation: Some("new".into()),
        shipment_date: day(advice.ship_date).or_else(|| day(advice.issue_date)),
        delivery_date: day(advice.expected_delivery_date),
        controls: vec![ShipControl {
            carriers,
            tracking: advice.tracking.iter().map(|t| (t.clone(), None)).collect(),
            ..ShipControl::default()
        }],
        portions: advice
            .orders
            .iter()
            .map(|order| {
                let mut items = Vec::new();
                collect_items(&order.items, &order.packs, &mut items);
                ShipNoticePortion {
                    order_reference: OrderReference {
                        order_id: Some(order.order_id.clone()),
                        order_date: None,
                        payload_id: payload_id_of(&order.order_id),
                    },
                    items: items
                        .into_iter()
                        .map(|item| ShipNoticeItem {
                            line_number: item.line_id.clone().unwrap_or_default(),
                            quantity: item.quantity.value,
                            unit_of_measure: item.quantity.unit.clone(),
                            ..ShipNoticeItem::default()
                        })
                        .collect(),
                    ..ShipNoticePortion::default()
                }
            })
            .collect(),
        ..ShipNoticeRequest::default()
    }
}

/// The items of an order, loose and in packs at any depth, in order.
fn collect_items<'a>(loose: &'a [ShippedItem], packs: &'a [Pack], out: &mut Vec<&'a ShippedItem>) {
    out.extend(loose);
    for pack in packs {
        collect_items(&pack.items, &pack.packs, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Quantity, ResponseLine, ShippedOrder};

    fn qty(v: &str) -> Option<Quantity> {
        Some(Quantity {
            value: v.parse().unwrap(),
            unit: "EA".into(),
        })
    }

    #[test]
    fn a_mixed_response_is_a_detail_confirmation_line_by_line() {
        let response = OrderResponse {
            id: Some("OR-1".into()),
            order_id: "PO-7".into(),
            status: ResponseStatus::AcceptedWithChanges,
            lines: vec![
                ResponseLine {
                    line_id: "1".into(),
                    status: LineStatus::Accepted,
                    item: Default::default(),
                    ordered_quantity: qty("10"),
                    confirmed_quantity: qty("10"),
                    price: None,
                    ship_date: None,
                    delivery_date: NaiveDate::from_ymd_opt(2026, 12, 4),
                    notes: vec![],
                },
                ResponseLine {
                    line_id: "2".into(),
                    status: LineStatus::Rejected,
                    item: Default::default(),
                    ordered_quantity: qty("5"),
                    confirmed_quantity: qty("0"),
                    price: None,
                    ship_date: None,
                    delivery_date: None,
                    notes: vec![],
                },
            ],
            ..OrderResponse::default()
        };
        let c = confirmation_request(&response, "p-1@buyer");
        assert_eq!(c.confirmation_type, "detail");
        assert_eq!(c.order_reference.payload_id, "p-1@buyer");
        assert_eq!(c.items[0].statuses[0].status_type, "accept");
        assert!(c.items[0].statuses[0].delivery_date.is_some());
        assert_eq!(c.items[1].statuses[0].status_type, "reject");
        assert_eq!(c.items[1].statuses[0].quantity, Decimal::from(5));
    }

    #[test]
    fn items_in_nested_packs_are_all_shipped() {
        let item = |line: &str| ShippedItem {
            line_id: Some(line.into()),
            item: Default::default(),
            quantity: qty("3").unwrap(),
            lot: None,
        };
        let advice = DespatchAdvice {
            id: "DN-1".into(),
            tracking: vec!["1Z".into()],
            orders: vec![ShippedOrder {
                order_id: "PO-7".into(),
                packs: vec![Pack {
                    packs: vec![Pack {
                        items: vec![item("2")],
                        ..Pack::default()
                    }],
                    items: vec![item("1")],
                    ..Pack::default()
                }],
                items: vec![],
            }],
            ..DespatchAdvice::default()
        };
        let s = ship_notice_request(&advice, |po| format!("{po}@payload"));
        let lines: Vec<&str> = s.portions[0]
            .items
            .iter()
            .map(|i| i.line_number.as_str())
            .collect();
        assert_eq!(lines, ["1", "2"]);
        assert_eq!(s.portions[0].order_reference.payload_id, "PO-7@payload");
        assert_eq!(s.controls[0].tracking[0].0, "1Z");
    }
}
