//! The EDIFACT writer: round trips (property-tested, and over every corpus
//! file), releasing service characters, UNA when needed, references and
//! counts.

mod common;

use edigate::edi::edifact::tree::{Element, Group, Message};
use edigate::edi::edifact::writer::WriteError;
use edigate::edi::edifact::{
    read_interchanges, Interchange, OwnedSegment, References, Separators, Writer,
};
use proptest::prelude::*;

const SEPARATOR_POOL: &[u8] = b"+:'?*|^~!#\x1c\x1d\x1f";

fn separators_strategy(syntax_4: bool) -> impl Strategy<Value = Separators> {
    Just(()).prop_perturb(move |_, mut rng| {
        let mut pool = SEPARATOR_POOL.to_vec();
        let mut pick = |rng: &mut proptest::test_runner::TestRng| {
            let i = rng.random_range(0..pool.len());
            pool.remove(i)
        };
        Separators {
            component: pick(&mut rng),
            element: pick(&mut rng),
            decimal: b'.',
            release: Some(pick(&mut rng)),
            repetition: syntax_4.then(|| pick(&mut rng)),
            terminator: pick(&mut rng),
        }
    })
}

/// Values that contain service characters (to be released) and, under
/// UNOC, Latin-1 letters.
fn value() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9 ./+:'?*|^~!#äöüßé-]{1,8}").unwrap()
}

fn element(repeats: bool) -> impl Strategy<Value = Element> {
    let max_reps = if repeats { 3 } else { 1 };
    prop::collection::vec(prop::collection::vec(value(), 1..4), 1..=max_reps)
}

fn segment(repeats: bool) -> impl Strategy<Value = OwnedSegment> {
    (
        proptest::string::string_regex("[A-Z]{3}")
            .unwrap()
            .prop_filter("not a service tag", |t| !t.starts_with("UN")),
        prop::collection::vec(element(repeats), 1..6),
    )
        .prop_map(|(tag, elements)| OwnedSegment { tag, elements })
}

fn interchange() -> impl Strategy<Value = Interchange> {
    any::<bool>().prop_flat_map(|syntax_4| {
        (
            separators_strategy(syntax_4),
            prop::collection::vec(prop::collection::vec(segment(syntax_4), 0..6), 1..4),
            any::<bool>(),
        )
            .prop_map(move |(separators, messages, grouped)| {
                let version = if syntax_4 { "4" } else { "3" };
                let header = OwnedSegment::new(
                    "UNB",
                    &[
                        &["UNOC", version],
                        &["SENDER", "14"],
                        &["RECIPIENT", "14"],
                        &["260101", "1200"],
                        &["REF1"],
                    ],
                );
                let messages: Vec<Message> = messages
                    .into_iter()
                    .enumerate()
                    .map(|(i, body)| Message {
                        header: OwnedSegment::new(
                            "UNH",
                            &[&[&format!("M{}", i + 1)], &["ORDERS", "D", "96A", "UN"]],
                        ),
                        body,
                    })
                    .collect();
                let group_header = grouped.then(|| {
                    OwnedSegment::new(
                        "UNG",
                        &[
                            &["ORDERS"],
                            &["SENDER"],
                            &["RECIPIENT"],
                            &["260101", "1200"],
                            &["G1"],
                            &["UN"],
                            &["D", "96A"],
                        ],
                    )
                });
                Interchange {
                    separators,
                    una: true,
                    header,
                    groups: vec![Group {
                        header: group_header,
                        messages,
                    }],
                }
            })
    })
}

fn write(interchange: &Interchange) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new(), References::default());
    writer.write(interchange).expect("the tree writes");
    writer.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn write_then_read_gives_the_same_tree(original in interchange()) {
        let bytes = write(&original);
        let read = read_interchanges(&bytes[..]).expect("written output reads");
        prop_assert_eq!(read.len(), 1);
        prop_assert_eq!(&read[0], &original, "{}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn written_interchanges_have_correct_counts(original in interchange()) {
        let bytes = write(&original);
        let report = common::validate_edifact(&bytes);
        let counting: Vec<String> = report
            .all_issues()
            .filter(|i| matches!(i.code, Some(28 | 29)))
            .map(|i| i.to_string())
            .collect();
        prop_assert!(counting.is_empty(), "{:?}\n{}", counting, String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn every_corpus_file_survives_read_write_read() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let mut checked = 0;
    for dir in ["edifact", "invalid/edifact"] {
        for file in common::files_under(&corpus.join(dir)) {
            let name = file.display().to_string();
            if name.contains(".expected") || name.ends_with(".json") || name.ends_with(".xml") {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let Ok(first) = read_interchanges(&bytes[..]) else {
                continue;
            };
            let mut written = Vec::new();
            let mut writer = Writer::new(&mut written, References::default());
            if first.iter().any(|i| writer.write(i).is_err()) {
                // Values outside the declared repertoire cannot be written
                // back in it; validation reports those files.
                continue;
            }
            let second = read_interchanges(&written[..]).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(first, second, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} corpus files round-tripped");
}

#[test]
fn service_characters_are_released_or_refused() {
    let mut separators = Separators::SYNTAX_3;
    let segment = OwnedSegment::new("FTX", &[&["AAI"], &[], &[], &["2+2=4? it's: true"]]);
    let mut out = Vec::new();
    Writer::new(&mut out, References::default())
        .segment(
            &segment,
            &separators,
            edigate::edi::edifact::Charset::LevelB,
        )
        .unwrap();
    assert_eq!(out, b"FTX+AAI+++2?+2=4?? it?'s?: true'");
    separators.release = None;
    let e = Writer::new(Vec::new(), References::default())
        .segment(
            &segment,
            &separators,
            edigate::edi::edifact::Charset::LevelB,
        )
        .unwrap_err();
    assert!(matches!(e, WriteError::CannotRelease { .. }), "{e}");
}

#[test]
fn una_is_written_only_when_needed_and_references_are_generated() {
    let mut tree = Interchange {
        separators: Separators::SYNTAX_3,
        una: false,
        header: OwnedSegment::new(
            "UNB",
            &[&["UNOA", "3"], &["A"], &["B"], &["260101", "1200"]],
        ),
        groups: vec![Group {
            header: None,
            messages: vec![Message {
                header: OwnedSegment::new("UNH", &[&[], &["ORDERS", "D", "96A", "UN"]]),
                body: vec![OwnedSegment::new("BGM", &[&["220"], &["1"]])],
            }],
        }],
    };
    let text = String::from_utf8(write(&tree)).unwrap();
    assert_eq!(
        text,
        "UNB+UNOA:3+A+B+260101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+1'UNT+3+1'UNZ+1+1'"
    );
    tree.separators.terminator = b'~';
    let text = String::from_utf8(write(&tree)).unwrap();
    assert!(text.starts_with("UNA:+.? ~UNB+UNOA:3"), "{text}");
    tree.header.elements[0][0][0] = "UNOA".into();
    let mut bad = tree.clone();
    bad.groups[0].messages[0].body[0] = OwnedSegment::new("BGM", &[&["220"], &["Müller"]]);
    let e = Writer::new(Vec::new(), References::default())
        .write(&bad)
        .unwrap_err();
    assert!(
        matches!(
            e,
            WriteError::NotInRepertoire {
                character: 'ü', ..
            }
        ),
        "{e}"
    );
}
