//! Serialises trees back to X12 with any delimiter set, writing trailers
//! with correct counts and control numbers.

use std::io::{self, Write};

use super::delimiters::{show_byte, Delimiters};
use super::tree::{Field, Interchange, OwnedSegment};

/// Why a tree could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A value holds one of the delimiters; writing it would corrupt the
    /// interchange.
    #[error("{segment}{element:02} (segment {position} of its interchange) contains the {delimiter} {shown}; choose other delimiters or remove it")]
    DelimiterInValue {
        segment: String,
        position: usize,
        element: usize,
        delimiter: &'static str,
        shown: String,
    },
    /// An element repeats but the delimiter set has no repetition separator.
    #[error("{segment}{element:02} repeats, but the delimiters have no repetition separator (ISA12 before 00402)")]
    NoRepetitionSeparator { segment: String, element: usize },
    /// The delimiters themselves are unusable.
    #[error("unusable delimiters: {0}")]
    Delimiters(String),
    /// A segment identifier that is not 2 or 3 uppercase letters or digits.
    #[error("segment {position} of its interchange has the identifier {tag:?}; it must be 2 or 3 uppercase letters or digits")]
    BadTag { position: usize, tag: String },
    /// The ISA header is not 16 elements.
    #[error("the ISA header has {0} elements; it needs 16")]
    BadHeader(usize),
    /// The sink failed.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
}

/// Which envelope level a control number is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlLevel {
    /// ISA13 / IEA02.
    Interchange,
    /// GS06 / GE02.
    Group,
    /// ST02 / SE02.
    Set,
}

/// Hands out control numbers for outbound documents.
pub trait ControlCounter {
    /// The next number for `level`.
    fn next(&mut self, level: ControlLevel) -> u64;
}

/// A counter that numbers each level from a starting value upwards.
#[derive(Clone, Debug)]
pub struct SequentialCounter {
    /// Next ISA13.
    pub interchange: u64,
    /// Next GS06.
    pub group: u64,
    /// Next ST02.
    pub set: u64,
}

impl SequentialCounter {
    /// Every level starts at `start`.
    pub fn starting_at(start: u64) -> Self {
        SequentialCounter {
            interchange: start,
            group: start,
            set: start,
        }
    }
}

impl ControlCounter for SequentialCounter {
    fn next(&mut self, level: ControlLevel) -> u64 {
        let slot = match level {
            ControlLevel::Interchange => &mut self.interchange,
            ControlLevel::Group => &mut self.group,
            ControlLevel::Set => &mut self.set,
        };
        let n = *slot;
        // Control numbers have at most nine digits: wrap to 1 after them.
        *slot = if n >= 999_999_999 { 1 } else { n + 1 };
        n
    }
}

/// Where control numbers come from.
pub enum ControlNumbers<'a> {
    /// Keep those in the tree.
    Keep,
    /// Replace them with numbers from the counter.
    Generate(&'a mut dyn ControlCounter),
}

/// Writes interchanges with one delimiter set.
pub struct Writer {
    delimiters: Delimiters,
    /// Write a newline after each segment terminator (unless the terminator
    /// is itself a newline).
    pub line_breaks: bool,
}

impl Writer {
    /// A writer for `delimiters`, one segment per line.
    pub fn new(delimiters: Delimiters) -> Self {
        Writer {
            delimiters,
            line_breaks: true,
        }
    }

    /// Serialises one interchange into `out`.
    pub fn write<W: Write>(
        &self,
        interchange: &Interchange,
        numbers: &mut ControlNumbers<'_>,
        out: &mut W,
    ) -> Result<(), WriteError> {
        self.delimiters.check().map_err(WriteError::Delimiters)?;
        let mut seg_no = 0usize;
        let mut isa = interchange.header.clone();
        if isa.elements.len() != 16 {
            return Err(WriteError::BadHeader(isa.elements.len()));
        }
        let isa13 = take_number(numbers, ControlLevel::Interchange, &isa.elements[12], 9);
        isa.elements[12] = isa13.clone();
        if let Some(r) = self.delimiters.repetition {
            isa.elements[10] = Field::simple([r]);
        }
        isa.elements[15] = Field::simple([self.delimiters.component]);
        self.segment(&isa, &mut seg_no, out)?;
        for ta1 in &interchange.service_segments {
            self.segment(ta1, &mut seg_no, out)?;
        }
        for group in &interchange.groups {
            let mut gs = group.header.clone();
            if gs.elements.len() < 6 {
                gs.elements.resize(6, Field::default());
            }
            let gs06 = take_number(numbers, ControlLevel::Group, &gs.elements[5], 0);
            gs.elements[5] = gs06.clone();
            self.segment(&gs, &mut seg_no, out)?;
            for set in &group.sets {
                let mut st = set.header.clone();
                if st.elements.len() < 2 {
                    st.elements.resize(2, Field::default());
                }
                let st02 = take_number(numbers, ControlLevel::Set, &st.elements[1], 4);
                st.elements[1] = st02.clone();
                self.segment(&st, &mut seg_no, out)?;
                for s in &set.body {
                    self.segment(s, &mut seg_no, out)?;
                }
                let se = trailer("SE", set.body.len() + 2, st02, set.trailer.as_ref());
                self.segment(&se, &mut seg_no, out)?;
            }
            let ge = trailer("GE", group.sets.len(), gs06, group.trailer.as_ref());
            self.segment(&ge, &mut seg_no, out)?;
        }
        let iea = trailer(
            "IEA",
            interchange.groups.len(),
            isa13,
            interchange.trailer.as_ref(),
        );
        self.segment(&iea, &mut seg_no, out)?;
        Ok(())
    }

    /// Serialises one interchange into a byte vector.
    pub fn to_bytes(
        &self,
        interchange: &Interchange,
        numbers: &mut ControlNumbers<'_>,
    ) -> Result<Vec<u8>, WriteError> {
        let mut out = Vec::new();
        self.write(interchange, numbers, &mut out)?;
        Ok(out)
    }

    fn segment<W: Write>(
        &self,
        seg: &OwnedSegment,
        seg_no: &mut usize,
        out: &mut W,
    ) -> Result<(), WriteError> {
        *seg_no += 1;
        let d = &self.delimiters;
        let is_isa = seg.tag == "ISA";
        if crate::edi::guide::Tag::from_bytes(seg.tag.as_bytes()).is_none() {
            return Err(WriteError::BadTag {
                position: *seg_no,
                tag: seg.tag.clone(),
            });
        }
        out.write_all(seg.tag.as_bytes())?;
        for (i, field) in seg.elements.iter().enumerate() {
            let element = i + 1;
            out.write_all(&[d.element])?;
            if is_isa && (element == 11 || element == 16) {
                out.write_all(field.value())?;
                continue;
            }
            if field.0.len() > 1 && d.repetition.is_none() {
                return Err(WriteError::NoRepetitionSeparator {
                    segment: seg.tag.clone(),
                    element,
                });
            }
            for (r, repetition) in field.0.iter().enumerate() {
                if r > 0 {
                    out.write_all(&[d.repetition.unwrap_or(d.element)])?;
                }
                for (c, component) in repetition.iter().enumerate() {
                    if c > 0 {
                        out.write_all(&[d.component])?;
                    }
                    self.check_value(seg, *seg_no, element, component)?;
                    out.write_all(component)?;
                }
            }
        }
        out.write_all(d.terminator())?;
        if self.line_breaks && d.terminator() != b"\n" {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn check_value(
        &self,
        seg: &OwnedSegment,
        position: usize,
        element: usize,
        value: &[u8],
    ) -> Result<(), WriteError> {
        let d = &self.delimiters;
        let found = value.iter().find_map(|&b| {
            if b == d.element {
                Some(("element separator", b))
            } else if Some(b) == d.repetition {
                Some(("repetition separator", b))
            } else if b == d.component {
                Some(("component separator", b))
            } else if b == d.terminator()[0] {
                Some(("segment terminator", b))
            } else {
                None
            }
        });
        // With a line feed as terminator, readers take CR LF as the line
        // ending, so a carriage return in a value would not read back.
        let found = found.or_else(|| {
            (d.terminator() == b"\n" && value.contains(&b'\r'))
                .then_some(("line ending (CR before the LF terminator)", b'\r'))
        });
        match found {
            Some((delimiter, b)) => Err(WriteError::DelimiterInValue {
                segment: seg.tag.clone(),
                position,
                element,
                delimiter,
                shown: show_byte(b),
            }),
            None => Ok(()),
        }
    }
}

/// The control number for a header: the tree's own, or the counter's next
/// (zero-padded to `width`, as ISA13 requires nine digits).
fn take_number(
    numbers: &mut ControlNumbers<'_>,
    level: ControlLevel,
    current: &Field,
    width: usize,
) -> Field {
    match numbers {
        ControlNumbers::Keep => current.clone(),
        ControlNumbers::Generate(counter) => {
            // At most nine digits, whatever the counter hands out.
            let n = counter.next(level) % 1_000_000_000;
            Field::simple(format!("{n:0width$}"))
        }
    }
}

/// A trailer with the right count and control number; the one read from
/// input when it says the same (keeping its spelling, e.g. zero padding).
fn trailer(tag: &str, count: usize, number: Field, read: Option<&OwnedSegment>) -> OwnedSegment {
    let same = read.is_some_and(|r| {
        r.elements.len() == 2
            && r.elements[1] == number
            && std::str::from_utf8(r.element(1))
                .ok()
                .and_then(|c| c.parse::<usize>().ok())
                == Some(count)
    });
    match read {
        Some(r) if same => r.clone(),
        _ => OwnedSegment {
            tag: tag.to_string(),
            elements: vec![Field::simple(count.to_string()), number],
        },
    }
}
