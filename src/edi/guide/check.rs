//! Checks of one value against its element definition, and of syntax notes.

use super::model::{CodeList, DataType, ElementDef, NoteKind, SyntaxNote, ValueRule};

/// What is wrong with one element value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueProblem {
    /// Shorter than the element's minimum length.
    TooShort { min: u32, length: usize },
    /// Longer than the element's maximum length.
    TooLong { max: u32, length: usize },
    /// A character the data type does not allow, at this byte index.
    InvalidCharacter { index: usize, byte: u8 },
    /// Not on the element's code list.
    InvalidCode,
    /// Not a valid calendar date.
    InvalidDate,
    /// Not a valid time of day.
    InvalidTime,
}

/// Checks `value` (present, not empty) against `def`, with `codes` as the
/// code list in force (a partner's narrower one, or the element's own).
/// Problems are appended to `out`; one value can have several.
pub fn check_value(
    def: &ElementDef,
    codes: Option<&CodeList>,
    value: &[u8],
    out: &mut Vec<ValueProblem>,
) {
    let length = match def.data_type {
        DataType::Alphanumeric | DataType::Identifier | DataType::Alphabetic => {
            text_length(value, out)
        }
        DataType::Numeric(_) => numeric_length(value, false, out),
        DataType::Decimal | DataType::Number => numeric_length(value, true, out),
        DataType::Date => {
            if !valid_date(value) {
                out.push(ValueProblem::InvalidDate);
            }
            value.len()
        }
        DataType::Time => {
            if !valid_time(value) {
                out.push(ValueProblem::InvalidTime);
            }
            value.len()
        }
        DataType::Binary => return,
    };
    let malformed_number = matches!(
        def.data_type,
        DataType::Numeric(_) | DataType::Decimal | DataType::Number
    ) && out
        .iter()
        .any(|p| matches!(p, ValueProblem::InvalidCharacter { .. }));
    if malformed_number {
        // The digit count means little here; still say when the value is
        // plainly too long.
        let characters = character_count(value.strip_prefix(b"-").unwrap_or(value));
        if characters > def.max as usize {
            out.push(ValueProblem::TooLong {
                max: def.max,
                length: characters,
            });
        }
        return;
    }
    if length < def.min as usize {
        out.push(ValueProblem::TooShort {
            min: def.min,
            length,
        });
    } else if length > def.max as usize {
        out.push(ValueProblem::TooLong {
            max: def.max,
            length,
        });
    }
    if let Some(list) = codes.or(def.codes.as_deref()) {
        if !list.contains(value) {
            out.push(ValueProblem::InvalidCode);
        }
    }
}

/// Whether `value` is certainly valid under `rule`: the common case decided
/// in one cheap pass. `false` means "look closer with [`check_value`]",
/// which finds the actual problems (or none, for the rare valid values this
/// pass does not recognise, such as non-ASCII text or exponents).
///
/// `printable` says the caller already knows every byte of the value is
/// printable ASCII (the X12 lexer learns that while scanning a segment).
#[inline(always)]
pub fn plainly_valid(rule: &ValueRule, value: &[u8], printable: bool) -> bool {
    let (min, max) = (rule.min as usize, rule.max as usize);
    match rule.data_type {
        DataType::Alphanumeric => {
            (min..=max).contains(&value.len()) && (printable || printable_ascii(value))
        }
        DataType::Alphabetic => {
            (min..=max).contains(&value.len())
                && (printable || printable_ascii(value))
                && !value.iter().any(u8::is_ascii_digit)
        }
        DataType::Identifier => {
            (min..=max).contains(&value.len())
                && (printable || printable_ascii(value))
                && match &rule.codes {
                    Some(list) => list.contains(value),
                    None => true,
                }
        }
        DataType::Numeric(_) | DataType::Decimal | DataType::Number => {
            let digits = value.strip_prefix(b"-").unwrap_or(value);
            let points_allowed = usize::from(matches!(
                rule.data_type,
                DataType::Decimal | DataType::Number
            ));
            let mut points = 0;
            let mut others = 0;
            for &b in digits {
                points += usize::from(b == b'.');
                others += usize::from(!b.is_ascii_digit() && b != b'.');
            }
            let count = digits.len() - points;
            others == 0 && points <= points_allowed && count > 0 && (min..=max).contains(&count)
        }
        DataType::Date => (min..=max).contains(&value.len()) && valid_date(value),
        DataType::Time => (min..=max).contains(&value.len()) && valid_time(value),
        DataType::Binary => true,
    }
}

/// Every byte is printable ASCII (0x20 to 0x7E); eight bytes at a time.
#[inline]
pub fn printable_ascii(value: &[u8]) -> bool {
    if value.len() < 8 {
        return !value
            .iter()
            .fold(false, |acc, &b| acc | (b.wrapping_sub(0x20) > 0x5E));
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = value.chunks_exact(8);
    let mut unusual = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Below 0x20: the subtraction borrows into the high bit; 0x7F and
        // up: the addition carries into it or it was set. Carries and
        // borrows only run on from a byte that is itself unusual, so the
        // answer "any unusual byte" is exact.
        unusual |= (x.wrapping_sub(ONES * 0x20) & !x) | x.wrapping_add(ONES) | x;
    }
    let tail = chunks
        .remainder()
        .iter()
        .fold(false, |acc, &b| acc | (b.wrapping_sub(0x20) > 0x5E));
    unusual & HIGH == 0 && !tail
}

/// Length of a text value in characters, reporting the first control
/// character. Plain printable ASCII (nearly every value) is recognised in
/// one branch-free pass.
fn text_length(value: &[u8], out: &mut Vec<ValueProblem>) -> usize {
    // A byte outside 0x20..=0x7E is a control character, DEL, or part of a
    // multi-byte character: only then is a closer look needed.
    if printable_ascii(value) {
        return value.len();
    }
    if let Some(index) = value.iter().position(|&b| b < 0x20 || b == 0x7f) {
        out.push(ValueProblem::InvalidCharacter {
            index,
            byte: value[index],
        });
    }
    character_count(value)
}

/// Characters in a UTF-8 (or ASCII) value: bytes that do not continue a
/// multi-byte character.
fn character_count(value: &[u8]) -> usize {
    value.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Length of a numeric value as the standard counts it: digits only, without
/// sign or decimal point. Reports the first character out of place.
fn numeric_length(value: &[u8], decimal: bool, out: &mut Vec<ValueProblem>) -> usize {
    let body = value.strip_prefix(b"-").unwrap_or(value);
    let offset = value.len() - body.len();
    let mut digits = 0;
    let mut seen_point = false;
    let mut seen_exponent = false;
    for (i, &b) in body.iter().enumerate() {
        let ok = match b {
            b'0'..=b'9' => {
                if !seen_exponent {
                    digits += 1;
                }
                true
            }
            b'.' if decimal && !seen_point && !seen_exponent => {
                seen_point = true;
                true
            }
            b'E' if decimal && !seen_exponent && digits > 0 => {
                seen_exponent = true;
                true
            }
            b'-' if seen_exponent && body[i - 1] == b'E' => true,
            _ => false,
        };
        if !ok {
            out.push(ValueProblem::InvalidCharacter {
                index: offset + i,
                byte: b,
            });
            return digits;
        }
    }
    if digits == 0 {
        out.push(ValueProblem::InvalidCharacter {
            index: offset,
            byte: body.first().copied().unwrap_or(b'-'),
        });
    }
    digits
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(((a - b'0') * 10 + (c - b'0')) as u32),
        _ => None,
    }
}

/// YYMMDD or CCYYMMDD, a real calendar date.
fn valid_date(v: &[u8]) -> bool {
    let (year, month, day) = match *v {
        [c1, c2, y1, y2, m1, m2, d1, d2] => {
            (digits([c1, c2, y1, y2]), digits([m1, m2]), digits([d1, d2]))
        }
        // Two-digit years: the standard leaves the century to context; any
        // year is valid, only leap years need it, and 2000 is one.
        [y1, y2, m1, m2, d1, d2] => (
            digits([y1, y2]).map(|y| 2000 + y),
            digits([m1, m2]),
            digits([d1, d2]),
        ),
        _ => return false,
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return false;
    };
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The number fixed-width decimal digits spell, if they are all digits.
#[inline]
fn digits<const N: usize>(bytes: [u8; N]) -> Option<u32> {
    let values = bytes.map(|b| b.wrapping_sub(b'0'));
    if values.iter().any(|&d| d > 9) {
        return None;
    }
    Some(values.iter().fold(0, |n, &d| n * 10 + d as u32))
}

/// HHMM, HHMMSS, HHMMSSd or HHMMSSdd.
fn valid_time(v: &[u8]) -> bool {
    if !matches!(v.len(), 4 | 6 | 7 | 8) || !v.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let hour = two_digits(&v[0..2]).unwrap_or(99);
    let minute = two_digits(&v[2..4]).unwrap_or(99);
    let second = if v.len() >= 6 {
        two_digits(&v[4..6]).unwrap_or(99)
    } else {
        0
    };
    hour < 24 && minute < 60 && second < 60
}

/// A broken syntax note: which rule, and the position to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteViolation {
    /// The note in the standard's notation (`P0304`).
    pub note: String,
    /// The position reported (1-based).
    pub position: u8,
    /// Whether the position is missing (else it is present but excluded).
    pub missing: bool,
}

/// Checks syntax notes given which positions are present (bit `p` of
/// `present` for position `p`).
pub fn check_notes(notes: &[SyntaxNote], present: u64, out: &mut Vec<NoteViolation>) {
    for note in notes {
        let here = present & note.mask;
        let first = 1u64 << note.positions[0];
        let broken = match note.kind {
            NoteKind::Paired => here != 0 && here != note.mask,
            NoteKind::Required => here == 0,
            NoteKind::Exclusion => here.count_ones() > 1,
            NoteKind::Conditional => here & first != 0 && here != note.mask,
            NoteKind::ListConditional => here & first != 0 && here == first,
        };
        if broken {
            report_note(note, present, out);
        }
    }
}

/// Names the positions a broken note is reported at.
fn report_note(note: &SyntaxNote, present: u64, out: &mut Vec<NoteViolation>) {
    let is_present = |p: u8| present & (1u64 << p) != 0;
    let p = &note.positions;
    let mut report = |position: u8, missing: bool| {
        out.push(NoteViolation {
            note: note.notation(),
            position,
            missing,
        })
    };
    match note.kind {
        NoteKind::Paired | NoteKind::Conditional => p
            .iter()
            .skip(usize::from(note.kind == NoteKind::Conditional))
            .filter(|&&x| !is_present(x))
            .for_each(|&x| report(x, true)),
        NoteKind::Required => report(p[0], true),
        NoteKind::Exclusion => p
            .iter()
            .filter(|&&x| is_present(x))
            .skip(1)
            .for_each(|&x| report(x, false)),
        NoteKind::ListConditional => report(p[1], true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn def(t: DataType, min: u32, max: u32) -> ElementDef {
        ElementDef {
            id: "1".into(),
            name: "x".into(),
            data_type: t,
            min,
            max,
            codes: None,
        }
    }

    fn problems(d: &ElementDef, v: &str) -> Vec<ValueProblem> {
        let mut out = vec![];
        check_value(d, None, v.as_bytes(), &mut out);
        out
    }

    #[test]
    fn finds_control_characters_anywhere() {
        let an = def(DataType::Alphanumeric, 1, 40);
        assert!(problems(&an, "PLAIN TEXT WITH ~!@ PUNCTUATION").is_empty());
        for bad in ["ABCDEFGH\tIJ", "A\u{7f}", "ABCDEFGHIJKLMNO\r"] {
            assert!(
                matches!(problems(&an, bad)[0], ValueProblem::InvalidCharacter { .. }),
                "{bad:?}"
            );
        }
        assert!(problems(&an, "CAFÉ MÜNCHEN").is_empty());
        assert_eq!(problems(&def(DataType::Alphanumeric, 1, 4), "ÄÖÜß"), []);
    }

    proptest::proptest! {
        /// The fast path never calls a value valid that the full check
        /// faults.
        #[test]
        fn plainly_valid_agrees_with_the_full_check(
            value in proptest::collection::vec(proptest::sample::select(b"0123456789-.EAZaz \x01\x7f\xc3\xa9".to_vec()), 0..12),
            kind in 0usize..7,
            min in 1u32..4,
            extra in 0u32..6,
        ) {
            let types = [DataType::Alphanumeric, DataType::Identifier, DataType::Numeric(2), DataType::Decimal, DataType::Date, DataType::Time, DataType::Binary];
            let mut d = def(types[kind], min, min + extra);
            if kind == 1 {
                d.codes = Some(Arc::new(CodeList::new(["A", "AZ", "09", "1.5"])));
            }
            let mut out = vec![];
            check_value(&d, None, &value, &mut out);
            if plainly_valid(&ValueRule::for_element(&d, None, false), &value, false) {
                proptest::prop_assert!(out.is_empty(), "{:?} {:?}", String::from_utf8_lossy(&value), out);
            }
        }
    }

    #[test]
    fn printable_ascii_is_exact() {
        for b in 0u8..=255 {
            for at in 0..9 {
                let mut v = b"ABCDEFGHI".to_vec();
                v[at] = b;
                assert_eq!(
                    printable_ascii(&v),
                    (0x20..=0x7e).contains(&b),
                    "byte {b:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn plainly_valid_takes_the_common_values() {
        let plain = |d: ElementDef, v: &[u8]| {
            plainly_valid(&ValueRule::for_element(&d, None, false), v, false)
        };
        assert!(plain(
            def(DataType::Alphanumeric, 1, 30),
            b"STAINLESS STEEL, 12 IN"
        ));
        assert!(plain(def(DataType::Decimal, 1, 10), b"-12.50"));
        assert!(plain(def(DataType::Numeric(0), 1, 6), b"48"));
        assert!(plain(def(DataType::Date, 8, 8), b"20260228"));
        assert!(!plain(def(DataType::Date, 8, 8), b"20260230"));
    }

    #[test]
    fn numeric_lengths_ignore_sign_and_point() {
        let r = def(DataType::Decimal, 1, 4);
        assert!(problems(&r, "-12.34").is_empty());
        assert_eq!(
            problems(&r, "12.345"),
            [ValueProblem::TooLong { max: 4, length: 5 }]
        );
        assert!(matches!(
            problems(&r, "1.2.3")[0],
            ValueProblem::InvalidCharacter { index: 3, .. }
        ));
        assert!(matches!(
            problems(&def(DataType::Numeric(2), 1, 9), "12a")[0],
            ValueProblem::InvalidCharacter { index: 2, .. }
        ));
    }

    #[test]
    fn dates_and_times_are_real() {
        let dt = def(DataType::Date, 8, 8);
        assert!(problems(&dt, "20240229").is_empty());
        assert_eq!(problems(&dt, "20230229"), [ValueProblem::InvalidDate]);
        assert_eq!(problems(&dt, "20231301"), [ValueProblem::InvalidDate]);
        let tm = def(DataType::Time, 4, 8);
        assert!(problems(&tm, "235959").is_empty());
        assert_eq!(problems(&tm, "2460"), [ValueProblem::InvalidTime]);
    }

    #[test]
    fn code_lists_and_lengths() {
        let mut id = def(DataType::Identifier, 2, 2);
        id.codes = Some(Arc::new(CodeList::new(["00", "05"])));
        assert!(problems(&id, "05").is_empty());
        assert_eq!(problems(&id, "06"), [ValueProblem::InvalidCode]);
        assert_eq!(
            problems(&id, "123"),
            [
                ValueProblem::TooLong { max: 2, length: 3 },
                ValueProblem::InvalidCode
            ]
        );
    }

    #[test]
    fn syntax_notes() {
        let notes: Vec<SyntaxNote> = ["P0304", "R0102", "E0506", "C0708", "L091011"]
            .iter()
            .map(|s| SyntaxNote::parse(s).unwrap())
            .collect();
        let mut out = vec![];
        let present = [3, 5, 6, 7, 9].iter().fold(0u64, |m, p| m | 1 << p);
        check_notes(&notes, present, &mut out);
        let got: Vec<(String, u8, bool)> = out
            .into_iter()
            .map(|v| (v.note, v.position, v.missing))
            .collect();
        assert_eq!(
            got,
            [
                ("P0304".into(), 4, true),
                ("R0102".into(), 1, true),
                ("E0506".into(), 6, false),
                ("C0708".into(), 8, true),
                ("L091011".into(), 10, true),
            ]
        );
    }
}
