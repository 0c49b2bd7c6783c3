//! A small, safe XML layer for the document formats we exchange (cXML):
//! a tree read with limits and without any DTD processing, and a writer.
//!
//! Nothing here fetches a DTD, expands a custom entity or accepts an
//! internal DTD subset: the XML of partners is data, never instructions.

mod read;
mod tree;
mod write;

pub use read::{parse, parse_with, Document, KnownNames, Limits, XmlError};
pub(crate) use tree::trim_owned;
pub use tree::{Element, Node};
pub use write::{escape_attribute, escape_text, write_document};
