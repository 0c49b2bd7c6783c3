//! Every cXML file of the shared corpus reads, writes and reads back to the
//! same model; the invalid ones are refused or flagged.

mod common;

use edigate::cxml;

#[test]
fn every_corpus_document_round_trips() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let mut checked = 0;
    for file in common::files_under(&corpus.join("cxml")) {
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).unwrap();
        let first = cxml::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(first.invalid.is_empty(), "{name}: {:?}", first.invalid);
        let version = first
            .dtd
            .as_deref()
            .and_then(cxml::dtd_version)
            .unwrap_or(cxml::DEFAULT_VERSION)
            .to_string();
        let written = cxml::write(&first.envelope, &version);
        let second =
            cxml::read(written.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{written}"));
        let mut expected = first.envelope.clone();
        if let cxml::Body::Message { .. } = expected.body {
            // One-way messages travel through browsers: never a secret.
            assert!(!written.contains("SharedSecret"), "{name}");
            expected.header = expected.header.map(|h| h.without_secrets());
        }
        assert_eq!(expected, second.envelope, "{name}\n{written}");
        // What was lenient on the way in is strict on the way out.
        let lenient: Vec<_> = second
            .warnings
            .iter()
            .filter(|w| w.message.contains("timestamp") || w.message.contains("root element"))
            // A value that is no date at all can only be kept as received.
            .filter(|w| !w.message.contains("kept as received"))
            .collect();
        assert!(lenient.is_empty(), "{name}: {lenient:?}");
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} cXML files");
}

#[test]
fn invalid_corpus_documents_are_flagged() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    for file in common::files_under(&corpus.join("invalid/cxml")) {
        let name = file.display().to_string();
        // A document that does not read at all is refused too.
        if let Ok(doc) = cxml::read(&std::fs::read(&file).unwrap()) {
            assert!(!doc.invalid.is_empty(), "{name} should be flagged");
        }
    }
}

#[test]
fn the_corpus_oci_cart_reads_and_round_trips() {
    use edigate::oci;
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    for file in common::files_under(&corpus.join("oci")) {
        let name = file.display().to_string();
        let html = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let fields = oci::fields_from_html(&html);
        let cart = oci::parse_cart(&fields).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!cart.items.is_empty(), "{name}");
        let again = oci::parse_cart(&oci::fields_from_html(&oci::cart_form(
            "https://hook",
            &cart.items,
            None,
        )))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.items, cart.items, "{name}");
    }
}
