//! The writer: round trips (property-tested), control numbers, counts, and
//! refusing values that hold a delimiter.

mod common;

use edigate::edi::x12::tree::{self, Field, Group, Interchange, OwnedSegment, TransactionSet};
use edigate::edi::x12::writer::{ControlNumbers, SequentialCounter, WriteError, Writer};
use edigate::edi::x12::{Delimiters, SegmentReader};
use proptest::prelude::*;

const DELIMITER_POOL: &[u8] = b"*|^~:>!+\x1d\x1e\x1f\n";

fn isa(version: &str, control: &str) -> OwnedSegment {
    OwnedSegment::new(
        "ISA",
        [
            "00",
            "          ",
            "00",
            "          ",
            "ZZ",
            "SENDER         ",
            "ZZ",
            "RECEIVER       ",
            "260101",
            "1200",
            "U",
            version,
            control,
            "0",
            "P",
            ":",
        ],
    )
}

fn delimiters_strategy(with_repetition: bool) -> impl Strategy<Value = Delimiters> {
    Just(()).prop_perturb(move |_, mut rng| {
        let mut pool = DELIMITER_POOL.to_vec();
        let mut pick = |rng: &mut proptest::test_runner::TestRng| {
            let i = rng.random_range(0..pool.len());
            pool.remove(i)
        };
        let element = pick(&mut rng);
        let component = pick(&mut rng);
        let terminator = pick(&mut rng);
        let repetition = with_repetition.then(|| pick(&mut rng));
        Delimiters::new(element, repetition, component, terminator)
    })
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    proptest::string::string_regex("[A-Za-z0-9 ./-]{0,8}")
        .unwrap()
        .prop_map(String::into_bytes)
}

fn field(repeats: bool) -> impl Strategy<Value = Field> {
    let max_reps = if repeats { 3 } else { 1 };
    prop::collection::vec(prop::collection::vec(value(), 1..4), 1..=max_reps).prop_map(Field)
}

fn segment(repeats: bool) -> impl Strategy<Value = OwnedSegment> {
    let tag = proptest::string::string_regex("[A-Z][A-Z0-9]{1,2}")
        .unwrap()
        .prop_filter("envelope tags", |t| {
            !matches!(
                t.as_str(),
                "ISA" | "IEA" | "GS" | "GE" | "ST" | "SE" | "TA1" | "ISB" | "ISE" | "BIN"
            )
        });
    (tag, prop::collection::vec(field(repeats), 0..6))
        .prop_map(|(tag, elements)| OwnedSegment { tag, elements })
}

fn interchange(repeats: bool) -> impl Strategy<Value = Interchange> {
    let set = prop::collection::vec(segment(repeats), 0..8).prop_map(|body| TransactionSet {
        header: OwnedSegment::new("ST", ["850", "0001"]),
        body,
        trailer: None,
    });
    let group = prop::collection::vec(set, 1..3).prop_map(|sets| Group {
        header: OwnedSegment::new(
            "GS",
            ["PO", "A", "B", "20260101", "1200", "7", "X", "004010"],
        ),
        sets,
        trailer: None,
    });
    let version = if repeats { "00501" } else { "00401" };
    prop::collection::vec(group, 1..3).prop_map(move |groups| Interchange {
        header: isa(version, "000000042"),
        service_segments: Vec::new(),
        groups,
        trailer: None,
    })
}

fn write(i: &Interchange, d: Delimiters) -> Vec<u8> {
    Writer::new(d)
        .to_bytes(i, &mut ControlNumbers::Keep)
        .expect("writes")
}

/// Reads the interchange back, without the trailers the reader keeps (a
/// generated tree has none).
fn reparse(bytes: &[u8]) -> Interchange {
    let mut all = tree::parse(bytes).expect("parses");
    assert_eq!(all.len(), 1);
    let mut i = all.remove(0);
    i.trailer = None;
    for g in &mut i.groups {
        g.trailer = None;
        for s in &mut g.sets {
            s.trailer = None;
        }
    }
    i
}

/// What a tree looks like after writing with `d`: ISA11 and ISA16 carry the
/// delimiters.
fn as_written(mut i: Interchange, d: Delimiters) -> Interchange {
    if let Some(r) = d.repetition {
        i.header.elements[10] = Field::simple([r]);
    }
    i.header.elements[15] = Field::simple([d.component]);
    i
}

fn round_trip(i: Interchange, d1: Delimiters, d2: Delimiters) -> Result<(), TestCaseError> {
    let first = write(&i, d1);
    let parsed = reparse(&first);
    prop_assert_eq!(&parsed, &as_written(i.clone(), d1));
    prop_assert_eq!(
        write(&parsed, d1),
        first.clone(),
        "same delimiters, same bytes"
    );
    let other = reparse(&write(&parsed, d2));
    prop_assert_eq!(other, as_written(i, d2));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn round_trips_with_repetitions(i in interchange(true), d1 in delimiters_strategy(true), d2 in delimiters_strategy(true)) {
        round_trip(i, d1, d2)?;
    }

    #[test]
    fn round_trips_without_repetitions(i in interchange(false), d1 in delimiters_strategy(false), d2 in delimiters_strategy(false)) {
        round_trip(i, d1, d2)?;
    }
}

#[test]
fn generates_control_numbers_and_counts() {
    let i = Interchange {
        header: isa("00401", "000000000"),
        service_segments: Vec::new(),
        groups: vec![Group {
            header: OwnedSegment::new(
                "GS",
                ["PO", "A", "B", "20260101", "1200", "0", "X", "004010"],
            ),
            sets: vec![
                TransactionSet {
                    header: OwnedSegment::new("ST", ["850", "0"]),
                    body: vec![OwnedSegment::new(
                        "BEG",
                        ["00", "SA", "PO1", "", "20260101"],
                    )],
                    trailer: None,
                },
                TransactionSet {
                    header: OwnedSegment::new("ST", ["850", "0"]),
                    body: vec![],
                    trailer: None,
                },
            ],
            trailer: None,
        }],
        trailer: None,
    };
    let mut counter = SequentialCounter::starting_at(41);
    let bytes = Writer::new(Delimiters::new(b'*', None, b'>', b'~'))
        .to_bytes(&i, &mut ControlNumbers::Generate(&mut counter))
        .unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].ends_with("*U*00401*000000041*0*P*>~"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "GS*PO*A*B*20260101*1200*41*X*004010~");
    assert_eq!(lines[2], "ST*850*0041~");
    assert_eq!(lines[4], "SE*3*0041~");
    assert_eq!(lines[5], "ST*850*0042~");
    assert_eq!(lines[6], "SE*2*0042~");
    assert_eq!(lines[7], "GE*2*41~");
    assert_eq!(lines[8], "IEA*1*000000041~");
    // The result validates: counts and control numbers agree.
    let report = common::validate(text.as_bytes());
    let envelope_errors: Vec<_> = report
        .all_issues()
        .filter(|i| {
            i.is_error()
                && !matches!(
                    i.code,
                    edigate::edi::x12::AckCode::Segment(_) | edigate::edi::x12::AckCode::Element(_)
                )
        })
        .collect();
    assert!(envelope_errors.is_empty(), "{envelope_errors:?}");
}

#[test]
fn refuses_a_value_holding_a_delimiter_and_names_the_element() {
    let mut i = Interchange {
        header: isa("00401", "000000001"),
        service_segments: Vec::new(),
        groups: vec![Group {
            header: OwnedSegment::new(
                "GS",
                ["PO", "A", "B", "20260101", "1200", "1", "X", "004010"],
            ),
            sets: vec![TransactionSet {
                header: OwnedSegment::new("ST", ["850", "0001"]),
                body: vec![OwnedSegment::new("N1", ["ST", "SMITH*JONES"])],
                trailer: None,
            }],
            trailer: None,
        }],
        trailer: None,
    };
    let err = Writer::new(Delimiters::new(b'*', None, b'>', b'~'))
        .to_bytes(&i, &mut ControlNumbers::Keep)
        .unwrap_err();
    assert!(
        matches!(err, WriteError::DelimiterInValue { ref segment, element: 2, delimiter: "element separator", .. } if segment == "N1")
    );
    assert!(err.to_string().starts_with("N102 "), "{err}");
    i.groups[0].sets[0].body[0].elements[1] = Field(vec![vec![b"A".to_vec()], vec![b"B".to_vec()]]);
    let err = Writer::new(Delimiters::new(b'*', None, b'>', b'~'))
        .to_bytes(&i, &mut ControlNumbers::Keep)
        .unwrap_err();
    assert!(
        matches!(err, WriteError::NoRepetitionSeparator { .. }),
        "{err}"
    );
}

#[test]
fn corpus_files_write_back_byte_for_byte() {
    // parse → write with the same delimiters → the same segments, byte for
    // byte (only whitespace between segments may differ), for every
    // well-formed corpus file.
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let mut compared = 0;
    for file in common::files_under(&corpus.join("x12")) {
        let bytes = std::fs::read(&file).unwrap();
        if !common::validate(&bytes).is_valid() {
            continue;
        }
        let trees =
            tree::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let written: Vec<String> = trees
            .iter()
            .flat_map(|t| raw_segments(&write_as_read(t, &bytes)))
            .collect();
        assert_eq!(raw_segments(&bytes), written, "{}", file.display());
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} files compared");
}

/// Writes an interchange with the delimiters it was read with.
fn write_as_read(t: &Interchange, source: &[u8]) -> Vec<u8> {
    let mut reader = SegmentReader::new(source);
    let mut delimiters = None;
    while let Ok(Some(seg)) = reader.next_segment() {
        if seg.tag() == b"ISA" && seg.element(13).bytes() == t.header.element(13) {
            delimiters = Some(*seg.delimiters());
            break;
        }
    }
    let mut writer = Writer::new(delimiters.expect("interchange found"));
    writer.line_breaks = false;
    writer.to_bytes(t, &mut ControlNumbers::Keep).unwrap()
}

fn raw_segments(bytes: &[u8]) -> Vec<String> {
    let mut reader = SegmentReader::new(bytes);
    let mut out = Vec::new();
    while let Ok(Some(seg)) = reader.next_segment() {
        out.push(String::from_utf8_lossy(seg.bytes()).into_owned());
    }
    out
}
