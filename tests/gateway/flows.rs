//! The order flows end to end: a partner's message in over HTTP, its
//! acknowledgment back, the order in the core, the order out to the
//! supplier, and the journal telling all of it.

use crate::harness::{
    on_both_backends, placed, sample, x12_with_control, Gate, NORDWIND_SECRET, STAFF,
};

const VALID_850: &str = "x12/850/850-004010-valid.edi";

async fn post_850(
    gate: &Gate,
    file: &str,
    control: u32,
) -> (u16, reqwest::header::HeaderMap, String) {
    let response = gate
        .post("/edi/globex-x12", x12_with_control(file, control))
        .await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Flow 1: 850 → 997 → order with reservations → ORDERS to the supplier's
/// drop → order sent; every message journalled and linked.
async fn an_850_is_acknowledged_placed_and_sent_to_the_supplier(gate: Gate) {
    let (status, headers, ack) = post_850(&gate, VALID_850, 501).await;
    assert_eq!(status, 200, "{ack}");
    assert!(ack.contains("ST*997*"), "{ack}");
    assert!(
        ack.contains("AK5*A~") && ack.contains("AK9*A*1*1*1~"),
        "{ack}"
    );
    assert!(
        ack.contains("*ZZ*GLOBEXRETAIL   *"),
        "the 997 goes back to the sender: {ack}"
    );
    let number = header(&headers, "edigate-orders");
    assert!(number.starts_with("SO"), "{headers:?}");
    assert_eq!(header(&headers, "edigate-status"), "applied");

    let view = gate.order_in_state(&number, "sent").await;
    assert_eq!(view["po_number"], "4500012345");
    assert_eq!(view["company"], "GLOBEX-RETAIL");
    assert_eq!(view["total"]["amount"], "798", "{view:#}");
    let lines = view["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["sku"], "AC-1001");
    assert_eq!(lines[0]["reserved"], "120");
    let events: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["received", "approved", "sent"], "{view:#}");

    let dropped = gate.dropped("acme-erp");
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    let orders = &dropped[0].1;
    assert!(orders.contains(&format!("BGM+220+{number}+9'")), "{orders}");
    assert!(
        orders.contains("UNB+UNOC:3+EDIGATE:ZZZ+ACMEERP:ZZZ+"),
        "{orders}"
    );
    assert!(
        orders.contains("PIA+1+AC-3300:SA'") && orders.contains("QTY+21:24:XBX'"),
        "{orders}"
    );

    let messages = view["messages"].as_array().unwrap();
    let find = |direction: &str, document: &str| {
        messages
            .iter()
            .find(|m| m["direction"] == direction && m["document"] == document)
            .unwrap_or_else(|| panic!("no {direction} {document} in {messages:#?}"))
    };
    let inbound = find("in", "850");
    assert_eq!(inbound["status"], "applied");
    assert_eq!(inbound["control_number"], "000000501");
    assert_eq!(inbound["sender"], "ZZ:GLOBEXRETAIL");
    assert_eq!(inbound["po_number"], "4500012345");
    let outbound = find("out", "ORDERS");
    assert_eq!(outbound["status"], "delivered");
    assert_eq!(outbound["connector"], "acme-erp");

    // The 997 is journalled as the answer to the 850, byte for byte.
    let (_, found) = gate
        .get(
            "/api/messages?connector=globex-x12&status=delivered",
            Some(STAFF),
        )
        .await;
    let ack_entry = found
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["answers"] == inbound["id"])
        .expect("the 997 in the journal");
    let raw = gate.raw(&ack_entry["id"]).await;
    assert_eq!(raw, ack);
    let inbound_raw = gate
        .http
        .get(gate.url(&format!("/api/messages/{}/raw", inbound["id"])))
        .bearer_auth(STAFF)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&inbound_raw[..], &x12_with_control(VALID_850, 501)[..]);
}

/// A repeated interchange (same sender, same control number) gets the
/// first 997 again and changes nothing.
async fn a_repeated_interchange_changes_nothing(gate: Gate) {
    let (_, first_headers, first) = post_850(&gate, VALID_850, 502).await;
    let (status, headers, again) = post_850(&gate, VALID_850, 502).await;
    assert_eq!(status, 200);
    assert_eq!(again, first, "the original acknowledgment, byte for byte");
    assert_eq!(header(&headers, "edigate-status"), "duplicate");
    assert_eq!(
        header(&headers, "edigate-duplicate-of"),
        header(&first_headers, "edigate-message")
    );
    assert_eq!(
        header(&headers, "edigate-orders"),
        header(&first_headers, "edigate-orders")
    );
    let (_, page) = gate
        .get("/api/orders?company=GLOBEX-RETAIL", Some(STAFF))
        .await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 1, "{page:#}");
    let (_, dups) = gate
        .get("/api/messages?status=duplicate", Some(STAFF))
        .await;
    assert_eq!(dups.as_array().unwrap().len(), 1);
    assert_eq!(
        dups[0]["duplicate_of"].to_string(),
        header(&first_headers, "edigate-message")
    );
}

/// Flow 8 for X12: an invalid 850 gets a 997 that rejects it, the journal
/// says why, and no order exists.
async fn an_invalid_850_is_rejected_and_places_nothing(gate: Gate) {
    let (status, headers, ack) = post_850(&gate, "x12/850/850-004010-invalid-code.edi", 503).await;
    assert_eq!(status, 200, "{ack}");
    assert!(
        ack.contains("AK5*R*5~") && ack.contains("AK9*R*1*1*0~"),
        "{ack}"
    );
    assert_eq!(header(&headers, "edigate-status"), "invalid");
    assert_eq!(header(&headers, "edigate-orders"), "");
    let id = header(&headers, "edigate-message");
    let (_, entry) = gate.get(&format!("/api/messages/{id}"), Some(STAFF)).await;
    assert_eq!(entry["status"], "invalid");
    assert!(
        entry["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains("PID")),
        "{entry:#}"
    );
    let (_, page) = gate
        .get("/api/orders?company=GLOBEX-RETAIL", Some(STAFF))
        .await;
    assert!(page["rows"].as_array().unwrap().is_empty(), "{page:#}");
    assert!(gate.dropped("acme-erp").is_empty());
}

/// An interchange from someone else than the connector's partner is
/// journalled and refused.
async fn an_interchange_from_another_sender_is_refused(gate: Gate) {
    let text = String::from_utf8(x12_with_control(VALID_850, 504)).unwrap();
    let forged = text.replacen("*ZZ*GLOBEXRETAIL   *", "*ZZ*SOMEONEELSE    *", 1);
    let response = gate.post("/edi/globex-x12", forged.into_bytes()).await;
    assert_eq!(response.status().as_u16(), 400);
    let why = response.text().await.unwrap();
    assert!(
        why.contains("ZZ:SOMEONEELSE") && why.contains("ZZ:GLOBEXRETAIL"),
        "{why}"
    );
    let (_, found) = gate
        .get("/api/messages?connector=globex-x12", Some(STAFF))
        .await;
    assert_eq!(found[0]["status"], "invalid");
    let missing = gate
        .post("/edi/nobody", x12_with_control(VALID_850, 505))
        .await;
    assert_eq!(missing.status().as_u16(), 404);
}

/// Flow 6: a cXML OrderRequest takes the same path as an 850.
async fn a_cxml_order_request_is_placed_and_sent(gate: Gate) {
    let response = gate
        .post("/cxml", sample("cxml/order-request-valid.xml"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let number = placed(&response);
    let body = response.text().await.unwrap();
    assert!(body.contains("<Status code=\"200\" text=\"OK\""), "{body}");
    let view = gate.order_in_state(&number, "sent").await;
    assert_eq!(view["po_number"], "PO-2026-0042");
    assert_eq!(view["company"], "NORDWIND");
    assert_eq!(view["channel"], "punchout");
    let (_, found) = gate
        .get("/api/messages?connector=nordwind-cxml", Some(STAFF))
        .await;
    let inbound = found
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "in")
        .unwrap();
    assert_eq!(
        inbound["control_number"],
        "20260105093000.3001.order@acme-procurement.example.com"
    );
    assert_eq!(inbound["status"], "applied");
    let raw = gate.raw(&inbound["id"]).await;
    assert!(
        !raw.contains(NORDWIND_SECRET),
        "the journal keeps no shared secret"
    );
    assert!(raw.contains("<SharedSecret>(redacted)</SharedSecret>"));
    assert!(gate
        .dropped("acme-erp")
        .iter()
        .any(|(_, f)| f.contains(&number)));
}

/// Flow 6's refusal: a wrong shared secret gets a cXML 401 and nothing
/// else happens.
async fn a_wrong_shared_secret_gets_401_and_nothing_else(gate: Gate) {
    let forged = String::from_utf8(sample("cxml/order-request-valid.xml"))
        .unwrap()
        .replace(NORDWIND_SECRET, "guessed");
    let response = gate.post("/cxml", forged.into_bytes()).await;
    assert_eq!(response.status().as_u16(), 401);
    let body = response.text().await.unwrap();
    assert!(body.contains("<Status code=\"401\""), "{body}");
    let (_, page) = gate.get("/api/orders?company=NORDWIND", Some(STAFF)).await;
    assert!(page["rows"].as_array().unwrap().is_empty());
    let (_, found) = gate
        .get("/api/messages?connector=nordwind-cxml", Some(STAFF))
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found:#}");
    assert_eq!(found[0]["status"], "invalid");
    assert_eq!(
        found[0]["control_number"],
        serde_json::Value::Null,
        "a refused payloadID is not burnt"
    );
    // The same document with the right secret is then accepted.
    let good = gate
        .post("/cxml", sample("cxml/order-request-valid.xml"))
        .await;
    assert_eq!(good.status().as_u16(), 200);
}

/// A message received but not applied before the gateway went down is
/// finished when it starts again, once.
async fn unfinished_messages_are_finished_on_restart(gate: Gate) {
    let (_, headers, _) = post_850(&gate, VALID_850, 506).await;
    let number = header(&headers, "edigate-orders");
    // Put the message back to "received", as a crash right after the
    // journal write would have left it.
    let id: i64 = header(&headers, "edigate-message").parse().unwrap();
    {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&gate.database_url).await.unwrap();
        sqlx::query("UPDATE messages SET status = 'received' WHERE id = $1")
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let gate = gate.restart().await;
    let (_, entry) = gate.get(&format!("/api/messages/{id}"), Some(STAFF)).await;
    assert_eq!(entry["status"], "applied", "{entry:#}");
    assert_eq!(entry["orders"], serde_json::json!([number]));
    let (_, page) = gate
        .get("/api/orders?company=GLOBEX-RETAIL", Some(STAFF))
        .await;
    assert_eq!(
        page["rows"].as_array().unwrap().len(),
        1,
        "placed once: {page:#}"
    );
    let acks = gate
        .get(
            "/api/messages?status=delivered&connector=globex-x12",
            Some(STAFF),
        )
        .await
        .1;
    assert_eq!(
        acks.as_array().unwrap().len(),
        1,
        "acknowledged once: {acks:#}"
    );
}

on_both_backends!(
    an_850_is_acknowledged_placed_and_sent_to_the_supplier,
    a_repeated_interchange_changes_nothing,
    an_invalid_850_is_rejected_and_places_nothing,
    an_interchange_from_another_sender_is_refused,
    a_cxml_order_request_is_placed_and_sent,
    a_wrong_shared_secret_gets_401_and_nothing_else,
    unfinished_messages_are_finished_on_restart,
);
