//! Whole files through mappings: the X12 and EDIFACT envelopes opened into
//! messages, each message read with the mapping for its version and type;
//! and canonical documents written into a new interchange. This is where
//! syntax trees and mappings meet; neither knows the other.

pub mod cart;
pub mod cases;
pub mod cxml;
pub mod fulfil;
pub mod order_request;

use chrono::NaiveDateTime;

use crate::document::Document;
use crate::edi::edifact::tree as edifact;
use crate::edi::x12::writer::SequentialCounter;
use crate::edi::x12::{self, tree as x12_tree, ControlNumbers, Delimiters, SegmentReader, Writer};
use crate::mapping::{MapError, Mapping, Seg, Syntax};

/// One message read into a canonical document.
#[derive(Debug)]
pub struct Translated {
    /// Where it was in the file (`interchange 000000101, set 0001`).
    pub source: String,
    /// The mapping used (its file).
    pub mapping: String,
    /// The document.
    pub document: Document,
}

/// Why a file could not be translated.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The file is not a readable interchange.
    #[error("{0}")]
    Read(String),
    /// No mapping reads this message.
    #[error("{place}: no mapping reads {syntax} {version} {message}")]
    NoMapping {
        /// Where.
        place: String,
        /// `x12` / `edifact`.
        syntax: &'static str,
        /// The version.
        version: String,
        /// The message type.
        message: String,
    },
    /// A rule failed.
    #[error("{place}: {error}")]
    Map {
        /// Where.
        place: String,
        /// What the mapping said.
        error: MapError,
    },
}

fn pick<'m>(
    mappings: &[&'m Mapping],
    syntax: Syntax,
    version: &str,
    message: &str,
) -> Option<&'m Mapping> {
    mappings
        .iter()
        .find(|m| m.syntax == syntax && m.version == version && m.message == message)
        .copied()
}

/// Reads every transaction set of an X12 file. Segments go straight from
/// the lexer into the mapping's form, one set at a time.
pub fn read_x12(bytes: &[u8], mappings: &[&Mapping]) -> Result<Vec<Translated>, TranslateError> {
    let mut out = Vec::new();
    each_x12(bytes, mappings, |t| out.push(t))?;
    out.into_iter().collect()
}

/// [`read_x12`] handing each set's outcome to `f` as soon as the set is
/// read, so that a file of any size maps in the memory of one set. A set
/// that cannot be mapped is reported to `f` and the next one is read; only
/// a file that cannot be read stops it.
pub fn each_x12(
    bytes: impl std::io::Read,
    mappings: &[&Mapping],
    mut f: impl FnMut(Result<Translated, TranslateError>),
) -> Result<(), TranslateError> {
    let mut reader = SegmentReader::new(bytes);
    let (mut isa13, mut gs06, mut version) = (String::new(), String::new(), String::new());
    let mut set: Option<Vec<Seg>> = None;
    loop {
        let segment = reader
            .next_segment()
            .map_err(|e| TranslateError::Read(e.to_string()))?;
        let Some(segment) = segment else { break };
        let structure =
            |what: &str| TranslateError::Read(format!("at byte {}: {what}", segment.offset()));
        match (segment.tag(), set.as_mut()) {
            (b"SE", Some(_)) => {
                let segs = set.take().unwrap_or_default();
                let source = format!(
                    "interchange {isa13}, group {gs06}, set {}",
                    segs[0].value(2, 1)
                );
                f(translate_set(&segs, &version, source, mappings));
            }
            (b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST", Some(_)) => {
                return Err(structure("the set before this segment has no SE"))
            }
            (_, Some(segs)) => segs.push(seg_of(&segment)),
            (b"ISA", None) => isa13 = segment.text(13).trim().to_string(),
            (b"GS", None) => {
                gs06 = segment.text(6);
                let gs08 = segment.text(8);
                version = gs08.get(..6).unwrap_or(&gs08).to_string();
            }
            (b"ST", None) => set = Some(vec![seg_of(&segment)]),
            _ => {}
        }
    }
    if set.is_some() {
        return Err(TranslateError::Read("the last set has no SE".into()));
    }
    Ok(())
}

/// A lexer segment in the mapping's form.
pub fn seg_of(segment: &x12::Segment<'_>) -> Seg {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    Seg {
        tag: text(segment.tag()),
        elements: segment
            .elements()
            .map(|e| {
                e.repetitions()
                    .map(|r| r.components().map(|c| text(c.bytes())).collect())
                    .collect()
            })
            .collect(),
    }
}

fn translate_set(
    segs: &[Seg],
    version: &str,
    source: String,
    mappings: &[&Mapping],
) -> Result<Translated, TranslateError> {
    let message = segs[0].value(1, 1);
    let mapping =
        pick(mappings, Syntax::X12, version, message).ok_or_else(|| TranslateError::NoMapping {
            place: source.clone(),
            syntax: "X12",
            version: version.to_string(),
            message: message.to_string(),
        })?;
    let document = mapping.read(segs).map_err(|error| TranslateError::Map {
        place: source.clone(),
        error,
    })?;
    Ok(Translated {
        source,
        mapping: mapping.file.clone(),
        document,
    })
}

/// Reads every message of an EDIFACT file.
pub fn read_edifact(
    bytes: &[u8],
    mappings: &[&Mapping],
) -> Result<Vec<Translated>, TranslateError> {
    let mut out = Vec::new();
    each_edifact(bytes, mappings, |t| out.push(t))?;
    out.into_iter().collect()
}

/// [`read_edifact`] handing each message's outcome to `f`; a message that
/// cannot be mapped does not stop the others.
pub fn each_edifact(
    bytes: &[u8],
    mappings: &[&Mapping],
    mut f: impl FnMut(Result<Translated, TranslateError>),
) -> Result<(), TranslateError> {
    let interchanges =
        edifact::read_interchanges(bytes).map_err(|e| TranslateError::Read(e.to_string()))?;
    for interchange in interchanges {
        let reference = interchange.header.value(5, 1).to_string();
        for message in interchange.groups.into_iter().flat_map(|g| g.messages) {
            let source = format!(
                "interchange {reference}, message {}",
                message.header.value(1, 1)
            );
            f(translate_message(message, source, mappings));
        }
    }
    Ok(())
}

fn translate_message(
    message: edifact::Message,
    source: String,
    mappings: &[&Mapping],
) -> Result<Translated, TranslateError> {
    let header = &message.header;
    let kind = header.value(2, 1).to_string();
    let version = format!("{}{}", header.value(2, 2), header.value(2, 3));
    let mapping = pick(mappings, Syntax::Edifact, &version, &kind).ok_or_else(|| {
        TranslateError::NoMapping {
            place: source.clone(),
            syntax: "EDIFACT",
            version: version.clone(),
            message: kind.clone(),
        }
    })?;
    let mut segs: Vec<Seg> = Vec::with_capacity(message.body.len() + 1);
    segs.push(Seg::from(message.header));
    segs.extend(message.body.into_iter().map(Seg::from));
    let document = mapping.read(&segs).map_err(|error| TranslateError::Map {
        place: source.clone(),
        error,
    })?;
    Ok(Translated {
        source,
        mapping: mapping.file.clone(),
        document,
    })
}

/// Reads a cXML document (OrderRequest → Order, PunchOutOrderMessage →
/// Cart) or an OCI cart (form body or HTML page → Cart).
pub fn read_cxml_or_oci(bytes: &[u8]) -> Result<Vec<Translated>, TranslateError> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    if text.contains("<cxml") {
        let read = crate::cxml::read(bytes).map_err(|e| TranslateError::Read(e.to_string()))?;
        let kind = read.envelope.kind();
        let document = cxml::document(&read.envelope).ok_or_else(|| TranslateError::NoMapping {
            place: "cXML document".into(),
            syntax: "cXML",
            version: read.envelope.version.clone().unwrap_or_default(),
            message: kind.clone(),
        })?;
        return Ok(vec![Translated {
            source: format!("cXML {kind} payloadID {}", read.envelope.payload_id),
            mapping: "src/translate/cxml.rs".into(),
            document,
        }]);
    }
    let fields = if text.contains("<form") || text.contains("<input") {
        crate::oci::fields_from_html(&String::from_utf8_lossy(bytes))
    } else {
        crate::cxml::parse_form_body(bytes)
    };
    let cart = crate::oci::parse_cart(&fields).map_err(|e| TranslateError::Read(e.to_string()))?;
    Ok(vec![Translated {
        source: "OCI cart".into(),
        mapping: "src/translate/cxml.rs".into(),
        document: Document::Cart(cxml::oci_cart(&cart)),
    }])
}

/// Who an outbound interchange is from and to, and when it is made.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// Sender: qualifier (X12 ISA05 / EDIFACT 0007) and identifier.
    pub sender: (String, String),
    /// Receiver: qualifier and identifier.
    pub receiver: (String, String),
    /// Preparation date and time.
    pub prepared: NaiveDateTime,
    /// The first control number (interchange, group and set numbering
    /// start here).
    pub control_number: u64,
    /// X12 usage indicator (`P` production, `T` test).
    pub test: bool,
}

impl Envelope {
    /// Our default identities (`ZZ` `EDIGATE` to `ZZ` `PARTNER`), now.
    pub fn new() -> Envelope {
        Envelope {
            sender: ("ZZ".into(), "EDIGATE".into()),
            receiver: ("ZZ".into(), "PARTNER".into()),
            prepared: chrono::Local::now().naive_local(),
            control_number: 1,
            test: false,
        }
    }
}

impl Default for Envelope {
    fn default() -> Self {
        Envelope::new()
    }
}

fn write_error(error: impl std::fmt::Display) -> TranslateError {
    TranslateError::Read(format!("cannot write: {error}"))
}

fn mapped(
    mapping: &Mapping,
    document: &Document,
    warnings: &mut Vec<String>,
) -> Result<Vec<Seg>, TranslateError> {
    let written = mapping
        .write(document)
        .map_err(|error| TranslateError::Map {
            place: format!("{} document", mapping.document),
            error,
        })?;
    warnings.extend(written.warnings);
    Ok(written.segments)
}

/// Writes documents as one X12 interchange with one functional group;
/// returns the bytes and what could not be written.
pub fn write_x12(
    documents: &[Document],
    mapping: &Mapping,
    envelope: &Envelope,
) -> Result<(Vec<u8>, Vec<String>), TranslateError> {
    let mut warnings = Vec::new();
    let mut sets = Vec::new();
    for document in documents {
        let body = mapped(mapping, document, &mut warnings)?;
        sets.push(x12_tree::TransactionSet {
            header: x12_tree::OwnedSegment::new("ST", [mapping.message.as_str(), ""]),
            body: body.into_iter().map(x12_tree::OwnedSegment::from).collect(),
            trailer: None,
        });
    }
    let at = envelope.prepared;
    let pad = |s: &str, n: usize| format!("{s:<n$}");
    let isa12 = mapping.version.get(..5).unwrap_or("00401");
    // ISA11 is the repetition separator from 00402 on, before that `U`.
    let repetition = (isa12 >= "00402").then_some(b'^');
    let isa = x12_tree::OwnedSegment::new(
        "ISA",
        [
            "00".to_string(),
            pad("", 10),
            "00".into(),
            pad("", 10),
            envelope.sender.0.clone(),
            pad(&envelope.sender.1, 15),
            envelope.receiver.0.clone(),
            pad(&envelope.receiver.1, 15),
            at.format("%y%m%d").to_string(),
            at.format("%H%M").to_string(),
            "U".into(),
            isa12.to_string(),
            String::new(),
            "0".into(),
            if envelope.test { "T" } else { "P" }.into(),
            ">".into(),
        ],
    );
    let gs = x12_tree::OwnedSegment::new(
        "GS",
        [
            mapping.guide.functional_group.clone(),
            envelope.sender.1.clone(),
            envelope.receiver.1.clone(),
            at.format("%Y%m%d").to_string(),
            at.format("%H%M").to_string(),
            String::new(),
            "X".into(),
            mapping.version.clone(),
        ],
    );
    let interchange = x12_tree::Interchange {
        header: isa,
        service_segments: Vec::new(),
        groups: vec![x12_tree::Group {
            header: gs,
            sets,
            trailer: None,
        }],
        trailer: None,
    };
    let mut counter = SequentialCounter::starting_at(envelope.control_number);
    let bytes = Writer::new(Delimiters::new(b'*', repetition, b'>', b'~'))
        .to_bytes(&interchange, &mut ControlNumbers::Generate(&mut counter))
        .map_err(write_error)?;
    Ok((bytes, warnings))
}

/// Writes documents as one EDIFACT interchange (syntax 3, UNOC).
pub fn write_edifact(
    documents: &[Document],
    mapping: &Mapping,
    envelope: &Envelope,
) -> Result<(Vec<u8>, Vec<String>), TranslateError> {
    let mut warnings = Vec::new();
    // D96A: version D, release 96A.
    let split = mapping.version.chars().next().map_or(0, char::len_utf8);
    let (version, release) = mapping.version.split_at(split);
    let mut messages = Vec::new();
    for document in documents {
        let body = mapped(mapping, document, &mut warnings)?;
        messages.push(edifact::Message {
            header: edifact::OwnedSegment::new(
                "UNH",
                &[&[""], &[&mapping.message, version, release, "UN"]],
            ),
            body: body.into_iter().map(edifact::OwnedSegment::from).collect(),
        });
    }
    let at = envelope.prepared;
    let (date, time) = (
        at.format("%y%m%d").to_string(),
        at.format("%H%M").to_string(),
    );
    let reference = envelope.control_number.to_string();
    let interchange = edifact::Interchange {
        separators: crate::edi::edifact::Separators::defaults(3),
        una: true,
        header: edifact::OwnedSegment::new(
            "UNB",
            &[
                &["UNOC", "3"],
                &[&envelope.sender.1, &envelope.sender.0],
                &[&envelope.receiver.1, &envelope.receiver.0],
                &[&date, &time],
                &[&reference],
            ],
        ),
        groups: vec![edifact::Group {
            header: None,
            messages,
        }],
    };
    let mut writer = crate::edi::edifact::writer::Writer::new(Vec::new(), Default::default());
    writer.line_breaks = true;
    writer.write(&interchange).map_err(write_error)?;
    Ok((writer.into_inner(), warnings))
}
