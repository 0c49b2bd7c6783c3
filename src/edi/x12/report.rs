//! What validation found: issues with their positions and the X12 codes an
//! acknowledgment carries, grouped by interchange, group and set.

use std::fmt;

use serde::Serialize;

/// How serious an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document breaks the standard or guide; an ack rejects it.
    Error,
    /// Worth knowing, accepted nonetheless.
    Warning,
}

/// The acknowledgment code an issue maps to, at the level it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "level", content = "code", rename_all = "lowercase")]
pub enum AckCode {
    /// TA105 interchange note code (`001` … `031`).
    Interchange(u16),
    /// AK905 functional group syntax error code.
    Group(u8),
    /// AK502 / IK502 transaction set syntax error code.
    Set(u8),
    /// AK304 / IK304 segment syntax error code.
    Segment(u8),
    /// AK403 / IK403 data element syntax error code.
    Element(u8),
}

impl fmt::Display for AckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AckCode::Interchange(c) => write!(f, "TA105 {c:03}"),
            AckCode::Group(c) => write!(f, "AK905 {c}"),
            AckCode::Set(c) => write!(f, "AK502 {c}"),
            AckCode::Segment(c) => write!(f, "AK304 {c}"),
            AckCode::Element(c) => write!(f, "AK403 {c}"),
        }
    }
}

/// Where an issue is, as precisely as known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Absolute byte offset in the input.
    pub offset: u64,
    /// Interchange control number (ISA13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange: Option<String>,
    /// Group control number (GS06).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Transaction set control number (ST02).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    /// Segment position in the set, ST being 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_position: Option<u32>,
    /// Segment identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The loop the segment sits in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_id: Option<String>,
    /// Element position (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<u16>,
    /// Component position within a composite (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<u16>,
    /// Repetition (1-based), where the element repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repetition: Option<u16>,
    /// The element's reference number in the dictionary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_ref: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}", self.offset)?;
        if let Some(i) = &self.interchange {
            write!(f, ", interchange {i}")?;
        }
        if let Some(g) = &self.group {
            write!(f, ", group {g}")?;
        }
        if let Some(s) = &self.set {
            write!(f, ", set {s}")?;
        }
        if let (Some(p), Some(tag)) = (self.segment_position, &self.segment) {
            write!(f, ", segment {p} ({tag}")?;
            if let Some(e) = self.element {
                write!(f, "{e:02}")?;
                if let Some(c) = self.component {
                    write!(f, "-{c}")?;
                }
            }
            f.write_str(")")?;
        } else if let Some(tag) = &self.segment {
            write!(f, ", {tag}")?;
            if let Some(e) = self.element {
                write!(f, "{e:02}")?;
            }
        }
        if let Some(r) = self.repetition {
            write!(f, " repetition {r}")?;
        }
        Ok(())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// The acknowledgment code.
    pub code: AckCode,
    /// What is wrong: what was expected and what was found.
    pub message: String,
    /// Where.
    pub location: Location,
    /// The offending bytes, escaped, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Issue {
    /// Whether this issue rejects what it is in.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{label} at {}: {} [{}]",
            self.location, self.message, self.code
        )?;
        if let Some(d) = &self.data {
            write!(f, "\n    found: \"{d}\"")?;
        }
        Ok(())
    }
}

/// The ISA header fields an acknowledgment needs to mirror.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InterchangeHeader {
    /// ISA05.
    pub sender_qualifier: String,
    /// ISA06, padding kept.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08, padding kept.
    pub receiver_id: String,
    /// ISA09 (YYMMDD).
    pub date: String,
    /// ISA10 (HHMM).
    pub time: String,
    /// ISA11 as written (repetition separator or standards identifier).
    pub isa11: String,
    /// ISA12.
    pub version: String,
    /// ISA13.
    pub control_number: String,
    /// ISA14: whether the sender asked for a TA1.
    pub ack_requested: bool,
    /// ISA15: P, T or I.
    pub usage: String,
}

/// Validation of one transaction set.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SetReport {
    /// ST01.
    pub id: String,
    /// ST02.
    pub control_number: String,
    /// ST03 (implementation convention reference), if present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<String>,
    /// The guide used (`X12 004010 850`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    /// Segments in the set, ST and SE included.
    pub segments: u32,
    /// What was found.
    pub issues: Vec<Issue>,
    /// Issues found but not kept, past the per-set limit.
    pub issues_dropped: u32,
}

impl SetReport {
    /// Whether the set has no errors.
    pub fn accepted(&self) -> bool {
        self.issues_dropped == 0 && !self.issues.iter().any(Issue::is_error)
    }
}

/// Validation of one functional group.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupReport {
    /// GS01.
    pub functional_id: String,
    /// GS02.
    pub sender: String,
    /// GS03.
    pub receiver: String,
    /// GS06.
    pub control_number: String,
    /// GS08.
    pub version: String,
    /// Group-level issues (GS/GE).
    pub issues: Vec<Issue>,
    /// Sets kept in the report (all, or only those with issues).
    pub sets: Vec<SetReport>,
    /// Sets the GE trailer declared (GE01), when it was readable.
    pub sets_declared: Option<u32>,
    /// Sets received.
    pub sets_received: u32,
    /// Sets accepted.
    pub sets_accepted: u32,
}

impl GroupReport {
    /// Whether the group-level envelope has errors.
    pub fn envelope_ok(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }
}

/// Validation of one interchange.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InterchangeReport {
    /// ISA fields.
    pub header: InterchangeHeader,
    /// Byte offset of the ISA segment.
    pub offset: u64,
    /// The delimiters the interchange declared (acks answer in the same).
    #[serde(skip)]
    pub delimiters: Option<super::Delimiters>,
    /// Interchange-level issues (ISA/IEA, content outside groups).
    pub issues: Vec<Issue>,
    /// Groups in order.
    pub groups: Vec<GroupReport>,
}

impl InterchangeReport {
    /// Whether the envelope has errors.
    pub fn envelope_ok(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }

    /// Whether anything in the interchange has an error.
    pub fn is_valid(&self) -> bool {
        self.envelope_ok()
            && self
                .groups
                .iter()
                .all(|g| g.envelope_ok() && g.sets_accepted == g.sets_received)
    }
}

/// Validation of one input.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValidationReport {
    /// Issues outside any interchange (not X12 at all, junk between).
    pub issues: Vec<Issue>,
    /// Interchanges in order.
    pub interchanges: Vec<InterchangeReport>,
    /// Bytes read.
    pub bytes: u64,
    /// Segments read.
    pub segments: u64,
}

impl ValidationReport {
    /// Whether the input is valid: at least one interchange, no errors.
    pub fn is_valid(&self) -> bool {
        !self.interchanges.is_empty()
            && !self.issues.iter().any(Issue::is_error)
            && self.interchanges.iter().all(InterchangeReport::is_valid)
    }

    /// Every issue, in input order of the levels.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .chain(self.interchanges.iter().flat_map(|i| {
                i.issues.iter().chain(i.groups.iter().flat_map(|g| {
                    g.issues
                        .iter()
                        .chain(g.sets.iter().flat_map(|s| s.issues.iter()))
                }))
            }))
    }
}
