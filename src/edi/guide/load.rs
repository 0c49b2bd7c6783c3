//! Reading guide files (TOML, see `guides/README.md`) into the model.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;

use super::model::*;

/// A guide file that cannot be used, with the file and what is wrong.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct GuideError {
    /// The file at fault (relative to `guides/`).
    pub file: String,
    /// What is wrong, and where in the file.
    pub message: String,
}

fn fail<T>(file: &str, message: impl Into<String>) -> Result<T, GuideError> {
    Err(GuideError {
        file: file.to_string(),
        message: message.into(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DictionaryFile {
    #[serde(default)]
    elements: BTreeMap<String, ElementEntry>,
    #[serde(default)]
    composites: BTreeMap<String, CompositeEntry>,
    #[serde(default)]
    segments: BTreeMap<String, SegmentEntry>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
struct ElementEntry {
    name: String,
    /// X12 notation: type, min and max.
    #[serde(rename = "type")]
    data_type: Option<String>,
    min: Option<u32>,
    max: Option<u32>,
    /// EDIFACT notation: `an..35`.
    format: Option<String>,
    codes: Option<Vec<String>>,
}

impl ElementEntry {
    /// The type and lengths, from either notation.
    fn shape(&self) -> Result<(DataType, u32, u32), String> {
        match (&self.format, &self.data_type, self.min, self.max) {
            (Some(f), None, None, None) => DataType::parse_format(f)
                .ok_or_else(|| format!("format {f:?} should read like an..35, n3 or a1")),
            (None, Some(t), Some(min), Some(max)) => {
                let data_type = DataType::parse(t).ok_or_else(|| format!("unknown type {t:?}"))?;
                if min > max || max == 0 {
                    return Err(format!("min {min} and max {max} do not fit"));
                }
                Ok((data_type, min, max))
            }
            _ => Err("give either format, or type with min and max".into()),
        }
    }

    /// How the definition reads, for messages.
    fn describe(&self) -> String {
        match (&self.format, &self.data_type) {
            (Some(f), _) => f.clone(),
            (None, t) => format!(
                "{} {}/{}",
                t.as_deref().unwrap_or("?"),
                self.min.unwrap_or(0),
                self.max.unwrap_or(0)
            ),
        }
    }
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
struct CompositeEntry {
    name: String,
    components: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
struct SegmentEntry {
    name: String,
    elements: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    id: String,
    name: String,
    #[serde(default)]
    functional_group: String,
    structure: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionFile {
    base: Option<String>,
}

/// The raw entries of one version's dictionary, before they are linked; kept
/// with the file each came from for error messages.
#[derive(Default, Clone)]
pub(crate) struct DictionarySource {
    elements: BTreeMap<String, (ElementEntry, String)>,
    composites: BTreeMap<String, (CompositeEntry, String)>,
    segments: BTreeMap<String, (SegmentEntry, String)>,
}

impl DictionarySource {
    /// Adds one file's entries; within a version, entries must agree.
    pub(crate) fn merge_file(&mut self, file: &str, text: &str) -> Result<(), GuideError> {
        let parsed: DictionaryFile = toml::from_str(text).or_else(|e| fail(file, e.to_string()))?;
        for (id, entry) in parsed.elements {
            match self.elements.get_mut(&id) {
                Some((old, old_file)) => {
                    if old.shape() != entry.shape() {
                        return fail(
                            file,
                            format!(
                                "element {id} is {} here but {} in {old_file}",
                                entry.describe(),
                                old.describe()
                            ),
                        );
                    }
                    // A file that ships no code list does not open the
                    // list another file ships.
                    match (&mut old.codes, entry.codes) {
                        (Some(a), Some(b)) => a.extend(b),
                        (None, Some(b)) => old.codes = Some(b),
                        (_, None) => {}
                    }
                }
                None => {
                    self.elements.insert(id, (entry, file.to_string()));
                }
            }
        }
        merge_identical(&mut self.composites, parsed.composites, file, "composite")?;
        merge_identical(&mut self.segments, parsed.segments, file, "segment")?;
        Ok(())
    }

    /// Lays `newer` over `self`: a later version replaces entries whole.
    pub(crate) fn overlay(&mut self, newer: DictionarySource) {
        self.elements.extend(newer.elements);
        self.composites.extend(newer.composites);
        self.segments.extend(newer.segments);
    }

    /// Links the entries into a dictionary, checking every reference.
    pub(crate) fn build(&self) -> Result<Dictionary, GuideError> {
        let mut d = Dictionary::default();
        for (id, (e, file)) in &self.elements {
            let (data_type, min, max) = e
                .shape()
                .map_err(|m| err(file, format!("element {id}: {m}")))?;
            // X12 keeps code lists to ID elements; EDIFACT codes any format.
            if e.codes.is_some() && e.format.is_none() && data_type != DataType::Identifier {
                return fail(
                    file,
                    format!("element {id}: only ID elements take a code list"),
                );
            }
            d.element_ids.insert(id.clone(), d.elements.len());
            d.elements.push(ElementDef {
                id: id.clone(),
                name: e.name.clone(),
                data_type,
                min,
                max,
                codes: e.codes.as_ref().map(|c| Arc::new(CodeList::new(c))),
            });
        }
        for (id, (c, file)) in &self.composites {
            let components = c
                .components
                .iter()
                .map(|spec| element_use(&d, spec, false))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err(file, format!("composite {id}: {m}")))?;
            let notes = notes(&c.notes, components.len())
                .map_err(|m| err(file, format!("composite {id}: {m}")))?;
            d.composite_ids.insert(id.clone(), d.composites.len());
            d.composites.push(CompositeDef::new(
                id.clone(),
                c.name.clone(),
                components,
                notes,
            ));
        }
        for (id, (s, file)) in &self.segments {
            let tag = Tag::from_bytes(id.as_bytes())
                .ok_or_else(|| err(file, format!("segment {id:?}: not a segment identifier")))?;
            let elements = s
                .elements
                .iter()
                .map(|spec| element_use(&d, spec, true))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err(file, format!("segment {id}: {m}")))?;
            let notes = notes(&s.notes, elements.len())
                .map_err(|m| err(file, format!("segment {id}: {m}")))?;
            d.segment_tags.insert(tag, d.segments.len());
            d.segments.push(SegmentDef::new(
                tag,
                s.name.clone(),
                elements,
                notes,
                &d.elements,
            ));
        }
        Ok(d)
    }
}

fn err(file: &str, message: String) -> GuideError {
    GuideError {
        file: file.to_string(),
        message,
    }
}

/// What must agree when a composite or segment is defined in two files:
/// its content, not the wording of its name.
trait SameContent {
    fn same_content(&self, other: &Self) -> bool;
}

impl SameContent for CompositeEntry {
    fn same_content(&self, other: &Self) -> bool {
        (&self.components, &self.notes) == (&other.components, &other.notes)
    }
}

impl SameContent for SegmentEntry {
    fn same_content(&self, other: &Self) -> bool {
        (&self.elements, &self.notes) == (&other.elements, &other.notes)
    }
}

fn merge_identical<T: SameContent>(
    into: &mut BTreeMap<String, (T, String)>,
    entries: BTreeMap<String, T>,
    file: &str,
    what: &str,
) -> Result<(), GuideError> {
    for (id, entry) in entries {
        match into.get(&id) {
            Some((old, old_file)) if !old.same_content(&entry) => {
                return fail(
                    file,
                    format!("{what} {id} differs from its definition in {old_file}"),
                );
            }
            Some(_) => {}
            None => {
                into.insert(id, (entry, file.to_string()));
            }
        }
    }
    Ok(())
}

/// Reads `"<ref> <usage> [x<repeat>]"`.
fn element_use(d: &Dictionary, spec: &str, allow_composite: bool) -> Result<ElementUse, String> {
    let mut words = spec.split_whitespace();
    let (Some(reference), Some(usage)) = (words.next(), words.next()) else {
        return Err(format!("{spec:?} should read \"<element ref> <M|O|X>\""));
    };
    let usage = Usage::parse(usage).ok_or_else(|| format!("{spec:?}: usage must be M, O or X"))?;
    let repeat = match words.next() {
        None => 1,
        Some(r) => r
            .strip_prefix('x')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| format!("{spec:?}: repeat must read x<N>"))?,
    };
    if let Some(extra) = words.next() {
        return Err(format!("{spec:?}: unexpected {extra:?}"));
    }
    let kind = if let Some(&i) = d.element_ids.get(reference) {
        ElementKind::Simple(i)
    } else if let Some(&i) = d.composite_ids.get(reference).filter(|_| allow_composite) {
        ElementKind::Composite(i)
    } else {
        return Err(format!("{reference} is not defined"));
    };
    Ok(ElementUse {
        kind,
        usage,
        repeat,
        codes: None,
    })
}

fn notes(specs: &[String], positions: usize) -> Result<Vec<SyntaxNote>, String> {
    specs
        .iter()
        .map(|s| {
            let note = SyntaxNote::parse(s)
                .ok_or_else(|| format!("syntax note {s:?} is not P/R/E/C/L and positions"))?;
            if let Some(p) = note
                .positions
                .iter()
                .find(|&&p| p == 0 || p as usize > positions)
            {
                return Err(format!(
                    "syntax note {s} names position {p}, but there are {positions}"
                ));
            }
            Ok(note)
        })
        .collect()
}

/// Parses a set file against the dictionary of its version.
pub(crate) fn parse_set(
    file: &str,
    text: &str,
    version: &str,
    dictionary: &Arc<Dictionary>,
) -> Result<SetGuide, GuideError> {
    let f: SetFile = toml::from_str(text).or_else(|e| fail(file, e.to_string()))?;
    let root = parse_structure(&f.structure, dictionary).map_err(|m| err(file, m))?;
    Ok(SetGuide {
        id: f.id,
        name: f.name,
        version: version.to_string(),
        functional_group: f.functional_group,
        partner: None,
        root,
        required_qualifiers: Vec::new(),
        dictionary: dictionary.clone(),
    })
}

/// Reads the indented structure text into the top-level loop.
pub fn parse_structure(text: &str, d: &Dictionary) -> Result<LoopNode, String> {
    let mut stack: Vec<(usize, LoopNode)> = vec![(
        0,
        LoopNode::new(
            String::new(),
            Usage::Mandatory,
            MaxUse::Limited(1),
            Vec::new(),
        ),
    )];
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let content = raw.trim_end();
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        let indent = content.len() - content.trim_start().len();
        if indent % 2 != 0 {
            return Err(format!("structure line {line_no}: indent by two spaces"));
        }
        let depth = indent / 2;
        while stack.len() > depth + 1 {
            close_loop(&mut stack, line_no)?;
        }
        if depth + 1 > stack.len() {
            return Err(format!(
                "structure line {line_no}: indented deeper than its loop"
            ));
        }
        let words: Vec<&str> = content.split_whitespace().collect();
        let bad = || {
            format!("structure line {line_no}: {content:?} should read \"<TAG> <M|O> <max>\" or \"loop <ID> <M|O> <max>\"")
        };
        match words.as_slice() {
            ["loop", id, usage, max] => {
                let usage = Usage::parse(usage).ok_or_else(bad)?;
                let max = parse_max(max).ok_or_else(bad)?;
                stack.push((
                    line_no,
                    LoopNode::new(id.to_string(), usage, max, Vec::new()),
                ));
            }
            [tag, usage, max] => {
                let usage = Usage::parse(usage).ok_or_else(bad)?;
                let max = parse_max(max).ok_or_else(bad)?;
                let t = Tag::from_bytes(tag.as_bytes()).ok_or_else(bad)?;
                let (def, _) = d.segment(t).ok_or_else(|| {
                    format!("structure line {line_no}: segment {tag} is not in the dictionary")
                })?;
                let parent = &mut stack.last_mut().ok_or_else(bad)?.1;
                parent.children.push(Node::Segment(SegmentNode {
                    tag: t,
                    def,
                    usage,
                    max,
                }));
            }
            _ => return Err(bad()),
        }
    }
    while stack.len() > 1 {
        close_loop(&mut stack, text.lines().count())?;
    }
    let (_, root) = stack.pop().ok_or("empty structure")?;
    let root = LoopNode::new(root.id, root.usage, root.max, root.children);
    if root.children.is_empty() {
        return Err("the structure is empty".into());
    }
    Ok(root)
}

fn close_loop(stack: &mut Vec<(usize, LoopNode)>, line_no: usize) -> Result<(), String> {
    let (opened, done) = stack.pop().ok_or("unbalanced structure")?;
    match done.children.first() {
        Some(Node::Segment(_)) => {}
        _ => {
            return Err(format!(
            "structure line {opened}: loop {} must start with a segment (before line {line_no})",
            done.id
        ))
        }
    }
    let parent = &mut stack.last_mut().ok_or("unbalanced structure")?.1;
    parent.children.push(Node::Loop(LoopNode::new(
        done.id,
        done.usage,
        done.max,
        done.children,
    )));
    Ok(())
}

fn parse_max(s: &str) -> Option<MaxUse> {
    if s == ">1" {
        return Some(MaxUse::Unbounded);
    }
    s.parse::<u32>()
        .ok()
        .filter(|&n| n >= 1)
        .map(MaxUse::Limited)
}

/// Everything shipped for one standard version.
pub(crate) struct VersionGuides {
    pub(crate) dictionary: Arc<Dictionary>,
    pub(crate) sets: HashMap<String, Arc<SetGuide>>,
}

/// Loads all versions from `(path, text)` pairs, paths like
/// `x12/004010/sets/850.toml` relative to `guides/`.
pub(crate) fn load_versions(
    files: &[(&str, &str)],
    standard: &str,
) -> Result<BTreeMap<String, VersionGuides>, GuideError> {
    struct Raw<'a> {
        base: Option<String>,
        dictionary: DictionarySource,
        sets: BTreeMap<String, (&'a str, &'a str)>,
    }
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    let prefix = format!("{standard}/");
    for &(path, text) in files {
        let Some(rest) = path.strip_prefix(&prefix) else {
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let version = parts[0].to_string();
        if version == "partners" {
            continue;
        }
        let entry = raw.entry(version).or_insert_with(|| Raw {
            base: None,
            dictionary: DictionarySource::default(),
            sets: BTreeMap::new(),
        });
        match parts.as_slice() {
            [_, "version.toml"] => {
                let v: VersionFile = toml::from_str(text).or_else(|e| fail(path, e.to_string()))?;
                entry.base = v.base;
            }
            [_, "dictionary", _] => entry.dictionary.merge_file(path, text)?,
            [_, "sets", name] => {
                let id = name.trim_end_matches(".toml").to_string();
                entry.sets.insert(id, (path, text));
            }
            _ => return fail(path, "not a place for a guide file (see guides/README.md)"),
        }
    }
    let mut loaded = BTreeMap::new();
    for version in raw.keys() {
        // Resolve the chain of bases, oldest first.
        let mut chain = vec![version.clone()];
        while let Some(base) = raw[chain.last().unwrap_or(version)].base.clone() {
            if chain.contains(&base) || !raw.contains_key(&base) {
                return fail(
                    &format!("{standard}/{version}/version.toml"),
                    format!("base {base} is unknown or circular"),
                );
            }
            chain.push(base);
        }
        chain.reverse();
        let mut source = DictionarySource::default();
        let mut set_files = BTreeMap::new();
        for v in &chain {
            source.overlay(raw[v].dictionary.clone());
            set_files.extend(raw[v].sets.clone());
        }
        let dictionary = Arc::new(source.build()?);
        let mut sets = HashMap::new();
        for (id, (path, text)) in set_files {
            let guide = parse_set(path, text, version, &dictionary)?;
            if guide.id != id {
                return fail(
                    path,
                    format!("the file is named {id} but its id is {}", guide.id),
                );
            }
            sets.insert(id, Arc::new(guide));
        }
        loaded.insert(version.clone(), VersionGuides { dictionary, sets });
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICT: &str = r#"
[elements]
"143" = { name = "Transaction Set Identifier Code", type = "ID", min = 3, max = 3 }
"329" = { name = "Transaction Set Control Number", type = "AN", min = 4, max = 9 }
"96" = { name = "Number of Included Segments", type = "N0", min = 1, max = 10 }
"128" = { name = "Reference Identification Qualifier", type = "ID", min = 2, max = 3, codes = ["DP", "PO"] }
"127" = { name = "Reference Identification", type = "AN", min = 1, max = 30 }
[segments.ST]
name = "Transaction Set Header"
elements = ["143 M", "329 M"]
[segments.SE]
name = "Transaction Set Trailer"
elements = ["96 M", "329 M"]
[segments.REF]
name = "Reference Identification"
elements = ["128 M", "127 X"]
notes = ["R0203"]
"#;

    fn dict() -> Dictionary {
        let fixed = DICT.replace("notes = [\"R0203\"]", "notes = []");
        let mut s = DictionarySource::default();
        s.merge_file("d.toml", &fixed).unwrap();
        s.build().unwrap()
    }

    #[test]
    fn note_positions_are_checked() {
        let mut s = DictionarySource::default();
        s.merge_file("d.toml", DICT).unwrap();
        let e = s.build().unwrap_err();
        assert!(
            e.to_string().contains("names position 3, but there are 2"),
            "{e}"
        );
    }

    #[test]
    fn structure_nests_loops() {
        let d = dict();
        let root = parse_structure("ST M 1\nloop REF O >1\n  REF M 1\nSE M 1\n", &d).unwrap();
        assert_eq!(root.children.len(), 3);
        let Node::Loop(l) = &root.children[1] else {
            panic!()
        };
        assert_eq!(l.id, "REF");
        assert_eq!(l.max, MaxUse::Unbounded);
    }

    #[test]
    fn structure_errors_name_the_line() {
        let d = dict();
        let e = parse_structure("ST M 1\nXYZ M 1\n", &d).unwrap_err();
        assert_eq!(e, "structure line 2: segment XYZ is not in the dictionary");
        let e = parse_structure("ST M 1\n   SE M 1\n", &d).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn conflicting_definitions_name_both_files() {
        let mut s = DictionarySource::default();
        s.merge_file("a.toml", DICT).unwrap();
        let other = DICT.replace("min = 4, max = 9", "min = 1, max = 9");
        let e = s.merge_file("b.toml", &other).unwrap_err();
        assert!(
            e.to_string().contains("b.toml") && e.to_string().contains("a.toml"),
            "{e}"
        );
    }
}
