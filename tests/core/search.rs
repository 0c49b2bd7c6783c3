//! Catalog search ranks hits the way a buyer of parts reads them, alike on
//! both back-ends: the part number and the name, then the part number,
//! then the name (shorter first), then what only the attributes found.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;

on_both_backends!(
    hits_rank_by_part_number_then_name_then_attributes,
    search_follows_markets_assortments_and_renames
);

async fn hits_rank_by_part_number_then_name_then_attributes(core: Core) {
    seed(&core).await;
    // Created in an order the ranking must not follow.
    for (sku, name, attributes) in [
        (
            "WR-300",
            "Setzwerkzeug",
            serde_json::json!({ "passend": "Anker" }),
        ),
        ("DB-200", "Anker Injektion Beton", serde_json::json!({})),
        ("ANKER-12", "Schwerlastdübel 12", serde_json::json!({})),
        ("DB-100", "Anker", serde_json::json!({})),
        ("ANKER-10", "Anker Schwerlast 10", serde_json::json!({})),
        ("XY-1", "Kein Treffer", serde_json::json!({})),
    ] {
        let mut new = product(sku, ProductKind::Product, "31162000");
        new.name = name.into();
        new.attributes = attributes;
        core.create_product(&admin(), &new).await.unwrap();
    }
    let search = |text: &str, sort: SearchSort| CatalogSearch {
        company: "GLOBEX-DE".into(),
        market: "DE".into(),
        text: text.into(),
        sort,
        limit: 10,
        ..CatalogSearch::default()
    };
    let found = core
        .search_catalog(&search("anker", SearchSort::Relevance))
        .await
        .unwrap();
    assert_eq!(found.total, 5);
    assert!(found.attributes.contains_key("passend"), "{found:?}");
    // The whole catalog, unnarrowed, has brand and category facets only.
    let browsed = visible(&core, "GLOBEX-DE", "DE", "").await;
    assert!(browsed.attributes.is_empty() && !browsed.brands.is_empty());
    assert!(!browsed.categories.is_empty());
    assert_eq!(
        skus(&found),
        ["ANKER-10", "ANKER-12", "DB-100", "DB-200", "WR-300"]
    );
    let by_name = core
        .search_catalog(&search("ANKER", SearchSort::Name))
        .await
        .unwrap();
    assert_eq!(
        skus(&by_name),
        ["DB-100", "DB-200", "ANKER-10", "ANKER-12", "WR-300"]
    );
    // Every word must match, as a prefix, in any order and any field; a
    // name holding every word goes before words spread over the fields.
    let two = core
        .search_catalog(&search("schwerl ank", SearchSort::Relevance))
        .await
        .unwrap();
    assert_eq!(skus(&two), ["ANKER-10", "ANKER-12"]);
}

/// What `company` finds for `text` in `market`, by part number.
async fn visible(core: &Core, company: &str, market: &str, text: &str) -> SearchPage {
    let search = CatalogSearch {
        company: company.into(),
        market: market.into(),
        text: text.into(),
        sort: SearchSort::Sku,
        limit: 10,
        ..CatalogSearch::default()
    };
    core.search_catalog(&search).await.unwrap()
}

fn skus(page: &SearchPage) -> Vec<&str> {
    page.hits.iter().map(|h| h.product.sku.as_str()).collect()
}

/// What a search may show changes the moment the catalog does: a product
/// moved to another market, assortments given to a unit or its parents
/// (their products together), a product renamed.
async fn search_follows_markets_assortments_and_renames(core: Core) {
    seed(&core).await;
    for sku in ["QQ-1", "QQ-2", "QQ-3"] {
        let mut new = product(sku, ProductKind::Product, "31162000");
        new.name = format!("Quaderstein {sku}");
        core.create_product(&admin(), &new).await.unwrap();
    }
    let found = visible(&core, BERLIN, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-1", "QQ-2", "QQ-3"]);

    let mut moved = product("QQ-3", ProductKind::Product, "31162000");
    moved.name = "Quaderstein QQ-3".into();
    moved.markets = vec!["US".into()];
    core.create_product(&admin(), &moved).await.unwrap();
    let found = visible(&core, BERLIN, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-1", "QQ-2"]);
    let found = visible(&core, BERLIN, "US", "quader").await;
    assert_eq!(skus(&found), ["QQ-3"]);

    core.create_assortment(&admin(), "BERLIN-KAT", "Berlin", &["QQ-1"])
        .await
        .unwrap();
    core.assign_assortment(&admin(), BERLIN, "BERLIN-KAT")
        .await
        .unwrap();
    let found = visible(&core, BERLIN, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-1"]);
    let browsed = visible(&core, BERLIN, "DE", "").await;
    assert_eq!(
        skus(&browsed),
        ["QQ-1"],
        "browsing keeps to the assortment too"
    );
    assert_eq!(browsed.total, 1);
    let found = visible(&core, MUNICH, "DE", "quader").await;
    assert_eq!(
        skus(&found),
        ["QQ-1", "QQ-2"],
        "a sibling unit is not restricted"
    );

    core.create_assortment(&admin(), "OPS-KAT", "Ops", &["QQ-2"])
        .await
        .unwrap();
    core.assign_assortment(&admin(), "GLOBEX-DE-OPS", "OPS-KAT")
        .await
        .unwrap();
    let found = visible(&core, BERLIN, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-1", "QQ-2"], "a parent's assortment adds");
    let found = visible(&core, MUNICH, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-2"]);

    let mut renamed = product("QQ-2", ProductKind::Product, "31162000");
    renamed.name = "Pflasterklinker".into();
    core.create_product(&admin(), &renamed).await.unwrap();
    let found = visible(&core, BERLIN, "DE", "quader").await;
    assert_eq!(skus(&found), ["QQ-1"]);
    let found = visible(&core, BERLIN, "DE", "pflaster").await;
    assert_eq!(
        skus(&found),
        ["QQ-2"],
        "renamed, and still in its assortment"
    );
}
