//! Owned interchanges: what the writer serialises and what the reader can
//! collect, for mapping and round trips. Values are text (release
//! characters taken out, decoded from the interchange's repertoire).

use std::io::Read;

use super::charset::Charset;
use super::reader::{LexError, SegmentReader};
use super::segment::Segment;
use super::separators::Separators;

/// One data element: its repetitions, each a list of components (a simple
/// data element is one component).
pub type Element = Vec<Vec<String>>;

/// A segment with owned values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedSegment {
    /// The tag (`BGM`).
    pub tag: String,
    /// Data elements in order.
    pub elements: Vec<Element>,
}

impl OwnedSegment {
    /// A segment from simple and composite values: each `&[&str]` is one
    /// data element's components.
    pub fn new(tag: &str, elements: &[&[&str]]) -> Self {
        OwnedSegment {
            tag: tag.to_string(),
            elements: elements
                .iter()
                .map(|components| vec![components.iter().map(|c| c.to_string()).collect()])
                .collect(),
        }
    }

    /// The value at element `element`, component `component` (1-based) of
    /// the first repetition; empty when absent.
    pub fn value(&self, element: usize, component: usize) -> &str {
        self.elements
            .get(element.wrapping_sub(1))
            .and_then(|e| e.first())
            .and_then(|c| c.get(component.wrapping_sub(1)))
            .map_or("", String::as_str)
    }

    /// Copies a read segment, decoding its values from `charset`.
    pub fn from_segment(segment: &Segment<'_>, charset: Charset) -> Self {
        let mut elements: Vec<Element> = Vec::new();
        for piece in segment.pieces() {
            let e = piece.element as usize;
            let (r, c) = (piece.repetition as usize, piece.component as usize);
            if elements.len() < e {
                elements.resize(e, vec![Vec::new()]);
            }
            let element = &mut elements[e - 1];
            if element.len() < r {
                element.resize(r, Vec::new());
            }
            let components = &mut element[r - 1];
            if components.len() < c {
                components.resize(c, String::new());
            }
            components[c - 1] = charset.decode(&segment.value_of(piece)).into_owned();
        }
        trim_trailing_empties(&mut elements);
        OwnedSegment {
            tag: String::from_utf8_lossy(segment.tag()).into_owned(),
            elements,
        }
    }
}

/// Drops empty components, repetitions and elements at the ends: trailing
/// separators carry no data, and the writer leaves them out.
fn trim_trailing_empties(elements: &mut Elements) {
    for element in elements.iter_mut() {
        for components in element.iter_mut() {
            while components.len() > 1 && components.last().is_some_and(String::is_empty) {
                components.pop();
            }
        }
        while element.len() > 1
            && element
                .last()
                .is_some_and(|c| c.iter().all(String::is_empty))
        {
            element.pop();
        }
    }
    while elements
        .last()
        .is_some_and(|e| e.iter().all(|c| c.iter().all(String::is_empty)))
    {
        elements.pop();
    }
}

type Elements = Vec<Element>;

/// A message: its UNH header and its body (UNT is written from the count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The UNH segment (its reference may be left empty for the writer to
    /// number).
    pub header: OwnedSegment,
    /// The segments between UNH and UNT.
    pub body: Vec<OwnedSegment>,
}

/// A functional group, or the messages of an interchange without groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The UNG segment, or `None` for messages directly in the interchange.
    pub header: Option<OwnedSegment>,
    /// Messages in order.
    pub messages: Vec<Message>,
}

/// An interchange: UNB, groups or messages; UNZ is written from the count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    /// The service characters.
    pub separators: Separators,
    /// Whether a UNA is written (always when the separators are not the
    /// defaults of the syntax version).
    pub una: bool,
    /// The UNB segment.
    pub header: OwnedSegment,
    /// Groups in order.
    pub groups: Vec<Group>,
}

impl Interchange {
    /// The syntax version UNB names (3 when unreadable).
    pub fn syntax_version(&self) -> u8 {
        self.header.value(1, 2).parse().unwrap_or(3)
    }

    /// The repertoire UNB names (ISO 8859-1 when unknown).
    pub fn charset(&self) -> Charset {
        Charset::from_syntax_identifier(self.header.value(1, 1).as_bytes())
            .unwrap_or(Charset::Iso8859(1))
    }
}

/// Why input could not be collected into trees.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// The lexer failed.
    #[error(transparent)]
    Lex(#[from] LexError),
    /// A segment where the envelope does not allow one.
    #[error("at byte {offset}: {message}")]
    Envelope { offset: u64, message: String },
}

/// Reads every interchange of `input` (envelope order only is checked;
/// validate first for everything else). Trailers are dropped: the writer
/// recomputes them.
pub fn read_interchanges<R: Read>(input: R) -> Result<Vec<Interchange>, TreeError> {
    let mut reader = SegmentReader::new(input);
    let mut done = Vec::new();
    let mut current: Option<Interchange> = None;
    let mut una = false;
    let mut group_open = false;
    while let Some(segment) = reader.next_segment()? {
        let misplaced = |message: &str| TreeError::Envelope {
            offset: segment.offset(),
            message: message.to_string(),
        };
        match segment.tag() {
            b"UNA" => una = true,
            b"UNB" => {
                let mut header = OwnedSegment::from_segment(&segment, Charset::Utf8);
                let charset = Charset::from_syntax_identifier(header.value(1, 1).as_bytes())
                    .unwrap_or(Charset::Iso8859(1));
                header = OwnedSegment::from_segment(&segment, charset);
                done.extend(current.take());
                group_open = false;
                current = Some(Interchange {
                    separators: *segment.separators(),
                    una: std::mem::take(&mut una),
                    header,
                    groups: Vec::new(),
                });
            }
            tag => {
                let interchange = current
                    .as_mut()
                    .ok_or_else(|| misplaced("a segment before any UNB"))?;
                let charset = interchange.charset();
                let owned = OwnedSegment::from_segment(&segment, charset);
                match tag {
                    b"UNZ" => done.extend(current.take()),
                    b"UNG" => {
                        group_open = true;
                        interchange.groups.push(Group {
                            header: Some(owned),
                            messages: Vec::new(),
                        });
                    }
                    b"UNE" => group_open = false,
                    b"UNT" => {}
                    b"UNH" => {
                        let in_group = group_open
                            || interchange
                                .groups
                                .last()
                                .is_some_and(|g| g.header.is_none());
                        if !in_group {
                            interchange.groups.push(Group {
                                header: None,
                                messages: Vec::new(),
                            });
                        }
                        let group = interchange
                            .groups
                            .last_mut()
                            .ok_or_else(|| misplaced("a message outside any group"))?;
                        group.messages.push(Message {
                            header: owned,
                            body: Vec::new(),
                        });
                    }
                    _ => interchange
                        .groups
                        .last_mut()
                        .and_then(|g| g.messages.last_mut())
                        .ok_or_else(|| misplaced("a segment outside any message"))?
                        .body
                        .push(owned),
                }
            }
        }
    }
    done.extend(current);
    Ok(done)
}
