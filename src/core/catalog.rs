//! The catalog: products and services with their units, bundles (kits),
//! configurable options with price effects, the markets each is sold in,
//! and assortments (shared catalogs) that limit what a company may buy.

use super::customers::{bind_lineage, company_by_code, lineage_in, CompanyRef};
use super::sellers::{id_of, upsert_named};
use super::{Actor, Core, CoreError};
use crate::document::ItemIdentity;
use crate::store::Micros;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// What a catalog entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Goods, kept in stock.
    Product,
    /// A service (installation, training); never in stock.
    Service,
    /// A kit of other products and services, sold as one.
    Bundle,
}

impl ProductKind {
    fn as_str(self) -> &'static str {
        match self {
            ProductKind::Product => "product",
            ProductKind::Service => "service",
            ProductKind::Bundle => "bundle",
        }
    }

    pub(crate) fn parse(word: &str) -> ProductKind {
        match word {
            "service" => ProductKind::Service,
            "bundle" => ProductKind::Bundle,
            _ => ProductKind::Product,
        }
    }
}

/// One choice of a configurable option and what it adds to the price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    /// The option (`color`, `warranty`).
    pub option: String,
    /// The choice (`red`, `3y`).
    pub choice: String,
    /// Added to the unit price (negative for a cheaper choice).
    pub price_effect: Decimal,
}

/// A product to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewProduct {
    /// The seller's part number.
    pub sku: String,
    /// The brand's code.
    pub brand: String,
    /// What it is.
    pub kind: ProductKind,
    /// Its name.
    pub name: String,
    /// GTIN, when it has one.
    pub gtin: Option<String>,
    /// UNSPSC classification.
    pub unspsc: Option<String>,
    /// The Rec 20 unit stock and prices count in (`C62`, `KGM`).
    pub base_unit: String,
    /// Other units it is sold in, with how many base units each holds
    /// (`("CT", 12)` a carton of twelve).
    #[serde(default)]
    pub units: Vec<(String, Decimal)>,
    /// Free attributes (`{"color": "red"}`).
    #[serde(default)]
    pub attributes: serde_json::Value,
    /// Codes of the markets it is sold in.
    #[serde(default)]
    pub markets: Vec<String>,
    /// For a bundle: its parts by SKU and quantity.
    #[serde(default)]
    pub parts: Vec<(String, Decimal)>,
    /// Configurable options.
    #[serde(default)]
    pub options: Vec<ProductOption>,
}

/// A product as orders and prices use it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRef {
    /// Row id.
    pub id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// What it is.
    pub kind: ProductKind,
    /// The brand's row id.
    pub brand_id: i64,
    /// Base unit.
    pub base_unit: String,
    /// UNSPSC, for restricted-category rules.
    pub unspsc: Option<String>,
}

impl Core {
    /// Creates a product, or replaces its units, markets, parts and options
    /// when the SKU exists.
    pub async fn create_product(
        &self,
        _by: &Actor,
        new: &NewProduct,
    ) -> Result<ProductRef, CoreError> {
        if new.kind == ProductKind::Bundle && new.parts.is_empty() {
            return Err(CoreError::Invalid(format!(
                "bundle {} has no parts",
                new.sku
            )));
        }
        let mut tx = self.store.begin().await?;
        let brand_id = id_of(&mut tx, "brands", "brand", &new.brand).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO products (sku, brand_id, kind, name, gtin, unspsc, base_unit, attributes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sku) DO UPDATE SET brand_id = excluded.brand_id, \
             kind = excluded.kind, name = excluded.name, gtin = excluded.gtin, unspsc = excluded.unspsc, \
             base_unit = excluded.base_unit, attributes = excluded.attributes RETURNING id",
        )
        .bind(&new.sku)
        .bind(brand_id)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.gtin)
        .bind(&new.unspsc)
        .bind(&new.base_unit)
        .bind(new.attributes.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for table in ["product_units", "product_markets", "product_options"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE product_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM bundle_parts WHERE bundle_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let base = [(new.base_unit.clone(), Decimal::ONE)];
        for (unit, factor) in base.iter().chain(&new.units) {
            let factor = positive(*factor, &format!("{} unit {unit}", new.sku))?;
            sqlx::query("INSERT INTO product_units (product_id, unit, base_units) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(unit)
                .bind(factor.0)
                .execute(&mut *tx)
                .await?;
        }
        for market in &new.markets {
            let market_id = id_of(&mut tx, "markets", "market", market).await?;
            sqlx::query("INSERT INTO product_markets (product_id, market_id) VALUES ($1, $2)")
                .bind(id)
                .bind(market_id)
                .execute(&mut *tx)
                .await?;
        }
        for (sku, quantity) in &new.parts {
            let part = product_by_sku(&mut tx, sku).await?;
            let quantity = positive(*quantity, &format!("{} part {sku}", new.sku))?;
            sqlx::query(
                "INSERT INTO bundle_parts (bundle_id, part_id, quantity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(part.id)
            .bind(quantity.0)
            .execute(&mut *tx)
            .await?;
        }
        for option in &new.options {
            let effect = Micros::from_decimal(option.price_effect).map_err(|e| {
                CoreError::amount(format!("{} option {}", new.sku, option.option), e)
            })?;
            sqlx::query("INSERT INTO product_options (product_id, option_code, choice, price_effect) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&option.option)
                .bind(&option.choice)
                .bind(effect.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ProductRef {
            id,
            sku: new.sku.clone(),
            name: new.name.clone(),
            kind: new.kind,
            brand_id,
            base_unit: new.base_unit.clone(),
            unspsc: new.unspsc.clone(),
        })
    }

    /// Creates an assortment of products (a shared catalog).
    pub async fn create_assortment(
        &self,
        _by: &Actor,
        code: &str,
        name: &str,
        skus: &[&str],
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let id = upsert_named(&mut tx, "assortments", "assortment", code, name).await?;
        for sku in skus {
            let product = product_by_sku(&mut tx, sku).await?;
            sqlx::query("INSERT INTO assortment_products (assortment_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(product.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Assigns an assortment to a company and so to every unit below it.
    pub async fn assign_assortment(
        &self,
        _by: &Actor,
        company: &str,
        assortment: &str,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let company = company_by_code(&mut tx, company).await?;
        let id = id_of(&mut tx, "assortments", "assortment", assortment).await?;
        sqlx::query("INSERT INTO company_assortments (company_id, assortment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(company.id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The configurable options of a product (none for an unknown SKU).
    pub async fn product_options(&self, sku: &str) -> Result<Vec<ProductOption>, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        match product_by_sku(&mut conn, sku).await {
            Ok(product) => options_of(&mut conn, product.id).await,
            Err(CoreError::NotFound { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The SKUs a company may buy in a market, in SKU order, from `after`
    /// on, at most `limit`.
    pub async fn catalog_for(
        &self,
        company: &str,
        market: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ProductRef>, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, company).await?;
        let market_id = id_of(&mut conn, "markets", "market", market).await?;
        let restricted = has_assortments(&mut conn, &company).await?;
        let assortment_filter = if restricted {
            format!(
                "AND p.id IN (SELECT ap.product_id FROM assortment_products ap JOIN company_assortments ca \
                 ON ca.assortment_id = ap.assortment_id WHERE ca.company_id IN {})",
                lineage_in(4)
            )
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT p.id, p.sku, p.name, p.kind, p.brand_id, p.base_unit, p.unspsc FROM products p \
             JOIN product_markets pm ON pm.product_id = p.id AND pm.market_id = $1 \
             WHERE p.sku > $2 {assortment_filter} ORDER BY p.sku LIMIT $3"
        );
        let mut query = sqlx::query(&sql)
            .bind(market_id)
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit));
        if restricted {
            query = bind_lineage(query, &company);
        }
        let rows = query.fetch_all(&mut *conn).await?;
        rows.iter().map(product_from_row).collect()
    }

    /// Whether a company may buy a product in a market.
    pub async fn may_buy(&self, company: &str, sku: &str, market: &str) -> Result<bool, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, company).await?;
        let product = product_by_sku(&mut conn, sku).await?;
        let market_id = id_of(&mut conn, "markets", "market", market).await?;
        Ok(buyable(&mut conn, &company, &product, market_id)
            .await?
            .is_ok())
    }
}

fn positive(value: Decimal, what: &str) -> Result<Micros, CoreError> {
    if value <= Decimal::ZERO {
        return Err(CoreError::Invalid(format!(
            "{what}: {value} must be more than zero"
        )));
    }
    Micros::from_decimal(value).map_err(|e| CoreError::amount(what, e))
}

const PRODUCT_COLUMNS: &str = "id, sku, name, kind, brand_id, base_unit, unspsc";

pub(crate) fn product_from_row(row: &sqlx::any::AnyRow) -> Result<ProductRef, CoreError> {
    Ok(ProductRef {
        id: row.try_get("id")?,
        sku: row.try_get("sku")?,
        name: row.try_get("name")?,
        kind: ProductKind::parse(&row.try_get::<String, _>("kind")?),
        brand_id: row.try_get("brand_id")?,
        base_unit: row.try_get("base_unit")?,
        unspsc: row.try_get("unspsc")?,
    })
}

/// A product by SKU.
/// A product's configurable options, by option and choice.
pub(crate) async fn options_of(
    conn: &mut AnyConnection,
    product_id: i64,
) -> Result<Vec<ProductOption>, CoreError> {
    sqlx::query(
        "SELECT option_code, choice, price_effect FROM product_options WHERE product_id = $1 ORDER BY option_code, choice",
    )
    .bind(product_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(ProductOption {
            option: r.try_get("option_code")?,
            choice: r.try_get("choice")?,
            price_effect: Micros(r.try_get("price_effect")?).to_decimal(),
        })
    })
    .collect()
}

pub(crate) async fn product_by_sku(
    conn: &mut AnyConnection,
    sku: &str,
) -> Result<ProductRef, CoreError> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = $1");
    let row = sqlx::query(&sql)
        .bind(sku)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("product", sku))?;
    product_from_row(&row)
}

/// The SKU an order line names: the seller's part number, else the
/// product with its GTIN.
pub(crate) async fn sku_for_item(
    conn: &mut AnyConnection,
    item: &ItemIdentity,
) -> Result<String, CoreError> {
    if let Some(sku) = &item.seller_id {
        return Ok(sku.clone());
    }
    if let Some(gtin) = &item.standard_id {
        let row = sqlx::query("SELECT sku FROM products WHERE gtin = $1")
            .bind(&gtin.value)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| CoreError::not_found("product with GTIN", gtin.value.clone()))?;
        return Ok(row.try_get("sku")?);
    }
    let named = item.buyer_id.clone().unwrap_or_default();
    Err(CoreError::Invalid(format!(
        "item {named:?} has neither a seller part number nor a GTIN"
    )))
}

/// The product an order line names (see [`sku_for_item`]).
pub(crate) async fn product_for_item(
    conn: &mut AnyConnection,
    item: &ItemIdentity,
) -> Result<ProductRef, CoreError> {
    let sku = sku_for_item(conn, item).await?;
    product_by_sku(conn, &sku).await
}

/// How many base units one `unit` of a product holds.
pub(crate) async fn base_units_per(
    conn: &mut AnyConnection,
    product: &ProductRef,
    unit: &str,
) -> Result<Micros, CoreError> {
    let row =
        sqlx::query("SELECT base_units FROM product_units WHERE product_id = $1 AND unit = $2")
            .bind(product.id)
            .bind(unit)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| {
                CoreError::Invalid(format!(
                    "product {} is not sold in unit {unit}",
                    product.sku
                ))
            })?;
    Ok(Micros(row.try_get("base_units")?))
}

/// The price effect of the chosen options.
pub(crate) async fn option_effect(
    conn: &mut AnyConnection,
    product: &ProductRef,
    choices: &[(String, String)],
) -> Result<Micros, CoreError> {
    let mut total = 0;
    for (option, choice) in choices {
        let row = sqlx::query("SELECT price_effect FROM product_options WHERE product_id = $1 AND option_code = $2 AND choice = $3")
            .bind(product.id)
            .bind(option)
            .bind(choice)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::Invalid(format!("product {} has no option {option} = {choice}", product.sku)))?;
        total += row.try_get::<i64, _>("price_effect")?;
    }
    Ok(Micros(total))
}

/// A bundle's parts: (part, base units per bundle).
pub(crate) async fn bundle_parts(
    conn: &mut AnyConnection,
    bundle: &ProductRef,
) -> Result<Vec<(ProductRef, Micros)>, CoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.sku, p.name, p.kind, p.brand_id, p.base_unit, p.unspsc, b.quantity FROM bundle_parts b \
         JOIN products p ON p.id = b.part_id WHERE b.bundle_id = $1 ORDER BY p.id",
    )
    .bind(bundle.id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((product_from_row(r)?, Micros(r.try_get("quantity")?))))
        .collect()
}

async fn has_assortments(
    conn: &mut AnyConnection,
    company: &CompanyRef,
) -> Result<bool, CoreError> {
    let sql = format!(
        "SELECT 1 FROM company_assortments WHERE company_id IN {} LIMIT 1",
        lineage_in(1)
    );
    let query = bind_lineage(sqlx::query(&sql), company);
    Ok(query.fetch_optional(conn).await?.is_some())
}

/// Whether a company may buy a product in a market: the product is sold
/// there and, when the company or one above it has assortments, is in one
/// of them. A company without assortments sees the whole market catalog.
pub(crate) async fn buyable(
    conn: &mut AnyConnection,
    company: &CompanyRef,
    product: &ProductRef,
    market_id: i64,
) -> Result<Result<(), String>, CoreError> {
    let sold =
        sqlx::query("SELECT 1 FROM product_markets WHERE product_id = $1 AND market_id = $2")
            .bind(product.id)
            .bind(market_id)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    if !sold {
        return Ok(Err(format!("{} is not sold in this market", product.sku)));
    }
    if !has_assortments(conn, company).await? {
        return Ok(Ok(()));
    }
    let sql = format!(
        "SELECT 1 FROM assortment_products ap JOIN company_assortments ca ON ca.assortment_id = ap.assortment_id \
         WHERE ap.product_id = $1 AND ca.company_id IN {} LIMIT 1",
        lineage_in(2)
    );
    let listed = bind_lineage(sqlx::query(&sql).bind(product.id), company)
        .fetch_optional(conn)
        .await?
        .is_some();
    Ok(if listed {
        Ok(())
    } else {
        Err(format!(
            "{} is not in an assortment of {}",
            product.sku, company.code
        ))
    })
}
