//! A small, safe XML layer for the document formats we exchange (cXML):
//! a tree read with limits and without any DTD processing, and a writer.
//!
//! Nothing here fetches a DTD, expands a custom entity or accepts an
//! internal DTD subset: the XML of partners is data, never instructions.

mod arena;
mod read;
mod tree;
mod write;

pub use arena::{trim_xml, Arena, Children, Node as ArenaNode};
pub(crate) use read::to_utf8;
pub use read::{parse, Document, Limits, XmlError};
pub use tree::{Element, Node};
pub use write::{escape_attribute, escape_text, write_document};
