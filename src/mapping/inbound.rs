//! Partner segments → canonical JSON. The segments are grouped into the
//! loop repetitions of the guide; each scope's rules read their segment
//! and loop repetitions; every non-empty element no rule read goes into
//! the nearest `extensions` list, so nothing received is dropped.

use serde_json::{Map, Value};

use super::compile::{EachRule, Hierarchy, Kind, ListRule, Rule, Scope, Source, ValueRule};
use super::field::FieldPath;
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
        used: segs
            .iter()
            .map(|s| {
                if ENVELOPE.contains(&s.tag.as_str()) {
                    u64::MAX
                } else {
                    0
                }
            })
            .collect(),
    };
    if let Some(h) = hierarchy {
        nest(&mut top, h, &mut reader);
    }
    let mut doc = Map::new();
    let loose = reader.scope(root, &top, "", &mut doc)?;
    push_extensions(&mut doc, loose);
    let snapshot = Value::Object(doc.clone());
    fill(root, &mut doc, &snapshot)?;
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
                reader.used[i] |= bit(h.id.element) | bit(h.parent.element);
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
    /// Per segment: the elements some rule read (bit n = element n).
    used: Vec<u64>,
}

fn bit(element: usize) -> u64 {
    1u64 << element.min(63)
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

impl Reader<'_> {
    /// Runs `scope` over `rep` into `object`; returns the extensions it
    /// could not keep itself (the scope's object has no list for them).
    fn scope(
        &mut self,
        scope: &Scope,
        rep: &LoopRepetition,
        path: &str,
        object: &mut Map<String, Value>,
    ) -> Result<Vec<Value>, MapError> {
        let mut placed = vec![false; rep.members.len()];
        let mut loose = Vec::new();
        for rule in &scope.rules {
            match &rule.kind {
                Kind::Value(v) => self.value(rule, v, rep, object)?,
                Kind::List(l) => self.list(l, rep, object)?,
                Kind::Each(e) => {
                    loose.extend(self.each(rule, e, rep, path, object, &mut placed)?)
                }
                Kind::Fill(_) => {}
            }
        }
        self.unplaced(rep, path, &placed, &mut loose);
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
            self.used[index] |= bit(c.at.element);
        }
        true
    }

    /// The source's text in segment `index`, marking what it read.
    fn take(&mut self, index: usize, source: &Source) -> &str {
        let seg = &self.segs[index];
        match source {
            Source::Element(l) => {
                self.used[index] |= bit(l.position.element);
                seg.value(l.position.element, l.position.component)
            }
            Source::Pair {
                first, last, code, ..
            } => {
                for e in (*first..*last).step_by(2) {
                    if seg.value(e, 1) == code {
                        self.used[index] |= bit(e) | bit(e + 1);
                        return seg.value(e + 1, 1);
                    }
                }
                ""
            }
        }
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
        let text = match found {
            Some(i) => self.take(i, &v.source).to_string(),
            None => String::new(),
        };
        let text = match (text.is_empty(), &v.default) {
            (false, _) => text,
            (true, Some(d)) if applies(&v.when, object) => d.clone(),
            (true, _) => return Ok(()),
        };
        let value = v
            .convert
            .inbound(&text)
            .map_err(|m| self.error(rule, found, &v.source, m))?;
        field.put(object, value);
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
                let text = self.take(i, &member.source).to_string();
                if text.is_empty() {
                    continue;
                }
                let value = member.convert.inbound(&text).map_err(|m| MapError {
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
            marks.push((i, bit(c.at.element)));
        }
        for (i, b) in marks {
            self.used[i] |= b;
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
                loose.extend(self.scope(&e.scope, inner, &inner_path, object)?);
                continue;
            };
            if field.appends() {
                placed[m] = true;
                let mut item = Map::new();
                loose.extend(self.scope(&e.scope, inner, &inner_path, &mut item)?);
                if !item.is_empty() {
                    field.put(object, Value::Object(item));
                }
            } else if !filled_object {
                placed[m] = true;
                filled_object = true;
                let mut item = Map::new();
                loose.extend(self.scope(&e.scope, inner, &inner_path, &mut item)?);
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
        if self.used[index] == 0 && !seg.elements.is_empty() {
            // Nothing of it was read: one entry for the whole segment.
            let mut text = seg.tag.clone();
            for e in 1..=seg.elements.len() {
                text.push(self.separator);
                text.push_str(&seg.render(e));
            }
            out.push(extension(format!("{path}{}", seg.tag), text));
            return;
        }
        for e in 1..=seg.elements.len() {
            if self.used[index] & bit(e) == 0 && seg.has(e) {
                out.push(extension(format!("{path}{}{e:02}", seg.tag), seg.render(e)));
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

/// Fills fields from copies, expressions and defaults, once the document
/// is built (copies read the finished document).
fn fill(scope: &Scope, object: &mut Map<String, Value>, doc: &Value) -> Result<(), MapError> {
    for rule in &scope.rules {
        match &rule.kind {
            Kind::Fill(f) => {
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
                    copy.get(doc).cloned()
                } else if let Some(expr) = &f.compute {
                    let here = Value::Object(object.clone());
                    expr.first(&here, doc).map_err(|m| MapError {
                        rule: Some(rule.origin.to_string()),
                        at: f.field.display(),
                        message: m,
                    })?
                } else {
                    None
                };
                if let Some(value) = value.or_else(|| f.default.clone()) {
                    f.field.put(object, value);
                }
            }
            Kind::Each(e) => fill_each(e, object, doc)?,
            _ => {}
        }
    }
    Ok(())
}

fn fill_each(e: &EachRule, object: &mut Map<String, Value>, doc: &Value) -> Result<(), MapError> {
    let Some(field) = &e.field else {
        return fill(&e.scope, object, doc);
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
            for item in items {
                if let Value::Object(o) = item {
                    fill(&e.scope, o, doc)?;
                }
            }
        }
        Some(Value::Object(o)) => fill(&e.scope, o, doc)?,
        _ => {}
    }
    Ok(())
}
