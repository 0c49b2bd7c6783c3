//! Every X12 file of the shared corpus (read in place from ../shared/corpus,
//! see its MANIFEST.md): files the source marks valid validate, except those
//! listed below with the standard rule they break; files marked invalid
//! report their documented problem. No file may panic the validator.

mod common;

use std::path::Path;

use common::{corpus_dir, error_codes, files_under, validate};

/// A corpus file whose source calls it valid but which breaks the standard
/// (the source's parser was lenient): the codes we must report, and why.
struct Deviation {
    file: &'static str,
    codes: &'static [&'static str],
    why: &'static str,
}

const DEVIATIONS: &[Deviation] = &[
    Deviation {
        file: "x12/204/indice-204-MGCTLYST-SAMPLE.EDI",
        codes: &["AK502 4"],
        why: "SE01 says 41 segments, the set has 38",
    },
    Deviation {
        file: "x12/214/indice-x12.214.edi",
        codes: &["TA105 008"],
        why: "ISA08 is 16 characters wide",
    },
    Deviation {
        file: "x12/810/indice-x12.810a.edi",
        codes: &["TA105 011", "TA105 013", "TA105 008"],
        why: "ISA fields are not padded to their fixed widths",
    },
    Deviation {
        file: "x12/810/indice-x12.810c.edi",
        codes: &["TA105 011", "TA105 013", "TA105 008"],
        why: "ISA fields are not padded to their fixed widths",
    },
    Deviation {
        file: "x12/810/oop-Example5_Walmart.txt",
        codes: &["AK304 7"],
        why: "ISS comes before TDS; the 810 summary order is TDS … ISS",
    },
    Deviation {
        file: "x12/816/oop-Steinmart_Example1.txt",
        codes: &["TA105 001"],
        why: "IEA02 00000000 differs from ISA13 000000001",
    },
    Deviation {
        file: "x12/820/moov-example_stp_820.txt",
        codes: &["TA105 011", "TA105 013", "TA105 006", "TA105 008"],
        why: "ISA fields are not padded",
    },
    Deviation {
        file: "x12/832/indice-x12.832.edi",
        codes: &["TA105 011", "TA105 013", "TA105 006", "TA105 008"],
        why: "ISA fields are not padded",
    },
    Deviation {
        file: "x12/832/oop-Example1_HIBCC.txt",
        codes: &["AK304 7"],
        why: "DTM after TD4 inside the LIN loop",
    },
    Deviation {
        file: "x12/837/silvenga-odd-separator.edi",
        codes: &["TA105 023", "AK905 3", "AK502 2"],
        why: "the file stops after PRV: no SE, GE or IEA",
    },
    Deviation {
        file: "x12/846/oop-Example2.txt",
        codes: &["AK403 5"],
        why: "two segment terminators are missing: REF runs into QTY, QTY into CTT",
    },
    Deviation {
        file: "x12/850/bots-850-004010-02.x12",
        codes: &["AK502 23", "AK905 19"],
        why: "ST02 and GS06 numbers repeat within their group and interchange",
    },
    Deviation {
        file: "x12/850/bots-850-004010-08.x12",
        codes: &["TA105 015"],
        why: "ISA10 has a line break inside it",
    },
    Deviation {
        file: "x12/850/bots-850-004030-03.x12",
        codes: &["AK304 7"],
        why: "004030 is checked with the 004010 guide, where MTX is not in the N9 loop",
    },
    Deviation {
        file: "x12/850/indice-x12.850.issue135.edi",
        codes: &["AK403 13", "TA105 001"],
        why: "every segment ends with the component separator ~ before the newline terminator",
    },
    Deviation {
        file: "x12/850/indice-x12.850a.edi",
        codes: &["TA105 008", "TA105 001", "AK403 5"],
        why: "ISA08 unpadded, IEA02 differs from ISA13, N402 is 5 characters (max 2)",
    },
    Deviation {
        file: "x12/850/nodex12-850_fat.edi",
        codes: &["TA105 025"],
        why: "two interchanges share control number 000003438",
    },
    Deviation {
        file: "x12/850/vscode-850-comments.x12",
        codes: &["TA105 022"],
        why: "// comment lines are not X12",
    },
    Deviation {
        file: "x12/850/vscode-x12.minify.edi",
        codes: &["AK403 2"],
        why: "SAC*A***100.00 has neither SAC02 nor SAC03 (syntax note R0203)",
    },
    Deviation {
        file: "x12/850/vscode-x12.prettify.edi",
        codes: &["AK403 2"],
        why: "SAC*A***100.00 has neither SAC02 nor SAC03 (syntax note R0203)",
    },
    Deviation {
        file: "x12/852/oop-hdexchange.txt",
        codes: &["TA105 001", "AK502 6"],
        why: "IEA ends with ~ though the terminator is ^; an 852 sent in group SQ",
    },
    Deviation {
        file: "x12/855/nodex12-855.edi",
        codes: &["AK403 7"],
        why: "REF01 is ZZZ, which no release of element 128 lists",
    },
    Deviation {
        file: "x12/856/nodex12-856.edi",
        codes: &["AK403 12"],
        why: "ISA11 declares - as repetition separator, yet REF02 and N403 use hyphens as data",
    },
    Deviation {
        file: "x12/856/oop-Example4.txt",
        codes: &["AK403 5"],
        why: "N402 is LOCSTATE (ID 2/2)",
    },
    Deviation {
        file: "x12/856/oop-edi1Source.txt",
        codes: &["AK403 12"],
        why: "ISA11 declares - as repetition separator, yet REF02 and N403 use hyphens as data",
    },
    Deviation {
        file: "x12/860/oop-Example1.txt",
        codes: &["TA105 006", "AK403 8"],
        why: "ISA06 is 14 wide; BCH06 is a 7-digit date; N1 runs into the next line",
    },
    Deviation {
        file: "x12/997/staedi-empty997.edi",
        codes: &["AK304 3"],
        why: "a 997 without its mandatory AK1 and AK9",
    },
    Deviation {
        file: "x12/999/oop-DHS_Wisconsin_Sample.txt",
        codes: &["AK403 4", "AK403 6"],
        why: "AK202 is 3 characters (min 4); CTX06-1 is not numeric",
    },
    Deviation {
        file: "x12/ta1/staedi-x12_interchange_ack.txt",
        codes: &["TA105 021"],
        why: "IEA01 counts one group; there is none",
    },
    Deviation {
        file: "x12/mixed/vscode-X12-interchanges.x12",
        codes: &["AK304 3", "AK502 6"],
        why: "an 850 without PO1; an 864 inside a PO group",
    },
    Deviation {
        file: "x12/940/oop-simplot.txt",
        codes: &["TA105 001", "AK905 4"],
        why: "IEA02 and GE02 differ from ISA13 and GS06",
    },
    Deviation {
        file: "x12/945/oop-inter-americanproducts.txt",
        codes: &["TA105 024", "AK905 4"],
        why: "GS has no GS03 and GS07 is 1505; GE02 differs from GS06",
    },
];

/// Files the source marks invalid, and what we must report.
const INVALID: &[(&str, &[&str])] = &[
    (
        "invalid/x12/silvenga-bad-header.edi",
        &["TA105 006", "TA105 008", "TA105 018"],
    ),
    (
        "invalid/x12/staedi-extraDelimiter997.edi",
        &["AK403 6", "AK403 12", "AK403 5", "AK403 7"],
    ),
    ("invalid/x12/staedi-invalid997.edi", &["AK403 5", "AK403 6"]),
    (
        "invalid/x12/staedi-invalid997_min.edi",
        &["TA105 024", "AK905 4", "AK403 5", "AK403 7"],
    ),
    ("invalid/x12/staedi-nonnumeric_BIN01.edi", &["AK403 6"]),
];

fn relative(corpus: &Path, file: &Path) -> String {
    file.strip_prefix(corpus)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn is_sample(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !name.contains(".expected") && !name.ends_with(".md")
}

#[test]
fn every_corpus_x12_file_validates_as_documented() {
    let Some(corpus) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in files_under(&corpus.join("x12"))
        .into_iter()
        .filter(|f| is_sample(f))
    {
        let name = relative(&corpus, &file);
        let bytes = std::fs::read(&file).unwrap();
        let report = validate(&bytes);
        let codes = error_codes(&report);
        checked += 1;
        match DEVIATIONS.iter().find(|d| d.file == name) {
            Some(d) => {
                let missing: Vec<_> = d
                    .codes
                    .iter()
                    .filter(|c| !codes.iter().any(|x| x == *c))
                    .collect();
                if !missing.is_empty() || report.is_valid() {
                    failures.push(format!(
                        "{name}: expected {missing:?} ({}); got {codes:?}",
                        d.why
                    ));
                }
            }
            None if !report.is_valid() => {
                let issues: Vec<String> = report
                    .all_issues()
                    .filter(|i| i.is_error())
                    .map(|i| i.to_string())
                    .collect();
                failures.push(format!(
                    "{name}: should be valid, got:\n    {}",
                    issues.join("\n    ")
                ));
            }
            None => {}
        }
    }
    assert!(checked >= 80, "only {checked} X12 corpus files found");
    assert!(
        failures.is_empty(),
        "{} of {checked} files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn invalid_corpus_files_report_their_documented_problem() {
    let Some(corpus) = corpus_dir() else { return };
    for (name, expected) in INVALID {
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let report = validate(&bytes);
        assert!(!report.is_valid(), "{name} validated");
        let codes = error_codes(&report);
        for code in *expected {
            assert!(
                codes.iter().any(|c| c == code),
                "{name}: no {code} in {codes:?}"
            );
        }
    }
}

#[test]
fn extra_delimiter_997_reports_every_repetition_and_component() {
    // The source project's own test asserts these errors for AK302 and
    // AK304 (see invalid/x12/staedi-extraDelimiter997.expected-errors.md).
    let Some(corpus) = corpus_dir() else { return };
    let bytes = std::fs::read(corpus.join("invalid/x12/staedi-extraDelimiter997.edi")).unwrap();
    let report = validate(&bytes);
    let ak3: Vec<(u16, Option<u16>, String)> = report
        .all_issues()
        .filter(|i| i.location.segment.as_deref() == Some("AK3"))
        .map(|i| {
            (
                i.location.element.unwrap_or(0),
                i.location.repetition,
                i.code.to_string(),
            )
        })
        .collect();
    for (element, repetition, code) in [
        (2, None, "AK403 6"),
        (2, Some(2), "AK403 12"),
        (2, Some(3), "AK403 12"),
        (4, None, "AK403 5"),
        (4, None, "AK403 7"),
        (4, Some(2), "AK403 12"),
        (4, Some(3), "AK403 12"),
    ] {
        assert!(
            ak3.iter().any(|(e, r, c)| *e == element
                && *c == code
                && (repetition.is_none() || *r == repetition)),
            "no {code} at AK3{element:02} repetition {repetition:?} in {ak3:?}"
        );
    }
    assert!(
        ak3.iter().any(|(e, _, c)| *e == 2 && c == "AK403 13"),
        "no component error at AK302: {ak3:?}"
    );
}
