//! Implementation guides: the standards as data, and the engine that reads
//! them.
//!
//! A guide describes one transaction set of one version: its structure
//! (segment order, loops, repeats) over a dictionary of segments, composites
//! and elements. The files live under `guides/` and are embedded at build
//! time; partner guides narrow a base guide for one trading partner.

mod check;
mod group;
mod load;
mod model;
mod partner;
mod walker;

pub use check::{
    check_notes, check_value, plainly_valid, printable_ascii, NoteViolation, ValueProblem,
};
pub use group::{group, LoopRepetition, Member};
pub use load::{parse_structure, GuideError};
pub use model::*;
pub use partner::{load_partner_guide, PartnerGuideError};
pub use walker::{Placement, StructureEvent, Walker};

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use load::{load_versions, VersionGuides};

/// Every guide file under `guides/`, as (path relative to `guides/`, text).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_guides.rs"));

/// All shipped guides of one standard, by version.
pub struct Catalog {
    standard: String,
    versions: BTreeMap<String, VersionGuides>,
}

/// How a guide was chosen for a set.
#[derive(Clone, Debug)]
pub struct GuideChoice {
    /// The guide.
    pub guide: Arc<SetGuide>,
    /// Set when the version asked for is not shipped and a neighbour was used.
    pub substituted_for: Option<String>,
}

impl Catalog {
    /// The guides embedded in the binary for `standard` (`x12`).
    pub fn embedded(standard: &str) -> Result<Catalog, GuideError> {
        Catalog::from_files(standard, EMBEDDED)
    }

    /// The embedded X12 guides, loaded once per process.
    pub fn x12() -> Result<&'static Catalog, GuideError> {
        static X12: OnceLock<Result<Catalog, GuideError>> = OnceLock::new();
        X12.get_or_init(|| Catalog::embedded("x12"))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The embedded UN/EDIFACT guides, loaded once per process.
    pub fn edifact() -> Result<&'static Catalog, GuideError> {
        static EDIFACT: OnceLock<Result<Catalog, GuideError>> = OnceLock::new();
        EDIFACT
            .get_or_init(|| Catalog::embedded("edifact"))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The EDIFACT message guide for UNH S009's version (0052), release
    /// (0054) and type (0065): the directory `D` + `96A` = `D96A`. CONTRL
    /// is a service message: its guide follows the syntax version it
    /// answers in (`D:3` → `syntax3`, `4:1` → `syntax4`).
    pub fn message(
        &self,
        version: &str,
        release: &str,
        message_type: &str,
    ) -> Option<&Arc<SetGuide>> {
        if message_type == "CONTRL" {
            let syntax = match (version, release) {
                ("4", _) => "syntax4",
                _ => "syntax3",
            };
            return self.exact(syntax, message_type);
        }
        self.exact(&format!("{version}{release}"), message_type)
    }

    /// Guides from `(path, text)` pairs laid out as under `guides/`.
    pub fn from_files(standard: &str, files: &[(&str, &str)]) -> Result<Catalog, GuideError> {
        let versions = load_versions(files, standard)?;
        tracing::debug!(
            standard,
            versions = versions.len(),
            sets = versions.values().map(|v| v.sets.len()).sum::<usize>(),
            "guides loaded"
        );
        Ok(Catalog {
            standard: standard.to_string(),
            versions,
        })
    }

    /// The standard these guides describe.
    pub fn standard(&self) -> &str {
        &self.standard
    }

    /// The shipped versions.
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.versions.keys().map(String::as_str)
    }

    /// The shipped set identifiers of `version`.
    pub fn sets(&self, version: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .versions
            .get(version)
            .map(|v| v.sets.keys().map(String::as_str).collect())
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// The dictionary of `version`.
    pub fn dictionary(&self, version: &str) -> Option<&Arc<Dictionary>> {
        self.versions.get(version).map(|v| &v.dictionary)
    }

    /// The guide for set `id` at exactly `version`.
    pub fn exact(&self, version: &str, id: &str) -> Option<&Arc<SetGuide>> {
        self.versions.get(version)?.sets.get(id)
    }

    /// The guide for set `id` under a version string as partners send it
    /// (`004010VICS`, `005010X231`, `004030`): the exact version when
    /// shipped, else the nearest earlier shipped version of the same major
    /// release (said in `substituted_for`).
    pub fn choose(&self, version: &str, id: &str) -> Option<GuideChoice> {
        let base = version
            .get(..6)
            .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))?;
        if let Some(guide) = self.exact(base, id) {
            return Some(GuideChoice {
                guide: guide.clone(),
                substituted_for: None,
            });
        }
        let major = &base[..4];
        self.versions
            .iter()
            .rev()
            .filter(|(v, _)| v.starts_with(major) && v.as_str() <= base)
            .find_map(|(_, guides)| guides.sets.get(id))
            .map(|guide| GuideChoice {
                guide: guide.clone(),
                substituted_for: Some(base.to_string()),
            })
    }
}
