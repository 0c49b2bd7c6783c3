//! Partner guides: a small file that narrows a shipped guide for one
//! trading partner (a segment made mandatory, a code list restricted, a
//! qualified segment required).

use std::sync::Arc;

use serde::Deserialize;

use super::model::*;
use super::Catalog;

/// Why a partner guide cannot be applied.
#[derive(Debug, thiserror::Error)]
#[error("partner guide {file}: {message}")]
pub struct PartnerGuideError {
    /// The partner guide file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerFile {
    base: String,
    name: String,
    #[serde(default)]
    segments: Vec<SegmentChange>,
    #[serde(default)]
    elements: Vec<ElementChange>,
    #[serde(default)]
    qualified: Vec<Qualified>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentChange {
    tag: String,
    #[serde(default)]
    r#loop: String,
    usage: Option<String>,
    max: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementChange {
    at: String,
    usage: Option<String>,
    codes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Qualified {
    tag: String,
    element: usize,
    component: Option<usize>,
    value: String,
}

/// Reads a partner guide (`file` names it in errors) and applies it to its
/// base from `catalog`.
pub fn load_partner_guide(
    catalog: &Catalog,
    file: &str,
    text: &str,
) -> Result<SetGuide, PartnerGuideError> {
    let fail = |message: String| PartnerGuideError {
        file: file.to_string(),
        message,
    };
    let spec: PartnerFile = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
    let (version, set) = spec.base.split_once('/').ok_or_else(|| {
        fail(format!(
            "base {:?} should read \"<version>/<set>\"",
            spec.base
        ))
    })?;
    let base = catalog
        .exact(version, set)
        .ok_or_else(|| fail(format!("no shipped guide {}", spec.base)))?;
    let mut guide = (**base).clone();
    guide.partner = Some(spec.name.clone());
    let mut dictionary = (*guide.dictionary).clone();
    for change in &spec.segments {
        apply_segment_change(&mut guide.root, change).map_err(fail)?;
    }
    guide.root.refresh();
    // X12 keeps code lists to ID elements; EDIFACT codes any format.
    let any_type_coded = catalog.standard() == "edifact";
    for change in &spec.elements {
        apply_element_change(&mut dictionary, change, any_type_coded).map_err(fail)?;
    }
    for q in &spec.qualified {
        let tag = Tag::from_bytes(q.tag.as_bytes())
            .ok_or_else(|| fail(format!("{:?} is not a segment tag", q.tag)))?;
        if !guide.root.contains(tag) {
            return Err(fail(format!("{} is not part of {}", q.tag, spec.base)));
        }
        guide.required_qualifiers.push(QualifiedRequirement {
            tag,
            element: q.element,
            component: q.component,
            value: q.value.clone(),
        });
    }
    guide.dictionary = Arc::new(dictionary);
    Ok(guide)
}

fn apply_segment_change(root: &mut LoopNode, change: &SegmentChange) -> Result<(), String> {
    let tag = Tag::from_bytes(change.tag.as_bytes())
        .ok_or_else(|| format!("{:?} is not a segment tag", change.tag))?;
    let target =
        find_loop(root, &change.r#loop).ok_or_else(|| format!("no loop {:?}", change.r#loop))?;
    let node = target
        .children
        .iter_mut()
        .find_map(|c| match c {
            Node::Segment(s) if s.tag == tag => Some(s),
            _ => None,
        })
        .ok_or_else(|| {
            format!(
                "no segment {} directly in loop {:?}",
                change.tag, change.r#loop
            )
        })?;
    if let Some(u) = &change.usage {
        node.usage = Usage::parse(u).ok_or_else(|| format!("usage {u:?} must be M, O or C"))?;
    }
    if let Some(max) = change.max {
        node.max = MaxUse::Limited(max);
    }
    Ok(())
}

fn find_loop<'a>(node: &'a mut LoopNode, id: &str) -> Option<&'a mut LoopNode> {
    if node.id == id {
        return Some(node);
    }
    node.children.iter_mut().find_map(|c| match c {
        Node::Loop(l) => find_loop(l, id),
        Node::Segment(_) => None,
    })
}

/// `at` reads like `BEG02` (an element) or `BGM01-1` (a component of a
/// composite).
fn parse_at(at: &str) -> Option<(Tag, usize, Option<usize>)> {
    let (element, component) = match at.split_once('-') {
        Some((e, c)) => (e, Some(c.parse::<usize>().ok().filter(|&c| c > 0)?)),
        None => (at, None),
    };
    let split = element.len().checked_sub(2)?;
    let (tag, position) = element.split_at_checked(split)?;
    let position: usize = position.parse().ok().filter(|&p| p > 0)?;
    Some((Tag::from_bytes(tag.as_bytes())?, position, component))
}

fn apply_element_change(
    d: &mut Dictionary,
    change: &ElementChange,
    any_type_coded: bool,
) -> Result<(), String> {
    let at = change.at.as_str();
    let (tag, position, component) =
        parse_at(at).ok_or_else(|| format!("{at:?} should read like BEG02 or BGM01-1"))?;
    let (index, _) = d.segment(tag).ok_or_else(|| format!("no segment {tag}"))?;
    let Dictionary {
        elements,
        composites,
        segments,
        ..
    } = d;
    let segment = &mut segments[index];
    let element = segment
        .elements
        .get_mut(position - 1)
        .ok_or_else(|| format!("{tag} has no element {position:02}"))?;
    let target = match (component, element.kind) {
        (None, _) => element,
        (Some(c), ElementKind::Composite(i)) => {
            // The composite is shared with other segments: narrow a copy.
            let mut copy = composites[i].clone();
            if c > copy.components.len() {
                return Err(format!("{at}: {} has no component {c}", copy.id));
            }
            let (usage, codes) = (change.usage.clone(), change.codes.clone());
            change_use(
                &mut copy.components[c - 1],
                usage,
                codes,
                elements,
                any_type_coded,
                at,
            )?;
            copy.refresh();
            composites.push(copy);
            element.kind = ElementKind::Composite(composites.len() - 1);
            segment.refresh(elements);
            return Ok(());
        }
        (Some(_), ElementKind::Simple(_)) => {
            return Err(format!("{at}: {tag}{position:02} is not a composite"))
        }
    };
    change_use(
        target,
        change.usage.clone(),
        change.codes.clone(),
        elements,
        any_type_coded,
        at,
    )?;
    segment.refresh(elements);
    Ok(())
}

fn change_use(
    target: &mut ElementUse,
    usage: Option<String>,
    codes: Option<Vec<String>>,
    elements: &[ElementDef],
    any_type_coded: bool,
    at: &str,
) -> Result<(), String> {
    if let Some(u) = &usage {
        target.usage =
            Usage::parse(u).ok_or_else(|| format!("usage {u:?} must be M, O, C or X"))?;
    }
    if let Some(codes) = &codes {
        let coded = match target.kind {
            ElementKind::Simple(i) => {
                any_type_coded || elements[i].data_type == DataType::Identifier
            }
            ElementKind::Composite(_) => false,
        };
        if !coded {
            return Err(format!(
                "{at} is not an ID element; only ID elements take a code list"
            ));
        }
        target.codes = Some(Arc::new(CodeList::new(codes)));
    }
    Ok(())
}
