//! ANSI X12: the streaming lexer, envelope and guide validation, the writer
//! and the functional acknowledgments (997, 999, TA1).
//!
//! This module knows X12 syntax only; what an 850 *means* is the business of
//! mappings and the core.

pub mod ack;
pub mod delimiters;
mod elements;
pub mod envelope;
pub mod reader;
pub mod report;
mod scan;
pub mod segment;
pub mod synthetic;
pub mod tree;
pub mod validate;
pub mod writer;

pub use delimiters::Delimiters;
pub use reader::{LexError, ReaderOptions, SegmentReader};
pub use report::{AckCode, Issue, Location, Severity, ValidationReport};
pub use segment::{Element, Segment, SegmentFlags};
pub use tree::{Field, Group, Interchange, OwnedSegment, TransactionSet};
pub use validate::{ValidateOptions, Validator};
pub use writer::{ControlNumbers, WriteError, Writer};
