//! What happens to an order after approval, driven by the supplier's and
//! the buyer's messages as canonical documents: sent, acknowledged line by
//! line (855, ORDRSP), shipped in part or in full (856, DESADV), invoiced
//! (810, INVOIC), changed (860, ORDCHG), cancelled, closed.

use super::approvals::{charge_budgets, release_budgets};
use super::catalog::{product_by_sku, ProductRef};
use super::customers::{company_by_id, require_role, Role};
use super::inventory::{consume, in_base_units, record_holds, release, reserve, Hold};
use super::orders::{lock_order, transition, transition_into, OrderRow};
use super::placement::{insert_lines, price_line, PricedLine};
use super::states::{OrderState, Step};
use super::{once, Actor, Core, CoreError};
use crate::document::{
    DespatchAdvice, Invoice, ItemIdentity, LineChange, LineStatus, OrderChange, OrderResponse,
    Pack, Quantity, ResponseStatus, ShippedItem,
};
use crate::store::{record_into, Micros, Tx};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// An order's state after a message moved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The order's number.
    pub order: String,
    /// Its state now.
    pub state: OrderState,
}

impl Core {
    /// Records that the order went to the supplier.
    pub async fn mark_sent(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
        source: Option<&str>,
    ) -> Result<Moved, CoreError> {
        once!(
            self,
            key,
            "mark_sent",
            keyed
                | tx
                | async {
                    let order = lock_order(&mut tx, number).await?;
                    let (state, mut batch) = transition_into(
                        &mut tx,
                        &order,
                        Step::Send,
                        by,
                        source,
                        serde_json::json!({}),
                    )
                    .await?;
                    let moved = Moved {
                        order: order.number,
                        state,
                    };
                    if let Some(key) = key {
                        record_into(&mut batch, key, "mark_sent", &moved)?;
                    }
                    batch.run(&mut tx).await?;
                    Ok::<_, CoreError>(moved)
                }
                .await
        )
    }

    /// Applies the supplier's acknowledgment: per line accepted, changed,
    /// backordered or rejected, with confirmed quantities and dates. A
    /// rejected line gives back its reservation; a refused order gives back
    /// everything.
    pub async fn apply_response(
        &self,
        key: Option<&str>,
        by: &Actor,
        response: &OrderResponse,
        source: Option<&str>,
    ) -> Result<Moved, CoreError> {
        once!(self, key, "apply_response", |tx| acknowledge(
            &mut tx, by, response, source
        )
        .await)
    }

    /// Applies a ship notice: shipped quantities per line (partial or
    /// full), the shipment with its tracking numbers, stock taken out.
    pub async fn apply_despatch(
        &self,
        key: Option<&str>,
        by: &Actor,
        advice: &DespatchAdvice,
        source: Option<&str>,
    ) -> Result<Vec<Moved>, CoreError> {
        once!(self, key, "apply_despatch", |tx| async {
            let mut moved = Vec::new();
            for shipped in &advice.orders {
                moved.push(
                    ship(
                        &mut tx,
                        by,
                        advice,
                        &shipped.order_id,
                        &shipped.items,
                        &shipped.packs,
                        source,
                    )
                    .await?,
                );
            }
            Ok::<_, CoreError>(moved)
        }
        .await)
    }

    /// Applies an invoice: invoiced quantities per line.
    pub async fn apply_invoice(
        &self,
        key: Option<&str>,
        by: &Actor,
        invoice: &Invoice,
        source: Option<&str>,
    ) -> Result<Moved, CoreError> {
        once!(self, key, "apply_invoice", |tx| bill(
            &mut tx, by, invoice, source
        )
        .await)
    }

    /// Applies the buyer's change: lines added (priced and reserved),
    /// deleted (reservation released) or replaced (priced and reserved
    /// anew); the total and budgets follow.
    pub async fn apply_change(
        &self,
        key: Option<&str>,
        by: &Actor,
        change: &OrderChange,
        source: Option<&str>,
    ) -> Result<Moved, CoreError> {
        once!(self, key, "apply_change", |tx| amend(
            &mut tx, by, change, source
        )
        .await)
    }

    /// Cancels an order: reservations and budgets are released.
    pub async fn cancel_order(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
        reason: &str,
    ) -> Result<Moved, CoreError> {
        once!(self, key, "cancel_order", |tx| async {
            let order = lock_order(&mut tx, number).await?;
            let company = company_by_id(&mut tx, order.company_id).await?;
            require_role(&mut tx, by, &company, Role::Buyer, "cancel orders").await?;
            let state = transition(
                &mut tx,
                &order,
                Step::Cancel,
                by,
                None,
                serde_json::json!({ "reason": reason }),
            )
            .await?;
            release(&mut tx, order.id, None).await?;
            release_budgets(&mut tx, &order).await?;
            Ok::<_, CoreError>(Moved {
                order: order.number,
                state,
            })
        }
        .await)
    }

    /// Closes a shipped or invoiced order.
    pub async fn close_order(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
    ) -> Result<Moved, CoreError> {
        once!(self, key, "close_order", |tx| async {
            let order = lock_order(&mut tx, number).await?;
            // What is still held (a line confirmed short, parts of a kit)
            // will not ship on this order any more.
            release(&mut tx, order.id, None).await?;
            let state = transition(
                &mut tx,
                &order,
                Step::Close,
                by,
                None,
                serde_json::json!({}),
            )
            .await?;
            Ok::<_, CoreError>(Moved {
                order: order.number,
                state,
            })
        }
        .await)
    }
}

/// An order line as fulfilment matches it.
struct LineRow {
    line_no: i64,
    line_ref: String,
    sku: String,
    base_quantity: i64,
    shipped: i64,
}

async fn lines_of(tx: &mut Tx, order_id: i64) -> Result<Vec<LineRow>, CoreError> {
    let rows = sqlx::query("SELECT line_no, line_ref, sku, base_quantity, shipped FROM order_lines WHERE order_id = $1 AND status <> 'cancelled' ORDER BY line_no")
        .bind(order_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LineRow {
                line_no: r.try_get("line_no")?,
                line_ref: r.try_get("line_ref")?,
                sku: r.try_get("sku")?,
                base_quantity: r.try_get("base_quantity")?,
                shipped: r.try_get("shipped")?,
            })
        })
        .collect()
}

/// The order line a message line names: by the buyer's line id, else by
/// the seller's part number (the first such line not yet fully shipped).
fn find_line<'a>(
    lines: &'a [LineRow],
    line_id: Option<&str>,
    item: &ItemIdentity,
    order: &str,
) -> Result<&'a LineRow, CoreError> {
    if let Some(id) = line_id {
        let trimmed = id.trim_start_matches('0');
        return lines
            .iter()
            .find(|l| {
                l.line_ref == id
                    || (!trimmed.is_empty() && l.line_ref.trim_start_matches('0') == trimmed)
            })
            .ok_or_else(|| CoreError::Invalid(format!("order {order} has no line {id}")));
    }
    let sku = item.seller_id.as_deref().unwrap_or_default();
    lines
        .iter()
        .filter(|l| l.sku == sku)
        .find(|l| l.shipped < l.base_quantity)
        .or_else(|| lines.iter().find(|l| l.sku == sku))
        .ok_or_else(|| CoreError::Invalid(format!("order {order} has no line for item {sku:?}")))
}

async fn base_quantity(tx: &mut Tx, sku: &str, quantity: &Quantity) -> Result<Micros, CoreError> {
    let product: ProductRef = product_by_sku(tx, sku).await?;
    in_base_units(tx, &product, quantity).await
}

async fn acknowledge(
    tx: &mut Tx,
    by: &Actor,
    response: &OrderResponse,
    source: Option<&str>,
) -> Result<Moved, CoreError> {
    let order = lock_order(tx, &response.order_id).await?;
    if response.status == ResponseStatus::Rejected {
        let state = transition(
            tx,
            &order,
            Step::Decline,
            by,
            source,
            serde_json::json!({ "notes": response.notes }),
        )
        .await?;
        release(tx, order.id, None).await?;
        release_budgets(tx, &order).await?;
        return Ok(Moved {
            order: order.number,
            state,
        });
    }
    let lines = lines_of(tx, order.id).await?;
    let mut detail = Vec::new();
    let mut rejected = false;
    for answer in &response.lines {
        let line = find_line(&lines, Some(&answer.line_id), &answer.item, &order.number)?;
        let status = match answer.status {
            LineStatus::Accepted => "accepted",
            LineStatus::Changed => "changed",
            LineStatus::Backordered => "backordered",
            LineStatus::Rejected => "rejected",
        };
        let confirmed = match &answer.confirmed_quantity {
            Some(q) => Some(base_quantity(tx, &line.sku, q).await?),
            None => None,
        };
        let confirmed_on = answer
            .delivery_date
            .or(answer.ship_date)
            .map(|d| d.to_string());
        sqlx::query("UPDATE order_lines SET status = $1, confirmed_quantity = $2, confirmed_on = $3 WHERE order_id = $4 AND line_no = $5")
            .bind(status)
            .bind(confirmed.map(|c| c.0))
            .bind(&confirmed_on)
            .bind(order.id)
            .bind(line.line_no)
            .execute(&mut **tx)
            .await?;
        if answer.status == LineStatus::Rejected {
            release(tx, order.id, Some(line.line_no)).await?;
            sqlx::query("UPDATE order_lines SET amount = 0 WHERE order_id = $1 AND line_no = $2")
                .bind(order.id)
                .bind(line.line_no)
                .execute(&mut **tx)
                .await?;
            rejected = true;
        }
        detail.push(serde_json::json!({
            "line": line.line_ref, "status": status,
            "confirmed": confirmed.map(|c| c.to_string()), "date": confirmed_on,
        }));
    }
    if rejected {
        // A rejected line is neither owed nor charged to a budget.
        retotal(tx, &order).await?;
    }
    let step = if response.status == ResponseStatus::Pending {
        "acknowledged (decision pending)"
    } else {
        "acknowledged"
    };
    let state = transition(
        tx,
        &order,
        Step::Acknowledge,
        by,
        source,
        serde_json::json!({ "lines": detail, "note": step }),
    )
    .await?;
    Ok(Moved {
        order: order.number,
        state,
    })
}

fn flatten<'a>(items: &'a [ShippedItem], packs: &'a [Pack], into: &mut Vec<&'a ShippedItem>) {
    into.extend(items);
    for pack in packs {
        flatten(&pack.items, &pack.packs, into);
    }
}

async fn ship(
    tx: &mut Tx,
    by: &Actor,
    advice: &DespatchAdvice,
    reference: &str,
    items: &[ShippedItem],
    packs: &[Pack],
    source: Option<&str>,
) -> Result<Moved, CoreError> {
    let order = lock_order(tx, reference).await?;
    let carrier = advice
        .carrier
        .as_ref()
        .and_then(|c| c.name.clone().or(c.scac.clone()));
    // A notice already applied to this order (sent again without its
    // idempotency key) ships nothing twice.
    let fresh = sqlx::query(
        "INSERT INTO shipments (order_id, reference, shipped_on, carrier, tracking) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (order_id, reference) DO NOTHING RETURNING id",
    )
    .bind(order.id)
    .bind(&advice.id)
    .bind(advice.ship_date.map(|d| d.to_string()))
    .bind(&carrier)
    .bind(advice.tracking.join(","))
    .fetch_optional(&mut **tx)
    .await?;
    if fresh.is_none() {
        return Ok(Moved {
            order: order.number,
            state: order.state,
        });
    }
    let mut shipped_items = Vec::new();
    flatten(items, packs, &mut shipped_items);
    let mut detail = Vec::new();
    for item in shipped_items {
        let lines = lines_of(tx, order.id).await?;
        let line = find_line(&lines, item.line_id.as_deref(), &item.item, &order.number)?;
        let quantity = base_quantity(tx, &line.sku, &item.quantity).await?;
        sqlx::query(
            "UPDATE order_lines SET shipped = shipped + $1 WHERE order_id = $2 AND line_no = $3",
        )
        .bind(quantity.0)
        .bind(order.id)
        .bind(line.line_no)
        .execute(&mut **tx)
        .await?;
        consume(tx, order.id, line.line_no, quantity).await?;
        detail.push(serde_json::json!({ "line": line.line_ref, "shipped": quantity.to_string() }));
    }
    let complete = fully_shipped(tx, &order).await?;
    let detail = serde_json::json!({ "shipment": advice.id, "tracking": advice.tracking, "carrier": carrier, "lines": detail });
    let state = transition(tx, &order, Step::Ship { complete }, by, source, detail).await?;
    Ok(Moved {
        order: order.number,
        state,
    })
}

/// Whether every goods line that was not rejected has shipped what the
/// supplier confirmed (what was ordered, when it confirmed nothing).
async fn fully_shipped(tx: &mut Tx, order: &OrderRow) -> Result<bool, CoreError> {
    let open = sqlx::query(
        "SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 \
         AND l.status NOT IN ('rejected', 'cancelled') AND p.kind <> 'service' \
         AND l.shipped < COALESCE(l.confirmed_quantity, l.base_quantity) LIMIT 1",
    )
    .bind(order.id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(open.is_none())
}

async fn bill(
    tx: &mut Tx,
    by: &Actor,
    invoice: &Invoice,
    source: Option<&str>,
) -> Result<Moved, CoreError> {
    let reference = invoice
        .order_id
        .as_deref()
        .ok_or_else(|| CoreError::Invalid(format!("invoice {} names no order", invoice.id)))?;
    let order = lock_order(tx, reference).await?;
    let payable = invoice
        .totals
        .payable
        .as_ref()
        .or(invoice.totals.tax_inclusive.as_ref());
    let amount = payable
        .map(|a| Micros::from_decimal(a.value).map_err(|e| CoreError::amount("invoice total", e)))
        .transpose()?;
    // An invoice already applied to this order counts once.
    let fresh = sqlx::query(
        "INSERT INTO invoices (order_id, reference, issued_on, amount) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id, reference) DO NOTHING RETURNING id",
    )
    .bind(order.id)
    .bind(&invoice.id)
    .bind(invoice.issue_date.map(|d| d.to_string()))
    .bind(amount.map(|a| a.0))
    .fetch_optional(&mut **tx)
    .await?;
    if fresh.is_none() {
        return Ok(Moved {
            order: order.number,
            state: order.state,
        });
    }
    let lines = lines_of(tx, order.id).await?;
    let mut mismatches = Vec::new();
    for item in &invoice.lines {
        let line = find_line(
            &lines,
            item.order_line_id.as_deref(),
            &item.item,
            &order.number,
        )?;
        let quantity = base_quantity(tx, &line.sku, &item.quantity).await?;
        let invoiced: i64 = sqlx::query(
            "UPDATE order_lines SET invoiced = invoiced + $1 WHERE order_id = $2 AND line_no = $3 \
             RETURNING invoiced",
        )
        .bind(quantity.0)
        .bind(order.id)
        .bind(line.line_no)
        .fetch_one(&mut **tx)
        .await?
        .try_get("invoiced")?;
        mismatches.extend(quantity_mismatch(line, Micros(invoiced)));
    }
    let line_total = invoice
        .totals
        .line_total
        .as_ref()
        .map(|a| Micros::from_decimal(a.value).map_err(|e| CoreError::amount("line total", e)))
        .transpose()?;
    if let Some(total) = line_total.filter(|t| *t != order.total) {
        mismatches.push(format!(
            "invoiced lines total {}, the order's {}",
            total.to_decimal(),
            order.total.to_decimal()
        ));
    }
    let detail = serde_json::json!({
        "invoice": invoice.id,
        "amount": amount.map(|a| a.to_string()),
        "mismatches": mismatches,
    });
    let state = transition(tx, &order, Step::Invoice, by, source, detail).await?;
    Ok(Moved {
        order: order.number,
        state,
    })
}

/// How an invoiced quantity (all invoices so far, base units) disagrees
/// with what was ordered and what was received (shipped), if it does.
fn quantity_mismatch(line: &LineRow, invoiced: Micros) -> Option<String> {
    let (ordered, received) = (Micros(line.base_quantity), Micros(line.shipped));
    let said = |what: &str, of: Micros| {
        format!(
            "line {} ({}): invoiced {}, {what} {}",
            line.line_ref,
            line.sku,
            invoiced.to_decimal(),
            of.to_decimal()
        )
    };
    if invoiced > ordered {
        Some(said("ordered", ordered))
    } else if invoiced > received {
        Some(said("received", received))
    } else {
        None
    }
}

async fn amend(
    tx: &mut Tx,
    by: &Actor,
    change: &OrderChange,
    source: Option<&str>,
) -> Result<Moved, CoreError> {
    let order = lock_order(tx, &change.order_id).await?;
    if order.state.after(Step::Change).is_none() {
        return Err(CoreError::IllegalTransition {
            order: order.number,
            state: order.state.to_string(),
            step: Step::Change.participle(),
        });
    }
    let company = company_by_id(tx, order.company_id).await?;
    let market_code: String = sqlx::query("SELECT code FROM markets WHERE id = $1")
        .bind(order.market_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("code")?;
    let market = super::sellers::market_ref(tx, &market_code).await?;
    let at = (
        company.code.as_str(),
        market.code.as_str(),
        chrono::Utc::now().date_naive(),
    );
    let header = crate::document::ProcurementRefs {
        cost_center: order.cost_center.clone(),
        ..Default::default()
    };
    let mut detail = Vec::new();
    for changed in &change.lines {
        let lines = lines_of(tx, order.id).await?;
        let existing = lines.iter().find(|l| l.line_ref == changed.line.id);
        match (&changed.change, existing) {
            (LineChange::Add, Some(_)) => {
                return Err(CoreError::Invalid(format!(
                    "change to {}: line {} exists already",
                    order.number, changed.line.id
                )))
            }
            (LineChange::Add, None) => {
                let priced = price_line(tx, at, &changed.line, &header, &[]).await?;
                add_line(tx, &order, priced).await?;
            }
            (_, None) => {
                return Err(CoreError::Invalid(format!(
                    "change to {}: no line {}",
                    order.number, changed.line.id
                )))
            }
            (LineChange::Delete, Some(line)) => {
                release(tx, order.id, Some(line.line_no)).await?;
                sqlx::query("UPDATE order_lines SET status = 'cancelled', amount = 0 WHERE order_id = $1 AND line_no = $2")
                    .bind(order.id)
                    .bind(line.line_no)
                    .execute(&mut **tx)
                    .await?;
            }
            (LineChange::Replace, Some(line)) => {
                release(tx, order.id, Some(line.line_no)).await?;
                let priced = price_line(tx, at, &changed.line, &header, &[]).await?;
                replace_line(tx, &order, line.line_no, priced).await?;
            }
        }
        detail.push(serde_json::json!({ "line": changed.line.id, "change": changed.change }));
    }
    let total = retotal(tx, &order).await?;
    let mut state = transition(
        tx,
        &order,
        Step::Change,
        by,
        source,
        serde_json::json!({ "lines": detail, "total": Micros(total).to_string() }),
    )
    .await?;
    if state == OrderState::Approved {
        state = super::approvals::recheck(tx, by, &order, Micros(total)).await?;
    }
    Ok(Moved {
        order: order.number,
        state,
    })
}

async fn add_line(tx: &mut Tx, order: &OrderRow, priced: PricedLine) -> Result<(), CoreError> {
    let next: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(line_no), 0) + 1 AS BIGINT) AS next FROM order_lines WHERE order_id = $1",
    )
    .bind(order.id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("next")?;
    let (got, holds) = reserve(tx, &priced.product, priced.base_quantity).await?;
    insert_lines(tx, order.id, next, std::slice::from_ref(&priced), &[got]).await?;
    let holds: Vec<(i64, Hold)> = holds.into_iter().map(|h| (next, h)).collect();
    record_holds(tx, order.id, &order.channel, &holds).await
}

async fn replace_line(
    tx: &mut Tx,
    order: &OrderRow,
    line_no: i64,
    priced: PricedLine,
) -> Result<(), CoreError> {
    let (got, holds) = reserve(tx, &priced.product, priced.base_quantity).await?;
    let status = if got < priced.base_quantity {
        "backordered"
    } else {
        "open"
    };
    sqlx::query(
        "UPDATE order_lines SET quantity = $1, unit = $2, base_quantity = $3, unit_price = $4, amount = $5, price_rule = $6, \
         status = $7, reserved = $8, product_id = $11, sku = $12, description = $13, buyer_price = $14, \
         cost_center = $15, gl_account = $16, project = $17 WHERE order_id = $9 AND line_no = $10",
    )
    .bind(priced.quantity.0)
    .bind(&priced.unit)
    .bind(priced.base_quantity.0)
    .bind(priced.unit_price.0)
    .bind(priced.amount.0)
    .bind(&priced.price_rule)
    .bind(status)
    .bind(got.0)
    .bind(order.id)
    .bind(line_no)
    .bind(priced.product.id)
    .bind(&priced.product.sku)
    .bind(&priced.description)
    .bind(priced.buyer_price.map(|p| p.0))
    .bind(&priced.refs.cost_center)
    .bind(&priced.refs.gl_account)
    .bind(&priced.refs.project)
    .execute(&mut **tx)
    .await?;
    let holds: Vec<(i64, Hold)> = holds.into_iter().map(|h| (line_no, h)).collect();
    record_holds(tx, order.id, &order.channel, &holds).await
}

/// Sums the order's lines again into its total, and charges its budgets
/// anew when it had charged them; returns the total.
async fn retotal(tx: &mut Tx, order: &OrderRow) -> Result<i64, CoreError> {
    let total: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM order_lines WHERE order_id = $1",
    )
    .bind(order.id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("total")?;
    sqlx::query("UPDATE orders SET total = $1 WHERE id = $2")
        .bind(total)
        .bind(order.id)
        .execute(&mut **tx)
        .await?;
    if order.budget_charges != "[]" {
        release_budgets(tx, order).await?;
        charge_budgets(tx, order).await?;
    }
    Ok(total)
}
