//! Checks of the interchange and group envelope segments (ISA, IEA, GS, GE)
//! and the functional group each transaction set travels under.

use super::report::InterchangeHeader;
use super::segment::Segment;
use crate::edi::guide::{check_value, DataType, ElementDef, ValueProblem};

/// An envelope problem: the TA105 code, the element, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeProblem {
    /// The TA105 note code.
    pub code: u16,
    /// Element position in the segment.
    pub element: u16,
    /// What is wrong.
    pub message: String,
    /// A warning only (lenient reading of something common in the wild).
    pub warning: bool,
}

struct IsaField {
    position: usize,
    name: &'static str,
    width: usize,
    code: u16,
}

const ISA_FIELDS: &[IsaField] = &[
    IsaField {
        position: 1,
        name: "authorization information qualifier",
        width: 2,
        code: 10,
    },
    IsaField {
        position: 2,
        name: "authorization information",
        width: 10,
        code: 11,
    },
    IsaField {
        position: 3,
        name: "security information qualifier",
        width: 2,
        code: 12,
    },
    IsaField {
        position: 4,
        name: "security information",
        width: 10,
        code: 13,
    },
    IsaField {
        position: 5,
        name: "sender ID qualifier",
        width: 2,
        code: 5,
    },
    IsaField {
        position: 6,
        name: "sender ID",
        width: 15,
        code: 6,
    },
    IsaField {
        position: 7,
        name: "receiver ID qualifier",
        width: 2,
        code: 7,
    },
    IsaField {
        position: 8,
        name: "receiver ID",
        width: 15,
        code: 8,
    },
    IsaField {
        position: 9,
        name: "interchange date",
        width: 6,
        code: 14,
    },
    IsaField {
        position: 10,
        name: "interchange time",
        width: 4,
        code: 15,
    },
    IsaField {
        position: 11,
        name: "repetition separator / standards identifier",
        width: 1,
        code: 16,
    },
    IsaField {
        position: 12,
        name: "interchange control version number",
        width: 5,
        code: 17,
    },
    IsaField {
        position: 13,
        name: "interchange control number",
        width: 9,
        code: 18,
    },
    IsaField {
        position: 14,
        name: "acknowledgment requested",
        width: 1,
        code: 19,
    },
    IsaField {
        position: 15,
        name: "usage indicator",
        width: 1,
        code: 20,
    },
    IsaField {
        position: 16,
        name: "component element separator",
        width: 1,
        code: 27,
    },
];

fn date_def(len: u32) -> ElementDef {
    ElementDef {
        id: String::new(),
        name: String::new(),
        data_type: DataType::Date,
        min: len,
        max: len,
        codes: None,
    }
}

fn valid_date(value: &[u8], len: u32) -> bool {
    let mut out = Vec::new();
    check_value(&date_def(len), None, value, &mut out);
    out.is_empty()
}

fn valid_time(value: &[u8]) -> bool {
    let def = ElementDef {
        data_type: DataType::Time,
        min: 4,
        max: 8,
        ..date_def(4)
    };
    let mut out: Vec<ValueProblem> = Vec::new();
    check_value(&def, None, value, &mut out);
    out.is_empty()
}

fn digits(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(u8::is_ascii_digit)
}

/// Reads the ISA header and checks every field's width and value.
pub fn check_isa(isa: &Segment<'_>) -> (InterchangeHeader, Vec<EnvelopeProblem>) {
    let mut problems = Vec::new();
    let mut push = |code: u16, element: usize, message: String, warning: bool| {
        problems.push(EnvelopeProblem {
            code,
            element: element as u16,
            message,
            warning,
        })
    };
    if isa.element_count() != 16 {
        push(
            22,
            0,
            format!(
                "ISA has {} elements; it must have exactly 16",
                isa.element_count()
            ),
            false,
        );
    }
    for f in ISA_FIELDS {
        let v = isa.element(f.position).bytes();
        let width = v.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        if width != f.width {
            push(
                f.code,
                f.position,
                format!(
                    "ISA{:02} ({}) is {} characters wide; it must be exactly {} (pad with spaces)",
                    f.position, f.name, width, f.width
                ),
                false,
            );
        }
    }
    let version = isa.element(12).bytes();
    let text = |n| isa.text(n);
    let qualifier_ok = |v: &[u8]| v.len() == 2 && v.iter().all(u8::is_ascii_alphanumeric);
    if !matches!(
        isa.element(1).bytes(),
        b"00" | b"01" | b"02" | b"03" | b"04" | b"05" | b"06"
    ) {
        push(
            10,
            1,
            format!(
                "ISA01 \"{}\" is not an authorization qualifier (00 to 06)",
                text(1)
            ),
            false,
        );
    }
    if !matches!(isa.element(3).bytes(), b"00" | b"01") {
        push(
            12,
            3,
            format!(
                "ISA03 \"{}\" is not a security qualifier (00 or 01)",
                text(3)
            ),
            false,
        );
    }
    if !qualifier_ok(isa.element(5).bytes()) {
        push(
            5,
            5,
            format!("ISA05 \"{}\" is not an ID qualifier", text(5)),
            false,
        );
    }
    if !qualifier_ok(isa.element(7).bytes()) {
        push(
            7,
            7,
            format!("ISA07 \"{}\" is not an ID qualifier", text(7)),
            false,
        );
    }
    if isa.element(6).bytes().iter().all(|&b| b == b' ') {
        push(6, 6, "ISA06 (sender ID) is blank".into(), false);
    }
    if isa.element(8).bytes().iter().all(|&b| b == b' ') {
        push(8, 8, "ISA08 (receiver ID) is blank".into(), false);
    }
    if !valid_date(isa.element(9).bytes(), 6) {
        push(
            14,
            9,
            format!("ISA09 \"{}\" is not a date (YYMMDD)", text(9)),
            false,
        );
    }
    if isa.element(10).bytes().len() != 4 || !valid_time(isa.element(10).bytes()) {
        push(
            15,
            10,
            format!("ISA10 \"{}\" is not a time (HHMM)", text(10)),
            false,
        );
    }
    if !digits(version) || version.len() != 5 {
        push(
            17,
            12,
            format!(
                "ISA12 \"{}\" is not a version number (five digits, e.g. 00401)",
                text(12)
            ),
            false,
        );
    } else if !(b"00200".as_slice()..=b"00801".as_slice()).contains(&version) {
        push(
            17,
            12,
            format!(
                "ISA12 \"{}\" is not a published X12 envelope version",
                text(12)
            ),
            true,
        );
    } else if version >= b"00402".as_slice()
        && isa
            .element(11)
            .bytes()
            .iter()
            .all(u8::is_ascii_alphanumeric)
    {
        push(
            16,
            11,
            format!(
                "ISA11 is \"{}\"; from version 00402 on it is the repetition separator, so repeated elements cannot be read",
                text(11)
            ),
            true,
        );
    } else if version < b"00402".as_slice() && isa.element(11).bytes() != b"U" {
        push(
            16,
            11,
            format!(
                "ISA11 is \"{}\"; before version 00402 it is the standards identifier U",
                text(11)
            ),
            true,
        );
    }
    if !digits(isa.element(13).bytes()) {
        push(
            18,
            13,
            format!(
                "ISA13 \"{}\" is not a control number (nine digits)",
                text(13)
            ),
            false,
        );
    }
    if !matches!(isa.element(14).bytes(), b"0" | b"1") {
        push(
            19,
            14,
            format!("ISA14 \"{}\" must be 0 or 1", text(14)),
            false,
        );
    }
    if !matches!(isa.element(15).bytes(), b"P" | b"T" | b"I") {
        push(
            20,
            15,
            format!(
                "ISA15 \"{}\" must be P (production), T (test) or I (information)",
                text(15)
            ),
            false,
        );
    }
    let header = InterchangeHeader {
        sender_qualifier: text(5),
        sender_id: text(6),
        receiver_qualifier: text(7),
        receiver_id: text(8),
        date: text(9),
        time: text(10),
        isa11: text(11),
        version: text(12),
        control_number: text(13),
        ack_requested: isa.element(14).bytes() == b"1",
        usage: text(15),
    };
    (header, problems)
}

/// Problems of a GS segment, reported under TA105 024 (invalid content).
pub fn check_gs(gs: &Segment<'_>) -> Vec<(u16, String)> {
    let mut problems = Vec::new();
    if gs.element_count() < 8 {
        problems.push((
            0,
            format!("GS has {} elements; it needs 8", gs.element_count()),
        ));
    }
    for (n, what) in [
        (1, "functional identifier code"),
        (2, "application sender"),
        (3, "application receiver"),
        (8, "version"),
    ] {
        if gs.element(n).is_empty() {
            problems.push((n as u16, format!("GS{n:02} ({what}) is missing")));
        }
    }
    let date = gs.element(4).bytes();
    if !valid_date(date, 8) && !valid_date(date, 6) {
        problems.push((
            4,
            format!(
                "GS04 \"{}\" is not a date (CCYYMMDD, or YYMMDD before 004010)",
                gs.text(4)
            ),
        ));
    }
    if !valid_time(gs.element(5).bytes()) {
        problems.push((
            5,
            format!("GS05 \"{}\" is not a time (HHMM[SS[dd]])", gs.text(5)),
        ));
    }
    if !matches!(gs.element(7).bytes(), b"X" | b"T") {
        problems.push((
            7,
            format!("GS07 \"{}\" must be X (X12) or T (TDCC)", gs.text(7)),
        ));
    }
    problems
}

/// The functional group code a transaction set travels under, for the sets
/// whose guide does not say (or that have none).
pub fn functional_group_of(set: &str) -> Option<&'static str> {
    Some(match set {
        "810" => "IN",
        "820" => "RA",
        "824" => "AG",
        "830" => "PS",
        "832" => "SC",
        "846" => "IB",
        "850" => "PO",
        "852" => "PD",
        "855" => "PR",
        "856" => "SH",
        "860" => "PC",
        "864" => "TX",
        "865" => "CA",
        "867" => "PT",
        "997" | "999" => "FA",
        "204" => "SM",
        "214" => "QM",
        "990" => "GF",
        "940" => "OW",
        "945" => "SW",
        _ => return None,
    })
}
