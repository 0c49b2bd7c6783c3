//! Functional and interchange service_segments generated from a validation
//! report: 997 (004010), 999 (005010) and TA1, mirroring the inbound
//! envelope so partners accept them.

use std::collections::BTreeMap;

use super::delimiters::Delimiters;
use super::report::{
    AckCode, GroupReport, InterchangeReport, Issue, SetReport, Severity, ValidationReport,
};
use super::tree::{Field, Group, Interchange, OwnedSegment, TransactionSet};

/// Which acknowledgment to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckKind {
    /// 997 functional acknowledgment.
    Functional997,
    /// 999 implementation acknowledgment.
    Implementation999,
    /// TA1 interchange acknowledgment only.
    Interchange,
}

impl AckKind {
    /// Reads `997`, `999` or `ta1`.
    pub fn parse(s: &str) -> Option<AckKind> {
        match s.to_ascii_lowercase().as_str() {
            "997" => Some(AckKind::Functional997),
            "999" => Some(AckKind::Implementation999),
            "ta1" => Some(AckKind::Interchange),
            _ => None,
        }
    }

    /// The default for an inbound group version: 999 for 005010 and later,
    /// 997 before.
    pub fn for_version(gs08: &str) -> AckKind {
        if gs08.get(..3).is_some_and(|major| major >= "005") {
            AckKind::Implementation999
        } else {
            AckKind::Functional997
        }
    }
}

/// When the acknowledgment is made (ISA09/10, GS04/05).
#[derive(Clone, Debug)]
pub struct Stamp {
    /// CCYYMMDD.
    pub date: String,
    /// HHMM.
    pub time: String,
}

impl Stamp {
    /// The current UTC time.
    pub fn now() -> Stamp {
        let now = chrono::Utc::now();
        Stamp {
            date: now.format("%Y%m%d").to_string(),
            time: now.format("%H%M").to_string(),
        }
    }
}

/// Why no acknowledgment can be made.
#[derive(Debug, thiserror::Error)]
pub enum AckError {
    /// The input holds no interchange header to answer.
    #[error("there is no interchange header (ISA) to acknowledge")]
    NoInterchange,
}

/// Builds one acknowledgment interchange per inbound interchange, with its
/// delimiters. `kind` `None` picks 997 or 999 from each group's version.
pub fn acknowledge(
    report: &ValidationReport,
    kind: Option<AckKind>,
    stamp: &Stamp,
) -> Result<Vec<(Interchange, Delimiters)>, AckError> {
    if report.interchanges.is_empty() {
        return Err(AckError::NoInterchange);
    }
    Ok(report
        .interchanges
        .iter()
        .filter_map(|i| {
            let delimiters = i.delimiters.unwrap_or_else(Delimiters::standard);
            let mut ack = acknowledge_interchange(i, kind, stamp);
            if ack.groups.is_empty() && ack.service_segments.is_empty() {
                return None;
            }
            scrub(&mut ack, &delimiters);
            Some((ack, delimiters))
        })
        .collect())
}

/// Removes delimiter bytes from values copied from the inbound envelope
/// (an inbound GS02 may hold a component separator, say): the
/// acknowledgment must be written, and in its own delimiters.
fn scrub(ack: &mut Interchange, d: &Delimiters) {
    let clean = |value: &mut Vec<u8>| {
        let line_feed_ends = d.terminator() == b"\n";
        value.retain(|&b| !(d.is_delimiter(b) || line_feed_ends && b == b'\r'));
    };
    let segments = ack
        .service_segments
        .iter_mut()
        .chain(ack.groups.iter_mut().flat_map(|g| {
            std::iter::once(&mut g.header).chain(
                g.sets
                    .iter_mut()
                    .flat_map(|s| std::iter::once(&mut s.header).chain(s.body.iter_mut())),
            )
        }));
    for segment in segments {
        for value in segment
            .elements
            .iter_mut()
            .flat_map(|f| f.0.iter_mut())
            .flatten()
        {
            clean(value);
        }
    }
}

fn acknowledge_interchange(
    inbound: &InterchangeReport,
    kind: Option<AckKind>,
    stamp: &Stamp,
) -> Interchange {
    let h = &inbound.header;
    let version = if h.version.len() == 5 && h.version.bytes().all(|b| b.is_ascii_digit()) {
        h.version.clone()
    } else {
        "00401".to_string()
    };
    let usage = if matches!(h.usage.as_str(), "P" | "T" | "I") {
        h.usage.clone()
    } else {
        "P".into()
    };
    let header = OwnedSegment::new(
        "ISA",
        [
            "00",
            "          ",
            "00",
            "          ",
            &pad(&h.receiver_qualifier, 2),
            &pad(&h.receiver_id, 15),
            &pad(&h.sender_qualifier, 2),
            &pad(&h.sender_id, 15),
            stamp.date.get(2..).unwrap_or("000000"),
            &stamp.time,
            // The writer puts the repetition separator here when the
            // delimiters have one.
            "U",
            &version,
            "000000000",
            "0",
            &usage,
            ":",
        ],
    );
    let wants_ta1 = kind == Some(AckKind::Interchange) || h.ack_requested || !inbound.envelope_ok();
    let service_segments = if wants_ta1 {
        vec![ta1(inbound)]
    } else {
        Vec::new()
    };
    // A rejected interchange is answered by its TA1 alone: its groups were
    // not accepted for processing, so there is nothing to acknowledge.
    let groups = if kind == Some(AckKind::Interchange) || !inbound.envelope_ok() {
        Vec::new()
    } else {
        // Acknowledgments are never acknowledged (that would loop between
        // partners).
        inbound
            .groups
            .iter()
            .filter(|g| g.functional_id != "FA")
            .map(|g| {
                ack_group(
                    g,
                    kind.unwrap_or_else(|| AckKind::for_version(&g.version)),
                    stamp,
                )
            })
            .collect()
    };
    Interchange {
        header,
        service_segments,
        groups,
        trailer: None,
    }
}

fn pad(value: &str, width: usize) -> String {
    format!("{value:<width$}")
}

/// TA1: the inbound ISA13, date and time, A/E/R and the first note code.
fn ta1(inbound: &InterchangeReport) -> OwnedSegment {
    let h = &inbound.header;
    let first_error = inbound.issues.iter().find(|i| i.is_error());
    let first_warning = inbound
        .issues
        .iter()
        .find(|i| i.severity == Severity::Warning);
    let (status, code) = match (first_error, first_warning) {
        (Some(e), _) => ("R", note_code(e)),
        (None, Some(w)) => ("E", note_code(w)),
        (None, None) => ("A", 0),
    };
    OwnedSegment::new(
        "TA1",
        [
            h.control_number.as_str(),
            &h.date,
            &h.time,
            status,
            &format!("{code:03}"),
        ],
    )
}

fn note_code(issue: &Issue) -> u16 {
    match issue.code {
        AckCode::Interchange(c) => c,
        _ => 24,
    }
}

fn ack_group(group: &GroupReport, kind: AckKind, stamp: &Stamp) -> Group {
    let is_999 = kind == AckKind::Implementation999;
    let five = group.version.starts_with("005") || is_999;
    let ack_version = match (is_999, five) {
        (true, _) => "005010X231".to_string(),
        (false, true) => "005010X230".to_string(),
        (false, false) => match group.version.get(..6) {
            Some(v) if v.starts_with("00") && v.bytes().all(|b| b.is_ascii_digit()) => {
                v.to_string()
            }
            _ => "004010".to_string(),
        },
    };
    let header = OwnedSegment::new(
        "GS",
        [
            "FA",
            &group.receiver,
            &group.sender,
            &stamp.date,
            &stamp.time,
            "0",
            "X",
            &ack_version,
        ],
    );
    let set_id = if is_999 { "999" } else { "997" };
    let mut st = vec![set_id.to_string(), "0001".to_string()];
    if five {
        st.push(ack_version.clone());
    }
    let mut body = Vec::new();
    let mut ak1 = vec![group.functional_id.clone(), group.control_number.clone()];
    if five {
        ak1.push(group.version.clone());
    }
    body.push(OwnedSegment::new("AK1", ak1));
    for set in &group.sets {
        ack_set(set, is_999, five, &mut body);
    }
    body.push(ak9(group, five));
    Group {
        header,
        sets: vec![TransactionSet {
            header: OwnedSegment::new("ST", st),
            body,
            trailer: None,
        }],
        trailer: None,
    }
}

fn ack_set(set: &SetReport, is_999: bool, five: bool, body: &mut Vec<OwnedSegment>) {
    let mut ak2 = vec![set.id.clone(), set.control_number.clone()];
    if let (true, Some(conv)) = (is_999, &set.implementation) {
        ak2.push(conv.clone());
    }
    body.push(OwnedSegment::new("AK2", ak2));
    let (seg_tag, elem_tag, end_tag) = if is_999 {
        ("IK3", "IK4", "IK5")
    } else {
        ("AK3", "AK4", "AK5")
    };
    // A missing segment is reported at the position where it was due, beside
    // the segment found there: one AK3/IK3 per (position, segment).
    let mut by_segment: BTreeMap<(u32, String), Vec<&Issue>> = BTreeMap::new();
    let mut set_codes: Vec<u8> = Vec::new();
    for issue in set.issues.iter().filter(|i| i.is_error()) {
        match (issue.code, issue.location.segment_position) {
            (AckCode::Segment(_) | AckCode::Element(_), Some(p)) => {
                let tag = issue.location.segment.clone().unwrap_or_default();
                by_segment.entry((p, tag)).or_default().push(issue)
            }
            (AckCode::Set(c), _) => set_codes.push(c),
            _ => {}
        }
    }
    for issues in by_segment.values() {
        let first = issues[0];
        let segment_code = issues
            .iter()
            .find_map(|i| match i.code {
                AckCode::Segment(c) => Some(c),
                _ => None,
            })
            .unwrap_or(8);
        let loc = &first.location;
        body.push(OwnedSegment::new(
            seg_tag,
            [
                loc.segment.clone().unwrap_or_default(),
                loc.segment_position.unwrap_or(0).to_string(),
                loc.loop_id.clone().unwrap_or_default(),
                segment_code.to_string(),
            ],
        ));
        for issue in issues.iter().take(99) {
            if let AckCode::Element(code) = issue.code {
                body.push(element_note(issue, code, elem_tag, five));
            }
        }
    }
    if !by_segment.is_empty() && !set_codes.contains(&5) {
        set_codes.push(5);
    }
    let status = if set.accepted() { "A" } else { "R" };
    let mut ak5 = vec![status.to_string()];
    ak5.extend(set_codes.iter().take(5).map(u8::to_string));
    body.push(OwnedSegment::new(end_tag, ak5));
}

fn element_note(issue: &Issue, code: u8, tag: &str, five: bool) -> OwnedSegment {
    let loc = &issue.location;
    let mut position = vec![loc.element.unwrap_or(0).to_string()];
    if let Some(c) = loc.component {
        position.push(c.to_string());
    }
    if five {
        if let Some(r) = loc.repetition {
            if position.len() == 1 {
                position.push(String::new());
            }
            position.push(r.to_string());
        }
    }
    let code = if five {
        code
    } else {
        element_code_004010(code)
    };
    let mut elements = vec![
        Field::composite(position),
        Field::simple(loc.element_ref.clone().unwrap_or_default()),
        Field::simple(code.to_string()),
    ];
    if let Some(data) = issue
        .data
        .as_deref()
        .map(safe_copy)
        .filter(|d| !d.is_empty())
    {
        elements.push(Field::simple(data));
    }
    OwnedSegment {
        tag: tag.to_string(),
        elements,
    }
}

/// AK404 copies the bad data; keep it short and free of anything that could
/// be a delimiter.
fn safe_copy(data: &str) -> String {
    data.chars()
        .filter(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.' | '-' | '/' | '#' | '&' | ',' | '(' | ')' | '_' | '@'
                )
        })
        .take(99)
        .collect()
}

/// 004010's element 723 lists codes 1 to 10 only.
fn element_code_004010(code: u8) -> u8 {
    match code {
        12 | 13 => 3,
        c => c,
    }
}

fn ak9(group: &GroupReport, five: bool) -> OwnedSegment {
    let group_errors: Vec<u8> = group
        .issues
        .iter()
        .filter(|i| i.is_error())
        .filter_map(|i| match i.code {
            AckCode::Group(c) => Some(if !five && c == 19 { 6 } else { c }),
            _ => None,
        })
        .collect();
    let status = if !group.envelope_ok() || group.sets_accepted == 0 && group.sets_received > 0 {
        "R"
    } else if group.sets_accepted < group.sets_received {
        "P"
    } else {
        "A"
    };
    // AK902 is what GE01 declared; AK903 what arrived.
    let mut elements = vec![
        status.to_string(),
        group
            .sets_declared
            .unwrap_or(group.sets_received)
            .to_string(),
        group.sets_received.to_string(),
        group.sets_accepted.to_string(),
    ];
    elements.extend(group_errors.iter().take(5).map(u8::to_string));
    OwnedSegment::new("AK9", elements)
}
