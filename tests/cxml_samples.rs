//! Our own cXML and OCI samples (samples/cxml, samples/oci; fictional
//! data): valid ones read without errors and write out exactly as their
//! golden files; invalid ones report the error their README row names.
//!
//! `EDIGATE_BLESS=1 cargo test --test cxml_samples` rewrites the golden
//! files; review the diff before committing.

mod common;

use std::path::{Path, PathBuf};

use edigate::{cxml, oci};

fn dir(kind: &str) -> PathBuf {
    common::project_dir().join("samples").join(kind)
}

/// (file, expected phrase) for each invalid sample, from the README table.
fn expected(kind: &str) -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(dir(kind).join("README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.starts_with('|') && l.contains("-invalid."))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`').to_string();
            let phrase = cells.get(3)?.trim_matches('`').to_string();
            Some((file, phrase))
        })
        .collect()
}

fn samples(kind: &str, valid: bool) -> Vec<PathBuf> {
    common::files_under(&dir(kind))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.contains(".golden.")
                && !name.ends_with(".md")
                && !name.ends_with(".json")
                && name.contains("-valid.") == valid
        })
        .collect()
}

fn golden(path: &Path, actual: &str) {
    let name = path.file_name().unwrap().to_string_lossy();
    let stem = name
        .rsplit_once('.')
        .map_or(name.to_string(), |(s, _)| s.to_string());
    let extension = if path.extension().is_some_and(|e| e == "xml") {
        "xml"
    } else {
        "html"
    };
    let golden = path.with_file_name(format!("{stem}.golden.{extension}"));
    if std::env::var_os("EDIGATE_BLESS").is_some() {
        std::fs::write(&golden, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("{name} has no golden file; run with EDIGATE_BLESS=1"));
    assert_eq!(actual, expected, "{name}");
}

#[test]
fn valid_cxml_samples_read_cleanly_and_write_their_golden_form() {
    let files = samples("cxml", true);
    assert!(files.len() >= 10);
    for file in files {
        let name = file.display().to_string();
        let document =
            cxml::read(&std::fs::read(&file).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors = cxml::errors(&document);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        if !name.contains("lenient") {
            assert!(
                document.warnings.is_empty(),
                "{name}: {:?}",
                document.warnings
            );
        }
        let written = cxml::write(&document.envelope, cxml::DEFAULT_VERSION);
        golden(&file, &written);
        let again = cxml::read(written.as_bytes()).unwrap();
        // Written strictly: what is left to note is what was kept as
        // received on purpose (a vendor extension, an empty domain).
        let notes: Vec<_> = again
            .warnings
            .iter()
            .filter(|w| {
                !w.message.contains("kept, but not read") && !w.message.contains("empty domain")
            })
            .collect();
        assert!(notes.is_empty(), "{name} written: {notes:?}");
    }
}

#[test]
fn the_lenient_sample_is_read_with_a_warning_for_each_liberty() {
    let document =
        cxml::read(&std::fs::read(dir("cxml").join("lenient-valid.xml")).unwrap()).unwrap();
    let text: Vec<&str> = document
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    for expected in [
        "root element is <cxml>",
        "offset written without a colon",
        "empty domain",
        "is not part of <ItemDetail>",
        "comma as decimal mark",
    ] {
        assert!(
            text.iter().any(|t| t.contains(expected)),
            "no warning about {expected:?} in {text:#?}"
        );
    }
}

#[test]
fn invalid_cxml_samples_report_their_documented_error() {
    let expected = expected("cxml");
    assert_eq!(
        expected.len(),
        samples("cxml", false).len(),
        "one README row per invalid sample"
    );
    for (file, phrase) in expected {
        let said = match cxml::read(&std::fs::read(dir("cxml").join(&file)).unwrap()) {
            Err(e) => vec![e.to_string()],
            Ok(document) => cxml::errors(&document)
                .into_iter()
                .map(|w| w.message)
                .collect(),
        };
        assert!(
            said.iter().any(|s| s.contains(&phrase)),
            "{file}: expected {phrase:?} in {said:?}"
        );
    }
}

fn oci_fields(text: &str) -> Vec<(String, String)> {
    if text.trim_start().starts_with('<') {
        oci::fields_from_html(text)
    } else {
        cxml::parse_form_body(text.trim().as_bytes())
    }
}

#[test]
fn oci_samples_read_and_write_their_golden_form() {
    for file in samples("oci", true) {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let fields = oci_fields(&text);
        if name.contains("entry-call") {
            let entry = oci::parse_entry(&fields).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(entry.hook_url.starts_with("https://"), "{name}: {entry:?}");
            continue;
        }
        let cart = oci::parse_cart(&fields).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (errors, _) = oci::check_cart(&cart.items);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let page = oci::cart_form(
            "https://srm.example.com/hook?sap-client=100",
            &cart.items,
            Some("_top"),
        );
        golden(&file, &page);
        let again = oci::parse_cart(&oci::fields_from_html(&page)).unwrap();
        assert_eq!(again.items, cart.items, "{name}");
    }
}

#[test]
fn invalid_oci_samples_report_their_documented_error() {
    for (file, phrase) in expected("oci") {
        let text = std::fs::read_to_string(dir("oci").join(&file)).unwrap();
        let said = match oci::parse_cart(&oci_fields(&text)) {
            Err(e) => e.to_string(),
            Ok(cart) => format!("{:?}", oci::check_cart(&cart.items)),
        };
        assert!(
            said.contains(&phrase),
            "{file}: expected {phrase:?} in {said:?}"
        );
    }
}
