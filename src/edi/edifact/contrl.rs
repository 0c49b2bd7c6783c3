//! CONTRL: the syntax and service report message, built from a validation
//! report. One CONTRL interchange answers each interchange received: UCI
//! for the interchange, UCF for each functional group, UCM for each
//! message, with UCS and UCD pointing at the segments and data elements in
//! error.

use std::collections::BTreeMap;

pub use crate::edi::x12::ack::Stamp;

use super::report::{GroupReport, InterchangeReport, Issue, Level, MessageReport};
use super::tree::{Group, Interchange, Message, OwnedSegment};

/// 0083 action codes.
mod action {
    /// This level and all lower levels rejected.
    pub const REJECTED: &str = "4";
    /// This level acknowledged, and all lower levels acknowledged if not
    /// explicitly reported.
    pub const ACKNOWLEDGED: &str = "7";
}

/// Builds the CONTRL interchange answering `received`, stamped `stamp`;
/// its references are left for the writer to number.
pub fn contrl(received: &InterchangeReport, stamp: &Stamp) -> Interchange {
    let h = &received.header;
    let version = h.syntax_version.max(1);
    let (date, time) = if version >= 4 {
        (stamp.date.clone(), stamp.time.clone())
    } else {
        (stamp.date[2..].to_string(), stamp.time.clone())
    };
    let syntax_identifier = if h.syntax_identifier.is_empty() {
        "UNOA".to_string()
    } else {
        h.syntax_identifier.clone()
    };
    let party = |p: &super::report::Party| -> Vec<String> {
        vec![p.id.clone(), p.qualifier.clone(), p.routing.clone()]
    };
    let header = OwnedSegment {
        tag: "UNB".into(),
        elements: vec![
            vec![vec![syntax_identifier, version.to_string()]],
            vec![party(&h.recipient)],
            vec![party(&h.sender)],
            vec![vec![date, time]],
            vec![vec![String::new()]],
        ],
    };
    let identifier: &[&str] = if version >= 4 {
        &["CONTRL", "4", "1", "UN"]
    } else {
        &["CONTRL", "D", "3", "UN"]
    };
    let unh = OwnedSegment::new("UNH", &[&[""], identifier]);
    let mut body = vec![uci(received)];
    for group in &received.groups {
        if group.explicit {
            body.push(ucf(group));
        }
        for message in &group.messages {
            body.extend(ucm_and_details(message));
        }
    }
    Interchange {
        separators: received.separators,
        una: !received.separators.are_defaults_for(version),
        header,
        groups: vec![Group {
            header: None,
            messages: vec![Message { header: unh, body }],
        }],
    }
}

/// The 0085 error, 0013 segment tag and S011 position of the first error
/// at `level` among `issues`.
fn first_error(issues: &[Issue], level: Level) -> Option<(String, String, Vec<String>)> {
    let issue = issues.iter().find(|i| i.is_error() && i.level == level)?;
    let position = issue
        .location
        .element
        .map(|e| {
            let mut s011 = vec![e.to_string()];
            s011.extend(issue.location.component.map(|c| c.to_string()));
            s011
        })
        .unwrap_or_default();
    Some((
        issue.code.map(|c| c.to_string()).unwrap_or_default(),
        issue.location.segment.clone().unwrap_or_default(),
        position,
    ))
}

/// Action, error code, segment tag and position of an envelope level.
fn verdict(accepted: bool, issues: &[Issue], level: Level) -> Vec<Vec<String>> {
    let action = if accepted {
        action::ACKNOWLEDGED
    } else {
        action::REJECTED
    };
    let (code, tag, position) = first_error(issues, level).unwrap_or_default();
    vec![vec![action.to_string()], vec![code], vec![tag], position]
}

fn uci(received: &InterchangeReport) -> OwnedSegment {
    let h = &received.header;
    let party =
        |p: &super::report::Party| vec![p.id.clone(), p.qualifier.clone(), p.routing.clone()];
    let mut elements = vec![
        vec![vec![h.reference.clone()]],
        vec![party(&h.sender)],
        vec![party(&h.recipient)],
    ];
    let accepted = received.envelope_ok();
    elements.extend(
        verdict(accepted, &received.issues, Level::Interchange)
            .into_iter()
            .map(|e| vec![e]),
    );
    OwnedSegment {
        tag: "UCI".into(),
        elements,
    }
}

fn ucf(group: &GroupReport) -> OwnedSegment {
    let mut elements = vec![
        vec![vec![group.reference.clone()]],
        vec![vec![group.sender.clone()]],
        vec![vec![group.recipient.clone()]],
    ];
    elements.extend(
        verdict(group.envelope_ok(), &group.issues, Level::Group)
            .into_iter()
            .map(|e| vec![e]),
    );
    OwnedSegment {
        tag: "UCF".into(),
        elements,
    }
}

/// UCM for a message, then a UCS (with its UCDs) for each segment in error.
fn ucm_and_details(message: &MessageReport) -> Vec<OwnedSegment> {
    let mut elements = vec![
        vec![vec![message.reference.clone()]],
        vec![vec![
            message.message_type.clone(),
            message.version.clone(),
            message.release.clone(),
            message.agency.clone(),
            message.association.clone(),
        ]],
    ];
    elements.extend(
        verdict(message.accepted(), &message.issues, Level::Message)
            .into_iter()
            .map(|e| vec![e]),
    );
    let mut out = vec![OwnedSegment {
        tag: "UCM".into(),
        elements,
    }];
    // Segment and element issues, by segment position.
    let mut by_segment: BTreeMap<u32, (Option<String>, Vec<&Issue>)> = BTreeMap::new();
    for issue in message.issues.iter().filter(|i| i.is_error()) {
        let Some(position) = issue.location.segment_position else {
            continue;
        };
        let entry = by_segment.entry(position).or_default();
        match issue.level {
            Level::Segment if entry.0.is_none() => {
                entry.0 = issue.code.map(|c| c.to_string());
            }
            Level::Element => entry.1.push(issue),
            _ => {}
        }
    }
    for (position, (segment_code, element_issues)) in by_segment {
        if segment_code.is_none() && element_issues.is_empty() {
            continue;
        }
        out.push(OwnedSegment {
            tag: "UCS".into(),
            elements: vec![
                vec![vec![position.to_string()]],
                vec![vec![segment_code.unwrap_or_default()]],
            ],
        });
        for issue in element_issues.into_iter().take(99) {
            let mut s011 = vec![issue.location.element.unwrap_or(0).to_string()];
            s011.extend(issue.location.component.map(|c| c.to_string()));
            out.push(OwnedSegment {
                tag: "UCD".into(),
                elements: vec![
                    vec![vec![issue.code.map(|c| c.to_string()).unwrap_or_default()]],
                    vec![s011],
                ],
            });
        }
    }
    out
}

/// Writes a CONTRL for every interchange of `report` into `out`, one
/// segment per line, numbering interchanges from `first_reference`.
pub fn write_contrls<W: std::io::Write>(
    report: &super::ValidationReport,
    stamp: &Stamp,
    first_reference: u64,
    out: W,
) -> Result<W, super::writer::WriteError> {
    let mut writer = super::Writer::new(
        out,
        super::References {
            interchange: first_reference,
            ..super::References::default()
        },
    );
    writer.line_breaks = true;
    for interchange in &report.interchanges {
        writer.write(&contrl(interchange, stamp))?;
    }
    Ok(writer.into_inner())
}
