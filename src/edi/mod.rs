//! Electronic data interchange syntaxes.
//!
//! [`x12`] reads, validates, writes and acknowledges ANSI X12; [`guide`] holds
//! the implementation guides (the standard as data) that validation walks.

pub mod guide;
pub mod x12;
