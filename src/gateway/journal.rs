//! The journal: every message in and out, with its raw bytes, written and
//! committed before the sender is told "received", then moved through
//! its statuses as the pipeline handles it. It is what an operator
//! searches, what a reprocess reads from, and how a repeated interchange
//! is recognised.

use crate::store::{now_micros, Batch, Store};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Journalled; nothing else done yet.
    Received,
    /// Passed validation.
    Valid,
    /// Failed validation; the negative acknowledgment says why.
    Invalid,
    /// Our acknowledgment of an inbound message, or a partner's of ours.
    Acknowledged,
    /// Read into canonical documents.
    Mapped,
    /// Its documents changed the core.
    Applied,
    /// Handed to the partner's transport.
    Delivered,
    /// Could not be applied or delivered (errors say why); an outbound
    /// message here is dead-lettered.
    Failed,
    /// A repeat of an earlier interchange; changed nothing.
    Duplicate,
    /// Waiting to be delivered.
    Pending,
}

impl Status {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Acknowledged => "acknowledged",
            Status::Mapped => "mapped",
            Status::Applied => "applied",
            Status::Delivered => "delivered",
            Status::Failed => "failed",
            Status::Duplicate => "duplicate",
            Status::Pending => "pending",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Status> {
        serde_json::from_value(serde_json::Value::String(s.into())).ok()
    }
}

/// Inbound (`in`) or outbound (`out`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From a partner.
    In,
    /// To a partner.
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// A message to journal.
#[derive(Clone, Debug, Default)]
pub struct NewMessage<'a> {
    /// The connector it came from or goes to.
    pub connector: &'a str,
    /// `x12`, `edifact`, `cxml`, `oci`, `json`.
    pub format: &'a str,
    /// The document type (`850`, `ORDERS`, `OrderRequest`, `997`).
    pub document: Option<String>,
    /// Sender identity (`ZZ:GLOBEX`, a cXML domain:identity).
    pub sender: Option<String>,
    /// Receiver identity.
    pub receiver: Option<String>,
    /// Interchange control number, UNB reference or payloadID; with the
    /// sender, what makes a repeat recognisable.
    pub control_number: Option<String>,
    /// The buyer's PO number, when known.
    pub po_number: Option<String>,
    /// The message this one answers (an acknowledgment's inbound).
    pub answers: Option<i64>,
    /// The id that follows the message through the logs.
    pub trace: String,
    /// The bytes exactly as received or sent.
    pub raw: &'a [u8],
    /// The status it starts in: `received` inbound, `pending` outbound
    /// when absent (an acknowledgment handed over in the answer is
    /// journalled `delivered` at once).
    pub status: Option<Status>,
}

/// Where processing left an inbound message, written in one go.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Its status.
    pub status: Status,
    /// What went wrong (added to what was there).
    pub errors: Vec<String>,
    /// The document types it held (`850`).
    pub document: Option<String>,
    /// The PO number it carried.
    pub po_number: Option<String>,
    /// The orders it touched.
    pub orders: Vec<String>,
}

impl Outcome {
    /// An outcome with a status and errors only.
    pub fn status(status: Status, errors: Vec<String>) -> Outcome {
        Outcome {
            status,
            errors,
            document: None,
            po_number: None,
            orders: Vec::new(),
        }
    }
}

/// What journalling an inbound message found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entered {
    /// A new message, with its id.
    New(i64),
    /// A repeat of `original`, journalled as `id`.
    Duplicate {
        /// The repeat's own entry.
        id: i64,
        /// The first one.
        original: i64,
    },
}

/// A journal entry without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// When it was journalled, microseconds since the epoch.
    pub at: i64,
    /// In or out.
    pub direction: Direction,
    /// Connector.
    pub connector: String,
    /// Format.
    pub format: String,
    /// Document type.
    pub document: Option<String>,
    /// Sender.
    pub sender: Option<String>,
    /// Receiver.
    pub receiver: Option<String>,
    /// Control number or payloadID.
    pub control_number: Option<String>,
    /// PO number.
    pub po_number: Option<String>,
    /// Status.
    pub status: Status,
    /// What went wrong, if anything.
    pub errors: Vec<String>,
    /// The first message, when this is a repeat.
    pub duplicate_of: Option<i64>,
    /// The message this one answers.
    pub answers: Option<i64>,
    /// The log trace id.
    pub trace: String,
    /// Orders it touched.
    pub orders: Vec<String>,
}

/// How to search the journal; every field narrows.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Search {
    /// Connector id.
    pub connector: Option<String>,
    /// Control number or payloadID.
    pub control_number: Option<String>,
    /// PO number.
    pub po_number: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// From this time (microseconds since the epoch).
    pub since: Option<i64>,
    /// Before this time.
    pub until: Option<i64>,
    /// Entries with an id below this (the next page).
    pub before: Option<i64>,
    /// Only messages linked to this order.
    pub order: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
}

/// The journal over the store.
#[derive(Clone, Debug)]
pub struct Journal {
    store: Store,
}

const ENTRY_COLUMNS: &str = "id, at, direction, connector, format, document, sender, receiver, \
     control_number, po_number, status, errors, duplicate_of, answers, trace";

impl Journal {
    /// The journal in a store.
    pub fn new(store: Store) -> Journal {
        Journal { store }
    }

    /// Journals a message and commits. An inbound message whose sender and
    /// control number were seen before is journalled as a duplicate of the
    /// first: the unique index decides, so two repeats racing each other
    /// still leave one original.
    pub async fn enter(
        &self,
        direction: Direction,
        m: &NewMessage<'_>,
    ) -> Result<Entered, sqlx::Error> {
        let status = m.status.unwrap_or(match direction {
            Direction::In => Status::Received,
            Direction::Out => Status::Pending,
        });
        let inserted = self.insert(direction, m, status, None).await?;
        if let Some(id) = inserted {
            return Ok(Entered::New(id));
        }
        let original: i64 = sqlx::query(
            "SELECT id FROM messages WHERE direction = $1 AND connector = $2 AND format = $3 \
             AND sender = $4 AND control_number = $5 AND duplicate_of IS NULL",
        )
        .bind(direction.as_str())
        .bind(m.connector)
        .bind(m.format)
        .bind(&m.sender)
        .bind(&m.control_number)
        .fetch_one(self.store.reader())
        .await?
        .try_get("id")?;
        let id = self
            .insert(direction, m, Status::Duplicate, Some(original))
            .await?
            .ok_or_else(|| sqlx::Error::Protocol("a duplicate could not be journalled".into()))?;
        Ok(Entered::Duplicate { id, original })
    }

    async fn insert(
        &self,
        direction: Direction,
        m: &NewMessage<'_>,
        status: Status,
        duplicate_of: Option<i64>,
    ) -> Result<Option<i64>, sqlx::Error> {
        let now = now_micros();
        // One statement commits on its own: no BEGIN and COMMIT round trips.
        let row = sqlx::query(
            "INSERT INTO messages (at, direction, connector, format, document, sender, receiver, \
             control_number, po_number, status, duplicate_of, answers, trace, updated_at, raw) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $1, $14) \
             ON CONFLICT (direction, connector, format, sender, control_number) \
             WHERE duplicate_of IS NULL AND control_number IS NOT NULL DO NOTHING RETURNING id",
        )
        .bind(now)
        .bind(direction.as_str())
        .bind(m.connector)
        .bind(m.format)
        .bind(&m.document)
        .bind(&m.sender)
        .bind(&m.receiver)
        .bind(&m.control_number)
        .bind(&m.po_number)
        .bind(status.as_str())
        .bind(duplicate_of)
        .bind(m.answers)
        .bind(&m.trace)
        .bind(m.raw.to_vec())
        // Read to the end of the answer, not only its row: without a
        // transaction, the commit (and any error in it) comes after the
        // row, and the entry must be committed before it is reported.
        .fetch_all(self.store.writer())
        .await?;
        row.first().map(|r| r.try_get("id")).transpose()
    }

    /// Journals the message outbound delivery `delivery` wrote, linked to
    /// `orders`, and records it on the delivery, in one transaction; a
    /// retry of the delivery then resends these bytes.
    pub async fn enter_delivery(
        &self,
        m: &NewMessage<'_>,
        orders: &[&str],
        delivery: i64,
    ) -> Result<i64, sqlx::Error> {
        let now = now_micros();
        let mut tx = self.store.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO messages (at, direction, connector, format, document, sender, receiver, \
             control_number, po_number, status, trace, updated_at, raw) \
             VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $1, $10) RETURNING id",
        )
        .bind(now)
        .bind(m.connector)
        .bind(m.format)
        .bind(&m.document)
        .bind(&m.sender)
        .bind(&m.receiver)
        .bind(&m.control_number)
        .bind(&m.po_number)
        .bind(&m.trace)
        .bind(m.raw.to_vec())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut batch = Batch::new();
        let message = batch.arg(id);
        for order in orders {
            let order = batch.arg(*order);
            batch.push(format!(
                "INSERT INTO message_orders (message_id, order_number) VALUES ({message}, {order})"
            ));
        }
        let delivery = batch.arg(delivery);
        batch.push(format!(
            "UPDATE deliveries SET message_id = {message} WHERE id = {delivery}"
        ));
        batch.run(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a message and the delivery that sent it delivered, together.
    pub async fn delivered(&self, message: i64, delivery: i64) -> Result<(), sqlx::Error> {
        let mut batch = Batch::new();
        let (at, message) = (batch.arg(now_micros()), batch.arg(message));
        batch.push(format!(
            "UPDATE messages SET status = 'delivered', updated_at = {at} WHERE id = {message}"
        ));
        let delivery = batch.arg(delivery);
        batch.push(format!(
            "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1 WHERE id = {delivery}"
        ));
        batch.commit(&self.store).await
    }

    /// Moves a message to `status`, adding `errors` to those it has.
    pub async fn set_status(
        &self,
        id: i64,
        status: Status,
        errors: &[String],
    ) -> Result<(), sqlx::Error> {
        self.conclude(id, &Outcome::status(status, errors.to_vec()))
            .await
    }

    /// Our outbound message to a connector with this control number (an
    /// acknowledgment's target), if any.
    pub async fn outbound_by_control(
        &self,
        connector: &str,
        format: &str,
        control_number: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query(
            "SELECT id FROM messages WHERE direction = 'out' AND connector = $1 AND format = $2 \
             AND control_number = $3 AND answers IS NULL AND duplicate_of IS NULL ORDER BY id LIMIT 1",
        )
        .bind(connector)
        .bind(format)
        .bind(control_number)
        .fetch_optional(self.store.reader())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
    }

    /// Records where processing left a message (status, errors, document
    /// types, PO number, orders) in one transaction.
    pub async fn conclude(&self, id: i64, outcome: &Outcome) -> Result<(), sqlx::Error> {
        if outcome.errors.is_empty() {
            return self
                .update_outcome(id, outcome, None)
                .commit(&self.store)
                .await;
        }
        // New errors are added to those the message has: read them in
        // the transaction that writes them.
        let mut tx = self.store.begin().await?;
        let old: String = sqlx::query("SELECT errors FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("errors")?;
        let mut all: Vec<String> = serde_json::from_str(&old).unwrap_or_default();
        all.extend(outcome.errors.iter().cloned());
        let errors = serde_json::to_string(&all).unwrap_or_else(|_| "[]".into());
        self.update_outcome(id, outcome, Some(errors))
            .run(&mut tx)
            .await?;
        tx.commit().await
    }

    /// The statements that record an outcome; `errors` (JSON) replaces the
    /// message's when given.
    fn update_outcome(&self, id: i64, outcome: &Outcome, errors: Option<String>) -> Batch {
        let mut batch = Batch::new();
        let (status, at, document, po, message) = (
            batch.arg(outcome.status.as_str()),
            batch.arg(now_micros()),
            batch.arg(outcome.document.clone()),
            batch.arg(outcome.po_number.clone()),
            batch.arg(id),
        );
        let errors = match errors {
            Some(json) => format!(", errors = {}", batch.arg(json)),
            None => String::new(),
        };
        batch.push(format!(
            "UPDATE messages SET status = {status}, updated_at = {at}{errors}, \
             document = COALESCE({document}, document), po_number = COALESCE(po_number, {po}) \
             WHERE id = {message}"
        ));
        for order in &outcome.orders {
            let order = batch.arg(order.as_str());
            batch.push(format!(
                "INSERT INTO message_orders (message_id, order_number) VALUES ({message}, {order}) \
                 ON CONFLICT DO NOTHING"
            ));
        }
        batch
    }

    /// One entry.
    pub async fn get(&self, id: i64) -> Result<Option<Entry>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM messages WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.store.reader())
        .await?;
        match row {
            Some(row) => Ok(Some(self.entry(&row).await?)),
            None => Ok(None),
        }
    }

    /// A message's bytes as received or sent.
    pub async fn raw(&self, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
        sqlx::query("SELECT raw FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.store.reader())
            .await?
            .map(|r| r.try_get("raw"))
            .transpose()
    }

    /// The message that answers `id` (our acknowledgment of it).
    pub async fn answer_to(&self, id: i64) -> Result<Option<Entry>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM messages WHERE answers = $1 AND duplicate_of IS NULL \
             ORDER BY id LIMIT 1"
        ))
        .bind(id)
        .fetch_optional(self.store.reader())
        .await?;
        match row {
            Some(row) => Ok(Some(self.entry(&row).await?)),
            None => Ok(None),
        }
    }

    /// Inbound messages journalled but not finished (a crash between
    /// "received" and "applied"), oldest first.
    pub async fn unfinished(&self) -> Result<Vec<Entry>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM messages WHERE direction = 'in' \
             AND status IN ('received', 'valid', 'acknowledged', 'mapped') ORDER BY id"
        ))
        .fetch_all(self.store.reader())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.entry(row).await?);
        }
        Ok(out)
    }

    /// Searches, newest first.
    pub async fn search(&self, s: &Search) -> Result<Vec<Entry>, sqlx::Error> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM messages m WHERE 1 = 1");
        let mut args: Vec<Arg> = Vec::new();
        let mut narrow = |clause: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        };
        if let Some(v) = &s.connector {
            narrow(" AND connector = ?", Arg::Text(v.clone()));
        }
        if let Some(v) = &s.control_number {
            narrow(" AND control_number = ?", Arg::Text(v.clone()));
        }
        if let Some(v) = &s.po_number {
            narrow(" AND po_number = ?", Arg::Text(v.clone()));
        }
        if let Some(v) = &s.status {
            narrow(" AND status = ?", Arg::Text(v.clone()));
        }
        if let Some(v) = s.since {
            narrow(" AND at >= ?", Arg::Int(v));
        }
        if let Some(v) = s.until {
            narrow(" AND at < ?", Arg::Int(v));
        }
        if let Some(v) = s.before {
            narrow(" AND id < ?", Arg::Int(v));
        }
        if let Some(v) = &s.order {
            narrow(
                " AND EXISTS (SELECT 1 FROM message_orders l WHERE l.message_id = m.id AND l.order_number = ?)",
                Arg::Text(v.clone()),
            );
        }
        let limit = s.limit.unwrap_or(50).clamp(1, 500);
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut query = sqlx::query(&sql);
        for arg in args {
            query = match arg {
                Arg::Text(t) => query.bind(t),
                Arg::Int(i) => query.bind(i),
            };
        }
        let rows = query.fetch_all(self.store.reader()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.entry(row).await?);
        }
        Ok(out)
    }

    /// The ids of messages linked to an order.
    pub async fn for_order(&self, order: &str) -> Result<Vec<Entry>, sqlx::Error> {
        self.search(&Search {
            order: Some(order.into()),
            limit: Some(500),
            ..Search::default()
        })
        .await
    }

    async fn entry(&self, row: &AnyRow) -> Result<Entry, sqlx::Error> {
        let id: i64 = row.try_get("id")?;
        let orders = sqlx::query(
            "SELECT order_number FROM message_orders WHERE message_id = $1 ORDER BY order_number",
        )
        .bind(id)
        .fetch_all(self.store.reader())
        .await?
        .iter()
        .map(|r| r.try_get("order_number"))
        .collect::<Result<_, _>>()?;
        let text = |name: &str| row.try_get::<String, _>(name);
        let errors: Vec<String> = serde_json::from_str(&text("errors")?).unwrap_or_default();
        Ok(Entry {
            id,
            at: row.try_get("at")?,
            direction: if text("direction")? == "in" {
                Direction::In
            } else {
                Direction::Out
            },
            connector: text("connector")?,
            format: text("format")?,
            document: row.try_get("document")?,
            sender: row.try_get("sender")?,
            receiver: row.try_get("receiver")?,
            control_number: row.try_get("control_number")?,
            po_number: row.try_get("po_number")?,
            status: Status::parse(&text("status")?).unwrap_or(Status::Failed),
            errors,
            duplicate_of: row.try_get("duplicate_of")?,
            answers: row.try_get("answers")?,
            trace: text("trace")?,
            orders,
        })
    }
}

enum Arg {
    Text(String),
    Int(i64),
}
