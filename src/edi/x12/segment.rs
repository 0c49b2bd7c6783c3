//! Zero-copy views of one segment and its elements, with byte offsets.

use super::delimiters::Delimiters;

/// What the lexer learnt about a segment's bytes while scanning them.
#[derive(Clone, Copy, Debug, Default)]
pub struct SegmentFlags {
    /// Every byte is printable ASCII (0x20 to 0x7E) and none is a component
    /// or repetition separator: each element is one plain value.
    pub plain: bool,
}

/// One segment as read: a slice of the reader's buffer (without its
/// terminator), where it started in the input, and where its elements split.
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    bytes: &'a [u8],
    offset: u64,
    delimiters: &'a Delimiters,
    /// Positions in `bytes` of each element separator, in order.
    separators: &'a [u32],
    /// Whether every element is one plain value: printable ASCII, no
    /// component or repetition separator (then elements need no splitting
    /// and text values no character check).
    plain: bool,
}

impl<'a> Segment<'a> {
    pub(crate) fn new(
        bytes: &'a [u8],
        offset: u64,
        delimiters: &'a Delimiters,
        separators: &'a [u32],
        flags: SegmentFlags,
    ) -> Self {
        Segment {
            bytes,
            offset,
            delimiters,
            separators,
            plain: flags.plain,
        }
    }

    /// The segment's raw bytes, without the terminator.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Absolute byte offset of the segment's first byte in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The delimiters in force for this segment.
    pub fn delimiters(&self) -> &'a Delimiters {
        self.delimiters
    }

    /// The segment identifier (`ST`, `BEG`, …).
    #[inline]
    pub fn tag(&self) -> &'a [u8] {
        match self.separators.first() {
            Some(&end) => &self.bytes[..end as usize],
            None => self.bytes,
        }
    }

    /// Positions of the element separators in [`Segment::bytes`].
    pub fn separators(&self) -> &'a [u32] {
        self.separators
    }

    /// Whether every element is one plain value (printable ASCII, no
    /// component or repetition separator), as the lexer saw.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// How many elements follow the tag (trailing empty ones included).
    pub fn element_count(&self) -> usize {
        self.separators.len()
    }

    /// Element `n`, counting from 1 as the standard does (`BEG03` is 3).
    /// Positions past the last element read as empty.
    pub fn element(&self, n: usize) -> Element<'a> {
        if n == 0 || n > self.separators.len() {
            let end = self.bytes.len();
            return Element {
                bytes: &self.bytes[end..],
                offset: self.offset + end as u64,
                delimiters: self.delimiters,
                nested: false,
            };
        }
        let start = self.separators[n - 1] as usize + 1;
        let end = self
            .separators
            .get(n)
            .map_or(self.bytes.len(), |&e| e as usize);
        Element {
            bytes: &self.bytes[start..end],
            offset: self.offset + start as u64,
            delimiters: self.delimiters,
            nested: !self.plain,
        }
    }

    /// The elements in order, from element 1.
    pub fn elements(&self) -> Elements<'a> {
        Elements {
            segment: *self,
            next: 0,
        }
    }

    /// Element `n`'s bytes as text (lossy), for messages and headers.
    pub fn text(&self, n: usize) -> String {
        String::from_utf8_lossy(self.element(n).bytes()).into_owned()
    }
}

impl std::fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Segment@{}({})",
            self.offset,
            String::from_utf8_lossy(self.bytes)
        )
    }
}

/// The elements of a segment in order, walking the separator positions once.
pub struct Elements<'a> {
    segment: Segment<'a>,
    /// Index into the separators of the next element's separator.
    next: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        let seg = &self.segment;
        let start = *seg.separators.get(self.next)? as usize + 1;
        self.next += 1;
        let end = seg
            .separators
            .get(self.next)
            .map_or(seg.bytes.len(), |&e| e as usize);
        Some(Element {
            bytes: &seg.bytes[start..end],
            offset: seg.offset + start as u64,
            delimiters: seg.delimiters,
            nested: !seg.plain,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.segment.separators.len() - self.next;
        (left, Some(left))
    }
}

/// One element of a segment: its raw bytes, which may hold repetitions and
/// components.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    bytes: &'a [u8],
    offset: u64,
    delimiters: &'a Delimiters,
    /// Whether the bytes may hold component or repetition separators.
    nested: bool,
}

impl<'a> Element<'a> {
    /// The raw bytes, repetition and component separators included.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Absolute byte offset of the element's first byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the element is absent (empty).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether the element may hold repetition or component separators
    /// (false when the lexer saw none in its segment).
    pub fn may_nest(&self) -> bool {
        self.nested
    }

    /// The repetitions of this element (one, when the interchange has no
    /// repetition separator or the element does not repeat).
    pub fn repetitions(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        let sep = self.delimiters.repetition;
        self.split(sep)
    }

    /// The components of this element (one for a simple element).
    pub fn components(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        self.split(Some(self.delimiters.component))
    }

    fn split(&self, sep: Option<u8>) -> impl Iterator<Item = Element<'a>> + 'a {
        let Element {
            bytes,
            offset,
            delimiters,
            nested,
        } = *self;
        let sep = sep.filter(|_| nested);
        let mut start = 0usize;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let rest = &bytes[start..];
            let len = match sep.and_then(|s| memchr::memchr(s, rest)) {
                Some(i) => i,
                None => {
                    done = true;
                    rest.len()
                }
            };
            let piece = Element {
                bytes: &rest[..len],
                offset: offset + start as u64,
                delimiters,
                nested,
            };
            start += len + 1;
            Some(piece)
        })
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.bytes))
    }
}
