//! A canonical Cart written for the procurement system it goes back to:
//! a cXML PunchOutOrderMessage or OCI `NEW_ITEM-*` items. The reverse of
//! [`super::cxml::punchout_cart`] and [`super::cxml::oci_cart`].
//!
//! The buyer's requisition data (cost center, project, comments) travels
//! as cart extensions named `Extrinsic/{Name}`. cXML has no extrinsics in
//! the PunchOutOrderMessageHeader, so they go on every item's ItemDetail,
//! where procurement systems read them; OCI has no such fields at all, so
//! they fill `NEW_ITEM-CUST_FIELD1…5` in the order given.

use rust_decimal::Decimal;

use crate::cxml::{
    Classification, Description, Extrinsic, ItemDetail, ItemId, ItemIn, Money, PunchOutOrderMessage,
};
use crate::document::{Cart, CartLine, Extension};
use crate::oci::OciItem;

/// The prefix of a cart extension that becomes an Extrinsic.
pub const EXTRINSIC: &str = "Extrinsic/";

/// The cart as a PunchOutOrderMessage in `currency`.
pub fn punchout_message(cart: &Cart, currency: &str) -> PunchOutOrderMessage {
    let extrinsics: Vec<Extrinsic> = requisition(cart)
        .map(|(name, value)| Extrinsic {
            name: name.to_string(),
            value: value.to_string(),
            nested: Vec::new(),
            other: Default::default(),
        })
        .collect();
    let total = cart.total.as_ref().map_or_else(
        || Money::new(Decimal::ZERO, currency),
        |t| Money::new(t.value, &t.currency),
    );
    PunchOutOrderMessage {
        buyer_cookie: cart.session.clone().unwrap_or_default(),
        operation_allowed: cart
            .operation_allowed
            .clone()
            .unwrap_or_else(|| "edit".into()),
        total,
        ship_to: cart.ship_to.as_ref().map(super::order_request::location_of),
        items: cart
            .lines
            .iter()
            .enumerate()
            .map(|(n, line)| item_in(n + 1, line, currency, &extrinsics))
            .collect(),
        ..PunchOutOrderMessage::default()
    }
}

fn item_in(number: usize, line: &CartLine, currency: &str, extrinsics: &[Extrinsic]) -> ItemIn {
    ItemIn {
        quantity: line.quantity.value,
        line_number: Some(number.to_string()),
        item_id: ItemId {
            supplier_part_id: line.item.seller_id.clone().unwrap_or_default(),
            supplier_part_auxiliary_id: line.item.seller_auxiliary_id.clone(),
            ..ItemId::default()
        },
        item_detail: ItemDetail {
            unit_price: Some(line.price.as_ref().map_or_else(
                || Money::new(Decimal::ZERO, currency),
                |p| Money::new(p.amount.value, &p.amount.currency),
            )),
            descriptions: vec![Description {
                lang: "en".into(),
                text: line.description.clone().unwrap_or_default(),
                short_name: None,
            }],
            unit_of_measure: line.quantity.unit.clone(),
            classifications: line
                .classifications
                .iter()
                .map(|c| Classification {
                    domain: c.scheme.clone(),
                    code: c.code.clone(),
                })
                .collect(),
            lead_time: line.lead_time_days,
            extrinsics: extrinsics.to_vec(),
            ..ItemDetail::default()
        },
        ..ItemIn::default()
    }
}

/// The cart as OCI items; the vendor is our OCI vendor number, when the
/// buyer gave us one.
pub fn oci_items(cart: &Cart, vendor: Option<&str>) -> Vec<OciItem> {
    let custom: Vec<String> = requisition(cart).map(|(_, v)| v.to_string()).collect();
    cart.lines
        .iter()
        .map(|line| {
            let mut item = OciItem {
                description: line.description.clone().unwrap_or_default(),
                quantity: line.quantity.value,
                unit: line.quantity.unit.clone(),
                price: line.price.as_ref().map(|p| p.amount.value),
                price_unit: Some(Decimal::ONE),
                currency: line.price.as_ref().map(|p| p.amount.currency.clone()),
                lead_time: line
                    .lead_time_days
                    .and_then(|d| u32::try_from(d.trunc().mantissa()).ok()),
                vendor: vendor.map(str::to_string),
                vendor_material: line.item.seller_id.clone(),
                material_group: line
                    .classifications
                    .iter()
                    .find(|c| c.scheme == "UNSPSC")
                    .map(|c| c.code.clone()),
                contract: line.contract.clone(),
                ext_product_id: line.item.seller_id.clone(),
                ..OciItem::default()
            };
            for (slot, value) in item.custom.iter_mut().zip(&custom) {
                *slot = Some(value.clone());
            }
            item
        })
        .collect()
}

/// The requisition fields among a cart's extensions: (name, value).
fn requisition(cart: &Cart) -> impl Iterator<Item = (&str, &str)> {
    cart.extensions
        .iter()
        .filter_map(|Extension { source, value }| {
            source
                .strip_prefix(EXTRINSIC)
                .map(|name| (name, value.as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Amount, Classification as Class, ItemIdentity, Price, Quantity};

    fn cart() -> Cart {
        Cart {
            session: Some("cookie-1".into()),
            operation_allowed: Some("edit".into()),
            ship_to: None,
            total: Some(Amount {
                value: Decimal::new(2550, 2),
                currency: "EUR".into(),
            }),
            lines: vec![CartLine {
                item: ItemIdentity {
                    seller_id: Some("SAG-933".into()),
                    ..ItemIdentity::default()
                },
                description: Some("Schraube".into()),
                quantity: Quantity {
                    value: Decimal::from(3),
                    unit: "EA".into(),
                },
                price: Some(Price {
                    amount: Amount {
                        value: Decimal::new(850, 2),
                        currency: "EUR".into(),
                    },
                    base_quantity: None,
                }),
                classifications: vec![Class {
                    scheme: "UNSPSC".into(),
                    code: "31161500".into(),
                }],
                ..CartLine::default()
            }],
            extensions: vec![
                Extension {
                    source: "Extrinsic/CostCenter".into(),
                    value: "CC-100".into(),
                },
                Extension {
                    source: "something else".into(),
                    value: "x".into(),
                },
            ],
        }
    }

    #[test]
    fn a_cart_becomes_a_punchout_order_message_and_reads_back() {
        let message = punchout_message(&cart(), "EUR");
        assert_eq!(message.buyer_cookie, "cookie-1");
        assert_eq!(message.total, Money::new(Decimal::new(2550, 2), "EUR"));
        let item = &message.items[0];
        assert_eq!(item.item_id.supplier_part_id, "SAG-933");
        assert_eq!(item.item_detail.extrinsics.len(), 1);
        assert_eq!(item.item_detail.extrinsics[0].name, "CostCenter");
        let back = super::super::cxml::punchout_cart(&message);
        assert_eq!(back.lines[0].item.seller_id.as_deref(), Some("SAG-933"));
        assert_eq!(back.lines[0].quantity, cart().lines[0].quantity);
        assert_eq!(back.lines[0].price, cart().lines[0].price);
    }

    #[test]
    fn a_cart_becomes_oci_items_with_requisition_in_custom_fields() {
        let items = oci_items(&cart(), Some("4711"));
        assert_eq!(items[0].vendor_material.as_deref(), Some("SAG-933"));
        assert_eq!(items[0].price, Some(Decimal::new(850, 2)));
        assert_eq!(items[0].material_group.as_deref(), Some("31161500"));
        assert_eq!(items[0].custom[0].as_deref(), Some("CC-100"));
        assert_eq!(items[0].custom[1], None);
        assert_eq!(items[0].vendor.as_deref(), Some("4711"));
    }
}
