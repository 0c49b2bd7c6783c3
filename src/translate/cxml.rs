//! cXML and OCI into canonical documents. One DTD fixes cXML's structure
//! (and one field list OCI's), so these documents map in code against
//! their typed models; what differs between buyers — the names of the
//! extrinsics and accounting segments that carry cost centers, GL
//! accounts and projects — is data: `mappings/cxml/procurement.toml`.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::cxml::{
    self, Body, Credential, DateTimeValue, Extrinsic, ItemDetail, ItemId, Location, Money,
    OrderRequest, PunchOutOrderMessage, Request,
};
use crate::document::{
    Address, AllowanceCharge, Amount, Cart, CartLine, Classification, Contact, Document, Extension,
    IdScheme, ItemIdentity, Order, OrderLine, OrderPurpose, Party, PartyId, Price, ProcurementRefs,
    Quantity, TaxSubtotal,
};
use crate::oci::{OciCart, OciItem};

/// The names buyers give their procurement references, by field.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcurementNames {
    pub cost_center: Vec<String>,
    pub gl_account: Vec<String>,
    pub project: Vec<String>,
    pub requisitioner: Vec<String>,
    pub department: Vec<String>,
    pub contract: Vec<String>,
}

const PROCUREMENT: &str = include_str!("../../mappings/cxml/procurement.toml");

pub(crate) fn names() -> &'static ProcurementNames {
    static NAMES: OnceLock<ProcurementNames> = OnceLock::new();
    NAMES.get_or_init(|| toml::from_str(PROCUREMENT).unwrap_or_default())
}

/// Places `value` under procurement name `name`; false when the name means
/// nothing to us.
fn place(refs: &mut ProcurementRefs, name: &str, value: &str) -> bool {
    let n = names();
    let is = |list: &[String]| list.iter().any(|x| x.eq_ignore_ascii_case(name.trim()));
    let slot = if is(&n.cost_center) {
        &mut refs.cost_center
    } else if is(&n.gl_account) {
        &mut refs.gl_account
    } else if is(&n.project) {
        &mut refs.project
    } else if is(&n.requisitioner) {
        &mut refs.requisitioner
    } else if is(&n.department) {
        &mut refs.department
    } else if is(&n.contract) {
        &mut refs.contract
    } else {
        return false;
    };
    if slot.is_none() {
        *slot = Some(value.to_string());
    }
    true
}

/// The procurement references among extrinsics (a punchout setup's
/// `CostCenter`, under any of the names buyers give it).
pub fn procurement_refs(list: &[Extrinsic]) -> ProcurementRefs {
    let mut refs = ProcurementRefs::default();
    for e in list {
        place(&mut refs, &e.name, &e.value);
    }
    refs
}

/// Extrinsics into procurement references; the rest into extensions.
fn extrinsics(list: &[Extrinsic], at: &str, refs: &mut ProcurementRefs, out: &mut Vec<Extension>) {
    for e in list {
        if !place(refs, &e.name, &e.value) {
            out.push(Extension {
                source: format!("{at}Extrinsic[@name={:?}]", e.name),
                value: e.value.clone(),
            });
        }
    }
}

/// cXML's contact roles in the canonical words (those of
/// `mappings/codes/x12-366-contact-role.toml`); others are kept.
fn role(cxml_role: &str) -> String {
    match cxml_role {
        "purchasingAgent" | "buyer" | "buyerCorporate" => "buyer",
        "technicalInfo" => "information",
        "customerService" => "customer_service",
        "sales" => "sales",
        "endUser" => "end_user",
        other => other,
    }
    .to_string()
}

fn amount(money: &Money) -> Amount {
    Amount {
        value: money.amount,
        currency: money.currency.clone(),
    }
}

fn date(value: &Option<DateTimeValue>) -> Option<NaiveDate> {
    match value {
        Some(DateTimeValue::At(t)) => Some(t.date_naive()),
        _ => None,
    }
}

fn scheme(domain: &str) -> IdScheme {
    match domain.to_ascii_lowercase().as_str() {
        "duns" => IdScheme::Duns,
        "gln" => IdScheme::Gln,
        "networkid" | "anid" | "aribanetworkuserid" => IdScheme::Network,
        "vatid" | "taxid" => IdScheme::Tax,
        "buyerassigned" => IdScheme::BuyerAssigned,
        "supplierassigned" => IdScheme::SellerAssigned,
        _ => IdScheme::Other(domain.to_string()),
    }
}

fn party_of(credentials: &[Credential]) -> Party {
    Party {
        ids: credentials
            .iter()
            .map(|c| PartyId {
                scheme: scheme(&c.domain),
                value: c.identity.clone(),
            })
            .collect(),
        ..Party::default()
    }
}

/// A cXML ShipTo or BillTo as a canonical party.
pub fn party_of_location(l: &Location) -> Party {
    location(l)
}

fn location(l: &Location) -> Party {
    let a = &l.address;
    let mut ids = Vec::new();
    if let Some(id) = &a.address_id {
        ids.push(PartyId {
            scheme: a
                .address_id_domain
                .as_deref()
                .map_or(IdScheme::BuyerAssigned, scheme),
            value: id.clone(),
        });
    }
    let address = a.postal.as_ref().map(|p| Address {
        lines: p.deliver_to.iter().chain(&p.street).cloned().collect(),
        city: Some(p.city.clone()).filter(|c| !c.is_empty()),
        region: p.state.clone(),
        postal_code: p.postal_code.clone(),
        country: Some(p.country_code.clone()).filter(|c| !c.is_empty()),
    });
    let contacts = a
        .email
        .iter()
        .map(|e| Contact {
            email: Some(e.clone()),
            ..Contact::default()
        })
        .collect();
    Party {
        ids,
        name: Some(a.name.clone()).filter(|n| !n.is_empty()),
        address,
        contacts,
    }
}

fn identity(id: &ItemId, detail: Option<&ItemDetail>) -> ItemIdentity {
    ItemIdentity {
        seller_id: Some(id.supplier_part_id.clone()).filter(|s| !s.is_empty()),
        seller_auxiliary_id: id.supplier_part_auxiliary_id.clone(),
        buyer_id: id.buyer_part_id.clone(),
        standard_id: None,
        manufacturer_id: detail.and_then(|d| d.manufacturer_part_id.clone()),
        manufacturer_name: detail.and_then(|d| d.manufacturer_name.clone()),
    }
}

fn description(detail: Option<&ItemDetail>) -> Option<String> {
    detail
        .and_then(|d| d.descriptions.first())
        .map(|d| d.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn classifications(detail: Option<&ItemDetail>) -> Vec<Classification> {
    detail
        .map(|d| {
            d.classifications
                .iter()
                // An empty code classifies nothing (cXML requires the
                // element, so writers without a code send it empty).
                .filter(|c| !c.code.trim().is_empty())
                .map(|c| Classification {
                    scheme: c.domain.clone(),
                    code: c.code.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn quantity(value: Decimal, detail: Option<&ItemDetail>) -> Quantity {
    // cXML units of measure are UN/ECE Rec 20 codes already.
    let unit = detail
        .map(|d| d.unit_of_measure.clone())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "C62".into());
    Quantity { value, unit }
}

/// A cXML OrderRequest, with the envelope's From and To as buyer and
/// seller, as a canonical Order.
pub fn order(request: &OrderRequest, from: &[Credential], to: &[Credential]) -> Order {
    let h = &request.header;
    let mut extensions = Vec::new();
    let mut procurement = ProcurementRefs::default();
    extrinsics(
        &h.extrinsics,
        "OrderRequestHeader/",
        &mut procurement,
        &mut extensions,
    );
    if let Some(id) = &h.requisition_id {
        extensions.push(Extension {
            source: "OrderRequestHeader/@requisitionID".into(),
            value: id.clone(),
        });
    }
    let currency = h.total.as_ref().map(|m| m.currency.clone()).or_else(|| {
        request
            .items
            .iter()
            .find_map(|i| i.item_detail.as_ref()?.unit_price.as_ref())
            .map(|m| m.currency.clone())
    });
    let mut buyer = party_of(from);
    buyer.contacts = h
        .contacts
        .iter()
        .map(|c| Contact {
            role: c.role.as_deref().map(role),
            name: Some(c.name.clone()).filter(|n| !n.is_empty()),
            email: c.emails.first().cloned(),
            phone: None,
        })
        .collect();
    let mut allowance_charges = Vec::new();
    if let Some(shipping) = &h.shipping {
        allowance_charges.push(AllowanceCharge {
            is_charge: true,
            reason_code: Some("FC".into()),
            reason: shipping.description.as_ref().map(|d| d.text.clone()),
            amount: Some(amount(&shipping.money)),
            percent: None,
        });
    }
    let taxes = h
        .tax
        .iter()
        .map(|t| TaxSubtotal {
            scheme: "tax".into(),
            category: None,
            percent: None,
            taxable_amount: None,
            tax_amount: amount(&t.money),
        })
        .collect();
    Order {
        id: h.order_id.clone(),
        release: None,
        purpose: match h.order_type.as_str() {
            "update" => OrderPurpose::Replace,
            "delete" => OrderPurpose::Cancel,
            _ => OrderPurpose::Original,
        },
        order_type: h.order_kind.clone(),
        issue_date: date(&h.order_date),
        currency,
        buyer,
        seller: party_of(to),
        ship_to: h.ship_to.as_ref().map(location),
        bill_to: h.bill_to.as_ref().map(location),
        requested_delivery_date: date(&h.requested_delivery_date),
        procurement,
        payment_terms: None,
        allowance_charges,
        taxes,
        total: h.total.as_ref().map(amount),
        notes: h.comments.iter().cloned().collect(),
        lines: request
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| order_line(i, item))
            .collect(),
        extensions,
    }
}

fn order_line(index: usize, item: &cxml::ItemOut) -> OrderLine {
    let detail = item.item_detail.as_ref();
    let mut procurement = ProcurementRefs::default();
    let mut extensions = Vec::new();
    for distribution in &item.distributions {
        for segment in &distribution.segments {
            // The segment's type names the reference (CostCenter); its id is
            // the value.
            if !place(&mut procurement, &segment.name, &segment.id) {
                extensions.push(Extension {
                    source: format!(
                        "ItemOut/Distribution/Accounting[@name={:?}]",
                        distribution.accounting_name
                    ),
                    value: format!("{}={}", segment.name, segment.id),
                });
            }
        }
    }
    if let Some(d) = detail {
        extrinsics(
            &d.extrinsics,
            "ItemOut/ItemDetail/",
            &mut procurement,
            &mut extensions,
        );
    }
    OrderLine {
        id: item
            .line_number
            .clone()
            .unwrap_or_else(|| (index + 1).to_string()),
        item: identity(&item.item_id, detail),
        description: description(detail),
        quantity: quantity(item.quantity, detail),
        price: detail.and_then(|d| d.unit_price.as_ref()).map(|m| Price {
            amount: amount(m),
            base_quantity: None,
        }),
        line_amount: None,
        requested_delivery_date: date(&item.requested_delivery_date),
        procurement,
        ship_to: item.ship_to.as_ref().map(location),
        classifications: classifications(detail),
        notes: item.comments.iter().cloned().collect(),
        extensions,
    }
}

/// A PunchOutOrderMessage as a canonical Cart.
pub fn punchout_cart(message: &PunchOutOrderMessage) -> Cart {
    let lines = message
        .items
        .iter()
        .map(|item| {
            let detail = Some(&item.item_detail);
            let mut procurement = ProcurementRefs::default();
            let mut extensions = Vec::new();
            extrinsics(
                &item.item_detail.extrinsics,
                "ItemIn/ItemDetail/",
                &mut procurement,
                &mut extensions,
            );
            CartLine {
                item: identity(&item.item_id, detail),
                description: description(detail),
                quantity: quantity(item.quantity, detail),
                price: item.item_detail.unit_price.as_ref().map(|m| Price {
                    amount: amount(m),
                    base_quantity: None,
                }),
                classifications: classifications(detail),
                lead_time_days: item.item_detail.lead_time,
                contract: procurement.contract.clone(),
                extensions,
            }
        })
        .collect();
    Cart {
        session: Some(message.buyer_cookie.clone()),
        operation_allowed: Some(message.operation_allowed.clone()),
        total: Some(amount(&message.total)),
        ship_to: message.ship_to.as_ref().map(location),
        lines,
        extensions: Vec::new(),
    }
}

/// An OCI cart (NEW_ITEM-… fields) as a canonical Cart.
pub fn oci_cart(cart: &OciCart) -> Cart {
    let lines = cart.items.iter().map(oci_line).collect();
    Cart {
        session: None,
        operation_allowed: None,
        total: None,
        ship_to: None,
        lines,
        extensions: cart
            .other_fields
            .iter()
            .map(|(name, value)| Extension {
                source: name.clone(),
                value: value.clone(),
            })
            .collect(),
    }
}

fn oci_line(item: &OciItem) -> CartLine {
    let mut extensions: Vec<Extension> = item
        .other
        .iter()
        .map(|(k, v)| Extension {
            source: format!("NEW_ITEM-{k}"),
            value: v.clone(),
        })
        .collect();
    for (name, value) in [
        ("NEW_ITEM-MATGROUP", &item.material_group),
        ("NEW_ITEM-LONGTEXT", &item.long_text),
        ("NEW_ITEM-EXT_QUOTE_ID", &item.ext_quote_id),
        ("NEW_ITEM-VENDOR", &item.vendor),
    ] {
        if let Some(v) = value {
            extensions.push(Extension {
                source: name.into(),
                value: v.clone(),
            });
        }
    }
    // OCI prices are for PRICEUNIT units (default one).
    let price = item.price.map(|p| Price {
        amount: Amount {
            value: p,
            currency: item.currency.clone().unwrap_or_default(),
        },
        base_quantity: item
            .price_unit
            .filter(|u| *u != Decimal::ONE)
            .map(|u| Quantity {
                value: u,
                unit: item.unit.clone(),
            }),
    });
    CartLine {
        item: ItemIdentity {
            seller_id: item
                .vendor_material
                .clone()
                .or_else(|| item.ext_product_id.clone()),
            buyer_id: item.matnr.clone(),
            manufacturer_id: item.manufacturer_material.clone(),
            manufacturer_name: item.manufacturer_code.clone(),
            ..ItemIdentity::default()
        },
        description: Some(item.description.clone()).filter(|d| !d.is_empty()),
        quantity: Quantity {
            value: item.quantity,
            unit: item.unit.clone(),
        },
        price,
        classifications: Vec::new(),
        lead_time_days: item.lead_time.map(Decimal::from),
        contract: item.contract.clone(),
        extensions,
    }
}

/// The canonical document a cXML document carries, if we map its kind:
/// OrderRequest → Order, PunchOutOrderMessage → Cart.
pub fn document(envelope: &cxml::Envelope) -> Option<Document> {
    let (from, to) = envelope
        .header
        .as_ref()
        .map_or((&[][..], &[][..]), |h| (&h.from[..], &h.to[..]));
    match &envelope.body {
        Body::Request {
            request: Request::Order(o),
            ..
        } => Some(Document::Order(order(o, from, to))),
        Body::Message {
            message: cxml::MessageContent::PunchOutOrder(m),
            ..
        } => Some(Document::Cart(punchout_cart(m))),
        _ => None,
    }
}
