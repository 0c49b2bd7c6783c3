//! Our own samples (samples/x12, fictional data): valid ones validate
//! cleanly, each invalid one reports exactly the error its README row names,
//! and every acknowledgment matches its golden file.
//!
//! `EDIGATE_BLESS=1 cargo test --test x12_samples` rewrites the golden
//! acknowledgments; review the diff before committing.

mod common;

use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    common::project_dir().join("samples/x12")
}

fn sample_files() -> Vec<PathBuf> {
    common::files_under(&samples())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "edi"))
        .filter(|p| !common::is_mapping_golden(p))
        .collect()
}

/// The invalid samples and their expected code, from the README table.
fn expected_codes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(samples().join("README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.contains("-invalid-"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`').to_string();
            let code = cells.get(3)?.trim_matches('`').to_string();
            Some((file, code))
        })
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(samples())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn valid_samples_validate_without_a_single_issue() {
    let mut seen = 0;
    for file in sample_files()
        .into_iter()
        .filter(|f| !relative(f).contains("-invalid-"))
    {
        let report = common::validate(&std::fs::read(&file).unwrap());
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        assert!(
            report.is_valid() && issues.is_empty(),
            "{}: {issues:#?}",
            relative(&file)
        );
        seen += 1;
    }
    assert!(seen >= 18, "only {seen} valid samples");
}

#[test]
fn each_invalid_sample_reports_exactly_its_error() {
    let expected = expected_codes();
    let invalid: Vec<PathBuf> = sample_files()
        .into_iter()
        .filter(|f| relative(f).contains("-invalid-"))
        .collect();
    assert_eq!(
        expected.len(),
        invalid.len(),
        "every invalid sample needs a README row"
    );
    for file in invalid {
        let name = relative(&file);
        let (_, code) = expected
            .iter()
            .find(|(f, _)| *f == name)
            .unwrap_or_else(|| panic!("no README row for {name}"));
        let report = common::validate(&std::fs::read(&file).unwrap());
        assert_eq!(
            common::error_codes(&report),
            std::slice::from_ref(code),
            "{name}"
        );
    }
}

#[test]
fn acknowledgments_match_their_golden_files() {
    let bless = std::env::var_os("EDIGATE_BLESS").is_some();
    let mut mismatches = Vec::new();
    for file in sample_files() {
        let golden = file.with_extension("ack");
        let got = common::ack_text(&std::fs::read(&file).unwrap(), None, "20260101", "1200");
        if bless {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("missing {}", golden.display()));
        if got != want {
            mismatches.push(format!(
                "{}:\n--- golden\n{want}--- got\n{got}",
                relative(&golden)
            ));
        }
        // Acknowledgments are not acknowledged; anything else gets one, and
        // it is itself valid X12.
        let is_ack = relative(&file).starts_with("997/") || relative(&file).starts_with("999/");
        assert_eq!(got.is_empty(), is_ack, "{}", relative(&file));
        if got.is_empty() {
            continue;
        }
        let report = common::validate(got.as_bytes());
        assert!(
            report.is_valid(),
            "{}: {:#?}",
            relative(&golden),
            report.all_issues().collect::<Vec<_>>()
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
