//! The common case decided cheaply: a segment whose every value is plainly
//! valid (printable, unescaped, of the right type, length and code) and
//! whose mandatory elements and components are present is accepted without
//! the full check, which runs only to describe what is wrong.

use crate::edi::guide::{
    printable_ascii, DataType, Dictionary, ElementKind, SegmentDef, Usage, ValueRule,
};

use super::charset::Charset;
use super::segment::Segment;
use super::values::number_digits;
use crate::edi::blocks::printable_ascii_run;

/// One data element position, flattened.
#[derive(Debug)]
struct Slot {
    /// Index of its first component's rule in `FlatSegment::rules`.
    first_rule: usize,
    /// Components (1 for a simple data element).
    components: u16,
    /// Mandatory components, bit `p` for position `p` (0 for a simple
    /// element, whose presence the segment mask covers).
    mandatory_components: u64,
}

/// A segment definition with a rule per (element, component).
#[derive(Debug)]
pub(crate) struct FlatSegment {
    slots: Vec<Slot>,
    rules: Vec<ValueRule>,
    mandatory_elements: u64,
    /// Dependency notes need the full check.
    has_notes: bool,
}

/// Every segment of a dictionary, flattened, by definition index.
#[derive(Debug)]
pub(crate) struct FlatDictionary {
    segments: Vec<FlatSegment>,
}

impl FlatDictionary {
    pub(crate) fn new(dictionary: &Dictionary) -> Self {
        let segments = dictionary
            .segments
            .iter()
            .map(|def| flatten(def, dictionary))
            .collect();
        FlatDictionary { segments }
    }

    /// Whether `segment` is certainly valid under definition `index`.
    pub(crate) fn plainly_valid(
        &self,
        index: usize,
        segment: &Segment<'_>,
        charset: Charset,
    ) -> bool {
        self.segments
            .get(index)
            .is_some_and(|flat| plainly_valid_segment(flat, segment, charset))
    }
}

fn flatten(def: &SegmentDef, dictionary: &Dictionary) -> FlatSegment {
    let mut slots = Vec::with_capacity(def.elements.len());
    let mut rules = Vec::new();
    let mut has_notes = !def.notes.is_empty();
    for usage in &def.elements {
        let first_rule = rules.len();
        match usage.kind {
            ElementKind::Simple(e) => {
                let mandatory = usage.usage == Usage::Mandatory;
                rules.push(ValueRule::for_element(
                    &dictionary.elements[e],
                    usage.codes.clone(),
                    mandatory,
                ));
                slots.push(Slot {
                    first_rule,
                    components: 1,
                    mandatory_components: 0,
                });
            }
            ElementKind::Composite(c) => {
                let composite = &dictionary.composites[c];
                has_notes |= !composite.notes.is_empty();
                for component in &composite.components {
                    let rule = match component.kind {
                        ElementKind::Simple(e) => ValueRule::for_element(
                            &dictionary.elements[e],
                            component.codes.clone(),
                            component.usage == Usage::Mandatory,
                        ),
                        // A composite inside a composite does not occur in
                        // EDIFACT; refuse the fast path if a guide says so.
                        ElementKind::Composite(_) => ValueRule {
                            simple: false,
                            ..ValueRule::for_element(&dictionary.elements[0], None, false)
                        },
                    };
                    rules.push(rule);
                }
                slots.push(Slot {
                    first_rule,
                    components: composite.components.len() as u16,
                    mandatory_components: composite.mandatory_mask(),
                });
            }
        }
    }
    FlatSegment {
        slots,
        rules,
        mandatory_elements: def.mandatory_mask(),
        has_notes,
    }
}

fn plainly_valid_segment(flat: &FlatSegment, segment: &Segment<'_>, charset: Charset) -> bool {
    if flat.has_notes {
        return false;
    }
    // Checked once for the whole segment when it can be: a segment whose
    // every byte the repertoire allows has no value it refuses.
    let repertoire_ok = match charset {
        Charset::LevelA | Charset::LevelB => charset.first_invalid(segment.raw).is_none(),
        _ => printable_ascii_run(segment.raw),
    };
    let mut present = 0u64;
    let mut element = 0u16;
    let mut components = 0u64;
    let mut mandatory_components = 0u64;
    for piece in segment.pieces() {
        if piece.element != element {
            if mandatory_components & !components != 0 && components != 0 {
                return false;
            }
            element = piece.element;
            components = 0;
            mandatory_components = 0;
        }
        if piece.end == piece.start {
            continue;
        }
        if piece.repetition > 1 || piece.element >= 64 {
            return false;
        }
        let Some(slot) = flat.slots.get(piece.element as usize - 1) else {
            return false;
        };
        if piece.component > slot.components {
            return false;
        }
        let rule = &flat.rules[slot.first_rule + piece.component as usize - 1];
        let value = segment.raw_piece(piece);
        let printable = repertoire_ok
            || match charset {
                Charset::LevelA | Charset::LevelB => charset.first_invalid(value).is_none(),
                _ => printable_ascii(value),
            };
        let fits = if piece.escaped() {
            escaped_text_ok(rule, value, piece.releases)
        } else {
            value_ok(rule, value)
        };
        if !printable || !rule.simple || !fits {
            return false;
        }
        present |= 1 << piece.element;
        components |= 1 << piece.component.min(63);
        mandatory_components = slot.mandatory_components;
    }
    if mandatory_components & !components != 0 && components != 0 {
        return false;
    }
    flat.mandatory_elements & !present == 0
}

/// Whether a value holding release characters fits its rule, for free
/// text only (numbers and codes with released characters take the full
/// check): its length is the raw length less the release characters.
#[inline]
fn escaped_text_ok(rule: &ValueRule, raw: &[u8], releases: u16) -> bool {
    if rule.codes.is_some()
        || !matches!(rule.data_type, DataType::Alphanumeric)
        || releases == u16::MAX
    {
        return false;
    }
    let length = raw.len() - releases as usize;
    (rule.min as usize..=rule.max as usize).contains(&length)
}

/// Whether a printable, unescaped value fits its rule: type, length, code.
#[inline]
fn value_ok(rule: &ValueRule, value: &[u8]) -> bool {
    let length = match rule.data_type {
        DataType::Number => match number_digits(value) {
            Ok(digits) => digits,
            Err(_) => return false,
        },
        DataType::Alphabetic if value.iter().any(u8::is_ascii_digit) => return false,
        _ => value.len(),
    };
    (rule.min as usize..=rule.max as usize).contains(&length)
        && rule
            .codes
            .as_deref()
            .is_none_or(|list| list.contains(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edi::edifact::segment::{split, Classes};
    use crate::edi::edifact::separators::Separators;
    use crate::edi::edifact::values::check_segment;
    use crate::edi::guide::{Catalog, Tag};

    const SEGMENTS: &[&str] = &[
        "BGM+220+PO1+9",
        "DTM+137:20260105:102",
        "QTY+21:500:PCE",
        "PRI+AAA:0.12",
        "NAD+BY+5412345000013::9++ACME+STREET 1+CITY++20457+DE",
        "LIN+1++4000862141404:EN",
        "FTX+AAI+++FREE TEXT",
        "FTX+AAI+++A?+B?:C?'D??E",
        "MOA+203:60.00",
        "CUX+2:EUR:9",
        "TAX+7+VAT+++:::19+S",
    ];

    #[test]
    fn plain_valid_segments_take_the_fast_path() {
        let dictionary = Catalog::edifact().unwrap().dictionary("D96A").unwrap();
        let flat = FlatDictionary::new(dictionary);
        for text in SEGMENTS {
            let raw = text.as_bytes();
            let mut pieces = Vec::new();
            let separators = Separators::SYNTAX_3;
            let tag_len = split(raw, &Classes::new(&separators), &mut pieces);
            let segment = Segment {
                raw,
                offset: 0,
                tag: &raw[..tag_len],
                pieces: &pieces,
                separators,
            };
            let (index, _) = dictionary
                .segment(Tag::from_bytes(segment.tag()).unwrap())
                .unwrap();
            assert!(
                flat.plainly_valid(index, &segment, Charset::Iso8859(1)),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        /// The fast path never accepts what the full check rejects.
        #[test]
        fn fast_acceptance_implies_no_errors(
            which in 0..SEGMENTS.len(),
            edits in proptest::collection::vec((0usize..60, proptest::sample::select(b"A9a.,-+:? x'\n\xdf\xc3".to_vec())), 0..4),
            charset in proptest::sample::select(vec![Charset::LevelA, Charset::LevelB, Charset::Iso8859(1), Charset::Utf8]),
        ) {
            let catalog = Catalog::edifact().unwrap();
            let dictionary = catalog.dictionary("D96A").unwrap();
            let flat = FlatDictionary::new(dictionary);
            let mut raw = SEGMENTS[which].as_bytes().to_vec();
            for (at, byte) in edits {
                if raw.len() > 4 {
                    let i = 4 + at % (raw.len() - 4);
                    raw[i] = byte;
                }
            }
            let separators = Separators::SYNTAX_3;
            let mut pieces = Vec::new();
            let tag_len = split(&raw, &Classes::new(&separators), &mut pieces);
            let segment = Segment { raw: &raw, offset: 0, tag: &raw[..tag_len], pieces: &pieces, separators };
            let Some((index, def)) = Tag::from_bytes(segment.tag()).and_then(|t| dictionary.segment(t)) else {
                return Ok(());
            };
            if flat.plainly_valid(index, &segment, charset) {
                let mut problems = Vec::new();
                check_segment(&segment, def, dictionary, charset, &mut problems);
                let errors: Vec<_> = problems.iter().filter(|p| !p.warning).collect();
                proptest::prop_assert!(errors.is_empty(), "{}: {:?}", String::from_utf8_lossy(&raw), errors);
            }
        }
    }
}
