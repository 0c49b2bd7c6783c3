//! A read-only tree over the document text: nodes in one vector, names
//! borrowed, text borrowed unless entities had to be resolved. Reading a
//! large document costs a push per element instead of allocations per
//! element, name, attribute and text.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::read::{malformed, predefined, Limits, XmlError};
use super::tree::{Element, Node as TreeNode};

const NONE: u32 = u32::MAX;

struct Slot<'a> {
    name: &'a str,
    attributes: (u32, u32),
    first_child: u32,
    next_sibling: u32,
    text: Cow<'a, str>,
}

/// A parsed document whose nodes borrow from its text.
pub struct Arena<'a> {
    slots: Vec<Slot<'a>>,
    attributes: Vec<(&'a str, Cow<'a, str>)>,
    /// The DOCTYPE as written, if any.
    pub doctype: Option<String>,
}

/// One element of an [`Arena`].
#[derive(Clone, Copy)]
pub struct Node<'x, 'a> {
    arena: &'x Arena<'a>,
    index: u32,
}

impl<'a> Arena<'a> {
    /// Parses `text` within `limits`.
    pub fn parse(text: &'a str, limits: &Limits) -> Result<Arena<'a>, XmlError> {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        let mut arena = Arena {
            slots: Vec::with_capacity(text.len() / 40),
            attributes: Vec::new(),
            doctype: None,
        };
        // (node, its last child) for each open element.
        let mut stack: Vec<(u32, u32)> = Vec::new();
        let mut root_done = false;
        loop {
            let offset = reader.buffer_position();
            let event = reader.read_event().map_err(|e| XmlError::Malformed {
                offset: reader.error_position(),
                message: e.to_string(),
            })?;
            match event {
                Event::Start(start) | Event::Empty(start) if stack.is_empty() && root_done => {
                    let _ = start;
                    return Err(malformed(offset, "a second root element"));
                }
                Event::Start(start) => {
                    if stack.len() >= limits.max_depth {
                        return Err(XmlError::TooDeep {
                            offset,
                            limit: limits.max_depth,
                        });
                    }
                    let index = arena.add(text, &start, offset, &mut stack)?;
                    stack.push((index, NONE));
                }
                Event::Empty(start) => {
                    arena.add(text, &start, offset, &mut stack)?;
                    root_done |= stack.is_empty();
                }
                Event::End(_) => {
                    if let Some((closed, _)) = stack.pop() {
                        arena.drop_layout(closed);
                    }
                    root_done |= stack.is_empty();
                }
                Event::Text(t) => {
                    let content = t.xml_content().map_err(|e| malformed(offset, e))?;
                    arena.push_text(&stack, content, offset)?;
                }
                Event::CData(c) => {
                    let content = c.decode().map_err(|e| malformed(offset, e))?.into_owned();
                    arena.push_text(&stack, Cow::Owned(content), offset)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r.decode().map_err(|e| malformed(offset, e))?;
                            predefined(&name)
                                .ok_or_else(|| XmlError::UnknownEntity {
                                    offset,
                                    name: name.to_string(),
                                })?
                                .to_string()
                        }
                        Err(e) => return Err(malformed(offset, e)),
                    };
                    arena.push_text(&stack, Cow::Owned(resolved), offset)?;
                }
                Event::DocType(d) => {
                    let text = d.decode().map_err(|e| malformed(offset, e))?;
                    if text.contains('[') {
                        return Err(XmlError::InternalSubset { offset });
                    }
                    arena.doctype = Some(text.trim().to_string());
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(&(open, _)) = stack.last() {
            return Err(malformed(
                text.len() as u64,
                format!(
                    "the document ends inside <{}>",
                    arena.slots[open as usize].name
                ),
            ));
        }
        if arena.slots.is_empty() {
            return Err(XmlError::Empty);
        }
        Ok(arena)
    }

    /// Adds an element as the next child of the open element.
    fn add(
        &mut self,
        text: &'a str,
        start: &BytesStart<'a>,
        offset: u64,
        stack: &mut [(u32, u32)],
    ) -> Result<u32, XmlError> {
        let first_attribute = self.attributes.len() as u32;
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| malformed(offset, e))?;
            let key = within(text, attribute.key.as_ref())
                .ok_or_else(|| malformed(offset, "an attribute name that cannot be located"))?;
            let value = attribute.unescape_value().map_err(|e| match e {
                quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(
                    _,
                    name,
                )) => XmlError::UnknownEntity { offset, name },
                other => malformed(offset, other),
            })?;
            // quick-xml lends a value for the event only; one without
            // entities is found again in the text and borrowed from there.
            let value = match value {
                Cow::Borrowed(v) => within(text, v.as_bytes())
                    .map(Cow::Borrowed)
                    .unwrap_or_else(|| Cow::Owned(v.to_string())),
                Cow::Owned(v) => Cow::Owned(v),
            };
            self.attributes.push((key, value));
        }
        // The name is borrowed from the text: the event starts at `offset`
        // with `<`, the name follows.
        let length = start.name().as_ref().len();
        let from = offset as usize + 1;
        let name = text
            .get(from..from + length)
            .filter(|n| n.as_bytes() == start.name().as_ref())
            .ok_or_else(|| malformed(offset, "an element name that cannot be located"))?;
        let index = self.slots.len() as u32;
        self.slots.push(Slot {
            name,
            attributes: (first_attribute, self.attributes.len() as u32),
            first_child: NONE,
            next_sibling: NONE,
            text: Cow::Borrowed(""),
        });
        if let Some(&(parent, _)) = stack.last() {
            self.drop_layout(parent);
        }
        if let Some((parent, last)) = stack.last_mut() {
            if *last == NONE {
                self.slots[*parent as usize].first_child = index;
            } else {
                self.slots[*last as usize].next_sibling = index;
            }
            *last = index;
        }
        Ok(index)
    }

    fn push_text(
        &mut self,
        stack: &[(u32, u32)],
        text: Cow<'a, str>,
        offset: u64,
    ) -> Result<(), XmlError> {
        let Some(&(open, _)) = stack.last() else {
            if trim_xml(&text).is_empty() {
                return Ok(());
            }
            return Err(malformed(offset, "text outside the root element"));
        };
        let slot = &mut self.slots[open as usize];
        if slot.text.is_empty() {
            slot.text = text;
        } else {
            slot.text.to_mut().push_str(&text);
        }
        Ok(())
    }

    /// Whitespace-only text beside child elements is layout, not data:
    /// dropped when a child starts or the element ends.
    fn drop_layout(&mut self, index: u32) {
        let slot = &mut self.slots[index as usize];
        if !slot.text.is_empty() && trim_xml(&slot.text).is_empty() {
            slot.text = Cow::Borrowed("");
        }
    }

    /// The root element.
    pub fn root(&self) -> Node<'_, 'a> {
        Node {
            arena: self,
            index: 0,
        }
    }
}

impl<'x, 'a> Node<'x, 'a> {
    fn slot(&self) -> &'x Slot<'a> {
        &self.arena.slots[self.index as usize]
    }

    /// The element's name.
    pub fn name(&self) -> &'a str {
        self.slot().name
    }

    /// The attributes, in document order.
    pub fn attributes(&self) -> &'x [(&'a str, Cow<'a, str>)] {
        let (from, to) = self.slot().attributes;
        &self.arena.attributes[from as usize..to as usize]
    }

    /// The value of attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&'x str> {
        self.attributes()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    }

    /// The child elements, in order.
    pub fn children(&self) -> Children<'x, 'a> {
        Children {
            arena: self.arena,
            next: self.slot().first_child,
        }
    }

    /// The first child named `name`.
    pub fn first(&self, name: &str) -> Option<Node<'x, 'a>> {
        self.children().find(|c| c.name() == name)
    }

    /// The text directly inside, as written (not trimmed).
    pub fn raw_text(&self) -> &'x str {
        &self.slot().text
    }

    /// The text directly inside, trimmed, as a new string.
    pub fn text_content(&self) -> String {
        trim_xml(self.raw_text()).to_string()
    }

    /// An owned copy of this subtree (for what a model keeps as received).
    pub fn to_element(&self) -> Element {
        let mut children = Vec::new();
        if !self.raw_text().is_empty() {
            children.push(TreeNode::Text(self.raw_text().to_string()));
        }
        children.extend(self.children().map(|c| TreeNode::Element(c.to_element())));
        Element {
            name: Cow::Owned(self.name().to_string()),
            attributes: self
                .attributes()
                .iter()
                .map(|(k, v)| (Cow::Owned(k.to_string()), v.to_string()))
                .collect(),
            children,
        }
    }
}

/// The children of a [`Node`].
pub struct Children<'x, 'a> {
    arena: &'x Arena<'a>,
    next: u32,
}

impl<'x, 'a> Iterator for Children<'x, 'a> {
    type Item = Node<'x, 'a>;

    fn next(&mut self) -> Option<Node<'x, 'a>> {
        if self.next == NONE {
            return None;
        }
        let node = Node {
            arena: self.arena,
            index: self.next,
        };
        self.next = self.arena.slots[self.next as usize].next_sibling;
        Some(node)
    }
}

/// `part` as a slice of `text`, when it lies inside it (the events of a
/// reader over `text` borrow from it); `None` otherwise.
fn within<'a>(text: &'a str, part: &[u8]) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(start..start + part.len())
        .filter(|found| found.as_bytes() == part)
}

/// `s` without leading and trailing XML whitespace (space, tab, CR, LF):
/// a byte scan, as those are single bytes that never occur inside a
/// multi-byte UTF-8 character.
pub fn trim_xml(s: &str) -> &str {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = s.as_bytes();
    let Some(start) = bytes.iter().position(|b| !is_space(b)) else {
        return "";
    };
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_borrow_names_attributes_and_text() {
        let text =
            "<a x=\"1\" y=\"2 &amp; 3\">\n  <b>B &lt;&#65;&gt;</b>\n  <c/>\n  <b>second</b>\n</a>";
        let arena = Arena::parse(text, &Limits::default()).unwrap();
        let root = arena.root();
        assert_eq!(root.name(), "a");
        assert_eq!(root.attribute("x"), Some("1"));
        assert_eq!(root.attribute("y"), Some("2 & 3"));
        assert!(matches!(root.attributes()[0].1, Cow::Borrowed(_)));
        let names: Vec<&str> = root.children().map(|c| c.name()).collect();
        assert_eq!(names, ["b", "c", "b"]);
        assert_eq!(root.first("b").unwrap().text_content(), "B <A>");
        assert_eq!(root.raw_text(), "");
        let owned = root.to_element();
        assert_eq!(owned.elements().count(), 3);
    }

    #[test]
    fn the_same_refusals_as_the_owned_reader() {
        let limits = Limits::default();
        assert!(matches!(
            Arena::parse("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", &limits),
            Err(XmlError::InternalSubset { .. })
        ));
        assert!(matches!(
            Arena::parse("<a>&e;</a>", &limits),
            Err(XmlError::UnknownEntity { .. })
        ));
        assert!(matches!(
            Arena::parse("<a b=\"&e;\"/>", &limits),
            Err(XmlError::UnknownEntity { .. })
        ));
        assert!(matches!(
            Arena::parse("<a/><b/>", &limits),
            Err(XmlError::Malformed { .. })
        ));
        assert!(matches!(
            Arena::parse("<a><b></a>", &limits),
            Err(XmlError::Malformed { .. })
        ));
        assert!(matches!(Arena::parse("", &limits), Err(XmlError::Empty)));
        let deep = "<a>".repeat(70) + &"</a>".repeat(70);
        assert!(matches!(
            Arena::parse(&deep, &limits),
            Err(XmlError::TooDeep { .. })
        ));
    }

    #[test]
    fn trimming_is_xml_whitespace_only() {
        assert_eq!(trim_xml(" \t\r\n Müller \n"), "Müller");
        assert_eq!(trim_xml("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
        assert_eq!(trim_xml("   "), "");
    }
}
