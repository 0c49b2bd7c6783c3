//! What a buyer sees while shopping: a product's sheet (contract price
//! with its tiers and explanation, availability, units, options, bundle
//! contents) and a cart priced by the same rules an order is placed by,
//! with the approvals it will need.

use super::approvals::{foreseen, rules_for, LineFacts};
use super::catalog::{bundle_parts, options_of, product_by_sku, ProductOption, ProductRef};
use super::customers::company_by_code;
use super::inventory::Availability;
use super::offer::offer;
use super::placement::price_line;
use super::pricing::{resolve, PriceCandidate, PriceResolution};
use super::{Core, CoreError};
use crate::document::{OrderLine, ProcurementRefs, Quantity};
use crate::store::Micros;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One product as its page shows it to one buyer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductSheet {
    /// The product.
    pub product: ProductRef,
    /// Its brand's name.
    pub brand: String,
    /// GTIN.
    pub gtin: Option<String>,
    /// Free attributes.
    pub attributes: serde_json::Value,
    /// Units it is sold in, with the base units each holds (the base unit
    /// first).
    pub units: Vec<(String, Decimal)>,
    /// Configurable options.
    pub options: Vec<ProductOption>,
    /// For a bundle: its parts (SKU, name, base units per bundle).
    pub parts: Vec<(String, String, Decimal)>,
    /// The buyer's price for one base unit, with every list considered;
    /// `None` when no list prices it.
    pub price: Option<PriceResolution>,
    /// The tiers of the winning list: (from quantity, unit price).
    pub tiers: Vec<(Decimal, Decimal)>,
    /// Available to promise.
    pub availability: Availability,
}

/// A cart line as the buyer chose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    /// The SKU.
    pub sku: String,
    /// How many.
    pub quantity: Decimal,
    /// In which unit.
    pub unit: String,
    /// Chosen options: (option, choice).
    #[serde(default)]
    pub options: Vec<(String, String)>,
}

/// A cart line priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedLine {
    /// What was chosen.
    pub item: CartItem,
    /// The product's name (the SKU when unknown).
    pub name: String,
    /// UNSPSC.
    pub unspsc: Option<String>,
    /// The quantity in base units.
    pub base_quantity: Decimal,
    /// Price per ordered unit, options included.
    pub unit_price: Option<Decimal>,
    /// Quantity × unit price.
    pub amount: Option<Decimal>,
    /// How the price was found.
    pub explanation: String,
    /// Why the line cannot be ordered, when it cannot.
    pub problem: Option<String>,
}

/// A cart priced by the core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartQuote {
    /// The market's currency.
    pub currency: String,
    /// The lines, in the cart's order.
    pub lines: Vec<QuotedLine>,
    /// The sum of the priced lines.
    pub total: Decimal,
    /// Approvals an order of this cart will need, in words.
    pub approvals: Vec<String>,
}

/// A market as shop pages show prices in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketView {
    /// Its code.
    pub code: String,
    /// Its currency.
    pub currency: String,
    /// Its languages, the first preferred.
    pub languages: Vec<String>,
}

impl Core {
    /// A market's currency and languages.
    pub async fn market_view(&self, code: &str) -> Result<MarketView, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let row = sqlx::query("SELECT currency, languages FROM markets WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::not_found("market", code))?;
        let languages: String = row.try_get("languages")?;
        Ok(MarketView {
            code: code.to_string(),
            currency: row.try_get("currency")?,
            languages: languages
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    /// A product's sheet for a company in a market; a product the company
    /// may not buy there is not found, as if it did not exist.
    pub async fn product_sheet(
        &self,
        company: &str,
        market: &str,
        sku: &str,
        on: NaiveDate,
    ) -> Result<ProductSheet, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let product = product_by_sku(&mut conn, sku).await?;
        let offer = offer(&mut conn, company, market, sku, &product.base_unit).await?;
        if offer.refusal().is_some() {
            return Err(CoreError::not_found("product", sku));
        }
        let price = Micros::from_decimal(Decimal::ONE)
            .ok()
            .and_then(|one| resolve(&offer, one, on).ok());
        let tiers = price.as_ref().map(tiers_of).unwrap_or_default();
        let row = sqlx::query(
            "SELECT p.gtin, p.attributes, b.name AS brand FROM products p JOIN brands b ON b.id = p.brand_id WHERE p.id = $1",
        )
        .bind(product.id)
        .fetch_one(&mut *conn)
        .await?;
        let attributes: String = row.try_get("attributes")?;
        let units = sqlx::query(
            "SELECT unit, base_units FROM product_units WHERE product_id = $1 ORDER BY base_units, unit",
        )
        .bind(product.id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("unit")?, Micros(r.try_get("base_units")?).to_decimal())))
        .collect::<Result<Vec<_>, CoreError>>()?;
        let options = options_of(&mut conn, product.id).await?;
        let parts = bundle_parts(&mut conn, &product)
            .await?
            .into_iter()
            .map(|(part, quantity)| (part.sku, part.name, quantity.to_decimal()))
            .collect();
        drop(conn);
        let availability = self.availability(sku, on).await?;
        Ok(ProductSheet {
            brand: row.try_get("brand")?,
            gtin: row.try_get("gtin")?,
            attributes: serde_json::from_str(&attributes).unwrap_or(serde_json::Value::Null),
            product,
            units,
            options,
            parts,
            price,
            tiers,
            availability,
        })
    }

    /// Prices a cart line by line as an order would be priced; a line that
    /// cannot be ordered says why instead of failing the cart.
    pub async fn quote_cart(
        &self,
        company: &str,
        market: &str,
        items: &[CartItem],
        on: NaiveDate,
    ) -> Result<CartQuote, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let buyer = company_by_code(&mut conn, company).await?;
        let currency: String = sqlx::query("SELECT currency FROM markets WHERE code = $1")
            .bind(market)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::not_found("market", market))?
            .try_get("currency")?;
        let mut lines = Vec::with_capacity(items.len());
        let mut total = Micros(0);
        let mut facts = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let line = OrderLine::for_sku(
                &(n + 1).to_string(),
                &item.sku,
                Quantity {
                    value: item.quantity,
                    unit: item.unit.clone(),
                },
            );
            let header = ProcurementRefs::default();
            let priced = price_line(
                &mut conn,
                (company, market, on),
                &line,
                &header,
                &item.options,
            )
            .await;
            lines.push(match priced {
                Ok(priced) => {
                    total = Micros(total.0.saturating_add(priced.amount.0));
                    facts.push(LineFacts {
                        sku: priced.product.sku.clone(),
                        unspsc: priced.product.unspsc.clone(),
                        amount: priced.amount,
                        cost_center: None,
                    });
                    QuotedLine {
                        item: item.clone(),
                        name: priced.product.name.clone(),
                        unspsc: priced.product.unspsc.clone(),
                        base_quantity: priced.base_quantity.to_decimal(),
                        unit_price: Some(priced.unit_price.to_decimal()),
                        amount: Some(priced.amount.to_decimal()),
                        explanation: priced.price_rule,
                        problem: None,
                    }
                }
                Err(e) => QuotedLine {
                    item: item.clone(),
                    name: item.sku.clone(),
                    unspsc: None,
                    base_quantity: Decimal::ZERO,
                    unit_price: None,
                    amount: None,
                    explanation: String::new(),
                    problem: Some(e.to_string()),
                },
            });
        }
        let rules = rules_for(&mut conn, &buyer).await?;
        let approvals = foreseen(&rules, total, &currency, &facts);
        Ok(CartQuote {
            currency,
            lines,
            total: total.to_decimal(),
            approvals,
        })
    }
}

/// The winning list's tiers, lowest first.
fn tiers_of(resolution: &PriceResolution) -> Vec<(Decimal, Decimal)> {
    let winner = &resolution.winner;
    let mut tiers: Vec<(Decimal, Decimal)> = resolution
        .considered
        .iter()
        .filter(|c: &&PriceCandidate| c.list == winner.list && c.company == winner.company)
        .map(|c| (c.tier_from, c.unit_price))
        .collect();
    tiers.sort();
    tiers.dedup();
    tiers
}
