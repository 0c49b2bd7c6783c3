//! Mapping test cases (`edigate map test`): a partner file must map to the
//! expected canonical JSON, and that JSON must map back to the expected
//! partner file. A failure prints a diff that shows what to fix.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use similar::TextDiff;

use super::{read_edifact, read_x12, write_edifact, write_x12, Envelope};
use crate::detect::{detect, Format};
use crate::document::Document;
use crate::mapping::{Mapping, Syntax, TestCase};

/// The outcome of one test case.
#[derive(Debug)]
pub struct CaseResult {
    /// `file:line` of the case.
    pub case: String,
    /// What failed (empty when it passed): each a heading and a diff.
    pub failures: Vec<String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The fixed envelope test outputs are written with, so that golden files
/// do not change with the clock.
pub fn test_envelope() -> Envelope {
    Envelope {
        prepared: NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default(),
        ..Envelope::new()
    }
}

/// Runs one case of `mapping`; paths are relative to `dir` (the mapping
/// file's directory). With `bless`, expected files are (re)written from
/// what the mapping produces instead of compared.
pub fn run_case(
    mapping: &Mapping,
    line: usize,
    case: &TestCase,
    dir: &Path,
    bless: bool,
) -> CaseResult {
    let mut result = CaseResult {
        case: format!("{}:{line}", mapping.file),
        failures: Vec::new(),
    };
    if let Err(message) = check_inbound(mapping, case, dir, bless) {
        result.failures.push(message);
    }
    if let Some(output) = &case.output {
        if let Err(message) = check_outbound(mapping, case, &dir.join(output), dir, bless) {
            result.failures.push(message);
        }
    }
    result
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn check_inbound(
    mapping: &Mapping,
    case: &TestCase,
    dir: &Path,
    bless: bool,
) -> Result<(), String> {
    let input_path = dir.join(&case.input);
    let input = read(&input_path)?;
    let translated = match detect(&input[..input.len().min(64)]) {
        Format::X12 => read_x12(&input, &[mapping]),
        Format::Edifact => read_edifact(&input, &[mapping]),
        other => {
            return Err(format!(
                "{}: {} input is not mapped yet",
                case.input,
                other.name()
            ))
        }
    }
    .map_err(|e| format!("{} does not translate: {e}", case.input))?;
    let documents: Vec<&Document> = translated.iter().map(|t| &t.document).collect();
    let value = match documents.as_slice() {
        [one] => serde_json::to_value(one),
        many => serde_json::to_value(many),
    }
    .map_err(|e| e.to_string())?;
    let actual = pretty(&value);
    let expect_path = dir.join(&case.expect);
    if bless {
        return std::fs::write(&expect_path, &actual)
            .map_err(|e| format!("cannot write {}: {e}", expect_path.display()));
    }
    let expected_text = String::from_utf8_lossy(&read(&expect_path)?).into_owned();
    let expected: serde_json::Value = serde_json::from_str(&expected_text)
        .map_err(|e| format!("{} is not JSON: {e}", case.expect))?;
    if expected == value {
        return Ok(());
    }
    Err(format!(
        "{} → canonical differs from {}:\n{}",
        case.input,
        case.expect,
        diff(&pretty(&expected), &actual, &case.expect)
    ))
}

fn check_outbound(
    mapping: &Mapping,
    case: &TestCase,
    output_path: &PathBuf,
    dir: &Path,
    bless: bool,
) -> Result<(), String> {
    let expect_path = dir.join(&case.expect);
    let expected: serde_json::Value = serde_json::from_slice(&read(&expect_path)?)
        .map_err(|e| format!("{} is not JSON: {e}", case.expect))?;
    let documents: Vec<Document> = match expected {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>(),
        one => serde_json::from_value(one).map(|d| vec![d]),
    }
    .map_err(|e| format!("{} is not a canonical document: {e}", case.expect))?;
    let written = match mapping.syntax {
        Syntax::X12 => write_x12(&documents, mapping, &test_envelope()),
        Syntax::Edifact => write_edifact(&documents, mapping, &test_envelope()),
    }
    .map_err(|e| format!("{} does not map back: {e}", case.expect))?;
    // Bytes, not text: an ISO 8859-1 interchange must come back byte for
    // byte (the diff below is only for the eye).
    let actual = written.0;
    if bless {
        return std::fs::write(output_path, &actual)
            .map_err(|e| format!("cannot write {}: {e}", output_path.display()));
    }
    let expected = read(output_path)?;
    if expected == actual {
        return Ok(());
    }
    let name = case.output.as_deref().unwrap_or_default();
    Err(format!(
        "{} → {} differs from {name}:\n{}",
        case.expect,
        mapping.syntax.name(),
        diff(
            &String::from_utf8_lossy(&expected),
            &String::from_utf8_lossy(&actual),
            name
        )
    ))
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// A unified diff, expected → actual (the writers put one segment on a
/// line, so one changed segment is one changed line).
fn diff(expected: &str, actual: &str, name: &str) -> String {
    TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("expected ({name})"), "actual")
        .to_string()
}
