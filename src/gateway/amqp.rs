//! RabbitMQ through lapin: one connection, opened when first needed and
//! opened again after it drops; durable queues, each with a dead-letter
//! queue beside it; persistent messages published with confirms (a publish
//! succeeds only once the broker has the message); consumers with a
//! prefetch window and manual acknowledgments.

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::Mutex;

/// The exchange dead letters go through; each queue's dead letters land in
/// `{queue}.dead`.
pub const DEAD_LETTERS: &str = "edigate.dead";

/// A message taken from a queue.
pub struct Received {
    /// The body.
    pub body: Vec<u8>,
    /// Where the sender wants an answer, if anywhere (`reply_to`).
    pub reply_to: Option<String>,
    delivery: lapin::message::Delivery,
}

impl Received {
    /// Done with: the broker forgets it.
    pub async fn ack(&self) -> Result<(), String> {
        self.delivery
            .ack(BasicAckOptions::default())
            .await
            .map_err(|e| e.to_string())
    }

    /// Not handled: back on the queue for another try.
    pub async fn requeue(&self) -> Result<(), String> {
        self.delivery
            .nack(BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            })
            .await
            .map_err(|e| e.to_string())
    }
}

/// The broker.
pub struct Amqp {
    url: String,
    publisher: Mutex<Option<(Connection, Channel)>>,
    declared: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Amqp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Amqp").finish_non_exhaustive()
    }
}

fn properties() -> ConnectionProperties {
    ConnectionProperties::default()
        .with_executor(tokio_executor_trait::Tokio::current())
        .with_reactor(tokio_reactor_trait::Tokio)
        .with_connection_name("edigate".into())
}

impl Amqp {
    /// The broker at `url` (`amqp://guest:guest@127.0.0.1:5672/%2f`); not
    /// connected until first used.
    pub fn new(url: &str) -> Amqp {
        Amqp {
            url: url.to_string(),
            publisher: Mutex::new(None),
            declared: Mutex::new(HashSet::new()),
        }
    }

    async fn connect(&self) -> Result<Connection, String> {
        let connect = Connection::connect(&self.url, properties());
        match tokio::time::timeout(Duration::from_secs(5), connect).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(format!("RabbitMQ: {e}")),
            Err(_) => Err("RabbitMQ: no answer within 5 s".into()),
        }
    }

    async fn publisher_channel<'a>(
        &self,
        slot: &'a mut Option<(Connection, Channel)>,
    ) -> Result<&'a Channel, String> {
        let alive = slot
            .as_ref()
            .is_some_and(|(c, ch)| c.status().connected() && ch.status().connected());
        if !alive {
            self.declared.lock().await.clear();
            let connection = self.connect().await?;
            let channel = connection
                .create_channel()
                .await
                .map_err(|e| e.to_string())?;
            channel
                .confirm_select(ConfirmSelectOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            *slot = Some((connection, channel));
        }
        Ok(&slot.as_ref().expect("just set").1)
    }

    /// Declares a durable queue whose rejected or expired messages go to
    /// `{queue}.dead` (declared too).
    async fn declare(&self, channel: &Channel, queue: &str) -> Result<(), String> {
        if self.declared.lock().await.contains(queue) {
            return Ok(());
        }
        let e = |e: lapin::Error| format!("RabbitMQ: declaring {queue}: {e}");
        let durable = QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        };
        channel
            .exchange_declare(
                DEAD_LETTERS,
                ExchangeKind::Direct,
                ExchangeDeclareOptions {
                    durable: true,
                    ..ExchangeDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(e)?;
        let dead = format!("{queue}.dead");
        channel
            .queue_declare(&dead, durable, FieldTable::default())
            .await
            .map_err(e)?;
        channel
            .queue_bind(
                &dead,
                DEAD_LETTERS,
                queue,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(e)?;
        let mut arguments = FieldTable::default();
        arguments.insert(
            ShortString::from("x-dead-letter-exchange"),
            AMQPValue::LongString(DEAD_LETTERS.into()),
        );
        channel
            .queue_declare(queue, durable, arguments)
            .await
            .map_err(e)?;
        self.declared.lock().await.insert(queue.to_string());
        Ok(())
    }

    /// Publishes a persistent message to `queue` (declared if need be) and
    /// waits for the broker's confirm.
    pub async fn publish(
        &self,
        queue: &str,
        body: &[u8],
        headers: &[(&str, String)],
    ) -> Result<(), String> {
        self.send(queue, true, body, headers).await
    }

    /// Publishes to a queue the receiver declared itself (a `reply_to`),
    /// as it declared it.
    pub async fn reply(&self, queue: &str, body: &[u8]) -> Result<(), String> {
        self.send(queue, false, body, &[]).await
    }

    async fn send(
        &self,
        queue: &str,
        declare: bool,
        body: &[u8],
        headers: &[(&str, String)],
    ) -> Result<(), String> {
        let mut slot = self.publisher.lock().await;
        let result = self
            .publish_on(&mut slot, queue, declare, body, headers)
            .await;
        if result.is_err() {
            // The next publish starts over on a new connection.
            *slot = None;
        }
        result
    }

    async fn publish_on(
        &self,
        slot: &mut Option<(Connection, Channel)>,
        queue: &str,
        declare: bool,
        body: &[u8],
        headers: &[(&str, String)],
    ) -> Result<(), String> {
        let channel = self.publisher_channel(slot).await?;
        if declare {
            self.declare(channel, queue).await?;
        }
        let mut table = FieldTable::default();
        for (name, value) in headers {
            table.insert(
                ShortString::from(*name),
                AMQPValue::LongString(value.as_str().into()),
            );
        }
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_app_id("edigate".into())
            .with_headers(table);
        let e = |e: lapin::Error| format!("RabbitMQ: publishing to {queue}: {e}");
        let confirm = channel
            .basic_publish("", queue, BasicPublishOptions::default(), body, properties)
            .await
            .map_err(e)?
            .await
            .map_err(e)?;
        if confirm.is_ack() {
            Ok(())
        } else {
            Err(format!("RabbitMQ refused the message for {queue}"))
        }
    }

    /// Consumes `queue` with `prefetch` messages in flight, handing each to
    /// `handle` (which acknowledges it) until `stop` says so. A dropped
    /// connection is opened again after a pause.
    pub async fn consume<F, Fut>(
        &self,
        queue: &str,
        prefetch: u16,
        mut stop: tokio::sync::watch::Receiver<bool>,
        handle: F,
    ) where
        F: Fn(Received) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        loop {
            if *stop.borrow() {
                return;
            }
            match self.consume_once(queue, prefetch, &mut stop, &handle).await {
                Ok(()) => return,
                Err(e) => tracing::warn!(queue, error = %e, "consumer stopped; trying again"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => return,
            }
        }
    }

    async fn consume_once<F, Fut>(
        &self,
        queue: &str,
        prefetch: u16,
        stop: &mut tokio::sync::watch::Receiver<bool>,
        handle: &F,
    ) -> Result<(), String>
    where
        F: Fn(Received) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let connection = self.connect().await?;
        let channel = connection
            .create_channel()
            .await
            .map_err(|e| e.to_string())?;
        self.declared.lock().await.remove(queue);
        self.declare(&channel, queue).await?;
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        let mut consumer = channel
            .basic_consume(
                queue,
                "",
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| e.to_string())?;
        loop {
            tokio::select! {
                next = consumer.next() => match next {
                    Some(Ok(delivery)) => {
                        let reply_to = delivery.properties.reply_to().as_ref().map(|r| r.to_string());
                        let body = delivery.data.clone();
                        handle(Received { body, reply_to, delivery }).await;
                    }
                    Some(Err(e)) => return Err(e.to_string()),
                    None => return Err("the consumer was cancelled".into()),
                },
                _ = stop.changed() => {
                    let _ = connection.close(200, "shutting down").await;
                    return Ok(());
                }
            }
        }
    }
}
