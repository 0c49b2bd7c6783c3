//! Our own EDIFACT samples (samples/edifact, fictional data): valid ones
//! validate without an issue, each invalid one reports the error its README
//! row names, and every CONTRL matches its golden file.
//!
//! `EDIGATE_BLESS=1 cargo test --test edifact_samples` rewrites the golden
//! CONTRLs; review the diff before committing.

mod common;

use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    common::project_dir().join("samples/edifact")
}

fn sample_files() -> Vec<PathBuf> {
    common::files_under(&samples())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "edi"))
        .filter(|p| !common::is_mapping_golden(p))
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(samples())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The invalid samples and their expected error, from the README table.
fn expected_codes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(samples().join("README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.contains("-invalid.edi"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(" | ").map(str::trim).collect();
            let file = cells.first()?.trim_start_matches("| ").trim_matches('`');
            let code = cells.get(2)?.trim_end_matches(" |").trim_matches('`');
            Some((file.to_string(), code.to_string()))
        })
        .collect()
}

#[test]
fn valid_samples_validate_without_a_single_issue() {
    let mut seen = 0;
    for file in sample_files()
        .into_iter()
        .filter(|f| !relative(f).contains("-invalid"))
    {
        let report = common::validate_edifact(&std::fs::read(&file).unwrap());
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        assert!(
            report.is_valid() && issues.is_empty(),
            "{}: {issues:#?}",
            relative(&file)
        );
        seen += 1;
    }
    assert!(seen >= 4);
}

#[test]
fn invalid_samples_report_their_documented_error() {
    let expected = expected_codes();
    let invalid: Vec<PathBuf> = sample_files()
        .into_iter()
        .filter(|f| relative(f).contains("-invalid"))
        .collect();
    assert_eq!(
        expected.len(),
        invalid.len(),
        "one README row per invalid sample"
    );
    for (file, code) in expected {
        let report = common::validate_edifact(&std::fs::read(samples().join(&file)).unwrap());
        let codes = common::edifact_error_codes(&report);
        assert!(!report.is_valid(), "{file}");
        assert!(
            codes.contains(&code),
            "{file}: expected {code} in {codes:?}"
        );
    }
}

#[test]
fn contrls_match_their_golden_files() {
    let bless = std::env::var_os("EDIGATE_BLESS").is_some();
    for file in sample_files() {
        let input = std::fs::read(&file).unwrap();
        let contrl = common::contrl_text(&input, "20260102", "0800");
        let golden = file.with_extension("contrl");
        if bless {
            std::fs::write(&golden, &contrl).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "{} has no golden CONTRL; run with EDIGATE_BLESS=1",
                relative(&file)
            )
        });
        assert_eq!(contrl, expected, "{}", relative(&file));
        // A CONTRL is itself a valid EDIFACT interchange.
        let report = common::validate_edifact(contrl.as_bytes());
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        assert!(
            report.is_valid(),
            "CONTRL for {}: {issues:#?}\n{contrl}",
            relative(&file)
        );
    }
}
