//! Canonical JSON → partner segments, with the same rules read the other
//! way. Each scope collects segment instances (one per tag and qualifier
//! set) and loop repetitions, then emits them in the order the guide
//! defines, so rule order in the file never breaks segment order.

use serde_json::Value;

use rust_decimal::Decimal;

use super::compile::{EachRule, Hierarchy, Kind, Rule, Scope, Source, Tally, ValueRule};
use super::compute::JqDoc;
use super::locate::{Condition, Locator, Position};
use super::segments::Seg;
use super::MapError;
use crate::edi::guide::{LoopNode, MaxUse, Node, Tag};

/// Segments written for one message (without its header and trailer),
/// and what could not be written.
#[derive(Debug, Default)]
pub struct Written {
    /// The body segments in guide order.
    pub segments: Vec<Seg>,
    /// Values the partner format had no room for (each names the rule).
    pub warnings: Vec<String>,
}

/// Writes `doc` with `root`'s rules over the guide's structure `node`.
pub fn write(
    root: &Scope,
    node: &LoopNode,
    hierarchy: Option<&Hierarchy>,
    doc: &Value,
) -> Result<Written, MapError> {
    let mut writer = Writer {
        doc: JqDoc::new(doc),
        hierarchy,
        depth: 0,
        tallies: Vec::new(),
        warnings: Vec::new(),
    };
    let mut segments = writer.scope(root, node, doc, &[])?;
    segments.retain(|s| !matches!(s.tag.as_str(), "ST" | "SE" | "UNH" | "UNT"));
    if let Some(h) = hierarchy {
        number_levels(&mut segments, h);
    }
    fill_tallies(&mut segments, &writer.tallies);
    Ok(Written {
        segments,
        warnings: writer.warnings,
    })
}

struct Writer<'a> {
    doc: JqDoc<'a>,
    hierarchy: Option<&'a Hierarchy>,
    /// How deep in the hierarchical loop the scope being written is.
    depth: usize,
    /// Control totals waiting for the finished message (their elements
    /// hold [`TALLY_MARK`] and an index here).
    tallies: Vec<Tally>,
    warnings: Vec<String>,
}

/// Marks a hierarchical level's id element with its depth until the
/// message is complete and the levels can be numbered.
const DEPTH_MARK: char = '\u{1}';

/// Marks an element whose control total is computed once the message is
/// complete.
const TALLY_MARK: char = '\u{2}';

/// Replaces tally marks by the counts and sums they stand for.
fn fill_tallies(segments: &mut [Seg], tallies: &[Tally]) {
    if tallies.is_empty() {
        return;
    }
    let totals: Vec<String> = tallies
        .iter()
        .map(|t| match t {
            Tally::Count(tag) => segments
                .iter()
                .filter(|s| s.tag == *tag)
                .count()
                .to_string(),
            Tally::Sum(at) => segments
                .iter()
                .filter(|s| s.tag == at.tag)
                .filter_map(|s| s.value(at.element, at.component).parse::<Decimal>().ok())
                .sum::<Decimal>()
                .normalize()
                .to_string(),
        })
        .collect();
    for seg in segments.iter_mut() {
        for component in seg.elements.iter_mut().flatten().flatten() {
            if let Some(index) = component.strip_prefix(TALLY_MARK) {
                if let Some(total) = index.parse::<usize>().ok().and_then(|i| totals.get(i)) {
                    *component = total.clone();
                }
            }
        }
    }
}

/// Numbers the hierarchical levels in message order (1, 2, 3 …) and
/// points each at its parent, from the depth marks the writer left.
fn number_levels(segments: &mut [Seg], h: &Hierarchy) {
    let mut open: Vec<usize> = Vec::new();
    let mut next = 1;
    for seg in segments.iter_mut().filter(|s| s.tag == h.id.tag) {
        let Some(depth) = seg
            .value(h.id.element, h.id.component)
            .strip_prefix(DEPTH_MARK)
            .and_then(|d| d.parse::<usize>().ok())
        else {
            continue;
        };
        open.truncate(depth);
        let parent = open.last().map(usize::to_string).unwrap_or_default();
        seg.set(h.id.element, h.id.component, next.to_string());
        seg.set(h.parent.element, h.parent.component, &parent);
        open.push(next);
        next += 1;
    }
}

/// Writes a qualifier condition into `seg`, unless a rule already wrote a
/// value the condition accepts (`SAC01=A|C` keeps the `C` a rule wrote).
fn qualify(seg: &mut Seg, c: &Condition) {
    if !c.accepts(seg.value(c.at.element, c.at.component)) {
        seg.set(c.at.element, c.at.component, &c.values[0]);
    }
}

/// A segment kind within a scope: its tag and the qualifiers it carries.
type SegmentKey = (Tag, Vec<Condition>);

/// The segment instances and loop repetitions of one scope.
#[derive(Default)]
struct Slots {
    /// Tags the guide allows only once in this scope.
    single: Vec<Tag>,
    /// Segment kind → instances in order.
    instances: Vec<(SegmentKey, Vec<Seg>)>,
    /// Loop id → repetitions in order.
    loops: Vec<(String, Vec<Vec<Seg>>)>,
}

impl Slots {
    /// Whether the guide allows `tag` only once in this scope.
    fn is_single(&self, tag: &str) -> bool {
        Tag::from_bytes(tag.as_bytes()).is_some_and(|t| self.single.contains(&t))
    }

    fn instance(&mut self, tag: &str, conditions: &[Condition], index: usize) -> &mut Seg {
        // A segment the guide allows once here is one segment, whatever
        // qualifiers the rules writing it name.
        let tag_id = Tag::from_bytes(tag.as_bytes()).unwrap_or(Tag::INVALID);
        let key: &[Condition] = if self.single.contains(&tag_id) {
            &[]
        } else {
            conditions
        };
        let position = self
            .instances
            .iter()
            .position(|((t, c), _)| *t == tag_id && c == key);
        let slot = match position {
            Some(p) => p,
            None => {
                self.instances.push(((tag_id, key.to_vec()), Vec::new()));
                self.instances.len() - 1
            }
        };
        let list = &mut self.instances[slot].1;
        while list.len() <= index {
            list.push(Seg::new(tag));
        }
        let seg = &mut list[index];
        for c in conditions {
            qualify(seg, c);
        }
        seg
    }

    fn write(&mut self, source: &Source, index: usize, extra: &[Condition], text: String) {
        let seg = self.instance(source.tag(), source.conditions(), index);
        for c in extra {
            qualify(seg, c);
        }
        match source {
            Source::Element(l) => seg.set(l.position.element, l.position.component, text),
            Source::Pair {
                first,
                last,
                code,
                by_length,
                ..
            } => {
                let length = text.chars().count();
                let code = by_length
                    .iter()
                    .find(|(l, _)| *l == length)
                    .map_or(code, |(_, c)| c);
                if let Some(e) = (*first..*last)
                    .step_by(2)
                    .find(|&e| seg.value(e, 1).is_empty() && seg.value(e + 1, 1).is_empty())
                {
                    seg.set(e, 1, code);
                    seg.set(e + 1, 1, text);
                }
            }
        }
    }

    /// Writes a loop's qualifiers into the first segment with their tag
    /// (made when the rules wrote none).
    fn preset(&mut self, conditions: &[Condition]) {
        for c in conditions {
            let tag = Tag::from_bytes(c.at.tag.as_bytes()).unwrap_or(Tag::INVALID);
            let existing = self
                .instances
                .iter_mut()
                .find(|((t, _), list)| *t == tag && !list.is_empty());
            match existing {
                Some((_, list)) => qualify(&mut list[0], c),
                None => qualify(self.instance(&c.at.tag, &[], 0), c),
            }
        }
    }

    fn emit(mut self, node: &LoopNode, hierarchical: bool) -> Vec<Seg> {
        let mut out = Vec::new();
        for child in &node.children {
            match child {
                Node::Segment(s) => {
                    for ((t, _), list) in &mut self.instances {
                        if *t == s.tag {
                            for mut seg in list.drain(..) {
                                seg.trim();
                                out.push(seg);
                            }
                        }
                    }
                }
                Node::Loop(l) => self.drain_loop(&l.id, &mut out),
            }
        }
        if hierarchical {
            // Child levels follow their parent level's own segments.
            self.drain_loop(&node.id, &mut out);
        }
        out
    }

    fn drain_loop(&mut self, id: &str, out: &mut Vec<Seg>) {
        for (loop_id, reps) in &mut self.loops {
            if loop_id == id {
                reps.drain(..).for_each(|rep| out.extend(rep));
            }
        }
    }
}

fn items<'v>(field: &Option<super::field::FieldPath>, object: &'v Value) -> Vec<&'v Value> {
    match field {
        None => vec![object],
        Some(path) => match path.get(object) {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => Vec::new(),
        },
    }
}

/// For an `each` without a field whose list rules write into segments its
/// loop holds once (`tracking[]` into SG1's one RFF): the object as each
/// repetition sees it, each list cut to the entries one repetition takes
/// (one, or as many as the segment has elements for the list).
/// Empty when nothing needs spreading.
fn spread_lists(scope: &Scope, inner: &LoopNode, object: &Value) -> Vec<Value> {
    let once = |tag: &str| {
        inner.children.iter().any(|c| {
            matches!(c, Node::Segment(s) if s.max == MaxUse::Limited(1)
                && Tag::from_bytes(tag.as_bytes()) == Some(s.tag))
        })
    };
    // Each list with the number of entries one segment takes.
    let lists: Vec<(&super::field::FieldPath, &[Value], usize)> = scope
        .rules
        .iter()
        .filter_map(|rule| match &rule.kind {
            Kind::List(l) if l.members.iter().all(|(_, m)| once(m.source.tag())) => {
                match l.field.get(object) {
                    Some(Value::Array(values)) if values.len() > l.members.len() => {
                        Some((&l.field, values.as_slice(), l.members.len().max(1)))
                    }
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    let Value::Object(fields) = object else {
        return Vec::new();
    };
    let repetitions = lists
        .iter()
        .map(|(_, values, per)| values.len().div_ceil(*per))
        .max()
        .unwrap_or(0);
    (0..repetitions)
        .map(|k| {
            let mut view = fields.clone();
            for (field, values, per) in &lists {
                let own = values.chunks(*per).nth(k).unwrap_or_default().to_vec();
                if let Some(step) = field.steps.last() {
                    field
                        .parent_mut(&mut view)
                        .insert(step.name.clone(), Value::Array(own));
                }
            }
            Value::Object(view)
        })
        .collect()
}

impl Writer<'_> {
    fn scope(
        &mut self,
        scope: &Scope,
        node: &LoopNode,
        object: &Value,
        presets: &[Condition],
    ) -> Result<Vec<Seg>, MapError> {
        let mut slots = Slots {
            single: node
                .children
                .iter()
                .filter_map(|c| match c {
                    Node::Segment(s) if s.max == MaxUse::Limited(1) => Some(s.tag),
                    _ => None,
                })
                .collect(),
            ..Slots::default()
        };
        for rule in &scope.rules {
            match &rule.kind {
                Kind::Value(v) => {
                    if let Some(text) = self.text(rule, v, object)? {
                        self.put(&mut slots, rule, v, (0, &[]), text);
                    }
                }
                Kind::List(l) => {
                    let values = match l.field.get(object) {
                        Some(Value::Array(list)) => list.as_slice(),
                        _ => &[],
                    };
                    let n = l.members.len();
                    for (j, value) in values.iter().enumerate() {
                        let (origin, member) = &l.members[j % n];
                        if j >= n && slots.is_single(member.source.tag()) {
                            self.warnings.push(format!(
                                "{origin}: {} has {} entries; {} holds {n}, the rest is not written",
                                l.field.display(),
                                values.len(),
                                member.source.tag()
                            ));
                            break;
                        }
                        let text = member.convert.outbound(value).map_err(|m| MapError {
                            rule: Some(origin.to_string()),
                            at: format!("{}[{j}]", l.field.display()),
                            message: m,
                        })?;
                        slots.write(&member.source, j / n, &[], text);
                    }
                }
                Kind::Each(e) if !e.direction.outbound() => {}
                Kind::Each(e) if e.is_loop => self.each_loop(rule, e, node, object, &mut slots)?,
                Kind::Each(e) => self.each_segment(rule, e, object, &mut slots)?,
                Kind::Fill(_) => {}
            }
        }
        if !slots.instances.is_empty() || !slots.loops.is_empty() {
            slots.preset(presets);
            if let Some(h) = self.hierarchy.filter(|h| h.loop_id == node.id) {
                let mark = format!("{DEPTH_MARK}{}", self.depth);
                slots
                    .instance(&h.id.tag, &[], 0)
                    .set(h.id.element, h.id.component, &mark);
            }
        }
        self.keep_loops_within_max(&mut slots, node);
        let hierarchical = self.hierarchy.is_some_and(|h| h.loop_id == node.id);
        Ok(slots.emit(node, hierarchical))
    }

    fn each_loop(
        &mut self,
        rule: &Rule,
        e: &EachRule,
        node: &LoopNode,
        object: &Value,
        slots: &mut Slots,
    ) -> Result<(), MapError> {
        // In a hierarchical loop, the same loop again is the child level.
        let recursive = node.id == e.select.id;
        let inner = if recursive {
            Some(node)
        } else {
            node.children.iter().find_map(|c| match c {
                Node::Loop(l) if l.id == e.select.id => Some(l),
                _ => None,
            })
        };
        let Some(inner) = inner else {
            return Ok(());
        };
        let spread = match &e.field {
            None => spread_lists(&e.scope, inner, object),
            Some(_) => Vec::new(),
        };
        let items = match spread.is_empty() {
            true => items(&e.field, object),
            false => spread.iter().collect(),
        };
        self.warn_over_limit(rule, e, items.len());
        let limit = e.max.map_or(usize::MAX, |m| m as usize);
        for item in items.into_iter().take(limit) {
            self.depth += usize::from(recursive);
            let built = self.scope(&e.scope, inner, item, &e.select.conditions);
            self.depth -= usize::from(recursive);
            let segs = built?;
            if segs.is_empty() {
                continue;
            }
            match slots.loops.iter_mut().find(|(id, _)| *id == e.select.id) {
                Some((_, reps)) => reps.push(segs),
                None => slots.loops.push((e.select.id.clone(), vec![segs])),
            }
        }
        Ok(())
    }

    fn each_segment(
        &mut self,
        rule: &Rule,
        e: &EachRule,
        object: &Value,
        slots: &mut Slots,
    ) -> Result<(), MapError> {
        let items = items(&e.field, object);
        self.warn_over_limit(rule, e, items.len());
        let limit = e.max.map_or(usize::MAX, |m| m as usize);
        for (k, item) in items.into_iter().take(limit).enumerate() {
            for inner in &e.scope.rules {
                if let Kind::Value(v) = &inner.kind {
                    if let Some(text) = self.text(inner, v, item)? {
                        self.put(slots, inner, v, (k, &e.select.conditions), text);
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes `text` for `v` into instance `at.0` (with the qualifiers
    /// `at.1`), running on into further components where the rule spills.
    fn put(
        &mut self,
        slots: &mut Slots,
        rule: &Rule,
        v: &ValueRule,
        at: (usize, &[Condition]),
        text: String,
    ) {
        let (Some(spill), Source::Element(l)) = (&v.spill, &v.source) else {
            slots.write(&v.source, at.0, at.1, text);
            return;
        };
        let (parts, rest) = spill.cut(&text);
        if !rest.is_empty() {
            self.warnings.push(format!(
                "{}: {:?} is longer than {} holds; {:?} is not written",
                rule.origin, text, l.position, rest
            ));
        }
        for (k, part) in parts.into_iter().enumerate() {
            let source = Source::Element(Locator {
                position: Position {
                    component: l.position.component + k,
                    ..l.position.clone()
                },
                conditions: l.conditions.clone(),
            });
            slots.write(&source, at.0, at.1, part.to_string());
        }
    }

    /// Several rules may write repetitions of one loop (SG1 for the order
    /// reference and for each tracking number): together they may not
    /// exceed what the guide allows, or the message would not validate.
    fn keep_loops_within_max(&mut self, slots: &mut Slots, node: &LoopNode) {
        for (id, reps) in &mut slots.loops {
            let max = node.children.iter().find_map(|c| match c {
                Node::Loop(l) if l.id == *id => match l.max {
                    MaxUse::Limited(n) => Some(n as usize),
                    MaxUse::Unbounded => None,
                },
                _ => None,
            });
            if let Some(max) = max.filter(|&m| reps.len() > m) {
                self.warnings.push(format!(
                    "{id} holds {max} repetitions and the document fills {}: the last {} are not written",
                    reps.len(),
                    reps.len() - max
                ));
                reps.truncate(max);
            }
        }
    }

    fn warn_over_limit(&mut self, rule: &Rule, e: &EachRule, count: usize) {
        if let Some(max) = e.max.filter(|&m| count > m as usize) {
            self.warnings.push(format!(
                "{}: {} has {count} entries; {} holds {max}, the rest is not written",
                rule.origin,
                e.field
                    .as_ref()
                    .map_or(String::from("the object"), |f| f.display()),
                e.select.id
            ));
        }
    }

    /// The text a value rule writes for `object`, if any.
    fn text(
        &mut self,
        rule: &Rule,
        v: &ValueRule,
        object: &Value,
    ) -> Result<Option<String>, MapError> {
        if !v.direction.outbound() {
            return Ok(None);
        }
        if let Some(when) = &v.when {
            if when.get(object).is_none() {
                return Ok(None);
            }
        }
        let fail = |m: String| MapError {
            rule: Some(rule.origin.to_string()),
            at: v
                .field
                .as_ref()
                .map_or_else(|| v.source.tag().to_string(), |f| f.display()),
            message: m,
        };
        if let Some(constant) = &v.constant {
            return Ok(Some(constant.clone()));
        }
        if let Some(tally) = &v.tally {
            self.tallies.push(tally.clone());
            return Ok(Some(format!("{TALLY_MARK}{}", self.tallies.len() - 1)));
        }
        if let Some(expr) = &v.compute {
            return match expr.first(object, &self.doc).map_err(fail)? {
                Some(Value::String(s)) => Ok(Some(s)),
                Some(other) => Ok(Some(other.to_string())),
                None => Ok(None),
            };
        }
        let Some(field) = &v.field else {
            return Ok(None);
        };
        match field.get(object) {
            Some(value) => v.convert.outbound(value).map(Some).map_err(fail),
            None => Ok(v.default.clone()),
        }
    }
}
