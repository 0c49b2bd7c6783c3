//! Mappings: every shipped mapping loads and passes its golden cases, what
//! it writes validates, canonical → partner → canonical keeps every field,
//! bad mapping files fail at load time with file and line, and run-time
//! errors name the rule and the segment.

mod common;

use std::path::{Path, PathBuf};

use edigate::detect::{detect, Format};
use edigate::mapping::{leaves, Library, Mapping, MappingError, Seg, Syntax};
use edigate::translate::cases::{run_case, test_envelope};
use edigate::translate::{
    each_edifact, each_x12, read_cxml_or_oci, read_edifact, read_x12, write_edifact, write_x12,
    TranslateError,
};
use proptest::prelude::*;

fn mappings_dir() -> PathBuf {
    common::project_dir().join("mappings")
}

/// The mapping files as they are on disk (not as last embedded).
fn on_disk() -> Vec<Mapping> {
    let library = Library::with_dir(&mappings_dir()).expect("mappings/ is readable");
    library
        .mapping_files()
        .map(|f| library.load(&f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn every_mapping_loads_and_passes_its_golden_cases() {
    let mappings = on_disk();
    assert!(mappings.iter().any(|m| m.message == "850"), "the 850 ships");
    for mapping in &mappings {
        assert!(
            !mapping.tests.is_empty(),
            "{}: every shipped mapping has a test case",
            mapping.file
        );
        let dir = mappings_dir().join(Path::new(&mapping.file).parent().unwrap());
        for (line, case) in &mapping.tests {
            let result = run_case(mapping, *line, case, &dir, false);
            assert!(
                result.passed(),
                "{}:\n{}",
                result.case,
                result.failures.join("\n")
            );
        }
    }
}

#[test]
fn what_mappings_write_validates() {
    for mapping in on_disk() {
        let dir = mappings_dir().join(Path::new(&mapping.file).parent().unwrap());
        for (_, case) in &mapping.tests {
            let Some(output) = &case.output else { continue };
            let bytes = std::fs::read(dir.join(output)).unwrap();
            let issues: Vec<String> = match mapping.syntax {
                Syntax::X12 => common::validate(&bytes)
                    .all_issues()
                    .map(|i| i.to_string())
                    .collect(),
                Syntax::Edifact => common::validate_edifact(&bytes)
                    .all_issues()
                    .map(|i| i.to_string())
                    .collect(),
            };
            assert!(issues.is_empty(), "{output}: {issues:#?}");
        }
    }
}

/// The header segment a message starts with, as the readers hand it over.
fn header(mapping: &Mapping) -> Seg {
    let mut seg = match mapping.syntax {
        Syntax::X12 => Seg::new("ST"),
        Syntax::Edifact => Seg::new("UNH"),
    };
    match mapping.syntax {
        Syntax::X12 => {
            seg.set(1, 1, &mapping.message);
            seg.set(2, 1, "0001");
        }
        Syntax::Edifact => {
            seg.set(1, 1, "1");
            seg.set(2, 1, &mapping.message);
        }
    }
    seg
}

fn round_trip(mapping: &Mapping, seed: u64) -> Result<(), String> {
    let original = mapping.example(seed);
    let written = mapping.write_value(&original).map_err(|e| e.to_string())?;
    let mut segments = vec![header(mapping)];
    segments.extend(written.segments.iter().cloned());
    let back = mapping.read_value(&segments).map_err(|e| e.to_string())?;
    let generated = leaves(&original);
    if generated.len() < 8 {
        return Err(format!(
            "{}: the example has only {generated:?}",
            mapping.file
        ));
    }
    for (pointer, value) in generated {
        let got = back.pointer(&pointer);
        if got != Some(&value) {
            return Err(format!(
                "{}: {pointer} was {value}, came back {got:?}\n{}",
                mapping.file,
                serde_json::to_string_pretty(&back).unwrap()
            ));
        }
    }
    if let Some(extensions) = back.get("extensions") {
        return Err(format!(
            "{}: the reader did not place what the writer wrote: {extensions}",
            mapping.file
        ));
    }
    let again = mapping.write_value(&back).map_err(|e| e.to_string())?;
    if again.segments != written.segments {
        return Err(format!("{}: writing is not stable", mapping.file));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// canonical → partner → canonical is the identity on every field the
    /// mapping carries both ways.
    #[test]
    fn canonical_to_partner_and_back_keeps_every_field(seed in any::<u64>()) {
        for mapping in Library::shipped() {
            if let Err(e) = round_trip(mapping, seed) {
                prop_assert!(false, "seed {seed}: {e}");
            }
        }
    }
}

/// A scratch directory with one override and one code table.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edigate-mapping-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn load_error(text: &str) -> MappingError {
    let dir = scratch("bad", &[("bad.toml", text)]);
    let library = Library::with_dir(&dir).unwrap();
    let error = library
        .load("bad.toml")
        .expect_err("the mapping must not load");
    let _ = std::fs::remove_dir_all(&dir);
    error
}

const HEAD: &str = "name = \"t\"\nsyntax = \"x12\"\nversion = \"004010\"\nmessage = \"850\"\ndocument = \"order\"\n";

#[test]
fn mistakes_fail_at_load_time_with_file_and_line() {
    let cases = [
        ("[[rule]]\nat = \"BEG03\"\nfield = \"po_number\"\n", 6, "no field \"po_number\""),
        ("[[rule]]\nat = \"PO101\"\nfield = \"id\"\n", 6, "PO1 is not a segment of this loop"),
        ("[[rule]]\nat = \"BEG99\"\nfield = \"id\"\n", 6, "BEG has 12 elements"),
        ("[[rule]]\nat = \"BEG03\"\nfield = \"buyer\"\n", 6, "is an object"),
        ("[[rule]]\neach = \"PO1\"\nfield = \"lines\"\n", 6, "is a list: write `lines[]`"),
        ("[[rule]]\neach = \"PO9\"\nfield = \"lines[]\"\n", 6, "neither a loop nor a segment"),
        ("\n[[rule]]\neach = \"PO1\"\nfield = \"lines[]\"\n[[rule.rule]]\nat = \"PO103\"\nfield = \"quantity.unit\"\ncodes = \"no-such-table\"\n", 10, "no code table"),
        ("[[rule]]\nat = \"CTT01\"\njq = \".lines | lenght\"\n", 6, "CTT is not a segment"),
        ("[[rule]]\neach = \"CTT\"\n[[rule.rule]]\nat = \"CTT01\"\njq = \".lines | lenght\"\n", 8, "undefined"),
        ("[[rule]]\nat = \"BEG01\"\nfield = \"purpose\"\ncodes = { \"00\" = \"first\" }\n", 6, "not one of"),
        ("[[rule]]\nuse = \"nothing\"\n", 6, "no template"),
        ("[[rule]]\nat = \"BEG03\"\nfeild = \"id\"\n", 8, "unknown field `feild`"),
        ("[[rule]]\nat = \"BEG03\"\nfield = \"id\"\ncode_by_length = { EN = 13 }\n", 6, "add `pairs`"),
        ("[[rule]]\neach = \"PO1\"\nfield = \"lines[]\"\n[[rule.rule]]\nat = \"PO1\"\npairs = \"06-25\"\ncode = \"UP\"\ncode_by_length = { EN = 13, UK = 13 }\nfield = \"item.standard_id.value\"\n", 9, "both claim length 13"),
        ("[[rule]]\neach = \"PO1\"\nfield = \"lines[]\"\n[[rule.rule]]\nat = \"PO1\"\npairs = \"06-25\"\ncode = \"UP\"\nqualifier = true\nfield = \"item.standard_id.scheme\"\n", 9, "inbound only"),
    ];
    for (rules, line, message) in cases {
        let e = load_error(&format!("{HEAD}{rules}"));
        assert_eq!((e.file.as_str(), e.line), ("bad.toml", line), "{e}");
        assert!(e.message.contains(message), "wanted {message:?} in {e}");
    }
}

fn sample_850() -> Vec<u8> {
    std::fs::read(common::project_dir().join("samples/x12/850/850-004010-valid.edi")).unwrap()
}

#[test]
fn run_time_errors_name_the_rule_and_the_segment() {
    let bytes = String::from_utf8(sample_850())
        .unwrap()
        .replace("BEG*00*", "BEG*06*");
    let shipped: Vec<&Mapping> = Library::shipped().iter().collect();
    let error = read_x12(bytes.as_bytes(), &shipped).expect_err("06 is not mapped");
    let TranslateError::Map { error, .. } = error else {
        panic!("{error}")
    };
    assert!(
        error
            .rule
            .as_deref()
            .unwrap()
            .starts_with("x12/004010/850.toml:"),
        "{error}"
    );
    assert_eq!(error.at, "segment 2 (BEG), BEG01");
    assert!(error.message.contains("\"06\" is not in"), "{error}");
}

#[test]
fn gtin_qualifiers_follow_the_length_of_the_number() {
    let bytes = String::from_utf8(sample_850())
        .unwrap()
        .replace("UP*012345200403*", "EN*4000862141404*")
        .replace("UP*012345330001*", "UK*14000862141401*UP*012345330001*");
    let shipped: Vec<&Mapping> = Library::shipped().iter().collect();
    let read = read_x12(bytes.as_bytes(), &shipped).unwrap_or_else(|e| panic!("{e}"));
    let order = serde_json::to_value(&read[0].document).unwrap();
    let ids: Vec<_> = (0..3)
        .map(|i| order["lines"][i]["item"]["standard_id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            serde_json::json!({"scheme": "UPC", "value": "012345100109"}),
            serde_json::json!({"scheme": "GTIN", "value": "4000862141404"}),
            // A unit's UPC is preferred to its case's GTIN-14, which is kept.
            serde_json::json!({"scheme": "UPC", "value": "012345330001"}),
        ]
    );
    assert!(order["lines"][2]["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["value"] == "14000862141401"));
    let mut document = read[0].document.clone();
    if let edigate::document::Document::Order(o) = &mut document {
        o.lines[2].item.standard_id.as_mut().unwrap().value = "14000862141401".into();
    }
    let target = shipped
        .iter()
        .find(|m| m.syntax == Syntax::X12 && m.version == "004010" && m.message == "850")
        .unwrap();
    let (written, _) = write_x12(&[document], target, &test_envelope()).unwrap();
    let written = String::from_utf8(written).unwrap();
    assert!(written.contains("*UP*012345100109~"), "{written}");
    assert!(written.contains("*EN*4000862141404~"), "{written}");
    assert!(written.contains("*UK*14000862141401~"), "{written}");
}

#[test]
fn a_list_spreads_over_the_repetitions_of_a_loop() {
    let path =
        common::project_dir().join("samples/edifact/DESADV/desadv-d96a-valid.despatch_advice.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let tracking = [
        "1Z999AA10123456784",
        "1Z999AA10123456785",
        "1Z999AA10123456786",
    ];
    json["tracking"] = serde_json::json!(tracking);
    let document: edigate::document::Document = serde_json::from_value(json).unwrap();
    let shipped: Vec<&Mapping> = Library::shipped().iter().collect();
    let target = shipped
        .iter()
        .find(|m| m.syntax == Syntax::Edifact && m.message == "DESADV")
        .unwrap();
    let (written, warnings) = write_edifact(&[document], target, &test_envelope()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let text = String::from_utf8_lossy(&written);
    for number in tracking {
        assert!(text.contains(&format!("RFF+CN:{number}'")), "{text}");
    }
    let issues: Vec<String> = common::validate_edifact(&written)
        .all_issues()
        .map(|i| i.to_string())
        .collect();
    assert!(issues.is_empty(), "{issues:#?}");
    let read = read_edifact(&written, &shipped).unwrap_or_else(|e| panic!("{e}"));
    let back = serde_json::to_value(&read[0].document).unwrap();
    assert_eq!(back["tracking"], serde_json::json!(tracking));
    // SG1 repeats at most 10 times, the order reference included: what
    // does not fit is named, and the message still validates.
    let mut json = serde_json::to_value(&read[0].document).unwrap();
    let many: Vec<String> = (0..12).map(|i| format!("1Z999AA1012345{i:04}")).collect();
    json["tracking"] = serde_json::json!(many);
    let document: edigate::document::Document = serde_json::from_value(json).unwrap();
    let (written, warnings) = write_edifact(&[document], target, &test_envelope()).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("SG1 holds 10")),
        "{warnings:?}"
    );
    let issues = common::validate_edifact(&written);
    assert!(
        issues.all_issues().next().is_none(),
        "{:#?}",
        issues
            .all_issues()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
    );
}

const ACME: &str = r#"
name = "Acme's 850"
base = "x12/004010/850"
remove = ["procurement.department"]

[codes]
"x12-355-rec20" = "acme-units"

[[rule]]
at = "REF02 where REF01=CC"
field = "procurement.cost_center"
"#;

const ACME_UNITS: &str = r#"
name = "Acme units"
from = "x12:355"
to = "unece:rec20"

[[code]]
from = "EA"
to = "H87"

[[code]]
from = "BX"
to = "XBX"
"#;

#[test]
fn partner_overrides_change_only_what_differs() {
    let dir = scratch(
        "acme",
        &[
            ("partners/acme-850.toml", ACME),
            ("codes/acme-units.toml", ACME_UNITS),
        ],
    );
    let library = Library::with_dir(&dir).unwrap();
    let acme = library
        .load("partners/acme-850.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = String::from_utf8(sample_850())
        .unwrap()
        .replace("REF*DP*042~", "REF*CC*KST-4711~");
    let translated = read_x12(bytes.as_bytes(), &[&acme]).unwrap_or_else(|e| panic!("{e}"));
    let order = serde_json::to_value(&translated[0].document).unwrap();
    assert_eq!(order["procurement"]["cost_center"], "KST-4711");
    assert!(order["procurement"].get("department").is_none());
    assert_eq!(
        order["lines"][0]["quantity"]["unit"], "H87",
        "Acme's unit table"
    );
    assert_eq!(order["lines"][2]["quantity"]["unit"], "XBX");
    // Everything else is the base's.
    assert_eq!(order["ship_to"]["name"], "GLOBEX RETAIL DC 7");
    assert_eq!(order["lines"][0]["item"]["seller_id"], "AC-1001");
}

/// Cross-format translations through the canonical documents: (input,
/// target syntax, target version, golden file under samples/cross/).
const CROSS: &[(&str, Syntax, &str, &str)] = &[
    (
        "samples/edifact/DESADV/desadv-d96a-valid.edi",
        Syntax::X12,
        "004010",
        "desadv-d96a-to-856-004010.edi",
    ),
    (
        "samples/cxml/order-request-valid.xml",
        Syntax::X12,
        "004010",
        "cxml-order-request-to-850-004010.edi",
    ),
    (
        "samples/cxml/order-request-valid.xml",
        Syntax::Edifact,
        "D96A",
        "cxml-order-request-to-orders-d96a.edi",
    ),
    (
        "samples/x12/850/850-004010-valid.edi",
        Syntax::Edifact,
        "D96A",
        "850-004010-to-orders-d96a.edi",
    ),
    (
        "samples/edifact/ORDERS/orders-d96a-valid.edi",
        Syntax::X12,
        "004010",
        "orders-d96a-to-850-004010.edi",
    ),
    (
        "samples/x12/855/855-004010-valid.edi",
        Syntax::Edifact,
        "D96A",
        "855-004010-to-ordrsp-d96a.edi",
    ),
    (
        "samples/x12/810/810-004010-valid.edi",
        Syntax::Edifact,
        "D96A",
        "810-004010-to-invoic-d96a.edi",
    ),
];

/// `EDIGATE_BLESS=1 cargo test --test mapping` rewrites the cross-format
/// golden files; review the diff before committing.
#[test]
fn cross_format_translations_match_their_golden_files() {
    let mappings = on_disk();
    let all: Vec<&Mapping> = mappings.iter().collect();
    let bless = std::env::var_os("EDIGATE_BLESS").is_some();
    for (input, syntax, version, golden) in CROSS {
        let bytes = std::fs::read(common::project_dir().join(input)).unwrap();
        let read = match detect(&bytes[..bytes.len().min(64)]) {
            Format::X12 => read_x12(&bytes, &all),
            Format::Edifact => read_edifact(&bytes, &all),
            _ => read_cxml_or_oci(&bytes),
        }
        .unwrap_or_else(|e| panic!("{input}: {e}"));
        let documents: Vec<_> = read.into_iter().map(|t| t.document).collect();
        let kind = serde_json::to_value(&documents[0]).unwrap()["type"].clone();
        let target = all
            .iter()
            .find(|m| m.syntax == *syntax && m.version == *version && m.document == kind)
            .unwrap_or_else(|| panic!("no {version} mapping writes {kind}"));
        let (written, warnings) = match syntax {
            Syntax::X12 => write_x12(&documents, target, &test_envelope()),
            Syntax::Edifact => write_edifact(&documents, target, &test_envelope()),
        }
        .unwrap_or_else(|e| panic!("{input}: {e}"));
        assert!(warnings.is_empty(), "{input}: {warnings:?}");
        let path = common::project_dir().join("samples/cross").join(golden);
        if bless {
            std::fs::write(&path, &written).unwrap();
        }
        let expected = std::fs::read(&path).unwrap_or_default();
        assert!(
            written == expected,
            "{golden} differs:\n{}",
            String::from_utf8_lossy(&written)
        );
        let issues: Vec<String> = match syntax {
            Syntax::X12 => common::validate(&written)
                .all_issues()
                .map(|i| i.to_string())
                .collect(),
            Syntax::Edifact => common::validate_edifact(&written)
                .all_issues()
                .map(|i| i.to_string())
                .collect(),
        };
        assert!(issues.is_empty(), "{golden}: {issues:#?}");
    }
}

/// Every document in the shared corpus that validates and has a shipped
/// mapping translates without error (documents of other versions or
/// messages are counted as unmapped, not failed).
#[test]
fn valid_corpus_documents_with_a_mapping_translate() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let mappings = on_disk();
    let all: Vec<&Mapping> = mappings.iter().collect();
    let (mut translated, mut unmapped) = (0, 0);
    let mut failures = Vec::new();
    let files: Vec<PathBuf> = ["x12", "edifact"]
        .iter()
        .flat_map(|d| common::files_under(&corpus.join(d)))
        .collect();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.strip_prefix(&corpus).unwrap().display().to_string();
        let mut tally = |outcome: Result<_, TranslateError>| match outcome {
            Ok(_) => translated += 1,
            Err(TranslateError::NoMapping { .. }) => unmapped += 1,
            Err(e) => failures.push(format!("{name}: {e}")),
        };
        let read = match detect(&bytes[..bytes.len().min(64)]) {
            Format::X12 if common::validate(&bytes).is_valid() => {
                each_x12(&bytes[..], &all, &mut tally)
            }
            Format::Edifact if common::validate_edifact(&bytes).is_valid() => {
                each_edifact(&bytes, &all, &mut tally)
            }
            _ => continue,
        };
        if let Err(e) = read {
            failures.push(format!("{name}: {e}"));
        }
    }
    eprintln!("corpus: {translated} documents translated, {unmapped} without a shipped mapping");
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        translated >= 5,
        "only {translated} corpus documents have a mapping"
    );
}

/// cXML and OCI documents read into canonical JSON as their golden files
/// say (`<sample>.<document>.json` beside the sample);
/// `EDIGATE_BLESS=1` rewrites them.
#[test]
fn cxml_and_oci_documents_match_their_golden_json() {
    let bless = std::env::var_os("EDIGATE_BLESS").is_some();
    let samples = [
        ("samples/cxml/order-request-valid.xml", "order"),
        ("samples/cxml/punchout-order-message-valid.xml", "cart"),
        ("samples/oci/cart-form-valid.txt", "cart"),
        ("samples/oci/cart-page-valid.html", "cart"),
    ];
    for (sample, kind) in samples {
        let path = common::project_dir().join(sample);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let read = read_cxml_or_oci(&bytes).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let value = serde_json::to_value(&read[0].document).unwrap();
        assert_eq!(value["type"], kind, "{sample}");
        let mut text = serde_json::to_string_pretty(&value).unwrap();
        text.push('\n');
        let golden = path.with_extension(format!("{kind}.json"));
        if bless {
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(text, expected, "{}", golden.display());
    }
}
