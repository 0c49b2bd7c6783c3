//! X12 interchanges: the ISA peeked for the journal; validation, the
//! 997/999/TA1 the connector asks for, and the sets mapped for the core.

use super::inbound::{EdiSyntax, Peek, Processed, Reply, Run, Triage};
use super::journal::Status;
use super::Gateway;
use crate::connector::{Connector, FunctionalAck, Ta1Policy};
use crate::edi::guide::Catalog;
use crate::edi::x12::ack::{acknowledge, AckKind, Stamp};
use crate::edi::x12::reader::SegmentReader;
use crate::edi::x12::report::ValidationReport;
use crate::edi::x12::validate::Validator;
use crate::edi::x12::writer::{ControlNumbers, SequentialCounter, Writer};

/// The sender, receiver (`qualifier:id`) and ISA13 of an interchange.
pub(crate) fn peek(raw: &[u8]) -> Result<Peek, String> {
    let mut reader = SegmentReader::from_bytes(raw);
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

impl Gateway {
    /// Validates, acknowledges, maps and applies a journalled interchange.
    /// Safe to run again on the same message: the acknowledgment already
    /// journalled is reused and the core commands are keyed.
    pub(crate) async fn process_x12(
        &self,
        connector: &Connector,
        id: i64,
        raw: &[u8],
        reply: Reply,
        run: Run,
    ) -> Result<Processed, sqlx::Error> {
        let catalog = Catalog::x12().map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let report = Validator::new(catalog).validate_bytes(raw);
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        let ack = self.x12_ack(connector, id, &report, reply, run).await?;
        let types: Vec<String> = report
            .interchanges
            .iter()
            .flat_map(|i| {
                i.groups
                    .iter()
                    .flat_map(|g| g.sets.iter().map(|s| s.id.clone()))
            })
            .collect();
        let mut accepted = accepted_sets(&report);
        let triage = self
            .triage(
                connector,
                EdiSyntax::X12,
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
        if let Err(e) = crate::translate::each_x12(raw, &mappings, |t| translated.push(t)) {
            translated.push(Err(e));
        }
        let key = format!(
            "x12:{}:{}:{}",
            header.sender_qualifier.trim(),
            header.sender_id.trim(),
            header.control_number.trim()
        );
        let source = format!(
            "X12 interchange {} (message {id})",
            header.control_number.trim()
        );
        let (orders, status) = self
            .apply_translated(connector, id, translated, &accepted, &key, &source, outcome)
            .await?;
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
        reply: Reply,
        run: Run,
    ) -> Result<Option<Vec<u8>>, sqlx::Error> {
        if run == Run::Again {
            if let Some(done) = self.journal().answer_to(id).await? {
                return self.journal().raw(done.id).await;
            }
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
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        let document = if has(b"ST*999*") {
            "999"
        } else if has(b"ST*997*") {
            "997"
        } else {
            "TA1"
        };
        self.journal_ack(connector, EdiSyntax::X12, id, document, &bytes, reply)
            .await?;
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
