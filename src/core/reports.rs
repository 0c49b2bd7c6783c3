//! Reporting and insight: a customer's order history with filters,
//! sorting, keyset pagination and CSV export; frequently bought products
//! and reorder suggestions per company, from the order history.

use super::customers::{company_by_code, user_id};
use super::states::OrderState;
use super::{Core, CoreError, Money};
use crate::store::Micros;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::io::Write;

/// Where a history page ends: the next page starts after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCursor {
    /// The last row's placement instant.
    pub placed_at: i64,
    /// The last row's id.
    pub id: i64,
}

impl HistoryCursor {
    /// As an opaque token for an API (`placed_at.id`).
    pub fn token(&self) -> String {
        format!("{}.{}", self.placed_at, self.id)
    }

    /// Reads a token.
    pub fn parse(token: &str) -> Option<HistoryCursor> {
        let (at, id) = token.split_once('.')?;
        Some(HistoryCursor {
            placed_at: at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// Which orders, in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// The company's code.
    pub company: String,
    /// Include the units below it.
    pub include_below: bool,
    /// Placed on or after this day.
    pub from: Option<NaiveDate>,
    /// Placed on or before this day.
    pub to: Option<NaiveDate>,
    /// In one of these states (any when empty).
    pub states: Vec<OrderState>,
    /// This PO number.
    pub po_number: Option<String>,
    /// This cost center.
    pub cost_center: Option<String>,
    /// This project or job code.
    pub project: Option<String>,
    /// Placed by this user (login).
    pub buyer: Option<String>,
    /// Of this brand (code).
    pub brand: Option<String>,
    /// With a line of this SKU.
    pub sku: Option<String>,
    /// Oldest first (default: newest first).
    pub oldest_first: bool,
    /// Continue after this row.
    pub after: Option<HistoryCursor>,
    /// Rows per page (at most 1,000; 50 when 0).
    pub limit: u32,
}

/// One order in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Number.
    pub number: String,
    /// The buyer's PO number.
    pub po_number: String,
    /// State.
    pub state: String,
    /// Placed at, microseconds since the epoch.
    pub placed_at: i64,
    /// The buying company or unit.
    pub company: String,
    /// Who placed it.
    pub buyer: Option<String>,
    /// The brand.
    pub brand: String,
    /// Cost center.
    pub cost_center: Option<String>,
    /// Project.
    pub project: Option<String>,
    /// Total.
    pub total: Money,
}

/// A page of history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The rows.
    pub rows: Vec<HistoryRow>,
    /// Where the next page starts, if there is one.
    pub next: Option<HistoryCursor>,
}

/// A product a company buys again and again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The SKU.
    pub sku: String,
    /// How many orders had it.
    pub orders: i64,
    /// How much in all, base units.
    pub quantity: Decimal,
    /// The last day it was ordered.
    pub last_ordered: NaiveDate,
    /// When it is due again, from the mean interval between orders.
    pub due_on: Option<NaiveDate>,
}

enum Bind {
    Int(i64),
    Text(String),
}

/// The WHERE clause of a history query, with its binds.
struct Filter {
    sql: String,
    binds: Vec<Bind>,
}

impl Filter {
    fn and(&mut self, condition: &str, value: Bind) {
        self.binds.push(value);
        let placeholder = format!("${}", self.binds.len());
        self.sql.push_str(" AND ");
        self.sql.push_str(&condition.replace('?', &placeholder));
    }
}

impl Core {
    /// A page of a company's order history.
    pub async fn order_history(&self, query: &HistoryQuery) -> Result<HistoryPage, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let filter = history_filter(&mut conn, query).await?;
        let limit = match query.limit {
            0 => 50,
            n => n.min(1000),
        };
        let direction = if query.oldest_first { "ASC" } else { "DESC" };
        let sql = format!(
            "SELECT o.id, o.po_number, o.state, o.placed_at, c.code AS company, u.login, b.code AS brand, \
             o.cost_center, o.project, o.total, o.currency FROM orders o JOIN companies c ON c.id = o.company_id \
             JOIN brands b ON b.id = o.brand_id LEFT JOIN users u ON u.id = o.buyer_id WHERE {} \
             ORDER BY o.placed_at {direction}, o.id {direction} LIMIT {}",
            filter.sql,
            limit + 1
        );
        let mut statement = sqlx::query(&sql);
        for bind in filter.binds {
            statement = match bind {
                Bind::Int(i) => statement.bind(i),
                Bind::Text(s) => statement.bind(s),
            };
        }
        let rows = statement.fetch_all(&mut *conn).await?;
        let mut page = Vec::with_capacity(rows.len());
        let mut last = None;
        for row in rows.iter().take(limit as usize) {
            let currency: String = row.try_get("currency")?;
            last = Some(HistoryCursor {
                placed_at: row.try_get("placed_at")?,
                id: row.try_get("id")?,
            });
            page.push(HistoryRow {
                number: super::orders::order_number(row.try_get("id")?),
                po_number: row.try_get("po_number")?,
                state: row.try_get("state")?,
                placed_at: row.try_get("placed_at")?,
                company: row.try_get("company")?,
                buyer: row.try_get("login")?,
                brand: row.try_get("brand")?,
                cost_center: row.try_get("cost_center")?,
                project: row.try_get("project")?,
                total: Money::from_micros(row.try_get("total")?, &currency),
            });
        }
        let more = rows.len() > limit as usize;
        Ok(HistoryPage {
            rows: page,
            next: if more { last } else { None },
        })
    }

    /// Writes every order the query matches as CSV (with a header row),
    /// page by page; returns how many rows.
    pub async fn export_history_csv<W: Write>(
        &self,
        query: &HistoryQuery,
        out: W,
    ) -> Result<usize, CoreError> {
        let mut writer = csv::Writer::from_writer(out);
        let csv_error = |e: csv::Error| CoreError::Invalid(format!("writing CSV: {e}"));
        writer
            .write_record([
                "number",
                "po_number",
                "placed_at",
                "state",
                "company",
                "buyer",
                "brand",
                "cost_center",
                "project",
                "total",
                "currency",
            ])
            .map_err(csv_error)?;
        let mut query = HistoryQuery {
            limit: 1000,
            ..query.clone()
        };
        let mut written = 0;
        loop {
            let page = self.order_history(&query).await?;
            for row in &page.rows {
                let placed = chrono::DateTime::from_timestamp_micros(row.placed_at)
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default();
                writer
                    .write_record([
                        row.number.as_str(),
                        &row.po_number,
                        &placed,
                        &row.state,
                        &row.company,
                        row.buyer.as_deref().unwrap_or(""),
                        &row.brand,
                        row.cost_center.as_deref().unwrap_or(""),
                        row.project.as_deref().unwrap_or(""),
                        &row.total.amount.to_string(),
                        &row.total.currency,
                    ])
                    .map_err(csv_error)?;
                written += 1;
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        writer
            .flush()
            .map_err(|e| CoreError::Invalid(format!("writing CSV: {e}")))?;
        Ok(written)
    }

    /// The products a company (and the units below it) orders most, by
    /// number of orders.
    pub async fn frequently_bought(
        &self,
        company: &str,
        limit: u32,
    ) -> Result<Vec<Suggestion>, CoreError> {
        let mut suggestions = self.purchase_pattern(company).await?;
        suggestions.sort_by(|a, b| b.orders.cmp(&a.orders).then(a.sku.cmp(&b.sku)));
        suggestions.truncate(limit as usize);
        Ok(suggestions)
    }

    /// Products bought at least twice whose mean interval between orders
    /// has passed since the last one, by how overdue they are.
    pub async fn reorder_suggestions(
        &self,
        company: &str,
        today: NaiveDate,
    ) -> Result<Vec<Suggestion>, CoreError> {
        let mut due: Vec<Suggestion> = self
            .purchase_pattern(company)
            .await?
            .into_iter()
            .filter(|s| s.due_on.is_some_and(|d| d <= today))
            .collect();
        due.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.sku.cmp(&b.sku)));
        Ok(due)
    }

    async fn purchase_pattern(&self, company: &str) -> Result<Vec<Suggestion>, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, company).await?;
        let rows = sqlx::query(
            "SELECT l.sku, COUNT(DISTINCT o.id) AS orders, CAST(SUM(l.base_quantity) AS BIGINT) AS quantity, \
             MIN(o.placed_at) AS first_at, MAX(o.placed_at) AS last_at FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.company_id IN (SELECT id FROM companies WHERE path LIKE $1) \
             AND o.state NOT IN ('rejected', 'cancelled', 'declined') AND l.status <> 'cancelled' GROUP BY l.sku",
        )
        .bind(company.subtree_pattern())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                let orders: i64 = r.try_get("orders")?;
                let first = super::approvals::day_of(r.try_get("first_at")?);
                let last = super::approvals::day_of(r.try_get("last_at")?);
                let due_on = (orders >= 2).then(|| {
                    let mean_days = (last - first).num_days() / (orders - 1);
                    last + chrono::Duration::days(mean_days.max(1))
                });
                Ok(Suggestion {
                    sku: r.try_get("sku")?,
                    orders,
                    quantity: Micros(r.try_get("quantity")?).to_decimal(),
                    last_ordered: last,
                    due_on,
                })
            })
            .collect()
    }
}

async fn history_filter(
    conn: &mut sqlx::AnyConnection,
    query: &HistoryQuery,
) -> Result<Filter, CoreError> {
    let company = company_by_code(conn, &query.company).await?;
    let mut filter = if query.include_below {
        Filter {
            sql: "o.company_id IN (SELECT id FROM companies WHERE path LIKE $1)".into(),
            binds: vec![Bind::Text(company.subtree_pattern())],
        }
    } else {
        Filter {
            sql: "o.company_id = $1".into(),
            binds: vec![Bind::Int(company.id)],
        }
    };
    let day_start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_micros())
            .unwrap_or(0)
    };
    if let Some(from) = query.from {
        filter.and("o.placed_at >= ?", Bind::Int(day_start(from)));
    }
    if let Some(to) = query.to {
        filter.and(
            "o.placed_at < ?",
            Bind::Int(to.succ_opt().map_or(i64::MAX, day_start)),
        );
    }
    if !query.states.is_empty() {
        let words: Vec<String> = query
            .states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // The words come from the enum, never from the caller.
        filter
            .sql
            .push_str(&format!(" AND o.state IN ({})", words.join(",")));
    }
    for (column, value) in [
        ("o.po_number", &query.po_number),
        ("o.cost_center", &query.cost_center),
        ("o.project", &query.project),
    ] {
        if let Some(value) = value {
            filter.and(&format!("{column} = ?"), Bind::Text(value.clone()));
        }
    }
    if let Some(login) = &query.buyer {
        let user = user_id(conn, login).await?;
        filter.and("o.buyer_id = ?", Bind::Int(user));
    }
    if let Some(brand) = &query.brand {
        let brand = super::sellers::id_of(conn, "brands", "brand", brand).await?;
        filter.and("o.brand_id = ?", Bind::Int(brand));
    }
    if let Some(sku) = &query.sku {
        filter.and(
            "o.id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = (SELECT p.id FROM products p WHERE p.sku = ?))",
            Bind::Text(sku.clone()),
        );
    }
    if let Some(after) = query.after {
        let op = if query.oldest_first { ">" } else { "<" };
        filter.binds.push(Bind::Int(after.placed_at));
        let at = filter.binds.len();
        filter.binds.push(Bind::Int(after.id));
        let id = filter.binds.len();
        filter.sql.push_str(&format!(
            " AND (o.placed_at {op} ${at} OR (o.placed_at = ${at} AND o.id {op} ${id}))"
        ));
    }
    Ok(filter)
}
