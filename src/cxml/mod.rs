//! cXML: the punchout and procurement message set buyer systems (SAP
//! Ariba, Coupa, Jaggaer, Oracle) exchange with suppliers.
//!
//! Documents are read leniently (non-ISO timestamps, offsets without a
//! colon, a lower-case root, vendor extensions: each with a warning) and
//! written strictly (DTD element order, timestamps with an offset, no
//! secrets in one-way messages). Elements the typed model does not cover
//! are kept and written back, so nothing received is lost.

mod check;
mod codec;
mod common;
mod credential;
mod envelope;
mod form;
mod fulfill;
mod invoice;
mod order;
mod profile;
mod punchout;
mod status;
mod values;

pub use check::errors;
pub use codec::{Codec, Cx, CxmlError, Extended, Extensions, Warning};
pub use common::*;
pub use credential::{check_sender, CredentialCheck, ExpectedCredential};
pub use envelope::*;
pub use form::{auto_submit_form, cart_from_form, parse_form_body, FormError, FormField};
pub use fulfill::*;
pub use invoice::*;
pub use order::*;
pub use profile::*;
pub use punchout::*;
pub use status::*;
pub use values::*;

use crate::xml::{self, Limits, XmlError};

/// A document read: the model, the DTD it named, and what was noted.
#[derive(Clone, Debug)]
pub struct ReadDocument {
    /// The model.
    pub envelope: Envelope,
    /// The DOCTYPE's system identifier, if any (never fetched).
    pub dtd: Option<String>,
    /// Lenient reads and vendor extensions.
    pub warnings: Vec<Warning>,
    /// Breaches of the DTD the reader tolerated (validation reports them
    /// as errors).
    pub invalid: Vec<Warning>,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not acceptable XML (size, depth, entities, encoding, syntax).
    #[error("{0}")]
    Xml(#[from] XmlError),
    /// XML, but not a cXML document the model can hold.
    #[error("{0}")]
    Cxml(#[from] CxmlError),
}

impl ReadError {
    /// The status a server answers with: 406 for documents that do not
    /// parse or validate (the reference guide's preferred code), 400 for
    /// everything else unacceptable.
    pub fn status_code(&self) -> u16 {
        406
    }
}

/// Reads a cXML document within the default limits.
pub fn read(bytes: &[u8]) -> Result<ReadDocument, ReadError> {
    read_with(bytes, &Limits::default())
}

/// Reads a cXML document within `limits`.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<ReadDocument, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        }
        .into());
    }
    let (text, _) = xml::to_utf8(bytes)?;
    let arena = xml::Arena::parse(&text, limits)?;
    let mut cx = Cx::default();
    let envelope = cx.within("cXML", |cx| Envelope::decode(arena.root(), cx))?;
    let dtd = arena.doctype.as_deref().and_then(system_id);
    Ok(ReadDocument {
        envelope,
        dtd,
        warnings: cx.warnings,
        invalid: cx.invalid,
    })
}

/// The system identifier of a DOCTYPE (`cXML SYSTEM "…"`).
fn system_id(doctype: &str) -> Option<String> {
    let start = doctype.find('"')? + 1;
    let end = doctype[start..].find('"')? + start;
    Some(doctype[start..end].to_string())
}

/// The cXML version written when none is asked for.
pub const DEFAULT_VERSION: &str = "1.2.063";

/// Writes `envelope` as a cXML document of `version` (`1.2.063`), with the
/// DOCTYPE of the DTD its message belongs to.
pub fn write(envelope: &Envelope, version: &str) -> String {
    let dtd = match envelope.kind().as_str() {
        "ConfirmationRequest" | "ShipNoticeRequest" => "Fulfill.dtd",
        "InvoiceDetailRequest" => "InvoiceDetail.dtd",
        _ => "cXML.dtd",
    };
    let doctype = format!("cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/{version}/{dtd}\"");
    xml::write_document(&envelope.encode(), Some(&doctype))
}

/// The version a DTD system identifier names (`…/cXML/1.2.014/cXML.dtd`).
pub fn dtd_version(system_id: &str) -> Option<&str> {
    system_id.split('/').find(|part| {
        part.starts_with("1.") && part.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    })
}
