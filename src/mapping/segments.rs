//! The segments a mapping reads and writes, the same for X12 and EDIFACT:
//! a tag and elements, each element a list of repetitions, each repetition
//! a list of components, as text.

use crate::edi::edifact::tree::OwnedSegment as EdifactSegment;
use crate::edi::x12::tree::{Field, OwnedSegment as X12Segment};

/// One element: repetitions of components.
pub type Element = Vec<Vec<String>>;

/// A segment as mappings see it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Seg {
    /// The tag.
    pub tag: String,
    /// Elements from position 1.
    pub elements: Vec<Element>,
}

impl Seg {
    /// An empty segment.
    pub fn new(tag: &str) -> Seg {
        Seg {
            tag: tag.to_string(),
            elements: Vec::new(),
        }
    }

    /// Component `component` of element `element` (both from 1), first
    /// repetition; empty when absent.
    pub fn value(&self, element: usize, component: usize) -> &str {
        self.elements
            .get(element.wrapping_sub(1))
            .and_then(|e| e.first())
            .and_then(|r| r.get(component.wrapping_sub(1)))
            .map_or("", String::as_str)
    }

    /// Sets component `component` of element `element` (from 1).
    pub fn set(&mut self, element: usize, component: usize, value: impl Into<String>) {
        if self.elements.len() < element {
            self.elements.resize(element, Vec::new());
        }
        let e = &mut self.elements[element - 1];
        if e.is_empty() {
            e.push(Vec::new());
        }
        let r = &mut e[0];
        if r.len() < component {
            r.resize(component, String::new());
        }
        r[component - 1] = value.into();
    }

    /// Whether element `element` holds anything.
    pub fn has(&self, element: usize) -> bool {
        self.elements
            .get(element.wrapping_sub(1))
            .is_some_and(|e| e.iter().any(|r| r.iter().any(|c| !c.is_empty())))
    }

    /// Element `element` as text: components joined by `:`, repetitions
    /// by `^` (how extensions record what no rule placed).
    pub fn render(&self, element: usize) -> String {
        let mut text = String::new();
        self.render_into(element, &mut text);
        text
    }

    /// [`Seg::render`], appended to `out`.
    pub fn render_into(&self, element: usize, out: &mut String) {
        let Some(e) = self.elements.get(element.wrapping_sub(1)) else {
            return;
        };
        for (n, repetition) in e.iter().enumerate() {
            if n > 0 {
                out.push('^');
            }
            let kept =
                repetition.len() - repetition.iter().rev().take_while(|c| c.is_empty()).count();
            for (k, component) in repetition[..kept].iter().enumerate() {
                if k > 0 {
                    out.push(':');
                }
                out.push_str(component);
            }
        }
    }

    /// Drops empty trailing components and elements (writers omit them).
    pub fn trim(&mut self) {
        for e in &mut self.elements {
            for r in e.iter_mut() {
                while r.last().is_some_and(String::is_empty) {
                    r.pop();
                }
            }
            while e.last().is_some_and(Vec::is_empty) {
                e.pop();
            }
        }
        while self.elements.last().is_some_and(Vec::is_empty) {
            self.elements.pop();
        }
    }
}

impl From<&X12Segment> for Seg {
    fn from(s: &X12Segment) -> Seg {
        Seg {
            tag: s.tag.clone(),
            elements: s
                .elements
                .iter()
                .map(|f| {
                    f.0.iter()
                        .map(|r| {
                            r.iter()
                                .map(|c| String::from_utf8_lossy(c).into_owned())
                                .collect()
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

impl From<Seg> for X12Segment {
    fn from(s: Seg) -> X12Segment {
        X12Segment {
            tag: s.tag,
            elements: s
                .elements
                .into_iter()
                .map(|e| {
                    Field(
                        e.into_iter()
                            .map(|r| r.into_iter().map(String::into_bytes).collect())
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

impl From<EdifactSegment> for Seg {
    fn from(s: EdifactSegment) -> Seg {
        Seg {
            tag: s.tag,
            elements: s.elements,
        }
    }
}

impl From<Seg> for EdifactSegment {
    fn from(s: Seg) -> EdifactSegment {
        EdifactSegment {
            tag: s.tag,
            elements: s.elements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_grows_and_trim_drops_empty_tails() {
        let mut s = Seg::new("DTM");
        s.set(1, 2, "20260115");
        s.set(1, 1, "137");
        s.set(3, 1, "");
        assert_eq!(s.value(1, 2), "20260115");
        assert_eq!(s.render(1), "137:20260115");
        s.trim();
        assert_eq!(s.elements.len(), 1);
        assert!(s.has(1) && !s.has(2));
    }
}
