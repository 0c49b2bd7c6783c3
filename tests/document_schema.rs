//! The canonical documents: the published JSON Schemas are current, and
//! documents survive JSON both ways with money as decimal strings.

mod common;

use edigate::document::{self, Document};

#[test]
fn published_schemas_are_current() {
    let dir = common::project_dir().join("docs/schema");
    for (name, text) in document::schemas() {
        let published = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|_| panic!("docs/schema/{name} is missing: run `cargo run -- schema`"));
        assert!(
            published == text,
            "docs/schema/{name} is stale: run `cargo run -- schema` and commit the result"
        );
    }
}

const ORDER: &str = r#"{
  "type": "order",
  "id": "PO-2026-0042",
  "purpose": "original",
  "order_type": "SA",
  "issue_date": "2026-01-05",
  "currency": "EUR",
  "buyer": {"ids": [{"scheme": "gln", "value": "5412345000013"}, {"scheme": "duns", "value": "123456789"}], "name": "Nordwind Handel GmbH"},
  "seller": {"ids": [{"scheme": "buyer_assigned", "value": "V-100"}]},
  "ship_to": {"name": "Lager Hamburg", "address": {"lines": ["Hafenstraße 12"], "city": "Hamburg", "postal_code": "20457", "country": "DE"}},
  "procurement": {"cost_center": "CC-4711", "gl_account": "6100", "project": "P-77", "requisitioner": "Purchasing desk", "department": "Werkstatt", "contract": "CONTRACT-2026-01"},
  "lines": [
    {
      "id": "1",
      "item": {"seller_id": "SAG-933-M6X20", "standard_id": {"scheme": "GTIN", "value": "4000862141404"}},
      "description": "Sechskantschraube M6 x 20",
      "quantity": {"value": "500", "unit": "PCE"},
      "price": {"amount": {"value": "0.12", "currency": "EUR"}},
      "requested_delivery_date": "2026-01-20",
      "procurement": {"cost_center": "CC-4712"}
    }
  ],
  "extensions": [{"source": "REF02 where REF01=ZZ", "value": "free text"}]
}"#;

#[test]
fn an_order_survives_json_with_money_as_decimal_strings() {
    let document: Document = serde_json::from_str(ORDER).expect("the example reads");
    let Document::Order(order) = &document else {
        panic!("an order");
    };
    assert_eq!(order.procurement.cost_center.as_deref(), Some("CC-4711"));
    assert_eq!(
        order.lines[0].procurement.cost_center.as_deref(),
        Some("CC-4712")
    );
    assert_eq!(
        order.lines[0]
            .price
            .as_ref()
            .unwrap()
            .amount
            .value
            .to_string(),
        "0.12"
    );
    let written = serde_json::to_string(&document).unwrap();
    assert!(written.contains(r#""value":"0.12""#), "{written}");
    assert!(
        written.contains(r#""issue_date":"2026-01-05""#),
        "{written}"
    );
    let again: Document = serde_json::from_str(&written).unwrap();
    assert_eq!(again, document);
}

#[test]
fn a_bad_date_or_amount_is_refused_with_its_place() {
    let bad_date = ORDER.replace("2026-01-05", "2026-13-05");
    assert!(serde_json::from_str::<Document>(&bad_date).is_err());
    // Read as the document type itself, the error says where.
    let order_only = bad_date.replace("\"type\": \"order\",", "");
    let e = serde_json::from_str::<document::Order>(&order_only)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 6"), "{e}");
    let bad_amount = ORDER.replace(r#""0.12""#, r#""twelve cents""#);
    assert!(serde_json::from_str::<Document>(&bad_amount).is_err());
}
