//! Mappings between partner formats and the canonical documents, as data
//! files under `mappings/` (embedded at build time; see
//! mappings/README.md for the format).
//!
//! A mapping file names one partner message (X12 004010 850, EDIFACT D96A
//! ORDERS) and one canonical document. Its rules pair element positions
//! with document fields and run both ways: [`Mapping::read`] (partner →
//! canonical) and [`Mapping::write`] (canonical → partner). Files are
//! checked and compiled once ([`Library::load`]): unknown positions,
//! unknown fields and kind mismatches are errors naming file and line.

mod codes;
mod compile;
mod compute;
mod convert;
mod example;
mod field;
mod file;
mod inbound;
mod locate;
mod outbound;
mod segments;

pub use codes::{CodeTable, CodeTableError};
pub use file::TestCase;
pub use outbound::Written;
pub use segments::Seg;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::document::Document;
use crate::edi::guide::{Catalog, SetGuide};

/// Every file under `mappings/`, as (path relative to `mappings/`, text).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_mappings.rs"));

/// A mapping file that cannot be used, with the file and line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct MappingError {
    /// The file (relative to the mappings directory).
    pub file: String,
    /// The line (1-based; 0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A message that a mapping could not translate: the rule (file:line),
/// the source position (segment and element, or field) and what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{at}: {message}", rule.as_ref().map(|r| format!("rule {r}, ")).unwrap_or_default())]
pub struct MapError {
    /// The rule, as `file:line`.
    pub rule: Option<String>,
    /// Where in the input.
    pub at: String,
    /// What failed.
    pub message: String,
}

/// The shipped code table in `mappings/codes/<name>.toml`.
pub fn code_table(name: &str) -> Result<&'static CodeTable, CodeTableError> {
    static TABLES: OnceLock<HashMap<String, Result<CodeTable, CodeTableError>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        EMBEDDED
            .iter()
            .filter_map(|(path, text)| {
                let name = path.strip_prefix("codes/")?.strip_suffix(".toml")?;
                Some((name.to_string(), CodeTable::parse(path, text)))
            })
            .collect()
    });
    match tables.get(name) {
        Some(Ok(table)) => Ok(table),
        Some(Err(e)) => Err(e.clone()),
        None => Err(CodeTableError {
            file: format!("codes/{name}.toml"),
            line: 0,
            message: "no such code table is shipped".into(),
        }),
    }
}

/// The partner syntax a mapping reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// ANSI ASC X12.
    X12,
    /// UN/EDIFACT.
    Edifact,
}

impl Syntax {
    /// `x12` or `edifact`.
    pub fn name(&self) -> &'static str {
        match self {
            Syntax::X12 => "x12",
            Syntax::Edifact => "edifact",
        }
    }
}

/// A loaded, checked mapping.
#[derive(Debug)]
pub struct Mapping {
    /// What it is.
    pub name: String,
    /// Its file, relative to the mappings directory.
    pub file: String,
    /// The partner syntax.
    pub syntax: Syntax,
    /// The version (`004010`, `D96A`).
    pub version: String,
    /// The message (`850`, `ORDERS`).
    pub message: String,
    /// The canonical document type (`order`).
    pub document: String,
    /// The guide its positions refer to.
    pub guide: Arc<SetGuide>,
    /// Test cases (paths relative to the file), with their lines.
    pub tests: Vec<(usize, TestCase)>,
    hierarchy: Option<compile::Hierarchy>,
    root: compile::Scope,
}

impl Mapping {
    /// Partner → canonical: `segments` is one message from its header
    /// (`ST`, `UNH`) on. The result carries `"type"` and is checked by
    /// deserialising it as a [`Document`].
    pub fn read(&self, segments: &[Seg]) -> Result<Document, MapError> {
        let object = self.read_body(segments)?;
        typed(&self.document, Value::Object(object)).map_err(|e| MapError {
            rule: None,
            at: self.file.clone(),
            message: format!("the mapped document is not a valid {}: {e}", self.document),
        })
    }

    fn read_body(&self, segments: &[Seg]) -> Result<serde_json::Map<String, Value>, MapError> {
        let separator = match self.syntax {
            Syntax::X12 => '*',
            Syntax::Edifact => '+',
        };
        inbound::read(
            &self.guide,
            &self.root,
            self.hierarchy.as_ref(),
            segments,
            separator,
        )
    }

    /// Canonical → partner: the message body (between header and trailer).
    pub fn write(&self, document: &Document) -> Result<Written, MapError> {
        let value = serde_json::to_value(document).map_err(|e| MapError {
            rule: None,
            at: String::new(),
            message: e.to_string(),
        })?;
        self.write_value(&value)
    }

    /// [`Mapping::write`] for a document already in JSON form (with its
    /// `"type"`).
    pub fn write_value(&self, value: &Value) -> Result<Written, MapError> {
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind != self.document {
            return Err(MapError {
                rule: None,
                at: self.file.clone(),
                message: format!("this mapping writes a {}, not a {kind}", self.document),
            });
        }
        outbound::write(&self.root, &self.guide.root, self.hierarchy.as_ref(), value)
    }

    /// Partner → canonical JSON, without the check against the document
    /// type (for property tests that compare field by field).
    pub fn read_value(&self, segments: &[Seg]) -> Result<Value, MapError> {
        let mut object = self.read_body(segments)?;
        object.insert("type".into(), Value::String(self.document.clone()));
        Ok(Value::Object(object))
    }

    /// An example document in JSON: every field this mapping carries both
    /// ways gets a value of its kind (codes its tables can write back,
    /// dates, decimals within the element's places), chosen by `seed`.
    pub fn example(&self, seed: u64) -> Value {
        let mut object = serde_json::Map::new();
        example::fill_scope(&self.root, &mut example::Dice::new(seed), &mut object);
        object.insert("type".into(), Value::String(self.document.clone()));
        Value::Object(object)
    }
}

/// A document of type `kind` from its JSON fields (without `"type"`):
/// straight into the type, which is much cheaper than through the tagged
/// [`Document`] (serde buffers a tagged enum's whole content first).
fn typed(kind: &str, value: Value) -> Result<Document, serde_json::Error> {
    use crate::document::*;
    use serde::de::Error;
    Ok(match kind {
        "order" => Document::Order(serde_json::from_value(value)?),
        "order_response" => Document::OrderResponse(serde_json::from_value(value)?),
        "order_change" => Document::OrderChange(serde_json::from_value(value)?),
        "despatch_advice" => Document::DespatchAdvice(serde_json::from_value(value)?),
        "invoice" => Document::Invoice(serde_json::from_value(value)?),
        "catalogue" => Document::Catalogue(serde_json::from_value(value)?),
        "inventory_report" => Document::InventoryReport(serde_json::from_value(value)?),
        "cart" => Document::Cart(serde_json::from_value(value)?),
        other => {
            return Err(serde_json::Error::custom(format!(
                "no document type {other:?}"
            )))
        }
    })
}

/// Every (JSON pointer, value) of the scalar leaves of `value`.
pub fn leaves(value: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    example::leaves(value, "", &mut out);
    out
}

/// The JSON Schema of a canonical document type (`order`).
fn document_schema(kind: &str) -> Option<Value> {
    use crate::document::*;
    let schema = match kind {
        "order" => schemars::schema_for!(Order),
        "order_response" => schemars::schema_for!(OrderResponse),
        "order_change" => schemars::schema_for!(OrderChange),
        "despatch_advice" => schemars::schema_for!(DespatchAdvice),
        "invoice" => schemars::schema_for!(Invoice),
        "catalogue" => schemars::schema_for!(Catalogue),
        "inventory_report" => schemars::schema_for!(InventoryReport),
        "cart" => schemars::schema_for!(Cart),
        _ => return None,
    };
    serde_json::to_value(schema).ok()
}

/// A set of mapping files and code tables: the shipped ones, optionally
/// with a directory laid over them (a partner's overrides and tables).
pub struct Library {
    files: BTreeMap<String, String>,
    own: BTreeSet<String>,
    tables: Mutex<HashMap<String, Arc<CodeTable>>>,
}

/// The shipped mappings with the files under `dir` laid over them, every
/// file compiled; the first that does not compile is the error (file and
/// line).
pub fn load_overlaid(dir: Option<&Path>) -> Result<Vec<Mapping>, String> {
    let library = match dir {
        Some(dir) if dir.is_dir() => {
            Library::with_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?
        }
        _ => Library::embedded(),
    };
    let mut files: Vec<String> = library.mapping_files().collect();
    if dir.is_some_and(Path::is_dir) {
        // The shipped files stay in force under a directory that does not
        // replace them.
        let shipped: Vec<String> = Library::embedded()
            .mapping_files()
            .filter(|f| !files.contains(f))
            .collect();
        files.extend(shipped);
    }
    files
        .iter()
        .map(|f| {
            library.load(f).map_err(|e| {
                let shown = dir.map_or(f.clone(), |d| d.join(f).display().to_string());
                format!("{shown}:{}: {}", e.line, e.message)
            })
        })
        .collect()
}

impl Library {
    /// The shipped mappings.
    pub fn embedded() -> Library {
        let files: BTreeMap<String, String> = EMBEDDED
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let own = files.keys().cloned().collect();
        Library {
            files,
            own,
            tables: Mutex::new(HashMap::new()),
        }
    }

    /// The shipped mappings loaded once per process.
    pub fn shipped() -> &'static [Mapping] {
        static SHIPPED: OnceLock<Vec<Mapping>> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let library = Library::embedded();
            library
                .mapping_files()
                .filter_map(|f| match library.load(&f) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        tracing::error!(%e, "shipped mapping does not load");
                        None
                    }
                })
                .collect()
        })
    }

    /// The shipped mappings with the `.toml` files under `dir` laid over
    /// them (same relative path replaces; new files add).
    pub fn with_dir(dir: &Path) -> std::io::Result<Library> {
        let mut library = Library::embedded();
        library.own.clear();
        let mut found = Vec::new();
        collect_toml(dir, dir, &mut found)?;
        for (relative, path) in found {
            library
                .files
                .insert(relative.clone(), std::fs::read_to_string(path)?);
            library.own.insert(relative);
        }
        Ok(library)
    }

    /// The shipped mappings with one more file (a partner override). When
    /// the file sits in a mappings directory (an ancestor with `codes/`),
    /// that directory is laid over the shipped files too, so its code
    /// tables and bases are found. Returns the library, the file's name in
    /// it, and the directory names are relative to.
    pub fn with_file(path: &Path) -> std::io::Result<(Library, String, std::path::PathBuf)> {
        let absolute = std::fs::canonicalize(path)?;
        let root = absolute
            .ancestors()
            .skip(1)
            .find(|d| d.join("codes").is_dir())
            .map(Path::to_path_buf);
        let mut library = match &root {
            Some(root) => Library::with_dir(root)?,
            None => Library::embedded(),
        };
        library.own.clear();
        let root =
            root.unwrap_or_else(|| absolute.parent().unwrap_or(Path::new(".")).to_path_buf());
        let name = absolute
            .strip_prefix(&root)
            .unwrap_or(&absolute)
            .to_string_lossy()
            .replace('\\', "/");
        library
            .files
            .insert(name.clone(), std::fs::read_to_string(path)?);
        library.own.insert(name.clone());
        Ok((library, name, root))
    }

    /// The mapping files (not code tables) this library's own directory
    /// holds, sorted.
    pub fn mapping_files(&self) -> impl Iterator<Item = String> + '_ {
        self.own
            .iter()
            // codes/ holds code tables, cxml/ the cXML name tables.
            .filter(|p| !p.starts_with("codes/") && !p.starts_with("cxml/") && p.ends_with(".toml"))
            .cloned()
    }

    fn text(&self, file: &str) -> Result<&str, MappingError> {
        self.files
            .get(file)
            .map(String::as_str)
            .ok_or_else(|| MappingError {
                file: file.to_string(),
                line: 0,
                message: "no such mapping file".into(),
            })
    }

    fn table(&self, name: &str) -> Result<Arc<CodeTable>, String> {
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = tables.get(name) {
            return Ok(t.clone());
        }
        let path = format!("codes/{name}.toml");
        let text = self
            .files
            .get(&path)
            .ok_or_else(|| format!("no code table {name:?} (looked for {path})"))?;
        let table = Arc::new(CodeTable::parse(&path, text).map_err(|e| e.to_string())?);
        tables.insert(name.to_string(), table.clone());
        Ok(table)
    }

    /// Loads, checks and compiles one mapping file (relative path).
    pub fn load(&self, file: &str) -> Result<Mapping, MappingError> {
        let text = self.text(file)?;
        let parsed = file::parse(file, text)?;
        let (header, rules, tables) = self.resolve(file, parsed, 0)?;
        let fail = |message: String| MappingError {
            file: file.to_string(),
            line: 1,
            message,
        };
        let syntax = match header.syntax.as_deref() {
            Some("x12") => Syntax::X12,
            Some("edifact") => Syntax::Edifact,
            other => {
                return Err(fail(format!(
                    "syntax {other:?}: write \"x12\" or \"edifact\""
                )))
            }
        };
        let version = header
            .version
            .clone()
            .ok_or_else(|| fail("`version` is missing".into()))?;
        let message = header
            .message
            .clone()
            .ok_or_else(|| fail("`message` is missing".into()))?;
        let document = header
            .document
            .clone()
            .ok_or_else(|| fail("`document` is missing".into()))?;
        let catalog = match syntax {
            Syntax::X12 => Catalog::x12(),
            Syntax::Edifact => Catalog::edifact(),
        }
        .map_err(|e| fail(e.to_string()))?;
        let guide = catalog.exact(&version, &message).cloned().ok_or_else(|| {
            fail(format!(
                "no shipped {} guide for {version} {message}",
                syntax.name()
            ))
        })?;
        let schema = field::Schema::new(
            document_schema(&document)
                .ok_or_else(|| fail(format!("no canonical document {document:?}")))?,
        );
        let lookup = |name: &str| {
            let name = tables.get(name).map_or(name, String::as_str);
            self.table(name)
        };
        let hierarchy = match &header.hierarchy {
            Some(h) => {
                let position = |text: &str| {
                    locate::Position::parse(text).map_err(|m| fail(format!("hierarchy: {m}")))
                };
                Some(compile::Hierarchy {
                    loop_id: h.loop_id.clone(),
                    id: position(&h.id)?,
                    parent: position(&h.parent)?,
                })
            }
            None => None,
        };
        let cx = compile::Context {
            hierarchy: hierarchy.as_ref(),
            guide: &guide,
            schema: &schema,
            tables: &lookup,
        };
        let root = compile::compile_scope(&cx, &rules, &guide.root, schema.root())?;
        let tests = header
            .test
            .iter()
            .map(|t| (file::line_of(text, t.span().start), t.get_ref().clone()))
            .collect();
        Ok(Mapping {
            name: header.name,
            file: file.to_string(),
            syntax,
            version,
            message,
            document,
            guide,
            tests,
            hierarchy,
            root,
        })
    }

    /// Follows `base` links: the header fields come from the base, the
    /// rules are merged, code table substitutions accumulate.
    #[allow(clippy::type_complexity)]
    fn resolve(
        &self,
        file: &str,
        parsed: file::MappingFile,
        depth: usize,
    ) -> Result<
        (
            file::MappingFile,
            Vec<toml::Spanned<file::RuleFile>>,
            BTreeMap<String, String>,
        ),
        MappingError,
    > {
        let Some(base) = parsed.base.clone() else {
            let mut rules = parsed.rule.clone();
            file::expand(&mut rules, &parsed.template, &mut Vec::new())?;
            let tables = parsed.codes.clone();
            return Ok((parsed, rules, tables));
        };
        if depth > 8 {
            return Err(MappingError {
                file: file.to_string(),
                line: 1,
                message: "`base` links go round in a circle".into(),
            });
        }
        let base_file = format!("{}.toml", base.trim_end_matches(".toml"));
        let base_parsed = file::parse(&base_file, self.text(&base_file)?)?;
        let (base_header, mut rules, mut tables) =
            self.resolve(&base_file, base_parsed, depth + 1)?;
        // Rules of the base keep their own file for line numbers only in
        // the base; an override's errors point at the override.
        let removed: Vec<String> = parsed.remove.iter().map(|r| r.get_ref().clone()).collect();
        let mut over = parsed.rule.clone();
        let mut templates = base_header.template.clone();
        templates.extend(parsed.template.clone());
        file::expand(&mut over, &templates, &mut Vec::new())?;
        file::merge(&mut rules, &over, &removed);
        tables.extend(parsed.codes.clone());
        let header = file::MappingFile {
            name: parsed.name.clone(),
            base: parsed.base.clone(),
            syntax: parsed.syntax.clone().or(base_header.syntax),
            version: parsed.version.clone().or(base_header.version),
            message: parsed.message.clone().or(base_header.message),
            document: parsed.document.clone().or(base_header.document),
            hierarchy: parsed.hierarchy.clone().or(base_header.hierarchy),
            codes: tables.clone(),
            remove: Vec::new(),
            rule: Vec::new(),
            template: templates,
            test: parsed.test.clone(),
        };
        Ok((header, rules, tables))
    }
}

fn collect_toml(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, path));
        }
    }
    Ok(())
}
