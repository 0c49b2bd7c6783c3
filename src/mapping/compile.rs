//! Mapping files checked and compiled once: every position against the
//! guide (segment in that loop, element and component exist), every field
//! against the document's JSON Schema, every code table and jq expression
//! loaded. What comes out runs without looking anything up by name.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use toml::Spanned;

use super::compute::Expression;
use super::convert::{Codes, Convert};
use super::field::{FieldPath, Leaf, Schema, Shape};
use super::file::{CodesSpec, RuleFile};
use super::locate::{is_tag, Condition, Locator, Position, Selector};
use super::MappingError;
use crate::edi::guide::{DataType, ElementKind, LoopNode, Node, SetGuide};

/// Where a rule was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The mapping file.
    pub file: Arc<str>,
    /// The line.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The rules that run in one object and one loop repetition.
#[derive(Debug, Default)]
pub struct Scope {
    /// In file order.
    pub rules: Vec<Rule>,
    /// Whether the object has an `extensions` list.
    pub has_extensions: bool,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Where it was written.
    pub origin: Origin,
    /// What it does.
    pub kind: Kind,
}

/// What a rule does.
#[derive(Debug)]
pub enum Kind {
    /// One element ↔ one field (or a constant, a default, a computed value).
    Value(Box<ValueRule>),
    /// Several elements feeding one list field, read segment by segment
    /// (`N301` and `N302` → `address.lines[]`).
    List(ListRule),
    /// A loop or repeated segment ↔ an object or a list of objects.
    Each(EachRule),
    /// Inbound only: a field filled from another field, a default or an
    /// expression, once the document is built.
    Fill(FillRule),
}

/// Where in a segment a value sits.
#[derive(Debug, Clone)]
pub enum Source {
    /// An element or component.
    Element(Locator),
    /// The value of the qualifier/value pair whose qualifier is `code`.
    Pair {
        /// The segment tag.
        tag: String,
        /// The first qualifier position.
        first: usize,
        /// The last value position.
        last: usize,
        /// The qualifier.
        code: String,
        /// Qualifiers for values of a given length, shortest first.
        by_length: Vec<(usize, String)>,
        /// Read the qualifier found rather than the value (inbound only).
        qualifier: bool,
        /// Other qualifiers of the segment.
        conditions: Vec<Condition>,
    },
}

impl Source {
    /// The segment tag.
    pub fn tag(&self) -> &str {
        match self {
            Source::Element(l) => &l.position.tag,
            Source::Pair { tag, .. } => tag,
        }
    }

    /// The segment conditions.
    pub fn conditions(&self) -> &[Condition] {
        match self {
            Source::Element(l) => &l.conditions,
            Source::Pair { conditions, .. } => conditions,
        }
    }
}

/// One element ↔ one field.
#[derive(Debug)]
pub struct ValueRule {
    /// Where the value sits.
    pub source: Source,
    /// The field (none for a constant).
    pub field: Option<FieldPath>,
    /// The conversion.
    pub convert: Convert,
    /// Written outbound whatever the document says.
    pub constant: Option<String>,
    /// Used when the field (outbound) or the element (inbound) is empty.
    pub default: Option<String>,
    /// Outbound: the value comes from this expression.
    pub compute: Option<Expression>,
    /// Outbound: the value is counted or summed over the written message.
    pub tally: Option<Tally>,
    /// The text runs on into the following components.
    pub spill: Option<Spill>,
    /// Constants, defaults and computed values are written only when this
    /// field is present.
    pub when: Option<FieldPath>,
    /// Which ways the rule runs.
    pub direction: Direction,
}

/// Which ways a rule runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Partner → canonical and back.
    Both,
    /// Partner → canonical only.
    In,
    /// Canonical → partner only.
    Out,
}

impl Direction {
    /// Whether the rule runs inbound.
    pub fn inbound(self) -> bool {
        self != Direction::Out
    }

    /// Whether the rule runs outbound.
    pub fn outbound(self) -> bool {
        self != Direction::In
    }
}

/// A control total the writer computes over the message it wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tally {
    /// The number of segments with this tag.
    Count(String),
    /// The sum of this element over the segments that have it.
    Sum(Position),
}

/// A text that runs on into following components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spill {
    /// The maximum length of each component, first to last.
    pub widths: Vec<usize>,
}

impl Spill {
    /// `text` cut into the components: at a space where one falls in the
    /// last third of a component, else at its width. What does not fit is
    /// returned second.
    pub fn cut<'t>(&self, text: &'t str) -> (Vec<&'t str>, &'t str) {
        let mut parts = Vec::new();
        let mut rest = text;
        for &width in &self.widths {
            if rest.is_empty() {
                break;
            }
            let end = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(i, _)| i);
            let cut = if end < rest.len() {
                rest[..end]
                    .rfind(' ')
                    .filter(|&s| s + 1 >= end * 2 / 3)
                    .map_or(end, |s| s + 1)
            } else {
                end
            };
            parts.push(&rest[..cut]);
            rest = &rest[cut..];
        }
        (parts, rest)
    }
}

/// Several elements → one list.
#[derive(Debug)]
pub struct ListRule {
    /// The list field.
    pub field: FieldPath,
    /// The elements, in the order they feed the list within a segment.
    pub members: Vec<(Origin, ValueRule)>,
}

/// A loop or repeated segment ↔ object(s).
#[derive(Debug)]
pub struct EachRule {
    /// Which repetitions.
    pub select: Selector,
    /// A loop of the guide, or (false) a segment repeated in this scope.
    pub is_loop: bool,
    /// The target (none: the rules fill the current object).
    pub field: Option<FieldPath>,
    /// The nested rules.
    pub scope: Scope,
    /// The most repetitions the guide allows (outbound stops there).
    pub max: Option<u32>,
    /// Which ways the rule runs.
    pub direction: Direction,
}

/// Inbound fill.
#[derive(Debug)]
pub struct FillRule {
    /// The field filled when absent.
    pub field: FieldPath,
    /// Copy from this field of the document root.
    pub copy: Option<FieldPath>,
    /// Or compute.
    pub compute: Option<Expression>,
    /// Or this value.
    pub default: Option<Value>,
    /// Or the item's position in its list, as text or (for a whole number
    /// field) as a number.
    pub sequence: Option<Leaf>,
    /// Only when this field is present (default: the field's parent).
    pub when: Option<FieldPath>,
}

/// A hierarchical loop (X12 HL, EDIFACT CPS): its repetitions follow each
/// other flat in the message and nest by parent id.
#[derive(Clone, Debug)]
pub struct Hierarchy {
    /// The loop id (`HL`, `SG10`).
    pub loop_id: String,
    /// A repetition's own id (`HL01`).
    pub id: Position,
    /// Its parent's id (`HL02`).
    pub parent: Position,
}

/// What compiling needs to look up.
pub struct Context<'a> {
    /// The hierarchical loop, if the message has one.
    pub hierarchy: Option<&'a Hierarchy>,
    /// The set guide the positions refer to.
    pub guide: &'a SetGuide,
    /// The document schema.
    pub schema: &'a Schema,
    /// Code tables by name (an override's substitutions applied).
    pub tables: &'a dyn Fn(&str) -> Result<Arc<super::CodeTable>, String>,
}

fn origin_of(rule: &RuleFile) -> Origin {
    Origin {
        file: Arc::from(rule.origin.0.as_str()),
        line: rule.origin.1,
    }
}

/// Compiles the rules of one scope: `node` is its loop in the guide,
/// `object` the schema of the object it fills.
pub fn compile_scope(
    cx: &Context<'_>,
    rules: &[Spanned<RuleFile>],
    node: &LoopNode,
    object: &Value,
) -> Result<Scope, MappingError> {
    let has_extensions = object.pointer("/properties/extensions").is_some();
    let mut scope = Scope {
        rules: Vec::new(),
        has_extensions,
    };
    let mut lists: HashMap<String, usize> = HashMap::new();
    for spanned in rules {
        let rule = spanned.get_ref();
        let origin = origin_of(rule);
        let here = |message: String| MappingError {
            file: origin.file.to_string(),
            line: origin.line,
            message,
        };
        let kind = match (&rule.each, &rule.at) {
            (Some(_), Some(_)) => {
                return Err(here(
                    "a rule has `each` (nested rules) or `at` (one element), not both".into(),
                ))
            }
            (Some(each), None) => Kind::Each(compile_each(cx, rule, each, node, object, &here)?),
            (None, None) => Kind::Fill(compile_fill(cx, rule, object).map_err(here)?),
            (None, Some(_)) => Kind::Value(Box::new(
                compile_value(cx, rule, node, object).map_err(here)?,
            )),
        };
        match kind {
            Kind::Value(v) if v.field.as_ref().is_some_and(FieldPath::appends) => {
                let field = v.field.clone().expect("checked above");
                let key = field.display();
                match lists.get(&key) {
                    Some(&i) => {
                        if let Kind::List(list) = &mut scope.rules[i].kind {
                            list.members.push((origin, *v));
                        }
                    }
                    None => {
                        lists.insert(key, scope.rules.len());
                        scope.rules.push(Rule {
                            origin: origin.clone(),
                            kind: Kind::List(ListRule {
                                field,
                                members: vec![(origin, *v)],
                            }),
                        });
                    }
                }
            }
            kind => scope.rules.push(Rule { origin, kind }),
        }
    }
    Ok(scope)
}

fn compile_each(
    cx: &Context<'_>,
    rule: &RuleFile,
    each: &str,
    node: &LoopNode,
    object: &Value,
    here: &dyn Fn(String) -> MappingError,
) -> Result<EachRule, MappingError> {
    let head = each_head(cx, rule, each, node, object).map_err(here)?;
    let (select, field, inner, scope_node, is_loop, max) = head;
    let scope = compile_scope(cx, &rule.rule, scope_node, inner)?;
    if !is_loop {
        if let Some(r) = scope.rules.iter().find_map(|r| match &r.kind {
            Kind::Value(v) if v.source.tag() != select.id => Some(v.source.tag().to_string()),
            Kind::Each(_) => Some("a nested each".to_string()),
            _ => None,
        }) {
            return Err(here(format!(
                "rules under `each = {:?}` (a segment) read that segment, not {r}",
                select.id
            )));
        }
    }
    Ok(EachRule {
        select,
        is_loop,
        field,
        scope,
        max,
        direction: direction_of(rule).map_err(here)?,
    })
}

type EachHead<'a> = (
    Selector,
    Option<FieldPath>,
    &'a Value,
    &'a LoopNode,
    bool,
    Option<u32>,
);

fn each_head<'a>(
    cx: &'a Context<'_>,
    rule: &RuleFile,
    each: &str,
    node: &'a LoopNode,
    object: &'a Value,
) -> Result<EachHead<'a>, String> {
    let select = Selector::parse(each)?;
    let (field, inner) = match &rule.field {
        Some(f) => {
            let path = FieldPath::parse(f)?;
            let (schema, shape) = cx.schema.resolve(object, &path)?;
            if shape != Shape::Object {
                return Err(format!("`each` fills objects; {f:?} holds a value"));
            }
            (Some(path), schema)
        }
        None => (None, object),
    };
    let loop_node = node.children.iter().find_map(|c| match c {
        Node::Loop(l) if l.id == select.id => Some(l),
        _ => None,
    });
    // Inside a hierarchical loop, the same loop again means the child
    // levels (HL*3*2*P under HL*2*1*O).
    let recursive = cx
        .hierarchy
        .is_some_and(|h| h.loop_id == select.id && node.id == select.id);
    let (scope_node, is_loop, max) = match loop_node {
        Some(l) => (l, true, limit(l.max)),
        None if recursive => (node, true, None),
        None => {
            let segment = segment_in(node, &select.id).ok_or_else(|| {
                format!(
                    "{:?} is neither a loop nor a segment here (loops: {}; segments: {})",
                    select.id,
                    loop_ids(node).join(", "),
                    segment_tags(cx, node).join(", ")
                )
            })?;
            (node, false, limit(segment.max))
        }
    };
    for c in &select.conditions {
        check_position(cx, scope_node, &c.at)?;
    }
    Ok((select, field, inner, scope_node, is_loop, max))
}

fn direction_of(rule: &RuleFile) -> Result<Direction, String> {
    match rule.direction.as_deref() {
        None | Some("both") => Ok(Direction::Both),
        Some("in") => Ok(Direction::In),
        Some("out") => Ok(Direction::Out),
        Some(other) => Err(format!(
            "direction {other:?}: write \"in\", \"out\" or \"both\""
        )),
    }
}

fn limit(max: crate::edi::guide::MaxUse) -> Option<u32> {
    match max {
        crate::edi::guide::MaxUse::Limited(n) => Some(n),
        crate::edi::guide::MaxUse::Unbounded => None,
    }
}

fn segment_in<'a>(node: &'a LoopNode, tag: &str) -> Option<&'a crate::edi::guide::SegmentNode> {
    node.children.iter().find_map(|c| match c {
        Node::Segment(s) if s.tag.as_string() == tag => Some(s),
        _ => None,
    })
}

fn loop_ids(node: &LoopNode) -> Vec<String> {
    node.children
        .iter()
        .filter_map(|c| match c {
            Node::Loop(l) => Some(l.id.clone()),
            _ => None,
        })
        .collect()
}

fn segment_tags(_cx: &Context<'_>, node: &LoopNode) -> Vec<String> {
    node.children
        .iter()
        .filter_map(|c| match c {
            Node::Segment(s) => Some(s.tag.as_string()),
            _ => None,
        })
        .collect()
}

/// Checks a position against the guide; returns the element's data type.
fn check_position(
    cx: &Context<'_>,
    node: &LoopNode,
    position: &Position,
) -> Result<Option<DataType>, String> {
    element_at(cx, node, position).map(|e| e.map(|e| e.data_type))
}

/// `spill = n`: the text runs on into the next components, each as long
/// as its element allows (a 70-character name in NAD04-1 and NAD04-2).
fn spill_of(
    cx: &Context<'_>,
    rule: &RuleFile,
    node: &LoopNode,
    position: &Position,
) -> Result<Option<Spill>, String> {
    let Some(count) = rule.spill else {
        return Ok(None);
    };
    let mut widths = Vec::new();
    for k in 0..count {
        let at = Position {
            component: position.component + k,
            ..position.clone()
        };
        let element = element_at(cx, node, &at)?
            .ok_or_else(|| format!("spill: {at} is not a simple component"))?;
        widths.push(element.max as usize);
    }
    Ok(Some(Spill { widths }))
}

/// The simple element at `position` (none for a nested composite).
fn element_at<'a>(
    cx: &'a Context<'_>,
    node: &LoopNode,
    position: &Position,
) -> Result<Option<&'a crate::edi::guide::ElementDef>, String> {
    let segment = segment_in(node, &position.tag).ok_or_else(|| {
        format!(
            "{position}: {} is not a segment of this loop (here: {})",
            position.tag,
            segment_tags(cx, node).join(", ")
        )
    })?;
    let dictionary = &cx.guide.dictionary;
    let def = &dictionary.segments[segment.def];
    let used = def.elements.get(position.element - 1).ok_or_else(|| {
        format!(
            "{position}: {} has {} elements",
            position.tag,
            def.elements.len()
        )
    })?;
    match used.kind {
        ElementKind::Simple(i) if position.component == 1 => Ok(Some(&dictionary.elements[i])),
        ElementKind::Simple(_) => Err(format!("{position}: the element has no components")),
        ElementKind::Composite(i) => {
            let composite = &dictionary.composites[i];
            let component = composite
                .components
                .get(position.component - 1)
                .ok_or_else(|| {
                    format!(
                        "{position}: composite {} has {} components",
                        composite.id,
                        composite.components.len()
                    )
                })?;
            match component.kind {
                ElementKind::Simple(e) => Ok(Some(&dictionary.elements[e])),
                ElementKind::Composite(_) => Ok(None),
            }
        }
    }
}

const PAIRS_ONLY: &str =
    "`code_by_length` and `qualifier` are about the qualifiers of `pairs`: add `pairs`";

fn compile_value(
    cx: &Context<'_>,
    rule: &RuleFile,
    node: &LoopNode,
    object: &Value,
) -> Result<ValueRule, String> {
    let at = rule.at.as_deref().unwrap_or_default();
    let mut spill = None;
    if rule.pairs.is_none() && (!rule.code_by_length.is_empty() || rule.qualifier) {
        return Err(PAIRS_ONLY.into());
    }
    let (source, data_type) = match &rule.pairs {
        Some(pairs) => compile_pairs(cx, rule, at, pairs, node)?,
        None => {
            let locator = Locator::parse(at)?;
            let data_type = check_position(cx, node, &locator.position)?;
            spill = spill_of(cx, rule, node, &locator.position)?;
            for c in &locator.conditions {
                check_position(cx, node, &c.at)?;
            }
            (Source::Element(locator), data_type)
        }
    };
    let (field, leaf) = match &rule.field {
        Some(f) => {
            let path = FieldPath::parse(f)?;
            match cx.schema.resolve(object, &path)? {
                (_, Shape::Leaf(leaf)) => (Some(path), leaf),
                (_, Shape::Object) => {
                    return Err(format!("{f:?} is an object: map its fields, or use `each`"))
                }
            }
        }
        None if rule.value.is_some()
            || rule.jq.is_some()
            || rule.count.is_some()
            || rule.sum.is_some() =>
        {
            (None, Leaf::Text)
        }
        None => {
            return Err("a rule with `at` needs `field`, `value`, `count`, `sum` or `jq`".into())
        }
    };
    let compute = rule.jq.as_deref().map(Expression::compile).transpose()?;
    let tally = match (&rule.count, &rule.sum) {
        (Some(tag), None) if is_tag(tag) => Some(Tally::Count(tag.clone())),
        (Some(tag), None) => return Err(format!("count = {tag:?}: name a segment tag")),
        (None, Some(at)) => Some(Tally::Sum(Position::parse(at)?)),
        (Some(_), Some(_)) => return Err("a rule counts or sums, not both".into()),
        (None, None) => None,
    };
    let when = rule.when_path(cx, object)?;
    let direction = direction_of(rule)?;
    Ok(ValueRule {
        spill,
        tally,
        direction,
        source,
        field,
        convert: convert(cx, rule, leaf, data_type)?,
        constant: rule.value.clone(),
        default: rule.default.clone(),
        compute,
        when,
    })
}

fn compile_pairs(
    cx: &Context<'_>,
    rule: &RuleFile,
    at: &str,
    pairs: &str,
    node: &LoopNode,
) -> Result<(Source, Option<DataType>), String> {
    let locator_text = format!("{at}01{}", at.find(" where ").map_or("", |i| &at[i..]));
    let tag = at.split(" where ").next().unwrap_or_default().trim();
    if !is_tag(tag) {
        return Err(format!("with `pairs`, `at` names the segment ({at:?})"));
    }
    let locator = Locator::parse(&locator_text)?;
    let (first, last) = pairs
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
        .filter(|(a, b)| *a >= 1 && b > a && (b - a) % 2 == 1)
        .ok_or_else(|| {
            format!(
                "pairs {pairs:?}: write the first qualifier and the last value position, `06-25`"
            )
        })?;
    for e in [first, last] {
        check_position(
            cx,
            node,
            &Position {
                tag: tag.to_string(),
                element: e,
                component: 1,
            },
        )?;
    }
    let code = rule
        .code
        .clone()
        .ok_or("`pairs` needs `code`, the qualifier that picks the pair")?;
    let mut by_length: Vec<(usize, String)> = rule
        .code_by_length
        .iter()
        .map(|(code, length)| (*length, code.clone()))
        .collect();
    by_length.sort();
    if let Some(pair) = by_length.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!(
            "code_by_length: {} and {} both claim length {}",
            pair[0].1, pair[1].1, pair[0].0
        ));
    }
    if rule.qualifier && rule.direction.as_deref() != Some("in") {
        return Err(
            "`qualifier` reads which qualifier a pair has; it runs inbound only: add direction = \"in\""
                .into(),
        );
    }
    if let Some((_, twice)) = by_length.iter().find(|(_, c)| *c == code) {
        return Err(format!(
            "code_by_length: {twice} is already `code`, the qualifier for other lengths"
        ));
    }
    Ok((
        Source::Pair {
            tag: tag.to_string(),
            first,
            last,
            code,
            by_length,
            qualifier: rule.qualifier,
            conditions: locator.conditions,
        },
        None,
    ))
}

fn convert(
    cx: &Context<'_>,
    rule: &RuleFile,
    leaf: Leaf,
    data_type: Option<DataType>,
) -> Result<Convert, String> {
    let codes = match &rule.codes {
        None => None,
        Some(CodesSpec::Table(name)) => Some(Codes::Table((cx.tables)(name)?)),
        Some(CodesSpec::Inline(map)) => Some(inline_codes(map, direction_of(rule)?)?),
    };
    if let (Leaf::Enum { names, other }, Some(Codes::Inline { reverse, .. })) = (&leaf, &codes) {
        if let Some(bad) = reverse.keys().find(|v| !names.contains(v)) {
            if !other {
                return Err(format!(
                    "code value {bad:?} is not one of {}",
                    names.join(", ")
                ));
            }
        }
    }
    let keep_unmapped = match rule.unmapped.as_deref() {
        None | Some("error") => false,
        Some("keep") => true,
        Some(other) => return Err(format!("unmapped = {other:?}: write \"error\" or \"keep\"")),
    };
    let implied = match data_type {
        Some(DataType::Numeric(n)) => n,
        _ => 0,
    };
    Ok(Convert {
        leaf,
        codes,
        keep_unmapped,
        otherwise: rule.otherwise.clone(),
        date: rule.date.clone(),
        implied,
    })
}

/// An inline code table; one read only inbound may give several codes the
/// same meaning (`EN` and `UK` are both GTINs), one written must not.
fn inline_codes(
    map: &std::collections::BTreeMap<String, String>,
    direction: Direction,
) -> Result<Codes, String> {
    let mut reverse = HashMap::new();
    for (code, value) in map {
        if let Some(other) = reverse.insert(value.clone(), code.clone()) {
            if direction == Direction::In {
                reverse.insert(value.clone(), other);
                continue;
            }
            return Err(format!(
                "codes {other:?} and {code:?} both mean {value:?}: the codes must work both ways"
            ));
        }
    }
    Ok(Codes::Inline {
        forward: map.clone().into_iter().collect(),
        reverse,
    })
}

fn compile_fill(cx: &Context<'_>, rule: &RuleFile, object: &Value) -> Result<FillRule, String> {
    let field_text = rule
        .field
        .as_deref()
        .ok_or("a rule needs `at`, `each` or `field`")?;
    let field = FieldPath::parse(field_text)?;
    let leaf = match cx.schema.resolve(object, &field)? {
        (_, Shape::Leaf(leaf)) => leaf,
        (_, Shape::Object) => return Err(format!("{field_text:?} is an object")),
    };
    let copy = match &rule.copy {
        Some(from) => {
            let path = FieldPath::parse(from.trim_start_matches('/'))?;
            cx.schema
                .resolve(cx.schema.root(), &path)
                .map_err(|e| format!("copy {from:?}: {e}"))?;
            Some(path)
        }
        None => None,
    };
    let compute = rule.jq.as_deref().map(Expression::compile).transpose()?;
    let default = match &rule.default {
        Some(d) => Some(
            Convert {
                leaf: leaf.clone(),
                codes: None,
                keep_unmapped: false,
                otherwise: None,
                date: Some("%Y-%m-%d".into()),
                implied: 0,
            }
            .inbound(d)?,
        ),
        None => None,
    };
    let sequence = rule.sequence.then(|| leaf.clone());
    if copy.is_none() && compute.is_none() && default.is_none() && sequence.is_none() {
        return Err(format!(
            "{field_text:?}: a rule without `at` fills its field from `copy`, `jq`, `default` or `sequence`"
        ));
    }
    Ok(FillRule {
        field,
        copy,
        compute,
        default,
        sequence,
        when: rule.when_path(cx, object)?,
    })
}

impl RuleFile {
    fn when_path(&self, cx: &Context<'_>, object: &Value) -> Result<Option<FieldPath>, String> {
        match &self.when {
            Some(w) => {
                // Presence is all `when` asks, so a list needs no `[]`.
                let path = FieldPath::parse(w.trim_end_matches("[]"))?;
                let mut as_list = path.clone();
                if let Some(last) = as_list.steps.last_mut() {
                    last.list = true;
                }
                cx.schema
                    .resolve(object, &path)
                    .or_else(|_| cx.schema.resolve(object, &as_list))
                    .map_err(|e| format!("when {w:?}: {e}"))?;
                Ok(Some(path))
            }
            None => Ok(None),
        }
    }
}
