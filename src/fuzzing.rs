//! The properties the fuzz target checks, kept in the library so the
//! normal test suite runs the same code over the fuzz corpus seeds.

use crate::edi::guide::Catalog;
use crate::edi::x12::ack::{acknowledge, Stamp};
use crate::edi::x12::reader::SegmentReader;
use crate::edi::x12::tree;
use crate::edi::x12::validate::Validator;
use crate::edi::x12::writer::{ControlNumbers, Writer};
use crate::edi::x12::Delimiters;

/// Runs the lexer, the validator, the acknowledgment builder and the tree
/// reader over arbitrary bytes. Panics (which a fuzzer reports) only if an
/// invariant breaks: no input may panic, and what the tree reader accepts
/// must write back and read again to the same tree.
pub fn exercise(data: &[u8]) {
    let mut reader = SegmentReader::from_bytes(data);
    while let Ok(Some(segment)) = reader.next_segment() {
        let _ = segment
            .elements()
            .map(|e| e.components().count())
            .sum::<usize>();
    }
    assert_eq!(
        x12_segments(SegmentReader::from_bytes(data)),
        x12_segments(SegmentReader::new(data)),
        "reading in place and reading a stream disagree"
    );
    let Ok(catalog) = Catalog::x12() else { return };
    let report = Validator::new(catalog).validate_bytes(data);
    let stamp = Stamp {
        date: "20260101".into(),
        time: "1200".into(),
    };
    let _ = acknowledge(&report, None, &stamp);
    let Ok(trees) = tree::parse(data) else { return };
    for (interchange, delimiters) in trees.iter().zip(interchange_delimiters(data)) {
        let Ok(bytes) = Writer::new(delimiters).to_bytes(interchange, &mut ControlNumbers::Keep)
        else {
            continue;
        };
        let again = tree::parse(bytes.as_slice())
            .unwrap_or_else(|e| panic!("written interchange does not read back: {e}"));
        assert_eq!(
            again.len(),
            1,
            "one interchange written, {} read back",
            again.len()
        );
        assert_eq!(
            again[0].groups.len(),
            interchange.groups.len(),
            "groups differ after a round trip"
        );
        let written_body: Vec<_> = again[0]
            .groups
            .iter()
            .flat_map(|g| &g.sets)
            .map(|s| &s.body)
            .collect();
        let read_body: Vec<_> = interchange
            .groups
            .iter()
            .flat_map(|g| &g.sets)
            .map(|s| &s.body)
            .collect();
        assert_eq!(
            written_body, read_body,
            "segments differ after a round trip"
        );
    }
}

/// Each segment's offset and bytes, then how the reader stopped.
fn x12_segments<R: std::io::Read>(
    mut reader: SegmentReader<'_, R>,
) -> (Vec<(u64, Vec<u8>)>, Option<String>) {
    let mut segments = Vec::new();
    loop {
        match reader.next_segment() {
            Ok(Some(s)) => segments.push((s.offset(), s.bytes().to_vec())),
            Ok(None) => return (segments, None),
            Err(e) => return (segments, Some(e.to_string())),
        }
    }
}

/// One EDIFACT segment as read: its offset, bytes and pieces.
type ReadSegment = (u64, Vec<u8>, Vec<crate::edi::edifact::Piece>);

/// Each EDIFACT segment's offset, bytes and pieces, then how the reader
/// stopped.
fn edifact_segments<R: std::io::Read>(
    mut reader: crate::edi::edifact::SegmentReader<'_, R>,
) -> (Vec<ReadSegment>, Option<String>) {
    let mut segments = Vec::new();
    loop {
        match reader.next_segment() {
            Ok(Some(s)) => segments.push((s.offset(), s.raw().to_vec(), s.pieces().to_vec())),
            Ok(None) => return (segments, None),
            Err(e) => return (segments, Some(e.to_string())),
        }
    }
}

/// The delimiters of each interchange, in input order.
fn interchange_delimiters(data: &[u8]) -> Vec<Delimiters> {
    let mut reader = SegmentReader::from_bytes(data);
    let mut out = Vec::new();
    while let Ok(Some(segment)) = reader.next_segment() {
        if segment.tag() == b"ISA" {
            out.push(*segment.delimiters());
        }
    }
    out
}

/// The EDIFACT counterpart of [`exercise`]: lexer, validator, CONTRL and
/// the tree round trip over arbitrary bytes. What the tree reader accepts
/// and the writer can write must read back to the same tree.
pub fn exercise_edifact(data: &[u8]) {
    use crate::edi::edifact::{self, contrl};
    let mut reader = edifact::SegmentReader::from_bytes(data);
    while let Ok(Some(segment)) = reader.next_segment() {
        for piece in segment.pieces() {
            let _ = segment.value_of(piece);
        }
    }
    assert_eq!(
        edifact_segments(edifact::SegmentReader::from_bytes(data)),
        edifact_segments(edifact::SegmentReader::new(data)),
        "reading in place and reading a stream disagree"
    );
    let Ok(catalog) = Catalog::edifact() else {
        return;
    };
    let validator = edifact::Validator::new(catalog);
    let report = validator.validate_bytes(data);
    assert_eq!(
        format!("{report:?}"),
        format!("{:?}", validator.validate(data)),
        "validating in place and validating a stream disagree"
    );
    let stamp = contrl::Stamp {
        date: "20260101".into(),
        time: "1200".into(),
    };
    let _ = contrl::write_contrls(&report, &stamp, 1, Vec::new());
    let Ok(trees) = edifact::read_interchanges(data) else {
        return;
    };
    for interchange in &trees {
        let mut writer = edifact::Writer::new(Vec::new(), edifact::References::default());
        if writer.write(interchange).is_err() {
            continue;
        }
        let bytes = writer.into_inner();
        let again = edifact::read_interchanges(bytes.as_slice())
            .unwrap_or_else(|e| panic!("written interchange does not read back: {e}"));
        assert_eq!(
            again.len(),
            1,
            "one interchange written, {} read back",
            again.len()
        );
        let messages = |i: &edifact::Interchange| -> Vec<edifact::tree::Message> {
            i.groups.iter().flat_map(|g| g.messages.clone()).collect()
        };
        assert_eq!(
            messages(&again[0])
                .iter()
                .map(|m| &m.body)
                .collect::<Vec<_>>(),
            messages(interchange)
                .iter()
                .map(|m| &m.body)
                .collect::<Vec<_>>(),
            "segments differ after a round trip"
        );
    }
}

/// The cXML counterpart: the reader over arbitrary bytes (bounded, never
/// panicking), and what it reads must write and read back to the same
/// model; OCI form and page readers alike.
pub fn exercise_cxml(data: &[u8]) {
    use crate::{cxml, oci};
    let limits = crate::xml::Limits {
        max_bytes: 1 << 20,
        max_depth: 32,
    };
    if let Ok(document) = cxml::read_with(data, &limits) {
        let _ = cxml::errors(&document);
        let written = cxml::write(&document.envelope, cxml::DEFAULT_VERSION);
        let again = cxml::read(written.as_bytes())
            .unwrap_or_else(|e| panic!("a written document does not read back: {e}\n{written}"));
        let mut expected = document.envelope.clone();
        if let cxml::Body::Message { .. } = expected.body {
            expected.header = expected.header.map(|h| h.without_secrets());
        }
        assert_eq!(
            expected, again.envelope,
            "the model changed in a round trip"
        );
    }
    let text = String::from_utf8_lossy(data);
    let fields = oci::fields_from_html(&text);
    let _ = oci::parse_cart(&fields);
    let _ = oci::parse_entry(&cxml::parse_form_body(data));
    if let Ok(cart) = oci::parse_cart(&cxml::parse_form_body(data)) {
        let again = oci::parse_cart(&oci::cart_fields(&cart.items))
            .unwrap_or_else(|e| panic!("a written cart does not read back: {e}"));
        assert_eq!(again.items, cart.items, "the cart changed in a round trip");
    }
}

/// Translation over arbitrary bytes: X12 and EDIFACT read through the
/// shipped mappings never panic, whatever the bytes; every document read
/// writes back through its mapping, and what that writes reads again (a
/// value the mapping refuses is an error, never a panic).
pub fn exercise_translation(data: &[u8]) {
    use crate::detect::{detect, Format};
    use crate::mapping::{Library, Mapping, Syntax};
    use crate::translate::{self, Envelope};
    let mappings: Vec<&Mapping> = Library::shipped().iter().collect();
    let mut documents = Vec::new();
    let keep = |outcome: Result<translate::Translated, translate::TranslateError>| {
        if let Ok(t) = outcome {
            documents.push(t);
        }
    };
    let _ = match detect(&data[..data.len().min(64)]) {
        Format::X12 => translate::each_x12(data, &mappings, keep),
        Format::Edifact => translate::each_edifact(data, &mappings, keep),
        _ => return,
    };
    let envelope = Envelope::new();
    for t in documents {
        let Some(mapping) = mappings.iter().find(|m| m.file == t.mapping) else {
            continue;
        };
        let written = match mapping.syntax {
            Syntax::X12 => {
                translate::write_x12(std::slice::from_ref(&t.document), mapping, &envelope)
            }
            Syntax::Edifact => {
                translate::write_edifact(std::slice::from_ref(&t.document), mapping, &envelope)
            }
        };
        if let Ok((bytes, _)) = written {
            let _ = match mapping.syntax {
                Syntax::X12 => translate::read_x12(&bytes, &mappings).map(drop),
                Syntax::Edifact => translate::read_edifact(&bytes, &mappings).map(drop),
            };
        }
    }
}
