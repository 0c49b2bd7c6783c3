//! An X12 interchange from a partner: journalled first, then validated,
//! acknowledged (997, 999, TA1 per the connector), mapped set by set, and
//! each accepted set's document applied to the core. The answer carries
//! the acknowledgment, so a partner posting over HTTP gets it at once.

use super::apply::Via;
use super::journal::{Direction, Entered, NewMessage, Status};
use super::Gateway;
use crate::connector::{Connector, FunctionalAck, Ta1Policy};
use crate::edi::guide::Catalog;
use crate::edi::x12::ack::{acknowledge, AckKind, Stamp};
use crate::edi::x12::reader::SegmentReader;
use crate::edi::x12::report::ValidationReport;
use crate::edi::x12::validate::Validator;
use crate::edi::x12::writer::{ControlNumbers, SequentialCounter, Writer};
use tracing::Instrument;

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
struct Peek {
    sender: String,
    receiver: String,
    control_number: String,
}

fn peek(raw: &[u8]) -> Result<Peek, String> {
    let mut reader = SegmentReader::new(raw);
    let isa = reader
        .next_segment()
        .map_err(|e| e.to_string())?
        .ok_or("the message is empty")?;
    if isa.tag() != b"ISA" {
        return Err("an X12 interchange starts with ISA".into());
    }
    let id = |q: usize, i: usize| format!("{}:{}", isa.text(q).trim(), isa.text(i).trim());
    Ok(Peek {
        sender: id(5, 6),
        receiver: id(7, 8),
        control_number: isa.text(13).trim().to_string(),
    })
}

/// What processing one journalled interchange gave.
pub(crate) struct Processed {
    ack: Option<Vec<u8>>,
    orders: Vec<String>,
    status: Status,
}

impl Gateway {
    /// Receives an X12 interchange from a connector.
    pub async fn receive_x12(&self, connector: &Connector, raw: Vec<u8>) -> Answer {
        let started = std::time::Instant::now();
        let trace = self.new_trace();
        let span = tracing::info_span!("x12", trace = %trace, connector = %connector.id);
        let answer = self
            .receive_x12_traced(connector, raw, trace)
            .instrument(span)
            .await;
        self.metrics().answered("x12", started);
        self.metrics()
            .message(&connector.id, "x12", "in", answer.outcome.as_str());
        answer
    }

    async fn receive_x12_traced(
        &self,
        connector: &Connector,
        raw: Vec<u8>,
        trace: String,
    ) -> Answer {
        let peeked = peek(&raw);
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
                    format: "x12",
                    sender: sender.clone(),
                    receiver,
                    control_number: control,
                    trace: trace.clone(),
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
        if let Err(why) = peeked.and_then(|p| self.check_sender(connector, &p.sender)) {
            self.metrics().error("x12");
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
            async move { gateway.process_x12(&c, id, &raw).await }
                .instrument(tracing::Span::current()),
        );
        match work.await {
            Ok(Ok(p)) => Answer {
                status: 200,
                content_type: "application/edi-x12",
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

    fn check_sender(&self, connector: &Connector, sender: &str) -> Result<(), String> {
        let Some(x12) = &connector.x12 else {
            return Err(format!("connector {} does not speak X12", connector.id));
        };
        let expected = format!("{}:{}", x12.qualifier, x12.id);
        if sender == expected {
            Ok(())
        } else {
            Err(format!(
                "the interchange is from {sender}, but connector {} is {expected}",
                connector.id
            ))
        }
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

    /// Validates, acknowledges, maps and applies a journalled interchange.
    /// Safe to run again on the same message: the acknowledgment already
    /// journalled is reused and the core commands are keyed.
    pub(crate) async fn process_x12(
        &self,
        connector: &Connector,
        id: i64,
        raw: &[u8],
    ) -> Result<Processed, sqlx::Error> {
        let catalog = Catalog::x12().map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let report = Validator::new(catalog).validate(raw);
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        let ack = self.x12_ack(connector, id, &report).await?;
        let mut kinds: Vec<&str> = report
            .interchanges
            .iter()
            .flat_map(|i| {
                i.groups
                    .iter()
                    .flat_map(|g| g.sets.iter().map(|s| s.id.as_str()))
            })
            .collect();
        kinds.dedup();
        if !kinds.is_empty() {
            self.journal().set_document(id, &kinds.join(",")).await?;
        }
        let header = report.interchanges.first().map(|i| &i.header);
        let Some(header) = header.filter(|_| report.interchanges.iter().any(|i| i.envelope_ok()))
        else {
            self.journal()
                .set_status(id, Status::Invalid, &issues)
                .await?;
            self.metrics().error("x12");
            return Ok(Processed {
                ack,
                orders: Vec::new(),
                status: Status::Invalid,
            });
        };
        let accepted = accepted_sets(&report);
        if !accepted.iter().any(|a| *a) {
            self.journal()
                .set_status(id, Status::Invalid, &issues)
                .await?;
            self.metrics().error("x12");
            return Ok(Processed {
                ack,
                orders: Vec::new(),
                status: Status::Invalid,
            });
        }
        self.journal()
            .set_status(id, Status::Valid, &issues)
            .await?;
        let mappings = self.mappings_for(connector);
        let mut translated = Vec::new();
        let read = crate::translate::each_x12(raw, &mappings, |t| translated.push(t));
        let base_key = format!(
            "x12:{}:{}:{}",
            header.sender_qualifier.trim(),
            header.sender_id.trim(),
            header.control_number.trim()
        );
        let source = format!(
            "X12 interchange {} (message {id})",
            header.control_number.trim()
        );
        let mut errors = Vec::new();
        let mut orders = Vec::new();
        if let Err(e) = read {
            errors.push(e.to_string());
        }
        let aligned = translated.len() == accepted.len();
        for (n, result) in translated.into_iter().enumerate() {
            if !(aligned && accepted[n] || report.is_valid()) {
                continue;
            }
            let document = match result {
                Ok(t) => t.document,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            let key = format!("{base_key}:{n}");
            match self
                .apply(connector, &document, &key, &source, Via::Edi)
                .await
            {
                Ok(applied) => {
                    if let Some(po) = &applied.po_number {
                        self.journal().set_po_number(id, po).await?;
                    }
                    for order in applied.orders {
                        self.journal().link(id, &order).await?;
                        orders.push(order);
                    }
                }
                Err(e) => errors.push(format!("set {}: {e}", n + 1)),
            }
        }
        let status = if errors.is_empty() {
            Status::Applied
        } else {
            Status::Failed
        };
        if status == Status::Failed {
            self.metrics().error("x12");
            tracing::warn!(journal = id, ?errors, "not applied");
        } else {
            tracing::info!(journal = id, ?orders, "applied");
        }
        self.journal().set_status(id, status, &errors).await?;
        self.wake_outbound();
        Ok(Processed {
            ack,
            orders,
            status,
        })
    }

    /// The acknowledgment of a journalled interchange: the one journalled
    /// before, if processing runs again, else a new one, journalled as
    /// answering it.
    async fn x12_ack(
        &self,
        connector: &Connector,
        id: i64,
        report: &ValidationReport,
    ) -> Result<Option<Vec<u8>>, sqlx::Error> {
        if let Some(done) = self.journal().answer_to(id).await? {
            return self.journal().raw(done.id).await;
        }
        let policy = connector.x12.as_ref();
        let kind = match policy.map(|p| p.ack).unwrap_or_default() {
            FunctionalAck::Auto => None,
            FunctionalAck::Ack997 => Some(AckKind::Functional997),
            FunctionalAck::Ack999 => Some(AckKind::Implementation999),
            FunctionalAck::None => Some(AckKind::Interchange),
        };
        let Ok(mut acks) = acknowledge(report, kind, &Stamp::now()) else {
            return Ok(None);
        };
        if policy.is_some_and(|p| p.ta1 == Ta1Policy::Never) {
            for ((ack, _), inbound) in acks.iter_mut().zip(&report.interchanges) {
                if inbound.envelope_ok() && !ack.groups.is_empty() {
                    ack.service_segments.clear();
                }
            }
        }
        let mut bytes = Vec::new();
        for (interchange, delimiters) in &acks {
            if interchange.groups.is_empty() && interchange.service_segments.is_empty() {
                continue;
            }
            let first = self.next_control_number(&connector.id, "isa").await?;
            let mut counter = SequentialCounter::starting_at(first);
            Writer::new(*delimiters)
                .write(
                    interchange,
                    &mut ControlNumbers::Generate(&mut counter),
                    &mut bytes,
                )
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let head = peek(&bytes).ok();
        let document = if bytes.windows(7).any(|w| w == b"ST*999*") {
            "999"
        } else if bytes.windows(7).any(|w| w == b"ST*997*") {
            "997"
        } else {
            "TA1"
        };
        let entered = self
            .journal()
            .enter(
                Direction::Out,
                &NewMessage {
                    connector: &connector.id,
                    format: "x12",
                    document: Some(document.into()),
                    sender: head.as_ref().map(|h| h.sender.clone()),
                    receiver: head.as_ref().map(|h| h.receiver.clone()),
                    control_number: head.map(|h| h.control_number),
                    answers: Some(id),
                    trace: self.new_trace(),
                    raw: &bytes,
                    ..NewMessage::default()
                },
            )
            .await?;
        if let Entered::New(ack_id) = entered {
            self.journal()
                .set_status(ack_id, Status::Delivered, &[])
                .await?;
            self.metrics()
                .message(&connector.id, "x12", "out", "delivered");
        }
        Ok(Some(bytes))
    }
}

/// Whether each set, in file order, was accepted (its interchange and
/// group envelopes sound, the set without errors).
fn accepted_sets(report: &ValidationReport) -> Vec<bool> {
    report
        .interchanges
        .iter()
        .flat_map(|i| {
            i.groups.iter().flat_map(move |g| {
                g.sets
                    .iter()
                    .map(move |s| i.envelope_ok() && g.envelope_ok() && s.accepted())
            })
        })
        .collect()
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
