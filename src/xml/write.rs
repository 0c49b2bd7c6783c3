//! Writing a tree as XML: declaration, optional DOCTYPE, escaped text.

use std::fmt::Write;

use super::tree::{Element, Node};

/// Escapes text content.
pub fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>']) {
        return s.into();
    }
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .into()
}

/// Escapes an attribute value (double-quoted).
pub fn escape_attribute(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\n', '\r', '\t']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// The document as UTF-8 text: declaration, DOCTYPE (if given), the root
/// indented by two spaces per level. Elements with text are written on one
/// line so that no whitespace is added to values.
pub fn write_document(root: &Element, doctype: Option<&str>) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if let Some(d) = doctype {
        let _ = writeln!(out, "<!DOCTYPE {d}>");
    }
    write_element(&mut out, root, 0);
    out
}

fn write_element(out: &mut String, e: &Element, depth: usize) {
    indent(out, depth);
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attributes {
        let _ = write!(out, " {k}=\"{}\"", escape_attribute(v));
    }
    if e.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push('>');
    let has_text = e.children.iter().any(|c| matches!(c, Node::Text(_)));
    if has_text {
        // Mixed or text content: no layout whitespace inside.
        for c in &e.children {
            match c {
                Node::Text(t) => out.push_str(&escape_text(t)),
                Node::Element(child) => {
                    let mut inner = String::new();
                    write_element(&mut inner, child, 0);
                    out.push_str(inner.trim_end());
                }
            }
        }
    } else {
        out.push('\n');
        for c in &e.children {
            if let Node::Element(child) = c {
                write_element(out, child, depth + 1);
            }
        }
        indent(out, depth);
    }
    let _ = writeln!(out, "</{}>", e.name);
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, Limits};

    #[test]
    fn written_documents_read_back() {
        let root = Element::new("a")
            .attr("x", "1 & \"2\"")
            .child(Element::new("b").text("<tag> & more"))
            .child(Element::new("c"));
        let text = write_document(&root, Some("cXML SYSTEM \"x.dtd\""));
        let back = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(back.root, root);
        assert_eq!(back.doctype.as_deref(), Some("cXML SYSTEM \"x.dtd\""));
    }
}
