//! What `serve` runs with: a TOML file (`--config`), every key optional,
//! with `DATABASE_URL` and `EDIGATE_LISTEN` from the environment winning.
//! Without either, it is the demo: SQLite under `var/`, the connectors,
//! mappings and world file of the working directory, 127.0.0.1:8080.

use crate::gateway::Us;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Why the configuration does not load.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// The line (0 when about the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Our identities as written in the configuration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsFile {
    x12_qualifier: Option<String>,
    x12_id: Option<String>,
    edifact_id: Option<String>,
    edifact_qualifier: Option<String>,
    cxml_domain: Option<String>,
    cxml_identity: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    amqp_url: Option<String>,
    data_dir: Option<PathBuf>,
    connectors: Option<PathBuf>,
    mappings: Option<PathBuf>,
    world: Option<PathBuf>,
    public_url: Option<String>,
    #[serde(default)]
    us: UsFile,
}

/// The server's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The store's URL; an SQLite file under `data_dir` when absent.
    pub database_url: Option<String>,
    /// RabbitMQ's URL; the store-backed bus when absent.
    pub amqp_url: Option<String>,
    /// The bus queue's name.
    pub bus_queue: String,
    /// Where the SQLite file lives.
    pub data_dir: PathBuf,
    /// Connector files.
    pub connectors: PathBuf,
    /// Mapping files laid over the shipped ones.
    pub mappings: PathBuf,
    /// The world applied to an empty store, if the file exists.
    pub world: Option<PathBuf>,
    /// Where relative paths in connector files start.
    pub base_dir: PathBuf,
    /// Where browsers reach us; the listening address when absent.
    pub public_url: Option<String>,
    us: UsFile,
}

impl Default for Config {
    fn default() -> Self {
        Config::in_dir(Path::new("."))
    }
}

impl Config {
    /// The demo defaults, relative to `dir`.
    pub fn in_dir(dir: &Path) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            amqp_url: None,
            bus_queue: "edigate.deliveries".into(),
            data_dir: dir.join("var"),
            connectors: dir.join("connectors"),
            mappings: dir.join("mappings"),
            world: Some(dir.join("demo/world.toml")),
            base_dir: dir.to_path_buf(),
            public_url: None,
            us: UsFile::default(),
        }
    }

    /// The defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        if let Some(path) = file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                file: shown.clone(),
                line: 0,
                message: e.to_string(),
            })?;
            let read: File = toml::from_str(&text).map_err(|e| ConfigError {
                file: shown,
                line: e
                    .span()
                    .map_or(0, |s| text[..s.start].matches('\n').count() + 1),
                message: e.message().to_string(),
            })?;
            let base = path.parent().unwrap_or(Path::new("."));
            let at = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
            config.listen = read.listen.unwrap_or(config.listen);
            config.database_url = read.database_url;
            config.amqp_url = read.amqp_url;
            config.data_dir = read.data_dir.map(at).unwrap_or(config.data_dir);
            config.connectors = read.connectors.map(at).unwrap_or(config.connectors);
            config.mappings = read.mappings.map(at).unwrap_or(config.mappings);
            config.world = read.world.map(at).or(config.world);
            config.base_dir = base.to_path_buf();
            config.public_url = read.public_url;
            config.us = read.us;
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.is_empty() {
                config.database_url = Some(url);
            }
        }
        if let Ok(url) = std::env::var("AMQP_URL") {
            if !url.is_empty() {
                config.amqp_url = Some(url);
            }
        }
        if let Ok(url) = std::env::var("EDIGATE_PUBLIC_URL") {
            if !url.is_empty() {
                config.public_url = Some(url);
            }
        }
        if let Ok(listen) = std::env::var("EDIGATE_LISTEN") {
            config.listen = listen.parse().map_err(|e| ConfigError {
                file: "EDIGATE_LISTEN".into(),
                line: 0,
                message: format!("{listen:?}: {e}"),
            })?;
        }
        Ok(config)
    }

    /// The store's URL.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let _ = std::fs::create_dir_all(&self.data_dir);
                format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join("edigate.db").display()
                )
            }
        }
    }

    /// Our identities.
    pub fn us(&self) -> Us {
        let d = Us::default();
        let or =
            |v: &Option<String>, default: &String| v.clone().unwrap_or_else(|| default.clone());
        Us {
            x12: (
                or(&self.us.x12_qualifier, &d.x12.0),
                or(&self.us.x12_id, &d.x12.1),
            ),
            edifact: (
                or(&self.us.edifact_id, &d.edifact.0),
                or(&self.us.edifact_qualifier, &d.edifact.1),
            ),
            cxml: (
                or(&self.us.cxml_domain, &d.cxml.0),
                or(&self.us.cxml_identity, &d.cxml.1),
            ),
        }
    }
}
