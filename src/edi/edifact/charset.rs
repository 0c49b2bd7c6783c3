//! Character repertoires named by UNB's syntax identifier (S001 0001):
//! which bytes a value may hold, and how they read as Unicode.

use std::borrow::Cow;
use std::sync::OnceLock;

/// A repertoire edigate can check and decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// Level A (UNOA, IATA): upper-case letters, digits, space and
    /// `. , - ( ) / = ' + : ? ! " % & * ; < >`.
    LevelA,
    /// Level B (UNOB, IATB): level A and lower-case letters.
    LevelB,
    /// A part of ISO 8859 (UNOC = 1, UNOD = 2, UNOE = 5, UNOF = 7, UNOG = 3,
    /// UNOH = 4, UNOI = 6, UNOJ = 8, UNOK = 9).
    Iso8859(u8),
    /// ISO 10646 in UTF-8 (UNOW, UNOY).
    Utf8,
}

impl Charset {
    /// The repertoire a syntax identifier names, if edigate supports it.
    pub fn from_syntax_identifier(id: &[u8]) -> Option<Charset> {
        Some(match id {
            b"UNOA" | b"IATA" => Charset::LevelA,
            b"UNOB" | b"IATB" => Charset::LevelB,
            b"UNOC" => Charset::Iso8859(1),
            b"UNOD" => Charset::Iso8859(2),
            b"UNOE" => Charset::Iso8859(5),
            b"UNOF" => Charset::Iso8859(7),
            b"UNOG" => Charset::Iso8859(3),
            b"UNOH" => Charset::Iso8859(4),
            b"UNOI" => Charset::Iso8859(6),
            b"UNOJ" => Charset::Iso8859(8),
            b"UNOK" => Charset::Iso8859(9),
            b"UNOW" | b"UNOY" => Charset::Utf8,
            _ => return None,
        })
    }

    /// The index of the first byte the repertoire does not allow.
    #[inline]
    pub fn first_invalid(self, bytes: &[u8]) -> Option<usize> {
        match self {
            Charset::Utf8 if crate::edi::guide::printable_ascii(bytes) => None,
            Charset::Utf8 => {
                let valid_to = match std::str::from_utf8(bytes) {
                    Ok(_) => bytes.len(),
                    Err(e) => e.valid_up_to(),
                };
                bytes[..valid_to]
                    .iter()
                    .position(|&b| b < 0x20 || b == 0x7f)
                    .or((valid_to < bytes.len()).then_some(valid_to))
            }
            Charset::Iso8859(_) if crate::edi::guide::printable_ascii(bytes) => None,
            _ => {
                let table = self.table();
                bytes
                    .iter()
                    .position(|&b| table.chars[b as usize].is_none())
            }
        }
    }

    /// The text of `bytes` (already checked with [`Charset::first_invalid`];
    /// bytes outside the repertoire read as U+FFFD).
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        if bytes.is_ascii() {
            // ASCII reads the same in every supported repertoire.
            return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
        }
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes),
            _ => {
                let table = self.table();
                Cow::Owned(
                    bytes
                        .iter()
                        .map(|&b| table.chars[b as usize].unwrap_or('\u{FFFD}'))
                        .collect(),
                )
            }
        }
    }

    /// Writes `text` in this repertoire, or says which character it cannot
    /// represent.
    pub fn encode(self, text: &str) -> Result<Cow<'_, [u8]>, char> {
        if let Charset::Utf8 = self {
            return match text.chars().find(|&c| (c as u32) < 0x20 || c == '\u{7f}') {
                Some(c) => Err(c),
                None => Ok(Cow::Borrowed(text.as_bytes())),
            };
        }
        let table = self.table();
        if text.is_ascii() {
            return match text.bytes().find(|&b| table.chars[b as usize].is_none()) {
                Some(b) => Err(b as char),
                None => Ok(Cow::Borrowed(text.as_bytes())),
            };
        }
        text.chars()
            .map(|c| {
                (0..=255u8)
                    .find(|&b| table.chars[b as usize] == Some(c))
                    .ok_or(c)
            })
            .collect::<Result<Vec<u8>, char>>()
            .map(Cow::Owned)
    }

    fn table(self) -> &'static ByteTable {
        static TABLES: OnceLock<Vec<ByteTable>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            let mut all = vec![ByteTable::level(false), ByteTable::level(true)];
            all.extend((1..=9).map(ByteTable::iso8859));
            all
        });
        let index = match self {
            Charset::LevelA => 0,
            Charset::LevelB => 1,
            Charset::Iso8859(part) => 1 + part.clamp(1, 9) as usize,
            // UTF-8 is checked without a table; ASCII reads as in part 1.
            Charset::Utf8 => 2,
        };
        &tables[index]
    }
}

/// For each byte: the character it stands for, or `None` when the
/// repertoire does not allow it.
struct ByteTable {
    chars: [Option<char>; 256],
}

impl ByteTable {
    fn level(lower_case: bool) -> ByteTable {
        let mut chars = [None; 256];
        let graphic = b" .,-()/='+:?!\"%&*;<>";
        for b in (b'A'..=b'Z')
            .chain(b'0'..=b'9')
            .chain(graphic.iter().copied())
        {
            chars[b as usize] = Some(b as char);
        }
        if lower_case {
            for b in b'a'..=b'z' {
                chars[b as usize] = Some(b as char);
            }
        }
        ByteTable { chars }
    }

    /// Printable ASCII, and the upper half as the part defines it. The C1
    /// controls (0x80 to 0x9F) are not graphic characters of any part.
    fn iso8859(part: u8) -> ByteTable {
        let mut chars = [None; 256];
        for b in 0x20u8..0x7f {
            chars[b as usize] = Some(b as char);
        }
        let encoding = match part {
            // WHATWG maps these labels to Windows code pages, which agree
            // with ISO 8859-1 and -9 from 0xA0 up.
            1 => encoding_rs::WINDOWS_1252,
            2 => encoding_rs::ISO_8859_2,
            3 => encoding_rs::ISO_8859_3,
            4 => encoding_rs::ISO_8859_4,
            5 => encoding_rs::ISO_8859_5,
            6 => encoding_rs::ISO_8859_6,
            7 => encoding_rs::ISO_8859_7,
            8 => encoding_rs::ISO_8859_8,
            _ => encoding_rs::WINDOWS_1254,
        };
        for b in 0xA0u8..=0xFF {
            let byte = [b];
            let (text, had_errors) = encoding.decode_without_bom_handling(&byte);
            if !had_errors {
                chars[b as usize] = text.chars().next();
            }
        }
        ByteTable { chars }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_a_refuses_lower_case() {
        assert_eq!(Charset::LevelA.first_invalid(b"ACME GMBH"), None);
        assert_eq!(Charset::LevelA.first_invalid(b"ACME Gmbh"), Some(6));
        assert_eq!(Charset::LevelB.first_invalid(b"ACME Gmbh"), None);
        assert_eq!(Charset::LevelB.first_invalid(b"a@b"), Some(1));
    }

    #[test]
    fn latin_parts_decode_the_upper_half() {
        assert_eq!(Charset::Iso8859(1).decode(b"M\xfcller"), "Müller");
        assert_eq!(Charset::Iso8859(2).decode(b"\xb3\xf3d\xbc"), "łódź");
        assert_eq!(
            Charset::Iso8859(5).decode(b"\xbc\xde\xe1\xda\xd2\xd0"),
            "Москва"
        );
        assert_eq!(Charset::Iso8859(1).first_invalid(b"ok\x85"), Some(2));
        // 0xA5 has no character in ISO 8859-3.
        assert_eq!(Charset::Iso8859(3).first_invalid(b"x\xa5"), Some(1));
        assert_eq!(
            Charset::Iso8859(1).encode("Müller").unwrap().as_ref(),
            b"M\xfcller"
        );
        assert_eq!(Charset::LevelA.encode("Müller"), Err('ü'));
    }

    #[test]
    fn utf8_is_checked() {
        assert_eq!(Charset::Utf8.first_invalid("Zürich".as_bytes()), None);
        assert_eq!(Charset::Utf8.first_invalid(b"Z\xfcrich"), Some(1));
        assert_eq!(Charset::Utf8.first_invalid(b"a\tb"), Some(1));
    }
}
