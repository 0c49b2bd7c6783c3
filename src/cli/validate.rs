//! `edigate validate FILE...`

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::PathBuf;

use edigate::cxml;
use edigate::detect::{detect, Format};
use edigate::edi::edifact;
use edigate::edi::guide::{load_partner_guide, Catalog};
use edigate::edi::x12::{ValidateOptions, ValidationReport, Validator};
use edigate::oci;
use serde::Serialize;

use super::{EXIT_INVALID, EXIT_USAGE, EXIT_VALID};

/// Arguments of `validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to validate.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print a machine-readable JSON report instead of text.
    #[arg(long)]
    json: bool,
    /// A partner guide (TOML) narrowing a shipped guide; may be repeated.
    #[arg(long = "partner-guide")]
    partner_guides: Vec<PathBuf>,
    /// Print peak memory use and throughput after the report.
    #[arg(long)]
    stats: bool,
}

#[derive(Serialize)]
struct FileResult {
    file: String,
    format: &'static str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A report in the syntax of the file.
#[derive(Serialize)]
#[serde(untagged)]
enum Report {
    X12(ValidationReport),
    Edifact(edifact::ValidationReport),
    Document(DocumentReport),
}

impl Report {
    fn bytes_and_segments(&self) -> (u64, u64) {
        match self {
            Report::X12(r) => (r.bytes, r.segments),
            Report::Edifact(r) => (r.bytes, r.segments),
            Report::Document(r) => (r.bytes, 0),
        }
    }
}

/// The report on a cXML document or an OCI cart.
#[derive(Serialize)]
struct DocumentReport {
    /// The message (`OrderRequest`, `OCI cart`).
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtd: Option<String>,
    /// Cart or order lines, where the document has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<usize>,
    errors: Vec<cxml::Warning>,
    warnings: Vec<cxml::Warning>,
    bytes: u64,
}

/// The validators of each syntax, with the partner guides given.
struct Validators<'c> {
    x12: Validator<'c>,
    edifact: edifact::Validator<'c>,
}

/// Runs `validate`; returns the exit code.
pub fn run(args: Args) -> u8 {
    let validators = match validators(&args.partner_guides) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("edigate: {e}");
            return EXIT_USAGE;
        }
    };
    let started = std::time::Instant::now();
    let mut results = Vec::new();
    let mut io_failed = false;
    for path in &args.files {
        let result = validate_file(&validators, path);
        io_failed |= result.format == "unreadable";
        results.push(result);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = if args.json {
        serde_json::to_writer_pretty(&mut out, &results)
            .map_err(io::Error::other)
            .and_then(|_| writeln!(out))
    } else {
        results.iter().try_for_each(|r| print_text(&mut out, r))
    };
    if printed.is_err() {
        return EXIT_USAGE;
    }
    if args.stats {
        print_stats(&results, started.elapsed());
    }
    if io_failed {
        EXIT_USAGE
    } else if results.iter().all(|r| r.valid) {
        EXIT_VALID
    } else {
        EXIT_INVALID
    }
}

/// Validates one file as `validate` does (shipped guides): whether it is
/// valid, and the text report.
pub(super) fn report(path: &PathBuf) -> Result<(bool, String), String> {
    let validators = validators(&[])?;
    let result = validate_file(&validators, path);
    if result.format == "unreadable" {
        return Err(result.error.unwrap_or_default());
    }
    let mut text = Vec::new();
    print_text(&mut text, &result).map_err(|e| e.to_string())?;
    Ok((result.valid, String::from_utf8_lossy(&text).into_owned()))
}

/// Loads the shipped guides and applies each partner guide to the syntax
/// its base names (`004010/850` is X12, `D96A/ORDERS` EDIFACT).
fn validators(partner_guides: &[PathBuf]) -> Result<Validators<'static>, String> {
    let x12_catalog =
        Catalog::x12().map_err(|e| format!("the shipped X12 guides do not load: {e}"))?;
    let edifact_catalog =
        Catalog::edifact().map_err(|e| format!("the shipped EDIFACT guides do not load: {e}"))?;
    let mut x12 = Validator::new(x12_catalog).with_options(ValidateOptions {
        keep_accepted_sets: false,
        ..ValidateOptions::default()
    });
    let mut edifact =
        edifact::Validator::new(edifact_catalog).with_options(edifact::ValidateOptions {
            keep_accepted_messages: false,
            ..edifact::ValidateOptions::default()
        });
    for path in partner_guides {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let is_x12 = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("base"))
            .is_some_and(|rest| rest.trim_start_matches([' ', '=', '"']).starts_with('0'));
        let catalog = if is_x12 { x12_catalog } else { edifact_catalog };
        let guide = load_partner_guide(catalog, &name, &text).map_err(|e| e.to_string())?;
        if is_x12 {
            x12 = x12.with_partner_guide(guide);
        } else {
            edifact = edifact.with_partner_guide(guide);
        }
    }
    Ok(Validators { x12, edifact })
}

fn validate_file(validators: &Validators<'_>, path: &PathBuf) -> FileResult {
    let file = path.display().to_string();
    let unreadable = |e: io::Error| FileResult {
        file: file.clone(),
        format: "unreadable",
        valid: false,
        report: None,
        error: Some(format!("cannot read {file}: {e}")),
    };
    let mut reader = match File::open(path) {
        Ok(f) => BufReader::with_capacity(64 * 1024, f),
        Err(e) => return unreadable(e),
    };
    let mut head = [0u8; 64];
    let n = match read_head(&mut reader, &mut head) {
        Ok(n) => n,
        Err(e) => return unreadable(e),
    };
    let format = detect(&head[..n]);
    match format {
        Format::X12 => {
            let report = validators.x12.validate(head[..n].chain(reader));
            FileResult {
                file,
                format: "X12",
                valid: report.is_valid(),
                report: Some(Report::X12(report)),
                error: None,
            }
        }
        Format::Edifact => {
            let report = validators.edifact.validate(head[..n].chain(reader));
            FileResult {
                file,
                format: "EDIFACT",
                valid: report.is_valid(),
                report: Some(Report::Edifact(report)),
                error: None,
            }
        }
        Format::Xml | Format::Unknown => {
            let mut bytes = head[..n].to_vec();
            let limit = edigate::xml::Limits::default().max_bytes as u64;
            if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
                return unreadable(e);
            }
            validate_document(file, &bytes)
        }
    }
}

/// cXML, an OCI cart (form body or HTML page), or nothing we know.
fn validate_document(file: String, bytes: &[u8]) -> FileResult {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let result = |format: &'static str, report: DocumentReport| FileResult {
        file: file.clone(),
        format,
        valid: report.errors.is_empty(),
        report: Some(Report::Document(report)),
        error: None,
    };
    if start.contains("<cxml") {
        return result("cXML", cxml_report(bytes));
    }
    let text = String::from_utf8_lossy(bytes);
    if text.contains("NEW_ITEM-") {
        return result("OCI", oci_report(&text, bytes.len()));
    }
    if text
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("HOOK_URL=")
        || text.contains("&HOOK_URL=")
    {
        return result("OCI", oci_entry_report(&text, bytes.len()));
    }
    let error = if bytes.is_empty() {
        "the file is empty".to_string()
    } else if start.trim_start().starts_with('<') {
        "an XML or HTML document, but neither cXML (no <cXML> root) nor an OCI cart (no NEW_ITEM- fields)".to_string()
    } else {
        format!(
            "not an EDI file: it starts with \"{}\", not ISA (X12), UNA/UNB (EDIFACT), cXML or an OCI cart",
            edigate::edi::x12::delimiters::excerpt(&bytes[..bytes.len().min(20)], 20)
        )
    };
    FileResult {
        file,
        format: "unknown",
        valid: false,
        report: None,
        error: Some(error),
    }
}

fn cxml_report(bytes: &[u8]) -> DocumentReport {
    match cxml::read(bytes) {
        Ok(document) => {
            let lines = match &document.envelope.body {
                cxml::Body::Request {
                    request: cxml::Request::Order(o),
                    ..
                } => Some(o.items.len()),
                cxml::Body::Message {
                    message: cxml::MessageContent::PunchOutOrder(m),
                    ..
                } => Some(m.items.len()),
                _ => None,
            };
            DocumentReport {
                kind: document.envelope.kind(),
                payload_id: Some(document.envelope.payload_id.clone()),
                dtd: document.dtd.clone(),
                lines,
                errors: cxml::errors(&document),
                warnings: document.warnings,
                bytes: bytes.len() as u64,
            }
        }
        Err(e) => DocumentReport {
            kind: "cXML".into(),
            payload_id: None,
            dtd: None,
            lines: None,
            errors: vec![match e {
                cxml::ReadError::Cxml(c) => cxml::Warning {
                    path: c.path,
                    message: c.message,
                },
                cxml::ReadError::Xml(x) => cxml::Warning {
                    path: String::new(),
                    message: x.to_string(),
                },
            }],
            warnings: Vec::new(),
            bytes: bytes.len() as u64,
        },
    }
}

fn oci_entry_report(text: &str, bytes: usize) -> DocumentReport {
    let fields = cxml::parse_form_body(text.trim().as_bytes());
    let errors = match oci::parse_entry(&fields) {
        Ok(_) => Vec::new(),
        Err(e) => vec![cxml::Warning {
            path: String::new(),
            message: e.to_string(),
        }],
    };
    DocumentReport {
        kind: "OCI entry call".into(),
        payload_id: None,
        dtd: None,
        lines: None,
        errors,
        warnings: Vec::new(),
        bytes: bytes as u64,
    }
}

fn oci_report(text: &str, bytes: usize) -> DocumentReport {
    let html = text.trim_start().starts_with('<') || text.starts_with("HTTP/");
    let fields = if html {
        oci::fields_from_html(text)
    } else {
        cxml::parse_form_body(text.trim().as_bytes())
    };
    let finding = |message: String| cxml::Warning {
        path: String::new(),
        message,
    };
    match oci::parse_cart(&fields) {
        Ok(cart) => {
            let (errors, long) = oci::check_cart(&cart.items);
            DocumentReport {
                kind: "OCI cart".into(),
                payload_id: None,
                dtd: None,
                lines: Some(cart.items.len()),
                errors: errors.into_iter().map(finding).collect(),
                warnings: cart.warnings.into_iter().chain(long).map(finding).collect(),
                bytes: bytes as u64,
            }
        }
        Err(e) => DocumentReport {
            kind: "OCI cart".into(),
            payload_id: None,
            dtd: None,
            lines: None,
            errors: vec![finding(e.to_string())],
            warnings: Vec::new(),
            bytes: bytes as u64,
        },
    }
}

fn read_head(reader: &mut impl Read, head: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match reader.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn print_text(out: &mut impl Write, r: &FileResult) -> io::Result<()> {
    let verdict = if r.valid { "valid" } else { "INVALID" };
    writeln!(out, "{}: {} ({})", r.file, verdict, r.format)?;
    if let Some(e) = &r.error {
        writeln!(out, "  error: {e}")?;
    }
    match &r.report {
        Some(Report::X12(report)) => print_x12(out, report),
        Some(Report::Edifact(report)) => print_edifact(out, report),
        Some(Report::Document(report)) => print_document(out, report),
        None => Ok(()),
    }
}

fn print_document(out: &mut impl Write, report: &DocumentReport) -> io::Result<()> {
    let lines = report
        .lines
        .map(|n| format!(", {n} line(s)"))
        .unwrap_or_default();
    let payload = report
        .payload_id
        .as_deref()
        .map(|p| format!(" payloadID {p}"))
        .unwrap_or_default();
    writeln!(out, "  {}{payload}{lines}", report.kind)?;
    for (label, list) in [("error", &report.errors), ("warning", &report.warnings)] {
        for f in list {
            if f.path.is_empty() {
                writeln!(out, "  {label}: {}", f.message)?;
            } else {
                writeln!(out, "  {label} at {}: {}", f.path, f.message)?;
            }
        }
    }
    Ok(())
}

fn print_x12(out: &mut impl Write, report: &ValidationReport) -> io::Result<()> {
    for interchange in &report.interchanges {
        let sets: u32 = interchange.groups.iter().map(|g| g.sets_received).sum();
        let accepted: u32 = interchange.groups.iter().map(|g| g.sets_accepted).sum();
        writeln!(
            out,
            "  interchange {} from {}:{} to {}:{}: {} group(s), {sets} set(s), {accepted} accepted",
            interchange.header.control_number,
            interchange.header.sender_qualifier,
            interchange.header.sender_id.trim_end(),
            interchange.header.receiver_qualifier,
            interchange.header.receiver_id.trim_end(),
            interchange.groups.len(),
        )?;
    }
    for issue in report.all_issues() {
        let text = issue.to_string().replace('\n', "\n  ");
        writeln!(out, "  {text}")?;
    }
    Ok(())
}

fn print_edifact(out: &mut impl Write, report: &edifact::ValidationReport) -> io::Result<()> {
    for interchange in &report.interchanges {
        let h = &interchange.header;
        let unguided = match interchange.unguided {
            0 => String::new(),
            n => format!(" ({n} without a guide: envelope and repertoire checked only)"),
        };
        writeln!(
            out,
            "  interchange {} ({}:{}) from {} to {}: {} message(s), {} accepted{unguided}",
            h.reference,
            h.syntax_identifier,
            h.syntax_version,
            h.sender.id,
            h.recipient.id,
            interchange.messages_received(),
            interchange.messages_accepted(),
        )?;
    }
    for issue in report.all_issues() {
        let text = issue.to_string().replace('\n', "\n  ");
        writeln!(out, "  {text}")?;
    }
    Ok(())
}

fn print_stats(results: &[FileResult], elapsed: std::time::Duration) {
    let (bytes, segments) = results
        .iter()
        .filter_map(|r| r.report.as_ref())
        .map(Report::bytes_and_segments)
        .fold((0, 0), |(b, s), (rb, rs)| (b + rb, s + rs));
    let secs = elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "stats: {bytes} bytes, {segments} segments in {secs:.3} s ({:.1} MB/s, {:.0} segments/s), peak RSS {}",
        bytes as f64 / secs / 1e6,
        segments as f64 / secs,
        peak_rss().unwrap_or_else(|| "unknown".into())
    );
}

/// Peak resident set size, from /proc (Linux).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_string())
}
