//! Order history and tracking over real HTTP: a buyer signs in with the
//! company's token outside punchout, filters the orders, follows one to
//! its shipments, tracking and timeline, never sees another company's
//! orders, and signs out; inside punchout, an order goes back into the
//! cart with "Reorder".

use crate::harness::{
    from_acme, on_both_backends, placed, post_acme, sample, x12_with_control, Gate, GLOBEX,
    NORDWIND, NORDWIND_SECRET, STAFF,
};
use crate::punchout::{csrf, setup_request, start_page, Browser};
use serde_json::json;

/// Nordwind's cXML OrderRequest, placed and sent to the supplier.
pub async fn nordwind_order(gate: &Gate) -> String {
    let response = gate
        .post("/cxml", sample("cxml/order-request-valid.xml"))
        .await;
    let number = placed(&response);
    gate.order_in_state(&number, "sent").await;
    number
}

/// Globex's X12 850, placed.
async fn globex_order(gate: &Gate) -> String {
    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", 811),
        )
        .await;
    placed(&response)
}

/// The supplier confirms Nordwind's order and ships its first line.
pub async fn acknowledged_and_shipped(gate: &Gate, number: &str) {
    let confirm = json!({
        "type": "order_response", "id": "OR-H1", "order_id": number, "status": "accepted",
        "lines": [
            { "line_id": "1", "status": "accepted", "item": { "seller_id": "SAG-933-M6X20" },
              "ordered_quantity": { "value": "500", "unit": "EA" }, "confirmed_quantity": { "value": "500", "unit": "EA" } },
            { "line_id": "2", "status": "accepted", "item": { "seller_id": "SAG-FETT-LI2" },
              "ordered_quantity": { "value": "5", "unit": "KGM" }, "confirmed_quantity": { "value": "5", "unit": "KGM" } }
        ]
    });
    let (_, outcome, _) = post_acme(gate, from_acme(confirm, "ORDRSP", 9401)).await;
    assert_eq!(outcome, "applied");
    let ship = json!({
        "type": "despatch_advice", "id": "DN-H1", "ship_date": "2026-11-28",
        "tracking": ["00340434161234567890"], "carrier": { "name": "DHL" },
        "orders": [{ "order_id": number, "packs": [{ "package_type": "PK", "items": [
            { "line_id": "1", "item": { "seller_id": "SAG-933-M6X20" }, "quantity": { "value": "500", "unit": "EA" } }
        ]}]}]
    });
    let (_, outcome, answer) = post_acme(gate, from_acme(ship, "DESADV", 9402)).await;
    assert_eq!(outcome, "applied", "{answer}");
    gate.order_in_state(number, "partially_shipped").await;
}

async fn a_signed_in_buyer_follows_orders_to_their_tracking(gate: Gate) {
    let number = nordwind_order(&gate).await;
    acknowledged_and_shipped(&gate, &number).await;
    let globex = globex_order(&gate).await;

    let mut browser = Browser::new();
    let (status, to, _) = browser.get(&gate.url("/account/orders")).await;
    assert_eq!(
        (status, to.as_deref()),
        (303, Some("/account/login?next=%2Faccount%2Forders"))
    );
    let (status, _, page) = browser
        .post(&gate.url("/account/login"), &[("token", "no-such-token")])
        .await;
    assert_eq!(status, 401);
    assert!(page.contains("This token is not known."), "{page}");
    let (status, _, page) = browser
        .post(&gate.url("/account/login"), &[("token", STAFF)])
        .await;
    assert_eq!(status, 401, "the pages are a buyer's view");
    assert!(page.contains("staff token"), "{page}");
    let (status, to, _) = browser
        .post(&gate.url("/account/login"), &[("token", NORDWIND)])
        .await;
    assert_eq!((status, to.as_deref()), (303, Some("/account/orders")));

    let (status, _, page) = browser.get(&gate.url("/account/orders")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("data-order=\"{number}\"")), "{page}");
    assert!(page.contains("PO-2026-0042") && page.contains("Partially shipped"));
    assert!(
        !page.contains(&globex),
        "another company's order is not listed"
    );
    // Filters narrow the list; a filter that does not read says why.
    let (_, _, page) = browser
        .get(&gate.url("/account/orders?state=partially_shipped&po=PO-2026-0042"))
        .await;
    assert!(page.contains(&format!("data-order=\"{number}\"")), "{page}");
    let (_, _, page) = browser
        .get(&gate.url("/account/orders?state=invoiced"))
        .await;
    assert!(page.contains("No orders match."), "{page}");
    let (_, _, page) = browser
        .get(&gate.url("/account/orders?sku=SAG-FETT-LI2&from=2000-01-01"))
        .await;
    assert!(page.contains(&format!("data-order=\"{number}\"")), "{page}");
    let (status, _, page) = browser
        .get(&gate.url("/account/orders?from=yesterday"))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("is not a date"), "{page}");

    // The order: lines, the shipment with carrier and tracking, timeline.
    let (status, _, page) = browser
        .get(&gate.url(&format!("/account/orders/{number}")))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("00340434161234567890") && page.contains("DHL") && page.contains("DN-H1"),
        "{page}"
    );
    for event in ["acknowledged", "shipped"] {
        assert!(
            page.contains(&format!("data-event=\"{event}\"")),
            "{event}: {page}"
        );
    }
    assert!(page.contains("data-sku=\"SAG-FETT-LI2\""));
    let (status, _, _) = browser
        .get(&gate.url(&format!("/account/orders/{globex}")))
        .await;
    assert_eq!(status, 404, "another company's order does not exist here");

    // Signing out ends the sign-in on the server, not only in the browser.
    let (_, _, page) = browser.get(&gate.url("/account/orders")).await;
    let token = csrf(&page);
    let mut replay = Browser::new();
    let (status, _, _) = browser
        .post(&gate.url("/account/logout"), &[("csrf", "forged")])
        .await;
    assert_eq!(status, 403);
    let cookie = browser.cookie().expect("signed in");
    replay.set_cookie(&cookie);
    let (status, to, _) = browser
        .post(&gate.url("/account/logout"), &[("csrf", &token)])
        .await;
    assert_eq!((status, to.as_deref()), (303, Some("/account/login")));
    let (status, to, _) = replay.get(&gate.url("/account/orders")).await;
    assert_eq!(
        (status, to.as_deref()),
        (303, Some("/account/login?next=%2Faccount%2Forders"))
    );
}

/// A link to an order comes back to it after signing in; a sign-in
/// posted from another site is refused; a sign-in follows its token when
/// the token is given to another company.
async fn links_cross_site_posts_and_moved_tokens(gate: Gate) {
    let number = nordwind_order(&gate).await;
    let globex = globex_order(&gate).await;
    let mut browser = Browser::new();
    let (status, to, _) = browser
        .get(&gate.url(&format!("/account/orders/{number}")))
        .await;
    let login = format!("/account/login?next=%2Faccount%2Forders%2F{number}");
    assert_eq!((status, to.as_deref()), (303, Some(login.as_str())));
    let (_, _, page) = browser.get(&gate.url(&login)).await;
    let next = edigate::oci::fields_from_html(&page)
        .into_iter()
        .find(|(n, _)| n == "next")
        .map(|(_, v)| v);
    assert_eq!(next, Some(format!("/account/orders/{number}")));
    // Only account pages are places to go back to.
    let (_, _, page) = browser
        .get(&gate.url("/account/login?next=https%3A%2F%2Fevil.example%2F"))
        .await;
    assert!(page.contains("value=\"/account/orders\""), "{page}");
    let (status, to, _) = browser
        .post(
            &gate.url("/account/login"),
            &[
                ("token", NORDWIND),
                ("next", &format!("/account/orders/{number}")),
            ],
        )
        .await;
    let back = format!("/account/orders/{number}");
    assert_eq!((status, to.as_deref()), (303, Some(back.as_str())));

    let forged = reqwest::Client::new()
        .post(gate.url("/account/login"))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={NORDWIND}"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert!(forged.headers().get("set-cookie").is_none());

    let store = gate.running.as_ref().unwrap().gateway.store();
    edigate::gateway::world::create_token(store, "moved", NORDWIND, Some("GLOBEX"))
        .await
        .unwrap();
    let (_, _, page) = browser.get(&gate.url("/account/orders")).await;
    assert!(
        page.contains(&format!("data-order=\"{globex}\"")) && !page.contains(&number),
        "the sign-in sees what its token sees now: {page}"
    );
}

async fn each_company_sees_its_own_orders(gate: Gate) {
    let nordwind = nordwind_order(&gate).await;
    let globex = globex_order(&gate).await;
    let mut browser = Browser::new();
    browser
        .post(&gate.url("/account/login"), &[("token", GLOBEX)])
        .await;
    let (_, _, page) = browser.get(&gate.url("/account/orders")).await;
    assert!(page.contains(&format!("data-order=\"{globex}\"")), "{page}");
    assert!(!page.contains(&nordwind));
    let (status, _, _) = browser
        .get(&gate.url(&format!("/account/orders/{nordwind}")))
        .await;
    assert_eq!(status, 404);
}

async fn an_order_goes_back_into_the_punchout_cart(gate: Gate) {
    let number = nordwind_order(&gate).await;
    let globex = globex_order(&gate).await;
    let response = gate
        .post(
            "/cxml",
            setup_request("create", NORDWIND_SECRET, "http://127.0.0.1:9/return", ""),
        )
        .await;
    let start = start_page(&response.text().await.unwrap()).expect("a StartPage");
    let mut browser = Browser::new();
    browser.get(&start).await;

    let (status, _, page) = browser.get(&gate.url("/shop/orders")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("data-order=\"{number}\"")), "{page}");
    assert!(page.contains("Erneut bestellen") && !page.contains(&globex));
    let (status, _, page) = browser
        .get(&gate.url(&format!("/shop/orders/{number}")))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("PO-2026-0042"), "{page}");
    // In the shop the history speaks the market's language.
    assert!(
        page.contains("Bestellnummer") && page.contains("An Lieferanten gesandt"),
        "{page}"
    );
    let token = csrf(&page);

    let (status, _, _) = browser
        .post(
            &gate.url("/shop/reorder"),
            &[("csrf", &token), ("number", &globex)],
        )
        .await;
    assert_eq!(status, 404, "another company's order is not reordered");
    let (status, to, _) = browser
        .post(
            &gate.url("/shop/reorder"),
            &[("csrf", &token), ("number", &number)],
        )
        .await;
    assert_eq!((status, to.as_deref()), (303, Some("/shop/cart")));
    let (_, _, cart) = browser.get(&gate.url("/shop/cart")).await;
    for (sku, quantity) in [("SAG-933-M6X20", "500"), ("SAG-FETT-LI2", "5")] {
        let row = &cart[cart.find(&format!("data-sku=\"{sku}\"")).expect(sku)..];
        assert!(
            row[..row.find("</tr>").unwrap()].contains(&format!("value=\"{quantity}\"")),
            "{sku}: {cart}"
        );
    }
    let (status, _, _) = browser
        .post(
            &gate.url("/shop/reorder"),
            &[("csrf", "forged"), ("number", &number)],
        )
        .await;
    assert_eq!(status, 403);
}

on_both_backends!(
    a_signed_in_buyer_follows_orders_to_their_tracking,
    each_company_sees_its_own_orders,
    links_cross_site_posts_and_moved_tokens,
    an_order_goes_back_into_the_punchout_cart,
);
