//! The bus when RabbitMQ is configured: the relay publishes each due
//! delivery's id to the bus queue and marks it queued; every node's
//! consumer takes ids off the queue and delivers them. The deliveries
//! table stays the outbox and the record: a consumer only acts on a
//! delivery still queued, so a redelivered bus message does nothing
//! twice, and a delivery queued too long (its bus message lost with a
//! broker reset) is put back to pending and published again.

use super::Gateway;
use crate::store::now_micros;
use std::time::Duration;

/// How long a delivery may sit queued before the relay publishes it again.
const REQUEUE_AFTER: Duration = Duration::from_secs(300);

impl Gateway {
    /// Marks one due delivery queued and publishes its id to the bus queue;
    /// marked first, so a consumer that gets the id at once finds it queued,
    /// and put back to pending when the broker does not take it.
    pub(crate) async fn enqueue(&self, d: &super::outbound::Delivery) -> Result<(), String> {
        let amqp = self.amqp().ok_or("no bus")?;
        self.set_queued(d.id, true)
            .await
            .map_err(|e| e.to_string())?;
        let body = serde_json::json!({ "delivery": d.id }).to_string();
        let published = amqp
            .publish(&self.settings().bus_queue, body.as_bytes(), &[])
            .await;
        if published.is_err() {
            self.set_queued(d.id, false)
                .await
                .map_err(|e| e.to_string())?;
        }
        published
    }

    async fn set_queued(&self, id: i64, queued: bool) -> Result<(), sqlx::Error> {
        let (to, from) = if queued {
            ("queued", "pending")
        } else {
            ("pending", "queued")
        };
        let mut tx = self.store().begin().await?;
        sqlx::query(
            "UPDATE deliveries SET state = $1, queued_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(to)
        .bind(now_micros())
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Puts deliveries queued too long back to pending.
    pub(crate) async fn requeue_stale(&self) -> Result<u64, sqlx::Error> {
        let before = now_micros() - REQUEUE_AFTER.as_micros() as i64;
        let mut tx = self.store().begin().await?;
        let done = sqlx::query(
            "UPDATE deliveries SET state = 'pending' WHERE state = 'queued' AND queued_at < $1",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Consumes the bus queue until `stop` says so.
    pub async fn run_bus(&self, stop: tokio::sync::watch::Receiver<bool>) {
        let Some(amqp) = self.amqp() else { return };
        let queue = self.settings().bus_queue.clone();
        amqp.consume(&queue, 8, stop, |message| async move {
            let id = serde_json::from_slice::<serde_json::Value>(&message.body)
                .ok()
                .and_then(|v| v["delivery"].as_i64());
            let Some(id) = id else {
                tracing::warn!("a bus message without a delivery id; dropped");
                let _ = message.ack().await;
                return;
            };
            match self.queued(id).await {
                Ok(Some(d)) => {
                    if let Err(why) = self.deliver(&d).await {
                        if let Err(e) = self.failed(&d, &why).await {
                            tracing::error!(delivery = id, error = %e, "cannot record a failed delivery");
                            let _ = message.requeue().await;
                            return;
                        }
                    }
                    let _ = message.ack().await;
                }
                Ok(None) => {
                    let _ = message.ack().await;
                }
                Err(e) => {
                    tracing::error!(delivery = id, error = %e, "store unavailable; the bus message goes back");
                    let _ = message.requeue().await;
                }
            }
        })
        .await;
    }

    /// Consumes each connector's inbound AMQP queue until `stop` says so.
    pub async fn run_amqp_inbound(&self, stop: tokio::sync::watch::Receiver<bool>) {
        let Some(amqp) = self.amqp() else { return };
        let mut consumers = Vec::new();
        for c in self.connectors().all() {
            for inbound in &c.inbound {
                if let crate::connector::Inbound::Amqp { queue, prefetch } = inbound {
                    let (gateway, connector, queue, prefetch, stop) = (
                        self.clone(),
                        c.clone(),
                        queue.clone(),
                        *prefetch,
                        stop.clone(),
                    );
                    consumers.push(tokio::spawn(async move {
                        gateway
                            .consume_inbound(&connector, &queue, prefetch, stop)
                            .await
                    }));
                }
            }
        }
        let _ = amqp;
        for c in consumers {
            let _ = c.await;
        }
    }

    async fn consume_inbound(
        &self,
        connector: &crate::connector::Connector,
        queue: &str,
        prefetch: u16,
        stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let Some(amqp) = self.amqp() else { return };
        amqp.consume(queue, prefetch, stop, |message| async move {
            let syntax = match crate::detect::detect(&message.body[..message.body.len().min(128)]) {
                crate::detect::Format::Edifact => super::inbound::EdiSyntax::Edifact,
                _ => super::inbound::EdiSyntax::X12,
            };
            let reply = match message.reply_to {
                Some(_) => super::inbound::Reply::InAnswer,
                None => super::inbound::Reply::Queued,
            };
            let answer = self.receive_edi(connector, syntax, message.body.clone(), reply).await;
            if answer.message.is_none() {
                // Not journalled (the store is down): let the broker keep it.
                let _ = message.requeue().await;
                return;
            }
            if let (Some(reply_to), false) = (&message.reply_to, answer.body.is_empty()) {
                if answer.status < 300 {
                    if let Err(e) = amqp.reply(reply_to, &answer.body).await {
                        tracing::warn!(queue = %reply_to, error = %e, "the acknowledgment was not published");
                    }
                }
            }
            let _ = message.ack().await;
        })
        .await;
    }
}

/// Interval of the stale-queued sweep, for the relay.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_secs(60);
