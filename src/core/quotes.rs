//! Quotes: a buyer's request for quote over products, bundles and
//! services; the seller's proposal with prices and validity; negotiation
//! rounds; acceptance into an order at the agreed prices; expiry.

use super::catalog::product_by_sku;
use super::customers::{company_by_code, require_role, Role};
use super::offer::offer;
use super::orders::{OrderPlaced, PlaceOrder};
use super::placement::{commit, prepare, Agreed};
use super::pricing::resolve;
use super::sellers::market_ref;
use super::{once, Actor, ChannelKind, Core, CoreError};
use crate::document::{Order, OrderLine, Party, Quantity};
use crate::store::{now_micros, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

/// One line a buyer asks a price for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLineRequest {
    /// The SKU (a product, bundle or service).
    pub sku: String,
    /// How many, in base units.
    pub quantity: Decimal,
    /// The price the buyer hopes for, per base unit.
    pub target_price: Option<Decimal>,
}

/// A request for quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestQuote {
    /// The buying company or unit.
    pub company: String,
    /// The brand asked.
    pub brand: String,
    /// The market.
    pub market: String,
    /// The lines.
    pub lines: Vec<QuoteLineRequest>,
}

/// A quote line as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLineView {
    /// Line number, from 1.
    pub line: i64,
    /// SKU.
    pub sku: String,
    /// Quantity, base units.
    pub quantity: Decimal,
    /// The buyer's latest target price.
    pub target_price: Option<Decimal>,
    /// The seller's latest proposed price.
    pub proposed_price: Option<Decimal>,
}

/// A quote with its negotiation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    /// Number.
    pub number: String,
    /// `requested`, `proposed`, `countered`, `accepted`, `declined` or
    /// `expired`.
    pub state: String,
    /// Negotiation round.
    pub round: i64,
    /// Last day the proposal holds.
    pub valid_until: Option<NaiveDate>,
    /// Currency.
    pub currency: String,
    /// Lines.
    pub lines: Vec<QuoteLineView>,
    /// The order it became.
    pub order: Option<String>,
    /// Each round: (round, actor, action, note).
    pub rounds: Vec<(i64, String, String, Option<String>)>,
}

struct QuoteRow {
    id: i64,
    number: String,
    state: String,
    round: i64,
    company_id: i64,
    valid_until: Option<String>,
}

impl Core {
    /// A buyer asks for a quote.
    pub async fn request_quote(
        &self,
        key: Option<&str>,
        by: &Actor,
        request: &RequestQuote,
    ) -> Result<String, CoreError> {
        once!(self, key, "request_quote", |tx| open_quote(
            &mut tx, by, request
        )
        .await)
    }

    /// The seller proposes prices per line (line number → price per base
    /// unit; a line left out is offered at the buyer's price-list price),
    /// valid until a day.
    pub async fn propose_quote(
        &self,
        by: &Actor,
        number: &str,
        prices: &BTreeMap<i64, Decimal>,
        valid_until: NaiveDate,
        note: Option<&str>,
    ) -> Result<QuoteView, CoreError> {
        if let Some(login) = by.login() {
            // Buyers are users; proposals come from the seller's desk.
            return Err(CoreError::Forbidden {
                actor: login.to_string(),
                action: format!("propose prices on quote {number} (the seller proposes)"),
            });
        }
        let mut tx = self.store.begin().await?;
        let quote = lock_quote(&mut tx, number).await?;
        expect_state(&quote, &["requested", "countered"], "proposed")?;
        let lines = quote_lines(&mut tx, quote.id).await?;
        let company = super::customers::company_by_id(&mut tx, quote.company_id).await?;
        let market_code: String = sqlx::query(
            "SELECT m.code FROM quotes q JOIN markets m ON m.id = q.market_id WHERE q.id = $1",
        )
        .bind(quote.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("code")?;
        let market = market_ref(&mut tx, &market_code).await?;
        let mut offered = BTreeMap::new();
        for line in &lines {
            let price = match prices.get(&line.line) {
                Some(p) => Micros::from_decimal(*p)
                    .map_err(|e| CoreError::amount(format!("quote line {}", line.line), e))?,
                None => {
                    let quantity = Micros::from_decimal(line.quantity)
                        .map_err(|e| CoreError::amount("quantity", e))?;
                    let offer = offer(&mut tx, &company.code, &market.code, &line.sku, "").await?;
                    let today = chrono::Utc::now().date_naive();
                    let resolved = resolve(&offer, quantity, today)?;
                    Micros::from_decimal(resolved.unit_price.amount)
                        .map_err(|e| CoreError::amount("price", e))?
                }
            };
            sqlx::query(
                "UPDATE quote_lines SET proposed_price = $1 WHERE quote_id = $2 AND line_no = $3",
            )
            .bind(price.0)
            .bind(quote.id)
            .bind(line.line)
            .execute(&mut *tx)
            .await?;
            offered.insert(line.line, price.to_string());
        }
        sqlx::query("UPDATE quotes SET state = 'proposed', round = round + 1, valid_until = $1 WHERE id = $2")
            .bind(valid_until.to_string())
            .bind(quote.id)
            .execute(&mut *tx)
            .await?;
        record_round(&mut tx, &quote, by, "proposed", note, &offered).await?;
        tx.commit().await?;
        self.quote(number).await
    }

    /// The buyer answers a proposal with target prices of their own.
    pub async fn counter_quote(
        &self,
        by: &Actor,
        number: &str,
        targets: &BTreeMap<i64, Decimal>,
        note: Option<&str>,
    ) -> Result<QuoteView, CoreError> {
        let mut tx = self.store.begin().await?;
        let quote = lock_quote(&mut tx, number).await?;
        expect_state(&quote, &["proposed"], "countered")?;
        let company = super::customers::company_by_id(&mut tx, quote.company_id).await?;
        require_role(&mut tx, by, &company, Role::Buyer, "negotiate quotes").await?;
        let mut asked = BTreeMap::new();
        for (line, price) in targets {
            let price = Micros::from_decimal(*price)
                .map_err(|e| CoreError::amount(format!("quote line {line}"), e))?;
            let updated = sqlx::query(
                "UPDATE quote_lines SET target_price = $1 WHERE quote_id = $2 AND line_no = $3",
            )
            .bind(price.0)
            .bind(quote.id)
            .bind(line)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(CoreError::Invalid(format!(
                    "quote {number} has no line {line}"
                )));
            }
            asked.insert(*line, price.to_string());
        }
        sqlx::query("UPDATE quotes SET state = 'countered', round = round + 1 WHERE id = $1")
            .bind(quote.id)
            .execute(&mut *tx)
            .await?;
        record_round(&mut tx, &quote, by, "countered", note, &asked).await?;
        tx.commit().await?;
        self.quote(number).await
    }

    /// The buyer accepts a proposal still valid on `today`: an order is
    /// placed at the proposed prices.
    pub async fn accept_quote(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
        po_number: &str,
        today: NaiveDate,
    ) -> Result<OrderPlaced, CoreError> {
        once!(self, key, "accept_quote", |tx| accept(
            &mut tx, by, number, po_number, today
        )
        .await)
    }

    /// The buyer declines a quote.
    pub async fn decline_quote(
        &self,
        by: &Actor,
        number: &str,
        note: Option<&str>,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let quote = lock_quote(&mut tx, number).await?;
        expect_state(&quote, &["requested", "proposed", "countered"], "declined")?;
        let company = super::customers::company_by_id(&mut tx, quote.company_id).await?;
        require_role(&mut tx, by, &company, Role::Buyer, "decline quotes").await?;
        sqlx::query("UPDATE quotes SET state = 'declined' WHERE id = $1")
            .bind(quote.id)
            .execute(&mut *tx)
            .await?;
        record_round(&mut tx, &quote, by, "declined", note, &BTreeMap::new()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Expires every open quote whose validity ended before `today`;
    /// returns how many.
    pub async fn expire_quotes(&self, today: NaiveDate) -> Result<u64, CoreError> {
        let mut tx = self.store.begin().await?;
        let expired = sqlx::query("UPDATE quotes SET state = 'expired' WHERE state IN ('proposed', 'countered') AND valid_until < $1")
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(expired)
    }

    /// A quote with its lines and rounds.
    pub async fn quote(&self, number: &str) -> Result<QuoteView, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let row = sqlx::query("SELECT q.id, q.state, q.round, q.valid_until, q.currency, q.order_id FROM quotes q WHERE q.number = $1")
            .bind(number)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::not_found("quote", number))?;
        let id: i64 = row.try_get("id")?;
        let lines = quote_lines(&mut conn, id).await?;
        let rounds = sqlx::query("SELECT round, actor, action, note FROM quote_rounds WHERE quote_id = $1 ORDER BY round, at")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("round")?, r.try_get("actor")?, r.try_get("action")?, r.try_get("note")?)))
            .collect::<Result<Vec<_>, CoreError>>()?;
        Ok(QuoteView {
            number: number.to_string(),
            state: row.try_get("state")?,
            round: row.try_get("round")?,
            valid_until: row
                .try_get::<Option<String>, _>("valid_until")?
                .and_then(|d| d.parse().ok()),
            currency: row.try_get("currency")?,
            lines,
            order: row
                .try_get::<Option<i64>, _>("order_id")?
                .map(super::orders::order_number),
            rounds,
        })
    }
}

async fn open_quote(tx: &mut Tx, by: &Actor, request: &RequestQuote) -> Result<String, CoreError> {
    let company = company_by_code(tx, &request.company).await?;
    let buyer = require_role(tx, by, &company, Role::Buyer, "request quotes")
        .await?
        .ok_or_else(|| CoreError::Forbidden {
            actor: by.as_str().to_string(),
            action: "request quotes (only buyers do)".into(),
        })?;
    if request.lines.is_empty() {
        return Err(CoreError::Invalid("a request for quote needs lines".into()));
    }
    let market = market_ref(tx, &request.market).await?;
    let brand = super::sellers::id_of(tx, "brands", "brand", &request.brand).await?;
    let id: i64 = sqlx::query(
        "INSERT INTO quotes (company_id, buyer_id, brand_id, market_id, currency, state, created_at) VALUES ($1, $2, $3, $4, $5, 'requested', $6) RETURNING id",
    )
    .bind(company.id)
    .bind(buyer)
    .bind(brand)
    .bind(market.id)
    .bind(&market.currency)
    .bind(now_micros())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    let number = format!("Q{id:08}");
    sqlx::query("UPDATE quotes SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let mut asked = BTreeMap::new();
    for (n, line) in request.lines.iter().enumerate() {
        let product = product_by_sku(tx, &line.sku).await?;
        let quantity = Micros::from_decimal(line.quantity)
            .map_err(|e| CoreError::amount(format!("quote line {}", n + 1), e))?;
        let target = line
            .target_price
            .map(Micros::from_decimal)
            .transpose()
            .map_err(|e| CoreError::amount("target price", e))?;
        sqlx::query("INSERT INTO quote_lines (quote_id, line_no, product_id, quantity, target_price) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(n as i64 + 1)
            .bind(product.id)
            .bind(quantity.0)
            .bind(target.map(|t| t.0))
            .execute(&mut **tx)
            .await?;
        asked.insert(
            n as i64 + 1,
            target.map(|t| t.to_string()).unwrap_or_default(),
        );
    }
    let quote = QuoteRow {
        id,
        number: number.clone(),
        state: "requested".into(),
        round: 0,
        company_id: company.id,
        valid_until: None,
    };
    record_round(tx, &quote, by, "requested", None, &asked).await?;
    Ok(number)
}

async fn accept(
    tx: &mut Tx,
    by: &Actor,
    number: &str,
    po_number: &str,
    today: NaiveDate,
) -> Result<OrderPlaced, CoreError> {
    let quote = lock_quote(tx, number).await?;
    expect_state(&quote, &["proposed"], "accepted")?;
    if quote
        .valid_until
        .as_deref()
        .is_some_and(|v| v < today.to_string().as_str())
    {
        return Err(CoreError::Invalid(format!(
            "quote {number} expired on {}",
            quote.valid_until.unwrap_or_default()
        )));
    }
    let row = sqlx::query("SELECT c.code AS company, b.code AS brand, m.code AS market FROM quotes q JOIN companies c ON c.id = q.company_id \
         JOIN brands b ON b.id = q.brand_id JOIN markets m ON m.id = q.market_id WHERE q.id = $1")
        .bind(quote.id)
        .fetch_one(&mut **tx)
        .await?;
    let lines = quote_lines(tx, quote.id).await?;
    let mut agreed = Agreed {
        quote: number.to_string(),
        ..Agreed::default()
    };
    let mut order_lines = Vec::new();
    for line in &lines {
        let product = product_by_sku(tx, &line.sku).await?;
        let price = line.proposed_price.ok_or_else(|| {
            CoreError::Invalid(format!(
                "quote {number} line {} has no proposed price",
                line.line
            ))
        })?;
        let price = Micros::from_decimal(price).map_err(|e| CoreError::amount("price", e))?;
        agreed.prices.insert(line.line.to_string(), price);
        let quantity = Quantity {
            value: line.quantity,
            unit: product.base_unit.clone(),
        };
        order_lines.push(OrderLine::for_sku(
            &line.line.to_string(),
            &line.sku,
            quantity,
        ));
    }
    let place = PlaceOrder {
        channel: ChannelKind::Web,
        brand: row.try_get("brand")?,
        market: row.try_get("market")?,
        company: row.try_get("company")?,
        order: Order {
            id: po_number.to_string(),
            lines: order_lines,
            buyer: Party::default(),
            ..Order::default()
        },
        options: BTreeMap::new(),
        on: Some(today),
        source: Some(format!("quote {number}")),
    };
    let prepared = prepare(tx, by, &place, &agreed).await?;
    let placed = commit(tx, by, &place, &prepared, None).await?;
    sqlx::query("UPDATE quotes SET state = 'accepted', order_id = $1 WHERE id = $2")
        .bind(super::orders::order_id(&placed.number))
        .bind(quote.id)
        .execute(&mut **tx)
        .await?;
    record_round(
        tx,
        &quote,
        by,
        "accepted",
        Some(&placed.number),
        &BTreeMap::new(),
    )
    .await?;
    Ok(placed)
}

async fn lock_quote(tx: &mut Tx, number: &str) -> Result<QuoteRow, CoreError> {
    let row = sqlx::query("UPDATE quotes SET round = round WHERE number = $1 RETURNING id, state, round, company_id, valid_until")
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::not_found("quote", number))?;
    Ok(QuoteRow {
        id: row.try_get("id")?,
        number: number.to_string(),
        state: row.try_get("state")?,
        round: row.try_get("round")?,
        company_id: row.try_get("company_id")?,
        valid_until: row.try_get("valid_until")?,
    })
}

fn expect_state(quote: &QuoteRow, allowed: &[&str], step: &str) -> Result<(), CoreError> {
    if allowed.contains(&quote.state.as_str()) {
        return Ok(());
    }
    Err(CoreError::Invalid(format!(
        "quote {} is {}: it cannot be {step}",
        quote.number, quote.state
    )))
}

async fn quote_lines(
    conn: &mut sqlx::AnyConnection,
    quote: i64,
) -> Result<Vec<QuoteLineView>, CoreError> {
    let rows = sqlx::query("SELECT l.line_no, p.sku, l.quantity, l.target_price, l.proposed_price FROM quote_lines l JOIN products p ON p.id = l.product_id WHERE l.quote_id = $1 ORDER BY l.line_no")
        .bind(quote)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let price = |c: &str| -> Result<Option<Decimal>, sqlx::Error> {
                Ok(r.try_get::<Option<i64>, _>(c)?
                    .map(|p| Micros(p).to_decimal()))
            };
            Ok(QuoteLineView {
                line: r.try_get("line_no")?,
                sku: r.try_get("sku")?,
                quantity: Micros(r.try_get("quantity")?).to_decimal(),
                target_price: price("target_price")?,
                proposed_price: price("proposed_price")?,
            })
        })
        .collect()
}

async fn record_round(
    tx: &mut Tx,
    quote: &QuoteRow,
    by: &Actor,
    action: &str,
    note: Option<&str>,
    prices: &BTreeMap<i64, String>,
) -> Result<(), CoreError> {
    let round = if action == "requested" {
        0
    } else {
        quote.round + i64::from(action == "proposed" || action == "countered")
    };
    sqlx::query("INSERT INTO quote_rounds (quote_id, round, actor, at, action, note, prices) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(quote.id)
        .bind(round)
        .bind(by.as_str())
        .bind(now_micros())
        .bind(action)
        .bind(note)
        .bind(serde_json::to_string(prices)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
