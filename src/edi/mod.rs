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
