//! Serialises trees to EDIFACT with any set of service characters:
//! releasing service characters in values, writing UNA when needed, and the
//! trailers (UNT, UNE, UNZ) with correct counts and references.

use std::io::{self, Write};

use super::charset::Charset;
use super::separators::{show, Separators};
use super::tree::{Interchange, OwnedSegment};

/// Why a tree could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A value holds a service character and there is no release character.
    #[error("{segment}{element:02} contains the service character {shown}, and the separators have no release character")]
    CannotRelease {
        segment: String,
        element: usize,
        shown: String,
    },
    /// A value holds a character the repertoire cannot represent.
    #[error("{segment}{element:02} contains {character:?}, which the syntax identifier's repertoire cannot represent")]
    NotInRepertoire {
        segment: String,
        element: usize,
        character: char,
    },
    /// An element repeats but there is no repetition separator.
    #[error("{segment}{element:02} repeats, but the separators have no repetition separator (syntax version 4)")]
    NoRepetitionSeparator { segment: String, element: usize },
    /// A tag that is not three upper-case letters or digits.
    #[error("segment tag {0:?} is not three upper-case letters or digits")]
    BadTag(String),
    /// The sink failed.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
}

/// Hands out references for interchanges and messages left without one.
#[derive(Clone, Debug)]
pub struct References {
    /// Next interchange control reference (UNB 0020).
    pub interchange: u64,
    /// Next message reference (UNH 0062), restarting at 1 per interchange
    /// when `per_interchange` is set.
    pub message: u64,
    /// Next group reference (UNG 0048).
    pub group: u64,
}

impl Default for References {
    fn default() -> Self {
        References {
            interchange: 1,
            message: 1,
            group: 1,
        }
    }
}

/// Writes interchanges.
pub struct Writer<W> {
    out: W,
    /// Whether to end each segment with a line break (readable output;
    /// readers skip it).
    pub line_breaks: bool,
    references: References,
}

impl<W: Write> Writer<W> {
    /// A writer into `out`, numbering from `references`.
    pub fn new(out: W, references: References) -> Self {
        Writer {
            out,
            line_breaks: false,
            references,
        }
    }

    /// The sink back.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The references the next interchange will use.
    pub fn references(&self) -> &References {
        &self.references
    }

    /// Writes one interchange; empty references are generated, counts and
    /// trailers are computed. Returns the interchange reference used.
    pub fn write(&mut self, interchange: &Interchange) -> Result<String, WriteError> {
        let s = interchange.separators;
        let version = interchange.syntax_version();
        let charset = interchange.charset();
        if interchange.una || !s.are_defaults_for(version) {
            self.out.write_all(&s.una())?;
            self.end_line()?;
        }
        let mut header = interchange.header.clone();
        let reference = fill(&mut header, 5, &mut self.references.interchange);
        self.segment(&header, &s, charset)?;
        let mut message_number = 1u64;
        for group in &interchange.groups {
            let mut group_reference = None;
            if let Some(ung) = &group.header {
                let mut ung = ung.clone();
                group_reference = Some(fill(&mut ung, 5, &mut self.references.group));
                self.segment(&ung, &s, charset)?;
            }
            for message in &group.messages {
                let mut unh = message.header.clone();
                let message_reference = fill(&mut unh, 1, &mut message_number);
                self.segment(&unh, &s, charset)?;
                for segment in &message.body {
                    self.segment(segment, &s, charset)?;
                }
                let count = (message.body.len() + 2).to_string();
                let unt = OwnedSegment::new("UNT", &[&[&count], &[&message_reference]]);
                self.segment(&unt, &s, charset)?;
            }
            if let Some(group_reference) = group_reference {
                let count = group.messages.len().to_string();
                let une = OwnedSegment::new("UNE", &[&[&count], &[&group_reference]]);
                self.segment(&une, &s, charset)?;
            }
        }
        let explicit_groups = interchange
            .groups
            .iter()
            .filter(|g| g.header.is_some())
            .count();
        let count = if explicit_groups > 0 {
            explicit_groups
        } else {
            interchange.groups.iter().map(|g| g.messages.len()).sum()
        };
        let unz = OwnedSegment::new("UNZ", &[&[&count.to_string()], &[&reference]]);
        self.segment(&unz, &s, charset)?;
        self.out.flush()?;
        Ok(reference)
    }

    fn end_line(&mut self) -> io::Result<()> {
        if self.line_breaks {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes one segment, leaving out trailing empty elements and
    /// components.
    pub fn segment(
        &mut self,
        segment: &OwnedSegment,
        s: &Separators,
        charset: Charset,
    ) -> Result<(), WriteError> {
        let tag = segment.tag.as_bytes();
        if tag.len() != 3
            || !tag
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(WriteError::BadTag(segment.tag.clone()));
        }
        let mut line = Vec::with_capacity(64);
        line.extend_from_slice(tag);
        let last = segment
            .elements
            .iter()
            .rposition(|e| e.iter().any(|r| r.iter().any(|c| !c.is_empty())))
            .map_or(0, |i| i + 1);
        for (index, element) in segment.elements[..last].iter().enumerate() {
            line.push(s.element);
            let position = index + 1;
            let repetitions = element
                .iter()
                .rposition(|r| r.iter().any(|c| !c.is_empty()))
                .map_or(0, |i| i + 1);
            if repetitions > 1 && s.repetition.is_none() {
                return Err(WriteError::NoRepetitionSeparator {
                    segment: segment.tag.clone(),
                    element: position,
                });
            }
            for (r, components) in element[..repetitions].iter().enumerate() {
                if r > 0 {
                    line.push(s.repetition.unwrap_or(s.element));
                }
                let used = components
                    .iter()
                    .rposition(|c| !c.is_empty())
                    .map_or(0, |i| i + 1);
                for (k, value) in components[..used].iter().enumerate() {
                    if k > 0 {
                        line.push(s.component);
                    }
                    let bytes =
                        charset
                            .encode(value)
                            .map_err(|character| WriteError::NotInRepertoire {
                                segment: segment.tag.clone(),
                                element: position,
                                character,
                            })?;
                    release_into(&bytes, s, &mut line).map_err(|b| WriteError::CannotRelease {
                        segment: segment.tag.clone(),
                        element: position,
                        shown: show(b),
                    })?;
                }
            }
        }
        line.push(s.terminator);
        self.out.write_all(&line)?;
        self.end_line()?;
        Ok(())
    }
}

/// Copies `value` into `out`, putting the release character before every
/// service character; fails with the byte when there is no release
/// character.
fn release_into(value: &[u8], s: &Separators, out: &mut Vec<u8>) -> Result<(), u8> {
    for &b in value {
        if s.is_service(b) {
            out.push(s.release.ok_or(b)?);
        }
        out.push(b);
    }
    Ok(())
}

/// Fills element `element` (component 1) with the next number when empty;
/// returns the value in force.
fn fill(segment: &mut OwnedSegment, element: usize, next: &mut u64) -> String {
    let current = segment.value(element, 1).to_string();
    if !current.is_empty() {
        return current;
    }
    let number = next.to_string();
    *next += 1;
    if segment.elements.len() < element {
        segment.elements.resize(element, vec![vec![String::new()]]);
    }
    segment.elements[element - 1] = vec![vec![number.clone()]];
    number
}
