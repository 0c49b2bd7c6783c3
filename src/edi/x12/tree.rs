//! An owned tree of interchanges, groups, sets and segments: what the writer
//! serialises and what mappings (a later layer) build and read.
//!
//! Trailers (SE, GE, IEA) follow from the tree: the writer computes their
//! counts and control numbers. Trailers read from input are kept only so
//! that a tree written back unchanged reproduces their exact spelling
//! (`SE*0031*…` stays zero-padded).

use std::io::Read;

use super::reader::{LexError, SegmentReader};
use super::segment::Segment;

/// One element: its repetitions, each a list of components (a simple
/// element is one repetition of one component).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Field(pub Vec<Vec<Vec<u8>>>);

impl Field {
    /// A simple element with one value.
    pub fn simple(value: impl AsRef<[u8]>) -> Self {
        Field(vec![vec![value.as_ref().to_vec()]])
    }

    /// A composite element with the given components.
    pub fn composite<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(components: I) -> Self {
        Field(vec![components
            .into_iter()
            .map(|c| c.as_ref().to_vec())
            .collect()])
    }

    /// The first component of the first repetition (the value of a simple
    /// element).
    pub fn value(&self) -> &[u8] {
        self.0
            .first()
            .and_then(|r| r.first())
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the element is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|r| r.iter().all(Vec::is_empty))
    }
}

/// A segment with owned values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedSegment {
    /// Segment identifier.
    pub tag: String,
    /// Elements from position 1.
    pub elements: Vec<Field>,
}

impl OwnedSegment {
    /// A segment of simple elements.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(tag: &str, values: I) -> Self {
        OwnedSegment {
            tag: tag.to_string(),
            elements: values.into_iter().map(Field::simple).collect(),
        }
    }

    /// Copies a read segment. ISA elements are kept whole (ISA11 and ISA16
    /// are delimiters themselves).
    pub fn from_segment(seg: &Segment<'_>) -> Self {
        let whole = seg.tag() == b"ISA";
        let elements = seg
            .elements()
            .map(|e| {
                if whole {
                    return Field::simple(e.bytes());
                }
                Field(
                    e.repetitions()
                        .map(|r| r.components().map(|c| c.bytes().to_vec()).collect())
                        .collect(),
                )
            })
            .collect();
        OwnedSegment {
            tag: String::from_utf8_lossy(seg.tag()).into_owned(),
            elements,
        }
    }

    /// Element `n` (1-based), or an empty one.
    pub fn element(&self, n: usize) -> &[u8] {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map_or(&[], Field::value)
    }

    /// Element `n` as text (lossy).
    pub fn text(&self, n: usize) -> String {
        String::from_utf8_lossy(self.element(n)).into_owned()
    }
}

/// A transaction set: its ST header and the segments between ST and SE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionSet {
    /// The ST segment.
    pub header: OwnedSegment,
    /// The segments after ST, before SE.
    pub body: Vec<OwnedSegment>,
    /// The SE as read, if any.
    pub trailer: Option<OwnedSegment>,
}

/// A functional group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The GS segment.
    pub header: OwnedSegment,
    /// Sets in order.
    pub sets: Vec<TransactionSet>,
    /// The GE as read, if any.
    pub trailer: Option<OwnedSegment>,
}

/// An interchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    /// The ISA segment.
    pub header: OwnedSegment,
    /// TA1, ISB and ISE segments between ISA and the first group.
    pub service_segments: Vec<OwnedSegment>,
    /// Groups in order.
    pub groups: Vec<Group>,
    /// The IEA as read, if any.
    pub trailer: Option<OwnedSegment>,
}

/// Why input could not be read into a tree. Use validation to learn
/// everything that is wrong; the tree reader stops at the first structural
/// problem.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// The lexer failed.
    #[error(transparent)]
    Lex(#[from] LexError),
    /// The envelope nesting is broken.
    #[error("at byte {offset}: {message}")]
    Structure { offset: u64, message: String },
}

/// Reads every interchange of `input` into trees.
pub fn parse<R: Read>(input: R) -> Result<Vec<Interchange>, TreeError> {
    let mut reader = SegmentReader::new(input);
    let mut out: Vec<Interchange> = Vec::new();
    let mut open = Open::Nothing;
    while let Some(seg) = reader.next_segment()? {
        let offset = seg.offset();
        let fail = |message: &str| TreeError::Structure {
            offset,
            message: format!("{message} (found {})", String::from_utf8_lossy(seg.tag())),
        };
        let owned = OwnedSegment::from_segment(&seg);
        open = match (open, seg.tag()) {
            (Open::Nothing, b"ISA") => {
                out.push(Interchange {
                    header: owned,
                    service_segments: Vec::new(),
                    groups: Vec::new(),
                    trailer: None,
                });
                Open::Interchange
            }
            (Open::Interchange, b"TA1" | b"ISB" | b"ISE") => {
                last_interchange(&mut out)?.service_segments.push(owned);
                Open::Interchange
            }
            (Open::Interchange, b"GS") => {
                last_interchange(&mut out)?.groups.push(Group {
                    header: owned,
                    sets: Vec::new(),
                    trailer: None,
                });
                Open::Group
            }
            (Open::Interchange, b"IEA") => {
                last_interchange(&mut out)?.trailer = Some(owned);
                Open::Nothing
            }
            (Open::Group, b"ST") => {
                last_group(&mut out)?.sets.push(TransactionSet {
                    header: owned,
                    body: Vec::new(),
                    trailer: None,
                });
                Open::Set
            }
            (Open::Group, b"GE") => {
                last_group(&mut out)?.trailer = Some(owned);
                Open::Interchange
            }
            (Open::Set, b"SE") => {
                if let Some(set) = last_group(&mut out)?.sets.last_mut() {
                    set.trailer = Some(owned);
                }
                Open::Group
            }
            (Open::Set, b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST") => {
                return Err(fail("a set is missing its SE"))
            }
            (Open::Set, _) => {
                last_group(&mut out)?
                    .sets
                    .last_mut()
                    .ok_or_else(|| fail("no open set"))?
                    .body
                    .push(owned);
                Open::Set
            }
            (Open::Nothing, _) => return Err(fail("expected ISA")),
            (Open::Interchange, _) => return Err(fail("expected GS, TA1 or IEA")),
            (Open::Group, _) => return Err(fail("expected ST or GE")),
        };
    }
    match open {
        Open::Nothing => Ok(out),
        _ => Err(TreeError::Structure {
            offset: reader.offset(),
            message: "the input ends inside an interchange".into(),
        }),
    }
}

enum Open {
    Nothing,
    Interchange,
    Group,
    Set,
}

fn last_interchange(out: &mut [Interchange]) -> Result<&mut Interchange, TreeError> {
    out.last_mut().ok_or(TreeError::Structure {
        offset: 0,
        message: "no open interchange".into(),
    })
}

fn last_group(out: &mut [Interchange]) -> Result<&mut Group, TreeError> {
    last_interchange(out)?
        .groups
        .last_mut()
        .ok_or(TreeError::Structure {
            offset: 0,
            message: "no open group".into(),
        })
}
