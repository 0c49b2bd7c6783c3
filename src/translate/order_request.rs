//! A canonical Order written as a cXML OrderRequest (the reverse of
//! `translate::cxml::order`): for a supplier that takes orders in cXML,
//! and for `edigate translate --to cxml`. Procurement references go out
//! under the first name `mappings/cxml/procurement.toml` gives them (as
//! header extrinsics, and per line as accounting segments); extrinsics
//! the reader kept in `extensions` go back as extrinsics, so a cXML order
//! read and written again keeps them.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::cxml::names;
use crate::cxml::{
    self, AccountingSegment, Charge, Credential, DateTimeValue, Description, Distribution,
    Extrinsic, ItemDetail, ItemId, ItemOut, Location, Money, OrderRequest, OrderRequestHeader,
    PostalAddress,
};
use crate::document::{
    Amount, Extension, IdScheme, Order, OrderLine, OrderPurpose, Party, ProcurementRefs,
};

fn day(date: Option<NaiveDate>) -> Option<DateTimeValue> {
    let midnight = date?.and_hms_opt(0, 0, 0)?;
    Some(DateTimeValue::At(
        Utc.from_utc_datetime(&midnight).fixed_offset(),
    ))
}

fn money(amount: &Amount) -> Money {
    Money {
        amount: amount.value,
        currency: amount.currency.clone(),
        alternate: None,
    }
}

/// A party identifier's scheme as a cXML credential or address domain.
fn domain(scheme: &IdScheme) -> String {
    match scheme {
        IdScheme::Duns => "DUNS".into(),
        IdScheme::Gln => "GLN".into(),
        IdScheme::Network => "NetworkID".into(),
        IdScheme::Tax => "VATID".into(),
        IdScheme::BuyerAssigned => "BuyerAssigned".into(),
        IdScheme::SellerAssigned => "SupplierAssigned".into(),
        IdScheme::Other(domain) => domain.clone(),
    }
}

/// A party's identifiers as the envelope's credentials (From, To).
pub fn credentials(party: &Party) -> Vec<Credential> {
    party
        .ids
        .iter()
        .map(|id| Credential::new(&domain(&id.scheme), &id.value))
        .collect()
}

/// A canonical party as a cXML ShipTo or BillTo location.
pub(crate) fn location_of(party: &Party) -> Location {
    let id = party.ids.first();
    let postal = party.address.as_ref().map(|a| PostalAddress {
        street: a.lines.clone(),
        city: a.city.clone().unwrap_or_default(),
        state: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country_code: a.country.clone().unwrap_or_default(),
        country: a.country.clone().unwrap_or_default(),
        ..PostalAddress::default()
    });
    Location {
        address: cxml::Address {
            address_id: id.map(|i| i.value.clone()),
            address_id_domain: id
                .filter(|i| i.scheme != IdScheme::BuyerAssigned)
                .map(|i| domain(&i.scheme)),
            name: party.name.clone().unwrap_or_default(),
            postal,
            email: party.contacts.iter().find_map(|c| c.email.clone()),
            ..cxml::Address::default()
        },
        ..Location::default()
    }
}

/// The canonical contact role as cXML's.
fn role(canonical: &str) -> String {
    match canonical {
        "buyer" => "purchasingAgent",
        "information" => "technicalInfo",
        "customer_service" => "customerService",
        "end_user" => "endUser",
        other => other,
    }
    .to_string()
}

/// Procurement references as (name, value) under their first names.
fn references(refs: &ProcurementRefs) -> Vec<(String, String)> {
    let n = names();
    [
        (&n.cost_center, &refs.cost_center),
        (&n.gl_account, &refs.gl_account),
        (&n.project, &refs.project),
        (&n.requisitioner, &refs.requisitioner),
        (&n.department, &refs.department),
        (&n.contract, &refs.contract),
    ]
    .into_iter()
    .filter_map(|(names, value)| Some((names.first()?.clone(), value.clone()?)))
    .collect()
}

/// Extensions the reader took from extrinsics under `at`, as extrinsics.
fn kept_extrinsics(extensions: &[Extension], at: &str) -> Vec<Extrinsic> {
    extensions
        .iter()
        .filter_map(|e| {
            let name = e
                .source
                .strip_prefix(at)?
                .strip_prefix("Extrinsic[@name=")?
                .strip_suffix(']')?;
            let name: String = serde_json::from_str(name).ok()?;
            Some(extrinsic(&name, &e.value))
        })
        .collect()
}

fn extrinsic(name: &str, value: &str) -> Extrinsic {
    Extrinsic {
        name: name.to_string(),
        value: value.to_string(),
        ..Extrinsic::default()
    }
}

/// A canonical Order as a cXML OrderRequest.
pub fn order_request(order: &Order) -> OrderRequest {
    let currency = order.currency.clone().unwrap_or_default();
    let mut extrinsics: Vec<Extrinsic> = references(&order.procurement)
        .iter()
        .map(|(n, v)| extrinsic(n, v))
        .collect();
    extrinsics.extend(kept_extrinsics(&order.extensions, "OrderRequestHeader/"));
    let requisition_id = order
        .extensions
        .iter()
        .find(|e| e.source == "OrderRequestHeader/@requisitionID")
        .map(|e| e.value.clone());
    let shipping = order
        .allowance_charges
        .iter()
        .find(|c| c.is_charge && c.reason_code.as_deref() == Some("FC"))
        .and_then(|c| {
            Some(Charge {
                money: money(c.amount.as_ref()?),
                description: c.reason.as_ref().map(|r| Description {
                    lang: "en".into(),
                    text: r.clone(),
                    short_name: None,
                }),
                ..Charge::default()
            })
        });
    let tax_total: Option<Decimal> =
        (!order.taxes.is_empty()).then(|| order.taxes.iter().map(|t| t.tax_amount.value).sum());
    let header = OrderRequestHeader {
        order_id: order.id.clone(),
        order_date: day(order.issue_date),
        order_type: match order.purpose {
            OrderPurpose::Replace => "update",
            OrderPurpose::Cancel => "delete",
            OrderPurpose::Original | OrderPurpose::Copy => "new",
        }
        .into(),
        order_kind: order.order_type.clone(),
        requisition_id,
        requested_delivery_date: day(order.requested_delivery_date),
        total: order.total.as_ref().map(money),
        ship_to: order.ship_to.as_ref().map(location_of),
        // cXML requires a BillTo; without one the buyer is billed.
        bill_to: Some(location_of(order.bill_to.as_ref().unwrap_or(&order.buyer))),
        shipping,
        tax: tax_total.map(|amount| Charge {
            money: Money {
                amount,
                currency: currency.clone(),
                alternate: None,
            },
            ..Charge::default()
        }),
        contacts: order
            .buyer
            .contacts
            .iter()
            .map(|c| cxml::Contact {
                role: c.role.as_deref().map(role),
                name: c.name.clone().unwrap_or_default(),
                emails: c.email.iter().cloned().collect(),
                ..cxml::Contact::default()
            })
            .collect(),
        comments: (!order.notes.is_empty()).then(|| order.notes.join("\n")),
        extrinsics,
        ..OrderRequestHeader::default()
    };
    OrderRequest {
        header,
        items: order
            .lines
            .iter()
            .map(|line| item_out(line, &currency))
            .collect(),
    }
}

/// A line's classifications; cXML requires one, so a line without any
/// gets an empty UNSPSC one (which reads back as none).
fn classifications(line: &OrderLine) -> Vec<cxml::Classification> {
    let mut list: Vec<cxml::Classification> = line
        .classifications
        .iter()
        .map(|c| cxml::Classification {
            domain: c.scheme.clone(),
            code: c.code.clone(),
        })
        .collect();
    if list.is_empty() {
        list.push(cxml::Classification {
            domain: "UNSPSC".into(),
            code: String::new(),
        });
    }
    list
}

fn item_out(line: &OrderLine, currency: &str) -> ItemOut {
    let unit_price = line.price.as_ref().map(|p| money(&p.amount));
    let line_total = unit_price.as_ref().map(|p| Money {
        amount: p.amount * line.quantity.value,
        currency: p.currency.clone(),
        alternate: None,
    });
    let segments: Vec<AccountingSegment> = references(&line.procurement)
        .into_iter()
        .map(|(name, id)| AccountingSegment {
            id,
            description: name.clone(),
            name,
            legacy: false,
        })
        .collect();
    let distributions = if segments.is_empty() {
        Vec::new()
    } else {
        vec![Distribution {
            accounting_name: "Accounting".into(),
            segments,
            charge: line_total.or_else(|| {
                Some(Money {
                    amount: Decimal::ZERO,
                    currency: currency.to_string(),
                    alternate: None,
                })
            }),
        }]
    };
    ItemOut {
        quantity: line.quantity.value,
        line_number: Some(line.id.clone()),
        requested_delivery_date: day(line.requested_delivery_date),
        item_id: ItemId {
            supplier_part_id: line.item.seller_id.clone().unwrap_or_default(),
            supplier_part_auxiliary_id: line.item.seller_auxiliary_id.clone(),
            buyer_part_id: line.item.buyer_id.clone(),
            ..ItemId::default()
        },
        item_detail: Some(ItemDetail {
            unit_price,
            descriptions: line
                .description
                .iter()
                .map(|d| Description {
                    lang: "en".into(),
                    text: d.clone(),
                    short_name: None,
                })
                .collect(),
            unit_of_measure: line.quantity.unit.clone(),
            classifications: classifications(line),
            manufacturer_part_id: line.item.manufacturer_id.clone(),
            manufacturer_name: line.item.manufacturer_name.clone(),
            extrinsics: kept_extrinsics(&line.extensions, "ItemOut/ItemDetail/"),
            ..ItemDetail::default()
        }),
        ship_to: line.ship_to.as_ref().map(location_of),
        distributions,
        comments: (!line.notes.is_empty()).then(|| line.notes.join("\n")),
        ..ItemOut::default()
    }
}

/// The whole cXML document for an order: From the buyer's identifiers, To
/// the seller's, Sender `sender` (without a secret: the transport adds
/// it), under `payload_id`, stamped `at`.
pub fn order_request_document(
    order: &Order,
    sender: &Credential,
    payload_id: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> String {
    let envelope = cxml::Envelope {
        payload_id: payload_id.to_string(),
        timestamp: DateTimeValue::At(at),
        version: None,
        lang: Some("en-US".into()),
        header: Some(cxml::Header {
            from: credentials(&order.buyer),
            to: credentials(&order.seller),
            sender: vec![sender.clone()],
            user_agent: "edigate".into(),
            ..cxml::Header::default()
        }),
        body: cxml::Body::Request {
            deployment_mode: None,
            request: cxml::Request::Order(Box::new(order_request(order))),
        },
        extensions: Default::default(),
    };
    cxml::write(&envelope, cxml::DEFAULT_VERSION)
}

/// What of `order` a cXML OrderRequest does not carry: the paths of the
/// canonical JSON whose values do not come back when `written` (the
/// document written for it) is read again. Said beside the output, so
/// nothing is lost unnoticed.
pub fn not_carried(order: &Order, written: &str) -> Vec<String> {
    let Ok(read) = cxml::read(written.as_bytes()) else {
        return vec!["(the written document does not read back)".into()];
    };
    let again = match super::cxml::document(&read.envelope) {
        Some(crate::document::Document::Order(o)) => o,
        _ => return vec!["(the written document is not an order)".into()],
    };
    let (Ok(before), Ok(after)) = (serde_json::to_value(order), serde_json::to_value(&again))
    else {
        return Vec::new();
    };
    let mut lost = Vec::new();
    missing(&before, Some(&after), String::new(), &mut lost);
    lost
}

fn missing(
    before: &serde_json::Value,
    after: Option<&serde_json::Value>,
    path: String,
    lost: &mut Vec<String>,
) {
    use serde_json::Value;
    let at = |key: String| {
        if path.is_empty() {
            key
        } else {
            format!("{path}.{key}")
        }
    };
    if after.is_none() && !before.is_null() {
        // Gone as a whole: said once, not leaf by leaf.
        lost.push(path);
        return;
    }
    match before {
        Value::Object(fields) => {
            for (key, value) in fields {
                missing(value, after.and_then(|a| a.get(key)), at(key.clone()), lost);
            }
        }
        Value::Array(items) => {
            for (n, value) in items.iter().enumerate() {
                missing(
                    value,
                    after.and_then(|a| a.get(n)),
                    format!("{path}[{n}]"),
                    lost,
                );
            }
        }
        leaf if Some(leaf) != after => lost.push(path),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn read_order(bytes: &[u8]) -> Order {
        let read = cxml::read(bytes).expect("a cXML document");
        match super::super::cxml::document(&read.envelope) {
            Some(Document::Order(order)) => order,
            other => panic!("not an order: {other:?}"),
        }
    }

    #[test]
    fn a_cxml_order_read_written_and_read_again_is_the_same_order() {
        let sample = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples/cxml/order-request-valid.xml"),
        )
        .unwrap();
        let first = read_order(&sample);
        assert!(!first.extensions.is_empty() && first.lines[0].procurement.cost_center.is_some());
        let written = order_request_document(
            &first,
            &Credential::new("NetworkID", "EDIGATE"),
            "1@edigate",
            Utc::now().fixed_offset(),
        );
        let read = cxml::read(written.as_bytes()).unwrap();
        assert_eq!(cxml::errors(&read), [], "{written}");
        assert_eq!(read.warnings, [], "{written}");
        let again = read_order(written.as_bytes());
        assert_eq!(again, first, "{written}");
        assert_eq!(not_carried(&first, &written), Vec::<String>::new());
        // What cXML has no place for is named.
        let mut terms = first.clone();
        terms.payment_terms = Some(crate::document::PaymentTerms {
            net_days: Some(30),
            ..Default::default()
        });
        let sender = Credential::new("NetworkID", "E");
        let written = order_request_document(&terms, &sender, "2@e", Utc::now().fixed_offset());
        assert_eq!(not_carried(&terms, &written), ["payment_terms"]);
    }

    #[test]
    fn references_go_out_under_their_first_names() {
        let order = Order {
            id: "PO-1".into(),
            currency: Some("EUR".into()),
            procurement: ProcurementRefs {
                cost_center: Some("CC-1".into()),
                project: Some("P-9".into()),
                ..ProcurementRefs::default()
            },
            ..Order::default()
        };
        let request = order_request(&order);
        let names: Vec<(&str, &str)> = request
            .header
            .extrinsics
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(names, [("CostCenter", "CC-1"), ("Project", "P-9")]);
        assert_eq!(request.header.order_type, "new");
    }
}
