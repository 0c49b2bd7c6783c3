//! Partners' acknowledgments of what we sent: an X12 997/999 names the
//! group it answers (AK1) and its verdict (AK9); an EDIFACT CONTRL names
//! the interchange (UCI) and its action. Each moves our outbound message
//! in the journal to `acknowledged`, or to `failed` with the partner's
//! verdict, instead of being mapped like a business document.

use super::journal::Status;
use super::Gateway;
use crate::connector::Connector;
use crate::edi::edifact::reader::SegmentReader as EdifactReader;
use crate::edi::x12::reader::SegmentReader as X12Reader;

/// A partner's verdict on one of our interchanges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Receipt {
    /// The control number it answers, as we journalled it.
    pub control_number: String,
    /// Whether it was accepted (perhaps with errors).
    pub accepted: bool,
    /// The verdict as the partner wrote it.
    pub verdict: String,
}

/// The 997/999 sets of an X12 interchange, one receipt per set.
pub(crate) fn x12_receipts(raw: &[u8]) -> Vec<Receipt> {
    let mut reader = X12Reader::from_bytes(raw);
    let mut receipts = Vec::new();
    let (mut in_ack, mut group) = (false, None::<String>);
    while let Ok(Some(segment)) = reader.next_segment() {
        match segment.tag() {
            b"ST" => {
                let id = segment.text(1);
                in_ack = id == "997" || id == "999";
                group = None;
            }
            b"AK1" if in_ack => group = Some(segment.text(2)),
            b"AK9" if in_ack => {
                if let Some(group) = group.take() {
                    let code = segment.text(1);
                    // Our group control numbers equal our ISA13, which we
                    // journal zero-padded to nine digits.
                    let control_number = group
                        .trim()
                        .parse::<u64>()
                        .map_or(group.clone(), |n| format!("{n:09}"));
                    receipts.push(Receipt {
                        control_number,
                        accepted: matches!(code.as_str(), "A" | "E" | "P"),
                        verdict: format!("AK9 {code}"),
                    });
                }
            }
            _ => {}
        }
    }
    receipts
}

/// The CONTRL messages of an EDIFACT interchange, one receipt per UCI.
pub(crate) fn edifact_receipts(raw: &[u8]) -> Vec<Receipt> {
    let mut reader = EdifactReader::from_bytes(raw);
    let mut receipts = Vec::new();
    let mut in_contrl = false;
    while let Ok(Some(segment)) = reader.next_segment() {
        match segment.tag() {
            b"UNH" => in_contrl = segment.text(2, 1) == "CONTRL",
            b"UCI" if in_contrl => {
                let action = segment.text(4, 1);
                receipts.push(Receipt {
                    control_number: segment.text(1, 1),
                    accepted: matches!(action.as_str(), "7" | "8"),
                    verdict: format!("UCI action {action}"),
                });
            }
            _ => {}
        }
    }
    receipts
}

impl Gateway {
    /// Moves each message a receipt answers; returns how many it found.
    pub(crate) async fn record_receipts(
        &self,
        connector: &Connector,
        format: &str,
        receipts: &[Receipt],
    ) -> Result<usize, sqlx::Error> {
        let mut found = 0;
        for receipt in receipts {
            let id = self
                .journal()
                .outbound_by_control(&connector.id, format, &receipt.control_number)
                .await?;
            let Some(id) = id else {
                tracing::warn!(connector = %connector.id, control = %receipt.control_number, "an acknowledgment of nothing we sent");
                continue;
            };
            found += 1;
            if receipt.accepted {
                self.journal()
                    .set_status(id, Status::Acknowledged, &[])
                    .await?;
            } else {
                let why = format!("the partner rejected it ({})", receipt.verdict);
                self.journal()
                    .set_status(id, Status::Failed, &[why])
                    .await?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_997_names_the_group_and_its_verdict() {
        let raw = b"ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIGATE        *261127*1200*U*00401*000000009*0*P*>~GS*FA*ACME*EDIGATE*20261127*1200*9*X*004010~ST*997*0001~AK1*PO*42~AK2*850*0042~AK5*A~AK9*A*1*1*1~SE*6*0001~ST*997*0002~AK1*PO*43~AK9*R*1*1*0~SE*4*0002~GE*2*9~IEA*1*000000009~";
        let receipts = x12_receipts(raw);
        assert_eq!(receipts.len(), 2);
        assert_eq!(receipts[0].control_number, "000000042");
        assert!(receipts[0].accepted);
        assert!(!receipts[1].accepted);
        assert_eq!(receipts[1].verdict, "AK9 R");
    }

    #[test]
    fn a_contrl_names_the_interchange_and_its_action() {
        let raw = b"UNB+UNOC:3+ACMEERP:ZZZ+EDIGATE:ZZZ+261127:1200+77'UNH+1+CONTRL:D:3:UN'UCI+5+EDIGATE:ZZZ+ACMEERP:ZZZ+7'UNT+3+1'UNZ+1+77'";
        let receipts = edifact_receipts(raw);
        assert_eq!(
            receipts,
            vec![Receipt {
                control_number: "5".into(),
                accepted: true,
                verdict: "UCI action 7".into()
            }]
        );
    }
}
