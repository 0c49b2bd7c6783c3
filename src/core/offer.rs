//! An offer: what the core must know to sell one SKU to one company in one
//! market (the product, how many base units the ordered unit holds,
//! whether the company may buy it there, every price-list entry that could
//! apply), read in one round trip. On this store a round trip costs more
//! than the work it carries, so the hot paths (price resolution, order
//! placement) ask one query instead of six.

use super::catalog::{ProductKind, ProductRef};
use super::customers::{parse_path, CompanyRef};
use super::pricing::PriceListKind;
use super::sellers::MarketRef;
use super::CoreError;
use crate::store::Micros;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A company's path contains `/<id>/` for itself and every company above
/// it: the test that a record attached to `column` applies to the buyer.
pub(crate) fn applies_to_buyer(column: &str) -> String {
    format!("(co.path LIKE ('%/' || CAST({column} AS TEXT) || '/%'))")
}

/// One price-list entry that could apply.
#[derive(Clone, Debug)]
pub(crate) struct PriceRow {
    pub list: String,
    pub kind: PriceListKind,
    pub company_id: Option<i64>,
    pub company_code: Option<String>,
    pub currency: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub tier: Micros,
    pub price: Micros,
}

/// A promotion that applies to the buyer, market and product; its
/// quantity and days are checked by the caller, who knows them.
#[derive(Clone, Debug)]
pub(crate) struct PromotionRow {
    pub code: String,
    pub min_quantity: Micros,
    pub percent_off: Option<Micros>,
    pub amount_off: Option<Micros>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// Everything needed to sell one SKU to one company in one market.
#[derive(Clone, Debug)]
pub(crate) struct Offer {
    pub company: CompanyRef,
    pub market: MarketRef,
    pub product: ProductRef,
    /// Base units per ordered unit; `None` when not sold in that unit.
    pub base_units: Option<Micros>,
    /// Sold in the market.
    pub sold: bool,
    /// The company or one above it has assortments.
    pub restricted: bool,
    /// The product is in one of them.
    pub listed: bool,
    /// Entries of the lists that apply to the buyer and market, by list
    /// and tier.
    pub prices: Vec<PriceRow>,
    /// Promotions that could apply.
    pub promotions: Vec<PromotionRow>,
}

impl Offer {
    /// Why the company may not buy the product here, if it may not.
    pub fn refusal(&self) -> Option<String> {
        if !self.sold {
            return Some(format!("{} is not sold in this market", self.product.sku));
        }
        if self.restricted && !self.listed {
            return Some(format!(
                "{} is not in an assortment of {}",
                self.product.sku, self.company.code
            ));
        }
        None
    }
}

/// A condition as a 0/1 column both back-ends read as BIGINT.
pub(crate) fn flag(condition: &str) -> String {
    format!("CAST(CASE WHEN {condition} THEN 1 ELSE 0 END AS BIGINT)")
}

/// One row for the buyer, market and product (with the flags), then one
/// per applicable price entry: rows are what costs here, so entries of
/// lists that do not apply are never sent.
fn offer_sql(items: usize) -> String {
    // The items asked for, as a small table of (SKU, unit, position).
    let wanted: Vec<String> = (0..items)
        .map(|n| format!("SELECT CAST(${} AS TEXT) AS sku, CAST(${} AS TEXT) AS unit, CAST({n} AS BIGINT) AS item", 3 + 2 * n, 4 + 2 * n))
        .collect();
    let from = format!(
        "FROM ({}) w JOIN companies co ON co.code = $1 JOIN markets m ON m.code = $2 JOIN products pr ON pr.sku = w.sku",
        wanted.join(" UNION ALL ")
    );
    format!(
        "SELECT w.item, co.id AS co_id, co.code AS co_code, co.name AS co_name, co.path AS co_path, co.market_id AS co_market, \
         m.id AS m_id, m.currency AS m_currency, m.default_price_list AS m_default, \
         pr.id AS pr_id, pr.sku, pr.name AS pr_name, pr.kind AS pr_kind, pr.brand_id, pr.base_unit, pr.unspsc, \
         u.base_units, {sold} AS sold, {restricted} AS restricted, {listed} AS listed, \
         CAST(NULL AS TEXT) AS list, CAST(NULL AS TEXT) AS list_kind, CAST(NULL AS BIGINT) AS list_company, \
         CAST(NULL AS TEXT) AS list_company_code, CAST(NULL AS TEXT) AS list_currency, CAST(NULL AS TEXT) AS valid_from, \
         CAST(NULL AS TEXT) AS valid_to, CAST(NULL AS BIGINT) AS min_quantity, CAST(NULL AS BIGINT) AS unit_price, \
         CAST(NULL AS BIGINT) AS amount_off \
         {from} LEFT JOIN product_units u ON u.product_id = pr.id AND u.unit = w.unit \
         UNION ALL \
         SELECT w.item, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         pl.code, pl.kind, pl.company_id, lc.code, pl.currency, pl.valid_from, pl.valid_to, p.min_quantity, p.unit_price, CAST(NULL AS BIGINT) \
         {from} JOIN prices p ON p.product_id = pr.id JOIN price_lists pl ON pl.id = p.price_list_id \
           AND ((pl.company_id IS NULL AND pl.market_id = m.id) OR {list_applies}) \
         LEFT JOIN companies lc ON lc.id = pl.company_id \
         UNION ALL \
         SELECT w.item, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         pm.code, 'promotion', NULL, NULL, NULL, pm.valid_from, pm.valid_to, pm.min_quantity, pm.percent_off, pm.amount_off \
         {from} JOIN promotions pm ON (pm.market_id IS NULL OR pm.market_id = m.id) \
           AND (pm.product_id IS NULL OR pm.product_id = pr.id) AND (pm.company_id IS NULL OR {promotion_applies})",
        sold = flag("EXISTS (SELECT 1 FROM product_markets pm WHERE pm.product_id = pr.id AND pm.market_id = m.id)"),
        restricted = flag(&format!(
            "EXISTS (SELECT 1 FROM company_assortments ca WHERE {})",
            applies_to_buyer("ca.company_id")
        )),
        listed = flag(&format!(
            "EXISTS (SELECT 1 FROM assortment_products ap JOIN company_assortments ca ON ca.assortment_id = ap.assortment_id \
             WHERE ap.product_id = pr.id AND {})",
            applies_to_buyer("ca.company_id")
        )),
        list_applies = applies_to_buyer("pl.company_id"),
        promotion_applies = applies_to_buyer("pm.company_id"),
    )
}

/// Reads the offer of `sku` (ordered in `unit`) to `company` in `market`.
pub(crate) async fn offer(
    conn: &mut AnyConnection,
    company: &str,
    market: &str,
    sku: &str,
    unit: &str,
) -> Result<Offer, CoreError> {
    let mut offers = offers(
        conn,
        company,
        market,
        &[(sku.to_string(), unit.to_string())],
    )
    .await?;
    offers
        .pop()
        .unwrap_or_else(|| Err(CoreError::not_found("product", sku)))
}

/// Reads the offers of several `(SKU, unit)` items at once, in their
/// order: an order's lines cost one round trip, not one each. Each item
/// gets its offer or why there is none.
pub(crate) async fn offers(
    conn: &mut AnyConnection,
    company: &str,
    market: &str,
    items: &[(String, String)],
) -> Result<Vec<Result<Offer, CoreError>>, CoreError> {
    let sql = offer_sql(items.len());
    let mut query = sqlx::query(&sql).bind(company).bind(market);
    for (sku, unit) in items {
        query = query.bind(sku.as_str()).bind(unit.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut parts: Vec<(Option<&AnyRow>, Vec<PriceRow>, Vec<PromotionRow>)> = (0..items.len())
        .map(|_| (None, Vec::new(), Vec::new()))
        .collect();
    for row in &rows {
        let item: i64 = row.try_get("item")?;
        let Some(part) = usize::try_from(item).ok().and_then(|i| parts.get_mut(i)) else {
            continue;
        };
        let list: Option<String> = row.try_get("list")?;
        let kind: Option<String> = row.try_get("list_kind")?;
        match (list, kind.as_deref()) {
            (Some(code), Some("promotion")) => part.2.push(PromotionRow {
                code,
                min_quantity: Micros(row.try_get("min_quantity")?),
                percent_off: row.try_get::<Option<i64>, _>("unit_price")?.map(Micros),
                amount_off: row.try_get::<Option<i64>, _>("amount_off")?.map(Micros),
                valid_from: row.try_get("valid_from")?,
                valid_to: row.try_get("valid_to")?,
            }),
            (Some(list), _) => part.1.push(price_row(row, list)?),
            (None, _) => part.0 = Some(row),
        }
    }
    let mut offers = Vec::with_capacity(items.len());
    for ((header, mut prices, promotions), (sku, _)) in parts.into_iter().zip(items) {
        let Some(first) = header else {
            offers.push(Err(missing(conn, company, market, sku).await));
            continue;
        };
        prices.sort_by(|a, b| a.list.cmp(&b.list).then(a.tier.cmp(&b.tier)));
        offers.push(offer_from(first, market, prices, promotions));
    }
    Ok(offers)
}

fn offer_from(
    first: &AnyRow,
    market: &str,
    prices: Vec<PriceRow>,
    promotions: Vec<PromotionRow>,
) -> Result<Offer, CoreError> {
    let path: String = first.try_get("co_path")?;
    Ok(Offer {
        company: CompanyRef {
            id: first.try_get("co_id")?,
            code: first.try_get("co_code")?,
            name: first.try_get("co_name")?,
            lineage: parse_path(&path),
            market_id: first.try_get("co_market")?,
        },
        market: MarketRef {
            id: first.try_get("m_id")?,
            code: market.to_string(),
            currency: first.try_get("m_currency")?,
            default_price_list: first.try_get("m_default")?,
        },
        product: ProductRef {
            id: first.try_get("pr_id")?,
            sku: first.try_get("sku")?,
            name: first.try_get("pr_name")?,
            kind: ProductKind::parse(&first.try_get::<String, _>("pr_kind")?),
            brand_id: first.try_get("brand_id")?,
            base_unit: first.try_get("base_unit")?,
            unspsc: first.try_get("unspsc")?,
        },
        base_units: first.try_get::<Option<i64>, _>("base_units")?.map(Micros),
        sold: first.try_get::<i64, _>("sold")? == 1,
        restricted: first.try_get::<i64, _>("restricted")? == 1,
        listed: first.try_get::<i64, _>("listed")? == 1,
        prices,
        promotions,
    })
}

fn price_row(row: &AnyRow, list: String) -> Result<PriceRow, CoreError> {
    Ok(PriceRow {
        list,
        kind: PriceListKind::parse(&row.try_get::<String, _>("list_kind")?),
        company_id: row.try_get("list_company")?,
        company_code: row.try_get("list_company_code")?,
        currency: row.try_get("list_currency")?,
        valid_from: row.try_get("valid_from")?,
        valid_to: row.try_get("valid_to")?,
        tier: Micros(row.try_get("min_quantity")?),
        price: Micros(row.try_get("unit_price")?),
    })
}

/// The first of `(table, key column, what, code)` whose code names no
/// row, as the error to report (asked only after a query found nothing).
pub(crate) async fn first_missing(
    conn: &mut AnyConnection,
    lookups: &[(&str, &str, &'static str, &str)],
) -> Option<CoreError> {
    for (table, key, what, code) in lookups {
        let sql = format!("SELECT 1 FROM {table} WHERE {key} = $1");
        match sqlx::query(&sql)
            .bind(*code)
            .fetch_optional(&mut *conn)
            .await
        {
            Ok(Some(_)) => continue,
            Ok(None) => return Some(CoreError::not_found(what, *code)),
            Err(e) => return Some(CoreError::Store(e)),
        }
    }
    None
}

async fn missing(conn: &mut AnyConnection, company: &str, market: &str, sku: &str) -> CoreError {
    let lookups = [
        ("companies", "code", "company", company),
        ("markets", "code", "market", market),
        ("products", "sku", "product", sku),
    ];
    first_missing(conn, &lookups).await.unwrap_or_else(|| {
        CoreError::not_found("offer", format!("{sku} for {company} in {market}"))
    })
}
