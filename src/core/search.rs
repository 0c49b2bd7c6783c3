//! Searching a company's catalog: full text (FTS5 on SQLite, tsvector on
//! PostgreSQL) over what the company may buy in a market, with facets and
//! each hit's contract price. The assortment filter is part of the query,
//! so a page never shows a product the buyer may not order.

use super::catalog::{has_assortments, product_from_row, ProductRef};
use super::customers::{company_by_code, CompanyRef};
use super::offer::offers;
use super::pricing::resolve;
use super::sellers::id_of;
use super::{CoreError, Money};
use crate::store::{Backend, Micros, Params};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first (by name without search words).
    #[default]
    Relevance,
    /// By name, A to Z.
    Name,
    /// By SKU.
    Sku,
}

impl SearchSort {
    /// Reads `relevance`, `name` or `sku`; anything else is relevance.
    pub fn parse(word: &str) -> SearchSort {
        match word {
            "name" => SearchSort::Name,
            "sku" => SearchSort::Sku,
            _ => SearchSort::Relevance,
        }
    }

    /// The word [`SearchSort::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Name => "name",
            SearchSort::Sku => "sku",
        }
    }
}

/// A catalog search for one company in one market.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSearch {
    /// The buying company.
    pub company: String,
    /// The market.
    pub market: String,
    /// Search words; every word must match (as a prefix).
    pub text: String,
    /// Only this brand (its code).
    pub brand: Option<String>,
    /// Only this category: a UNSPSC code or its leading digits.
    pub category: Option<String>,
    /// Only products whose attribute has this value.
    pub attribute: Option<(String, String)>,
    /// Order.
    pub sort: SearchSort,
    /// Hits to skip.
    pub offset: u32,
    /// Hits to return (at most 100).
    pub limit: u32,
    /// The day prices are for.
    pub on: Option<NaiveDate>,
}

/// One product found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The product.
    pub product: ProductRef,
    /// Its brand's name.
    pub brand: String,
    /// GTIN.
    pub gtin: Option<String>,
    /// Free attributes.
    pub attributes: serde_json::Value,
    /// The buyer's price for one base unit, when a list has one.
    pub price: Option<Money>,
    /// Whether that price comes from the buyer's own contract.
    pub contract: bool,
}

/// One value of a facet and how many hits have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value (a brand's code, a UNSPSC code, an attribute's value).
    pub value: String,
    /// What to show (a brand's name; otherwise the value).
    pub label: String,
    /// Hits with it.
    pub count: u64,
}

/// A page of hits with the facets of every hit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    /// Hits in all.
    pub total: u64,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// Brands.
    pub brands: Vec<FacetValue>,
    /// UNSPSC categories.
    pub categories: Vec<FacetValue>,
    /// Attributes by name.
    pub attributes: BTreeMap<String, Vec<FacetValue>>,
    /// The attribute facets were counted over the first
    /// [`ATTRIBUTE_FACET_ROWS`] hits only.
    pub attributes_partial: bool,
}

/// How many hits attribute facets are counted over: attributes are free
/// JSON, counted here rather than in SQL, so the count is bounded.
pub const ATTRIBUTE_FACET_ROWS: usize = 2_000;

/// The search words as the back-end's query syntax: every word a prefix,
/// all required. Words are runs of letters and digits, so nothing a buyer
/// types reaches the query syntax itself.
fn text_query(text: &str, backend: Backend) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    })
}

const PG_DOCUMENT: &str = "to_tsvector('simple', p.sku || ' ' || p.name || ' ' || p.attributes)";

/// The FROM and WHERE every query of one search shares, and how to rank.
struct Filtered {
    from: String,
    rank: Option<String>,
    params: Params,
}

fn filtered(
    search: &CatalogSearch,
    company: &CompanyRef,
    market_id: i64,
    restricted: bool,
    backend: Backend,
) -> Filtered {
    let mut params = Params::default();
    let mut from = String::from("FROM products p JOIN brands b ON b.id = p.brand_id");
    let mut rank = None;
    let text = text_query(&search.text, backend);
    if let (Some(text), Backend::Sqlite) = (&text, backend) {
        let q = params.arg(text.as_str());
        from.push_str(&format!(
            " JOIN (SELECT rowid AS id, rank FROM product_text WHERE product_text MATCH {q}) ft ON ft.id = p.id"
        ));
        rank = Some("ft.rank".to_string());
    }
    let m = params.arg(market_id);
    from.push_str(&format!(
        " JOIN product_markets pm ON pm.product_id = p.id AND pm.market_id = {m} WHERE 1 = 1"
    ));
    if let (Some(text), Backend::Postgres) = (&text, backend) {
        let q = params.arg(text.as_str());
        from.push_str(&format!(" AND {PG_DOCUMENT} @@ to_tsquery('simple', {q})"));
        rank = Some(format!(
            "ts_rank({PG_DOCUMENT}, to_tsquery('simple', {q})) DESC"
        ));
    }
    if restricted {
        let lineage: Vec<String> = company
            .lineage_slots()
            .iter()
            .map(|id| params.arg(*id))
            .collect();
        from.push_str(&format!(
            " AND p.id IN (SELECT ap.product_id FROM assortment_products ap JOIN company_assortments ca \
             ON ca.assortment_id = ap.assortment_id WHERE ca.company_id IN ({}))",
            lineage.join(", ")
        ));
    }
    if let Some(brand) = &search.brand {
        from.push_str(&format!(" AND b.code = {}", params.arg(brand.as_str())));
    }
    if let Some(category) = &search.category {
        let prefix = format!("{}%", category.replace(['%', '_'], ""));
        from.push_str(&format!(" AND p.unspsc LIKE {}", params.arg(prefix)));
    }
    Filtered { from, rank, params }
}

impl super::Core {
    /// Searches what `search.company` may buy in `search.market`.
    pub async fn search_catalog(&self, search: &CatalogSearch) -> Result<SearchPage, CoreError> {
        let backend = self.store.backend();
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, &search.company).await?;
        let market_id = id_of(&mut conn, "markets", "market", &search.market).await?;
        let restricted = has_assortments(&mut conn, &company).await?;
        let base = filtered(search, &company, market_id, restricted, backend);
        let rows = attribute_rows(&mut conn, &base).await?;
        let wanted = search.attribute.as_ref();
        let matching: Vec<i64> = rows
            .iter()
            .filter(|(_, attributes)| wanted.is_none_or(|(k, v)| attribute_is(attributes, k, v)))
            .map(|(id, _)| *id)
            .collect();
        let (total, ids) = match wanted {
            // Attributes are free JSON: with one chosen, the hits are those
            // of the bounded attribute scan.
            Some(_) => (matching.len() as u64, Some(matching)),
            None => (count(&mut conn, &base).await?, None),
        };
        let products = page(&mut conn, &base, search, ids.as_deref()).await?;
        let hits = priced(&mut conn, search, products).await?;
        let brands = brand_facet(&mut conn, &base).await?;
        let categories = category_facet(&mut conn, &base).await?;
        let (attributes, attributes_partial) = attribute_facets(&rows);
        Ok(SearchPage {
            total,
            hits,
            brands,
            categories,
            attributes,
            attributes_partial,
        })
    }
}

fn attribute_is(attributes: &serde_json::Value, key: &str, value: &str) -> bool {
    attributes.get(key).is_some_and(|v| match v {
        serde_json::Value::String(s) => s == value,
        other => value.parse::<serde_json::Value>().ok().as_ref() == Some(other),
    })
}

async fn count(conn: &mut AnyConnection, base: &Filtered) -> Result<u64, CoreError> {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n {}", base.from);
    let n: i64 = base
        .params
        .bind(sqlx::query(&sql))
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

async fn attribute_rows(
    conn: &mut AnyConnection,
    base: &Filtered,
) -> Result<Vec<(i64, serde_json::Value)>, CoreError> {
    let sql = format!(
        "SELECT p.id, p.attributes {} ORDER BY p.id LIMIT {}",
        base.from,
        ATTRIBUTE_FACET_ROWS + 1
    );
    let rows = base.params.bind(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let text: String = r.try_get("attributes")?;
            Ok((
                r.try_get("id")?,
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            ))
        })
        .collect()
}

#[derive(Debug)]
struct Listed {
    product: ProductRef,
    brand: String,
    gtin: Option<String>,
    attributes: serde_json::Value,
}

async fn page(
    conn: &mut AnyConnection,
    base: &Filtered,
    search: &CatalogSearch,
    only: Option<&[i64]>,
) -> Result<Vec<Listed>, CoreError> {
    let order = match (search.sort, &base.rank) {
        (SearchSort::Relevance, Some(rank)) => format!("{rank}, p.name, p.sku"),
        (SearchSort::Sku, _) => "p.sku".to_string(),
        _ => "p.name, p.sku".to_string(),
    };
    let only = match only {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!(" AND p.id IN ({})", list.join(", "))
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT p.id, p.sku, p.name, p.kind, p.brand_id, p.base_unit, p.unspsc, p.gtin, p.attributes, \
         b.name AS brand_name {}{only} ORDER BY {order} LIMIT {} OFFSET {}",
        base.from,
        search.limit.clamp(1, 100),
        search.offset
    );
    let rows = base.params.bind(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let attributes: String = r.try_get("attributes")?;
            Ok(Listed {
                product: product_from_row(r)?,
                brand: r.try_get("brand_name")?,
                gtin: r.try_get("gtin")?,
                attributes: serde_json::from_str(&attributes).unwrap_or(serde_json::Value::Null),
            })
        })
        .collect()
}

/// Each hit's price for one base unit, from one offers query for the page.
async fn priced(
    conn: &mut AnyConnection,
    search: &CatalogSearch,
    listed: Vec<Listed>,
) -> Result<Vec<SearchHit>, CoreError> {
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<(String, String)> = listed
        .iter()
        .map(|l| (l.product.sku.clone(), l.product.base_unit.clone()))
        .collect();
    let offers = offers(conn, &search.company, &search.market, &items).await?;
    let day = search.on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    Ok(listed
        .into_iter()
        .zip(offers)
        .map(|(l, offer)| {
            let resolution = offer.ok().and_then(|o| {
                resolve(
                    &o,
                    Micros::from_decimal(rust_decimal::Decimal::ONE).ok()?,
                    day,
                )
                .ok()
            });
            SearchHit {
                contract: resolution
                    .as_ref()
                    .is_some_and(|r| r.winner.company.is_some()),
                price: resolution.map(|r| r.unit_price),
                product: l.product,
                brand: l.brand,
                gtin: l.gtin,
                attributes: l.attributes,
            }
        })
        .collect())
}

async fn brand_facet(
    conn: &mut AnyConnection,
    base: &Filtered,
) -> Result<Vec<FacetValue>, CoreError> {
    let sql = format!(
        "SELECT b.code AS value, b.name AS label, CAST(COUNT(*) AS BIGINT) AS n {} \
         GROUP BY b.code, b.name ORDER BY b.name",
        base.from
    );
    facet_rows(conn, base, &sql).await
}

async fn category_facet(
    conn: &mut AnyConnection,
    base: &Filtered,
) -> Result<Vec<FacetValue>, CoreError> {
    let sql = format!(
        "SELECT p.unspsc AS value, p.unspsc AS label, CAST(COUNT(*) AS BIGINT) AS n {} \
         AND p.unspsc IS NOT NULL GROUP BY p.unspsc ORDER BY n DESC, p.unspsc LIMIT 30",
        base.from
    );
    facet_rows(conn, base, &sql).await
}

async fn facet_rows(
    conn: &mut AnyConnection,
    base: &Filtered,
    sql: &str,
) -> Result<Vec<FacetValue>, CoreError> {
    let rows = base.params.bind(sqlx::query(sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(FacetValue {
                value: r.try_get("value")?,
                label: r.try_get("label")?,
                count: u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0),
            })
        })
        .collect()
}

/// Attribute values with counts, from the bounded scan; values that are
/// objects or lists are not facets.
fn attribute_facets(
    rows: &[(i64, serde_json::Value)],
) -> (BTreeMap<String, Vec<FacetValue>>, bool) {
    let partial = rows.len() > ATTRIBUTE_FACET_ROWS;
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (_, attributes) in rows.iter().take(ATTRIBUTE_FACET_ROWS) {
        let Some(map) = attributes.as_object() else {
            continue;
        };
        for (key, value) in map {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => continue,
            };
            *counts
                .entry(key.clone())
                .or_default()
                .entry(value)
                .or_default() += 1;
        }
    }
    let facets = counts
        .into_iter()
        .map(|(key, values)| {
            let values = values
                .into_iter()
                .map(|(value, count)| FacetValue {
                    label: value.clone(),
                    value,
                    count,
                })
                .collect();
            (key, values)
        })
        .collect();
    (facets, partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_never_reach_the_query_syntax() {
        let q = text_query("Schraube \"M6x20\" OR *; DROP", Backend::Sqlite).unwrap();
        assert_eq!(q, "\"schraube\"* \"m6x20\"* \"or\"* \"drop\"*");
        let q = text_query("AC-1001 & !x", Backend::Postgres).unwrap();
        assert_eq!(q, "ac:* & 1001:* & x:*");
        assert_eq!(text_query(" -- ** ", Backend::Sqlite), None);
    }

    #[test]
    fn attribute_facets_count_scalar_values() {
        let rows = vec![
            (1, serde_json::json!({"color": "red", "size": 3})),
            (2, serde_json::json!({"color": "red", "tags": ["a"]})),
            (3, serde_json::json!({"color": "blue"})),
        ];
        let (facets, partial) = attribute_facets(&rows);
        assert!(!partial);
        let colors: Vec<(String, u64)> = facets["color"]
            .iter()
            .map(|f| (f.value.clone(), f.count))
            .collect();
        assert_eq!(colors, vec![("blue".into(), 1), ("red".into(), 2)]);
        assert_eq!(facets["size"][0].value, "3");
        assert!(!facets.contains_key("tags"));
    }
}
