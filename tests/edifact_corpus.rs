//! Every EDIFACT file of the shared corpus (read in place from
//! ../shared/corpus, see its MANIFEST.md): files the source calls valid
//! validate, except those listed below with the rule they break; files
//! marked invalid are rejected. No file may panic the validator.

mod common;

use common::{corpus_dir, edifact_error_codes, files_under, validate_edifact};

/// A corpus file whose source calls it valid but which breaks the standard
/// or its directory: errors we must report, and why.
struct Deviation {
    file: &'static str,
    codes: &'static [&'static str],
    why: &'static str,
}

const DEVIATIONS: &[Deviation] = &[
    Deviation {
        file: "APERAK/pydifact-aperak-v3.edi",
        codes: &["UCD 21", "UCM 29"],
        why: "lower case under UNOA; UNT01 says 8 for 7 segments",
    },
    Deviation {
        file: "APERAK/pydifact-aperak-v4.edi",
        codes: &["UCI 40", "UCM 29"],
        why: "syntax 4 UNB date has 6 digits, not CCYYMMDD; UNT01 wrong",
    },
    Deviation {
        file: "APERAK/pydifact-aperak_rejected-v4.edi",
        codes: &["UCI 40", "UCM 29"],
        why: "syntax 4 UNB date has 6 digits; UNT01 wrong",
    },
    Deviation {
        file: "DELFOR/indice-edifact.Issue196.edi",
        codes: &["UCI 46", "UCM 29"],
        why: "anonymised syntax identifier XXXA; UNT01 331 for a few segments",
    },
    Deviation {
        file: "DESADV/bots-desadv1.edi",
        codes: &["UCD 12"],
        why: "1153 API, 2005 23E and lower-case 3035 codes are not D.96A codes",
    },
    Deviation {
        file: "DESADV/vscode-DESADV.edifact",
        codes: &["UCM 26"],
        why: "two messages share the reference 2266",
    },
    Deviation {
        file: "IFCSUM/indice-edifact.D01B.IFCSUM.EDI",
        codes: &["UCD 21", "UCM 29"],
        why: "lower case under UNOA; UNT01 787",
    },
    Deviation {
        file: "IFCSUM/indice-edifact.D01B.IFCSUM.NewLines.EDI",
        codes: &["UCI 18"],
        why: "segments end in line feeds, not the terminator: the input ends inside a segment",
    },
    Deviation {
        file: "IFTMIN/chema-edifact-sample.edi",
        codes: &["UCI 40", "UCM 29"],
        why: "UNB date 19101 and time 118; UNT01 off by one",
    },
    Deviation {
        file: "IFTSTA/edifacttypes-d00b_iftsta.edi",
        codes: &["UCI 28"],
        why: "UNZ02 differs from UNB 0020",
    },
    Deviation {
        file: "INVOIC/hupe-d96a_invoic_conforming.edi",
        codes: &["UCI 13"],
        why: "a message without UNB/UNZ (and without UNS and SG48)",
    },
    Deviation {
        file: "INVOIC/indice-edifact.Issue203.edi",
        codes: &["UCS 13", "UCM 29", "UCM 28", "UCD 12"],
        why: "no BGM; UNT01 13 for 102 segments; UNT02 differs; codes outside D.01B",
    },
    Deviation {
        file: "INVOIC/smooks-INVOIC_D.03B_Interchange_with_UNA.txt",
        codes: &["UCI 40", "UCM 29"],
        why: "syntax 4 with a 6-digit date; UNT01 wrong",
    },
    Deviation {
        file: "INVOIC/smooks-d96a-invoic-1.edi",
        codes: &["UCI 13"],
        why: "a message body only: no UNB, UNH, UNT or UNZ",
    },
    Deviation {
        file: "INVOIC/smooks-edg-invoic-d03b.txt",
        codes: &["UCI 40"],
        why: "syntax 4 with a 6-digit date",
    },
    Deviation {
        file: "INVOIC/staedi-invoic_d93a_una.edi",
        codes: &["UCD 21"],
        why: "lower case and Latin-1 letters under UNOA",
    },
    Deviation {
        file: "INVOIC/staedi-invoic_d97b.edi",
        codes: &["UCD 21"],
        why: "a U umlaut under UNOA",
    },
    Deviation {
        file: "ORDERS/bots-orders01.edi",
        codes: &["UCD 12"],
        why: "BGM 1001 50E is an EANCOM code, not a D.96A one",
    },
    Deviation {
        file: "ORDERS/bots-orders02.edi",
        codes: &["UCD 12"],
        why: "50E, and one test message with codes outside D.96A (2005 1, 2379 84, 1153 VAT)",
    },
    Deviation {
        file: "ORDERS/bots-orders96.edi",
        codes: &["UCD 12"],
        why: "BGM 1001 50E",
    },
    Deviation {
        file: "ORDERS/bots-sap-orders-1.edi",
        codes: &["UCD 12"],
        why: "BGM 1001 352 is not a D.96A code",
    },
    Deviation {
        file: "ORDERS/hupe-d01b_orders_conforming.edi",
        codes: &["UCI 13"],
        why: "no UNB/UNZ (and no UNS)",
    },
    Deviation {
        file: "ORDERS/hupe-d11a_conforming.edi",
        codes: &["UCI 13"],
        why: "no UNB/UNZ",
    },
    Deviation {
        file: "ORDERS/phpedi-example_order_ok.edi",
        codes: &["UCD 39"],
        why: "QTY units GBND, PACK, SCHA are longer than 6411 an..3",
    },
    Deviation {
        file: "ORDERS/pydifact-order.edi",
        codes: &["UCI 40", "UCI 13"],
        why: "syntax 4 with a 6-digit date; no UNZ",
    },
    Deviation {
        file: "ORDERS/pydifact-wikipedia_de.edi",
        codes: &["UCI 28"],
        why: "UNZ02 differs from UNB 0020",
    },
    Deviation {
        file: "ORDERS/smooks-ORDERS_D.03B_Interchange.txt",
        codes: &["UCD 21"],
        why: "lower case under UNOA",
    },
    Deviation {
        file: "ORDERS/smooksex-camel-input-message.txt",
        codes: &["UCD 16", "UCI 13"],
        why: "a composite in FTX02, a simple element; no UNZ",
    },
    Deviation {
        file: "ORDERS/staedi-orders-with-group.edi",
        codes: &["UCI 12", "UCF 16", "UCM 39"],
        why: "UNB 0029 I, 0031 0; UNG S008 with 4 components; 0057 too long",
    },
    Deviation {
        file: "ORDERS/vscode-sample-orders-minified.edifact",
        codes: &["UCI 21", "UCD 21"],
        why: "lower case under UNOA",
    },
    Deviation {
        file: "ORDERS/vscode-syntaxVersion4.edifact",
        codes: &["UCS 13"],
        why: "the mandatory DTM is missing",
    },
    Deviation {
        file: "PRICAT/bots-pricat-147.edi",
        codes: &["UCD 12"],
        why: "5125 NTP and 7143 GU are not D.96A codes",
    },
    Deviation {
        file: "PRICAT/bots-pricat-148.edi",
        codes: &["UCD 12"],
        why: "5125 NTP, 7143 GU",
    },
    Deviation {
        file: "PRICAT/bots-pricat-149.edi",
        codes: &["UCD 12"],
        why: "5125 NTP, 7143 GU",
    },
    Deviation {
        file: "PRICAT/bots-pricat1.edi",
        codes: &["UCD 12"],
        why: "5125 NTP",
    },
    Deviation {
        file: "QUOTES/indice-edifact.01.edi",
        codes: &["UCI 28", "UCM 29"],
        why: "UNZ02 and UNT01 wrong",
    },
    Deviation {
        file: "QUOTES/indice-edifact.01.multi-message.edi",
        codes: &["UCI 28", "UCM 26", "UCM 29"],
        why: "repeated message references; counts wrong",
    },
    Deviation {
        file: "RECADV/smooks-recadv-d01b.txt",
        codes: &["UCD 21"],
        why: "lower case and Latin-1 letters under UNOA",
    },
    Deviation {
        file: "mixed/indice-edifact.Issue188.edi",
        codes: &["UCI 29", "UCM 28", "UCM 29"],
        why: "UNZ01 1 for 4 messages; UNT references and counts wrong",
    },
    Deviation {
        file: "mixed/smooks-unedifact-with_ung-msg-01.edi",
        codes: &["UCM 30", "UCF 13"],
        why: "groups and loose messages mixed; syntax 4 style UNG in syntax 3",
    },
    Deviation {
        file: "mixed/smooks-unedifact-with_ung-msg-02.edi",
        codes: &["UCM 30", "UCF 13"],
        why: "the same, with other separators",
    },
    Deviation {
        file: "mixed/vscode-EDIFACT-interchanges.edifact",
        codes: &["UCI 21"],
        why: "lower case sender and recipient under UNOA",
    },
];

/// Invalid fixtures edigate cannot reject, and why.
const UNDETECTED: &[(&str, &str)] = &[(
    "edifactls-invrpt-violation.edi",
    "INVRPT D20A: no D.20A guide is shipped, so its repeated BGM goes unseen",
)];

#[test]
fn valid_corpus_files_validate_or_break_a_named_rule() {
    let Some(corpus) = corpus_dir() else { return };
    let mut checked = 0;
    for file in files_under(&corpus.join("edifact")) {
        let name = file
            .strip_prefix(corpus.join("edifact"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if name.contains(".expected") || name.ends_with(".json") || name.ends_with(".xml") {
            continue;
        }
        let report = validate_edifact(&std::fs::read(&file).unwrap());
        let codes = edifact_error_codes(&report);
        match DEVIATIONS.iter().find(|d| d.file == name) {
            Some(d) => {
                assert!(!report.is_valid(), "{name} should break: {}", d.why);
                for code in d.codes {
                    assert!(
                        codes.iter().any(|c| c == code),
                        "{name}: expected {code} ({}) in {codes:?}",
                        d.why
                    );
                }
            }
            None => {
                let issues: Vec<String> = report
                    .all_issues()
                    .filter(|i| i.is_error())
                    .map(|i| i.to_string())
                    .collect();
                assert!(report.is_valid(), "{name}: {issues:#?}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 45, "only {checked} corpus files");
}

#[test]
fn invalid_corpus_files_are_rejected() {
    let Some(corpus) = corpus_dir() else { return };
    for file in files_under(&corpus.join("invalid/edifact")) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let report = validate_edifact(&std::fs::read(&file).unwrap());
        if let Some((_, why)) = UNDETECTED.iter().find(|(f, _)| *f == name) {
            assert!(
                report.is_valid(),
                "{name} is now rejected; remove it from UNDETECTED ({why})"
            );
            continue;
        }
        assert!(!report.is_valid(), "{name} should be rejected");
    }
}
