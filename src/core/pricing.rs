//! Pricing: base price lists per market, customer price lists attached
//! anywhere in the hierarchy (inherited downward), contract prices with
//! validity dates, quantity tiers and promotions. One function,
//! [`Core::resolve_price`], answers "the price of this SKU for this
//! company, quantity, market and day", with the winning rule and why it won.
//!
//! Precedence: a contract list beats a customer list beats a base list;
//! between two of one kind, the one attached nearer the buyer wins (a
//! unit's own list before its division's); the market's default list
//! beats its other base lists. The best promotion then applies to the
//! winner. Rule changes are commands that write an audit trail.

use super::catalog::{product_by_sku, ProductRef};
use super::customers::{company_by_code, require_role, CompanyRef, Role};
use super::offer::{offer, Offer};
use super::sellers::market_ref;
use super::{Actor, Core, CoreError, Money};
use crate::store::{now_micros, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The kind of a price list, from the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceListKind {
    /// Negotiated prices with a validity period.
    Contract,
    /// A customer's own prices.
    Customer,
    /// A market's list prices.
    Base,
}

impl PriceListKind {
    fn as_str(self) -> &'static str {
        match self {
            PriceListKind::Contract => "contract",
            PriceListKind::Customer => "customer",
            PriceListKind::Base => "base",
        }
    }

    pub(crate) fn parse(word: &str) -> PriceListKind {
        match word {
            "contract" => PriceListKind::Contract,
            "customer" => PriceListKind::Customer,
            _ => PriceListKind::Base,
        }
    }
}

/// A price list to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPriceList {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: PriceListKind,
    /// ISO 4217 currency.
    pub currency: String,
    /// For a base list: the market.
    pub market: Option<String>,
    /// For a customer or contract list: the company it is attached to.
    pub company: Option<String>,
    /// First day it applies.
    pub valid_from: Option<NaiveDate>,
    /// Last day it applies.
    pub valid_to: Option<NaiveDate>,
}

/// A promotion: a percentage or an amount off, under conditions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPromotion {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Only in this market.
    pub market: Option<String>,
    /// Only for this company and those below it.
    pub company: Option<String>,
    /// Only for this SKU.
    pub sku: Option<String>,
    /// Only from this quantity (in base units).
    pub min_quantity: Decimal,
    /// Percent off the unit price.
    pub percent_off: Option<Decimal>,
    /// Amount off the unit price.
    pub amount_off: Option<Decimal>,
    /// First day.
    pub valid_from: Option<NaiveDate>,
    /// Last day.
    pub valid_to: Option<NaiveDate>,
}

/// What a price is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceQuery {
    /// The SKU.
    pub sku: String,
    /// The buying company (a user's company when asked for a user).
    pub company: String,
    /// The market.
    pub market: String,
    /// The quantity, in the product's base unit.
    pub quantity: Decimal,
    /// The day.
    pub on: NaiveDate,
}

/// One price list entry that could apply, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceCandidate {
    /// The list's code.
    pub list: String,
    /// Its kind.
    pub kind: PriceListKind,
    /// The company it is attached to.
    pub company: Option<String>,
    /// The tier: the quantity from which the price applies.
    pub tier_from: Decimal,
    /// The unit price.
    pub unit_price: Decimal,
    /// `won`, or why it lost or did not apply.
    pub outcome: String,
}

/// The answer to a [`PriceQuery`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceResolution {
    /// The SKU.
    pub sku: String,
    /// The price per base unit, after the promotion.
    pub unit_price: Money,
    /// The winner's price, before the promotion.
    pub list_price: Money,
    /// The winning entry.
    pub winner: PriceCandidate,
    /// The promotion applied, if any, by code.
    pub promotion: Option<String>,
    /// Every entry considered, the winner first.
    pub considered: Vec<PriceCandidate>,
}

impl PriceResolution {
    /// One line per candidate: which list, which tier, what it beat.
    pub fn explanation(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{} {} from {} list {}{} (tier from {})",
            self.unit_price.amount,
            self.unit_price.currency,
            self.winner.kind.as_str(),
            self.winner.list,
            self.winner
                .company
                .as_ref()
                .map(|c| format!(" of {c}"))
                .unwrap_or_default(),
            self.winner.tier_from
        )];
        if let Some(promotion) = &self.promotion {
            lines.push(format!(
                "promotion {promotion} took {} to {}",
                self.list_price.amount, self.unit_price.amount
            ));
        }
        for other in self.considered.iter().skip(1) {
            lines.push(format!(
                "{} list {} at {}: {}",
                other.kind.as_str(),
                other.list,
                other.unit_price,
                other.outcome
            ));
        }
        lines
    }
}

/// One row of a rule's audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When, in microseconds since the epoch.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What (`set_price`, `remove_price`, `create_price_list`).
    pub action: String,
    /// The record's key (`LIST/SKU/tier`).
    pub key: String,
    /// Before, as JSON, when it existed.
    pub before: Option<String>,
    /// After, as JSON, unless removed.
    pub after: Option<String>,
}

impl Core {
    /// Creates a price list.
    pub async fn create_price_list(
        &self,
        by: &Actor,
        list: &NewPriceList,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let company = match &list.company {
            Some(code) => Some(company_by_code(&mut tx, code).await?),
            None => None,
        };
        match (list.kind, &company, &list.market) {
            (PriceListKind::Base, None, Some(_)) => {}
            (PriceListKind::Base, _, _) => {
                return Err(CoreError::Invalid(format!(
                    "base price list {} needs a market and no company",
                    list.code
                )))
            }
            (_, Some(_), _) => {}
            (kind, None, _) => {
                return Err(CoreError::Invalid(format!(
                    "{} price list {} needs a company",
                    kind.as_str(),
                    list.code
                )))
            }
        }
        authorize(&mut tx, by, company.as_ref(), "change price lists").await?;
        let market_id = match &list.market {
            Some(code) => Some(market_ref(&mut tx, code).await?.id),
            None => None,
        };
        sqlx::query(
            "INSERT INTO price_lists (code, name, kind, currency, market_id, company_id, valid_from, valid_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&list.code)
        .bind(&list.name)
        .bind(list.kind.as_str())
        .bind(&list.currency)
        .bind(market_id)
        .bind(company.as_ref().map(|c| c.id))
        .bind(list.valid_from.map(|d| d.to_string()))
        .bind(list.valid_to.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(|e| exists_or(e, "price list", &list.code))?;
        audit(
            &mut tx,
            by,
            "price_list",
            &list.code,
            "create_price_list",
            None,
            Some(serde_json::to_string(list)?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the price of a SKU on a list from a tier quantity (in base
    /// units; 0 or 1 for the first tier). Takes effect at once.
    pub async fn set_price(
        &self,
        by: &Actor,
        list: &str,
        sku: &str,
        tier_from: Decimal,
        unit_price: Decimal,
    ) -> Result<(), CoreError> {
        let tier = Micros::from_decimal(tier_from).map_err(|e| CoreError::amount("tier", e))?;
        let price =
            Micros::from_decimal(unit_price).map_err(|e| CoreError::amount("unit price", e))?;
        if price.0 < 0 {
            return Err(CoreError::Invalid(format!(
                "price of {sku} on {list}: {unit_price} is negative"
            )));
        }
        let mut tx = self.store.begin().await?;
        let (list_id, company) = list_owner(&mut tx, list).await?;
        authorize(&mut tx, by, company.as_ref(), "change prices").await?;
        let product = product_by_sku(&mut tx, sku).await?;
        let before = current_price(&mut tx, list_id, &product, tier).await?;
        sqlx::query(
            "INSERT INTO prices (price_list_id, product_id, min_quantity, unit_price) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (product_id, price_list_id, min_quantity) DO UPDATE SET unit_price = excluded.unit_price",
        )
        .bind(list_id)
        .bind(product.id)
        .bind(tier.0)
        .bind(price.0)
        .execute(&mut *tx)
        .await?;
        let key = format!("{list}/{sku}/{tier}");
        audit(
            &mut tx,
            by,
            "price",
            &key,
            "set_price",
            before.map(|p| p.to_string()),
            Some(price.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a tier's price from a list.
    pub async fn remove_price(
        &self,
        by: &Actor,
        list: &str,
        sku: &str,
        tier_from: Decimal,
    ) -> Result<(), CoreError> {
        let tier = Micros::from_decimal(tier_from).map_err(|e| CoreError::amount("tier", e))?;
        let mut tx = self.store.begin().await?;
        let (list_id, company) = list_owner(&mut tx, list).await?;
        authorize(&mut tx, by, company.as_ref(), "change prices").await?;
        let product = product_by_sku(&mut tx, sku).await?;
        let Some(before) = current_price(&mut tx, list_id, &product, tier).await? else {
            return Err(CoreError::not_found(
                "price",
                format!("{list}/{sku}/{tier}"),
            ));
        };
        sqlx::query(
            "DELETE FROM prices WHERE price_list_id = $1 AND product_id = $2 AND min_quantity = $3",
        )
        .bind(list_id)
        .bind(product.id)
        .bind(tier.0)
        .execute(&mut *tx)
        .await?;
        let key = format!("{list}/{sku}/{tier}");
        audit(
            &mut tx,
            by,
            "price",
            &key,
            "remove_price",
            Some(before.to_string()),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a promotion.
    pub async fn create_promotion(
        &self,
        by: &Actor,
        promotion: &NewPromotion,
    ) -> Result<(), CoreError> {
        if promotion.percent_off.is_some() == promotion.amount_off.is_some() {
            return Err(CoreError::Invalid(format!(
                "promotion {} needs exactly one of percent_off and amount_off",
                promotion.code
            )));
        }
        let mut tx = self.store.begin().await?;
        let company = match &promotion.company {
            Some(code) => Some(company_by_code(&mut tx, code).await?),
            None => None,
        };
        authorize(&mut tx, by, company.as_ref(), "change promotions").await?;
        let market = match &promotion.market {
            Some(code) => Some(market_ref(&mut tx, code).await?.id),
            None => None,
        };
        let product = match &promotion.sku {
            Some(sku) => Some(product_by_sku(&mut tx, sku).await?.id),
            None => None,
        };
        let micros = |v: Option<Decimal>, what: &str| {
            v.map(|d| {
                Micros::from_decimal(d)
                    .map(|m| m.0)
                    .map_err(|e| CoreError::amount(what, e))
            })
            .transpose()
        };
        sqlx::query(
            "INSERT INTO promotions (code, name, market_id, company_id, product_id, min_quantity, percent_off, amount_off, valid_from, valid_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&promotion.code)
        .bind(&promotion.name)
        .bind(market)
        .bind(company.as_ref().map(|c| c.id))
        .bind(product)
        .bind(micros(Some(promotion.min_quantity), "min_quantity")?.unwrap_or(0))
        .bind(micros(promotion.percent_off, "percent_off")?)
        .bind(micros(promotion.amount_off, "amount_off")?)
        .bind(promotion.valid_from.map(|d| d.to_string()))
        .bind(promotion.valid_to.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(|e| exists_or(e, "promotion", &promotion.code))?;
        audit(
            &mut tx,
            by,
            "promotion",
            &promotion.code,
            "create_promotion",
            None,
            Some(serde_json::to_string(promotion)?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The price of a SKU for a company, quantity, market and day, with
    /// the winning rule and every rule it beat.
    pub async fn resolve_price(&self, query: &PriceQuery) -> Result<PriceResolution, CoreError> {
        let quantity =
            Micros::from_decimal(query.quantity).map_err(|e| CoreError::amount("quantity", e))?;
        let mut conn = self.store.reader().acquire().await?;
        let offer = offer(&mut conn, &query.company, &query.market, &query.sku, "").await?;
        resolve(&offer, quantity, query.on)
    }

    /// The audit trail of a price list's rules, oldest first.
    pub async fn price_audit(&self, list: &str) -> Result<Vec<AuditEntry>, CoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, entity_key, before_value, after_value FROM audit_log \
             WHERE (entity = 'price' AND entity_key LIKE $1) OR (entity = 'price_list' AND entity_key = $2) ORDER BY id",
        )
        .bind(format!("{list}/%"))
        .bind(list)
        .fetch_all(self.store.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    key: r.try_get("entity_key")?,
                    before: r.try_get("before_value")?,
                    after: r.try_get("after_value")?,
                })
            })
            .collect()
    }
}

fn exists_or(error: sqlx::Error, what: &'static str, code: &str) -> CoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => CoreError::Exists {
            what,
            key: code.to_string(),
        },
        _ => CoreError::Store(error),
    }
}

/// Business users change a company's rules with the admin role on it or
/// above; market-wide rules change only through the operator's own
/// (system) authority.
async fn authorize(
    tx: &mut Tx,
    by: &Actor,
    company: Option<&CompanyRef>,
    action: &str,
) -> Result<(), CoreError> {
    match (by.login(), company) {
        (None, _) => Ok(()),
        (Some(_), Some(company)) => require_role(tx, by, company, Role::Admin, action)
            .await
            .map(|_| ()),
        (Some(login), None) => Err(CoreError::Forbidden {
            actor: login.to_string(),
            action: format!("{action} of a whole market"),
        }),
    }
}

async fn list_owner(tx: &mut Tx, list: &str) -> Result<(i64, Option<CompanyRef>), CoreError> {
    let row = sqlx::query("SELECT pl.id, c.code FROM price_lists pl LEFT JOIN companies c ON c.id = pl.company_id WHERE pl.code = $1")
        .bind(list)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::not_found("price list", list))?;
    let company = match row.try_get::<Option<String>, _>("code")? {
        Some(code) => Some(company_by_code(tx, &code).await?),
        None => None,
    };
    Ok((row.try_get("id")?, company))
}

async fn current_price(
    tx: &mut Tx,
    list: i64,
    product: &ProductRef,
    tier: Micros,
) -> Result<Option<Micros>, CoreError> {
    let row = sqlx::query("SELECT unit_price FROM prices WHERE price_list_id = $1 AND product_id = $2 AND min_quantity = $3")
        .bind(list)
        .bind(product.id)
        .bind(tier.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row
        .map(|r| r.try_get("unit_price"))
        .transpose()?
        .map(Micros))
}

/// Appends to the audit trail.
pub(crate) async fn audit(
    tx: &mut Tx,
    by: &Actor,
    entity: &str,
    key: &str,
    action: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, entity, entity_key, action, before_value, after_value) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_micros())
    .bind(by.as_str())
    .bind(entity)
    .bind(key)
    .bind(action)
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

struct Entry {
    candidate: PriceCandidate,
    price: Micros,
    rank: (PriceListKind, usize, bool),
}

/// Resolves the price of an offer for a quantity (base units) on a day,
/// from what the offer read: no query.
pub(crate) fn resolve(
    offer: &Offer,
    quantity: Micros,
    on: NaiveDate,
) -> Result<PriceResolution, CoreError> {
    let (company, product, market) = (&offer.company, &offer.product, &offer.market);
    let day = on.to_string();
    let mut applicable: Vec<Entry> = Vec::new();
    let mut refused: Vec<PriceCandidate> = Vec::new();
    for row in &offer.prices {
        let (list, kind, owner, tier, price) = (
            row.list.clone(),
            row.kind,
            row.company_id,
            row.tier,
            row.price,
        );
        let candidate = PriceCandidate {
            list: list.clone(),
            kind,
            company: row.company_code.clone(),
            tier_from: tier.to_decimal(),
            unit_price: price.to_decimal(),
            outcome: String::new(),
        };
        let (currency, from, to) = (&row.currency, &row.valid_from, &row.valid_to);
        let not_applicable = if *currency != market.currency {
            Some(format!(
                "in {currency}, the market sells in {}",
                market.currency
            ))
        } else if from.as_deref().is_some_and(|f| f > day.as_str())
            || to.as_deref().is_some_and(|t| t < day.as_str())
        {
            Some(format!(
                "valid {} to {}",
                from.as_deref().unwrap_or("…"),
                to.as_deref().unwrap_or("…")
            ))
        } else if tier > quantity {
            Some(format!(
                "tier from {} is above the quantity {}",
                tier, quantity
            ))
        } else {
            None
        };
        if let Some(reason) = not_applicable {
            refused.push(PriceCandidate {
                outcome: reason,
                ..candidate
            });
            continue;
        }
        // Rows come in tier order, so a later tier of the same list
        // replaces the earlier.
        if let Some(previous) = applicable.iter_mut().find(|e| e.candidate.list == list) {
            let lower = std::mem::replace(&mut previous.candidate, candidate);
            previous.price = price;
            refused.push(PriceCandidate {
                outcome: format!("tier from {} of the same list applies", tier),
                ..lower
            });
            continue;
        }
        let distance = owner
            .and_then(|id| company.nearest_first().position(|c| c == id))
            .unwrap_or(usize::MAX);
        let not_default = market.default_price_list.as_deref() != Some(list.as_str());
        applicable.push(Entry {
            candidate,
            price,
            rank: (kind, distance, not_default),
        });
    }
    applicable.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then(a.candidate.list.cmp(&b.candidate.list))
    });
    let mut ranked = applicable.into_iter();
    let Some(winner) = ranked.next() else {
        return Err(CoreError::Invalid(format!(
            "no price for {} in market {} for {} on {on}",
            product.sku, market.code, company.code
        )));
    };
    let mut considered = vec![PriceCandidate {
        outcome: "won".into(),
        ..winner.candidate.clone()
    }];
    for loser in ranked {
        let outcome = beaten_because(&winner, &loser);
        considered.push(PriceCandidate {
            outcome,
            ..loser.candidate
        });
    }
    considered.extend(refused);
    let (unit_price, promotion) = apply_promotion(offer, quantity, &day, winner.price)?;
    Ok(PriceResolution {
        sku: product.sku.clone(),
        unit_price: Money::from_micros(unit_price.0, &market.currency),
        list_price: Money::from_micros(winner.price.0, &market.currency),
        winner: considered[0].clone(),
        promotion,
        considered,
    })
}

fn beaten_because(winner: &Entry, loser: &Entry) -> String {
    let cheaper = if loser.price < winner.price {
        " (though cheaper)"
    } else {
        ""
    };
    let reason = if winner.rank.0 != loser.rank.0 {
        format!(
            "a {} list ranks above a {} list",
            winner.rank.0.as_str(),
            loser.rank.0.as_str()
        )
    } else if winner.rank.1 != loser.rank.1 {
        "the winner is attached nearer the buyer".to_string()
    } else if winner.rank.2 != loser.rank.2 {
        "the market's default list wins".to_string()
    } else {
        "the winner's code sorts first".to_string()
    };
    format!("beaten by {}: {reason}{cheaper}", winner.candidate.list)
}

/// The best promotion for the quantity on the day, applied to `price`.
fn apply_promotion(
    offer: &Offer,
    quantity: Micros,
    day: &str,
    price: Micros,
) -> Result<(Micros, Option<String>), CoreError> {
    let mut best: Option<(Micros, String)> = None;
    for promotion in &offer.promotions {
        let in_time = promotion.valid_from.as_deref().is_none_or(|f| f <= day)
            && promotion.valid_to.as_deref().is_none_or(|t| t >= day);
        if !in_time || promotion.min_quantity > quantity {
            continue;
        }
        let off = match (promotion.percent_off, promotion.amount_off) {
            (Some(percent), _) => {
                Micros::rounded(price.to_decimal() * percent.to_decimal() / Decimal::ONE_HUNDRED)
                    .map_err(|e| CoreError::amount("promotion", e))?
            }
            (None, Some(amount)) => amount,
            (None, None) => continue,
        };
        let discounted = Micros((price.0 - off.0).max(0));
        if best.as_ref().is_none_or(|(b, _)| discounted < *b) {
            best = Some((discounted, promotion.code.clone()));
        }
    }
    Ok(match best {
        Some((discounted, code)) => (discounted, Some(code)),
        None => (price, None),
    })
}
