//! Orders: placed from any channel with the buyer's procurement data,
//! priced, reserved and run through the approval rules in one transaction;
//! then moved along [`OrderState`] by the supplier's messages (see
//! `fulfilment`). Every change appends to the order's timeline and writes
//! a notification.

use super::approvals::{evaluate, record_chain, LineFacts};
use super::catalog::{base_units_per, buyable, option_effect, product_for_item, ProductRef};
use super::customers::{company_by_code, require_role, CompanyRef, Role};
use super::inventory::{in_base_units, reserve, ReserveLine};
use super::notifications::notify;
use super::pricing::resolve;
use super::sellers::{market_ref, MarketRef};
use super::states::{OrderState, Step};
use super::{once, Actor, ChannelKind, Core, CoreError, Money};
use crate::document::{Order, OrderLine, Party, ProcurementRefs};
use crate::store::{now_micros, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

/// An order to place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceOrder {
    /// The channel it came through.
    pub channel: ChannelKind,
    /// The selling brand's code.
    pub brand: String,
    /// The market's code.
    pub market: String,
    /// The buying company or unit's code.
    pub company: String,
    /// The order, as the canonical document.
    pub order: Order,
    /// Chosen configurable options per order line id: (option, choice).
    pub options: BTreeMap<String, Vec<(String, String)>>,
    /// The day prices and budgets are taken for; the order's issue date or
    /// today when absent.
    pub on: Option<NaiveDate>,
    /// The message it came in (interchange and control number, payloadID),
    /// for the timeline.
    pub source: Option<String>,
}

/// One placed line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePlaced {
    /// The buyer's line id.
    pub line: String,
    /// The SKU.
    pub sku: String,
    /// Price per ordered unit.
    pub unit_price: Decimal,
    /// Line amount.
    pub amount: Decimal,
    /// Reserved, in base units.
    pub reserved: Decimal,
    /// Not reserved (backordered), in base units.
    pub backordered: Decimal,
    /// How the price was found.
    pub price_rule: String,
}

/// What placing an order did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPlaced {
    /// edigate's order number.
    pub number: String,
    /// Its state after placement.
    pub state: OrderState,
    /// Its total.
    pub total: Money,
    /// The lines.
    pub lines: Vec<LinePlaced>,
    /// Why approval is needed, per matched rule.
    pub approvals: Vec<String>,
    /// Remarks (a buyer's price that differs from ours).
    pub remarks: Vec<String>,
}

/// One entry of an order's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When, microseconds since the epoch.
    pub at: i64,
    /// What happened.
    pub event: String,
    /// The state after it.
    pub state: String,
    /// Who did it.
    pub actor: String,
    /// The message that caused it.
    pub source: Option<String>,
    /// Particulars, as JSON.
    pub detail: serde_json::Value,
}

/// One line of an order, as tracked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    /// The buyer's line id.
    pub line: String,
    /// SKU.
    pub sku: String,
    /// Ordered quantity, in the ordered unit.
    pub quantity: Decimal,
    /// The ordered unit.
    pub unit: String,
    /// Price per ordered unit.
    pub unit_price: Decimal,
    /// Amount.
    pub amount: Decimal,
    /// `open`, `accepted`, `changed`, `backordered`, `rejected` or
    /// `cancelled`.
    pub status: String,
    /// Reserved, base units.
    pub reserved: Decimal,
    /// Confirmed by the supplier, base units.
    pub confirmed: Option<Decimal>,
    /// The supplier's date.
    pub confirmed_on: Option<String>,
    /// Shipped, base units.
    pub shipped: Decimal,
    /// Invoiced, base units.
    pub invoiced: Decimal,
}

/// An order with its lines and timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// Number.
    pub number: String,
    /// The buyer's PO number.
    pub po_number: String,
    /// State.
    pub state: OrderState,
    /// Buying company code.
    pub company: String,
    /// Channel.
    pub channel: String,
    /// Total.
    pub total: Money,
    /// The buyer's procurement references.
    pub procurement: ProcurementRefs,
    /// Lines.
    pub lines: Vec<OrderLineView>,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// The parts of an order row commands need.
#[derive(Clone, Debug)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub number: String,
    pub state: OrderState,
    pub company_id: i64,
    pub market_id: i64,
    pub channel: String,
    pub po_number: String,
    pub currency: String,
    pub total: Micros,
    pub cost_center: Option<String>,
    pub ship_to_key: Option<String>,
    pub placed_on: NaiveDate,
    pub budget_charges: String,
}

/// Where an order is placed: what pricing and reservations need.
pub(crate) struct Placement<'a> {
    pub company: &'a CompanyRef,
    pub market: &'a MarketRef,
    pub day: NaiveDate,
    pub channel: &'a str,
}

/// A line priced for an order.
pub(crate) struct PricedLine {
    pub product: ProductRef,
    pub base_quantity: Micros,
    pub unit_price: Micros,
    pub buyer_price: Option<Micros>,
    pub amount: Micros,
    pub price_rule: String,
}

impl Core {
    /// Places an order: prices every line, reserves stock, evaluates the
    /// approval rules, and records the timeline and notifications, in one
    /// transaction. Repeating it under the same key returns the first
    /// result.
    pub async fn place_order(
        &self,
        key: Option<&str>,
        by: &Actor,
        place: &PlaceOrder,
    ) -> Result<OrderPlaced, CoreError> {
        once!(self, key, "place_order", |tx| place_in(
            &mut tx,
            by,
            place,
            &Agreed::default()
        )
        .await?)
    }

    /// An order with its lines and timeline, by number.
    pub async fn order(&self, number: &str) -> Result<OrderView, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let row = sqlx::query(
            "SELECT o.id, o.number, o.po_number, o.state, c.code, o.channel, o.total, o.currency, o.cost_center, \
             o.gl_account, o.project, o.requisitioner FROM orders o JOIN companies c ON c.id = o.company_id WHERE o.number = $1",
        )
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::not_found("order", number))?;
        let id: i64 = row.try_get("id")?;
        let currency: String = row.try_get("currency")?;
        let lines = sqlx::query(
            "SELECT line_ref, sku, quantity, unit, unit_price, amount, status, reserved, confirmed_quantity, confirmed_on, \
             shipped, invoiced FROM order_lines WHERE order_id = $1 ORDER BY line_no",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let decimal = |r: &sqlx::any::AnyRow, c: &str| -> Result<Decimal, sqlx::Error> {
            Ok(Micros(r.try_get(c)?).to_decimal())
        };
        let lines = lines
            .iter()
            .map(|r| {
                Ok(OrderLineView {
                    line: r.try_get("line_ref")?,
                    sku: r.try_get("sku")?,
                    quantity: decimal(r, "quantity")?,
                    unit: r.try_get("unit")?,
                    unit_price: decimal(r, "unit_price")?,
                    amount: decimal(r, "amount")?,
                    status: r.try_get("status")?,
                    reserved: decimal(r, "reserved")?,
                    confirmed: r
                        .try_get::<Option<i64>, _>("confirmed_quantity")?
                        .map(|q| Micros(q).to_decimal()),
                    confirmed_on: r.try_get("confirmed_on")?,
                    shipped: decimal(r, "shipped")?,
                    invoiced: decimal(r, "invoiced")?,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        let state: String = row.try_get("state")?;
        Ok(OrderView {
            number: number.to_string(),
            po_number: row.try_get("po_number")?,
            state: OrderState::parse(&state).ok_or_else(|| {
                CoreError::Invalid(format!("order {number} has unknown state {state}"))
            })?,
            company: row.try_get("code")?,
            channel: row.try_get("channel")?,
            total: Money::from_micros(row.try_get("total")?, &currency),
            procurement: ProcurementRefs {
                cost_center: row.try_get("cost_center")?,
                gl_account: row.try_get("gl_account")?,
                project: row.try_get("project")?,
                requisitioner: row.try_get("requisitioner")?,
                ..ProcurementRefs::default()
            },
            lines,
            timeline: timeline_of(&mut conn, id).await?,
        })
    }
}

async fn timeline_of(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
) -> Result<Vec<TimelineEntry>, CoreError> {
    let rows = sqlx::query("SELECT at, event, state, actor, source, detail FROM order_events WHERE order_id = $1 ORDER BY id")
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let detail: Option<String> = r.try_get("detail")?;
            Ok(TimelineEntry {
                at: r.try_get("at")?,
                event: r.try_get("event")?,
                state: r.try_get("state")?,
                actor: r.try_get("actor")?,
                source: r.try_get("source")?,
                detail: detail
                    .map(|d| serde_json::from_str(&d))
                    .transpose()?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Prices agreed in an accepted quote, per line id, with the quote's
/// number; they replace the price lists' answer.
#[derive(Default)]
pub(crate) struct Agreed {
    pub prices: BTreeMap<String, Micros>,
    pub quote: String,
}

pub(crate) async fn place_in(
    tx: &mut Tx,
    by: &Actor,
    place: &PlaceOrder,
    agreed: &Agreed,
) -> Result<OrderPlaced, CoreError> {
    let order = &place.order;
    let company = company_by_code(tx, &place.company).await?;
    let buyer = require_role(tx, by, &company, Role::Buyer, "place orders").await?;
    let market = market_ref(tx, &place.market).await?;
    let brand_id = super::sellers::id_of(tx, "brands", "brand", &place.brand).await?;
    check_channel(tx, brand_id, &market, place).await?;
    if let Some(currency) = order.currency.as_deref().filter(|c| *c != market.currency) {
        return Err(CoreError::Invalid(format!(
            "order {}: currency {currency} is not the currency of market {} ({})",
            order.id, market.code, market.currency
        )));
    }
    if order.lines.is_empty() {
        return Err(CoreError::Invalid(format!(
            "order {} has no lines",
            order.id
        )));
    }
    let day = place
        .on
        .or(order.issue_date)
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let at = now_micros();
    let row = insert_order(tx, place, &company, &market, brand_id, buyer, at).await?;
    let placement = Placement {
        company: &company,
        market: &market,
        day,
        channel: place.channel.as_str(),
    };
    let mut placed = Vec::new();
    let mut facts = Vec::new();
    let mut remarks = Vec::new();
    let mut total = 0i64;
    for (n, line) in order.lines.iter().enumerate() {
        let choices = place
            .options
            .get(&line.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut priced = price_line(tx, &placement, line, choices).await?;
        if let Some(price) = agreed.prices.get(&line.id) {
            let amount_error = |e| CoreError::amount(format!("line {}", line.id), e);
            let per_unit = base_units_per(tx, &priced.product, &line.quantity.unit).await?;
            priced.unit_price = price.times(per_unit).map_err(amount_error)?;
            priced.amount = price.times(priced.base_quantity).map_err(amount_error)?;
            priced.price_rule = format!(
                "{price} per {} agreed in quote {}",
                priced.product.base_unit, agreed.quote
            );
        }
        if let Some(remark) = price_remark(line, &priced) {
            remarks.push(remark);
        }
        insert_line(tx, row.id, n as i64 + 1, line, &order.procurement, &priced).await?;
        total += priced.amount.0;
        facts.push(LineFacts {
            sku: priced.product.sku.clone(),
            unspsc: priced.product.unspsc.clone(),
            amount: priced.amount,
            cost_center: line.procurement.cost_center.clone(),
        });
        placed.push((n as i64 + 1, line, priced));
    }
    let reserved = reserve_lines(tx, row.id, &placement, &placed).await?;
    let row = finish_order(tx, row, Micros(total)).await?;
    record_event(
        tx,
        &row,
        "received",
        by,
        place.source.as_deref(),
        serde_json::json!({ "po_number": order.id, "remarks": remarks }),
    )
    .await?;
    notify(
        tx,
        row.id,
        &row.number,
        &row.po_number,
        "received",
        row.state.as_str(),
    )
    .await?;
    let needed = evaluate(tx, &company, &row, &facts).await?;
    record_chain(tx, row.id, &needed).await?;
    let reasons: Vec<String> = needed.iter().map(|n| n.reason().to_string()).collect();
    let state = if needed.is_empty() {
        super::approvals::charge_budgets(tx, &row).await?;
        transition(
            tx,
            &row,
            Step::Approve,
            by,
            None,
            serde_json::json!({ "why": "no approval rule applies" }),
        )
        .await?
    } else {
        transition(
            tx,
            &row,
            Step::HoldForApproval,
            by,
            None,
            serde_json::json!({ "reasons": reasons }),
        )
        .await?
    };
    let lines = placed
        .iter()
        .zip(reserved)
        .map(|((_, line, priced), reserved)| LinePlaced {
            line: line.id.clone(),
            sku: priced.product.sku.clone(),
            unit_price: priced.unit_price.to_decimal(),
            amount: priced.amount.to_decimal(),
            reserved: reserved.to_decimal(),
            backordered: Micros(priced.base_quantity.0 - reserved.0).to_decimal(),
            price_rule: priced.price_rule.clone(),
        })
        .collect();
    Ok(OrderPlaced {
        number: row.number.clone(),
        state,
        total: Money::from_micros(total, &market.currency),
        lines,
        approvals: reasons,
        remarks,
    })
}

async fn check_channel(
    tx: &mut Tx,
    brand_id: i64,
    market: &MarketRef,
    place: &PlaceOrder,
) -> Result<(), CoreError> {
    let open =
        sqlx::query("SELECT 1 FROM channels WHERE brand_id = $1 AND market_id = $2 AND kind = $3")
            .bind(brand_id)
            .bind(market.id)
            .bind(place.channel.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    if open.is_none() {
        return Err(CoreError::Invalid(format!(
            "brand {} does not sell through {} in market {}",
            place.brand,
            place.channel.as_str(),
            market.code
        )));
    }
    Ok(())
}

/// A ship-to's identity, to tell a new one from a known one.
fn ship_to_key(party: &Party) -> Option<String> {
    if let Some(id) = party.ids.first() {
        return Some(id.value.clone());
    }
    let address = party.address.as_ref();
    let parts = [
        party.name.clone(),
        address.and_then(|a| a.lines.first().cloned()),
        address.and_then(|a| a.postal_code.clone()),
    ];
    let key: Vec<String> = parts.into_iter().flatten().collect();
    (!key.is_empty()).then(|| key.join("|").to_lowercase())
}

async fn insert_order(
    tx: &mut Tx,
    place: &PlaceOrder,
    company: &CompanyRef,
    market: &MarketRef,
    brand_id: i64,
    buyer: Option<i64>,
    at: i64,
) -> Result<OrderRow, CoreError> {
    let order = &place.order;
    let refs = &order.procurement;
    let ship_to = order.ship_to.as_ref();
    let row = sqlx::query(
        "INSERT INTO orders (company_id, buyer_id, brand_id, market_id, channel, state, po_number, currency, total, cost_center, \
         gl_account, project, requisitioner, ship_to, ship_to_key, requested_on, placed_at, updated_at, source) \
         VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, 0, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
    )
    .bind(company.id)
    .bind(buyer)
    .bind(brand_id)
    .bind(market.id)
    .bind(place.channel.as_str())
    .bind(&order.id)
    .bind(&market.currency)
    .bind(&refs.cost_center)
    .bind(&refs.gl_account)
    .bind(&refs.project)
    .bind(&refs.requisitioner)
    .bind(ship_to.map(serde_json::to_string).transpose()?)
    .bind(ship_to.and_then(ship_to_key))
    .bind(order.requested_delivery_date.map(|d| d.to_string()))
    .bind(at)
    .bind(serde_json::to_string(order)?)
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    // Numbers come from the row id so concurrent orders never wait on a
    // shared counter.
    let number = format!("SO{id:08}");
    sqlx::query("UPDATE orders SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(OrderRow {
        id,
        number,
        state: OrderState::Received,
        company_id: company.id,
        market_id: market.id,
        channel: place.channel.as_str().to_string(),
        po_number: order.id.clone(),
        currency: market.currency.clone(),
        total: Micros::ZERO,
        cost_center: refs.cost_center.clone(),
        ship_to_key: ship_to.and_then(ship_to_key),
        placed_on: super::approvals::day_of(at),
        budget_charges: "[]".into(),
    })
}

async fn finish_order(
    tx: &mut Tx,
    mut row: OrderRow,
    total: Micros,
) -> Result<OrderRow, CoreError> {
    sqlx::query("UPDATE orders SET total = $1 WHERE id = $2")
        .bind(total.0)
        .bind(row.id)
        .execute(&mut **tx)
        .await?;
    row.total = total;
    Ok(row)
}

/// Prices one line: the product, its quantity in base units, our price
/// per ordered unit (with chosen options) and the amount.
pub(crate) async fn price_line(
    tx: &mut Tx,
    at: &Placement<'_>,
    line: &OrderLine,
    choices: &[(String, String)],
) -> Result<PricedLine, CoreError> {
    let on_line = |e: CoreError| CoreError::Invalid(format!("line {}: {e}", line.id));
    let product = product_for_item(tx, &line.item).await.map_err(on_line)?;
    if let Err(why) = buyable(tx, at.company, &product, at.market.id).await? {
        return Err(CoreError::Invalid(format!("line {}: {why}", line.id)));
    }
    if line.quantity.value <= Decimal::ZERO {
        return Err(CoreError::Invalid(format!(
            "line {}: quantity {} must be more than zero",
            line.id, line.quantity.value
        )));
    }
    let base_quantity = in_base_units(tx, &product, &line.quantity)
        .await
        .map_err(on_line)?;
    let per_unit = base_units_per(tx, &product, &line.quantity.unit)
        .await
        .map_err(on_line)?;
    let resolution = resolve(tx, at.company, &product, at.market, base_quantity, at.day)
        .await
        .map_err(on_line)?;
    let base_price = Micros::from_decimal(resolution.unit_price.amount)
        .map_err(|e| CoreError::amount("price", e))?;
    let effect = option_effect(tx, &product, choices)
        .await
        .map_err(on_line)?;
    let base_price = Micros(base_price.0 + effect.0);
    let amount_error = |e| CoreError::amount(format!("line {}", line.id), e);
    let unit_price = base_price.times(per_unit).map_err(amount_error)?;
    let amount = base_price.times(base_quantity).map_err(amount_error)?;
    let buyer_price = line
        .price
        .as_ref()
        .map(|p| {
            let per = p.base_quantity.as_ref().map_or(Decimal::ONE, |q| q.value);
            Micros::rounded(p.amount.value / per.max(Decimal::new(1, 6))).map_err(amount_error)
        })
        .transpose()?;
    let mut rule = resolution.explanation().join("; ");
    if !choices.is_empty() {
        rule.push_str(&format!("; options add {effect} per {}", product.base_unit));
    }
    Ok(PricedLine {
        product,
        base_quantity,
        unit_price,
        buyer_price,
        amount,
        price_rule: rule,
    })
}

fn price_remark(line: &OrderLine, priced: &PricedLine) -> Option<String> {
    let buyer = priced.buyer_price?;
    (buyer != priced.unit_price).then(|| {
        format!(
            "line {}: the buyer's price {buyer} differs from ours {} ({})",
            line.id, priced.unit_price, priced.price_rule
        )
    })
}

pub(crate) async fn insert_line(
    tx: &mut Tx,
    order_id: i64,
    line_no: i64,
    line: &OrderLine,
    header: &ProcurementRefs,
    priced: &PricedLine,
) -> Result<(), CoreError> {
    let quantity = Micros::from_decimal(line.quantity.value)
        .map_err(|e| CoreError::amount(format!("line {} quantity", line.id), e))?;
    let refs = &line.procurement;
    sqlx::query(
        "INSERT INTO order_lines (order_id, line_no, line_ref, product_id, sku, description, quantity, unit, base_quantity, \
         unit_price, buyer_price, amount, price_rule, status, cost_center, gl_account, project) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15, $16)",
    )
    .bind(order_id)
    .bind(line_no)
    .bind(&line.id)
    .bind(priced.product.id)
    .bind(&priced.product.sku)
    .bind(line.description.clone().unwrap_or_else(|| priced.product.name.clone()))
    .bind(quantity.0)
    .bind(&line.quantity.unit)
    .bind(priced.base_quantity.0)
    .bind(priced.unit_price.0)
    .bind(priced.buyer_price.map(|p| p.0))
    .bind(priced.amount.0)
    .bind(&priced.price_rule)
    .bind(refs.cost_center.as_ref().or(header.cost_center.as_ref()))
    .bind(refs.gl_account.as_ref().or(header.gl_account.as_ref()))
    .bind(refs.project.as_ref().or(header.project.as_ref()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Reserves every goods line, in product order so that two orders never
/// wait on each other's stock rows in opposite order.
async fn reserve_lines(
    tx: &mut Tx,
    order_id: i64,
    at: &Placement<'_>,
    lines: &[(i64, &OrderLine, PricedLine)],
) -> Result<Vec<Micros>, CoreError> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| lines[i].2.product.id);
    let mut reserved = vec![Micros::ZERO; lines.len()];
    for i in order {
        let (line_no, _, priced) = &lines[i];
        reserved[i] = reserve_one(tx, order_id, *line_no, at.channel, priced).await?;
    }
    Ok(reserved)
}

pub(crate) async fn reserve_one(
    tx: &mut Tx,
    order_id: i64,
    line_no: i64,
    channel: &str,
    priced: &PricedLine,
) -> Result<Micros, CoreError> {
    let line = ReserveLine {
        order_id,
        line_no,
        product: &priced.product,
        quantity: priced.base_quantity,
        channel,
    };
    let got = reserve(tx, &line).await?;
    sqlx::query("UPDATE order_lines SET reserved = $1, status = CASE WHEN $1 < base_quantity THEN 'backordered' ELSE status END WHERE order_id = $2 AND line_no = $3")
        .bind(got.0)
        .bind(order_id)
        .bind(line_no)
        .execute(&mut **tx)
        .await?;
    Ok(got)
}

/// Locks an order for a command (on PostgreSQL the row lock serialises
/// commands on one order) and reads it. `reference` is edigate's number or
/// the buyer's PO number.
pub(crate) async fn lock_order(tx: &mut Tx, reference: &str) -> Result<OrderRow, CoreError> {
    let numbers = sqlx::query("SELECT number FROM orders WHERE number = $1 UNION SELECT number FROM orders WHERE po_number = $1")
        .bind(reference)
        .fetch_all(&mut **tx)
        .await?;
    let number: String = match numbers.as_slice() {
        [] => return Err(CoreError::not_found("order", reference)),
        [one] => one.try_get("number")?,
        many => {
            let exact = many
                .iter()
                .filter_map(|r| r.try_get::<String, _>("number").ok())
                .find(|n| n == reference);
            exact.ok_or_else(|| {
                CoreError::Invalid(format!(
                    "PO number {reference} names {} orders; use edigate's order number",
                    many.len()
                ))
            })?
        }
    };
    let row = sqlx::query(
        "UPDATE orders SET version = version + 1 WHERE number = $1 RETURNING id, number, state, company_id, market_id, channel, \
         po_number, currency, total, cost_center, ship_to_key, placed_at, budget_charges",
    )
    .bind(&number)
    .fetch_one(&mut **tx)
    .await?;
    let state: String = row.try_get("state")?;
    Ok(OrderRow {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        state: OrderState::parse(&state).ok_or_else(|| {
            CoreError::Invalid(format!("order {number} has unknown state {state}"))
        })?,
        company_id: row.try_get("company_id")?,
        market_id: row.try_get("market_id")?,
        channel: row.try_get("channel")?,
        po_number: row.try_get("po_number")?,
        currency: row.try_get("currency")?,
        total: Micros(row.try_get("total")?),
        cost_center: row.try_get("cost_center")?,
        ship_to_key: row.try_get("ship_to_key")?,
        placed_on: super::approvals::day_of(row.try_get("placed_at")?),
        budget_charges: row.try_get("budget_charges")?,
    })
}

/// Takes a step: refuses it when the state does not allow it, else stores
/// the new state, appends to the timeline and writes the notification.
pub(crate) async fn transition(
    tx: &mut Tx,
    order: &OrderRow,
    step: Step,
    by: &Actor,
    source: Option<&str>,
    detail: serde_json::Value,
) -> Result<OrderState, CoreError> {
    let next = order
        .state
        .after(step)
        .ok_or_else(|| CoreError::IllegalTransition {
            order: order.number.clone(),
            state: order.state.to_string(),
            step: step.participle(),
        })?;
    sqlx::query("UPDATE orders SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(next.as_str())
        .bind(now_micros())
        .bind(order.id)
        .execute(&mut **tx)
        .await?;
    let moved = OrderRow {
        state: next,
        ..order.clone()
    };
    record_event(tx, &moved, step.participle(), by, source, detail).await?;
    notify(
        tx,
        order.id,
        &order.number,
        &order.po_number,
        step.participle(),
        next.as_str(),
    )
    .await?;
    Ok(next)
}

/// Appends to an order's timeline.
pub(crate) async fn record_event(
    tx: &mut Tx,
    order: &OrderRow,
    event: &str,
    by: &Actor,
    source: Option<&str>,
    detail: serde_json::Value,
) -> Result<(), CoreError> {
    sqlx::query("INSERT INTO order_events (order_id, at, event, state, actor, source, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(order.id)
        .bind(now_micros())
        .bind(event)
        .bind(order.state.as_str())
        .bind(by.as_str())
        .bind(source)
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
