//! The separator set of one X12 interchange, read from its ISA segment.

use std::fmt;

/// The longest segment terminator we accept: one UTF-8 character.
const MAX_TERMINATOR_LEN: usize = 4;

/// The delimiters an interchange declares in its ISA segment.
///
/// Any byte may serve as a delimiter; the segment terminator may even be a
/// newline or a multi-byte UTF-8 character (seen in the wild), so it is kept
/// as a short byte string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    /// Separates elements (the byte right after `ISA`).
    pub element: u8,
    /// Separates repetitions of an element (ISA11 from version 00402 on).
    pub repetition: Option<u8>,
    /// Separates the components of a composite element (ISA16).
    pub component: u8,
    terminator: [u8; MAX_TERMINATOR_LEN],
    terminator_len: u8,
}

impl Delimiters {
    /// Builds a delimiter set with a single-byte segment terminator.
    pub fn new(element: u8, repetition: Option<u8>, component: u8, segment: u8) -> Self {
        let mut terminator = [0; MAX_TERMINATOR_LEN];
        terminator[0] = segment;
        Delimiters {
            element,
            repetition,
            component,
            terminator,
            terminator_len: 1,
        }
    }

    /// Builds a delimiter set whose segment terminator is `segment`, which
    /// must be 1 to 4 bytes long.
    pub fn with_terminator(
        element: u8,
        repetition: Option<u8>,
        component: u8,
        segment: &[u8],
    ) -> Option<Self> {
        if segment.is_empty() || segment.len() > MAX_TERMINATOR_LEN {
            return None;
        }
        let mut d = Delimiters::new(element, repetition, component, segment[0]);
        d.terminator[..segment.len()].copy_from_slice(segment);
        d.terminator_len = segment.len() as u8;
        Some(d)
    }

    /// The common `* ^ : ~` set of 005010 interchanges.
    pub fn standard() -> Self {
        Delimiters::new(b'*', Some(b'^'), b':', b'~')
    }

    /// The segment terminator's bytes.
    #[inline]
    pub fn terminator(&self) -> &[u8] {
        &self.terminator[..self.terminator_len as usize]
    }

    /// Checks that no two delimiters are the same byte and that none is a
    /// letter or digit (which would make segment tags ambiguous).
    pub fn check(&self) -> Result<(), String> {
        let mut seen: Vec<(u8, &str)> = vec![(self.element, "element separator")];
        let mut add = |b: u8, name: &'static str| -> Result<(), String> {
            if let Some((_, other)) = seen.iter().find(|(x, _)| *x == b) {
                return Err(format!("the {name} {} is also the {other}", show_byte(b)));
            }
            seen.push((b, name));
            Ok(())
        };
        if let Some(r) = self.repetition {
            add(r, "repetition separator")?;
        }
        add(self.component, "component separator")?;
        add(self.terminator[0], "segment terminator")?;
        for (b, name) in &seen {
            if b.is_ascii_alphanumeric() {
                return Err(format!("the {name} {} is a letter or digit", show_byte(*b)));
            }
        }
        Ok(())
    }

    /// Whether `b` is one of the delimiters (the first byte of the terminator
    /// counts for multi-byte terminators).
    pub fn is_delimiter(&self, b: u8) -> bool {
        b == self.element
            || Some(b) == self.repetition
            || b == self.component
            || b == self.terminator[0]
    }
}

impl fmt::Debug for Delimiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "element {}, repetition {}, component {}, terminator {}",
            show_byte(self.element),
            self.repetition.map_or("none".into(), show_byte),
            show_byte(self.component),
            show_bytes(self.terminator())
        )
    }
}

/// Renders a byte for a message: printable ASCII quoted, the rest as `0x..`
/// or a name.
pub fn show_byte(b: u8) -> String {
    match b {
        b'\n' => "newline (LF)".into(),
        b'\r' => "carriage return (CR)".into(),
        b' ' => "space".into(),
        0x21..=0x7e => format!("'{}'", b as char),
        _ => format!("byte 0x{b:02X}"),
    }
}

/// Renders a short byte string for a message, escaping what is not printable.
pub fn show_bytes(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return show_byte(bytes[0]);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => format!("'{}'", s.escape_debug()),
        Err(_) => bytes.iter().map(|b| format!("\\x{b:02X}")).collect(),
    }
}

/// An excerpt of input for error messages: at most `max` bytes, lossy UTF-8,
/// control characters escaped.
pub fn excerpt(bytes: &[u8], max: usize) -> String {
    let cut = &bytes[..bytes.len().min(max)];
    let mut s: String = String::from_utf8_lossy(cut).escape_debug().collect();
    if bytes.len() > max {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_repeated_delimiter() {
        let d = Delimiters::new(b'*', Some(b'*'), b':', b'~');
        assert!(d
            .check()
            .unwrap_err()
            .contains("also the element separator"));
    }

    #[test]
    fn rejects_alphanumeric_delimiter() {
        let d = Delimiters::new(b'*', None, b'A', b'~');
        assert!(d.check().unwrap_err().contains("letter or digit"));
    }

    #[test]
    fn accepts_newline_terminator_and_multibyte() {
        assert!(Delimiters::new(b'*', None, b'>', b'\n').check().is_ok());
        let d = Delimiters::with_terminator(b'*', None, b':', "…".as_bytes()).unwrap();
        assert_eq!(d.terminator(), "…".as_bytes());
    }
}
