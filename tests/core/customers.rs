//! Sellers, markets, the customer hierarchy, roles, assortments.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;

on_both_backends!(
    roles_are_inherited_downward_not_upward,
    a_unit_cannot_sit_above_its_parent,
    assortments_limit_what_a_company_may_buy,
    identities_name_their_company,
    markets_need_an_iso_currency,
);

async fn roles_are_inherited_downward_not_upward(core: Core) {
    seed(&core).await;
    assert!(
        core.has_role("bob", BERLIN, Role::Approver).await.unwrap(),
        "granted on GLOBEX-DE, holds below"
    );
    assert!(core.has_role("bob", MUNICH, Role::Approver).await.unwrap());
    assert!(
        !core
            .has_role("bob", "GLOBEX", Role::Approver)
            .await
            .unwrap(),
        "not above where granted"
    );
    assert!(
        !core.has_role("alice", MUNICH, Role::Buyer).await.unwrap(),
        "not sideways"
    );
    assert!(!core
        .has_role("alice", BERLIN, Role::Approver)
        .await
        .unwrap());
    let berlin = core.company(BERLIN).await.unwrap();
    assert_eq!(berlin.lineage.len(), 4);
    assert_eq!(
        berlin.market_id,
        core.company("GLOBEX").await.unwrap().market_id,
        "market inherited"
    );
}

async fn a_unit_cannot_sit_above_its_parent(core: Core) {
    seed(&core).await;
    let wrong = NewCompany {
        code: "BAD".into(),
        name: "bad".into(),
        level: CompanyLevel::Division,
        parent: Some(BERLIN.into()),
        market: None,
        net_days: None,
        credit_limit: None,
        card_allowed: false,
    };
    let error = core
        .create_company(&admin(), &wrong)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("a division cannot sit under GLOBEX-DE-OPS-BERLIN (unit)"),
        "{error}"
    );
}

async fn assortments_limit_what_a_company_may_buy(core: Core) {
    seed(&core).await;
    assert!(
        core.may_buy(MUNICH, "SAW-1", "DE").await.unwrap(),
        "no assortment: the whole market"
    );
    core.create_assortment(
        &admin(),
        "OPS-BASICS",
        "Ops basics",
        &["DRILL-1", "GLOVES-1"],
    )
    .await
    .unwrap();
    core.assign_assortment(&admin(), "GLOBEX-DE-OPS", "OPS-BASICS")
        .await
        .unwrap();
    assert!(core.may_buy(MUNICH, "DRILL-1", "DE").await.unwrap());
    assert!(
        !core.may_buy(MUNICH, "SAW-1", "DE").await.unwrap(),
        "inherited assortment excludes it"
    );
    assert!(
        core.may_buy("GLOBEX", "DRILL-1", "US").await.unwrap(),
        "assortments below do not limit the group"
    );
    assert!(
        !core.may_buy(MUNICH, "SAW-1", "US").await.unwrap(),
        "not sold in US"
    );
    let visible: Vec<String> = core
        .catalog_for(MUNICH, "DE", None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(visible, ["DRILL-1", "GLOVES-1"]);
    let everything = core.catalog_for("GLOBEX", "DE", None, 3).await.unwrap();
    assert_eq!(everything.len(), 3, "paged");
    let next = core
        .catalog_for("GLOBEX", "DE", Some(&everything[2].sku), 10)
        .await
        .unwrap();
    assert_eq!(everything.len() + next.len(), 6);

    let mut place = edi_order("PO-A1", &[("1", "SAW-1", "1")]);
    place.company = MUNICH.into();
    let error = core
        .place_order(None, &Actor::user("dave"), &place)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "line 1: SAW-1 is not in an assortment of GLOBEX-DE-OPS-MUNICH"
    );
}

async fn identities_name_their_company(core: Core) {
    seed(&core).await;
    let berlin = core
        .company_for_identity(ChannelKind::Edi, "ZZ:GLOBEXBERLIN")
        .await
        .unwrap();
    assert_eq!(berlin.code, BERLIN);
    let error = core
        .company_for_identity(ChannelKind::Edi, "ZZ:NOBODY")
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "no procurement identity \"ZZ:NOBODY\"");
    let taken = core
        .add_procurement_identity(&admin(), MUNICH, ChannelKind::Edi, "ZZ:GLOBEXBERLIN")
        .await;
    assert!(matches!(taken, Err(CoreError::Exists { .. })), "{taken:?}");
}

async fn markets_need_an_iso_currency(core: Core) {
    let market = NewMarket {
        code: "XX".into(),
        name: "x".into(),
        region: "x".into(),
        currency: "euro".into(),
        languages: vec![],
        tax_rules: None,
        default_price_list: None,
    };
    let error = core
        .create_market(&admin(), &market)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "market XX: currency \"euro\" is not an ISO 4217 code"
    );
}
