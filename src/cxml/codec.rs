//! The machinery every cXML type uses to read itself from an element tree
//! and write itself back: taking children by name, keeping what is not
//! modelled, collecting warnings with their path, and writing children in
//! the order the DTD gives.

use crate::xml::{Element, Node};

/// A problem with a document that stops it being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CxmlError {
    /// Where, as an element path (`cXML/Request/OrderRequest/ItemOut[2]`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Something accepted but worth saying: a lenient read, a vendor
/// extension.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
}

/// The reading context: the path so far, the warnings found, and the
/// problems that do not stop reading but make the document invalid.
#[derive(Debug, Default)]
pub struct Cx {
    /// Element names down to here, with the index of repeated ones; kept
    /// as borrowed names so that reading allocates nothing for the path.
    path: Vec<(std::borrow::Cow<'static, str>, Option<usize>)>,
    /// Warnings in document order.
    pub warnings: Vec<Warning>,
    /// Breaches of the DTD the reader tolerated.
    pub invalid: Vec<Warning>,
}

impl Cx {
    /// The current path (`cXML/Request/OrderRequest/ItemOut[2]`).
    pub fn path(&self) -> String {
        let parts: Vec<String> = self
            .path
            .iter()
            .map(|(name, index)| match index {
                Some(i) => format!("{name}[{i}]"),
                None => name.to_string(),
            })
            .collect();
        parts.join("/")
    }

    /// Runs `f` one level down, at `name`.
    pub fn within<T>(&mut self, name: &'static str, f: impl FnOnce(&mut Cx) -> T) -> T {
        self.within_at(name.into(), None, f)
    }

    /// Runs `f` one level down, at `name` (a name read from the document).
    pub fn within_named<T>(&mut self, name: String, f: impl FnOnce(&mut Cx) -> T) -> T {
        self.within_at(name.into(), None, f)
    }

    fn within_at<T>(
        &mut self,
        name: std::borrow::Cow<'static, str>,
        index: Option<usize>,
        f: impl FnOnce(&mut Cx) -> T,
    ) -> T {
        self.path.push((name, index));
        let out = f(self);
        self.path.pop();
        out
    }

    /// Records a warning at the current path.
    pub fn warn(&mut self, message: impl Into<String>) {
        let path = self.path();
        self.warnings.push(Warning {
            path,
            message: message.into(),
        });
    }

    /// Records a breach of the DTD that reading tolerates.
    pub fn invalid(&mut self, message: impl Into<String>) {
        let path = self.path();
        self.invalid.push(Warning {
            path,
            message: message.into(),
        });
    }

    /// An error at the current path.
    pub fn error(&self, message: impl Into<String>) -> CxmlError {
        CxmlError {
            path: self.path(),
            message: message.into(),
        }
    }
}

/// An element of the document being read.
pub type XNode<'x, 'a> = crate::xml::ArenaNode<'x, 'a>;

/// A type that reads from and writes to one element.
pub trait Codec: Sized {
    /// Reads the type from `element`.
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError>;
    /// Writes the type as an element.
    fn encode(&self) -> Element;
}

/// An element's attributes and children, taken out one by one; what is
/// left at the end is kept as extensions.
pub struct Parts<'x, 'a> {
    node: XNode<'x, 'a>,
    children: Taken,
    attributes: Taken,
}

/// Which of a node's children (or attributes) were taken: bits for the
/// first 64, a vector beyond (an order with thousands of lines).
#[derive(Default)]
struct Taken {
    bits: u64,
    more: Vec<bool>,
}

impl Taken {
    fn is_taken(&self, i: usize) -> bool {
        match i {
            0..=63 => self.bits & (1 << i) != 0,
            _ => self.more.get(i - 64).copied().unwrap_or(false),
        }
    }

    fn take(&mut self, i: usize) {
        match i {
            0..=63 => self.bits |= 1 << i,
            _ => {
                if self.more.len() <= i - 64 {
                    self.more.resize(i - 63, false);
                }
                self.more[i - 64] = true;
            }
        }
    }
}

impl<'x, 'a> Parts<'x, 'a> {
    /// Splits `element` into its parts.
    pub fn of(element: XNode<'x, 'a>) -> Self {
        Parts {
            node: element,
            children: Taken::default(),
            attributes: Taken::default(),
        }
    }

    /// The element's name.
    pub fn name(&self) -> &str {
        self.node.name()
    }

    /// Takes attribute `name`.
    pub fn attr(&mut self, name: &str) -> Option<String> {
        self.attr_str(name).map(str::to_string)
    }

    /// Takes attribute `name`, borrowed from the document. An empty value
    /// counts as absent (the writer leaves empty attributes out).
    pub fn attr_str(&mut self, name: &str) -> Option<&'x str> {
        let (i, (_, value)) = self
            .node
            .attributes()
            .iter()
            .enumerate()
            .find(|(i, (n, _))| *n == name && !self.attributes.is_taken(*i))?;
        self.attributes.take(i);
        Some(value.as_ref()).filter(|v| !v.is_empty())
    }

    /// Takes attribute `name`, which the DTD requires.
    pub fn required_attr(&mut self, name: &str, cx: &Cx) -> Result<String, CxmlError> {
        self.attr(name)
            .ok_or_else(|| cx.error(format!("the attribute {name} is required")))
    }

    /// The element's text, trimmed.
    pub fn text(&mut self) -> String {
        self.text_str().to_string()
    }

    /// The element's text, trimmed, borrowed from the document.
    pub fn text_str(&self) -> &'x str {
        crate::xml::trim_xml(self.node.raw_text())
    }

    fn left(&self) -> impl Iterator<Item = (usize, XNode<'x, 'a>)> + '_ {
        self.node
            .children()
            .enumerate()
            .filter(|(i, _)| !self.children.is_taken(*i))
    }

    /// Takes the first child named `name`.
    pub fn one(&mut self, name: &str) -> Option<XNode<'x, 'a>> {
        let (i, child) = self.left().find(|(_, c)| c.name() == name)?;
        self.children.take(i);
        Some(child)
    }

    /// Takes the first child left, whatever its name.
    pub fn next_child(&mut self) -> Option<XNode<'x, 'a>> {
        let (i, child) = self.left().next()?;
        self.children.take(i);
        Some(child)
    }

    /// Takes every child named `name`.
    pub fn all(&mut self, name: &str) -> Vec<XNode<'x, 'a>> {
        let found: Vec<(usize, XNode<'x, 'a>)> =
            self.left().filter(|(_, c)| c.name() == name).collect();
        found
            .into_iter()
            .map(|(i, c)| {
                self.children.take(i);
                c
            })
            .collect()
    }

    /// Takes and decodes the first child named `name`.
    pub fn decode_one<T: Codec>(
        &mut self,
        name: &'static str,
        cx: &mut Cx,
    ) -> Result<Option<T>, CxmlError> {
        match self.one(name) {
            Some(e) => cx.within(name, |cx| T::decode(e, cx)).map(Some),
            None => Ok(None),
        }
    }

    /// Takes and decodes the child `name`, which the DTD requires.
    pub fn decode_required<T: Codec>(
        &mut self,
        name: &'static str,
        cx: &mut Cx,
    ) -> Result<T, CxmlError> {
        self.decode_one(name, cx)?
            .ok_or_else(|| cx.error(format!("the element {name} is required")))
    }

    /// Takes and decodes every child named `name`.
    pub fn decode_all<T: Codec>(
        &mut self,
        name: &'static str,
        cx: &mut Cx,
    ) -> Result<Vec<T>, CxmlError> {
        self.all(name)
            .into_iter()
            .enumerate()
            .map(|(i, e)| cx.within_at(name.into(), Some(i + 1), |cx| T::decode(e, cx)))
            .collect()
    }

    /// The first child named `name`, left in place (read, not taken).
    pub fn children_named(&self, name: &str) -> Option<XNode<'x, 'a>> {
        self.left().map(|(_, c)| c).find(|c| c.name() == name)
    }

    /// Takes the text of the first child named `name`.
    pub fn text_of(&mut self, name: &str) -> Option<String> {
        self.one(name).map(|e| e.text_content())
    }

    /// The attributes not taken.
    pub fn leftover_attributes(&self) -> impl Iterator<Item = &str> {
        self.node
            .attributes()
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.attributes.is_taken(*i))
            .map(|(_, (n, _))| *n)
    }

    /// The attributes and children not taken: kept, in order, as
    /// extensions. Children the DTD does not know at this place (`known`)
    /// are vendor extensions and get a warning.
    pub fn rest(self, known: &[&str], cx: &mut Cx) -> Extensions {
        let mut children: Vec<XNode<'x, 'a>> = self.left().map(|(_, c)| c).collect();
        // Kept in the order they will be written (the DTD's), so that a
        // document read, written and read again gives the same model.
        children.sort_by_key(|c| {
            known
                .iter()
                .position(|k| *k == c.name())
                .unwrap_or(known.len())
        });
        for child in &children {
            if !known.contains(&child.name()) {
                cx.warn(format!(
                    "<{}> is not part of <{}>; kept, but not read",
                    child.name(),
                    self.name()
                ));
            }
        }
        let attributes = self
            .node
            .attributes()
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.attributes.is_taken(*i))
            .map(|(_, (k, v))| (std::borrow::Cow::Owned(k.to_string()), v.to_string()))
            .collect();
        Extensions {
            attributes,
            elements: children.iter().map(XNode::to_element).collect(),
        }
    }
}

/// What a typed element did not read: attributes and child elements, kept
/// in order and written back, so nothing received is lost.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Extensions {
    /// Attributes not modelled.
    pub attributes: Vec<(std::borrow::Cow<'static, str>, String)>,
    /// Child elements not modelled.
    pub elements: Vec<Element>,
}

impl Extensions {
    /// Whether nothing was left over.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.elements.is_empty()
    }
}

/// Writing back what [`Extensions`] kept.
pub trait Extended {
    /// Adds the kept attributes the element does not already have, then
    /// the kept children (builder style).
    fn extended(self, extensions: &Extensions) -> Self;
}

impl Extended for Element {
    fn extended(mut self, extensions: &Extensions) -> Element {
        for (name, value) in &extensions.attributes {
            if self.attribute(name).is_none() {
                self.attributes.push((name.clone(), value.clone()));
            }
        }
        self.children
            .extend(extensions.elements.iter().cloned().map(Node::Element));
        self
    }
}

/// Sorts `element`'s children into the order the DTD gives (`order`, by
/// name); children the order does not name go last, in their own order.
pub fn in_dtd_order(mut element: Element, order: &[&str]) -> Element {
    let rank = |n: &Node| match n {
        Node::Element(e) => order
            .iter()
            .position(|o| *o == e.name)
            .unwrap_or(order.len()),
        Node::Text(_) => 0,
    };
    element.children.sort_by_key(rank);
    element
}

/// An element holding only `text`.
pub fn text_element(name: &'static str, text: &str) -> Element {
    Element::new(name).text(text)
}
