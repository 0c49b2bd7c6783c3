//! Element-level checks of one segment against its dictionary definition:
//! presence, repetitions, components, type, length, codes, syntax notes.

use crate::edi::guide::{
    check_notes, check_value, plainly_valid, CodeList, Dictionary, ElementDef, ElementKind,
    ElementUse, NoteViolation, SegmentDef, Usage, ValueProblem, ValueRule,
};

use super::delimiters::excerpt;
use super::segment::{Element, Segment};

/// One element problem, with the AK403/IK403 code it maps to.
#[derive(Debug, Clone)]
pub struct ElementFinding<'d> {
    /// Element position (1-based).
    pub element: u16,
    /// Component position, for composites.
    pub component: Option<u16>,
    /// Repetition, where the element repeats.
    pub repetition: Option<u16>,
    /// The dictionary reference of the element.
    pub element_ref: &'d str,
    /// The AK403 / IK403 code.
    pub code: u8,
    /// What is wrong, in words.
    pub message: String,
    /// The offending value.
    pub data: Option<String>,
    /// Where the value starts.
    pub offset: u64,
}

/// Where a value sits: segment, element position, component and
/// repetition. Displays as the element's name for messages (`N104`,
/// `MEA04-1`), formatted only when a message is written.
#[derive(Clone, Copy)]
struct ElementName {
    tag: crate::edi::guide::Tag,
    position: u16,
    component: Option<u16>,
    repetition: Option<u16>,
}

impl std::fmt::Display for ElementName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:02}", self.tag, self.position)?;
        if let Some(c) = self.component {
            write!(f, "-{c}")?;
        }
        Ok(())
    }
}

/// Slots in the cache of syntax-note results.
const NOTE_CACHE_SLOTS: usize = 64;

/// Reusable buffers, so checking a valid segment allocates nothing, and a
/// small cache of presence patterns whose syntax notes are known to hold
/// (a PO1 line has the same elements as the one before it).
pub struct Scratch {
    problems: Vec<ValueProblem>,
    notes: Vec<NoteViolation>,
    good_notes: [(usize, u64); NOTE_CACHE_SLOTS],
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            problems: Vec::new(),
            notes: Vec::new(),
            good_notes: [(0, 0); NOTE_CACHE_SLOTS],
        }
    }
}

impl Scratch {
    fn note_slot(def: &SegmentDef, present: u64) -> (usize, usize) {
        let key = def as *const SegmentDef as usize;
        let hash = (key as u64 ^ present).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (key, (hash >> 58) as usize % NOTE_CACHE_SLOTS)
    }

    fn notes_known_good(&self, def: &SegmentDef, present: u64) -> bool {
        let (key, slot) = Self::note_slot(def, present);
        self.good_notes[slot] == (key, present)
    }

    fn remember_good_notes(&mut self, def: &SegmentDef, present: u64) {
        let (key, slot) = Self::note_slot(def, present);
        self.good_notes[slot] = (key, present);
    }
}

/// Checks every element of `segment` against `def`.
pub fn check_segment<'d>(
    segment: &Segment<'_>,
    def: &'d SegmentDef,
    dictionary: &'d Dictionary,
    scratch: &mut Scratch,
    out: &mut Vec<ElementFinding<'d>>,
) {
    let bytes = segment.bytes();
    let separators = segment.separators();
    let plain = segment.is_plain();
    let rules = def.rules();
    // What only a closer look needs, behind one pointer, so that the
    // element loop keeps its own values in registers on the common path.
    let mut closer = Closer {
        segment,
        def,
        dictionary,
        scratch: &mut *scratch,
        out: &mut *out,
    };
    let present = match plain {
        true => check_elements::<true>(bytes, separators, rules, &mut closer),
        false => check_elements::<false>(bytes, separators, rules, &mut closer),
    };
    if separators.len() < def.required_through() {
        report_missing_from(segment, def, dictionary, separators.len(), out);
    }
    if separators.len() > def.elements.len() {
        report_extra(segment, def, out);
    }
    if !def.notes.is_empty() && !scratch.notes_known_good(def, present) {
        check_segment_notes(segment, def, dictionary, present, scratch, out);
    }
}

/// Checks each element present against its rule, the plain ones (when
/// `PLAIN`, see [`Segment::is_plain`]) with the fast check first; returns
/// which are present (bit `n` for element `n`, up to 63, as syntax notes
/// count). One copy of the loop per kind of segment keeps the test out of
/// it.
#[inline(always)]
fn check_elements<const PLAIN: bool>(
    bytes: &[u8],
    separators: &[u32],
    rules: &[ValueRule],
    closer: &mut Closer<'_, '_, '_>,
) -> u64 {
    let mut present: u64 = 0;
    // Each element runs from one separator to the next (or the segment's end).
    let count = separators.len().min(rules.len());
    for i in 0..count {
        let start = separators[i] as usize + 1;
        let end = separators.get(i + 1).map_or(bytes.len(), |&e| e as usize);
        let value = bytes.get(start..end).unwrap_or_default();
        let rule = &rules[i];
        if value.is_empty() {
            if rule.mandatory {
                closer.missing(i);
            }
            continue;
        }
        if i < 63 {
            present |= 1 << (i + 1);
        }
        if !(PLAIN && rule.simple && plainly_valid(rule, value, true)) {
            closer.check(i);
        }
    }
    present
}

/// The arguments of the full checks, gathered so that the element loop of
/// [`check_segment`] holds one pointer for all of them.
struct Closer<'s, 'a, 'd> {
    segment: &'s Segment<'a>,
    def: &'d SegmentDef,
    dictionary: &'d Dictionary,
    scratch: &'s mut Scratch,
    out: &'s mut Vec<ElementFinding<'d>>,
}

impl Closer<'_, '_, '_> {
    /// Reports mandatory element `index` (from 0) as missing.
    #[cold]
    #[inline(never)]
    fn missing(&mut self, index: usize) {
        report_missing(self.segment, self.def, self.dictionary, index, self.out);
    }

    /// The full check of element `index` (from 0).
    #[inline(never)]
    fn check(&mut self, index: usize) {
        let name = ElementName {
            tag: self.def.tag,
            position: index as u16 + 1,
            component: None,
            repetition: None,
        };
        check_element(
            name,
            self.segment.element(index + 1),
            &self.def.elements[index],
            self.dictionary,
            self.scratch,
            self.out,
        );
    }
}

/// Reports the mandatory elements from index `from` on, which the segment
/// does not reach.
#[cold]
fn report_missing_from<'d>(
    segment: &Segment<'_>,
    def: &'d SegmentDef,
    dictionary: &'d Dictionary,
    from: usize,
    out: &mut Vec<ElementFinding<'d>>,
) {
    for i in from..def.elements.len() {
        if def.elements[i].usage == Usage::Mandatory {
            report_missing(segment, def, dictionary, i, out);
        }
    }
}

#[cold]
fn report_missing<'d>(
    segment: &Segment<'_>,
    def: &'d SegmentDef,
    dictionary: &'d Dictionary,
    index: usize,
    out: &mut Vec<ElementFinding<'d>>,
) {
    let usage = &def.elements[index];
    let name = ElementName {
        tag: def.tag,
        position: index as u16 + 1,
        component: None,
        repetition: None,
    };
    out.push(ElementFinding {
        element: index as u16 + 1,
        component: None,
        repetition: None,
        element_ref: dictionary.reference(usage.kind),
        code: 1,
        message: format!(
            "{name} ({}) is mandatory but missing",
            describe(dictionary, usage.kind)
        ),
        data: None,
        offset: segment.element(index + 1).offset(),
    });
}

/// Past the allowed count, how many extra elements, repetitions or
/// components are reported one by one (a flood of them is one mistake, and
/// the rest would only cost memory).
const EXCESS_REPORTED: usize = 10;

/// A 1-based position as the report carries it.
fn position16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Reports values past the last element the segment defines.
#[cold]
fn report_extra<'d>(segment: &Segment<'_>, def: &'d SegmentDef, out: &mut Vec<ElementFinding<'d>>) {
    let extras = segment
        .elements()
        .enumerate()
        .skip(def.elements.len())
        .filter(|(_, e)| !e.is_empty())
        .take(EXCESS_REPORTED);
    for (k, element) in extras {
        let extra = k + 1;
        out.push(ElementFinding {
            element: position16(extra),
            component: None,
            repetition: None,
            element_ref: "",
            code: 3,
            message: format!(
                "{} ({}) has {} elements; found a value at position {extra}",
                def.tag,
                def.name,
                def.elements.len()
            ),
            data: Some(excerpt(element.bytes(), 60)),
            offset: element.offset(),
        });
    }
}

fn check_segment_notes<'d>(
    segment: &Segment<'_>,
    def: &'d SegmentDef,
    dictionary: &'d Dictionary,
    present: u64,
    scratch: &mut Scratch,
    out: &mut Vec<ElementFinding<'d>>,
) {
    let label = def.tag;
    scratch.notes.clear();
    check_notes(&def.notes, present, &mut scratch.notes);
    if scratch.notes.is_empty() {
        scratch.remember_good_notes(def, present);
    }
    for v in scratch.notes.drain(..) {
        let position = v.position as usize;
        let (code, message) = if v.missing {
            (
                2,
                format!(
                    "{label}{position:02} is required here by syntax note {} of {label}",
                    v.note
                ),
            )
        } else {
            (10, format!("{label}{position:02} must not be present together with the others of syntax note {}", v.note))
        };
        out.push(ElementFinding {
            element: v.position as u16,
            component: None,
            repetition: None,
            element_ref: def
                .elements
                .get(position - 1)
                .map_or("", |u| dictionary.reference(u.kind)),
            code,
            message,
            data: None,
            offset: segment.element(position).offset(),
        });
    }
}

fn describe(d: &Dictionary, kind: ElementKind) -> String {
    match kind {
        ElementKind::Simple(i) => format!("{}, element {}", d.elements[i].name, d.elements[i].id),
        ElementKind::Composite(i) => {
            format!("{}, composite {}", d.composites[i].name, d.composites[i].id)
        }
    }
}

#[inline(never)]
fn check_element<'d>(
    name: ElementName,
    element: Element<'_>,
    usage: &'d ElementUse,
    d: &'d Dictionary,
    scratch: &mut Scratch,
    out: &mut Vec<ElementFinding<'d>>,
) {
    let position = name.position;
    if let (ElementKind::Simple(i), false) = (usage.kind, element.may_nest()) {
        // The common case: one value, no repetitions or components.
        let def = &d.elements[i];
        if def.data_type != crate::edi::guide::DataType::Binary {
            check_one(name, element, def, usage.codes.as_deref(), scratch, out);
        }
        return;
    }
    let repeats = usage.repeat > 1;
    let reported = usage.repeat as usize + EXCESS_REPORTED;
    for (r, repetition) in element.repetitions().enumerate().take(reported) {
        let r = position16(r + 1);
        let rep_label = repeats.then_some(r);
        if r as u32 > usage.repeat {
            out.push(ElementFinding {
                element: position,
                component: None,
                repetition: Some(r),
                element_ref: d.reference(usage.kind),
                code: 12,
                message: format!(
                    "{name} repeats at least {r} times; {} allowed",
                    usage.repeat
                ),
                data: Some(excerpt(repetition.bytes(), 60)),
                offset: repetition.offset(),
            });
        }
        if repetition.is_empty() {
            continue;
        }
        match usage.kind {
            ElementKind::Simple(i)
                if d.elements[i].data_type == crate::edi::guide::DataType::Binary => {}
            ElementKind::Simple(i) => {
                let def = &d.elements[i];
                let mut components = repetition.components();
                let value = components.next().unwrap_or(repetition);
                if let Some(extra) = components.next() {
                    out.push(ElementFinding {
                        element: position,
                        component: Some(2),
                        repetition: rep_label,
                        element_ref: &def.id,
                        code: 13,
                        message: format!(
                            "{name} ({}) is a simple element but holds components (a component separator in the value)",
                            def.name
                        ),
                        data: Some(excerpt(repetition.bytes(), 60)),
                        offset: extra.offset(),
                    });
                }
                let at = ElementName {
                    repetition: rep_label,
                    ..name
                };
                check_one(at, value, def, usage.codes.as_deref(), scratch, out);
            }
            ElementKind::Composite(c) => {
                let composite = &d.composites[c];
                let mut present: u64 = 0;
                let mut seen = 0;
                let reported = composite.components.len() + EXCESS_REPORTED;
                for (k, component) in repetition.components().enumerate().take(reported) {
                    seen = k + 1;
                    let Some(cu) = composite.components.get(k) else {
                        if !component.is_empty() {
                            out.push(ElementFinding {
                                element: position,
                                component: Some(position16(k + 1)),
                                repetition: rep_label,
                                element_ref: &composite.id,
                                code: 13,
                                message: format!(
                                    "{name} ({}) has {} components; found a value at component {}",
                                    composite.name,
                                    composite.components.len(),
                                    k + 1
                                ),
                                data: Some(excerpt(component.bytes(), 60)),
                                offset: component.offset(),
                            });
                        }
                        continue;
                    };
                    let ElementKind::Simple(i) = cu.kind else {
                        continue;
                    };
                    let def = &d.elements[i];
                    let cname = ElementName {
                        component: Some(position16(k + 1)),
                        repetition: rep_label,
                        ..name
                    };
                    if component.is_empty() {
                        if cu.usage == Usage::Mandatory {
                            out.push(missing_component(cname, def, component.offset()));
                        }
                        continue;
                    }
                    if k < 63 {
                        present |= 1 << (k + 1);
                    }
                    check_one(cname, component, def, cu.codes.as_deref(), scratch, out);
                }
                for (k, cu) in composite.components.iter().enumerate().skip(seen) {
                    if let (Usage::Mandatory, ElementKind::Simple(i)) = (cu.usage, cu.kind) {
                        let cname = ElementName {
                            component: Some(position16(k + 1)),
                            repetition: rep_label,
                            ..name
                        };
                        out.push(missing_component(
                            cname,
                            &d.elements[i],
                            repetition.offset(),
                        ));
                    }
                }
                scratch.notes.clear();
                check_notes(&composite.notes, present, &mut scratch.notes);
                for v in scratch.notes.drain(..) {
                    out.push(ElementFinding {
                        element: position,
                        component: Some(v.position as u16),
                        repetition: rep_label,
                        element_ref: &composite.id,
                        code: if v.missing { 2 } else { 10 },
                        message: format!(
                            "{name}-{} {} by syntax note {} of composite {}",
                            v.position,
                            if v.missing {
                                "is required"
                            } else {
                                "is not allowed"
                            },
                            v.note,
                            composite.id
                        ),
                        data: None,
                        offset: repetition.offset(),
                    });
                }
            }
        }
    }
}

fn missing_component<'d>(
    name: ElementName,
    def: &'d ElementDef,
    offset: u64,
) -> ElementFinding<'d> {
    ElementFinding {
        element: name.position,
        component: name.component,
        repetition: name.repetition,
        element_ref: &def.id,
        code: 1,
        message: format!(
            "{name} ({}, element {}) is mandatory but missing",
            def.name, def.id
        ),
        data: None,
        offset,
    }
}

#[inline(always)]
fn check_one<'d>(
    name: ElementName,
    value: Element<'_>,
    def: &'d ElementDef,
    codes: Option<&CodeList>,
    scratch: &mut Scratch,
    out: &mut Vec<ElementFinding<'d>>,
) {
    scratch.problems.clear();
    check_value(def, codes, value.bytes(), &mut scratch.problems);
    if !scratch.problems.is_empty() {
        report_problems(name, value, def, codes, scratch, out);
    }
}

#[cold]
fn report_problems<'d>(
    name: ElementName,
    value: Element<'_>,
    def: &'d ElementDef,
    codes: Option<&CodeList>,
    scratch: &mut Scratch,
    out: &mut Vec<ElementFinding<'d>>,
) {
    for problem in scratch.problems.drain(..) {
        let what = format!(
            "{name} ({}, element {}, {} {}/{})",
            def.name, def.id, def.data_type, def.min, def.max
        );
        let (code, message) = match problem {
            ValueProblem::TooShort { min, length } => (
                4,
                format!("{what} is {length} characters long; at least {min} required"),
            ),
            ValueProblem::TooLong { max, length } => (
                5,
                format!("{what} is {length} characters long; at most {max} allowed"),
            ),
            ValueProblem::InvalidCharacter { index, byte } => (
                6,
                format!(
                    "{what} has {} at character {}, which type {} does not allow",
                    super::delimiters::show_byte(byte),
                    index + 1,
                    def.data_type
                ),
            ),
            ValueProblem::InvalidCode => {
                let list = codes
                    .or(def.codes.as_deref())
                    .map(CodeList::describe)
                    .unwrap_or_default();
                (7, format!("{what} is not one of the allowed codes: {list}"))
            }
            ValueProblem::InvalidDate => (
                8,
                format!("{what} is not a valid date (CCYYMMDD or YYMMDD)"),
            ),
            ValueProblem::InvalidTime => (9, format!("{what} is not a valid time (HHMM[SS[dd]])")),
        };
        out.push(ElementFinding {
            element: name.position,
            component: name.component,
            repetition: name.repetition,
            element_ref: &def.id,
            code,
            message,
            data: Some(excerpt(value.bytes(), 60)),
            offset: value.offset(),
        });
    }
}
