//! `edigate translate FILE [--to json|x12|edifact|cxml] [--mapping FILE]
//! [--partner CONNECTOR]`

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use edigate::connector::{Connector, Syntax as ConnectorSyntax};
use edigate::detect::{detect, Format};
use edigate::document::Document;
use edigate::mapping::{Library, Mapping, Syntax};
use edigate::translate::{self, Envelope};

use super::{EXIT_INVALID, EXIT_USAGE, EXIT_VALID};

/// What to write.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Canonical JSON.
    Json,
    /// ANSI X12.
    X12,
    /// UN/EDIFACT.
    Edifact,
    /// cXML (an Order as an OrderRequest).
    Cxml,
}

/// Arguments of `translate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An X12, EDIFACT, cXML (OrderRequest, PunchOutOrderMessage) or OCI
    /// cart file, or canonical JSON (one document or a list).
    file: PathBuf,
    /// The output format (JSON for partner files; required for JSON input).
    #[arg(long)]
    to: Option<Target>,
    /// A mapping file (a partner override) used before the shipped ones.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Translate as for this connector (`connectors/<name>.toml`): its
    /// mapping overrides, the syntax and version it takes, its identity as
    /// the receiver of a written interchange.
    #[arg(long)]
    partner: Option<String>,
    /// Where the connectors are.
    #[arg(long, default_value = "connectors")]
    connectors: PathBuf,
    /// The partner version to write (`004010`, `005010`, `D96A`).
    #[arg(long = "target-version")]
    target_version: Option<String>,
    /// Sender identity of a written interchange (`ZZ:EDIGATE`), or the
    /// cXML Sender credential (`NetworkID:EDIGATE`).
    #[arg(long, default_value = "ZZ:EDIGATE")]
    sender: String,
    /// Receiver identity of a written interchange (`ZZ:PARTNER`, or the
    /// `--partner`'s identity).
    #[arg(long)]
    receiver: Option<String>,
    /// Preparation time of a written interchange or cXML timestamp
    /// (`2026-01-15T09:30`; default now), for reproducible output.
    #[arg(long)]
    prepared: Option<String>,
    /// The first control number of a written interchange.
    #[arg(long, default_value_t = 1)]
    control_number: u64,
}

/// Runs `translate`; returns the exit code.
pub fn run(args: Args) -> u8 {
    match translate_file(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("edigate: {message}");
            EXIT_USAGE
        }
    }
}

fn translate_file(args: &Args) -> Result<u8, String> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let partner = partner(args)?;
    let mappings = mappings(args.mapping.as_deref(), partner.as_ref())?;
    let format = detect(&bytes[..bytes.len().min(64)]);
    let documents = match format {
        Format::X12 | Format::Edifact => {
            let (valid, report) = super::validate::report(&args.file)?;
            if !valid {
                print!("{report}");
                return Ok(EXIT_INVALID);
            }
            let read = if format == Format::X12 {
                translate::read_x12(&bytes, &mappings)
            } else {
                translate::read_edifact(&bytes, &mappings)
            };
            match read {
                Ok(list) => list.into_iter().map(|t| t.document).collect(),
                Err(e) => {
                    println!("{}: cannot translate: {e}", args.file.display());
                    return Ok(EXIT_INVALID);
                }
            }
        }
        _ if looks_like_json(&bytes) => {
            read_json(&bytes).map_err(|e| format!("{}: {e}", args.file.display()))?
        }
        _ => {
            let (valid, report) = super::validate::report(&args.file)?;
            if !valid {
                print!("{report}");
                return Ok(EXIT_INVALID);
            }
            match translate::read_cxml_or_oci(&bytes) {
                Ok(list) => list.into_iter().map(|t| t.document).collect(),
                Err(e) => {
                    println!("{}: cannot translate: {e}", args.file.display());
                    return Ok(EXIT_INVALID);
                }
            }
        }
    };
    let partner_writes = partner.as_ref().and_then(|p| match p.outbound_syntax()? {
        ConnectorSyntax::X12 => Some(Target::X12),
        ConnectorSyntax::Edifact => Some(Target::Edifact),
        ConnectorSyntax::Cxml => Some(Target::Cxml),
    });
    // JSON goes out in the partner's syntax; a partner file comes in as
    // JSON unless told otherwise.
    let target = match (args.to, format) {
        (Some(to), _) => to,
        (None, _) if looks_like_json(&bytes) => partner_writes.unwrap_or(Target::Json),
        (None, _) => Target::Json,
    };
    let out = match target {
        Target::Json => {
            let value = match documents.as_slice() {
                [one] => serde_json::to_value(one),
                many => serde_json::to_value(many),
            }
            .map_err(|e| e.to_string())?;
            let mut text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        Target::X12 | Target::Edifact => {
            let syntax = if target == Target::X12 {
                Syntax::X12
            } else {
                Syntax::Edifact
            };
            match write_partner(args, partner.as_ref(), &documents, &mappings, syntax)? {
                Some(bytes) => bytes,
                None => return Ok(EXIT_INVALID),
            }
        }
        Target::Cxml => write_cxml(args, &documents)?,
    };
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| e.to_string())?;
    Ok(EXIT_VALID)
}

/// The connector `--partner` names.
fn partner(args: &Args) -> Result<Option<Connector>, String> {
    let Some(name) = &args.partner else {
        return Ok(None);
    };
    let connectors = edigate::connector::load_dir(&args.connectors)
        .map_err(|e| format!("{}: {e}", args.connectors.display()))?;
    connectors.get(name).cloned().map(Some).ok_or_else(|| {
        let known: Vec<&str> = connectors.all().map(|c| c.id.as_str()).collect();
        format!(
            "no connector {name:?} in {} (there are: {})",
            args.connectors.display(),
            known.join(", ")
        )
    })
}

/// `--mapping` first, then the partner's overrides laid over the shipped
/// mappings (or the shipped ones alone).
fn mappings(
    extra: Option<&std::path::Path>,
    partner: Option<&Connector>,
) -> Result<Vec<&'static Mapping>, String> {
    let mut list: Vec<&'static Mapping> = Vec::new();
    if let Some(path) = extra {
        let (library, name, _) =
            Library::with_file(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mapping = library.load(&name).map_err(|e| e.to_string())?;
        list.push(Box::leak(Box::new(mapping)));
    }
    match partner.and_then(|p| p.mappings.as_deref()) {
        Some(dir) => {
            let overlaid = edigate::mapping::load_overlaid(Some(dir))?;
            list.extend(Box::leak(overlaid.into_boxed_slice()).iter());
        }
        None => list.extend(Library::shipped().iter()),
    }
    Ok(list)
}

fn looks_like_json(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    start
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

fn read_json(bytes: &[u8]) -> Result<Vec<Document>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not X12, EDIFACT or JSON: {e}"))?;
    let list = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| serde_json::from_value(v).map_err(|e| format!("document {}: {e}", i + 1)))
        .collect()
}

fn identity(text: &str) -> (String, String) {
    match text.split_once(':') {
        Some((q, id)) => (q.to_string(), id.to_string()),
        None => ("ZZ".into(), text.to_string()),
    }
}

/// Orders as cXML OrderRequests, one document each (cXML carries one
/// request per document), the sender being `--sender` (`NetworkID:…`).
fn write_cxml(args: &Args, documents: &[Document]) -> Result<Vec<u8>, String> {
    let (domain, identity) = identity(&args.sender);
    let sender = edigate::cxml::Credential::new(
        if domain == "ZZ" { "NetworkID" } else { &domain },
        &identity,
    );
    let at = prepared(args)?.and_utc().fixed_offset();
    let mut out = Vec::new();
    for (n, document) in documents.iter().enumerate() {
        let Document::Order(order) = document else {
            return Err(format!(
                "document {}: only orders are written as cXML (OrderRequest)",
                n + 1
            ));
        };
        let payload_id = format!("{}.{}@edigate", args.control_number + n as u64, order.id);
        let text =
            translate::order_request::order_request_document(order, &sender, &payload_id, at);
        for path in translate::order_request::not_carried(order, &text) {
            eprintln!(
                "edigate: warning: order {}: cXML does not carry {path}",
                order.id
            );
        }
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }
    Ok(out)
}

/// `--prepared`, or now.
fn prepared(args: &Args) -> Result<NaiveDateTime, String> {
    match &args.prepared {
        Some(text) => NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .map_err(|_| format!("--prepared {text:?}: write 2026-01-15T09:30")),
        None => Ok(chrono::Local::now().naive_local()),
    }
}

fn write_partner(
    args: &Args,
    partner: Option<&Connector>,
    documents: &[Document],
    mappings: &[&Mapping],
    syntax: Syntax,
) -> Result<Option<Vec<u8>>, String> {
    // The partner's version and identity, unless told otherwise.
    let (partner_version, partner_id) = match (syntax, partner) {
        (Syntax::X12, Some(p)) => match &p.x12 {
            Some(x) => (
                Some(x.version.clone()),
                Some((x.qualifier.clone(), x.id.clone())),
            ),
            None => (None, None),
        },
        (Syntax::Edifact, Some(p)) => match &p.edifact {
            Some(e) => (
                Some(e.version.clone()),
                Some((e.qualifier.clone().unwrap_or_default(), e.id.clone())),
            ),
            None => (None, None),
        },
        _ => (None, None),
    };
    let version = args.target_version.clone().or(partner_version);
    let Some(first) = documents.first() else {
        return Err("there is no document to write".into());
    };
    let kind = serde_json::to_value(first)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default();
    let mapping = mappings
        .iter()
        .find(|m| {
            m.syntax == syntax
                && m.document == kind
                && version.as_ref().is_none_or(|v| *v == m.version)
        })
        .ok_or_else(|| {
            format!(
                "no mapping writes a {kind} as {}{}",
                syntax.name(),
                version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            )
        })?;
    let envelope = Envelope {
        sender: identity(&args.sender),
        receiver: match (&args.receiver, partner_id) {
            (Some(given), _) => identity(given),
            (None, Some(id)) => id,
            (None, None) => identity("ZZ:PARTNER"),
        },
        prepared: prepared(args)?,
        control_number: args.control_number,
        test: false,
    };
    let written = match syntax {
        Syntax::X12 => translate::write_x12(documents, mapping, &envelope),
        Syntax::Edifact => translate::write_edifact(documents, mapping, &envelope),
    };
    match written {
        Ok((bytes, warnings)) => {
            for w in warnings {
                eprintln!("edigate: warning: {w}");
            }
            Ok(Some(bytes))
        }
        Err(e) => {
            println!("cannot write {}: {e}", args.file.display());
            Ok(None)
        }
    }
}
