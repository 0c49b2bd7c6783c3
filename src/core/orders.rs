//! Orders: placed from any channel with the buyer's procurement data,
//! priced, reserved and run through the approval rules in one transaction;
//! then moved along [`OrderState`] by the supplier's messages (see
//! `fulfilment`). Every change appends to the order's timeline and writes
//! a notification.

use super::notifications::{notifications_into, recipient_for};
use super::placement::{commit, prepare, Agreed};
use super::states::{OrderState, Step};
use super::{once, Actor, ChannelKind, Core, CoreError, Money};
use crate::document::{Order, ProcurementRefs};
use crate::store::{now_micros, Batch, Micros, Tx};
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
    /// The day prices are taken for; the order's issue date or today when
    /// absent. Budgets are those of the day the order is placed.
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
    /// The configurable options chosen: (option, choice).
    #[serde(default)]
    pub options: Vec<(String, String)>,
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
    /// Shipments, in the order they were recorded.
    pub shipments: Vec<ShipmentView>,
    /// Invoices, in the order they were recorded.
    pub invoices: Vec<InvoiceView>,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// A shipment of an order, as the supplier's ship notice gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentView {
    /// The ship notice's number.
    pub reference: String,
    /// The day the goods left.
    pub shipped_on: Option<String>,
    /// The carrier's name or SCAC.
    pub carrier: Option<String>,
    /// The carrier's tracking numbers.
    pub tracking: Vec<String>,
}

/// An invoice against an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// The invoice number.
    pub reference: String,
    /// Its date.
    pub issued_on: Option<String>,
    /// Its total, in the order's currency.
    pub amount: Option<Money>,
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
        // A repeat is recognised where its key is recorded, in the commit:
        // asking first would cost every first run a round trip. Only a
        // repeat whose reading fails (a product withdrawn since) asks here.
        let prepared = {
            let mut conn = self.store.reader().acquire().await?;
            prepare(&mut conn, by, place, &Agreed::default()).await
        };
        let prepared = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                return match self.done_before::<OrderPlaced>(key, "place_order").await? {
                    Some(first) => Ok(first),
                    None => Err(error),
                }
            }
        };
        let record = key.map(|k| (k, "place_order"));
        once!(
            self,
            key,
            "place_order",
            keyed | tx | commit(&mut tx, by, place, &prepared, record).await
        )
    }

    /// An order with its lines and timeline, by number.
    pub async fn order(&self, number: &str) -> Result<OrderView, CoreError> {
        self.read_order(number, true).await
    }

    /// An order with its lines only: its shipments, invoices and timeline
    /// are left empty (what an order sent to a supplier needs, read in two
    /// queries instead of five).
    pub async fn order_without_history(&self, number: &str) -> Result<OrderView, CoreError> {
        self.read_order(number, false).await
    }

    async fn read_order(&self, number: &str, with_history: bool) -> Result<OrderView, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let row = sqlx::query(
            "SELECT o.id, o.po_number, o.state, c.code, o.channel, o.total, o.currency, o.cost_center, \
             o.gl_account, o.project, o.requisitioner FROM orders o JOIN companies c ON c.id = o.company_id WHERE o.id = $1",
        )
        .bind(order_id(number).unwrap_or(0))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::not_found("order", number))?;
        let id: i64 = row.try_get("id")?;
        let currency: String = row.try_get("currency")?;
        let lines = sqlx::query(
            "SELECT line_ref, sku, quantity, unit, unit_price, amount, status, reserved, confirmed_quantity, confirmed_on, \
             shipped, invoiced, options FROM order_lines WHERE order_id = $1 ORDER BY line_no",
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
                    options: serde_json::from_str(&r.try_get::<String, _>("options")?)?,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        let state: String = row.try_get("state")?;
        let (shipments, invoices, timeline) = if with_history {
            (
                shipments_of(&mut conn, id).await?,
                invoices_of(&mut conn, id, &currency).await?,
                timeline_of(&mut conn, id).await?,
            )
        } else {
            Default::default()
        };
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
            shipments,
            invoices,
            timeline,
        })
    }
}

async fn shipments_of(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
) -> Result<Vec<ShipmentView>, CoreError> {
    let rows = sqlx::query(
        "SELECT reference, shipped_on, carrier, tracking FROM shipments WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let tracking: String = r.try_get("tracking")?;
            Ok(ShipmentView {
                reference: r.try_get("reference")?,
                shipped_on: r.try_get("shipped_on")?,
                carrier: r.try_get("carrier")?,
                tracking: tracking
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

async fn invoices_of(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
    currency: &str,
) -> Result<Vec<InvoiceView>, CoreError> {
    let rows = sqlx::query(
        "SELECT reference, issued_on, amount FROM invoices WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(InvoiceView {
                reference: r.try_get("reference")?,
                issued_on: r.try_get("issued_on")?,
                amount: r
                    .try_get::<Option<i64>, _>("amount")?
                    .map(|a| Money::from_micros(a, currency)),
            })
        })
        .collect()
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

/// edigate's number of the order with row id `id` (`SO00000042`): numbers
/// come from the row id, so concurrent orders never wait on a counter.
pub fn order_number(id: i64) -> String {
    format!("SO{id:08}")
}

/// The row id an order number names.
pub(crate) fn order_id(number: &str) -> Option<i64> {
    let digits = number.strip_prefix("SO")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Locks an order for a command (on PostgreSQL the row lock serialises
/// commands on one order) and reads it. `reference` is edigate's number or
/// the buyer's PO number.
pub(crate) async fn lock_order(tx: &mut Tx, reference: &str) -> Result<OrderRow, CoreError> {
    const LOCK: &str = "UPDATE orders SET version = version + 1 WHERE id = $1 RETURNING id, state, company_id, market_id, \
         channel, po_number, currency, total, cost_center, ship_to_key, placed_at, budget_charges";
    let by_number = match order_id(reference) {
        Some(id) => sqlx::query(LOCK).bind(id).fetch_optional(&mut **tx).await?,
        None => None,
    };
    let row = match by_number {
        Some(row) => row,
        None => {
            let ids = sqlx::query("SELECT id FROM orders WHERE po_number = $1 LIMIT 2")
                .bind(reference)
                .fetch_all(&mut **tx)
                .await?;
            let id: i64 = match ids.as_slice() {
                [] => return Err(CoreError::not_found("order", reference)),
                [one] => one.try_get("id")?,
                _ => {
                    return Err(CoreError::Invalid(format!(
                        "PO number {reference} names several orders; use edigate's order number"
                    )))
                }
            };
            sqlx::query(LOCK).bind(id).fetch_one(&mut **tx).await?
        }
    };
    lock_exposure(tx, row.try_get("company_id")?).await?;
    let number = order_number(row.try_get("id")?);
    let state: String = row.try_get("state")?;
    Ok(OrderRow {
        id: row.try_get("id")?,
        number: number.clone(),
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

/// Locks the company's open total (`company_exposure`, kept by triggers on
/// `orders`) before anything else the command locks. On PostgreSQL a
/// command that changes an order's state or total writes that row through
/// the trigger; taken at the start, in the same place by every command, it
/// cannot end up in a cycle with the budgets and stock locked after it.
/// SQLite has one writer, so nothing to order there.
pub(crate) async fn lock_exposure(tx: &mut Tx, company_id: i64) -> Result<(), CoreError> {
    if tx.backend_name() != "PostgreSQL" {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO company_exposure (company_id, open_total) VALUES ($1, 0) \
         ON CONFLICT (company_id) DO UPDATE SET open_total = company_exposure.open_total",
    )
    .bind(company_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
    let (next, batch) = transition_into(tx, order, step, by, source, detail).await?;
    batch.run(tx).await?;
    Ok(next)
}

/// [`transition`] with its writes returned as a batch, not yet run, for a
/// command to add its own to (its idempotency key).
pub(crate) async fn transition_into(
    tx: &mut Tx,
    order: &OrderRow,
    step: Step,
    by: &Actor,
    source: Option<&str>,
    detail: serde_json::Value,
) -> Result<(OrderState, Batch), CoreError> {
    let next = order
        .state
        .after(step)
        .ok_or_else(|| CoreError::IllegalTransition {
            order: order.number.clone(),
            state: order.state.to_string(),
            step: step.participle(),
        })?;
    let to = recipient_for(tx, order.id).await?;
    // The state, the timeline and the notification in one round trip.
    let mut batch = Batch::new();
    let (state, at, id) = (
        batch.arg(next.as_str()),
        batch.arg(now_micros()),
        batch.arg(order.id),
    );
    batch.push(format!(
        "UPDATE orders SET state = {state}, updated_at = {at} WHERE id = {id}"
    ));
    let moved = OrderRow {
        state: next,
        ..order.clone()
    };
    event_into(&mut batch, &moved, step.participle(), by, source, detail);
    notifications_into(
        &mut batch,
        (order.id, &order.number, &order.po_number),
        &to,
        &[(step.participle(), next.as_str())],
    );
    Ok((next, batch))
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
    let mut batch = Batch::new();
    event_into(&mut batch, order, event, by, source, detail);
    Ok(batch.run(tx).await?)
}

/// Adds an entry of an order's timeline to a batch.
pub(crate) fn event_into(
    batch: &mut Batch,
    order: &OrderRow,
    event: &str,
    by: &Actor,
    source: Option<&str>,
    detail: serde_json::Value,
) {
    let values = [
        batch.arg(order.id),
        batch.arg(now_micros()),
        batch.arg(event),
        batch.arg(order.state.as_str()),
        batch.arg(by.as_str()),
        batch.arg(source.map(str::to_string)),
        batch.arg(detail.to_string()),
    ];
    batch.push(format!(
        "INSERT INTO order_events (order_id, at, event, state, actor, source, detail) VALUES ({})",
        values.join(", ")
    ));
}
