//! Searching a company's catalog: full text (FTS5 on SQLite, tsvector on
//! PostgreSQL) over what the company may buy in a market, with facets and
//! each hit's contract price. The assortment filter is part of the query,
//! so a page never shows a product the buyer may not order.

use super::catalog::{product_from_row, ProductRef};
use super::customers::{bind_lineage, company_by_code, lineage_in, CompanyRef};
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
    /// There are more than [`CANDIDATES`] hits: the facets count the
    /// best [`CANDIDATES`] only (and, with an attribute chosen, so does
    /// the total).
    pub facets_partial: bool,
}

/// How many of the best hits one search reads: the page, the facets and
/// the attribute filter come from them in one query, so a search costs one
/// pass however it is filtered.
pub const CANDIDATES: usize = 5_000;

/// The search words: runs of letters and digits, lower case, at most
/// twelve of at most 64 characters. Nothing else a buyer types reaches a
/// query.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
        .collect()
}

/// The words as the back-end's full-text query: every word a prefix, all
/// required.
fn text_query(words: &[String], backend: Backend) -> String {
    match backend {
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
    }
}

/// Relevance as a buyer of parts reads it, lower first: every word in
/// the part number and in the name (0), in the part number only (1), in
/// the name only (2), found through the attributes only (3).
/// The same SQL on both back-ends, so both order hits alike; and far
/// cheaper than bm25 or ts_rank, which score every match before the
/// first page can be cut (SQLite's bm25 alone took 12–20 ms for a word
/// with 7,700 matches). The words are letters and digits only (see
/// [`words`]), so they stand in the SQL as literals.
fn relevance(words: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let holds_every_word = |column: &str| {
        words
            .iter()
            .map(|w| format!("LOWER(p.{column}) LIKE '%{w}%'"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    Some(format!(
        "(CASE WHEN {} THEN 0 ELSE 2 END + CASE WHEN {} THEN 0 ELSE 1 END)",
        holds_every_word("sku"),
        holds_every_word("name")
    ))
}

/// What PostgreSQL searches (the SQLite index holds the same columns):
/// attributes as their JSON text, so attribute names match too.
const PG_DOCUMENT: &str = "to_tsvector('simple', p.sku || ' ' || p.name || ' ' || p.attributes)";

/// The FROM and WHERE every query of one search shares, and the
/// relevance expression (best first when ordered ascending; none without
/// search words).
struct Filtered {
    from: String,
    rank: Option<String>,
    params: Params,
    /// Whether the candidates' attributes are read (for attribute facets
    /// and the attribute filter): not for the whole, unnarrowed catalog,
    /// whose first pages' attribute values would say little, and whose
    /// name-index walk then reads no product rows.
    reads_attributes: bool,
}

/// How a search keeps to the market and the company's assortments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Through SQLite's full-text index, whose `scope` column holds a
    /// token per market and assortment (`0007_search_scope.sql`): one
    /// intersection however many products match.
    Index,
    /// A probe of the market and assortment tables per product: how
    /// PostgreSQL does it, and how SQLite browses a large catalog in name
    /// order (walking the name index, it stops after the first pages).
    Probes,
}

/// The search as SQLite's full-text query: the words in the text columns,
/// and the market and one of the assortments in `scope`.
fn sqlite_match(words: &[String], market_id: i64, assortments: Option<&[i64]>) -> String {
    let mut query = format!("scope : m{market_id}");
    if !words.is_empty() {
        query = format!(
            "{{sku name attributes}} : ({}) AND {query}",
            text_query(words, Backend::Sqlite)
        );
    }
    if let Some(ids) = assortments.filter(|ids| !ids.is_empty()) {
        let any: Vec<String> = ids.iter().map(|id| format!("scope : a{id}")).collect();
        query.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    query
}

/// `assortments`: the ids of the company's assortments, `None` when it
/// has none (and sees the whole market).
fn filtered(
    search: &CatalogSearch,
    words: &[String],
    market_id: i64,
    assortments: Option<&[i64]>,
    backend: Backend,
    reach: Reach,
) -> Filtered {
    let mut params = Params::default();
    let mut from = String::from("FROM products p");
    if reach == Reach::Index {
        let q = params.arg(sqlite_match(words, market_id, assortments));
        from.push_str(&format!(
            " JOIN (SELECT rowid AS id FROM catalog_text WHERE catalog_text MATCH {q}) ft ON ft.id = p.id WHERE 1 = 1"
        ));
    } else {
        let m = params.arg(market_id);
        from.push_str(&format!(
            " JOIN product_markets pm ON pm.product_id = p.id AND pm.market_id = {m} WHERE 1 = 1"
        ));
        if let Some(ids) = assortments {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            from.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM assortment_products ap WHERE ap.product_id = p.id AND ap.assortment_id IN ({}))",
                ids.join(", ")
            ));
        }
    }
    if let (false, Backend::Postgres) = (words.is_empty(), backend) {
        let q = params.arg(text_query(words, backend));
        from.push_str(&format!(" AND {PG_DOCUMENT} @@ to_tsquery('simple', {q})"));
    }
    if let Some(brand) = &search.brand {
        let code = params.arg(brand.as_str());
        from.push_str(&format!(
            " AND p.brand_id IN (SELECT id FROM brands WHERE code = {code})"
        ));
    }
    if let Some(category) = &search.category {
        let prefix = format!("{}%", category.replace(['%', '_'], ""));
        from.push_str(&format!(" AND p.unspsc LIKE {}", params.arg(prefix)));
    }
    Filtered {
        from,
        rank: relevance(words),
        params,
        reads_attributes: !words.is_empty()
            || search.brand.is_some()
            || search.category.is_some()
            || search.attribute.is_some(),
    }
}

/// Browsing (no words) more products than this, SQLite walks the name
/// index with probes rather than sorting everything the index found.
const WALK_ABOVE: u64 = 10_000;

impl super::Core {
    /// Searches what `search.company` may buy in `search.market`.
    pub async fn search_catalog(&self, search: &CatalogSearch) -> Result<SearchPage, CoreError> {
        let backend = self.store.backend();
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, &search.company).await?;
        let market_id = id_of(&mut conn, "markets", "market", &search.market).await?;
        let assortments = assortments_of(&mut conn, &company).await?;
        let assortments = assortments.as_deref();
        let words = words(&search.text);
        let filter = |reach| filtered(search, &words, market_id, assortments, backend, reach);
        let (base, counted) = match backend {
            Backend::Postgres => (filter(Reach::Probes), None),
            Backend::Sqlite if words.is_empty() => {
                // Counting through the index is cheap; it says how to list.
                let index = filter(Reach::Index);
                let n = count(&mut conn, &index).await?;
                let base = if n > WALK_ABOVE {
                    filter(Reach::Probes)
                } else {
                    index
                };
                (base, Some(n))
            }
            Backend::Sqlite => (filter(Reach::Index), None),
        };
        let mut found = candidates(&mut conn, &base, search).await?;
        let facets_partial = found.len() > CANDIDATES;
        found.truncate(CANDIDATES);
        if let Some((k, v)) = &search.attribute {
            found.retain(|c| attribute_is(&c.attributes, k, v));
        }
        let total = match (&search.attribute, facets_partial, counted) {
            (None, true, Some(n)) => n,
            (None, true, None) => count(&mut conn, &base).await?,
            _ => found.len() as u64,
        };
        let brand_names = brand_names(&mut conn, &found).await?;
        let (brands, categories) = facets_of(&found, &brand_names);
        let attributes = attribute_facets(&found);
        let (offset, limit) = (search.offset as usize, search.limit.clamp(1, 100) as usize);
        // With an attribute chosen, the hits are the filtered candidates:
        // never page past them with the unfiltered query.
        let from_candidates =
            offset + limit <= found.len() || !facets_partial || search.attribute.is_some();
        let products = if from_candidates {
            let ids: Vec<i64> = found
                .iter()
                .skip(offset)
                .take(limit)
                .map(|c| c.id)
                .collect();
            listed_by_ids(&mut conn, &ids).await?
        } else {
            page(&mut conn, &base, search).await?
        };
        let hits = priced(&mut conn, search, products).await?;
        Ok(SearchPage {
            total,
            hits,
            brands,
            categories,
            attributes,
            facets_partial,
        })
    }
}

fn attribute_is(attributes: &serde_json::Value, key: &str, value: &str) -> bool {
    attributes.get(key).is_some_and(|v| match v {
        serde_json::Value::String(s) => s == value,
        other => value.parse::<serde_json::Value>().ok().as_ref() == Some(other),
    })
}

#[derive(Debug)]
struct Listed {
    product: ProductRef,
    brand: String,
    gtin: Option<String>,
    attributes: serde_json::Value,
}

const LISTED_COLUMNS: &str =
    "p.id, p.sku, p.name, p.kind, p.brand_id, p.base_unit, p.unspsc, p.gtin, p.attributes, \
     b.name AS brand_name";

fn order_by(base: &Filtered, sort: SearchSort) -> String {
    match sort {
        SearchSort::Relevance => match &base.rank {
            Some(rank) => format!("{rank}, LENGTH(p.name), p.name, p.sku"),
            // Browsing: by name, the order the index keeps.
            None => "p.name, p.sku".to_string(),
        },
        SearchSort::Sku => "p.sku".to_string(),
        SearchSort::Name => "p.name, p.sku".to_string(),
    }
}

/// What a search reads of every candidate: enough for facets and the
/// attribute filter, not more (each value read costs on this driver).
struct Candidate {
    id: i64,
    brand_id: i64,
    unspsc: Option<String>,
    attributes: serde_json::Value,
}

/// The best [`CANDIDATES`] hits and one more (which says there are more).
async fn candidates(
    conn: &mut AnyConnection,
    base: &Filtered,
    search: &CatalogSearch,
) -> Result<Vec<Candidate>, CoreError> {
    let attributes = if base.reads_attributes {
        "p.attributes"
    } else {
        "NULL"
    };
    let sql = format!(
        "SELECT p.id, p.brand_id, p.unspsc, {attributes} AS attributes {} ORDER BY {} LIMIT {}",
        base.from,
        order_by(base, search.sort),
        CANDIDATES + 1
    );
    let rows = base.params.bind(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let attributes: Option<String> = r.try_get("attributes")?;
            Ok(Candidate {
                id: r.try_get("id")?,
                brand_id: r.try_get("brand_id")?,
                unspsc: r.try_get("unspsc")?,
                attributes: attributes
                    .and_then(|a| serde_json::from_str(&a).ok())
                    .unwrap_or(serde_json::Value::Null),
            })
        })
        .collect()
}

/// The products of a page, in the order of `ids`.
async fn listed_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Listed>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT {LISTED_COLUMNS} FROM products p JOIN brands b ON b.id = p.brand_id WHERE p.id IN ({})",
        list.join(", ")
    );
    let mut listed = listed_rows(conn, &sql).await?;
    listed.sort_by_key(|l| ids.iter().position(|id| *id == l.product.id));
    Ok(listed)
}

/// The code and name of each brand among the candidates, by id.
async fn brand_names(
    conn: &mut AnyConnection,
    found: &[Candidate],
) -> Result<BTreeMap<i64, (String, String)>, CoreError> {
    let ids: std::collections::BTreeSet<i64> = found.iter().map(|c| c.brand_id).collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT id, code, name FROM brands WHERE id IN ({})",
        list.join(", ")
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, (r.try_get("code")?, r.try_get("name")?))))
        .collect()
}

/// A page beyond the candidates, straight from the store.
async fn page(
    conn: &mut AnyConnection,
    base: &Filtered,
    search: &CatalogSearch,
) -> Result<Vec<Listed>, CoreError> {
    let sql = format!(
        "SELECT p.id {} ORDER BY {} LIMIT {} OFFSET {}",
        base.from,
        order_by(base, search.sort),
        search.limit.clamp(1, 100),
        search.offset
    );
    let rows = base
        .params
        .bind(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    listed_by_ids(conn, &ids).await
}

async fn listed_rows(conn: &mut AnyConnection, sql: &str) -> Result<Vec<Listed>, CoreError> {
    let rows = sqlx::query(sql).fetch_all(conn).await?;
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

/// Brand facets by name; the 30 largest categories.
fn facets_of(
    found: &[Candidate],
    brand_names: &BTreeMap<i64, (String, String)>,
) -> (Vec<FacetValue>, Vec<FacetValue>) {
    let mut brands: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut categories: BTreeMap<&str, u64> = BTreeMap::new();
    for c in found {
        if let Some((code, name)) = brand_names.get(&c.brand_id) {
            *brands.entry((name, code)).or_default() += 1;
        }
        if let Some(u) = &c.unspsc {
            *categories.entry(u).or_default() += 1;
        }
    }
    let brands = brands
        .into_iter()
        .map(|((name, code), count)| FacetValue {
            value: code.to_string(),
            label: name.to_string(),
            count,
        })
        .collect();
    let mut categories: Vec<FacetValue> = categories
        .into_iter()
        .map(|(code, count)| FacetValue {
            value: code.to_string(),
            label: code.to_string(),
            count,
        })
        .collect();
    categories.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    categories.truncate(30);
    (brands, categories)
}

/// The ids of the assortments a company buys from (its own and those of
/// the companies above it); `None` when there are none.
async fn assortments_of(
    conn: &mut AnyConnection,
    company: &CompanyRef,
) -> Result<Option<Vec<i64>>, CoreError> {
    let sql = format!(
        "SELECT assortment_id FROM company_assortments WHERE company_id IN {}",
        lineage_in(1)
    );
    let rows = bind_lineage(sqlx::query(&sql), company)
        .fetch_all(conn)
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("assortment_id"))
        .collect::<Result<_, _>>()?;
    Ok((!ids.is_empty()).then_some(ids))
}

/// Attribute values with counts; values that are objects or lists are
/// not facets.
fn attribute_facets(found: &[Candidate]) -> BTreeMap<String, Vec<FacetValue>> {
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for attributes in found.iter().map(|c| &c.attributes) {
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
    counts
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_never_reach_the_query_syntax() {
        let q = text_query(&words("Schraube \"M6x20\" OR *; DROP"), Backend::Sqlite);
        assert_eq!(q, "\"schraube\"* \"m6x20\"* \"or\"* \"drop\"*");
        let q = text_query(&words("AC-1001 & !x"), Backend::Postgres);
        assert_eq!(q, "ac:* & 1001:* & x:*");
        assert!(words(" -- ** % _ ").is_empty());
    }

    #[test]
    fn relevance_names_every_word_and_is_none_without_words() {
        assert_eq!(relevance(&[]), None);
        assert_eq!(
            relevance(&words("Bolt M6")).unwrap(),
            "(CASE WHEN LOWER(p.sku) LIKE '%bolt%' AND LOWER(p.sku) LIKE '%m6%' THEN 0 ELSE 2 END + \
             CASE WHEN LOWER(p.name) LIKE '%bolt%' AND LOWER(p.name) LIKE '%m6%' THEN 0 ELSE 1 END)"
        );
    }

    #[test]
    fn the_sqlite_match_keeps_words_to_the_text_and_the_buyer_to_the_scope() {
        assert_eq!(sqlite_match(&[], 2, None), "scope : m2");
        assert_eq!(
            sqlite_match(&words("m2 Bolt"), 2, Some(&[1, 3])),
            "{sku name attributes} : (\"m2\"* \"bolt\"*) AND scope : m2 AND (scope : a1 OR scope : a3)"
        );
    }

    fn candidate(attributes: serde_json::Value) -> Candidate {
        Candidate {
            id: 1,
            brand_id: 7,
            unspsc: Some("31161500".into()),
            attributes,
        }
    }

    #[test]
    fn facets_count_brands_categories_and_scalar_attributes() {
        let rows = vec![
            candidate(serde_json::json!({"color": "red", "size": 3})),
            candidate(serde_json::json!({"color": "red", "tags": ["a"]})),
            candidate(serde_json::json!({"color": "blue"})),
        ];
        let facets = attribute_facets(&rows);
        let colors: Vec<(String, u64)> = facets["color"]
            .iter()
            .map(|f| (f.value.clone(), f.count))
            .collect();
        assert_eq!(colors, vec![("blue".into(), 1), ("red".into(), 2)]);
        assert_eq!(facets["size"][0].value, "3");
        assert!(!facets.contains_key("tags"));
        let names = BTreeMap::from([(7, ("ACME".to_string(), "Acme".to_string()))]);
        let (brands, categories) = facets_of(&rows, &names);
        assert_eq!((brands[0].label.as_str(), brands[0].count), ("Acme", 3));
        assert_eq!(
            (categories[0].value.as_str(), categories[0].count),
            ("31161500", 3)
        );
    }
}
