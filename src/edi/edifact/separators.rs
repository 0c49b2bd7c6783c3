//! The service characters of an interchange: from its UNA service string
//! advice, or the ISO 9735 defaults.

use std::fmt;

/// The separators and release character an interchange uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Separators {
    /// Component data element separator (`:`).
    pub component: u8,
    /// Data element separator (`+`).
    pub element: u8,
    /// Decimal mark the UNA announces (`.`); readers accept `,` as well.
    pub decimal: u8,
    /// Release character (`?`), if any.
    pub release: Option<u8>,
    /// Repetition separator (`*`, syntax version 4), if any.
    pub repetition: Option<u8>,
    /// Segment terminator (`'`).
    pub terminator: u8,
}

/// Why a UNA segment cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnaError {
    /// Fewer than nine bytes.
    #[error("UNA must be 9 bytes (UNA and six service characters), found {0}")]
    TooShort(usize),
    /// Two roles share one character.
    #[error("UNA gives {0} two roles")]
    Duplicate(String),
    /// A letter, digit or space where a separator must be.
    #[error("UNA gives {0} as a separator; letters, digits and space cannot separate")]
    Unusable(String),
}

impl Separators {
    /// The ISO 9735 defaults of syntax versions 1 to 3: `:+.? '`.
    pub const SYNTAX_3: Separators = Separators {
        component: b':',
        element: b'+',
        decimal: b'.',
        release: Some(b'?'),
        repetition: None,
        terminator: b'\'',
    };

    /// The defaults of syntax version 4: `:+.?*'`.
    pub const SYNTAX_4: Separators = Separators {
        repetition: Some(b'*'),
        ..Separators::SYNTAX_3
    };

    /// The defaults for `syntax_version` (UNB S001 0002).
    pub fn defaults(syntax_version: u8) -> Separators {
        if syntax_version >= 4 {
            Separators::SYNTAX_4
        } else {
            Separators::SYNTAX_3
        }
    }

    /// Reads a UNA segment (`UNA:+.? '`). A space in the release or
    /// repetition position means none.
    pub fn from_una(una: &[u8]) -> Result<Separators, UnaError> {
        if una.len() < 9 {
            return Err(UnaError::TooShort(una.len()));
        }
        let optional = |b: u8| (b != b' ').then_some(b);
        let s = Separators {
            component: una[3],
            element: una[4],
            decimal: una[5],
            release: optional(una[6]),
            repetition: optional(una[7]),
            terminator: una[8],
        };
        let mut roles: Vec<u8> = vec![s.component, s.element, s.terminator];
        roles.extend(s.release);
        roles.extend(s.repetition);
        for (i, &b) in roles.iter().enumerate() {
            if b.is_ascii_alphanumeric() || b == b' ' {
                return Err(UnaError::Unusable(show(b)));
            }
            if roles[..i].contains(&b) {
                return Err(UnaError::Duplicate(show(b)));
            }
        }
        Ok(s)
    }

    /// The UNA segment announcing these separators.
    pub fn una(&self) -> [u8; 9] {
        [
            b'U',
            b'N',
            b'A',
            self.component,
            self.element,
            self.decimal,
            self.release.unwrap_or(b' '),
            self.repetition.unwrap_or(b' '),
            self.terminator,
        ]
    }

    /// Whether a writer can leave the UNA out for `syntax_version`.
    pub fn are_defaults_for(&self, syntax_version: u8) -> bool {
        *self == Separators::defaults(syntax_version)
    }

    /// Whether `b` plays a structural role (and must be released in data).
    #[inline]
    pub fn is_service(&self, b: u8) -> bool {
        b == self.component
            || b == self.element
            || b == self.terminator
            || Some(b) == self.release
            || Some(b) == self.repetition
    }
}

impl Default for Separators {
    fn default() -> Self {
        Separators::SYNTAX_3
    }
}

impl fmt::Display for Separators {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.una()[3..]))
    }
}

/// A byte for a message: printable as itself, else as hex.
pub fn show(b: u8) -> String {
    match b {
        b'\r' => "CR".into(),
        b'\n' => "LF".into(),
        0x21..=0x7e => format!("{:?}", b as char),
        _ => format!("0x{b:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn una_is_read_and_written_back() {
        let s = Separators::from_una(b"UNA=*.? ~").unwrap();
        assert_eq!(s.component, b'=');
        assert_eq!(s.element, b'*');
        assert_eq!(s.release, Some(b'?'));
        assert_eq!(s.repetition, None);
        assert_eq!(s.terminator, b'~');
        assert_eq!(&s.una(), b"UNA=*.? ~");
        assert!(Separators::from_una(b"UNA:+.? '")
            .unwrap()
            .are_defaults_for(3));
    }

    #[test]
    fn unusable_una_is_refused() {
        assert_eq!(
            Separators::from_una(b"UNA::.? '"),
            Err(UnaError::Duplicate("':'".into()))
        );
        assert!(matches!(
            Separators::from_una(b"UNAA+.? '"),
            Err(UnaError::Unusable(_))
        ));
        assert_eq!(Separators::from_una(b"UNA:+"), Err(UnaError::TooShort(5)));
    }
}
