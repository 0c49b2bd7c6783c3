//! Sellers and markets: brands, the markets they sell in (region,
//! currency, languages, tax rules, default price list) and the sales
//! channels open per brand and market. One deployment serves many.

use super::{Actor, Core, CoreError};
use crate::store::Tx;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A way orders arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// EDI (X12, EDIFACT).
    Edi,
    /// cXML or OCI punchout.
    Punchout,
    /// The REST API.
    Api,
    /// The web shop.
    Web,
}

impl ChannelKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Edi => "edi",
            ChannelKind::Punchout => "punchout",
            ChannelKind::Api => "api",
            ChannelKind::Web => "web",
        }
    }
}

/// A market to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMarket {
    /// Its code (`DE`, `US-WEST`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The region it covers.
    pub region: String,
    /// ISO 4217 currency its prices are in.
    pub currency: String,
    /// Languages offered, first the default (`de`, `en`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Reference to the tax rules that apply (`EU-VAT-DE`).
    pub tax_rules: Option<String>,
    /// Code of the base price list buyers without their own prices see.
    pub default_price_list: Option<String>,
}

impl Core {
    /// Creates a brand, or returns the existing one when identical.
    pub async fn create_brand(
        &self,
        _by: &Actor,
        code: &str,
        name: &str,
    ) -> Result<i64, CoreError> {
        let mut tx = self.store.begin().await?;
        let id = upsert_named(&mut tx, "brands", "brand", code, name).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a market, or returns the existing one when identical.
    pub async fn create_market(&self, _by: &Actor, market: &NewMarket) -> Result<i64, CoreError> {
        let currency_ok =
            market.currency.len() == 3 && market.currency.bytes().all(|b| b.is_ascii_uppercase());
        if !currency_ok {
            return Err(CoreError::Invalid(format!(
                "market {}: currency {:?} is not an ISO 4217 code",
                market.code, market.currency
            )));
        }
        let mut tx = self.store.begin().await?;
        let languages = market.languages.join(",");
        let existing = sqlx::query(
            "SELECT id, name, region, currency, languages, tax_rules, default_price_list FROM markets WHERE code = $1",
        )
        .bind(&market.code)
        .fetch_optional(&mut *tx)
        .await?;
        let id = match existing {
            Some(row) => {
                let same = row.try_get::<String, _>("name")? == market.name
                    && row.try_get::<String, _>("region")? == market.region
                    && row.try_get::<String, _>("currency")? == market.currency
                    && row.try_get::<String, _>("languages")? == languages
                    && row.try_get::<Option<String>, _>("tax_rules")? == market.tax_rules
                    && row.try_get::<Option<String>, _>("default_price_list")?
                        == market.default_price_list;
                if !same {
                    return Err(CoreError::Exists {
                        what: "market",
                        key: market.code.clone(),
                    });
                }
                row.try_get("id")?
            }
            None => sqlx::query(
                "INSERT INTO markets (code, name, region, currency, languages, tax_rules, default_price_list) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&market.code)
            .bind(&market.name)
            .bind(&market.region)
            .bind(&market.currency)
            .bind(&languages)
            .bind(&market.tax_rules)
            .bind(&market.default_price_list)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?,
        };
        tx.commit().await?;
        Ok(id)
    }

    /// Opens a sales channel for a brand in a market.
    pub async fn open_channel(
        &self,
        _by: &Actor,
        brand: &str,
        market: &str,
        kind: ChannelKind,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let brand_id = id_of(&mut tx, "brands", "brand", brand).await?;
        let market_id = id_of(&mut tx, "markets", "market", market).await?;
        sqlx::query(
            "INSERT INTO channels (brand_id, market_id, kind) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id, market_id, kind) DO NOTHING",
        )
        .bind(brand_id)
        .bind(market_id)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The channels open for a brand in a market.
    pub async fn channels(&self, brand: &str, market: &str) -> Result<Vec<ChannelKind>, CoreError> {
        let rows = sqlx::query(
            "SELECT c.kind FROM channels c JOIN brands b ON b.id = c.brand_id \
             JOIN markets m ON m.id = c.market_id WHERE b.code = $1 AND m.code = $2 ORDER BY c.kind",
        )
        .bind(brand)
        .bind(market)
        .fetch_all(self.store.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(serde_json::from_value(serde_json::Value::String(kind))?)
            })
            .collect()
    }
}

/// The market a command names, with what pricing needs of it.
#[derive(Clone, Debug)]
pub(crate) struct MarketRef {
    pub id: i64,
    pub code: String,
    pub currency: String,
    pub default_price_list: Option<String>,
}

pub(crate) async fn market_ref(
    conn: &mut sqlx::AnyConnection,
    code: &str,
) -> Result<MarketRef, CoreError> {
    let row = sqlx::query("SELECT id, currency, default_price_list FROM markets WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("market", code))?;
    Ok(MarketRef {
        id: row.try_get("id")?,
        code: code.to_string(),
        currency: row.try_get("currency")?,
        default_price_list: row.try_get("default_price_list")?,
    })
}

/// The id of the record with `code` in `table`.
pub(crate) async fn id_of(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    what: &'static str,
    code: &str,
) -> Result<i64, CoreError> {
    let sql = format!("SELECT id FROM {table} WHERE code = $1");
    let row = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found(what, code))?;
    Ok(row.try_get("id")?)
}

/// Inserts a (code, name) record, or returns the existing id when the name
/// matches.
pub(crate) async fn upsert_named(
    tx: &mut Tx,
    table: &str,
    what: &'static str,
    code: &str,
    name: &str,
) -> Result<i64, CoreError> {
    let sql = format!("SELECT id, name FROM {table} WHERE code = $1");
    if let Some(row) = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?
    {
        if row.try_get::<String, _>("name")? != name {
            return Err(CoreError::Exists {
                what,
                key: code.to_string(),
            });
        }
        return Ok(row.try_get("id")?);
    }
    let sql = format!("INSERT INTO {table} (code, name) VALUES ($1, $2) RETURNING id");
    Ok(sqlx::query(&sql)
        .bind(code)
        .bind(name)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?)
}
