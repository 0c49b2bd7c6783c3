//! Checks of one segment's data elements against the directory: presence,
//! constituents, repetitions, formats, code lists and dependency notes.

use crate::edi::guide::{
    check_notes, CodeList, DataType, Dictionary, ElementDef, ElementKind, ElementUse, SegmentDef,
    Usage,
};

use super::charset::Charset;
use super::report::codes;
use super::segment::{Piece, Segment};

/// One problem with a data element or component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementProblem {
    /// The syntax error code (0085).
    pub code: u8,
    /// Data element position (1-based).
    pub element: u16,
    /// Component position, for a component of a composite.
    pub component: Option<u16>,
    /// Repetition (1-based).
    pub repetition: u16,
    /// Absolute byte offset of the value (or of the segment).
    pub offset: u64,
    /// The directory reference of the element or composite.
    pub element_ref: String,
    /// What is wrong.
    pub message: String,
    /// The value, when it is the problem.
    pub data: Option<String>,
    /// Whether it is only worth a warning.
    pub warning: bool,
}

/// Checks `segment` against its definition, appending problems to `out`.
pub fn check_segment(
    segment: &Segment<'_>,
    def: &SegmentDef,
    dictionary: &Dictionary,
    charset: Charset,
    out: &mut Vec<ElementProblem>,
) {
    let pieces = segment.pieces();
    let mut present_mask = 0u64;
    let mut i = 0;
    let mut trailing_reported = false;
    while i < pieces.len() {
        let position = pieces[i].element;
        let end = i + pieces[i..]
            .iter()
            .position(|p| p.element != position)
            .unwrap_or(pieces.len() - i);
        let element_pieces = &pieces[i..end];
        i = end;
        let present = element_pieces.iter().any(|p| p.end > p.start);
        let Some(usage) = def.elements.get(position as usize - 1) else {
            if present {
                out.push(problem(
                    segment,
                    &element_pieces[0],
                    codes::TOO_MANY_CONSTITUENTS,
                    None,
                    String::new(),
                    format!(
                        "{} has {} data elements; this one is extra",
                        def.tag,
                        def.elements.len()
                    ),
                ));
            } else if !trailing_reported {
                trailing_reported = true;
                let mut p = problem(
                    segment,
                    &element_pieces[0],
                    codes::TRAILING_SEPARATOR,
                    None,
                    String::new(),
                    "empty data elements at the end of the segment (trailing separators)".into(),
                );
                p.warning = true;
                out.push(p);
            }
            continue;
        };
        if !present {
            continue;
        }
        if position < 64 {
            present_mask |= 1 << position;
        }
        check_element(segment, usage, element_pieces, dictionary, charset, out);
    }
    report_missing(segment, def, dictionary, present_mask, out);
    check_dependencies(segment, &def.notes, present_mask, 0, out);
}

/// Mandatory data elements that are absent.
fn report_missing(
    segment: &Segment<'_>,
    def: &SegmentDef,
    dictionary: &Dictionary,
    present_mask: u64,
    out: &mut Vec<ElementProblem>,
) {
    if def.mandatory_mask() & !present_mask == 0 {
        return;
    }
    for (index, usage) in def.elements.iter().enumerate() {
        let position = index as u16 + 1;
        if usage.usage == Usage::Mandatory && present_mask & (1 << position.min(63)) == 0 {
            out.push(ElementProblem {
                code: codes::MISSING,
                element: position,
                component: None,
                repetition: 1,
                offset: segment.offset(),
                element_ref: dictionary.reference(usage.kind).to_string(),
                message: format!(
                    "mandatory data element {} is missing",
                    dictionary.reference(usage.kind)
                ),
                data: None,
                warning: false,
            });
        }
    }
}

fn check_element(
    segment: &Segment<'_>,
    usage: &ElementUse,
    pieces: &[Piece],
    dictionary: &Dictionary,
    charset: Charset,
    out: &mut Vec<ElementProblem>,
) {
    let reference = dictionary.reference(usage.kind);
    let repetitions = pieces.last().map_or(1, |p| p.repetition);
    if u32::from(repetitions) > usage.repeat {
        let extra = pieces
            .iter()
            .find(|p| u32::from(p.repetition) > usage.repeat)
            .unwrap_or(&pieces[0]);
        out.push(problem(
            segment,
            extra,
            codes::TOO_MANY_CONSTITUENTS,
            None,
            reference.to_string(),
            format!(
                "{reference} repeats {repetitions} times; at most {} allowed",
                usage.repeat
            ),
        ));
    }
    match usage.kind {
        ElementKind::Simple(e) => {
            let def = &dictionary.elements[e];
            for piece in pieces {
                if piece.component > 1 && piece.end > piece.start {
                    out.push(problem(
                        segment,
                        piece,
                        codes::TOO_MANY_CONSTITUENTS,
                        Some(piece.component),
                        reference.to_string(),
                        format!("{reference} is a simple data element; it has no components"),
                    ));
                } else if piece.component == 1 && piece.end > piece.start {
                    check_piece(
                        segment,
                        piece,
                        def,
                        usage.codes.as_deref(),
                        charset,
                        None,
                        out,
                    );
                }
            }
        }
        ElementKind::Composite(c) => {
            let composite = &dictionary.composites[c];
            for repetition in 1..=repetitions {
                let mut mask = 0u64;
                let in_repetition = |p: &&Piece| p.repetition == repetition;
                for piece in pieces.iter().filter(in_repetition) {
                    if piece.end == piece.start {
                        continue;
                    }
                    let Some(component) = composite.components.get(piece.component as usize - 1)
                    else {
                        out.push(problem(
                            segment,
                            piece,
                            codes::TOO_MANY_CONSTITUENTS,
                            Some(piece.component),
                            reference.to_string(),
                            format!(
                                "{reference} has {} components; this one is extra",
                                composite.components.len()
                            ),
                        ));
                        continue;
                    };
                    mask |= 1 << piece.component.min(63);
                    if let ElementKind::Simple(e) = component.kind {
                        let def = &dictionary.elements[e];
                        let codes = component.codes.as_deref();
                        check_piece(
                            segment,
                            piece,
                            def,
                            codes,
                            charset,
                            Some(piece.component),
                            out,
                        );
                    }
                }
                if mask == 0 || composite.mandatory_mask() & !mask == 0 {
                    check_dependencies(segment, &composite.notes, mask, pieces[0].element, out);
                    continue;
                }
                for (k, component) in composite.components.iter().enumerate() {
                    let position = k as u16 + 1;
                    if component.usage == Usage::Mandatory && mask & (1 << position.min(63)) == 0 {
                        let at = pieces
                            .iter()
                            .find(|p| p.repetition == repetition)
                            .unwrap_or(&pieces[0]);
                        let name = dictionary.reference(component.kind);
                        out.push(ElementProblem {
                            component: Some(position),
                            ..problem(
                                segment,
                                at,
                                codes::MISSING,
                                Some(position),
                                name.to_string(),
                                format!("mandatory component {name} of {reference} is missing"),
                            )
                        });
                    }
                }
                check_dependencies(segment, &composite.notes, mask, pieces[0].element, out);
            }
        }
    }
}

/// Checks one value: repertoire, then format, then code list.
fn check_piece(
    segment: &Segment<'_>,
    piece: &Piece,
    def: &ElementDef,
    codes: Option<&CodeList>,
    charset: Charset,
    component: Option<u16>,
    out: &mut Vec<ElementProblem>,
) {
    let raw = segment.raw_piece(piece);
    if let Some(index) = charset.first_invalid(raw) {
        let mut p = problem(
            segment,
            piece,
            codes::INVALID_CHARACTERS,
            component,
            def.id.clone(),
            format!(
                "byte 0x{:02X} is not in the declared character repertoire ({charset:?})",
                raw[index]
            ),
        );
        p.offset += index as u64;
        out.push(p);
        return;
    }
    let value = segment.value_of(piece);
    if let Some((code, message)) = check_value(def, codes, &value, charset) {
        out.push(ElementProblem {
            data: Some(charset.decode(&value).into_owned()),
            ..problem(segment, piece, code, component, def.id.clone(), message)
        });
    }
}

/// The first problem of a (present, unescaped) value under `def`, with
/// `codes` as the list in force.
pub fn check_value(
    def: &ElementDef,
    codes: Option<&CodeList>,
    value: &[u8],
    charset: Charset,
) -> Option<(u8, String)> {
    let id = &def.id;
    let length = match def.data_type {
        DataType::Number => match number_digits(value) {
            Ok(digits) => digits,
            Err((code, why)) => return Some((code, format!("{id} is numeric: {why}"))),
        },
        DataType::Alphabetic if value.iter().any(u8::is_ascii_digit) => {
            return Some((
                codes::INVALID_CHARACTER_TYPE,
                format!("{id} is alphabetic; digits are not allowed"),
            ))
        }
        _ if charset == Charset::Utf8 => value.iter().filter(|&&b| b & 0xC0 != 0x80).count(),
        _ => value.len(),
    };
    if length > def.max as usize {
        return Some((
            codes::TOO_LONG,
            format!("{id} is {length} long; at most {} allowed", def.max),
        ));
    }
    if length < def.min as usize {
        return Some((
            codes::TOO_SHORT,
            format!("{id} is {length} long; at least {} required", def.min),
        ));
    }
    let list = codes.or(def.codes.as_deref())?;
    (!list.contains(value)).then(|| {
        (
            codes::INVALID_VALUE,
            format!(
                "not a code of {id} ({}): expected one of {}",
                def.name,
                list.describe()
            ),
        )
    })
}

/// The digit count of an EDIFACT number (sign and decimal mark not
/// counted), or why it is not one. Both `.` and `,` are decimal marks.
pub fn number_digits(value: &[u8]) -> Result<usize, (u8, &'static str)> {
    let body = value.strip_prefix(b"-").unwrap_or(value);
    let mut digits = 0;
    let mut mark = None;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' | b',' if mark.is_none() => mark = Some(i),
            b'.' | b',' => return Err((codes::INVALID_DECIMAL_NOTATION, "two decimal marks")),
            _ => {
                return Err((
                    codes::INVALID_CHARACTER_TYPE,
                    "only digits, a sign and a decimal mark are allowed",
                ))
            }
        }
    }
    match mark {
        _ if digits == 0 => Err((codes::INVALID_CHARACTER_TYPE, "no digits")),
        Some(0) => Err((
            codes::MISSING_DIGIT_BEFORE_DECIMAL,
            "a digit must precede the decimal mark",
        )),
        Some(i) if i + 1 == body.len() => Err((
            codes::INVALID_DECIMAL_NOTATION,
            "a digit must follow the decimal mark",
        )),
        _ => Ok(digits),
    }
}

fn check_dependencies(
    segment: &Segment<'_>,
    notes: &[crate::edi::guide::SyntaxNote],
    mask: u64,
    element: u16,
    out: &mut Vec<ElementProblem>,
) {
    if notes.is_empty() {
        return;
    }
    let mut broken = Vec::new();
    check_notes(notes, mask, &mut broken);
    for b in broken {
        let (element, component) = if element == 0 {
            (u16::from(b.position), None)
        } else {
            (element, Some(u16::from(b.position)))
        };
        out.push(ElementProblem {
            code: codes::DEPENDENCY_VIOLATED,
            element,
            component,
            repetition: 1,
            offset: segment.offset(),
            element_ref: String::new(),
            message: format!(
                "dependency note {} is broken: position {} {}",
                b.note,
                b.position,
                if b.missing {
                    "is required"
                } else {
                    "must be absent"
                }
            ),
            data: None,
            warning: false,
        });
    }
}

fn problem(
    segment: &Segment<'_>,
    piece: &Piece,
    code: u8,
    component: Option<u16>,
    element_ref: String,
    message: String,
) -> ElementProblem {
    ElementProblem {
        code,
        element: piece.element,
        component,
        repetition: piece.repetition,
        offset: segment.offset_of(piece),
        element_ref,
        message,
        data: None,
        warning: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_either_decimal_mark() {
        assert_eq!(number_digits(b"12.50"), Ok(4));
        assert_eq!(number_digits(b"-12,5"), Ok(3));
        assert_eq!(
            number_digits(b".5").unwrap_err().0,
            codes::MISSING_DIGIT_BEFORE_DECIMAL
        );
        assert_eq!(
            number_digits(b"5.").unwrap_err().0,
            codes::INVALID_DECIMAL_NOTATION
        );
        assert_eq!(
            number_digits(b"1.2.3").unwrap_err().0,
            codes::INVALID_DECIMAL_NOTATION
        );
        assert_eq!(
            number_digits(b"1E5").unwrap_err().0,
            codes::INVALID_CHARACTER_TYPE
        );
    }
}
