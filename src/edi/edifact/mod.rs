//! UN/EDIFACT: the streaming lexer (UNA, release characters, syntax
//! versions 3 and 4), character repertoires, envelope and guide
//! validation, the writer and CONTRL.
//!
//! This module knows the syntax only; what a message means is the mapping
//! layer's business.

pub mod charset;
pub mod contrl;
pub mod reader;
pub mod segment;
pub mod separators;
pub mod synthetic;

pub use charset::Charset;
pub use reader::{LexError, ReaderOptions, SegmentReader};
pub use segment::{Piece, Segment};
pub use separators::Separators;
mod envelope;
mod fast;
pub mod report;
pub mod validate;
pub mod values;

pub use report::ValidationReport;
pub use validate::{ValidateOptions, Validator};
pub mod tree;
pub mod writer;

pub use tree::{read_interchanges, Interchange, OwnedSegment};
pub use writer::{References, Writer};
