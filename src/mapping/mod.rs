//! Mappings between partner formats and the canonical documents, as data
//! files under `mappings/` (embedded at build time).
//!
//! So far: code tables, which translate one code list into another both
//! ways (X12 unit codes ↔ UN/ECE Rec 20). The rule engine that maps whole
//! documents builds on them.

mod codes;

pub use codes::{CodeTable, CodeTableError};

/// Every file under `mappings/`, as (path relative to `mappings/`, text).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_mappings.rs"));

/// The shipped code table in `mappings/codes/<name>.toml`.
pub fn code_table(name: &str) -> Result<&'static CodeTable, CodeTableError> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
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
