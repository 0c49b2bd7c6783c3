//! Flows 2 to 5: the supplier's ORDRSP, DESADV, INVOIC and INVRPT (EDIFACT
//! D96A, posted or dropped as files) move the order, reach the buyer in
//! its own syntax and by webhook, and change what the next order sees.

use crate::harness::{
    from_acme, on_both_backends, placed, post_acme, x12_with_control, Gate, STAFF, WEBHOOK_SECRET,
};
use serde_json::json;
use std::sync::{Arc, Mutex};

async fn placed_and_sent(gate: &Gate, control: u32) -> String {
    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", control),
        )
        .await;
    let number = placed(&response);
    gate.order_in_state(&number, "sent").await;
    number
}

fn ordrsp(number: &str) -> serde_json::Value {
    json!({
        "type": "order_response", "id": "OR-77", "order_id": number,
        "issue_date": "2026-11-27", "status": "accepted_with_changes",
        "lines": [
            { "line_id": "1", "status": "accepted", "item": { "seller_id": "AC-1001" },
              "ordered_quantity": { "value": "120", "unit": "EA" },
              "confirmed_quantity": { "value": "120", "unit": "EA" }, "delivery_date": "2026-12-04" },
            { "line_id": "2", "status": "accepted", "item": { "seller_id": "AC-2040" },
              "ordered_quantity": { "value": "60", "unit": "EA" },
              "confirmed_quantity": { "value": "60", "unit": "EA" } },
            { "line_id": "3", "status": "rejected", "item": { "seller_id": "AC-3300" },
              "ordered_quantity": { "value": "24", "unit": "XBX" },
              "confirmed_quantity": { "value": "0", "unit": "XBX" } }
        ]
    })
}

fn desadv(number: &str) -> serde_json::Value {
    json!({
        "type": "despatch_advice", "id": "DN-501", "issue_date": "2026-11-28", "ship_date": "2026-11-28",
        "carrier": { "name": "UPS" }, "tracking": ["1Z999AA10123456784"],
        "orders": [{ "order_id": number, "packs": [{ "package_type": "PK", "packs": [{ "package_type": "PK", "items": [
            { "line_id": "1", "item": { "seller_id": "AC-1001" }, "quantity": { "value": "120", "unit": "EA" } },
            { "line_id": "2", "item": { "seller_id": "AC-2040" }, "quantity": { "value": "60", "unit": "EA" } }
        ]}]}]}]
    })
}

fn invoic(number: &str) -> serde_json::Value {
    json!({
        "type": "invoice", "id": "INV-9001", "kind": "commercial", "issue_date": "2026-11-29",
        "currency": "USD", "order_id": number,
        "lines": [
            { "id": "1", "order_line_id": "1", "item": { "seller_id": "AC-1001" },
              "quantity": { "value": "130", "unit": "EA" },
              "price": { "amount": { "value": "4.25", "currency": "USD" } },
              "line_amount": { "value": "552.50", "currency": "USD" } },
            { "id": "2", "order_line_id": "2", "item": { "seller_id": "AC-2040" },
              "quantity": { "value": "60", "unit": "EA" },
              "price": { "amount": { "value": "2.10", "currency": "USD" } },
              "line_amount": { "value": "126", "currency": "USD" } }
        ],
        "totals": { "line_total": { "value": "678.50", "currency": "USD" } }
    })
}

fn invrpt(on_hand: &str) -> serde_json::Value {
    json!({
        "type": "inventory_report", "id": "STK-1", "issue_date": "2026-11-29",
        "reporter": { "ids": [{ "scheme": "buyer_assigned", "value": "DAYTON" }], "name": "Acme Dayton" },
        "entries": [{ "item": { "seller_id": "AC-2040" },
                      "location": { "ids": [{ "scheme": "buyer_assigned", "value": "DAYTON" }] },
                      "on_hand": { "value": on_hand, "unit": "EA" } }]
    })
}

/// Flows 2 to 5 in one order's life.
async fn the_suppliers_answers_move_the_order_and_reach_the_buyer(gate: Gate) {
    let number = placed_and_sent(&gate, 701).await;

    // 2: ORDRSP → acknowledged per line; the buyer gets an X12 855.
    let (status, outcome, contrl) =
        post_acme(&gate, from_acme(ordrsp(&number), "ORDRSP", 9001)).await;
    assert_eq!((status, outcome.as_str()), (200, "applied"), "{contrl}");
    assert!(
        contrl.contains("UNH+") && contrl.contains("CONTRL:"),
        "a CONTRL answers: {contrl}"
    );
    let view = gate.order_in_state(&number, "acknowledged").await;
    let statuses: Vec<&str> = view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "accepted", "rejected"], "{view:#}");
    let files = wait_for_files(&gate, "globex", 1).await;
    let x855 = &files[0].1;
    assert!(x855.contains("ST*855*"), "{x855}");
    assert!(
        x855.contains("*4500012345*"),
        "the buyer's PO number: {x855}"
    );

    // 3: DESADV → shipped with tracking; the buyer gets an X12 856.
    let (_, outcome, contrl) = post_acme(&gate, from_acme(desadv(&number), "DESADV", 9002)).await;
    let (_, journal) = gate
        .get(
            "/api/messages?connector=acme-erp&document=DESADV",
            Some(STAFF),
        )
        .await;
    assert_eq!(outcome, "applied", "{contrl}\n{journal:#}");
    let view = gate.order_in_state(&number, "shipped").await;
    assert_eq!(view["lines"][0]["shipped"], "120");
    let files = wait_for_files(&gate, "globex", 2).await;
    assert!(files[1].1.contains("ST*856*"), "{files:#?}");
    assert!(
        files[1].1.contains("1Z999AA10123456784"),
        "tracking reaches the buyer: {}",
        files[1].1
    );

    // 4: INVOIC → invoiced, with the over-invoiced line flagged.
    let (_, outcome, _) = post_acme(&gate, from_acme(invoic(&number), "INVOIC", 9003)).await;
    assert_eq!(outcome, "applied");
    let view = gate.order_in_state(&number, "invoiced").await;
    let invoiced = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "invoiced")
        .unwrap();
    let mismatches = invoiced["detail"]["mismatches"].as_array().unwrap();
    assert!(
        mismatches.iter().any(|m| m
            .as_str()
            .unwrap()
            .contains("line 1 (AC-1001): invoiced 130, ordered 120")),
        "{invoiced:#}"
    );
    assert!(
        mismatches
            .iter()
            .any(|m| m.as_str().unwrap().contains("invoiced lines total 678.5")),
        "{invoiced:#}"
    );

    // 5: INVRPT dropped as a file → stock updated; the next order sees it.
    let inbound = gate.dir.join("var/inbound/acme-erp");
    std::fs::create_dir_all(&inbound).unwrap();
    std::fs::write(
        inbound.join(".stock.edi.part"),
        from_acme(invrpt("7"), "INVRPT", 9004),
    )
    .unwrap();
    std::fs::rename(inbound.join(".stock.edi.part"), inbound.join("stock.edi")).unwrap();
    let done = wait_for(|| {
        std::fs::read_dir(inbound.join("done"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 1
    })
    .await;
    assert!(done, "the file is moved to done/");
    // A file has no answer to carry the CONTRL: it goes out through the
    // supplier's outbound transport, beside the ORDERS.
    let contrl_sent = wait_for(|| {
        gate.dropped("acme-erp")
            .iter()
            .any(|(_, f)| f.contains("CONTRL"))
    })
    .await;
    assert!(contrl_sent, "{:?}", gate.dropped("acme-erp"));
    let next = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", 702),
        )
        .await;
    let next_number = placed(&next);
    let (_, next_view) = gate
        .get(&format!("/api/orders/{next_number}"), Some(STAFF))
        .await;
    assert_eq!(next_view["lines"][1]["sku"], "AC-2040");
    assert_eq!(next_view["lines"][1]["reserved"], "7", "{next_view:#}");

    // Every supplier message is journalled with its CONTRL and linked.
    let (_, messages) = gate
        .get(&format!("/api/messages?order={number}"), Some(STAFF))
        .await;
    let documents: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["document"].as_str())
        .collect();
    for expected in ["850", "ORDERS", "ORDRSP", "DESADV", "INVOIC", "855", "856"] {
        assert!(documents.contains(&expected), "{expected} in {documents:?}");
    }
}

/// A supplier message that names an unknown order is journalled as failed,
/// its CONTRL still sent, and nothing changes.
async fn a_response_for_an_unknown_order_fails_and_changes_nothing(gate: Gate) {
    let (status, outcome, _) =
        post_acme(&gate, from_acme(ordrsp("SO99999999"), "ORDRSP", 9101)).await;
    assert_eq!((status, outcome.as_str()), (200, "failed"));
    let (_, found) = gate
        .get(
            "/api/messages?connector=acme-erp&status=failed",
            Some(STAFF),
        )
        .await;
    let errors = found[0]["errors"].to_string();
    assert!(errors.contains("SO99999999"), "{errors}");
}

async fn wait_for(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if condition() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

async fn wait_for_files(gate: &Gate, connector: &str, n: usize) -> Vec<(String, String)> {
    wait_for(|| gate.dropped(connector).len() >= n).await;
    let files = gate.dropped(connector);
    assert_eq!(files.len(), n, "{files:?}");
    files
}

on_both_backends!(
    the_suppliers_answers_move_the_order_and_reach_the_buyer,
    a_response_for_an_unknown_order_fails_and_changes_nothing,
    the_suppliers_contrl_acknowledges_our_orders,
    canonical_json_from_a_connector_is_applied_once,
);

/// The buyer's webhook gets each event, signed; a webhook that fails is
/// retried, and does not hold up the buyer's file drop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_and_retried() {
    let received: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let fail_first = Arc::new(Mutex::new(true));
    let app = {
        let received = received.clone();
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let received = received.clone();
                let fail_first = fail_first.clone();
                async move {
                    let mut fail = fail_first.lock().unwrap();
                    if *fail {
                        *fail = false;
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let header = |n: &str| {
                        headers
                            .get(n)
                            .map(|v| v.to_str().unwrap().to_string())
                            .unwrap_or_default()
                    };
                    received.lock().unwrap().push((
                        header("edigate-timestamp"),
                        header("edigate-signature"),
                        body,
                    ));
                    axum::http::StatusCode::NO_CONTENT
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let gate = Gate::sqlite_with(|dir| {
        let file = dir.join("connectors/globex-x12.toml");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str(&format!(
            "\n[[outbound]]\ntransport = \"webhook\"\nurl = \"{hook}\"\nsecret_env = \"EDIGATE_TEST_WEBHOOK_SECRET\"\n\n[retry]\nattempts = 5\nbackoff_ms = 50\n"
        ));
        std::fs::write(file, text).unwrap();
    })
    .await;
    let number = placed_and_sent(&gate, 801).await;
    post_acme(&gate, from_acme(ordrsp(&number), "ORDRSP", 9201)).await;
    assert!(
        wait_for(|| !received.lock().unwrap().is_empty()).await,
        "the webhook was called again after failing"
    );
    let (timestamp, signature, body) = received.lock().unwrap()[0].clone();
    let expected = edigate::gateway::webhook::signature(
        WEBHOOK_SECRET,
        timestamp.parse().unwrap(),
        body.as_bytes(),
    );
    assert_eq!(signature, expected);
    let event: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["event"], "order_response");
    assert_eq!(event["order"], number.as_str());
    assert_eq!(event["document"]["order_id"], "4500012345");
}

/// Flows 2 and 3 for a procurement system: the supplier's ORDRSP and
/// DESADV reach Nordwind as a cXML ConfirmationRequest and
/// ShipNoticeRequest, posted with the shared secret and pointing back at
/// the OrderRequest's payloadID; the journal keeps them without the secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_procurement_system_gets_confirmations_and_ship_notices_in_cxml() {
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let app = {
        let received = received.clone();
        axum::Router::new().route(
            "/cxml",
            axum::routing::post(move |body: String| {
                let received = received.clone();
                async move {
                    received.lock().unwrap().push(body);
                    "<?xml version=\"1.0\"?><cXML payloadID=\"r@buyer\" timestamp=\"2026-11-27T10:00:00+00:00\"><Response><Status code=\"200\" text=\"OK\"/></Response></cXML>"
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cxml", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let gate = Gate::sqlite_with(|dir| {
        let file = dir.join("connectors/nordwind-cxml.toml");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str(&format!(
            "\n[[outbound]]\ntransport = \"http\"\nurl = \"{url}\"\n"
        ));
        std::fs::write(file, text).unwrap();
    })
    .await;
    let number = crate::account::nordwind_order(&gate).await;
    let confirm = json!({
        "type": "order_response", "id": "OR-N1", "order_id": number, "status": "accepted",
        "lines": [
            { "line_id": "1", "status": "accepted", "item": { "seller_id": "SAG-933-M6X20" },
              "ordered_quantity": { "value": "500", "unit": "EA" }, "confirmed_quantity": { "value": "500", "unit": "EA" } },
            { "line_id": "2", "status": "accepted", "item": { "seller_id": "SAG-FETT-LI2" },
              "ordered_quantity": { "value": "5", "unit": "KGM" }, "confirmed_quantity": { "value": "5", "unit": "KGM" } }
        ]
    });
    let (_, outcome, _) = post_acme(&gate, from_acme(confirm, "ORDRSP", 9301)).await;
    assert_eq!(outcome, "applied");
    assert!(
        wait_for(|| received.lock().unwrap().len() == 1).await,
        "the ConfirmationRequest was posted"
    );
    let confirmation = received.lock().unwrap()[0].clone();
    assert!(
        confirmation.contains("<ConfirmationRequest>"),
        "{confirmation}"
    );
    assert!(confirmation.contains("type=\"accept\""), "{confirmation}");
    assert!(
        confirmation
            .contains("payloadID=\"20260105093000.3001.order@acme-procurement.example.com\""),
        "points back at the OrderRequest: {confirmation}"
    );
    assert!(
        confirmation.contains("<SharedSecret>example-shared-secret-not-real</SharedSecret>"),
        "{confirmation}"
    );
    assert!(
        confirmation.contains("<Identity>NORDWIND-HANDEL</Identity>"),
        "{confirmation}"
    );

    let ship = json!({
        "type": "despatch_advice", "id": "DN-N1", "ship_date": "2026-11-28", "tracking": ["00340434161234567890"],
        "carrier": { "name": "DHL" },
        "orders": [{ "order_id": number, "packs": [{ "package_type": "PK", "packs": [{ "package_type": "PK", "items": [
            { "line_id": "1", "item": { "seller_id": "SAG-933-M6X20" }, "quantity": { "value": "500", "unit": "EA" } }
        ]}]}]}]
    });
    let (_, outcome, _) = post_acme(&gate, from_acme(ship, "DESADV", 9302)).await;
    assert_eq!(outcome, "applied");
    assert!(
        wait_for(|| received.lock().unwrap().len() == 2).await,
        "the ShipNoticeRequest was posted"
    );
    let notice = received.lock().unwrap()[1].clone();
    assert!(
        notice.contains("<ShipNoticeRequest>") && notice.contains("00340434161234567890"),
        "{notice}"
    );

    let (_, messages) = gate
        .get(
            "/api/messages?connector=nordwind-cxml&status=delivered",
            Some(STAFF),
        )
        .await;
    let journalled = messages
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["document"] == "ConfirmationRequest")
        .expect("journalled");
    let raw = gate.raw(&journalled["id"]).await;
    assert!(
        raw.contains("<SharedSecret>(redacted)</SharedSecret>"),
        "{raw}"
    );
}

/// The supplier's CONTRL for our ORDERS moves that message to
/// acknowledged in the journal (and is not answered with a CONTRL).
async fn the_suppliers_contrl_acknowledges_our_orders(gate: Gate) {
    let number = placed_and_sent(&gate, 711).await;
    let (_, sent) = gate
        .get(
            &format!("/api/messages?order={number}&connector=acme-erp"),
            Some(STAFF),
        )
        .await;
    let orders = sent
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["document"] == "ORDERS")
        .expect("the ORDERS we sent")
        .clone();
    let reference = orders["control_number"].as_str().unwrap();
    let contrl = format!(
        "UNA:+.? 'UNB+UNOC:3+ACMEERP:ZZZ+EDIGATE:ZZZ+261127:1200+C{reference}'UNH+1+CONTRL:D:3:UN'UCI+{reference}+EDIGATE:ZZZ+ACMEERP:ZZZ+7'UNT+3+1'UNZ+1+C{reference}'"
    );
    let response = gate.post("/edi/acme-erp", contrl.into_bytes()).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["edigate-status"], "applied");
    assert!(
        response.text().await.unwrap().is_empty(),
        "a CONTRL is not answered"
    );
    let (_, entry) = gate
        .get(&format!("/api/messages/{}", orders["id"]), Some(STAFF))
        .await;
    assert_eq!(entry["status"], "acknowledged", "{entry:#}");
}

/// A supplier system that speaks canonical JSON posts its acknowledgment
/// to the REST API: applied like an ORDRSP, forwarded to the buyer as an
/// 855, and a retried post with the same Idempotency-Key changes nothing.
async fn canonical_json_from_a_connector_is_applied_once(gate: Gate) {
    let number = placed_and_sent(&gate, 721).await;
    let post = |body: serde_json::Value, key: &'static str| {
        gate.http
            .post(gate.url("/api/connectors/acme-erp/documents"))
            .bearer_auth(STAFF)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = post(ordrsp(&number), "ack-721").await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["status"], "applied", "{first}");
    assert_eq!(first["orders"], json!([number]));
    gate.order_in_state(&number, "acknowledged").await;
    let again = post(ordrsp(&number), "ack-721").await.unwrap();
    assert_eq!(again.headers()["edigate-status"], "duplicate");
    assert!(wait_for_files(&gate, "globex", 1).await[0]
        .1
        .contains("ST*855*"));
    let bad = post(json!({ "type": "order_response" }), "ack-bad")
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
}
