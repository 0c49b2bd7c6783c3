//! Inventory: warehouses per brand or shared, on-hand per SKU and
//! location, reservations per order line and channel, and
//! available-to-promise = on hand − reserved (+ inbound by a date).
//!
//! Reservations never oversell: a reservation is a conditional update
//! (`… WHERE on_hand - reserved >= $n`), so of N concurrent orders for the
//! last units exactly what exists is reserved, on SQLite and PostgreSQL.

use super::catalog::{
    base_units_per, bundle_parts, product_by_sku, product_for_item, ProductKind, ProductRef,
};
use super::{once, Actor, Core, CoreError};
use crate::document::{InventoryReport, Party, Quantity};
use crate::store::{Batch, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// Stock of one SKU at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationStock {
    /// The warehouse's code.
    pub warehouse: String,
    /// Physically there.
    pub on_hand: Decimal,
    /// Held for orders.
    pub reserved: Decimal,
    /// Expected to arrive by the day asked about.
    pub inbound: Decimal,
}

/// Available-to-promise for a SKU, in base units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// The SKU.
    pub sku: String,
    /// On hand, all locations.
    pub on_hand: Decimal,
    /// Reserved, all locations.
    pub reserved: Decimal,
    /// On hand − reserved (negative when a report counted less stock than
    /// is already promised).
    pub available: Decimal,
    /// Available plus what arrives by the day asked about.
    pub available_by_date: Decimal,
    /// Per location.
    pub locations: Vec<LocationStock>,
}

/// What applying an inventory report changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryApplied {
    /// Entries that set a level.
    pub updated: usize,
}

impl Core {
    /// Creates a warehouse, owned by a brand or shared when `brand` is
    /// `None`.
    pub async fn create_warehouse(
        &self,
        _by: &Actor,
        code: &str,
        name: &str,
        brand: Option<&str>,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let brand_id = match brand {
            Some(code) => Some(super::sellers::id_of(&mut tx, "brands", "brand", code).await?),
            None => None,
        };
        sqlx::query("INSERT INTO warehouses (code, name, brand_id) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
            .bind(code)
            .bind(name)
            .bind(brand_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the on-hand quantity (base units) of a SKU at a warehouse.
    pub async fn set_on_hand(
        &self,
        _by: &Actor,
        warehouse: &str,
        sku: &str,
        on_hand: Decimal,
        as_of: Option<NaiveDate>,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let product = product_by_sku(&mut tx, sku).await?;
        let warehouse =
            super::sellers::id_of(&mut tx, "warehouses", "warehouse", warehouse).await?;
        let quantity =
            Micros::from_decimal(on_hand).map_err(|e| CoreError::amount("on hand", e))?;
        store_on_hand(&mut tx, warehouse, &product, quantity, as_of).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records goods expected at a warehouse on a day.
    pub async fn add_inbound(
        &self,
        _by: &Actor,
        warehouse: &str,
        sku: &str,
        expected_on: NaiveDate,
        quantity: Decimal,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let product = product_by_sku(&mut tx, sku).await?;
        let warehouse =
            super::sellers::id_of(&mut tx, "warehouses", "warehouse", warehouse).await?;
        let quantity =
            Micros::from_decimal(quantity).map_err(|e| CoreError::amount("inbound", e))?;
        store_inbound(&mut tx, warehouse, &product, expected_on, quantity).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Available-to-promise for a SKU, counting inbound goods expected by
    /// `by_date`.
    pub async fn availability(
        &self,
        sku: &str,
        by_date: NaiveDate,
    ) -> Result<Availability, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let product = product_by_sku(&mut conn, sku).await?;
        let rows = sqlx::query(
            // Every warehouse with stock of the SKU or goods of it on the way.
            "SELECT w.code, CAST(COALESCE(s.on_hand, 0) AS BIGINT) AS on_hand, \
             CAST(COALESCE(s.reserved, 0) AS BIGINT) AS reserved, \
             (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM inbound_stock i \
              WHERE i.product_id = $1 AND i.warehouse_id = w.id AND i.expected_on <= $2) AS inbound \
             FROM warehouses w LEFT JOIN stock s ON s.warehouse_id = w.id AND s.product_id = $1 \
             WHERE s.product_id IS NOT NULL \
                OR EXISTS (SELECT 1 FROM inbound_stock i WHERE i.product_id = $1 AND i.warehouse_id = w.id) \
             ORDER BY w.code",
        )
        .bind(product.id)
        .bind(by_date.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let mut totals = (0i64, 0i64, 0i64);
        let mut locations = Vec::new();
        for row in rows {
            let (on_hand, reserved, inbound): (i64, i64, i64) = (
                row.try_get("on_hand")?,
                row.try_get("reserved")?,
                row.try_get("inbound")?,
            );
            totals = (totals.0 + on_hand, totals.1 + reserved, totals.2 + inbound);
            locations.push(LocationStock {
                warehouse: row.try_get("code")?,
                on_hand: Micros(on_hand).to_decimal(),
                reserved: Micros(reserved).to_decimal(),
                inbound: Micros(inbound).to_decimal(),
            });
        }
        Ok(Availability {
            sku: sku.to_string(),
            on_hand: Micros(totals.0).to_decimal(),
            reserved: Micros(totals.1).to_decimal(),
            available: Micros(totals.0 - totals.1).to_decimal(),
            available_by_date: Micros(totals.0 - totals.1 + totals.2).to_decimal(),
            locations,
        })
    }

    /// Applies a supplier's inventory report (846, INVRPT): each entry
    /// sets on-hand at its location and records what is on order.
    pub async fn apply_inventory_report(
        &self,
        key: Option<&str>,
        _by: &Actor,
        report: &InventoryReport,
    ) -> Result<InventoryApplied, CoreError> {
        once!(self, key, "apply_inventory_report", |tx| apply_report(
            &mut tx, report
        )
        .await)
    }
}

async fn apply_report(
    tx: &mut Tx,
    report: &InventoryReport,
) -> Result<InventoryApplied, CoreError> {
    let mut updated = 0;
    for (n, entry) in report.entries.iter().enumerate() {
        let at =
            |e: CoreError| CoreError::Invalid(format!("inventory report entry {}: {e}", n + 1));
        let product = product_for_item(tx, &entry.item).await.map_err(at)?;
        let location = entry.location.as_ref().unwrap_or(&report.reporter);
        let warehouse = warehouse_for(tx, location).await.map_err(at)?;
        if let Some(on_hand) = &entry.on_hand {
            let quantity = in_base_units(tx, &product, on_hand).await.map_err(at)?;
            store_on_hand(
                tx,
                warehouse,
                &product,
                quantity,
                entry.as_of.or(report.issue_date),
            )
            .await?;
            updated += 1;
        }
        if let (Some(on_order), Some(date)) = (&entry.on_order, entry.next_receipt_date) {
            let quantity = in_base_units(tx, &product, on_order).await.map_err(at)?;
            store_inbound(tx, warehouse, &product, date, quantity).await?;
        }
    }
    Ok(InventoryApplied { updated })
}

async fn warehouse_for(conn: &mut AnyConnection, location: &Party) -> Result<i64, CoreError> {
    for id in &location.ids {
        let row = sqlx::query("SELECT id FROM warehouses WHERE code = $1")
            .bind(&id.value)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(row) = row {
            return Ok(row.try_get("id")?);
        }
    }
    let named: Vec<&str> = location.ids.iter().map(|i| i.value.as_str()).collect();
    Err(CoreError::not_found(
        "warehouse for location",
        named.join(", "),
    ))
}

/// A quantity in the product's base units.
pub(crate) async fn in_base_units(
    conn: &mut AnyConnection,
    product: &ProductRef,
    quantity: &Quantity,
) -> Result<Micros, CoreError> {
    let per = base_units_per(conn, product, &quantity.unit).await?;
    let value =
        Micros::from_decimal(quantity.value).map_err(|e| CoreError::amount("quantity", e))?;
    value
        .times(per)
        .map_err(|e| CoreError::amount("quantity", e))
}

async fn store_on_hand(
    tx: &mut Tx,
    warehouse: i64,
    product: &ProductRef,
    quantity: Micros,
    as_of: Option<NaiveDate>,
) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO stock (warehouse_id, product_id, on_hand, reserved, as_of) VALUES ($1, $2, $3, 0, $4) \
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = excluded.on_hand, as_of = excluded.as_of",
    )
    .bind(warehouse)
    .bind(product.id)
    .bind(quantity.0)
    .bind(as_of.map(|d| d.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn store_inbound(
    tx: &mut Tx,
    warehouse: i64,
    product: &ProductRef,
    on: NaiveDate,
    quantity: Micros,
) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO inbound_stock (warehouse_id, product_id, expected_on, quantity) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (product_id, warehouse_id, expected_on) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(warehouse)
    .bind(product.id)
    .bind(on.to_string())
    .bind(quantity.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stock held at one warehouse for one order line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hold {
    pub warehouse: i64,
    pub product: i64,
    pub quantity: Micros,
}

/// Reserves what exists of `quantity` base units of `product`, sold by
/// `brand`, from the brand's own warehouses first, then shared ones.
/// Returns what was reserved (for a bundle, the whole bundles its parts
/// cover) and the holds to record. Services need no stock.
pub(crate) async fn reserve(
    tx: &mut Tx,
    product: &ProductRef,
    quantity: Micros,
) -> Result<(Micros, Vec<Hold>), CoreError> {
    let mut holds = Vec::new();
    let reserved = match product.kind {
        ProductKind::Service => quantity,
        ProductKind::Product => {
            let stock = stock_at(tx, product.brand_id, product).await?;
            reserve_product(tx, stock, product, quantity, &mut holds).await?
        }
        ProductKind::Bundle => {
            let mut covered: Option<Decimal> = None;
            for (part, per_bundle) in bundle_parts(tx, product).await? {
                let need = quantity
                    .times(per_bundle)
                    .map_err(|e| CoreError::amount("bundle part", e))?;
                let got = match part.kind {
                    ProductKind::Product => {
                        let stock = stock_at(tx, product.brand_id, &part).await?;
                        reserve_product(tx, stock, &part, need, &mut holds).await?
                    }
                    _ => need,
                };
                let bundles = (got.to_decimal() / per_bundle.to_decimal()).floor();
                covered = Some(covered.map_or(bundles, |c| c.min(bundles)));
            }
            let covered = covered.unwrap_or_default().min(quantity.to_decimal());
            Micros::from_decimal(covered).map_err(|e| CoreError::amount("bundle", e))?
        }
    };
    Ok((reserved, holds))
}

/// Per product: `(warehouse, available)` in the order stock is taken
/// (the brand's own warehouses, then shared ones, by code).
pub(crate) type StockView = std::collections::HashMap<i64, Vec<(i64, i64)>>;

/// The stock of several products, read in one statement.
pub(crate) async fn stock_view(
    tx: &mut Tx,
    products: &[&ProductRef],
) -> Result<StockView, CoreError> {
    let mut view = StockView::new();
    if products.is_empty() {
        return Ok(view);
    }
    let slots: Vec<String> = (1..=products.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT s.product_id, s.warehouse_id, s.on_hand - s.reserved AS available FROM stock s \
         JOIN warehouses w ON w.id = s.warehouse_id JOIN products p ON p.id = s.product_id \
         WHERE s.product_id IN ({}) AND (w.brand_id = p.brand_id OR w.brand_id IS NULL) \
         ORDER BY s.product_id, CASE WHEN w.brand_id IS NULL THEN 1 ELSE 0 END, w.code",
        slots.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for product in products {
        query = query.bind(product.id);
        view.entry(product.id).or_default();
    }
    for row in query.fetch_all(&mut **tx).await? {
        let product: i64 = row.try_get("product_id")?;
        view.entry(product)
            .or_default()
            .push((row.try_get("warehouse_id")?, row.try_get("available")?));
    }
    Ok(view)
}

/// Reserves goods lines, `(line index, product, base quantity)`, from a
/// stock view read in the same transaction: the takes are planned in
/// memory and sent as one conditional update; a warehouse another order
/// changed in between (possible on PostgreSQL only) is taken again one
/// statement at a time. Returns per line what it got and its holds.
pub(crate) async fn reserve_goods(
    tx: &mut Tx,
    lines: &[(usize, &ProductRef, Micros)],
    view: &StockView,
) -> Result<Vec<(usize, Micros, Vec<Hold>)>, CoreError> {
    let mut left: std::collections::HashMap<(i64, i64), i64> = std::collections::HashMap::new();
    let mut planned: Vec<(usize, Hold)> = Vec::new();
    for (line, product, need) in lines {
        let mut wanted = need.0;
        for (warehouse, available) in view.get(&product.id).into_iter().flatten() {
            let there = left.entry((product.id, *warehouse)).or_insert(*available);
            let take = (*there).min(wanted);
            if take > 0 {
                planned.push((
                    *line,
                    Hold {
                        warehouse: *warehouse,
                        product: product.id,
                        quantity: Micros(take),
                    },
                ));
                *there -= take;
                wanted -= take;
            }
        }
    }
    let taken = take_all(tx, &planned).await?;
    let mut result = Vec::with_capacity(lines.len());
    for (line, product, need) in lines {
        let (ok, lost): (Vec<Hold>, Vec<Hold>) = planned
            .iter()
            .filter(|(l, _)| l == line)
            .map(|(_, h)| *h)
            .partition(|h| taken.contains(&(h.product, h.warehouse)));
        let mut holds = ok;
        let mut got = Micros(holds.iter().map(|h| h.quantity.0).sum());
        if !lost.is_empty() {
            let stock = stock_at(tx, product.brand_id, product).await?;
            got.0 += reserve_product(tx, stock, product, Micros(need.0 - got.0), &mut holds)
                .await?
                .0;
        }
        result.push((*line, got, holds));
    }
    Ok(result)
}

/// Sends planned takes as one conditional update; returns the
/// `(product, warehouse)` pairs it took from.
async fn take_all(
    tx: &mut Tx,
    planned: &[(usize, Hold)],
) -> Result<std::collections::HashSet<(i64, i64)>, CoreError> {
    let mut pairs: std::collections::BTreeMap<(i64, i64), i64> = std::collections::BTreeMap::new();
    for (_, hold) in planned {
        *pairs.entry((hold.product, hold.warehouse)).or_default() += hold.quantity.0;
    }
    if pairs.is_empty() {
        return Ok(Default::default());
    }
    let mut cases = Vec::new();
    let mut conditions = Vec::new();
    for n in 0..pairs.len() {
        let (p, w, q) = (3 * n + 1, 3 * n + 2, 3 * n + 3);
        cases.push(format!(
            "WHEN product_id = ${p} AND warehouse_id = ${w} THEN ${q}"
        ));
        conditions.push(format!(
            "(product_id = ${p} AND warehouse_id = ${w} AND on_hand - reserved >= ${q})"
        ));
    }
    let sql = format!(
        "UPDATE stock SET reserved = reserved + CASE {} ELSE 0 END WHERE {} RETURNING product_id, warehouse_id",
        cases.join(" "),
        conditions.join(" OR ")
    );
    let mut query = sqlx::query(&sql);
    for ((product, warehouse), quantity) in &pairs {
        query = query.bind(*product).bind(*warehouse).bind(*quantity);
    }
    let rows = query.fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("product_id")?, r.try_get("warehouse_id")?)))
        .collect()
}

/// One product's stock at the warehouses a brand sells from.
async fn stock_at(
    tx: &mut Tx,
    brand: i64,
    product: &ProductRef,
) -> Result<Vec<(i64, i64)>, CoreError> {
    let rows = sqlx::query(
        "SELECT s.warehouse_id, s.on_hand - s.reserved AS available FROM stock s JOIN warehouses w ON w.id = s.warehouse_id \
         WHERE s.product_id = $1 AND (w.brand_id = $2 OR w.brand_id IS NULL) \
         ORDER BY CASE WHEN w.brand_id IS NULL THEN 1 ELSE 0 END, w.code",
    )
    .bind(product.id)
    .bind(brand)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("warehouse_id")?, r.try_get("available")?)))
        .collect()
}

async fn reserve_product(
    tx: &mut Tx,
    stock: Vec<(i64, i64)>,
    product: &ProductRef,
    need: Micros,
    holds: &mut Vec<Hold>,
) -> Result<Micros, CoreError> {
    let mut reserved = Micros::ZERO;
    for (warehouse, mut available) in stock {
        while reserved < need {
            let take = available.min(need.0 - reserved.0);
            if take <= 0 {
                break;
            }
            // Another order may have taken stock since the read: then no
            // row matches, and the loop reads again.
            let taken = sqlx::query(
                "UPDATE stock SET reserved = reserved + $1 WHERE product_id = $2 AND warehouse_id = $3 AND on_hand - reserved >= $1",
            )
            .bind(take)
            .bind(product.id)
            .bind(warehouse)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if taken == 1 {
                holds.push(Hold {
                    warehouse,
                    product: product.id,
                    quantity: Micros(take),
                });
                reserved.0 += take;
                available -= take;
            } else {
                available = sqlx::query("SELECT on_hand - reserved AS available FROM stock WHERE product_id = $1 AND warehouse_id = $2")
                    .bind(product.id)
                    .bind(warehouse)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get("available")?;
            }
        }
    }
    Ok(reserved)
}

/// Records an order's holds, `(line number, hold)`, in one statement.
pub(crate) async fn record_holds(
    tx: &mut Tx,
    order_id: i64,
    channel: &str,
    holds: &[(i64, Hold)],
) -> Result<(), CoreError> {
    let mut batch = Batch::new();
    holds_into(&mut batch, order_id, channel, holds);
    Ok(batch.run(tx).await?)
}

/// Adds the INSERT of an order's holds to a batch (nothing when there are
/// none).
pub(crate) fn holds_into(batch: &mut Batch, order_id: i64, channel: &str, holds: &[(i64, Hold)]) {
    // One row per key: a statement may not update a row it inserted.
    let mut merged: Vec<(i64, Hold)> = Vec::with_capacity(holds.len());
    for (line_no, hold) in holds {
        let same = merged.iter_mut().find(|(l, h)| {
            l == line_no && h.warehouse == hold.warehouse && h.product == hold.product
        });
        match same {
            Some((_, same)) => same.quantity.0 += hold.quantity.0,
            None => merged.push((*line_no, *hold)),
        }
    }
    if merged.is_empty() {
        return;
    }
    let (order, channel) = (batch.arg(order_id), batch.arg(channel));
    let rows: Vec<String> = merged
        .iter()
        .map(|(line_no, hold)| {
            let line = batch.arg(*line_no);
            let warehouse = batch.arg(hold.warehouse);
            let product = batch.arg(hold.product);
            let quantity = batch.arg(hold.quantity.0);
            format!("({order}, {line}, {warehouse}, {product}, {channel}, {quantity})")
        })
        .collect();
    batch.push(format!(
        "INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, channel, quantity) VALUES {} \
         ON CONFLICT (order_id, line_no, warehouse_id, product_id) DO UPDATE SET quantity = reservations.quantity + excluded.quantity",
        rows.join(", ")
    ));
}

/// Releases every reservation of an order (cancel, reject, decline), or
/// of one line.
pub(crate) async fn release(
    tx: &mut Tx,
    order_id: i64,
    line_no: Option<i64>,
) -> Result<(), CoreError> {
    let rows = sqlx::query("SELECT line_no, warehouse_id, product_id, quantity FROM reservations WHERE order_id = $1 AND ($2 IS NULL OR line_no = $2) \
         ORDER BY product_id, warehouse_id")
        .bind(order_id)
        .bind(line_no)
        .fetch_all(&mut **tx)
        .await?;
    for row in rows {
        sqlx::query(
            "UPDATE stock SET reserved = reserved - $1 WHERE warehouse_id = $2 AND product_id = $3",
        )
        .bind(row.try_get::<i64, _>("quantity")?)
        .bind(row.try_get::<i64, _>("warehouse_id")?)
        .bind(row.try_get::<i64, _>("product_id")?)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM reservations WHERE order_id = $1 AND ($2 IS NULL OR line_no = $2)")
        .bind(order_id)
        .bind(line_no)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE order_lines SET reserved = 0 WHERE order_id = $1 AND ($2 IS NULL OR line_no = $2)",
    )
    .bind(order_id)
    .bind(line_no)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes shipped goods out of stock through the line's reservations: on
/// hand and reserved both drop. A bundle line holds its parts, so each
/// part is taken by the bundles shipped times its count per bundle. What
/// shipped beyond the reservation was never promised from our stock, so
/// no stock level changes for it.
pub(crate) async fn consume(
    tx: &mut Tx,
    order_id: i64,
    line_no: i64,
    shipped: Micros,
) -> Result<(), CoreError> {
    let product = sqlx::query(
        "SELECT p.id, p.sku, p.name, p.kind, p.brand_id, p.base_unit, p.unspsc FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND l.line_no = $2",
    )
    .bind(order_id)
    .bind(line_no)
    .fetch_one(&mut **tx)
    .await?;
    let product = super::catalog::product_from_row(&product)?;
    let per_part: std::collections::HashMap<i64, Micros> = match product.kind {
        ProductKind::Bundle => bundle_parts(tx, &product)
            .await?
            .into_iter()
            .map(|(part, per)| (part.id, per))
            .collect(),
        _ => Default::default(),
    };
    let rows = sqlx::query(
        "SELECT warehouse_id, product_id, quantity FROM reservations WHERE order_id = $1 AND line_no = $2 \
         ORDER BY product_id, warehouse_id",
    )
    .bind(order_id)
    .bind(line_no)
    .fetch_all(&mut **tx)
    .await?;
    let mut left: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for row in rows {
        let (warehouse, held_product, held): (i64, i64, i64) = (
            row.try_get("warehouse_id")?,
            row.try_get("product_id")?,
            row.try_get("quantity")?,
        );
        let due = match per_part.get(&held_product) {
            Some(per) => {
                shipped
                    .times(*per)
                    .map_err(|e| CoreError::amount("shipped bundle", e))?
                    .0
            }
            None => shipped.0,
        };
        let left = left.entry(held_product).or_insert(due);
        let take = held.min(*left);
        if take <= 0 {
            continue;
        }
        sqlx::query("UPDATE stock SET reserved = reserved - $1, on_hand = on_hand - $1 WHERE product_id = $2 AND warehouse_id = $3")
            .bind(take)
            .bind(held_product)
            .bind(warehouse)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE reservations SET quantity = quantity - $1 WHERE order_id = $2 AND line_no = $3 AND warehouse_id = $4 AND product_id = $5")
            .bind(take)
            .bind(order_id)
            .bind(line_no)
            .bind(warehouse)
            .bind(held_product)
            .execute(&mut **tx)
            .await?;
        *left -= take;
    }
    sqlx::query("DELETE FROM reservations WHERE order_id = $1 AND line_no = $2 AND quantity <= 0")
        .bind(order_id)
        .bind(line_no)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE order_lines SET reserved = CASE WHEN reserved > $1 THEN reserved - $1 ELSE 0 END WHERE order_id = $2 AND line_no = $3")
        .bind(shipped.0)
        .bind(order_id)
        .bind(line_no)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
