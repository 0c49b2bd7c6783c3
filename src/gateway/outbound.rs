//! From a core change to a partner: the core writes a notification in the
//! same transaction as the change (the outbox); the relay turns each into
//! deliveries, one per connector that should hear of it (the store-backed
//! bus); a delivery is written in the connector's syntax, journalled and
//! handed to each of its outbound transports, retried with exponential
//! backoff and dead-lettered after the connector's last attempt. Every
//! delivery stands alone, so a partner that is down delays only itself.

use super::journal::{NewMessage, Status};
use super::Gateway;
use crate::connector::{Connector, Outbound, Syntax};
use crate::core::{Actor, Notification, OrderView};
use crate::document::{
    Amount, Document, IdScheme, ItemIdentity, Order, OrderLine, Party, PartyId, Price, Quantity,
};
use crate::mapping::Syntax as MapSyntax;
use crate::store::{now_micros, Batch};
use crate::translate::{write_edifact, write_x12, Envelope};
use sqlx::Row;
use std::time::Duration;

/// A delivery due to be sent.
#[derive(Clone, Debug)]
pub(crate) struct Delivery {
    pub(crate) id: i64,
    connector: String,
    kind: String,
    order_number: Option<String>,
    payload: String,
    attempts: i64,
    message_id: Option<i64>,
}

/// What one relay pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Notifications turned into deliveries.
    pub relayed: usize,
    /// Deliveries sent.
    pub delivered: usize,
    /// Deliveries that failed this time (to be retried or dead).
    pub failed: usize,
}

impl Gateway {
    /// Runs the relay until `stop` says so; the pass in progress finishes
    /// first.
    pub async fn run_outbound(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut swept = std::time::Instant::now();
        loop {
            if self.amqp().is_some() && swept.elapsed() > super::bus::SWEEP_EVERY {
                swept = std::time::Instant::now();
                if let Err(e) = self.requeue_stale().await {
                    tracing::warn!(error = %e, "sweeping queued deliveries");
                }
            }
            match self.outbound_pass().await {
                Ok(pass) if pass.relayed + pass.delivered + pass.failed > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbound relay"),
            }
            tokio::select! {
                _ = self.outbound_woken() => {}
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Relays pending notifications and sends the deliveries that are due.
    pub async fn outbound_pass(&self) -> Result<Pass, sqlx::Error> {
        let mut pass = Pass::default();
        let notifications = self
            .core()
            .pending_notifications(200)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        if !notifications.is_empty() {
            self.relay(&notifications).await?;
            pass.relayed += notifications.len();
        }
        for d in self.due().await? {
            if self.amqp().is_some() {
                // RabbitMQ hands deliveries out to every node's consumers;
                // while it is away they wait here, in the outbox.
                match self.enqueue(&d).await {
                    Ok(()) => pass.delivered += 1,
                    Err(why) => {
                        tracing::warn!(delivery = d.id, error = %why, "the bus is unavailable; deliveries wait in the outbox");
                        break;
                    }
                }
                continue;
            }
            match self.deliver(&d).await {
                Ok(()) => pass.delivered += 1,
                Err(why) => {
                    pass.failed += 1;
                    self.failed(&d, &why).await?;
                }
            }
        }
        Ok(pass)
    }

    /// Counts the deliveries waiting into the queue-depth gauge; run when
    /// the metrics are read rather than on every pass of the relay.
    pub async fn count_queue_depth(&self) -> Result<(), sqlx::Error> {
        let waiting: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM deliveries WHERE state IN ('pending', 'queued')",
        )
        .fetch_one(self.store().reader())
        .await?
        .try_get("n")?;
        self.metrics().set_queue_depth(waiting);
        Ok(())
    }

    /// Turns notifications into deliveries and marks them relayed, in one
    /// transaction. Re-running it after a crash adds nothing: a delivery is
    /// unique per notification and connector.
    async fn relay(&self, notifications: &[Notification]) -> Result<(), sqlx::Error> {
        let mut targeted = Vec::new();
        for n in notifications {
            for target in self.targets(n) {
                targeted.push((n, target));
            }
        }
        let mut batch = Batch::new();
        let now = batch.arg(now_micros());
        for (n, (connector, kind)) in targeted {
            let values = [
                batch.arg(format!("notification:{}:{connector}", n.id)),
                batch.arg(connector),
                batch.arg(kind),
                batch.arg(n.order.as_str()),
                batch.arg(n.payload.to_string()),
            ];
            batch.push(format!(
                "INSERT INTO deliveries (cause, connector, kind, order_number, payload, next_at, created_at) \
                 VALUES ({}, {now}, {now}) ON CONFLICT (cause) DO NOTHING",
                values.join(", ")
            ));
        }
        // The outbox's rows are the relay's to mark: ids are integers, so
        // they go into the statement as text safely.
        let ids: Vec<String> = notifications.iter().map(|n| n.id.to_string()).collect();
        batch.push(format!(
            "UPDATE notifications SET state = 'relayed' WHERE id IN ({})",
            ids.join(", ")
        ));
        batch.commit(self.store()).await
    }

    /// Who hears of a notification: an approved order goes to the brand's
    /// suppliers.
    fn targets(&self, n: &Notification) -> Vec<(String, &'static str)> {
        let Some(brand) = n.brand.as_deref().filter(|_| n.event == "approved") else {
            return Vec::new();
        };
        self.connectors()
            .suppliers_of(brand)
            .filter(|c| !c.outbound.is_empty())
            .map(|c| (c.id.clone(), "order"))
            .collect()
    }

    /// Queues a price change for every connector subscribed to price
    /// catalogs in the list's market (all markets for a list without
    /// one), as a catalogue of one line.
    pub async fn announce_price(
        &self,
        list: &str,
        sku: &str,
        from_quantity: rust_decimal::Decimal,
        price: rust_decimal::Decimal,
    ) -> Result<usize, sqlx::Error> {
        let row = sqlx::query(
            "SELECT l.currency, m.code AS market FROM price_lists l LEFT JOIN markets m ON m.id = l.market_id \
             WHERE l.code = $1",
        )
        .bind(list)
        .fetch_optional(self.store().reader())
        .await?;
        let Some(row) = row else { return Ok(0) };
        let currency: String = row.try_get("currency")?;
        let market: Option<String> = row.try_get("market")?;
        let now = now_micros();
        let catalogue = crate::document::Catalogue {
            id: format!("{list}-{now}"),
            issue_date: Some(chrono::Utc::now().date_naive()),
            currency: Some(currency.clone()),
            lines: vec![crate::document::CatalogueLine {
                action: Some("change".into()),
                item: ItemIdentity {
                    seller_id: Some(sku.to_string()),
                    ..ItemIdentity::default()
                },
                prices: vec![crate::document::PriceTier {
                    price: Price {
                        amount: Amount {
                            value: price,
                            currency,
                        },
                        base_quantity: None,
                    },
                    min_quantity: (!from_quantity.is_zero()).then_some(from_quantity),
                    validity: None,
                    kind: None,
                }],
                ..crate::document::CatalogueLine::default()
            }],
            ..crate::document::Catalogue::default()
        };
        let payload = serde_json::json!({ "document": Document::Catalogue(catalogue) }).to_string();
        let subscribers: Vec<&Connector> = self
            .connectors()
            .all()
            .filter(|c| c.price_catalog && !c.outbound.is_empty())
            .filter(|c| market.is_none() || c.market == market)
            .collect();
        let mut tx = self.store().begin().await?;
        for c in &subscribers {
            sqlx::query(
                "INSERT INTO deliveries (cause, connector, kind, order_number, payload, next_at, created_at) \
                 VALUES ($1, $2, 'catalogue', NULL, $3, $4, $4) ON CONFLICT (cause) DO NOTHING",
            )
            .bind(format!("price:{list}:{sku}:{now}:{}", c.id))
            .bind(&c.id)
            .bind(&payload)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.wake_outbound();
        Ok(subscribers.len())
    }

    /// Queues a journalled outbound message for the connector's outbound
    /// transports (an acknowledgment that could not go back in an answer);
    /// once per message.
    pub(crate) async fn queue_message(
        &self,
        connector: &Connector,
        message: i64,
        kind: &str,
    ) -> Result<(), sqlx::Error> {
        if connector.outbound.is_empty() {
            return Ok(());
        }
        let now = now_micros();
        sqlx::query(
            "INSERT INTO deliveries (cause, connector, kind, order_number, payload, next_at, created_at, message_id) \
             VALUES ($1, $2, $3, NULL, '{}', $4, $4, $5) ON CONFLICT (cause) DO NOTHING",
        )
        .bind(format!("message:{message}"))
        .bind(&connector.id)
        .bind(kind)
        .bind(now)
        .bind(message)
        .execute(self.store().writer())
        .await?;
        self.wake_outbound();
        Ok(())
    }

    /// Sends a journalled outbound message again, byte for byte, through
    /// its connector's transports (a partner lost it).
    pub async fn resend(&self, message: i64) -> Result<(), sqlx::Error> {
        let entry = self.journal().get(message).await?;
        let Some(entry) = entry.filter(|e| e.direction == super::journal::Direction::Out) else {
            return Err(sqlx::Error::RowNotFound);
        };
        let now = now_micros();
        let mut tx = self.store().begin().await?;
        sqlx::query(
            "INSERT INTO deliveries (cause, connector, kind, order_number, payload, next_at, created_at, message_id) \
             VALUES ($1, $2, 'resend', $3, '{}', $4, $4, $5)",
        )
        .bind(format!("resend:{message}:{now}"))
        .bind(&entry.connector)
        .bind(entry.orders.first())
        .bind(now)
        .bind(message)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.wake_outbound();
        Ok(())
    }

    /// Queues a supplier's acknowledgment or ship notice for the buyer's
    /// connector, addressed to the buyer's PO number. Called before the
    /// inbound message is marked applied, so a crash in between queues it
    /// when the message is resumed; the cause makes that queue it once.
    pub(crate) async fn forward_to_buyer(
        &self,
        cause: &str,
        number: &str,
        document: &Document,
    ) -> Result<(), sqlx::Error> {
        let (kind, readdressed) = match document {
            Document::OrderResponse(r) => ("order_response", Document::OrderResponse(r.clone())),
            Document::DespatchAdvice(a) => ("despatch", Document::DespatchAdvice(a.clone())),
            _ => return Ok(()),
        };
        let view = match self.core().order(number).await {
            Ok(view) => view,
            Err(e) => return Err(sqlx::Error::Protocol(e.to_string())),
        };
        let Some(buyer) = self.connectors().buyer_for(&view.company) else {
            return Ok(());
        };
        if buyer.outbound.is_empty() {
            return Ok(());
        }
        let document = for_buyer(readdressed, number, &view.po_number);
        let payload = serde_json::json!({ "document": document, "po_number": view.po_number });
        // One statement commits on its own: no BEGIN and COMMIT round trips.
        sqlx::query(
            "INSERT INTO deliveries (cause, connector, kind, order_number, payload, next_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (cause) DO NOTHING",
        )
        .bind(format!("forward:{cause}:{number}:{}", buyer.id))
        .bind(&buyer.id)
        .bind(kind)
        .bind(number)
        .bind(payload.to_string())
        .bind(now_micros())
        .execute(self.store().writer())
        .await?;
        Ok(())
    }

    async fn due(&self) -> Result<Vec<Delivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, connector, kind, order_number, payload, attempts, message_id FROM deliveries \
             WHERE state = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT 100",
        )
        .bind(now_micros())
        .fetch_all(self.store().reader())
        .await?;
        deliveries(&rows)
    }

    /// A delivery the bus handed out, if it is still waiting for it (a
    /// redelivered bus message for a delivery done already finds nothing).
    pub(crate) async fn queued(&self, id: i64) -> Result<Option<Delivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, connector, kind, order_number, payload, attempts, message_id FROM deliveries \
             WHERE id = $1 AND state = 'queued'",
        )
        .bind(id)
        .fetch_all(self.store().reader())
        .await?;
        Ok(deliveries(&rows)?.pop())
    }
}

fn deliveries(rows: &[sqlx::any::AnyRow]) -> Result<Vec<Delivery>, sqlx::Error> {
    rows.iter()
        .map(|r| {
            Ok(Delivery {
                id: r.try_get("id")?,
                connector: r.try_get("connector")?,
                kind: r.try_get("kind")?,
                order_number: r.try_get("order_number")?,
                payload: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
                message_id: r.try_get("message_id")?,
            })
        })
        .collect()
}

impl Gateway {
    /// Writes, journals and sends one delivery.
    pub(crate) async fn deliver(&self, d: &Delivery) -> Result<(), String> {
        let connector = self
            .connectors()
            .get(&d.connector)
            .ok_or_else(|| format!("connector {} is no longer configured", d.connector))?
            .clone();
        let number = d.order_number.clone().unwrap_or_default();
        let (message_id, raw) = match d.message_id {
            Some(id) => {
                let raw = self.journal().raw(id).await.map_err(|e| e.to_string())?;
                (id, raw.unwrap_or_default())
            }
            None => self.write_message(&connector, d, &number).await?,
        };
        for transport in &connector.outbound {
            self.send(&connector, transport, d, message_id, &raw)
                .await?;
        }
        self.journal()
            .delivered(message_id, d.id)
            .await
            .map_err(|e| e.to_string())?;
        self.metrics()
            .message(&connector.id, syntax_name(&connector), "out", "delivered");
        if d.kind == "order" {
            let key = format!("sent:{}", d.id);
            let source = format!("message {message_id} to {}", connector.id);
            let sent = self
                .core()
                .mark_sent(
                    Some(&key),
                    &Actor::system("outbound"),
                    &number,
                    Some(&source),
                )
                .await;
            if let Err(e) = sent {
                tracing::warn!(order = %number, error = %e, "delivered, but the order did not move to sent");
            }
        }
        tracing::info!(delivery = d.id, journal = message_id, connector = %connector.id, "delivered");
        Ok(())
    }

    /// Encodes the delivery in the connector's syntax and journals it; the
    /// delivery remembers the message, so a retry resends the same bytes
    /// with the same control numbers. Returns the journal entry and the
    /// bytes.
    async fn write_message(
        &self,
        c: &Connector,
        d: &Delivery,
        number: &str,
    ) -> Result<(i64, Vec<u8>), String> {
        let (document, po_number) = if d.kind == "order" {
            let view = self
                .core()
                .order_without_history(number)
                .await
                .map_err(|e| e.to_string())?;
            (Document::Order(supplier_order(&view)), Some(view.po_number))
        } else {
            let payload: serde_json::Value =
                serde_json::from_str(&d.payload).map_err(|e| e.to_string())?;
            let document =
                serde_json::from_value(payload["document"].clone()).map_err(|e| e.to_string())?;
            (document, payload["po_number"].as_str().map(str::to_string))
        };
        let syntax = c
            .outbound_syntax()
            .ok_or("the connector writes no syntax")?;
        let (raw, control, sender, receiver, kind) =
            self.encode(c, syntax, &document, number).await?;
        let orders: Vec<&str> = Some(number).filter(|n| !n.is_empty()).into_iter().collect();
        let id = self
            .journal()
            .enter_delivery(
                &NewMessage {
                    connector: &c.id,
                    format: syntax_name(c),
                    document: Some(kind),
                    sender: Some(sender),
                    receiver: Some(receiver),
                    control_number: Some(control),
                    po_number,
                    trace: self.new_trace(),
                    raw: &raw,
                    ..NewMessage::default()
                },
                &orders,
                d.id,
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok((id, raw))
    }

    /// Bytes, control number, sender, receiver and document type.
    async fn encode(
        &self,
        c: &Connector,
        syntax: Syntax,
        document: &Document,
        order: &str,
    ) -> Result<(Vec<u8>, String, String, String, String), String> {
        let mappings = self.mappings_for(c);
        let us = &self.settings().us;
        let (x12_message, edifact_message) = match document {
            Document::Order(_) => ("850", "ORDERS"),
            Document::OrderResponse(_) => ("855", "ORDRSP"),
            Document::DespatchAdvice(_) => ("856", "DESADV"),
            Document::Invoice(_) => ("810", "INVOIC"),
            Document::Catalogue(_) => ("832", "PRICAT"),
            _ => return Err("only orders, responses, ship notices and invoices are sent".into()),
        };
        let find = |syntax: MapSyntax, version: &str, message: &str| {
            mappings
                .iter()
                .copied()
                .find(|m| m.syntax == syntax && m.version == version && m.message == message)
                .ok_or_else(|| format!("no mapping writes {} {version} {message}", syntax.name()))
        };
        let now = chrono::Utc::now().naive_utc();
        match syntax {
            Syntax::Edifact => {
                let e = c.edifact.as_ref().ok_or("no EDIFACT identity")?;
                let mapping = find(MapSyntax::Edifact, &e.version, edifact_message)?;
                let control = self
                    .next_control_number(&c.id, "unb")
                    .await
                    .map_err(|e| e.to_string())?;
                let envelope = Envelope {
                    sender: (us.edifact.1.clone(), us.edifact.0.clone()),
                    receiver: (e.qualifier.clone().unwrap_or_default(), e.id.clone()),
                    prepared: now,
                    control_number: control,
                    test: false,
                };
                let (raw, _warnings) =
                    write_edifact(std::slice::from_ref(document), mapping, &envelope)
                        .map_err(|e| e.to_string())?;
                Ok((
                    raw,
                    control.to_string(),
                    us.edifact.0.clone(),
                    e.id.clone(),
                    edifact_message.into(),
                ))
            }
            Syntax::X12 => {
                let x = c.x12.as_ref().ok_or("no X12 identity")?;
                let mapping = find(MapSyntax::X12, &x.version, x12_message)?;
                let control = self
                    .next_control_number(&c.id, "isa")
                    .await
                    .map_err(|e| e.to_string())?;
                let envelope = Envelope {
                    sender: us.x12.clone(),
                    receiver: (x.qualifier.clone(), x.id.clone()),
                    prepared: now,
                    control_number: control,
                    test: false,
                };
                let (raw, _warnings) =
                    write_x12(std::slice::from_ref(document), mapping, &envelope)
                        .map_err(|e| e.to_string())?;
                let sender = format!("{}:{}", us.x12.0, us.x12.1);
                Ok((
                    raw,
                    format!("{control:09}"),
                    sender,
                    format!("{}:{}", x.qualifier, x.id),
                    x12_message.into(),
                ))
            }
            Syntax::Cxml => self.encode_cxml(c, document, order).await,
        }
    }

    /// Hands a message to one transport: its bytes to a file drop, its
    /// event to a webhook.
    async fn send(
        &self,
        c: &Connector,
        transport: &Outbound,
        d: &Delivery,
        message: i64,
        raw: &[u8],
    ) -> Result<(), String> {
        match transport {
            Outbound::File { dir } => {
                let dir = self.resolve(dir);
                let name = file_name(c, message, d.id);
                write_atomically(&dir, &name, raw)
                    .await
                    .map_err(|e| format!("file drop {}: {e}", dir.display()))
            }
            Outbound::Http { url } => super::cxml_out::post(c, url, raw).await,
            Outbound::Sftp(at) => {
                let name = file_name(c, message, d.id);
                let remote = super::sftp::connect(self, at).await?;
                remote.upload(&at.dir, &name, raw).await
            }
            Outbound::Amqp { queue } => {
                let amqp = self.amqp().ok_or("AMQP_URL is not set")?;
                let headers = [
                    ("edigate-message", message.to_string()),
                    ("edigate-connector", c.id.clone()),
                    ("edigate-document", d.kind.clone()),
                ];
                amqp.publish(queue, raw, &headers).await
            }
            Outbound::Webhook { url, secret_env } => {
                let secret = std::env::var(secret_env)
                    .map_err(|_| format!("the webhook secret variable {secret_env} is not set"))?;
                let payload: serde_json::Value =
                    serde_json::from_str(&d.payload).unwrap_or_default();
                let event = serde_json::json!({
                    "event": d.kind,
                    "order": d.order_number,
                    "connector": c.id,
                    "message": message,
                    "document": payload.get("document"),
                });
                super::webhook::post(url, &secret, &event).await
            }
        }
    }

    /// Schedules the next attempt, or dead-letters the delivery after the
    /// connector's last one.
    pub(crate) async fn failed(&self, d: &Delivery, why: &str) -> Result<(), sqlx::Error> {
        let policy = self
            .connectors()
            .get(&d.connector)
            .map(|c| c.retry.clone())
            .unwrap_or_default();
        let attempts = d.attempts + 1;
        let dead = attempts >= i64::from(policy.attempts);
        let wait_ms = policy
            .backoff_ms
            .saturating_mul(1u64 << (attempts - 1).clamp(0, 20));
        let next_at =
            now_micros() + i64::try_from(wait_ms.saturating_mul(1000)).unwrap_or(i64::MAX / 2);
        tracing::warn!(delivery = d.id, connector = %d.connector, attempts, dead, error = why, "delivery failed");
        sqlx::query(
            "UPDATE deliveries SET attempts = $1, next_at = $2, last_error = $3, state = $4 WHERE id = $5",
        )
        .bind(attempts)
        .bind(next_at)
        .bind(why)
        .bind(if dead { "dead" } else { "pending" })
        .bind(d.id)
        .execute(self.store().writer())
        .await?;
        if let Some(message) = d.message_id {
            let status = if dead {
                Status::Failed
            } else {
                Status::Pending
            };
            self.journal()
                .set_status(message, status, &[format!("attempt {attempts}: {why}")])
                .await?;
        }
        if dead {
            self.metrics().message(&d.connector, "-", "out", "failed");
        }
        Ok(())
    }
}

/// The order as the supplier gets it: our order number as its PO number,
/// our SKUs as its part numbers.
pub fn supplier_order(view: &OrderView) -> Order {
    let currency = view.total.currency.clone();
    Order {
        id: view.number.clone(),
        issue_date: Some(chrono::Utc::now().date_naive()),
        currency: Some(currency.clone()),
        buyer: Party {
            ids: vec![PartyId {
                scheme: IdScheme::BuyerAssigned,
                value: view.company.clone(),
            }],
            name: Some(view.company.clone()),
            ..Party::default()
        },
        procurement: view.procurement.clone(),
        lines: view
            .lines
            .iter()
            .filter(|l| l.status != "cancelled" && l.status != "rejected")
            .map(|l| OrderLine {
                price: Some(Price {
                    amount: Amount {
                        value: l.unit_price,
                        currency: currency.clone(),
                    },
                    base_quantity: None,
                }),
                item: ItemIdentity {
                    seller_id: Some(l.sku.clone()),
                    ..ItemIdentity::default()
                },
                ..OrderLine::for_sku(
                    &l.line,
                    &l.sku,
                    Quantity {
                        value: l.quantity,
                        unit: l.unit.clone(),
                    },
                )
            })
            .collect(),
        ..Order::default()
    }
}

/// A supplier's document as the buyer gets it: naming the buyer's PO
/// number where the supplier named ours.
fn for_buyer(document: Document, number: &str, po_number: &str) -> Document {
    match document {
        Document::OrderResponse(mut r) => {
            r.order_id = po_number.to_string();
            r.id.get_or_insert_with(|| number.to_string());
            Document::OrderResponse(r)
        }
        Document::DespatchAdvice(mut a) => {
            for order in a.orders.iter_mut().filter(|o| o.order_id == number) {
                order.order_id = po_number.to_string();
            }
            Document::DespatchAdvice(a)
        }
        other => other,
    }
}

/// A delivered message's file name (file drop, SFTP): a retry of a
/// delivery overwrites its own file; a resend is a new one.
fn file_name(c: &Connector, message: i64, delivery: i64) -> String {
    let extension = match c.outbound_syntax() {
        Some(Syntax::X12) => "x12",
        Some(Syntax::Edifact) => "edi",
        _ => "xml",
    };
    format!("{}-{message:010}-{delivery:010}.{extension}", c.id)
}

fn syntax_name(c: &Connector) -> &'static str {
    match c.outbound_syntax() {
        Some(Syntax::X12) => "x12",
        Some(Syntax::Edifact) => "edifact",
        Some(Syntax::Cxml) => "cxml",
        None => "-",
    }
}

/// Writes a file under a temporary name and renames it, so a partner
/// polling the directory never picks up half a message.
async fn write_atomically(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, name, bytes) = (dir.to_path_buf(), name.to_string(), bytes.to_vec());
    // One trip to the blocking pool for the three calls.
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        let temporary = dir.join(format!(".{name}.part"));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, dir.join(name))
    })
    .await
    .map_err(std::io::Error::other)?
}
