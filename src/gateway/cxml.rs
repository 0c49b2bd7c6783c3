//! A cXML request from a procurement system: the sender's credential and
//! shared secret checked against its connector (in constant time), the
//! document journalled with its payloadID, an OrderRequest placed through
//! the same path as an EDI order, and a cXML Response with the status that
//! fits.

use super::apply::Via;
use super::inbound::{Answer, Run};
use super::journal::{Direction, Entered, NewMessage, Outcome, Status};
use super::Gateway;
use crate::connector::Connector;
use crate::cxml::{self, Body, Credential, DateTimeValue, Envelope, Request, Secret};
use subtle::ConstantTimeEq;
use tracing::Instrument;

const XML: &str = "text/xml; charset=utf-8";

impl Gateway {
    /// Receives a cXML document posted to `/cxml`.
    pub async fn receive_cxml(&self, raw: Vec<u8>) -> Answer {
        let started = std::time::Instant::now();
        let trace = self.new_trace();
        let span = tracing::info_span!("cxml", trace = %trace);
        let (answer, connector) = self.receive_cxml_traced(raw, trace).instrument(span).await;
        self.metrics().answered("cxml", started);
        self.metrics().message(
            connector.as_deref().unwrap_or("-"),
            "cxml",
            "in",
            answer.outcome.as_str(),
        );
        answer
    }

    async fn receive_cxml_traced(&self, raw: Vec<u8>, trace: String) -> (Answer, Option<String>) {
        let read = match cxml::read(&raw) {
            Ok(read) => read,
            Err(e) => {
                self.metrics().error("cxml");
                let id = self
                    .journal_refused("-", None, &raw, &trace, &e.to_string())
                    .await;
                let answer = self.cxml_status(id, e.status_code(), &e.to_string(), "");
                return (answer, None);
            }
        };
        let envelope = read.envelope;
        let payload_id = envelope.payload_id.clone();
        let from = envelope
            .header
            .as_ref()
            .map(|h| h.from.clone())
            .unwrap_or_default();
        let Some(connector) = from
            .iter()
            .find_map(|c| self.connectors().by_cxml(&c.domain, &c.identity))
            .cloned()
        else {
            self.metrics().error("cxml");
            let who = from.first().map(|c| format!("{}:{}", c.domain, c.identity));
            let why = format!(
                "no connector has the From credential {}",
                who.as_deref().unwrap_or("(none)")
            );
            let id = self.journal_refused("-", who, &raw, &trace, &why).await;
            return (self.cxml_status(id, 401, "Unauthorized", &payload_id), None);
        };
        let sender = format!("{}:{}", from[0].domain, from[0].identity);
        if let Err(why) = authenticate(&connector, &envelope) {
            self.metrics().error("cxml");
            tracing::warn!(connector = %connector.id, %why, "cXML credential refused");
            let id = self
                .journal_refused(&connector.id, Some(sender), &raw, &trace, &why)
                .await;
            return (
                self.cxml_status(id, 401, "Unauthorized", &payload_id),
                Some(connector.id),
            );
        }
        let kept = redact_secrets(&raw);
        if let Body::Request {
            request: Request::PunchOutSetup(setup),
            ..
        } = &envelope.body
        {
            let answer = self
                .punchout_setup(&connector, &envelope, setup, &kept, sender, trace)
                .await;
            return (answer, Some(connector.id));
        }
        let entered = self
            .journal()
            .enter(
                Direction::In,
                &NewMessage {
                    connector: &connector.id,
                    format: "cxml",
                    document: Some(envelope.kind()),
                    sender: Some(sender),
                    control_number: Some(payload_id.clone()),
                    trace,
                    raw: &kept,
                    ..NewMessage::default()
                },
            )
            .await;
        let id = match entered {
            Ok(Entered::New(id)) => id,
            Ok(Entered::Duplicate { id, original }) => {
                return (self.repeat(id, original).await, Some(connector.id))
            }
            Err(e) => {
                let answer =
                    self.cxml_status(None, 500, &format!("the journal failed: {e}"), &payload_id);
                return (answer, Some(connector.id));
            }
        };
        let gateway = self.clone();
        let c = connector.clone();
        let work = tokio::spawn(
            async move { gateway.process_cxml(&c, id, &envelope, Run::First).await }
                .instrument(tracing::Span::current()),
        );
        let answer = match work.await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => self.cxml_status(
                Some(id),
                500,
                &format!("not yet processed: {e}"),
                &payload_id,
            ),
            Err(e) => self.cxml_status(Some(id), 500, &e.to_string(), &payload_id),
        };
        (answer, Some(connector.id))
    }

    /// Applies a journalled cXML request and journals its Response.
    pub(crate) async fn process_cxml(
        &self,
        connector: &Connector,
        id: i64,
        envelope: &Envelope,
        run: Run,
    ) -> Result<Answer, sqlx::Error> {
        if run == Run::Again {
            if let Some(done) = self.journal().answer_to(id).await? {
                let body = self.journal().raw(done.id).await?.unwrap_or_default();
                let mut answer = self.cxml_status(Some(id), 200, "OK", &envelope.payload_id);
                answer.body = body;
                return Ok(answer);
            }
        }
        let source = format!("cXML {} (message {id})", envelope.payload_id);
        let key = format!("cxml:{}:{}", connector.id, envelope.payload_id);
        let outcome = match crate::translate::cxml::document(envelope) {
            Some(document) => {
                self.apply(connector, &document, &key, &source, Via::Procurement)
                    .await
            }
            None => Err(format!("a {} is not accepted at /cxml", envelope.kind())),
        };
        let (code, text, mut concluded) = match outcome {
            Ok(applied) => {
                let mut done = Outcome::status(Status::Applied, vec![]);
                done.po_number = applied.po_number;
                done.orders = applied.orders;
                (200, "OK".to_string(), done)
            }
            Err(why) => {
                self.metrics().error("cxml");
                (400, why.clone(), Outcome::status(Status::Failed, vec![why]))
            }
        };
        concluded.document = Some(envelope.kind());
        let mut answer = self.cxml_status(Some(id), code, &text, &envelope.payload_id);
        answer.orders = concluded.orders.clone();
        answer.outcome = concluded.status;
        // The Response is journalled before the request is concluded, so a
        // request resumed after a crash in between finds its answer.
        self.journal()
            .enter(
                Direction::Out,
                &NewMessage {
                    connector: &connector.id,
                    format: "cxml",
                    document: Some("Response".into()),
                    answers: Some(id),
                    trace: self.new_trace(),
                    raw: &answer.body,
                    status: Some(Status::Delivered),
                    ..NewMessage::default()
                },
            )
            .await?;
        self.journal().conclude(id, &concluded).await?;
        self.wake_outbound();
        Ok(answer)
    }

    /// Journals a document that is refused before it is accepted (no
    /// control number, so a later good copy is not taken for a repeat).
    async fn journal_refused(
        &self,
        connector: &str,
        sender: Option<String>,
        raw: &[u8],
        trace: &str,
        why: &str,
    ) -> Option<i64> {
        let kept = redact_secrets(raw);
        let message = NewMessage {
            connector,
            format: "cxml",
            sender,
            trace: trace.to_string(),
            raw: &kept,
            ..NewMessage::default()
        };
        let Ok(Entered::New(id)) = self.journal().enter(Direction::In, &message).await else {
            return None;
        };
        let _ = self
            .journal()
            .set_status(id, Status::Invalid, &[why.to_string()])
            .await;
        Some(id)
    }

    /// A cXML Response with `code`.
    pub(super) fn cxml_status(
        &self,
        message: Option<i64>,
        code: u16,
        text: &str,
        in_reply_to: &str,
    ) -> Answer {
        let status = cxml::Status::new(code, text);
        let payload = format!(
            "{}.{}@edigate",
            crate::store::now_micros(),
            self.new_trace()
        );
        let _ = in_reply_to;
        let now = chrono::Utc::now().fixed_offset();
        let envelope = cxml::response(status, None, payload, DateTimeValue::At(now));
        let body = cxml::write(&envelope, cxml::DEFAULT_VERSION).into_bytes();
        Answer {
            status: if (200..300).contains(&code) {
                200
            } else {
                code
            },
            content_type: XML,
            body,
            message,
            duplicate_of: None,
            orders: Vec::new(),
            outcome: if (200..300).contains(&code) {
                Status::Applied
            } else {
                Status::Invalid
            },
        }
    }
}

/// Checks the Sender's shared secret against the connector's, in constant
/// time. A connector whose secret variable is unset accepts nobody.
fn authenticate(connector: &Connector, envelope: &Envelope) -> Result<(), String> {
    let Some(expected) = connector.cxml_secret() else {
        let name = connector
            .cxml
            .as_ref()
            .map_or("", |c| c.secret_env.as_str());
        return Err(format!("the secret variable {name} is not set"));
    };
    let senders: &[Credential] = envelope.header.as_ref().map_or(&[], |h| &h.sender);
    let presented = senders.iter().find_map(|c| match &c.secret {
        Some(Secret::Shared(s)) => Some(s.as_str()),
        _ => None,
    });
    match presented {
        Some(given) if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => Err("the shared secret does not match".into()),
        None => Err("the Sender credential has no SharedSecret".into()),
    }
}

/// The document with every SharedSecret's text replaced, for the journal:
/// the journal keeps what partners send, not their passwords.
fn redact_secrets(raw: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"<SharedSecret>";
    const CLOSE: &[u8] = b"</SharedSecret>";
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = find(rest, OPEN) {
        let after = start + OPEN.len();
        let Some(end) = find(&rest[after..], CLOSE) else {
            break;
        };
        out.extend_from_slice(&rest[..after]);
        out.extend_from_slice(b"(redacted)");
        rest = &rest[after + end..];
    }
    out.extend_from_slice(rest);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    #[test]
    fn secrets_are_redacted_and_the_rest_kept() {
        let raw =
            b"<Sender><SharedSecret>abc</SharedSecret></Sender><x/><SharedSecret>d</SharedSecret>";
        let kept = redact_secrets(raw);
        assert_eq!(
            String::from_utf8(kept).unwrap(),
            "<Sender><SharedSecret>(redacted)</SharedSecret></Sender><x/><SharedSecret>(redacted)</SharedSecret>"
        );
    }
}
