//! The mapping file format (TOML) as read, before it is checked against
//! the guide and the document schema; and partner overrides merged onto
//! their base. See mappings/README.md for the format.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::MappingError;

/// A mapping file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// What the mapping is.
    pub name: String,
    /// For a partner override: the base mapping (`x12/004010/850`).
    #[serde(default)]
    pub base: Option<String>,
    /// `x12` or `edifact`.
    #[serde(default)]
    pub syntax: Option<String>,
    /// The version (`004010`, `D96A`).
    #[serde(default)]
    pub version: Option<String>,
    /// The message (`850`, `ORDERS`).
    #[serde(default)]
    pub message: Option<String>,
    /// The canonical document (`order`).
    #[serde(default)]
    pub document: Option<String>,
    /// Code tables replaced throughout (an override's `"x12-355-rec20" =
    /// "acme-units"`).
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
    /// Fields whose rules the override drops.
    #[serde(default)]
    pub remove: Vec<Spanned<String>>,
    /// The rules.
    #[serde(default)]
    pub rule: Vec<Spanned<RuleFile>>,
    /// A hierarchical loop (X12 HL, EDIFACT CPS): repetitions nest by
    /// their parent id.
    #[serde(default)]
    pub hierarchy: Option<HierarchyFile>,
    /// Named rule sets that rules pull in with `use` (a party's name,
    /// identifiers and address, written once).
    #[serde(default)]
    pub template: BTreeMap<String, Vec<Spanned<RuleFile>>>,
    /// Test cases for `edigate map test`.
    #[serde(default)]
    pub test: Vec<Spanned<TestCase>>,
}

/// A hierarchical loop as written: `loop = "HL"`, `id = "HL01"`,
/// `parent = "HL02"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HierarchyFile {
    /// The loop id.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// Where a repetition's own id is.
    pub id: String,
    /// Where its parent's id is.
    pub parent: String,
}

/// Codes named by a shared table, or listed in the rule.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CodesSpec {
    /// A table under `mappings/codes/`.
    Table(String),
    /// Partner code → canonical value, one to one.
    Inline(BTreeMap<String, String>),
}

/// One rule as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The element read and written (`REF02 where REF01=DP`); with
    /// `pairs`, the segment tag.
    #[serde(default)]
    pub at: Option<String>,
    /// A loop or repeated segment whose repetitions the nested rules read.
    #[serde(default)]
    pub each: Option<String>,
    /// The canonical field.
    #[serde(default)]
    pub field: Option<String>,
    /// Qualifier/value element pairs to search (`06-25` for PO106…PO125).
    #[serde(default)]
    pub pairs: Option<String>,
    /// The qualifier that picks a pair.
    #[serde(default)]
    pub code: Option<String>,
    /// With `pairs`: qualifiers that a value of a given length takes
    /// instead of `code` when written (`EN = 13`, `UK = 14` for GTINs).
    /// Read, they are taken after `code`, in the order of their lengths.
    #[serde(default)]
    pub code_by_length: BTreeMap<String, usize>,
    /// With `pairs`, inbound: read the qualifier of the pair found (which
    /// of `code` and `code_by_length` it has), not its value.
    #[serde(default)]
    pub qualifier: bool,
    /// Code translation.
    #[serde(default)]
    pub codes: Option<CodesSpec>,
    /// What to do with a code the table lacks: `error` (default) or `keep`.
    #[serde(default)]
    pub unmapped: Option<String>,
    /// The text runs on into this many components (`NAD04-1` with
    /// `spill = 5`: a name of up to five times 35 characters).
    #[serde(default)]
    pub spill: Option<usize>,
    /// Outbound: the code written for a value the table has no code for
    /// (inbound, such codes are kept as received).
    #[serde(default)]
    pub otherwise: Option<String>,
    /// A constant written outbound.
    #[serde(default)]
    pub value: Option<String>,
    /// The value used when the source has none.
    #[serde(default)]
    pub default: Option<String>,
    /// Inbound: take the value of another field (`/currency`, from the
    /// document root).
    #[serde(default)]
    pub copy: Option<String>,
    /// Inbound: when the field is empty, the item's position in its list
    /// (1, 2, 3 …), e.g. a line number the partner left out.
    #[serde(default)]
    pub sequence: bool,
    /// A date format (chrono's `%Y%m%d`).
    #[serde(default)]
    pub date: Option<String>,
    /// Constants, defaults and computed values apply only when this field
    /// is present.
    #[serde(default)]
    pub when: Option<String>,
    /// `in` or `out` for a rule that runs one way only (a second partner
    /// code read inbound, say); both ways by default.
    #[serde(default)]
    pub direction: Option<String>,
    /// Outbound: the number of segments with this tag the message holds
    /// (CTT01 counts PO1, CNT counts LIN).
    #[serde(default)]
    pub count: Option<String>,
    /// Outbound: the sum of this element over the message (CTT02, the
    /// hash total of PO102).
    #[serde(default)]
    pub sum: Option<String>,
    /// A jq expression computing the value (one way).
    #[serde(default)]
    pub jq: Option<String>,
    /// A template whose rules are added to the nested rules.
    #[serde(default, rename = "use")]
    pub template: Option<String>,
    /// Fields of the base's nested rules an override drops.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Nested rules (for `each`).
    #[serde(default)]
    pub rule: Vec<Spanned<RuleFile>>,
    /// The file and line the rule was written at (set after parsing, so
    /// that a base's rules keep their own place inside an override).
    #[serde(skip)]
    pub origin: (String, usize),
}

impl RuleFile {
    /// What identifies the rule when an override replaces it: its field,
    /// else its position.
    pub fn identity(&self) -> String {
        match &self.field {
            Some(field) => format!(
                "{field}|{}|{}",
                if self.at.is_some() { "at" } else { "fill" },
                self.direction.as_deref().unwrap_or("both")
            ),
            None => format!(
                "{}|{}|{}",
                self.each.as_deref().unwrap_or(""),
                self.at.as_deref().unwrap_or(""),
                self.code.as_deref().unwrap_or("")
            ),
        }
    }
}

/// One test case: an input file, the canonical document it must map to,
/// and optionally the partner file that document must map back to. Paths
/// are relative to the mapping file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// The partner file.
    pub input: String,
    /// The expected canonical JSON.
    pub expect: String,
    /// The expected partner file written back from `expect`.
    #[serde(default)]
    pub output: Option<String>,
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// Reads a mapping file (`file` names it in errors).
pub fn parse(file: &str, text: &str) -> Result<MappingFile, MappingError> {
    let mut parsed: MappingFile = toml::from_str(text).map_err(|e| MappingError {
        file: file.to_string(),
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        message: e.message().to_string(),
    })?;
    stamp(&mut parsed.rule, file, text);
    for rules in parsed.template.values_mut() {
        stamp(rules, file, text);
    }
    Ok(parsed)
}

/// How often a template may appear inside itself: packages in packages
/// in packages is as deep as ship notices go.
const TEMPLATE_NESTING: usize = 3;

/// Expands `use = "name"`: a rule with nothing but `use` is replaced by
/// the template's rules; otherwise the template's rules are added to the
/// rule's nested rules. Templates may use other templates and themselves
/// (nested packages); a rule that would nest a template more than
/// [`TEMPLATE_NESTING`] deep is left out.
pub fn expand(
    rules: &mut Vec<Spanned<RuleFile>>,
    templates: &BTreeMap<String, Vec<Spanned<RuleFile>>>,
    chain: &mut Vec<String>,
) -> Result<(), MappingError> {
    let mut out = Vec::with_capacity(rules.len());
    for mut rule in rules.drain(..) {
        let inner = rule.get_mut();
        let Some(name) = inner.template.take() else {
            expand(&mut inner.rule, templates, chain)?;
            out.push(rule);
            continue;
        };
        let found = templates.get(&name).ok_or_else(|| MappingError {
            file: inner.origin.0.clone(),
            line: inner.origin.1,
            message: format!(
                "no template {name:?} (templates: {})",
                templates.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        })?;
        if chain.iter().filter(|n| **n == name).count() >= TEMPLATE_NESTING {
            continue;
        }
        chain.push(name);
        let mut found = found.clone();
        expand(&mut found, templates, chain)?;
        let alone = inner.at.is_none() && inner.each.is_none() && inner.field.is_none();
        if alone {
            out.extend(found);
        } else {
            expand(&mut inner.rule, templates, chain)?;
            inner.rule.extend(found);
            out.push(rule);
        }
        chain.pop();
    }
    *rules = out;
    Ok(())
}

fn stamp(rules: &mut [Spanned<RuleFile>], file: &str, text: &str) {
    for rule in rules {
        let line = line_of(text, rule.span().start);
        let inner = rule.get_mut();
        inner.origin = (file.to_string(), line);
        stamp(&mut inner.rule, file, text);
    }
}

/// Lays an override's rules onto its base's: a rule with the same field
/// (or, without a field, the same position) replaces the base's, nested
/// rules merge the same way, new rules are added, `remove` drops.
pub fn merge(base: &mut Vec<Spanned<RuleFile>>, over: &[Spanned<RuleFile>], remove: &[String]) {
    base.retain(|r| {
        let field = r.get_ref().field.as_deref().unwrap_or("");
        !remove.iter().any(|x| x == field)
    });
    // A base rule is replaced once; a second override rule with the same
    // identity adds to the first instead of replacing it.
    let mut replaced: Vec<String> = Vec::new();
    for rule in over {
        let id = rule.get_ref().identity();
        let target = if replaced.contains(&id) {
            None
        } else {
            base.iter_mut().find(|b| b.get_ref().identity() == id)
        };
        replaced.push(id);
        match target {
            Some(existing)
                if !rule.get_ref().rule.is_empty() || !rule.get_ref().remove.is_empty() =>
            {
                let nested_over = rule.get_ref().rule.clone();
                let nested_remove = rule.get_ref().remove.clone();
                merge(&mut existing.get_mut().rule, &nested_over, &nested_remove);
            }
            Some(existing) => *existing = rule.clone(),
            None => base.push(rule.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_add_and_remove_by_field() {
        let base = parse(
            "base.toml",
            r#"name = "b"
[[rule]]
at = "REF02 where REF01=DP"
field = "procurement.department"
[[rule]]
at = "BEG03"
field = "id"
[[rule]]
each = "PO1"
field = "lines[]"
[[rule.rule]]
at = "PO101"
field = "id"
[[rule.rule]]
at = "PO103"
field = "quantity.unit"
"#,
        )
        .unwrap();
        let over = parse(
            "over.toml",
            r#"name = "o"
base = "b"
remove = ["id"]
[[rule]]
at = "REF02 where REF01=CC"
field = "procurement.department"
[[rule]]
each = "PO1"
field = "lines[]"
remove = ["id"]
[[rule.rule]]
at = "PO103"
field = "quantity.unit"
codes = "acme-units"
"#,
        )
        .unwrap();
        let mut rules = base.rule.clone();
        let removed: Vec<String> = over.remove.iter().map(|s| s.get_ref().clone()).collect();
        merge(&mut rules, &over.rule, &removed);
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules[0].get_ref().at.as_deref(),
            Some("REF02 where REF01=CC")
        );
        let lines = rules[1].get_ref();
        assert_eq!(lines.rule.len(), 1);
        assert_eq!(
            lines.rule[0].get_ref().codes,
            Some(CodesSpec::Table("acme-units".into()))
        );
    }

    #[test]
    fn typos_name_the_line() {
        let e = parse("m.toml", "name = \"x\"\n[[rule]]\nfeild = \"id\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("feild"), "{e}");
    }
}
