//! Price resolution with its explanation, rule changes with their audit
//! trail.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;

on_both_backends!(
    nearest_customer_list_beats_the_base_list_and_says_why,
    quantity_tiers_and_contract_validity,
    promotions_apply_to_the_winner,
    price_changes_take_effect_at_once_with_an_audit_trail,
    only_admins_of_the_company_change_its_prices,
);

fn query(company: &str, sku: &str, quantity: &str) -> PriceQuery {
    PriceQuery {
        sku: sku.into(),
        company: company.into(),
        market: "DE".into(),
        quantity: dec(quantity),
        on: today(),
    }
}

async fn nearest_customer_list_beats_the_base_list_and_says_why(core: Core) {
    seed(&core).await;
    let price = core
        .resolve_price(&query(BERLIN, "DRILL-1", "1"))
        .await
        .unwrap();
    assert_eq!(price.unit_price, Money::new(dec("95"), "EUR"));
    assert_eq!(
        price.winner.list, "GLOBEX-DE-LIST",
        "inherited from GLOBEX-DE"
    );
    assert_eq!(price.considered[1].list, "BASE-DE");
    assert_eq!(
        price.considered[1].outcome,
        "beaten by GLOBEX-DE-LIST: a customer list ranks above a base list"
    );
    // A list attached nearer the buyer wins over one further up, even
    // when dearer.
    let list = NewPriceList {
        code: "BERLIN-LIST".into(),
        name: "Berlin".into(),
        kind: PriceListKind::Customer,
        currency: "EUR".into(),
        market: None,
        company: Some(BERLIN.into()),
        valid_from: None,
        valid_to: None,
    };
    core.create_price_list(&admin(), &list).await.unwrap();
    core.set_price(&admin(), "BERLIN-LIST", "DRILL-1", dec("0"), dec("97"))
        .await
        .unwrap();
    let price = core
        .resolve_price(&query(BERLIN, "DRILL-1", "1"))
        .await
        .unwrap();
    assert_eq!(price.winner.list, "BERLIN-LIST");
    let beaten = price
        .considered
        .iter()
        .find(|c| c.list == "GLOBEX-DE-LIST")
        .unwrap();
    assert_eq!(
        beaten.outcome,
        "beaten by BERLIN-LIST: the winner is attached nearer the buyer (though cheaper)"
    );
    let munich = core
        .resolve_price(&query(MUNICH, "DRILL-1", "1"))
        .await
        .unwrap();
    assert_eq!(
        munich.winner.list, "GLOBEX-DE-LIST",
        "a sibling's list does not apply"
    );
    let explanation = price.explanation();
    assert_eq!(
        explanation[0],
        "97 EUR from customer list BERLIN-LIST of GLOBEX-DE-OPS-BERLIN (tier from 0)"
    );
    // No price at all is an error that names what was asked.
    let error = core
        .resolve_price(&PriceQuery {
            market: "US".into(),
            ..query(BERLIN, "SAW-1", "1")
        })
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("no price for SAW-1 in market US for GLOBEX-DE-OPS-BERLIN"),
        "{error}"
    );
}

async fn quantity_tiers_and_contract_validity(core: Core) {
    seed(&core).await;
    let base = core
        .resolve_price(&query(MUNICH, "SAW-1", "12"))
        .await
        .unwrap();
    assert_eq!(base.unit_price.amount, dec("50"));
    core.set_price(&admin(), "BASE-DE", "SAW-1", dec("10"), dec("45"))
        .await
        .unwrap();
    let tiered = core
        .resolve_price(&query(MUNICH, "SAW-1", "12"))
        .await
        .unwrap();
    assert_eq!(tiered.unit_price.amount, dec("45"));
    assert_eq!(tiered.winner.tier_from, dec("10"));
    assert!(tiered
        .considered
        .iter()
        .any(|c| c.outcome == "tier from 10 of the same list applies"));
    let small = core
        .resolve_price(&query(MUNICH, "SAW-1", "9"))
        .await
        .unwrap();
    assert_eq!(small.unit_price.amount, dec("50"));

    let contract = |code: &str, from: i64, to: i64| NewPriceList {
        code: code.into(),
        name: code.into(),
        kind: PriceListKind::Contract,
        currency: "EUR".into(),
        market: None,
        company: Some("GLOBEX".into()),
        valid_from: Some(today() + chrono::Duration::days(from)),
        valid_to: Some(today() + chrono::Duration::days(to)),
    };
    core.create_price_list(&admin(), &contract("FRAME-2026", -10, 10))
        .await
        .unwrap();
    core.create_price_list(&admin(), &contract("FRAME-OLD", -100, -11))
        .await
        .unwrap();
    core.set_price(&admin(), "FRAME-2026", "SAW-1", dec("0"), dec("48"))
        .await
        .unwrap();
    core.set_price(&admin(), "FRAME-OLD", "SAW-1", dec("0"), dec("30"))
        .await
        .unwrap();
    let price = core
        .resolve_price(&query(MUNICH, "SAW-1", "12"))
        .await
        .unwrap();
    assert_eq!(
        price.winner.list, "FRAME-2026",
        "a contract beats even a cheaper tier of the base list"
    );
    assert_eq!(price.unit_price.amount, dec("48"));
    let old = price
        .considered
        .iter()
        .find(|c| c.list == "FRAME-OLD")
        .unwrap();
    assert!(old.outcome.starts_with("valid "), "{}", old.outcome);
    let later = core
        .resolve_price(&PriceQuery {
            on: today() + chrono::Duration::days(11),
            ..query(MUNICH, "SAW-1", "12")
        })
        .await
        .unwrap();
    assert_eq!(later.winner.list, "BASE-DE", "the contract ended");
}

async fn promotions_apply_to_the_winner(core: Core) {
    seed(&core).await;
    let promotion = NewPromotion {
        code: "GLOVES-10".into(),
        name: "10% off gloves from 20".into(),
        market: Some("DE".into()),
        company: None,
        sku: Some("GLOVES-1".into()),
        min_quantity: dec("20"),
        percent_off: Some(dec("10")),
        amount_off: None,
        valid_from: None,
        valid_to: None,
    };
    core.create_promotion(&admin(), &promotion).await.unwrap();
    let few = core
        .resolve_price(&query(BERLIN, "GLOVES-1", "5"))
        .await
        .unwrap();
    assert_eq!(
        (few.unit_price.amount, few.promotion.clone()),
        (dec("5"), None)
    );
    let many = core
        .resolve_price(&query(BERLIN, "GLOVES-1", "20"))
        .await
        .unwrap();
    assert_eq!(many.unit_price.amount, dec("4.5"));
    assert_eq!(many.list_price.amount, dec("5"));
    assert_eq!(many.promotion.as_deref(), Some("GLOVES-10"));
    assert_eq!(many.explanation()[1], "promotion GLOVES-10 took 5 to 4.5");
    let both = NewPromotion {
        code: "BAD".into(),
        amount_off: Some(dec("1")),
        ..promotion
    };
    assert!(core.create_promotion(&admin(), &both).await.is_err());
}

async fn price_changes_take_effect_at_once_with_an_audit_trail(core: Core) {
    seed(&core).await;
    let carol = Actor::user("carol");
    core.set_price(&carol, "GLOBEX-DE-LIST", "DRILL-1", dec("0"), dec("93.5"))
        .await
        .unwrap();
    let price = core
        .resolve_price(&query(BERLIN, "DRILL-1", "1"))
        .await
        .unwrap();
    assert_eq!(price.unit_price.amount, dec("93.5"));
    core.remove_price(&carol, "GLOBEX-DE-LIST", "DRILL-1", dec("0"))
        .await
        .unwrap();
    assert_eq!(
        core.resolve_price(&query(BERLIN, "DRILL-1", "1"))
            .await
            .unwrap()
            .winner
            .list,
        "BASE-DE"
    );
    let trail = core.price_audit("GLOBEX-DE-LIST").await.unwrap();
    let steps: Vec<(&str, &str, Option<&str>, Option<&str>)> = trail
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.action.as_str(),
                e.before.as_deref(),
                e.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(steps[0].1, "create_price_list");
    assert_eq!(
        steps[1..],
        [
            ("system:test-setup", "set_price", None, Some("95")),
            ("user:carol", "set_price", Some("95"), Some("93.5")),
            ("user:carol", "remove_price", Some("93.5"), None),
        ]
    );
    assert!(trail.windows(2).all(|w| w[0].at <= w[1].at));
}

async fn only_admins_of_the_company_change_its_prices(core: Core) {
    seed(&core).await;
    let error = core
        .set_price(
            &Actor::user("alice"),
            "GLOBEX-DE-LIST",
            "DRILL-1",
            dec("0"),
            dec("1"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "alice may not change prices for GLOBEX-DE (needs the admin role)"
    );
    let error = core
        .set_price(
            &Actor::user("carol"),
            "BASE-DE",
            "DRILL-1",
            dec("0"),
            dec("1"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "carol may not change prices of a whole market"
    );
    let error = core
        .set_price(&admin(), "BASE-DE", "DRILL-1", dec("0"), dec("0.0000001"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unit price: 0.0000001 has more than 6 decimal places"
    );
    assert_eq!(
        core.resolve_price(&query(MUNICH, "DRILL-1", "1"))
            .await
            .unwrap()
            .unit_price
            .amount,
        dec("95")
    );
}
