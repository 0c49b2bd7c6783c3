//! The streaming EDIFACT lexer: segments out of any `io::Read`, in bounded
//! memory, honouring UNA and the release character.
//!
//! Service characters come from each interchange's UNA, or the ISO 9735
//! defaults; the repetition separator applies from syntax version 4 on (read
//! from the UNB as it passes). A file may hold several interchanges, and
//! CR/LF or spaces between segments are skipped.

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

/// Reads segments one at a time from a byte source.
pub struct SegmentReader<R> {
    source: R,
    options: ReaderOptions,
    buf: Vec<u8>,
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

impl<R: Read> SegmentReader<R> {
    /// A reader over `source` with default options.
    pub fn new(source: R) -> Self {
        Self::with_options(source, ReaderOptions::default())
    }

    /// A reader over `source`.
    pub fn with_options(source: R, options: ReaderOptions) -> Self {
        let separators = Separators::SYNTAX_3;
        SegmentReader {
            source,
            buf: vec![0; options.chunk_size.max(64)],
            options,
            start: 0,
            end: 0,
            base: 0,
            eof: false,
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

    /// Bytes of buffer held (for memory accounting).
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
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
            if let Some((end, tag_len)) =
                split_to_terminator(&self.buf[from..self.end], &self.classes, &mut self.pieces)
            {
                return Ok((from, from + end, tag_len));
            }
            let terminator = self.separators.terminator;
            if self.end - self.start > self.options.max_segment_len {
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

    fn excerpt(&self) -> String {
        let shown = &self.buf[self.start..self.end.min(self.start + 40)];
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
        if self.start > 0 && self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown =
                (self.buf.len() * 2).min(self.options.max_segment_len + self.options.chunk_size);
            self.buf.resize(grown.max(self.buf.len() + 64), 0);
        }
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
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
        let mut r = SegmentReader::with_options(
            input,
            ReaderOptions {
                chunk_size: chunk,
                max_segment_len: 1000,
            },
        );
        let mut out = Vec::new();
        while let Some(s) = r.next_segment().unwrap() {
            out.push(format!(
                "{}@{}",
                String::from_utf8_lossy(s.raw()),
                s.offset()
            ));
        }
        out
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
    fn bom_and_trailing_whitespace_are_skipped() {
        assert_eq!(
            tags(b"\xEF\xBB\xBFUNB+UNOA:3'\n  \n", 4),
            vec!["UNB+UNOA:3@3"]
        );
    }
}
