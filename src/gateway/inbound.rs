//! What every EDI interchange goes through, whatever its syntax: its
//! envelope peeked for the sender and control number, journalled (a
//! repeat recognised and answered with the first answer), the sender
//! checked against the connector, then processed on a task of its own;
//! and, once the syntax module has validated, acknowledged and mapped it,
//! each accepted message's document applied to the core under its own key.

use super::apply::Via;
use super::journal::{Direction, Entered, NewMessage, Outcome, Status};
use super::Gateway;
use crate::connector::Connector;
use crate::translate::{TranslateError, Translated};
use tracing::Instrument;

/// An EDI syntax the gateway receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdiSyntax {
    /// ANSI X12.
    X12,
    /// UN/EDIFACT.
    Edifact,
}

impl EdiSyntax {
    /// As journalled.
    pub fn name(self) -> &'static str {
        match self {
            EdiSyntax::X12 => "x12",
            EdiSyntax::Edifact => "edifact",
        }
    }

    fn peek(self, raw: &[u8]) -> Result<Peek, String> {
        match self {
            EdiSyntax::X12 => super::x12::peek(raw),
            EdiSyntax::Edifact => super::edifact::peek(raw),
        }
    }

    /// The identity the connector gives for this syntax.
    fn expected_sender(self, connector: &Connector) -> Option<String> {
        match self {
            EdiSyntax::X12 => connector
                .x12
                .as_ref()
                .map(|x| format!("{}:{}", x.qualifier, x.id)),
            EdiSyntax::Edifact => connector.edifact.as_ref().map(|e| e.id.clone()),
        }
    }
}

/// Where a message's acknowledgment (997/999/TA1, CONTRL) goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Back in the answer to the sender (the HTTP response, an AMQP
    /// `reply_to`).
    InAnswer,
    /// Through the connector's outbound transports, like any message to
    /// it (for file drops, SFTP, queues without `reply_to`, and messages
    /// finished after a restart).
    Queued,
}

/// Whether a journalled message is processed for the first time, or again
/// (after a restart, or on request): only a message processed again can
/// have an answer journalled already, so only then is one looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// Straight after it was journalled.
    First,
    /// From the journal.
    Again,
}

/// What the sender is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body's media type.
    pub content_type: &'static str,
    /// The body: the acknowledgment, or a plain-text error.
    pub body: Vec<u8>,
    /// The journal entry of what was received.
    pub message: Option<i64>,
    /// The first message, when this was a repeat.
    pub duplicate_of: Option<i64>,
    /// Orders created or moved.
    pub orders: Vec<String>,
    /// Where the message stands.
    pub outcome: Status,
}

impl Answer {
    pub(crate) fn refused(status: u16, message: Option<i64>, text: String) -> Answer {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.into_bytes(),
            message,
            duplicate_of: None,
            orders: Vec::new(),
            outcome: Status::Invalid,
        }
    }
}

/// The interchange header's identities, read before anything else so the
/// journal can tell a repeat.
pub(crate) struct Peek {
    pub sender: String,
    pub receiver: String,
    pub control_number: String,
}

/// Where triage left an interchange.
pub(crate) enum Triage {
    /// Messages remain to map; what is known so far.
    Map(Outcome),
    /// Nothing to map: processing is over.
    Done(Processed),
}

/// What processing one journalled interchange gave.
pub(crate) struct Processed {
    pub ack: Option<Vec<u8>>,
    pub orders: Vec<String>,
    pub status: Status,
}

impl Gateway {
    /// Receives an X12 or EDIFACT interchange from a connector.
    pub async fn receive_edi(
        &self,
        connector: &Connector,
        syntax: EdiSyntax,
        raw: Vec<u8>,
        reply: Reply,
    ) -> Answer {
        let started = std::time::Instant::now();
        let trace = self.new_trace();
        let span = tracing::info_span!("edi", trace = %trace, connector = %connector.id, syntax = syntax.name());
        let answer = self
            .receive_traced(connector, syntax, raw, trace, reply)
            .instrument(span)
            .await;
        self.metrics().answered(syntax.name(), started);
        self.metrics()
            .message(&connector.id, syntax.name(), "in", answer.outcome.as_str());
        answer
    }

    async fn receive_traced(
        &self,
        connector: &Connector,
        syntax: EdiSyntax,
        raw: Vec<u8>,
        trace: String,
        reply: Reply,
    ) -> Answer {
        let peeked = syntax.peek(&raw);
        let (sender, receiver, control) = match &peeked {
            Ok(p) => (
                Some(p.sender.clone()),
                Some(p.receiver.clone()),
                Some(p.control_number.clone()),
            ),
            Err(_) => (None, None, None),
        };
        let entered = self
            .journal()
            .enter(
                Direction::In,
                &NewMessage {
                    connector: &connector.id,
                    format: syntax.name(),
                    sender,
                    receiver,
                    control_number: control,
                    trace,
                    raw: &raw,
                    ..NewMessage::default()
                },
            )
            .await;
        let id = match entered {
            Ok(Entered::New(id)) => id,
            Ok(Entered::Duplicate { id, original }) => return self.repeat(id, original).await,
            Err(e) => {
                tracing::error!(error = %e, "the journal refused a message");
                return Answer::refused(
                    503,
                    None,
                    format!("not received: the journal failed: {e}"),
                );
            }
        };
        tracing::info!(journal = id, "received");
        let checked = peeked.and_then(|p| match syntax.expected_sender(connector) {
            Some(expected) if expected == p.sender => Ok(()),
            Some(expected) => Err(format!(
                "the interchange is from {}, but connector {} is {expected}",
                p.sender, connector.id
            )),
            None => Err(format!(
                "connector {} does not speak {}",
                connector.id,
                syntax.name()
            )),
        });
        if let Err(why) = checked {
            self.metrics().error(syntax.name());
            let _ = self
                .journal()
                .set_status(id, Status::Invalid, std::slice::from_ref(&why))
                .await;
            return Answer::refused(400, Some(id), why);
        }
        // The work runs on its own task: a sender hanging up does not cut
        // it short half way (and a crash is picked up by `resume`).
        let gateway = self.clone();
        let c = connector.clone();
        let work = tokio::spawn(
            async move {
                gateway
                    .process_edi(&c, syntax, id, &raw, reply, Run::First)
                    .await
            }
            .instrument(tracing::Span::current()),
        );
        match work.await {
            Ok(Ok(p)) => Answer {
                status: 200,
                content_type: content_type_of(syntax.name()),
                body: p.ack.unwrap_or_default(),
                message: Some(id),
                duplicate_of: None,
                orders: p.orders,
                outcome: p.status,
            },
            Ok(Err(e)) => {
                tracing::error!(error = %e, journal = id, "processing failed; will resume");
                Answer::refused(
                    503,
                    Some(id),
                    format!("received as message {id}, not yet processed: {e}"),
                )
            }
            Err(e) => Answer::refused(500, Some(id), format!("received as message {id}: {e}")),
        }
    }

    /// Processes a journalled interchange in its syntax.
    pub(crate) async fn process_edi(
        &self,
        connector: &Connector,
        syntax: EdiSyntax,
        id: i64,
        raw: &[u8],
        reply: Reply,
        run: Run,
    ) -> Result<Processed, sqlx::Error> {
        match syntax {
            EdiSyntax::X12 => self.process_x12(connector, id, raw, reply, run).await,
            EdiSyntax::Edifact => self.process_edifact(connector, id, raw, reply, run).await,
        }
    }

    /// What does not depend on the syntax once an interchange is
    /// validated: the document types recorded, partners' acknowledgments
    /// of our messages (997/999, CONTRL) taken out of what is mapped and
    /// recorded, and an interchange with nothing left to map concluded.
    /// `types` and `accepted` hold each message in file order.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn triage(
        &self,
        connector: &Connector,
        syntax: EdiSyntax,
        id: i64,
        raw: &[u8],
        types: &[String],
        accepted: &mut [bool],
        issues: Vec<String>,
        ack: &Option<Vec<u8>>,
    ) -> Result<Triage, sqlx::Error> {
        let mut kinds: Vec<&str> = types.iter().map(String::as_str).collect();
        kinds.dedup();
        let mut outcome = Outcome::status(Status::Valid, issues);
        outcome.document = (!kinds.is_empty()).then(|| kinds.join(","));
        let is_receipt = |t: &str| match syntax {
            EdiSyntax::X12 => t == "997" || t == "999",
            EdiSyntax::Edifact => t == "CONTRL",
        };
        if types.iter().any(|t| is_receipt(t)) {
            let receipts = match syntax {
                EdiSyntax::X12 => super::receipts::x12_receipts(raw),
                EdiSyntax::Edifact => super::receipts::edifact_receipts(raw),
            };
            self.record_receipts(connector, syntax.name(), &receipts)
                .await?;
            for (flag, t) in accepted.iter_mut().zip(types) {
                *flag &= !is_receipt(t);
            }
            if types.iter().all(|t| is_receipt(t)) {
                outcome.status = Status::Applied;
                self.journal().conclude(id, &outcome).await?;
                return Ok(Triage::Done(Processed {
                    ack: ack.clone(),
                    orders: Vec::new(),
                    status: Status::Applied,
                }));
            }
        }
        if !accepted.iter().any(|a| *a) {
            outcome.status = Status::Invalid;
            self.journal().conclude(id, &outcome).await?;
            self.metrics().error(syntax.name());
            return Ok(Triage::Done(Processed {
                ack: ack.clone(),
                orders: Vec::new(),
                status: Status::Invalid,
            }));
        }
        Ok(Triage::Map(outcome))
    }

    /// A repeat is answered with what the first got, and changes nothing.
    pub(crate) async fn repeat(&self, id: i64, original: i64) -> Answer {
        tracing::info!(journal = id, original, "duplicate interchange");
        let first = self.journal().answer_to(original).await.ok().flatten();
        let body = match &first {
            Some(ack) => self
                .journal()
                .raw(ack.id)
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let orders = self
            .journal()
            .get(original)
            .await
            .ok()
            .flatten()
            .map(|e| e.orders)
            .unwrap_or_default();
        Answer {
            status: 200,
            content_type: first
                .as_ref()
                .map_or("text/plain; charset=utf-8", |a| content_type_of(&a.format)),
            body,
            message: Some(id),
            duplicate_of: Some(original),
            orders,
            outcome: Status::Duplicate,
        }
    }

    /// Applies the mapped messages of an interchange that validation
    /// accepted (`accepted[n]` for the n-th message in file order), each
    /// under `{key}:{n}`; then records, in one go, what validation found
    /// (`outcome`), the PO number, the orders and the final status.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_translated(
        &self,
        connector: &Connector,
        id: i64,
        translated: Vec<Result<Translated, TranslateError>>,
        accepted: &[bool],
        key: &str,
        source: &str,
        mut outcome: Outcome,
    ) -> Result<(Vec<String>, Status), sqlx::Error> {
        let mut errors = Vec::new();
        let mut orders = Vec::new();
        let mapped = translated.len();
        let aligned = mapped == accepted.len();
        for (n, result) in translated.into_iter().enumerate() {
            if !aligned || !accepted[n] {
                continue;
            }
            let document = match result {
                Ok(t) => t.document,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            let key = format!("{key}:{n}");
            match self
                .apply(connector, &document, &key, source, Via::Edi)
                .await
            {
                Ok(applied) => {
                    outcome.po_number = outcome.po_number.or(applied.po_number);
                    for order in applied.orders {
                        self.forward_to_buyer(&key, &order, &document).await?;
                        orders.push(order);
                    }
                }
                Err(e) => errors.push(format!("message {}: {e}", n + 1)),
            }
        }
        if !aligned {
            errors.push(format!(
                "{mapped} messages were mapped but {} validated: nothing applied",
                accepted.len()
            ));
        }
        let status = if errors.is_empty() {
            Status::Applied
        } else {
            Status::Failed
        };
        if status == Status::Failed {
            tracing::warn!(journal = id, ?errors, "not applied");
        } else {
            tracing::info!(journal = id, ?orders, "applied");
        }
        outcome.status = status;
        outcome.errors.extend(errors);
        outcome.orders = orders.clone();
        self.journal().conclude(id, &outcome).await?;
        self.wake_outbound();
        Ok((orders, status))
    }

    /// Journals an acknowledgment we made as the answer to `id`: delivered
    /// with the answer itself, or queued for the connector's outbound
    /// transports.
    pub(crate) async fn journal_ack(
        &self,
        connector: &Connector,
        syntax: EdiSyntax,
        id: i64,
        document: &str,
        bytes: &[u8],
        reply: Reply,
    ) -> Result<(), sqlx::Error> {
        let status = match reply {
            Reply::InAnswer => Status::Delivered,
            Reply::Queued => Status::Pending,
        };
        let head = syntax.peek(bytes).ok();
        let entered = self
            .journal()
            .enter(
                Direction::Out,
                &NewMessage {
                    connector: &connector.id,
                    format: syntax.name(),
                    document: Some(document.into()),
                    sender: head.as_ref().map(|h| h.sender.clone()),
                    receiver: head.as_ref().map(|h| h.receiver.clone()),
                    control_number: head.map(|h| h.control_number),
                    answers: Some(id),
                    trace: self.new_trace(),
                    raw: bytes,
                    status: Some(status),
                    ..NewMessage::default()
                },
            )
            .await?;
        let Entered::New(ack) = entered else {
            return Ok(());
        };
        match reply {
            Reply::InAnswer => {
                self.metrics()
                    .message(&connector.id, syntax.name(), "out", "delivered");
                Ok(())
            }
            Reply::Queued => self.queue_message(connector, ack, "ack").await,
        }
    }
}

/// The media type of a journalled format.
pub(crate) fn content_type_of(format: &str) -> &'static str {
    match format {
        "x12" => "application/edi-x12",
        "edifact" => "application/edifact",
        "cxml" => "text/xml; charset=utf-8",
        _ => "application/octet-stream",
    }
}
