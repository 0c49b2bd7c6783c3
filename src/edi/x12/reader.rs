//! The streaming X12 lexer: segments out of any `io::Read`, in bounded memory.
//!
//! A fixed buffer rolls forward over the input; every segment handed out is a
//! slice of that buffer plus its absolute byte offset. Input already in
//! memory ([`SegmentReader::from_bytes`]) is read in place, without the
//! copy. Delimiters are read from each interchange's ISA segment, so a file
//! may hold several interchanges with different delimiters.

use std::borrow::Cow;
use std::io::{self, Read};

pub use crate::edi::ReaderOptions;

use memchr::memchr;

use super::delimiters::{excerpt, show_bytes, Delimiters};
use super::scan::{find_segment_end, Needles, Progress};
use super::segment::{Segment, SegmentFlags};

/// Why the lexer could not go on. After an error the reader yields nothing
/// more: without a trustworthy terminator there is no safe place to resume.
#[derive(Debug, thiserror::Error)]
pub enum LexError {
    /// The source failed.
    #[error("cannot read the input: {0}")]
    Io(#[from] io::Error),
    /// Something other than an ISA segment where an interchange must start.
    #[error(
        "at byte {offset}: expected an ISA segment to start an interchange, found \"{found}\""
    )]
    NotIsa { offset: u64, found: String },
    /// The ISA segment does not yield a usable delimiter set.
    #[error("at byte {offset}: the ISA segment is malformed: {reason}")]
    BadIsa { offset: u64, reason: String },
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
            LexError::NotIsa { offset, .. }
            | LexError::BadIsa { offset, .. }
            | LexError::SegmentTooLong { offset, .. }
            | LexError::Truncated { offset, .. } => *offset,
        }
    }
}

/// The ISA segment is fixed at 106 bytes in a well-formed interchange; we
/// find its delimiters by counting separators instead, and give up if the
/// sixteenth is not found within this many bytes.
const ISA_SEARCH_LIMIT: usize = 512;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads X12 segments one at a time from `R`, or from bytes in memory
/// (`'a` is then their lifetime).
pub struct SegmentReader<'a, R> {
    source: R,
    options: ReaderOptions,
    /// The rolling buffer over a stream, or the whole input when it was
    /// handed over in memory.
    buf: Cow<'a, [u8]>,
    /// First unconsumed byte in `buf`.
    pos: usize,
    /// End of valid data in `buf`.
    filled: usize,
    /// Absolute input offset of `buf[0]`.
    base: u64,
    eof: bool,
    failed: bool,
    /// Delimiters of the interchange being read; `None` between interchanges.
    delimiters: Option<Delimiters>,
    /// The previous segment was IEA: forget the delimiters before the next.
    end_of_interchange: bool,
    separators: Vec<u32>,
    /// What the scan of the current segment noticed.
    progress: Progress,
    /// The bytes the scan looks for, from `delimiters`.
    needles: Needles,
    segments_read: u64,
}

impl<R: Read> SegmentReader<'static, R> {
    /// A reader with default options.
    pub fn new(source: R) -> Self {
        Self::with_options(source, ReaderOptions::default())
    }

    /// A reader with the given options.
    pub fn with_options(source: R, options: ReaderOptions) -> Self {
        let chunk = options.chunk_size.max(ISA_SEARCH_LIMIT);
        SegmentReader::over(source, Cow::Owned(vec![0; chunk]), 0, options)
    }
}

impl<'a> SegmentReader<'a, io::Empty> {
    /// A reader over input already in memory: segments are slices of
    /// `input` itself.
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
        let eof = matches!(buf, Cow::Borrowed(_));
        SegmentReader {
            source,
            buf,
            options,
            pos: 0,
            filled,
            base: 0,
            eof,
            failed: false,
            delimiters: None,
            end_of_interchange: false,
            separators: Vec::with_capacity(64),
            progress: Progress::default(),
            needles: Needles::from(&Delimiters::standard()),
            segments_read: 0,
        }
    }

    /// The delimiters of the interchange being read, once its ISA was read.
    pub fn delimiters(&self) -> Option<&Delimiters> {
        self.delimiters.as_ref()
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The bytes the rolling buffer holds; it grows only up to the chunk
    /// size plus the longest segment allowed. Input read in place is all
    /// held from the start: its length.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.len()
    }

    /// How many segments were handed out so far.
    pub fn segments_read(&self) -> u64 {
        self.segments_read
    }

    /// The next segment, `Ok(None)` at the end of the input.
    pub fn next_segment(&mut self) -> Result<Option<Segment<'_>>, LexError> {
        if self.failed {
            return Ok(None);
        }
        match self.advance() {
            Ok(Some((start, end))) => {
                self.segments_read += 1;
                // `advance` leaves the delimiters of the segment's interchange.
                let Some(delimiters) = self.delimiters.as_ref() else {
                    return Ok(None);
                };
                Ok(Some(Segment::new(
                    &self.buf[start..end],
                    self.base + start as u64,
                    delimiters,
                    &self.separators,
                    SegmentFlags {
                        plain: !self.progress.special,
                    },
                )))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// Finds the next segment; returns its range in `buf`, leaving the
    /// delimiters in force in `self.delimiters` and its element separators
    /// in `self.separators`.
    fn advance(&mut self) -> Result<Option<(usize, usize)>, LexError> {
        if self.end_of_interchange {
            // Stray terminators after the IEA are still the old
            // interchange's filler.
            let more = self.skip_filler()?;
            self.delimiters = None;
            self.end_of_interchange = false;
            if !more {
                return Ok(None);
            }
        }
        if !self.skip_filler()? {
            return Ok(None);
        }
        let delimiters = match self.delimiters {
            Some(d) => d,
            None => {
                let d = self.read_isa_delimiters()?;
                self.needles = Needles::from(&d);
                d
            }
        };
        self.delimiters = Some(delimiters);
        if let Some((start, end)) = self.binary_segment(&delimiters)? {
            return Ok(Some((start, end)));
        }
        let (start, mut end, next) = self.find_terminated(&delimiters)?;
        self.pos = next;
        if delimiters.terminator() == b"\n" && end > start && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        if self.buf[start..end].starts_with(b"IEA") {
            self.end_of_interchange = true;
        }
        Ok(Some((start, end)))
    }

    /// Skips whitespace (and a byte-order mark) between segments. Returns
    /// false at the end of the input.
    #[inline(always)]
    fn skip_filler(&mut self) -> Result<bool, LexError> {
        loop {
            while let Some(&b) = self.buf[..self.filled].get(self.pos) {
                if b.is_ascii_alphanumeric() {
                    return Ok(true);
                }
                // NUL: padding of fixed-block transfers.
                let filler = matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0c | 0x1a | 0x00)
                    || self.delimiters.is_some_and(|d| d.terminator() == [b]);
                if filler {
                    self.pos += 1;
                    continue;
                }
                if b == UTF8_BOM[0] && self.delimiters.is_none() {
                    if self.filled - self.pos < UTF8_BOM.len() && !self.eof {
                        break;
                    }
                    if self.buf[self.pos..self.filled].starts_with(UTF8_BOM) {
                        self.pos += UTF8_BOM.len();
                        continue;
                    }
                }
                return Ok(true);
            }
            if !self.fill()? && self.pos >= self.filled {
                return Ok(false);
            }
        }
    }

    /// Reads more input behind what is unconsumed, moving it to the front of
    /// the buffer first. Returns false when the source is exhausted.
    fn fill(&mut self) -> Result<bool, LexError> {
        if self.eof {
            return Ok(false);
        }
        // Only a stream gets here (borrowed input starts at its end), so
        // this never copies.
        let buf = self.buf.to_mut();
        if self.pos > 0 {
            buf.copy_within(self.pos..self.filled, 0);
            self.base += self.pos as u64;
            self.filled -= self.pos;
            self.pos = 0;
        }
        if self.filled == buf.len() {
            let limit = self.options.max_segment_len + self.options.chunk_size;
            if buf.len() >= limit {
                return Ok(true);
            }
            let grown = (buf.len() * 2).min(limit);
            buf.resize(grown, 0);
        }
        loop {
            match self.source.read(&mut buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reads the delimiters from the ISA segment at `pos` without consuming
    /// it: the element separator is the byte after `ISA`, ISA16 is the byte
    /// after the sixteenth separator and the terminator follows it.
    fn read_isa_delimiters(&mut self) -> Result<Delimiters, LexError> {
        while self.filled - self.pos < ISA_SEARCH_LIMIT && self.fill()? {}
        let window = &self.buf[self.pos..self.filled.min(self.pos + ISA_SEARCH_LIMIT)];
        let offset = self.offset();
        if !window.starts_with(b"ISA") || window.len() < 4 {
            return Err(LexError::NotIsa {
                offset,
                found: excerpt(window, 40),
            });
        }
        let element = window[3];
        let bad = |reason: String| LexError::BadIsa { offset, reason };
        if element.is_ascii_alphanumeric() {
            return Err(bad(format!(
                "the element separator (the byte after \"ISA\") is {}, a letter or digit",
                show_bytes(&[element])
            )));
        }
        let positions: Vec<usize> = memchr::memchr_iter(element, window).take(16).collect();
        if positions.len() < 16 {
            return Err(bad(format!(
                "found {} element separators {} where ISA needs 16",
                positions.len(),
                show_bytes(&[element])
            )));
        }
        let isa16 = positions[15] + 1;
        let Some(&component) = window.get(isa16) else {
            return Err(bad("the input ends inside the ISA segment".into()));
        };
        let terminator = terminator_at(&window[isa16 + 1..])
            .ok_or_else(|| bad("the input ends before the ISA segment terminator".into()))?;
        let isa11 = &window[positions[10] + 1..positions[11]];
        let isa12 = &window[positions[11] + 1..positions[12]];
        let repetition = repetition_separator(isa11, isa12);
        let delimiters = Delimiters::with_terminator(element, repetition, component, terminator)
            .ok_or_else(|| bad("the segment terminator is not 1 to 4 bytes".into()))?;
        delimiters.check().map_err(bad)?;
        Ok(delimiters)
    }

    /// Finds the end of the segment at `pos`, recording element separators.
    /// Returns (start, end, next) where `next` is past the terminator.
    fn find_terminated(&mut self, d: &Delimiters) -> Result<(usize, usize, usize), LexError> {
        self.separators.clear();
        self.progress = Progress::default();
        let terminator = d.terminator();
        let mut scan = self.pos;
        loop {
            let start = self.pos;
            // No further than a segment may reach: input in memory is not
            // bounded by a buffer, and the separators found are kept.
            let limit = self
                .filled
                .min(start + self.options.max_segment_len + terminator.len());
            let hay = &self.buf[..limit];
            match find_segment_end(
                hay,
                scan,
                start,
                &self.needles,
                &mut self.separators,
                &mut self.progress,
            ) {
                Some(at) if at - start > self.options.max_segment_len => {
                    // Input in memory holds any length; the limit is the same.
                    return Err(LexError::SegmentTooLong {
                        offset: self.offset(),
                        limit: self.options.max_segment_len,
                        terminator: show_bytes(terminator),
                        start: excerpt(&self.buf[start..at], 40),
                    });
                }
                Some(at) if terminator.len() == 1 => return Ok((start, at, at + 1)),
                Some(at) if at + terminator.len() > self.filled && !self.eof => scan = at,
                Some(at) if self.buf[at..self.filled].starts_with(terminator) => {
                    return Ok((start, at, at + terminator.len()))
                }
                Some(at) => {
                    scan = at + 1;
                    continue;
                }
                None => scan = limit,
            }
            // What was scanned without finding the end (a terminator split
            // by a read is not counted against the segment).
            if scan - self.pos > self.options.max_segment_len {
                return Err(LexError::SegmentTooLong {
                    offset: self.offset(),
                    limit: self.options.max_segment_len,
                    terminator: show_bytes(terminator),
                    start: excerpt(&self.buf[self.pos..self.filled], 40),
                });
            }
            if self.eof && matches!(terminator, b"\n" | b"\r") && start < self.filled {
                // Line-per-segment files often lack the last line break.
                return Ok((start, self.filled, self.filled));
            }
            if self.eof {
                return Err(LexError::Truncated {
                    offset: self.offset(),
                    terminator: show_bytes(terminator),
                    start: excerpt(&self.buf[self.pos..self.filled], 40),
                });
            }
            let consumed = self.pos;
            self.fill()?;
            // `fill` moved the unconsumed bytes to the front.
            scan -= consumed - self.pos;
        }
    }

    /// A `BIN` segment carries binary data of a declared length that may
    /// contain any delimiter; read exactly that many bytes. Returns `None` if
    /// the segment at `pos` is not a well-formed binary segment (it is then
    /// lexed as an ordinary one and its length element reported by
    /// validation).
    fn binary_segment(&mut self, d: &Delimiters) -> Result<Option<(usize, usize)>, LexError> {
        const HEADER_LIMIT: usize = 24;
        if self.buf[..self.filled].get(self.pos) != Some(&b'B') {
            return Ok(None);
        }
        while self.filled - self.pos < HEADER_LIMIT && self.fill()? {}
        let head = &self.buf[self.pos..self.filled.min(self.pos + HEADER_LIMIT)];
        if !(head.len() > 4 && head.starts_with(b"BIN") && head[3] == d.element) {
            return Ok(None);
        }
        let Some(digits_len) = memchr(d.element, &head[4..]) else {
            return Ok(None);
        };
        let digits = &head[4..4 + digits_len];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Ok(None);
        }
        let declared: usize = std::str::from_utf8(digits)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(usize::MAX);
        if declared > self.options.max_segment_len {
            return Ok(None);
        }
        let data_start = 4 + digits_len + 1;
        let total = data_start + declared + d.terminator().len();
        if total > self.options.max_segment_len {
            return Ok(None);
        }
        while self.filled - self.pos < total && self.fill()? {}
        if self.filled - self.pos < total {
            return Err(LexError::Truncated {
                offset: self.offset(),
                terminator: show_bytes(d.terminator()),
                start: excerpt(&self.buf[self.pos..self.filled], 40),
            });
        }
        let start = self.pos;
        let end = start + data_start + declared;
        if !self.buf[end..].starts_with(d.terminator()) {
            return Ok(None);
        }
        self.separators.clear();
        self.progress.special = true;
        self.separators.push(3);
        self.separators.push((4 + digits_len) as u32);
        self.pos = end + d.terminator().len();
        Ok(Some((start, end)))
    }
}

/// The segment terminator at the start of `rest`: one byte, or a whole UTF-8
/// character when the byte starts a multi-byte one.
fn terminator_at(rest: &[u8]) -> Option<&[u8]> {
    let first = *rest.first()?;
    let len = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    };
    match rest.get(..len) {
        Some(bytes) if len == 1 || std::str::from_utf8(bytes).is_ok() => Some(bytes),
        Some(_) => Some(&rest[..1]),
        None => None,
    }
}

/// ISA11 is the repetition separator from version 00402 on; before that it
/// is the standards identifier (`U`).
fn repetition_separator(isa11: &[u8], isa12: &[u8]) -> Option<u8> {
    let version_has_repetition =
        isa12.len() == 5 && isa12.iter().all(u8::is_ascii_digit) && isa12 >= b"00402".as_slice();
    match isa11 {
        [b] if version_has_repetition && !b.is_ascii_alphanumeric() && *b != b' ' => Some(*b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*P*:~";

    /// The tags and offsets a stream reader yields, checked against the
    /// reader over the same bytes in memory.
    fn tags(input: &[u8], options: ReaderOptions) -> Result<Vec<(String, u64)>, LexError> {
        let streamed = tags_of(SegmentReader::with_options(input, options.clone()));
        let in_place = tags_of(SegmentReader::from_bytes_with_options(input, options));
        assert_eq!(
            format!("{streamed:?}"),
            format!("{in_place:?}"),
            "a stream and the same bytes in memory read differently"
        );
        streamed
    }

    fn tags_of<R: Read>(mut r: SegmentReader<'_, R>) -> Result<Vec<(String, u64)>, LexError> {
        let mut out = vec![];
        while let Some(s) = r.next_segment()? {
            out.push((String::from_utf8_lossy(s.tag()).into_owned(), s.offset()));
        }
        Ok(out)
    }

    #[test]
    fn reads_delimiters_from_isa() {
        let input = format!("{ISA}\nGS*PO*A*B*20210101*1200*1*X*005010~\n");
        let mut r = SegmentReader::new(input.as_bytes());
        let isa = r.next_segment().unwrap().unwrap();
        assert_eq!(isa.element_count(), 16);
        assert_eq!(isa.element(16).bytes(), b":");
        let d = *r.delimiters().unwrap();
        assert_eq!(d, Delimiters::new(b'*', Some(b'^'), b':', b'~'));
        let gs = r.next_segment().unwrap().unwrap();
        assert_eq!(gs.tag(), b"GS");
        assert_eq!(gs.offset(), ISA.len() as u64 + 1);
        assert_eq!(gs.element(8).bytes(), b"005010");
        assert!(r.next_segment().unwrap().is_none());
    }

    #[test]
    fn no_repetition_separator_before_00402() {
        let isa = ISA.replace("*^*00501*", "*U*00401*");
        let mut r = SegmentReader::new(isa.as_bytes());
        r.next_segment().unwrap();
        assert_eq!(r.delimiters().unwrap().repetition, None);
    }

    #[test]
    fn newline_as_terminator_strips_cr() {
        let input = ISA.replace('~', "\r\n") + "ST*850*0001\r\n";
        let mut r = SegmentReader::new(input.as_bytes());
        r.next_segment().unwrap();
        let st = r.next_segment().unwrap().unwrap();
        assert_eq!(st.bytes(), b"ST*850*0001");
    }

    #[test]
    fn multibyte_terminator() {
        let input = ISA.replace('~', "…") + "ST*850*0001…\r\nSE*2*0001…";
        let got = tags(input.as_bytes(), ReaderOptions::default()).unwrap();
        let names: Vec<_> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["ISA", "ST", "SE"]);
    }

    #[test]
    fn several_interchanges_with_different_delimiters() {
        let second = ISA.replace('*', "|").replace('~', "\n");
        let input = format!("\u{feff}{ISA}IEA*0*000000001~\n  {second}IEA|0|000000001\n");
        let got = tags(input.as_bytes(), ReaderOptions::default()).unwrap();
        let names: Vec<_> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["ISA", "IEA", "ISA", "IEA"]);
    }

    #[test]
    fn offsets_survive_tiny_chunks() {
        let body: String = (0..50).map(|i| format!("REF*ZZ*{i}~\n")).collect();
        let input = format!("{ISA}{body}");
        let small = ReaderOptions {
            chunk_size: 7,
            max_segment_len: 200,
        };
        let a = tags(input.as_bytes(), small).unwrap();
        let b = tags(input.as_bytes(), ReaderOptions::default()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 51);
        let (_, off) = &a[10];
        assert!(input[*off as usize..].starts_with("REF*ZZ*9~"));
    }

    #[test]
    fn newline_terminated_input_ends_cleanly_after_buffer_moves() {
        // Compaction leaves stale bytes behind `filled`; the end of input
        // must not be mistaken for another segment.
        let body: String = (0..40).map(|i| format!("REF|ZZ|{i}\n")).collect();
        let input = ISA.replace('*', "|").replace('~', "\n") + &body + "SE|1|1";
        for chunk_size in [7, 64, 4096] {
            let options = ReaderOptions {
                chunk_size,
                max_segment_len: 300,
            };
            let got = tags(input.as_bytes(), options).unwrap();
            assert_eq!(got.len(), 42, "chunk {chunk_size}");
            assert_eq!(got.last().unwrap().0, "SE");
        }
    }

    #[test]
    fn stray_terminators_and_padding_after_the_last_iea_are_filler() {
        let input = format!("{ISA}IEA*0*000000001~~~\n\0\0\0");
        let got = tags(input.as_bytes(), ReaderOptions::default()).unwrap();
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn binary_segment_longer_than_allowed_is_not_read_as_binary() {
        let input = format!("{ISA}BIN*1000*{}~", "x".repeat(1000));
        let options = ReaderOptions {
            chunk_size: 7,
            max_segment_len: 1000,
        };
        let err = tags(input.as_bytes(), options).unwrap_err();
        assert!(matches!(err, LexError::SegmentTooLong { .. }), "{err}");
    }

    #[test]
    fn truncated_segment_is_an_error_with_offset() {
        let input = format!("{ISA}ST*850*00");
        let err = tags(input.as_bytes(), ReaderOptions::default()).unwrap_err();
        assert!(matches!(err, LexError::Truncated { offset, .. } if offset == ISA.len() as u64));
    }

    #[test]
    fn not_x12_is_an_error() {
        let err = tags(b"hello world", ReaderOptions::default()).unwrap_err();
        assert!(err.to_string().contains("expected an ISA segment"), "{err}");
    }

    #[test]
    fn over_long_segment_is_an_error_not_memory() {
        let input = format!("{ISA}NTE*{}", "x".repeat(10_000));
        let options = ReaderOptions {
            chunk_size: 512,
            max_segment_len: 1000,
        };
        let err = tags(input.as_bytes(), options).unwrap_err();
        assert!(matches!(err, LexError::SegmentTooLong { .. }), "{err}");
    }

    #[test]
    fn over_long_segment_in_memory_is_scanned_no_further_than_the_limit() {
        let input = format!("{ISA}NTE{}~", "*".repeat(100_000));
        let options = ReaderOptions {
            chunk_size: 512,
            max_segment_len: 1000,
        };
        let mut r = SegmentReader::from_bytes_with_options(input.as_bytes(), options.clone());
        assert!(matches!(r.next_segment(), Ok(Some(_))));
        let err = match r.next_segment() {
            Err(e) => e,
            Ok(_) => panic!("a segment of 100,003 bytes passed a limit of 1,000"),
        };
        assert!(matches!(err, LexError::SegmentTooLong { .. }), "{err}");
        assert!(r.separators.len() <= 1_016, "{}", r.separators.len());
        assert!(tags(input.as_bytes(), options).is_err());
    }

    #[test]
    fn segments_at_the_length_limit_read_alike_however_a_stream_splits_them() {
        // A two-byte terminator that the end of the first read (512 bytes)
        // cuts in half for one of the paddings.
        let isa = ISA.replace('~', "§");
        let options = ReaderOptions {
            chunk_size: 512,
            max_segment_len: 200,
        };
        for pad in 0..150 {
            for length in 196..=201 {
                let input = format!(
                    "{isa}N9*ZZ*{}§REF*ZZ*{}§NTE*{}§SE*2*0001§",
                    "q".repeat(150),
                    "p".repeat(pad),
                    "x".repeat(length - 4)
                );
                let read = tags(input.as_bytes(), options.clone());
                assert_eq!(read.is_ok(), length <= 200, "pad {pad}, length {length}");
            }
        }
    }

    #[test]
    fn binary_segment_may_hold_delimiters() {
        let input = format!("{ISA}BIN*5*a~b*c~SE*1*1~");
        let mut r = SegmentReader::new(input.as_bytes());
        r.next_segment().unwrap();
        let bin = r.next_segment().unwrap().unwrap();
        assert_eq!(bin.element(2).bytes(), b"a~b*c");
        assert_eq!(r.next_segment().unwrap().unwrap().tag(), b"SE");
    }

    #[test]
    fn empty_and_whitespace_input_has_no_segments() {
        assert!(tags(b"", ReaderOptions::default()).unwrap().is_empty());
        assert!(tags(b" \r\n\t", ReaderOptions::default())
            .unwrap()
            .is_empty());
    }
}
