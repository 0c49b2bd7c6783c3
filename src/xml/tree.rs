//! The element tree: names, attributes in document order, and children.

use std::borrow::Cow;

/// A child of an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (entities resolved; whitespace-only runs between
    /// elements are dropped when read).
    Text(String),
}

/// An element with its attributes in document order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Element {
    /// The qualified name as written (`cXML`, `ds:Signature`); borrowed
    /// when it is one of the names the reader was told to expect.
    pub name: Cow<'static, str>,
    /// Attributes in document order, values unescaped.
    pub attributes: Vec<(Cow<'static, str>, String)>,
    /// Children in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// An element without attributes or children.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Element {
            name: name.into(),
            ..Element::default()
        }
    }

    /// Adds an attribute (builder style); an empty `value` adds nothing.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.attributes.push((Cow::Borrowed(name), value));
        }
        self
    }

    /// Adds an attribute when `value` is `Some` (builder style).
    pub fn attr_opt(self, name: &'static str, value: Option<&String>) -> Self {
        match value {
            Some(v) => self.attr(name, v.clone()),
            None => self,
        }
    }

    /// Adds a child element (builder style).
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds a child element when there is one (builder style).
    pub fn child_opt(mut self, child: Option<Element>) -> Self {
        if let Some(c) = child {
            self.children.push(Node::Element(c));
        }
        self
    }

    /// Adds child elements (builder style).
    pub fn children<I: IntoIterator<Item = Element>>(mut self, children: I) -> Self {
        self.children
            .extend(children.into_iter().map(Node::Element));
        self
    }

    /// Adds text content (builder style); empty text adds nothing.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if !text.is_empty() {
            self.children.push(Node::Text(text));
        }
        self
    }

    /// The value of attribute `name`, if present.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child element named `name`.
    pub fn first(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The element's text: its text children joined, trimmed.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out.trim().to_string()
    }

    /// The element's text, trimmed, taking it out of the element (no copy
    /// when there is one text child already trimmed).
    pub fn into_text(self) -> String {
        let mut texts = self.children.into_iter().filter_map(|n| match n {
            Node::Text(t) => Some(t),
            Node::Element(_) => None,
        });
        let Some(mut text) = texts.next() else {
            return String::new();
        };
        for more in texts {
            text.push_str(&more);
        }
        trim_owned(text)
    }

    /// The number of elements in this subtree, itself included.
    pub fn count(&self) -> usize {
        1 + self.elements().map(Element::count).sum::<usize>()
    }
}

/// `text` without leading and trailing whitespace, reusing its buffer.
fn trim_owned(mut text: String) -> String {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    if start > 0 {
        text.drain(..start);
    }
    text
}
