//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use edigate::edi::guide::Catalog;
use edigate::edi::x12::{ValidationReport, Validator};

/// The shared corpus of real sample files (read in place, never copied):
/// `$EDIGATE_CORPUS`, else `../shared/corpus` beside the checkout.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("EDIGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("MANIFEST.md").is_file() {
        Some(dir)
    } else {
        // Written past the test harness's capture, so that a passing run
        // still says what it skipped.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: corpus tests: the shared corpus is not at {} (set EDIGATE_CORPUS)",
            dir.display()
        );
        None
    }
}

/// Whether a sample file is a mapping's golden output
/// (`850-004010-valid.order.edi`: a document name before the extension);
/// tests/mapping.rs checks those.
pub fn is_mapping_golden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.matches('.').count() > 1)
}

/// Every file under `dir`, sorted, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Validates bytes against the shipped guides.
pub fn validate(bytes: &[u8]) -> ValidationReport {
    let catalog = Catalog::x12().expect("shipped guides load");
    Validator::new(catalog).validate(bytes)
}

/// The ack codes of every error in a report, as displayed (`AK403 7`).
pub fn error_codes(report: &ValidationReport) -> Vec<String> {
    report
        .all_issues()
        .filter(|i| i.is_error())
        .map(|i| i.code.to_string())
        .collect()
}

/// The crate's own directory.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every issue as "<code> <message>", for assertions on what was said.
pub fn messages(report: &ValidationReport) -> Vec<String> {
    report
        .all_issues()
        .map(|i| format!("{} {}", i.code, i.message))
        .collect()
}

/// The acknowledgment of `input` (997/999/TA1 as `kind` or the version
/// says), stamped `date`/`time`, control numbers from 1.
pub fn ack_text(
    input: &[u8],
    kind: Option<edigate::edi::x12::ack::AckKind>,
    date: &str,
    time: &str,
) -> String {
    use edigate::edi::x12::ack::{acknowledge, Stamp};
    use edigate::edi::x12::writer::SequentialCounter;
    use edigate::edi::x12::{ControlNumbers, Writer};
    let report = validate(input);
    let stamp = Stamp {
        date: date.into(),
        time: time.into(),
    };
    let mut counter = SequentialCounter::starting_at(1);
    let mut out = Vec::new();
    for (interchange, delimiters) in
        acknowledge(&report, kind, &stamp).expect("an interchange to acknowledge")
    {
        Writer::new(delimiters)
            .write(
                &interchange,
                &mut ControlNumbers::Generate(&mut counter),
                &mut out,
            )
            .expect("acknowledgments write");
    }
    String::from_utf8(out).expect("acknowledgments are text")
}

/// Validates EDIFACT bytes against the shipped guides.
pub fn validate_edifact(bytes: &[u8]) -> edigate::edi::edifact::ValidationReport {
    let catalog = Catalog::edifact().expect("shipped EDIFACT guides load");
    edigate::edi::edifact::Validator::new(catalog).validate(bytes)
}

/// The errors of an EDIFACT report as `<CONTRL segment> <0085 code>`
/// (`UCD 12`).
pub fn edifact_error_codes(report: &edigate::edi::edifact::ValidationReport) -> Vec<String> {
    report
        .all_issues()
        .filter(|i| i.is_error())
        .map(|i| {
            format!(
                "{} {}",
                i.level.contrl_segment(),
                i.code.map_or("-".to_string(), |c| c.to_string())
            )
        })
        .collect()
}

/// The CONTRL answering `input`, stamped `date` (CCYYMMDD) `time`,
/// references from 1.
pub fn contrl_text(input: &[u8], date: &str, time: &str) -> String {
    use edigate::edi::edifact::contrl::{write_contrls, Stamp};
    let report = validate_edifact(input);
    let stamp = Stamp {
        date: date.into(),
        time: time.into(),
    };
    let out = write_contrls(&report, &stamp, 1, Vec::new()).expect("CONTRL writes");
    String::from_utf8(out).expect("CONTRL in these tests is text")
}
