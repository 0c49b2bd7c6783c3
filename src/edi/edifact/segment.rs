//! One EDIFACT segment as slices of the input: its data elements, their
//! repetitions and components, each with its byte position.

use std::borrow::Cow;
use std::fmt;

use super::separators::Separators;
use crate::edi::blocks::{BlockNeedles, BLOCK};

/// One component (or the value of a simple data element) of one repetition
/// of one data element, as a byte range of its segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Piece {
    /// Start, relative to the segment's first byte.
    pub start: u32,
    /// End (exclusive), relative to the segment's first byte.
    pub end: u32,
    /// Data element position, 1-based (the tag is position 0).
    pub element: u16,
    /// Repetition, 1-based.
    pub repetition: u16,
    /// Component position, 1-based.
    pub component: u16,
    /// How many release characters the raw bytes hold (saturating at
    /// `u16::MAX`): the value is that much shorter than its raw bytes.
    pub releases: u16,
}

impl Piece {
    /// Whether the raw bytes hold release characters to take out.
    pub fn escaped(&self) -> bool {
        self.releases > 0
    }
}

/// A segment handed out by the reader: valid until the next one is read.
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    pub(crate) raw: &'a [u8],
    pub(crate) offset: u64,
    pub(crate) tag: &'a [u8],
    pub(crate) pieces: &'a [Piece],
    pub(crate) separators: Separators,
}

impl<'a> Segment<'a> {
    /// The segment's bytes, without its terminator.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Absolute byte offset of the segment's first byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The segment tag (`BGM`).
    pub fn tag(&self) -> &'a [u8] {
        self.tag
    }

    /// The separators in force for this segment.
    pub fn separators(&self) -> &Separators {
        &self.separators
    }

    /// Every piece of data, in order (empty ones included).
    pub fn pieces(&self) -> &'a [Piece] {
        self.pieces
    }

    /// How many data elements follow the tag (trailing empty ones counted).
    pub fn element_count(&self) -> usize {
        self.pieces.last().map_or(0, |p| p.element as usize)
    }

    /// The raw bytes of a piece.
    pub fn raw_piece(&self, piece: &Piece) -> &'a [u8] {
        &self.raw[piece.start as usize..piece.end as usize]
    }

    /// The value of a piece with release characters taken out.
    pub fn value_of(&self, piece: &Piece) -> Cow<'a, [u8]> {
        let raw = self.raw_piece(piece);
        match (piece.escaped(), self.separators.release) {
            (true, Some(release)) => Cow::Owned(unescape(raw, release)),
            _ => Cow::Borrowed(raw),
        }
    }

    /// The value at element `element`, component `component` (both 1-based)
    /// of the first repetition; `None` when absent or empty.
    pub fn value(&self, element: usize, component: usize) -> Option<Cow<'a, [u8]>> {
        self.pieces
            .iter()
            .find(|p| {
                p.element as usize == element
                    && p.component as usize == component
                    && p.repetition == 1
            })
            .filter(|p| p.end > p.start)
            .map(|p| self.value_of(p))
    }

    /// [`Segment::value`] as text (lossy), empty when absent.
    pub fn text(&self, element: usize, component: usize) -> String {
        self.value(element, component)
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }

    /// The pieces of element `element` (all repetitions and components).
    pub fn element(&self, element: usize) -> impl Iterator<Item = &'a Piece> + 'a {
        self.pieces
            .iter()
            .filter(move |p| p.element as usize == element)
    }

    /// The absolute byte offset of a piece.
    pub fn offset_of(&self, piece: &Piece) -> u64 {
        self.offset + piece.start as u64
    }
}

/// Takes release characters out: each one stands before a character to be
/// read literally.
pub fn unescape(raw: &[u8], release: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        if b == release {
            if let Some(&next) = bytes.next() {
                out.push(next);
                continue;
            }
        }
        out.push(b);
    }
    out
}

impl fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Segment@{}({})",
            self.offset,
            String::from_utf8_lossy(self.raw)
        )
    }
}

/// Splits a segment's bytes (without terminator) into pieces, appending
/// to `out`; returns the length of the tag. Separators preceded by the
/// release character are data.
#[cfg(test)]
pub(crate) fn split(raw: &[u8], classes: &Classes, out: &mut Vec<Piece>) -> usize {
    out.clear();
    let mut state = Splitter::new(false);
    let end = scan(raw, classes, out, &mut state).unwrap_or(raw.len());
    state.finish(end, out)
}

/// Splits the segment that starts `buf`, up to its terminator: the
/// terminator's index and the tag's length, or `None` when `buf` ends
/// first (more input is needed). One pass finds the terminator and the
/// separators alike, sixteen bytes at a time.
pub(crate) fn split_to_terminator(
    buf: &[u8],
    classes: &Classes,
    out: &mut Vec<Piece>,
) -> Option<(usize, usize)> {
    out.clear();
    let mut state = Splitter::new(true);
    let end = scan(buf, classes, out, &mut state)?;
    Some((end, state.finish(end, out)))
}

/// Feeds every service character of `buf` to `state`; returns the index
/// of the first unreleased terminator, if any.
fn scan(
    buf: &[u8],
    classes: &Classes,
    out: &mut Vec<Piece>,
    state: &mut Splitter,
) -> Option<usize> {
    let mut base = 0;
    while base < buf.len() {
        let mut mask = match buf.get(base..base + BLOCK).map(<&[u8; BLOCK]>::try_from) {
            Some(Ok(block)) => classes.1.any_of(block),
            _ => {
                // The tail, padded: only bits of real bytes count.
                let rest = buf.len() - base;
                let mut block = [0u8; BLOCK];
                block[..rest].copy_from_slice(&buf[base..]);
                classes.1.any_of(&block) & ((1u32 << rest) - 1)
            }
        };
        while mask != 0 {
            let i = base + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if state.at(i, classes.0[buf[i] as usize], out) {
                return Some(i);
            }
        }
        base += BLOCK;
    }
    None
}

/// The splitter's position: the piece being read.
struct Splitter {
    /// Whether a terminator ends the segment (else it is data: the bytes
    /// given are one segment already).
    stop_at_terminator: bool,
    /// Where the piece starts.
    start: u32,
    /// The piece's element, repetition, component and release count, 16
    /// bits each from the lowest, as [`Piece`] lays them out: one register
    /// rather than four.
    ids: u64,
    /// Where the tag ends (`usize::MAX` until known).
    tag_end: usize,
    /// Bytes before this index were released (are data).
    released_to: usize,
}

const REPETITION_ONE: u64 = 1 << 16;
const COMPONENT_ONE: u64 = 1 << 32;
const RELEASE_ONE: u64 = 1 << 48;

impl Splitter {
    fn new(stop_at_terminator: bool) -> Self {
        Splitter {
            stop_at_terminator,
            start: 0,
            ids: REPETITION_ONE | COMPONENT_ONE,
            tag_end: usize::MAX,
            released_to: 0,
        }
    }

    fn releases(&self) -> u16 {
        (self.ids >> 48) as u16
    }

    /// The piece being read, ending at `end`.
    #[inline(always)]
    fn piece(&self, end: usize) -> Piece {
        Piece {
            start: self.start,
            end: end as u32,
            element: self.ids as u16,
            repetition: (self.ids >> 16) as u16,
            component: (self.ids >> 32) as u16,
            releases: self.releases(),
        }
    }

    /// Ends the piece being read at `end`: the tag's, or one to keep.
    #[inline(always)]
    fn end_piece(&mut self, end: usize, out: &mut Vec<Piece>) {
        if self.ids as u16 == 0 {
            self.tag_end = self.tag_end.min(end);
        } else {
            out.push(self.piece(end));
        }
    }

    /// Ends the segment at `end`; returns the tag's length.
    fn finish(&mut self, end: usize, out: &mut Vec<Piece>) -> usize {
        if self.released_to > end && self.releases() < u16::MAX {
            // A release character as the last byte releases nothing: it is
            // data, as `unescape` reads it.
            self.ids -= RELEASE_ONE;
        }
        self.end_piece(end, out);
        self.tag_end.min(end)
    }

    /// Handles the service character of class `class` at index `i`;
    /// returns true at an unreleased segment terminator.
    #[inline(always)]
    fn at(&mut self, i: usize, class: Class, out: &mut Vec<Piece>) -> bool {
        if i < self.released_to {
            return false;
        }
        if !class.separates() {
            return match class {
                Class::Terminator => self.stop_at_terminator,
                _ => {
                    if self.releases() < u16::MAX {
                        self.ids += RELEASE_ONE;
                    }
                    self.released_to = i + 2;
                    false
                }
            };
        }
        self.end_piece(i, out);
        self.start = i as u32 + 1;
        let (element, repetition, component) = (
            self.ids as u16,
            (self.ids >> 16) as u16,
            (self.ids >> 32) as u16,
        );
        // Counts stop at their largest value rather than wrap: such a
        // segment is refused, never misread.
        let (element, repetition, component) = match class {
            Class::Element => (element.saturating_add(1), 1, 1),
            Class::Component => (element, repetition, component.saturating_add(1)),
            _ => (element, repetition.saturating_add(1), 1),
        };
        self.ids = element as u64 | (repetition as u64) << 16 | (component as u64) << 32;
        false
    }
}

/// What each byte is to the splitter, for one set of separators, and the
/// bytes the block compare looks for.
#[derive(Clone)]
pub(crate) struct Classes([Class; 256], BlockNeedles<5>);

impl Classes {
    pub(crate) fn new(separators: &Separators) -> Classes {
        let mut class = [Class::Data; 256];
        class[separators.element as usize] = Class::Element;
        class[separators.component as usize] = Class::Component;
        if let Some(r) = separators.repetition {
            class[r as usize] = Class::Repetition;
        }
        if let Some(r) = separators.release {
            class[r as usize] = Class::Release;
        }
        class[separators.terminator as usize] = Class::Terminator;
        let needles = [
            separators.element,
            separators.component,
            separators.repetition.unwrap_or(separators.element),
            separators.release.unwrap_or(separators.element),
            separators.terminator,
        ];
        Classes(class, BlockNeedles::new(needles))
    }
}

/// The separators come first, so that telling them from the rest is one
/// compare.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    Element,
    Component,
    Repetition,
    Release,
    Terminator,
    Data,
}

impl Class {
    /// Whether it ends a piece (and the segment goes on).
    #[inline(always)]
    fn separates(self) -> bool {
        (self as u8) <= Class::Repetition as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(raw: &[u8], s: &Separators) -> (usize, Vec<(u16, u16, u16, String)>) {
        let mut out = Vec::new();
        let tag = split(raw, &Classes::new(s), &mut out);
        let seg = Segment {
            raw,
            offset: 0,
            tag: &raw[..tag],
            pieces: &out,
            separators: *s,
        };
        let shown = out
            .iter()
            .map(|p| {
                (
                    p.element,
                    p.repetition,
                    p.component,
                    String::from_utf8(seg.value_of(p).into_owned()).unwrap(),
                )
            })
            .collect();
        (tag, shown)
    }

    #[test]
    fn splits_elements_components_and_releases() {
        let (tag, p) = pieces(b"FTX+AAI+++A?+B?:C??D:E", &Separators::SYNTAX_3);
        assert_eq!(tag, 3);
        assert_eq!(
            p,
            vec![
                (1, 1, 1, "AAI".into()),
                (2, 1, 1, "".into()),
                (3, 1, 1, "".into()),
                (4, 1, 1, "A+B:C?D".into()),
                (4, 1, 2, "E".into()),
            ]
        );
    }

    #[test]
    fn repetitions_in_syntax_4() {
        let (_, p) = pieces(b"XYZ+A*B:C", &Separators::SYNTAX_4);
        assert_eq!(
            p,
            vec![
                (1, 1, 1, "A".into()),
                (1, 2, 1, "B".into()),
                (1, 2, 2, "C".into())
            ]
        );
        let (_, p) = pieces(b"XYZ+A*B", &Separators::SYNTAX_3);
        assert_eq!(p, vec![(1, 1, 1, "A*B".into())]);
    }

    /// The plain byte-at-a-time split the block split must agree with.
    fn reference_split(raw: &[u8], s: &Separators) -> (usize, Vec<Piece>) {
        let mut out = Vec::new();
        let mut piece = Piece {
            start: 0,
            end: 0,
            element: 0,
            repetition: 1,
            component: 1,
            releases: 0,
        };
        let mut tag_end = None;
        let mut i = 0;
        while i < raw.len() {
            let b = raw[i];
            if Some(b) == s.release {
                if i + 1 < raw.len() {
                    piece.releases += 1;
                }
                i += 2;
                continue;
            }
            let separator = b == s.element || b == s.component || Some(b) == s.repetition;
            if separator {
                piece.end = i as u32;
                if piece.element == 0 {
                    tag_end.get_or_insert(i);
                } else {
                    out.push(piece);
                }
                piece.start = i as u32 + 1;
                piece.releases = 0;
                if b == s.element {
                    (piece.element, piece.repetition, piece.component) = (piece.element + 1, 1, 1);
                } else if b == s.component {
                    piece.component += 1;
                } else {
                    (piece.repetition, piece.component) = (piece.repetition + 1, 1);
                }
            }
            i += 1;
        }
        piece.end = raw.len() as u32;
        if piece.element == 0 {
            tag_end.get_or_insert(raw.len());
        } else {
            out.push(piece);
        }
        (tag_end.unwrap_or(raw.len()), out)
    }

    proptest::proptest! {
        #[test]
        fn block_split_agrees_with_the_plain_split(raw in proptest::collection::vec(proptest::sample::select(b"AB1 +:*?'\n\xdf".to_vec()), 0..70), v4 in proptest::bool::ANY) {
            let s = if v4 { Separators::SYNTAX_4 } else { Separators::SYNTAX_3 };
            let mut out = Vec::new();
            let tag = split(&raw, &Classes::new(&s), &mut out);
            proptest::prop_assert_eq!((tag, out), reference_split(&raw, &s));
        }

        /// Up to the terminator, the block split sees what the plain split
        /// sees of the bytes before it, whatever follows.
        #[test]
        fn the_terminator_ends_the_split(raw in proptest::collection::vec(proptest::sample::select(b"AB1 +:?'\n\xdf".to_vec()), 1..70)) {
            let s = Separators::SYNTAX_3;
            let mut out = Vec::new();
            if let Some((end, tag)) = split_to_terminator(&raw, &Classes::new(&s), &mut out) {
                proptest::prop_assert_eq!((tag, out), reference_split(&raw[..end], &s));
            }
        }
    }

    #[test]
    fn releases_are_counted_and_a_last_release_is_data() {
        let classes = Classes::new(&Separators::SYNTAX_3);
        let mut out = Vec::new();
        let long = b"IMD+F++:::Schraube M5 x 20?, verzinkt?'?:??'";
        assert_eq!(split_to_terminator(long, &classes, &mut out), Some((43, 3)));
        assert_eq!(out.last().map(|p| p.releases), Some(4));
        split(b"FTX+AAI+++A??B?", &classes, &mut out);
        let last = out.last().unwrap();
        assert_eq!((last.releases, last.end - last.start), (1, 5));
    }

    #[test]
    fn a_segment_of_only_a_tag_has_no_pieces() {
        assert_eq!(pieces(b"UNS", &Separators::SYNTAX_3), (3, vec![]));
    }
}
