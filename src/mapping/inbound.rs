//! Partner segments → canonical JSON. The segments are grouped into the
//! loop repetitions of the guide; each scope's rules read their segment
//! and loop repetitions; every non-empty element no rule read goes into
//! the nearest `extensions` list, so nothing received is dropped.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::compile::{EachRule, Hierarchy, Kind, ListRule, Rule, Scope, Source, ValueRule};
use super::compute::JqDoc;
use super::field::{FieldPath, Leaf};
use super::locate::Condition;
use super::segments::Seg;
use super::MapError;
use crate::edi::guide::{group, LoopRepetition, Member, SetGuide, Tag};

/// Segments whose fields the envelope, not the mapping, owns.
const ENVELOPE: [&str; 4] = ["ST", "SE", "UNH", "UNT"];

/// Reads `segs` (one message, header first) with `root`'s rules.
pub fn read(
    guide: &SetGuide,
    root: &Scope,
    hierarchy: Option<&Hierarchy>,
    segs: &[Seg],
    separator: char,
) -> Result<Map<String, Value>, MapError> {
    let tags: Vec<Tag> = segs
        .iter()
        .map(|s| Tag::from_bytes(s.tag.as_bytes()).unwrap_or(Tag::INVALID))
        .collect();
    let mut top = group(&guide.root, &tags);
    let mut reader = Reader {
        segs,
        separator,
        used: Marks::new(segs),
    };
    if let Some(h) = hierarchy {
        nest(&mut top, h, &mut reader);
    }
    let mut doc = Map::new();
    let loose = reader.scope(root, &top, "", &mut doc, true)?;
    push_extensions(&mut doc, loose);
    // The document's own fills (its default currency) come first, so that
    // copies into lines and charges see them; then fills read the
    // document as it stands: jq fills all of it (a copy), copies only the
    // fields they name.
    fill_fields(root, &mut doc, None, None)?;
    let snapshot = if computes(root) {
        Value::Object(doc.clone())
    } else {
        let mut copied = Map::new();
        copies(root, &doc, &mut copied);
        Value::Object(copied)
    };
    fill(root, &mut doc, &JqDoc::new(&snapshot), None)?;
    Ok(doc)
}

/// Moves the repetitions of the hierarchical loop under their parents:
/// `HL*3*2*P` becomes a member of the repetition `HL*2*1*O`. A repetition
/// whose parent is unknown (or comes later) stays where it was. The id and
/// parent elements count as read: they are structure, not content.
fn nest(top: &mut LoopRepetition, h: &Hierarchy, reader: &mut Reader<'_>) {
    struct Level {
        id: String,
        parent: Option<usize>,
        rep: Option<LoopRepetition>,
        children: Vec<usize>,
    }
    let mut levels: Vec<Level> = Vec::new();
    let mut order: Vec<Result<usize, Member>> = Vec::new();
    for member in std::mem::take(&mut top.members) {
        let Member::Loop(rep) = member else {
            order.push(Err(member));
            continue;
        };
        if rep.id != h.loop_id {
            order.push(Err(Member::Loop(rep)));
            continue;
        }
        let first = rep.segments().find(|&i| reader.segs[i].tag == h.id.tag);
        let (id, parent_id) = match first {
            Some(i) => {
                reader.used.mark(i, h.id.element, h.id.component);
                reader.used.mark(i, h.parent.element, h.parent.component);
                let seg = &reader.segs[i];
                (
                    seg.value(h.id.element, h.id.component).to_string(),
                    seg.value(h.parent.element, h.parent.component).to_string(),
                )
            }
            None => (String::new(), String::new()),
        };
        let parent = (!parent_id.is_empty())
            .then(|| levels.iter().position(|l| l.id == parent_id))
            .flatten();
        let index = levels.len();
        match parent {
            Some(p) => levels[p].children.push(index),
            None => order.push(Ok(index)),
        }
        levels.push(Level {
            id,
            parent,
            rep: Some(rep),
            children: Vec::new(),
        });
    }
    // Children were recorded after their parents, so building from the
    // last level up moves every finished child into its parent.
    for index in (0..levels.len()).rev() {
        if levels[index].parent.is_none() {
            continue;
        }
        let children = std::mem::take(&mut levels[index].children);
        let mut rep = levels[index].rep.take().expect("each level is built once");
        attach(&mut rep, children, &mut levels);
        levels[index].rep = Some(rep);
    }
    for entry in order {
        match entry {
            Err(member) => top.members.push(member),
            Ok(index) => {
                let children = std::mem::take(&mut levels[index].children);
                let mut rep = levels[index].rep.take().expect("roots are built once");
                attach(&mut rep, children, &mut levels);
                top.members.push(Member::Loop(rep));
            }
        }
    }

    fn attach(rep: &mut LoopRepetition, children: Vec<usize>, levels: &mut [Level]) {
        for child in children {
            if let Some(done) = levels[child].rep.take() {
                rep.members.push(Member::Loop(done));
            }
        }
    }
}

struct Reader<'a> {
    segs: &'a [Seg],
    /// How the syntax separates elements (`*` X12, `+` EDIFACT), for
    /// whole segments kept as extensions.
    separator: char,
    /// What some rule read.
    used: Marks,
}

/// The (element, component) positions one read marked.
type Taken = [Option<(usize, usize)>; 2];

/// Which components of which elements some rule read: one bit per
/// component (up to 32) for every element of every segment, in one flat
/// list so that a message costs two allocations, not one per segment.
struct Marks {
    /// Where each segment's elements start in `bits`.
    start: Vec<usize>,
    bits: Vec<u32>,
}

impl Marks {
    fn new(segs: &[Seg]) -> Marks {
        let mut start = Vec::with_capacity(segs.len() + 1);
        let mut bits = Vec::new();
        for seg in segs {
            start.push(bits.len());
            // The envelope owns its segments: all read.
            let fill = if ENVELOPE.contains(&seg.tag.as_str()) {
                u32::MAX
            } else {
                0
            };
            bits.extend(std::iter::repeat_n(fill, seg.elements.len()));
        }
        start.push(bits.len());
        Marks { start, bits }
    }

    fn slot(&mut self, index: usize, element: usize) -> Option<&mut u32> {
        let at = self.start[index] + element.checked_sub(1)?;
        (at < self.start[index + 1]).then(|| &mut self.bits[at])
    }

    fn mark(&mut self, index: usize, element: usize, component: usize) {
        if let Some(slot) = self.slot(index, element) {
            *slot |= 1 << (component.max(1) - 1).min(31);
        }
    }

    fn unmark(&mut self, index: usize, element: usize, component: usize) {
        if let Some(slot) = self.slot(index, element) {
            *slot &= !(1 << (component.max(1) - 1).min(31));
        }
    }

    /// The components of element `element` read (bit c-1 = component c).
    fn read(&self, index: usize, element: usize) -> u32 {
        let at = self.start[index] + element - 1;
        if at < self.start[index + 1] {
            self.bits[at]
        } else {
            0
        }
    }

    fn any(&self, index: usize) -> bool {
        self.bits[self.start[index]..self.start[index + 1]]
            .iter()
            .any(|&b| b != 0)
    }
}

fn push_extensions(object: &mut Map<String, Value>, entries: Vec<Value>) {
    if entries.is_empty() {
        return;
    }
    let list = object
        .entry("extensions")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = list {
        items.extend(entries);
    }
}

impl<'a> Reader<'a> {
    /// Runs `scope` over `rep` into `object`; returns the extensions it
    /// could not keep itself (the scope's object has no list for them).
    fn scope(
        &mut self,
        scope: &Scope,
        rep: &LoopRepetition,
        path: &str,
        object: &mut Map<String, Value>,
        report: bool,
    ) -> Result<Vec<Value>, MapError> {
        let mut placed = vec![false; rep.members.len()];
        let mut loose = Vec::new();
        for rule in &scope.rules {
            match &rule.kind {
                Kind::Value(v) => self.value(rule, v, rep, object)?,
                Kind::List(l) => self.list(l, rep, object)?,
                Kind::Each(e) if e.direction.inbound() => {
                    loose.extend(self.each(rule, e, rep, path, object, &mut placed)?)
                }
                Kind::Each(_) => {}
                Kind::Fill(_) => {}
            }
        }
        // A segment read by `each` over segments belongs to the enclosing
        // scope, whose other rules may still read it: that scope reports it.
        if report {
            self.unplaced(rep, path, &placed, &mut loose);
        }
        if scope.has_extensions {
            push_extensions(object, std::mem::take(&mut loose));
        }
        Ok(loose)
    }

    fn matches(&mut self, index: usize, tag: &str, conditions: &[Condition]) -> bool {
        let seg = &self.segs[index];
        if seg.tag != tag
            || !conditions
                .iter()
                .all(|c| c.accepts(seg.value(c.at.element, c.at.component)))
        {
            return false;
        }
        for c in conditions {
            self.used.mark(index, c.at.element, c.at.component);
        }
        true
    }

    /// The source's text in segment `index`, marking what it read; and the
    /// positions marked, to take back when the value finds no place.
    fn take(&mut self, index: usize, source: &Source) -> (&'a str, Taken) {
        let seg = &self.segs[index];
        let (text, marks) = match source {
            Source::Element(l) => {
                let p = (l.position.element, l.position.component);
                (seg.value(p.0, p.1), [Some(p), None])
            }
            Source::Pair {
                first,
                last,
                code,
                by_length,
                qualifier,
                ..
            } => std::iter::once(code)
                .chain(by_length.iter().map(|(_, c)| c))
                .find_map(|code| {
                    (*first..*last)
                        .step_by(2)
                        .find(|&e| seg.value(e, 1) == code)
                })
                .map_or(("", [None, None]), |e| {
                    let read = if *qualifier { e } else { e + 1 };
                    (seg.value(read, 1), [Some((e, 1)), Some((e + 1, 1))])
                }),
        };
        for (e, c) in marks.iter().flatten() {
            self.used.mark(index, *e, *c);
        }
        (text, marks)
    }

    fn value(
        &mut self,
        rule: &Rule,
        v: &ValueRule,
        rep: &LoopRepetition,
        object: &mut Map<String, Value>,
    ) -> Result<(), MapError> {
        if !v.direction.inbound() {
            return Ok(());
        }
        let found = rep
            .segments()
            .find(|&i| self.matches(i, v.source.tag(), v.source.conditions()));
        let Some(field) = &v.field else {
            // A constant or computed element: read (so not an extension)
            // only when it says what the rule would write.
            if let Some(i) = found {
                let seg = &self.segs[i];
                let agrees = match (&v.constant, &v.source) {
                    (Some(c), Source::Element(l)) => {
                        seg.value(l.position.element, l.position.component) == c
                    }
                    _ => true,
                };
                if agrees {
                    self.take(i, &v.source);
                }
            }
            return Ok(());
        };
        let (taken, marks) = match found {
            Some(i) => self.take(i, &v.source),
            None => ("", [None, None]),
        };
        let mut text = Cow::Borrowed(taken);
        if let (Some(i), Some(spill), Source::Element(l)) = (found, &v.spill, &v.source) {
            // The run-on components belong to the same value.
            let mut whole = taken.to_string();
            for k in 1..spill.widths.len() {
                let component = l.position.component + k;
                whole.push_str(self.segs[i].value(l.position.element, component));
                self.used.mark(i, l.position.element, component);
            }
            text = Cow::Owned(whole);
        }
        let text = match (text.is_empty(), &v.default) {
            (false, _) => text,
            (true, Some(d)) if applies(&v.when, object) => Cow::Borrowed(d.as_str()),
            (true, _) => return Ok(()),
        };
        let value = v
            .convert
            .inbound(&text)
            .map_err(|m| self.error(rule, found, &v.source, m))?;
        if !field.put(object, value) {
            // Another rule placed a different value first: this one stays
            // an extension rather than vanish.
            if let Some(i) = found {
                for (e, c) in marks.iter().flatten() {
                    self.used.unmark(i, *e, *c);
                }
            }
        }
        Ok(())
    }

    fn list(
        &mut self,
        l: &ListRule,
        rep: &LoopRepetition,
        object: &mut Map<String, Value>,
    ) -> Result<(), MapError> {
        let indices: Vec<usize> = rep.segments().collect();
        for i in indices {
            for (origin, member) in &l.members {
                if !member.direction.inbound()
                    || !self.matches(i, member.source.tag(), member.source.conditions())
                {
                    continue;
                }
                let (text, _) = self.take(i, &member.source);
                if text.is_empty() {
                    continue;
                }
                let value = member.convert.inbound(text).map_err(|m| MapError {
                    rule: Some(origin.to_string()),
                    at: self.describe(Some(i), &member.source),
                    message: m,
                })?;
                l.field.put(object, value);
            }
        }
        Ok(())
    }

    fn loop_matches(&mut self, rep: &LoopRepetition, conditions: &[Condition]) -> bool {
        let mut marks = Vec::new();
        for c in conditions {
            let Some(i) = rep.segments().find(|&i| self.segs[i].tag == c.at.tag) else {
                return false;
            };
            if !c.accepts(self.segs[i].value(c.at.element, c.at.component)) {
                return false;
            }
            marks.push(i);
        }
        for (i, c) in marks.into_iter().zip(conditions) {
            self.used.mark(i, c.at.element, c.at.component);
        }
        true
    }

    fn each(
        &mut self,
        _rule: &Rule,
        e: &EachRule,
        rep: &LoopRepetition,
        path: &str,
        object: &mut Map<String, Value>,
        placed: &mut [bool],
    ) -> Result<Vec<Value>, MapError> {
        let mut loose = Vec::new();
        let mut filled_object = false;
        for (m, member) in rep.members.iter().enumerate() {
            if placed[m] {
                continue;
            }
            let single;
            let (inner, inner_path) = match member {
                Member::Loop(l) if e.is_loop && l.id == e.select.id => {
                    if !self.loop_matches(l, &e.select.conditions) {
                        continue;
                    }
                    (l, format!("{path}{}/", l.id))
                }
                Member::Segment(i) if !e.is_loop => {
                    if !self.matches(*i, &e.select.id, &e.select.conditions) {
                        continue;
                    }
                    single = LoopRepetition {
                        id: e.select.id.clone(),
                        members: vec![Member::Segment(*i)],
                    };
                    (&single, path.to_string())
                }
                _ => continue,
            };
            let Some(field) = &e.field else {
                placed[m] = true;
                loose.extend(self.scope(&e.scope, inner, &inner_path, object, e.is_loop)?);
                continue;
            };
            if field.appends() {
                placed[m] = true;
                let mut item = Map::new();
                loose.extend(self.scope(&e.scope, inner, &inner_path, &mut item, e.is_loop)?);
                if !item.is_empty() {
                    field.put(object, Value::Object(item));
                }
            } else if !filled_object {
                placed[m] = true;
                filled_object = true;
                let mut item = Map::new();
                loose.extend(self.scope(&e.scope, inner, &inner_path, &mut item, e.is_loop)?);
                if !item.is_empty() {
                    field.put(object, Value::Object(item));
                }
            }
        }
        Ok(loose)
    }

    /// Extensions for every element no rule read, in this repetition's
    /// own segments and in loop repetitions no rule took.
    fn unplaced(&self, rep: &LoopRepetition, path: &str, placed: &[bool], out: &mut Vec<Value>) {
        for (m, member) in rep.members.iter().enumerate() {
            match member {
                Member::Segment(i) => self.unread(*i, path, out),
                Member::Loop(l) if !placed[m] => self.unplaced(
                    l,
                    &format!("{path}{}/", l.id),
                    &vec![false; l.members.len()],
                    out,
                ),
                Member::Loop(_) => {}
            }
        }
    }

    fn unread(&self, index: usize, path: &str, out: &mut Vec<Value>) {
        let seg = &self.segs[index];
        if !self.used.any(index) && !seg.elements.is_empty() {
            // Nothing of it was read: one entry for the whole segment.
            let mut text = seg.tag.clone();
            for e in 1..=seg.elements.len() {
                text.push(self.separator);
                seg.render_into(e, &mut text);
            }
            out.push(extension(place(path, &seg.tag, None, None), text));
            return;
        }
        for e in 1..=seg.elements.len() {
            let read = self.used.read(index, e);
            if read == 0 {
                if seg.has(e) {
                    let mut text = String::new();
                    seg.render_into(e, &mut text);
                    out.push(extension(place(path, &seg.tag, Some(e), None), text));
                }
                continue;
            }
            // Partly read: the components no rule read, then any further
            // repetitions (rules read the first).
            let repetitions = &seg.elements[e - 1];
            let first = repetitions.first().map_or(&[][..], Vec::as_slice);
            for (c, value) in first.iter().enumerate() {
                if read & (1 << c.min(31)) == 0 && !value.is_empty() {
                    let source = place(path, &seg.tag, Some(e), Some(c + 1));
                    out.push(extension(source, value.clone()));
                }
            }
            for repetition in repetitions.iter().skip(1) {
                let text = repetition.join(":");
                if !text.trim_matches(':').is_empty() {
                    out.push(extension(place(path, &seg.tag, Some(e), None), text));
                }
            }
        }
    }

    fn describe(&self, index: Option<usize>, source: &Source) -> String {
        match (index, source) {
            (Some(i), Source::Element(l)) => {
                format!("segment {} ({}), {}", i + 1, self.segs[i].tag, l.position)
            }
            (Some(i), Source::Pair { code, .. }) => {
                format!("segment {} ({}), pair {code}", i + 1, self.segs[i].tag)
            }
            (None, _) => format!("no {} segment", source.tag()),
        }
    }

    fn error(
        &self,
        rule: &Rule,
        index: Option<usize>,
        source: &Source,
        message: String,
    ) -> MapError {
        MapError {
            rule: Some(rule.origin.to_string()),
            at: self.describe(index, source),
            message,
        }
    }
}

/// Where an extension came from: `PO1/PO106`, `PO1/PO106-2` (what
/// `format!("{path}{tag}{e:02}-{c}")` writes, without its parsing).
fn place(path: &str, tag: &str, element: Option<usize>, component: Option<usize>) -> String {
    let mut out = String::with_capacity(path.len() + tag.len() + 6);
    out.push_str(path);
    out.push_str(tag);
    if let Some(e) = element {
        if e < 10 {
            out.push('0');
        }
        let _ = write!(out, "{e}");
    }
    if let Some(c) = component {
        let _ = write!(out, "-{c}");
    }
    out
}

fn extension(source: String, value: String) -> Value {
    let mut entry = Map::new();
    entry.insert("source".into(), Value::String(source));
    entry.insert("value".into(), Value::String(value));
    Value::Object(entry)
}

/// Whether a `when` field (if any) is present in `object`.
fn applies(when: &Option<FieldPath>, object: &Map<String, Value>) -> bool {
    match when {
        Some(path) => path.get_in(object).is_some(),
        None => true,
    }
}

/// Whether any fill in `scope` computes with jq.
fn computes(scope: &Scope) -> bool {
    scope.rules.iter().any(|r| match &r.kind {
        Kind::Fill(f) => f.compute.is_some(),
        Kind::Each(e) => computes(&e.scope),
        _ => false,
    })
}

/// The fields of `doc` that fills copy, at their paths in `out`.
fn copies(scope: &Scope, doc: &Map<String, Value>, out: &mut Map<String, Value>) {
    for rule in &scope.rules {
        match &rule.kind {
            Kind::Fill(f) => {
                if let Some(path) = &f.copy {
                    if let Some(value) = path.get_in(doc) {
                        path.put(out, value.clone());
                    }
                }
            }
            Kind::Each(e) => copies(&e.scope, doc, out),
            _ => {}
        }
    }
}

/// Fills fields from copies, expressions and defaults, once the document
/// is built (copies read the finished document).
fn fill(
    scope: &Scope,
    object: &mut Map<String, Value>,
    doc: &JqDoc<'_>,
    position: Option<usize>,
) -> Result<(), MapError> {
    fill_fields(scope, object, Some(doc), position)?;
    for rule in &scope.rules {
        if let Kind::Each(e) = &rule.kind {
            fill_each(e, object, doc)?;
        }
    }
    Ok(())
}

/// The fill rules of `scope` itself (not of its nested scopes). Without
/// `doc`, only plain defaults (no copy, no jq) apply.
fn fill_fields(
    scope: &Scope,
    object: &mut Map<String, Value>,
    doc: Option<&JqDoc<'_>>,
    position: Option<usize>,
) -> Result<(), MapError> {
    let nothing = JqDoc::new(&Value::Null);
    for rule in &scope.rules {
        match &rule.kind {
            Kind::Fill(f) if doc.is_some() || (f.copy.is_none() && f.compute.is_none()) => {
                let doc = doc.unwrap_or(&nothing);
                if f.field.get_in(object).is_some() {
                    continue;
                }
                let gate_open = match &f.when {
                    Some(w) => w.get_in(object).is_some(),
                    None => f.field.steps.len() == 1 || f.field.parent().get_in(object).is_some(),
                };
                if !gate_open {
                    continue;
                }
                let value = if let Some(copy) = &f.copy {
                    copy.get(doc.json()).cloned()
                } else if let Some(expr) = &f.compute {
                    let here = Value::Object(object.clone());
                    expr.first(&here, doc).map_err(|m| MapError {
                        rule: Some(rule.origin.to_string()),
                        at: f.field.display(),
                        message: m,
                    })?
                } else {
                    match (&f.sequence, position) {
                        (Some(Leaf::Integer), Some(n)) => Some(Value::from(n)),
                        (Some(_), Some(n)) => Some(Value::String(n.to_string())),
                        _ => None,
                    }
                };
                if let Some(value) = value.or_else(|| f.default.clone()) {
                    f.field.put(object, value);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn fill_each(
    e: &EachRule,
    object: &mut Map<String, Value>,
    doc: &JqDoc<'_>,
) -> Result<(), MapError> {
    let Some(field) = &e.field else {
        return fill(&e.scope, object, doc, None);
    };
    let Some(last) = field.steps.last() else {
        return Ok(());
    };
    if field.get_in(object).is_none() {
        return Ok(());
    }
    let parent = field.parent_mut(object);
    match parent.get_mut(&last.name) {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                if let Value::Object(o) = item {
                    fill(&e.scope, o, doc, Some(i + 1))?;
                }
            }
        }
        Some(Value::Object(o)) => fill(&e.scope, o, doc, None)?,
        _ => {}
    }
    Ok(())
}
