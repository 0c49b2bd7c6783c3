//! Tells which syntax a file speaks from its first bytes.

/// The syntaxes edigate recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// ANSI X12 (starts with `ISA`).
    X12,
    /// UN/EDIFACT (starts with `UNA` or `UNB`).
    Edifact,
    /// XML, which is cXML when the root is `cXML`.
    Xml,
    /// Nothing we know.
    Unknown,
}

impl Format {
    /// A name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Format::X12 => "X12",
            Format::Edifact => "EDIFACT",
            Format::Xml => "XML",
            Format::Unknown => "unknown",
        }
    }
}

/// Looks at the start of `head` (skipping a byte-order mark and whitespace).
pub fn detect(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"ISA") {
        Format::X12
    } else if head.starts_with(b"UNA") || head.starts_with(b"UNB") {
        Format::Edifact
    } else if head.starts_with(b"<") {
        Format::Xml
    } else {
        Format::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_first_bytes() {
        assert_eq!(detect(b"\xEF\xBB\xBF\r\nISA*00*"), Format::X12);
        assert_eq!(detect(b"UNA:+.? 'UNB+UNOC:3"), Format::Edifact);
        assert_eq!(detect(b"<?xml version=\"1.0\"?><cXML>"), Format::Xml);
        assert_eq!(detect(b"\x00\x01junk"), Format::Unknown);
        assert_eq!(detect(b""), Format::Unknown);
    }
}
