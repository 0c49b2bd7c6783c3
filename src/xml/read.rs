//! Reading XML into a tree with limits: input size, nesting depth, no DTD
//! processing, only the predefined entities and character references.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::tree::{Element, Node};

/// Bounds on what a document may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest input accepted, in bytes.
    pub max_bytes: usize,
    /// The deepest element nesting accepted.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// A parsed document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The DOCTYPE as written (`cXML SYSTEM "http://…/cXML.dtd"`), if any.
    pub doctype: Option<String>,
    /// The encoding the XML declaration named, if any.
    pub declared_encoding: Option<String>,
    /// The root element.
    pub root: Element,
}

/// Why a document was refused; every variant says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Larger than the limit.
    #[error("the document is {size} bytes; at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
    /// Nested deeper than the limit.
    #[error("at byte {offset}: elements nest deeper than {limit} levels")]
    TooDeep { offset: u64, limit: usize },
    /// A DOCTYPE with an internal subset (entity or element declarations).
    #[error("at byte {offset}: the DOCTYPE declares an internal subset; entity and element declarations are refused")]
    InternalSubset { offset: u64 },
    /// An entity other than the five predefined ones.
    #[error("at byte {offset}: entity &{name}; is not one of the predefined XML entities (custom entities are refused)")]
    UnknownEntity { offset: u64, name: String },
    /// Bytes that are not in the encoding the document declares.
    #[error("at byte {offset}: the bytes are not valid {encoding}")]
    BadEncoding { offset: u64, encoding: String },
    /// An encoding we do not read.
    #[error(
        "the document declares encoding {0:?}; UTF-8, US-ASCII, ISO-8859-1 and UTF-16 are accepted"
    )]
    UnsupportedEncoding(String),
    /// Not well-formed.
    #[error("at byte {offset}: {message}")]
    Malformed { offset: u64, message: String },
    /// No root element.
    #[error("the document has no root element")]
    Empty,
}

/// Parses `bytes` into an owned tree, within `limits`.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Document, XmlError> {
    if bytes.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let (text, declared_encoding) = to_utf8(bytes)?;
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut doctype = None;
    let mut root = None;
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event().map_err(|e| XmlError::Malformed {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(start) => {
                if stack.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep {
                        offset,
                        limit: limits.max_depth,
                    });
                }
                stack.push(element_of(&start, offset)?);
            }
            Event::Empty(start) => {
                let element = element_of(&start, offset)?;
                close(&mut stack, &mut root, element, offset)?;
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| XmlError::Malformed {
                    offset,
                    message: "an end tag without a start tag".into(),
                })?;
                close(&mut stack, &mut root, element, offset)?;
            }
            Event::Text(t) => {
                let content = t.xml_content().map_err(|e| malformed(offset, e))?;
                push_text(&mut stack, &content, offset)?;
            }
            Event::CData(c) => {
                let content = c.decode().map_err(|e| malformed(offset, e))?;
                push_text(&mut stack, &content, offset)?;
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
                push_text(&mut stack, &resolved, offset)?;
            }
            Event::DocType(d) => {
                let text = d.decode().map_err(|e| malformed(offset, e))?;
                if text.contains('[') {
                    return Err(XmlError::InternalSubset { offset });
                }
                doctype = Some(text.trim().to_string());
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::Malformed {
            offset: text.len() as u64,
            message: format!("the document ends inside <{}>", open.name),
        });
    }
    let root = root.ok_or(XmlError::Empty)?;
    Ok(Document {
        doctype,
        declared_encoding,
        root,
    })
}

pub(crate) fn malformed(offset: u64, e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed {
        offset,
        message: e.to_string(),
    }
}

pub(crate) fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

fn element_of(start: &BytesStart<'_>, offset: u64) -> Result<Element, XmlError> {
    let name = Cow::Owned(String::from_utf8_lossy(start.name().as_ref()).into_owned());
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| malformed(offset, e))?;
        let key = Cow::Owned(String::from_utf8_lossy(attribute.key.as_ref()).into_owned());
        let value = attribute.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(
                _,
                name,
            )) => XmlError::UnknownEntity { offset, name },
            other => malformed(offset, other),
        })?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        children: Vec::new(),
    })
}

fn close(
    stack: &mut [Element],
    root: &mut Option<Element>,
    mut element: Element,
    offset: u64,
) -> Result<(), XmlError> {
    // Whitespace beside child elements is layout, not data.
    if element
        .children
        .iter()
        .any(|c| matches!(c, Node::Element(_)))
    {
        element
            .children
            .retain(|c| !matches!(c, Node::Text(t) if t.trim().is_empty()));
    }
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None if root.is_none() => *root = Some(element),
        None => {
            return Err(XmlError::Malformed {
                offset,
                message: "a second root element".into(),
            })
        }
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str, offset: u64) -> Result<(), XmlError> {
    let Some(parent) = stack.last_mut() else {
        if text.trim().is_empty() {
            return Ok(());
        }
        return Err(XmlError::Malformed {
            offset,
            message: "text outside the root element".into(),
        });
    };
    match parent.children.last_mut() {
        Some(Node::Text(previous)) => previous.push_str(text),
        _ => parent.children.push(Node::Text(text.to_string())),
    }
    Ok(())
}

/// The document as UTF-8 text, per its byte-order mark or declaration.
pub(crate) fn to_utf8(
    bytes: &[u8],
) -> Result<(std::borrow::Cow<'_, str>, Option<String>), XmlError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if had_errors {
                return Err(XmlError::BadEncoding {
                    offset: 0,
                    encoding: encoding.name().into(),
                });
            }
            return Ok((
                std::borrow::Cow::Owned(text.into_owned()),
                Some(encoding.name().into()),
            ));
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = declared_encoding(body);
    let label = declared.as_deref().map(str::to_ascii_lowercase);
    match label.as_deref() {
        None | Some("utf-8" | "utf8" | "us-ascii" | "ascii") => match std::str::from_utf8(body) {
            Ok(text) => Ok((std::borrow::Cow::Borrowed(text), declared)),
            Err(e) => Err(XmlError::BadEncoding {
                offset: (bytes.len() - body.len() + e.valid_up_to()) as u64,
                encoding: declared.unwrap_or_else(|| "UTF-8".into()),
            }),
        },
        Some("iso-8859-1" | "latin1" | "iso8859-1") => {
            let text: String = body.iter().map(|&b| b as char).collect();
            Ok((std::borrow::Cow::Owned(text), declared))
        }
        Some(_) => Err(XmlError::UnsupportedEncoding(declared.unwrap_or_default())),
    }
}

/// The `encoding` of an XML declaration at the start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(200))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + 8..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let value = rest[1..].split(quote).next()?;
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> Result<Document, XmlError> {
        parse(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn reads_elements_attributes_text_and_entities() {
        let d = parsed(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd\">\n<a x=\"1 &amp; 2\">\n  <b>A &lt;&#65;&gt; &#x42;</b>\n  <c/>\n</a>",
        )
        .unwrap();
        assert_eq!(
            d.doctype.as_deref(),
            Some("cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd\"")
        );
        assert_eq!(d.root.attribute("x"), Some("1 & 2"));
        assert_eq!(d.root.first("b").unwrap().text_content(), "A <A> B");
        assert_eq!(d.root.elements().count(), 2);
    }

    #[test]
    fn dtd_tricks_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>";
        assert!(matches!(parsed(bomb), Err(XmlError::InternalSubset { .. })));
        let custom = "<a>&custom;</a>";
        assert!(
            matches!(parsed(custom), Err(XmlError::UnknownEntity { ref name, .. }) if name == "custom")
        );
        let in_attribute = "<a b=\"&custom;\"/>";
        assert!(matches!(
            parsed(in_attribute),
            Err(XmlError::UnknownEntity { .. })
        ));
    }

    #[test]
    fn limits_hold() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(
            parsed(&deep),
            Err(XmlError::TooDeep { limit: 64, .. })
        ));
        let small = Limits {
            max_bytes: 10,
            max_depth: 8,
        };
        assert!(matches!(
            parse(b"<a>0123456789</a>", &small),
            Err(XmlError::TooLarge { .. })
        ));
    }

    #[test]
    fn encodings_are_honoured_or_refused_clearly() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xfcller</a>";
        assert_eq!(
            parse(latin1, &Limits::default())
                .unwrap()
                .root
                .text_content(),
            "Müller"
        );
        let bad_utf8 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>M\xfcller</a>";
        assert!(matches!(
            parse(bad_utf8, &Limits::default()),
            Err(XmlError::BadEncoding { offset: 42, .. })
        ));
        let ebcdic = b"<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?><a/>";
        assert!(matches!(
            parse(ebcdic, &Limits::default()),
            Err(XmlError::UnsupportedEncoding(_))
        ));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a>ü</a>".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            parse(&utf16, &Limits::default())
                .unwrap()
                .root
                .text_content(),
            "ü"
        );
    }

    #[test]
    fn an_odd_declaration_is_not_a_panic() {
        assert!(declared_encoding("<?xml encoding=\u{FFFD}EW\u{FFFD}?>".as_bytes()).is_none());
        assert!(parse(
            "<?xml version=\"1.0\" encoding=«UTF-8»?><a/>".as_bytes(),
            &Limits::default()
        )
        .is_ok());
    }

    #[test]
    fn malformed_input_says_where() {
        assert!(matches!(
            parsed("<a><b></a>"),
            Err(XmlError::Malformed { .. })
        ));
        assert!(matches!(parsed("<a>"), Err(XmlError::Malformed { .. })));
        assert!(matches!(parsed(""), Err(XmlError::Empty)));
    }
}
