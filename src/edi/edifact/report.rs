//! What EDIFACT validation found: issues with their positions and the
//! CONTRL syntax error code (0085) each maps to, grouped by interchange,
//! group and message.

use std::fmt;

use serde::Serialize;

pub use crate::edi::x12::report::Severity;

use super::separators::Separators;
use super::Charset;

/// Syntax error codes (data element 0085) edigate reports.
pub mod codes {
    /// Syntax version or level not supported.
    pub const SYNTAX_NOT_SUPPORTED: u8 = 2;
    /// Invalid value.
    pub const INVALID_VALUE: u8 = 12;
    /// Missing.
    pub const MISSING: u8 = 13;
    /// Value not supported in this position.
    pub const VALUE_NOT_SUPPORTED: u8 = 14;
    /// Not supported in this position.
    pub const NOT_SUPPORTED_IN_POSITION: u8 = 15;
    /// Too many constituents.
    pub const TOO_MANY_CONSTITUENTS: u8 = 16;
    /// Unspecified error.
    pub const UNSPECIFIED: u8 = 18;
    /// Invalid decimal notation.
    pub const INVALID_DECIMAL_NOTATION: u8 = 19;
    /// Invalid character(s).
    pub const INVALID_CHARACTERS: u8 = 21;
    /// Invalid service character(s).
    pub const INVALID_SERVICE_CHARACTERS: u8 = 22;
    /// Duplicate detected.
    pub const DUPLICATE: u8 = 26;
    /// References do not match.
    pub const REFERENCES_DO_NOT_MATCH: u8 = 28;
    /// Control count does not match number of instances received.
    pub const COUNT_MISMATCH: u8 = 29;
    /// Functional groups and messages mixed.
    pub const GROUPS_AND_MESSAGES_MIXED: u8 = 30;
    /// Lower level empty.
    pub const LOWER_LEVEL_EMPTY: u8 = 32;
    /// Invalid occurrence outside message, package or group.
    pub const OUTSIDE_MESSAGE: u8 = 33;
    /// Too many segment repetitions.
    pub const TOO_MANY_SEGMENT_REPETITIONS: u8 = 35;
    /// Too many segment group repetitions.
    pub const TOO_MANY_GROUP_REPETITIONS: u8 = 36;
    /// Invalid type of character(s).
    pub const INVALID_CHARACTER_TYPE: u8 = 37;
    /// Missing digit in front of decimal sign.
    pub const MISSING_DIGIT_BEFORE_DECIMAL: u8 = 38;
    /// Data element too long.
    pub const TOO_LONG: u8 = 39;
    /// Data element too short.
    pub const TOO_SHORT: u8 = 40;
    /// Trailing separator.
    pub const TRAILING_SEPARATOR: u8 = 45;
    /// Character set not supported.
    pub const CHARACTER_SET_NOT_SUPPORTED: u8 = 46;
    /// Dependency conditions violated (syntax version 4).
    pub const DEPENDENCY_VIOLATED: u8 = 48;
}

/// The level a CONTRL reports an issue at: the segment that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// UCI: the interchange envelope (UNA, UNB, UNZ) or content outside
    /// any message.
    Interchange,
    /// UCF: a functional group's envelope (UNG, UNE).
    Group,
    /// UCM: a message's envelope (UNH, UNT) or the message as a whole.
    Message,
    /// UCS: a segment of a message.
    Segment,
    /// UCD: a data element or component of a message segment.
    Element,
}

impl Level {
    /// The CONTRL segment that carries the level.
    pub fn contrl_segment(&self) -> &'static str {
        match self {
            Level::Interchange => "UCI",
            Level::Group => "UCF",
            Level::Message => "UCM",
            Level::Segment => "UCS",
            Level::Element => "UCD",
        }
    }
}

/// Where an issue is, as precisely as known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Absolute byte offset in the input.
    pub offset: u64,
    /// Interchange control reference (UNB 0020).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange: Option<String>,
    /// Group reference number (UNG 0048).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Message reference number (UNH 0062).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Segment position in the message, UNH being 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_position: Option<u32>,
    /// Segment tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The segment group the segment sits in (`SG2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_group: Option<String>,
    /// Data element position in the segment (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<u16>,
    /// Component position (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<u16>,
    /// Repetition (1-based), for repeating data elements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repetition: Option<u16>,
    /// The data element's or composite's reference in the directory.
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
        if let Some(m) = &self.message {
            write!(f, ", message {m}")?;
        }
        if let Some(tag) = &self.segment {
            match self.segment_position {
                Some(p) => write!(f, ", segment {p} ({tag}")?,
                None => write!(f, ", {tag}")?,
            }
            if let Some(e) = self.element {
                write!(f, "{e:02}")?;
                if let Some(c) = self.component {
                    write!(f, "-{c}")?;
                }
            }
            if let Some(r) = &self.element_ref {
                write!(f, " {r}")?;
            }
            if self.segment_position.is_some() {
                f.write_str(")")?;
            }
        }
        if let Some(r) = self.repetition.filter(|&r| r > 1) {
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
    /// Which CONTRL segment reports it.
    pub level: Level,
    /// The syntax error code (0085), when the issue has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u8>,
    /// What is wrong: what was expected and what was found.
    pub message: String,
    /// Where.
    pub location: Location,
    /// The offending value, if any.
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
        write!(f, "{label} at {}: {}", self.location, self.message)?;
        if let Some(code) = self.code {
            write!(f, " [{} 0085={code}]", self.level.contrl_segment())?;
        }
        if let Some(d) = &self.data {
            write!(f, "\n    found: \"{d}\"")?;
        }
        Ok(())
    }
}

/// A party of the interchange (UNB S002 / S003).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Identification (0004 / 0010).
    pub id: String,
    /// Code qualifier (0007), if given.
    pub qualifier: String,
    /// Internal identification or routing address (0008 / 0014), if given.
    pub routing: String,
}

/// The UNB fields an answer needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InterchangeHeader {
    /// Syntax identifier (UNOA … UNOY).
    pub syntax_identifier: String,
    /// Syntax version number (1 to 4).
    pub syntax_version: u8,
    /// The sender.
    pub sender: Party,
    /// The recipient.
    pub recipient: Party,
    /// Date of preparation as sent (YYMMDD or CCYYMMDD).
    pub date: String,
    /// Time of preparation (HHMM).
    pub time: String,
    /// Interchange control reference (0020).
    pub reference: String,
    /// Application reference (0026), if given.
    pub application: String,
    /// Whether the sender asked for an acknowledgement (0031 = 1).
    pub ack_requested: bool,
    /// Whether this is a test interchange (0035 = 1).
    pub test: bool,
}

/// Validation of one message.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MessageReport {
    /// Message reference number (UNH 0062).
    pub reference: String,
    /// Message type (0065).
    pub message_type: String,
    /// Version (0052).
    pub version: String,
    /// Release (0054).
    pub release: String,
    /// Controlling agency (0051).
    pub agency: String,
    /// Association assigned code (0057), e.g. an EANCOM subset version.
    pub association: String,
    /// The guide used (`EDIFACT D96A ORDERS`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    /// Segments in the message, UNH and UNT included.
    pub segments: u32,
    /// What was found.
    pub issues: Vec<Issue>,
    /// Issues found but not kept, past the per-message limit.
    pub issues_dropped: u32,
}

impl MessageReport {
    /// Whether the message has no errors.
    pub fn accepted(&self) -> bool {
        self.issues_dropped == 0 && !self.issues.iter().any(Issue::is_error)
    }
}

/// A functional group (UNG … UNE), or the messages of an interchange that
/// has no groups (then `explicit` is false and the group fields are empty).
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupReport {
    /// Whether a UNG opened the group.
    pub explicit: bool,
    /// Message group identification (UNG 0038).
    pub group_id: String,
    /// Group reference number (UNG 0048).
    pub reference: String,
    /// Application sender (UNG S006 0040).
    pub sender: String,
    /// Application recipient (UNG S007 0044).
    pub recipient: String,
    /// Group-level issues (UNG/UNE).
    pub issues: Vec<Issue>,
    /// Messages kept in the report.
    pub messages: Vec<MessageReport>,
    /// Messages the trailer declared (UNE 0060), when readable.
    pub declared: Option<u32>,
    /// Messages received.
    pub received: u32,
    /// Messages accepted.
    pub accepted: u32,
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
    /// UNB fields.
    pub header: InterchangeHeader,
    /// Byte offset of the UNA or UNB.
    pub offset: u64,
    /// The separators the interchange used (answers use the same).
    #[serde(skip)]
    pub separators: Separators,
    /// The repertoire UNB named, when edigate supports it.
    #[serde(skip)]
    pub charset: Option<Charset>,
    /// Interchange-level issues (UNA, UNB, UNZ, content outside messages).
    pub issues: Vec<Issue>,
    /// Groups in order (one implicit group when there is no UNG).
    pub groups: Vec<GroupReport>,
    /// Messages checked without a guide (their directory or type is not
    /// shipped): envelope and repertoire only.
    pub unguided: u32,
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
                .all(|g| g.envelope_ok() && g.accepted == g.received)
    }

    /// Messages received, over all groups.
    pub fn messages_received(&self) -> u32 {
        self.groups.iter().map(|g| g.received).sum()
    }

    /// Messages accepted, over all groups.
    pub fn messages_accepted(&self) -> u32 {
        self.groups.iter().map(|g| g.accepted).sum()
    }
}

/// Validation of one input.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValidationReport {
    /// Issues outside any interchange (input that is not EDIFACT, a lexer
    /// error).
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

    /// Every issue, by level.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .chain(self.interchanges.iter().flat_map(|i| {
                i.issues.iter().chain(i.groups.iter().flat_map(|g| {
                    g.issues
                        .iter()
                        .chain(g.messages.iter().flat_map(|m| m.issues.iter()))
                }))
            }))
    }
}
