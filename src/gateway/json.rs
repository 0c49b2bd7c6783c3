//! Canonical documents posted as JSON by a connector's system (an ERP
//! that speaks edigate's documents instead of EDI): journalled like any
//! message, with the request's Idempotency-Key as its control number so
//! a retried post is a recognised repeat, then applied one by one.

use super::apply::Via;
use super::inbound::Answer;
use super::journal::{Direction, Entered, NewMessage, Outcome, Status};
use super::Gateway;
use crate::connector::Connector;
use crate::document::Document;

/// One document or a list of them.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Posted {
    One(Box<Document>),
    Many(Vec<Document>),
}

impl Gateway {
    /// Receives canonical JSON from a connector.
    pub async fn receive_json(
        &self,
        connector: &Connector,
        key: Option<&str>,
        raw: Vec<u8>,
    ) -> Answer {
        let entered = self
            .journal()
            .enter(
                Direction::In,
                &NewMessage {
                    connector: &connector.id,
                    format: "json",
                    sender: Some(connector.id.clone()),
                    control_number: key.map(str::to_string),
                    trace: self.new_trace(),
                    raw: &raw,
                    ..NewMessage::default()
                },
            )
            .await;
        let id = match entered {
            Ok(Entered::New(id)) => id,
            Ok(Entered::Duplicate { id, original }) => {
                let mut answer = self.repeat(id, original).await;
                answer.content_type = "application/json";
                return answer;
            }
            Err(e) => {
                return Answer::refused(503, None, format!("not received: the journal failed: {e}"))
            }
        };
        match self.process_json(connector, id, &raw).await {
            Ok(answer) => answer,
            Err(e) => Answer::refused(
                503,
                Some(id),
                format!("received as message {id}, not yet processed: {e}"),
            ),
        }
    }

    /// Applies a journalled JSON message; safe to run again (keyed).
    pub(crate) async fn process_json(
        &self,
        connector: &Connector,
        id: i64,
        raw: &[u8],
    ) -> Result<Answer, sqlx::Error> {
        let documents = match serde_json::from_slice::<Posted>(raw) {
            Ok(Posted::One(d)) => vec![*d],
            Ok(Posted::Many(ds)) => ds,
            Err(e) => {
                let why = format!("not a canonical document: {e}");
                self.journal()
                    .conclude(id, &Outcome::status(Status::Invalid, vec![why.clone()]))
                    .await?;
                return Ok(Answer::refused(422, Some(id), why));
            }
        };
        let source = format!("REST JSON (message {id})");
        let mut outcome = Outcome::status(Status::Applied, vec![]);
        for (n, document) in documents.iter().enumerate() {
            let key = format!("json:{}:{id}:{n}", connector.id);
            match self
                .apply(connector, document, &key, &source, Via::Api)
                .await
            {
                Ok(applied) => {
                    outcome.po_number = outcome.po_number.or(applied.po_number);
                    for order in applied.orders {
                        self.forward_to_buyer(&key, &order, document).await?;
                        outcome.orders.push(order);
                    }
                }
                Err(e) => outcome.errors.push(format!("document {}: {e}", n + 1)),
            }
        }
        if !outcome.errors.is_empty() {
            outcome.status = Status::Failed;
        }
        self.journal().conclude(id, &outcome).await?;
        self.wake_outbound();
        let body = serde_json::json!({
            "message": id, "status": outcome.status, "orders": outcome.orders, "errors": outcome.errors,
        });
        Ok(Answer {
            status: if outcome.errors.is_empty() { 200 } else { 422 },
            content_type: "application/json",
            body: body.to_string().into_bytes(),
            message: Some(id),
            duplicate_of: None,
            orders: outcome.orders,
            outcome: outcome.status,
        })
    }
}
