//! What a guide says: elements, composites, segments and set structures.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A segment identifier packed into an integer, so the validator compares
/// tags with one instruction.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(u32);

impl Tag {
    /// A tag no guide uses: what a segment whose tag is not a valid
    /// identifier is placed as (so that it is reported, not matched).
    pub const INVALID: Tag = Tag(0);

    /// A tag from 2 or 3 uppercase letters and digits, as X12 and EDIFACT use.
    /// Every segment's tag passes through here, hence no loop.
    #[inline]
    pub const fn from_bytes(bytes: &[u8]) -> Option<Tag> {
        const fn allowed(b: u8) -> bool {
            b.wrapping_sub(b'A') < 26 || b.wrapping_sub(b'0') < 10
        }
        match *bytes {
            [a, b] if allowed(a) && allowed(b) => Some(Tag((a as u32) << 8 | b as u32)),
            [a, b, c] if allowed(a) && allowed(b) && allowed(c) => {
                Some(Tag((a as u32) << 16 | (b as u32) << 8 | c as u32))
            }
            _ => None,
        }
    }

    /// A 2- or 3-byte tag packed as it is, without checking its characters:
    /// a tag of other characters matches no guide's segment, so a
    /// validator can leave the closer look to the segments it cannot place.
    #[inline]
    pub fn packed(bytes: &[u8]) -> Option<Tag> {
        match *bytes {
            [a, b] => Some(Tag((a as u32) << 8 | b as u32)),
            [a, b, c] => Some(Tag((a as u32) << 16 | (b as u32) << 8 | c as u32)),
            _ => None,
        }
    }

    /// A tag known when compiling, such as an envelope segment's.
    pub const fn of(bytes: &[u8]) -> Tag {
        match Tag::from_bytes(bytes) {
            Some(tag) => tag,
            None => panic!("not a segment tag"),
        }
    }

    /// The tag's text.
    pub fn as_string(&self) -> String {
        self.0
            .to_be_bytes()
            .iter()
            .filter(|&&b| b != 0)
            .map(|&b| b as char)
            .collect()
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// The data type of a simple element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    /// String: printable characters.
    Alphanumeric,
    /// Identifier: a value from a code list.
    Identifier,
    /// Numeric with an implied number of decimal places (N0 … N9).
    Numeric(u8),
    /// Decimal number with an explicit decimal point.
    Decimal,
    /// Date: YYMMDD or CCYYMMDD.
    Date,
    /// Time: HHMM, HHMMSS, HHMMSSd or HHMMSSdd.
    Time,
    /// Binary data (not checked).
    Binary,
    /// EDIFACT `a`: any character but a digit.
    Alphabetic,
    /// EDIFACT `n`: digits with an optional leading minus sign and decimal
    /// mark (`.` or `,`), neither counted in the length.
    Number,
}

impl DataType {
    /// Reads the standard's notation (`AN`, `ID`, `N2`, `R`, `DT`, `TM`, `B`).
    pub fn parse(s: &str) -> Option<DataType> {
        Some(match s {
            "AN" => DataType::Alphanumeric,
            "ID" => DataType::Identifier,
            "R" => DataType::Decimal,
            "DT" => DataType::Date,
            "TM" => DataType::Time,
            "B" => DataType::Binary,
            "N" => DataType::Numeric(0),
            _ => {
                let digit = s.strip_prefix('N')?.parse::<u8>().ok()?;
                if digit > 9 {
                    return None;
                }
                DataType::Numeric(digit)
            }
        })
    }

    /// Reads an EDIFACT format (`an..35`, `n3`, `a1`) into the type and the
    /// minimum and maximum length.
    pub fn parse_format(s: &str) -> Option<(DataType, u32, u32)> {
        let (data_type, length) = if let Some(rest) = s.strip_prefix("an") {
            (DataType::Alphanumeric, rest)
        } else if let Some(rest) = s.strip_prefix('a') {
            (DataType::Alphabetic, rest)
        } else if let Some(rest) = s.strip_prefix('n') {
            (DataType::Number, rest)
        } else {
            return None;
        };
        let (up_to, digits) = match length.strip_prefix("..") {
            Some(d) => (true, d),
            None => (false, length),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let max: u32 = digits.parse().ok().filter(|&m| m > 0)?;
        Some((data_type, if up_to { 1 } else { max }, max))
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Alphanumeric => f.write_str("AN"),
            DataType::Identifier => f.write_str("ID"),
            DataType::Numeric(d) => write!(f, "N{d}"),
            DataType::Decimal => f.write_str("R"),
            DataType::Date => f.write_str("DT"),
            DataType::Time => f.write_str("TM"),
            DataType::Binary => f.write_str("B"),
            DataType::Alphabetic => f.write_str("a"),
            DataType::Number => f.write_str("n"),
        }
    }
}

/// A closed list of allowed values. Codes of up to seven bytes (nearly all)
/// are also packed into integers and kept in an open-addressing hash table,
/// so a look-up is a multiply and a probe or two, even in the lists of
/// well over a thousand codes (128, 374, 98).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CodeList {
    values: Vec<Box<[u8]>>,
    /// Packed codes by hash, linear probing; 0 marks an empty slot (no code
    /// packs to 0: the length byte of a non-empty code is not 0).
    table: Vec<u64>,
}

/// A short code as one integer: its length in the top byte, its bytes below.
#[inline]
fn pack(value: &[u8]) -> Option<u64> {
    let length = (value.len() as u64) << 56;
    // Most codes have one to three characters: packed without a loop.
    let bytes = match *value {
        [a] => a as u64,
        [a, b] => (a as u64) << 8 | b as u64,
        [a, b, c] => (a as u64) << 16 | (b as u64) << 8 | c as u64,
        _ if value.len() > 7 => return None,
        _ => value.iter().fold(0u64, |bytes, &b| (bytes << 8) | b as u64),
    };
    Some(bytes | length)
}

impl CodeList {
    /// A list from values in any order; duplicates are dropped.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(values: I) -> Self {
        let mut values: Vec<Box<[u8]>> = values
            .into_iter()
            .map(|s| s.as_ref().as_bytes().into())
            .collect();
        values.sort();
        values.dedup();
        let size = (values.len() * 2).next_power_of_two().max(8);
        let mut table = vec![0u64; size];
        for key in values.iter().filter_map(|v| pack(v)).filter(|&k| k != 0) {
            let mut slot = Self::slot(key, size);
            while table[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = key;
        }
        CodeList { values, table }
    }

    fn slot(key: u64, size: usize) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (size - 1)
    }

    /// Whether `value` is on the list.
    #[inline]
    pub fn contains(&self, value: &[u8]) -> bool {
        match pack(value) {
            Some(0) => self.values.iter().any(|v| v.is_empty()),
            Some(key) => {
                let size = self.table.len();
                let mut slot = Self::slot(key, size);
                loop {
                    match self.table[slot] {
                        0 => return false,
                        k if k == key => return true,
                        _ => slot = (slot + 1) & (size - 1),
                    }
                }
            }
            None => self.values.binary_search_by(|c| (**c).cmp(value)).is_ok(),
        }
    }

    /// The values, sorted.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .map(|v| std::str::from_utf8(v).unwrap_or(""))
    }

    /// How many values the list has.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A short rendering for messages: the first few values.
    pub fn describe(&self) -> String {
        let shown: Vec<&str> = self.values().take(12).collect();
        let more = self.len().saturating_sub(shown.len());
        if more > 0 {
            format!("{} (and {more} more)", shown.join(", "))
        } else {
            shown.join(", ")
        }
    }
}

/// A simple data element of the dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementDef {
    /// The reference number (`353`, `I01`).
    pub id: String,
    /// The standard's name.
    pub name: String,
    /// Data type.
    pub data_type: DataType,
    /// Minimum length.
    pub min: u32,
    /// Maximum length.
    pub max: u32,
    /// The closed code list, if the guide ships one.
    pub codes: Option<Arc<CodeList>>,
}

/// Whether an element, segment or loop must be there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// Must be present.
    Mandatory,
    /// May be present.
    Optional,
    /// Required or forbidden by a syntax note.
    Relational,
}

impl Usage {
    /// Reads `M`, `O` or `X` (X12), or `M` or `C` (EDIFACT's conditional,
    /// which without a dependency note means optional).
    pub fn parse(s: &str) -> Option<Usage> {
        match s {
            "M" => Some(Usage::Mandatory),
            "O" | "C" => Some(Usage::Optional),
            "X" => Some(Usage::Relational),
            _ => None,
        }
    }
}

/// Index of an element definition in its dictionary.
pub type ElementIndex = usize;
/// Index of a composite definition in its dictionary.
pub type CompositeIndex = usize;
/// Index of a segment definition in its dictionary.
pub type SegmentIndex = usize;

/// What sits at one element position of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// A simple element.
    Simple(ElementIndex),
    /// A composite element.
    Composite(CompositeIndex),
}

/// One element position of a segment or component position of a composite.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementUse {
    /// What is at this position.
    pub kind: ElementKind,
    /// Whether it must be there.
    pub usage: Usage,
    /// How many repetitions are allowed (1 for a non-repeating element).
    pub repeat: u32,
    /// A narrower code list than the element's own (set by partner guides).
    pub codes: Option<Arc<CodeList>>,
}

/// A syntax note's kind, in the standard's letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// P: all or none present.
    Paired,
    /// R: at least one present.
    Required,
    /// E: at most one present.
    Exclusion,
    /// C: if the first is present, all others are required.
    Conditional,
    /// L: if the first is present, at least one other is required.
    ListConditional,
}

/// A syntax note: a rule over some element positions (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxNote {
    /// The rule.
    pub kind: NoteKind,
    /// Element (or component) positions, 1-based.
    pub positions: Vec<u8>,
    /// The positions as bits (bit `p` for position `p`), for checking a
    /// segment's presence mask in a few instructions.
    pub mask: u64,
}

impl SyntaxNote {
    /// Reads the standard notation, e.g. `P0304` or `L030405`.
    pub fn parse(s: &str) -> Option<SyntaxNote> {
        let (letter, digits) = s.split_at_checked(1)?;
        let kind = match letter {
            "P" => NoteKind::Paired,
            "R" => NoteKind::Required,
            "E" => NoteKind::Exclusion,
            "C" => NoteKind::Conditional,
            "L" => NoteKind::ListConditional,
            _ => return None,
        };
        if digits.len() < 4 || digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let positions: Vec<u8> = digits
            .as_bytes()
            .chunks(2)
            .map(|p| (p[0] - b'0') * 10 + (p[1] - b'0'))
            .collect();
        if positions.iter().any(|&p| p >= 64) {
            return None;
        }
        let mask = positions.iter().fold(0u64, |m, &p| m | 1 << p);
        Some(SyntaxNote {
            kind,
            positions,
            mask,
        })
    }

    /// The notation, e.g. `P0304`.
    pub fn notation(&self) -> String {
        let letter = match self.kind {
            NoteKind::Paired => 'P',
            NoteKind::Required => 'R',
            NoteKind::Exclusion => 'E',
            NoteKind::Conditional => 'C',
            NoteKind::ListConditional => 'L',
        };
        let digits: String = self.positions.iter().map(|p| format!("{p:02}")).collect();
        format!("{letter}{digits}")
    }
}

/// A composite element: an ordered list of components.
#[derive(Clone, Debug, PartialEq)]
pub struct CompositeDef {
    /// Reference (`C001`).
    pub id: String,
    /// The standard's name.
    pub name: String,
    /// Components in order.
    pub components: Vec<ElementUse>,
    /// Syntax notes over component positions.
    pub notes: Vec<SyntaxNote>,
    /// Bit `p` set for each mandatory component position `p` (1-based).
    pub(crate) mandatory_mask: u64,
}

impl CompositeDef {
    /// A composite over `components`.
    pub fn new(
        id: String,
        name: String,
        components: Vec<ElementUse>,
        notes: Vec<SyntaxNote>,
    ) -> Self {
        let mut def = CompositeDef {
            id,
            name,
            components,
            notes,
            mandatory_mask: 0,
        };
        def.refresh();
        def
    }

    /// Recomputes what is derived from the components, after they changed.
    pub fn refresh(&mut self) {
        self.mandatory_mask = mandatory_mask(&self.components);
    }

    /// Bit `p` set for each mandatory component position `p` (1-based).
    pub fn mandatory_mask(&self) -> u64 {
        self.mandatory_mask
    }
}

/// Bit `p` for each mandatory position `p` (1-based, up to 63).
fn mandatory_mask(uses: &[ElementUse]) -> u64 {
    uses.iter()
        .enumerate()
        .filter(|(i, u)| u.usage == Usage::Mandatory && *i < 63)
        .fold(0, |mask, (i, _)| mask | 1 << (i + 1))
}

/// What the validator's fast path needs of one element position, flattened
/// from the dictionary so that the hot loop follows no pointers.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueRule {
    /// Data type (of a simple element).
    pub data_type: DataType,
    /// Minimum length.
    pub min: u32,
    /// Maximum length.
    pub max: u32,
    /// The code list in force (a partner's, or the element's own).
    pub codes: Option<Arc<CodeList>>,
    /// Whether the position is mandatory.
    pub mandatory: bool,
    /// Whether the position holds a simple element (composites take the
    /// full check).
    pub simple: bool,
}

impl ValueRule {
    /// The rule for a simple element, with `codes` overriding its list.
    pub fn for_element(def: &ElementDef, codes: Option<Arc<CodeList>>, mandatory: bool) -> Self {
        ValueRule {
            data_type: def.data_type,
            min: def.min,
            max: def.max,
            codes: codes.or_else(|| def.codes.clone()),
            mandatory,
            simple: true,
        }
    }

    fn for_use(usage: &ElementUse, elements: &[ElementDef]) -> Self {
        let mandatory = usage.usage == Usage::Mandatory;
        match usage.kind {
            ElementKind::Simple(i) => {
                ValueRule::for_element(&elements[i], usage.codes.clone(), mandatory)
            }
            ElementKind::Composite(_) => ValueRule {
                data_type: DataType::Binary,
                min: 0,
                max: 0,
                codes: None,
                mandatory,
                simple: false,
            },
        }
    }
}

/// A segment of the dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentDef {
    /// The segment identifier.
    pub tag: Tag,
    /// The standard's name.
    pub name: String,
    /// Element positions in order.
    pub elements: Vec<ElementUse>,
    /// Syntax notes over element positions.
    pub notes: Vec<SyntaxNote>,
    /// The position of the last mandatory element (0 if none): a segment
    /// that stops before it lacks a mandatory element.
    pub(crate) required_through: usize,
    /// One rule per element position, derived from `elements`.
    pub(crate) rules: Vec<ValueRule>,
    /// Bit `p` set for each mandatory element position `p` (1-based).
    pub(crate) mandatory_mask: u64,
}

impl SegmentDef {
    /// A segment definition; `dictionary_elements` are the element
    /// definitions the positions refer to.
    pub fn new(
        tag: Tag,
        name: String,
        elements: Vec<ElementUse>,
        notes: Vec<SyntaxNote>,
        dictionary_elements: &[ElementDef],
    ) -> Self {
        let mut def = SegmentDef {
            tag,
            name,
            elements,
            notes,
            required_through: 0,
            rules: Vec::new(),
            mandatory_mask: 0,
        };
        def.refresh(dictionary_elements);
        def
    }

    /// Recomputes what is derived from the elements, after they changed.
    pub fn refresh(&mut self, dictionary_elements: &[ElementDef]) {
        self.required_through = self
            .elements
            .iter()
            .rposition(|e| e.usage == Usage::Mandatory)
            .map_or(0, |i| i + 1);
        self.rules = self
            .elements
            .iter()
            .map(|u| ValueRule::for_use(u, dictionary_elements))
            .collect();
        self.mandatory_mask = mandatory_mask(&self.elements);
    }

    /// Bit `p` set for each mandatory element position `p` (1-based).
    pub fn mandatory_mask(&self) -> u64 {
        self.mandatory_mask
    }

    /// The flattened rule of each element position.
    pub fn rules(&self) -> &[ValueRule] {
        &self.rules
    }

    /// The position of the last mandatory element (0 if none).
    pub fn required_through(&self) -> usize {
        self.required_through
    }
}

/// All elements, composites and segments of one version.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    /// Element definitions.
    pub elements: Vec<ElementDef>,
    /// Composite definitions.
    pub composites: Vec<CompositeDef>,
    /// Segment definitions.
    pub segments: Vec<SegmentDef>,
    pub(crate) element_ids: HashMap<String, ElementIndex>,
    pub(crate) composite_ids: HashMap<String, CompositeIndex>,
    pub(crate) segment_tags: HashMap<Tag, SegmentIndex>,
}

impl Dictionary {
    /// The segment definition for `tag`.
    pub fn segment(&self, tag: Tag) -> Option<(SegmentIndex, &SegmentDef)> {
        let i = *self.segment_tags.get(&tag)?;
        Some((i, &self.segments[i]))
    }

    /// The element definition with reference `id`.
    pub fn element(&self, id: &str) -> Option<&ElementDef> {
        self.element_ids.get(id).map(|&i| &self.elements[i])
    }

    /// The reference number of what sits at `kind` (element ref or composite id).
    pub fn reference(&self, kind: ElementKind) -> &str {
        match kind {
            ElementKind::Simple(i) => &self.elements[i].id,
            ElementKind::Composite(i) => &self.composites[i].id,
        }
    }
}

/// How often something may occur.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxUse {
    /// At most this many.
    Limited(u32),
    /// Any number (`>1`).
    Unbounded,
}

impl MaxUse {
    /// Whether `count` is within the limit.
    pub fn allows(&self, count: u32) -> bool {
        match self {
            MaxUse::Limited(n) => count <= *n,
            MaxUse::Unbounded => true,
        }
    }
}

impl fmt::Display for MaxUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxUse::Limited(n) => write!(f, "{n}"),
            MaxUse::Unbounded => f.write_str("unbounded"),
        }
    }
}

/// One position of a set structure.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A segment position.
    Segment(SegmentNode),
    /// A loop.
    Loop(LoopNode),
}

impl Node {
    /// The tag of the segment that starts this position.
    pub fn first_tag(&self) -> Tag {
        match self {
            Node::Segment(s) => s.tag,
            Node::Loop(l) => l.trigger(),
        }
    }

    /// Whether the position must occur.
    pub fn usage(&self) -> Usage {
        match self {
            Node::Segment(s) => s.usage,
            Node::Loop(l) => l.usage,
        }
    }
}

/// A segment position in a structure.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentNode {
    /// The segment identifier.
    pub tag: Tag,
    /// Its dictionary definition.
    pub def: SegmentIndex,
    /// Whether it must occur.
    pub usage: Usage,
    /// How often it may occur in a row.
    pub max: MaxUse,
}

/// A loop: a repeating group of positions whose first segment starts each
/// repetition.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopNode {
    /// The loop identifier (`N1`, `PO1`, `HL`).
    pub id: String,
    /// Whether it must occur.
    pub usage: Usage,
    /// How many repetitions are allowed.
    pub max: MaxUse,
    /// Positions in order; the first is a segment.
    pub children: Vec<Node>,
    /// The tag that starts each child, in order (kept beside `children` so
    /// the walker scans a flat array).
    pub(crate) child_tags: Vec<Tag>,
    /// Indices of the mandatory children, ascending.
    pub(crate) mandatory: Vec<usize>,
    /// Where each tag starts a child, when the loop has at most 64: the
    /// walker finds a segment's next position with one probe instead of a
    /// scan, and knows from one mask whether it skipped a mandatory one.
    pub(crate) positions: Option<PositionsByTag>,
}

/// The child positions of one loop as bit sets: for each tag, the
/// positions it starts; and the mandatory positions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PositionsByTag {
    /// Open addressing on the tag; `Tag::INVALID` marks an empty slot (no
    /// child starts with it).
    slots: Vec<(Tag, u64)>,
    /// Bit `i` set: child `i` is mandatory.
    pub mandatory: u64,
}

impl PositionsByTag {
    /// The most children the bit sets hold.
    const MAX_CHILDREN: usize = 64;

    fn new(child_tags: &[Tag], mandatory: &[usize]) -> Option<Self> {
        if child_tags.len() > Self::MAX_CHILDREN || child_tags.contains(&Tag::INVALID) {
            return None;
        }
        let size = (child_tags.len() * 2).next_power_of_two().max(8);
        let mut slots = vec![(Tag::INVALID, 0u64); size];
        for (i, &tag) in child_tags.iter().enumerate() {
            let mut slot = Self::slot(tag, size);
            while slots[slot].0 != tag && slots[slot].0 != Tag::INVALID {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = (tag, slots[slot].1 | 1 << i);
        }
        let mandatory = mandatory.iter().fold(0u64, |m, &i| m | 1 << i);
        Some(PositionsByTag { slots, mandatory })
    }

    #[inline]
    fn slot(tag: Tag, size: usize) -> usize {
        (tag.0.wrapping_mul(0x9E37_79B1) >> 16) as usize & (size - 1)
    }

    /// The positions `tag` starts, bit `i` for child `i`.
    #[inline]
    pub fn of(&self, tag: Tag) -> u64 {
        let size = self.slots.len();
        let mut slot = Self::slot(tag, size);
        loop {
            let (t, positions) = self.slots[slot];
            if t == tag {
                return positions;
            }
            if t == Tag::INVALID {
                return 0;
            }
            slot = (slot + 1) & (size - 1);
        }
    }
}

impl LoopNode {
    /// A loop over `children`.
    pub fn new(id: String, usage: Usage, max: MaxUse, children: Vec<Node>) -> Self {
        let child_tags: Vec<Tag> = children.iter().map(Node::first_tag).collect();
        let mandatory: Vec<usize> = (0..children.len())
            .filter(|&i| children[i].usage() == Usage::Mandatory)
            .collect();
        let positions = PositionsByTag::new(&child_tags, &mandatory);
        LoopNode {
            id,
            usage,
            max,
            children,
            child_tags,
            mandatory,
            positions,
        }
    }

    /// Recomputes the cached child tags and mandatory positions, here and
    /// in nested loops, after children were changed in place.
    pub fn refresh(&mut self) {
        for child in &mut self.children {
            if let Node::Loop(l) = child {
                l.refresh();
            }
        }
        let children = std::mem::take(&mut self.children);
        *self = LoopNode::new(std::mem::take(&mut self.id), self.usage, self.max, children);
    }

    /// The tag that starts each repetition.
    pub fn trigger(&self) -> Tag {
        self.children[0].first_tag()
    }

    /// Whether `tag` occurs anywhere inside this loop.
    pub fn contains(&self, tag: Tag) -> bool {
        self.children.iter().any(|c| match c {
            Node::Segment(s) => s.tag == tag,
            Node::Loop(l) => l.contains(tag),
        })
    }
}

/// A required segment-with-qualifier, added by partner guides.
#[derive(Clone, Debug, PartialEq)]
pub struct QualifiedRequirement {
    /// Segment identifier.
    pub tag: Tag,
    /// Element position of the qualifier (1-based).
    pub element: usize,
    /// Component position within a composite (1-based), if the qualifier
    /// is a component.
    pub component: Option<usize>,
    /// Required value.
    pub value: String,
}

/// The guide for one transaction set (or message) of one version.
#[derive(Clone, Debug)]
pub struct SetGuide {
    /// Set identifier (`850`).
    pub id: String,
    /// The standard's name.
    pub name: String,
    /// The version the guide describes (`004010`).
    pub version: String,
    /// The functional group code the set travels under (`PO`).
    pub functional_group: String,
    /// A partner guide's name, when this guide was narrowed.
    pub partner: Option<String>,
    /// The structure, as the body of an implicit top-level loop.
    pub root: LoopNode,
    /// Segments with qualifiers that must be present.
    pub required_qualifiers: Vec<QualifiedRequirement>,
    /// The dictionary the structure refers into.
    pub dictionary: Arc<Dictionary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_list_lookups_match_the_values() {
        let codes: Vec<String> = (0..3000)
            .map(|i| format!("{:X}", i * 7))
            .chain(["LONGCODE12".to_string()])
            .collect();
        let list = CodeList::new(&codes);
        for c in &codes {
            assert!(list.contains(c.as_bytes()), "{c}");
        }
        for absent in ["", "ZZ", "LONGCODE13", "1", "0x"] {
            assert!(!list.contains(absent.as_bytes()), "{absent}");
        }
        assert!(CodeList::new([""]).contains(b""));
        assert!(!CodeList::new(["A"]).contains(b"A\0"));
    }
}
