//! EDIFACT interchanges: the UNB peeked for the journal; validation, the
//! CONTRL the connector asks for, and the messages mapped for the core.

use super::inbound::{EdiSyntax, Peek, Processed, Reply, Run, Triage};
use super::journal::Status;
use super::Gateway;
use crate::connector::Connector;
use crate::edi::edifact::contrl::{write_contrls, Stamp};
use crate::edi::edifact::reader::SegmentReader;
use crate::edi::edifact::report::ValidationReport;
use crate::edi::edifact::validate::Validator;
use crate::edi::guide::Catalog;

/// The sender and recipient identifications and the control reference of
/// an interchange (after its UNA, if any).
pub(crate) fn peek(raw: &[u8]) -> Result<Peek, String> {
    let mut reader = SegmentReader::from_bytes(raw);
    loop {
        let segment = reader
            .next_segment()
            .map_err(|e| e.to_string())?
            .ok_or("the message has no UNB")?;
        match segment.tag() {
            b"UNA" => continue,
            b"UNB" => {
                return Ok(Peek {
                    sender: segment.text(2, 1),
                    receiver: segment.text(3, 1),
                    control_number: segment.text(5, 1),
                })
            }
            _ => return Err("an EDIFACT interchange starts with UNA or UNB".into()),
        }
    }
}

impl Gateway {
    /// Validates, answers with a CONTRL, maps and applies a journalled
    /// interchange; safe to run again, as [`Gateway::process_x12`].
    pub(crate) async fn process_edifact(
        &self,
        connector: &Connector,
        id: i64,
        raw: &[u8],
        reply: Reply,
        run: Run,
    ) -> Result<Processed, sqlx::Error> {
        let catalog = Catalog::edifact().map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let report = Validator::new(catalog).validate_bytes(raw);
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        let ack = self.contrl(connector, id, &report, reply, run).await?;
        let types: Vec<String> = report
            .interchanges
            .iter()
            .flat_map(|i| {
                i.groups
                    .iter()
                    .flat_map(|g| g.messages.iter().map(|m| m.message_type.clone()))
            })
            .collect();
        let mut accepted = accepted_messages(&report);
        let triage = self
            .triage(
                connector,
                EdiSyntax::Edifact,
                id,
                raw,
                &types,
                &mut accepted,
                issues,
                &ack,
            )
            .await?;
        let outcome = match triage {
            Triage::Map(outcome) => outcome,
            Triage::Done(processed) => return Ok(processed),
        };
        let Some(header) = report.interchanges.first().map(|i| &i.header) else {
            return Ok(Processed {
                ack,
                orders: Vec::new(),
                status: Status::Invalid,
            });
        };
        let mappings = self.mappings_for(connector);
        let mut translated = Vec::new();
        if let Err(e) = crate::translate::each_edifact(raw, &mappings, |t| translated.push(t)) {
            translated.push(Err(e));
        }
        let key = format!("edifact:{}:{}", header.sender.id, header.reference);
        let source = format!("EDIFACT interchange {} (message {id})", header.reference);
        let (orders, status) = self
            .apply_translated(connector, id, translated, &accepted, &key, &source, outcome)
            .await?;
        Ok(Processed {
            ack,
            orders,
            status,
        })
    }

    /// The CONTRL answering a journalled interchange (the one journalled
    /// before, when processing runs again), when the connector wants one.
    async fn contrl(
        &self,
        connector: &Connector,
        id: i64,
        report: &ValidationReport,
        reply: Reply,
        run: Run,
    ) -> Result<Option<Vec<u8>>, sqlx::Error> {
        let only_contrls = {
            let mut messages = report
                .interchanges
                .iter()
                .flat_map(|i| i.groups.iter().flat_map(|g| g.messages.iter()))
                .peekable();
            messages.peek().is_some() && messages.all(|m| m.message_type == "CONTRL")
        };
        // A CONTRL is never answered with a CONTRL.
        if !connector.edifact.as_ref().is_some_and(|e| e.contrl)
            || report.interchanges.is_empty()
            || only_contrls
        {
            return Ok(None);
        }
        if run == Run::Again {
            if let Some(done) = self.journal().answer_to(id).await? {
                return self.journal().raw(done.id).await;
            }
        }
        let first = self.next_control_number(&connector.id, "unb").await?;
        let bytes = write_contrls(report, &Stamp::now(), first, Vec::new())
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        self.journal_ack(connector, EdiSyntax::Edifact, id, "CONTRL", &bytes, reply)
            .await?;
        Ok(Some(bytes))
    }
}

/// Whether each message, in file order, was accepted.
fn accepted_messages(report: &ValidationReport) -> Vec<bool> {
    report
        .interchanges
        .iter()
        .flat_map(|i| {
            i.groups.iter().flat_map(move |g| {
                g.messages
                    .iter()
                    .map(move |m| i.envelope_ok() && g.envelope_ok() && m.accepted())
            })
        })
        .collect()
}
