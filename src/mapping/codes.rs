//! Code tables: one code list translated into another, both ways, from a
//! data file. Going back, a code that several source codes share maps to
//! the one the table marks as preferred.

use std::collections::HashMap;

use serde::Deserialize;

/// A code table that cannot be used, with the file and line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CodeTableError {
    /// The file (relative to `mappings/`, or as given).
    pub file: String,
    /// The line (1-based; 0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    name: String,
    from: String,
    to: String,
    code: Vec<toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    from: String,
    to: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default = "yes")]
    reverse: bool,
}

fn yes() -> bool {
    true
}

/// A loaded code table.
#[derive(Debug, Clone)]
pub struct CodeTable {
    /// What the table is.
    pub name: String,
    /// The source code list (`x12:355`).
    pub from_list: String,
    /// The target code list (`unece:rec20`).
    pub to_list: String,
    forward: HashMap<String, String>,
    reverse: HashMap<String, String>,
    names: HashMap<String, String>,
}

impl CodeTable {
    /// Reads a table (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<CodeTable, CodeTableError> {
        let fail = |offset: usize, message: String| CodeTableError {
            file: file.to_string(),
            line: if offset == 0 && text.is_empty() {
                0
            } else {
                text.get(..offset).unwrap_or(text).matches('\n').count() + 1
            },
            message,
        };
        let parsed: TableFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            fail(at, e.message().to_string())
        })?;
        let mut forward = HashMap::new();
        let mut reverse: HashMap<String, String> = HashMap::new();
        let mut names = HashMap::new();
        for spanned in &parsed.code {
            let at = spanned.span().start;
            let entry = spanned.get_ref();
            if !is_code(&entry.from) || !is_code(&entry.to) {
                return Err(fail(
                    at,
                    format!(
                        "{:?} → {:?}: codes are 1 to 35 letters, digits, `_` or `-`",
                        entry.from, entry.to
                    ),
                ));
            }
            if let Some(name) = &entry.name {
                names.insert(entry.from.clone(), name.clone());
            }
            if forward
                .insert(entry.from.clone(), entry.to.clone())
                .is_some()
            {
                return Err(fail(at, format!("{} is mapped twice", entry.from)));
            }
            if entry.reverse {
                if let Some(other) = reverse.insert(entry.to.clone(), entry.from.clone()) {
                    return Err(fail(
                        at,
                        format!(
                            "{} is the preferred reverse of both {other} and {}; mark all but one `reverse = false`",
                            entry.to, entry.from
                        ),
                    ));
                }
            }
        }
        if let Some(orphan) = forward.values().find(|to| !reverse.contains_key(*to)) {
            return Err(fail(0, format!("{orphan} has no preferred reverse: one of its entries must not say `reverse = false`")));
        }
        Ok(CodeTable {
            name: parsed.name,
            from_list: parsed.from,
            to_list: parsed.to,
            forward,
            reverse,
            names,
        })
    }

    /// The target code for a source code.
    pub fn forward(&self, code: &str) -> Option<&str> {
        self.forward.get(code).map(String::as_str)
    }

    /// The preferred source code for a target code.
    pub fn reverse(&self, code: &str) -> Option<&str> {
        self.reverse.get(code).map(String::as_str)
    }

    /// The target codes, each of which has a preferred source code.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        let mut codes: Vec<&str> = self.reverse.keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes.into_iter()
    }

    /// What a source code stands for, when the table says.
    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// How many source codes the table knows.
    pub fn len(&self) -> usize {
        self.forward.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.forward.is_empty()
    }
}

/// Codes are 1 to 35 letters, digits, `_` or `-` (partner codes and the
/// canonical names they map to, such as `accepted`).
fn is_code(s: &str) -> bool {
    (1..=35).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"name = "test"
from = "x12:355"
to = "unece:rec20"

[[code]]
from = "CA"
to = "CS"

[[code]]
from = "CS"
to = "CS"
reverse = false

[[code]]
from = "LB"
to = "LBR"
"#;

    #[test]
    fn tables_go_both_ways_with_a_preferred_reverse() {
        let t = CodeTable::parse("t.toml", TABLE).unwrap();
        assert_eq!(t.forward("CA"), Some("CS"));
        assert_eq!(t.forward("CS"), Some("CS"));
        assert_eq!(t.reverse("CS"), Some("CA"));
        assert_eq!(t.reverse("LBR"), Some("LB"));
        assert_eq!(t.forward("XX"), None);
    }

    #[test]
    fn errors_name_the_line() {
        let two_preferred = TABLE.replace("reverse = false\n", "");
        let e = CodeTable::parse("t.toml", &two_preferred).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("preferred reverse of both"), "{e}");
        let none_preferred = TABLE.replace("to = \"LBR\"\n", "to = \"LBR\"\nreverse = false\n");
        let e = CodeTable::parse("t.toml", &none_preferred).unwrap_err();
        assert!(e.message.contains("LBR has no preferred reverse"), "{e}");
        let typo = TABLE.replace("from = \"LB\"", "form = \"LB\"");
        let e = CodeTable::parse("t.toml", &typo).unwrap_err();
        assert_eq!(e.line, 15, "{e}");
    }
}
