//! Electronic data interchange syntaxes.
//!
//! [`x12`] reads, validates, writes and acknowledges ANSI X12, [`edifact`]
//! does the same for UN/EDIFACT; [`guide`] holds the implementation guides
//! (the standards as data) that validation of both walks.

pub(crate) mod blocks;
pub mod edifact;
pub mod guide;
pub(crate) mod seen;
pub mod x12;

/// How the EDI readers treat their input (both syntaxes).
#[derive(Debug, Clone)]
pub struct ReaderOptions {
    /// Bytes read from the source at a time.
    pub chunk_size: usize,
    /// The longest segment accepted; a longer one is an error rather than
    /// unbounded memory.
    pub max_segment_len: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            chunk_size: 256 * 1024,
            max_segment_len: 1024 * 1024,
        }
    }
}
