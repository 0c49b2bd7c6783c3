//! One small world the core tests share: two brands, two markets, a
//! customer hierarchy (group → company → division → two units), users with
//! roles, a catalog with a service and a bundle, price lists, stock.

use chrono::{Duration, NaiveDate, Utc};
use edigate::core::*;
use edigate::document::{IdScheme, Order, OrderLine, Party, PartyId, ProcurementRefs, Quantity};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub fn admin() -> Actor {
    Actor::system("test-setup")
}

pub const BERLIN: &str = "GLOBEX-DE-OPS-BERLIN";
pub const MUNICH: &str = "GLOBEX-DE-OPS-MUNICH";

fn company(code: &str, level: CompanyLevel, parent: Option<&str>) -> NewCompany {
    NewCompany {
        code: code.into(),
        name: code.to_lowercase(),
        level,
        parent: parent.map(str::to_string),
        market: parent.is_none().then(|| "DE".to_string()),
        net_days: Some(30),
        credit_limit: Some(dec("50000")),
        card_allowed: false,
    }
}

pub fn product(sku: &str, kind: ProductKind, unspsc: &str) -> NewProduct {
    NewProduct {
        sku: sku.into(),
        brand: "ACME-TOOLS".into(),
        kind,
        name: format!("{sku} name"),
        gtin: None,
        unspsc: Some(unspsc.into()),
        base_unit: "C62".into(),
        units: vec![],
        attributes: serde_json::json!({}),
        markets: vec!["DE".into()],
        parts: vec![],
        options: vec![],
    }
}

/// Builds the world.
pub async fn seed(core: &Core) {
    let by = admin();
    core.create_brand(&by, "ACME-TOOLS", "Acme Tools")
        .await
        .unwrap();
    core.create_brand(&by, "BOLT", "Bolt Supply").await.unwrap();
    for (code, currency, list) in [("DE", "EUR", "BASE-DE"), ("US", "USD", "BASE-US")] {
        let market = NewMarket {
            code: code.into(),
            name: code.into(),
            region: code.into(),
            currency: currency.into(),
            languages: vec!["en".into()],
            tax_rules: Some(format!("VAT-{code}")),
            default_price_list: Some(list.into()),
        };
        core.create_market(&by, &market).await.unwrap();
    }
    for kind in [
        ChannelKind::Edi,
        ChannelKind::Punchout,
        ChannelKind::Api,
        ChannelKind::Web,
    ] {
        core.open_channel(&by, "ACME-TOOLS", "DE", kind)
            .await
            .unwrap();
    }
    core.open_channel(&by, "BOLT", "DE", ChannelKind::Web)
        .await
        .unwrap();
    core.create_company(&by, &company("GLOBEX", CompanyLevel::Group, None))
        .await
        .unwrap();
    core.create_company(
        &by,
        &company("GLOBEX-DE", CompanyLevel::Company, Some("GLOBEX")),
    )
    .await
    .unwrap();
    core.create_company(
        &by,
        &company("GLOBEX-DE-OPS", CompanyLevel::Division, Some("GLOBEX-DE")),
    )
    .await
    .unwrap();
    core.create_company(
        &by,
        &company(BERLIN, CompanyLevel::Unit, Some("GLOBEX-DE-OPS")),
    )
    .await
    .unwrap();
    core.create_company(
        &by,
        &company(MUNICH, CompanyLevel::Unit, Some("GLOBEX-DE-OPS")),
    )
    .await
    .unwrap();
    for (login, at, role) in [
        ("alice", BERLIN, Role::Buyer),
        ("bob", "GLOBEX-DE", Role::Approver),
        ("carol", "GLOBEX-DE", Role::Admin),
        ("dave", MUNICH, Role::Buyer),
        ("erin", "GLOBEX-DE-OPS", Role::Approver),
    ] {
        core.add_user(
            &by,
            login,
            login,
            Some(&format!("{login}@globex.example")),
            at,
        )
        .await
        .unwrap();
        core.grant_role(&by, login, at, role).await.unwrap();
    }
    core.create_cost_center(&by, BERLIN, "CC-100", "Berlin workshop")
        .await
        .unwrap();
    let period = (today() - Duration::days(30), today() + Duration::days(30));
    core.set_budget(
        &by,
        BERLIN,
        "CC-100",
        period,
        &Money::new(dec("1000"), "EUR"),
    )
    .await
    .unwrap();
    core.add_procurement_identity(&by, BERLIN, ChannelKind::Edi, "ZZ:GLOBEXBERLIN")
        .await
        .unwrap();
    core.add_procurement_identity(&by, "GLOBEX-DE", ChannelKind::Punchout, "NetworkID:AN0100")
        .await
        .unwrap();

    let mut drill = product("DRILL-1", ProductKind::Product, "27112700");
    drill.gtin = Some("04012345000010".into());
    drill.units = vec![("CT".into(), dec("6"))];
    drill.markets.push("US".into());
    core.create_product(&by, &drill).await.unwrap();
    core.create_product(&by, &product("SAW-1", ProductKind::Product, "27112800"))
        .await
        .unwrap();
    core.create_product(&by, &product("GLOVES-1", ProductKind::Product, "46181500"))
        .await
        .unwrap();
    core.create_product(
        &by,
        &product("INSTALL-SVC", ProductKind::Service, "72151500"),
    )
    .await
    .unwrap();
    let mut chem = product("CHEM-1", ProductKind::Product, "12352100");
    chem.options = vec![ProductOption {
        option: "size".into(),
        choice: "5l".into(),
        price_effect: dec("7.50"),
    }];
    core.create_product(&by, &chem).await.unwrap();
    let mut kit = product("KIT-1", ProductKind::Bundle, "27112700");
    kit.parts = vec![
        ("DRILL-1".into(), dec("1")),
        ("GLOVES-1".into(), dec("2")),
        ("INSTALL-SVC".into(), dec("1")),
    ];
    core.create_product(&by, &kit).await.unwrap();

    let base = |code: &str, currency: &str, market: &str| NewPriceList {
        code: code.into(),
        name: code.into(),
        kind: PriceListKind::Base,
        currency: currency.into(),
        market: Some(market.into()),
        company: None,
        valid_from: None,
        valid_to: None,
    };
    core.create_price_list(&by, &base("BASE-DE", "EUR", "DE"))
        .await
        .unwrap();
    core.create_price_list(&by, &base("BASE-US", "USD", "US"))
        .await
        .unwrap();
    for (sku, tier, price) in [
        ("DRILL-1", "0", "100"),
        ("DRILL-1", "10", "90"),
        ("SAW-1", "0", "50"),
        ("GLOVES-1", "0", "5"),
        ("INSTALL-SVC", "0", "80"),
        ("KIT-1", "0", "180"),
        ("CHEM-1", "0", "20"),
    ] {
        core.set_price(&by, "BASE-DE", sku, dec(tier), dec(price))
            .await
            .unwrap();
    }
    core.set_price(&by, "BASE-US", "DRILL-1", dec("0"), dec("110"))
        .await
        .unwrap();
    let customer = NewPriceList {
        code: "GLOBEX-DE-LIST".into(),
        name: "Globex Germany".into(),
        kind: PriceListKind::Customer,
        currency: "EUR".into(),
        market: None,
        company: Some("GLOBEX-DE".into()),
        valid_from: None,
        valid_to: None,
    };
    core.create_price_list(&by, &customer).await.unwrap();
    core.set_price(&by, "GLOBEX-DE-LIST", "DRILL-1", dec("0"), dec("95"))
        .await
        .unwrap();

    core.create_warehouse(&by, "WH-ACME", "Acme Kassel", Some("ACME-TOOLS"))
        .await
        .unwrap();
    core.create_warehouse(&by, "WH-SHARED", "Shared Hamburg", None)
        .await
        .unwrap();
    for (warehouse, sku, on_hand) in [
        ("WH-ACME", "DRILL-1", "5"),
        ("WH-SHARED", "DRILL-1", "3"),
        ("WH-SHARED", "GLOVES-1", "100"),
        ("WH-ACME", "SAW-1", "10"),
        ("WH-ACME", "CHEM-1", "50"),
    ] {
        core.set_on_hand(&by, warehouse, sku, dec(on_hand), None)
            .await
            .unwrap();
    }
}

/// A canonical order of `(line id, SKU, quantity)` in EUR.
pub fn order(po: &str, lines: &[(&str, &str, &str)]) -> Order {
    Order {
        id: po.into(),
        currency: Some("EUR".into()),
        buyer: Party {
            ids: vec![PartyId {
                scheme: IdScheme::BuyerAssigned,
                value: "GLOBEXBERLIN".into(),
            }],
            ..Party::default()
        },
        ship_to: Some(Party {
            ids: vec![PartyId {
                scheme: IdScheme::Gln,
                value: "4000001000005".into(),
            }],
            ..Party::default()
        }),
        procurement: ProcurementRefs {
            cost_center: Some("CC-100".into()),
            project: Some("P-7".into()),
            ..ProcurementRefs::default()
        },
        lines: lines
            .iter()
            .map(|(id, sku, qty)| {
                let quantity = Quantity {
                    value: dec(qty),
                    unit: "C62".into(),
                };
                OrderLine::for_sku(id, sku, quantity)
            })
            .collect(),
        ..Order::default()
    }
}

/// An order to place through EDI for the Berlin unit.
pub fn edi_order(po: &str, lines: &[(&str, &str, &str)]) -> PlaceOrder {
    PlaceOrder {
        channel: ChannelKind::Edi,
        brand: "ACME-TOOLS".into(),
        market: "DE".into(),
        company: BERLIN.into(),
        order: order(po, lines),
        options: Default::default(),
        on: None,
        source: Some(format!("ISA 000000001 ST 0001 ({po})")),
    }
}

/// How many orders a company's history holds (its first page).
pub async fn orders_of(core: &Core, company: &str) -> usize {
    core.order_history(&HistoryQuery {
        company: company.into(),
        ..HistoryQuery::default()
    })
    .await
    .unwrap()
    .rows
    .len()
}
