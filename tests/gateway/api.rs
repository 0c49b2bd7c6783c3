//! The REST API: tokens scoped to a company see only that company's
//! business; orders through the API; the OpenAPI document; health,
//! readiness and metrics.

use crate::harness::{
    on_both_backends, placed, sample, x12_with_control, Gate, GLOBEX, NORDWIND, STAFF,
};

async fn place_globex_order(gate: &Gate, control: u32) -> String {
    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", control),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    placed(&response)
}

/// A buyer's token never sees another company's orders, prices or
/// messages; staff see everything; no token sees nothing.
async fn a_buyer_sees_only_its_own_company(gate: Gate) {
    let number = place_globex_order(&gate, 601).await;
    let path = format!("/api/orders/{number}");
    assert_eq!(gate.get(&path, Some(GLOBEX)).await.0, 200);
    assert_eq!(gate.get(&path, Some(STAFF)).await.0, 200);
    let (status, body) = gate.get(&path, Some(NORDWIND)).await;
    assert_eq!(status, 404, "as if it did not exist: {body}");
    assert_eq!(gate.get(&path, None).await.0, 401);
    assert_eq!(gate.get(&path, Some("not-a-token")).await.0, 401);

    // Lists: the buyer's own, by default; another company's: not found.
    let (_, own) = gate.get("/api/orders", Some(GLOBEX)).await;
    assert_eq!(own["rows"].as_array().unwrap().len(), 1, "{own:#}");
    assert_eq!(
        gate.get("/api/orders?company=GLOBEX-RETAIL", Some(NORDWIND))
            .await
            .0,
        404
    );
    let (_, theirs) = gate.get("/api/orders", Some(NORDWIND)).await;
    assert!(theirs["rows"].as_array().unwrap().is_empty());

    // Messages: Nordwind sees none of Globex's.
    let (_, globex_sees) = gate.get("/api/messages", Some(GLOBEX)).await;
    assert!(!globex_sees.as_array().unwrap().is_empty());
    let (_, nordwind_sees) = gate.get("/api/messages", Some(NORDWIND)).await;
    assert!(
        nordwind_sees.as_array().unwrap().is_empty(),
        "{nordwind_sees:#}"
    );
    let id = globex_sees[0]["id"].clone();
    assert_eq!(
        gate.get(&format!("/api/messages/{id}"), Some(NORDWIND))
            .await
            .0,
        404
    );
    assert_eq!(
        gate.get(&format!("/api/messages/{id}/raw"), Some(NORDWIND))
            .await
            .0,
        404
    );

    // Prices: the buyer's own company only.
    let (status, price) = gate
        .get("/api/prices?sku=AC-1001&market=US", Some(GLOBEX))
        .await;
    assert_eq!(status, 200, "{price}");
    assert_eq!(price["unit_price"]["amount"], "4.25", "{price:#}");
    let (status, _) = gate
        .get(
            "/api/prices?sku=AC-1001&market=US&company=GLOBEX-RETAIL",
            Some(NORDWIND),
        )
        .await;
    assert_eq!(status, 404);

    // Connectors are staff business.
    assert_eq!(gate.get("/api/connectors", Some(GLOBEX)).await.0, 403);
    let (_, connectors) = gate.get("/api/connectors", Some(STAFF)).await;
    assert_eq!(connectors.as_array().unwrap().len(), 4);
}

/// An order placed through the API with an Idempotency-Key is placed once
/// however often it is posted, and goes to the supplier like any other.
async fn an_api_order_is_placed_once_per_key(gate: Gate) {
    let body = serde_json::json!({
        "brand": "ACME", "market": "US", "company": "GLOBEX-RETAIL",
        "order": {
            "id": "API-PO-1",
            "lines": [{ "id": "1", "item": { "seller_id": "AC-2040" },
                        "quantity": { "value": "10", "unit": "EA" } }]
        }
    });
    let post = |token: &'static str| {
        gate.http
            .post(gate.url("/api/orders"))
            .bearer_auth(token)
            .header("Idempotency-Key", "k-1")
            .json(&body)
            .send()
    };
    let first = post(GLOBEX).await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let again: serde_json::Value = post(GLOBEX).await.unwrap().json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first["total"]["amount"], "21", "{first:#}");
    let number = first["number"].as_str().unwrap();
    gate.order_in_state(number, "sent").await;
    // Nordwind cannot order for Globex.
    assert_eq!(post(NORDWIND).await.unwrap().status().as_u16(), 404);
}

/// Every path the OpenAPI document names answers (with our JSON or the
/// endpoint's own error, never the router's bare 404), and the
/// operational endpoints work.
async fn the_documented_paths_exist_and_operations_answer(gate: Gate) {
    let (status, doc) = gate.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{}", paths.len());
    for (path, operations) in paths {
        let concrete = path
            .replace("{connector}", "globex-x12")
            .replace("{number}", "SO99999999")
            .replace("{id}", "999999");
        for method in operations.as_object().unwrap().keys() {
            let concrete = concrete
                .replace("{list}", "BASE-US")
                .replace("{sku}", "NO-SUCH-SKU")
                .replace("{code}", "GLOBEX-RETAIL")
                .replace("{cost_center}", "CC-1");
            let request = match method.as_str() {
                "get" => gate.http.get(gate.url(&concrete)),
                "post" => gate.http.post(gate.url(&concrete)).body("x"),
                "put" => gate
                    .http
                    .put(gate.url(&concrete))
                    .json(&serde_json::json!({"price": "1", "from": "2026-01-01", "to": "2026-12-31", "amount": "1", "currency": "USD"})),
                other => panic!("{other}"),
            };
            let response = request.bearer_auth(STAFF).send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            let bare_router_404 = status == 404 && body.is_empty();
            assert!(
                !bare_router_404 && status != 405,
                "{method} {path}: {status} {body}"
            );
        }
    }
    assert_eq!(gate.get("/health", None).await.0, 200);
    assert_eq!(gate.get("/ready", None).await.0, 200);
    place_globex_order(&gate, 602).await;
    let metrics = gate
        .http
        .get(gate.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "edigate_messages_total{connector=\"globex-x12\",format=\"x12\",direction=\"in\",outcome=\"applied\"} 1"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("edigate_inbound_seconds_bucket"),
        "{metrics}"
    );
    let _ = sample;
}

async fn price_of(gate: &Gate, sku: &str) -> String {
    let url = format!("/api/prices?sku={sku}&market=US&company=GLOBEX-RETAIL");
    let (_, resolution) = gate.get(&url, Some(STAFF)).await;
    resolution["unit_price"]["amount"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The catalog, the company and its budgets, within the token's scope.
async fn catalog_company_and_budgets(gate: Gate) {
    let (status, catalog) = gate.get("/api/catalog?market=US", Some(GLOBEX)).await;
    assert_eq!(status, 200, "{catalog}");
    let skus: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["AC-1001", "AC-2040", "AC-3300"]);
    assert_eq!(
        gate.get(
            "/api/catalog?market=US&company=GLOBEX-RETAIL",
            Some(NORDWIND)
        )
        .await
        .0,
        404
    );
    let (_, company) = gate.get("/api/companies/GLOBEX-RETAIL", Some(GLOBEX)).await;
    assert_eq!(company["name"], "Globex Retail");
    assert_eq!(
        gate.get("/api/companies/NORDWIND", Some(GLOBEX)).await.0,
        404
    );

    let set = |token: &'static str| {
        gate.http
            .put(gate.url("/api/companies/GLOBEX-RETAIL/budgets/CC-7"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "from": "2026-01-01", "to": "2026-12-31", "amount": "5000", "currency": "USD" }))
            .send()
    };
    assert_eq!(
        set(GLOBEX).await.unwrap().status().as_u16(),
        403,
        "buyers do not set budgets"
    );
    let response = set(STAFF).await.unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    // A budget belongs to a cost center; Globex Retail has none called CC-7.
    assert!(status == 404 || status == 422, "{status} {body}");
}

/// Flow 7: a price set through the API applies at once, and Globex (which
/// subscribes to price catalogs) gets it as an 832.
async fn a_price_change_applies_at_once_and_reaches_subscribers(gate: Gate) {
    assert_eq!(price_of(&gate, "AC-1001").await, "4.25");
    let put = |token: &'static str| {
        gate.http
            .put(gate.url("/api/price-lists/BASE-US/prices/AC-1001"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "price": "3.99" }))
            .send()
    };
    assert_eq!(
        put(GLOBEX).await.unwrap().status().as_u16(),
        403,
        "buyers do not set prices"
    );
    let set: serde_json::Value = put(STAFF).await.unwrap().json().await.unwrap();
    assert_eq!(set["announced_to"], 1, "{set}");
    assert_eq!(price_of(&gate, "AC-1001").await, "3.99", "at once");

    let mut catalog = Vec::new();
    for _ in 0..200 {
        catalog = gate.dropped("globex");
        if !catalog.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(catalog.len(), 1, "{catalog:?}");
    assert!(catalog[0].1.contains("ST*832*"), "{}", catalog[0].1);
    assert!(
        catalog[0].1.contains("AC-1001") && catalog[0].1.contains("3.99"),
        "{}",
        catalog[0].1
    );

    let number = place_globex_order(&gate, 603).await;
    let (_, view) = gate
        .get(&format!("/api/orders/{number}"), Some(STAFF))
        .await;
    assert_eq!(
        view["lines"][0]["unit_price"], "3.99",
        "new orders take the new price"
    );
}

/// A message that failed for want of master data is processed again once
/// the data is there, and placed once however often it is reprocessed; an
/// outbound message is sent again byte for byte.
async fn reprocess_and_resend(gate: Gate) {
    let text = String::from_utf8(x12_with_control("x12/850/850-004010-valid.edi", 604)).unwrap();
    let unknown = text.replace("VN*AC-1001", "VN*AC-9999");
    let response = gate.post("/edi/globex-x12", unknown.into_bytes()).await;
    assert_eq!(response.headers()["edigate-status"], "failed");
    let id = response.headers()["edigate-message"]
        .to_str()
        .unwrap()
        .to_string();
    let reprocess = || {
        gate.http
            .post(gate.url(&format!("/api/messages/{id}/reprocess")))
            .bearer_auth(STAFF)
            .send()
    };
    let still: serde_json::Value = reprocess().await.unwrap().json().await.unwrap();
    assert_eq!(still["status"], "failed", "nothing changed yet");

    // The missing product arrives (through the core, as an admin would).
    let core = edigate::core::Core::new(
        edigate::store::Store::open(&gate.database_url)
            .await
            .unwrap(),
    );
    let by = edigate::core::Actor::system("test");
    let product: edigate::core::NewProduct = serde_json::from_value(serde_json::json!({
        "sku": "AC-9999", "brand": "ACME", "kind": "product", "name": "widget, new",
        "base_unit": "EA", "markets": ["US"]
    }))
    .unwrap();
    core.create_product(&by, &product).await.unwrap();
    core.set_price(
        &by,
        "BASE-US",
        "AC-9999",
        rust_decimal::Decimal::ZERO,
        "4.40".parse().unwrap(),
    )
    .await
    .unwrap();

    let fixed: serde_json::Value = reprocess().await.unwrap().json().await.unwrap();
    assert_eq!(fixed["status"], "applied", "{fixed}");
    let again: serde_json::Value = reprocess().await.unwrap().json().await.unwrap();
    assert_eq!(again["status"], "applied");
    let (_, page) = gate
        .get("/api/orders?company=GLOBEX-RETAIL", Some(STAFF))
        .await;
    assert_eq!(
        page["rows"].as_array().unwrap().len(),
        1,
        "placed once: {page:#}"
    );
    let number = page["rows"][0]["number"].as_str().unwrap().to_string();
    gate.order_in_state(&number, "sent").await;

    let (_, sent) = gate
        .get("/api/messages?connector=acme-erp", Some(STAFF))
        .await;
    let orders_id = sent[0]["id"].clone();
    let resend = gate
        .http
        .post(gate.url(&format!("/api/messages/{orders_id}/resend")))
        .bearer_auth(STAFF)
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status().as_u16(), 202);
    let mut files = Vec::new();
    for _ in 0..200 {
        files = gate.dropped("acme-erp");
        if files.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(files.len(), 2, "{files:?}");
    assert_eq!(
        files[0].1, files[1].1,
        "the same bytes, the same control numbers"
    );
    let csv = gate
        .http
        .get(gate.url("/api/orders.csv"))
        .bearer_auth(GLOBEX)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().count() == 2 && csv.contains(&number), "{csv}");
}

on_both_backends!(
    a_buyer_sees_only_its_own_company,
    an_api_order_is_placed_once_per_key,
    the_documented_paths_exist_and_operations_answer,
    a_price_change_applies_at_once_and_reaches_subscribers,
    reprocess_and_resend,
    catalog_company_and_budgets,
);
