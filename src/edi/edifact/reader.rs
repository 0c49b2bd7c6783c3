//! The streaming EDIFACT lexer: segments out of any `io::Read`, in bounded
//! memory, honouring UNA and the release character.
//!
//! Service characters come from each interchange's UNA, or the ISO 9735
//! defaults; the repetition separator applies from syntax version 4 on (read
//! from the UNB as it passes). A file may hold several interchanges, and
//! CR/LF or spaces between segments are skipped.

use std::borrow::Cow;
use std::io::{self, Read};

pub use crate::edi::ReaderOptions;

use super::segment::{split_to_terminator, Classes, Piece, Segment};
use super::separators::{show, Separators, UnaError};

/// Why the lexer could not go on. After an error the reader yields nothing
/// more.
#[derive(Debug, thiserror::Error)]
pub enum LexError {
    /// The source failed.
    #[error("cannot read the input: {0}")]
    Io(#[from] io::Error),
    /// The UNA segment cannot be used.
    #[error("at byte {offset}: {reason}")]
    BadUna { offset: u64, reason: UnaError },
    /// No terminator within the segment length limit.
    #[error("at byte {offset}: no segment terminator {terminator} within {limit} bytes (segment starts \"{start}\")")]
    SegmentTooLong {
        offset: u64,
        limit: usize,
        terminator: String,
        start: String,
    },
    /// The input ended inside a segment.
    #[error("at byte {offset}: the input ends inside a segment, before its terminator {terminator} (\"{start}\")")]
    Truncated {
        offset: u64,
        terminator: String,
        start: String,
    },
}

impl LexError {
    /// The byte offset the error points at (0 for I/O errors).
    pub fn offset(&self) -> u64 {
        match self {
            LexError::Io(_) => 0,
            LexError::BadUna { offset, .. }
            | LexError::SegmentTooLong { offset, .. }
            | LexError::Truncated { offset, .. } => *offset,
        }
    }
}

/// Reads segments one at a time from a byte source, or from bytes in
/// memory (`'a` is then their lifetime).
pub struct SegmentReader<'a, R> {
    source: R,
    options: ReaderOptions,
    /// The rolling buffer over a stream, or the whole input when it was
    /// handed over in memory.
    buf: Cow<'a, [u8]>,
    /// First byte not yet handed out.
    start: usize,
    /// End of the bytes read into `buf`.
    end: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    eof: bool,
    failed: bool,
    separators: Separators,
    classes: Classes,
    /// The bytes skipped between segments: CR, LF, tab and space, unless
    /// the separators use them.
    filler: [bool; 256],
    /// Whether the current interchange opened with a UNA.
    announced: bool,
    /// Set after a UNZ: the next interchange starts from the defaults.
    interchange_closed: bool,
    pieces: Vec<Piece>,
    segments_read: u64,
}

impl<R: Read> SegmentReader<'static, R> {
    /// A reader over `source` with default options.
    pub fn new(source: R) -> Self {
        Self::with_options(source, ReaderOptions::default())
    }

    /// A reader over `source`.
    pub fn with_options(source: R, options: ReaderOptions) -> Self {
        let chunk = options.chunk_size.max(64);
        SegmentReader::over(source, Cow::Owned(vec![0; chunk]), 0, options)
    }
}

impl<'a> SegmentReader<'a, io::Empty> {
    /// A reader over input already in memory: segments are slices of
    /// `input` itself, nothing is copied.
    pub fn from_bytes(input: &'a [u8]) -> Self {
        Self::from_bytes_with_options(input, ReaderOptions::default())
    }

    /// A reader over input in memory, with the given options.
    pub fn from_bytes_with_options(input: &'a [u8], options: ReaderOptions) -> Self {
        SegmentReader::over(io::empty(), Cow::Borrowed(input), input.len(), options)
    }
}

impl<'a, R: Read> SegmentReader<'a, R> {
    /// A reader whose buffer starts with `filled` bytes of input; when that
    /// is borrowed, it is all the input there is.
    fn over(source: R, buf: Cow<'a, [u8]>, filled: usize, options: ReaderOptions) -> Self {
        let separators = Separators::SYNTAX_3;
        let eof = matches!(buf, Cow::Borrowed(_));
        SegmentReader {
            source,
            buf,
            options,
            start: 0,
            end: filled,
            base: 0,
            eof,
            failed: false,
            classes: Classes::new(&separators),
            filler: filler_of(&separators),
            separators,
            announced: false,
            interchange_closed: false,
            pieces: Vec::with_capacity(64),
            segments_read: 0,
        }
    }

    /// The separators in force.
    pub fn separators(&self) -> &Separators {
        &self.separators
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Bytes of buffer held (for memory accounting): the rolling buffer
    /// grows only up to the chunk size plus the longest segment allowed.
    /// Input read in place is all held from the start: its length.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.len()
    }

    /// Segments handed out so far.
    pub fn segments_read(&self) -> u64 {
        self.segments_read
    }

    /// The next segment, `Ok(None)` at the end of the input. A UNA comes
    /// out as a segment of its own (tag `UNA`, no data elements).
    pub fn next_segment(&mut self) -> Result<Option<Segment<'_>>, LexError> {
        if self.failed {
            return Ok(None);
        }
        let result = self.advance();
        if result.is_err() {
            self.failed = true;
        }
        let Some((from, to, tag_len)) = result? else {
            return Ok(None);
        };
        self.segments_read += 1;
        Ok(Some(Segment {
            raw: &self.buf[from..to],
            offset: self.base + from as u64,
            tag: &self.buf[from..from + tag_len],
            pieces: &self.pieces,
            separators: self.separators,
        }))
    }

    /// Finds the next segment; returns its range in `buf` and its tag length.
    fn advance(&mut self) -> Result<Option<(usize, usize, usize)>, LexError> {
        if self.interchange_closed {
            self.interchange_closed = false;
            self.announced = false;
            self.use_separators(Separators::SYNTAX_3);
        }
        if !self.skip_filler()? {
            return Ok(None);
        }
        // Only a segment starting with U can be a UNA (checked bytewise:
        // this runs for every segment).
        if self.buf[self.start] == b'U'
            && self.fill_to(3)?
            && self.buf[self.start + 1..self.start + 3] == *b"NA"
        {
            return self.read_una().map(Some);
        }
        let (from, to, tag_len) = self.split_segment()?;
        self.start = to + 1;
        self.after_segment(from, tag_len);
        Ok(Some((from, to, tag_len)))
    }

    /// Reads the UNA service string advice (nine bytes, no terminator).
    fn read_una(&mut self) -> Result<(usize, usize, usize), LexError> {
        let offset = self.offset();
        self.fill_to(9)?;
        let available = (self.end - self.start).min(9);
        let una = &self.buf[self.start..self.start + available];
        let separators =
            Separators::from_una(una).map_err(|reason| LexError::BadUna { offset, reason })?;
        self.use_separators(separators);
        self.announced = true;
        self.pieces.clear();
        let from = self.start;
        self.start += 9;
        Ok((from, from + 9, 3))
    }

    /// Learns the syntax version from a UNB, and notes a UNZ.
    fn after_segment(&mut self, from: usize, tag_len: usize) {
        if tag_len != 3 || self.buf[from] != b'U' || self.buf[from + 1] != b'N' {
            return;
        }
        match &self.buf[from..from + tag_len] {
            b"UNB" => {
                let version = self
                    .pieces
                    .iter()
                    .find(|p| p.element == 1 && p.component == 2 && p.repetition == 1)
                    .and_then(|p| self.buf[from + p.start as usize..from + p.end as usize].first())
                    .map_or(3, |&b| b.wrapping_sub(b'0'));
                let mut s = self.separators;
                if !self.announced {
                    s = Separators::defaults(version);
                } else if version < 4 {
                    s.repetition = None;
                }
                self.use_separators(s);
            }
            b"UNZ" => self.interchange_closed = true,
            _ => {}
        }
    }

    fn use_separators(&mut self, separators: Separators) {
        if separators != self.separators {
            self.separators = separators;
            self.classes = Classes::new(&separators);
            self.filler = filler_of(&separators);
        }
    }

    /// Skips CR, LF, tabs and spaces between segments (unless one of them
    /// is a separator). Returns false at the end of the input.
    fn skip_filler(&mut self) -> Result<bool, LexError> {
        loop {
            if self.offset() == 0 {
                // A stream may hand over its first bytes one at a time.
                self.fill_to(3)?;
            }
            if self.at_bom() {
                self.start += 3;
            }
            while self.start < self.end {
                if !self.filler[self.buf[self.start] as usize] {
                    return Ok(true);
                }
                self.start += 1;
            }
            if !self.refill()? {
                return Ok(false);
            }
        }
    }

    /// Whether a UTF-8 byte-order mark starts at `start`, at the very start
    /// of the input.
    fn at_bom(&self) -> bool {
        self.base + self.start as u64 == 0
            && self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF")
    }

    /// Splits the segment at `start` up to its terminator, reading more
    /// as needed; returns (segment start, terminator index, tag length) in
    /// `buf`. After a refill the segment is split again from its start.
    fn split_segment(&mut self) -> Result<(usize, usize, usize), LexError> {
        loop {
            let from = self.start;
            // No further than a segment may reach: input in memory is not
            // bounded by a buffer, and the pieces found are kept.
            let limit = self.end.min(
                from.saturating_add(self.options.max_segment_len)
                    .saturating_add(1),
            );
            let window = &self.buf[from..limit];
            if let Some((end, tag_len)) =
                split_to_terminator(window, &self.classes, &mut self.pieces)
            {
                return Ok((from, from + end, tag_len));
            }
            let terminator = self.separators.terminator;
            if limit - from > self.options.max_segment_len {
                return Err(LexError::SegmentTooLong {
                    offset: self.offset(),
                    limit: self.options.max_segment_len,
                    terminator: show(terminator),
                    start: self.excerpt(),
                });
            }
            if !self.refill()? {
                return Err(LexError::Truncated {
                    offset: self.offset(),
                    terminator: show(terminator),
                    start: self.excerpt(),
                });
            }
        }
    }

    /// The start of the segment at `start`, as an error shows it: no more
    /// than a too-long segment's window holds, so that a stream and input
    /// in memory show the same.
    fn excerpt(&self) -> String {
        let shown_len = 40.min(self.options.max_segment_len.saturating_add(1));
        let shown = &self.buf[self.start..self.end.min(self.start + shown_len)];
        String::from_utf8_lossy(shown).escape_debug().to_string()
    }

    /// Makes at least `n` bytes available at `start` if the input has them;
    /// returns whether it does.
    fn fill_to(&mut self, n: usize) -> Result<bool, LexError> {
        while self.end - self.start < n {
            if !self.refill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads more input, moving unread bytes to the front or growing the
    /// buffer as needed. Returns false when the source is exhausted.
    fn refill(&mut self) -> Result<bool, LexError> {
        if self.eof {
            return Ok(false);
        }
        // Only a stream gets here (borrowed input starts at its end), so
        // this never copies.
        let buf = self.buf.to_mut();
        if self.start > 0 && self.end == buf.len() {
            buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == buf.len() {
            let limit = self
                .options
                .max_segment_len
                .saturating_add(self.options.chunk_size);
            let grown = (buf.len() * 2).min(limit);
            buf.resize(grown.max(buf.len() + 64), 0);
        }
        loop {
            match self.source.read(&mut buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// CR, LF, tab and space, less those `separators` use.
fn filler_of(separators: &Separators) -> [bool; 256] {
    let mut filler = [false; 256];
    for b in [b'\r', b'\n', b'\t', b' '] {
        filler[b as usize] = !separators.is_service(b);
    }
    filler
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(input: &[u8], chunk: usize) -> Vec<String> {
        tags_within(input, chunk, 1000)
    }

    /// Every segment as `raw@offset` and then the error, if any, read in
    /// `chunk`-byte reads; the same bytes read in memory must agree.
    fn tags_within(input: &[u8], chunk: usize, max_segment_len: usize) -> Vec<String> {
        let options = ReaderOptions {
            chunk_size: chunk,
            max_segment_len,
        };
        let stream = Chunked { rest: input, chunk };
        let streamed = read_all(SegmentReader::with_options(stream, options.clone()));
        let in_memory = read_all(SegmentReader::from_bytes_with_options(input, options));
        assert_eq!(streamed, in_memory, "a stream and memory read differently");
        streamed
    }

    /// A source that hands over at most `chunk` bytes per read.
    struct Chunked<'a> {
        rest: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.rest.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    fn read_all<R: Read>(mut reader: SegmentReader<'_, R>) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            match reader.next_segment() {
                Ok(Some(s)) => out.push(format!(
                    "{}@{}",
                    String::from_utf8_lossy(s.raw()),
                    s.offset()
                )),
                Ok(None) => return out,
                Err(e) => {
                    out.push(format!("error: {e}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn reads_una_and_segments_across_chunk_borders() {
        let input = b"UNA:+.? '\r\nUNB+UNOC:3+A+B+200101:1200+1'\r\nFTX+AAI+++a?'b'UNZ+0+1'";
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                tags(input, chunk),
                vec![
                    "UNA:+.? '@0",
                    "UNB+UNOC:3+A+B+200101:1200+1@11",
                    "FTX+AAI+++a?'b@42",
                    "UNZ+0+1@57"
                ],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn custom_separators_and_second_interchange_defaults() {
        let input = b"UNA=*.? ~UNB*UNOA=3*A~UNZ*0*1~UNB+UNOA:4+A'XYZ+A*B'UNZ+0+1'";
        let mut r = SegmentReader::new(&input[..]);
        let mut seen = Vec::new();
        while let Some(s) = r.next_segment().unwrap() {
            seen.push((
                String::from_utf8_lossy(s.tag()).into_owned(),
                s.element_count(),
                s.pieces().len(),
            ));
        }
        assert_eq!(
            seen,
            vec![
                ("UNA".into(), 0, 0),
                ("UNB".into(), 2, 3),
                ("UNZ".into(), 2, 2),
                ("UNB".into(), 2, 3),
                ("XYZ".into(), 1, 2),
                ("UNZ".into(), 2, 2),
            ]
        );
    }

    #[test]
    fn truncated_input_is_an_error_with_its_offset() {
        let mut r = SegmentReader::new(&b"UNB+UNOA:3'BGM+220+12"[..]);
        assert!(r.next_segment().unwrap().is_some());
        let e = r.next_segment().unwrap_err();
        assert!(matches!(e, LexError::Truncated { offset: 11, .. }), "{e}");
        assert!(r.next_segment().unwrap().is_none());
    }

    #[test]
    fn the_segment_length_limit_is_the_same_streamed_and_in_memory() {
        // The FTX segment is 50 bytes long.
        let input = b"UNB+UNOA:3'FTX+AAI+++0123456789012345678901234567890123456789'UNZ+0+1'";
        for chunk in [1, 7, 64, 4096] {
            let read = tags_within(input, chunk, 49);
            assert_eq!(read.len(), 2, "chunk {chunk}: {read:?}");
            assert!(
                read[1].starts_with("error: at byte 11: no segment terminator")
                    && read[1].contains("within 49 bytes"),
                "chunk {chunk}: {read:?}"
            );
            assert_eq!(tags_within(input, chunk, 50).len(), 3, "chunk {chunk}");
        }
    }

    #[test]
    fn short_limits_and_a_bom_read_byte_by_byte_read_the_same_both_ways() {
        let mut input = b"ABCDEFGH'".repeat(5);
        input.extend([b'X'; 40]);
        for chunk in [1, 2, 64] {
            let read = tags_within(&input, chunk, 10);
            assert!(read[5].contains("XXXXXXXXXXX\")"), "{read:?}");
            assert_eq!(
                tags_within(b"\xEF\xBB\xBFUNB+UNOA:3'", chunk, 10),
                ["UNB+UNOA:3@3"]
            );
        }
    }

    #[test]
    fn input_in_memory_is_split_no_further_than_a_segment_may_reach() {
        let mut input = b"UNB+UNOA:3'FTX".to_vec();
        input.resize(1 << 20, b'+');
        let options = ReaderOptions {
            chunk_size: 4096,
            max_segment_len: 1000,
        };
        let mut reader = SegmentReader::from_bytes_with_options(&input, options);
        assert!(reader.next_segment().unwrap().is_some());
        let e = reader.next_segment().unwrap_err();
        assert!(
            matches!(e, LexError::SegmentTooLong { offset: 11, .. }),
            "{e}"
        );
        assert!(
            reader.pieces.capacity() < 4096,
            "{}",
            reader.pieces.capacity()
        );
    }

    #[test]
    fn segments_in_memory_are_slices_of_the_input() {
        let input = b"UNB+UNOC:3+A+B+200101:1200+1'FTX+AAI+++Stra\xdfe'UNZ+0+1'";
        let mut reader = SegmentReader::from_bytes(input);
        let mut read = 0;
        while let Some(s) = reader.next_segment().unwrap() {
            let at = s.offset() as usize;
            assert!(std::ptr::eq(s.raw().as_ptr(), input[at..].as_ptr()));
            read += 1;
        }
        assert_eq!(read, 3);
    }

    #[test]
    fn bom_and_trailing_whitespace_are_skipped() {
        assert_eq!(
            tags(b"\xEF\xBB\xBFUNB+UNOA:3'\n  \n", 4),
            vec!["UNB+UNOA:3@3"]
        );
    }
}
