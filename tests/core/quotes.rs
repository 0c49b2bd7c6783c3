//! Quotes: request, proposal, negotiation, acceptance into an order,
//! expiry.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;
use std::collections::BTreeMap;

on_both_backends!(
    negotiated_quote_becomes_an_order_at_the_agreed_prices,
    quotes_expire
);

fn request() -> RequestQuote {
    RequestQuote {
        company: BERLIN.into(),
        brand: "ACME-TOOLS".into(),
        market: "DE".into(),
        lines: vec![
            QuoteLineRequest {
                sku: "DRILL-1".into(),
                quantity: dec("20"),
                target_price: Some(dec("80")),
            },
            QuoteLineRequest {
                sku: "INSTALL-SVC".into(),
                quantity: dec("1"),
                target_price: None,
            },
        ],
    }
}

async fn negotiated_quote_becomes_an_order_at_the_agreed_prices(core: Core) {
    seed(&core).await;
    let alice = Actor::user("alice");
    let seller = Actor::system("sales-desk");
    let number = core
        .request_quote(Some("rfq-1"), &alice, &request())
        .await
        .unwrap();
    assert_eq!(
        core.request_quote(Some("rfq-1"), &alice, &request())
            .await
            .unwrap(),
        number
    );
    let proposed = core
        .propose_quote(
            &seller,
            &number,
            &BTreeMap::from([(1, dec("88"))]),
            today() + chrono::Duration::days(14),
            Some("volume price"),
        )
        .await
        .unwrap();
    assert_eq!(proposed.state, "proposed");
    assert_eq!(proposed.lines[0].proposed_price, Some(dec("88")));
    assert_eq!(
        proposed.lines[1].proposed_price,
        Some(dec("80")),
        "left out: the buyer's list price"
    );
    let countered = core
        .counter_quote(
            &alice,
            &number,
            &BTreeMap::from([(1, dec("84"))]),
            Some("84 and we sign"),
        )
        .await
        .unwrap();
    assert_eq!(
        (countered.state.as_str(), countered.round),
        ("countered", 2)
    );
    let early = core
        .accept_quote(None, &alice, &number, "PO-Q", today())
        .await
        .unwrap_err();
    assert_eq!(
        early.to_string(),
        format!("quote {number} is countered: it cannot be accepted")
    );
    core.propose_quote(
        &seller,
        &number,
        &BTreeMap::from([(1, dec("85"))]),
        today() + chrono::Duration::days(14),
        None,
    )
    .await
    .unwrap();
    let placed = core
        .accept_quote(Some("accept-1"), &alice, &number, "PO-Q", today())
        .await
        .unwrap();
    assert_eq!(placed.total.amount, dec("1780"), "20 × 85 + 80");
    assert_eq!(
        placed.lines[0].price_rule,
        format!("85 per C62 agreed in quote {number}")
    );
    assert_eq!(placed.lines[0].reserved, dec("8"));
    let quote = core.quote(&number).await.unwrap();
    assert_eq!(quote.state, "accepted");
    assert_eq!(quote.order.as_deref(), Some(placed.number.as_str()));
    let actions: Vec<(i64, &str)> = quote.rounds.iter().map(|r| (r.0, r.2.as_str())).collect();
    assert_eq!(
        actions,
        [
            (0, "requested"),
            (1, "proposed"),
            (2, "countered"),
            (3, "proposed"),
            (3, "accepted")
        ]
    );
    let order = core.order(&placed.number).await.unwrap();
    assert_eq!(
        order.timeline[0].source.as_deref(),
        Some(format!("quote {number}").as_str())
    );
}

async fn quotes_expire(core: Core) {
    seed(&core).await;
    let alice = Actor::user("alice");
    let number = core.request_quote(None, &alice, &request()).await.unwrap();
    core.propose_quote(
        &Actor::system("sales-desk"),
        &number,
        &BTreeMap::new(),
        today(),
        None,
    )
    .await
    .unwrap();
    let late = core
        .accept_quote(
            None,
            &alice,
            &number,
            "PO-LATE",
            today() + chrono::Duration::days(1),
        )
        .await
        .unwrap_err();
    assert_eq!(
        late.to_string(),
        format!("quote {number} expired on {}", today())
    );
    assert_eq!(
        core.expire_quotes(today()).await.unwrap(),
        0,
        "valid through its last day"
    );
    assert_eq!(
        core.expire_quotes(today() + chrono::Duration::days(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(core.quote(&number).await.unwrap().state, "expired");
    let fresh = core.request_quote(None, &alice, &request()).await.unwrap();
    let own = core
        .propose_quote(&alice, &fresh, &BTreeMap::new(), today(), None)
        .await
        .unwrap_err();
    assert!(
        own.to_string().starts_with("alice may not propose prices"),
        "{own}"
    );
    let error = core
        .request_quote(None, &Actor::system("x"), &request())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "system:x may not request quotes (only buyers do)"
    );
}
